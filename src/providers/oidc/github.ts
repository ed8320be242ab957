/**
 * GitHub Actions OIDC subjects: what a workflow presents as `sub`, which subjects to register, and
 * why a registered SUBJECT never matches. Pure: strings in, parts and traps out.
 *
 * Sources (../shared/FACTS.md, "GitHub Actions and other OIDC issuers"):
 * - The default template: `repo:O/R:environment:<env>` when the job uses an environment (it wins),
 *   else `repo:O/R:ref:refs/heads/<branch>` / `…:ref:refs/tags/<tag>`, and `repo:O/R:pull_request`
 *   for pull requests; organisations and repositories can customise it
 *   (aws-actions/configure-aws-credentials #454; Azure/login #178, #296, #453 show the
 *   `pull-request` and ref confusions).
 * - Custom templates list claim names (REST API `include_claim_keys`: "alphanumeric characters and
 *   underscores"); the sub joins `name:value` pairs with `:` (GitHub docs, "OpenID Connect
 *   reference": customizing the subject claims; the claim names are that page's "OIDC token claims").
 * - The immutable form `repo:OWNER@<owner id>/REPO@<repo id>:…`: the default for repositories
 *   created, renamed or transferred on or after 2026-07-15, an opt-in for older ones; not on GitHub
 *   Enterprise Server (github/docs PR #45221; chainguard-dev/edu PR #3616; gruntwork-io/docs PR #3220).
 * - The hyphen form `repo:octocat-123456/my-repo-456789:…` that GitHub's changelog of 2026-04-23
 *   announced (docs reverted, github/docs #60941): recognised, never generated. A mutable subject of
 *   an owner and repository whose names end in `-<digits>` looks the same; only a live token says.
 */
import { escapeControl } from '../../core/terminal-text.js';
import type { Trap } from '../types.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
/** Repositories created, renamed or transferred since this day get the immutable form by default. */
export const IMMUTABLE_DEFAULT_SINCE = '2026-07-15';

export type GithubSubjectForm = 'mutable' | 'immutable-at' | 'immutable-hyphen';
export type GithubContextKind = 'environment' | 'branch' | 'tag' | 'pull_request' | 'job_workflow_ref' | 'custom';

/** One `name:value` pair of a subject; the bare `pull_request` context has the value null. */
export interface GithubClaim {
  key: string;
  value: string | null;
}

export interface GithubSubject {
  /** From the `repo` claim; all four are null when the template leaves `repo` out. */
  owner: string | null;
  repo: string | null;
  ownerId: string | null;
  repoId: string | null;
  form: GithubSubjectForm | null;
  kind: GithubContextKind;
  /** The environment name, branch, tag or job_workflow_ref the kind names; null for pull_request and custom. */
  value: string | null;
  environment: string | null;
  ref: string | null;
  jobWorkflowRef: string | null;
  /** Every pair, `repo` included, in order. */
  claims: GithubClaim[];
}

export type GithubSubjectParse = { ok: true; subject: GithubSubject } | { ok: false; reason: string };

const PULL_REQUEST = 'pull_request';
/** `context` (the default template's second key) expands to one of these. */
const CONTEXT_KEYS = new Set(['environment', 'ref', PULL_REQUEST]);
/** The claim names a subject can carry: GitHub's OIDC reference ("OIDC token claims"), plus the template names `repo` and `context`. */
const CLAIM_KEYS: ReadonlySet<string> = new Set([
  'repo', 'context', 'actor', 'actor_id', 'base_ref', 'check_run_id', 'enterprise', 'enterprise_id', 'environment',
  'event_name', 'head_ref', 'job_workflow_ref', 'job_workflow_sha', 'ref', 'ref_protected', 'ref_type', 'repository',
  'repository_id', 'repository_owner', 'repository_owner_id', 'repository_visibility', 'run_attempt', 'run_id',
  'run_number', 'runner_environment', 'sha', 'workflow', 'workflow_ref', 'workflow_sha',
]);

const NAME = String.raw`[^/@\s:]+`;
const AT_FORM = new RegExp(`^(${NAME})@([0-9]+)/(${NAME})@([0-9]+)$`);
const HYPHEN_FORM = new RegExp(`^(${NAME})-([0-9]+)/(${NAME})-([0-9]+)$`);
const MUTABLE_FORM = new RegExp(`^(${NAME})/(${NAME})$`);

