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
//     that directory for the next run (any failure, e.g. a read-only home, is ignored).
//     WIF_CHECK_CACHE_DIR=off turns this off.
//
// The user cache is code this process runs, and V8 checks nothing but the source's length: it is
// used only where nobody else can have written it (userCacheRefusal; issue 17). Never under sudo
// (SUDO_UID or SUDO_USER set) nor as root with a HOME that root does not own (sudo keeping the
// user's HOME); the directory must be the effective user's, not writable by group or others (one
// stat, following a symlink: ~/.cache may be a link to another disk, and its target is what is
// checked); the file is opened with O_NOFOLLOW (a symlink is not read) and fstat'ed: a regular file
// of the effective user with one link, not writable by group or others. Written by mkdir 0700, the
// same directory check, then a new file (O_CREAT|O_EXCL|O_NOFOLLOW, 0600) under a random name,
// renamed over the cache's name: nothing is written through a link. A refusal is silent (the cache
// is only a speed-up). On Windows (no uid, no O_NOFOLLOW) only the file types are checked:
// %LOCALAPPDATA% is the user's by its ACL. The shipped caches (1.) are trusted like the installed
// code next to them.
'use strict';
// This module's own Module class when Node loaded this file (bin/wif-check.js): require('node:module')
// would load the public module API, and with it parts of the ES-module loader, ~0.3 ms of every
// start-up for nothing. Inlined into a bundle (its chunks' loader), `module` is the bundle's own.
const Module = typeof module.constructor?._load === 'function' ? module.constructor : require('node:module');
const { Script } = require('node:vm');
const { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
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
    const trust = buildId ? processTrust() : undefined;
    userCache = trust && userCacheRefusal(trust) === undefined ? userCacheFile(file, buildId) : undefined;
    const own = userCache ? readUserCache(userCache, buildId, trust) : undefined;
    if (own !== undefined || script === undefined) script = compile(file, source, own);
    const compiled = script;
    if (userCache && (own === undefined || compiled.cachedDataRejected)) process.once('exit', () => saveCache(compiled, userCache, buildId, trust));
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
    return cacheData(readFileSync(cacheFile), buildId);
  } catch {
    return undefined;
  }
}

function cacheData(cache, buildId) {
  return cache.length > HEADER_BYTES && cache.subarray(0, HEADER_BYTES).equals(cacheHeader(buildId)) ? cache.subarray(HEADER_BYTES) : undefined;
}

// Windows has neither (0: not asked for). O_NONBLOCK: a FIFO in the directory cannot hang the open.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/**
 * Why the user cache must not be used, or undefined when it may. Pure, so that the tests give it
 * every case. `euid`: process.geteuid() (undefined on Windows: no owner or mode to check); `env`:
 * the environment; `home`: stat of $HOME, looked at only when euid is 0 (null: nothing there);
 * `dir`: stat of the cache directory, following a symlink (null: missing); `file`: fstat of the
 * cache file, opened without following one (null: missing). `dir` and `file` left out (undefined)
 * are not checked: the process's facts are checked first, then the directory's (before reading or
 * writing), then the file's (before reading).
 */
function userCacheRefusal({ euid, env, home, dir, file }) {
  if (env.WIF_CHECK_CACHE_DIR === 'off') return 'off';
  // The cache of the user who ran sudo is theirs, whichever user sudo runs as and whatever it keeps.
  if (env.SUDO_UID || env.SUDO_USER) return 'sudo';
  if (euid === 0 && env.HOME && (!home || home.uid !== 0)) return 'root-home';
  if (dir !== undefined) {
    if (dir === null) return 'no-dir';
    if ((dir.mode & S_IFMT) !== S_IFDIR) return 'dir-type';
    if (euid !== undefined && dir.uid !== euid) return 'dir-owner';
    if (euid !== undefined && (dir.mode & 0o022) !== 0) return 'dir-mode';
  }
  if (file !== undefined) {
    if (file === null) return 'no-file';
    if ((file.mode & S_IFMT) !== S_IFREG) return 'file-type';
    if (euid !== undefined && file.uid !== euid) return 'file-owner';
    if (euid !== undefined && (file.mode & 0o022) !== 0) return 'file-mode';
    // A hard link to some other file of this user's: not a file this code wrote.
    if (euid !== undefined && file.nlink !== 1) return 'file-links';
  }
  return undefined;
}

/** This process's facts for userCacheRefusal: who it runs as, its environment, and (as root) whose HOME it has. */
function processTrust() {
  const env = process.env;
  const euid = typeof process.geteuid === 'function' ? process.geteuid() : undefined;
  const home = euid === 0 && env.HOME ? (statSync(env.HOME, { throwIfNoEntry: false }) ?? null) : undefined;
  return { euid, env, home };
}

/** The V8 data of the user's cache file when userCacheRefusal has nothing against it; never through a symlink. */
function readUserCache(cacheFile, buildId, trust) {
  let fd;
  try {
    const dir = statSync(dirname(cacheFile), { throwIfNoEntry: false }) ?? null;
    if (userCacheRefusal({ ...trust, dir }) !== undefined) return undefined;
    fd = openSync(cacheFile, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (userCacheRefusal({ ...trust, dir, file: fstatSync(fd) }) !== undefined) return undefined;
    return cacheData(readFileSync(fd), buildId);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
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

function saveCache(script, cacheFile, buildId, trust) {
  let temporary;
  try {
    const dir = dirname(cacheFile);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (userCacheRefusal({ ...trust, dir: statSync(dir) }) !== undefined) return;
    const data = Buffer.concat([cacheHeader(buildId), script.createCachedData()]);
    // A new file under a name nobody can know beforehand (O_EXCL fails on anything there, a symlink
    // included). node:crypto is loaded only here: at exit, when a cache is written.
    const name = join(dir, `.${basename(cacheFile)}.${require('node:crypto').randomBytes(12).toString('hex')}.tmp`);
    const fd = openSync(name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
    temporary = name;
    try {
      writeFileSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, cacheFile);
    temporary = undefined;
  } catch {
    // Only a missed speed-up: the next run compiles the bundle again.
  } finally {
    if (temporary !== undefined) {
      try {
        unlinkSync(temporary);
      } catch {
        // Left behind: a dot file of this user's, in this user's own directory.
      }
    }
  }
}

module.exports = { loadCached, userCacheFile, userCacheRefusal, cacheHeader };
