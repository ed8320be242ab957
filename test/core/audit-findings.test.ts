/** The audit rules, one line per case: users and identities in, findings (code, severity, fix) out. */
import { describe, expect, it } from 'vitest';
import {
  auditFindings,
  countFindings,
  lookupTargetFor,
  parseAwsAccounts,
  parseStaleDays,
  sortFindings,
  type AuditIdentity,
  type AuditUser,
  type Finding,
} from '../../src/core/audit-findings.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000).toISOString();

const identity = (over: Partial<AuditIdentity> = {}): AuditIdentity => ({
  name: 'DEFAULT',
  type: 'AWS',
  awsPartition: 'aws',
  awsAccount: '123456789012',
  identityType: 'IAM_ROLE',
  iamRole: 'my-fn-role',
  issuer: 'https://x.tokens.sts.global.api.aws',
  lastUsed: daysAgo(1),
  createdOn: daysAgo(400),
  disabled: null,
  ...over,
});
const user = (over: Partial<AuditUser> = {}, identities: AuditIdentity[] = [identity()]): AuditUser => ({
  name: 'SVC',
  type: 'SERVICE',
  disabled: false,
  defaultRole: null,
  identities,
  identitiesListed: true,
  ...over,
});

const findings = (users: AuditUser[], extra: Partial<Parameters<typeof auditFindings>[0]> = {}) => auditFindings({ users, role: 'AUDITOR_ROLE', now: NOW, ...extra }).findings;
const only = (list: Finding[]) => list.map(({ code, severity, fix }) => ({ code, severity, ...(fix ? { fix } : {}) }));

