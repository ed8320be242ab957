/**
 * The JWT method's part of whoami, gen-sql and doctor: get the web identity token Snowflake would
 * get, and turn its claims into what the commands show. Imported lazily (with jose) only when the
 * JWT method is on. The token itself is never returned: only its claims.
 */
import { WifError } from '../core/errors.js';
import {
  SNOWFLAKE_AUDIENCE,
  subjectToSnowflakeArn,
  unusualIssuerWarning,
  type MethodSource,
  type TokenSummary,
} from '../core/jwt-claims.js';
import type { AwsContext } from '../aws/identity.js';
import { getWebIdentityToken } from '../aws/web-identity.js';

export interface OutboundFacts {
  method: 'outbound-token';
  methodSource: MethodSource;
  issuer: string | null;
  subject: string | null;
  audience: string[];
  expiresAt: string | null;
  /** The decoded payload (principal/request tag values left out). */
  claims: Record<string, unknown>;
  tokenHeader: { alg: string | null; kid: string | null };
  lifetimeSeconds: number | null;
  /** The path-free ARN from the token's subject, or null when it cannot be read. */
  subjectSnowflakeArn: string | null;
  /** Notes for stderr (a path removed from the subject). */
  notes: string[];
  /** Warnings for stderr (an issuer that does not look like AWS's). */
  warnings: string[];
}

/** Asks STS for a token (throws WifError on refusal) and describes it. */
export async function outboundFacts(context: AwsContext, methodSource: MethodSource, principal: string | null | PromiseLike<string | null>): Promise<OutboundFacts> {
  const token = await getWebIdentityToken(context, { principal });
  return factsOf(token.summary, methodSource);
}

export function factsOf(summary: TokenSummary, methodSource: MethodSource): OutboundFacts {
  const subject = subjectToSnowflakeArn(summary.subject);
  const warnings: string[] = [];
  if (summary.issuer === null) warnings.push('the token has no iss claim: Snowflake cannot verify it');
  else {
    const unusual = unusualIssuerWarning(summary.issuer);
    if (unusual) warnings.push(unusual);
  }
  if (!subject.ok) warnings.push(subject.error);
  if (!summary.audience.includes(SNOWFLAKE_AUDIENCE)) warnings.push(`the token's audience is ${summary.audience.join(', ') || 'empty'}, not ${SNOWFLAKE_AUDIENCE}`);
  return {
    method: 'outbound-token',
    methodSource,
    issuer: summary.issuer,
    subject: summary.subject,
    audience: summary.audience,
    expiresAt: summary.expiresAt,
    claims: summary.claims,
    tokenHeader: { alg: summary.algorithm, kid: summary.keyId },
    lifetimeSeconds: summary.lifetimeSeconds,
    subjectSnowflakeArn: subject.ok ? subject.arn : null,
    notes: subject.ok ? subject.notes : [],
    warnings,
  };
}

/** The issuer a gen-sql/fix needs, or a clear error when the token has none. */
export function requireIssuer(facts: OutboundFacts): string {
  if (facts.issuer === null) throw new WifError('aws', 'The web identity token from STS has no issuer (iss claim)', { code: 'STS_UNEXPECTED_ANSWER' });
  return facts.issuer;
}
