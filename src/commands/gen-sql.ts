/**
 * `wif-check gen-sql`: the exact, safe SQL that maps an AWS principal to a Snowflake user.
 * Without --arn the caller is resolved like `whoami`.
 */
import { parsePrincipalArn, toSnowflakeArn, type PrincipalArn } from '../core/arn.js';
import { WifError, usageError } from '../core/errors.js';
import { defaultUserNameFor, generateSql as buildSql, type GenerateSqlOptions as SqlInputs } from '../core/sql.js';
import { genSqlFormat, terraformFor } from '../core/terraform.js';
import type { WhoamiOptions } from './whoami.js';
import type { AwsOptions } from '../aws/identity.js';
import { BAD_ISSUER_HINT, resolveMethod, validateIssuer, type WifMethod } from '../core/jwt-claims.js';
import { resolveProvider } from '../providers/index.js';
import type { OidcGenerateSqlOptions, OidcGeneratedSql } from '../providers/oidc/gen-sql.js';
import { sqlProvider, type ProviderGeneratedSql } from '../providers/registry.js';

/** AWS's options, and OIDC's (src/providers/oidc/gen-sql.ts: --subject, --audience, --github-repo and its context, the token file). */
export interface GenerateSqlOptions extends AwsOptions, Omit<OidcGenerateSqlOptions, 'env' | 'issuer' | 'timeoutMs'> {
  /** IAM role / user ARN (with or without path) or STS assumed-role ARN; default: the caller. */
  arn?: string | undefined;
  /** Default (CREATE only): derived from the IAM role or user name. Required with `alter`. */
  user?: string | undefined;
  defaultRole?: string | undefined;
  defaultWarehouse?: string | undefined;
  defaultNamespace?: string | undefined;
  comment?: string | undefined;
  /** Emit ALTER USER … SET WORKLOAD_IDENTITY for an existing user; needs `user`. */
  alter?: boolean | undefined;
  ifNotExists?: boolean | undefined;
  orReplace?: boolean | undefined;
  /** Default true: append the SHOW statement that checks the registration. */
  verify?: boolean | undefined;
  /** AWS's JWT method: emit ARN and ISSUER (default: SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN). */
  outboundToken?: boolean | undefined;
  /** aws: the account's JWT issuer, e.g. for --arn (offline); implies the JWT method. oidc: the token's issuer (offline, with subject). */
  issuer?: string | undefined;
  /** aws (default) or oidc; then SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER. */
  provider?: string | undefined;
  /** azure: the driver's workloadIdentityAzureClientId (a user-assigned identity's client ID; --azure-client-id). */
  azureClientId?: string | undefined;
  /** azure: the driver's workloadIdentityAzureEntraIdResource (default Snowflake's application; --azure-resource). */
  azureResource?: string | undefined;
  /** `sql` (default) or `terraform`: also render the registration as a snowflake_service_user (the result's `terraform`). */
  format?: string | undefined;
}

export type { OidcGeneratedSql } from '../providers/oidc/gen-sql.js';
export { genSqlFormat, type GenSqlFormat } from '../core/terraform.js';

/** AWS's SQL (the library's result as in v1/v2; the CLI's --json adds `provider: "aws"`). */
export interface GeneratedSql {
  provider?: undefined;
  /** The path-free ARN in the SQL. */
  arn: string;
  /** The user identifier as emitted in the SQL. */
  user: string;
  sql: string;
  /** Notes about the ARN (e.g. a removed path) and the identifiers; for stderr. */
  warnings: string[];
  method: WifMethod;
  /** The ISSUER in the SQL (the JWT method), else null. */
  issuer: string | null;
  /** With format `terraform`: the snowflake_service_user resource (HCL). */
  terraform?: string;
}

