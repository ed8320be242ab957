/**
 * Specification of the OIDC registration fragment (src/providers/oidc/sql.ts): the
 * `WORKLOAD_IDENTITY = (TYPE = OIDC …)` clause and the one ALTER USER a fix shows. Values are quoted
 * as gen-sql quotes them; what cannot be written safely becomes a placeholder, never SQL.
 */
import { describe, expect, it } from 'vitest';
import { oidcIdentityClause, registrationSql } from '../../src/providers/oidc/sql.js';

type Oidc = { type: 'OIDC'; issuer: string; subject: string; audienceList: string[] };
const GITHUB = 'https://token.actions.githubusercontent.com';
const oidc = (issuer: string, subject: string, audienceList: string[]): Oidc => ({ type: 'OIDC', issuer, subject, audienceList });
const PLACEHOLDER = "WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '<issuer>' SUBJECT = '<subject>' OIDC_AUDIENCE_LIST = ('<audience>'))";

// Registrations that can be written: every value a quoted literal, the audience list always explicit.
describe('oidcIdentityClause: what the token says, quoted', () => {
  it.each<[string, Oidc, string]>([
    ['GitHub Actions, an environment', oidc(GITHUB, 'repo:acme/api:environment:production', ['snowflakecomputing.com']), `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB}' SUBJECT = 'repo:acme/api:environment:production' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'))`],
    ['EKS, two audiences', oidc('https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', 'system:serviceaccount:etl:loader', ['sts.amazonaws.com', 'myorg-myacct']), "WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' SUBJECT = 'system:serviceaccount:etl:loader' OIDC_AUDIENCE_LIST = ('sts.amazonaws.com', 'myorg-myacct'))"],
    ["a quote and a backslash are escaped", oidc('https://gitlab.example.com', "project_path:o'brien/app\\x:ref_type:branch:ref:main", ['https://gitlab.example.com']), "WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://gitlab.example.com' SUBJECT = 'project_path:o''brien/app\\\\x:ref_type:branch:ref:main' OIDC_AUDIENCE_LIST = ('https://gitlab.example.com'))"],
    ['a subject of 255 characters (the limit)', oidc(GITHUB, 's'.repeat(255), ['snowflakecomputing.com']), `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB}' SUBJECT = '${'s'.repeat(255)}' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'))`],
  ])('%s', (_name, registration, sql) => {
    expect(oidcIdentityClause(registration)).toBe(sql);
  });

  // Registrations that cannot be written safely: placeholders, never the value.
  it.each<[string, Oidc]>([
    ['no audience (Snowflake would accept any account\'s token)', oidc(GITHUB, 'repo:acme/api:ref:refs/heads/main', [])],
    ['a subject of 256 characters', oidc(GITHUB, 's'.repeat(256), ['snowflakecomputing.com'])],
    ['an issuer of 2,049 characters', oidc(`https://issuer.example.com/${'a'.repeat(2_049 - 27)}`, 'sub', ['snowflakecomputing.com'])],
    ['a newline in the subject (an attacker ending the statement)', oidc(GITHUB, "repo:acme/api:ref:refs/heads/main');\nDROP USER ADMIN;--", ['snowflakecomputing.com'])],
    ['a NUL in the audience', oidc(GITHUB, 'repo:acme/api:pull_request', ['snowflake\u0000computing.com'])],
    ['an empty issuer', oidc('', 'repo:acme/api:pull_request', ['snowflakecomputing.com'])],
  ])('%s', (_name, registration) => {
    expect(oidcIdentityClause(registration)).toBe(PLACEHOLDER);
  });
});

// The user: as typed on --expect-user (unquoted → upper case, "quoted" kept), a placeholder kept as it is, or a placeholder for a name that cannot be written.
describe('registrationSql: one ALTER USER', () => {
  const registration = oidc(GITHUB, 'repo:acme/api:environment:production', ['snowflakecomputing.com']);
  const clause = `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB}' SUBJECT = 'repo:acme/api:environment:production' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'))`;
  it.each<[string, string, string]>([
    ['an unquoted name, upper-cased', 'gha_api', 'GHA_API'],
    ['already upper case', 'GHA_API', 'GHA_API'],
    ['a quoted name keeps its case', '"Gha Api"', '"Gha Api"'],
    ['a name with a space is quoted', 'gha api', '"gha api"'],
    ['a reserved word is quoted as typed (as gen-sql writes it)', 'select', '"select"'],
    ['a name ending in "<" is a name, quoted', 'loader<', '"loader<"'],
    ['the placeholder', '<your user>', '<your user>'],
    ['another placeholder', '<expected user>', '<expected user>'],
    ['a name of 256 characters cannot be written', 'u'.repeat(256), '<your user>'],
    ['a newline in the name cannot be written', 'gha_api\nDROP USER ADMIN', '<your user>'],
    ['an empty name', '', '<your user>'],
  ])('%s', (_name, user, shown) => {
    expect(registrationSql(user, registration, 'alter')).toBe(`ALTER USER ${shown} SET ${clause};`);
  });

  it('a registration that cannot be written: the placeholders, for any user', () => {
    expect(registrationSql('gha_api', oidc(GITHUB, 'repo:acme/api:pull_request', []), 'alter')).toBe(`ALTER USER GHA_API SET ${PLACEHOLDER};`);
  });
});
