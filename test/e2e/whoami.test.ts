/**
 * `wif-check whoami` end to end: the BUILT CLI (bin/wif-check.js → dist/) as a child process,
 * against the local STS simulator reached through AWS_ENDPOINT_URL_STS. Every child gets a clean
 * environment (temp HOME, no ~/.aws, IMDS off) plus only what the case needs; in particular not
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the CLI must keep stderr quiet by itself.
 *
 * Build first: `npx tsc -p tsconfig.build.json`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, type TestIdentityName } from '../../src/simulators/index.js';
import { allOutput, ANSI_ESCAPE, BIN, cleanEnv, closedPort, describeRun, REPO_ROOT, runCliWithoutSecrets, tempDir, useStsSimulator, type CliResult } from './run-cli.js';

/** Runs a program (not the CLI directly: script(1) around it) and collects its output. */
function runNodeIn(argv: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const [command = '', ...args] = argv;
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout }));
  });
}

const ACCOUNT = '123456789012';
const JSON_KEYS = ['account', 'arn', 'userId', 'principalType', 'snowflakeArn', 'region', 'regionSource'] as const;


const sim = useStsSimulator();
const stsEnv = sim.env;
const asIdentity = sim.as;

const wif = runCliWithoutSecrets;


/** A successful run: exit 0 and nothing at all on stderr. */
function expectQuietSuccess(result: CliResult): void {
  expect(result.code, describeRun(result)).toBe(0);
  expect(result.stderr, describeRun(result)).toBe('');
}

/** A failed run with the given exit code, nothing on stdout (text mode), and one ✖ line on stderr. */
function expectFailure(result: CliResult, code: number): void {
  expect(result.code, describeRun(result)).toBe(code);
  expect(result.stdout, describeRun(result)).toBe('');
  expect(result.stderr, describeRun(result)).toMatch(/^✖ \S/);
}

function parseJson(result: CliResult): Record<string, unknown> {
  // JSON.parse of the whole of stdout: exactly one document and nothing else.
  const document: unknown = JSON.parse(result.stdout);
  expect(typeof document === 'object' && document !== null && !Array.isArray(document), describeRun(result)).toBe(true);
  return document as Record<string, unknown>;
}


