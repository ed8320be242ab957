/**
 * audit's DUPLICATE_IDENTITY (src/core/audit-findings.ts duplicateFindings): which listings hold one
 * OIDC, Azure or GCP identity on several users, one line per listing, each expected result whole
 * (every DUPLICATE_IDENTITY finding with its user, identity and detail). AWS identities are never
 * compared: Snowflake refuses a second user with the same stored AWS identity (FACTS).
 */
import { describe, expect, it } from 'vitest';
import { auditFindings, type AuditIdentity, type AuditUser } from '../../src/core/audit-findings.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const AZURE_ISSUER = 'https://login.microsoftonline.com/0b8f4c5e-1f2a-4d3b-9c8d-7e6f5a4b3c2d/v2.0';
const AZURE_OID = '6d1c2b3a-4e5f-4a7b-8c9d-0e1f2a3b4c5d';
const GITHUB = 'https://token.actions.githubusercontent.com';
const GCP_ID = '117654321098765432109';

/** An identity as the listing gives it: nothing but `over` set. */
const listed = (type: string, over: Partial<AuditIdentity>): AuditIdentity => ({
  name: 'DEFAULT',
  type,
  awsPartition: null,
  awsAccount: null,
  identityType: null,
  iamRole: null,
  issuer: null,
  lastUsed: null,
  createdOn: null,
  disabled: null,
  ...over,
});
const role = (iamRole: string, over: Partial<AuditIdentity> = {}) => listed('AWS', { awsPartition: 'aws', awsAccount: '123456789012', identityType: 'IAM_ROLE', iamRole, ...over });
const azure = (over: Partial<AuditIdentity> = {}) => listed('AZURE', { issuer: AZURE_ISSUER, subject: AZURE_OID, ...over });
const gcp = (subject: string, over: Partial<AuditIdentity> = {}) => listed('GCP', { subject, ...over });
const oidc = (over: Partial<AuditIdentity> = {}) => listed('OIDC', { issuer: GITHUB, subject: 'repo:o/r:environment:prod', audienceList: ['snowflakecomputing.com'], ...over });
const service = (name: string, identities: AuditIdentity[]): AuditUser => ({ name, type: 'SERVICE', disabled: false, defaultRole: null, identities, identitiesListed: true });

const UNDOCUMENTED = 'a token maps to one of them, and which is not documented';
const dup = (user: string, identity: string, detail: string) => ({ user, identity, severity: 'warn', detail: `${detail}: ${UNDOCUMENTED}` });
const duplicates = (users: AuditUser[]) =>
  auditFindings({ users, role: null, now: NOW })
    .findings.filter((finding) => finding.code === 'DUPLICATE_IDENTITY')
    .map(({ user, identity, severity, detail }) => ({ user, identity, severity, detail }));

const AZURE_HELD = `issuer ${AZURE_ISSUER}, subject ${AZURE_OID}`;

