/**
 * `wif-check gen-sql`: the exact, safe SQL that maps an AWS principal to a Snowflake user.
 * Without --arn the caller is resolved like `whoami`.
 */
import { parsePrincipalArn, toSnowflakeArn, type PrincipalArn } from '../core/arn.js';
import { WifError, usageError } from '../core/errors.js';
import { defaultUserNameFor, generateSql as buildSql } from '../core/sql.js';
import { whoami } from './whoami.js';
import type { AwsOptions } from '../aws/identity.js';

export interface GenerateSqlOptions extends AwsOptions {
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
}

export interface GeneratedSql {
  /** The path-free ARN in the SQL. */
  arn: string;
  /** The user identifier as emitted in the SQL. */
  user: string;
  sql: string;
  /** Notes about the ARN (e.g. a removed path) and the identifiers; for stderr. */
  warnings: string[];
}

export async function generateSql(options: GenerateSqlOptions = {}): Promise<GeneratedSql> {
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
  const { principal, callerArn, awsWarnings } =
    options.arn !== undefined ? fromArnOption(options.arn) : await principalOfCaller(options);
  const snowflake = toSnowflakeArn(principal);
  if (!snowflake.ok) throw new WifError('usage', snowflake.error, { code: 'PRINCIPAL_NOT_USABLE' });

  const generated = buildSql({
    arn: snowflake.arn,
    user: options.user ?? defaultUserNameFor(principal.name),
    mode: options.alter ? 'alter' : 'create',
    ifNotExists: options.ifNotExists ?? false,
    orReplace: options.orReplace ?? false,
    verify: options.verify ?? true,
    ...(principal.kind === 'iam-user' ? {} : { iamRoleName: principal.name }),
    ...(callerArn !== undefined ? { callerArn } : {}),
    ...definedOnly({
      defaultRole: options.defaultRole,
      defaultWarehouse: options.defaultWarehouse,
      defaultNamespace: options.defaultNamespace,
      comment: options.comment,
    }),
  });
  if (!generated.ok) throw usageError(generated.error, 'BAD_SQL_INPUT');
  const notes = snowflake.notes.filter((note) => note.startsWith('removed IAM path')).map((note) => `${note} from the ARN (Snowflake matches by name)`);
  return { arn: snowflake.arn, user: generated.user, sql: generated.sql, warnings: [...awsWarnings, ...notes, ...generated.warnings] };
}

interface Principal {
  principal: PrincipalArn;
  /** The ARN Snowflake will see at login, for the SQL header; unknown for a hand-given IAM role/user ARN. */
  callerArn: string | undefined;
  /** Warnings from resolving the caller (e.g. two credential sources), for stderr. */
  awsWarnings: string[];
}

function fromArnOption(input: string): Principal {
  const parsed = parsePrincipalArn(input);
  if (!parsed.ok) throw new WifError('usage', `--arn: ${parsed.error}`, { code: 'BAD_ARN' });
  // Only an assumed-role ARN is what STS (and so Snowflake) reports at login.
  return { principal: parsed.arn, callerArn: parsed.arn.kind === 'assumed-role' ? parsed.arn.raw : undefined, awsWarnings: [] };
}

async function principalOfCaller(options: AwsOptions): Promise<Principal> {
  const report = await whoami(options);
  const parsed = parsePrincipalArn(report.arn);
  if (!parsed.ok) {
    throw new WifError('aws', `STS returned a caller ARN wif-check cannot read: ${parsed.error}`, { code: 'UNEXPECTED_CALLER_ARN' });
  }
  // The caller's ARN exactly as STS reported it is what Snowflake sees, whatever its kind.
  return { principal: parsed.arn, callerArn: report.arn, awsWarnings: report.warnings };
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<Record<keyof T, string>>;
}
