/**
 * OIDC tokens and registrations: what a token says, what Snowflake must hold for it, and the traps
 * on the way. Pure: the edge decodes the token and hands in its header and payload, and the caller
 * passes `now`; nothing here reads the clock, the environment or the token itself.
 *
 * Sources (../shared/FACTS.md, "Every provider" and "GitHub Actions and other OIDC issuers"):
 * - Snowflake (docs user-guide/workload-identity-federation): `TYPE = OIDC ISSUER SUBJECT
 *   [OIDC_AUDIENCE_LIST]`; without a list the audience must be `snowflakecomputing.com`, which every
 *   account shares; SUBJECT ≤ 255 and ISSUER ≤ 2,048 characters; `iat` required; only RS256/384/512
 *   and ES256/384/512; the EKS, AKS and GKE issuer shapes; Kubernetes subjects
 *   `system:serviceaccount:<ns>:<sa>` with a projected token of audience `snowflakecomputing.com`.
 * - Behaviour change 2026_08 (bcr-2461): a trailing `*` in SUBJECT becomes a prefix wildcard (a
 *   literal before).
 * - GitHub's token lives ~5 minutes (dbt-labs/dbt-adapters #2030; snowflake-sqlalchemy PR #726).
 * - GitHub issuers: `https://token.actions.githubusercontent.com`, `…/<enterprise slug>` with the
 *   enterprise's custom issuer policy (REST API "Set the GitHub Actions OIDC custom issuer policy",
 *   `include_enterprise_slug`), `https://HOSTNAME/_services/token` on GitHub Enterprise Server
 *   (GHES docs, "OpenID Connect reference"); the default audience is the repository owner's URL.
 */
import { escapeControl } from '../../core/terminal-text.js';
import { MAX_OIDC_ISSUER_CHARS, MAX_OIDC_SUBJECT_CHARS, identifierForTypedName, quoteStringLiteral, workloadIdentityClause } from '../../core/sql.js';
import type { OidcPlatform, OidcTokenFacts, Registration, Trap } from '../types.js';
import { GITHUB_ISSUER, compareGithubSubjects, impossibleGithubSubject, parseGithubSubject } from './github.js';

/** The audience Snowflake accepts without OIDC_AUDIENCE_LIST, shared by every account. */
export const SNOWFLAKE_AUDIENCE = 'snowflakecomputing.com';
/** EKS's IRSA token is minted for AWS STS with this audience. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';
export const SNOWFLAKE_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

export type OidcRegistration = Extract<Registration, { type: 'OIDC' }>;

/** What is registered (or about to be): `audienceList` null when the user has no OIDC_AUDIENCE_LIST. */
export interface RegisteredOidc {
  issuer: string;
  subject: string;
  audienceList: readonly string[] | null;
}

const KUBERNETES_SUBJECT = /^system:serviceaccount:([^:]*):([^:]*)$/;

const PLATFORM_ISSUERS: ReadonlyArray<readonly [RegExp, OidcPlatform]> = [
  [/^https:\/\/token\.actions\.githubusercontent\.com(\/[A-Za-z0-9_.-]+)?$/, 'github-actions'],
  [/^https:\/\/[^/\s]+\/_services\/token$/, 'github-actions'],
  [/^https:\/\/gitlab\.com$/, 'gitlab'],
  [/^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-Za-z0-9]+$/, 'eks'],
  [/^https:\/\/[a-z0-9-]+\.oic\.prod-aks\.azure\.com\/[^/\s]+\/[^/\s]+\/$/, 'aks'],
  [/^https:\/\/container\.googleapis\.com\/v1\/projects\/[^/\s]+\/locations\/[^/\s]+\/clusters\/[^/\s]+$/, 'gke'],
];

/** What issued a token, from its issuer, then its claims; null when not recognised. */
export function oidcPlatform(issuer: string, claims: Readonly<Record<string, unknown>>): OidcPlatform | null {
  for (const [pattern, platform] of PLATFORM_ISSUERS) if (pattern.test(issuer)) return platform;
  // GitLab's own claims (self-managed GitLab has its own issuer).
  if (['namespace_path', 'project_path', 'pipeline_source'].every((claim) => typeof claims[claim] === 'string')) return 'gitlab';
  return typeof claims.sub === 'string' && KUBERNETES_SUBJECT.test(claims.sub) ? 'kubernetes' : null;
}

const isGithubIssuer = (issuer: string) => oidcPlatform(issuer, {}) === 'github-actions';
const KUBERNETES_PLATFORMS: ReadonlySet<OidcPlatform | null> = new Set(['kubernetes', 'eks', 'aks', 'gke']);

