/**
 * The Snowflake side of `WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '…')` for the test bed: verifies
 * a WORKLOAD_IDENTITY login with PROVIDER 'GCP', whose TOKEN is the Google ID token the driver got
 * from the metadata server or the IAM API (snowflake-sdk 3.4.1 attestation_gcp.js), with `jose`.
 *
 * What it follows (docs.snowflake.com user-guide/workload-identity-federation; ../shared/FACTS.md
 * "Every provider"): the token is Google's (`iss` https://accounts.google.com), signed with the keys
 * Google's discovery document names (fetched through ./snowflake-oidc.ts's key cache, on loopback
 * only), for the audience `snowflakecomputing.com`, with `iat`; the user is a TYPE = SERVICE user
 * whose SUBJECT equals the token's `sub` — the service account's numeric unique ID — exactly.
 *
 * Invented here, because Snowflake's behaviour is not public (docs/how-it-works.md "GCP"):
 * - every message (they say "(Snowflake simulator)"); the codes are the OIDC ones (390431 for a
 *   token that does not verify, 390432 for a verified token no user accepts);
 * - an e-mail registered as SUBJECT never matches (the docs ask for the unique ID; whether
 *   Snowflake also compares the `email` claim is not known). With `explainMismatch` the refusal says
 *   that the registered SUBJECT is the token's e-mail.
 */
import { decodeJwt } from 'jose';
import { verifyOidcLogin, type OidcKeyCache, type OidcLoginVerdict, type OidcRefusalReason, type OidcUser } from './snowflake-oidc.js';

export const GCP_TOKEN_ISSUER = 'https://accounts.google.com';
export const GCP_AUDIENCE = 'snowflakecomputing.com';
export const GCP_TOKEN_INVALID_PREFIX = 'The GCP identity token could not be verified (Snowflake simulator): ';
export const GCP_USER_NOT_FOUND_PREFIX = 'Unable to find an associated Snowflake user for the verified GCP identity token';

export interface GcpRegistration {
  type: 'GCP';
  subject: string;
}

export interface GcpUser {
  name: string;
  type?: 'SERVICE' | 'PERSON' | undefined;
  gcpIdentity?: GcpRegistration | undefined;
}

export type GcpRefusalReason = OidcRefusalReason | 'not-google' | 'email-subject';

export type GcpLoginVerdict<U extends GcpUser> =
  | { ok: true; user: U; subject: string; email?: string | undefined; audience: string[] }
  | { ok: false; reason: GcpRefusalReason; unmapped: boolean; message: string; subject?: string | undefined; email?: string | undefined; audience?: string[] | undefined };

const UNMAPPED: ReadonlySet<GcpRefusalReason> = new Set(['unknown-subject', 'not-service-user', 'audience-not-default', 'email-subject']);

export async function verifyGcpLogin<U extends GcpUser>(token: unknown, opts: { users: readonly U[]; keys: OidcKeyCache; explainMismatch?: boolean | undefined }): Promise<GcpLoginVerdict<U>> {
  // The GCP users as OIDC registrations of Google's issuer: the signature, `iat`/`exp` and the
  // audience rule are the OIDC check's (./snowflake-oidc.ts); only the words differ.
  const asOidc = opts.users.flatMap((user) =>
    user.gcpIdentity ? [{ name: user.name, type: user.type, workloadIdentity: { type: 'OIDC' as const, issuer: GCP_TOKEN_ISSUER, subject: user.gcpIdentity.subject }, source: user }] : [],
  ) satisfies Array<OidcUser & { source: U }>;
  let email: string | undefined;
  try {
    const claims = typeof token === 'string' ? decodeJwt(token) : {};
    if (typeof claims['email'] === 'string') email = claims['email'];
    if (claims.iss !== undefined && claims.iss !== GCP_TOKEN_ISSUER) {
      return { ok: false, reason: 'not-google', unmapped: false, message: `${GCP_TOKEN_INVALID_PREFIX}the token's issuer is '${String(claims.iss)}', not Google (${GCP_TOKEN_ISSUER}).` };
    }
  } catch {
    // verifyOidcLogin names it.
  }
  const verdict: OidcLoginVerdict<(typeof asOidc)[number]> = await verifyOidcLogin(token, { users: asOidc, keys: opts.keys });
  if (verdict.ok) return { ok: true, user: verdict.user.source, subject: verdict.subject, email, audience: verdict.audience };
  const facts = { subject: verdict.subject, email, audience: verdict.audience };
  const reason = verdict.reason;
  if (!UNMAPPED.has(reason)) return { ok: false, reason, unmapped: false, message: verdict.message.replace(/^The OIDC token could not be verified \(Snowflake simulator\): /, GCP_TOKEN_INVALID_PREFIX), ...facts };
  const explain = (why: string) => (opts.explainMismatch ? `${GCP_USER_NOT_FOUND_PREFIX} (Snowflake simulator): ${why}` : `${GCP_USER_NOT_FOUND_PREFIX} (Snowflake simulator).`);
  if (reason === 'audience-not-default') {
    return { ok: false, reason, unmapped: true, message: explain(`the token's audience is ${(verdict.audience ?? []).map((a) => `'${a}'`).join(', ') || 'none'}, not '${GCP_AUDIENCE}'.`), ...facts };
  }
  const byEmail = email === undefined ? undefined : opts.users.find((user) => user.gcpIdentity?.subject === email);
  if (byEmail) {
    return { ok: false, reason: 'email-subject', unmapped: true, message: explain(`user '${byEmail.name.toUpperCase()}' has SUBJECT '${email}', the service account's e-mail; the token's subject is its unique ID '${verdict.subject ?? ''}'.`), ...facts };
  }
  return { ok: false, reason, unmapped: true, message: explain(`no SERVICE user has SUBJECT '${verdict.subject ?? ''}'.`), ...facts };
}