/** The SQL that maps the workload (the provider the options or the environment name) to a service user. */
export async function generateSql(options?: GenerateSqlOptions & { provider?: 'aws' | 'AWS' | undefined }): Promise<GeneratedSql>;
export async function generateSql(options: GenerateSqlOptions & { provider: 'oidc' | 'OIDC' }): Promise<OidcGeneratedSql>;
export async function generateSql(options: GenerateSqlOptions): Promise<GeneratedSql | ProviderGeneratedSql>;
export async function generateSql(options: GenerateSqlOptions = {}): Promise<GeneratedSql | ProviderGeneratedSql> {
  genSqlFormat(options.format);
  const { provider } = resolveProvider(options.provider, process.env);
  if (provider !== 'aws') {
    const module = sqlProvider(provider);
    module.refuseOptions(options);
    return module.generateSql(options, process.env);
  }
  const oidcOnly = (['subject', 'githubRepo', 'environment', 'ref', 'repoId', 'ownerId', 'tokenFile', 'audience'] as const).find((key) => options[key] !== undefined) ?? (options.pullRequest ? 'pullRequest' : undefined);
  if (oidcOnly) throw usageError(`--${oidcOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --provider oidc`, 'CONFLICTING_OPTIONS', 'Add --provider oidc (or set SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER=oidc).');
  return awsGenerateSql(options);
}

