/**
 * `wif-check whoami --provider azure`: the token the driver would send — issuer, subject (the
 * identity's object ID), tenant, the managed identity it came from, audience, expiry — and exactly
 * what WORKLOAD_IDENTITY must hold, with every trap named and fixed. The token itself is never
 * printed, in any mode.
 */
import type { ChalkInstance } from 'chalk';
import { WifError } from '../../core/errors.js';
import type { Trap } from '../types.js';
import { relative, trapLines } from '../oidc/whoami.js';
import { azureEnvironmentTraps, azureIdentity } from './identity.js';
import { AZURE_SOURCE_LABELS, type AzureRegistration, type AzureTokenFacts, type AzureTokenSource } from './rules.js';
import { azureIdentityClause } from './sql.js';

export const DEFAULT_AZURE_TIMEOUT_MS = 20_000;

export interface AzureWhoamiOptions {
  clientId?: string | undefined;
  resource?: string | undefined;
  timeoutMs?: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  now?: number | undefined;
}

export interface AzureWhoamiReport extends AzureTokenFacts {
  provider: 'azure';
  registration: AzureRegistration;
  /** The same registration with the issuer in the form Snowflake's docs show (v2), when the token carries the v1 form. */
  documentedForm: AzureRegistration | null;
  tokenSource: AzureTokenSource;
  tokenOrigin: string;
  /** The resource the token was asked for. */
  resource: string;
  traps: Trap[];
  warnings: string[];
}

/** A failure to get the token, with what the environment already shows (an AKS pod without workload identity, …). */
export function withEnvironmentTraps(error: unknown, traps: readonly Trap[]): unknown {
  if (!(error instanceof WifError) || traps.length === 0) return error;
  const extra = traps.filter((trap) => trap.code !== error.code).map((trap) => `${trap.message}${trap.fix ? `\n  ${trap.fix.split('\n').join('\n  ')}` : ''}`);
  if (extra.length === 0) return error;
  return new WifError(error.kind, error.message, { code: error.code, hint: [...extra, ...(error.hint ? [error.hint] : [])].join('\n') });
}

export async function azureWhoami(options: AzureWhoamiOptions): Promise<AzureWhoamiReport> {
  let identity;
  try {
    identity = await azureIdentity({ ...options, timeoutMs: options.timeoutMs ?? DEFAULT_AZURE_TIMEOUT_MS });
  } catch (error) {
    throw withEnvironmentTraps(error, azureEnvironmentTraps(options));
  }
  return {
    provider: 'azure',
    ...identity.facts,
    registration: identity.registration,
    documentedForm: identity.documentedForm,
    tokenSource: identity.token.source,
    tokenOrigin: identity.token.origin,
    resource: identity.token.resource,
    traps: identity.traps,
    warnings: [],
  };
}

export function azureWhoamiDocument(report: AzureWhoamiReport): Record<string, unknown> {
  const { warnings: _warnings, ...document } = report;
  return { ok: true, ...document };
}

export function renderAzureWhoami(report: AzureWhoamiReport, c: ChalkInstance, now = Date.now()): string {
  const label = (text: string) => c.bold(text.padEnd(17));
  const expires = report.expiresAt ? `${report.expiresAt} ${c.dim(`(${relative(Date.parse(report.expiresAt) - now)})`)}` : c.yellow('no exp claim');
  const mi = report.managedIdentity;
  const lines = [
    `${label('Provider')}AZURE${report.platform ? c.dim(`  (${report.platform})`) : ''}`,
    `${label('Token from')}${AZURE_SOURCE_LABELS[report.tokenSource]} ${c.dim(`(${report.tokenOrigin})`)}`,
    `${label('Issuer')}${report.issuer} ${c.dim(`(${report.issuerForm === 'v1' ? 'Entra v1 form' : report.issuerForm === 'v2' ? 'Entra v2 form' : 'not Entra'}${report.tokenVersion ? `, token v${report.tokenVersion}` : ''})`)}`,
    `${label('Subject')}${report.subject} ${c.dim('(the object / principal ID)')}`,
    `${label('Client ID')}${report.clientId ?? c.dim('(none in the token)')} ${c.dim('(never the SUBJECT)')}`,
    `${label('Tenant')}${report.tenant ?? c.yellow('(unknown)')}`,
    ...(mi ? [`${label('Identity')}${mi.kind} ${mi.name} ${c.dim(`(xms_mirid ${mi.resourceId})`)}`] : []),
    `${label('Audience')}${report.audience.join(', ') || c.yellow('(none)')}`,
    `${label('Expires')}${expires}`,
    `${label('Register')}${c.green(azureIdentityClause(report.registration))}`,
    `${' '.repeat(17)}${c.dim('↑ what the token carries: wif-check gen-sql --provider azure --user NAME prints the statement')}`,
    ...(report.documentedForm ? [`${label('Docs\' form')}${azureIdentityClause(report.documentedForm)}`] : []),
  ];
  lines.push(...trapLines(report.traps, c));
  return lines.join('\n');
}
