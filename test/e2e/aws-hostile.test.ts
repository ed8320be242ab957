/**
 * The AWS edge against hostile input, end to end: the BUILT CLI as a child process against the STS
 * simulator's hostile modes on 127.0.0.1, and local config files that would block or flood a read
 * (a FIFO nothing ever writes to, an oversized file). Issue 9, defects 4 (STS part), 6 and 8.
 *
 * Build first: `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StsMode } from '../../src/simulators/index.js';
import { allOutput, closedPort, describeRun, runCli, runCliWithoutSecrets, tempDir, useStsSimulator, type CliResult } from './run-cli.js';

const sim = useStsSimulator();

/** Every control character a hostile answer carries, raw: none may reach the terminal. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const FIFO_SUPPORTED = process.platform !== 'win32';

/** A run that must end long before this (the pre-fix CLI hung forever or ran for ~45 s). */
const PROMPT_MS = 5_000;

/** error.code of a failure document, or for doctor (whose usage errors are a report) the settings check's code. */
function errorCode(result: CliResult): unknown {
  const document = JSON.parse(result.stdout) as { error?: { code?: unknown }; checks?: Array<{ id: string; code?: unknown }> };
  return document.error?.code ?? document.checks?.find((check) => check.id === 'settings')?.code;
}

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

afterEach(() => {
  sim.sts.setMode('normal');
});

