/**
 * The Snowflake side of `WORKLOAD_IDENTITY = (TYPE = OIDC …)` for the test bed: verifies a
 * WORKLOAD_IDENTITY login with PROVIDER 'OIDC', whose TOKEN is the ID token itself (snowflake-sdk
 * 3.3.0 auth_workload_identity.js sends the `token` option as is), with `jose`.
 *
 * What it follows (docs.snowflake.com user-guide/workload-identity-federation; ../shared/FACTS.md
 * "Every provider"):
 * - only RS256/384/512 and ES256/384/512; the token must carry `iat`;
 * - the keys come from the issuer: `<iss>/.well-known/openid-configuration` (whose `issuer` must be
 *   the token's `iss`, OpenID Connect Discovery §4.3) names `jwks_uri`; keys are cached up to 60
 *   minutes (`jwksCacheSeconds`);
 * - the user: a TYPE = SERVICE user whose ISSUER and SUBJECT equal the token's `iss` and `sub`
 *   exactly (case-sensitive; a trailing `*` is a literal, as before behaviour change 2026_08 —
 *   `subjectWildcard` plays the change: a trailing `*` then matches any suffix); the token's `aud`
 *   must contain one of the user's OIDC_AUDIENCE_LIST, or `snowflakecomputing.com` when the user
 *   has none.
 *
 * Safety: the simulator fetches discovery documents and JWKS only from 127.0.0.1, localhost or
 * [::1] (after `resolveIssuerUrl`, which maps the test bed's public-looking issuers, e.g.
 * `https://token.actions.githubusercontent.com`, to where they are served on loopback), never with
 * credentials in the URL, never following redirects. Any other issuer is refused without a
 * request. Every URL fetched is recorded (`OidcKeyCache.fetches`).
 *
 * Invented here, because Snowflake's behaviour is not public (docs/how-it-works.md):
 * - every message. Snowflake's wording for OIDC failures is NOT publicly known (FACTS "Every
 *   provider"); these say "(Snowflake simulator)" so no one mistakes them for Snowflake's. Token
 *   failures start with OIDC_TOKEN_INVALID_PREFIX (code 390431, as the AWS attestation failures);
 *   a verified token no user accepts gets OIDC_USER_NOT_FOUND_MESSAGE (code 390432, as the AWS
 *   unmapped caller; it shares the AWS message's "Unable to find an associated Snowflake user"),
 *   the same for an unknown subject, another issuer or an audience the user does not accept, as a
 *   mismatch "silently fails auth with a generic error" (Snowflake-Labs/sf-cheatsheets). With
 *   `explainMismatch`, the message says which (whether real Snowflake ever does is not known);
 * - `exp` is required too (every issuer sets it; the docs only name `iat`); 60 s of clock skew;
 * - a kid the cached JWKS lacks makes the simulator fetch the keys once more before refusing;
 * - several users with the same ISSUER and SUBJECT (Snowflake allows it, as far as is known): the
 *   first in the user table whose audience rule accepts the token.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { SNOWFLAKE_OIDC_ALGORITHMS, issuerBase } from './oidc-issuer.js';

/** The audience a token must carry for a user without OIDC_AUDIENCE_LIST. */
export const OIDC_DEFAULT_AUDIENCE = 'snowflakecomputing.com';
export const DEFAULT_JWKS_CACHE_SECONDS = 3600;
export const OIDC_CLOCK_SKEW_SECONDS = 60;
/** Registration limits (FACTS "Every provider"). */
export const OIDC_SUBJECT_MAX_LENGTH = 255;
export const OIDC_ISSUER_MAX_LENGTH = 2048;

/** The start of every token-verification refusal (simulator wording; code 390431). */
export const OIDC_TOKEN_INVALID_PREFIX = 'The OIDC token could not be verified (Snowflake simulator): ';
/** The start of every refusal of a verified token that maps to no user (simulator wording; code 390432). */
export const OIDC_USER_NOT_FOUND_PREFIX = 'Unable to find an associated Snowflake user for the verified OIDC token';
/** The refusal of a verified token that maps to no user (without explainMismatch). */
export const OIDC_USER_NOT_FOUND_MESSAGE = `${OIDC_USER_NOT_FOUND_PREFIX} (Snowflake simulator).`;

