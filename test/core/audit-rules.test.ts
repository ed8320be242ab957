/**
 * The audit rules (src/core/audit-findings.ts) at their edges, one line per case: which identity an
 * ARN maps to (partition, account, identity type and name must all agree, as Snowflake matches
 * them), each finding's detail as printed, and the options' limits.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STALE_DAYS,
  PATH_SEGMENTS,
  SEVERITY_OF,
  auditFindings,
  countFindings,
  lookUp,
  lookupTargetFor,
  parseAwsAccounts,
  parseStaleDays,
  sortFindings,
  type AuditIdentity,
  type AuditUser,
  type Finding,
  type LookupTarget,
} from '../../src/core/audit-findings.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW - ms).toISOString();

const identity = (over: Partial<AuditIdentity> = {}): AuditIdentity => ({
  name: 'DEFAULT',
  type: 'AWS',
  awsPartition: 'aws',
  awsAccount: '123456789012',
  identityType: 'IAM_ROLE',
  iamRole: 'my-fn-role',
  issuer: 'https://x.tokens.sts.global.api.aws',
  lastUsed: ago(DAY),
  createdOn: null,
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
const target = (arn: string): LookupTarget => {
  const result = lookupTargetFor(arn);
  if (!result.ok) throw new Error(result.error);
  return result.target;
};
const run = (users: AuditUser[], extra: Partial<Parameters<typeof auditFindings>[0]> = {}) => auditFindings({ users, role: 'AUDITOR_ROLE', now: NOW, ...extra }).findings;

describe('lookUp: an identity matches only when partition, account, type and name all agree', () => {
  const role = () => target('arn:aws:iam::123456789012:role/my-fn-role');
  it.each([
    ['the same role', identity(), ['SVC'], []],
    ['the type in lower case', identity({ type: 'aws' }), ['SVC'], []],
    ['another provider', identity({ type: 'OIDC' }), [], []],
    ['another partition', identity({ awsPartition: 'aws-cn' }), [], []],
    // Read as aws, as the PATH_SEGMENT_ROLE fix and DUPLICATE_IDENTITY read it (one reading of the listing).
    ['no partition: aws', identity({ awsPartition: null }), ['SVC'], []],
    ['no partition, a path segment: probable', identity({ awsPartition: null, iamRole: 'service-role' }), [], ['SVC']],
    ['another account', identity({ awsAccount: '210987654321' }), [], []],
    ['an IAM user of the same name', identity({ identityType: 'IAM_USER' }), [], []],
    ['another role name', identity({ iamRole: 'my-fn' }), [], []],
    ['the role name in another case', identity({ iamRole: 'My-Fn-Role' }), [], []],
    ['a path segment (no path in the ARN): probable', identity({ iamRole: 'service-role' }), [], ['SVC']],
    ['an SSO path segment: probable', identity({ iamRole: 'aws-reserved' }), [], ['SVC']],
    ['an IAM user named like a path segment: not probable', identity({ identityType: 'IAM_USER', iamRole: 'service-role' }), [], []],
    ['a path segment in another account: not probable', identity({ iamRole: 'service-role', awsAccount: '210987654321' }), [], []],
    ['a path segment in another partition: not probable', identity({ iamRole: 'service-role', awsPartition: 'aws-us-gov' }), [], []],
    ['no role name: not probable', identity({ iamRole: null }), [], []],
  ])('%s', (_name, id, matches, probable) => {
    expect(lookUp([user({}, [id])], role())).toEqual({ arn: 'arn:aws:iam::123456789012:role/my-fn-role', snowflakeArn: 'arn:aws:iam::123456789012:role/my-fn-role', matches, probable });
  });

  it.each([
    ['the segment of the ARN\'s path: probable', 'service-role', ['SVC']],
    ['another path segment: not probable', 'aws-reserved', []],
    ['an ordinary role: not probable', 'etl-role', []],
  ])('an ARN with a path (service-role/): %s', (_name, iamRole, probable) => {
    const withPath = target('arn:aws:iam::123456789012:role/service-role/my-fn-role');
    expect(lookUp([user({}, [identity({ iamRole })])], withPath).probable).toEqual(probable);
  });

  it('no partition is aws: an identity listed without one is not a GovCloud or China role', () => {
    const gov = target('arn:aws-us-gov:iam::123456789012:role/my-fn-role');
    expect(lookUp([user({}, [identity({ awsPartition: null })]), user({ name: 'GOV' }, [identity({ awsPartition: 'aws-us-gov' })])], gov)).toMatchObject({ matches: ['GOV'], probable: [] });
  });

  it('an IAM user ARN matches an IAM_USER identity of that name', () => {
    const alice = target('arn:aws:iam::123456789012:user/division/alice');
    expect(lookUp([user({ name: 'ALICE' }, [identity({ identityType: 'IAM_USER', iamRole: 'alice' })]), user({ name: 'ROLE' }, [identity({ iamRole: 'alice' })])], alice)).toMatchObject({ matches: ['ALICE'], probable: [] });
  });

  it('probable users are dropped once one user matches', () => {
    const users = [user({ name: 'EXACT' }), user({ name: 'PATHED' }, [identity({ iamRole: 'service-role' })])];
    expect(lookUp(users, role())).toMatchObject({ matches: ['EXACT'], probable: [] });
  });

  it('one user with both a matching and a path-registered identity matches', () => {
    expect(lookUp([user({}, [identity({ iamRole: 'service-role' }), identity({ name: 'K2' })])], role())).toMatchObject({ matches: ['SVC'], probable: [] });
  });
});

describe('lookupTargetFor: the key Snowflake matches', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/my-fn-role', { snowflakeArn: 'arn:aws:iam::123456789012:role/my-fn-role', partition: 'aws', account: '123456789012', identityType: 'IAM_ROLE', name: 'my-fn-role', path: '' }],
    ['arn:aws:iam::123456789012:user/division/alice', { snowflakeArn: 'arn:aws:iam::123456789012:user/alice', partition: 'aws', account: '123456789012', identityType: 'IAM_USER', name: 'alice', path: 'division/' }],
    ['arn:aws-cn:sts::123456789012:assumed-role/r/s1', { snowflakeArn: 'arn:aws-cn:iam::123456789012:role/r', partition: 'aws-cn', account: '123456789012', identityType: 'IAM_ROLE', name: 'r', path: '' }],
  ])('%s', (arn, fields) => {
    expect(lookupTargetFor(arn)).toEqual({ ok: true, target: { arn, ...fields } });
  });

  it.each([
    ['not-an-arn', 'not an ARN: must start with "arn:" (got "not-an-arn")'],
    ['arn:aws:iam::123456789012:root', 'the account root user cannot be used for Snowflake workload identity federation, which maps only IAM roles (e.g. arn:aws:iam::123456789012:role/<name>) and IAM users'],
  ])('%s cannot be looked up', (arn, error) => {
    expect(lookupTargetFor(arn)).toEqual({ ok: false, error });
  });
});

describe('auditFindings: every finding as printed', () => {
  it('all the rules of one identity, in order', () => {
    const users = [user({ type: 'PERSON', disabled: true }, [identity({ iamRole: 'service-role', disabled: true, lastUsed: null, issuer: null, awsAccount: '210987654321' })])];
    expect(run(users, { awsAccounts: ['123456789012', '111111111111'] })).toEqual([
      { code: 'NOT_SERVICE_USER', severity: 'warn', user: 'SVC', identity: null, detail: 'user TYPE is PERSON, not SERVICE: a WIF login never maps to it', fix: 'ALTER USER SVC SET TYPE = SERVICE;' },
      { code: 'USER_DISABLED', severity: 'warn', user: 'SVC', identity: null, detail: 'the user is disabled: every login fails', fix: 'ALTER USER SVC SET DISABLED = FALSE;' },
      { code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'SVC', identity: 'DEFAULT', detail: 'role service-role is an IAM path segment: registered with a path ARN, never matches', fix: "ALTER USER SVC SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::210987654321:role/<role name>');" },
      { code: 'IDENTITY_DISABLED', severity: 'warn', user: 'SVC', identity: 'DEFAULT', detail: 'the workload identity is disabled', fix: 'ALTER USER SVC MODIFY WORKLOAD IDENTITY DEFAULT SET DISABLED = FALSE;' },
      { code: 'FOREIGN_AWS_ACCOUNT', severity: 'warn', user: 'SVC', identity: 'DEFAULT', detail: 'AWS account 210987654321 is not one of --aws-account 123456789012,111111111111' },
      { code: 'NEVER_USED', severity: 'info', user: 'SVC', identity: 'DEFAULT', detail: 'never used' },
      { code: 'NO_ISSUER', severity: 'info', user: 'SVC', identity: 'DEFAULT', detail: 'no ISSUER: not ready for the JWT method' },
    ]);
  });

  it.each([
    ['identities not listable, no role', user({ identitiesListed: false }, []), { role: null }, [{ code: 'INSUFFICIENT_PRIVILEGES', severity: 'warn', user: 'SVC', identity: null, detail: 'cannot list the workload identities of SVC: role (none) lacks MONITOR on the user' }]],
    ['identities not listable, a role', user({ identitiesListed: false }, []), {}, [{ code: 'INSUFFICIENT_PRIVILEGES', severity: 'warn', user: 'SVC', identity: null, detail: 'cannot list the workload identities of SVC: role AUDITOR_ROLE lacks MONITOR on the user', fix: 'GRANT MONITOR ON USER SVC TO ROLE AUDITOR_ROLE;' }]],
    ['identities not listable, a role that cannot be written', user({ identitiesListed: false }, []), { role: 'R\u0000' }, [{ code: 'INSUFFICIENT_PRIVILEGES', severity: 'warn', user: 'SVC', identity: null, detail: 'cannot list the workload identities of SVC: role R\u0000 lacks MONITOR on the user' }]],
    ['a PERSON user without identities has no findings', user({ type: 'PERSON', disabled: true }, []), {}, []],
    ['no TYPE', user({ type: null }), {}, [{ code: 'NOT_SERVICE_USER', severity: 'warn', user: 'SVC', identity: null, detail: 'user TYPE is not set (PERSON), not SERVICE: a WIF login never maps to it', fix: 'ALTER USER SVC SET TYPE = SERVICE;' }]],
    ['TYPE service in lower case is a service user', user({ type: 'service' }), {}, []],
    ['TYPE LEGACY_SERVICE', user({ type: 'LEGACY_SERVICE' }), {}, [{ code: 'NOT_SERVICE_USER', severity: 'warn', user: 'SVC', identity: null, detail: 'user TYPE is LEGACY_SERVICE, not SERVICE: a WIF login never maps to it', fix: 'ALTER USER SVC SET TYPE = SERVICE;' }]],
    ['used exactly 90 days ago: not stale', user({}, [identity({ lastUsed: ago(90 * DAY) })]), {}, []],
    ['used 90 days and a millisecond ago: stale', user({}, [identity({ lastUsed: ago(90 * DAY + 1) })]), {}, [{ code: 'STALE', severity: 'info', user: 'SVC', identity: 'DEFAULT', detail: 'last used 90 days ago (--stale-days 90)' }]],
    ['used 400 days ago', user({}, [identity({ lastUsed: ago(400.5 * DAY) })]), {}, [{ code: 'STALE', severity: 'info', user: 'SVC', identity: 'DEFAULT', detail: 'last used 400 days ago (--stale-days 90)' }]],
    ['--stale-days 7, used 8 days ago', user({}, [identity({ lastUsed: ago(8 * DAY) })]), { staleDays: 7 }, [{ code: 'STALE', severity: 'info', user: 'SVC', identity: 'DEFAULT', detail: 'last used 8 days ago (--stale-days 7)' }]],
    ['a last-used date that does not parse is neither never used nor stale', user({}, [identity({ lastUsed: 'yesterday' })]), {}, []],
    ['an empty ISSUER is no ISSUER', user({}, [identity({ issuer: '' })]), {}, [{ code: 'NO_ISSUER', severity: 'info', user: 'SVC', identity: 'DEFAULT', detail: 'no ISSUER: not ready for the JWT method' }]],
    ['an identity that is not disabled', user({}, [identity({ disabled: false })]), {}, []],
    ['a disabled identity with a name that cannot be written: no fix', user({}, [identity({ name: 'K\u202e', disabled: true })]), {}, [{ code: 'IDENTITY_DISABLED', severity: 'warn', user: 'SVC', identity: 'K\u202e', detail: 'the workload identity is disabled' }]],
    ['--aws-account: an identity without an account is not foreign', user({}, [identity({ awsAccount: null })]), { awsAccounts: ['123456789012'] }, []],
    ['--aws-account: a non-AWS identity is not foreign', user({}, [identity({ type: 'OIDC', awsAccount: '210987654321', issuer: 'x' })]), { awsAccounts: ['123456789012'] }, []],
    ['a non-AWS identity without an issuer has no NO_ISSUER', user({}, [identity({ type: 'GCP', issuer: null })]), {}, []],
    ['a path segment with no partition: aws', user({}, [identity({ iamRole: 'aws-service-role', awsPartition: null })]), {}, [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'SVC', identity: 'DEFAULT', detail: 'role aws-service-role is an IAM path segment: registered with a path ARN, never matches', fix: "ALTER USER SVC SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/<role name>');" }]],
    ['a path segment with no account: no fix', user({}, [identity({ iamRole: 'service-role', awsAccount: null })]), {}, [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'SVC', identity: 'DEFAULT', detail: 'role service-role is an IAM path segment: registered with a path ARN, never matches' }]],
    ['a path segment of a user whose name cannot be written: no fix', user({ name: 'S\u0000' }, [identity({ iamRole: 'service-role' })]), {}, [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'S\u0000', identity: 'DEFAULT', detail: 'role service-role is an IAM path segment: registered with a path ARN, never matches' }]],
    ['a path segment on the identity named default (any case)', user({}, [identity({ name: 'default', iamRole: 'service-role' })]), {}, [{ code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'SVC', identity: 'default', detail: 'role service-role is an IAM path segment: registered with a path ARN, never matches', fix: "ALTER USER SVC SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/<role name>');" }]],
    ['a non-AWS identity named like a path segment', user({}, [identity({ type: 'OIDC', iamRole: 'service-role' })]), {}, []],
  ] as Array<[string, AuditUser, Partial<Parameters<typeof auditFindings>[0]>, Finding[]]>)('%s', (_name, input, extra, expected) => {
    expect(run([input], extra)).toEqual(expected);
  });

  it('no lookup: no lookup result', () => {
    expect(auditFindings({ users: [user()], role: null, now: NOW })).toEqual({ findings: [] });
  });
});

describe('the path fix uses the real ARN only when --arn/--me names that very role', () => {
  const pathed = user({ name: 'LOADER' }, [identity({ iamRole: 'service-role' })]);
  const fixFor = (arn: string) => auditFindings({ users: [pathed], role: null, now: NOW, lookup: target(arn) }).findings.find((f) => f.code === 'PATH_SEGMENT_ROLE')?.fix;
  const placeholder = "ALTER USER LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/<role name>');";
  it.each([
    ['the role under service-role/', 'arn:aws:iam::123456789012:role/service-role/my-fn-role', "ALTER USER LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');"],
    ['another account', 'arn:aws:iam::210987654321:role/service-role/my-fn-role', placeholder],
    ['another partition', 'arn:aws-cn:iam::123456789012:role/service-role/my-fn-role', placeholder],
    ['an IAM user under service-role/', 'arn:aws:iam::123456789012:user/service-role/bob', placeholder],
    ['a role under another path', 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/r', placeholder],
    // --me gives the caller's path-free role; LOADER is then the only probable user (issue 21, part 3).
    ['a role without a path, one probable user', 'arn:aws:iam::123456789012:role/my-fn-role', "ALTER USER LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');"],
    ['an assumed-role caller, one probable user', 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn', "ALTER USER LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');"],
  ])('%s', (_name, arn, fix) => {
    expect(fixFor(arn)).toBe(fix);
  });

  it('a role without a path and two probable users: no guess', () => {
    const other = user({ name: 'OTHER' }, [identity({ iamRole: 'service-role' })]);
    const fix = auditFindings({ users: [pathed, other], role: null, now: NOW, lookup: target('arn:aws:iam::123456789012:role/my-fn-role') }).findings.find((f) => f.code === 'PATH_SEGMENT_ROLE')?.fix;
    expect(fix).toBe(placeholder);
  });
});

describe('NO_MATCH', () => {
  const noMatch = (users: AuditUser[], arn: string) => auditFindings({ users, role: null, now: NOW, lookup: target(arn) }).findings.filter((f) => f.code === 'NO_MATCH');
  it.each([
    ['nobody probable', [user({ name: 'ETL' }, [identity({ iamRole: 'etl' })])], 'arn:aws:iam::123456789012:role/r', 'arn:aws:iam::123456789012:role/r maps to no user', "ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r');"],
    ['one probable user', [user({ name: 'A' }, [identity({ iamRole: 'service-role' })])], 'arn:aws:iam::123456789012:role/service-role/r', 'arn:aws:iam::123456789012:role/service-role/r maps to no user; probably A (registered with an IAM path)', "ALTER USER A SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r');"],
    ['one probable user whose name needs quotes', [user({ name: 'my loader' }, [identity({ iamRole: 'service-role' })])], 'arn:aws:iam::123456789012:role/service-role/r', 'arn:aws:iam::123456789012:role/service-role/r maps to no user; probably my loader (registered with an IAM path)', "ALTER USER \"my loader\" SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r');"],
    ['one probable user whose name cannot be written', [user({ name: 'A\u0000' }, [identity({ iamRole: 'service-role' })])], 'arn:aws:iam::123456789012:role/service-role/r', 'arn:aws:iam::123456789012:role/service-role/r maps to no user; probably A\u0000 (registered with an IAM path)', "ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r');"],
    ['two probable users', [user({ name: 'A' }, [identity({ iamRole: 'service-role' })]), user({ name: 'B' }, [identity({ iamRole: 'service-role' })])], 'arn:aws:iam::123456789012:role/service-role/r', 'arn:aws:iam::123456789012:role/service-role/r maps to no user; probably A, B (registered with an IAM path)', "ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r');"],
  ])('%s', (_name, users, arn, detail, fix) => {
    expect(noMatch(users, arn)).toEqual([{ code: 'NO_MATCH', severity: 'error', user: null, identity: null, detail, fix }]);
  });

  it('a match: no NO_MATCH', () => {
    expect(noMatch([user()], 'arn:aws:iam::123456789012:role/my-fn-role')).toEqual([]);
  });
});

describe('severities, sorting and counting', () => {
  it.each([
    ['PATH_SEGMENT_ROLE', 'error'],
    ['NO_MATCH', 'error'],
    ['NOT_SERVICE_USER', 'warn'],
    ['USER_DISABLED', 'warn'],
    ['IDENTITY_DISABLED', 'warn'],
    ['FOREIGN_AWS_ACCOUNT', 'warn'],
    ['INSUFFICIENT_PRIVILEGES', 'warn'],
    ['NEVER_USED', 'info'],
    ['STALE', 'info'],
    ['NO_ISSUER', 'info'],
  ] as const)('%s is %s', (code, severity) => {
    expect(SEVERITY_OF[code]).toBe(severity);
  });

  it('the IAM path segments and the default staleness', () => {
    expect([...PATH_SEGMENTS].sort()).toEqual(['aws-reserved', 'aws-service-role', 'service-role', 'sso.amazonaws.com']);
    expect(DEFAULT_STALE_DAYS).toBe(90);
  });

  const finding = (severity: Finding['severity'], user: string): Finding => ({ code: 'STALE', severity, user, identity: null, detail: '' });
  it.each([
    [[finding('info', 'A'), finding('warn', 'B'), finding('error', 'C')], ['C', 'B', 'A']],
    [[finding('warn', 'A'), finding('error', 'B'), finding('warn', 'C'), finding('error', 'D')], ['B', 'D', 'A', 'C']],
    [[finding('info', 'A'), finding('info', 'B')], ['A', 'B']],
    [['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'].map((name) => finding('warn', name)), ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L']],
    [[finding('info', 'A'), finding('warn', 'B'), finding('info', 'C'), finding('warn', 'D'), finding('info', 'E'), finding('error', 'F'), finding('warn', 'G')], ['F', 'B', 'D', 'G', 'A', 'C', 'E']],
  ])('sortFindings %#', (list, order) => {
    expect(sortFindings(list).map((f) => f.user)).toEqual(order);
  });

  it.each([
    [[], '0 errors, 0 warnings, 0 notes'],
    [[finding('error', 'A'), finding('warn', 'B'), finding('info', 'C')], '1 error, 1 warning, 1 note'],
    [[finding('error', 'A'), finding('error', 'B'), finding('warn', 'C'), finding('warn', 'D'), finding('info', 'E'), finding('info', 'F')], '2 errors, 2 warnings, 2 notes'],
  ])('countFindings %#', (list, text) => {
    expect(countFindings(list)).toBe(text);
  });
});

describe('the options', () => {
  it.each([
    [',,', { ok: false, error: '--aws-account is empty: give one or more 12-digit AWS account IDs, comma-separated' }],
    [' ', { ok: false, error: '--aws-account is empty: give one or more 12-digit AWS account IDs, comma-separated' }],
    ['1234567890123', { ok: false, error: "--aws-account: '1234567890123' is not a 12-digit AWS account ID" }],
    ['12345678901x', { ok: false, error: "--aws-account: '12345678901x' is not a 12-digit AWS account ID" }],
    ['x123456789012', { ok: false, error: "--aws-account: 'x123456789012' is not a 12-digit AWS account ID" }],
    [`123456789012,${'x'.repeat(50)}`, { ok: false, error: `--aws-account: '${'x'.repeat(40)}' is not a 12-digit AWS account ID` }],
    ['123456789012,,210987654321', { ok: true, accounts: ['123456789012', '210987654321'] }],
  ])('--aws-account %j', (value, result) => {
    expect(parseAwsAccounts(value)).toEqual(result);
  });

  it.each([
    ['1', { ok: true, days: 1 }],
    [' 30 ', { ok: true, days: 30 }],
    ['36500', { ok: true, days: 36_500 }],
    ['36501', { ok: false, error: "--stale-days '36501' is not a whole number of days (1-36500)" }],
    ['0', { ok: false, error: "--stale-days '0' is not a whole number of days (1-36500)" }],
    ['-1', { ok: false, error: "--stale-days '-1' is not a whole number of days (1-36500)" }],
    ['3x', { ok: false, error: "--stale-days '3x' is not a whole number of days (1-36500)" }],
    ['x3', { ok: false, error: "--stale-days 'x3' is not a whole number of days (1-36500)" }],
    ['y'.repeat(50), { ok: false, error: `--stale-days '${'y'.repeat(40)}' is not a whole number of days (1-36500)` }],
  ])('--stale-days %j', (value, result) => {
    expect(parseStaleDays(value)).toEqual(result);
  });
});
