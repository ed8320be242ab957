/**
 * The Snowflake host, checked before anything is signed. snowflake-sdk 3.3.0's WIF host
 * allow-list only compares the raw string's suffix, so `evil.example/.snowflakecomputing.com`
 * passes it and the login, attestation included, goes to `evil.example` (../shared/FACTS.md,
 * "Driver behaviour that matters for safety"). A host is therefore accepted only as a bare host
 * name: DNS-style labels (letters, digits, `-`, `_`) joined by single dots, or an IPv4 literal.
 * Pure: the caller says where the value came from.
 */
import { usageError } from './errors.js';

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAX_HOST_LENGTH = 253;

export type HostCheck = { ok: true; host: string } | { ok: false; reason: string; hint: string };

/** Whether `value` is a bare host name (or IPv4 literal); the reason and the fix when it is not. */
export function checkHost(value: string): HostCheck {
  const hint = 'Give a bare host name such as myorg-myacct.snowflakecomputing.com (put the port in --port, the scheme in --protocol).';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { ok: false, reason: 'is a URL', hint: 'Give a host name, not a URL: e.g. myorg-myacct.snowflakecomputing.com (the port goes in --port, the scheme in --protocol).' };
  }
  if (value.length === 0) return { ok: false, reason: 'is empty', hint };
  if (value.length > MAX_HOST_LENGTH) return { ok: false, reason: `is longer than ${MAX_HOST_LENGTH} characters`, hint };
  const bad = /[^A-Za-z0-9_.-]/u.exec(value);
  if (bad) return { ok: false, reason: `contains ${describeChar(bad[0])}`, hint };
  if (IPV4.test(value)) return { ok: true, host: value };
  const labels = value.split('.');
  if (labels.some((label) => label === '')) return { ok: false, reason: 'has an empty label (a leading, trailing or doubled dot)', hint };
  const badLabel = labels.find((label) => !LABEL.test(label));
  if (badLabel !== undefined) return { ok: false, reason: `has a label that is not a DNS label (${badLabel.length > 63 ? 'over 63 characters' : 'starts or ends with -'})`, hint };
  // A URL parser reads a name whose last label is numeric as an IPv4 address in some form
  // (0x7f.1 is 127.0.0.1, 1.2.3 is 1.2.0.3): only the plain dotted quad above is accepted.
  if (/^(0x[0-9a-f]*|\d+)$/i.test(labels.at(-1) ?? '')) return { ok: false, reason: 'is not a valid IPv4 address or host name', hint };
  return { ok: true, host: value };
}

/** The host, or a usage error (exit 2, BAD_HOST) naming where the value came from. */
export function parseHost(value: string, source: string): string {
  const checked = checkHost(value);
  if (checked.ok) return checked.host;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  throw usageError(`host '${shown}' (${source}) ${checked.reason}: it must be a bare host name`, 'BAD_HOST', checked.hint);
}

function describeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const label = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (char === ' ') return 'a space';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (${label})`;
  if (code < 0x7f) return `'${char}'`;
  return `a non-ASCII character (${label}; use the punycode form)`;
}

/** The domains the Snowflake drivers recognise as Snowflake's (snowflake-sdk 3.3.x, lib/url_util.js). */
export const SNOWFLAKE_DOMAINS: readonly string[] = ['snowflakecomputing.com', 'snowflakecomputing.cn', 'snowflakecomputing.mil'];

/** As the driver normalises a host and each allowed suffix: trimmed, lower case, cut at ':', no trailing dot. */
function normalizeForAllowList(value: string): string {
  const host = value.trim().toLowerCase().split(':')[0] ?? '';
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * Whether `host` is one the driver's WORKLOAD_IDENTITY allow-list accepts: a Snowflake domain or
 * a subdomain of one, or of a suffix in SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES (comma list; exact or
 * `.suffix` match, as snowflake-sdk 3.3.x's host_allowlist.js). wif-check holds the administrator's
 * logins to the same rule (issue 17, item 3): a PAT or password goes nowhere an attestation may not.
 */
export function isAllowedSnowflakeHost(host: string, allowedSuffixes: string | undefined): boolean {
  const normalized = normalizeForAllowList(host);
  const extra = (allowedSuffixes ?? '').split(',').map(normalizeForAllowList).filter((suffix) => suffix !== '');
  return [...SNOWFLAKE_DOMAINS, ...extra].some((suffix) => normalized === suffix || normalized.endsWith(`.${suffix}`));
}

/** Hosts for which cleartext HTTP never leaves the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '::1' || lower === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower);
}
