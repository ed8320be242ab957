/**
 * Issue 20, part 4 ("the gates before the mapping"), end to end: the BUILT CLI and the real
 * snowflake-sdk against the simulators, which enforce network policies (by the client's address,
 * 127.0.0.1 here), authentication policies and disabled/locked users in Snowflake's order. Each gate
 * failure gives its code, exit 1, Snowflake's own code and message, and a fix that names the least
 * change — for AWS (the classic attestation) and OIDC (GitHub Actions).
 *
 * Tests share one test bed and run in order; each puts the gates back in `finally`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GITHUB_JOB, GITHUB_ACTIONS_ISSUER, TEST_IDENTITIES, credentialsEnv, startTestBed, type SimGates, type TestBedWithOidc } from '../../src/simulators/index.js';
import { allOutput, cleanEnv, runCli, tempDir, type CliResult } from './run-cli.js';

let bed: TestBedWithOidc;

const ONLY_TEN: SimGates['networkPolicies'] = [
  { name: 'OFFICE_ONLY', allowedIpList: ['10.0.0.0/8'] },
  { name: 'LOOPBACK_OK', allowedIpList: ['127.0.0.1'] },
];
const POLICIES: SimGates['authenticationPolicies'] = [
  { name: 'KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR'] },
  { name: 'OTHER_AWS_ACCOUNT', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedProviders: ['AWS'], allowedAwsAccounts: ['111111111111'] } },
  { name: 'OTHER_ISSUER', authenticationMethods: ['ALL'], workloadIdentityPolicy: { allowedProviders: ['OIDC'], allowedOidcIssuers: ['https://issuer.example'] } },
  { name: 'ADMINS', authenticationMethods: ['ALL'] },
];
/** doctor --admin-connection's administrator (a PAT; its own policies let it in whatever the account's say). */
const PAT = 'pat_EXAMPLEZ2F0ZXMtZG9jdG9yLXRva2VuLW5ldmVyLXByaW50ZWQ';
const ADMIN_GATES = { networkPolicy: 'LOOPBACK_OK', authenticationPolicy: 'ADMINS' };
const NO_GATES: Partial<SimGates> = { accountNetworkPolicy: undefined, accountAuthenticationPolicy: undefined, serviceUsersAuthenticationPolicy: undefined, users: { AUDITOR: ADMIN_GATES } };

beforeAll(async () => {
  bed = await startTestBed({
    oidc: true,
    gates: { networkPolicies: ONLY_TEN, authenticationPolicies: POLICIES, users: { AUDITOR: ADMIN_GATES } },
    // AUDIT_ROLE: MONITOR on every user, but not APPLY AUTHENTICATION POLICY.
    admin: { admins: [{ name: 'AUDITOR', defaultRole: 'SECURITYADMIN', roles: ['AUDIT_ROLE'], pats: [PAT] }], monitor: { AUDIT_ROLE: '*' } },
  });
});

afterAll(async () => {
  await bed?.close();
});

afterEach(() => {
  bed.snowflake.gates.set(NO_GATES);
});