/** Why an OIDC login was refused (recorded with each login; the first group is code 390431, the second 390432). */
export type OidcRefusalReason =
  | 'not-a-jwt'
  | 'algorithm'
  | 'missing-claim'
  | 'issuer-not-allowed'
  | 'issuer-unreachable'
  | 'discovery-invalid'
  | 'unknown-kid'
  | 'bad-signature'
  | 'no-iat'
  | 'no-exp'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  // A verified token that no user accepts:
  | 'unknown-subject'
  | 'issuer-mismatch'
  | 'not-service-user'
  | 'audience-not-listed'
  | 'audience-not-default';

export const OIDC_UNMAPPED_REASONS: ReadonlySet<OidcRefusalReason> = new Set(['unknown-subject', 'issuer-mismatch', 'not-service-user', 'audience-not-listed', 'audience-not-default']);

export interface OidcRegistration {
  type: 'OIDC';
  issuer: string;
  subject: string;
  /** OIDC_AUDIENCE_LIST; absent or empty: the audience must be snowflakecomputing.com. */
  audienceList?: string[] | undefined;
}

export interface OidcUser {
  name: string;
  type?: 'SERVICE' | 'PERSON' | undefined;
  workloadIdentity?: OidcRegistration | undefined;
}

export type OidcLoginVerdict<U extends OidcUser = OidcUser> =
  | { ok: true; user: U; issuer: string; subject: string; audience: string[] }
  | { ok: false; reason: OidcRefusalReason; message: string; issuer?: string | undefined; subject?: string | undefined; audience?: string[] | undefined };

/** Whether a URL may be fetched by the simulator: http(s) on 127.0.0.1, localhost or [::1], no credentials. */
export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
}

export interface OidcKeyCacheOptions {
  /** Maps a public-looking issuer's URLs to loopback (the test bed's issuers); loopback URLs need none. */
  resolveIssuerUrl?: ((url: string) => string | undefined) | undefined;
  /** Default 3600 (Snowflake: "cached up to 60 minutes"). */
  jwksCacheSeconds?: number | undefined;
}

export interface OidcKeyCache {
  /** The issuer's keys, from the cache unless `refresh` or stale. */
  keysFor(issuer: string, refresh?: boolean): Promise<{ ok: true; jwks: JSONWebKeySet; fresh: boolean } | { ok: false; reason: OidcRefusalReason; why: string }>;
  /** Every URL fetched (on loopback), in order. */
  fetches: string[];
  clear(): void;
}

export function createOidcKeyCache(opts: OidcKeyCacheOptions = {}): OidcKeyCache {
  const cache = new Map<string, { jwks: JSONWebKeySet; fetchedAt: number }>();
  const fetches: string[] = [];
  const ttlMs = (opts.jwksCacheSeconds ?? DEFAULT_JWKS_CACHE_SECONDS) * 1000;

  /** Where a URL is fetched: its loopback resolution, or itself when on loopback; undefined: never. */
  const target = (url: string): string | undefined => {
    const resolved = opts.resolveIssuerUrl?.(url) ?? url;
    return isLoopbackUrl(resolved) ? resolved : undefined;
  };

  const fetchJson = async (url: string): Promise<unknown> => {
    fetches.push(url);
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
    return (await response.json()) as unknown;
  };

  const keysFor: OidcKeyCache['keysFor'] = async (issuer, refresh = false) => {
    const cached = cache.get(issuer);
    if (cached && !refresh && Date.now() - cached.fetchedAt < ttlMs) return { ok: true, jwks: cached.jwks, fresh: false };
    const discoveryUrl = target(`${issuerBase(issuer)}/.well-known/openid-configuration`);
    if (!discoveryUrl) {
      return { ok: false, reason: 'issuer-not-allowed', why: `the issuer '${issuer}' is not on this machine; the simulator fetches keys only from issuers on 127.0.0.1 or localhost.` };
    }
    let discovery: unknown;
    try {
      discovery = await fetchJson(discoveryUrl);
    } catch (error) {
      return { ok: false, reason: 'issuer-unreachable', why: `the issuer's discovery document could not be fetched (${error instanceof Error ? error.message : String(error)}).` };
    }
    const doc = (typeof discovery === 'object' && discovery !== null ? discovery : {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== issuer) return { ok: false, reason: 'discovery-invalid', why: `the issuer's discovery document names another issuer ('${String(doc.issuer)}').` };
    if (typeof doc.jwks_uri !== 'string') return { ok: false, reason: 'discovery-invalid', why: "the issuer's discovery document has no jwks_uri." };
    const jwksUrl = target(doc.jwks_uri);
    if (!jwksUrl) return { ok: false, reason: 'discovery-invalid', why: `the issuer's jwks_uri '${doc.jwks_uri}' is not on this machine; the simulator fetches keys only from 127.0.0.1 or localhost.` };
    let jwks: unknown;
    try {
      jwks = await fetchJson(jwksUrl);
    } catch (error) {
      return { ok: false, reason: 'issuer-unreachable', why: `the issuer's JWKS could not be fetched (${error instanceof Error ? error.message : String(error)}).` };
    }
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
      return { ok: false, reason: 'discovery-invalid', why: "the issuer's JWKS is not a key set." };
    }
    cache.set(issuer, { jwks: jwks as JSONWebKeySet, fetchedAt: Date.now() });
    return { ok: true, jwks: jwks as JSONWebKeySet, fresh: true };
  };

  return { keysFor, fetches, clear: () => cache.clear() };
}

