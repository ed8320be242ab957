/**
 * `wif-check gen-sql --provider gcp`: the SQL that maps a GCP service account to a Snowflake
 * service user — `WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>')` — from the live token
 * (the metadata server's, or the impersonation path's last account's) or offline from `--subject`.
 * An e-mail given as the subject is refused with how to get the unique ID (the docs show both; the
 * token's sub is the ID). Static in the CLI bundle (offline budget); the live token is read lazily.
 */
import { WifError, usageError } from '../../core/errors.js';
import { generateSql as buildSql, identifierForTypedName } from '../../core/sql.js';
import { sqlInputsFor, type OidcGenerateSqlOptions } from '../oidc/gen-sql.js';
import { terraformFor } from '../../core/terraform.js';
import { libraryTimeoutMs } from '../../core/timeout.js';
import type { ProviderGeneratedSql, SqlProvider } from '../registry.js';
import type { Trap } from '../types.js';
import { subjectTraps, type GcpRegistration } from './rules.js';

/** The user's own options are OIDC's (src/providers/oidc/gen-sql.ts); GCP adds its subject and path. */
export interface GcpGenerateSqlOptions
  extends Pick<OidcGenerateSqlOptions, 'user' | 'alter' | 'ifNotExists' | 'orReplace' | 'verify' | 'defaultRole' | 'defaultWarehouse' | 'defaultNamespace' | 'comment'> {
  /** Offline: the service account's unique ID. */
  subject?: string | undefined;
  /** Live: the impersonation path (its last account's token). */
  impersonationPath?: string | readonly string[] | undefined;
  timeoutMs?: number | undefined;
  /** `terraform`: also the snowflake_service_user resource (the caller checked the value). */
  format?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

export interface GcpGeneratedSql {
  provider: 'gcp';
  user: string;
  sql: string;
  warnings: string[];
  registration: GcpRegistration;
  traps: Trap[];
  subject: string;
  /** Live: the service account's e-mail, when the token says it. */
  email: string | null;
  terraform?: string;
}

export async function gcpGenerateSql(options: GcpGenerateSqlOptions): Promise<GcpGeneratedSql> {
  if (options.user === undefined) throw usageError('--provider gcp needs --user: name the Snowflake service user the service account maps to', 'MISSING_USER');
  const { subject, email, notes } = options.subject !== undefined ? { subject: options.subject, email: null, notes: [] as string[] } : await fromToken(options);
  const traps = subjectTraps(subject, identifierForTypedName(options.user) ?? '<user>');
  const blocking = traps.find((trap) => trap.severity === 'error');
  if (blocking) throw new WifError('usage', blocking.message, { code: blocking.code, ...(blocking.fix ? { hint: blocking.fix } : {}) });
  const registration: GcpRegistration = { type: 'GCP', subject };
  const inputs = sqlInputsFor(options, registration);
  const generated = buildSql(inputs);
  if (!generated.ok) throw usageError(generated.error, 'BAD_SQL_INPUT');
  const tf = terraformFor(options.format === 'terraform' ? 'terraform' : 'sql', inputs);
  return {
    provider: 'gcp',
    user: generated.user,
    sql: generated.sql,
    warnings: [...notes, ...traps.map((trap) => `${trap.message}${trap.fix ? ` — ${trap.fix.split('\n')[0]}` : ''}`), ...generated.warnings, ...tf.warnings],
    registration,
    traps,
    subject,
    email,
    ...(tf.terraform !== undefined ? { terraform: tf.terraform } : {}),
  };
}

async function fromToken(options: GcpGenerateSqlOptions): Promise<{ subject: string; email: string | null; notes: string[] }> {
  const { gcpIdentity } = await import('./identity.js');
  const identity = await gcpIdentity({ impersonationPath: options.impersonationPath, env: options.env, timeoutMs: options.timeoutMs ?? 10_000 });
  const tokenNotes = identity.traps.filter((trap) => trap.severity !== 'info').map((trap) => `the token: ${trap.message}`);
  const path = identity.token.impersonationPath;
  return {
    subject: identity.facts.subject,
    email: identity.facts.email,
    notes: [`from the token of the ${identity.token.origin}${path.length ? ` through ${path.join(' → ')}` : ''}: service account ${identity.facts.email ?? '(no email claim)'}, unique ID ${identity.facts.subject}`, ...tokenNotes],
  };
}

/** OIDC's and AWS's gen-sql options given with `--provider gcp`: a usage error naming the first (they would be ignored). */
export function refuseOtherOptions(given: object, flags: ReadonlyArray<readonly [string, string]>): void {
  const options = given as Readonly<Record<string, unknown>>;
  const flag = flags.find(([key]) => options[key] !== undefined && options[key] !== false && !(Array.isArray(options[key]) && (options[key] as unknown[]).length === 0));
  if (flag) throw usageError(`${flag[1]} is not for --provider gcp: a GCP login is the service account's Google ID token, matched by its unique ID`, 'CONFLICTING_OPTIONS', 'Leave it out, or use the provider it belongs to.');
}

const NOT_GCP_SQL = [
  ['arn', '--arn'],
  ['outboundToken', '--outbound-token'],
  ['issuer', '--issuer'],
  ['githubRepo', '--github-repo'],
  ['environment', '--environment'],
  ['ref', '--ref'],
  ['pullRequest', '--pull-request'],
  ['repoId', '--repo-id'],
  ['ownerId', '--owner-id'],
  ['tokenFile', '--token-file'],
  ['audience', '--audience'],
  ['profile', '--profile'],
  ['region', '--region'],
] as const;

export const gcpSql: SqlProvider<GcpGeneratedSql & ProviderGeneratedSql> = {
  name: 'gcp',
  refuseOptions(options) {
    refuseOtherOptions(options, NOT_GCP_SQL);
    if (options.alter && (options.ifNotExists || options.orReplace)) throw usageError('--if-not-exists and --or-replace apply to CREATE USER, not to --alter', 'CONFLICTING_OPTIONS');
  },
  generateSql: (options, env) =>
    gcpGenerateSql({
      user: options.user,
      alter: options.alter,
      ifNotExists: options.ifNotExists,
      orReplace: options.orReplace,
      verify: options.verify,
      defaultRole: options.defaultRole,
      defaultWarehouse: options.defaultWarehouse,
      defaultNamespace: options.defaultNamespace,
      comment: options.comment,
      subject: options.subject,
      impersonationPath: options.impersonationPath,
      timeoutMs: libraryTimeoutMs(options.timeoutMs),
      format: options.format,
      env,
    }),
};
