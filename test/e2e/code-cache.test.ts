/**
 * The V8 user cache (bin/code-cache.cjs) runs only code this user's wif-check wrote (issue 17,
 * item 8). A code cache is code: V8 checks only the length of the source it is given with, so a
 * cache made from another script of the same length runs that script instead. These tests plant
 * exactly that (a script that writes a marker file, compiled to a cache with the right header) and
 * run the BUILT CLI in a copy of the installed package whose shipped caches are deleted, so the
 * user cache is all it has (bin/code-cache.cjs, step 2).
 *
 * userCacheRefusal (the decision, pure) is checked branch by branch; the CLI runs check that it is
 * asked at every step: a planted cache in a directory others can write, a cache file others can
 * write or that is a link, a symlink planted where the save writes, sudo, root with another user's
 * HOME. A control proves that the planted cache does run where it is allowed (a private directory
 * of this user's), so that "the marker is absent" means refused, not broken.
 *
 * Root or not: every test asserts in both. What needs another uid (chown) runs the CLI as root and,
 * without root, gives userCacheRefusal the same facts.
 *
 * Build first: `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanEnv, describeRun, runNode, tempDir, useStsSimulator, type CliResult } from './run-cli.js';

interface StatFacts {
  uid: number;
  mode: number;
  nlink?: number;
}
interface Facts {
  euid: number | undefined;
  env: Record<string, string | undefined>;
  home?: StatFacts | null;
  dir?: StatFacts | null;
  file?: StatFacts | null;
}
interface CodeCache {
  cacheHeader(buildId: string): Buffer;
  userCacheFile(file: string, buildId: string): string | undefined;
  userCacheRefusal(facts: Facts): string | undefined;
}

const codeCache = createRequire(import.meta.url)(join(REPO_ROOT, 'bin', 'code-cache.cjs')) as CodeCache;
const ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';
const IS_ROOT = process.geteuid?.() === 0;
/** A uid nobody here has. */
const OTHER_UID = 12345;

describe('userCacheRefusal: when the user cache may be used (every branch)', () => {
  const me = 1000;
  const dir = { uid: me, mode: 0o040700 };
  const file = { uid: me, mode: 0o100600, nlink: 1 };
  const ok = { euid: me, env: {}, dir, file };
  it.each<[string, Facts, string | undefined]>([
    ['a private directory and file of this user', ok, undefined],
    ['a directory 0755 and a file 0644 (nobody else can write them)', { ...ok, dir: { uid: me, mode: 0o040755 }, file: { ...file, mode: 0o100644 } }, undefined],
    ['the process only (before the directory is looked at)', { euid: me, env: {} }, undefined],
    ['the directory only (before writing)', { euid: me, env: {}, dir }, undefined],
    ['WIF_CHECK_CACHE_DIR=off', { ...ok, env: { WIF_CHECK_CACHE_DIR: 'off' } }, 'off'],
    ['SUDO_UID set', { ...ok, env: { SUDO_UID: '1000' } }, 'sudo'],
    ['SUDO_USER set', { ...ok, env: { SUDO_USER: 'alice' } }, 'sudo'],
    ['SUDO_UID set, process facts only', { euid: me, env: { SUDO_UID: '1000' } }, 'sudo'],
    ['SUDO_USER set, as root with its own HOME', { euid: 0, env: { HOME: '/root', SUDO_USER: 'alice' }, home: { uid: 0, mode: 0o040700 } }, 'sudo'],
    ['root with a HOME another user owns', { euid: 0, env: { HOME: '/home/alice' }, home: { uid: me, mode: 0o040755 } }, 'root-home'],
    ['root with a HOME that does not exist', { euid: 0, env: { HOME: '/nonexistent' }, home: null }, 'root-home'],
    ['root with its own HOME, directory and file', { euid: 0, env: { HOME: '/root' }, home: { uid: 0, mode: 0o040700 }, dir: { ...dir, uid: 0 }, file: { ...file, uid: 0 } }, undefined],
    ['root without HOME (the directory and file are still checked)', { euid: 0, env: {}, dir: { ...dir, uid: 0 }, file: { ...file, uid: 0 } }, undefined],
    ['root without HOME, a directory of another user', { euid: 0, env: {}, dir, file: { ...file, uid: 0 } }, 'dir-owner'],
    ['a non-root user whose HOME is not theirs: not the root rule (the directory rules apply)', { ...ok, env: { HOME: '/elsewhere' }, home: { uid: 0, mode: 0o040755 } }, undefined],
    ['no directory', { ...ok, dir: null }, 'no-dir'],
    ['the directory is a file', { ...ok, dir: { uid: me, mode: 0o100700 } }, 'dir-type'],
    ['a directory of another user', { ...ok, dir: { uid: me + 1, mode: 0o040700 } }, 'dir-owner'],
    ['a directory of root, for a user', { ...ok, dir: { uid: 0, mode: 0o040700 } }, 'dir-owner'],
    ['a directory writable by group', { ...ok, dir: { uid: me, mode: 0o040770 } }, 'dir-mode'],
    ['a directory writable by others', { ...ok, dir: { uid: me, mode: 0o040707 } }, 'dir-mode'],
    ['a sticky directory writable by all (/tmp-like)', { ...ok, dir: { uid: me, mode: 0o041777 } }, 'dir-mode'],
    ['no file', { ...ok, file: null }, 'no-file'],
    ['the file is a symlink', { ...ok, file: { uid: me, mode: 0o120777, nlink: 1 } }, 'file-type'],
    ['the file is a FIFO', { ...ok, file: { uid: me, mode: 0o010600, nlink: 1 } }, 'file-type'],
    ['the file is a directory', { ...ok, file: { uid: me, mode: 0o040700, nlink: 2 } }, 'file-type'],
    ['a file of another user', { ...ok, file: { ...file, uid: me + 1 } }, 'file-owner'],
    ['a file writable by group', { ...ok, file: { ...file, mode: 0o100620 } }, 'file-mode'],
    ['a file writable by others', { ...ok, file: { ...file, mode: 0o100602 } }, 'file-mode'],
    ['a file with a second hard link', { ...ok, file: { ...file, nlink: 2 } }, 'file-links'],
    // Windows: no euid, stat's uid is 0 and its modes say 0666; %LOCALAPPDATA% is the user's by its ACL.
    ['Windows (no euid): owners and modes are not checked', { euid: undefined, env: {}, dir: { uid: 0, mode: 0o040666 }, file: { uid: 0, mode: 0o100666, nlink: 1 } }, undefined],
    ['Windows: the file must still be a regular file', { euid: undefined, env: {}, dir: { uid: 0, mode: 0o040666 }, file: { uid: 0, mode: 0o040666, nlink: 1 } }, 'file-type'],
    ['Windows: the directory must still be a directory', { euid: undefined, env: {}, dir: { uid: 0, mode: 0o100666 } }, 'dir-type'],
  ])('%s', (_, facts, refusal) => {
    expect(codeCache.userCacheRefusal(facts)).toBe(refusal);
  });
});

