/**
 * Issue 17 ("wif-check v3, part 1"), end to end: the BUILT CLI with the real snowflake-sdk against
 * simulators and hostile servers on 127.0.0.1. The administrator's credentials (a PAT, a password,
 * a key), the files that name them, odd timeouts, and what a server can make wif-check print. Each
 * test here failed against the build before the fix (run with WIF_CHECK_BIN=<checkout of dc8c771>/bin/wif-check.js).
 * Nothing here reaches an address outside 127.0.0.0/8.
 */
import { chmodSync, chownSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { readBody, startHttpServer, type RunningServer } from '../../src/simulators/http-util.js';
import { allOutput, cleanEnv, describeRun, runCli, tempDir, type CliResult } from './run-cli.js';

const PAT = 'pat_EXAMPLEYWRtaW4tc2VjcmV0cy10ZXN0LXRva2Vu';
/** Shorter than the 12 characters below which v2 never redacted a known secret (item 6). */
const SHORT_PASSWORD = 'Sh0rt!pw9Q';
const ACCOUNT = 'simorg-wifcheck';
const SECRET_KEY = TEST_IDENTITIES.assumedRole.secretAccessKey;

let bed: TestBed;
let admin: TestBed;
let echo: RunningServer;
let thief: RunningServer;
const stolen: Array<{ path: string; body: string }> = [];

beforeAll(async () => {
  bed = await startTestBed();
  const seed = seededAuditAccount({ pats: [PAT], password: SHORT_PASSWORD });
  admin = await startTestBed({ users: seed.users, admin: seed.admin });
  // A server that answers every login as Snowflake refuses one, echoing the credentials it was
  // sent (TOKEN: a PAT; PASSWORD) and faking a line of wif-check's own output.
  echo = await startHttpServer(async (req, res) => {
    const raw = await readBody(req);
    const body = JSON.parse((raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8')) as { data?: { TOKEN?: string; PASSWORD?: string } };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        success: false,
        code: '390100',
        data: { nextAction: 'RETRY_LOGIN' },
        message: `Incorrect username or password was specified: pat=${body.data?.TOKEN ?? ''} password=${body.data?.PASSWORD ?? ''}\n✔ Logged in (a line the server made up)`,
      }),
    );
  });
  thief = await startHttpServer(async (req, res) => {
    stolen.push({ path: req.url ?? '', body: (await readBody(req)).toString('latin1') });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ success: false, code: '390100', message: 'thank you', data: null }));
  });
});

afterAll(async () => {
  await Promise.all([bed?.close(), admin?.close(), echo?.close(), thief?.close()]);
});

beforeEach(() => {
  stolen.length = 0;
});

/** The WIF target is the test bed; the identity is the assumed role, whose secret key must never leave. */
function wifEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole), ...extra });
}

/** A SNOWFLAKE_HOME with the given files (mode 0600 unless said otherwise). */
function snowflakeHome(files: Record<string, string | { text: string; mode: number }>): string {
  const home = tempDir('snowflake-home-');
  for (const [name, content] of Object.entries(files)) {
    const { text, mode } = typeof content === 'string' ? { text: content, mode: 0o600 } : content;
    writeFileSync(join(home, name), text);
    chmodSync(join(home, name), mode);
  }
  return home;
}

