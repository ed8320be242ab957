/**
 * Specification of audit's and doctor's gate rules (src/core/gate-findings.ts), one line per input:
 * DESCRIBE AUTHENTICATION POLICY's values as Snowflake, the docs (../shared/FACTS.md "The gates") or
 * a careless administrator write them, the findings they give for an identity with the whole
 * detail and fix, the network policy listings, and doctor's prediction. Complements
 * test/core/gate-findings.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AuditIdentity, AuditUser, Finding } from '../../src/core/audit-findings.js';
import {
  authenticationPolicyFindings,
  gateCheck,
  gateFindings,
  networkPolicyFinding,
  parseAuthenticationPolicy,
  parseList,
  parseWorkloadIdentityPolicy,
  type AuthenticationPolicy,
  type GateIdentity,
  type GatesListing,
  type PolicyLevel,
  type WorkloadIdentityPolicy,
} from '../../src/core/gate-findings.js';

const GH = 'https://token.actions.githubusercontent.com';
const AZURE_ISSUER = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0';
const ALL: WorkloadIdentityPolicy = { allowedProviders: ['ALL'], allowedAwsAccounts: ['ALL'], allowedAwsPartitions: ['ALL'], allowedAzureIssuers: ['ALL'], allowedOidcIssuers: ['ALL'] };
const KEEP = ';   -- keep its other lists';

// parseList: brackets or parentheses around the whole value, quotes around a whole item, nothing else.
describe('parseList', () => {
  it.each<[string, string | null | undefined, string[]]>([
    ['spaces and a newline around the value', ' [ALL]\n', ['ALL']],
    ['DESCRIBE’s brackets', '[PASSWORD, KEYPAIR]', ['PASSWORD', 'KEYPAIR']],
    ['double-quoted items', '["PASSWORD", "KEYPAIR"]', ['PASSWORD', 'KEYPAIR']],
    ['a one-letter double-quoted item', '["A"]', ['A']],
    ['an issuer with an IPv6 host keeps its brackets', "('https://[2001:db8::1]/oidc')", ['https://[2001:db8::1]/oidc']],
    ['an issuer with parentheses keeps them', '[https://idp.example/tenants(prod)]', ['https://idp.example/tenants(prod)']],
    ['quotes ending an item but not starting it are kept', "[https://idp.example/o'brien']", ["https://idp.example/o'brien'"]],
    ['quotes starting an item but not ending it are kept', "['prod'.idp.example]", ["'prod'.idp.example"]],
    ['double quotes ending an item but not starting it are kept', '[https://idp.example/"prod"]', ['https://idp.example/"prod"']],
    ['double quotes starting an item but not ending it are kept', '["prod".idp.example]', ['"prod".idp.example']],
    ['no brackets at all', 'ALL', ['ALL']],
    ['undefined', undefined, []],
  ])('%s: %j', (_name, value, items) => expect(parseList(value)).toEqual(items));
});

// parseWorkloadIdentityPolicy: DESCRIBE's {K=[…]} and the docs' (K = (…)), unbracketed values, ALL where a key is absent or empty.
describe('parseWorkloadIdentityPolicy', () => {
  it.each<[string, string | null, Partial<WorkloadIdentityPolicy>]>([
    ['nothing read', null, {}],
    ['an unbracketed value, a newline after the braces', '{ALLOWED_PROVIDERS=AWS}\n', { allowedProviders: ['AWS'] }],
    ['unbracketed values', '{ALLOWED_PROVIDERS=AWS, ALLOWED_AWS_ACCOUNTS=123456789012}', { allowedProviders: ['AWS'], allowedAwsAccounts: ['123456789012'] }],
    ['the docs’ CREATE form: spaces around =, parentheses, quotes', "(ALLOWED_PROVIDERS = (AWS, OIDC), ALLOWED_AWS_ACCOUNTS = ('123456789012', '210987654321'))", { allowedProviders: ['AWS', 'OIDC'], allowedAwsAccounts: ['123456789012', '210987654321'] }],
    ['an empty list is ALL', '{ALLOWED_PROVIDERS=[], ALLOWED_OIDC_ISSUERS=[]}', {}],
    ['providers are upper-cased', '{ALLOWED_PROVIDERS=[aws, oidc]}', { allowedProviders: ['AWS', 'OIDC'] }],
    ['accounts are upper-cased (a typed letter o for a zero)', '{ALLOWED_AWS_ACCOUNTS=[12345678901o]}', { allowedAwsAccounts: ['12345678901O'] }],
    ['partitions are lower-cased, ALL kept', '{ALLOWED_AWS_PARTITIONS=[AWS-US-GOV, aws-cn]}', { allowedAwsPartitions: ['aws-us-gov', 'aws-cn'] }],
    ['a partition with a dotless ı (homoglyph) is not folded to ASCII', '{ALLOWED_AWS_PARTITIONS=[aws-ıso]}', { allowedAwsPartitions: ['aws-ıso'] }],
    ['issuers are kept as written', `{ALLOWED_AZURE_ISSUERS=[${AZURE_ISSUER}], ALLOWED_OIDC_ISSUERS=[https://Token.Actions.GitHubUserContent.com]}`, { allowedAzureIssuers: [AZURE_ISSUER], allowedOidcIssuers: ['https://Token.Actions.GitHubUserContent.com'] }],
    ['ALL in any case is ALL among issuers', '{ALLOWED_AZURE_ISSUERS=[all], ALLOWED_OIDC_ISSUERS=[All]}', {}],
    ['Azure’s multi-tenant issuer template keeps its braces', '{ALLOWED_AZURE_ISSUERS=[https://login.microsoftonline.com/{tenantid}/v2.0]}', { allowedAzureIssuers: ['https://login.microsoftonline.com/{tenantid}/v2.0'] }],
  ])('%s', (_name, value, lists) => expect(parseWorkloadIdentityPolicy(value)).toEqual({ ...ALL, ...lists }));
});

// parseAuthenticationPolicy: no AUTHENTICATION_METHODS (or an empty one) is ALL.
describe('parseAuthenticationPolicy', () => {
  it.each<[string, Array<{ property: string; value: string | null }>, string[]]>([
    ['no rows', [], ['ALL']],
    ['AUTHENTICATION_METHODS null', [{ property: 'AUTHENTICATION_METHODS', value: null }], ['ALL']],
    ['AUTHENTICATION_METHODS []', [{ property: 'authentication_methods', value: '[]' }], ['ALL']],
    ['lower-case methods', [{ property: 'AUTHENTICATION_METHODS', value: "['workload_identity', 'keypair']" }], ['WORKLOAD_IDENTITY', 'KEYPAIR']],
  ])('%s', (_name, rows, methods) => expect(parseAuthenticationPolicy('P', rows)).toEqual({ name: 'P', authenticationMethods: methods, workloadIdentityPolicy: ALL }));
});

const AWS_ID: GateIdentity = { user: 'LAMBDA_LOADER', identity: 'DEFAULT', provider: 'AWS', awsAccount: '123456789012', awsPartition: 'aws' };
const OIDC_ID: GateIdentity = { user: 'GHA_DEPLOY', identity: 'DEFAULT', provider: 'OIDC', issuer: GH };
const AZURE_ID: GateIdentity = { user: 'AKS_JOB', identity: 'DEFAULT', provider: 'AZURE', issuer: AZURE_ISSUER };
const LONG_ISSUER = `https://idp.example/${'a'.repeat(1980)}`;

type FindingRow = [name: string, identity: GateIdentity, policy: AuthenticationPolicy, level: PolicyLevel, expected: Array<[code: string, detail: string, fix: string]>];
const pol = (methods: string[], wif: Partial<WorkloadIdentityPolicy> = {}, name = 'P'): AuthenticationPolicy => ({ name, authenticationMethods: methods, workloadIdentityPolicy: { ...ALL, ...wif } });

// authenticationPolicyFindings: which list refuses the identity, said whole, with the least change.
const FINDING_ROWS: readonly FindingRow[] = [
  ["no WORKLOAD_IDENTITY, the user's own", AWS_ID, pol(['PASSWORD', 'KEYPAIR']), 'user', [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', "the authentication policy P (the user's own) does not list WORKLOAD_IDENTITY in AUTHENTICATION_METHODS (PASSWORD, KEYPAIR): every WIF login of this user is refused (390202)", "ALTER AUTHENTICATION POLICY P SET AUTHENTICATION_METHODS = ('PASSWORD', 'KEYPAIR', 'WORKLOAD_IDENTITY');"]]],
  ['no WORKLOAD_IDENTITY, the account’s', OIDC_ID, pol(['KEYPAIR']), 'account', [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', "the authentication policy P (the account's) does not list WORKLOAD_IDENTITY in AUTHENTICATION_METHODS (KEYPAIR): every WIF login of this user is refused (390202)", "ALTER AUTHENTICATION POLICY P SET AUTHENTICATION_METHODS = ('KEYPAIR', 'WORKLOAD_IDENTITY');"]]],
  ['a hand-built policy with the method in lower case admits it', AWS_ID, pol(['workload_identity']), 'user', []],
  ['a hand-built policy with an empty method keeps it in the fix', AWS_ID, pol(['']), 'user', [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', "the authentication policy P (the user's own) does not list WORKLOAD_IDENTITY in AUTHENTICATION_METHODS (): every WIF login of this user is refused (390202)", "ALTER AUTHENTICATION POLICY P SET AUTHENTICATION_METHODS = ('', 'WORKLOAD_IDENTITY');"]]],
  ['the provider not allowed, FOR ALL SERVICE USERS', AWS_ID, pol(['ALL'], { allowedProviders: ['OIDC', 'AZURE'] }), 'service-users', [['AUTHN_POLICY_PROVIDER_NOT_ALLOWED', 'the authentication policy P (FOR ALL SERVICE USERS) allows the providers OIDC, AZURE, not AWS', `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_PROVIDERS = (OIDC, AZURE, AWS))${KEEP}`]]],
  ['the provider among several', AWS_ID, pol(['ALL'], { allowedProviders: ['OIDC', 'AWS'] }), 'user', []],
  ['a hand-built provider list in lower case', AWS_ID, pol(['ALL'], { allowedProviders: ['aws'] }), 'user', []],
  ['the provider of the identity in lower case', { ...AWS_ID, provider: 'aws' }, pol(['ALL'], { allowedProviders: ['AWS'] }), 'user', []],
  ['the AWS account listed', AWS_ID, pol(['ALL'], { allowedAwsAccounts: ['123456789012'] }), 'user', []],
  ['the AWS account not among two', AWS_ID, pol(['ALL'], { allowedAwsAccounts: ['111111111111', '222222222222'] }), 'user', [['AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED', "the authentication policy P (the user's own) allows the AWS accounts 111111111111, 222222222222, not 123456789012", `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_AWS_ACCOUNTS = ('111111111111', '222222222222', '123456789012'))${KEEP}`]]],
  ['accounts compare exactly (a typed letter o, upper-cased by DESCRIBE’s reading)', { ...AWS_ID, awsAccount: '12345678901o' }, pol(['ALL'], { allowedAwsAccounts: ['12345678901O'] }), 'user', [['AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED', "the authentication policy P (the user's own) allows the AWS accounts 12345678901O, not 12345678901o", `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_AWS_ACCOUNTS = ('12345678901O', '12345678901o'))${KEEP}`]]],
  ['the AWS partition not among two', { ...AWS_ID, awsPartition: 'aws-us-gov' }, pol(['ALL'], { allowedAwsPartitions: ['aws', 'aws-cn'] }), 'user', [['AUTHN_POLICY_AWS_PARTITION_NOT_ALLOWED', "the authentication policy P (the user's own) allows the AWS partitions aws, aws-cn, not aws-us-gov (ALLOWED_AWS_PARTITIONS is shown by DESCRIBE but not on the docs pages)", `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_AWS_PARTITIONS = ('aws', 'aws-cn', 'aws-us-gov'))${KEEP}`]]],
  ['the partition in upper case is the same partition', { ...AWS_ID, awsPartition: 'AWS-US-GOV' }, pol(['ALL'], { allowedAwsPartitions: ['aws-us-gov'] }), 'user', []],
  ['AWS lists do not limit an OIDC identity, even one carrying AWS fields', { ...OIDC_ID, awsAccount: '123456789012', awsPartition: 'aws' }, pol(['ALL'], { allowedAwsAccounts: ['111111111111'], allowedAwsPartitions: ['aws-cn'] }), 'user', []],
  ['issuer lists do not limit an AWS identity with an ISSUER', { ...AWS_ID, issuer: 'https://sts.amazonaws.com' }, pol(['ALL'], { allowedAzureIssuers: [AZURE_ISSUER], allowedOidcIssuers: [GH] }), 'user', []],
  ['the OIDC issuer in another case is another issuer', { ...OIDC_ID, issuer: 'https://Token.Actions.GitHubUserContent.com' }, pol(['ALL'], { allowedOidcIssuers: [GH] }), 'user', [['AUTHN_POLICY_ISSUER_NOT_ALLOWED', `the authentication policy P (the user's own) allows the issuers ${GH} (ALLOWED_OIDC_ISSUERS), not https://Token.Actions.GitHubUserContent.com`, `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_OIDC_ISSUERS = ('${GH}', 'https://Token.Actions.GitHubUserContent.com'))${KEEP}`]]],
  ['the Azure issuer not among two tenants', AZURE_ID, pol(['ALL'], { allowedAzureIssuers: ['https://login.microsoftonline.com/a/v2.0', 'https://login.microsoftonline.com/b/v2.0'], allowedOidcIssuers: [GH] }), 'account', [['AUTHN_POLICY_ISSUER_NOT_ALLOWED', `the authentication policy P (the account's) allows the issuers https://login.microsoftonline.com/a/v2.0, https://login.microsoftonline.com/b/v2.0 (ALLOWED_AZURE_ISSUERS), not ${AZURE_ISSUER}`, `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_AZURE_ISSUERS = ('https://login.microsoftonline.com/a/v2.0', 'https://login.microsoftonline.com/b/v2.0', '${AZURE_ISSUER}'))${KEEP}`]]],
  ['a policy name with a terminal escape never reaches the SQL', AWS_ID, pol(['KEYPAIR'], {}, 'P\u001b[2J'), 'user', [['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', "the authentication policy P\u001b[2J (the user's own) does not list WORKLOAD_IDENTITY in AUTHENTICATION_METHODS (KEYPAIR): every WIF login of this user is refused (390202)", "ALTER AUTHENTICATION POLICY <policy> SET AUTHENTICATION_METHODS = ('KEYPAIR', 'WORKLOAD_IDENTITY');"]]],
  ['a 2,000-character issuer is too long for a literal', { ...OIDC_ID, issuer: LONG_ISSUER }, pol(['ALL'], { allowedOidcIssuers: [GH] }), 'user', [['AUTHN_POLICY_ISSUER_NOT_ALLOWED', `the authentication policy P (the user's own) allows the issuers ${GH} (ALLOWED_OIDC_ISSUERS), not ${LONG_ISSUER}`, `ALTER AUTHENTICATION POLICY P SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_OIDC_ISSUERS = ('${GH}', '<value>'))${KEEP}`]]],
];

describe('authenticationPolicyFindings', () => {
  it.each(FINDING_ROWS)('%s', (_name, identity, policy, level, expected) => {
    expect(authenticationPolicyFindings(identity, { policy, level })).toEqual(expected.map(([code, detail, fix]) => ({ code, severity: 'error', user: identity.user, identity: 'DEFAULT', detail, fix })));
  });
});

// networkPolicyFinding: both lists, each item separated.
describe('networkPolicyFinding', () => {
  it.each<[string, string | null, 'user' | 'account', string[], string[], string]>([
    ['two of each, the user’s own', 'A', 'user', ['192.0.2.0/24', '198.51.100.7'], ['192.0.2.9', '192.0.2.10'], "the network policy N (the user's own) admits only ALLOWED_IP_LIST = (192.0.2.0/24, 198.51.100.7), BLOCKED_IP_LIST = (192.0.2.9, 192.0.2.10): `wif-check doctor` from the workload says whether its address passes"],
  ])('%s', (_name, user, level, allowed, blocked, detail) => {
    expect(networkPolicyFinding(user, { name: 'N', level, allowedIpList: allowed, blockedIpList: blocked })).toEqual({ code: 'NETWORK_POLICY_IN_FORCE', severity: 'info', user, identity: null, detail });
  });
});

const auditUser = (name: string, identities: AuditIdentity[]): AuditUser => ({ name, type: 'SERVICE', disabled: false, defaultRole: null, identitiesListed: true, identities });
const AWS_DEFAULT: AuditIdentity = { name: 'DEFAULT', type: 'AWS', awsPartition: 'aws', awsAccount: '123456789012', identityType: 'IAM_ROLE', iamRole: 'r', issuer: null, lastUsed: null, createdOn: null, disabled: null };
const listing = (patch: Partial<GatesListing>): GatesListing => ({ authenticationPolicies: new Map(), userPolicies: new Map(), networkPolicies: new Map(), userNetworkPolicies: new Map(), unreadable: [], ...patch });

// gateFindings: a network policy in force that DESCRIBE could not read is listed as unreadable, never as open.
describe('gateFindings: unreadable network policies', () => {
  it.each<[string, Partial<GatesListing>, Finding[]]>([
    ["the user's own", { userNetworkPolicies: new Map([['A', 'HIDDEN']]), networkPolicies: new Map([['HIDDEN', null]]) }, [{ code: 'NETWORK_POLICY_IN_FORCE', severity: 'info', user: 'A', identity: null, detail: "the network policy HIDDEN (the user's own) admits only ALLOWED_IP_LIST = (<unreadable>), BLOCKED_IP_LIST = (none): `wif-check doctor` from the workload says whether its address passes" }]],
    ["the account's", { accountNetworkPolicy: 'HIDDEN' }, [{ code: 'NETWORK_POLICY_IN_FORCE', severity: 'info', user: null, identity: null, detail: "the network policy HIDDEN (the account's, for every user without one of its own) admits only ALLOWED_IP_LIST = (<unreadable>), BLOCKED_IP_LIST = (none): `wif-check doctor` from the workload says whether its address passes" }]],
  ])('%s', (_name, patch, expected) => expect(gateFindings([auditUser('A', [AWS_DEFAULT])], listing(patch), 'R')).toEqual(expected));
});

const f = (code: string, user: string | null, extra: Partial<Finding> = {}): Finding => ({ code, severity: 'error', user, identity: 'DEFAULT', detail: `${code} of ${user ?? 'all'}`, ...extra });
const NET_TAIL = ': `wif-check doctor` from the workload says whether its address passes';

// gateCheck: stops (with a user) first, each said and fixed; then what could not be read; then the network policy alone.
describe('gateCheck', () => {
  it.each<[string, Finding[], { status: string; code: string; detail: string; fix?: string }]>([
    ['two stops: both said, both fixes on their own lines', [f('AUTHN_POLICY_PROVIDER_NOT_ALLOWED', 'A', { fix: 'ALTER 1;' }), f('USER_DISABLED', 'A', { identity: null, fix: 'ALTER USER A SET DISABLED = FALSE;' })], { status: 'warn', code: 'GATE_PREDICTED', detail: 'a gate before the mapping would refuse this caller: A: AUTHN_POLICY_PROVIDER_NOT_ALLOWED of A; A: USER_DISABLED of A', fix: 'ALTER 1;\nALTER USER A SET DISABLED = FALSE;' }],
    ['a stop without a fix gives no fix', [f('USER_DISABLED', 'A', { identity: null })], { status: 'warn', code: 'GATE_PREDICTED', detail: 'a gate before the mapping would refuse this caller: A: USER_DISABLED of A' }],
    ['a refusal tied to no user is not a stop', [f('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', null, { identity: null, fix: 'X;' })], { status: 'ok', code: 'OK', detail: 'no network or authentication policy refuses this identity, and the user is enabled' }],
    ['two unreadable: both said, both grants', [f('GATES_UNREADABLE', null, { identity: null, severity: 'warn', detail: 'one', fix: 'GRANT 1;' }), f('GATES_UNREADABLE', null, { identity: null, severity: 'warn', detail: 'two', fix: 'GRANT 2;' })], { status: 'warn', code: 'GATES_UNREADABLE', detail: 'one; two', fix: 'GRANT 1;\nGRANT 2;' }],
    ['other findings of the user are not the network policy', [f('IDENTITY_STALE', 'A', { severity: 'info' }), f('NETWORK_POLICY_IN_FORCE', null, { identity: null, severity: 'info', detail: `the network policy N admits only ALLOWED_IP_LIST = (10.0.0.0/8)${NET_TAIL}` })], { status: 'ok', code: 'NETWORK_POLICY_IN_FORCE', detail: 'no authentication policy refuses this identity; the network policy N admits only ALLOWED_IP_LIST = (10.0.0.0/8) (a refused login shows the address Snowflake saw)' }],
    ['a policy named to look like the tail, with a newline, loses only the real tail', [networkPolicyFinding('A', { name: 'N: `wif-check doctor`\nX', level: 'user', allowedIpList: ['10.0.0.0/8'], blockedIpList: [] })], { status: 'ok', code: 'NETWORK_POLICY_IN_FORCE', detail: "no authentication policy refuses this identity; the network policy N: `wif-check doctor`\nX (the user's own) admits only ALLOWED_IP_LIST = (10.0.0.0/8), BLOCKED_IP_LIST = (none) (a refused login shows the address Snowflake saw)" }],
  ])('%s', (_name, findings, expected) => expect(gateCheck(findings, ['A'])).toEqual(expected));
});