describe('auditFindings: one rule per line', () => {
  it.each<[string, AuditUser, Array<{ code: string; severity: string; fix?: string }>]>([
    ['a healthy, JWT-ready service user', user(), []],
    [
      'iamRole service-role: registered with a path',
      user({}, [identity({ iamRole: 'service-role' })]),
      [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', fix: "ALTER USER SVC SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/<role name>');" }],
    ],
    ['iamRole aws-reserved (SSO)', user({}, [identity({ iamRole: 'aws-reserved' })]), [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', fix: expect.stringContaining('role/<role name>') as unknown as string }]],
    ['iamRole sso.amazonaws.com', user({}, [identity({ iamRole: 'sso.amazonaws.com' })]), [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', fix: expect.any(String) as unknown as string }]],
    ['a path segment on a named identity: no fix (its syntax is not documented)', user({}, [identity({ name: 'OLD', iamRole: 'service-role' })]), [{ code: 'PATH_SEGMENT_ROLE', severity: 'error' }]],
    ['an IAM user named service-role is not a path', user({}, [identity({ identityType: 'IAM_USER', iamRole: 'service-role' })]), []],
    ['the partition is kept in the fix', user({}, [identity({ awsPartition: 'aws-us-gov', iamRole: 'service-role' })]), [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', fix: expect.stringContaining("'arn:aws-us-gov:iam::123456789012:role/<role name>'") as unknown as string }]],
    ['a PERSON user', user({ type: 'PERSON' }), [{ code: 'NOT_SERVICE_USER', severity: 'warn', fix: 'ALTER USER SVC SET TYPE = SERVICE;' }]],
    ['no TYPE at all', user({ type: null }), [{ code: 'NOT_SERVICE_USER', severity: 'warn', fix: 'ALTER USER SVC SET TYPE = SERVICE;' }]],
    ['SERVICE_AGENT is fine', user({ type: 'SERVICE_AGENT' }), []],
    ['a disabled user', user({ disabled: true }), [{ code: 'USER_DISABLED', severity: 'warn', fix: 'ALTER USER SVC SET DISABLED = FALSE;' }]],
    ['a disabled identity', user({}, [identity({ name: 'K2', disabled: true })]), [{ code: 'IDENTITY_DISABLED', severity: 'warn', fix: 'ALTER USER SVC MODIFY WORKLOAD IDENTITY K2 SET DISABLED = FALSE;' }]],
    ['never used', user({}, [identity({ lastUsed: null })]), [{ code: 'NEVER_USED', severity: 'info' }]],
    ['used 91 days ago', user({}, [identity({ lastUsed: daysAgo(91) })]), [{ code: 'STALE', severity: 'info' }]],
    ['used 89 days ago', user({}, [identity({ lastUsed: daysAgo(89) })]), []],
    ['no ISSUER', user({}, [identity({ issuer: null })]), [{ code: 'NO_ISSUER', severity: 'info' }]],
    ['a non-AWS identity has no AWS rules', user({}, [identity({ type: 'OIDC', issuer: null, iamRole: 'service-role', awsAccount: '999999999999' })]), []],
    [
      'identities not listable',
      user({ identitiesListed: false }, []),
      [{ code: 'INSUFFICIENT_PRIVILEGES', severity: 'warn', fix: 'GRANT MONITOR ON USER SVC TO ROLE AUDITOR_ROLE;' }],
    ],
    ['a quoted user name is quoted in the fix', user({ name: 'Svc "x"', disabled: true }), [{ code: 'USER_DISABLED', severity: 'warn', fix: 'ALTER USER "Svc ""x""" SET DISABLED = FALSE;' }]],
    ['a name that cannot be written safely gets no fix', user({ name: 'SVC\u202e', disabled: true }), [{ code: 'USER_DISABLED', severity: 'warn' }]],
    ['a hostile account cannot inject into the literal', user({}, [identity({ iamRole: 'service-role', awsAccount: "1'; DROP USER x; --" })]), [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', fix: expect.stringContaining("1''; DROP USER x; --") as unknown as string }]],
  ])('%s', (_name, input, expected) => {
    expect(only(findings([input]))).toEqual(expected);
  });

  it('--stale-days', () => {
    expect(only(findings([user({}, [identity({ lastUsed: daysAgo(31) })])], { staleDays: 30 }))).toEqual([{ code: 'STALE', severity: 'info' }]);
  });

  it('--aws-account: identities elsewhere are foreign', () => {
    const users = [user({}, [identity({ awsAccount: '210987654321' })])];
    expect(only(findings(users, { awsAccounts: ['123456789012'] }))).toEqual([{ code: 'FOREIGN_AWS_ACCOUNT', severity: 'warn' }]);
    expect(findings(users, { awsAccounts: ['210987654321'] })).toEqual([]);
    expect(findings(users)).toEqual([]);
  });
});

describe('reverse lookup', () => {
  const account = [
    user({ name: 'LAMBDA_LOADER' }, [identity({ iamRole: 'service-role' })]),
    user({ name: 'SSO' }, [identity({ iamRole: 'aws-reserved' })]),
    user({ name: 'ETL' }, [identity({ iamRole: 'etl-role' })]),
    user({ name: 'ALICE' }, [identity({ identityType: 'IAM_USER', iamRole: 'alice' })]),
    user({ name: 'OTHER_ACCOUNT' }, [identity({ awsAccount: '210987654321', iamRole: 'service-role' })]),
  ];
  const lookUp = (arn: string) => {
    const target = lookupTargetFor(arn);
    if (!target.ok) throw new Error(target.error);
    return auditFindings({ users: account, role: null, now: NOW, lookup: target.target });
  };

  it.each([
    ['arn:aws:iam::123456789012:role/etl-role', ['ETL'], []],
    ['arn:aws:sts::123456789012:assumed-role/etl-role/session', ['ETL'], []],
    ['arn:aws:iam::123456789012:user/division/alice', ['ALICE'], []],
    // The console path names the segment that was stored.
    ['arn:aws:iam::123456789012:role/service-role/my-fn-role', [], ['LAMBDA_LOADER']],
    // No path: any path-registered user in the account may be it.
    ['arn:aws:sts::123456789012:assumed-role/my-fn-role/s1', [], ['LAMBDA_LOADER', 'SSO']],
    ['arn:aws:iam::999999999999:role/etl-role', [], []],
  ])('%s → matches %o, probable %o', (arn, matches, probable) => {
    expect(lookUp(arn).lookup).toMatchObject({ matches, probable });
  });

  it('no match: NO_MATCH (error) with the fix for the one probable user, and that user\'s PATH_SEGMENT_ROLE fix uses the real ARN', () => {
    const { findings: result } = lookUp('arn:aws:iam::123456789012:role/service-role/my-fn-role');
    const fix = "ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');";
    expect(result.find((finding) => finding.code === 'NO_MATCH')).toMatchObject({ severity: 'error', user: null, fix });
    expect(result.find((finding) => finding.code === 'PATH_SEGMENT_ROLE' && finding.user === 'LAMBDA_LOADER')?.fix).toBe(fix);
    expect(result.find((finding) => finding.code === 'PATH_SEGMENT_ROLE' && finding.user === 'SSO')?.fix).toContain('<role name>');
  });

  it.each([
    // --me gives the caller's path-free role: with one probable user, its fix names the caller's role (issue 21, part 3).
    ['an assumed-role caller, one probable user', [account[0], account[2]], 'arn:aws:sts::123456789012:assumed-role/my-fn-role/s1', 'LAMBDA_LOADER', "'arn:aws:iam::123456789012:role/my-fn-role'"],
    ['a path-free role ARN, one probable user', [account[1], account[2]], 'arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_abc', 'SSO', "'arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_abc'"],
    ['two probable users: neither fix guesses', account, 'arn:aws:sts::123456789012:assumed-role/my-fn-role/s1', 'LAMBDA_LOADER', 'role/<role name>'],
    ['the caller already maps to a user: the other fix does not name its role', [account[0], user({ name: 'MINE' }, [identity({ iamRole: 'my-fn-role' })])], 'arn:aws:sts::123456789012:assumed-role/my-fn-role/s1', 'LAMBDA_LOADER', 'role/<role name>'],
    ['another account: no name', [account[4]], 'arn:aws:sts::123456789012:assumed-role/my-fn-role/s1', 'OTHER_ACCOUNT', 'role/<role name>'],
    ['an IAM user caller: no role name', [account[0]], 'arn:aws:iam::123456789012:user/bob', 'LAMBDA_LOADER', 'role/<role name>'],
    ['another path than the stored segment', [account[0]], 'arn:aws:iam::123456789012:role/team/my-fn-role', 'LAMBDA_LOADER', 'role/<role name>'],
  ] as const)('PATH_SEGMENT_ROLE fix with a lookup: %s', (_name, users, arn, who, expected) => {
    const target = lookupTargetFor(arn);
    if (!target.ok) throw new Error(target.error);
    const { findings: result } = auditFindings({ users: users.flatMap((entry) => (entry ? [entry] : [])), role: null, now: NOW, lookup: target.target });
    expect(result.find((finding) => finding.code === 'PATH_SEGMENT_ROLE' && finding.user === who)?.fix).toContain(expected);
  });

  it('several probable users: the fix says <your user>', () => {
    expect(lookUp('arn:aws:sts::123456789012:assumed-role/my-fn-role/s1').findings.find((finding) => finding.code === 'NO_MATCH')?.fix).toBe(
      "ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');",
    );
  });

  it.each(['arn:aws:iam::123456789012:root', 'arn:aws:sts::123456789012:federated-user/bob', 'not an arn'])('%s cannot be looked up', (arn) => {
    expect(lookupTargetFor(arn).ok).toBe(false);
  });
});

describe('options and presentation', () => {
  it.each([
    [undefined, { ok: true, accounts: [] }],
    ['123456789012', { ok: true, accounts: ['123456789012'] }],
    [' 123456789012 , 210987654321 ', { ok: true, accounts: ['123456789012', '210987654321'] }],
    ['', { ok: false }],
    ['12345', { ok: false }],
  ])('--aws-account %o', (value, expected) => {
    expect(parseAwsAccounts(value)).toMatchObject(expected);
  });

  it.each([
    [undefined, { ok: true, days: 90 }],
    ['30', { ok: true, days: 30 }],
    ['0', { ok: false }],
    ['soon', { ok: false }],
    ['1.5', { ok: false }],
  ])('--stale-days %o', (value, expected) => {
    expect(parseStaleDays(value)).toMatchObject(expected);
  });

  it('sorts errors first, keeps order within a severity, and counts', () => {
    const list: Finding[] = [
      { code: 'NO_ISSUER', severity: 'info', user: 'A', identity: null, detail: '' },
      { code: 'USER_DISABLED', severity: 'warn', user: 'B', identity: null, detail: '' },
      { code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'C', identity: null, detail: '' },
      { code: 'STALE', severity: 'info', user: 'D', identity: null, detail: '' },
    ];
    expect(sortFindings(list).map((finding) => finding.user)).toEqual(['C', 'B', 'A', 'D']);
    expect(countFindings(list)).toBe('1 error, 1 warning, 2 notes');
    expect(countFindings([])).toBe('0 errors, 0 warnings, 0 notes');
  });
});

describe('OIDC identities (issue 18): their registration traps, and duplicates', () => {
  const GITHUB = 'https://token.actions.githubusercontent.com';
  const oidc = (subject: string, audienceList: string[] | null = ['snowflakecomputing.com'], issuer = GITHUB): AuditIdentity =>
    identity({ type: 'OIDC', awsPartition: null, awsAccount: null, identityType: null, iamRole: null, issuer, subject, audienceList });
  const codes = (users: AuditUser[], name = 'SVC') => findings(users).filter((finding) => finding.user === name).map((finding) => finding.code);

  it.each<[string, AuditIdentity, string[]]>([
    ['a presentable subject with an audience list: nothing', oidc('repo:o/r:environment:prod'), []],
    ['no OIDC_AUDIENCE_LIST', oidc('repo:o/r:environment:prod', null), ['NO_AUDIENCE_LIST']],
    ['pull-request (no workflow presents it)', oidc('repo:o/r:pull-request'), ['GITHUB_SUBJECT_PULL_REQUEST_TYPO']],
    ['ref:main (no refs/heads/)', oidc('repo:o/r:ref:main'), ['GITHUB_SUBJECT_SHORT_REF']],
    ['a trailing *', oidc('repo:o/r:*'), ['SUBJECT_TRAILING_WILDCARD']],
    ['a Kubernetes subject of the wrong shape', oidc('system:serviceaccount:etl', ['snowflakecomputing.com'], 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC'), ['KUBERNETES_SUBJECT_MALFORMED']],
  ])('%s', (_name, registered, expected) => {
    expect(codes([user({}, [registered])]).filter((code) => code !== 'NEVER_USED' && code !== 'STALE')).toEqual(expected);
  });

  it('the fix of a subject no workflow presents is the ALTER USER with the one that would match', () => {
    const found = findings([user({}, [oidc('repo:o/r:pull-request')])]).find((finding) => finding.code === 'GITHUB_SUBJECT_PULL_REQUEST_TYPO');
    expect(found).toMatchObject({ severity: 'error', user: 'SVC', identity: 'DEFAULT' });
    expect(found?.fix).toBe(`ALTER USER SVC SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB}' SUBJECT = 'repo:o/r:pull_request' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));`);
  });

  it('an issuer and subject several users hold: DUPLICATE_IDENTITY on each (warn); different subjects are not duplicates', () => {
    const users = [user({ name: 'A' }, [oidc('repo:o/r:environment:prod')]), user({ name: 'B' }, [oidc('repo:o/r:environment:prod')]), user({ name: 'C' }, [oidc('repo:o/r:environment:dev')])];
    const duplicates = findings(users).filter((finding) => finding.code === 'DUPLICATE_IDENTITY');
    expect(duplicates.map((finding) => [finding.user, finding.severity])).toEqual([['A', 'warn'], ['B', 'warn']]);
    expect(duplicates[0]?.detail).toContain('A, B all hold issuer');
  });

  it('AWS identities get none of the OIDC rules', () => {
    expect(codes([user({}, [identity()])])).toEqual([]);
  });
});
