/**
 * The Snowflake side of `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '…' SUBJECT = '…')` for the test
 * bed: verifies a WORKLOAD_IDENTITY login with PROVIDER 'AZURE', whose TOKEN is the Entra access
 * token the driver got for Snowflake's application (snowflake-sdk 3.4.1 attestation_azure.js sends
 * `token.token` as is), and maps it to a user.
 *
 * What it follows (docs.snowflake.com user-guide/workload-identity-federation; ../shared/FACTS.md
 * "Third round"): the user is a TYPE = SERVICE user whose SUBJECT equals the token's `sub` exactly
 * (case-sensitive) and whose ISSUER is the token's `iss`; the token is for Snowflake's Entra
 * application (`aud` api://fd3f753b-… in a v1.0 token, fd3f753b-… in a v2.0 one); sovereign clouds
 * are not supported; only RS/ES algorithms, `iat` required.
 *
 * Invented here, because Snowflake's behaviour is not public (docs/how-it-works.md "Azure"):
 * - every message (they say "(Snowflake simulator)"); codes 390431 (token) and 390432 (unmapped), as
 *   for OIDC;
 * - where the keys come from: Entra's v2.0 discovery document of the token's tenant
 *   (`https://login.microsoftonline.com/<tid>/v2.0/.well-known/openid-configuration`), for v1.0 and
 *   v2.0 tokens alike (Entra signs both with the tenant's keys);
 * - whether a v1 `iss` matches a v2 ISSUER (or the reverse): NOT publicly known. `issuerForms`
 *   chooses: 'exact' (default: the strings must be equal) or 'either' (the same tenant's v1 and v2
 *   forms are one issuer). Tests that depend on it say which they play.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { SNOWFLAKE_OIDC_ALGORITHMS } from './oidc-issuer.js';
import { OIDC_CLOCK_SKEW_SECONDS, audienceOf, type OidcKeyCache } from './snowflake-oidc.js';

export const AZURE_APP_ID = 'fd3f753b-eed3-462c-b6a7-a4b5bb650aad';
export const AZURE_TOKEN_INVALID_PREFIX = 'The Azure token could not be verified (Snowflake simulator): ';
export const AZURE_USER_NOT_FOUND_PREFIX = 'Unable to find an associated Snowflake user for the verified Azure token';
export const AZURE_USER_NOT_FOUND_MESSAGE = `${AZURE_USER_NOT_FOUND_PREFIX} (Snowflake simulator).`;

export interface AzureSimRegistration {
  type: 'AZURE';
  issuer: string;
  subject: string;
}

export interface AzureSimUser {
  name: string;
  type?: 'SERVICE' | 'PERSON' | undefined;
  azureIdentity?: AzureSimRegistration | undefined;
}

export type AzureRefusalReason = 'not-a-jwt' | 'algorithm' | 'missing-claim' | 'sovereign-cloud' | 'not-entra' | 'wrong-audience' | 'keys' | 'bad-signature' | 'expired' | 'unknown-subject' | 'issuer-mismatch' | 'not-service-user';
export const AZURE_UNMAPPED_REASONS: ReadonlySet<AzureRefusalReason> = new Set(['unknown-subject', 'issuer-mismatch', 'not-service-user']);

export type AzureLoginVerdict<U extends AzureSimUser> =
  | { ok: true; user: U; issuer: string; subject: string; audience: string[] }
  | { ok: false; reason: AzureRefusalReason; message: string; issuer?: string | undefined; subject?: string | undefined; audience?: string[] | undefined };

export interface AzureLoginOptions<U extends AzureSimUser> {
  users: readonly U[];
  keys: OidcKeyCache;
  /** How a v1 `iss` and a v2 ISSUER compare (not publicly known): 'exact' (default) or 'either'. */
  issuerForms?: 'exact' | 'either' | undefined;
  explainMismatch?: boolean | undefined;
}

const ENTRA = /^https:\/\/(sts\.windows\.net|login\.microsoftonline\.com)\/([0-9a-f-]{36})(\/v2\.0|\/)$/i;
const SOVEREIGN = /^https:\/\/(login\.microsoftonline\.us|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|sts\.chinacloudapi\.cn|login\.microsoftonline\.de|sts\.microsoftonline\.de)\//i;

