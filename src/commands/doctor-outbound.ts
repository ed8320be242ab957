/**
 * doctor's checks for AWS's JWT method (README "doctor", check ids stable):
 *   outbound-federation  the account has outbound identity federation enabled (a token was issued)
 *   web-identity-token   the principal may call sts:GetWebIdentityToken and got a token
 *   token-issuer         the token's iss (looks like an AWS account issuer)
 *   token-subject        the token's sub, and the path-free ARN to register
 *   token-audience       aud contains snowflakecomputing.com
 *   token-lifetime       exp − iat, and not already expired
 * Imported lazily (with jose) only when the JWT method is on.
 */
import { WifError, type ErrorKind } from '../core/errors.js';
import { SNOWFLAKE_AUDIENCE } from '../core/jwt-claims.js';
import type { AwsContext } from '../aws/identity.js';
import { outboundFacts, type OutboundFacts } from './outbound.js';
import type { MethodSource } from '../core/jwt-claims.js';
import type { OutboundCheckId } from './outbound-render.js';

export interface OutboundCheck {
  id: OutboundCheckId;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string | undefined;
  kind?: ErrorKind;
  code?: string | undefined;
}

const AFTER_TOKEN: OutboundCheckId[] = ['token-issuer', 'token-subject', 'token-audience', 'token-lifetime'];

/** The JWT checks, and the token's facts when STS issued one. */
export async function outboundChecks(
  aws: AwsContext,
  source: MethodSource,
  principal: string | null,
  impersonationPath: readonly string[] = [],
  now = Date.now(),
): Promise<{ checks: OutboundCheck[]; facts: OutboundFacts | undefined }> {
  if (impersonationPath.length > 0) {
    // The driver asks for its token as the last role of the path: wif-check's own token would be another identity's.
    const why = 'skipped: with --impersonation-path the driver gets the token as the last role; the login below checks it';
    return { checks: (['outbound-federation', 'web-identity-token', ...AFTER_TOKEN] as OutboundCheckId[]).map((id) => ({ id, status: 'skip', detail: why })), facts: undefined };
  }
  let facts: OutboundFacts;
  try {
    facts = await outboundFacts(aws, source, principal);
  } catch (error) {
    if (!(error instanceof WifError)) throw error;
    const failed = { status: 'fail' as const, detail: error.message, fix: error.hint, kind: error.kind, code: error.code };
    const skipped = (id: OutboundCheckId): OutboundCheck => ({ id, status: 'skip', detail: 'skipped: no token' });
    if (error.code === 'OUTBOUND_FEDERATION_DISABLED') return { checks: [{ id: 'outbound-federation', ...failed }, skipped('web-identity-token'), ...AFTER_TOKEN.map(skipped)], facts: undefined };
    return {
      checks: [{ id: 'outbound-federation', status: 'skip', detail: 'unknown: STS issued no token' }, { id: 'web-identity-token', ...failed }, ...AFTER_TOKEN.map(skipped)],
      facts: undefined,
    };
  }
  const checks: OutboundCheck[] = [
    { id: 'outbound-federation', status: 'ok', detail: `enabled for account ${String((facts.claims['https://sts.amazonaws.com/'] as Record<string, unknown> | undefined)?.aws_account ?? 'unknown')}` },
    { id: 'web-identity-token', status: 'ok', detail: `STS GetWebIdentityToken issued a ${facts.tokenHeader.alg ?? '?'} token${facts.tokenHeader.kid ? ` (key ${facts.tokenHeader.kid})` : ''}` },
  ];
  const issuerWarning = facts.warnings.find((warning) => warning.includes('issuer'));
  checks.push(
    facts.issuer === null
      ? { id: 'token-issuer', status: 'fail', detail: 'the token has no iss claim', kind: 'aws', code: 'TOKEN_NO_ISSUER' }
      : { id: 'token-issuer', status: issuerWarning ? 'warn' : 'ok', detail: issuerWarning ?? `${facts.issuer} (register it as ISSUER)`, code: issuerWarning ? 'UNUSUAL_ISSUER' : undefined },
  );
  checks.push(
    facts.subjectSnowflakeArn === null
      ? { id: 'token-subject', status: 'fail', detail: `${facts.subject ?? 'no sub claim'}: not an ARN Snowflake can match`, kind: 'verification', code: 'TOKEN_SUBJECT_UNUSABLE' }
      : { id: 'token-subject', status: 'ok', detail: `${facts.subject}${facts.subject !== facts.subjectSnowflakeArn ? ` → register ${facts.subjectSnowflakeArn} (Snowflake matches the role by name)` : ''}` },
  );
  checks.push(
    facts.audience.includes(SNOWFLAKE_AUDIENCE)
      ? { id: 'token-audience', status: 'ok', detail: facts.audience.join(', ') }
      : { id: 'token-audience', status: 'fail', detail: `${facts.audience.join(', ') || 'none'}, not ${SNOWFLAKE_AUDIENCE}`, kind: 'aws', code: 'TOKEN_AUDIENCE' },
  );
  const left = facts.expiresAt ? Math.round((Date.parse(facts.expiresAt) - now) / 1000) : null;
  checks.push(
    left === null || left <= 0
      ? { id: 'token-lifetime', status: 'fail', detail: left === null ? 'the token has no exp claim' : `the token expired ${-left} s ago: check this machine's clock`, kind: 'aws', code: 'TOKEN_EXPIRED' }
      : { id: 'token-lifetime', status: 'ok', detail: `${facts.lifetimeSeconds ?? '?'} s (expires ${facts.expiresAt})` },
  );
  return { checks, facts };
}