export interface OidcLoginOptions<U extends OidcUser = OidcUser> {
  users: readonly U[];
  keys: OidcKeyCache;
  /** Behaviour change 2026_08: a trailing `*` in SUBJECT matches any suffix. Default false (a literal). */
  subjectWildcard?: boolean | undefined;
  /** Say which part of the registration did not match (default: one generic message). */
  explainMismatch?: boolean | undefined;
  clockSkewSeconds?: number | undefined;
}

const quoteList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** `aud` as a list (a string is a list of one; anything else none). */
export function audienceOf(payload: JWTPayload): string[] {
  if (typeof payload.aud === 'string') return [payload.aud];
  return Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : [];
}

/** Whether a registration's SUBJECT accepts `subject` (exact; with the wildcard change, a trailing `*` is a prefix match). */
export function subjectMatches(registered: string, subject: string, wildcard: boolean): boolean {
  if (registered === subject) return true;
  return wildcard && registered.endsWith('*') && subject.startsWith(registered.slice(0, -1));
}

/** Whether a registration accepts a token's audiences. */
export function audienceAccepted(registration: OidcRegistration, audience: readonly string[]): boolean {
  const list = registration.audienceList ?? [];
  return list.length > 0 ? audience.some((a) => list.includes(a)) : audience.includes(OIDC_DEFAULT_AUDIENCE);
}