type RepoParts = Pick<GithubSubject, 'owner' | 'repo' | 'ownerId' | 'repoId'> & { form: GithubSubjectForm };

function parseRepo(value: string): RepoParts | undefined {
  const at = AT_FORM.exec(value);
  if (at) return { owner: at[1] ?? '', ownerId: at[2] ?? '', repo: at[3] ?? '', repoId: at[4] ?? '', form: 'immutable-at' };
  const hyphen = HYPHEN_FORM.exec(value);
  if (hyphen) return { owner: hyphen[1] ?? '', ownerId: hyphen[2] ?? '', repo: hyphen[3] ?? '', repoId: hyphen[4] ?? '', form: 'immutable-hyphen' };
  const mutable = MUTABLE_FORM.exec(value);
  return mutable ? { owner: mutable[1] ?? '', repo: mutable[2] ?? '', ownerId: null, repoId: null, form: 'mutable' } : undefined;
}

/** `sub` as claims, or why it is not a list of GitHub claims. Values cannot hold `:` here. */
function splitClaims(sub: string): GithubClaim[] | string {
  const tokens = sub.split(':');
  const claims: GithubClaim[] = [];
  while (tokens.length > 0) {
    const key = tokens.shift() ?? '';
    if (key === PULL_REQUEST) {
      claims.push({ key, value: null });
      continue;
    }
    if (!CLAIM_KEYS.has(key)) return `${JSON.stringify(key.slice(0, 100))} is not a claim name GitHub puts in a subject`;
    const value = tokens.shift();
    if (value === undefined) return `the claim ${key} has no value`;
    claims.push({ key, value });
  }
  return claims;
}

function contextOf(claims: GithubClaim[]): Pick<GithubSubject, 'kind' | 'value'> {
  const rest = claims.filter((claim) => claim.key !== 'repo');
  const [only] = rest;
  if (rest.length === 1 && only) {
    if (only.key === 'environment') return { kind: 'environment', value: only.value };
    if (only.key === PULL_REQUEST) return { kind: 'pull_request', value: null };
    for (const [prefix, kind] of [['refs/heads/', 'branch'], ['refs/tags/', 'tag']] as const) {
      if (only.key === 'ref' && only.value?.startsWith(prefix)) return { kind, value: only.value.slice(prefix.length) };
    }
  }
  const workflow = rest.find((claim) => claim.key === 'job_workflow_ref');
  if (workflow && rest.length <= 2 && rest.every((claim) => claim === workflow || CONTEXT_KEYS.has(claim.key))) {
    return { kind: 'job_workflow_ref', value: workflow.value };
  }
  return { kind: 'custom', value: null };
}

/** A GitHub Actions subject's parts, or why it is not one. */
export function parseGithubSubject(sub: string): GithubSubjectParse {
  if (sub === '') return { ok: false, reason: 'the subject is empty' };
  if (sub !== sub.trim()) return { ok: false, reason: 'the subject has leading or trailing whitespace' };
  const claims = splitClaims(sub);
  if (typeof claims === 'string') return { ok: false, reason: claims };
  const repoClaim = claims.find((claim) => claim.key === 'repo');
  const repo = repoClaim ? parseRepo(repoClaim.value ?? '') : undefined;
  if (repoClaim && !repo) return { ok: false, reason: `repo:${(repoClaim.value ?? '').slice(0, 200)} is not OWNER/REPO or OWNER@ID/REPO@ID` };
  const value = (key: string) => claims.find((claim) => claim.key === key)?.value ?? null;
  return {
    ok: true,
    subject: {
      owner: repo?.owner ?? null,
      repo: repo?.repo ?? null,
      ownerId: repo?.ownerId ?? null,
      repoId: repo?.repoId ?? null,
      form: repo?.form ?? null,
      ...contextOf(claims),
      environment: value('environment'),
      ref: value('ref'),
      jobWorkflowRef: value('job_workflow_ref'),
      claims,
    },
  };
}

// --- the subjects to register ------------------------------------------------------------------

