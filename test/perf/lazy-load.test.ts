/**
 * Commands that do not talk to Snowflake must not load snowflake-sdk (~200 ms and ~40 MB of it):
 * the BUILT CLI runs under bench/preload/module-probe.cjs with WIF_PROBE_FORBID_SNOWFLAKE=1, which
 * throws on the first snowflake-sdk file and makes the process exit 86 if one was loaded anyway.
 * Every entry point is checked: bin/wif-check.js (what users run), and both builds it can choose,
 * dist/cli.bundle.cjs and dist/cli.js. Positive controls prove the probe sees a load at all.
 * In the bundle, snowflake-sdk and jose live in chunks (dist/chunks/*.cjs, scripts/build-cli.mjs),
 * which the probe sees in require.cache; jose through dist/cli.js: jose-lazy.test.ts.
 * The Action bundle (dist-action/index.cjs) runs doctor only, which needs the driver: nothing to
 * keep out there.
 *
 * Also the code cache (bin/code-cache.cjs): the shipped one is accepted, and a rejected one (as
 * under another Node version) still runs and is replaced by one for this Node in the user's cache.
 *
 * Build first: `npm run build` (tsc + scripts/build-cli.mjs).
 */
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { BIN, REPO_ROOT, cleanEnv, tempDir } from '../e2e/run-cli.js';

const PROBE = join(REPO_ROOT, 'bench', 'preload', 'module-probe.cjs');
const FORBIDDEN_EXIT_CODE = 86;
const BUNDLE = join(REPO_ROOT, 'dist', 'cli.bundle.cjs');
const LOADER = join(REPO_ROOT, 'bin', 'code-cache.cjs');
const MODULES = join(REPO_ROOT, 'dist', 'cli.js');
const ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const HAS_JOSE = 'jose' in ((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});

