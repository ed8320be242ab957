/**
 * Issue 9, end to end: the BUILT CLI with the real snowflake-sdk against hostile servers on
 * 127.0.0.1 (the Snowflake simulator's hostile modes, and a "thief" server that records whatever
 * reaches it). Each test here failed against v1 (run with WIF_CHECK_BIN=<v1 checkout>/bin/wif-check.js).
 * Nothing here reaches an address outside 127.0.0.0/8.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE_LINK_TEXT, HOSTILE_TERMINAL_TEXT, TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { startHttpServer, type RunningServer } from '../../src/simulators/http-util.js';
import { renderAll, tableCells, visibleText } from '../helpers/gfm.js';
import { KNOWN_SECRETS, allOutput, cleanEnv, describeRun, runCli, tempDir, type CliResult } from './run-cli.js';

let bed: TestBed;
let thief: RunningServer;
const stolen: Array<{ path: string; bytes: number }> = [];

beforeAll(async () => {
  bed = await startTestBed();
  thief = await startHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    stolen.push({ path: req.url ?? '', bytes: Buffer.concat(chunks).length });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ success: false, code: '390100', message: 'thank you', data: null }));
  });
});

afterAll(async () => {
  await Promise.all([bed?.close(), thief?.close()]);
});

beforeEach(() => {
  stolen.length = 0;
  bed.snowflake.setMode('normal');
  bed.sts.setMode('normal');
});

function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole), ...extra });
}

/** C0 (but \n), DEL and C1 control characters: none may reach the terminal raw. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function expectNoRawControl(result: CliResult): void {
  const match = RAW_CONTROL.exec(allOutput(result));
  expect(match, `raw U+${match?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} printed\n${describeRun(result)}`).toBeNull();
}

/** An empty GITHUB_STEP_SUMMARY file, as the runner gives each step. */
function emptySummaryFile(): string {
  const dir = tempDir('summary-');
  mkdirSync(dir, { recursive: true });
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  return summary;
}

function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of [...KNOWN_SECRETS, ...secrets].filter((value) => value.length >= 12)) {
    expect(text.includes(secret), `a secret (${secret.slice(0, 8)}…) was printed`).toBe(false);
  }
  expect(text).not.toMatch(/eyJ1cmwiOi|Signature=[0-9a-f]{16}|AWS4-HMAC-SHA256 Credential/);
}

/**
 * The attack of defect 1 sends the login to the host before the first `/ \\ ? #`, on the default
 * port (80 with http). A test may not bind port 80 or leave 127.0.0.0/8, so the CLI child gets a
 * preload that routes connections to 127.0.0.2:80 (the "attacker's host") to the thief's port.
 */
function attackerNetwork(): Record<string, string> {
  const preload = join(tempDir('net-'), 'route-attacker.cjs');
  writeFileSync(
    preload,
    [
      "const net = require('node:net');",
      'const connect = net.Socket.prototype.connect;',
      'net.Socket.prototype.connect = function (...args) {',
      '  const options = args[0];',
      "  if (options && typeof options === 'object' && options.host === '127.0.0.2' && Number(options.port) === 80) {",
      "    args[0] = { ...options, host: '127.0.0.1', port: Number(process.env.WIF_TEST_THIEF_PORT) };",
      '  }',
      '  return connect.apply(this, args);',
      '};',
      '',
    ].join('\n'),
  );
  return { NODE_OPTIONS: `--require ${JSON.stringify(preload)}`, WIF_TEST_THIEF_PORT: String(thief.port) };
}

