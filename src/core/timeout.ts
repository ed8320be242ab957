/**
 * Time budgets. Node's timers (setTimeout, AbortSignal.timeout) take a whole number of
 * milliseconds from 0 to 2^31-1: AbortSignal.timeout(7000.5) throws ERR_OUT_OF_RANGE, which
 * crashed doctor, the Lambda handler and the Action for half of all odd timeouts (issue 17,
 * item 1). Every budget wif-check derives goes through these. Pure.
 */
import { usageError } from './errors.js';

/** The accepted range of a timeout, in seconds (--timeout, event.timeout, the Action's timeout input). */
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 3600;
/** The largest delay Node's timers take. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** --timeout (or a Lambda event's `timeout`) in seconds, from 1 to 3600, as whole milliseconds. */
export function parseTimeoutSeconds(value: string | number | undefined, what = '--timeout'): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(seconds) || seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS) {
    throw usageError(`${what} '${String(value)}' must be a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}`, 'BAD_TIMEOUT');
  }
  return Math.round(seconds * 1000);
}

/**
 * The library's `timeoutMs` option: undefined (the default), or a number of milliseconds in the
 * same range as --timeout, rounded to a whole millisecond; anything else is a usage error (exit 2).
 */
export function libraryTimeoutMs(value: unknown, what = 'timeoutMs'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < MIN_TIMEOUT_SECONDS * 1000 || value > MAX_TIMEOUT_SECONDS * 1000) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw usageError(`${what} ${shown} must be a number of milliseconds from ${MIN_TIMEOUT_SECONDS * 1000} to ${MAX_TIMEOUT_SECONDS * 1000}`, 'BAD_TIMEOUT');
  }
  return Math.round(value);
}

/** A delay Node's timers accept: a whole number of milliseconds from 1 to MAX_TIMER_MS (NaN → 1). */
export function timerDelayMs(ms: number): number {
  if (Number.isNaN(ms)) return 1;
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms)));
}

/** Half of a budget, at most `capMs`, as a timer delay: the rest is left to the step after it. */
export function halfBudgetMs(budgetMs: number, capMs: number): number {
  return timerDelayMs(Math.min(Math.floor(budgetMs / 2), capMs));
}
