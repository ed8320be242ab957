/** doctor --driver (issue 12, part 3): the BUILT CLI against the simulators; the checks speak for the chosen driver. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_TARGET_ROLE_ARN, TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { cleanEnv, describeRun, runCli } from './run-cli.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed?.close();
});

type Report = { ok: boolean; exitCode: number; driver?: string; checks: Array<{ id: string; status: string; code: string; detail: string; fix?: string }> };
async function doctor(args: string[], extra: Record<string, string | undefined> = {}, identity = TEST_IDENTITIES.assumedRole): Promise<Report> {
  const result = await runCli(['doctor', '--json', ...args], { env: cleanEnv({ ...bed.env, ...credentialsEnv(identity), ...extra }) });
  expect(result.stdout, describeRun(result)).not.toBe('');
  return JSON.parse(result.stdout) as Report;
}
const check = (report: Report, id: string) => report.checks.find((entry) => entry.id === id);

describe('doctor --driver', () => {
  it('python reads AWS_DEFAULT_REGION: no region warning where node would warn', async () => {
    const env = { AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu-west-1' };
    const node = await doctor(['--region', 'eu-west-1'], env);
    expect(check(node, 'region')).toMatchObject({ status: 'warn', code: 'DRIVER_REGION_DIFFERS' });
    const python = await doctor(['--region', 'eu-west-1', '--driver', 'python'], env);
    expect(python.driver).toBe('python');
    expect(check(python, 'region')).toMatchObject({ status: 'ok', detail: expect.stringContaining('Python driver sees the same (AWS_DEFAULT_REGION)') });
  });

  it('python with only AWS_REGION warns that role chaining needs AWS_DEFAULT_REGION; node does not', async () => {
    const args = ['--impersonation-path', CHAIN_TARGET_ROLE_ARN];
    const python = await doctor([...args, '--driver', 'python'], {}, TEST_IDENTITIES.chainSource);
    expect(check(python, 'chaining')).toMatchObject({ status: 'warn', code: 'CHAINING_NEEDS_REGION', fix: expect.stringContaining('AWS_DEFAULT_REGION=eu-west-1') });
    // A warning: the login still runs (wif-check's own login uses the Node driver).
    expect(check(python, 'login')?.status).not.toBe('skip');
    const node = await doctor(args, {}, TEST_IDENTITIES.chainSource);
    expect(check(node, 'chaining')).toMatchObject({ status: 'ok' });
  });

  it('a Python Lambda runtime (AWS_EXECUTION_ENV) selects python by itself', async () => {
    const report = await doctor([], { AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12', AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(report.driver).toBe('python');
    expect(check(report, 'region')?.status).toBe('ok');
  });

  it('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN under the Node driver: a warning naming the option it reads instead; none for python', async () => {
    const run = (driver: string) =>
      runCli(['doctor', '--json', '--driver', driver], { env: cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole), SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'True' }) });
    const node = await run('node');
    expect(node.stderr, describeRun(node)).toMatch(/SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN is not read by the Snowflake Node\.js driver .*workloadIdentityAwsUseOutboundToken: true/);
    const python = await run('python');
    expect(python.stderr, describeRun(python)).not.toContain('is not read by');
  });

  it("an isolated partition's region: the attestation would name the wrong STS host; node is told of workloadIdentityHost (snowflake-sdk 3.4), python that it has no setting", async () => {
    const env = { AWS_REGION: 'us-iso-east-1', AWS_DEFAULT_REGION: 'us-iso-east-1', SNOWFLAKE_ACCOUNT: undefined };
    const [node, python] = await Promise.all([doctor([], env), doctor(['--driver', 'python'], env)]);
    expect(check(node, 'region')).toMatchObject({ status: 'warn', code: 'DRIVER_STS_HOST', detail: expect.stringContaining('set workloadIdentityHost (snowflake-sdk ≥ 3.4.0)') });
    expect(check(python, 'region')).toMatchObject({ status: 'warn', code: 'DRIVER_STS_HOST', detail: expect.stringContaining('has no setting for another host') });
    const plain = await doctor([], { SNOWFLAKE_ACCOUNT: undefined });
    expect(check(plain, 'region')).toMatchObject({ status: 'ok', code: 'OK' });
  });

  it('an unknown driver is a usage error (exit 2, BAD_DRIVER)', async () => {
    const report = await doctor(['--driver', 'cobol']);
    expect(report).toMatchObject({ ok: false, exitCode: 2, checks: [{ id: 'settings', code: 'BAD_DRIVER' }] });
  });
});