export interface GithubSubjectOptions {
  /** OWNER/REPO as GitHub shows it. */
  repo: string;
  /** The owner's and the repository's numeric IDs (REST API GET /repos/OWNER/REPO: owner.id, id). */
  ownerId?: string | number | undefined;
  repoId?: string | number | undefined;
  /** Exactly one of these: the job's environment, the full ref, or pull requests. */
  environment?: string | undefined;
  ref?: string | undefined;
  pullRequest?: boolean | undefined;
  /** true: only the immutable form; false: only the mutable one; unset: each form that may apply. */
  immutable?: boolean | undefined;
}

export interface GithubSubjectCandidate {
  subject: string;
  form: 'mutable' | 'immutable-at';
  /** When a workflow presents this form. */
  when: string;
}

export type GithubSubjectsResult = { ok: true; subjects: GithubSubjectCandidate[]; notes: string[] } | { ok: false; error: string };

const WHEN_MUTABLE = `repositories created before ${IMMUTABLE_DEFAULT_SINCE} and never renamed or transferred since, unless they opted in to immutable subjects; GitHub Enterprise Server`;
const WHEN_IMMUTABLE = `repositories created, renamed or transferred since ${IMMUTABLE_DEFAULT_SINCE}, and older ones that opted in (repository or organisation OIDC settings)`;
const IDS_HINT = 'the IDs are owner.id and id in GitHub\'s REST API answer for GET /repos/OWNER/REPO (e.g. `gh api repos/OWNER/REPO --jq ".owner.id, .id"`)';

