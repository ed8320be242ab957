/**
 * `wif-check connect` end to end: the BUILT CLI (run `npx tsc -p tsconfig.build.json` first; `npm test`
 * does) with the real snowflake-sdk against the local STS + Snowflake simulators.
 *
 * Every run is checked for hygiene: nothing written to its (empty, temporary) working directory, no
 * AWS secret or session token, no Snowflake session/master token, no signed attestation in any
 * output, and with --json exactly one JSON document on stdout without ANSI escapes.
 *
 * Tests share one test bed and run in order; a test that changes the user table or the simulator
 * mode puts it back in `finally`.
 */
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_TARGET_ROLE_ARN, DEFAULT_TEST_BED_USERS, TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed, type TestIdentity } from '../../src/simulators/index.js';
import { allOutput, ANSI_ESCAPE, cleanEnv, closedPort, runCli, tempDir, type CliResult } from './run-cli.js';

const CALLER_ARN = 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn';
const PATH_FREE_ARN = 'arn:aws:iam::123456789012:role/my-fn-role';
const SERVICE_ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';
const FILE_SECRET = 'hunter2-do-not-print';

/**
 * Secrets with a recognisable shape. The simulator issues Snowflake tokens as `sim-session-…` /
 * `sim-master-…` and does not expose them, so match those prefixes; the attestation is base64 of
 * `{"url":…` (eyJ1cmwiOi…); the driver's query header is `Authorization: Snowflake Token="…"`.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /Token=/i,
  /masterToken/i,
  /sim-session-/,
  /sim-master-/,
  /AWS4-HMAC-SHA256/,
  /X-Amz-Security-Token/i,
  /eyJ1cmwiOi/,
];

let bed: TestBed;

beforeAll(async () => {
  // The connection-settings tests log in with roles from flags, env and file: grant them.
  bed = await startTestBed({ users: DEFAULT_TEST_BED_USERS.map((user) => ({ ...user, grantedRoles: [...(user.grantedRoles ?? []), 'FILE_ROLE', 'ENV_ROLE', 'FLAG_ROLE'] })) });
});

afterAll(async () => {
  await bed?.close();
});

interface Run extends CliResult {
  cwdEntries: string[];
}

interface RunOptions {
  /** Whose AWS keys go into the environment (null: none). Default: the Lambda role session. */
  identity?: TestIdentity | null;
  /** Extra environment; `undefined` removes a variable the test bed would set. */
  env?: Record<string, string | undefined>;
}

function envFor(options: RunOptions = {}): Record<string, string> {
  const identity = options.identity === undefined ? TEST_IDENTITIES.assumedRole : options.identity;
  return cleanEnv({ ...bed.env, ...(identity ? credentialsEnv(identity) : {}), ...options.env });
}

/** Runs `wif-check connect …` in an empty temporary directory and checks the hygiene rules. */
async function connect(args: readonly string[], options: RunOptions & { baseEnv?: Record<string, string> } = {}): Promise<Run> {
  const cwd = tempDir('wif-check-connect-cwd-');
  const result = await runCli(['connect', ...args], { env: options.baseEnv ?? envFor(options), cwd });
  const run = { ...result, cwdEntries: readdirSync(cwd) };
  expectHygiene(run, args.includes('--json'));
  return run;
}

function expectHygiene(run: Run, json: boolean): void {
  const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.cwdEntries, `nothing may be written to the working directory\n${context}`).toEqual([]);
  const out = allOutput(run);
  // bed.identities also holds the credentials AssumeRole issued during the run.
  const secrets = bed.identities.flatMap((identity) => [identity.secretAccessKey, identity.sessionToken ?? '']).filter(Boolean);
  for (const secret of [...secrets, FILE_SECRET]) expect(out, 'a secret was printed').not.toContain(secret);
  for (const pattern of SECRET_PATTERNS) expect(out, `output matches ${pattern}`).not.toMatch(pattern);
  if (json) {
    expect(run.stdout).not.toMatch(ANSI_ESCAPE);
    expect(() => JSON.parse(run.stdout), `stdout is not exactly one JSON document\n${context}`).not.toThrow();
    expect(typeof JSON.parse(run.stdout)).toBe('object');
  }
}