const awsEnv = () => cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole) });
function oidcEnv(): Record<string, string> {
  const { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: _p, ...snowflake } = bed.env;
  return cleanEnv({ ...snowflake, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', ...bed.oidc.githubEnv(DEFAULT_GITHUB_JOB) });
}

interface Failure {
  error: { code: string; message: string; snowflakeCode?: string | null; snowflakeMessage?: string };
  hint: string | null;
}
/** The failure document's error, with its hint. */
const failureOf = (result: CliResult): Failure['error'] & { hint: string } => {
  expect(result.code, allOutput(result)).toBe(1);
  const document = JSON.parse(result.stdout) as Failure;
  return { ...document.error, hint: document.hint ?? '' };
};

describe('connect, AWS: each gate', () => {
  it('an account network policy that does not allow this address: NETWORK_POLICY_BLOCKED with the address Snowflake saw and a user-level policy for it', async () => {
    bed.snowflake.gates.set({ accountNetworkPolicy: 'OFFICE_ONLY' });
    const error = failureOf(await runCli(['connect', '--expect-user', 'LAMBDA_LOADER', '--json'], { env: awsEnv() }));
    expect(error.code).toBe('NETWORK_POLICY_BLOCKED');
    expect(error.snowflakeCode).toBe('390422');
    expect(error.snowflakeMessage).toBe('Incoming request with IP/Token 127.0.0.1 is not allowed to access Snowflake.');
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toContain('no HTTPS_PROXY is set');
    expect(error.hint).toContain("ALLOWED_IP_LIST = ('127.0.0.1/32')");
    expect(error.hint).toContain('ALTER USER LAMBDA_LOADER SET NETWORK_POLICY = WIF_CHECK_EGRESS;');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: false, gate: 'network-policy', policy: 'OFFICE_ONLY', clientAddress: '127.0.0.1', user: 'LAMBDA_LOADER' });
  });

  it("the user's own network policy wins over the account's: the login works", async () => {
    bed.snowflake.gates.set({ accountNetworkPolicy: 'OFFICE_ONLY' });
    bed.snowflake.gates.setUser('LAMBDA_LOADER', { networkPolicy: 'LOOPBACK_OK' });
    const result = await runCli(['connect', '--expect-user', 'LAMBDA_LOADER', '--json'], { env: awsEnv() });
    expect(result.code, allOutput(result)).toBe(0);
  });

  it("a user-level authentication policy without WORKLOAD_IDENTITY: AUTHENTICATION_POLICY_REJECTED, Snowflake's 390202 kept, the least change named", async () => {
    bed.snowflake.gates.setUser('LAMBDA_LOADER', { authenticationPolicy: 'KEYPAIR_ONLY' });
    const error = failureOf(await runCli(['connect', '--expect-user', 'LAMBDA_LOADER', '--json'], { env: awsEnv() }));
    expect(error.code).toBe('AUTHENTICATION_POLICY_REJECTED');
    expect(error.snowflakeCode).toBe('390202');
    expect(error.snowflakeMessage).toBe('Authentication attempt rejected by the current authentication policy.');
    expect(error.hint).toContain("SET AUTHENTICATION_METHODS = (<its methods>, 'WORKLOAD_IDENTITY')");
    expect(error.hint).toContain("ALLOWED_AWS_ACCOUNTS = (<its accounts>, '123456789012')");
    expect(error.hint).toContain("REF_ENTITY_NAME => 'LAMBDA_LOADER'");
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ gate: 'authentication-policy', policy: 'KEYPAIR_ONLY', rule: 'AUTHENTICATION_METHODS' });
  });

  it('a FOR ALL SERVICE USERS policy that allows another AWS account: AUTHENTICATION_POLICY_REJECTED (the simulator logs ALLOWED_AWS_ACCOUNTS)', async () => {
    bed.snowflake.gates.set({ serviceUsersAuthenticationPolicy: 'OTHER_AWS_ACCOUNT' });
    const error = failureOf(await runCli(['connect', '--json'], { env: awsEnv() }));
    expect(error.code).toBe('AUTHENTICATION_POLICY_REJECTED');
    expect(error.message).toContain('does not say which rule');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ gate: 'authentication-policy', policy: 'OTHER_AWS_ACCOUNT', rule: 'ALLOWED_AWS_ACCOUNTS' });
  });

  it('the network policy is checked before the authentication policy', async () => {
    bed.snowflake.gates.set({ accountNetworkPolicy: 'OFFICE_ONLY', accountAuthenticationPolicy: 'KEYPAIR_ONLY' });
    const error = failureOf(await runCli(['connect', '--json'], { env: awsEnv() }));
    expect(error.code).toBe('NETWORK_POLICY_BLOCKED');
  });

  it('a disabled user: USER_DISABLED with ALTER USER … SET DISABLED = FALSE', async () => {
    bed.snowflake.gates.setUser('LAMBDA_LOADER', { disabled: true });
    const error = failureOf(await runCli(['connect', '--expect-user', 'LAMBDA_LOADER', '--json'], { env: awsEnv() }));
    expect(error.code).toBe('USER_DISABLED');
    expect(error.hint).toContain('ALTER USER LAMBDA_LOADER SET DISABLED = FALSE;');
    expect(error.snowflakeMessage).toContain('disabled');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ gate: 'user-disabled', user: 'LAMBDA_LOADER' });
  });

  it('doctor reports the gate too, exit 1', async () => {
    bed.snowflake.gates.set({ accountNetworkPolicy: 'OFFICE_ONLY' });
    const result = await runCli(['doctor', '--json'], { env: awsEnv() });
    expect(result.code, allOutput(result)).toBe(1);
    expect(result.stdout).toContain('NETWORK_POLICY_BLOCKED');
    expect(result.stdout).toContain('390422');
  });
});