describe('the built CLI with no shipped cache: the user cache runs only what this user wrote', () => {
  const sts = useStsSimulator();
  let copy: string;
  let bundle: string;
  let buildId: string;
  /** A cache for the CLI bundle, made from another script of its length: it writes $WIF_TEST_MARKER. */
  let planted: Buffer;

  /** The build id of a generated file and a cache for it that runs the marker script instead. */
  function plantedCacheFor(file: string): { buildId: string; cache: Buffer } {
    const source = readFileSync(file, 'utf8');
    const id = /\/\/# wif-check-build=([0-9a-f]{16})\s*$/.exec(source)?.[1] ?? '';
    expect(id, file).toMatch(/^[0-9a-f]{16}$/);
    const script =
      "(function (exports, require, module, __filename, __dirname) { require('node:fs').writeFileSync(process.env.WIF_TEST_MARKER, 'planted code ran as uid ' + process.geteuid()); module.exports = { main: Object };\n})\n//";
    const evil = script + ' '.repeat(source.length - script.length);
    expect(evil.length).toBe(source.length);
    const evilFile = join(tempDir('wif-check-evil-'), 'evil.js');
    writeFileSync(evilFile, evil);
    // Compiled by a plain `node` (as the CLI runs), so that V8's flags match the CLI's.
    const made = spawnSync(process.execPath, ['-e', `process.stdout.write(new (require('node:vm').Script)(require('node:fs').readFileSync(${JSON.stringify(evilFile)}, 'utf8')).createCachedData().toString('base64'))`], {
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);
    return { buildId: id, cache: Buffer.concat([codeCache.cacheHeader(id), Buffer.from(made.stdout, 'base64')]) };
  }

  beforeAll(() => {
    expect(existsSync(join(REPO_ROOT, 'dist', 'cli.bundle.cjs')), 'dist/cli.bundle.cjs is missing: npm run build').toBe(true);
    copy = tempDir('wif-check-install-');
    for (const part of ['bin', 'dist', 'package.json', 'README.md']) cpSync(join(REPO_ROOT, part), join(copy, part), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
    for (const dir of [join(copy, 'dist'), join(copy, 'dist', 'chunks')]) {
      for (const name of readdirSync(dir)) if (name.endsWith('.v8cache')) rmSync(join(dir, name));
    }
    bundle = join(copy, 'dist', 'cli.bundle.cjs');
    ({ buildId, cache: planted } = plantedCacheFor(bundle));
  });

  interface Run extends CliResult {
    /** What the planted code wrote, if it ran. */
    marker: string | undefined;
  }

  /** `args` (gen-sql --arn) through the copy's bin/wif-check.js; `onSpawn` runs as soon as the child has a pid. */
  async function run(env: Record<string, string>, onSpawn?: (pid: number) => void, args: readonly string[] = ['gen-sql', '--arn', ARN]): Promise<Run> {
    const marker = join(tempDir('wif-check-marker-'), 'ran');
    const result = await runNode([join(copy, 'bin', 'wif-check.js'), ...args], { env: { ...env, WIF_TEST_MARKER: marker }, ...(onSpawn ? { onSpawn } : {}) });
    return { ...result, marker: existsSync(marker) ? readFileSync(marker, 'utf8') : undefined };
  }

  /** The CLI ran as itself: its SQL, exit 0, and not the planted code. */
  function expectRanItself(result: Run): void {
    const detail = describeRun(result);
    expect(result.marker, 'the planted cache was run').toBeUndefined();
    expect(result.code, detail).toBe(0);
    expect(result.stdout, detail).toMatch(/CREATE USER MY_FN_ROLE/);
  }

  /** Where the CLI looks for its bundle's cache with this environment (userCacheFile, as the CLI calls it). */
  function cacheFileFor(env: Record<string, string>, file = bundle, id = buildId): string {
    const keys = ['WIF_CHECK_CACHE_DIR', 'XDG_CACHE_HOME', 'HOME', 'USERPROFILE', 'LOCALAPPDATA'];
    const saved = keys.map((key) => [key, process.env[key]] as const);
    try {
      for (const key of keys) {
        if (env[key] === undefined) delete process.env[key];
        else process.env[key] = env[key];
      }
      const path = codeCache.userCacheFile(file, id);
      if (path === undefined) throw new Error('no user cache file for this environment');
      return path;
    } finally {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }

  /** A new directory with `mode` (chmod: the umask does not decide). */
  function directory(mode: number): string {
    const dir = join(tempDir('wif-check-cache-'), 'wif-check');
    mkdirSync(dir);
    chmodSync(dir, mode);
    return dir;
  }

  /** A cache directory (directory(mode)), the environment pointing at it, and the bundle's cache file there. */
  function cacheDir(mode = 0o700): { dir: string; env: Record<string, string>; cacheFile: string } {
    const dir = directory(mode);
    const env = cleanEnv({ WIF_CHECK_CACHE_DIR: dir });
    return { dir, env, cacheFile: cacheFileFor(env) };
  }

  function plant(cacheFile: string, mode = 0o600): void {
    writeFileSync(cacheFile, planted);
    chmodSync(cacheFile, mode);
  }

  /** What a directory holds, link or file, with identity and time: equal snapshots = nothing written. */
  function snapshot(dir: string): string[] {
    return readdirSync(dir)
      .sort()
      .map((name) => {
        const stat = lstatSync(join(dir, name));
        return `${name} ${stat.isSymbolicLink() ? 'link' : 'file'} ${stat.ino} ${stat.size} ${stat.mtimeMs}`;
      });
  }

  const modeOf = (path: string): number => statSync(path).mode & 0o7777;

  it('control: the planted cache does run from a private directory of this user (so a missing marker below means refused)', async () => {
    const { cacheFile, env } = cacheDir(0o700);
    plant(cacheFile);
    const result = await run(env);
    expect(result.marker).toMatch(/^planted code ran as uid \d+$/);
  });

  it.each([0o777, 0o770, 0o707, 0o1777].map((mode) => [mode.toString(8), mode] as const))('a planted cache in a directory of mode %s is not run, and nothing is written there', async (_, mode) => {
    const { dir, cacheFile, env } = cacheDir(mode);
    plant(cacheFile);
    const before = snapshot(dir);
    const result = await run(env);
    expectRanItself(result);
    expect(snapshot(dir)).toEqual(before);
    expect(readFileSync(cacheFile).equals(planted)).toBe(true);
  });

  it.each<[string, (cacheFile: string) => void]>([
    ['writable by group and others (0666)', (cacheFile) => plant(cacheFile, 0o666)],
    ['writable by group (0620)', (cacheFile) => plant(cacheFile, 0o620)],
    [
      'with a second hard link',
      (cacheFile) => {
        plant(cacheFile);
        linkSync(cacheFile, join(tempDir('wif-check-link-'), 'other-name'));
      },
    ],
  ])('a planted cache file %s, in a private directory, is not run', async (_, place) => {
    const { cacheFile, env } = cacheDir(0o700);
    place(cacheFile);
    expectRanItself(await run(env));
  });

  it('a cache directory or file of another user is not run (as root: chown; otherwise: the decision for those facts)', async () => {
    const { dir, cacheFile, env } = cacheDir(0o700);
    plant(cacheFile);
    if (IS_ROOT) {
      chownSync(cacheFile, OTHER_UID, OTHER_UID);
      expectRanItself(await run(env));
      chownSync(cacheFile, 0, 0);
      chownSync(dir, OTHER_UID, OTHER_UID);
      const before = snapshot(dir);
      expectRanItself(await run(env));
      expect(snapshot(dir)).toEqual(before);
      chownSync(dir, 0, 0);
    }
    const facts = (dirStat: StatFacts, fileStat: StatFacts): Facts => ({ euid: process.geteuid?.(), env: {}, dir: dirStat, file: fileStat });
    expect(codeCache.userCacheRefusal(facts(statSync(dir), statSync(cacheFile)))).toBeUndefined();
    expect(codeCache.userCacheRefusal(facts({ ...statSync(dir), uid: OTHER_UID }, statSync(cacheFile)))).toBe('dir-owner');
    expect(codeCache.userCacheRefusal(facts(statSync(dir), { ...statSync(cacheFile), uid: OTHER_UID }))).toBe('file-owner');
  });

  it('a symlink as the cache file is not read, and the save replaces the link, not what it points to', async () => {
    const { dir, cacheFile, env } = cacheDir(0o700);
    // The target is a perfect cache of this user's, 0600 in a 0700 directory: only the link is wrong.
    const target = join(tempDir('wif-check-target-'), basename(cacheFile));
    plant(target);
    symlinkSync(target, cacheFile);
    expectRanItself(await run(env));
    expect(readFileSync(target).equals(planted), 'the symlink target was written').toBe(true);
    expect(lstatSync(cacheFile).isFile(), 'the cache name should now be a regular file').toBe(true);
    expect(modeOf(cacheFile)).toBe(0o600);
    expect(readdirSync(dir)).toEqual([basename(cacheFile)]);
  });

  it('a symlink planted at the temporary name of the save (CACHE.PID.tmp) is not written through', async () => {
    const { dir, cacheFile, env } = cacheDir(0o700);
    // A root-owned file when run as root: what the issue saw overwritten.
    const victim = join(tempDir('wif-check-victim-'), 'precious');
    writeFileSync(victim, 'precious\n', { mode: 0o644 });
    let link: string | undefined;
    const result = await run(env, (pid) => {
      // The save runs at exit, long after the child's start: the link is there first.
      link = `${cacheFile}.${pid}.tmp`;
      symlinkSync(victim, link);
    });
    expectRanItself(result);
    expect(readFileSync(victim, 'utf8'), 'the save wrote through the planted symlink').toBe('precious\n');
    expect(link).toBeDefined();
    expect(lstatSync(cacheFile).isFile(), 'a cache should have been written, as a regular file').toBe(true);
    expect(modeOf(cacheFile)).toBe(0o600);
    // The cache and the planted link, nothing else (no temporary file left).
    expect(readdirSync(dir).sort()).toEqual([basename(cacheFile), basename(link!)].sort());
  });

  it('a cache directory reached through a symlink is checked at its target: private, used; writable by others, refused', async () => {
    const links = tempDir('wif-check-links-');
    for (const [mode, runs] of [
      [0o700, true],
      [0o777, false],
    ] as const) {
      const dir = join(links, `to-${mode.toString(8)}`);
      symlinkSync(directory(mode), dir);
      const env = cleanEnv({ WIF_CHECK_CACHE_DIR: dir });
      const cacheFile = cacheFileFor(env);
      expect(dirname(cacheFile)).toBe(dir);
      plant(cacheFile);
      const result = await run(env);
      if (runs) expect(result.marker, `a link to a ${mode.toString(8)} directory`).toMatch(/^planted code ran/);
      else expectRanItself(result);
    }
  });

  it('a chunk (dist/chunks/aws.cjs, loaded by whoami through the loader inlined in the bundle) is held to the same rules', async () => {
    const chunk = join(copy, 'dist', 'chunks', 'aws.cjs');
    const { buildId: chunkId, cache } = plantedCacheFor(chunk);
    for (const [mode, runs] of [
      [0o777, false],
      [0o700, true],
    ] as const) {
      const env = sts.as('assumedRole', { WIF_CHECK_CACHE_DIR: directory(mode) });
      const cacheFile = cacheFileFor(env, chunk, chunkId);
      writeFileSync(cacheFile, cache, { mode: 0o600 });
      const result = await run(env, undefined, ['whoami']);
      if (runs) {
        // The control: from a private directory it runs (whoami then fails: the chunk is not the SDK).
        expect(result.marker, `a chunk cache in a ${mode.toString(8)} directory`).toMatch(/^planted code ran/);
      } else {
        const detail = describeRun(result);
        expect(result.marker, 'the planted chunk cache was run').toBeUndefined();
        expect(result.code, detail).toBe(0);
        expect(result.stdout, detail).toMatch(/arn:aws:iam::123456789012:role\/my-fn-role/);
        expect(readFileSync(cacheFile).equals(cache)).toBe(true);
      }
    }
  });

  it.each(['SUDO_UID', 'SUDO_USER'])('under sudo (%s set) the user cache is neither read nor written', async (variable) => {
    const value = variable === 'SUDO_UID' ? '1000' : 'alice';
    const used = cacheDir(0o700);
    plant(used.cacheFile);
    const before = snapshot(used.dir);
    expectRanItself(await run({ ...used.env, [variable]: value }));
    expect(snapshot(used.dir)).toEqual(before);
    // Nothing there yet: nothing written either, not even the directory (the default, under HOME).
    const env = cleanEnv({ [variable]: value });
    expectRanItself(await run(env));
    expect(existsSync(join(env.HOME!, '.cache'))).toBe(false);
  });

  it('as root with a HOME another user owns, the user cache is neither read nor written (not root: the decision for those facts)', async () => {
    const env = cleanEnv();
    const home = env.HOME!;
    const cacheFile = cacheFileFor(env);
    expect(cacheFile.startsWith(join(home, '.cache', 'wif-check'))).toBe(true);
    if (IS_ROOT) {
      // The cache directory and file are root's, 0700/0600: only HOME's owner is wrong.
      mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
      plant(cacheFile);
      chownSync(home, OTHER_UID, OTHER_UID);
      const before = snapshot(dirname(cacheFile));
      expectRanItself(await run(env));
      expect(snapshot(dirname(cacheFile))).toEqual(before);
      const empty = cleanEnv();
      chownSync(empty.HOME!, OTHER_UID, OTHER_UID);
      expectRanItself(await run(empty));
      expect(existsSync(join(empty.HOME!, '.cache'))).toBe(false);
    }
    // Not root, these are the facts such a run would give: refused. This user's own HOME is the
    // normal case (below).
    expect(codeCache.userCacheRefusal({ euid: 0, env: { HOME: home }, home: { ...statSync(home), uid: OTHER_UID } })).toBe('root-home');
    expect(codeCache.userCacheRefusal({ euid: 0, env: { HOME: home }, home: { ...statSync(home), uid: 0 } })).toBeUndefined();
  });

  it.each(['WIF_CHECK_CACHE_DIR', 'HOME'])('the normal case (%s): written 0600 in a new 0700 directory, then read and not written again', async (where) => {
    const env = where === 'HOME' ? cleanEnv() : cleanEnv({ WIF_CHECK_CACHE_DIR: join(tempDir('wif-check-cache-'), 'new', 'wif-check') });
    const cacheFile = cacheFileFor(env);
    const dir = dirname(cacheFile);
    expect(existsSync(dir)).toBe(false);
    expectRanItself(await run(env));
    expect(readdirSync(dir)).toEqual([basename(cacheFile)]);
    expect(modeOf(dir)).toBe(0o700);
    // Every directory the CLI made, not just the last.
    expect(modeOf(dirname(dir))).toBe(0o700);
    expect(modeOf(cacheFile)).toBe(0o600);
    expect(statSync(cacheFile).uid).toBe(process.geteuid?.());
    expect(readFileSync(cacheFile).subarray(0, 48).equals(codeCache.cacheHeader(buildId))).toBe(true);
    const written = snapshot(dir);
    // Read: V8 accepted it, so it is not written again (same inode, same time).
    expectRanItself(await run(env));
    expect(snapshot(dir)).toEqual(written);
  });
});