async function awsGenerateSql(options: GenerateSqlOptions): Promise<GeneratedSql> {
  if (options.alter && (options.ifNotExists || options.orReplace)) {
    throw usageError('--if-not-exists and --or-replace apply to CREATE USER, not to --alter', 'CONFLICTING_OPTIONS');
  }
  if (options.ifNotExists && options.orReplace) {
    throw usageError('--if-not-exists and --or-replace cannot be combined: choose one', 'CONFLICTING_OPTIONS');
  }
  // A name guessed from the IAM principal could be some other existing user: ALTER needs it given.
  if (options.alter && options.user === undefined) {
    throw usageError('--alter needs --user: name the existing Snowflake user to alter', 'MISSING_USER');
  }
  const { method } = options.issuer !== undefined ? { method: 'outbound-token' as const } : resolveMethod(options.outboundToken, process.env);
  const given = options.issuer === undefined ? undefined : validateIssuer(options.issuer);
  if (given && !given.ok) throw new WifError('usage', given.error, { code: 'BAD_ISSUER', hint: given.hint });
  if (method === 'outbound-token' && options.arn !== undefined && given === undefined) {
    throw usageError('--arn with the JWT method needs --issuer: the issuer is read from a live token only when --arn is left out', 'MISSING_ISSUER', BAD_ISSUER_HINT);
  }
  const { principal, callerArn, awsWarnings, tokenIssuer } =
    options.arn !== undefined ? fromArnOption(options.arn) : await principalOfCaller({ ...options, outboundToken: method === 'outbound-token' });
  const issuer = given?.ok ? given.issuer : tokenIssuer;
  const issuerWarnings = given?.ok ? [...given.warnings] : [];
  if (given?.ok && tokenIssuer !== undefined && tokenIssuer !== given.issuer) issuerWarnings.push(`--issuer ${given.issuer} differs from the live token's issuer ${tokenIssuer}: the SQL uses --issuer`);
  const snowflake = toSnowflakeArn(principal);
  if (!snowflake.ok) throw new WifError('usage', snowflake.error, { code: 'PRINCIPAL_NOT_USABLE' });

  const inputs: SqlInputs = {
    arn: snowflake.arn,
    user: options.user ?? defaultUserNameFor(principal.name),
    mode: options.alter ? 'alter' : 'create',
    ifNotExists: options.ifNotExists ?? false,
    orReplace: options.orReplace ?? false,
    verify: options.verify ?? true,
    ...(principal.kind === 'iam-user' ? {} : { iamRoleName: principal.name }),
    ...(callerArn !== undefined ? { callerArn } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...definedOnly({
      defaultRole: options.defaultRole,
      defaultWarehouse: options.defaultWarehouse,
      defaultNamespace: options.defaultNamespace,
      comment: options.comment,
    }),
  };
  const generated = buildSql(inputs);
  if (!generated.ok) throw usageError(generated.error, 'BAD_SQL_INPUT');
  const { terraform, warnings: terraformWarnings } = terraformFor(genSqlFormat(options.format), inputs);
  const notes = snowflake.notes.filter((note) => note.startsWith('removed IAM path')).map((note) => `${note} from the ARN (Snowflake matches by name)`);
  return {
    arn: snowflake.arn,
    user: generated.user,
    sql: generated.sql,
    warnings: [...awsWarnings, ...issuerWarnings, ...notes, ...generated.warnings, ...terraformWarnings],
    method,
    issuer: issuer ?? null,
    ...(terraform !== undefined ? { terraform } : {}),
  };
}

interface Principal {
  principal: PrincipalArn;
  /** The ARN Snowflake will see at login, for the SQL header; unknown for a hand-given IAM role/user ARN. */
  callerArn: string | undefined;
  /** Warnings from resolving the caller (e.g. two credential sources), for stderr. */
  awsWarnings: string[];
  /** The JWT method: the live token's issuer. */
  tokenIssuer?: string | undefined;
}

function fromArnOption(input: string): Principal {
  const parsed = parsePrincipalArn(input);
  if (!parsed.ok) throw new WifError('usage', `--arn: ${parsed.error}`, { code: 'BAD_ARN' });
  // Only an assumed-role ARN is what STS (and so Snowflake) reports at login.
  return { principal: parsed.arn, callerArn: parsed.arn.kind === 'assumed-role' ? parsed.arn.raw : undefined, awsWarnings: [] };
}

async function principalOfCaller(options: WhoamiOptions): Promise<Principal> {
  // Loaded here: with --arn (offline) gen-sql never reads the AWS code (docs/performance.md).
  const { whoami } = await import('./whoami.js');
  const report = await whoami({ ...options, provider: 'aws' }).catch(async (error: unknown) => {
    throw await withArnHint(error, options);
  });
  const parsed = parsePrincipalArn(report.arn);
  if (!parsed.ok) {
    throw new WifError('aws', `STS returned a caller ARN wif-check cannot read: ${parsed.error}`, { code: 'UNEXPECTED_CALLER_ARN' });
  }
  // The JWT method: Snowflake sees the token's subject (the IAM role ARN) and issuer.
  const subject = report.token?.subject ? parsePrincipalArn(report.token.subject) : undefined;
  if (report.token && subject?.ok) {
    // The SQL's header and the removed-path note say what whoami's subject note says.
    const awsWarnings = report.warnings.filter((warning) => !report.token?.notes.includes(warning));
    return { principal: subject.arn, callerArn: subject.arn.raw, awsWarnings, ...(report.token.issuer ? { tokenIssuer: report.token.issuer } : {}) };
  }
  // The caller's ARN exactly as STS reported it is what Snowflake sees, whatever its kind.
  return { principal: parsed.arn, callerArn: report.arn, awsWarnings: report.warnings, ...(report.token?.issuer ? { tokenIssuer: report.token.issuer } : {}) };
}

/**
 * Without AWS set up, say everything that is missing at once, and that `--arn` needs no AWS at all:
 * an administrator holding the ARN from the console is exactly who runs gen-sql.
 */
async function withArnHint(error: unknown, options: AwsOptions): Promise<unknown> {
  if (!(error instanceof WifError) || error.kind !== 'aws') return error;
  const problems: WifError[] = [error];
  if (error.code === 'NO_REGION') {
    // The region is resolved first; look for credentials too, so both problems are named together.
    const { resolveAwsCredentials } = await import('../aws/identity.js');
    const { hostEnv, withProcessEnv } = await import('../process-env.js');
    const env = hostEnv();
    const profile = options.profile ?? (env.AWS_PROFILE || undefined);
    const missing = await withProcessEnv({}, () => resolveAwsCredentials(profile, Math.min(options.timeoutMs ?? 10_000, 5_000), env)).then(
      () => undefined,
      (other: unknown) => (other instanceof WifError && other.kind === 'aws' ? other : undefined),
    );
    if (missing) problems.push(missing);
  }
  const arnHint =
    'gen-sql needs AWS only to ask STS who you are. With the role ARN (from the console or `aws iam get-role`), no AWS access is needed:\n' +
    '  wif-check gen-sql --arn arn:aws:iam::123456789012:role/service-role/my-fn-role --user LAMBDA_LOADER';
  const message = problems.map((problem, index) => (index === 0 ? problem.message : problem.message.replace(/^No /, 'no '))).join(', and ');
  const hints = problems.map((problem) => problem.hint).filter((hint): hint is string => Boolean(hint));
  return new WifError('aws', message, {
    code: problems.length > 1 ? 'NO_REGION_NO_CREDENTIALS' : error.code,
    hint: [...hints, arnHint].join('\n'),
    cause: error,
  });
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<Record<keyof T, string>>;
}
