/**
 * `wif-check whoami --provider gcp`: the Google ID token the driver would send — subject (the
 * service account's numeric unique ID), e-mail, audience, expiry — and exactly what WORKLOAD_IDENTITY
 * must hold, with every trap found in it named and fixed. The token itself is never printed.
 */
import type { ChalkInstance } from 'chalk';
import type { Trap } from '../types.js';
import { gcpIdentity } from './identity.js';
import { gcpIdentityClause, uniqueIdCommand, type GcpRegistration, type GcpTokenFacts } from './rules.js';

export const DEFAULT_GCP_TIMEOUT_MS = 10_000;

export interface GcpWhoamiOptions {
  impersonationPath?: string | readonly string[] | undefined;
  timeoutMs?: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  now?: number | undefined;
}

export interface GcpWhoamiReport extends GcpTokenFacts {
  provider: 'gcp';
  registration: GcpRegistration;
  /** Where the token came from: the metadata server's host, or the credentials file. */
  tokenOrigin: string;
  credentials: 'metadata' | 'adc-file';
  /** --impersonation-path (empty without). */
  impersonationPath: string[];
  /** With a path: the workload's own account. */
  sourceAccount: { email: string | null; uniqueId: string | null } | null;
  traps: Trap[];
  warnings: string[];
}

export async function gcpWhoami(options: GcpWhoamiOptions): Promise<GcpWhoamiReport> {
  const identity = await gcpIdentity({ ...options, timeoutMs: options.timeoutMs ?? DEFAULT_GCP_TIMEOUT_MS });
  return {
    provider: 'gcp',
    ...identity.facts,
    registration: identity.registration,
    tokenOrigin: identity.token.origin,
    credentials: identity.token.credentials,
    impersonationPath: identity.token.impersonationPath,
    sourceAccount: identity.token.source ?? null,
    traps: identity.traps,
    warnings: [],
  };
}

export function gcpWhoamiDocument(report: GcpWhoamiReport): Record<string, unknown> {
  const { warnings: _warnings, ...document } = report;
  return { ok: true, ...document };
}

const MARKS = { error: '✖', warn: '!', info: '·' } as const;

export function renderGcpWhoami(report: GcpWhoamiReport, c: ChalkInstance, now = Date.now()): string {
  const label = (text: string) => c.bold(text.padEnd(17));
  const expires = report.expiresAt ? `${report.expiresAt} ${c.dim(`(in ${Math.max(0, Math.round((Date.parse(report.expiresAt) - now) / 60_000))} min)`)}` : c.yellow('no exp claim');
  const lines = [
    `${label('Provider')}GCP`,
    `${label('Token from')}${report.tokenOrigin}`,
    ...(report.impersonationPath.length
      ? [`${label('Impersonating')}${report.impersonationPath.join(' → ')}${report.sourceAccount?.email ? c.dim(`  (as ${report.sourceAccount.email})`) : ''}`]
      : []),
    `${label('Service account')}${report.email ?? c.yellow('(no email claim)')}`,
    `${label('Subject')}${report.subject} ${c.dim('(the unique ID: what Snowflake matches)')}`,
    `${label('Issuer')}${report.issuer}`,
    `${label('Audience')}${report.audience.join(', ') || c.yellow('(none)')}`,
    `${label('Expires')}${expires}`,
    `${label('Register')}${c.green(gcpIdentityClause(report.registration.subject))}`,
    `${' '.repeat(17)}${c.dim('↑ the unique ID, not the e-mail: wif-check gen-sql --provider gcp --user NAME prints the statement')}`,
  ];
  if (report.email) lines.push(`${' '.repeat(17)}${c.dim(`check: ${uniqueIdCommand(report.email)}`)}`);
  const paint = { error: c.red, warn: c.yellow, info: c.dim } as const;
  for (const trap of report.traps) {
    lines.push('', `${paint[trap.severity](MARKS[trap.severity])} ${trap.message} ${c.dim(`(${trap.code})`)}`);
    if (trap.fix) lines.push(...trap.fix.split('\n').map((line) => `  ${line}`));
  }
  return lines.join('\n');
}
