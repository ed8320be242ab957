/**
 * The Snowflake side of AWS's JWT method for the local test bed: verifies a WORKLOAD_IDENTITY login
 * whose TOKEN is an STS web identity token, as Snowflake is documented to (release note 2026-05-12;
 * ../shared/FACTS.md "AWS's JWT method"), with `jose`:
 * - the token's `iss` must be an https issuer; its discovery document
 *   (`<iss>/.well-known/openid-configuration`) must name the same issuer, and its `jwks_uri` gives
 *   the keys; the signature must verify with one of them (ES384 or RS256);
 * - `aud` must contain `snowflakecomputing.com`; `exp` and `iat` are checked with a clock skew
 *   (default 60 s); `sub` is required;
 * - the user: a SERVICE user whose ISSUER equals `iss` and whose registered ARN names the same
 *   partition, account and role (or user) as `sub`, BY NAME, exactly as for the classic method
 *   (snowflake.ts registeredIdentityKey: a registered `role/<path>/NAME` is stored as its first
 *   path segment). Users without ISSUER never match a token.
 *
 * Not known, invented here (docs/how-it-works.md): Snowflake's messages. An unmapped token is
 * refused with a message that shares the classic prefix "Unable to find an associated Snowflake
 * user" (FACTS.md says to assume that); a token that fails verification with "The AWS web identity
 * token could not be verified: …". With `explainIssuerMismatch`, a token whose role matches a user
 * registered with another issuer is refused with a message that names the issuer (whether real
 * Snowflake tells these apart is not known; by default it does not).
 *
 * Issuer hosts do not resolve on the test bed: `resolveIssuerUrl` maps an https issuer URL to where
 * the STS simulator serves it (web-identity.ts), and the documents are fetched over HTTP from there.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';

export const JWT_AUDIENCE = 'snowflakecomputing.com';
/** The (assumed) message for a verified token that maps to no user. */
export const JWT_USER_NOT_FOUND_MESSAGE = 'Unable to find an associated Snowflake user for the verified AWS web identity token.';
export const JWT_ISSUER_MISMATCH_MESSAGE = 'Unable to find an associated Snowflake user: the token issuer does not match the ISSUER of the workload identity.';
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

export interface JwtUser {
  name: string;
  workloadIdentityArn?: string | undefined;
  workloadIdentityIssuer?: string | undefined;
  type?: 'SERVICE' | 'PERSON' | undefined;
}

export interface JwtKey {
  partition: string;
  account: string;
  type: 'IAM_ROLE' | 'IAM_USER';
  name: string;
}

export interface JwtLoginOptions {
  users: readonly JwtUser[];
  resolveIssuerUrl: ((url: string) => string | undefined) | undefined;
  /** How a registered ARN is stored (snowflake.ts registeredIdentityKey). */
  registeredKey: (arn: string) => JwtKey | undefined;
  clockSkewSeconds?: number | undefined;
  explainIssuerMismatch?: boolean | undefined;
}

export type JwtLoginVerdict =
  | { ok: true; user: JwtUser; subject: string; issuer: string }
  | { ok: false; reason: 'invalid' | 'unmapped'; message: string; subject?: string | undefined };

/** Three base64url parts, the first a JSON header: the shape of a JWS compact token. */
export function looksLikeJwt(token: unknown): token is string {
  return typeof token === 'string' && /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** `sub` → the key it is matched with: the role's or user's NAME (the last segment), as for GetCallerIdentity. */
export function subjectKey(subject: string): JwtKey | undefined {
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/(?:.+\/)?([^/]+)$/.exec(subject);
  if (!m) return undefined;
  const [, partition = '', account = '', kind, name = ''] = m;
  return { partition, account, type: kind === 'role' ? 'IAM_ROLE' : 'IAM_USER', name };
}

const sameKey = (a: JwtKey, b: JwtKey) => a.partition === b.partition && a.account === b.account && a.type === b.type && a.name === b.name;
const normalIssuer = (issuer: string) => issuer.trim().replace(/\/$/, '');

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.json()) as unknown;
}

export async function verifyJwtLogin(token: string, opts: JwtLoginOptions): Promise<JwtLoginVerdict> {
  const invalid = (why: string, subject?: string): JwtLoginVerdict => ({ ok: false, reason: 'invalid', message: `The AWS web identity token could not be verified: ${why}`, subject });
  let unverified: ReturnType<typeof decodeJwt>;
  try {
    unverified = decodeJwt(token);
  } catch {
    return invalid('the token is not a JWT.');
  }
  const issuer = typeof unverified.iss === 'string' ? unverified.iss : '';
  const discoveryUrl = opts.resolveIssuerUrl?.(`${normalIssuer(issuer)}/.well-known/openid-configuration`);
  if (!/^https:\/\//.test(issuer) || !discoveryUrl) return invalid(`the issuer '${issuer}' is not a trusted AWS STS issuer.`);
  let jwks: JSONWebKeySet;
  try {
    const discovery = (await fetchJson(discoveryUrl)) as { issuer?: unknown; jwks_uri?: unknown };
    if (discovery.issuer !== normalIssuer(issuer) || typeof discovery.jwks_uri !== 'string') return invalid('the issuer\'s discovery document does not match it.');
    const jwksUrl = opts.resolveIssuerUrl?.(discovery.jwks_uri);
    if (!jwksUrl) return invalid('the issuer\'s jwks_uri is not on the issuer.');
    jwks = (await fetchJson(jwksUrl)) as JSONWebKeySet;
  } catch (error) {
    return invalid(`the issuer's keys could not be fetched (${error instanceof Error ? error.message : String(error)}).`);
  }
  let subject: string;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: normalIssuer(issuer),
      audience: JWT_AUDIENCE,
      algorithms: ['ES384', 'RS256'],
      clockTolerance: opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    subject = payload.sub ?? '';
    const iat = payload.iat ?? 0;
    if (iat > Date.now() / 1000 + (opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS)) return invalid('the token was issued in the future.');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return invalid(`${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}.`);
  }
  const key = subjectKey(subject);
  const candidates = opts.users.filter((user) => {
    if ((user.type ?? 'SERVICE') !== 'SERVICE' || !user.workloadIdentityArn || !key) return false;
    const stored = opts.registeredKey(user.workloadIdentityArn);
    return stored !== undefined && sameKey(stored, key);
  });
  const user = candidates.find((u) => u.workloadIdentityIssuer !== undefined && normalIssuer(u.workloadIdentityIssuer) === normalIssuer(issuer));
  if (user) return { ok: true, user, subject, issuer: normalIssuer(issuer) };
  const mismatch = opts.explainIssuerMismatch === true && candidates.some((u) => u.workloadIdentityIssuer !== undefined);
  return { ok: false, reason: 'unmapped', message: mismatch ? JWT_ISSUER_MISMATCH_MESSAGE : JWT_USER_NOT_FOUND_MESSAGE, subject };
}