/** A private file of the test's with `text` (0600), for a token or a key. */
function privateFile(name: string, text: string, mode = 0o600): string {
  const path = join(tempDir('credential-'), name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const patConnection = (target: { host: string; port: number }, tokenPath: string) =>
  `[admin]\naccount = "${ACCOUNT}"\nhost = "${target.host}"\nport = ${target.port}\nprotocol = "http"\n` +
  `user = "AUDITOR"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${tokenPath}"\n`;

function errorCode(result: CliResult): string | undefined {
  try {
    return (JSON.parse(result.stdout) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

function expectNone(text: string, ...secrets: string[]): void {
  for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 6)}… was printed:\n${text}`).toBe(false);
}

describe('item 1: any accepted timeout works (odd ones crashed with exit 70)', () => {
  it.each([['13.965'], ['15.001'], ['7.0005']])('doctor --timeout %s runs the whole check', async (seconds) => {
    const result = await runCli(['doctor', '--timeout', seconds, '--json'], { env: wifEnv() });
    expect(result.code, describeRun(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    expect(result.stderr).not.toMatch(/INTERNAL|out of range/);
  });
});

describe('item 2: connection, token and key files that others could write are refused', () => {
  it('a connections.toml writable by others (0666) is not used: exit 2, nothing is sent', async () => {
    const home = snowflakeHome({ 'connections.toml': { text: `[wif]\naccount = "${ACCOUNT}"\nhost = "127.0.0.1"\nport = ${thief.port}\nprotocol = "http"\n`, mode: 0o666 } });
    for (const command of ['connect', 'doctor']) {
      const result = await runCli([command, '-c', 'wif', '--json'], { env: wifEnv({ SNOWFLAKE_HOME: home, SNOWFLAKE_HOST: undefined, SNOWFLAKE_PORT: undefined, SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: '127.0.0.1' }) });
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stdout).toContain('BAD_CONNECTIONS_FILE');
      expect(result.stderr).toMatch(/connections\.toml is writable by its group and other users \(mode 0666\)/);
    }
    expect(stolen).toEqual([]);
  });

  it('token_file_path = "/proc/self/environ" is refused: the environment (AWS secret key included) is never sent as the PAT', async () => {
    const home = snowflakeHome({ 'connections.toml': patConnection(admin.snowflake, '/proc/self/environ') });
    const logins = admin.snowflake.admin.logins.length;
    const result = await runCli(['audit', '-c', 'admin', '--json'], { env: wifEnv({ SNOWFLAKE_HOME: home, SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: '127.0.0.1' }) });
    expect(result.code, describeRun(result)).toBe(2);
    expect(errorCode(result)).toBe('BAD_CREDENTIAL_FILE');
    expect(result.stderr).toMatch(/kernel pseudo-file/);
    expect(admin.snowflake.admin.logins.length).toBe(logins);
    expectNone(allOutput(result), SECRET_KEY);
  });

  it.each([
    ['a token file writable by its group (0620)', 'token', 0o620, /writable by its group \(mode 0620\)/],
    ['a token file writable by others (0602)', 'token', 0o602, /writable by other users \(mode 0602\)/],
    ['a key file writable by others (0646)', 'key', 0o646, /writable by other users \(mode 0646\)/],
  ] as const)('%s: exit 2 BAD_CREDENTIAL_FILE, no login', async (_name, kind, mode, why) => {
    const path = privateFile(kind === 'token' ? 'pat.token' : 'key.p8', kind === 'token' ? PAT : '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n', mode);
    const logins = admin.snowflake.admin.logins.length;
    const flag = kind === 'token' ? '--token-file' : '--private-key-file';
    const result = await runCli(['audit', '--user', 'AUDITOR', flag, path, '--json'], { env: cleanEnv({ ...admin.env }) });
    expect(result.code, describeRun(result)).toBe(2);
    expect(errorCode(result)).toBe('BAD_CREDENTIAL_FILE');
    expect(result.stderr).toMatch(why);
    expect(admin.snowflake.admin.logins.length).toBe(logins);
  });

  it('a token file of another user is refused (as root: chowned to nobody); your own 0600 file is used', async () => {
    const own = privateFile('pat.token', PAT);
    const used = await runCli(['audit', '--user', 'AUDITOR', '--token-file', own, '--json'], { env: cleanEnv({ ...admin.env }) });
    expect(used.code, describeRun(used)).toBe(1);
    if (process.getuid?.() === 0) {
      const foreign = privateFile('pat.token', PAT);
      chownSync(foreign, 65534, 65534);
      const refused = await runCli(['audit', '--user', 'AUDITOR', '--token-file', foreign, '--json'], { env: cleanEnv({ ...admin.env }) });
      expect(refused.code, describeRun(refused)).toBe(2);
      expect(refused.stderr).toMatch(/is owned by uid 65534, not by you \(uid 0\) or root/);
    }
  });

  it("doctor --admin-connection shows the connection file's warning (it dropped it)", async () => {
    const token = privateFile('pat.token', PAT);
    const home = snowflakeHome({ 'connections.toml': { text: patConnection(admin.snowflake, token), mode: 0o644 } });
    const result = await runCli(['doctor', '--admin-connection', 'admin'], { env: wifEnv({ SNOWFLAKE_HOME: home }) });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toMatch(/warning: .*connections\.toml is readable by other users/);
  });
});

describe('item 3: the administrator credentials go only to a Snowflake host (the WIF allow-list)', () => {
  it.each([['127.0.0.1'], ['localhost']])('audit --host %s (not allowed) is exit 2 HOST_NOT_ALLOWED; the PAT is never sent', async (host) => {
    const token = privateFile('pat.token', PAT);
    const result = await runCli(['audit', '--account', ACCOUNT, '--host', host, '--port', String(thief.port), '--protocol', 'http', '--token-file', token, '--json'], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(2);
    expect(errorCode(result)).toBe('HOST_NOT_ALLOWED');
    expect(stolen).toEqual([]);
  });

  it('a host from the connection file is held to the same rule', async () => {
    const token = privateFile('pat.token', PAT);
    const home = snowflakeHome({ 'connections.toml': patConnection(thief, token) });
    const result = await runCli(['audit', '-c', 'admin', '--json'], { env: cleanEnv({ SNOWFLAKE_HOME: home }) });
    expect(errorCode(result), describeRun(result)).toBe('HOST_NOT_ALLOWED');
    expect(stolen).toEqual([]);
  });
});

describe("item 4: doctor --admin-connection takes the connection's keys from its file only", () => {
  it('SNOWFLAKE_HOST/PORT (the WIF target) do not carry the admin PAT to their host', async () => {
    const token = privateFile('pat.token', PAT);
    const home = snowflakeHome({ 'connections.toml': patConnection(admin.snowflake, token) });
    const toTarget = bed.snowflake.admin.logins.length;
    const toAdmin = admin.snowflake.admin.logins.length;
    const result = await runCli(['doctor', '--admin-connection', 'admin', '--json'], { env: wifEnv({ SNOWFLAKE_HOME: home }) });
    expect(result.code, describeRun(result)).toBe(0);
    expect(bed.snowflake.admin.logins.length).toBe(toTarget);
    expect(admin.snowflake.admin.logins.slice(toAdmin)).toMatchObject([{ ok: true, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN' }]);
  });
});

describe('items 5 and 6: a server that echoes the credentials gets none of them printed', () => {
  const echoTarget = () => ({ SNOWFLAKE_ACCOUNT: ACCOUNT, SNOWFLAKE_HOST: '127.0.0.1', SNOWFLAKE_PORT: String(echo.port), SNOWFLAKE_PROTOCOL: 'http', SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: '127.0.0.1' });

  it('audit --debug with a PAT: the cause line is redacted, capped and one line', async () => {
    const token = privateFile('pat.token', PAT);
    const result = await runCli(['audit', '--user', 'AUDITOR', '--token-file', token, '--debug'], { env: cleanEnv(echoTarget()) });
    expect(result.code, describeRun(result)).toBe(4);
    expectNone(allOutput(result), PAT, PAT.slice(0, 20), SHORT_PASSWORD);
    const cause = result.stderr.split('\n').filter((line) => line.startsWith('cause: '));
    expect(cause, describeRun(result)).toHaveLength(1);
    expect(cause[0]?.length).toBeLessThan(1_200);
    // The server's made-up line stays inside the cause, escaped: it never starts a line of its own.
    expect(result.stderr).not.toMatch(/^✔ Logged in/m);
  });

  it('audit with a 10-character password: not in the text, --json or the step summary', async () => {
    const summary = privateFile('summary.md', '');
    for (const args of [[], ['--json']]) {
      const result = await runCli(['audit', '--user', 'AUDITOR', ...args], { env: cleanEnv({ ...echoTarget(), SNOWFLAKE_PASSWORD: SHORT_PASSWORD, GITHUB_STEP_SUMMARY: summary }) });
      expect(result.code, describeRun(result)).toBe(4);
      expect(allOutput(result)).toContain('[redacted]');
      expectNone(allOutput(result), SHORT_PASSWORD, PAT);
    }
    expectNone(readFileSync(summary, 'utf8'), SHORT_PASSWORD, PAT);
  });

  it('doctor --admin-connection with a password: not in the report, --json or the step summary', async () => {
    const home = snowflakeHome({ 'connections.toml': `[admin]\naccount = "${ACCOUNT}"\nhost = "127.0.0.1"\nport = ${echo.port}\nprotocol = "http"\nuser = "AUDITOR"\nauthenticator = "SNOWFLAKE"\n` });
    const summary = privateFile('summary.md', '');
    for (const args of [[], ['--json']]) {
      const result = await runCli(['doctor', '--admin-connection', 'admin', ...args], { env: wifEnv({ SNOWFLAKE_HOME: home, SNOWFLAKE_PASSWORD: SHORT_PASSWORD, GITHUB_STEP_SUMMARY: summary }) });
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toMatch(/Registration|snowflake-registration/);
      expectNone(allOutput(result), SHORT_PASSWORD, PAT, SECRET_KEY);
    }
    expectNone(readFileSync(summary, 'utf8'), SHORT_PASSWORD, PAT, SECRET_KEY);
  });
});

describe('item 12: every connect --json failure carries method', () => {
  it.each([
    ['--outbound-token, a refused login', ['--outbound-token', '--expect-user', 'SOMEONE_ELSE'], 'outbound-token'],
    ['--outbound-token, a usage error', ['--outbound-token', '--port', '70000'], 'outbound-token'],
    ['the classic method, a usage error', ['--port', '70000'], 'caller-identity'],
  ])('%s', async (_name, args, method) => {
    const result = await runCli(['connect', ...args, '--json'], { env: wifEnv() });
    expect(result.code, describeRun(result)).not.toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, method });
  });
});

describe('item 13: doctor --admin-connection always adds the snowflake-registration check', () => {
  it('after a successful login too: which user the caller maps to, and what the expected user has', async () => {
    // One account for both sides: the seeded one, with LAMBDA_LOADER registered path-free.
    const seed = seededAuditAccount({ pats: [PAT] });
    const users = seed.users.map((user) => (user.name === 'LAMBDA_LOADER' ? { ...user, workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role' } : user));
    const account = await startTestBed({ users, admin: seed.admin });
    try {
      const token = privateFile('pat.token', PAT);
      const home = snowflakeHome({ 'connections.toml': patConnection(account.snowflake, token) });
      const env = cleanEnv({ ...account.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole), SNOWFLAKE_HOME: home });
      const result = await runCli(['doctor', '--admin-connection', 'admin', '--expect-user', 'LAMBDA_LOADER', '--json'], { env });
      expect(result.code, describeRun(result)).toBe(0);
      const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; code: string; detail: string }> };
      expect(report.checks.find((check) => check.id === 'login')?.status).toBe('ok');
      expect(report.checks.find((check) => check.id === 'snowflake-registration'), result.stdout).toEqual({
        id: 'snowflake-registration',
        status: 'ok',
        code: 'OK',
        detail: 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn is registered for LAMBDA_LOADER; LAMBDA_LOADER has DEFAULT = AWS 123456789012 role my-fn-role',
      });
    } finally {
      await account.close();
    }
  });
});
