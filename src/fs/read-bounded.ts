/**
 * Bounded reads of small local files (config files a user or the environment names). Opening a
 * FIFO for reading blocks until a writer appears, and a device never ends: only regular files are
 * read, up to a size limit, within a time limit. stat() never blocks on a FIFO; open() is given
 * O_NONBLOCK as well, and the opened file is checked again, so a file swapped for a FIFO between
 * the two is refused too.
 */
import { close, constants, fstat, open, read, readlink, realpath, stat, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { credentialFileProblem } from '../core/file-trust.js';
import { formatSeconds } from '../core/aws-failures.js';
import { withDeadline } from '../deadline.js';

// node:fs's callbacks, promisified, rather than node:fs/promises: that module loads node:readline
// and its FileHandle machinery (~3 ms of every whoami --provider oidc, which reads its token file
// here; docs/performance.md).
const fs = {
  close: promisify(close),
  fstat: promisify(fstat),
  open: promisify(open),
  read: promisify(read),
  readlink: promisify(readlink),
  realpath: promisify(realpath),
  stat: promisify(stat),
};

export type BoundedReadFailure = 'missing' | 'not-regular' | 'too-large' | 'timeout' | 'unreadable' | 'untrusted';

/** The time bound when the caller has none (--timeout's default is of the same order). */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;

export class BoundedReadError extends Error {
  constructor(
    readonly reason: BoundedReadFailure,
    readonly path: string,
    /** What is wrong, to follow the path: 'is a FIFO (named pipe), not a regular file'. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path} ${detail}`, options);
    this.name = 'BoundedReadError';
  }
}

export interface BoundedFile {
  text: string;
  /** The file's mode bits (for permission warnings). */
  mode: number;
}

/** 'a FIFO (named pipe)', 'a directory', …: what a non-regular file is, for messages. */
export function describeFileType(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Where an opened file really is: Linux names it in /proc/self/fd (no race with a renamed path); elsewhere realpath. */
async function openedPath(fd: number, path: string): Promise<string> {
  try {
    return await fs.readlink(`/proc/self/fd/${fd}`);
  } catch {
    return fs.realpath(path).catch(() => path);
  }
}

/** '1 MiB', '512 KiB', '1.5 MiB'. */
export function formatBytes(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MiB'] : bytes >= 1024 ? [bytes / 1024, 'KiB'] : [bytes, 'bytes'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/**
 * Why `path` may not be read, without reading it: undefined when it is missing or a regular file
 * within `maxBytes`. Other stat failures (permissions) are left to the reader, which reports them.
 */
export async function refuseUnreadableFile(path: string, maxBytes: number): Promise<BoundedReadError | undefined> {
  let stats: Stats;
  try {
    stats = await fs.stat(path);
  } catch {
    return undefined;
  }
  return refusal(path, stats, maxBytes);
}

function refusal(path: string, stats: Stats, maxBytes: number): BoundedReadError | undefined {
  if (!stats.isFile()) return new BoundedReadError('not-regular', path, `is ${describeFileType(stats)}, not a regular file`);
  if (stats.size > maxBytes) {
    return new BoundedReadError('too-large', path, `is ${formatBytes(stats.size)}, over the ${formatBytes(maxBytes)} limit`);
  }
  return undefined;
}

export interface BoundedReadOptions {
  maxBytes: number;
  timeoutMs: number;
  /**
   * The file names or holds credentials (connections.toml, a token or key file): refused
   * ('untrusted') when someone other than its owner could have written it, when it is owned by
   * neither this user nor root, or when it is a kernel pseudo-file (src/core/file-trust.ts).
   */
  credential?: boolean;
}

/**
 * The whole of a regular file as UTF-8, or a BoundedReadError; never blocks past `timeoutMs`.
 * A file whose size is 0 is read as empty: a regular file of size 0 is empty, and a pseudo-file
 * that says 0 (/proc/self/environ) is never read.
 */
export async function readBoundedFile(path: string, options: BoundedReadOptions): Promise<BoundedFile> {
  const { maxBytes, timeoutMs } = options;
  const read = async (): Promise<BoundedFile> => {
    const refused = await refuseUnreadableFile(path, maxBytes);
    if (refused) throw refused;
    let fd: number;
    try {
      // O_NONBLOCK is POSIX only; on Windows there are no FIFOs to open by path.
      fd = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new BoundedReadError(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', path, `cannot be read (${code ?? 'error'})`, { cause: error });
    }
    try {
      const stats = await fs.fstat(fd);
      const swapped = refusal(path, stats, maxBytes);
      if (swapped) throw swapped;
      if (options.credential) {
        const problem = credentialFileProblem({ realPath: await openedPath(fd, path), uid: stats.uid, mode: stats.mode }, process.getuid ? process.geteuid?.() : undefined);
        if (problem) throw new BoundedReadError('untrusted', path, problem);
      }
      if (stats.size === 0) return { text: '', mode: stats.mode };
      // Read to the end, not to stat's size: the file may have grown since.
      const chunks: Buffer[] = [];
      let length = 0;
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024);
        const { bytesRead } = await fs.read(fd, chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > maxBytes) throw new BoundedReadError('too-large', path, `is over the ${formatBytes(maxBytes)} limit`);
        chunks.push(chunk.subarray(0, bytesRead));
      }
      return { text: Buffer.concat(chunks, length).toString('utf8'), mode: stats.mode };
    } finally {
      await fs.close(fd).catch(() => undefined);
    }
  };
  return withDeadline(read(), timeoutMs, () => new BoundedReadError('timeout', path, `was not read within ${formatSeconds(timeoutMs)}`));
}
