/**
 * Untrusted text on a terminal: a user name, role, account or ARN from a server, or a server's
 * error message, can carry escape sequences that retitle the window, clear the screen or fake a
 * "✔ WIF login works" line. Every such string is shown with its C0/C1 control characters (and
 * the Unicode line/paragraph separators and bidi controls, which reorder what is shown) written
 * out as `\u001b`-style escapes. JSON output needs none of this: JSON.stringify escapes C0, and
 * C1 cannot start a sequence in UTF-8 once it is in a JSON string. Pure.
 */

// C0 (minus none), DEL, C1, U+2028/2029, and the bidi embedding/override/isolate controls.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(char: string): string {
  return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text, safe to print: every control character escaped, newlines too. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Multi-line text of ours that embeds untrusted values: keeps `\n`, escapes every other control. */
export function escapeControlKeepNewlines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}