describe('STS answers are bounded', () => {
  let rssPreload: string;
  beforeAll(() => {
    // Peak RSS as the child itself saw it (getrusage ru_maxrss, KiB), written as it exits.
    rssPreload = join(tempDir('rss-'), 'peak-rss.cjs');
    writeFileSync(
      rssPreload,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.WIF_TEST_RSS_OUT, String(process.resourceUsage().maxRSS)));\n",
    );
  });

  it('whoami against a 200 MB answer exits 3 (STS_RESPONSE_TOO_LARGE) at once, with bounded memory, and does not retry', async () => {
    sim.sts.setMode('huge');
    const before = sim.sts.requests.length;
    const rssOut = join(tempDir('rss-out-'), 'rss');
    // The heap cap only keeps a regression from swapping the machine: it crashes instead (exit 134).
    const env = sim.as('assumedRole', { NODE_OPTIONS: `--require ${JSON.stringify(rssPreload)} --max-old-space-size=384`, WIF_TEST_RSS_OUT: rssOut });
    const result = await runCliWithoutSecrets(['whoami', '--timeout', '8', '--json'], env);
    expect(result.code, describeRun(result)).toBe(3);
    expect(errorCode(result), describeRun(result)).toBe('STS_RESPONSE_TOO_LARGE');
    expect(result.stdout).toMatch(/1 MiB/);
    expect(result.stdout).toContain(sim.sts.url);
    expect(result.durationMs, describeRun(result)).toBeLessThan(PROMPT_MS);
    expect(existsSync(rssOut), describeRun(result)).toBe(true);
    const peakMiB = Number(readFileSync(rssOut, 'utf8')) / 1024;
    expect(peakMiB, `peak RSS ${peakMiB.toFixed(0)} MiB`).toBeLessThan(256);
    expect(sim.sts.requests.slice(before).map((r) => r.action)).toEqual(['GetCallerIdentity']);
  });

  it('in text mode it is one ✖ line naming the limit, no stack trace', async () => {
    sim.sts.setMode('huge');
    const result = await runCliWithoutSecrets(['whoami', '--timeout', '8'], sim.as('assumedRole'));
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^✖ STS .*1 MiB/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('STS answers are validated', () => {
  it.each<[StsMode, RegExp]>([
    ['escape-arn', /Arn .*control character \(U\+001B\)/],
    ['escape-account', /Account .*control character \(U\+001B\)/],
  ])('%s: whoami exits 3 (STS_UNEXPECTED_ANSWER) and no raw control character is printed', async (mode, message) => {
    sim.sts.setMode(mode);
    const text = await runCliWithoutSecrets(['whoami'], sim.as('assumedRole'));
    expect(text.code, describeRun(text)).toBe(3);
    expect(text.stderr, describeRun(text)).toMatch(message);
    expect(RAW_CONTROL.test(allOutput(text)), describeRun(text)).toBe(false);
    expect(allOutput(text)).not.toContain('WIF login works');

    const json = await runCliWithoutSecrets(['whoami', '--json'], sim.as('assumedRole'));
    expect(json.code, describeRun(json)).toBe(3);
    expect(errorCode(json)).toBe('STS_UNEXPECTED_ANSWER');
    expect(RAW_CONTROL.test(allOutput(json)), describeRun(json)).toBe(false);
  });

  // A guard, not a defect: a well-formed ARN the ARN parser cannot read is other code's business.
  it('a 65-character session name is not refused as an unexpected STS answer', async () => {
    sim.sts.setMode('long-session');
    const result = await runCli(['whoami', '--json'], { env: sim.as('assumedRole') });
    expect(errorCode(result) ?? null, describeRun(result)).not.toBe('STS_UNEXPECTED_ANSWER');
  });
});

describe.skipIf(!FIFO_SUPPORTED)('--timeout bounds local reads: AWS files', () => {
  it.each(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE'])(
    'a FIFO as %s: whoami exits 2 (BAD_CONFIG_FILE) at once, naming the variable',
    async (variable) => {
      const path = fifo(join(tempDir('fifo-'), 'file'));
      const extra = variable === 'AWS_WEB_IDENTITY_TOKEN_FILE' ? { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/my-fn-role', AWS_REGION: 'eu-west-1' } : {};
      const env = variable === 'AWS_WEB_IDENTITY_TOKEN_FILE' ? sim.env({ [variable]: path, ...extra }) : sim.as('assumedRole', { [variable]: path });
      const result = await runCli(['whoami', '--timeout', '3', '--json'], { env, timeoutMs: 10_000 });
      expect(result.code, describeRun(result)).toBe(2);
      expect(errorCode(result)).toBe('BAD_CONFIG_FILE');
      expect(result.stdout).toContain(variable);
      expect(result.stdout).toMatch(/FIFO/);
      expect(result.durationMs).toBeLessThan(PROMPT_MS);
    },
  );

  it('a FIFO at the default ~/.aws/config: whoami exits 2 (BAD_CONFIG_FILE) at once', async () => {
    const env = sim.as('assumedRole', { AWS_CONFIG_FILE: undefined });
    fifo(join(env.HOME ?? '', '.aws', 'config'));
    const result = await runCli(['whoami', '--timeout', '3'], { env, timeoutMs: 10_000 });
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(/^✖ .*\.aws[\\/]config.*FIFO/);
    expect(result.durationMs).toBeLessThan(PROMPT_MS);
  });
});

describe.skipIf(!FIFO_SUPPORTED)('--timeout bounds local reads: connections.toml', () => {
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });

  function snowflakeHome(kind: 'fifo' | 'oversized'): string {
    const home = tempDir('snowflake-home-');
    const file = join(home, 'connections.toml');
    if (kind === 'fifo') fifo(file);
    // Should the file ever be read anyway, the login goes to a closed port on loopback, nowhere else.
    else writeFileSync(file, `[x]\naccount = "simorg-wifcheck"\nhost = "127.0.0.1"\nport = ${port}\nprotocol = "http"\n# ${'p'.repeat(1024 * 1024)}\n`, { mode: 0o600 });
    return home;
  }

  it.each([
    ['connect', 'fifo'],
    ['doctor', 'fifo'],
    ['connect', 'oversized'],
  ] as const)('%s --connection x with a %s connections.toml exits 2 (BAD_CONNECTIONS_FILE) at once', async (command, kind) => {
    const env = sim.as('assumedRole', { SNOWFLAKE_HOME: snowflakeHome(kind) });
    const result = await runCli([command, '--connection', 'x', '--timeout', '3', '--json'], { env, timeoutMs: 10_000 });
    expect(result.code, describeRun(result)).toBe(2);
    expect(errorCode(result)).toBe('BAD_CONNECTIONS_FILE');
    expect(result.stdout).toMatch(kind === 'fifo' ? /FIFO/ : /1 MiB/);
    expect(result.durationMs).toBeLessThan(PROMPT_MS);
  });

  it('the lenient default connection (SNOWFLAKE_DEFAULT_CONNECTION_NAME) with a FIFO is refused too, not waited on', async () => {
    const env = sim.as('assumedRole', { SNOWFLAKE_HOME: snowflakeHome('fifo'), SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'x' });
    const result = await runCli(['connect', '--timeout', '3'], { env, timeoutMs: 10_000 });
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(/^✖ .*connections\.toml.*FIFO/);
    expect(result.durationMs).toBeLessThan(PROMPT_MS);
  });
});
