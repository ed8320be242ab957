/**
 * Issue 20, part 4, item 2: `wif-check audit` reads the gates before the mapping — the BUILT CLI,
 * the real snowflake-sdk, the Snowflake simulator on 127.0.0.1 enforcing the same policies it lists.
 * One seeded account has every authentication-policy problem (at the user, FOR ALL SERVICE USERS
 * and account level) and network policies on a user and on the account; the statement log proves
 * audit stayed read-only and read each policy once, not once per user.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_ACTIONS_ISSUER, startSnowflakeSimulator, type SimGates, type SnowflakeSimulator } from '../../src/simulators/index.js';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import type { Finding } from '../../src/core/audit-findings.js';
import { auditEnv, describeRun, runCliWithoutSecrets, tempDir } from './run-cli.js';

const ACCOUNT = 'simorg-wifcheck';
const PAT = 'pat_EXAMPLEZ2F0ZXMtYXVkaXQtdG9rZW4tbmV2ZXItcHJpbnRlZA';
const READ_ONLY = /^\s*(SHOW|DESC|DESCRIBE|SELECT)\b/i;

const GATES: SimGates = {
  authenticationPolicies: [
    { name: 'ACCOUNT_DEFAULT', authenticationMethods: ['KEYPAIR', 'PASSWORD', 'PROGRAMMATIC_ACCESS_TOKEN'] },
    { name: 'SVC_KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR'] },
    { name: 'OIDC_ONLY', authenticationMethods: ['ALL'], workloadIdentityPolicy: { allowedProviders: ['OIDC'] } },
    { name: 'MAIN_ACCOUNT_ONLY', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedProviders: ['AWS'], allowedAwsAccounts: ['123456789012'] } },
    { name: 'GOV_ONLY', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedAwsPartitions: ['aws-us-gov'] } },
    { name: 'OTHER_ISSUER', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedProviders: ['OIDC'], allowedOidcIssuers: ['https://issuer.example'] } },
    { name: 'WIF_OK', authenticationMethods: ['WORKLOAD_IDENTITY'] },
    { name: 'ADMINS', authenticationMethods: ['ALL'] },
  ],
  networkPolicies: [
    { name: 'OFFICE_ONLY', allowedIpList: ['10.0.0.0/8'], blockedIpList: ['10.9.9.9'] },
    { name: 'LOOPBACK_OK', allowedIpList: ['127.0.0.1'] },
  ],
  accountAuthenticationPolicy: 'ACCOUNT_DEFAULT',
  serviceUsersAuthenticationPolicy: 'SVC_KEYPAIR_ONLY',
  accountNetworkPolicy: 'OFFICE_ONLY',
  users: {
    // The administrator reaches the simulator from 127.0.0.1 with a PAT: its own policies let it in
    // (Snowflake's docs advise a non-restrictive policy for administrators).
    AUDITOR: { networkPolicy: 'LOOPBACK_OK', authenticationPolicy: 'ADMINS' },
    JWT_READY: { authenticationPolicy: 'OIDC_ONLY' },
    PARTNER: { authenticationPolicy: 'MAIN_ACCOUNT_ONLY' },
    CI_SMOKE: { authenticationPolicy: 'GOV_ONLY' },
    GHA_DEPLOY: { authenticationPolicy: 'OTHER_ISSUER' },
    ALICE_SVC: { authenticationPolicy: 'WIF_OK', networkPolicy: 'LOOPBACK_OK' },
  },
};


let sim: SnowflakeSimulator;
let tokenFile: string;

beforeAll(async () => {
  const seed = seededAuditAccount({ pats: [PAT] });
  sim = await startSnowflakeSimulator({
    accountName: ACCOUNT,
    users: [...seed.users, { name: 'GHA_DEPLOY', workloadIdentity: { type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: 'repo:octo-org/app:environment:prod' }, type: 'SERVICE' }],
    admin: seed.admin,
    gates: GATES,
  });
  const dir = tempDir('audit-gates-');
  tokenFile = join(dir, 'pat.token');
  writeFileSync(tokenFile, `${PAT}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await sim?.close();
});

async function auditJson(args: string[]) {
  const result = await runCliWithoutSecrets(['audit', '--token-file', tokenFile, '--json', ...args], auditEnv(ACCOUNT, sim, { SNOWFLAKE_USER: 'AUDITOR' }), [PAT]);
  expect(result.stderr, describeRun(result)).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return { result, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}
const find = (findings: Finding[], code: string, user: string | null) => findings.find((finding) => finding.code === code && finding.user === user);

describe('audit: the gates before the mapping', () => {
  it('every authentication-policy problem on the seeded account, at each level, with the least change', async () => {
    const before = sim.admin.statements.length;
    const { result, findings } = await auditJson([]);
    expect(result.code, describeRun(result)).toBe(1);
    // FOR ALL SERVICE USERS (no own policy, TYPE SERVICE): no WORKLOAD_IDENTITY among the methods.
    expect(find(findings, 'AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'ETL_OLD')).toMatchObject({
      severity: 'error',
      identity: 'DEFAULT',
      detail: expect.stringContaining('SVC_KEYPAIR_ONLY (FOR ALL SERVICE USERS)'),
      fix: "ALTER AUTHENTICATION POLICY SVC_KEYPAIR_ONLY SET AUTHENTICATION_METHODS = ('KEYPAIR', 'WORKLOAD_IDENTITY');",
    });
    // A PERSON user falls to the account's policy, not the service users'.
    expect(find(findings, 'AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'ANALYST_BOT')).toMatchObject({ detail: expect.stringContaining("ACCOUNT_DEFAULT (the account's)") });
    // The user's own policy wins.
    expect(find(findings, 'AUTHN_POLICY_PROVIDER_NOT_ALLOWED', 'JWT_READY')).toMatchObject({ detail: expect.stringContaining("OIDC_ONLY (the user's own)"), fix: expect.stringContaining('ALLOWED_PROVIDERS = (OIDC, AWS)') });
    expect(find(findings, 'AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'JWT_READY')).toBeUndefined();
    expect(find(findings, 'AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED', 'PARTNER')).toMatchObject({ fix: expect.stringContaining("ALLOWED_AWS_ACCOUNTS = ('123456789012', '210987654321')") });
    expect(find(findings, 'AUTHN_POLICY_AWS_PARTITION_NOT_ALLOWED', 'CI_SMOKE')).toMatchObject({ fix: expect.stringContaining("ALLOWED_AWS_PARTITIONS = ('aws-us-gov', 'aws')") });
    expect(find(findings, 'AUTHN_POLICY_ISSUER_NOT_ALLOWED', 'GHA_DEPLOY')).toMatchObject({ fix: expect.stringContaining(`ALLOWED_OIDC_ISSUERS = ('https://issuer.example', '${GITHUB_ACTIONS_ISSUER}')`) });
    // A policy that admits the identity: nothing to say about it.
    expect(findings.filter((finding) => finding.user === 'ALICE_SVC' && finding.code.startsWith('AUTHN_POLICY'))).toEqual([]);
    // Network policies, listed with their lists: the user's own per user, the account's once.
    expect(find(findings, 'NETWORK_POLICY_IN_FORCE', 'ALICE_SVC')).toMatchObject({ severity: 'info', detail: expect.stringContaining('LOOPBACK_OK') });
    expect(find(findings, 'NETWORK_POLICY_IN_FORCE', null)).toMatchObject({ detail: expect.stringContaining('ALLOWED_IP_LIST = (10.0.0.0/8), BLOCKED_IP_LIST = (10.9.9.9)') });
    expect(findings.filter((finding) => finding.code === 'NETWORK_POLICY_IN_FORCE')).toHaveLength(2);
    expect(findings.some((finding) => finding.code === 'GATES_UNREADABLE')).toBe(false);

    const statements = sim.admin.statements.slice(before).map((statement) => statement.sql);
    expect(statements.filter((sql) => !READ_ONLY.test(sql))).toEqual([]);
    // Once per account: one SHOW, and one DESCRIBE and one POLICY_REFERENCES per policy, whatever the number of users.
    expect(statements.filter((sql) => /^SHOW AUTHENTICATION POLICIES/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /^DESCRIBE AUTHENTICATION POLICY/.test(sql))).toHaveLength(GATES.authenticationPolicies?.length ?? 0);
    expect(statements.filter((sql) => /POLICY_REFERENCES/.test(sql))).toHaveLength(GATES.authenticationPolicies?.length ?? 0);
    expect(statements.filter((sql) => /^DESCRIBE NETWORK POLICY/.test(sql))).toHaveLength(2);
  });

  it('what the role cannot read is a GATES_UNREADABLE warning naming the GRANT, never a silent pass', async () => {
    const { result, findings } = await auditJson(['--role', 'AUDIT_ROLE']);
    expect(result.code, describeRun(result)).toBe(1);
    const unreadable = findings.filter((finding) => finding.code === 'GATES_UNREADABLE');
    expect(unreadable.map((finding) => finding.fix)).toEqual(expect.arrayContaining(['GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE AUDIT_ROLE;', expect.stringContaining('GRANT ATTACH POLICY ON ACCOUNT TO ROLE AUDIT_ROLE;')]));
    for (const finding of unreadable) expect(finding.severity).toBe('warn');
    expect(findings.some((finding) => finding.code.startsWith('AUTHN_POLICY'))).toBe(false);
    const text = await runCliWithoutSecrets(['audit', '--token-file', tokenFile, '--role', 'AUDIT_ROLE'], auditEnv(ACCOUNT, sim, { SNOWFLAKE_USER: 'AUDITOR' }), [PAT]);
    // Text output is wrapped at 80 columns: compare with the line breaks folded.
    expect(text.stdout.replace(/\s+/g, ' ')).toMatch(/! The authentication policies .* could not be read: the gates were not checked/);
    expect(text.stdout).toContain('fix: GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE AUDIT_ROLE;');
  });

  it('granted APPLY AUTHENTICATION POLICY, the same role reads them', async () => {
    sim.admin.grantPolicyRead('AUDIT_ROLE');
    try {
      const { findings } = await auditJson(['--role', 'AUDIT_ROLE']);
      expect(find(findings, 'AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED', 'PARTNER')).toBeDefined();
      // HIDDEN_SVC's identities (and so its network parameter) stay unlisted: INSUFFICIENT_PRIVILEGES says so.
      expect(find(findings, 'INSUFFICIENT_PRIVILEGES', 'HIDDEN_SVC')).toBeDefined();
      expect(findings.some((finding) => finding.code === 'GATES_UNREADABLE')).toBe(false);
    } finally {
      sim.admin.revokePolicyRead('AUDIT_ROLE');
    }
  });
});
