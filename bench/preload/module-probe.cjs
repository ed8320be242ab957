// A preload for `node --require`: records the process's peak RSS and whether snowflake-sdk was
// loaded, and (WIF_PROBE_FORBID_SNOWFLAKE=1) fails the process if it is. Used by
// scripts/bench.mjs and test/perf/lazy-load.test.ts.
//
// snowflake-sdk is CommonJS only (no "exports", no ESM build), so every file of it, whether reached
// by require() or by import(), passes through Module.prototype.load and lands in Module._cache;
// test/perf/lazy-load.test.ts checks that premise against the installed package. The CLI bundle
// has it in dist/chunks/snowflake.cjs, which bin/code-cache.cjs puts in Module._cache too (without
// Module.prototype.load): that counts as loading snowflake-sdk, found at exit. Likewise jose's
// chunk, dist/chunks/jose.cjs (jose itself is an ES module: test/perf/fixtures/jose-probe.mjs).
//
//   WIF_PROBE_OUT=<file>            write {maxRssKb, snowflakeSdk, firstSnowflakeModule, jose, chunks,
//                                   builtins (Node's own modules loaded after this preload), exitCode} at exit
//   WIF_PROBE_FORBID_SNOWFLAKE=1    exit 86 at once on the first snowflake-sdk file (process.exit,
//                                   which no try/catch in the program can swallow), or at exit
//                                   when the snowflake chunk was loaded
//   WIF_PROBE_FORBID_JOSE=1         exit 86 at exit when the jose chunk was loaded
'use strict';
const Module = require('node:module');
const { writeFileSync } = require('node:fs');

const SNOWFLAKE_SDK = /[\\/]node_modules[\\/]snowflake-sdk[\\/]|[\\/]chunks[\\/]snowflake\.cjs$/;
const CHUNK = /[\\/]dist[\\/]chunks[\\/]([a-z-]+)\.cjs$/;
const forbidJose = process.env.WIF_PROBE_FORBID_JOSE === '1';
const FORBIDDEN_EXIT_CODE = 86;
const forbid = process.env.WIF_PROBE_FORBID_SNOWFLAKE === '1';
const out = process.env.WIF_PROBE_OUT;
let firstSnowflakeModule = null;
const builtinsBefore = new Set(process.moduleLoadList);

const load = Module.prototype.load;
Module.prototype.load = function probedLoad(filename, ...rest) {
  if (typeof filename === 'string' && SNOWFLAKE_SDK.test(filename)) {
    firstSnowflakeModule ??= filename;
    if (forbid) process.exit(FORBIDDEN_EXIT_CODE);
  }
  return load.call(this, filename, ...rest);
};

process.on('exit', (code) => {
  const loaded = firstSnowflakeModule ?? Object.keys(Module._cache).find((file) => SNOWFLAKE_SDK.test(file)) ?? null;
  const chunks = Object.keys(Module._cache).flatMap((file) => CHUNK.exec(file)?.[1] ?? []);
  const jose = chunks.includes('jose');
  if (out) {
    const builtins = process.moduleLoadList.filter((entry) => !builtinsBefore.has(entry) && entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
    writeFileSync(out, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, snowflakeSdk: loaded !== null, firstSnowflakeModule: loaded, jose, chunks, builtins, exitCode: code }));
  }
  if (forbid && loaded !== null) {
    process.stderr.write(`module-probe: snowflake-sdk was loaded: ${loaded}\n`);
    process.exitCode = FORBIDDEN_EXIT_CODE;
  }
  if (forbidJose && jose) {
    process.stderr.write('module-probe: jose was loaded (dist/chunks/jose.cjs)\n');
    process.exitCode = FORBIDDEN_EXIT_CODE;
  }
});