describe('defect 1: the host is validated before anything is signed (BAD_HOST)', () => {
  const hostile = () => '127.0.0.2/.snowflakecomputing.com';
  const variants = (): Array<[string, string[], Record<string, string | undefined>]> => [
    ['--host', ['--host', hostile()], { SNOWFLAKE_HOST: undefined }],
    ['SNOWFLAKE_HOST', [], { SNOWFLAKE_HOST: hostile() }],
    ['--host with a backslash', ['--host', '127.0.0.2\\.snowflakecomputing.com'], { SNOWFLAKE_HOST: undefined }],
    ['--host with ?', ['--host', '127.0.0.2?.snowflakecomputing.com'], { SNOWFLAKE_HOST: undefined }],
    ['--host with #', ['--host', '127.0.0.2#.snowflakecomputing.com'], { SNOWFLAKE_HOST: undefined }],
  ];
  const attackEnv = (extra: Record<string, string | undefined>) =>
    env({ ...extra, ...attackerNetwork(), SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: undefined, SNOWFLAKE_PORT: undefined });
  for (const command of ['connect', 'doctor']) {
    it(`${command}: every host source is refused with exit 2 and nothing reaches the other host`, async () => {
      for (const [name, args, extra] of variants()) {
        const result = await runCli([command, ...args, '--json', '--timeout', '10'], { env: attackEnv(extra) });
        expect(stolen, name).toEqual([]);
        expect(result.code, `${name}\n${describeRun(result)}`).toBe(2);
        expect(result.stdout, name).toContain('BAD_HOST');
      }
    });
  }

  it('connections.toml: a hostile host in the named connection is refused', async () => {
    const home = tempDir('sf-home-');
    writeFileSync(join(home, 'connections.toml'), `[prod]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${hostile()}"\nprotocol = "http"\n`, { mode: 0o600 });
    const result = await runCli(['connect', '--connection', 'prod', '--timeout', '10'], {
      env: env({ ...attackerNetwork(), SNOWFLAKE_HOME: home, SNOWFLAKE_HOST: undefined, SNOWFLAKE_ACCOUNT: undefined, SNOWFLAKE_PORT: undefined, SNOWFLAKE_PROTOCOL: undefined, SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: undefined }),
    });
    expect(result.code, describeRun(result)).toBe(2);
    expect(stolen).toEqual([]);
    expect(result.stderr).toMatch(/host '.*' \(connection 'prod' in .*connections\.toml, key host\) contains '\/'/);
  });

  it('a URL gets "give a host name, not a URL" (the newcomer\'s mistake)', async () => {
    const result = await runCli(['connect', '--host', 'https://myorg-myacct.snowflakecomputing.com', '--timeout', '5'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a host name, not a URL');
  });
});

describe('defect 2: no redirect is followed with the attestation (UNEXPECTED_REDIRECT)', () => {
  for (const status of [307, 308, 302] as const) {
    it(`a ${status} from the login endpoint: exit 4, naming the target; the other host receives nothing`, async () => {
      bed.snowflake.setRedirect(`http://127.0.0.1:${thief.port}/session/v1/login-request`, status);
      bed.snowflake.setMode('redirect');
      const result = await runCli(['connect', '--json', '--timeout', '10'], { env: env() });
      expect(result.code, describeRun(result)).toBe(4);
      const document = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(document.error.code).toBe('UNEXPECTED_REDIRECT');
      expect(document.error.message).toContain(`127.0.0.1:${thief.port}`);
      expect(stolen).toEqual([]);
    });
  }

  it('doctor reports it as the failed login check, exit 4', async () => {
    bed.snowflake.setRedirect(`http://127.0.0.1:${thief.port}/steal`, 307);
    bed.snowflake.setMode('redirect');
    const result = await runCli(['doctor', '--json', '--timeout', '10'], { env: env() });
    expect(result.code, describeRun(result)).toBe(4);
    const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; detail: string }> };
    expect(report.checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', detail: expect.stringContaining('redirect') });
    expect(stolen).toEqual([]);
  });
});

describe('defect 4: server text reaches the terminal with its control characters escaped', () => {
  it('connect: CURRENT_USER()/role/account full of escape sequences are shown escaped', async () => {
    bed.snowflake.setMode('escape-identity');
    const result = await runCli(['connect', '--timeout', '10'], { env: env({ FORCE_COLOR: '0' }) });
    expect(result.code, describeRun(result)).toBe(0);
    expectNoRawControl(result);
    expect(result.stdout).toContain('\\u001b]0;pwned\\u0007');
    // JSON keeps the value exactly (JSON.stringify escapes it).
    const json = await runCli(['connect', '--json', '--timeout', '10'], { env: env() });
    expect((JSON.parse(json.stdout) as { user: string }).user).toBe(`${HOSTILE_TERMINAL_TEXT}LAMBDA_LOADER`);
  });

  it('doctor --expect-user: the mismatch message and its fix are escaped too', async () => {
    bed.snowflake.setMode('escape-identity');
    const result = await runCli(['doctor', '--expect-user', 'OTHER', '--timeout', '10'], { env: env() });
    expect(result.code, describeRun(result)).toBe(1);
    expectNoRawControl(result);
    expect(result.stdout).not.toMatch(/^✔ WIF login works/m);
  });

  it('a login refused with escape sequences in its message: escaped on stderr and in doctor', async () => {
    bed.snowflake.setMode('escape-message');
    for (const command of ['connect', 'doctor']) {
      const result = await runCli([command, '--timeout', '10'], { env: env() });
      expect(result.code, `${command}\n${describeRun(result)}`).not.toBe(0);
      expectNoRawControl(result);
      expect(allOutput(result)).not.toMatch(/^✔ WIF login works/m);
    }
  });
});

describe('issue 17 item 11: server text in the job summary is shown, never linked', () => {
  it('connect and doctor: a login refused with a URL, a www. host and an e-mail address; GitHub renders no link', async () => {
    bed.snowflake.setMode('link-message');
    const summary = emptySummaryFile();
    for (const command of ['connect', 'doctor']) {
      const result = await runCli([command, '--timeout', '10'], { env: env({ GITHUB_STEP_SUMMARY: summary }) });
      expect(result.code, `${command}\n${describeRun(result)}`).not.toBe(0);
    }
    const markdown = readFileSync(summary, 'utf8');
    // As GitHub renders it: micromark's GFM, and GitHub's cmark-gfm where it is installed.
    for (const { renderer, html } of renderAll(markdown)) {
      expect(html, renderer).not.toContain('<a');
      // The message is shown whole, as text, in the login row's detail cell of both summaries.
      expect(tableCells(html).filter((cell) => visibleText(cell).includes(HOSTILE_LINK_TEXT)), `${renderer}\n${markdown}`).toHaveLength(2);
    }
  });
});

describe('defect 5: an echoed attestation is never printed', () => {
  it('connect (text and --json), doctor (text and --json) and the step summary redact it', async () => {
    bed.snowflake.setMode('echo-token');
    const summary = emptySummaryFile();
    const outputs: string[] = [];
    for (const args of [['connect'], ['connect', '--json'], ['doctor'], ['doctor', '--json']]) {
      const result = await runCli([...args, '--timeout', '10'], { env: env({ GITHUB_STEP_SUMMARY: summary, DEBUG: '*' }) });
      expect(result.code, describeRun(result)).not.toBe(0);
      outputs.push(allOutput(result));
    }
    const everything = `${outputs.join('\n')}\n${readFileSync(summary, 'utf8')}`;
    expect(bed.snowflake.echoed.length).toBeGreaterThan(0);
    expectNoSecrets(everything, bed.snowflake.echoed.filter(Boolean));
    expect(everything).toContain('[redacted]');
  });

  it('connect --json keeps Snowflake\'s code and its (redacted, capped) message', async () => {
    bed.snowflake.setMode('echo-token');
    const result = await runCli(['connect', '--json', '--timeout', '10'], { env: env() });
    const document = JSON.parse(result.stdout) as { error: { snowflakeCode: string; snowflakeMessage: string } };
    expect(document.error.snowflakeCode).toMatch(/^\d+$/);
    expect(document.error.snowflakeMessage).toContain('could not be verified');
    expect([...document.error.snowflakeMessage].length).toBeLessThanOrEqual(1_100);
    expectNoSecrets(document.error.snowflakeMessage, bed.snowflake.echoed.filter(Boolean));
  });
});

describe('defect 6: a Snowflake answer cannot exhaust memory or time', () => {
  it('an endless login body: exit 4 (RESPONSE_TOO_LARGE) within --timeout, peak RSS far below 512 MB', async () => {
    bed.snowflake.setMode('huge');
    const rssOut = join(tempDir('rss-'), 'rss');
    const preload = join(tempDir('preload-'), 'rss.cjs');
    writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.WIF_TEST_RSS_OUT, String(process.resourceUsage().maxRSS)));\n");
    const started = Date.now();
    const result = await runCli(['connect', '--json', '--timeout', '8'], { env: env({ NODE_OPTIONS: `--require ${JSON.stringify(preload)}`, WIF_TEST_RSS_OUT: rssOut }), timeoutMs: 20_000 });
    expect(result.code, describeRun(result)).toBe(4);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe('RESPONSE_TOO_LARGE');
    const peakMiB = Number(readFileSync(rssOut, 'utf8')) / 1024;
    expect(peakMiB, `peak RSS ${peakMiB.toFixed(0)} MiB`).toBeLessThan(256);
  });
});