const chars = (text: string) => [...text].length;
/** A value inside a message: one line (control characters escaped), and not too long. */
const shown = (text: string) => escapeControl(text.length > 200 ? `${text.slice(0, 200)}…` : text);
const trap = (code: string, severity: Trap['severity'], message: string, fix?: string): Trap => ({ code, severity, message, ...(fix === undefined ? {} : { fix }) });

// --- limits and shapes: the same for a live token and a registration ---------------------------

function lengthTraps(issuer: string, subject: string): Trap[] {
  const traps: Trap[] = [];
  if (chars(subject) > MAX_OIDC_SUBJECT_CHARS) {
    traps.push(trap('SUBJECT_TOO_LONG', 'error', `the subject is ${chars(subject)} characters long; Snowflake's SUBJECT holds at most ${MAX_OIDC_SUBJECT_CHARS}`, 'Use a shorter subject: on GitHub, a custom subject template with fewer claims.'));
  }
  if (chars(issuer) > MAX_OIDC_ISSUER_CHARS) {
    traps.push(trap('ISSUER_TOO_LONG', 'error', `the issuer is ${chars(issuer)} characters long; Snowflake's ISSUER holds at most ${MAX_OIDC_ISSUER_CHARS}`));
  }
  return traps;
}

const POD_TOKEN_FIX = [
  'Mount a projected service-account token for Snowflake in the pod and point SNOWFLAKE_TOKEN_FILE_PATH at it:',
  '  volumes: [{ name: snowflake-token, projected: { sources: [{ serviceAccountToken: { audience: snowflakecomputing.com, expirationSeconds: 3600, path: token } }] } }]',
  'Or log in with --provider aws: IRSA gives the pod AWS credentials, which the AWS method uses.',
].join('\n');

function kubernetesSubjectTrap(subject: string): Trap | undefined {
  if (!subject.startsWith('system:serviceaccount:')) return undefined;
  const parts = KUBERNETES_SUBJECT.exec(subject);
  if (parts?.[1] && parts[2]) return undefined;
  return trap('KUBERNETES_SUBJECT_MALFORMED', 'error', `${shown(subject)} is not system:serviceaccount:<namespace>:<service account>, the only shape Kubernetes gives a service account's subject`, 'Register system:serviceaccount:<namespace>:<service account> (both parts non-empty, no further ":").');
}

// --- a live token --------------------------------------------------------------------------------

export interface DescribeOidcOptions {
  /** Warn when the token expires within this many milliseconds of `now` (e.g. the job's remaining time). */
  expiresWithinMs?: number | undefined;
}

