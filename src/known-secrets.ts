/**
 * Every credential this process has held (the AWS secret key and session token, the login's
 * TOKEN/PASSWORD/PASSCODE as the guard saw them, the administrator's PAT, password, key and
 * passphrase), so that the last step before any text leaves wif-check — the CLI's Printer, the
 * step summary, the Lambda result, the library's reports — can replace an exact occurrence of any
 * of them, whatever its length and whichever path the text took (issue 17, items 5 and 6).
 *
 * State, so an edge module: the rules are src/core/redact.ts. Bounded: a long-lived process (a warm
 * Lambda function, a host application) keeps the most recent MAX_KNOWN_SECRETS, which is far more
 * than one check holds.
 */
import { knownForms, redactForms } from './core/redact.js';

export const MAX_KNOWN_SECRETS = 256;

const known = new Set<string>();
/** knownForms(known), made again only when a secret is added. */
let forms: string[] | undefined;

/** Remember credentials (empty and non-string values are ignored). */
export function rememberSecrets(...values: ReadonlyArray<string | undefined | null>): void {
  for (const value of values) {
    if (typeof value !== 'string' || value === '') continue;
    known.delete(value);
    known.add(value);
    if (known.size > MAX_KNOWN_SECRETS) known.delete(known.values().next().value as string);
    forms = undefined;
  }
}

export function knownSecrets(): readonly string[] {
  return [...known];
}

/** `text` without any exact occurrence of a known secret. */
export function scrub(text: string): string {
  return known.size === 0 ? text : redactForms(text, (forms ??= knownForms(known)));
}

/** `value` with every string in it scrubbed, deeply (object keys are ours and kept). */
export function scrubDeep<T>(value: T): T {
  if (known.size === 0) return value;
  const all = (forms ??= knownForms(known));
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactForms(item, all);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    }
    return item;
  };
  return walk(value) as T;
}
