/**
 * `wif-check doctor` end to end: the built CLI against the local STS and Snowflake simulators.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed, type TestIdentity } from '../../src/simulators/index.js';
import { allOutput, ANSI_ESCAPE, cleanEnv, closedPort, runCli, tempDir, type CliResult } from './run-cli.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed.close();
});

function envFor(identity: TestIdentity | undefined, extra: Record<string, string | undefined> = {}) {
  const { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: _p, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _w, ...bedEnv } = bed.env;
  return cleanEnv({ ...bedEnv, ...(identity ? credentialsEnv(identity) : {}), ...extra });
}

interface DoctorJson {
  ok: boolean;
  exitCode: number;
  checks: Array<{ id: string; status: 'ok' | 'fail' | 'warn' | 'skip'; detail: string; fix?: string }>;
}

const statuses = (result: CliResult) => Object.fromEntries((JSON.parse(result.stdout) as DoctorJson).checks.map((check) => [check.id, check.status]));

function expectNoSecrets(result: CliResult, identity: TestIdentity) {
  const output = allOutput(result);
  expect(output).not.toContain(identity.secretAccessKey);
  if (identity.sessionToken) expect(output).not.toContain(identity.sessionToken);
  expect(output).not.toMatch(/Token="|masterToken/);
}


describe('wif-check doctor', () => {
  it('passes every check on a working setup and prints the checklist on stdout', async () => {
    const result = await runCli(['doctor', '--expect-user', 'lambda_loader', '--expect-account', '123456789012'], { env: envFor(TEST_IDENTITIES.assumedRole) });
    expect(result.code).toBe(0);
    for (const line of ['✔ AWS credentials', '✔ AWS region', '✔ Caller identity', '✔ AWS account', '✔ Usable for WIF', '✔ Snowflake ARN', '✔ Snowflake login', '✔ Mapped user']) {
      expect(result.stdout).toContain(line);
    }
    expect(result.stdout).toContain('arn:aws:iam::123456789012:role/my-fn-role');
    expect(result.stdout).toContain('✔ WIF login works');
    expect(result.stderr).toBe('');
    expectNoSecrets(result, TEST_IDENTITIES.assumedRole);
  });

  it('does the AWS half only, and exits 0, without an account', async () => {
    const result = await runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole, { SNOWFLAKE_ACCOUNT: undefined }) });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DoctorJson;
    expect(report.ok).toBe(true);
    expect(statuses(result)).toMatchObject({ credentials: 'ok', region: 'ok', caller: 'ok', principal: 'ok', 'snowflake-arn': 'ok', login: 'skip', user: 'skip' });
    expect(report.checks.find((check) => check.id === 'login')?.detail).toContain('no Snowflake account');
  });

  it('fails the login check with the ALTER USER fix when the user was registered with the role path (exit 1)', async () => {
    bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/my-fn-role');
    try {
      const [text, json] = await Promise.all([
        runCli(['doctor'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
        runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
      ]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('✖ Snowflake login');
      expect(text.stdout).toContain("ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');");
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as DoctorJson;
      expect(report.ok).toBe(false);
      expect(report.exitCode).toBe(1);
      expect(statuses(json)).toMatchObject({ login: 'fail', user: 'skip' });
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/my-fn-role');
    }
  });

  it.each([
    ['root', TEST_IDENTITIES.root],
    ['federated user', TEST_IDENTITIES.federatedUser],
  ])('fails "usable for WIF" for a %s (exit 1) and skips the login', async (_name, identity) => {
    const result = await runCli(['doctor', '--json'], { env: envFor(identity) });
    expect(result.code).toBe(1);
    expect(statuses(result)).toMatchObject({ caller: 'ok', principal: 'fail', 'snowflake-arn': 'skip', login: 'skip' });
    expectNoSecrets(result, identity);
  });

  it('fails --expect-user and --expect-account mismatches with exit 1', async () => {
    const [user, account] = await Promise.all([
      runCli(['doctor', '--expect-user', '"lambda_loader"'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
      runCli(['doctor', '--expect-account', '999999999999', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
    ]);
    expect(user.code).toBe(1);
    expect(user.stdout).toContain('✖ Mapped user');
    expect(user.stdout).toContain('not the expected user "lambda_loader"');
    // The fix moves the mapping to the exact (quoted) name.
    expect(user.stdout).toContain(`ALTER USER "lambda_loader" SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');`);
    expect(account.code).toBe(1);
    expect(statuses(account)).toMatchObject({ account: 'fail' });
  });

  it('exits 3 with no credentials and 3 with no region, naming the failed check', async () => {
    const [noCredentials, noRegion] = await Promise.all([
      runCli(['doctor', '--json'], { env: envFor(undefined) }),
      runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole, { AWS_REGION: undefined }) }),
    ]);
    expect(noCredentials.code).toBe(3);
    expect(statuses(noCredentials)).toMatchObject({ credentials: 'fail', region: 'ok', caller: 'skip', login: 'skip' });
    expect(noRegion.code).toBe(3);
    expect(statuses(noRegion)).toMatchObject({ credentials: 'ok', region: 'fail', caller: 'skip' });
  });

  it('warns (not fails) when only AWS_DEFAULT_REGION is set, since the driver reads only AWS_REGION', async () => {
    const result = await runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole, { AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu-west-1' }) });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DoctorJson;
    const region = report.checks.find((check) => check.id === 'region');
    expect(region?.status).toBe('warn');
    expect(region?.fix).toContain('AWS_REGION=eu-west-1');
    expect(report.ok).toBe(true);
    expect(statuses(result)).toMatchObject({ login: 'ok', user: 'ok' });
  });

  it('when STS cannot be reached from here, warns and still proves the login (Snowflake asks STS itself)', async () => {
    bed.sts.setMode('hang');
    try {
      const result = await runCli(['doctor', '--json', '--timeout', '4', '--expect-user', 'LAMBDA_LOADER'], { env: envFor(TEST_IDENTITIES.assumedRole) });
      expect(result.code, result.stderr).toBe(0);
      expect(statuses(result)).toMatchObject({ caller: 'warn', principal: 'skip', 'snowflake-arn': 'skip', login: 'ok', user: 'ok' });
      expect(result.durationMs).toBeLessThan(6_000);
    } finally {
      bed.sts.setMode('normal');
    }
  });

  it('cannot check --expect-account without STS: a failed check (exit 3), never a silent pass', async () => {
    bed.sts.setMode('hang');
    try {
      const result = await runCli(['doctor', '--json', '--timeout', '4', '--expect-account', '999999999999'], { env: envFor(TEST_IDENTITIES.assumedRole) });
      expect(result.code).toBe(3);
      expect(statuses(result)).toMatchObject({ caller: 'warn', account: 'fail' });
    } finally {
      bed.sts.setMode('normal');
    }
  });

  it('refuses a malformed --expect-account or an empty --expect-user up front (exit 2), like whoami', async () => {
    const [account, user] = await Promise.all([
      runCli(['doctor', '--expect-account', 'abc'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
      runCli(['doctor', '--expect-user', ' '], { env: envFor(TEST_IDENTITIES.assumedRole) }),
    ]);
    expect(account.code).toBe(2);
    expect(account.stderr).toContain("--expect-account 'abc' is not a 12-digit AWS account id");
    expect(user.code).toBe(2);
    expect(user.stderr).toContain('--expect-user is empty');
  });

  it('--json names the AWS side awsAccount and callerArn (account means Snowflake\'s in connect)', async () => {
    const result = await runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole) });
    expect(JSON.parse(result.stdout)).toMatchObject({
      awsAccount: '123456789012',
      callerArn: TEST_IDENTITIES.assumedRole.arn,
      snowflakeArn: 'arn:aws:iam::123456789012:role/my-fn-role',
      user: 'LAMBDA_LOADER',
    });
  });

  it('ignores SNOWFLAKE_DEFAULT_CONNECTION_NAME when there is no connections.toml (set for other tools)', async () => {
    const result = await runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole, { SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'dev' }) });
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toMatchObject({ login: 'ok' });
  });

  it('exits 4 when Snowflake is unreachable', async () => {
    const result = await runCli(['doctor', '--json', '--timeout', '5'], { env: envFor(TEST_IDENTITIES.assumedRole, { SNOWFLAKE_PORT: String(await closedPort()) }) });
    expect(result.code).toBe(4);
    expect(statuses(result)).toMatchObject({ caller: 'ok', login: 'fail' });
  });

  it('exits 2 for bad settings before checking anything', async () => {
    const [port, path] = await Promise.all([
      runCli(['doctor', '--port', 'http'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
      runCli(['doctor', '--impersonation-path', 'notanarn'], { env: envFor(TEST_IDENTITIES.assumedRole) }),
    ]);
    expect(port.code).toBe(2);
    expect(port.stdout).toBe('');
    expect(port.stderr).toContain("port 'http'");
    expect(path.code).toBe(2);
    expect(path.stdout).toBe('');
    expect(path.stderr).toContain("--impersonation-path: 'notanarn' is not an IAM role ARN");
  });

  it('--json is exactly one document, without ANSI escapes even when colour is forced', async () => {
    const result = await runCli(['doctor', '--json'], { env: envFor(TEST_IDENTITIES.assumedRole, { FORCE_COLOR: '3' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ANSI_ESCAPE);
    const report = JSON.parse(result.stdout) as DoctorJson;
    expect(report.ok).toBe(report.checks.every((check) => check.status !== 'fail'));
  });

  it('appends a Markdown summary to GITHUB_STEP_SUMMARY, without secrets', async () => {
    const summary = join(tempDir(), 'summary.md');
    const result = await runCli(['doctor'], { env: envFor(TEST_IDENTITIES.assumedRole, { GITHUB_STEP_SUMMARY: summary, CI: 'true' }) });
    expect(result.code).toBe(0);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain('### ✅ wif-check doctor');
    expect(markdown).toContain('| ✅ | Snowflake login |');
    expect(markdown).not.toContain(TEST_IDENTITIES.assumedRole.secretAccessKey);
    expect(markdown).not.toContain(TEST_IDENTITIES.assumedRole.sessionToken);
  });
});