describe('defect 7: each failure is blamed on the side it came from', () => {
  it('an HTML page with HTTP 200 from the login endpoint is exit 4 (UNEXPECTED_ANSWER), not "refused the identity"', async () => {
    bed.snowflake.setMode('html200');
    const result = await runCli(['connect', '--json', '--timeout', '10'], { env: env() });
    expect(result.code, describeRun(result)).toBe(4);
    expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe('UNEXPECTED_ANSWER');
  });

  it('a login whose identity query returns no row is exit 4 (IDENTITY_UNKNOWN), never 0 with an empty user', async () => {
    bed.snowflake.setMode('no-row');
    const result = await runCli(['connect', '--json', '--timeout', '10'], { env: env() });
    expect(result.code, describeRun(result)).toBe(4);
    expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe('IDENTITY_UNKNOWN');
  });

  for (const mode of ['error500', 'hang'] as const) {
    it(`STS ${mode === 'hang' ? 'hanging' : 'answering 500'} on the AssumeRole of --impersonation-path is the AWS side: exit 3`, async () => {
      bed.sts.setActionMode('AssumeRole', mode);
      try {
        const args = ['connect', '--json', '--impersonation-path', 'arn:aws:iam::123456789012:role/snowflake-loader', '--timeout', mode === 'hang' ? '4' : '10'];
        const result = await runCli(args, { env: env() });
        expect(result.code, describeRun(result)).toBe(3);
        const document = JSON.parse(result.stdout) as { error: { code: string; message: string } };
        expect(document.error.message).toMatch(mode === 'hang' ? /did not answer/ : /InternalFailure|unknown error/i);
      } finally {
        bed.sts.setActionMode('AssumeRole', undefined);
      }
    });
  }

  it('a successful login whose caller ARN wif-check cannot read (65-character session) is reported, exit 0, never 70', async () => {
    bed.sts.setMode('long-session');
    const result = await runCli(['connect', '--json', '--timeout', '10'], { env: env() });
    expect(result.code, describeRun(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
    expect(result.stderr).toMatch(/cannot read/);
  });
});

describe('defect 11: cleartext only to loopback (INSECURE_PROTOCOL)', () => {
  it('--protocol http to a non-loopback host is refused before any AWS call; --allow-insecure-http lets it through', async () => {
    const stsRequests = bed.sts.requests.length;
    const refused = await runCli(['connect', '--host', 'myorg-myacct.snowflakecomputing.com', '--protocol', 'http', '--json', '--timeout', '5'], { env: env() });
    expect(refused.code, describeRun(refused)).toBe(2);
    expect((JSON.parse(refused.stdout) as { error: { code: string } }).error.code).toBe('INSECURE_PROTOCOL');
    expect(bed.sts.requests.length).toBe(stsRequests);
    // Allowed, it goes on to the driver, whose own host allow-list then refuses this host before
    // sending anything (so the test never leaves the machine): not INSECURE_PROTOCOL any more.
    const allowed = await runCli(['connect', '--host', 'myorg-myacct.example', '--protocol', 'http', '--allow-insecure-http', '--json', '--timeout', '5'], {
      env: env({ SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: undefined }),
    });
    expect((JSON.parse(allowed.stdout) as { error: { code: string } }).error.code, describeRun(allowed)).toBe('HOST_NOT_ALLOWED');
  });
});