export async function verifyOidcLogin<U extends OidcUser>(token: unknown, opts: OidcLoginOptions<U>): Promise<OidcLoginVerdict<U>> {
  const skew = opts.clockSkewSeconds ?? OIDC_CLOCK_SKEW_SECONDS;
  let facts: { issuer?: string; subject?: string; audience?: string[] } = {};
  const invalid = (reason: OidcRefusalReason, why: string): OidcLoginVerdict<U> => ({ ok: false, reason, message: `${OIDC_TOKEN_INVALID_PREFIX}${why}`, ...facts });

  if (typeof token !== 'string' || token === '') return invalid('not-a-jwt', 'the token is empty.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return invalid('not-a-jwt', 'the token is not a JWT.');
  }
  const issuer = typeof unverified.iss === 'string' ? unverified.iss : undefined;
  const subject = typeof unverified.sub === 'string' ? unverified.sub : undefined;
  const audience = audienceOf(unverified);
  facts = { ...(issuer !== undefined ? { issuer } : {}), ...(subject !== undefined ? { subject } : {}), audience };

  const algorithms: readonly string[] = SNOWFLAKE_OIDC_ALGORITHMS;
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    return invalid('algorithm', `the token is signed with ${String(header.alg)}; Snowflake accepts only ${SNOWFLAKE_OIDC_ALGORITHMS.join(', ')}.`);
  }
  if (!issuer) return invalid('missing-claim', "the token has no 'iss' (issuer) claim.");
  if (!subject) return invalid('missing-claim', "the token has no 'sub' (subject) claim.");

  let keys = await opts.keys.keysFor(issuer);
  if (!keys.ok) return invalid(keys.reason, keys.why);
  const verify = (jwks: JSONWebKeySet) =>
    jwtVerify(token, createLocalJWKSet(jwks), { algorithms: [...SNOWFLAKE_OIDC_ALGORITHMS], issuer, clockTolerance: skew, requiredClaims: ['iat', 'exp'] });
  let payload: JWTPayload;
  try {
    try {
      payload = (await verify(keys.jwks)).payload;
    } catch (error) {
      // A kid the cached keys lack: fetch them once more (a rotated issuer) before refusing.
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || keys.fresh) throw error;
      keys = await opts.keys.keysFor(issuer, true);
      if (!keys.ok) return invalid(keys.reason, keys.why);
      payload = (await verify(keys.jwks)).payload;
    }
  } catch (error) {
    const { code, claim } = error as { code?: unknown; claim?: unknown };
    switch (code) {
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return invalid('unknown-kid', header.kid === undefined ? "no key in the issuer's JWKS fits the token (it names no key id)." : `no key in the issuer's JWKS has the token's key id '${header.kid}'.`);
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return invalid('bad-signature', "the signature does not verify with the issuer's keys.");
      case 'ERR_JWT_EXPIRED':
        return invalid('expired', `the token expired at ${typeof unverified.exp === 'number' ? iso(unverified.exp) : 'an unknown time'}.`);
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        if (claim === 'iat') return invalid('no-iat', "the token has no valid 'iat' (issued at) claim, which Snowflake requires.");
        if (claim === 'exp') return invalid('no-exp', "the token has no valid 'exp' (expiry) claim.");
        if (claim === 'nbf') return invalid('not-yet-valid', `the token is not valid before ${typeof unverified.nbf === 'number' ? iso(unverified.nbf) : 'an unknown time'}.`);
        return invalid('missing-claim', `the token's '${String(claim)}' claim is not valid.`);
      default:
        return invalid('bad-signature', `the token does not verify (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  const iat = payload.iat ?? 0;
  if (iat > Date.now() / 1000 + skew) return invalid('issued-in-future', `the token's 'iat' is in the future (${iso(iat)}).`);

  // The user: exact ISSUER and SUBJECT, TYPE = SERVICE, then the audience rule.
  const registered = opts.users.filter((user) => user.workloadIdentity?.type === 'OIDC');
  const bySubject = registered.filter((user) => subjectMatches(user.workloadIdentity?.subject ?? '', subject, opts.subjectWildcard === true));
  const byIssuer = bySubject.filter((user) => user.workloadIdentity?.issuer === issuer);
  const services = byIssuer.filter((user) => (user.type ?? 'SERVICE') === 'SERVICE');
  const user = services.find((candidate) => candidate.workloadIdentity && audienceAccepted(candidate.workloadIdentity, audience));
  if (user) return { ok: true, user, issuer, subject, audience };

  const unmapped = (reason: OidcRefusalReason, detail: string): OidcLoginVerdict<U> => ({
    ok: false,
    reason,
    message: opts.explainMismatch ? `${OIDC_USER_NOT_FOUND_PREFIX} (Snowflake simulator): ${detail}` : OIDC_USER_NOT_FOUND_MESSAGE,
    issuer,
    subject,
    audience,
  });
  const first = services[0];
  if (first?.workloadIdentity) {
    const list = first.workloadIdentity.audienceList ?? [];
    return list.length > 0
      ? unmapped('audience-not-listed', `user '${first.name.toUpperCase()}' has this ISSUER and SUBJECT, but its OIDC_AUDIENCE_LIST (${quoteList(list)}) contains none of the token's audiences (${quoteList(audience)}).`)
      : unmapped('audience-not-default', `user '${first.name.toUpperCase()}' has this ISSUER and SUBJECT and no OIDC_AUDIENCE_LIST, so the token's audience must be '${OIDC_DEFAULT_AUDIENCE}', not ${quoteList(audience) || 'none'}.`);
  }
  const person = byIssuer[0];
  if (person) return unmapped('not-service-user', `user '${person.name.toUpperCase()}' has this ISSUER and SUBJECT but is not TYPE = SERVICE.`);
  const other = bySubject[0];
  if (other?.workloadIdentity) return unmapped('issuer-mismatch', `user '${other.name.toUpperCase()}' has SUBJECT '${subject}' with another ISSUER ('${other.workloadIdentity.issuer}').`);
  return unmapped('unknown-subject', `no SERVICE user has ISSUER '${issuer}' and SUBJECT '${subject}'.`);
}