describe('whoami: principal types', () => {
  const cases: Array<{
    name: TestIdentityName;
    region: string;
    principalType: string;
    snowflakeArn: string | null;
    account: string;
    kind: string;
  }> = [
    { name: 'assumedRole', region: 'eu-west-1', principalType: 'assumed-role', snowflakeArn: `arn:aws:iam::${ACCOUNT}:role/my-fn-role`, account: ACCOUNT, kind: 'assumed role' },
    // The IAM user has the path division/: Snowflake gets the ARN without it.
    { name: 'iamUser', region: 'eu-west-1', principalType: 'iam-user', snowflakeArn: `arn:aws:iam::${ACCOUNT}:user/alice`, account: ACCOUNT, kind: 'IAM user' },
    { name: 'root', region: 'eu-west-1', principalType: 'root', snowflakeArn: null, account: ACCOUNT, kind: 'root user' },
    { name: 'federatedUser', region: 'eu-west-1', principalType: 'federated-user', snowflakeArn: null, account: ACCOUNT, kind: 'federated user' },
    { name: 'ssoRole', region: 'eu-west-1', principalType: 'assumed-role', snowflakeArn: `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Admin_abc123`, account: ACCOUNT, kind: 'assumed role' },
    { name: 'govCloud', region: 'us-gov-west-1', principalType: 'assumed-role', snowflakeArn: 'arn:aws-us-gov:iam::234567890123:role/my-fn-role', account: '234567890123', kind: 'assumed role' },
  ];

  it('reports each principal type with the path-free Snowflake ARN (or null and why)', async () => {
    const runs = await Promise.all(
      cases.map(async (c) => {
        const env = asIdentity(c.name, { AWS_REGION: c.region });
        const [json, text] = await Promise.all([wif(['whoami', '--json'], env), wif(['whoami'], env)]);
        return { c, json, text };
      }),
    );
    for (const { c, json, text } of runs) {
      const identity = TEST_IDENTITIES[c.name];
      expectQuietSuccess(json);
      expectQuietSuccess(text);

      const document = parseJson(json);
      expect(document, c.name).toMatchObject({
        account: c.account,
        arn: identity.arn,
        userId: identity.userId,
        principalType: c.principalType,
        snowflakeArn: c.snowflakeArn,
        region: c.region,
        regionSource: 'AWS_REGION',
      });

      expect(text.stdout, c.name).toContain(identity.arn);
      expect(text.stdout, c.name).toContain(`(${c.kind}`);
      expect(text.stdout, c.name).toMatch(new RegExp(`^AWS account\\s+${c.account}\\b`, 'm'));
      const snowflakeLine = text.stdout.split('\n').find((line) => line.startsWith('Snowflake ARN')) ?? '';
      if (c.snowflakeArn === null) {
        expect(snowflakeLine, c.name).toMatch(/none.*cannot log in to Snowflake with WIF/);
        // The explanation names the principal and what to use instead.
        expect(text.stdout, c.name).toContain(`${identity.arn}`);
        expect(text.stdout, c.name).toMatch(/cannot be used for Snowflake workload identity federation, which maps only IAM roles( \(e\.g\. [^)]+\))? and IAM users/);
        expect(document.unusableReason, c.name).toEqual(expect.stringContaining('IAM role'));
      } else {
        // Only the IAM user had a path; the line says it was removed.
        const note = c.name === 'iamUser' ? '  (removed IAM path division/: Snowflake matches by name)' : '';
        expect(snowflakeLine.trim(), c.name).toBe(`Snowflake ARN    ${c.snowflakeArn}${note}`);
      }
    }
    // Every run really asked the simulator (12 runs, each one GetCallerIdentity at least).
    const asked = new Set(sim.sts.requests.filter((r) => r.action === 'GetCallerIdentity').map((r) => r.accessKeyId));
    for (const c of cases) expect(asked.has(TEST_IDENTITIES[c.name].accessKeyId), c.name).toBe(true);
  });

  it('never shows the IAM path in the Snowflake ARN of an IAM user with a path', async () => {
    const result = await wif(['whoami', '--json'], asIdentity('iamUser'));
    expectQuietSuccess(result);
    const document = parseJson(result);
    expect(document.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/division/alice`);
    expect(document.snowflakeArn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(String(document.snowflakeArn)).not.toContain('division');
  });
});

describe('whoami --json', () => {
  it('prints exactly one JSON document with the contract keys and no ANSI, even with FORCE_COLOR=3', async () => {
    const [plain, forced] = await Promise.all([
      wif(['whoami', '--json'], asIdentity('assumedRole')),
      wif(['whoami', '--json'], asIdentity('assumedRole', { FORCE_COLOR: '3' })),
    ]);
    for (const result of [plain, forced]) {
      expectQuietSuccess(result);
      expect(result.stdout).not.toMatch(ANSI_ESCAPE);
      expect(result.stdout.trim().startsWith('{') && result.stdout.trim().endsWith('}')).toBe(true);
      const document = parseJson(result);
      for (const key of JSON_KEYS) expect(Object.keys(document), key).toContain(key);
      expect(document).toMatchObject({
        account: ACCOUNT,
        arn: TEST_IDENTITIES.assumedRole.arn,
        userId: TEST_IDENTITIES.assumedRole.userId,
        principalType: 'assumed-role',
        snowflakeArn: `arn:aws:iam::${ACCOUNT}:role/my-fn-role`,
        region: 'eu-west-1',
        regionSource: 'AWS_REGION',
      });
    }
    expect(forced.stdout).toBe(plain.stdout);
  });

  it('on failure still prints one JSON document on stdout (and no ANSI)', async () => {
    const result = await wif(['whoami', '--json'], asIdentity('expired', { FORCE_COLOR: '3' }));
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stdout).not.toMatch(ANSI_ESCAPE);
    expect(result.stderr).not.toMatch(ANSI_ESCAPE);
    expect(parseJson(result)).toMatchObject({ ok: false, error: { code: 'STS_EXPIRED_TOKEN' } });
  });
});

describe('whoami with a shared config/credentials profile', () => {
  const dev = TEST_IDENTITIES.assumedRole;
  const cfg = TEST_IDENTITIES.ssoRole;
  const fallback = TEST_IDENTITIES.iamUser;
  let files: { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string };

  beforeAll(() => {
    const dir = tempDir('wif-check-aws-');
    files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    writeFileSync(
      files.AWS_CONFIG_FILE,
      [
        '[default]',
        'region = sa-east-1',
        '',
        '[profile dev]',
        'region = ap-southeast-2',
        '',
        // Keys may live in the config file too.
        '[profile cfg]',
        'region = ca-central-1',
        `aws_access_key_id = ${cfg.accessKeyId}`,
        `aws_secret_access_key = ${cfg.secretAccessKey}`,
        `aws_session_token = ${cfg.sessionToken ?? ''}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      files.AWS_SHARED_CREDENTIALS_FILE,
      [
        '[default]',
        `aws_access_key_id = ${fallback.accessKeyId}`,
        `aws_secret_access_key = ${fallback.secretAccessKey}`,
        '',
        '[dev]',
        `aws_access_key_id = ${dev.accessKeyId}`,
        `aws_secret_access_key = ${dev.secretAccessKey}`,
        `aws_session_token = ${dev.sessionToken ?? ''}`,
        '',
      ].join('\n'),
    );
  });

  it('--profile, AWS_PROFILE and the default profile give their identity and region', async () => {
    const [flag, envProfile, configKeys, defaultProfile, flagText] = await Promise.all([
      wif(['whoami', '--profile', 'dev', '--json'], stsEnv(files)),
      wif(['whoami', '--json'], stsEnv({ ...files, AWS_PROFILE: 'dev' })),
      wif(['whoami', '--json', '--profile', 'cfg'], stsEnv(files)),
      wif(['whoami', '--json'], stsEnv(files)),
      wif(['whoami', '--profile', 'dev'], stsEnv(files)),
    ]);
    for (const result of [flag, envProfile, configKeys, defaultProfile, flagText]) expectQuietSuccess(result);

    for (const result of [flag, envProfile]) {
      expect(parseJson(result)).toMatchObject({
        arn: dev.arn,
        snowflakeArn: `arn:aws:iam::${ACCOUNT}:role/my-fn-role`,
        region: 'ap-southeast-2',
        regionSource: 'profile',
        profile: 'dev',
      });
    }
    expect(parseJson(configKeys)).toMatchObject({ arn: cfg.arn, region: 'ca-central-1', regionSource: 'profile' });
    expect(parseJson(defaultProfile)).toMatchObject({ arn: fallback.arn, region: 'sa-east-1', regionSource: 'profile' });

    expect(flagText.stdout).toMatch(/^Credentials\s+profile dev\b/m);
    expect(flagText.stdout).toMatch(/ap-southeast-2 \(from profile dev\)/);
  });

  it('a region from the environment beats the profile region', async () => {
    const result = await wif(['whoami', '--profile', 'dev', '--json'], stsEnv({ ...files, AWS_REGION: 'eu-central-1' }));
    expectQuietSuccess(result);
    expect(parseJson(result)).toMatchObject({ arn: dev.arn, region: 'eu-central-1', regionSource: 'AWS_REGION' });
  });

  it('an unknown profile is an AWS-side error naming it (exit 3)', async () => {
    const result = await wif(['whoami', '--profile', 'nope'], stsEnv({ ...files, AWS_REGION: 'eu-west-1' }));
    expectFailure(result, 3);
    expect(result.stderr).toContain("'nope'");
    expect(result.stderr).toMatch(/AWS_CONFIG_FILE|list-profiles/);
  });

  it('warns (naming the flag the user gave) when a profile and environment keys are both set', async () => {
    const keys = credentialsEnv(TEST_IDENTITIES.otherAccount);
    const [flag, envProfile] = await Promise.all([
      wif(['whoami', '--profile', 'dev', '--json'], stsEnv({ ...files, ...keys })),
      wif(['whoami', '--json'], stsEnv({ ...files, ...keys, AWS_PROFILE: 'dev' })),
    ]);
    for (const result of [flag, envProfile]) {
      expect(result.code, describeRun(result)).toBe(0);
      // The profile wins, as in the SDK and the Snowflake driver.
      expect(parseJson(result)).toMatchObject({ arn: dev.arn });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(flag.stderr).toMatch(/^warning: --profile dev and AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY are both set/);
    expect(envProfile.stderr).toMatch(/^warning: AWS_PROFILE=dev and AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY are both set/);
  });
});

