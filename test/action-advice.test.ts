/**
 * The Action's newcomer items (issue 21, part 3), run in-process from src/action.ts (runAction) with
 * the runner's variables against the local simulators: the committed bundle (dist-action/) is the
 * lead's to rebuild, so test/e2e/action.test.ts sees these once it is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../src/action.js';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../src/simulators/index.js';
import { tempDir } from './e2e/run-cli.js';

let bed: TestBed;
const PATH_ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';
const GOOD_ARN = 'arn:aws:iam::123456789012:role/my-fn-role';

beforeAll(async () => {
  bed = await startTestBed();
  for (const key of Object.keys(process.env)) if (/^(AWS_|SNOWFLAKE_|WIF_CHECK_|GITHUB_|INPUT_)/.test(key)) delete process.env[key];
  Object.assign(process.env, { ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole), HOME: tempDir('wif-check-action-home-') });
});
afterAll(async () => {
  await bed?.close();
});

async function run(inputs: Record<string, string>, options: { summary?: boolean; without?: string[] } = {}) {
  const dir = tempDir('wif-check-action-');
  const summaryFile = join(dir, 'summary.md');
  const outputFile = join(dir, 'output');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const saved = new Map((options.without ?? []).map((name) => [name, process.env[name]]));
  for (const name of saved.keys()) delete process.env[name];
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_OUTPUT: outputFile, ...(options.summary === false ? {} : { GITHUB_STEP_SUMMARY: summaryFile }) };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  let stdout = '';
  try {
    const code = await runAction(env, { write: (text: string) => (stdout += text) });
    return { code, stdout, summary: readFileSync(summaryFile, 'utf8'), errors: stdout.split('\n').filter((line) => line.startsWith('::error::')) };
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

describe("the Action's newcomer items", () => {
  it('a job without AWS credentials is told about configure-aws-credentials and id-token: write, not aws sso login', async () => {
    const result = await run({ account: bed.env.SNOWFLAKE_ACCOUNT }, { without: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] });
    expect(result.code).toBe(3);
    expect(result.summary).toContain('aws-actions/configure-aws-credentials');
    expect(result.summary).toContain('permissions: id-token: write');
    expect(result.summary + result.stdout).not.toContain('aws sso login');
  });

  it('a missing account input fails the step (exit 2), saying only the AWS half was checked', async () => {
    const result = await run({ 'expect-user': 'LAMBDA_LOADER' }, { without: ['SNOWFLAKE_ACCOUNT'] });
    expect(result.code).toBe(2);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^::error::wif-check doctor: Snowflake account: the `account` input is missing .*only the AWS half was checked/);
    expect(result.summary).toContain('| ❌ | Snowflake account |');
    expect(result.summary).toContain('with: { account: myorg-myacct }');
    // The AWS half still ran and passed.
    expect(result.summary).toContain('| ✅ | Caller identity |');
  });

  it('SNOWFLAKE_ACCOUNT in the environment is an account: no such failure', async () => {
    const result = await run({ 'expect-user': 'LAMBDA_LOADER' });
    expect(result.code).toBe(0);
    expect(result.errors).toEqual([]);
  });

  it('"the fix is in the job summary" only when the summary was written', async () => {
    bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_ARN);
    try {
      const [written, none] = [await run({ account: bed.env.SNOWFLAKE_ACCOUNT }), await run({ account: bed.env.SNOWFLAKE_ACCOUNT }, { summary: false })];
      expect(written.code).toBe(1);
      expect(written.errors[0]).toMatch(/; the fix is in the job summary\)$/);
      expect(none.code).toBe(1);
      expect(none.errors[0]).toMatch(/\(exit 1\)$/);
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', GOOD_ARN);
    }
  });

  it('with a masked account ID, the summary points to the snowflake-arn output for the SQL', async () => {
    bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_ARN);
    try {
      const [masked, plain] = [await run({ account: bed.env.SNOWFLAKE_ACCOUNT, 'mask-aws-account-id': 'true' }), await run({ account: bed.env.SNOWFLAKE_ACCOUNT })];
      expect(masked.code).toBe(1);
      expect(masked.summary).not.toContain('123456789012');
      expect(masked.summary).toContain('the step\'s `snowflake-arn` output holds the ARN');
      expect(plain.summary).not.toContain('snowflake-arn');
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', GOOD_ARN);
    }
  });
});
