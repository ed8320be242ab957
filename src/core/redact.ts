/**
 * Server text is data, and may carry our own secrets back: a hostile (or merely verbose) server
 * that echoes the attestation, the JWT, a signature or a session token must never get it printed.
 * Every message that came from a server passes through `serverText` before it reaches an error,
 * a report or the step summary. Pure.
 */
import { escapeControl } from './terminal-text.js';

export const REDACTED = '[redacted]';
/** What is kept of a server message (../shared/CONTRACT.md, "Security rules"). */
export const MAX_SERVER_TEXT = 1_000;
/** A run of at least this many characters that also occurs in a secret is a piece of it. */
const MIN_SECRET_PIECE = 12;

// Shapes that are secret whoever they belong to: a SigV4 signature, a JWT, a Snowflake session
// token header, an AWS secret or session token passed by name, and any long base64-ish run.
const SECRET_SHAPES: readonly RegExp[] = [
  /Signature=[0-9a-f]{16,}/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /Snowflake Token="[^"]*"/gi,
  /(aws_secret_access_key|aws_session_token|x-amz-security-token|secretaccesskey|sessiontoken|masterToken|token)(["']?\s*[:=]\s*["']?)[^\s"',}&]{8,}/gi,
  /[A-Za-z0-9+/_-]{64,}={0,2}/g,
];

/** Runs of characters that can be part of a token (base64, base64url, hex, JSON-escaped). */
const TOKEN_RUN = /[A-Za-z0-9+/=_%.-]{12,}/g;

/**
 * The forms a secret can take in a server's text: as it is, JSON-escaped (a server that echoes it
 * inside a JSON string), escaped for the terminal (as the Printer shows it), and percent-encoded (echoed from a form or a URL). Pure.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), escapeControl(secret)]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch {
    // An unpaired surrogate cannot be percent-encoded: no such form exists.
  }
  return [...forms].filter((form) => form !== '');
}

/**
 * `text` with every exact occurrence of a known secret (of any length: a password can be short)
 * replaced by [redacted], longest first, in each form a server could echo it (secretForms).
 * The final pass over everything wif-check prints (src/known-secrets.ts); `redactSecrets` does
 * this and more.
 */
export function redactKnown(text: string, secrets: Iterable<string>): string {
  return redactForms(text, knownForms(secrets));
}

/** Every form of every secret, longest first (a secret inside another is replaced after it). */
export function knownForms(secrets: Iterable<string>): string[] {
  return [...new Set([...secrets].flatMap(secretForms))].sort((a, b) => b.length - a.length);
}

/** `text` with each of `forms` (from knownForms) replaced by [redacted]. */
export function redactForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * `text` with every known secret (any length), every piece (≥ 12 characters) of a long one, and
 * every secret-shaped string replaced by [redacted].
 */
export function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  const all = [...secrets].filter((secret) => secret !== '');
  let out = redactKnown(text, all);
  const long = all.filter((secret) => secret.length >= MIN_SECRET_PIECE);
  if (long.length) {
    out = out.replace(TOKEN_RUN, (run) => (containsPieceOf(run, long) ? REDACTED : run));
  }
  for (const shape of SECRET_SHAPES) {
    out = out.replace(shape, (match, name?: string, separator?: string) =>
      typeof name === 'string' && typeof separator === 'string' && !/^(Signature|eyJ)/.test(match) ? `${name}${separator}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

function containsPieceOf(run: string, secrets: readonly string[]): boolean {
  for (let start = 0; start + MIN_SECRET_PIECE <= run.length; start++) {
    const piece = run.slice(start, start + MIN_SECRET_PIECE);
    if (secrets.some((secret) => secret.includes(piece))) return true;
  }
  return false;
}

/**
 * A message from a server, ready to be shown: redacted first (on a bounded prefix, so a 100 MB
 * message costs nothing), then capped at MAX_SERVER_TEXT characters.
 */
export function serverText(text: string, secrets: Iterable<string> = []): string {
  const bounded = text.length > MAX_SERVER_TEXT * 8 ? text.slice(0, MAX_SERVER_TEXT * 8) : text;
  const chars = [...redactSecrets(bounded, secrets)];
  if (chars.length <= MAX_SERVER_TEXT && bounded === text) return chars.join('');
  return `${chars.slice(0, MAX_SERVER_TEXT).join('')}… (cut: ${text.length} characters in all)`;
}
