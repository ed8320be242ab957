/**
 * The GCP provider's pure rules (issue 19): what a Google ID token says, the registration that
 * matches it (`WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>')`), and the traps — an
 * e-mail registered as SUBJECT (the docs show both), an impersonation chain whose last account is
 * not the registered one, a token for another audience. No I/O.
 *
 * Sources (docs/how-it-works.md "GCP"): Snowflake's WIF page (SUBJECT is the service account's
 * uniqueId; the token is the metadata server's identity token for `snowflakecomputing.com`);
 * Google's "Verifying the identity of instances" (iss, sub/azp = the unique ID, email with
 * format=full); snowflake-sdk 3.4.1 attestation_gcp.js (the last account of the impersonation path
 * is the one whose token is sent).
 */
import { workloadIdentityClause } from '../../core/sql.js';
import type { OidcTokenFacts, Registration, Trap } from '../types.js';

export const GCP_AUDIENCE = 'snowflakecomputing.com';
export const GOOGLE_ISSUER = 'https://accounts.google.com';
/** SUBJECT's limit (FACTS "Every provider"). */
export const GCP_SUBJECT_MAX_CHARS = 255;

export type GcpRegistration = Extract<Registration, { type: 'GCP' }>;

/** What a Google ID token says (the OIDC facts, and the service account's e-mail when the token carries it). */
export interface GcpTokenFacts extends OidcTokenFacts {
  /** The `email` claim (format=full, or includeEmail), else null. */
  email: string | null;
}

export interface GcpTokenDescription {
  facts: GcpTokenFacts;
  registration: GcpRegistration;
  traps: Trap[];
}

const trap = (code: string, severity: Trap['severity'], message: string, fix?: string, subject?: string): Trap => ({
  code,
  severity,
  message,
  ...(fix === undefined ? {} : { fix }),
  ...(subject === undefined ? {} : { subject }),
});

/** A service account's unique ID: digits only (Google: "the unique, numeric ID"; 21 digits today). */
export function isUniqueId(subject: string): boolean {
  return /^[0-9]+$/.test(subject);
}

/** Whether a SUBJECT is an e-mail address (a service account's `NAME@PROJECT.iam.gserviceaccount.com`, or any other). */
export function isEmail(subject: string): boolean {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(subject);
}

/** `gcloud iam service-accounts describe EMAIL --format="value(uniqueId)"`, the docs' way to the unique ID. */
export function uniqueIdCommand(email: string): string {
  const safe = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/.test(email) ? email : 'SERVICE_ACCOUNT_EMAIL';
  return `gcloud iam service-accounts describe ${safe} --format="value(uniqueId)"`;
}

/** `WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '…')`, or a placeholder when the subject cannot be written safely. */
export function gcpIdentityClause(subject: string): string {
  const clause = workloadIdentityClause({ type: 'GCP', subject });
  return clause.ok ? clause.sql : "WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>')";
}

const fixSql = (user: string, subject: string) => `ALTER USER ${user} SET ${gcpIdentityClause(subject)};`;

