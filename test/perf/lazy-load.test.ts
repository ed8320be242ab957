/**
 * Commands that do not talk to Snowflake must not load snowflake-sdk (~200 ms and ~40 MB of it):
 * the BUILT CLI runs under bench/preload/module-probe.cjs with WIF_PROBE_FORBID_SNOWFLAKE=1, which
 * throws on the first snowflake-sdk file and makes the process exit 86 if one was loaded anyway.
 * Every entry point is checked: bin/wif-check.js (what users run), and both builds it can choose,
 * dist/cli.bundle.cjs and dist/cli.js. Positive controls prove the probe sees a load at all.
 *
 * Build first: `npm run build` (tsc + scripts/build-cli.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { BIN, REPO_ROOT, cleanEnv, tempDir } from '../e2e/run-cli.js';

const PROBE = join(REPO_ROOT, 'bench', 'preload', 'module-probe.cjs');
const FORBIDDEN_EXIT_CODE = 86;
const BUNDLE = join(REPO_ROOT, 'dist', 'cli.bundle.cjs');
const MODULES = join(REPO_ROOT, 'dist', 'cli.js');
const ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node --require probe <entry…> args` with a clean environment. */
function run(entry: readonly string[], args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--require', PROBE, ...entry, ...args], { env, cwd: tempDir('wif-check-perf-'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The three ways the CLI starts; args follow the entry. */
const ENTRIES: Array<{ name: string; entry: (args: readonly string[]) => string[] }> = [
  { name: 'bin/wif-check.js', entry: () => [BIN] },
  {
    name: 'dist/cli.bundle.cjs',
    entry: (args) => ['-e', `require(${JSON.stringify(BUNDLE)}).main(['node', 'wif-check', ...${JSON.stringify(args)}])`],
  },
  {
    name: 'dist/cli.js',
    entry: (args) => ['-e', `import(${JSON.stringify(pathToFileURL(MODULES).href)}).then((cli) => cli.main(['node', 'wif-check', ...${JSON.stringify(args)}]))`],
  },
];

const COMMANDS: Array<{ args: string[]; stdout: RegExp; title: string }> = [
  { args: ['--version'], stdout: /^\d+\.\d+\.\d+/ },
  { args: ['--help'], stdout: /Usage: wif-check/ },
  { args: ['connect', '--help'], stdout: /Usage: wif-check connect/ },
  { args: ['gen-sql', '--arn', ARN], stdout: /CREATE USER MY_FN_ROLE/ },
  { args: ['whoami'], stdout: /arn:aws:iam::123456789012:role\/my-fn-role/ },
  { args: ['gen-sql'], stdout: /CREATE USER MY_FN_ROLE/ },
].map((command) => ({ ...command, title: command.args.join(' ') }));

let bed: TestBed;
let env: Record<string, string>;

beforeAll(async () => {
  bed = await startTestBed();
  env = cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole) });
});

afterAll(async () => {
  await bed?.close();
});

describe('the probe can see snowflake-sdk', () => {
  it('snowflake-sdk is CommonJS only, so every file of it passes through Module.prototype.load', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'snowflake-sdk', 'package.json'), 'utf8')) as Record<string, unknown>;
    // If this fails, snowflake-sdk has an ES-module build: teach module-probe.cjs to see it.
    expect(manifest.type ?? 'commonjs').toBe('commonjs');
    expect(manifest.exports).toBeUndefined();
    expect(manifest.module).toBeUndefined();
  });

  const sdk = JSON.stringify(join(REPO_ROOT, 'node_modules', 'snowflake-sdk', 'dist', 'index.js'));
  it.each([
    ['require()', `require(${sdk})`],
    ['import()', `import(${sdk}).catch(() => {})`],
  ])('a process that loads it by %s exits 86', async (_how, script) => {
    const result = await run(['-e', script], [], { ...env, WIF_PROBE_FORBID_SNOWFLAKE: '1' });
    expect(result.code, result.stderr).toBe(FORBIDDEN_EXIT_CODE);
    expect(result.stderr).toMatch(/snowflake-sdk was loaded: .*node_modules[\\/]snowflake-sdk[\\/]/);
  });

  it('wif-check connect loads it (through the same entry users run)', async () => {
    const report = join(tempDir('wif-check-probe-'), 'probe.json');
    const result = await run([BIN], ['connect'], { ...env, WIF_PROBE_OUT: report });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ snowflakeSdk: true, exitCode: 0 });
  });
});

describe.each(ENTRIES)('$name does not load snowflake-sdk', ({ name, entry }) => {
  it.each(COMMANDS)('wif-check $title', async ({ args, stdout }) => {
    if (name !== 'bin/wif-check.js') expect(existsSync(name === 'dist/cli.js' ? MODULES : BUNDLE), `${name} is missing: npm run build`).toBe(true);
    const report = join(tempDir('wif-check-probe-'), 'probe.json');
    const result = await run(entry(args), name === 'bin/wif-check.js' ? args : [], { ...env, WIF_PROBE_FORBID_SNOWFLAKE: '1', WIF_PROBE_OUT: report });
    const detail = `exit ${result.code}\n--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}`;
    expect(result.code, detail).toBe(0);
    expect(result.stdout, detail).toMatch(stdout);
    expect(JSON.parse(readFileSync(report, 'utf8')), detail).toMatchObject({ snowflakeSdk: false, firstSnowflakeModule: null });
  });
});
