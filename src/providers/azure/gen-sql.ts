/**
 * `wif-check gen-sql --provider azure`: the SQL that maps an Azure managed identity (or AKS workload
 * identity) to a Snowflake service user — `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = … SUBJECT = …)`
 * — from the live token (what the driver would send) or offline from `--issuer/--subject`. Every
 * trap in the registration is a warning, or a refusal with the fix for one that can never match
 * (a client ID or Snowflake's own application as SUBJECT, capital letters, a sovereign cloud).
 * Static in the CLI bundle (offline start-up budget): the token code and its SDK load lazily.
 */
import { WifError, usageError } from '../../core/errors.js';
import { generateSql as buildSql, type GenerateSqlOptions as SqlInputs } from '../../core/sql.js';
import { terraformFor } from '../../core/terraform.js';
import type { GenerateSqlOptions } from '../../commands/gen-sql.js';
import type { SqlProvider } from '../registry.js';
import type { Trap } from '../types.js';
import { azureRegistrationTraps, type AzureRegistration } from './rules.js';
import { azureIdentityClause } from './sql.js';

export interface AzureGenerateSqlOptions {
  user?: string | undefined;
  alter?: boolean | undefined;
  ifNotExists?: boolean | undefined;
  orReplace?: boolean | undefined;
  verify?: boolean | undefined;
  defaultRole?: string | undefined;
  defaultWarehouse?: string | undefined;
  defaultNamespace?: string | undefined;
  comment?: string | undefined;
  /** Offline: the issuer and the object ID. */
  issuer?: string | undefined;
  subject?: string | undefined;
  /** Live: the driver's workloadIdentityAzureClientId / workloadIdentityAzureEntraIdResource. Offline: a client ID known not to be the subject. */
  azureClientId?: string | undefined;
  azureResource?: string | undefined;
  timeoutMs?: number | undefined;
  format?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

export interface AzureGeneratedSql {
  provider: 'azure';
  user: string;
  sql: string;
  warnings: string[];
  registration: AzureRegistration;
  traps: Trap[];
  issuer: string;
  subject: string;
  terraform?: string;
}

export async function azureGenerateSql(options: AzureGenerateSqlOptions): Promise<AzureGeneratedSql> {
  if (options.user === undefined) throw usageError('--provider azure needs --user: name the Snowflake service user the identity maps to', 'MISSING_USER');
  const { registration, traps, notes, alternative } = options.issuer !== undefined || options.subject !== undefined ? fromFlags(options) : await fromToken(options);
  const blocking = traps.find((trap) => trap.severity === 'error');
  if (blocking) throw new WifError('usage', blocking.message, { code: blocking.code, hint: blocking.fix });
  const inputs: SqlInputs = {
    user: options.user,
    registration,
    mode: options.alter ? 'alter' : 'create',
    ifNotExists: options.ifNotExists ?? false,
    orReplace: options.orReplace ?? false,
    verify: options.verify ?? true,
    ...Object.fromEntries(Object.entries({ defaultRole: options.defaultRole, defaultWarehouse: options.defaultWarehouse, defaultNamespace: options.defaultNamespace, comment: options.comment }).filter(([, value]) => value !== undefined)),
  };
  const generated = buildSql(inputs);
  if (!generated.ok) throw usageError(generated.error, 'BAD_SQL_INPUT');
  const tf = terraformFor(options.format === 'terraform' ? 'terraform' : 'sql', inputs);
  const sql = alternative ? [generated.sql, `-- or, in the form Snowflake's docs show (whether Snowflake matches it with this token's v1 issuer is not publicly known):`, `-- ALTER USER ${generated.user} SET ${azureIdentityClause(alternative)};`].join('\n') : generated.sql;
  return {
    provider: 'azure',
    user: generated.user,
    sql,
    warnings: [...notes, ...traps.map((trap) => `${trap.message}${trap.fix ? ` — ${trap.fix.split('\n')[0]}` : ''}`), ...generated.warnings, ...tf.warnings],
    registration,
    traps,
    issuer: registration.issuer,
    subject: registration.subject,
    ...(tf.terraform !== undefined ? { terraform: tf.terraform } : {}),
  };
}

interface Resolved {
  registration: AzureRegistration;
  traps: Trap[];
  notes: string[];
  alternative?: AzureRegistration | undefined;
}

function fromFlags(options: AzureGenerateSqlOptions): Resolved {
  if (options.issuer === undefined || options.subject === undefined) {
    throw usageError('--provider azure offline needs both --issuer and --subject (or neither: the live token)', 'MISSING_SUBJECT', "--issuer https://login.microsoftonline.com/<tenant ID>/v2.0 --subject <the identity's object (principal) ID>");
  }
  const registration: AzureRegistration = { type: 'AZURE', issuer: options.issuer, subject: options.subject };
  return { registration, traps: azureRegistrationTraps(registration, options.azureClientId ? [options.azureClientId] : []), notes: [] };
}

async function fromToken(options: AzureGenerateSqlOptions): Promise<Resolved> {
  const { azureIdentity } = await import('./identity.js');
  const identity = await azureIdentity({ clientId: options.azureClientId, resource: options.azureResource, env: options.env, timeoutMs: options.timeoutMs ?? 20_000 });
  const { registration, facts } = identity;
  // The token's own problems are notes here (whoami and doctor name them); the registration's are checked as offline.
  const tokenNotes = identity.traps.filter((trap) => trap.severity !== 'info').map((trap) => `the token: ${trap.message}`);
  const traps = azureRegistrationTraps(registration, facts.clientId ? [facts.clientId] : []).filter((trap) => trap.code !== 'AZURE_ISSUER_V1');
  return {
    registration,
    traps,
    notes: [`from the token of ${identity.token.origin}: issuer ${facts.issuer}, subject ${facts.subject} (object ID), client ID ${facts.clientId ?? 'none'}`, ...tokenNotes],
    alternative: identity.documentedForm ?? undefined,
  };
}

export const azureSql: SqlProvider<AzureGeneratedSql> = {
  name: 'azure',
  refuseOptions(options: GenerateSqlOptions) {
    const given = options as Readonly<Record<string, unknown>>;
    const flag = (
      [
        ['arn', '--arn'],
        ['outboundToken', '--outbound-token'],
        ['githubRepo', '--github-repo'],
        ['environment', '--environment'],
        ['ref', '--ref'],
        ['pullRequest', '--pull-request'],
        ['repoId', '--repo-id'],
        ['ownerId', '--owner-id'],
        ['tokenFile', '--token-file'],
        ['audience', '--audience'],
      ] as const
    ).find(([key]) => given[key] !== undefined && given[key] !== false);
    if (flag) throw usageError(`${flag[1]} is not for --provider azure: an Azure registration is ISSUER and SUBJECT`, 'CONFLICTING_OPTIONS', 'Leave it out; --issuer and --subject give the registration offline.');
    if (options.alter && (options.ifNotExists || options.orReplace)) throw usageError('--if-not-exists and --or-replace apply to CREATE USER, not to --alter', 'CONFLICTING_OPTIONS');
  },
  generateSql: (options, env) => azureGenerateSql({ ...(options as AzureGenerateSqlOptions), env }),
};