/** Traps in a SUBJECT that is (to be) registered, before any token is at hand (gen-sql offline, audit). */
export function subjectTraps(subject: string, user = '<your user>'): Trap[] {
  if (subject.trim() === '') return [trap('GCP_SUBJECT_EMPTY', 'error', 'the GCP SUBJECT is empty: it is the service account\'s numeric unique ID')];
  if (subject.length > GCP_SUBJECT_MAX_CHARS) return [trap('GCP_SUBJECT_TOO_LONG', 'error', `the GCP SUBJECT has ${subject.length} characters: Snowflake takes at most ${GCP_SUBJECT_MAX_CHARS}`)];
  if (isEmail(subject)) {
    return [
      trap(
        'GCP_SUBJECT_EMAIL',
        'error',
        `the GCP SUBJECT ${subject} is the service account's e-mail: Snowflake matches the token's sub, the account's numeric unique ID (the docs show both; only the ID is what the token's subject holds)`,
        [`Get the unique ID: ${uniqueIdCommand(subject)}`, `then: ${fixSql(user, '<unique ID>')}`].join('\n'),
      ),
    ];
  }
  if (subject !== subject.trim()) return [trap('GCP_SUBJECT_SPACES', 'error', 'the GCP SUBJECT has spaces around it: Snowflake compares it exactly', fixSql(user, subject.trim()), subject.trim())];
  if (!isUniqueId(subject)) {
    return [trap('GCP_SUBJECT_NOT_NUMERIC', 'warn', `the GCP SUBJECT ${JSON.stringify(subject)} is not numeric: a service account's unique ID (a Google token's sub) is digits only`, `Get it with: ${uniqueIdCommand('SERVICE_ACCOUNT_EMAIL')}`)];
  }
  return [];
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const seconds = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const iso = (value: number | undefined): string | null => {
  if (value === undefined) return null;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

export interface DescribeGcpOptions {
  /** How long the token must still be valid (doctor: the rest of the check). Default 0. */
  expiresWithinMs?: number | undefined;
  /** The path the token was minted through (its last account is the token's). */
  impersonationPath?: readonly string[] | undefined;
}

/** A decoded Google ID token → what it says, the registration that matches it, and its traps. */
export function describeGcpToken(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>, now: number, options: DescribeGcpOptions = {}): GcpTokenDescription {
  const issuer = text(payload.iss);
  const subject = text(payload.sub);
  const email = typeof payload.email === 'string' ? payload.email : null;
  const audience = Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : typeof payload.aud === 'string' ? [payload.aud] : [];
  const [iat, exp] = [seconds(payload.iat), seconds(payload.exp)];
  const algorithm = typeof header.alg === 'string' ? header.alg : null;
  const facts: GcpTokenFacts = { issuer, subject, audience, expiresAt: iso(exp), issuedAt: iso(iat), algorithm, claims: { ...payload }, platform: 'gcp-metadata', email };
  const traps: Trap[] = [];
  if (issuer !== GOOGLE_ISSUER) traps.push(trap('GCP_NOT_GOOGLE_TOKEN', 'error', `the token's issuer is ${JSON.stringify(issuer)}, not Google's ${GOOGLE_ISSUER}: TYPE = GCP takes Google's ID tokens only`, 'Use --provider oidc for a token of another issuer.'));
  if (!isUniqueId(subject)) traps.push(trap('GCP_SUBJECT_NOT_NUMERIC', 'error', `the token's sub ${JSON.stringify(subject)} is not a service account's numeric unique ID`));
  if (!audience.includes(GCP_AUDIENCE)) {
    traps.push(
      trap(
        'GCP_WRONG_AUDIENCE',
        'error',
        `the token is for ${audience.length ? audience.map((a) => JSON.stringify(a)).join(', ') : 'no audience'}, not ${GCP_AUDIENCE}: Snowflake refuses a GCP token minted for another audience`,
        `The drivers ask the metadata server for audience=${GCP_AUDIENCE}; a token from elsewhere (gcloud auth print-identity-token --audiences=…, a proxy or emulator that ignores ?audience=) must be minted for ${GCP_AUDIENCE}.`,
      ),
    );
  }
  if (iat === undefined) traps.push(trap('NO_IAT', 'error', 'the token has no iat claim: Snowflake refuses a token without it'));
  if (exp !== undefined && exp * 1000 <= now + (options.expiresWithinMs ?? 0)) {
    traps.push(trap('TOKEN_EXPIRED', 'error', exp * 1000 <= now ? `the token expired at ${iso(exp) ?? '?'}` : `the token expires at ${iso(exp) ?? '?'}, before the check can finish`, 'Google issues a fresh one (1 hour) on every request: run the check again.'));
  }
  const path = options.impersonationPath ?? [];
  const last = path[path.length - 1];
  if (last !== undefined && email !== null && email !== last) {
    traps.push(trap('GCP_IMPERSONATION_OTHER_ACCOUNT', 'error', `the token is ${email}'s, not ${last}'s, the last account of --impersonation-path`));
  }
  return { facts, registration: { type: 'GCP', subject }, traps };
}

/** Who is who in an impersonation chain: the workload's own account, then the path (its last account's token is sent). */
export interface GcpChain {
  /** The workload's own service account (the metadata server's), when known. */
  source?: { email: string | null; uniqueId: string | null } | undefined;
  /** --impersonation-path as given (e-mails). */
  path: readonly string[];
}

/**
 * Why a registered SUBJECT does not match the token (doctor --admin-connection, connect's fix).
 * Empty when it matches.
 */
export function registrationMismatch(facts: Pick<GcpTokenFacts, 'subject' | 'email'>, registered: string, chain: GcpChain = { path: [] }, user = '<your user>'): Trap[] {
  if (registered === facts.subject) return [];
  const fix = fixSql(user, facts.subject);
  const who = facts.email ?? `the account with unique ID ${facts.subject}`;
  if (facts.email !== null && registered.toLowerCase() === facts.email.toLowerCase()) {
    return [trap('GCP_SUBJECT_EMAIL', 'error', `SUBJECT ${registered} is the service account's e-mail; the token's subject is its unique ID ${facts.subject}`, fix, facts.subject)];
  }
  const source = chain.source;
  const last = chain.path[chain.path.length - 1];
  const sourceIds = [source?.email?.toLowerCase(), source?.uniqueId].filter((v): v is string => typeof v === 'string');
  if (last !== undefined && sourceIds.includes(registered.toLowerCase())) {
    return [trap('GCP_IMPERSONATION_NOT_LAST', 'error', `SUBJECT ${registered} is the workload's own account; with --impersonation-path the token is the chain's last account's (${who})`, fix, facts.subject)];
  }
  const delegate = chain.path.slice(0, -1).find((email) => email.toLowerCase() === registered.toLowerCase());
  if (delegate !== undefined) {
    return [trap('GCP_IMPERSONATION_NOT_LAST', 'error', `SUBJECT ${registered} is a delegate in the impersonation chain; the token is the chain's last account's (${who})`, fix, facts.subject)];
  }
  if (isEmail(registered)) {
    return [trap('GCP_SUBJECT_OTHER_ACCOUNT', 'error', `SUBJECT ${registered} is another service account's e-mail, and an e-mail never matches; the token is ${who}'s`, fix, facts.subject)];
  }
  return [trap('GCP_SUBJECT_OTHER_ACCOUNT', 'error', `SUBJECT ${registered} is not the token's subject ${facts.subject} (${who})`, fix, facts.subject)];
}
