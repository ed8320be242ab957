/**
 * How names and literals end up in SQL (src/core/sql.ts), at the edges of each rule, one line per
 * case: the name Snowflake stores for what a person typed, the SQL that refers to a stored name,
 * the limits of literals, the warnings gen-sql prints, and the JWT method's ISSUER.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultUserNameFor,
  generateSql,
  identifierForStoredName,
  identifierForTypedName,
  quoteIdentifier,
  quoteStringLiteral,
  quoteTypedIdentifier,
  storedIdentifierName,
} from '../../src/core/sql.js';

const ARN = 'arn:aws:iam::123456789012:role/my-fn-role';
const ISSUER = 'https://a1b2.tokens.sts.global.api.aws';

describe('storedIdentifierName: the name Snowflake stores for what a person typed', () => {
  it.each([
    ['svc', 'SVC'],
    ['My_User', 'MY_USER'],
    [' svc ', 'SVC'],
    ['"Svc"', 'Svc'],
    [' "Svc" ', 'Svc'],
    ['"a""b"', 'a"b'],
    ['my-user', 'my-user'],
    ['select', 'select'],
    ['1abc', '1abc'],
    ['a'.repeat(255), 'A'.repeat(255)],
    ['a'.repeat(256), 'a'.repeat(256)], // too long to be an unquoted identifier: kept as typed
  ])('%j → %j', (typed, stored) => {
    expect(storedIdentifierName(typed)).toBe(stored);
  });
});

describe('identifierForStoredName: SQL that refers to exactly that stored name', () => {
  it.each([
    ['SVC', 'SVC'],
    ['MY_USER$1', 'MY_USER$1'],
    ['svc', '"svc"'],
    ['Svc', '"Svc"'],
    ['My User', '"My User"'],
    ['a"b', '"a""b"'],
    ['SELECT', '"SELECT"'],
    ['IF', '"IF"'],
    ['1ABC', '"1ABC"'],
    ['', undefined],
    ['x\u0000', undefined],
    ['ad\u200bmin', undefined],
    ['A'.repeat(256), undefined],
  ])('%j → %j', (name, sql) => {
    expect(identifierForStoredName(name)).toBe(sql);
  });

  it.each([
    ['svc', 'SVC'],
    [' svc ', 'SVC'],
    ['"svc"', '"svc"'],
    ['"SVC"', 'SVC'],
    ['my user', '"my user"'],
  ])('identifierForTypedName(%j) → %j', (typed, sql) => {
    expect(identifierForTypedName(typed)).toBe(sql);
  });
});

describe('limits and default labels', () => {
  it.each([
    ['a literal of 1,024 characters', quoteStringLiteral('x'.repeat(1_024)), { ok: true, sql: `'${'x'.repeat(1_024)}'` }],
    ['a literal of 1,025 characters, no label given', quoteStringLiteral('x'.repeat(1_025)), { ok: false, error: 'string is 1025 characters long; at most 1024 are allowed' }],
    ['a literal with a control character, no label given', quoteStringLiteral('a\u0000'), { ok: false, error: 'string contains a control character (U+0000) at character 2' }],
    ['an empty quoted name, no label given', quoteTypedIdentifier('""'), { ok: false, error: 'identifier is empty: "" names no identifier' }],
    ['a name with a control character, no label given', quoteTypedIdentifier('a\u0000'), { ok: false, error: 'identifier contains a control character (U+0000) at character 2' }],
    ['an empty name, no label given', quoteTypedIdentifier(''), { ok: false, error: 'identifier is empty' }],
    ['an identifier of 255 emoji', quoteIdentifier('😀'.repeat(255)), { ok: true, sql: `"${'😀'.repeat(255)}"` }],
  ])('%s', (_name, result, expected) => {
    expect(result).toEqual(expected);
  });

  it.each([
    ['a 300-character role name starting with a digit', `1${'x'.repeat(300)}`, `WIF_1${'X'.repeat(250)}`],
    ['a 255-character role name', 'r'.repeat(255), 'R'.repeat(255)],
    ['runs of underscores collapse, so a reserved word with a suffix is a name', `select${'_'.repeat(250)}x`, 'SELECT_X'],
  ])('defaultUserNameFor: %s', (_name, principal, user) => {
    expect(defaultUserNameFor(principal)).toBe(user);
    expect(user.length).toBeLessThanOrEqual(255);
  });
});

describe('gen-sql warnings about the names typed', () => {
  const CASE_SENSITIVE = (emitted: string) => `user name ${emitted} is case-sensitive: log in / compare with it exactly`;
  const STRAY_QUOTES = 'user name starts and ends with \'"\' but is not a valid quoted identifier (a \'"\' inside must be doubled): those quotes become part of the name';
  it.each([
    ['a lone double quote', '"', '""""', [CASE_SENSITIVE('""""')]],
    ['a quote at the end only', 'a"', '"a"""', [CASE_SENSITIVE('"a"""')]],
    ['a quote at the start only', '"a', '"""a"', [CASE_SENSITIVE('"""a"')]],
    ['quotes around a name with an undoubled quote inside', '"a"b"', '"""a""b"""', [STRAY_QUOTES, CASE_SENSITIVE('"""a""b"""')]],
    ['a valid quoted name', '"Svc"', '"Svc"', [CASE_SENSITIVE('"Svc"')]],
    ['a plain lower-case name', 'svc', 'svc', ['user name svc is not quoted, so Snowflake stores it upper-case: SVC']],
    ['a plain upper-case name', 'SVC', 'SVC', []],
    ['a quoted reserved word is not called reserved (the person quoted it)', '"SELECT"', '"SELECT"', [CASE_SENSITIVE('"SELECT"')]],
  ])('%s: %j', (_name, user, emitted, warnings) => {
    expect(generateSql({ arn: ARN, user, verify: false })).toEqual({
      ok: true,
      sql: [`CREATE USER ${emitted}`, `  WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${ARN}')`, '  TYPE = SERVICE;'].join('\n'),
      user: emitted,
      warnings,
    });
  });

  it.each([
    ['aws', 'arn:aws:iam::123456789012:role/r', []],
    ['aws-cn', 'arn:aws-cn:iam::123456789012:role/r', []],
    ['aws-us-gov', 'arn:aws-us-gov:iam::123456789012:user/u', []],
    ['a path', 'arn:aws:iam::123456789012:role/service-role/r', ['ARN arn:aws:iam::123456789012:role/service-role/r is not of the form arn:<partition>:iam::<account>:role/<name> (or user/<name>): Snowflake matches IAM roles and users by name, without a path']],
    ['an 11-digit account', 'arn:aws:iam::12345678901:role/r', ['ARN arn:aws:iam::12345678901:role/r is not of the form arn:<partition>:iam::<account>:role/<name> (or user/<name>): Snowflake matches IAM roles and users by name, without a path']],
  ])('the registered ARN in partition %s: %s', (_name, arn, warnings) => {
    expect(generateSql({ arn, user: 'U', verify: false })).toMatchObject({ ok: true, warnings });
  });
});

describe('the mode flags', () => {
  it.each([
    ['OR REPLACE and IF NOT EXISTS together', { orReplace: true, ifNotExists: true }, 'orReplace and ifNotExists cannot be combined: choose one'],
    ['ALTER with OR REPLACE', { mode: 'alter', orReplace: true }, 'orReplace and ifNotExists apply only to CREATE USER, not to ALTER USER'],
    ['ALTER with IF NOT EXISTS', { mode: 'alter', ifNotExists: true }, 'orReplace and ifNotExists apply only to CREATE USER, not to ALTER USER'],
  ] as const)('%s is refused', (_name, flags, error) => {
    expect(generateSql({ arn: ARN, user: 'U', ...flags })).toEqual({ ok: false, error });
  });

  it.each([
    ['OR REPLACE false', { orReplace: false }, 'CREATE USER U'],
    ['IF NOT EXISTS false', { ifNotExists: false }, 'CREATE USER U'],
    ['OR REPLACE with IF NOT EXISTS false', { orReplace: true, ifNotExists: false }, 'CREATE OR REPLACE USER U'],
  ] as const)('%s', (_name, flags, first) => {
    const result = generateSql({ arn: ARN, user: 'U', verify: false, ...flags });
    expect(result.ok && result.sql.split('\n')[0]).toBe(first);
  });
});

describe("the JWT method's ISSUER goes next to the ARN", () => {
  it.each([
    ['CREATE', {}, ['CREATE USER U', `  WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${ARN}' ISSUER = '${ISSUER}')`, '  TYPE = SERVICE;'], []],
    ['ALTER', { mode: 'alter' }, [`ALTER USER U SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${ARN}' ISSUER = '${ISSUER}');`], ["ALTER USER keeps the user's TYPE: workload identity federation needs TYPE = SERVICE"]],
  ] as const)('%s', (_name, mode, lines, warnings) => {
    expect(generateSql({ arn: ARN, user: 'U', issuer: ISSUER, verify: false, ...mode })).toEqual({ ok: true, sql: lines.join('\n'), user: 'U', warnings });
  });

  it.each([
    ["a quote in the issuer is escaped", "https://x'y", `ISSUER = 'https://x''y'`],
    ['a backslash in the issuer is escaped', 'https://x\\y', `ISSUER = 'https://x\\\\y'`],
  ])('%s', (_name, issuer, fragment) => {
    const result = generateSql({ arn: ARN, user: 'U', issuer, verify: false });
    expect(result.ok && result.sql).toContain(fragment);
  });

  it('an issuer with a control character is refused, named as the issuer', () => {
    expect(generateSql({ arn: ARN, user: 'U', issuer: "x'\n" })).toEqual({ ok: false, error: 'issuer contains a control character (U+000A) at character 3' });
  });
});
