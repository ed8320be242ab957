/**
 * The CLI's stdout and stderr (file descriptors 1 and 2), written with fs.writeSync until a stream
 * is really needed (docs/performance.md).
 *
 * Why: the first touch of process.stdout or process.stderr builds a stream — for a pipe, a
 * net.Socket, which loads node:net, node:stream and node:tty (~3 ms, more than gen-sql itself).
 * wif-check writes a few kilobytes at most, once, so a blocking write is all it needs for a pipe or
 * a file; it is also there before the process exits. A terminal always gets the stream (see
 * writeFd). A descriptor moves to its stream for good when the write would block (a non-blocking
 * pipe that is full: EAGAIN; the rest goes to the stream, which waits for the reader), so the order
 * of what is written never changes.
 *
 * Failures keep the CLI's contract: stdout closed by its reader (EPIPE, `| head -1`) is a quiet stop
 * with the exit code so far; any other stdout failure is one line on stderr and exit 74; a stderr
 * that fails has nowhere to say so, and is ignored.
 */
import { fstatSync, statSync, writeSync, type Stats } from 'node:fs';
import { EXIT_CODES } from '../core/errors.js';

type Fd = 1 | 2;

const streamed = new Set<Fd>();
const terminal = new Map<Fd, boolean>();
let stdoutFailed = false;

/** Writes `text` to stdout (1) or stderr (2); see the module comment for failures. */
export function writeFd(fd: Fd, text: string): void {
  if (fd === 1 && stdoutFailed) return;
  // A terminal gets Node's stream: on Windows only it turns UTF-8 into what the console shows (a
  // blocking write of the bytes would garble ✖ and …); on POSIX its writes are blocking anyway.
  if (streamed.has(fd) || isTerminal(fd)) {
    stream(fd).write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') stream(fd).write(bytes.subarray(offset));
    else if (fd === 1) stdoutFailure(error);
  }
}

/** process.stdout / process.stderr, from now on the only way this descriptor is written. */
export function stream(fd: Fd): NodeJS.WriteStream {
  const target = fd === 1 ? process.stdout : process.stderr;
  if (!streamed.has(fd)) {
    streamed.add(fd);
    if (fd === 1) target.on('error', stdoutFailure);
    // A stream error on stderr has nowhere to go; unhandled it would crash with a stack trace.
    else target.on('error', () => {});
  }
  return target;
}

/**
 * Finds out whether stdout and stderr are terminals; main() awaits it before anything asks
 * isTerminal(). node:tty (which loads node:net: milliseconds) is imported only for a character device
 * other than the null device: a terminal is always a character device, a pipe or a file never is,
 * and `> /dev/null` (a script that wants only the exit code) is one that is never a terminal.
 */
export async function detectTerminals(): Promise<void> {
  let nullDevice: number | undefined | null = null;
  const candidates = ([1, 2] as const).filter((fd) => {
    let stats: Stats;
    try {
      stats = fstatSync(fd);
    } catch {
      return false; // A closed descriptor is no terminal; writing to it reports the failure.
    }
    if (!stats.isCharacterDevice()) return false;
    if (nullDevice === null) nullDevice = nullDeviceNumber();
    return stats.rdev !== nullDevice;
  });
  if (candidates.length === 0) return;
  const { isatty } = await import('node:tty');
  for (const fd of candidates) terminal.set(fd, isatty(fd));
}

/**
 * The device number of /dev/null (any node for that device, a container's bind mount included), or
 * undefined where there is none (Windows): then every character device is asked.
 */
function nullDeviceNumber(): number | undefined {
  try {
    const stats = statSync('/dev/null');
    return stats.isCharacterDevice() ? stats.rdev : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the descriptor is a terminal (as detectTerminals() found; false before it ran). */
export function isTerminal(fd: Fd): boolean {
  return terminal.get(fd) ?? false;
}

/** The terminal's width for help text, or undefined when the descriptor is no terminal (commander then uses 80). */
export function terminalColumns(fd: Fd): number | undefined {
  return isTerminal(fd) ? stream(fd).columns : undefined;
}

/**
 * Exits in `delayMs` whatever else is pending (a driver's retry timer, a hung socket), but never
 * before what a stream still holds is written: a slow reader of a full pipe gets all of it.
 */
export function exitOnceWritten(delayMs: number): void {
  const check = (): void => {
    if ([...streamed].some((fd) => stream(fd).writableLength > 0)) setTimeout(check, 50).unref();
    else process.exit();
  };
  setTimeout(check, delayMs).unref();
}

/**
 * Ends the process now when nothing written is still in a stream's buffer (gen-sql, whoami: the
 * command is done and nothing else is pending). A natural exit would first run what V8 scheduled
 * meanwhile (a scavenge of the young generation: 2–3 ms of a 60 ms command, docs/performance.md).
 * Otherwise the process ends by itself once the stream has written it all.
 */
export function exitIfWritten(): void {
  if (![...streamed].some((fd) => stream(fd).writableLength > 0)) process.exit();
}

/** stdout and stderr as the Printer's streams. */
export const stdio = {
  stdout: { write: (text: string) => writeFd(1, text) },
  stderr: { write: (text: string) => writeFd(2, text) },
};

function stdoutFailure(error: unknown): void {
  if (stdoutFailed) return;
  stdoutFailed = true;
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') process.exit(Number(process.exitCode ?? EXIT_CODES.ok));
  process.exitCode = EXIT_CODES.output;
  try {
    writeSync(2, `wif-check: cannot write the output: ${describeWriteFailure(error)}\n`);
  } catch {
    // stderr fails as well: exit 74, silently.
  }
  process.exit(EXIT_CODES.output);
}

// libuv's system errors read "ENOSPC: no space left on device, write"; only plain words are shown.
const SYSTEM_MESSAGE = /^[A-Z0-9_]+: ([a-z][a-z0-9 '()/.-]{0,99}?)(?:, |$)/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/** `ENOSPC (no space left on device)`; never more of the error than its code and that short reason. */
export function describeWriteFailure(error: unknown): string {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !ERROR_CODE.test(code)) return 'an unknown error';
  const reason = typeof message === 'string' && message.startsWith(`${code}: `) ? SYSTEM_MESSAGE.exec(message)?.[1] : undefined;
  return reason === undefined ? code : `${code} (${reason})`;
}
