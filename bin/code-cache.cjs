// Loads a generated CommonJS bundle (dist/cli.bundle.cjs, dist/chunks/*.cjs) compiled with a V8
// code cache, so that start-up does not parse and compile it (docs/performance.md). Used by
// bin/wif-check.js for the CLI bundle, and inlined into that bundle for its chunks by
// scripts/build-cli.mjs. Plain CommonJS without dependencies: it runs before anything else.
// A generated file is the function Node wraps a module in, written out (scripts/build-cli.mjs), so
// it is loaded through here, never by require().
//
// Which cache, in this order:
//  1. FILE.v8cache, written by the build: 16 bytes of build id and 32 of the Node version and
//     architecture that made it (cacheHeader), then V8's cache. Used when the id matches the
//     bundle's last line (V8 itself checks only the source's length), the Node version and
//     architecture are this process's, and V8 accepts it (same V8 flags as the build).
//  2. Otherwise (another Node version than the build's, or no cache shipped): a cache this user's
//     earlier run wrote for this very build, Node version and architecture, in
//     $WIF_CHECK_CACHE_DIR, else $XDG_CACHE_HOME/wif-check, else ~/.cache/wif-check
//     (%LOCALAPPDATA%\wif-check on Windows).
//  3. Otherwise the bundle is compiled as any script is, and at exit what V8 compiled is written to
//     that directory for the next run (0700 directory, written to a temporary name and renamed;
//     any failure, e.g. a read-only home, is ignored). WIF_CHECK_CACHE_DIR=off turns this off.
'use strict';
// This module's own Module class when Node loaded this file (bin/wif-check.js): require('node:module')
// would load the public module API, and with it parts of the ES-module loader, ~0.3 ms of every
// start-up for nothing. Inlined into a bundle (its chunks' loader), `module` is the bundle's own.
const Module = typeof module.constructor?._load === 'function' ? module.constructor : require('node:module');
const { Script } = require('node:vm');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

/** Every bundle loaded in this process (the build's warm-up saves their caches from here). */
const LOADED = (globalThis[Symbol.for('wif-check.loaded-bundles')] ??= new Map());
const BUILD_ID = /\/\/# wif-check-build=([0-9a-f]{16})\s*$/;

/**
 * require(file) for a bundle built by scripts/build-cli.mjs, compiled with a code cache when one
 * fits. `requireFrom`: the file the bundle's own require() resolves from (default: itself).
 */
function loadCached(file, requireFrom = file) {
  const cached = Module._cache[file];
  if (cached) return cached.exports;
  const source = readFileSync(file, 'utf8');
  const buildId = BUILD_ID.exec(source.slice(-64))?.[1];
  // A cache made by another Node version is not even tried: V8 would reject it only after reading
  // it, and then compile the whole file from source anyway, before the user's cache is tried.
  const shipped = buildId ? readCache(`${file}.v8cache`, buildId) : undefined;
  let script = shipped === undefined ? undefined : compile(file, source, shipped);
  let userCache;
  if (script === undefined || script.cachedDataRejected) {
    userCache = buildId ? userCacheFile(file, buildId) : undefined;
    const own = userCache ? readCache(userCache, buildId) : undefined;
    if (own !== undefined || script === undefined) script = compile(file, source, own);
    const compiled = script;
    if (userCache && (own === undefined || compiled.cachedDataRejected)) process.once('exit', () => saveCache(compiled, userCache, buildId));
  }
  // A real Module in require.cache: one instance per process, and visible to anyone who looks.
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  Module._cache[file] = module;
  LOADED.set(file, { script, buildId });
  try {
    script.runInThisContext().call(module.exports, module.exports, Module.createRequire(requireFrom), module, file, dirname(file));
  } catch (error) {
    delete Module._cache[file];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}

function compile(file, source, cachedData) {
  // The file is the wrapped function already (scripts/build-cli.mjs): its text is compiled as it is.
  return new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
}

/**
 * A cache file's header: the 16-character build id of the file it was made for, then the Node
 * version and architecture that made it, padded to 32 characters. V8 checks neither the text (only
 * its length) nor, before reading the whole cache, its own version.
 */
function cacheHeader(buildId) {
  return Buffer.from(`${buildId}${`${process.version}-${process.arch}`.padEnd(32).slice(0, 32)}`, 'latin1');
}
const HEADER_BYTES = 48;

/** The V8 data of a cache file made for build `buildId` by this Node version, else undefined. */
function readCache(cacheFile, buildId) {
  try {
    const cache = readFileSync(cacheFile);
    return cache.length > HEADER_BYTES && cache.subarray(0, HEADER_BYTES).equals(cacheHeader(buildId)) ? cache.subarray(HEADER_BYTES) : undefined;
  } catch {
    return undefined;
  }
}

function userCacheFile(file, buildId) {
  const env = process.env;
  if (env.WIF_CHECK_CACHE_DIR === 'off') return undefined;
  const home = env.HOME || env.USERPROFILE;
  const dir =
    env.WIF_CHECK_CACHE_DIR ||
    (process.platform === 'win32' && env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'wif-check') : undefined) ||
    (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'wif-check') : undefined) ||
    (home ? join(home, '.cache', 'wif-check') : undefined);
  if (!dir) return undefined;
  return join(dir, `${basename(file)}-${buildId}-${process.version}-${process.arch}.v8cache`);
}

function saveCache(script, cacheFile, buildId) {
  try {
    const data = script.createCachedData();
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.concat([cacheHeader(buildId), data]), { mode: 0o600 });
    renameSync(temporary, cacheFile);
  } catch {
    // Only a missed speed-up: the next run compiles the bundle again.
  }
}

module.exports = { loadCached, userCacheFile, cacheHeader };