/** `node --require probe <entry…> args` with a clean environment. */
function run(entry: readonly string[], args: readonly string[], env: Record<string, string>, device?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    // `device`: stdout and stderr both go to that file (`> /dev/null 2>&1`) instead of pipes.
    const fd = device === undefined ? undefined : openSync(device, 'w');
    const child = spawn(process.execPath, ['--require', PROBE, ...entry, ...args], { env, cwd: tempDir('wif-check-perf-'), stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'] });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
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
    // A generated file is the CommonJS wrapper function, written out: it loads through the loader.
    entry: (args) => ['-e', `require(${JSON.stringify(LOADER)}).loadCached(${JSON.stringify(BUNDLE)}).main(['node', 'wif-check', ...${JSON.stringify(args)}])`],
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

/** An OIDC token in a file, as a CI job would have it (whoami --provider oidc decodes it; nothing verifies it). */
const OIDC_TOKEN = join(tempDir('wif-check-oidc-'), 'token');
{
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/app:environment:prod', aud: 'snowflakecomputing.com', iat: now, nbf: now, exp: now + 3600 };
  writeFileSync(OIDC_TOKEN, `${part({ alg: 'RS256', typ: 'JWT', kid: 'perf' })}.${part(claims)}.${Buffer.alloc(256, 1).toString('base64url')}`, { mode: 0o600 });
}

let bed: TestBed;
let env: Record<string, string>;

beforeAll(async () => {
  // With the Azure side: its metadata service answers whoami --provider azure below.
  bed = await startTestBed({ azure: true, gcp: { publicIam: false } });
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

describe.each(ENTRIES.filter(({ name }) => name !== 'dist/cli.js'))('$name loads only the chunks a command needs', ({ name, entry }) => {
  const noJose = { ...(HAS_JOSE ? { WIF_PROBE_FORBID_JOSE: '1' } : {}), WIF_PROBE_FORBID_SNOWFLAKE: '1' };
  it.each([
    { args: ['--help'], chunks: [] },
    { args: ['gen-sql', '--arn', ARN], chunks: [] },
    // OIDC offline (issue 18): the registration from --issuer/--subject is in the CLI bundle too.
    { args: ['gen-sql', '--provider', 'oidc', '--issuer', 'https://token.actions.githubusercontent.com', '--subject', 'repo:o/r:environment:prod', '--user', 'U'], chunks: [] },
    { args: ['gen-sql', '--help'], chunks: [] },
    // Azure offline (issue 19): in the CLI bundle; live, @azure/identity in a chunk of its own, never the AWS SDK's or the driver's.
    { args: ['gen-sql', '--provider', 'azure', '--issuer', 'https://login.microsoftonline.com/3f1e2d4c-5b6a-4789-9abc-def012345678/v2.0', '--subject', '2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a', '--user', 'U'], chunks: [] },
    // The providers' decoding is jose's decoding functions alone (the jwt chunk), never all of jose.
    { args: ['whoami', '--provider', 'azure'], chunks: ['azure', 'commands', 'connect', 'jwt', 'provider-azure', 'provider-oidc', 'whoami-oidc'], env: { ...noJose, AZURE_POD_IDENTITY_AUTHORITY_HOST: 'azure-imds' } },
    { args: ['gen-sql', '--provider', 'azure', '--user', 'U'], chunks: ['azure', 'jwt', 'provider-azure'], env: { ...noJose, AZURE_POD_IDENTITY_AUTHORITY_HOST: 'azure-imds' } },
    // GCP offline (issue 19): the registration from --subject is in the CLI bundle; google-auth-library only for a live token.
    { args: ['gen-sql', '--provider', 'gcp', '--subject', '117654321098765432109', '--user', 'U'], chunks: [] },
    // The token is decoded with jose, as OIDC's (src/providers/oidc/identity.ts decodeIdToken).
    { args: ['whoami', '--provider', 'gcp'], chunks: ['commands', 'connect', 'gcp', 'jwt', 'provider-gcp', 'provider-oidc', 'whoami-oidc'] },
    // Live, the token is decoded as OIDC's (decodeIdToken, in OIDC's whoami chunk): no connect, no other provider's chunk.
    { args: ['gen-sql', '--provider', 'gcp', '--user', 'U'], chunks: ['commands', 'gcp', 'jwt', 'provider-gcp', 'whoami-oidc'] },
    // OIDC with a token file (no network, issue 22): its whoami is a chunk of its own
    // (src/providers/registry.ts WHOAMI_LOADERS), with jose's decoding; nothing of connect's.
    { args: ['whoami', '--provider', 'oidc', '--token-file', OIDC_TOKEN], chunks: ['commands', 'jwt', 'whoami-oidc'] },
    { args: ['whoami'], chunks: ['aws', 'commands'] },
    { args: ['gen-sql'], chunks: ['aws', 'commands'] },
    // The JWT method decodes with jose's decoding functions (the jwt chunk, shared with the providers).
    { args: ['whoami', '--outbound-token'], chunks: ['aws', 'commands', 'jwt'] },
    { args: ['connect'], chunks: ['aws', 'commands', 'connect', 'snowflake', 'whoami-oidc'], env: {} },
    { args: ['doctor', '--expect-user', 'LAMBDA_LOADER'], chunks: ['aws', 'commands', 'connect', 'snowflake', 'whoami-oidc'], env: {} },
  ] as Array<{ args: string[]; chunks: string[]; env?: Record<string, string> }>)('wif-check $args.0 $args.1 $args.2 → $chunks', async ({ args, chunks, env: extra }) => {
    const report = join(tempDir('wif-check-probe-'), 'probe.json');
    const azure = extra?.AZURE_POD_IDENTITY_AUTHORITY_HOST === 'azure-imds' ? bed.azure?.imdsEnv() : undefined;
    const result = await run(entry(args), name === 'bin/wif-check.js' ? args : [], { ...env, ...((extra ?? noJose) as Record<string, string>), ...azure, WIF_PROBE_OUT: report });
    expect(result.code, result.stderr).toBe(0);
    const probe = JSON.parse(readFileSync(report, 'utf8')) as { chunks: string[]; jose: boolean };
    expect(probe.chunks.sort()).toEqual(chunks);
    if (HAS_JOSE) expect(probe.jose).toBe(chunks.includes('jose'));
  });
});

/**
 * The offline commands write with fs.writeSync (src/terminal/stdio.ts), and chalk's own colour
 * detection is left out of the bundle (scripts/build-cli.mjs): building process.stdout for a pipe,
 * or importing chalk as is, loads node:net, node:stream and node:tty, ~3 ms of a ~30 ms command.
 */
describe.each(ENTRIES.filter(({ name }) => name !== 'dist/cli.js'))('$name: offline commands load no stream machinery', ({ name, entry }) => {
  it.each([['--help'], ['gen-sql', '--arn', ARN], ['gen-sql', '--help'], ['--version']])('wif-check %s …', async (...args) => {
    const report = join(tempDir('wif-check-probe-'), 'probe.json');
    const result = await run(entry(args), name === 'bin/wif-check.js' ? args : [], { ...env, WIF_PROBE_OUT: report });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toBe('');
    const { builtins } = JSON.parse(readFileSync(report, 'utf8')) as { builtins: string[] };
    expect(builtins.filter((id) => /^(net|tty|stream|os|child_process)$/.test(id))).toEqual([]);
  });

  // A script that wants only the exit code: the null device is a character device, as a terminal
  // is, but never a terminal. Another character device (/dev/zero, which takes writes) is asked.
  it.runIf(process.platform !== 'win32').each([
    ['/dev/null', []],
    ['/dev/zero', ['tty']],
  ])('wif-check gen-sql --arn … > %s 2>&1 loads node:tty: %j', async (device, expected) => {
    const report = join(tempDir('wif-check-probe-'), 'probe.json');
    const args = ['gen-sql', '--arn', ARN];
    const result = await run(entry(args), name === 'bin/wif-check.js' ? args : [], { ...env, WIF_PROBE_OUT: report }, device);
    expect(result.code).toBe(0);
    const { builtins } = JSON.parse(readFileSync(report, 'utf8')) as { builtins: string[] };
    expect(builtins.filter((id) => id === 'tty')).toEqual(expected);
  });

  it('the positive control: whoami (the AWS SDK) loads node:net, and the probe sees it', async () => {
    const report = join(tempDir('wif-check-probe-'), 'probe.json');
    const result = await run(entry(['whoami']), name === 'bin/wif-check.js' ? ['whoami'] : [], { ...env, WIF_PROBE_OUT: report });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(readFileSync(report, 'utf8')) as { builtins: string[] }).builtins).toContain('net');
  });
});

describe("the driver's unused packages load on first use (scripts/lazy-packages.mjs)", () => {
  it('every one of them is behind a lazy proxy in the driver chunk: the plugin still matches how the driver requires it', async () => {
    const { LAZY_PACKAGES } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'lazy-packages.mjs')).href)) as { LAZY_PACKAGES: string[] };
    const chunk = readFileSync(join(REPO_ROOT, 'dist', 'chunks', 'snowflake.cjs'), 'utf8');
    expect(LAZY_PACKAGES.length).toBeGreaterThan(0);
    for (const name of LAZY_PACKAGES) expect(chunk, name).toContain(`"wif-check-lazy-package:${name}"`);
  });
});

