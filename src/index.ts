/**
 * wif-check as a library: the same functions the CLI runs. Each resolves to a plain result or
 * throws a `WifError` (kind → exit code in EXIT_CODES); `doctor` never throws for a failed check.
 */
export { whoami, type WhoamiOptions, type WhoamiReport, type PrincipalType } from './commands/whoami.js';
export { generateSql, type GenerateSqlOptions, type GeneratedSql } from './commands/gen-sql.js';
export { connect, type ConnectOptions, type ConnectResult } from './commands/connect.js';
export { doctor, type DoctorOptions, type DoctorReport, type Check, type CheckStatus, type CheckId } from './commands/doctor.js';
export { WifError, EXIT_CODES, type ErrorKind } from './core/errors.js';
export { parsePrincipalArn, toSnowflakeArn, normalizeArnForSnowflake, type PrincipalArn, type PrincipalKind } from './core/arn.js';
