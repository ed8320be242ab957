/**
 * `wif-check gen-sql --provider oidc`: the SQL that maps an OIDC identity to a Snowflake service
 * user — `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = … SUBJECT = … OIDC_AUDIENCE_LIST = (…))`,
 * always with an explicit audience list — from the live token, from `--issuer/--subject`, or for a
 * GitHub Actions workflow that does not run yet from `--github-repo` and its context. Every trap the
 * registration holds is a warning (or, for a subject no workflow can present, a refusal with the one
 * that would match). Static in the CLI bundle (offline start-up budget); the live token is read lazily.
 */
import type { SqlProvider } from '../registry.js';
import { WifError, usageError } from '../../core/errors.js';
import { generateSql as buildSql, type GenerateSqlOptions as SqlInputs } from '../../core/sql.js';
import { hclString, terraformFor } from '../../core/terraform.js';
import type { Registration, Trap } from '../types.js';
import { GITHUB_ISSUER, githubSubjects } from './github.js';
import { SNOWFLAKE_AUDIENCE, registrationTraps } from './rules.js';
import { oidcIdentityClause } from './sql.js';

export interface OidcGenerateSqlOptions {
  user?: string | undefined;
  alter?: boolean | undefined;
  ifNotExists?: boolean | undefined;
  orReplace?: boolean | undefined;
  verify?: boolean | undefined;
  defaultRole?: string | undefined;
  defaultWarehouse?: string | undefined;
  defaultNamespace?: string | undefined;
  comment?: string | undefined;
  /** Offline: the token's issuer and subject. */
  issuer?: string | undefined;
  subject?: string | undefined;
  /** The OIDC_AUDIENCE_LIST, comma-separated (live: also the audience asked of GitHub's token service). */
  audience?: string | undefined;
  /** Offline, GitHub Actions: OWNER/REPO and exactly one of environment, ref, pullRequest. */
  githubRepo?: string | undefined;
  environment?: string | undefined;
  ref?: string | undefined;
  pullRequest?: boolean | undefined;
  repoId?: string | undefined;
  ownerId?: string | undefined;
  /** Live: the token file (default: GitHub's token service, then SNOWFLAKE_TOKEN_FILE_PATH). */
  tokenFile?: string | undefined;
  timeoutMs?: number | undefined;
  /** `terraform`: also the snowflake_service_user resource (the caller checked the value). */
  format?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

export interface OidcGeneratedSql {
  provider: 'oidc';
  user: string;
  sql: string;
  warnings: string[];
  /** Exactly what the SQL registers. */
  registration: Extract<Registration, { type: 'OIDC' }>;
  /** Other subjects the workload may present (GitHub: the immutable form), each registered the same way. */
  alternatives: Array<{ registration: Extract<Registration, { type: 'OIDC' }>; when: string }>;
  traps: Trap[];
  issuer: string;
  subject: string;
  audienceList: string[];
  /** With format `terraform`: the snowflake_service_user resource (HCL). */
  terraform?: string;
}

function audienceList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (list.length === 0) throw usageError('--audience is empty', 'BAD_AUDIENCE', 'Give one or more audiences, comma-separated (the token\'s aud must be one of them).');
  return [...new Set(list)];
}

export async function oidcGenerateSql(options: OidcGenerateSqlOptions): Promise<OidcGeneratedSql> {
  if (options.user === undefined) {
    throw usageError('--provider oidc needs --user: name the Snowflake service user the token maps to', 'MISSING_USER');
  }
  const audiences = audienceList(options.audience);
  const { registration, alternatives, traps, notes } = options.githubRepo !== undefined
    ? fromGithub(options, audiences)
    : options.issuer !== undefined || options.subject !== undefined
      ? fromFlags(options, audiences)
      : await fromToken(options, audiences);
  const blocking = traps.find((trap) => trap.severity === 'error');
  if (blocking) {
    throw new WifError('usage', `${blocking.message}`, { code: blocking.code, hint: blocking.fix });
  }
  const inputs: SqlInputs = {
    user: options.user,
    registration,
    mode: options.alter ? 'alter' : 'create',
    ifNotExists: options.ifNotExists ?? false,
    orReplace: options.orReplace ?? false,
    verify: options.verify ?? true,
    ...definedOnly({ defaultRole: options.defaultRole, defaultWarehouse: options.defaultWarehouse, defaultNamespace: options.defaultNamespace, comment: options.comment }),
  };
  const generated = buildSql(inputs);
  if (!generated.ok) throw usageError(generated.error, 'BAD_SQL_INPUT');
  const tf = terraformFor(options.format === 'terraform' ? 'terraform' : 'sql', inputs);
  const terraform =
    tf.terraform === undefined
      ? undefined
      : [tf.terraform, ...alternatives.map((alternative) => `# or, for ${alternative.when}: subject = ${hclString(alternative.registration.subject)}`)].join('\n');
  const sql = [
    generated.sql,
    ...alternatives.flatMap((alternative) => [`-- or, for ${alternative.when}:`, `-- ALTER USER ${generated.user} SET ${oidcIdentityClause(alternative.registration)};`]),
  ].join('\n');
  return {
    provider: 'oidc',
    user: generated.user,
    sql,
    warnings: [...notes, ...traps.map((trap) => `${trap.message}${trap.fix ? ` — ${trap.fix.split('\n')[0]}` : ''}`), ...generated.warnings, ...tf.warnings],
    registration,
    alternatives,
    traps,
    issuer: registration.issuer,
    subject: registration.subject,
    audienceList: registration.audienceList,
    ...(terraform !== undefined ? { terraform } : {}),
  };
}