function contextSuffix(options: GithubSubjectOptions): string | { error: string } {
  const given = [options.environment !== undefined, options.ref !== undefined, options.pullRequest === true].filter(Boolean).length;
  if (given !== 1) return { error: 'give exactly one of an environment, a ref (refs/heads/BRANCH or refs/tags/TAG) or pull requests' };
  if (options.pullRequest === true) return PULL_REQUEST;
  if (options.environment !== undefined) {
    const environment = options.environment;
    if (environment.trim() === '' || environment !== environment.trim() || environment.includes(':')) {
      return { error: `environment ${JSON.stringify(environment.slice(0, 100))} is empty, has surrounding spaces or a ':'` };
    }
    return `environment:${environment}`;
  }
  const ref = options.ref ?? '';
  if (!/^refs\/(heads|tags)\/[^\s:]+$/.test(ref)) {
    const name = ref.replace(/^(refs\/)?(heads|tags)\//, '');
    return { error: `ref ${JSON.stringify(ref.slice(0, 100))} is not a full branch or tag ref: use refs/heads/${name} for a branch, refs/tags/${name} for a tag` };
  }
  return `ref:${ref}`;
}

/**
 * The subject(s) a workflow of `repo` presents for the given context: the mutable form and, when
 * the IDs are given, the immutable one. wif-check cannot know from here which form a repository
 * gets, so it offers each that may apply (`immutable` picks one).
 */
export function githubSubjects(options: GithubSubjectOptions): GithubSubjectsResult {
  const repo = MUTABLE_FORM.exec(options.repo);
  if (!repo) return { ok: false, error: `repository ${JSON.stringify(options.repo.slice(0, 100))} is not OWNER/REPO` };
  const context = contextSuffix(options);
  if (typeof context !== 'string') return { ok: false, error: context.error };
  const ids = [options.ownerId, options.repoId].map((id) => (id === undefined ? undefined : String(id)));
  if (ids.some((id) => id !== undefined && !/^[0-9]+$/.test(id))) return { ok: false, error: 'owner and repository IDs are numbers' };
  const [ownerId, repoId] = ids;
  const haveIds = ownerId !== undefined && repoId !== undefined;
  if ((ownerId === undefined) !== (repoId === undefined)) return { ok: false, error: `the immutable form needs both the owner's and the repository's ID: ${IDS_HINT}` };
  if (options.immutable === true && !haveIds) return { ok: false, error: `the immutable form needs the owner's and the repository's IDs: ${IDS_HINT}` };
  const subjects: GithubSubjectCandidate[] = [];
  if (options.immutable !== true) subjects.push({ subject: `repo:${options.repo}:${context}`, form: 'mutable', when: WHEN_MUTABLE });
  if (haveIds && options.immutable !== false) {
    subjects.push({ subject: `repo:${repo[1]}@${ownerId}/${repo[2]}@${repoId}:${context}`, form: 'immutable-at', when: WHEN_IMMUTABLE });
  }
  const notes = haveIds || options.immutable === false
    ? []
    : [`repositories created, renamed or transferred since ${IMMUTABLE_DEFAULT_SINCE} (and older ones that opted in) present repo:${repo[1]}@<owner id>/${repo[2]}@<repository id>:${context} instead; give the IDs to get that subject too: ${IDS_HINT}`];
  return { ok: true, subjects, notes };
}

// --- subjects no workflow presents -------------------------------------------------------------

interface Problem {
  code: string;
  severity: 'error' | 'warn';
  message: string;
  /** false when wif-check cannot tell what the subject should say. */
  fixable: boolean;
}

interface Pair {
  key: string;
  value: string | null;
  /** The value is cut by a trailing `*` wildcard: not checked. */
  partial?: boolean;
}

/** A value inside a message: one line (control characters escaped), and not too long. */
const shown = (text: string): string => escapeControl(text.length > 120 ? `${text.slice(0, 120)}…` : text);

/**
 * Two different values inside one message, each as shown() shows it, unless that would make them
 * look the same (they differ only past the first 120 characters): then both from a little before
 * where they first differ, with an ellipsis where a value is cut.
 */
function shownPair(a: string, b: string): [string, string] {
  let same = 0;
  while (same < a.length && a[same] === b[same]) same++;
  if (same < 120) return [shown(a), shown(b)];
  const from = same - 40;
  const cut = (text: string) => escapeControl(`…${text.slice(from, from + 120)}${text.length > from + 120 ? '…' : ''}`);
  return [cut(a), cut(b)];
}

const problem = (code: string, message: string, fixable = true, severity: 'error' | 'warn' = 'error'): Problem => ({ code, severity, message, fixable });

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The claim name `name` is probably a typo of (1 edit for short names, 2 for longer ones). */
function nearestClaim(name: string): string | undefined {
  const limit = name.length >= 6 ? 2 : 1;
  let best: { key: string; distance: number } | undefined;
  for (const key of CLAIM_KEYS) {
    const distance = editDistance(name, key);
    if (distance <= limit && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

const PULL_REQUEST_LIKE = /^pull[-_ ]?requests?$/i;

/** A key that is not a claim name: repaired when its intent is clear. `inline`: the token is a value whose key was left out. */
function repairKey(key: string, first: boolean): { key: string; inline: boolean; problem?: Problem } {
  const lower = key.toLowerCase();
  if (CLAIM_KEYS.has(lower)) {
    return { key: lower, inline: false, problem: problem('GITHUB_SUBJECT_KEY_CASE', `${shown(key)} is not how GitHub writes the claim: its claim names are lower-case (${lower})`) };
  }
  if (/^(refs?|heads|tags)\//i.test(key)) {
    return { key: 'ref', inline: true, problem: problem('GITHUB_SUBJECT_MISSING_REF_KEY', `${shown(key)} lacks its claim name: GitHub writes ref:refs/heads/<branch> or ref:refs/tags/<tag>`) };
  }
  if (first && key.includes('/')) {
    return { key: 'repo', inline: true, problem: problem('GITHUB_SUBJECT_NO_REPO', `the subject starts with ${shown(key)}: GitHub's subjects start with repo:OWNER/REPO`) };
  }
  const near = nearestClaim(lower);
  if (near) return { key: near, inline: false, problem: problem('GITHUB_SUBJECT_UNKNOWN_CLAIM', `${shown(key)} is not a claim GitHub puts in a subject (did you mean ${near}?)`) };
  const message = `${shown(key)} is not a claim GitHub documents for subjects (expected e.g. repo, environment, ref, pull_request, job_workflow_ref)`;
  return { key, inline: false, problem: problem('GITHUB_SUBJECT_UNKNOWN_CLAIM', message, false, 'warn') };
}

/** `ref:` values: a full branch or tag ref; other `refs/…` namespaces pass (custom templates). */
function repairRef(value: string): { value: string; problem?: Problem } {
  if (/\s/.test(value)) return { value, problem: problem('GITHUB_SUBJECT_WHITESPACE', `ref:${shown(value)} contains whitespace, which no git ref name can (git check-ref-format)`, false) };
  const full = /^refs\/(heads|tags)\/(.*)$/.exec(value);
  if (full) {
    return full[2] === '' ? { value, problem: problem('GITHUB_SUBJECT_EMPTY_VALUE', `ref:${value} names no ${full[1] === 'heads' ? 'branch' : 'tag'}`, false) } : { value };
  }
  const typo = /^refs?\/(heads?|tags?)\/(.*)$/i.exec(value);
  if (typo) {
    const fixed = `refs/${/^h/i.test(typo[1] ?? '') ? 'heads' : 'tags'}/${typo[2] ?? ''}`;
    return { value: fixed, problem: problem('GITHUB_SUBJECT_REF_TYPO', `ref:${shown(value)} is misspelt: GitHub writes branches as refs/heads/… and tags as refs/tags/… (${shown(fixed)})`) };
  }
  if (value.startsWith('refs/')) return { value };
  if (value === '') return { value, problem: problem('GITHUB_SUBJECT_EMPTY_VALUE', 'ref: is empty: GitHub writes the full ref, e.g. ref:refs/heads/main', false) };
  const short = /^(heads|tags)\/(.*)$/i.exec(value);
  const fixed = short ? `refs/${(short[1] ?? '').toLowerCase()}/${short[2] ?? ''}` : `refs/heads/${value}`;
  const message = `ref:${shown(value)} is not a full git ref: GitHub writes ref:refs/heads/<branch> for a branch and ref:refs/tags/<tag> for a tag`;
  return { value: fixed, problem: problem('GITHUB_SUBJECT_SHORT_REF', message) };
}

function repairRepo(value: string): { value: string; problem?: Problem } {
  const compact = value.replace(/\s+/g, '');
  if (compact !== value) return { value: compact, problem: problem('GITHUB_SUBJECT_WHITESPACE', `repo:${shown(value)} contains whitespace, which no owner or repository name can`, parseRepo(compact) !== undefined) };
  if (parseRepo(value)) return { value };
  if (value.includes('@')) {
    return { value, problem: problem('GITHUB_SUBJECT_BAD_ID', `repo:${shown(value)} is not the immutable form, which carries both IDs: OWNER@<owner id>/REPO@<repository id> (digits)`, false) };
  }
  return { value, problem: problem('GITHUB_SUBJECT_NO_REPO', `repo:${shown(value)} is not OWNER/REPO`, false) };
}

/** The subject's tokens as claim pairs, keys repaired. A trailing `*` leaves the last token unchecked. */
function pairsOf(tokens: string[], partialIndex: number, problems: Problem[]): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < tokens.length; ) {
    const raw = tokens[i] ?? '';
    if (i === partialIndex) {
      pairs.push({ key: raw, value: null, partial: true });
      break;
    }
    const key = raw.trim();
    if (key === '') {
      // `::` or a trailing `:`: nothing GitHub writes. Inside the subject the fix drops it; at the
      // end the claim meant to follow is unknown.
      problems.push(problem('GITHUB_SUBJECT_STRAY_COLON', "the subject has an empty claim (a ':' too many)", i < tokens.length - 1));
      i += 1;
      continue;
    }
    if (key !== raw) problems.push(problem('GITHUB_SUBJECT_WHITESPACE', `${JSON.stringify(shown(raw))} has whitespace around it: GitHub's subjects have none around a claim`));
    if (PULL_REQUEST_LIKE.test(key)) {
      if (key !== PULL_REQUEST) problems.push(problem('GITHUB_SUBJECT_PULL_REQUEST_TYPO', `${shown(key)} is not what GitHub writes for a pull request: its subjects say pull_request`));
      pairs.push({ key: PULL_REQUEST, value: null });
      i += 1;
      continue;
    }
    const repaired = CLAIM_KEYS.has(key) ? { key, inline: false } : repairKey(key, i === 0);
    if (repaired.problem) problems.push(repaired.problem);
    const valueIndex = repaired.inline ? i : i + 1;
    const value = tokens[valueIndex];
    if (value === undefined) problems.push(problem('GITHUB_SUBJECT_EMPTY_VALUE', `the claim ${shown(repaired.key)} has no value`, false));
    pairs.push({ key: repaired.key, value: value ?? '', partial: valueIndex === partialIndex });
    i = valueIndex + 1;
  }
  return pairs;
}

/** A ref cut by the wildcard: it must still be able to grow into refs/… */
function checkPartialRef(pair: Pair): Problem | undefined {
  const value = pair.value ?? '';
  if (pair.key !== 'ref' || value.startsWith('refs/') || 'refs/'.startsWith(value)) return undefined;
  const repaired = repairRef(value);
  pair.value = repaired.value;
  return repaired.problem;
}

function checkValue(pair: Pair): Problem | undefined {
  if (pair.partial) return checkPartialRef(pair);
  if (pair.value === null) return undefined;
  const value = pair.value.trim();
  const around = value === pair.value ? undefined : problem('GITHUB_SUBJECT_WHITESPACE', `${shown(pair.key)}:${JSON.stringify(shown(pair.value))} has whitespace around the value`);
  const repaired = pair.key === 'repo' ? repairRepo(value) : pair.key === 'ref' ? repairRef(value) : { value };
  pair.value = repaired.value;
  if (repaired.problem) return repaired.problem;
  if (value !== '') return around;
  const what = pair.key === 'environment' ? 'an environment always has a name' : 'GitHub presents no empty claim';
  return problem('GITHUB_SUBJECT_EMPTY_VALUE', `${shown(pair.key)}: is empty: ${what}`, false);
}

const FIX_BY_CODE: Readonly<Record<string, string>> = {
  GITHUB_SUBJECT_NO_REPO: 'Register repo:OWNER/REPO:… with the repository as GitHub shows it (wif-check gen-sql --provider oidc --github-repo OWNER/REPO prints it).',
  GITHUB_SUBJECT_BAD_ID: 'Register repo:OWNER@<owner id>/REPO@<repository id>:… with both numeric IDs, or the mutable repo:OWNER/REPO:…, as the token shows it (wif-check whoami --provider oidc).',
};

/**
 * A Trap when no GitHub workflow can ever present `registered` (with the subject that would match,
 * when it can be known); undefined when some workflow could. A claim name GitHub does not document
 * is only a warning: GitHub may add claims.
 */
export function impossibleGithubSubject(registered: string): Trap | undefined {
  // From behaviour change 2026_08 a trailing `*` is a prefix wildcard (a literal before; rules.ts
  // says so): the token it cuts is not checked.
  const wildcard = registered.endsWith('*');
  const tokens = (wildcard ? registered.slice(0, -1) : registered).split(':');
  const problems: Problem[] = [];
  const pairs = pairsOf(tokens, wildcard ? tokens.length - 1 : -1, problems);
  for (const pair of pairs) {
    const found = checkValue(pair);
    if (found) problems.push(found);
  }
  const first = problems.find((p) => p.severity === 'error') ?? problems[0];
  if (!first) return undefined;
  const subject = pairs.map((pair) => (pair.value === null ? pair.key : `${pair.key}:${pair.value}`)).join(':') + (wildcard ? '*' : '');
  const fixable = problems.every((p) => p.fixable) && subject !== registered;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return {
    code: first.code,
    severity: first.severity,
    message: `${first.severity === 'error' ? 'no GitHub workflow presents this subject' : 'GitHub may never present this subject'}: ${first.message}${more}`,
    fix: fixable ? `Register the subject a workflow presents: ${subject}` : (FIX_BY_CODE[first.code] ?? 'Register the subject the token carries (wif-check whoami --provider oidc shows it).'),
    ...(fixable ? { subject } : {}),
  };
}

// --- why a presented subject does not match the registered one -------------------------------

type MakeTrap = (code: string, message: string, severity?: 'error' | 'warn', alternative?: string) => Trap;

const CASE_ONLY = 'whether Snowflake compares SUBJECT case-sensitively is not documented: register exactly what the token carries';

function repoText(s: GithubSubject): string {
  const separator = s.form === 'immutable-at' ? '@' : '-';
  return shown(s.form === 'mutable' ? `repo:${s.owner}/${s.repo}` : `repo:${s.owner}${separator}${s.ownerId}/${s.repo}${separator}${s.repoId}`);
}

const sameText = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** A hyphen-form subject read as the mutable subject of names that end in -<digits>. */
const asMutable = (s: GithubSubject): GithubSubject =>
  s.form === 'immutable-hyphen' ? { ...s, owner: `${s.owner}-${s.ownerId}`, repo: `${s.repo}-${s.repoId}`, ownerId: null, repoId: null, form: 'mutable' } : s;

function repoTraps(presented: GithubSubject, r: GithubSubject, trap: MakeTrap): Trap[] {
  // Tokens never carry the hyphen form (announced, then reverted: docs/how-it-works.md): a presented
  // `repo:a-1/b-2` is the mutable subject of names that end in -<digits>.
  const p = asMutable(presented);
  if (p.form === null || r.form === null || repoText(p) === repoText(r)) return [];
  // A registered `repo:a-1/b-2` may be names too: read it so when the token's names say so.
  const rm = asMutable(r);
  if (rm !== r && sameText(p.owner, rm.owner) && sameText(p.repo, rm.repo)) return repoTraps(p, rm, trap);
  const sameNames = sameText(p.owner, r.owner) && sameText(p.repo, r.repo);
  const differs = () => trap('GITHUB_SUBJECT_REPO_DIFFERS', `the token comes from ${repoText(p)}, the registration names ${repoText(r)}`);
  if (p.form === r.form) {
    if (p.form === 'mutable' || p.ownerId + '/' + p.repoId === r.ownerId + '/' + r.repoId) {
      if (sameNames) return [trap('GITHUB_SUBJECT_CASE_DIFFERS', `${repoText(p)} and ${repoText(r)} differ only in letter case: ${CASE_ONLY}`, 'warn')];
      if (p.form === 'mutable') return [differs()];
      return [trap('GITHUB_SUBJECT_RENAMED', `same repository IDs, other names: the owner or repository was renamed or transferred, and tokens now carry ${repoText(p)}`)];
    }
    return [sameNames ? trap('GITHUB_SUBJECT_ID_DIFFERS', `the registered IDs (${repoText(r)}) are not this repository's (${repoText(p)}): the name now belongs to another owner or repository`) : differs()];
  }
  if (!sameNames) return [differs()];
  if (r.form === 'immutable-hyphen') {
    return [trap('GITHUB_SUBJECT_HYPHEN_FORM', `the registration uses ${repoText(r)}, the token carries ${repoText(p)}: the OWNER-ID/REPO-ID form was only announced (GitHub changelog 2026-04-23, later reverted); tokens carry the @ form or the mutable one`)];
  }
  if (p.form === 'immutable-at') {
    return [trap('GITHUB_SUBJECT_NEEDS_IMMUTABLE', `this repository gets the immutable form ${repoText(p)} (created, renamed or transferred since ${IMMUTABLE_DEFAULT_SINCE}, or opted in), not ${repoText(r)}`)];
  }
  return [trap('GITHUB_SUBJECT_NOT_IMMUTABLE', `this repository's tokens carry the mutable form ${repoText(p)}, not ${repoText(r)}: it has not opted in to immutable subjects (or runs on GitHub Enterprise Server)`)];
}

/** The claim names in order, with environment/ref/pull_request as the template's `context`. */
const templateOf = (s: GithubSubject) => s.claims.map((claim) => (CONTEXT_KEYS.has(claim.key) ? 'context' : claim.key)).join(', ');
const claimText = (claim: GithubClaim) => (claim.value === null ? claim.key : `${claim.key}:${claim.value}`);
const refKind = (claim: GithubClaim) => (claim.key !== 'ref' ? claim.key : claim.value?.startsWith('refs/heads/') ? 'branch' : claim.value?.startsWith('refs/tags/') ? 'tag' : 'ref');

function contextTrap(pc: GithubClaim, rc: GithubClaim, trap: MakeTrap): Trap | undefined {
  const [pFull, rFull] = [claimText(pc), claimText(rc)];
  if (pFull === rFull) return undefined;
  const [pt, rt] = shownPair(pFull, rFull);
  const [pk, rk] = [refKind(pc), refKind(rc)];
  if (pk === rk || (pk === 'ref') !== (rk === 'ref')) {
    if (pFull.toLowerCase() === rFull.toLowerCase()) return trap('GITHUB_SUBJECT_CASE_DIFFERS', `${pt} and ${rt} differ only in letter case: ${CASE_ONLY}`, 'warn');
    return trap('GITHUB_SUBJECT_VALUE_DIFFERS', `the workflow presents ${pt}, the registration names ${rt}`);
  }
  if (pk === 'environment') return trap('GITHUB_SUBJECT_ENVIRONMENT', `the job uses the environment ${shown(pc.value ?? '')}: GitHub presents ${pt} instead of ${rt} (an environment wins)`);
  if (rk === 'environment') {
    return trap('GITHUB_SUBJECT_NO_ENVIRONMENT', `the registration names ${rt}, but the job uses no environment: GitHub presents ${pt}`, 'error', `or give the job \`environment: ${shown(rc.value ?? '')}\` so that it presents the registered subject`);
  }
  if (pk === PULL_REQUEST) return trap('GITHUB_SUBJECT_PULL_REQUEST', `the run is a pull request: GitHub presents pull_request, not ${rt}`);
  if (rk === PULL_REQUEST) return trap('GITHUB_SUBJECT_PULL_REQUEST', `the registration is for pull requests, but the run is not one: GitHub presents ${pt}`);
  return trap('GITHUB_SUBJECT_BRANCH_VS_TAG', `the run is for a ${pk} (${pt}), the registration names a ${rk} (${rt})`);
}

function claimTraps(p: GithubSubject, r: GithubSubject, trap: MakeTrap): Trap[] {
  const [pTemplate, rTemplate] = [templateOf(p), templateOf(r)];
  const traps: Trap[] = [];
  if (pTemplate !== rTemplate) {
    const message = p.kind === 'custom' || p.kind === 'job_workflow_ref'
      ? `this repository (or its organisation) uses a custom subject template (${pTemplate}), the registration follows another (${rTemplate})`
      : `the registration follows a custom subject template (${rTemplate}), but this repository's tokens use ${pTemplate === 'repo, context' ? "GitHub's default" : 'another'} (${pTemplate})`;
    traps.push(trap('GITHUB_SUBJECT_CUSTOM_TEMPLATE', message));
  }
  const contextClaim = (s: GithubSubject) => s.claims.find((claim) => CONTEXT_KEYS.has(claim.key));
  const [pc, rc] = [contextClaim(p), contextClaim(r)];
  const context = pc && rc ? contextTrap(pc, rc, trap) : undefined;
  if (context) traps.push(context);
  if (pTemplate === rTemplate) {
    const other = p.claims.findIndex((claim, i) => claim.key !== 'repo' && !CONTEXT_KEYS.has(claim.key) && claim.value !== r.claims[i]?.value);
    const [po, ro] = [p.claims[other], r.claims[other]];
    // Values that differ make claim texts that differ: contextTrap names them (VALUE_DIFFERS at least).
    const valueTrap = po && ro ? contextTrap(po, ro, trap) : undefined;
    if (valueTrap) traps.push(valueTrap);
  }
  return traps;
}

/**
 * Why the subject a workflow presented differs from the registered one, as Traps whose fix is the
 * subject to register; empty when they are equal.
 */
export function compareGithubSubjects(presented: string, registered: string): Trap[] {
  if (presented === registered) return [];
  const register = `Register the subject this workflow presents: ${escapeControl(presented)}`;
  const trap: MakeTrap = (code, message, severity = 'error', alternative) => ({ code, severity, message, fix: alternative ? `${register}\n${alternative}` : register, subject: presented });
  const impossible = impossibleGithubSubject(registered);
  if (impossible?.severity === 'error') return [{ ...impossible, fix: register, subject: presented }];
  if (presented.toLowerCase() === registered.toLowerCase()) return [trap('GITHUB_SUBJECT_CASE_DIFFERS', `the subjects differ only in letter case: ${CASE_ONLY}`, 'warn')];
  // A trailing `*` (a prefix wildcard from 2026_08): only the claims before the one it cuts compare.
  const wildcard = registered.endsWith('*');
  const [p, r] = [parseGithubSubject(presented), parseGithubSubject(wildcard ? registered.split(':').slice(0, -1).join(':') : registered)];
  const traps = p.ok && r.ok ? [...repoTraps(p.subject, r.subject, trap), ...(wildcard ? [] : claimTraps(p.subject, r.subject, trap))] : [];
  const [rt, pt] = shownPair(registered, presented);
  return traps.length > 0 ? traps : [trap('GITHUB_SUBJECT_DIFFERS', `the registered subject ${rt} is not the one the workflow presents (${pt})`)];
}
