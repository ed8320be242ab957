/**
 * `wif-check whoami --provider oidc`: the token the workload presents — issuer, subject, audience,
 * expiry, claims, the platform that issued it — and exactly what WORKLOAD_IDENTITY must hold, with
 * every trap found in it named and fixed. The token itself is never printed, in any mode.
 */
import type { ChalkInstance } from 'chalk';
import { libraryTimeoutMs } from '../../core/timeout.js';
import type { WhoamiProvider } from '../registry.js';
import type { OidcTokenFacts, Registration, Trap } from '../types.js';
import { TOKEN_SOURCE_LABELS, oidcIdentity } from './identity.js';
import { oidcIdentityClause } from './sql.js';
import { refuseAwsOptions, type OidcTokenSource } from './token.js';

export const DEFAULT_OIDC_TIMEOUT_MS = 10_000;

export interface OidcWhoamiOptions {
  tokenFile?: string | undefined;
  audience?: string | undefined;
  timeoutMs?: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  now?: number | undefined;
}

/** What the token says (OidcTokenFacts, flattened into the report), and what to register. */
export interface OidcWhoamiReport extends OidcTokenFacts {
  provider: 'oidc';
  registration: Extract<Registration, { type: 'OIDC' }>;
  /** Where the token came from, and from which file or host. */
  tokenSource: OidcTokenSource;
  tokenOrigin: string;
  traps: Trap[];
  warnings: string[];
}

export async function oidcWhoami(options: OidcWhoamiOptions): Promise<OidcWhoamiReport> {
  const identity = await oidcIdentity({ ...options, timeoutMs: options.timeoutMs ?? DEFAULT_OIDC_TIMEOUT_MS });
  const { facts } = identity;
  return {
    provider: 'oidc',
    ...facts,
    registration: identity.registration,
    tokenSource: identity.token.source,
    tokenOrigin: identity.token.origin,
    traps: identity.traps,
    warnings: [],
  };
}

/**
 * OIDC's whoami behind the seam (src/providers/registry.ts WHOAMI_PROVIDERS): it reads a token and
 * decodes it, with no SDK, so the registry imports it statically and `whoami --provider oidc
 * --token-file F` starts like gen-sql (the CLI bundle's start path; issue 22's budget).
 */
export const oidcWhoamiProvider: WhoamiProvider<OidcWhoamiReport> = {
  name: 'oidc',
  refuseOptions: (_command, given) => refuseAwsOptions(given),
  whoami: (options, env) => oidcWhoami({ tokenFile: options.tokenFile, audience: options.audience, timeoutMs: libraryTimeoutMs(options.timeoutMs), env }),
  whoamiDocument: (report) => oidcWhoamiDocument(report),
  renderWhoami: (report, c) => renderOidcWhoami(report, c),
};

export function oidcWhoamiDocument(report: OidcWhoamiReport): Record<string, unknown> {
  const { warnings: _warnings, ...document } = report;
  return { ok: true, ...document };
}

const MARKS = { error: '✖', warn: '!', info: '·' } as const;

export function renderOidcWhoami(report: OidcWhoamiReport, c: ChalkInstance, now = Date.now()): string {
  const label = (text: string) => c.bold(text.padEnd(17));
  const expires = report.expiresAt ? `${report.expiresAt} ${c.dim(`(${relative(Date.parse(report.expiresAt) - now)})`)}` : c.yellow('no exp claim');
  const lines = [
    `${label('Provider')}OIDC${report.platform ? c.dim(`  (${report.platform})`) : ''}`,
    `${label('Token from')}${TOKEN_SOURCE_LABELS[report.tokenSource]} ${c.dim(`(${report.tokenOrigin})`)}`,
    `${label('Issuer')}${report.issuer}`,
    `${label('Subject')}${report.subject}`,
    `${label('Audience')}${report.audience.join(', ') || c.yellow('(none)')}`,
    `${label('Expires')}${expires}`,
    `${label('Register')}${c.green(oidcIdentityClause(report.registration))}`,
    `${' '.repeat(17)}${c.dim('↑ exactly this: wif-check gen-sql --provider oidc --user NAME prints the statement')}`,
  ];
  lines.push(...trapLines(report.traps, c));
  return lines.join('\n');
}

/** Each trap as whoami prints it: a mark, the message and its code, then the fix indented (shared by the token providers). */
export function trapLines(traps: readonly Trap[], c: ChalkInstance): string[] {
  const paint = { error: c.red, warn: c.yellow, info: c.dim } as const;
  const lines: string[] = [];
  for (const trap of traps) {
    lines.push('', `${paint[trap.severity](MARKS[trap.severity])} ${trap.message} ${c.dim(`(${trap.code})`)}`);
    if (trap.fix) lines.push(...trap.fix.split('\n').map((line) => `  ${line}`));
  }
  return lines;
}

/** `in 42 min`, `expired 3 h ago` (shared by the token providers). */
export function relative(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const span = minutes < 1 ? 'less than a minute' : minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return ms < 0 ? `expired ${span} ago` : `in ${span}`;
}
