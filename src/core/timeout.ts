import { usageError } from './errors.js';

/** --timeout (or a Lambda event's `timeout`) in seconds, from 1 to 3600, as milliseconds. */
export function parseTimeoutSeconds(value: string | number | undefined, what = '--timeout'): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    throw usageError(`${what} '${String(value)}' must be a number of seconds from 1 to 3600`, 'BAD_TIMEOUT');
  }
  return Math.round(seconds * 1000);
}