export interface OidcTokenDescription {
  facts: OidcTokenFacts;
  /** Exactly what WORKLOAD_IDENTITY must hold for this token (the token's audiences as the list). */
  registration: OidcRegistration;
  traps: Trap[];
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const seconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const iso = (value: number | undefined) => (value === undefined || Math.abs(value) > 8.64e12 ? null : new Date(value * 1000).toISOString());

function expiryTraps(exp: number | undefined, now: number, platform: OidcPlatform | null, options: DescribeOidcOptions): Trap[] {
  if (exp === undefined) return [trap('NO_EXP', 'info', 'the token has no exp claim: whether Snowflake accepts a token without one is not documented')];
  const left = exp * 1000 - now;
  const fresh = platform === 'github-actions'
    ? "GitHub's tokens live about 5 minutes: mint the token right before each login, not once per job."
    : 'Get a fresh token right before each login (read the token file again).';
  if (left <= 0) return [trap('TOKEN_EXPIRED', 'error', `the token expired at ${iso(exp)}`, fresh)];
  if (options.expiresWithinMs !== undefined && left < options.expiresWithinMs) {
    return [trap('TOKEN_EXPIRES_SOON', 'warn', `the token expires at ${iso(exp)}, in ${Math.floor(left / 1000)} s: before the ${Math.ceil(options.expiresWithinMs / 1000)} s still needed`, fresh)];
  }
  return [];
}

function audienceTraps(audience: string[], platform: OidcPlatform | null): Trap[] {
  if (audience.length === 0) return [trap('NO_AUDIENCE', 'error', 'the token has no aud claim: Snowflake matches a token by its audience', 'Mint the token for the audience snowflakecomputing.com (GitHub: &audience=snowflakecomputing.com on ACTIONS_ID_TOKEN_REQUEST_URL).')];
  if (audience.includes(IRSA_AUDIENCE) && KUBERNETES_PLATFORMS.has(platform)) {
    return [trap('EKS_IRSA_TOKEN', 'error', `this is EKS's IRSA token (audience ${IRSA_AUDIENCE}), minted for AWS STS, not a service-account token for Snowflake`, POD_TOKEN_FIX)];
  }
  if (audience.includes(SNOWFLAKE_AUDIENCE)) return [];
  const fix = platform === 'github-actions'
    ? `GitHub's default audience is the repository owner's URL: ask the token service for &audience=${SNOWFLAKE_AUDIENCE}, or register the audience the token carries.`
    : 'Register the audience the token carries in OIDC_AUDIENCE_LIST (wif-check gen-sql does).';
  return [trap('AUDIENCE_NEEDS_LIST', 'info', `the token's audience (${audience.map(shown).join(', ')}) is not ${SNOWFLAKE_AUDIENCE}: the registration must list it in OIDC_AUDIENCE_LIST`, fix)];
}

/** What a GitHub subject's form means for the registration, as info. */
function githubFormTraps(issuer: string, subject: string, claims: Readonly<Record<string, unknown>>): Trap[] {
  const parsed = parseGithubSubject(subject);
  if (!parsed.ok) return [];
  const s = parsed.subject;
  if (s.form === 'immutable-at') {
    return [trap('GITHUB_SUBJECT_IMMUTABLE', 'info', `GitHub issued the immutable subject form (repo:${s.owner}@${s.ownerId}/${s.repo}@${s.repoId}): register it as it is; a repository that takes this name later has other IDs and cannot present it`)];
  }
  if (s.form === 'immutable-hyphen') return [trap('GITHUB_SUBJECT_HYPHEN', 'info', 'the subject has the OWNER-ID/REPO-ID shape GitHub announced on 2026-04-23 (later reverted), or the owner and repository names end in -<digits>: register it exactly as the token says')];
  const ids = [claims.repository_owner_id, claims.repository_id].map((id) => (typeof id === 'string' || typeof id === 'number' ? String(id) : ''));
  // GitHub's default template is repo, then the context; anything else is a custom one (include_claim_keys).
  const custom = s.kind === 'custom' || s.kind === 'job_workflow_ref' || s.claims[0]?.key !== 'repo';
  // The immutable form is github.com's only, not GitHub Enterprise Server's (FACTS): the repo claim, wherever the template puts it.
  const repoClaim = `repo:${s.owner}@${ids[0]}/${s.repo}@${ids[1]}`;
  const immutable = s.form === 'mutable' && issuer.startsWith(GITHUB_ISSUER) && ids.every((id) => /^[0-9]+$/.test(id))
    ? s.claims.map((claim) => (claim.key === 'repo' ? repoClaim : claim.value === null ? claim.key : `${claim.key}:${claim.value}`)).join(':')
    : undefined;
  const notes: Trap[] = [];
  if (custom) notes.push(trap('GITHUB_SUBJECT_CUSTOM', 'info', 'the subject follows a custom template (repository or organisation OIDC settings): register it exactly as the token says'));
  if (immutable) {
    // GitHub documents the immutable form for its default subject; for a custom template it is not documented (FACTS).
    const message = custom
      ? `GitHub documents immutable subjects for its default template only: if this repository opts in, or is renamed or transferred, and the template's repo claim takes that form too, its subject becomes ${immutable}`
      : `if this repository opts in to immutable subjects its subject becomes ${immutable}; a rename or transfer also switches it to that form, with the new names`;
    notes.push(trap('GITHUB_SUBJECT_MUTABLE', 'info', message, 'Register the new subject when that happens (wif-check whoami --provider oidc shows it).'));
  }
  return notes;
}

/**
 * A decoded token → what it says, the registration that matches it, and its traps. `now` is the
 * caller's clock (a Date or epoch milliseconds).
 */
export function describeOidcToken(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>, now: Date | number, options: DescribeOidcOptions = {}): OidcTokenDescription {
  const issuer = text(payload.iss);
  const subject = text(payload.sub);
  const audience = Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : typeof payload.aud === 'string' ? [payload.aud] : [];
  const [iat, exp] = [seconds(payload.iat), seconds(payload.exp)];
  const algorithm = typeof header.alg === 'string' ? header.alg : null;
  const platform = oidcPlatform(issuer, payload);
  const facts: OidcTokenFacts = { issuer, subject, audience, expiresAt: iso(exp), issuedAt: iso(iat), algorithm, claims: { ...payload }, platform };
  const traps: Trap[] = [];
  if (issuer === '') traps.push(trap('NO_ISSUER', 'error', 'the token has no iss claim: Snowflake matches a token by its issuer'));
  if (subject === '') traps.push(trap('NO_SUBJECT', 'error', 'the token has no sub claim: Snowflake matches a token by its subject'));
  if (algorithm === null || !SNOWFLAKE_ALGORITHMS.includes(algorithm)) {
    traps.push(trap('ALGORITHM_REFUSED', 'error', `the token is signed with ${algorithm === null ? 'no alg' : shown(algorithm)}: Snowflake accepts only ${SNOWFLAKE_ALGORITHMS.join(', ')}`, 'Have the issuer sign with RS256/384/512 or ES256/384/512.'));
  }
  if (iat === undefined) traps.push(trap('NO_IAT', 'error', 'the token has no iat claim: Snowflake refuses a token without it', 'Have the issuer set iat (issued-at).'));
  traps.push(...expiryTraps(exp, typeof now === 'number' ? now : now.getTime(), platform, options));
  traps.push(...lengthTraps(issuer, subject), ...audienceTraps(audience, platform));
  if (platform === 'github-actions') traps.push(...githubFormTraps(issuer, subject, payload));
  return { facts, registration: { type: 'OIDC', issuer, subject, audienceList: audience }, traps };
}

// --- a registration (gen-sql's offline input, audit's listing) -------------------------------------

function issuerTrap(issuer: string): Trap | undefined {
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'https:' && url.hostname !== '' && issuer === issuer.trim() && !/\s/.test(issuer)) return slashTrap(issuer);
  // Snowflake's own rule for the issuer is not documented; OpenID Connect Discovery 1.0 (§3)
  // makes an issuer an https URL, and Snowflake reads the issuer's keys (JWKS).
  return trap('ISSUER_NOT_HTTPS', 'warn', `the issuer ${JSON.stringify(shown(issuer))} is not an https URL: OIDC issuers are (OpenID Connect Discovery), and Snowflake will not match a token whose iss differs`, 'Register the iss claim exactly as a token carries it (wif-check whoami --provider oidc shows it).');
}

