/**
 * The test bed against the REAL snowflake-sdk 3.3.0 (and, for the impersonation path, its real
 * STS AssumeRole call): each case runs fixtures/driver-connect.mjs in a child process with a clean
 * environment, a temporary HOME and cwd, and static AWS credentials, as a Lambda function would.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHAIN_TARGET_ROLE_ARN,
  credentialsEnv,
  startTestBed,
  TEST_IDENTITIES,
  WIF_USER_NOT_FOUND_MESSAGE,
  type TestBed,
  type TestIdentity,
} from '../../src/simulators/index.js';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/driver-connect.mjs', import.meta.url));

interface DriverError {
  name: string;
  code: string | number;
  message: string;
  data: Record<string, unknown> | null;
  status: number | null;
  cause: string | null;
}
type DriverResult = { ok: true; rows: Array<Array<Record<string, unknown>>>; sqlError?: DriverError } | { ok: false; error: DriverError };

async function runDriver(
  bed: TestBed,
  identity: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
  opts: { sql?: string[]; role?: string; impersonationPath?: string[] } = {},
): Promise<{ result: DriverResult; files: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'wif-sim-driver-'));
  try {
    const { stdout } = await run(process.execPath, [FIXTURE], {
      cwd: dir,
      timeout: 25_000,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        ...bed.env,
        ...credentialsEnv(identity),
        SIM_ACCOUNT: bed.env.SNOWFLAKE_ACCOUNT,
        SIM_HOST: bed.env.SNOWFLAKE_HOST,
        SIM_PORT: bed.env.SNOWFLAKE_PORT,
        SIM_SQL: JSON.stringify(opts.sql ?? []),
        ...(opts.role ? { SIM_ROLE: opts.role } : {}),
        ...(opts.impersonationPath ? { SIM_IMPERSONATION_PATH: opts.impersonationPath.join(',') } : {}),
      },
    });
    return { result: JSON.parse(stdout) as DriverResult, files: await readdir(dir) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function expectFailure(result: DriverResult): DriverError {
  if (result.ok) throw new Error(`expected the login to fail, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('real snowflake-sdk against the test bed', () => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('logs a mapped Lambda role in and runs the connection check query', async () => {
    bed = await startTestBed();
    const { result, files } = await runDriver(bed, TEST_IDENTITIES.assumedRole, {
      sql: ['SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_ACCOUNT_NAME()', 'USE ROLE PUBLIC', 'select current_role() as r'],
    });
    expect(result).toEqual({
      ok: true,
      rows: [
        [{ 'CURRENT_USER()': 'LAMBDA_LOADER', 'CURRENT_ROLE()': 'LOADER', 'CURRENT_ACCOUNT_NAME()': 'WIFCHECK' }],
        [{ status: 'Statement executed successfully.' }],
        [{ R: 'PUBLIC' }],
      ],
    });
    expect(bed.snowflake.logins).toEqual([{ ok: true, callerArn: TEST_IDENTITIES.assumedRole.arn, user: 'LAMBDA_LOADER', region: 'eu-west-1' }]);
    expect(bed.snowflake.requests.map((r) => r.path)).toContain('/session'); // the driver logged out
    expect(files).not.toContain('snowflake.log');
    expect(bed.sts.requests).toEqual([]); // a plain login never calls STS itself
  });

  it('passes the role option through as roleName', async () => {
    bed = await startTestBed();
    const { result } = await runDriver(bed, TEST_IDENTITIES.assumedRole, { role: 'analyst', sql: ['SELECT CURRENT_ROLE()'] });
    expect(result).toMatchObject({ ok: true, rows: [[{ 'CURRENT_ROLE()': 'ANALYST' }]] });
  });

  it('fails with Snowflake\'s message when the user was registered with role/service-role/my-fn-role', async () => {
    bed = await startTestBed();
    bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/my-fn-role');
    const error = expectFailure((await runDriver(bed, TEST_IDENTITIES.assumedRole)).result);
    expect(error).toMatchObject({ name: 'OperationFailedError', code: '390432', message: WIF_USER_NOT_FOUND_MESSAGE });
    expect(error.data).toMatchObject({ nextAction: 'RETRY_LOGIN', authnMethod: 'WORKLOAD_IDENTITY' });
    expect(bed.snowflake.logins).toEqual([{ ok: false, callerArn: TEST_IDENTITIES.assumedRole.arn, message: WIF_USER_NOT_FOUND_MESSAGE, region: 'eu-west-1' }]);
  });

  it('fails verification with a wrong secret', async () => {
    bed = await startTestBed();
    const error = expectFailure((await runDriver(bed, { ...TEST_IDENTITIES.assumedRole, secretAccessKey: 'w'.repeat(40) })).result);
    expect(error.name).toBe('OperationFailedError');
    expect(error.message).toMatch(/attestation could not be verified.*SignatureDoesNotMatch/);
    expect(bed.snowflake.logins[0]).toMatchObject({ ok: false });
    expect(bed.snowflake.logins[0]?.callerArn).toBeUndefined();
  });

  it('follows an impersonation path: AssumeRole through the STS simulator, then logs in as the target role', async () => {
    bed = await startTestBed();
    bed.snowflake.addUser({ name: 'SF_LOADER', workloadIdentityArn: CHAIN_TARGET_ROLE_ARN, defaultRole: 'LOADER' });
    const { result } = await runDriver(bed, TEST_IDENTITIES.chainSource, {
      impersonationPath: [CHAIN_TARGET_ROLE_ARN],
      sql: ['SELECT CURRENT_USER()'],
    });
    expect(result).toEqual({ ok: true, rows: [[{ 'CURRENT_USER()': 'SF_LOADER' }]] });
    expect(bed.sts.requests).toEqual([{ action: 'AssumeRole', accessKeyId: TEST_IDENTITIES.chainSource.accessKeyId }]);
    expect(bed.snowflake.logins).toEqual([
      { ok: true, callerArn: 'arn:aws:sts::123456789012:assumed-role/snowflake-loader/identity-federation-session', user: 'SF_LOADER', region: 'eu-west-1' },
    ]);
  });

  it('surfaces an impersonation path the caller may not assume as an AWS AccessDenied', async () => {
    bed = await startTestBed();
    const error = expectFailure((await runDriver(bed, TEST_IDENTITIES.assumedRole, { impersonationPath: [CHAIN_TARGET_ROLE_ARN] })).result);
    expect(error.message).toContain(`is not authorized to perform: sts:AssumeRole on resource: ${CHAIN_TARGET_ROLE_ARN}`);
    expect(bed.snowflake.logins).toEqual([]);
  });

  it('reports an HTTP 403 from the front end as a driver error', async () => {
    bed = await startTestBed();
    bed.snowflake.setMode('http403');
    const error = expectFailure((await runDriver(bed, TEST_IDENTITIES.assumedRole)).result);
    expect(error).toMatchObject({ name: 'RequestFailedError', code: 401002, message: 'Request to Snowflake failed.', status: 403 });
    expect(bed.snowflake.logins).toEqual([]);
    expect(bed.snowflake.requests.map((r) => r.path)).toEqual(['/session/v1/login-request']);
  });
});