/** The tenant and form of an Entra issuer in the public cloud; undefined for any other. */
export function entraIssuer(issuer: string): { tenant: string; form: 'v1' | 'v2' } | undefined {
  const match = ENTRA.exec(issuer);
  if (!match?.[2]) return undefined;
  const v1 = match[1]?.toLowerCase() === 'sts.windows.net';
  if (v1 !== (match[3] === '/')) return undefined;
  return { tenant: match[2].toLowerCase(), form: v1 ? 'v1' : 'v2' };
}

function issuersMatch(registered: string, token: string, forms: 'exact' | 'either'): boolean {
  if (registered === token) return true;
  if (forms === 'exact') return false;
  const [a, b] = [entraIssuer(registered), entraIssuer(token)];
  return a !== undefined && b !== undefined && a.tenant === b.tenant;
}

export async function verifyAzureLogin<U extends AzureSimUser>(token: unknown, opts: AzureLoginOptions<U>): Promise<AzureLoginVerdict<U>> {
  let facts: { issuer?: string; subject?: string; audience?: string[] } = {};
  const invalid = (reason: AzureRefusalReason, why: string): AzureLoginVerdict<U> => ({ ok: false, reason, message: `${AZURE_TOKEN_INVALID_PREFIX}${why}`, ...facts });
  if (typeof token !== 'string' || token === '') return invalid('not-a-jwt', 'the token is empty.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return invalid('not-a-jwt', 'the token is not a JWT.');
  }
  const issuer = typeof unverified.iss === 'string' ? unverified.iss : '';
  const subject = typeof unverified.sub === 'string' ? unverified.sub : '';
  const audience = audienceOf(unverified);
  facts = { issuer, subject, audience };
  const algorithms: readonly string[] = SNOWFLAKE_OIDC_ALGORITHMS;
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return invalid('algorithm', `the token is signed with ${String(header.alg)}.`);
  if (!issuer || !subject) return invalid('missing-claim', "the token has no 'iss' or no 'sub' claim.");
  if (SOVEREIGN.test(issuer)) return invalid('sovereign-cloud', `the token comes from an Azure sovereign cloud (${issuer}), which Snowflake does not support.`);
  const entra = entraIssuer(issuer);
  if (!entra) return invalid('not-entra', `the issuer '${issuer}' is not Entra ID's.`);
  if (!audience.some((aud) => aud === AZURE_APP_ID || aud === `api://${AZURE_APP_ID}`)) {
    return invalid('wrong-audience', `the token is for ${audience.join(', ') || 'no audience'}, not for Snowflake's Entra application.`);
  }
  const keys = await opts.keys.keysFor(`https://login.microsoftonline.com/${entra.tenant}/v2.0`);
  if (!keys.ok) return invalid('keys', keys.why);
  try {
    await jwtVerify(token, createLocalJWKSet(keys.jwks), { algorithms: [...SNOWFLAKE_OIDC_ALGORITHMS], issuer, clockTolerance: OIDC_CLOCK_SKEW_SECONDS, requiredClaims: ['iat', 'exp'] });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_JWT_EXPIRED') return invalid('expired', 'the token has expired.');
    return invalid('bad-signature', `the token does not verify (${String(code ?? 'error')}).`);
  }

  const forms = opts.issuerForms ?? 'exact';
  const bySubject = opts.users.filter((user) => user.azureIdentity !== undefined && user.azureIdentity.subject === subject);
  const byIssuer = bySubject.filter((user) => issuersMatch(user.azureIdentity?.issuer ?? '', issuer, forms));
  const user = byIssuer.find((candidate) => (candidate.type ?? 'SERVICE') === 'SERVICE');
  if (user) return { ok: true, user, issuer, subject, audience };
  const unmapped = (reason: AzureRefusalReason, detail: string): AzureLoginVerdict<U> => ({
    ok: false,
    reason,
    message: opts.explainMismatch ? `${AZURE_USER_NOT_FOUND_PREFIX} (Snowflake simulator): ${detail}` : AZURE_USER_NOT_FOUND_MESSAGE,
    issuer,
    subject,
    audience,
  });
  const person = byIssuer[0];
  if (person) return unmapped('not-service-user', `user '${person.name.toUpperCase()}' has this ISSUER and SUBJECT but is not TYPE = SERVICE.`);
  const other = bySubject[0];
  if (other?.azureIdentity) return unmapped('issuer-mismatch', `user '${other.name.toUpperCase()}' has SUBJECT '${subject}' with another ISSUER ('${other.azureIdentity.issuer}').`);
  return unmapped('unknown-subject', `no SERVICE user has ISSUER '${issuer}' and SUBJECT '${subject}'.`);
}