/** An issuer one '/' away from a platform's documented shape (GitHub, EKS and GKE have none at the end, AKS has one). */
function slashTrap(issuer: string): Trap | undefined {
  const toggled = issuer.endsWith('/') ? issuer.replace(/\/+$/, '') : `${issuer}/`;
  const platform = oidcPlatform(issuer, {}) === null ? oidcPlatform(toggled, {}) : null;
  if (platform === null) return undefined;
  const literal = quoteStringLiteral(toggled, 'issuer', MAX_OIDC_ISSUER_CHARS);
  const message = `the issuer ${shown(issuer)} differs from ${platform}'s issuer by a trailing '/': its tokens carry ${shown(toggled)}, and OIDC issuers compare exactly`;
  return trap('ISSUER_TRAILING_SLASH', 'error', message, literal.ok ? `Register ISSUER = ${literal.sql}.` : undefined);
}

const noAudienceList = (): Trap =>
  trap(
    'NO_AUDIENCE_LIST',
    'warn',
    `no OIDC_AUDIENCE_LIST: Snowflake then wants the audience ${SNOWFLAKE_AUDIENCE}, which every Snowflake account shares, so a token minted for another account (same issuer and subject) logs in here too`,
    "Add OIDC_AUDIENCE_LIST = ('<audience>') with the audience your tokens carry (wif-check gen-sql always writes one).",
  );

/** Traps in what is (to be) registered, before any token is at hand. */
export function registrationTraps(registration: RegisteredOidc): Trap[] {
  const { issuer, subject, audienceList } = registration;
  const traps: Trap[] = [];
  if (issuer === '') traps.push(trap('NO_ISSUER', 'error', 'the ISSUER is empty'));
  else {
    const bad = issuerTrap(issuer);
    if (bad) traps.push(bad);
  }
  if (subject === '') traps.push(trap('NO_SUBJECT', 'error', 'the SUBJECT is empty'));
  if (audienceList === null || audienceList.length === 0) traps.push(noAudienceList());
  traps.push(...lengthTraps(issuer, subject));
  if (subject.endsWith('*')) {
    traps.push(trap('SUBJECT_TRAILING_WILDCARD', 'warn', `the SUBJECT ends in '*': a literal character until behaviour change 2026_08 is enabled, then a prefix wildcard matching every subject that starts with ${shown(subject.slice(0, -1))}`, 'Register the exact subject unless you mean the wildcard and the 2026_08 bundle is enabled.'));
  }
  const kubernetes = kubernetesSubjectTrap(subject);
  if (kubernetes) traps.push(kubernetes);
  const github = isGithubIssuer(issuer) && subject !== '' ? impossibleGithubSubject(subject) : undefined;
  if (github) traps.push(github);
  return traps;
}

