#!/usr/bin/env node
// The second half of `npm run build` (after tsc): the CLI as ONE CommonJS file plus a V8 code
// cache for it, which bin/wif-check.js loads (docs/performance.md).
//
//   dist/cli.bundle.cjs          src/cli.ts and everything it imports except the AWS SDK and
//                                snowflake-sdk, which stay external and are still loaded only by the
//                                commands that use them (their import() becomes a lazy require()).
//   dist/cli.bundle.cjs.v8cache  the bundle's build id (16 bytes) + V8 code cache, produced by
//                                running `gen-sql --arn …` and `--help` once in a child process.
//
// Why: resolving and evaluating ~25 ES modules, the ES-module facades of node: builtins, and
// compiling the functions a command runs cost more at startup than the command itself.
// bin/wif-check.js uses the bundle only when it is at least as new as dist/cli.js (a bare `tsc`
// falls back to dist/), and the code cache only when its build id matches the bundle's; V8
// itself rejects a cache from another Node version, and the bundle is then compiled as usual.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundleFile = join(root, 'dist', 'cli.bundle.cjs');
const cacheFile = `${bundleFile}.v8cache`;
/** What the code cache is warmed with: the startup path every command shares, and gen-sql. */
const WARM_RUNS = [['gen-sql', '--arn', 'arn:aws:iam::123456789012:role/service-role/my-fn-role'], ['--help']];

async function buildBundle() {
  const result = await build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile: bundleFile,
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Less to parse, yet stack traces (--debug) keep their function names.
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['@aws-sdk/*', '@smithy/*', 'snowflake-sdk'],
    // import() of those becomes a lazy require(): loading the SDKs' CommonJS builds through the
    // ES-module loader (lexing their exports for named imports) costs ~25 ms more per command.
    supported: { 'dynamic-import': false },
    // cli.ts finds ../package.json with createRequire(import.meta.url), which takes a path as well;
    // dist/cli.bundle.cjs sits at the same depth as dist/cli.js.
    define: { 'import.meta.url': '__filename' },
    logLevel: 'warning',
    metafile: true,
  });
  const code = result.outputFiles[0].text;
  const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
  // The id ties the code cache to this exact text: V8 checks only the source's length.
  writeFileSync(bundleFile, `${code}//# wif-check-build=${buildId}\n`);

  const warmed = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--warm', buildId], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  const modules = Object.keys(result.metafile.inputs).length;
  const kib = (file) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;
  // stderr: `npm pack --json` runs this (prepare) and its stdout must stay pure JSON.
  console.error(`cli bundle  ${relative(root, bundleFile)}  ${kib(bundleFile)}  (${modules} modules; @aws-sdk, @smithy, snowflake-sdk external)`);
  if (warmed.status !== 0) {
    // Not fatal: without the cache the bundle is compiled at startup, as any script is.
    console.warn(`code cache  not written: ${(warmed.stderr || warmed.stdout).trim().split('\n').slice(-3).join(' / ')}`);
  } else {
    console.error(`code cache  ${relative(root, cacheFile)}  ${kib(cacheFile)}  (${warmed.stdout.trim()})`);
  }
}

/** In a child process: load the bundle exactly as bin/wif-check.js does, run it, save V8's code cache. */
async function warm(buildId) {
  const source = readFileSync(bundleFile, 'utf8');
  const script = new Script(Module.wrap(source), { filename: bundleFile });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write = () => true;
  process.exit = () => undefined; // main() schedules an exit for after the command; not here.
  for (const args of WARM_RUNS) await module.exports.main([process.execPath, 'wif-check', ...args]);
  process.exitCode = 0;
  const data = script.createCachedData();
  writeFileSync(cacheFile, Buffer.concat([Buffer.from(buildId, 'latin1'), data]));
  const check = new Script(Module.wrap(source), { filename: bundleFile, cachedData: data });
  if (check.cachedDataRejected) throw new Error('V8 rejected the code cache it just produced');
  stdoutWrite(`warmed with ${WARM_RUNS.map((args) => args[0]).join(', ')}; Node ${process.version}`);
}

if (process.argv[2] === '--warm') await warm(process.argv[3]);
else await buildBundle();
