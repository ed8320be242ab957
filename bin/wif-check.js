#!/usr/bin/env node
// The startup path, kept small (docs/performance.md). CommonJS (bin/package.json): an ES-module
// entry costs a few milliseconds more before any of wif-check runs.
//  - `--version` alone is answered from package.json without loading the CLI.
//  - Otherwise dist/cli.bundle.cjs (the whole CLI in one file, scripts/build-cli.mjs) runs,
//    compiled with its V8 code cache when that belongs to this very build; if the bundle is
//    missing or older than dist/cli.js (a bare `tsc` rebuilt dist/ without it), dist/cli.js runs.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // As in the CLI (src/terminal/stdout.ts): EPIPE is a quiet stop, any other failure one line and 74.
  process.stdout.on('error', (error) => {
    process.exitCode = error.code === 'EPIPE' ? 0 : 74;
    if (error.code === 'EPIPE') return;
    const code = /^[A-Z][A-Z0-9_]{1,39}$/.test(String(error.code)) ? error.code : undefined;
    const reason = code && /^[A-Z0-9_]+: ([a-z][a-z0-9 '()/.-]{0,99}?)(?:, |$)/.exec(String(error.message))?.[1];
    process.stderr.write(`wif-check: cannot write the output: ${code ? `${code}${reason ? ` (${reason})` : ''}` : 'an unknown error'}\n`, () => {});
  });
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else {
  const bundle = join(dist, 'cli.bundle.cjs');
  if (isCurrent(bundle, join(dist, 'cli.js'))) loadBundle(bundle).main();
  else import('../dist/cli.js').then((cli) => cli.main());
}

function isCurrent(bundle, modules) {
  const built = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(modules, { throwIfNoEntry: false });
  return built !== undefined && (compiled === undefined || built.mtimeMs >= compiled.mtimeMs);
}

/** require(bundle), but compiled with dist/cli.bundle.cjs.v8cache when its build id matches. */
function loadBundle(bundle) {
  const Module = require('node:module');
  const { Script } = require('node:vm');
  const source = readFileSync(bundle, 'utf8');
  const buildId = /\/\/# wif-check-build=([0-9a-f]{16})\s*$/.exec(source.slice(-64))?.[1];
  let cachedData;
  if (buildId) {
    try {
      const cache = readFileSync(`${bundle}.v8cache`);
      if (cache.toString('latin1', 0, 16) === buildId) cachedData = cache.subarray(16);
    } catch {
      // No cache: V8 compiles the bundle as it would any script.
    }
  }
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, dirname(bundle));
  return module.exports;
}
