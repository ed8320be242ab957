/**
 * The one place that maps error kinds to exit codes (see README "Exit codes" and
 * ../shared/CONTRACT.md). Commands and adapters throw `WifError`; only the CLI's
 * error boundary turns it into a message and `process.exitCode`.
 */

export type ErrorKind = 'verification' | 'usage' | 'aws' | 'snowflake' | 'internal' | 'interrupted';

export const EXIT_CODES: Readonly<Record<ErrorKind | 'ok' | 'output', number>> = {
  ok: 0,
  verification: 1,
  usage: 2,
  aws: 3,
  snowflake: 4,
  // Not an expected failure: a bug in wif-check. EX_SOFTWARE from sysexits.h.
  internal: 70,
  // The result could not be written to stdout (a full disk, a closed descriptor). EX_IOERR.
  output: 74,
  // Ctrl-C (SIGINT) after doctor --in-lambda cleaned up: 128 + 2, what a shell reports for SIGINT.
  interrupted: 130,
};

export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [0, 'success'],
  [1, 'verification failed: Snowflake rejected the identity, or it is not the expected user/account'],
  [2, 'usage error or bad input (invalid ARN, bad flag, missing account)'],
  [3, 'AWS side: no credentials, no region, STS refused or unreachable'],
  [4, 'Snowflake side: unreachable, timed out, or failed for a reason other than the identity mapping'],
  [70, 'internal error in wif-check (a bug: please report it)'],
  [74, 'the output could not be written to stdout (e.g. a full disk)'],
  [130, 'interrupted (Ctrl-C); doctor --in-lambda deletes its temporary function first'],
];

export interface WifErrorDetails {
  /** Machine-readable code, e.g. 'NO_CREDENTIALS', 'USER_NOT_MAPPED' (JSON `error.code`). */
  code: string;
  /** What to do next: one or more lines. */
  hint?: string;
  /** The path-free ARN Snowflake should have registered, when known. */
  expectedArn?: string | null;
  /** Snowflake's own code and message (redacted and capped), when Snowflake answered. */
  snowflake?: { code: string | null; message: string } | undefined;
  cause?: unknown;
}

export class WifError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint: string | undefined;
  readonly expectedArn: string | null;
  readonly snowflake: { code: string | null; message: string } | undefined;

  constructor(kind: ErrorKind, message: string, details: WifErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WifError';
    this.kind = kind;
    this.code = details.code;
    this.hint = details.hint;
    this.expectedArn = details.expectedArn ?? null;
    this.snowflake = details.snowflake;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export function usageError(message: string, code = 'USAGE', hint?: string): WifError {
  return new WifError('usage', message, { code, ...(hint === undefined ? {} : { hint }) });
}