describe('whoami: a profile without credentials', () => {
  it('names the profile, and that it hides the environment keys, instead of asking for keys that are set', async () => {
    const dir = tempDir('wif-check-aws-');
    const config = join(dir, 'config');
    writeFileSync(config, '[profile regiononly]\nregion = eu-west-1\n');
    const env = asIdentity('assumedRole', { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
    const result = await wif(['whoami', '--profile', 'regiononly', '--json'], env);
    expect(result.code, describeRun(result)).toBe(3);
    const document = JSON.parse(result.stdout) as { error: { code: string; message: string }; hint: string };
    expect(document.error).toEqual({ code: 'NO_CREDENTIALS', message: "No AWS credentials were found for profile 'regiononly'" });
    expect(document.hint).toContain("Profile 'regiononly' has no usable credentials");
    expect(document.hint).toContain('AWS_ACCESS_KEY_ID');
  });
});

describe('whoami: a slow credential source', () => {
  it('says the credential source did not answer in time (exit 3), not that the profile has none', async () => {
    const dir = tempDir('wif-check-aws-');
    const config = join(dir, 'config');
    writeFileSync(config, `[profile slow]\nregion = eu-west-1\ncredential_process = ${process.execPath} -e "setTimeout(() => {}, 20000)"\n`);
    const result = await wif(['whoami', '--profile', 'slow', '--timeout', '1', '--json'], cleanEnv({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }));
    expect(result.code, describeRun(result)).toBe(3);
    const document = JSON.parse(result.stdout) as { error: { code: string; message: string }; hint: string };
    expect(document.error).toEqual({ code: 'CREDENTIALS_TIMEOUT', message: "AWS credentials were not resolved within 1 s (profile 'slow')" });
    expect(document.hint).toContain('raise --timeout');
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe('whoami on a terminal when STS is slow (issue 21, part 3)', () => {
  it.skipIf(process.platform === 'win32' || !existsSync('/usr/bin/script'))('shows progress on stderr while STS does not answer, and none in --json', async () => {
    // script(1) gives the CLI a pseudo-terminal, as a person at a shell has.
    const pty = (args: string) =>
      runNodeIn(['/usr/bin/script', '-qec', `${process.execPath} ${BIN} whoami --timeout 3 ${args}`, '/dev/null'], asIdentity('assumedRole', { TERM: 'xterm' }));
    sim.sts.setMode('hang');
    try {
      const [text, json] = await Promise.all([pty(''), pty('--json')]);
      expect(text.stdout).toContain('Asking AWS STS who you are…');
      expect(text.stdout).toMatch(/STS did not answer|timed out|within 3 s/i);
      expect(json.stdout).not.toContain('Asking AWS STS');
    } finally {
      sim.sts.setMode('normal');
    }
  });
});

describe('whoami: region sources', () => {
  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, and says where it came from', async () => {
    const cases = [
      { args: ['--region', 'us-east-2'], env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1' }, region: 'us-east-2', source: '--region' },
      { args: [], env: { AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'ap-south-1' }, region: 'eu-west-3', source: 'AWS_REGION' },
      { args: [], env: { AWS_DEFAULT_REGION: 'ap-south-1' }, region: 'ap-south-1', source: 'AWS_DEFAULT_REGION' },
      // The AWS European Sovereign Cloud: a four-letter region prefix is still a region.
      { args: ['--region', 'eusc-de-east-1'], env: {}, region: 'eusc-de-east-1', source: '--region' },
    ];
    const runs = await Promise.all(
      cases.map(async (c) => {
        const env = stsEnv({ ...credentialsEnv(TEST_IDENTITIES.assumedRole), ...c.env });
        const [json, text] = await Promise.all([wif(['whoami', '--json', ...c.args], env), wif(['whoami', ...c.args], env)]);
        return { c, json, text };
      }),
    );
    for (const { c, json, text } of runs) {
      expectQuietSuccess(json);
      expectQuietSuccess(text);
      expect(parseJson(json), c.source).toMatchObject({ region: c.region, regionSource: c.source });
      expect(text.stdout, c.source).toContain(`${c.region} (from ${c.source})`);
    }
  });

  it('without any region: exit 3, and the message says how to set one', async () => {
    const result = await wif(['whoami'], stsEnv(credentialsEnv(TEST_IDENTITIES.assumedRole)));
    expectFailure(result, 3);
    expect(result.stderr).toMatch(/No AWS region/i);
    expect(result.stderr).toContain('--region');
    expect(result.stderr).toContain('AWS_REGION=');
    expect(result.stderr).toMatch(/region = \S+/);
  });

  it('a malformed --region is a usage error (exit 2)', async () => {
    const result = await wif(['whoami', '--region', 'not a region'], asIdentity('assumedRole'));
    expectFailure(result, 2);
    expect(result.stderr).toContain('not a region');
  });
});

describe('whoami: AWS failures exit 3 with a precise message', () => {
  it('no credentials: exit 3, fast', async () => {
    const [text, json] = await Promise.all([
      wif(['whoami'], stsEnv({ AWS_REGION: 'eu-west-1' })),
      wif(['whoami', '--json'], stsEnv({ AWS_REGION: 'eu-west-1' })),
    ]);
    expectFailure(text, 3);
    expect(text.stderr).toMatch(/No AWS credentials were found/);
    expect(text.stderr).toContain('AWS_ACCESS_KEY_ID');
    expect(text.durationMs).toBeLessThan(5_000);
    expect(json.code).toBe(3);
    expect(parseJson(json)).toMatchObject({ ok: false, error: { code: 'NO_CREDENTIALS' } });
    expect(json.durationMs).toBeLessThan(5_000);
  });

  it('wrong secret, unknown key, expired token', async () => {
    const wrongSecret = 'wifSimWRONG/secret/EXAMPLEKEYEXAMPLEKEYEX';
    const unknownSecret = 'wifSimUNKNOWN/secret/EXAMPLEKEYEXAMPLEKEY';
    const [signature, unknown, expired] = await Promise.all([
      wif(['whoami'], stsEnv({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: TEST_IDENTITIES.iamUser.accessKeyId, AWS_SECRET_ACCESS_KEY: wrongSecret })),
      wif(['whoami', '--json'], stsEnv({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIASIMNOSUCHKEY0000', AWS_SECRET_ACCESS_KEY: unknownSecret })),
      wif(['whoami'], asIdentity('expired')),
    ]);
    expectFailure(signature, 3);
    expect(signature.stderr).toMatch(/^✖ STS rejected the request signature: .*signature/m);
    expect(signature.stderr).toMatch(/secret access key does not belong to the access key id/);

    expect(unknown.code, describeRun(unknown)).toBe(3);
    expect(parseJson(unknown)).toMatchObject({ ok: false, error: { code: 'STS_INVALID_KEY' } });
    expect(unknown.stderr).toMatch(/^✖ STS does not know these credentials/m);

    expectFailure(expired, 3);
    expect(expired.stderr).toMatch(/^✖ Your AWS session has expired/m);
    expect(expired.stderr).toMatch(/Refresh the credentials/);
  });

  it('STS down (closed port): exit 3 naming the endpoint', async () => {
    const port = await closedPort();
    const result = await wif(['whoami'], asIdentity('assumedRole', { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` }));
    expectFailure(result, 3);
    expect(result.stderr).toContain(`Cannot reach STS at http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.durationMs).toBeLessThan(8_000);
  });

  it('STS hanging with --timeout 1: exit 3 within a bounded time', async () => {
    sim.sts.setMode('hang');
    try {
      const result = await wif(['whoami', '--timeout', '1'], asIdentity('assumedRole'));
      expectFailure(result, 3);
      expect(result.stderr).toContain(`STS did not answer within 1 s (${sim.sts.url})`);
      expect(result.stderr).toContain('--timeout');
      expect(result.durationMs).toBeLessThan(8_000);
    } finally {
      sim.sts.setMode('normal');
    }
  });

  it('a bad --timeout is a usage error (exit 2)', async () => {
    const results = await Promise.all(['0', 'soon', '-1'].map((value) => wif(['whoami', `--timeout=${value}`], asIdentity('assumedRole'))));
    for (const result of results) {
      expectFailure(result, 2);
      expect(result.stderr).toContain('--timeout');
    }
  });
});

describe('whoami --expect-account', () => {
  it('exit 0 on a match, 1 on a mismatch naming both accounts, 2 for a malformed id', async () => {
    const env = asIdentity('assumedRole');
    const before = sim.sts.requests.length;
    const bad = await Promise.all(['12345', 'abcdefghijkl', '1234567890123'].map((id) => wif(['whoami', '--expect-account', id], env)));
    for (const result of bad) {
      expectFailure(result, 2);
      expect(result.stderr).toMatch(/is not a 12-digit AWS account id/);
    }
    // A usage error is found before any network call.
    expect(sim.sts.requests.length).toBe(before);

    const [match, mismatch, mismatchJson] = await Promise.all([
      wif(['whoami', '--expect-account', ACCOUNT], env),
      wif(['whoami', '--expect-account', '210987654321'], env),
      wif(['whoami', '--expect-account', '210987654321', '--json'], env),
    ]);
    expectQuietSuccess(match);
    expect(match.stdout).toContain(TEST_IDENTITIES.assumedRole.arn);

    expectFailure(mismatch, 1);
    expect(mismatch.stderr).toContain('210987654321');
    expect(mismatch.stderr).toContain(ACCOUNT);

    expect(mismatchJson.code).toBe(1);
    expect(parseJson(mismatchJson)).toMatchObject({ ok: false, error: { code: 'ACCOUNT_MISMATCH' } });
  });
});

describe('CLI surface', () => {
  it('an unknown flag is a usage error (exit 2)', async () => {
    const result = await wif(['whoami', '--bogus'], asIdentity('assumedRole'));
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--bogus');
  });

  it('--version prints the package.json version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const results = await Promise.all([wif(['--version'], cleanEnv()), wif(['-V'], cleanEnv())]);
    for (const result of results) {
      expectQuietSuccess(result);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it('--help lists every command with examples and the exit-code table', async () => {
    const [top, whoamiHelp] = await Promise.all([wif(['--help'], cleanEnv()), wif(['whoami', '--help'], cleanEnv())]);
    expectQuietSuccess(top);
    expectQuietSuccess(whoamiHelp);
    for (const command of ['whoami', 'gen-sql', 'connect', 'doctor']) {
      expect(top.stdout, command).toMatch(new RegExp(`^  ${command} \\[options\\]`, 'm'));
      expect(top.stdout, command).toMatch(new RegExp(`^  \\$ wif-check ${command}\\b`, 'm'));
    }
    for (const help of [top.stdout, whoamiHelp.stdout]) {
      expect(help).toMatch(/^Examples:$/m);
      expect(help).toMatch(/^Exit codes:$/m);
      for (const code of [0, 1, 2, 3, 4]) expect(help).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    }
    expect(whoamiHelp.stdout).toContain('--expect-account');
    expect(whoamiHelp.stdout).toMatch(/^  \$ wif-check whoami --profile/m);
  });
});

describe('whoami: streams, colour and secrets', () => {
  it('a successful run writes nothing to stderr (no AWS SDK Node-version warning)', async () => {
    const env = asIdentity('assumedRole');
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
    expect(env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION).toBeUndefined();
    const result = await wif(['whoami'], env);
    expectQuietSuccess(result);
    expect(allOutput(result)).not.toMatch(/NodeVersionSupportWarning|node >=22/);
  });

  it('NO_COLOR=1 and --no-color give no ANSI; FORCE_COLOR=1 gives ANSI in text mode', async () => {
    const [noColor, noColorFlag, forced, forcedFailure] = await Promise.all([
      wif(['whoami'], asIdentity('assumedRole', { NO_COLOR: '1' })),
      wif(['whoami', '--no-color'], asIdentity('assumedRole', { FORCE_COLOR: '1' })),
      wif(['whoami'], asIdentity('assumedRole', { FORCE_COLOR: '1' })),
      wif(['whoami'], asIdentity('expired', { FORCE_COLOR: '1' })),
    ]);
    for (const result of [noColor, noColorFlag]) {
      expectQuietSuccess(result);
      expect(allOutput(result)).not.toMatch(ANSI_ESCAPE);
      expect(result.stdout).toContain(`arn:aws:iam::${ACCOUNT}:role/my-fn-role`);
    }
    expectQuietSuccess(forced);
    expect(forced.stdout).toMatch(ANSI_ESCAPE);
    // Same text once the escapes are gone.
    // eslint-disable-next-line no-control-regex
    expect(forced.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toBe(noColor.stdout);
    expect(forcedFailure.code).toBe(3);
    expect(forcedFailure.stderr).toMatch(ANSI_ESCAPE);
  });

  it('never prints a secret, also with DEBUG=* and with --debug on failing runs', async () => {
    const wrongSecret = 'wifSimWRONG/debug/EXAMPLEKEYEXAMPLEKEYEXA';
    const port = await closedPort();
    const runs = await Promise.all([
      wif(['whoami'], asIdentity('assumedRole', { DEBUG: '*' })),
      wif(['whoami', '--json'], asIdentity('assumedRole', { DEBUG: '*' })),
      wif(['whoami', '--debug'], asIdentity('expired', { DEBUG: '*' })),
      wif(['whoami', '--debug', '--json'], asIdentity('iamUser', { DEBUG: '*', AWS_SECRET_ACCESS_KEY: wrongSecret })),
      wif(['whoami', '--debug'], asIdentity('assumedRole', { DEBUG: '*', AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` })),
      wif(['whoami', '--debug', '--expect-account', '210987654321'], asIdentity('ssoRole', { DEBUG: '*' })),
    ]);
    // wif() already checked every run for every secret; check the runs did what they should.
    const [ok, okJson, expired, signature, down, mismatch] = runs;
    expectQuietSuccess(ok!);
    expectQuietSuccess(okJson!);
    expect(expired!.code).toBe(3);
    expect(expired!.stderr).toMatch(/^cause: ExpiredToken/m);
    expect(signature!.code).toBe(3);
    expect(signature!.stderr).toMatch(/^cause: SignatureDoesNotMatch/m);
    expect(allOutput(signature!)).not.toContain(wrongSecret);
    expect(down!.code).toBe(3);
    expect(down!.stderr).toMatch(/^cause: .*ECONNREFUSED/m);
    expect(mismatch!.code).toBe(1);
  });
});
