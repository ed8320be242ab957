/**
 * When stdout cannot be written (a full disk, a closed or revoked descriptor): one line on stderr
 * and exit 74 (EX_IOERR), instead of the uncaught 'error' event that printed a stack trace and a
 * line of the minified bundle. main() loads this only when stdout fails. A reader that stops early
 * (EPIPE) is not a failure and never reaches here.
 */
import { EXIT_CODES } from '../core/errors.js';

/** The part of `process` this needs (a parameter so that tests can give their own). */
export interface OutputFailureProcess {
  stderr: {
    write(chunk: string, callback: (error?: Error | null) => void): boolean;
    once(event: 'error', listener: () => void): unknown;
  };
  exitCode?: number | string | null | undefined;
  exit(code?: number): void;
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

/** Says once on stderr that the output could not be written, and exits 74 (silently if stderr fails too). */
export function reportOutputFailure(error: unknown, proc: OutputFailureProcess = process): void {
  proc.exitCode = EXIT_CODES.output;
  const exit = (): void => proc.exit(EXIT_CODES.output);
  // Before writing: a stderr that fails as well emits 'error', which unhandled would crash.
  proc.stderr.once('error', exit);
  try {
    proc.stderr.write(`wif-check: cannot write the output: ${describeWriteFailure(error)}\n`, exit);
  } catch {
    exit();
  }
}
