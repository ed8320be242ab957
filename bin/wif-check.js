#!/usr/bin/env node
// The startup path, kept small (docs/performance.md). CommonJS (bin/package.json): an ES-module
// entry costs a few milliseconds more before any of wif-check runs.
//  - `--version` alone is answered from package.json without loading the CLI.
//  - Otherwise dist/cli.bundle.cjs (the CLI in one file, its SDKs in dist/chunks/, made by
//    scripts/build-cli.mjs) runs, compiled with a V8 code cache (bin/code-cache.cjs); if the
//    bundle is missing or older than dist/cli.js (a bare `tsc` rebuilt dist/ without it),
//    dist/cli.js runs.
'use strict';
const { readFileSync, statSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // As in the CLI (src/terminal/stdio.ts): a blocking write, not process.stdout (whose stream costs
  // more than the rest of this); EPIPE a quiet stop, any other failure one line and exit 74.
  const text = `${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`;
  try {
    writeSync(1, text);
  } catch (error) {
    if (error.code === 'EAGAIN') process.stdout.write(text);
    else if (error.code !== 'EPIPE') {
      process.exitCode = 74;
      const code = /^[A-Z][A-Z0-9_]{1,39}$/.test(String(error.code)) ? error.code : undefined;
      const reason = code && /^[A-Z0-9_]+: ([a-z][a-z0-9 '()/.-]{0,99}?)(?:, |$)/.exec(String(error.message))?.[1];
      try {
        writeSync(2, `wif-check: cannot write the output: ${code ? `${code}${reason ? ` (${reason})` : ''}` : 'an unknown error'}\n`);
      } catch {
        // stderr fails too: exit 74, silently.
      }
    }
  }
} else {
  const bundle = join(dist, 'cli.bundle.cjs');
  if (isCurrent(bundle, join(dist, 'cli.js'))) require('./code-cache.cjs').loadCached(bundle).main();
  else import('../dist/cli.js').then((cli) => cli.main());
}

function isCurrent(bundle, modules) {
  const built = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(modules, { throwIfNoEntry: false });
  return built !== undefined && (compiled === undefined || built.mtimeMs >= compiled.mtimeMs);
}