function json(run: Run): Record<string, any> {
  return JSON.parse(run.stdout) as Record<string, any>;
}

function expectFailureDocument(run: Run, code: string): Record<string, any> {
  const document = json(run);
  expect(document).toMatchObject({ ok: false, error: { code } });
  // Every JSON document carries the method (CONTRACT), failures included (issue 17, item 12).
  expect(Object.keys(document).sort()).toEqual(['error', 'expectedArn', 'hint', 'method', 'ok', 'provider']);
  expect(['caller-identity', 'outbound-token']).toContain(document.method);
  expect(typeof document.error.message).toBe('string');
  expect(typeof document.hint).toBe('string');
  return document;
}


describe('connect: success', () => {
  it('logs in, prints the user and role on stdout, and closes the session', async () => {
    const before = bed.snowflake.requests.length;
    const run = await connect([]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^✔ Logged in to simorg-wifcheck with WORKLOAD_IDENTITY \(AWS\)/);
    expect(lines[1]).toMatch(/user LAMBDA_LOADER\s+role LOADER/);
    expect(lines[2]).toContain(CALLER_ARN);
    expect(run.stdout).not.toMatch(ANSI_ESCAPE);
    // The driver's own logging stays off (it defaults to stdout and ./snowflake.log).
    expect(run.stderr).not.toMatch(/Connection\[id|"level"|snowflake\.log/i);
    const requests = bed.snowflake.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(requests).toContain('POST /session/v1/login-request');
    expect(requests).toContain('POST /queries/v1/query-request');
    expect(requests, 'the session is closed').toContain('POST /session');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', callerArn: CALLER_ARN });
  });

  it('--json, --role/--warehouse and --expect-user (unquoted: any case; "quoted": exact)', async () => {
    const [plain, withRole, lower, quoted] = await Promise.all([
      connect(['--json']),
      connect(['--json', '--role', 'analyst', '--warehouse', 'LOAD_WH']),
      connect(['--json', '--expect-user', 'lambda_loader']),
      connect(['--expect-user', '"LAMBDA_LOADER"']),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    const document = json(plain);
    expect(document).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', role: 'LOADER', account: 'WIFCHECK' });
    expect(typeof document.elapsedMs).toBe('number');
    expect(document.elapsedMs).toBeGreaterThan(0);
    expect(document.elapsedMs).toBeLessThan(plain.durationMs);
    expect(withRole.code, withRole.stderr).toBe(0);
    expect(json(withRole)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', role: 'ANALYST' });
    expect(lower.code, lower.stderr).toBe(0);
    expect(json(lower)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    expect(quoted.code, quoted.stderr).toBe(0);
    expect(quoted.stdout).toContain('LAMBDA_LOADER');
  });
});

describe('connect: identity verified but not the expected user', () => {
  it('exits 1 and names both users; "quoted" compares exactly; the fix SQL quotes the name', async () => {
    const [other, quotedLower, jsonRun, injected] = await Promise.all([
      connect(['--expect-user', 'OTHER_USER']),
      connect(['--expect-user', '"lambda_loader"']),
      connect(['--expect-user', 'other_user', '--json']),
      connect(['--expect-user', 'x; DROP USER y']),
    ]);
    expect(other.code).toBe(1);
    expect(other.stdout).toBe('');
    expect(other.stderr).toContain('LAMBDA_LOADER');
    expect(other.stderr).toContain('OTHER_USER');
    expect(other.stderr).toContain(PATH_FREE_ARN);
    expect(quotedLower.code).toBe(1);
    expect(quotedLower.stderr).toContain('"lambda_loader"');
    const document = expectFailureDocument(jsonRun, 'UNEXPECTED_USER');
    expect(document.error.message).toContain('LAMBDA_LOADER');
    expect(document.error.message).toContain('other_user');
    expect(document.expectedArn).toBe(PATH_FREE_ARN);
    expect(injected.code).toBe(1);
    // Not a plain identifier: quoted, exactly as gen-sql --user would have created it.
    expect(injected.stderr).toContain(`ALTER USER "x; DROP USER y" SET WORKLOAD_IDENTITY`);
  });
});

describe('connect: the classic mapping failure', () => {
  it('a user registered with role/service-role/NAME never matches; the path-free ARN fixes it', async () => {
    bed.snowflake.setUserArn('LAMBDA_LOADER', SERVICE_ROLE_ARN);
    try {
      const [text, jsonRun, named] = await Promise.all([connect([]), connect(['--json']), connect(['--expect-user', 'lambda_loader'])]);
      expect(text.code).toBe(1);
      expect(text.stderr).toContain('ALTER USER <your user> SET');
      // With --expect-user the fix names the user, as Snowflake stores it.
      expect(named.code).toBe(1);
      expect(named.stderr).toContain(`ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${PATH_FREE_ARN}');`);
      expect(text.stdout).toBe('');
      expect(text.stderr).toContain(CALLER_ARN);
      expect(text.stderr).toContain(PATH_FREE_ARN);
      expect(text.stderr).toContain('ALTER USER');
      expect(text.stderr).toContain(`WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${PATH_FREE_ARN}')`);
      expect(jsonRun.code).toBe(1);
      const document = expectFailureDocument(jsonRun, 'USER_NOT_MAPPED');
      expect(document.expectedArn).toBe(PATH_FREE_ARN);
      expect(document.error.message).toContain(CALLER_ARN);
      expect(document.hint).toContain('ALTER USER');
      expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: false, callerArn: CALLER_ARN });

      bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN);
      const fixed = await connect(['--json', '--expect-user', 'LAMBDA_LOADER']);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(json(fixed)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN);
    }
  });
});

describe('connect: impersonation path', () => {
  it('a refused AssumeRole exits 3; an allowed one logs in as the user mapped to the last role', async () => {
    const otherRole = 'arn:aws:iam::123456789012:role/other-role';
    const [refused, unmapped, notARole] = await Promise.all([
      connect(['--impersonation-path', otherRole, '--timeout', '5'], { identity: TEST_IDENTITIES.chainSource }),
      connect(['--impersonation-path', CHAIN_TARGET_ROLE_ARN, '--timeout', '5', '--json'], { identity: TEST_IDENTITIES.chainSource }),
      connect(['--impersonation-path', 'arn:aws:iam::123456789012:user/alice'], { identity: TEST_IDENTITIES.chainSource }),
    ]);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('AssumeRole');
    expect(refused.stderr).toContain(otherRole);
    // Allowed, but nobody holds the target role yet: Snowflake verified the impersonated session.
    expect(unmapped.code, unmapped.stderr).toBe(1);
    const document = expectFailureDocument(unmapped, 'USER_NOT_MAPPED');
    expect(document.expectedArn).toBe(CHAIN_TARGET_ROLE_ARN);
    expect(document.error.message).toContain('assumed-role/snowflake-loader/');
    expect(notARole.code).toBe(2);

    bed.snowflake.addUser({ name: 'CI_LOADER', workloadIdentityArn: CHAIN_TARGET_ROLE_ARN, defaultRole: 'LOADER', type: 'SERVICE' });
    const assumeRolesBefore = bed.sts.requests.filter((r) => r.action === 'AssumeRole').length;
    const allowed = await connect(['--impersonation-path', CHAIN_TARGET_ROLE_ARN, '--timeout', '5', '--json', '--expect-user', 'ci_loader'], {
      identity: TEST_IDENTITIES.chainSource,
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(json(allowed)).toMatchObject({
      ok: true,
      user: 'CI_LOADER',
      role: 'LOADER',
      // The identity Snowflake verified is the last role's session, not the CI runner's.
      callerArn: 'arn:aws:sts::123456789012:assumed-role/snowflake-loader/identity-federation-session',
    });
    const assumeRoles = bed.sts.requests.filter((r) => r.action === 'AssumeRole').slice(assumeRolesBefore);
    expect(assumeRoles).toContainEqual({ action: 'AssumeRole', accessKeyId: TEST_IDENTITIES.chainSource.accessKeyId });
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: true, user: 'CI_LOADER', callerArn: expect.stringContaining('assumed-role/snowflake-loader/') });
  });
});

describe('connect: the AWS side', () => {
  it('a hanging STS does not hold up a login that worked: at most a second more, with a warning', async () => {
    bed.sts.setMode('hang');
    try {
      // Snowflake's own STS check (the simulator's) does not need wif-check's STS call.
      const run = await connect(['--timeout', '20', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const document = json(run);
      expect(document).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', callerArn: null });
      // Far below the 20 s an STS wait would take (loose bounds: CI machines are shared).
      expect(document.elapsedMs).toBeLessThan(8_000);
      expect(run.stderr).toContain('STS GetCallerIdentity failed, so the caller ARN is unknown');
      expect(run.durationMs).toBeLessThan(12_000);
    } finally {
      bed.sts.setMode('normal');
    }
  });

  it('root and federated users get "not usable for WIF", not a mapping fix (exit 1)', async () => {
    const [root, federated] = await Promise.all([
      connect(['--json'], { identity: TEST_IDENTITIES.root }),
      connect([], { identity: TEST_IDENTITIES.federatedUser }),
    ]);
    expect(root.code).toBe(1);
    const document = expectFailureDocument(root, 'PRINCIPAL_NOT_USABLE');
    expect(document.error.message).toContain('root user');
    expect(document.hint).not.toContain('ALTER USER');
    expect(federated.code).toBe(1);
    expect(federated.stderr).toContain('federated user');
    expect(federated.stderr).not.toContain('ALTER USER');
  });

  it('refuses bad input before any network call: an account URL, an empty --expect-user (exit 2)', async () => {
    const before = bed.snowflake.requests.length;
    const [url, host, empty, noPath] = await Promise.all([
      connect(['--account', 'https://myorg-myacct.snowflakecomputing.com']),
      connect(['--account', 'myorg-myacct.snowflakecomputing.com']),
      connect(['--expect-user', '']),
      connect(['--impersonation-path', ' , ']),
    ]);
    expect(noPath.stderr).toContain('--impersonation-path is empty');
    for (const run of [url, host, empty, noPath]) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
    }
    expect(url.stderr).toContain('is a URL or host name, not an account identifier');
    expect(host.stderr).toContain('--host');
    expect(empty.stderr).toContain('--expect-user is empty');
    expect(bed.snowflake.requests.length).toBe(before);
  });

  it('no credentials, expired credentials or no region exit 3; the driver gets the region and profile wif-check resolved', async () => {
    const awsDir = tempDir('wif-check-aws-');
    const keys = (identity: TestIdentity) =>
      `aws_access_key_id = ${identity.accessKeyId}\naws_secret_access_key = ${identity.secretAccessKey}\naws_session_token = ${identity.sessionToken}\n`;
    // The default profile is another account's role (mapped to nobody); only [sim] is mapped.
    writeFileSync(join(awsDir, 'credentials'), `[default]\n${keys(TEST_IDENTITIES.otherAccount)}[sim]\n${keys(TEST_IDENTITIES.assumedRole)}`);
    writeFileSync(join(awsDir, 'config'), '[default]\nregion = eu-west-1\n[profile sim]\nregion = eu-west-2\n');
    const profileEnv = { AWS_REGION: undefined, AWS_CONFIG_FILE: join(awsDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials') };

    const [noCredentials, expired, noRegion, regionFlag, defaultRegion, profile, defaultProfile, profileOverEnvKeys] = await Promise.all([
      connect(['--json'], { identity: null }),
      connect(['--json'], { identity: TEST_IDENTITIES.expired }),
      connect([], { env: { AWS_REGION: undefined } }),
      connect(['--region', 'eu-west-2'], { env: { AWS_REGION: undefined } }),
      connect([], { env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu-central-1' } }),
      connect(['--profile', 'sim', '--json'], { identity: null, env: profileEnv }),
      connect(['--json'], { identity: null, env: profileEnv }),
      connect(['--profile', 'sim', '--json'], { identity: TEST_IDENTITIES.otherAccount, env: profileEnv }),
    ]);
    expect(noCredentials.code, noCredentials.stderr).toBe(3);
    expectFailureDocument(noCredentials, 'NO_CREDENTIALS');
    // Snowflake cannot verify an expired session; the cause is on the AWS side.
    expect(expired.code, expired.stderr).toBe(3);
    expect(expectFailureDocument(expired, 'STS_EXPIRED_TOKEN').error.message).toMatch(/expired/i);
    expect(noRegion.code, noRegion.stderr).toBe(3);
    expect(noRegion.stderr).toMatch(/region/i);
    // The Node driver reads only AWS_REGION (else IMDS, disabled here): success means it was handed one.
    expect(regionFlag.code, regionFlag.stderr).toBe(0);
    expect(defaultRegion.code, defaultRegion.stderr).toBe(0);
    expect(defaultRegion.stderr).toMatch(/warning:.*AWS_REGION/);
    expect(profile.code, profile.stderr).toBe(0);
    expect(json(profile)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    expect(profile.stderr).toMatch(/AWS_REGION/);
    // Without --profile the driver signs as [default], which maps to nobody: the profile is what it used.
    expect(defaultProfile.code).toBe(1);
    expect(json(defaultProfile).error.message).toContain('arn:aws:sts::210987654321:assumed-role/my-fn-role/my-fn');
    expect(profileOverEnvKeys.code, profileOverEnvKeys.stderr).toBe(0);
    expect(json(profileOverEnvKeys)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
  });
});

describe('connect: usage errors (exit 2) never reach Snowflake', () => {
  it('missing account, bad port/protocol/timeout, and a host outside the WIF allow-list', async () => {
    const before = bed.snowflake.requests.length;
    const [noAccount, badPort, badProtocol, badTimeout, hostRefused, hostRefusedJson] = await Promise.all([
      connect([], { env: { SNOWFLAKE_ACCOUNT: undefined } }),
      connect(['--port', '99999']),
      connect(['--protocol', 'ftp']),
      connect(['--timeout', 'soon']),
      connect(['--host', '127.0.0.1'], { env: { SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: undefined } }),
      connect(['--host', '127.0.0.1', '--json'], { env: { SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: undefined } }),
    ]);
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toMatch(/account/i);
    expect(noAccount.stderr).toContain('SNOWFLAKE_ACCOUNT');
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('99999');
    expect(badProtocol.code).toBe(2);
    expect(badProtocol.stderr).toContain('ftp');
    expect(badTimeout.code).toBe(2);
    expect(hostRefused.code, hostRefused.stderr).toBe(2);
    expect(hostRefused.stderr).toContain('SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES');
    expect(hostRefusedJson.code).toBe(2);
    expect(expectFailureDocument(hostRefusedJson, 'HOST_NOT_ALLOWED').hint).toContain('SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES');
    // The driver refuses the host before sending anything.
    expect(bed.snowflake.requests.length).toBe(before);
  });
});

describe('connect: Snowflake unreachable or failing (exit 4)', () => {
  it('a closed port and a wrong account', async () => {
    const port = await closedPort();
    const [closed, wrongAccount] = await Promise.all([
      connect(['--port', String(port), '--timeout', '3', '--json']),
      connect(['--account', 'nosuchorg-nosuchacct', '--timeout', '3']),
    ]);
    expect(closed.code, closed.stderr).toBe(4);
    expectFailureDocument(closed, 'UNREACHABLE');
    expect(closed.durationMs).toBeLessThan(6_000);
    expect(wrongAccount.code, wrongAccount.stderr).toBe(4);
    expect(wrongAccount.stderr).toMatch(/check the account identifier/i);
    expect(wrongAccount.stderr).toContain('nosuchorg-nosuchacct');
  });

  it('a hanging Snowflake hits --timeout and exits 4 within a second or two', async () => {
    bed.snowflake.setMode('hang');
    try {
      const run = await connect(['--timeout', '2', '--json']);
      expect(run.code, run.stderr).toBe(4);
      expectFailureDocument(run, 'TIMEOUT');
      expect(run.durationMs).toBeGreaterThanOrEqual(1_900);
      expect(run.durationMs, 'the process must not linger on the driver after the timeout').toBeLessThan(4_500);
    } finally {
      bed.snowflake.setMode('normal');
    }
  });

  it('HTTP 403 and 404 point at the account identifier; HTTP 500 is "unreachable"', async () => {
    const results: Record<string, Run> = {};
    try {
      for (const mode of ['http403', 'http404', 'http500'] as const) {
        bed.snowflake.setMode(mode);
        results[mode] = await connect(['--timeout', '5', '--json']);
      }
    } finally {
      bed.snowflake.setMode('normal');
    }
    for (const mode of ['http403', 'http404'] as const) {
      const run = results[mode]!;
      expect(run.code, `${mode}: ${run.stderr}`).toBe(4);
      const document = expectFailureDocument(run, 'ACCOUNT_NOT_FOUND');
      expect(document.error.message).toContain(`HTTP ${mode.slice(4)}`);
      expect(document.hint).toMatch(/check the account identifier/i);
    }
    const serverError = results.http500!;
    expect(serverError.code, serverError.stderr).toBe(4);
    expect(expectFailureDocument(serverError, 'SERVER_ERROR').error.message).toContain('answered HTTP 500');
  });
});

describe('connect: DEBUG=* leaks nothing and writes nothing', () => {
  it('success (text and --json) and a mapping failure', async () => {
    const env = { DEBUG: '*' };
    const [text, jsonRun, failure] = await Promise.all([
      connect([], { env }),
      connect(['--json'], { env }),
      // ci-runner-role itself is mapped to nobody.
      connect(['--json'], { env, identity: TEST_IDENTITIES.chainSource }),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('LAMBDA_LOADER');
    expect(jsonRun.code, jsonRun.stderr).toBe(0);
    expect(json(jsonRun)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    expect(failure.code).toBe(1);
    expectFailureDocument(failure, 'USER_NOT_MAPPED');
    // Hygiene (no Token=, no secrets, empty cwd) is checked on every run by connect().
  });
});

describe('connect --connection (connections.toml)', () => {
  /** A clean env without the test bed's SNOWFLAKE_* connection variables. */
  function envWithoutSnowflake(extra: Record<string, string | undefined> = {}): Record<string, string> {
    return envFor({
      env: { SNOWFLAKE_ACCOUNT: undefined, SNOWFLAKE_HOST: undefined, SNOWFLAKE_PORT: undefined, SNOWFLAKE_PROTOCOL: undefined, ...extra },
    });
  }

  function writeConnections(dir: string, mode: number, port: number): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'connections.toml');
    writeFileSync(
      path,
      [
        '[sim]',
        `account = "${bed.env.SNOWFLAKE_ACCOUNT}"`,
        `host = "${bed.snowflake.host}"`,
        `port = ${port}`,
        'protocol = "http"',
        'role = "FILE_ROLE"',
        'authenticator = "WORKLOAD_IDENTITY"',
        `password = "${FILE_SECRET}"`,
        '',
        '[other]',
        'account = "someorg-other"',
        '',
      ].join('\n'),
    );
    chmodSync(path, mode);
    return path;
  }

  it('reads the named connection; flags > env > file; unknown names exit 2', async () => {
    const home = tempDir('wif-check-snowflake-home-');
    writeConnections(home, 0o600, bed.snowflake.port);
    const badPortHome = tempDir('wif-check-snowflake-home-');
    writeConnections(badPortHome, 0o600, await closedPort());
    const looseHome = tempDir('wif-check-snowflake-home-');
    writeConnections(looseHome, 0o644, bed.snowflake.port);
    const dotSnowflake = envWithoutSnowflake();
    writeConnections(join(dotSnowflake.HOME!, '.snowflake'), 0o600, bed.snowflake.port);

    const [fromFile, envOverFile, flagOverEnv, byDefaultName, unknown, loose, fromHome, missingFile] = await Promise.all([
      connect(['--connection', 'sim', '--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: home }) }),
      connect(['--connection', 'sim', '--json'], {
        baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: badPortHome, SNOWFLAKE_PORT: String(bed.snowflake.port), SNOWFLAKE_ROLE: 'ENV_ROLE' }),
      }),
      connect(['--connection', 'sim', '--role', 'FLAG_ROLE', '--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: home, SNOWFLAKE_ROLE: 'ENV_ROLE' }) }),
      connect(['--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: home, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'sim' }) }),
      connect(['--connection', 'nope'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: home }) }),
      connect(['--connection', 'sim', '--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: looseHome }) }),
      connect(['--connection', 'sim', '--json'], { baseEnv: dotSnowflake }),
      connect(['--connection', 'sim'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: tempDir('wif-check-empty-home-') }) }),
    ]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(json(fromFile)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', role: 'FILE_ROLE' });
    expect(fromFile.stderr).not.toMatch(/readable by other users/);
    expect(envOverFile.code, envOverFile.stderr).toBe(0);
    expect(json(envOverFile)).toMatchObject({ ok: true, role: 'ENV_ROLE' });
    expect(flagOverEnv.code, flagOverEnv.stderr).toBe(0);
    expect(json(flagOverEnv)).toMatchObject({ ok: true, role: 'FLAG_ROLE' });
    expect(byDefaultName.code, byDefaultName.stderr).toBe(0);
    expect(json(byDefaultName)).toMatchObject({ ok: true, role: 'FILE_ROLE' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'nope'");
    expect(unknown.stderr).toMatch(/sim, other/);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stderr).toMatch(/warning:.*readable by other users/);
    expect(fromHome.code, fromHome.stderr).toBe(0);
    expect(json(fromHome)).toMatchObject({ ok: true, role: 'FILE_ROLE' });
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('connections.toml');
  });

  it("where the Snowflake CLI looks (issue 21, part 3): ~/.config/snowflake (or $XDG_CONFIG_HOME/snowflake) when ~/.snowflake does not exist; config.toml's connections only without connections.toml", async () => {
    const xdgUser = envWithoutSnowflake();
    writeConnections(join(xdgUser.HOME!, '.config', 'snowflake'), 0o600, bed.snowflake.port);
    const ownXdg = envWithoutSnowflake();
    const xdg = tempDir('wif-check-xdg-');
    writeConnections(join(xdg, 'snowflake'), 0o600, bed.snowflake.port);
    // ~/.snowflake exists (empty): it is the directory, so ~/.config/snowflake is not read.
    const dotWins = envWithoutSnowflake();
    mkdirSync(join(dotWins.HOME!, '.snowflake'));
    writeConnections(join(dotWins.HOME!, '.config', 'snowflake'), 0o600, bed.snowflake.port);
    // Both files: config.toml's [connections.cfg] is not read, as the CLI replaces it with connections.toml.
    const both = tempDir('wif-check-snowflake-home-');
    writeConnections(both, 0o600, bed.snowflake.port);
    writeFileSync(join(both, 'config.toml'), `[connections.cfg]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\n`, { mode: 0o600 });
    // Only config.toml: its [connections.cfg] is read.
    const configOnly = tempDir('wif-check-snowflake-home-');
    writeFileSync(join(configOnly, 'config.toml'), `[connections.cfg]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${bed.snowflake.host}"\nport = ${bed.snowflake.port}\nprotocol = "http"\n`, { mode: 0o600 });

    const [fromXdgDefault, fromXdg, dotSnowflakeWins, notMerged, fromConfig] = await Promise.all([
      connect(['-c', 'sim', '--json'], { baseEnv: xdgUser }),
      connect(['-c', 'sim', '--json'], { baseEnv: { ...ownXdg, XDG_CONFIG_HOME: xdg } }),
      connect(['-c', 'sim', '--json'], { baseEnv: dotWins }),
      connect(['-c', 'cfg', '--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: both }) }),
      connect(['-c', 'cfg', '--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: configOnly }) }),
    ]);
    expect(fromXdgDefault.code, fromXdgDefault.stderr).toBe(0);
    expect(json(fromXdgDefault)).toMatchObject({ ok: true, role: 'FILE_ROLE' });
    expect(fromXdg.code, fromXdg.stderr).toBe(0);
    expect(dotSnowflakeWins.code).toBe(2);
    expect(json(dotSnowflakeWins)).toMatchObject({ ok: false, error: { code: 'NO_CONNECTIONS_FILE' } });
    expect(json(dotSnowflakeWins).error.message).toContain(join(dotWins.HOME!, '.snowflake', 'connections.toml'));
    expect(notMerged.code).toBe(2);
    expect(json(notMerged)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CONNECTION' } });
    expect(json(notMerged).error.message).toContain("config.toml's connections are not read while connections.toml exists");
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
  });

  it('a default connection someone named but that is missing says where the name came from; "neither … nor" names only connect\'s flags', async () => {
    const home = tempDir('wif-check-snowflake-home-');
    writeConnections(home, 0o600, bed.snowflake.port);
    const configHome = tempDir('wif-check-snowflake-home-');
    writeFileSync(join(configHome, 'config.toml'), 'default_connection_name = "gone"\n[connections.cfg]\naccount = "x"\n', { mode: 0o600 });
    const [fromEnv, fromConfig, noFiles] = await Promise.all([
      connect(['--json'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: home, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'prod' }) }),
      connect([], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: configHome }) }),
      connect(['-c', 'sim'], { baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: tempDir('wif-check-empty-home-') }) }),
    ]);
    expect(fromEnv.code).toBe(2);
    expect(json(fromEnv)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CONNECTION' } });
    expect(json(fromEnv).error.message).toMatch(/^The default connection 'prod' \(from SNOWFLAKE_DEFAULT_CONNECTION_NAME\) is not in /);
    expect(json(fromEnv).hint).toBe('Known connections: sim, other');
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toMatch(/The default connection 'gone' \(from default_connection_name in .*config\.toml\) is not in /);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toMatch(/neither .*connections\.toml nor .*config\.toml exists/);
    expect(noFiles.stderr).toContain('Create one, set SNOWFLAKE_HOME, or pass --account instead.');
    expect(noFiles.stderr).not.toContain('--user');
  });

  it('SNOWFLAKE_DEFAULT_CONNECTION_NAME is only a fallback: with an account given, none of its fields apply', async () => {
    const home = tempDir('wif-check-snowflake-home-');
    writeConnections(home, 0o600, await closedPort());
    // The default connection points at a dead port with role FILE_ROLE; the flags name the live one.
    const run = await connect(['--account', bed.env.SNOWFLAKE_ACCOUNT, '--host', bed.snowflake.host, '--port', String(bed.snowflake.port), '--json'], {
      baseEnv: envWithoutSnowflake({ SNOWFLAKE_HOME: home, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'sim', SNOWFLAKE_PROTOCOL: 'http' }),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', role: 'LOADER' });
  });
});
