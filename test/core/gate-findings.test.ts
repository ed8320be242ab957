/**
 * Audit's gate rules (src/core/gate-findings.ts), one line per case: DESCRIBE AUTHENTICATION
 * POLICY's values as FACTS.md shows them, the policy in force, and the findings with their codes
 * and the least change.
 */
import { describe, expect, it } from 'vitest';
import type { AuditIdentity, AuditUser, Finding } from '../../src/core/audit-findings.js';
import {
  authenticationPolicyFindings,
  gateCheck,
  gateFindings,
  gateIdentity,
  gatesUnreadable,
  isGateFinding,
  isGateStop,
  networkPolicyFinding,
  parseAuthenticationPolicy,
  parseList,
  parseWorkloadIdentityPolicy,
  policyInForce,
  type AuthenticationPolicy,
  type GateIdentity,
  type GatesListing,
} from '../../src/core/gate-findings.js';

const GH = 'https://token.actions.githubusercontent.com';
const ALL_WIF = '{ALLOWED_PROVIDERS=[ALL], ALLOWED_AWS_ACCOUNTS=[ALL], ALLOWED_AWS_PARTITIONS=[ALL], ALLOWED_AZURE_ISSUERS=[ALL], ALLOWED_OIDC_ISSUERS=[ALL]}';
const policy = (name: string, methods: string, wif: string) => parseAuthenticationPolicy(name, [{ property: 'AUTHENTICATION_METHODS', value: methods }, { property: 'WORKLOAD_IDENTITY_POLICY', value: wif }]);
const AWS_ID: GateIdentity = { user: 'LAMBDA_LOADER', identity: 'DEFAULT', provider: 'AWS', awsAccount: '123456789012', awsPartition: 'aws' };
const OIDC_ID: GateIdentity = { user: 'GHA_DEPLOY', identity: 'DEFAULT', provider: 'OIDC', issuer: GH };

type Row = [name: string, identity: GateIdentity, methods: string, wif: string, codes: readonly string[], fixes: readonly string[]];

