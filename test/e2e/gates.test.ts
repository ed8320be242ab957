/**
 * Issue 20, part 4 ("the gates before the mapping"), end to end: the BUILT CLI and the real
 * snowflake-sdk against the simulators, which enforce network policies (by the client's address,
 * 127.0.0.1 here), authentication policies and disabled/locked users in Snowflake's order. Each gate
 * failure gives its code, exit 1, Snowflake's own code and message, and a fix that names the least
 * change — for AWS (the classic attestation) and OIDC (GitHub Actions).
 *
 * Tests share one test bed and run in order; each puts the gates back in `finally`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GITHUB_JOB, GITHUB_ACTIONS_ISSUER, TEST_IDENTITIES, credentialsEnv, startTestBed, type SimGates, type TestBedWithOidc } from '../../src/simulators/index.js';
import { allOutput, cleanEnv, runCli, type CliResult } from './run-cli.js';

let bed: TestBedWithOidc;

const ONLY_TEN: SimGates['networkPolicies'] = [
  { name: 'OFFICE_ONLY', allowedIpList: ['10.0.0.0/8'] },
  { name: 'LOOPBACK_OK', allowedIpList: ['127.0.0.1'] },
];
const POLICIES: SimGates['authenticationPolicies'] = [
  { name: 'KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR'] },
  { name: 'OTHER_AWS_ACCOUNT', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedProviders: ['AWS'], allowedAwsAccounts: ['111111111111'] } },
  { name: 'OTHER_ISSUER', authenticationMethods: ['ALL'], workloadIdentityPolicy: { allowedProviders: ['OIDC'], allowedOidcIssuers: ['https://issuer.example'] } },
];
const NO_GATES: Partial<SimGates> = { accountNetworkPolicy: undefined, accountAuthenticationPolicy: undefined, serviceUsersAuthenticationPolicy: undefined, users: {} };

beforeAll(async () => {
  bed = await startTestBed({ oidc: true, gates: { networkPolicies: ONLY_TEN, authenticationPolicies: POLICIES } });
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
