/**
 * Text output for the JWT method (whoami, connect). No jose, no SDK: renderers run synchronously
 * on reports the commands built (src/commands/outbound.ts). Values arrive terminal-safe (Printer.render).
 */
import { formatSeconds } from '../core/aws-failures.js';
import { SNOWFLAKE_SIGNING_ALGORITHM } from '../core/jwt-claims.js';
import type { OutboundFacts } from './outbound.js';

/** "expires in 300 s" / "expired 12 s ago". */
export function describeExpiry(expiresAt: string | null, now = Date.now()): string {
  if (!expiresAt) return 'no expiry';
  const seconds = Math.round((Date.parse(expiresAt) - now) / 1000);
  return seconds >= 0 ? `expires in ${formatSeconds(seconds * 1000)}` : `expired ${formatSeconds(-seconds * 1000)} ago`;
}

/** whoami's lines for the JWT method (values already terminal-safe). */
export function outboundLines(facts: OutboundFacts, label: (text: string) => string, dim: (text: string) => string): string[] {
  const from = facts.methodSource === 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN' ? dim('  (from SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true)') : '';
  const audience = facts.audience.join(', ') || 'none';
  const keyId = facts.tokenHeader.kid ? `, key ${facts.tokenHeader.kid}` : '';
  return [
    `${label('Method')}outbound token (STS GetWebIdentityToken, ${facts.tokenHeader.alg ?? SNOWFLAKE_SIGNING_ALGORITHM}, audience ${audience})${from}`,
    `${label('Token issuer')}${facts.issuer ?? 'none'}`,
    `${label('Token subject')}${facts.subject ?? 'none'}   ${dim(`(${describeExpiry(facts.expiresAt)}${keyId})`)}`,
    ...awsClaimLines(facts.claims, label),
  ];
}

function awsClaimLines(claims: Record<string, unknown>, label: (text: string) => string): string[] {
  const aws = claims['https://sts.amazonaws.com/'];
  if (!aws || typeof aws !== 'object' || Array.isArray(aws)) return [];
  const parts = Object.entries(aws as Record<string, unknown>)
    .filter(([name]) => name !== 'principal_id')
    .map(([name, value]) => `${name}=${Array.isArray(value) ? `[${value.join(', ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return parts.length ? [`${label('Token claims')}${parts.join('  ')}`] : [];
}

/** doctor's check ids for the JWT method (src/commands/doctor-outbound.ts), and their titles. */
export type OutboundCheckId = 'outbound-federation' | 'web-identity-token' | 'token-issuer' | 'token-subject' | 'token-audience' | 'token-lifetime';

export const OUTBOUND_CHECK_TITLES: Record<OutboundCheckId, string> = {
  'outbound-federation': 'JWT federation',
  'web-identity-token': 'Identity token',
  'token-issuer': 'Token issuer',
  'token-subject': 'Token subject',
  'token-audience': 'Token audience',
  'token-lifetime': 'Token lifetime',
};
