/**
 * The library in a host process: connect() and doctor() hand the Snowflake driver the region and
 * profile they resolved, but leave process.env as they found it afterwards (other AWS clients in
 * the same process must not change behaviour).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, doctor } from '../src/index.js';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../src/simulators/index.js';
import type { ConnectResult } from '../src/commands/connect.js';
import { tempDir } from './e2e/run-cli.js';

let bed: TestBed;
let home: string;
const WATCHED = ['AWS_REGION', 'AWS_PROFILE', 'SNOWFLAKE_DISABLE_PLATFORM_DETECTION', 'DEBUG'] as const;

beforeAll(async () => {
  bed = await startTestBed();
  for (const key of Object.keys(process.env)) if (/^(AWS_|SNOWFLAKE_|DEBUG$)/.test(key)) delete process.env[key];
  home = tempDir('wif-check-library-home-');
  Object.assign(process.env, {
    ...credentialsEnv(TEST_IDENTITIES.assumedRole),
    AWS_ENDPOINT_URL_STS: bed.env.AWS_ENDPOINT_URL_STS,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: `${home}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/credentials`,
    SF_OCSP_RESPONSE_CACHE_DIR: tempDir('wif-check-ocsp-'),
    SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: bed.env.SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES,
    DEBUG: 'host-app:*',
  });
});

afterAll(async () => {
  await bed.close();
});

const snowflake = () => ({ account: bed.env.SNOWFLAKE_ACCOUNT, host: bed.env.SNOWFLAKE_HOST, port: bed.env.SNOWFLAKE_PORT, protocol: 'http' as const });
const watched = () => Object.fromEntries(WATCHED.map((key) => [key, process.env[key]]));

describe('library calls leave process.env as they found it', () => {
  it('connect({ region }) logs in with that region and then restores the environment', async () => {
    const before = watched();
    expect(before).toEqual({ AWS_REGION: undefined, AWS_PROFILE: undefined, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: undefined, DEBUG: 'host-app:*' });
    const result = await connect({ ...snowflake(), region: 'eu-west-1', expectUser: 'LAMBDA_LOADER' });
    expect(result).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    // The driver signed for the region wif-check resolved, though AWS_REGION was never set.
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    expect(watched()).toEqual(before);
  });

  it('two concurrent connect() calls with different regions both log in, and the environment is restored', async () => {
    const before = watched();
    const results = await Promise.all([
      connect({ ...snowflake(), region: 'eu-west-1' }),
      connect({ ...snowflake(), region: 'us-east-1' }),
      connect({ ...snowflake(), region: 'ap-southeast-2' }),
    ]);
    expect(results.map((result) => result.user)).toEqual(['LAMBDA_LOADER', 'LAMBDA_LOADER', 'LAMBDA_LOADER']);
    expect(watched()).toEqual(before);
  });

  it('doctor({ region }) likewise, also when the login fails', async () => {
    const before = watched();
    bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/my-fn-role');
    try {
      const report = await doctor({ ...snowflake(), region: 'eu-west-1' });
      expect(report).toMatchObject({ ok: false, exitCode: 1 });
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/my-fn-role');
    }
    expect(watched()).toEqual(before);
  });
});

describe('concurrent library calls do not cross-talk (issue 9, defect 3)', () => {
  it("a call started while another one's login holds AWS_REGION/AWS_PROFILE resolves from the host's environment and reports its own caller", async () => {
    const alice = TEST_IDENTITIES.iamUser;
    writeFileSync(`${home}/config`, `[profile alice]\nregion = us-east-1\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    process.env.AWS_REGION = 'eu-west-1';
    bed.snowflake.addUser({ name: 'ALICE_BOT', workloadIdentityArn: 'arn:aws:iam::123456789012:user/alice', type: 'SERVICE' });
    try {
      const before = watched();
      const loginsBefore = bed.snowflake.logins.length;
      let second: Promise<ConnectResult> | undefined;
      // A logs in with --profile alice --region us-east-1 (set in process.env for its driver);
      // B starts the moment A's login starts, with the host's own env: the Lambda role, eu-west-1.
      const first = connect({
        ...snowflake(),
        profile: 'alice',
        region: 'us-east-1',
        onLoginStart: () => {
          second = connect({ ...snowflake() });
        },
      });
      const a = await first;
      expect(second).toBeDefined();
      const b = await second!;
      expect(a).toMatchObject({ user: 'ALICE_BOT', callerArn: alice.arn });
      expect(b).toMatchObject({ user: 'LAMBDA_LOADER', callerArn: TEST_IDENTITIES.assumedRole.arn });
      const logins = bed.snowflake.logins.slice(loginsBefore);
      expect(logins.map((login) => [login.user, login.region])).toEqual([
        ['ALICE_BOT', 'us-east-1'],
        ['LAMBDA_LOADER', 'eu-west-1'],
      ]);
      expect(watched()).toEqual(before);
    } finally {
      delete process.env.AWS_REGION;
      writeFileSync(`${home}/config`, '');
    }
  });

  it('doctor() likewise: its region check and login use the host environment, not a concurrent call\'s', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    try {
      let second: ReturnType<typeof doctor> | undefined;
      const first = connect({ ...snowflake(), region: 'ap-southeast-2', onLoginStart: () => (second = doctor({ ...snowflake() })) });
      await first;
      const report = await second!;
      expect(report.ok).toBe(true);
      expect(report.checks.find((check) => check.id === 'region')?.detail).toMatch(/^eu-west-1 /);
      expect(bed.snowflake.logins.at(-1)).toMatchObject({ user: 'LAMBDA_LOADER', region: 'eu-west-1' });
    } finally {
      delete process.env.AWS_REGION;
    }
  });
});