interface Resolved {
  registration: Extract<Registration, { type: 'OIDC' }>;
  alternatives: OidcGeneratedSql['alternatives'];
  traps: Trap[];
  notes: string[];
}

function fromFlags(options: OidcGenerateSqlOptions, audiences: string[] | undefined): Resolved {
  if (options.issuer === undefined || options.subject === undefined) {
    throw usageError('--provider oidc offline needs both --issuer and --subject (or --github-repo, or neither: the live token)', 'MISSING_SUBJECT');
  }
  const registration = { type: 'OIDC' as const, issuer: options.issuer, subject: options.subject, audienceList: audiences ?? [SNOWFLAKE_AUDIENCE] };
  const notes = audiences ? [] : [`no --audience: OIDC_AUDIENCE_LIST = ('${SNOWFLAKE_AUDIENCE}'), the audience every Snowflake account accepts; a distinct audience (--audience) keeps a token minted for another account out`];
  return { registration, alternatives: [], traps: registrationTraps(registration), notes };
}

function fromGithub(options: OidcGenerateSqlOptions, audiences: string[] | undefined): Resolved {
  if (options.subject !== undefined) throw usageError('--github-repo builds the subject: leave --subject out', 'CONFLICTING_OPTIONS');
  if (options.issuer !== undefined && options.issuer !== GITHUB_ISSUER) {
    throw usageError(`--github-repo is for GitHub.com's issuer ${GITHUB_ISSUER}; --issuer ${options.issuer} differs`, 'CONFLICTING_OPTIONS', 'Leave --issuer out, or give --issuer and --subject for another issuer.');
  }
  const result = githubSubjects({
    repo: options.githubRepo ?? '',
    ownerId: options.ownerId,
    repoId: options.repoId,
    environment: options.environment,
    ref: options.ref,
    pullRequest: options.pullRequest,
  });
  if (!result.ok) throw usageError(`--github-repo: ${result.error}`, 'BAD_GITHUB_SUBJECT');
  const list = audiences ?? [SNOWFLAKE_AUDIENCE];
  const [first, ...rest] = result.subjects;
  if (!first) throw usageError('--github-repo: no subject could be built', 'BAD_GITHUB_SUBJECT');
  const registration = { type: 'OIDC' as const, issuer: GITHUB_ISSUER, subject: first.subject, audienceList: list };
  const alternatives = rest.map((candidate) => ({ registration: { ...registration, subject: candidate.subject }, when: candidate.when }));
  const notes = [...result.notes, ...(rest.length ? [`this SQL registers the ${first.form} subject (${first.when}); the alternative is in a comment below it`] : [])];
  return { registration, alternatives, traps: registrationTraps(registration), notes };
}

async function fromToken(options: OidcGenerateSqlOptions, audiences: string[] | undefined): Promise<Resolved> {
  const { oidcIdentity } = await import('./identity.js');
  const identity = await oidcIdentity({ tokenFile: options.tokenFile, audience: audiences?.[0], env: options.env, timeoutMs: options.timeoutMs ?? 10_000 });
  const registration = { ...identity.registration, audienceList: audiences ?? identity.registration.audienceList };
  // The token's own problems (an expiring token, an algorithm) are notes here: whoami and doctor name them.
  const tokenNotes = identity.traps.filter((trap) => trap.severity !== 'info').map((trap) => `the token: ${trap.message}`);
  return { registration, alternatives: [], traps: registrationTraps(registration), notes: [`from the token of ${identity.token.origin}: issuer ${identity.facts.issuer}, subject ${identity.facts.subject}`, ...tokenNotes] };
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<Record<keyof T, string>>;
}

/** gen-sql behind the seam (src/providers/registry.ts). */
export const oidcSql: SqlProvider<OidcGeneratedSql> = {
  name: 'oidc',
  refuseOptions(options) {
    if (options.arn !== undefined || options.outboundToken) throw usageError('--arn and --outbound-token are for --provider aws', 'CONFLICTING_OPTIONS');
    if (options.alter && (options.ifNotExists || options.orReplace)) throw usageError('--if-not-exists and --or-replace apply to CREATE USER, not to --alter', 'CONFLICTING_OPTIONS');
  },
  generateSql: (options, env) => oidcGenerateSql({ ...options, env }),
};
