/**
 * The Lambda handler with `outboundToken: true` (AWS's JWT method): in-process, and from the
 * bundled zip (jose bundled, @aws-sdk/* from the runtime), against the local simulators.
 */
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../src/lambda.js';
import { TEST_ACCOUNT, TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../src/simulators/index.js';
import { REPO_ROOT, tempDir } from './e2e/run-cli.js';

const PATH_FREE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/my-fn-role`;
let bed: TestBed;
const home = tempDir('wif-check-lambda-jwt-home-');
const taskRoot = tempDir('wif-check-lambda-jwt-task-');

function lambdaEnv(): Record<string, string> {
  return {
    ...bed.env,
    ...credentialsEnv(TEST_IDENTITIES.assumedRole),
    AWS_DEFAULT_REGION: bed.env.AWS_REGION,
    AWS_LAMBDA_FUNCTION_NAME: 'my-fn',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: taskRoot,
    HOME: home,
    SF_OCSP_RESPONSE_CACHE_DIR: tempDir('wif-check-jwt-ocsp-'),
  };
}

beforeAll(async () => {
  bed = await startTestBed();
  bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, bed.sts.webIdentity.issuerFor(TEST_ACCOUNT));
  for (const key of Object.keys(process.env)) if (/^(AWS_|SNOWFLAKE_|WIF_CHECK_)/.test(key)) delete process.env[key];
  Object.assign(process.env, lambdaEnv());
  process.chdir(taskRoot);
});

afterAll(async () => {
  await bed.close();
});

describe('wif-check/lambda with outboundToken', () => {
  it('checks the JWT method and logs in with it; the report never holds the token', async () => {
    const report = await handler({ outboundToken: true, expectUser: 'LAMBDA_LOADER' });
    expect(report).toMatchObject({ ok: true, exitCode: 0, user: 'LAMBDA_LOADER', method: 'outbound-token', snowflakeArn: PATH_FREE_ARN });
    expect(report.checks.find((check) => check.id === 'web-identity-token')?.status).toBe('ok');
    expect(report.warnings.join('\n')).not.toMatch(/not supported/);
    const text = JSON.stringify(report);
    for (const token of bed.sts.webIdentity.issuedTokens) expect(text.includes(token.split('.')[2] ?? '')).toBe(false);
  });

  it('an unmapped JWT identity is a failed check with the ARN + ISSUER fix, exitCode 1', async () => {
    bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN);
    try {
      const report = await handler({ outboundToken: true });
      expect(report.exitCode).toBe(1);
      expect(report.checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'USER_NOT_MAPPED' });
      expect(report.checks.find((check) => check.id === 'login')?.fix).toContain(`ISSUER = '${bed.sts.webIdentity.issuerFor(TEST_ACCOUNT)}'`);
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, bed.sts.webIdentity.issuerFor(TEST_ACCOUNT));
    }
  });

  it('runs from the bundled zip (jose inside it, @aws-sdk/* from the runtime)', async () => {
    const run = promisify(execFile);
    const out = tempDir('wif-check-jwt-bundle-');
    await run('node', ['scripts/bundle.mjs', '--out-dir', out], { cwd: REPO_ROOT });
    const task = tempDir('wif-check-jwt-lambda-task-');
    for (const file of ['index.js', 'wif-check.js', 'package.json']) copyFileSync(join(out, 'lambda', file), join(task, file));
    const invoke = `require('./index.js').handler({ outboundToken: true }).then((r) => console.log(JSON.stringify(r)))`;
    const { stdout } = await run('node', ['-e', invoke], {
      cwd: task,
      env: { PATH: process.env.PATH, ...lambdaEnv(), NODE_PATH: join(REPO_ROOT, 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    // The handler's one-line log summary comes first; the result is the last line.
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^wif-check: ok exitCode=0 user=LAMBDA_LOADER /);
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ ok: true, method: 'outbound-token', user: 'LAMBDA_LOADER' });
  }, 60_000);
});