const ROWS: readonly Row[] = [
  ['everything allowed', AWS_ID, '[ALL]', ALL_WIF, [], []],
  ['no WORKLOAD_IDENTITY among the methods', AWS_ID, '[PASSWORD, KEYPAIR]', ALL_WIF, ['AUTHN_POLICY_NO_WORKLOAD_IDENTITY'], ["ALTER AUTHENTICATION POLICY P SET AUTHENTICATION_METHODS = ('PASSWORD', 'KEYPAIR', 'WORKLOAD_IDENTITY');"]],
  ['WORKLOAD_IDENTITY listed', AWS_ID, "('WORKLOAD_IDENTITY')", ALL_WIF, [], []],
  ['AWS not among the providers', AWS_ID, '[ALL]', '{ALLOWED_PROVIDERS=[OIDC]}', ['AUTHN_POLICY_PROVIDER_NOT_ALLOWED'], ['ALLOWED_PROVIDERS = (OIDC, AWS)']],
  ['another AWS account', AWS_ID, '[ALL]', '{ALLOWED_PROVIDERS=[AWS], ALLOWED_AWS_ACCOUNTS=[111111111111]}', ['AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED'], ["ALLOWED_AWS_ACCOUNTS = ('111111111111', '123456789012')"]],
  ['another AWS partition', { ...AWS_ID, awsPartition: 'aws-us-gov' }, '[ALL]', '{ALLOWED_AWS_PARTITIONS=[aws]}', ['AUTHN_POLICY_AWS_PARTITION_NOT_ALLOWED'], ["ALLOWED_AWS_PARTITIONS = ('aws', 'aws-us-gov')"]],
  ['the OIDC issuer not allowed', OIDC_ID, '[ALL]', '{ALLOWED_PROVIDERS=[ALL], ALLOWED_OIDC_ISSUERS=[https://issuer.example]}', ['AUTHN_POLICY_ISSUER_NOT_ALLOWED'], [`ALLOWED_OIDC_ISSUERS = ('https://issuer.example', '${GH}')`]],
  ['issuers compare exactly (a trailing slash differs)', OIDC_ID, '[ALL]', `{ALLOWED_OIDC_ISSUERS=[${GH}/]}`, ['AUTHN_POLICY_ISSUER_NOT_ALLOWED'], []],
  ['AWS accounts do not limit OIDC', OIDC_ID, '[ALL]', '{ALLOWED_AWS_ACCOUNTS=[111111111111]}', [], []],
  ['several at once', OIDC_ID, '[KEYPAIR]', '{ALLOWED_PROVIDERS=[AWS]}', ['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'AUTHN_POLICY_PROVIDER_NOT_ALLOWED'], []],
];

describe('authenticationPolicyFindings', () => {
  it.each(ROWS)('%s', (_name, identity, methods, wif, codes, fixes) => {
    const findings = authenticationPolicyFindings(identity, { policy: policy('P', methods, wif), level: 'user' });
    expect(findings.map((finding) => finding.code)).toEqual(codes);
    for (const finding of findings) expect(finding).toMatchObject({ severity: 'error', user: identity.user, identity: 'DEFAULT' });
    const text = findings.map((finding) => finding.fix).join('\n');
    for (const fix of fixes) expect(text).toContain(fix);
  });

  it('no policy in force: nothing to say', () => expect(authenticationPolicyFindings(AWS_ID, undefined)).toEqual([]));
});

describe('the policy in force', () => {
  it.each([
    ['SERVICE', { user: 'U', serviceUsers: 'S', account: 'A' }, 'U', 'user'],
    ['SERVICE', { serviceUsers: 'S', account: 'A' }, 'S', 'service-users'],
    ['PERSON', { serviceUsers: 'S', account: 'A' }, 'A', 'account'],
    ['LEGACY_SERVICE', { serviceUsers: 'S', account: 'A' }, 'S', 'service-users'],
    ['service', { serviceUsers: 'S' }, 'S', 'service-users'],
    ['SERVICE_AGENT', { serviceUsers: 'S', account: 'A' }, 'A', 'account'],
    [null, { serviceUsers: 'S' }, undefined, undefined],
  ])('a %s user with %j: %s', (userType, policies, name, level) => {
    const found = policyInForce({ userType, ...policies });
    expect(found?.policy).toBe(name);
    expect(found?.level).toBe(level);
  });
});

describe('parsing DESCRIBE values', () => {
  it.each([
    ['[ALL]', ['ALL']],
    ["('PASSWORD', 'KEYPAIR')", ['PASSWORD', 'KEYPAIR']],
    ['[]', []],
    [null, []],
  ])('parseList(%j)', (value, items) => expect(parseList(value)).toEqual(items));

  it("reads FACTS.md's shape, and ALL where a key is absent", () => {
    expect(parseWorkloadIdentityPolicy('{ALLOWED_PROVIDERS=[AWS, OIDC], ALLOWED_AWS_ACCOUNTS=[123456789012], ALLOWED_OIDC_ISSUERS=[https://a.example, https://b.example]}')).toEqual({
      allowedProviders: ['AWS', 'OIDC'],
      allowedAwsAccounts: ['123456789012'],
      allowedAwsPartitions: ['ALL'],
      allowedAzureIssuers: ['ALL'],
      allowedOidcIssuers: ['https://a.example', 'https://b.example'],
    });
  });
});

describe('network policies and what cannot be read', () => {
  it('lists a network policy with its lists (info)', () => {
    const finding = networkPolicyFinding('LAMBDA_LOADER', { name: 'OFFICE', level: 'account', allowedIpList: ['10.0.0.0/8'], blockedIpList: [] });
    expect(finding).toMatchObject({ code: 'NETWORK_POLICY_IN_FORCE', severity: 'info' });
    expect(finding.detail).toContain('ALLOWED_IP_LIST = (10.0.0.0/8)');
  });
  it("an account's network policy is listed for nobody in particular, with empty lists said plainly", () => {
    const finding = networkPolicyFinding(null, { name: 'OPEN', level: 'account', allowedIpList: [], blockedIpList: [] });
    expect(finding).toMatchObject({ user: null, identity: null });
    expect(finding.detail).toContain("OPEN (the account's, for every user without one of its own) admits only ALLOWED_IP_LIST = (any), BLOCKED_IP_LIST = (none)");
  });
  it('an unreadable policy is a warning naming the grant', () => {
    expect(gatesUnreadable('The authentication policies', 'GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE <role>;')).toMatchObject({ code: 'GATES_UNREADABLE', severity: 'warn', fix: expect.stringContaining('GRANT') });
  });
});

/** An audited user (as readAccount lists it) with AWS or OIDC identities. */
const auditUser = (name: string, type: string | null, identities: Array<Partial<AuditIdentity> & { name: string; type: string }>, listed = true): AuditUser => ({
  name,
  type,
  disabled: false,
  defaultRole: null,
  identitiesListed: listed,
  identities: identities.map((identity) => ({ awsPartition: null, awsAccount: null, identityType: null, iamRole: null, issuer: null, lastUsed: null, createdOn: null, disabled: null, ...identity })),
});
const AWS_DEFAULT = { name: 'DEFAULT', type: 'AWS', awsPartition: 'aws', awsAccount: '123456789012', identityType: 'IAM_ROLE', iamRole: 'r' };
const OIDC_DEFAULT = { name: 'DEFAULT', type: 'OIDC', issuer: GH, subject: 'repo:o/r:environment:prod' };
const AZURE_DEFAULT = { name: 'DEFAULT', type: 'AZURE', issuer: 'https://login.microsoftonline.com/t/v2.0', subject: 's' };
const NO_WIF = policy('NO_WIF', '[KEYPAIR]', ALL_WIF);
const OK = policy('OK', '[ALL]', ALL_WIF);
const AWS_ONLY = policy('AWS_ONLY', '[ALL]', '{ALLOWED_PROVIDERS=[AWS]}');
const AZURE_OTHER = policy('AZURE_OTHER', '[ALL]', '{ALLOWED_AZURE_ISSUERS=[https://login.microsoftonline.com/other/v2.0]}');

const listing = (patch: Partial<GatesListing> = {}): GatesListing => ({
  authenticationPolicies: new Map<string, AuthenticationPolicy | null>([['NO_WIF', NO_WIF], ['OK', OK], ['AWS_ONLY', AWS_ONLY], ['AZURE_OTHER', AZURE_OTHER], ['BROKEN', null]]),
  userPolicies: new Map(),
  networkPolicies: new Map([['OFFICE', { allowedIpList: ['10.0.0.0/8'], blockedIpList: [] }], ['MINE', { allowedIpList: ['192.0.2.1'], blockedIpList: ['192.0.2.9'] }]]),
  userNetworkPolicies: new Map(),
  unreadable: [],
  ...patch,
});

type ListingRow = [name: string, users: AuditUser[], patch: Partial<GatesListing>, expected: ReadonlyArray<[code: string, user: string | null, detail?: string]>];

const LISTING_ROWS: readonly ListingRow[] = [
  ['no policy anywhere: nothing', [auditUser('A', 'SERVICE', [AWS_DEFAULT])], {}, []],
  ['the account policy refuses WIF', [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { accountPolicy: 'NO_WIF' }, [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A', "NO_WIF (the account's)"]]],
  ['FOR ALL SERVICE USERS beats the account for a SERVICE user', [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { accountPolicy: 'OK', serviceUsersPolicy: 'NO_WIF' }, [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A', 'NO_WIF (FOR ALL SERVICE USERS)']]],
  ['… and for a LEGACY_SERVICE user', [auditUser('A', 'LEGACY_SERVICE', [AWS_DEFAULT])], { accountPolicy: 'OK', serviceUsersPolicy: 'NO_WIF' }, [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A']]],
  ['… not for a PERSON user', [auditUser('A', 'PERSON', [AWS_DEFAULT])], { accountPolicy: 'OK', serviceUsersPolicy: 'NO_WIF' }, []],
  ['… nor a user of no type', [auditUser('A', null, [AWS_DEFAULT])], { serviceUsersPolicy: 'NO_WIF' }, []],
  ["the user's own wins over both", [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { accountPolicy: 'NO_WIF', serviceUsersPolicy: 'NO_WIF', userPolicies: new Map([['A', 'OK']]) }, []],
  ['a user without identities is not judged', [auditUser('A', 'SERVICE', [])], { accountPolicy: 'NO_WIF' }, []],
  ['each identity is judged by its own TYPE', [auditUser('A', 'SERVICE', [AWS_DEFAULT, { ...OIDC_DEFAULT, name: 'GH' }])], { accountPolicy: 'AWS_ONLY' }, [['AUTHN_POLICY_PROVIDER_NOT_ALLOWED', 'A', 'not OIDC']]],
  ['AZURE issuer rules apply to AZURE identities', [auditUser('A', 'SERVICE', [AZURE_DEFAULT]), auditUser('B', 'SERVICE', [AWS_DEFAULT])], { accountPolicy: 'AZURE_OTHER' }, [['AUTHN_POLICY_ISSUER_NOT_ALLOWED', 'A', 'ALLOWED_AZURE_ISSUERS']]],
  ['a policy in force that cannot be described: one warning per policy', [auditUser('A', 'SERVICE', [AWS_DEFAULT]), auditUser('B', 'SERVICE', [AWS_DEFAULT])], { accountPolicy: 'BROKEN' }, [['GATES_UNREADABLE', null, 'BROKEN']]],
  ['a policy in force never listed: the same warning', [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { userPolicies: new Map([['A', 'GONE']]) }, [['GATES_UNREADABLE', null, 'GONE']]],
  ['unreadable lists come first', [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { unreadable: [gatesUnreadable('X', 'GRANT …')], accountPolicy: 'NO_WIF' }, [['GATES_UNREADABLE', null, 'X'], ['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A']]],
  ["the account's network policy: once, for nobody in particular", [auditUser('A', 'SERVICE', [AWS_DEFAULT]), auditUser('B', 'SERVICE', [AWS_DEFAULT])], { accountNetworkPolicy: 'OFFICE' }, [['NETWORK_POLICY_IN_FORCE', null, 'ALLOWED_IP_LIST = (10.0.0.0/8), BLOCKED_IP_LIST = (none)']]],
  ["a user's own network policy: listed for the user; the account's not, when every user has one", [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { accountNetworkPolicy: 'OFFICE', userNetworkPolicies: new Map([['A', 'MINE']]) }, [['NETWORK_POLICY_IN_FORCE', 'A', "MINE (the user's own) admits only ALLOWED_IP_LIST = (192.0.2.1), BLOCKED_IP_LIST = (192.0.2.9)"]]],
  ['a network policy that cannot be described says so', [auditUser('A', 'SERVICE', [AWS_DEFAULT])], { accountNetworkPolicy: 'UNKNOWN' }, [['NETWORK_POLICY_IN_FORCE', null, '<unreadable>']]],
  ['a user without identities has no network finding', [auditUser('A', 'SERVICE', [])], { accountNetworkPolicy: 'OFFICE' }, []],
];

describe('gateFindings: every WIF user against the policies read once per account', () => {
  it.each(LISTING_ROWS)('%s', (_name, users, patch, expected) => {
    const findings = gateFindings(users, listing(patch), 'AUDITOR_ROLE');
    expect(findings.map((finding) => [finding.code, finding.user])).toEqual(expected.map(([code, user]) => [code, user]));
    expected.forEach(([, , detail], i) => {
      if (detail !== undefined) expect(findings[i]?.detail).toContain(detail);
    });
  });

  it('a policy that cannot be read names the grant for the role audit ran as', () => {
    const [finding] = gateFindings([auditUser('A', 'SERVICE', [AWS_DEFAULT])], listing({ accountPolicy: 'BROKEN' }), 'AUDIT_ROLE');
    expect(finding).toMatchObject({ severity: 'warn', fix: 'GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE AUDIT_ROLE;' });
    expect(gateFindings([auditUser('A', 'SERVICE', [AWS_DEFAULT])], listing({ accountPolicy: 'BROKEN' }), null)[0]?.fix).toBe('GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE <role>;');
  });

  it('gateIdentity keys the rules by the identity TYPE and carries its AWS fields and issuer', () => {
    expect(gateIdentity('U', auditUser('U', 'SERVICE', [AWS_DEFAULT]).identities[0] as AuditIdentity)).toEqual({ user: 'U', identity: 'DEFAULT', provider: 'AWS', awsAccount: '123456789012', awsPartition: 'aws', issuer: null });
    expect(gateIdentity('U', auditUser('U', 'SERVICE', [AZURE_DEFAULT]).identities[0] as AuditIdentity)).toMatchObject({ provider: 'AZURE', issuer: 'https://login.microsoftonline.com/t/v2.0' });
  });
});

const f = (code: string, user: string | null, extra: Partial<Finding> = {}): Finding => ({ code, severity: 'error', user, identity: 'DEFAULT', detail: `${code} of ${user ?? 'all'}`, ...extra });

type CheckRow = [name: string, findings: Finding[], users: string[], status: string, code: string, detail: string, fix: string | undefined];

const CHECK_ROWS: readonly CheckRow[] = [
  ['nothing in the way', [], ['A'], 'ok', 'OK', 'no network or authentication policy refuses this identity', undefined],
  ['an authentication policy refuses it', [f('AUTHN_POLICY_PROVIDER_NOT_ALLOWED', 'A', { fix: 'ALTER 1;' })], ['A'], 'warn', 'GATE_PREDICTED', 'A: AUTHN_POLICY_PROVIDER_NOT_ALLOWED of A', 'ALTER 1;'],
  ['a disabled user is a gate too', [f('USER_DISABLED', 'A', { fix: 'ALTER USER A SET DISABLED = FALSE;' })], ['A'], 'warn', 'GATE_PREDICTED', 'USER_DISABLED of A', 'ALTER USER A SET DISABLED = FALSE;'],
  ['the same fix twice is given once', [f('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A', { fix: 'X;' }), f('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A', { identity: 'OTHER', fix: 'X;' })], ['A'], 'warn', 'GATE_PREDICTED', 'A:', 'X;'],
  ["another user's refusal is not this caller's", [f('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'B', { fix: 'X;' })], ['A'], 'ok', 'OK', 'no network', undefined],
  ['a refusal wins over what could not be read', [f('GATES_UNREADABLE', null, { severity: 'warn', fix: 'GRANT;' }), f('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A', { fix: 'X;' })], ['A'], 'warn', 'GATE_PREDICTED', 'A:', 'X;'],
  ['unreadable: a warning with the grant, never OK', [f('GATES_UNREADABLE', null, { severity: 'warn', detail: 'the policies could not be read', fix: 'GRANT APPLY;' })], ['A'], 'warn', 'GATES_UNREADABLE', 'the policies could not be read', 'GRANT APPLY;'],
  ["the account's network policy, listed", [f('NETWORK_POLICY_IN_FORCE', null, { identity: null, severity: 'info', detail: 'the network policy N admits only ALLOWED_IP_LIST = (10.0.0.0/8): `wif-check doctor` from the workload says whether its address passes' })], ['A'], 'ok', 'NETWORK_POLICY_IN_FORCE', 'no authentication policy refuses this identity; the network policy N admits only ALLOWED_IP_LIST = (10.0.0.0/8) (a refused login', undefined],
  ["the user's own network policy replaces the account's", [f('NETWORK_POLICY_IN_FORCE', null, { identity: null, detail: 'ACCOUNT_ONE' }), f('NETWORK_POLICY_IN_FORCE', 'A', { identity: null, detail: 'USERS_OWN' })], ['A'], 'ok', 'NETWORK_POLICY_IN_FORCE', 'USERS_OWN', undefined],
];

describe("gateCheck: doctor's prediction of the gate that would stop the caller", () => {
  it.each(CHECK_ROWS)('%s', (_name, findings, users, status, code, detail, fix) => {
    const check = gateCheck(findings, users);
    expect(check).toMatchObject({ status, code });
    expect(check.detail).toContain(detail);
    expect(check.fix).toBe(fix);
  });

  it('only the identity the caller maps to counts; findings of no identity always do', () => {
    const findings = [f('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'A', { identity: 'OTHER', fix: 'X;' }), f('USER_DISABLED', 'A', { identity: null, fix: 'Y;' })];
    expect(gateCheck(findings, ['A'], (finding) => finding.identity === 'DEFAULT').fix).toBe('Y;');
    expect(gateCheck([findings[0] as Finding], ['A'], (finding) => finding.identity === 'DEFAULT').code).toBe('OK');
  });

  it.each([
    ['AUTHN_POLICY_ISSUER_NOT_ALLOWED', true, true],
    ['USER_DISABLED', true, true],
    ['NETWORK_POLICY_IN_FORCE', false, true],
    ['GATES_UNREADABLE', false, true],
    ['PATH_SEGMENT_ROLE', false, false],
    ['NOT_SERVICE_USER', false, false],
  ])('%s: a stop %s, a gate finding %s', (code, stop, gate) => {
    expect(isGateStop(f(code, 'A'))).toBe(stop);
    expect(isGateFinding(f(code, 'A'))).toBe(gate);
  });
});