describe('connect --provider oidc (GitHub Actions): each gate', () => {
  it("a network policy: NETWORK_POLICY_BLOCKED, and GitHub's managed network rule named", async () => {
    bed.snowflake.gates.set({ accountNetworkPolicy: 'OFFICE_ONLY' });
    const error = failureOf(await runCli(['connect', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--json'], { env: oidcEnv() }));
    expect(error.code).toBe('NETWORK_POLICY_BLOCKED');
    expect(error.snowflakeCode).toBe('390422');
    expect(error.hint).toContain('SNOWFLAKE.NETWORK_SECURITY.GITHUBACTIONS_GLOBAL');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ gate: 'network-policy', provider: 'OIDC', user: 'GHA_DEPLOY' });
  });

  it('an authentication policy that allows another OIDC issuer: AUTHENTICATION_POLICY_REJECTED with this issuer in the fix', async () => {
    bed.snowflake.gates.set({ accountAuthenticationPolicy: 'OTHER_ISSUER' });
    const error = failureOf(await runCli(['connect', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--json'], { env: oidcEnv() }));
    expect(error.code).toBe('AUTHENTICATION_POLICY_REJECTED');
    expect(error.snowflakeCode).toBe('390202');
    expect(error.hint).toContain(`ALLOWED_OIDC_ISSUERS = (<its issuers>, '${GITHUB_ACTIONS_ISSUER}')`);
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ gate: 'authentication-policy', rule: 'ALLOWED_OIDC_ISSUERS' });
  });

  it('a locked user: USER_DISABLED with MINS_TO_UNLOCK = 0', async () => {
    bed.snowflake.gates.setUser('GHA_DEPLOY', { locked: true });
    const error = failureOf(await runCli(['connect', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--json'], { env: oidcEnv() }));
    expect(error.code).toBe('USER_DISABLED');
    expect(error.hint).toContain('ALTER USER GHA_DEPLOY SET MINS_TO_UNLOCK = 0;');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ gate: 'user-locked', user: 'GHA_DEPLOY' });
  });
});

/** A SNOWFLAKE_HOME whose [admin] connection is AUDITOR's PAT on the test bed. */
function adminHome(): string {
  const home = tempDir('snowflake-home-');
  const token = join(home, 'pat.token');
  writeFileSync(token, `${PAT}\n`, { mode: 0o600 });
  writeFileSync(
    join(home, 'connections.toml'),
    `[admin]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${bed.snowflake.host}"\nport = ${bed.snowflake.port}\nprotocol = "http"\nuser = "AUDITOR"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${token}"\n`,
    { mode: 0o600 },
  );
  return home;
}

interface Check {
  id: string;
  status: string;
  code: string;
  detail: string;
  fix?: string;
}
const checksOf = (result: CliResult) => (JSON.parse(result.stdout) as { checks: Check[] }).checks;

describe('doctor --admin-connection: which gate would stop this caller, read from the policies before the login', () => {
  it('AWS: a user-level policy that allows another AWS account → GATE_PREDICTED with the least change, before the refused login', async () => {
    bed.snowflake.gates.setUser('LAMBDA_LOADER', { authenticationPolicy: 'OTHER_AWS_ACCOUNT' });
    const result = await runCli(['doctor', '--expect-user', 'LAMBDA_LOADER', '--admin-connection', 'admin', '--json'], { env: { ...awsEnv(), SNOWFLAKE_HOME: adminHome() } });
    expect(result.code, allOutput(result)).toBe(1);
    const checks = checksOf(result);
    const ids = checks.map((check) => check.id);
    expect(ids.indexOf('snowflake-gates')).toBeLessThan(ids.indexOf('login'));
    expect(checks.find((check) => check.id === 'snowflake-gates')).toMatchObject({
      status: 'warn',
      code: 'GATE_PREDICTED',
      detail: expect.stringContaining("LAMBDA_LOADER: the authentication policy OTHER_AWS_ACCOUNT (the user's own) allows the AWS accounts 111111111111, not 123456789012"),
      fix: "ALTER AUTHENTICATION POLICY OTHER_AWS_ACCOUNT SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_AWS_ACCOUNTS = ('111111111111', '123456789012'));   -- keep its other lists",
    });
    // The prediction holds: the login is refused at that gate.
    expect(checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'AUTHENTICATION_POLICY_REJECTED' });
    expect(checks.find((check) => check.id === 'snowflake-registration')).toMatchObject({ status: 'ok' });
  });

  it('AWS: a disabled user is predicted too; with no gate in the way the check is OK', async () => {
    bed.snowflake.gates.setUser('LAMBDA_LOADER', { disabled: true });
    // The gates' disabled flag is the login's; the administrator's SHOW USERS reads the profile.
    bed.snowflake.admin.setProfile('LAMBDA_LOADER', { disabled: true });
    try {
      const result = await runCli(['doctor', '--admin-connection', 'admin', '--json'], { env: { ...awsEnv(), SNOWFLAKE_HOME: adminHome() } });
      expect(checksOf(result).find((check) => check.id === 'snowflake-gates')).toMatchObject({ code: 'GATE_PREDICTED', fix: 'ALTER USER LAMBDA_LOADER SET DISABLED = FALSE;' });
    } finally {
      bed.snowflake.admin.setProfile('LAMBDA_LOADER', {});
    }
    bed.snowflake.gates.set(NO_GATES);
    const clear = await runCli(['doctor', '--admin-connection', 'admin', '--json'], { env: { ...awsEnv(), SNOWFLAKE_HOME: adminHome() } });
    expect(clear.code, allOutput(clear)).toBe(0);
    expect(checksOf(clear).find((check) => check.id === 'snowflake-gates')).toMatchObject({ status: 'ok', code: 'OK' });
  });

  it('AWS: an account network policy is listed with its allowed list (only Snowflake sees the address)', async () => {
    bed.snowflake.gates.set({ accountNetworkPolicy: 'LOOPBACK_OK' });
    const result = await runCli(['doctor', '--admin-connection', 'admin', '--json'], { env: { ...awsEnv(), SNOWFLAKE_HOME: adminHome() } });
    expect(result.code, allOutput(result)).toBe(0);
    expect(checksOf(result).find((check) => check.id === 'snowflake-gates')).toMatchObject({ status: 'ok', code: 'NETWORK_POLICY_IN_FORCE', detail: expect.stringContaining('LOOPBACK_OK') });
  });

  it('OIDC: an account policy that allows another issuer → GATE_PREDICTED naming this issuer', async () => {
    bed.snowflake.gates.set({ accountAuthenticationPolicy: 'OTHER_ISSUER' });
    const result = await runCli(['doctor', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--admin-connection', 'admin', '--json'], { env: { ...oidcEnv(), SNOWFLAKE_HOME: adminHome() } });
    expect(result.code, allOutput(result)).toBe(1);
    const checks = checksOf(result);
    expect(checks.find((check) => check.id === 'snowflake-gates')).toMatchObject({
      status: 'warn',
      code: 'GATE_PREDICTED',
      detail: expect.stringContaining("OTHER_ISSUER (the account's)"),
      fix: expect.stringContaining(`ALLOWED_OIDC_ISSUERS = ('https://issuer.example', '${GITHUB_ACTIONS_ISSUER}')`),
    });
    expect(checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'AUTHENTICATION_POLICY_REJECTED' });
  });

  it('the administrator cannot read the policies: GATES_UNREADABLE with the GRANT, never a silent OK', async () => {
    bed.snowflake.gates.set({ accountAuthenticationPolicy: 'OTHER_ISSUER' });
    const home = adminHome();
    writeFileSync(join(home, 'connections.toml'), 'role = "AUDIT_ROLE"\n', { flag: 'a' });
    const result = await runCli(['doctor', '--admin-connection', 'admin', '--json'], { env: { ...awsEnv(), SNOWFLAKE_HOME: home } });
    expect(checksOf(result).find((check) => check.id === 'snowflake-gates')).toMatchObject({ status: 'warn', code: 'GATES_UNREADABLE', fix: expect.stringContaining('GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE AUDIT_ROLE;') });
  });
});