// --- a token against a registration ------------------------------------------------------------

/** The ALTER USER that registers exactly what the token carries, or why it cannot be written. */
function alterFor(facts: OidcTokenFacts, user: string | undefined): string {
  const registration: OidcRegistration = { type: 'OIDC', issuer: facts.issuer, subject: facts.subject, audienceList: facts.audience };
  const clause = workloadIdentityClause(registration);
  if (!clause.ok) return `wif-check writes no SQL for this token: ${clause.error}`;
  const name = (user === undefined ? undefined : identifierForTypedName(user)) ?? '<user>';
  return `ALTER USER ${name} SET ${clause.sql};`;
}

const withSql = (t: Trap, sql: string): Trap => ({ ...t, fix: t.fix === undefined ? sql : `${t.fix}\n${sql}` });

function subjectTraps(facts: OidcTokenFacts, registered: string): Trap[] {
  const presented = facts.subject;
  if (presented === registered) return [];
  if (registered.endsWith('*') && presented.startsWith(registered.slice(0, -1))) {
    return [trap('SUBJECT_WILDCARD_PENDING', 'warn', `the registered SUBJECT ${shown(registered)} matches ${shown(presented)} only as a prefix wildcard, which behaviour change 2026_08 enables (before it, '*' is a literal)`, 'Register the exact subject, or enable the 2026_08 bundle if you mean the wildcard.')];
  }
  if (facts.platform === 'github-actions' || isGithubIssuer(facts.issuer)) return compareGithubSubjects(presented, registered);
  if (presented.toLowerCase() === registered.toLowerCase()) {
    return [trap('SUBJECT_CASE_DIFFERS', 'warn', 'the subjects differ only in letter case: whether Snowflake compares SUBJECT case-sensitively is not documented: register exactly what the token carries')];
  }
  const where = KUBERNETES_SUBJECT.test(presented) ? ' (Kubernetes: system:serviceaccount:<namespace>:<service account> of the pod)' : '';
  return [trap('SUBJECT_DIFFERS', 'error', `the token's subject ${shown(presented)} is not the registered ${shown(registered)}${where}`)];
}

function issuerTraps(presented: string, registered: string): Trap[] {
  if (presented === registered) return [];
  // OpenID Connect Core 1.0 §3.1.3.7: the issuer "MUST exactly match" iss; Snowflake's own
  // comparison is not documented.
  if (presented.replace(/\/+$/, '') === registered.replace(/\/+$/, '')) {
    return [trap('ISSUER_TRAILING_SLASH', 'error', `the token's issuer ${shown(presented)} and the registered ${shown(registered)} differ by a trailing '/': OIDC issuers compare exactly`)];
  }
  return [trap('ISSUER_DIFFERS', 'error', `the token's issuer ${shown(presented)} is not the registered ${shown(registered)}`)];
}

function audienceMismatch(audience: string[], list: readonly string[] | null): Trap[] {
  if (list === null || list.length === 0) {
    if (audience.includes(SNOWFLAKE_AUDIENCE)) return [noAudienceList()];
    return [trap('AUDIENCE_NOT_SNOWFLAKE', 'error', `no OIDC_AUDIENCE_LIST, so Snowflake wants the audience ${SNOWFLAKE_AUDIENCE}; the token carries ${audience.map(shown).join(', ') || 'none'}`)];
  }
  if (audience.some((a) => list.includes(a))) return [];
  return [trap('AUDIENCE_NOT_LISTED', 'error', `the token's audience (${audience.map(shown).join(', ') || 'none'}) is not in OIDC_AUDIENCE_LIST (${list.map(shown).join(', ')})`)];
}

/**
 * Why a token does not match a registration, each trap with the ALTER USER that registers what the
 * token carries (for `user` as typed, e.g. --expect-user); empty when it matches.
 */
export function registrationMismatch(facts: OidcTokenFacts, registered: RegisteredOidc, options: { user?: string | undefined } = {}): Trap[] {
  const traps = [...issuerTraps(facts.issuer, registered.issuer), ...subjectTraps(facts, registered.subject), ...audienceMismatch(facts.audience, registered.audienceList)];
  if (traps.length === 0) return [];
  const sql = alterFor(facts, options.user);
  return traps.map((t) => withSql(t, sql));
}