describe('DUPLICATE_IDENTITY: one token identity, several users', () => {
  it.each<[string, AuditUser[], Array<ReturnType<typeof dup>>]>([
    ['two users with one Azure issuer and object ID', [service('A', [azure()]), service('B', [azure()])], [dup('A', 'DEFAULT', `A, B all hold ${AZURE_HELD}`), dup('B', 'DEFAULT', `A, B all hold ${AZURE_HELD}`)]],
    ['Azure: the same object ID under another issuer is another identity', [service('A', [azure()]), service('B', [azure({ issuer: 'https://sts.windows.net/0b8f4c5e-1f2a-4d3b-9c8d-7e6f5a4b3c2d/' })])], []],
    ['Azure: another object ID', [service('A', [azure()]), service('B', [azure({ subject: '00000000-4e5f-4a7b-8c9d-0e1f2a3b4c5d' })])], []],
    ['Azure listed without an issuer: not compared', [service('A', [azure({ issuer: null })]), service('B', [azure({ issuer: null })])], []],
    ['the TYPE is compared without case', [service('A', [azure()]), service('B', [azure({ type: 'azure' })])], [dup('A', 'DEFAULT', `A, B all hold ${AZURE_HELD}`), dup('B', 'DEFAULT', `A, B all hold ${AZURE_HELD}`)]],
    ['two users with one GCP unique ID', [service('A', [gcp(GCP_ID)]), service('B', [gcp(GCP_ID)])], [dup('A', 'DEFAULT', `A, B all hold GCP subject ${GCP_ID}`), dup('B', 'DEFAULT', `A, B all hold GCP subject ${GCP_ID}`)]],
    ['GCP: another unique ID', [service('A', [gcp(GCP_ID)]), service('B', [gcp('117654321098765432100')])], []],
    ['GCP listed with an empty SUBJECT: not compared', [service('A', [gcp('')]), service('B', [gcp('')])], []],
    // Snowflake refuses the second registration ("AWS Authenticator … already exists"): such a listing cannot come from it.
    ['AWS: one role on two users is not compared', [service('A', [role('my-fn-role')]), service('B', [role('my-fn-role')])], []],
    ['AWS: one IAM user on two users is not compared', [service('A', [role('ci', { identityType: 'IAM_USER' })]), service('B', [role('ci', { identityType: 'IAM_USER' })])], []],
    ['AWS fields with an issuer and subject too: still AWS, not compared', [service('A', [role('my-fn-role', { issuer: GITHUB, subject: 's' })]), service('B', [role('my-fn-role', { issuer: GITHUB, subject: 's' })])], []],
    ['one issuer and subject under OIDC and AZURE: two providers, two identities', [service('A', [oidc({ issuer: AZURE_ISSUER, subject: AZURE_OID })]), service('B', [azure()])], []],
    ['an unknown provider is not compared', [service('A', [listed('FUTURE', { issuer: GITHUB, subject: 's' })]), service('B', [listed('FUTURE', { issuer: GITHUB, subject: 's' })])], []],
    ['one user holding it twice (DEFAULT and a named identity) is one holder', [service('A', [gcp(GCP_ID), gcp(GCP_ID, { name: 'OLD' })])], []],
    ['a named identity holds it: the finding names that identity', [service('A', [gcp(GCP_ID), gcp(GCP_ID, { name: 'OLD' })]), service('B', [gcp('117654321098765432100'), gcp(GCP_ID, { name: 'NEW' })])], [dup('A', 'DEFAULT', `A, B all hold GCP subject ${GCP_ID}`), dup('B', 'NEW', `A, B all hold GCP subject ${GCP_ID}`)]],
    ['GCP: an issuer listed or not, the SUBJECT is the identity', [service('A', [gcp(GCP_ID, { issuer: 'https://accounts.google.com' })]), service('B', [gcp(GCP_ID)])], [dup('A', 'DEFAULT', `A, B all hold GCP subject ${GCP_ID}`), dup('B', 'DEFAULT', `A, B all hold GCP subject ${GCP_ID}`)]],
    ['OIDC as before', [service('A', [oidc()]), service('B', [oidc()]), service('C', [oidc({ subject: 'repo:o/r:environment:dev' })])], [dup('A', 'DEFAULT', `A, B all hold issuer ${GITHUB}, subject repo:o/r:environment:prod`), dup('B', 'DEFAULT', `A, B all hold issuer ${GITHUB}, subject repo:o/r:environment:prod`)]],
  ])('%s', (_name, users, expected) => {
    expect(duplicates(users)).toEqual(expected);
  });

  it('five holders are named, the rest counted; each holder gets its finding', () => {
    const names = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7'];
    const detail = `U1, U2, U3, U4, U5 and 2 more all hold GCP subject ${GCP_ID}`;
    expect(duplicates(names.map((name) => service(name, [gcp(GCP_ID)])))).toEqual(names.map((name) => dup(name, 'DEFAULT', detail)));
    const five = names.slice(0, 5);
    expect(duplicates(five.map((name) => service(name, [gcp(GCP_ID)])))[0]?.detail).toBe(`U1, U2, U3, U4, U5 all hold GCP subject ${GCP_ID}: ${UNDOCUMENTED}`);
    const six = names.slice(0, 6);
    expect(duplicates(six.map((name) => service(name, [gcp(GCP_ID)])))[0]?.detail).toBe(`U1, U2, U3, U4, U5 and 1 more all hold GCP subject ${GCP_ID}: ${UNDOCUMENTED}`);
  });
});