describe('the code cache (bin/code-cache.cjs)', () => {
  const chunkDir = join(REPO_ROOT, 'dist', 'chunks');
  /** A copy of the installed package (bin/, dist/, package.json, README.md) in a temporary directory. */
  function installedCopy(): string {
    const copy = tempDir('wif-check-install-');
    for (const part of ['bin', 'dist', 'package.json', 'README.md']) cpSync(join(REPO_ROOT, part), join(copy, part), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
    return copy;
  }
  const runIn = (copy: string, args: string[], cacheDir: string) => run([join(copy, 'bin', 'wif-check.js')], args, { ...env, WIF_CHECK_CACHE_DIR: cacheDir });

  it('every generated file ships a cache of its own build', () => {
    const files = [join(REPO_ROOT, 'dist', 'cli.bundle.cjs'), ...readdirSync(chunkDir).filter((f) => f.endsWith('.cjs')).map((f) => join(chunkDir, f))];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const id = /\/\/# wif-check-build=([0-9a-f]{16})\s*$/.exec(readFileSync(file, 'utf8').slice(-64))?.[1];
      expect(id, file).toBeDefined();
      expect(readFileSync(`${file}.v8cache`).toString('latin1', 0, 16), file).toBe(id);
      // Made by the Node that built it (this one): another Node version skips it without reading it.
      expect(readFileSync(`${file}.v8cache`).toString('latin1', 16, 48).trimEnd(), file).toBe(`${process.version}-${process.arch}`);
    }
  });

  it('V8 accepts the shipped caches: nothing is written to the user cache', async () => {
    const cacheDir = join(tempDir('wif-check-cache-'), 'c');
    const result = await run([BIN], ['connect'], { ...env, WIF_CHECK_CACHE_DIR: cacheDir });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(cacheDir)).toBe(false);
  });

  /** Header: 16 bytes of build id, 32 of Node version and architecture (bin/code-cache.cjs cacheHeader), then V8's data. */
  const V8_DATA = 48;
  const otherNode = (cache: Buffer) => cache.write('v99.0.0-x64'.padEnd(32), 16, 'latin1');
  // Keep the build id and the Node version, break V8's own version hash (bytes 4-7 of its header):
  // a cache V8 rejects although it says it fits (other V8 flags, a patched build).
  const rejectedByV8 = (cache: Buffer) => {
    for (let i = V8_DATA + 4; i < V8_DATA + 8; i++) cache[i] = cache[i]! ^ 0xff;
  };

  it.each([
    ['made by another Node version (not even tried)', otherNode],
    ['rejected by V8', rejectedByV8],
  ])('a cache %s: the command still runs, and the next run uses one made for this Node', async (_, damage) => {
    const copy = installedCopy();
    const cacheDir = join(tempDir('wif-check-cache-'), 'c');
    for (const file of [join(copy, 'dist', 'cli.bundle.cjs.v8cache'), join(copy, 'dist', 'chunks', 'aws.cjs.v8cache')]) {
      const cache = readFileSync(file);
      damage(cache);
      writeFileSync(file, cache);
    }
    const first = await runIn(copy, ['whoami'], cacheDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/arn:aws:iam::123456789012:role\/my-fn-role/);
    const made = readdirSync(cacheDir).sort();
    expect(made).toEqual([expect.stringMatching(/^aws\.cjs-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8cache$/), expect.stringMatching(/^cli\.bundle\.cjs-[0-9a-f]{16}-/)]);
    const written = made.map((file) => statSync(join(cacheDir, file)).mtimeMs);
    const second = await runIn(copy, ['whoami'], cacheDir);
    expect(second.code, second.stderr).toBe(0);
    // Accepted this time: not written again.
    expect(made.map((file) => statSync(join(cacheDir, file)).mtimeMs)).toEqual(written);
  });

  it('a cache of another build is ignored; a missing one too; WIF_CHECK_CACHE_DIR=off writes nothing', async () => {
    const copy = installedCopy();
    const cache = join(copy, 'dist', 'cli.bundle.cjs.v8cache');
    writeFileSync(cache, Buffer.concat([Buffer.from('0123456789abcdef', 'latin1'), readFileSync(cache).subarray(16)]));
    const cacheDir = join(tempDir('wif-check-cache-'), 'c');
    const other = await runIn(copy, ['gen-sql', '--arn', ARN], cacheDir);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toMatch(/CREATE USER MY_FN_ROLE/);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    const off = join(tempDir('wif-check-cache-'), 'off');
    mkdirSync(off);
    writeFileSync(cache, '');
    const missing = await run([join(copy, 'bin', 'wif-check.js')], ['gen-sql', '--arn', ARN], { ...env, WIF_CHECK_CACHE_DIR: 'off', HOME: off });
    expect(missing.code, missing.stderr).toBe(0);
    expect(missing.stdout).toMatch(/CREATE USER MY_FN_ROLE/);
    expect(readdirSync(off)).toEqual([]);
  });
});
