/**
 * Runs the BUILT CLI (bin/wif-check.js → dist/) as a child process with a clean environment:
 * a temporary HOME, no ~/.aws, IMDS disabled, and only the variables a test passes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startSnowflakeSimulator, startStsSimulator, type SnowflakeSimulator, type StsSimulator, type TestIdentity, type TestIdentityName } from '../../src/simulators/index.js';
import { seededAuditAccount, type SimAdmin } from '../../src/simulators/snowflake-admin.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** WIF_CHECK_BIN runs the tests against another build (e.g. the last release, to see a test fail before its fix). */
export const BIN = process.env.WIF_CHECK_BIN ?? join(REPO_ROOT, 'bin', 'wif-check.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Every temporary directory lives under the run's root (test/global-setup.ts removes it). */
let tempRoot: string | undefined;

export function tempDir(prefix = 'wif-check-test-'): string {
  tempRoot ??= process.env.WIF_CHECK_TEST_TMP ?? mkdtempSync(join(tmpdir(), 'wif-check-tests-'));
  return mkdtempSync(join(tempRoot, prefix));
}

/** A fresh, empty HOME and a clean environment with nothing from the developer's machine. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const home = tempDir('home-');
  mkdirSync(join(home, '.aws'));
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    USERPROFILE: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function runCli(args: readonly string[], options: { env: Record<string, string>; cwd?: string; timeoutMs?: number; stdin?: string }): Promise<CliResult> {
  return runNode([BIN, ...args], options);
}

/** `node argv…` (a script and its arguments); `onSpawn` is called with the child's pid as soon as it has one. */
export function runNode(argv: readonly string[], options: { env: Record<string, string>; cwd?: string; timeoutMs?: number; onSpawn?: (pid: number) => void; stdin?: string }): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, argv, { env: options.env, cwd: options.cwd ?? tempDir('wif-check-cwd-'), stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}

/** Every byte a test saw, for "no secret anywhere" assertions. */
export function allOutput(result: CliResult): string {
  return result.stdout + result.stderr;
}

// eslint-disable-next-line no-control-regex
export const ANSI_ESCAPE = /\u001b\[/;

/** Every secret the simulators hand out up front: none may ever appear in the CLI's output. */
export const KNOWN_SECRETS: readonly string[] = Object.values(TEST_IDENTITIES).flatMap((identity) =>
  [identity.secretAccessKey, identity.sessionToken].filter((value): value is string => value !== undefined),
);

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const address = server.address();
  await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * An STS simulator for the calling test file (started before its tests, closed after), with
 * environments for the CLI: `env()` points at it; `as(name)` adds a test identity and a region.
 */
export function useStsSimulator(): {
  readonly sts: StsSimulator;
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  as(name: TestIdentityName, extra?: Record<string, string | undefined>): Record<string, string>;
} {
  let sts: StsSimulator | undefined;
  beforeAll(async () => {
    sts = await startStsSimulator();
  });
  afterAll(async () => {
    await sts?.close();
  });
  const running = (): StsSimulator => {
    if (!sts) throw new Error('the STS simulator is not running (useStsSimulator() outside a test?)');
    return sts;
  };
  return {
    get sts() {
      return running();
    },
    env: (extra = {}) => stsClientEnv(running().url, undefined, extra),
    as: (name, extra = {}) => stsClientEnv(running().url, TEST_IDENTITIES[name], extra),
  };
}

/** A clean environment pointed at an STS simulator; with an identity, its credentials and a region. */
export function stsClientEnv(stsUrl: string, identity?: TestIdentity, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ AWS_ENDPOINT_URL_STS: stsUrl, ...(identity ? { ...credentialsEnv(identity), AWS_REGION: 'eu-west-1' } : {}), ...extra });
}

export interface AuditTestBed {
  sim: SnowflakeSimulator;
  sts: StsSimulator;
  close(): Promise<void>;
}

/** The seeded audit account (seededAuditAccount: one user per finding, administrator AUDITOR logging in with `admin`) and an STS simulator. */
export async function startAuditTestBed(account: string, admin: Omit<SimAdmin, 'name' | 'defaultRole' | 'roles'>): Promise<AuditTestBed> {
  const seed = seededAuditAccount(admin);
  const sim = await startSnowflakeSimulator({ accountName: account, users: seed.users, admin: seed.admin });
  const sts = await startStsSimulator();
  return { sim, sts, close: async () => void (await Promise.all([sim.close(), sts.close()])) };
}

/** audit's environment for the Snowflake simulator's administrator side: the account, the simulator, user AUDITOR. */
export function auditEnv(account: string, snowflake: { host: string; port: number }, extra: Record<string, string | undefined> = {}): Record<string, string> {
  // SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: the administrator's credentials go only where an attestation may (issue 17, item 3).
  return cleanEnv({ SNOWFLAKE_ACCOUNT: account, SNOWFLAKE_HOST: snowflake.host, SNOWFLAKE_PORT: String(snowflake.port), SNOWFLAKE_PROTOCOL: 'http', SNOWFLAKE_USER: 'AUDITOR', SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: snowflake.host, ...extra });
}

/**
 * doctor against the test bed with `--admin-connection admin`: a SNOWFLAKE_HOME whose
 * connections.toml has [admin] (the AUDITOR key pair in `keyFile`), the WIF settings for the
 * Snowflake simulator, and the assumed-role identity of the STS simulator.
 */
export function doctorWithAdminEnv(options: { account: string; snowflake: { host: string; port: number }; stsUrl: string; keyFile: string; passphrase: string }): Record<string, string> {
  const { account, snowflake, stsUrl, keyFile, passphrase } = options;
  const snowflakeHome = tempDir('snowflake-home-');
  writeFileSync(
    join(snowflakeHome, 'connections.toml'),
    `[admin]\naccount = "${account}"\nhost = "${snowflake.host}"\nport = ${snowflake.port}\nprotocol = "http"\nuser = "AUDITOR"\nprivate_key_file = "${keyFile}"\n`,
    { mode: 0o600 },
  );
  return cleanEnv({
    SNOWFLAKE_HOME: snowflakeHome,
    PRIVATE_KEY_PASSPHRASE: passphrase,
    SNOWFLAKE_ACCOUNT: account,
    SNOWFLAKE_HOST: snowflake.host,
    SNOWFLAKE_PORT: String(snowflake.port),
    SNOWFLAKE_PROTOCOL: 'http',
    SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: snowflake.host,
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
    AWS_ENDPOINT_URL_STS: stsUrl,
    AWS_REGION: 'eu-west-1',
    ...credentialsEnv(TEST_IDENTITIES.assumedRole),
  });
}

/**
 * Runs the CLI and checks what holds for EVERY run: no secret (any simulator identity's secret key
 * or session token, the secret/token in `env`, or `extraSecrets`) appears in stdout or stderr.
 */
export async function runCliWithoutSecrets(args: readonly string[], env: Record<string, string>, extraSecrets: readonly string[] = [], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const result = await runCli(args, { env, ...options });
  const output = allOutput(result);
  const secrets = [...KNOWN_SECRETS, ...extraSecrets, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length > 0,
  );
  for (const secret of secrets) {
    expect(output.includes(secret), `a secret (${secret.slice(0, 6)}…) was printed by wif-check ${args.join(' ')}`).toBe(false);
  }
  return result;
}

/** Everything about a run, for assertion messages. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}`;
}
