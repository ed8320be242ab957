/**
 * Audit's gate rules (src/core/gate-findings.ts), one line per case: DESCRIBE AUTHENTICATION
 * POLICY's values as FACTS.md shows them, the policy in force, and the findings with their codes
 * and the least change.
 */
import { describe, expect, it } from 'vitest';
import {
  authenticationPolicyFindings,
  gatesUnreadable,
  networkPolicyFinding,
  parseAuthenticationPolicy,
  parseList,
  parseWorkloadIdentityPolicy,
  policyInForce,
  type GateIdentity,
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
  it('an unreadable policy is a warning naming the grant', () => {
    expect(gatesUnreadable('The authentication policies', 'GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE <role>;')).toMatchObject({ code: 'GATES_UNREADABLE', severity: 'warn', fix: expect.stringContaining('GRANT') });
  });
});
