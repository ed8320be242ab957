/**
 * The newcomer's list (issue 12, part 4), end to end with the BUILT CLI: usage errors honour
 * --json with the same document as any other failure, the common flags may come before the
 * command, success documents carry `ok: true`, and every doctor check has a stable `code`.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { hoistCommonFlags } from '../../src/cli.js';
import { cleanEnv, describeRun, runCli } from './run-cli.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed?.close();
});
const env = () => cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole) });

describe('usage errors honour --json', () => {
  it.each([
    [['connect', '--json', '--bogus'], 'UNKNOWN_OPTION'],
    [['whoami', '--json', '--region'], 'MISSING_OPTION_VALUE'],
    [['gen-sql', '--json', 'extra'], 'UNEXPECTED_ARGUMENT'],
  ])('%j → exit 2 and one error document on stdout (%s)', async (args, code) => {
    const result = await runCli(args, { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code } });
    expect(result.stderr).toMatch(/^error: /);
  });

  it("commander's own errors echo the argument escaped: a control sequence in it never reaches the terminal", async () => {
    for (const [args, shown] of [
      [['gen-sql', '--x\u001b]0;owned\u0007'], "unknown option '--x\\u001b]0;owned\\u0007'"],
      [['connect', '--account', 'a', '--rol\u001b[2J'], "unknown option '--rol\\u001b[2J'"],
    ] as const) {
      const result = await runCli(args, { env: cleanEnv() });
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(result.stderr).toContain(shown);
    }
  });

  it("doctor's usage errors are a doctor report, with exitCode, from commander and from doctor itself", async () => {
    for (const args of [['doctor', '--json', '--bogus'], ['doctor', '--json', '--account', 'a', '--host', 'evil.example/.snowflakecomputing.com']]) {
      const result = await runCli(args, { env: env() });
      expect(result.code, describeRun(result)).toBe(2);
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({ ok: false, exitCode: 2, checks: [{ id: 'settings', status: 'fail', code: expect.stringMatching(/^(UNKNOWN_OPTION|BAD_HOST)$/) }], user: null });
      expect(report).not.toHaveProperty('warnings');
    }
  });
});

describe('common flags before the command', () => {
  it.each([
    [['--json', 'whoami'], ['node', 'wif-check', 'whoami', '--json']],
    [['--no-color', '--json', 'doctor', '--account', 'a'], ['node', 'wif-check', 'doctor', '--no-color', '--json', '--account', 'a']],
    [['whoami', '--json'], ['node', 'wif-check', 'whoami', '--json']],
    [['--json'], ['node', 'wif-check', '--json']],
  ])('%j → %j', (args, expected) => {
    expect(hoistCommonFlags(['node', 'wif-check', ...args])).toEqual(expected);
  });

  it('`wif-check --json whoami` works as AWS CLI users type it, and carries ok: true', async () => {
    const result = await runCli(['--json', 'whoami'], { env: env() });
    expect(result.code, describeRun(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, arn: TEST_IDENTITIES.assumedRole.arn });
  });
});

describe('JSON shapes', () => {
  it('gen-sql --json carries ok: true', async () => {
    const result = await runCli(['gen-sql', '--arn', 'arn:aws:iam::123456789012:role/x', '--json'], { env: cleanEnv() });
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, arn: 'arn:aws:iam::123456789012:role/x' });
  });

  it('every doctor check has a stable code: OK, SKIPPED, or the failure or warning code', async () => {
    const ok = JSON.parse((await runCli(['doctor', '--json'], { env: env() })).stdout) as { checks: Array<{ id: string; status: string; code: string }> };
    expect(ok.checks.length).toBeGreaterThan(5);
    for (const check of ok.checks) expect(check.code, check.id).toBe(check.status === 'ok' ? 'OK' : check.status === 'skip' ? 'SKIPPED' : check.code);
    expect(ok.checks.every((check) => check.status === 'ok')).toBe(true);

    bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/my-fn-role');
    try {
      const failed = JSON.parse((await runCli(['doctor', '--json', '--expect-account', '210987654321'], { env: env() })).stdout) as typeof ok;
      expect(failed.checks.find((check) => check.id === 'account')).toMatchObject({ status: 'fail', code: 'ACCOUNT_MISMATCH' });
      expect(failed.checks.find((check) => check.id === 'login')).toMatchObject({ status: 'skip', code: 'SKIPPED' });
      const unmapped = JSON.parse((await runCli(['doctor', '--json'], { env: env() })).stdout) as typeof ok;
      expect(unmapped.checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'USER_NOT_MAPPED' });
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/my-fn-role');
    }
  });
});

describe('gen-sql without AWS set up', () => {
  it('names both missing pieces at once, and points to --arn (which needs no AWS)', async () => {
    const result = await runCli(['gen-sql', '--user', 'LOADER'], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(/^✖ No AWS region is configured, and no AWS credentials were found\n/);
    expect(result.stderr).toContain('wif-check gen-sql --arn arn:aws:iam::');
    expect(result.stdout).toBe('');
    const json = await runCli(['gen-sql', '--user', 'LOADER', '--json'], { env: cleanEnv() });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'NO_REGION_NO_CREDENTIALS' }, hint: expect.stringContaining('--arn') });
  });

  it('with a region but no credentials: that one problem, and --arn', async () => {
    const result = await runCli(['gen-sql', '--user', 'LOADER', '--region', 'eu-west-1', '--json'], { env: cleanEnv() });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'NO_CREDENTIALS' }, hint: expect.stringContaining('--arn') });
  });
});

describe('--help', () => {
  it.each(['connect', 'doctor', 'whoami', 'gen-sql'])("%s --help lists the command's own options first, then the shared groups", async (command) => {
    const result = await runCli([command, '--help'], { env: cleanEnv() });
    expect(result.code).toBe(0);
    const headings = result.stdout.split('\n').filter((line) => /^[A-Z][A-Za-z ]*:$/.test(line));
    expect(headings[0], result.stdout).toBe('Options:');
    expect(headings).toContain('Output:');
    expect(headings.indexOf('AWS:')).toBeGreaterThan(0);
  });

  it('the root help names the installed README', async () => {
    const result = await runCli(['--help'], { env: cleanEnv() });
    const path = /^Docs: (\S+README\.md) /m.exec(result.stdout)?.[1];
    expect(path, result.stdout).toBeDefined();
    expect(existsSync(path ?? '')).toBe(true);
  });
});

describe('Snowflake CLI conventions for connect and doctor', () => {
  it('-c NAME reads config.toml [connections.NAME]; without a name, default_connection_name and then [default]', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('./run-cli.js');
    const home = tempDir('snow-home-');
    mkdirSync(home, { recursive: true });
    const section = (name: string, role: string) =>
      `[connections.${name}]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${bed.env.SNOWFLAKE_HOST}"\nport = ${bed.env.SNOWFLAKE_PORT}\nprotocol = "http"\nrole = "${role}"\n`;
    writeFileSync(join(home, 'config.toml'), `default_connection_name = "ci"\n\n${section('ci', 'ANALYST')}\n${section('other', 'LOADER')}`, { mode: 0o600 });
    const base = { ...env(), SNOWFLAKE_HOME: home, SNOWFLAKE_ACCOUNT: '', SNOWFLAKE_HOST: '', SNOWFLAKE_PORT: '', SNOWFLAKE_PROTOCOL: '' };
    const named = await runCli(['connect', '-c', 'other', '--json'], { env: base });
    expect(JSON.parse(named.stdout), describeRun(named)).toMatchObject({ ok: true, role: 'LOADER' });
    const byDefault = await runCli(['connect', '--json'], { env: base });
    expect(JSON.parse(byDefault.stdout), describeRun(byDefault)).toMatchObject({ ok: true, role: 'ANALYST' });
    // Without default_connection_name, a [default] connection is used, as `snow` does.
    writeFileSync(join(home, 'config.toml'), section('default', 'ANALYST'), { mode: 0o600 });
    const fallback = await runCli(['doctor', '--json'], { env: base });
    expect(JSON.parse(fallback.stdout), describeRun(fallback)).toMatchObject({ ok: true, role: 'ANALYST' });
  });
});

describe('SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> overrides', () => {
  it("override a named connection's keys, and a hostile host from there is refused like any other", async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('./run-cli.js');
    const home = tempDir('snow-home-env-');
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, 'connections.toml'),
      `[ci]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${bed.env.SNOWFLAKE_HOST}"\nport = ${bed.env.SNOWFLAKE_PORT}\nprotocol = "http"\nrole = "LOADER"\n`,
      { mode: 0o600 },
    );
    const base = { ...env(), SNOWFLAKE_HOME: home, SNOWFLAKE_ACCOUNT: '', SNOWFLAKE_HOST: '', SNOWFLAKE_PORT: '', SNOWFLAKE_PROTOCOL: '' };
    const overridden = await runCli(['connect', '-c', 'ci', '--json'], { env: { ...base, SNOWFLAKE_CONNECTIONS_CI_ROLE: 'ANALYST' } });
    expect(JSON.parse(overridden.stdout), describeRun(overridden)).toMatchObject({ ok: true, role: 'ANALYST' });
    const hostile = await runCli(['connect', '-c', 'ci', '--json'], { env: { ...base, SNOWFLAKE_CONNECTIONS_CI_HOST: 'evil.example/.snowflakecomputing.com' } });
    expect(hostile.code, describeRun(hostile)).toBe(2);
    expect(JSON.parse(hostile.stdout)).toMatchObject({ error: { code: 'BAD_HOST' } });
  });
});
