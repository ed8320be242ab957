/**
 * doctor --in-lambda (issue 21, part 1): the decisions, without I/O. Which function to create (from
 * the named function's configuration or an execution role), which driver the checks speak for,
 * whether the function's timeout leaves room for the login, the phase table, what the Lambda API's
 * errors mean, and what to delete by hand. The AWS calls are in src/commands/doctor-in-lambda.ts.
 * Sources: docs/how-it-works.md "doctor --in-lambda".
 */
import { driverOfLambdaRuntime, outboundTokenByEnvironment, type DriverName } from './driver-rules.js';
import { OUTBOUND_TOKEN_ENV } from './jwt-claims.js';
import { serverText } from './redact.js';

/** Every temporary function's name starts with this (then 12 random lowercase letters and digits). */
export const TEMPORARY_FUNCTION_PREFIX = 'wif-check-doctor-';
/** A Node.js runtime Lambda supports (nodejs22.x: deprecation not before 2027, AWS "Lambda runtimes"). */
export const TEMPORARY_RUNTIME = 'nodejs22.x';
/** The shipped bundle's handler (scripts/bundle.mjs writes index.js exporting `handler`). */
export const TEMPORARY_HANDLER = 'index.handler';
/** Memory for a function made from --role alone (Lambda's default is 128 MB, which makes the driver's cold start slow). */
export const DEFAULT_MEMORY_MB = 512;
/** Lambda's largest function timeout, in seconds (AWS "Configure Lambda function timeout"). */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 900;
/** The temporary function's timeout is the check's budget plus this: loading the driver (~1 s); the handler stops its check a second before the deadline anyway. */
export const FUNCTION_TIMEOUT_MARGIN_SECONDS = 5;
/**
 * Below this a function timeout is low for a WIF login whatever was measured here: the seed story
 * (issue 21) is a Python function in a VPC whose first login took ~9 s. wif-check's judgement.
 */
export const MIN_ROOMY_TIMEOUT_SECONDS = 10;
/** The tags every temporary function carries, so that a forgotten one is easy to find. */
export const TEMPORARY_TAGS: Readonly<Record<string, string>> = Object.freeze({ 'wif-check:temporary': 'true', 'wif-check:created-by': 'wif-check doctor --in-lambda' });

/** The permissions the caller of doctor --in-lambda needs, each with what it is for. */
export const REQUIRED_PERMISSIONS: ReadonlyArray<readonly [string, string]> = [
  ['lambda:GetFunctionConfiguration', 'read --like-function\'s configuration, and wait for the temporary function to become Active'],
  ['lambda:CreateFunction', 'create the temporary function'],
  ['lambda:TagResource', 'tag it as temporary (CreateFunction with Tags)'],
  ['iam:PassRole', 'give it the execution role'],
  ['lambda:InvokeFunction', 'run the check in it'],
  ['lambda:DeleteFunction', 'delete it afterwards'],
];

const PERMISSION_OF_ACTION: Readonly<Record<string, string>> = {
  GetFunctionConfiguration: 'lambda:GetFunctionConfiguration',
  CreateFunction: 'lambda:CreateFunction',
  Invoke: 'lambda:InvokeFunction',
  DeleteFunction: 'lambda:DeleteFunction',
};

export type LambdaAction = 'GetFunctionConfiguration' | 'CreateFunction' | 'Invoke' | 'DeleteFunction';

/** Where the check runs: like an existing function, or with an execution role. */
export type InLambdaTarget = { kind: 'function'; name: string } | { kind: 'role'; roleArn: string };

const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]{1,510}\/)?[\w+=,.@-]{1,64}$/;
/** A function name, a partial ARN (ACCOUNT:function:NAME) or a full ARN, with an optional version or alias (Lambda's FunctionName pattern). */
const FUNCTION_NAME = /^(?:arn:aws(?:-[a-z]+)*:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

export function isRoleArn(value: string): boolean {
  return ROLE_ARN.test(value);
}

/**
 * --like-function NAME or --role ARN (the execution role). --role that is not an IAM role ARN is
 * doctor's Snowflake role, as without --in-lambda. Returns the target and the Snowflake role.
 */
export function parseInLambdaTarget(flags: { likeFunction?: string | undefined; role?: string | undefined }):
  | { ok: true; target: InLambdaTarget; snowflakeRole: string | undefined }
  | { ok: false; error: string; hint: string } {
  const like = flags.likeFunction?.trim();
  const role = flags.role?.trim();
  const roleIsArn = role !== undefined && role.startsWith('arn:');
  const hint = 'Name the function whose role, network and runtime to copy (--like-function my-fn), or give an execution role (--role arn:aws:iam::123456789012:role/my-fn-role).';
  if (roleIsArn && !isRoleArn(role)) return { ok: false, error: `--role '${role.slice(0, 80)}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`, hint };
  if (like !== undefined && roleIsArn) return { ok: false, error: '--in-lambda takes --like-function or --role ARN, not both', hint };
  if (like !== undefined) {
    if (!FUNCTION_NAME.test(like)) return { ok: false, error: `--like-function '${like.slice(0, 80)}' is not a Lambda function name or ARN`, hint };
    return { ok: true, target: { kind: 'function', name: like }, snowflakeRole: role || undefined };
  }
  if (roleIsArn) return { ok: true, target: { kind: 'role', roleArn: role }, snowflakeRole: undefined };
  return { ok: false, error: '--in-lambda needs --like-function NAME or --role ARN (the execution role)', hint };
}

/** What GetFunctionConfiguration told about the named function (each field untrusted, maybe absent). */
export interface FunctionFacts {
  name: string;
  role?: string | undefined;
  runtime?: string | undefined;
  timeoutSeconds?: number | undefined;
  memoryMb?: number | undefined;
  architectures?: readonly string[] | undefined;
  subnetIds?: readonly string[] | undefined;
  securityGroupIds?: readonly string[] | undefined;
  packageType?: string | undefined;
  /** Only SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN of its environment (outboundTokenOfFunction). */
  outboundTokenVariable?: string | undefined;
}

/** The temporary function's configuration. */
export interface TemporaryFunction {
  role: string;
  architecture: 'x86_64' | 'arm64';
  memoryMb: number;
  timeoutSeconds: number;
  subnetIds: string[];
  securityGroupIds: string[];
}

/** The driver a runtime identifier runs (python3.12 → python, nodejs22.x → node); undefined for others and container images. */
export function driverOfRuntime(runtime: string | undefined): DriverName | undefined {
  if (!runtime) return undefined;
  return driverOfLambdaRuntime({ AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}` });
}

/** The region in a function ARN (`arn:aws:lambda:REGION:…`, or the partial `REGION:ACCOUNT:function:NAME`); undefined for a name. */
export function regionOfFunction(name: string): string | undefined {
  return /^(?:arn:aws(?:-[a-z]+)*:lambda:)?([a-z]{2}(?:-gov)?-[a-z]+-\d):(?:\d{12}:)?function:/.exec(name)?.[1];
}

/**
 * The method the real function's driver will use, from its environment: the Python connector reads
 * SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN (../shared/FACTS.md), so a Python function that sets it
 * logs in with the JWT method, and the check should too (unless --outbound-token said otherwise).
 * Only that variable is read; the others (which may hold secrets) are never looked at or kept.
 */
export function outboundTokenOfFunction(
  functionName: string,
  variables: Readonly<Record<string, string | undefined>> | undefined,
  driver: DriverName,
  flag: boolean | undefined,
): { outboundToken: boolean | undefined; note?: string } {
  if (flag !== undefined || !variables) return { outboundToken: flag };
  const value = variables[OUTBOUND_TOKEN_ENV];
  if (!outboundTokenByEnvironment(driver, { [OUTBOUND_TOKEN_ENV]: value })) return { outboundToken: undefined };
  return { outboundToken: true, note: `${functionName} sets ${OUTBOUND_TOKEN_ENV}=true: checking the JWT method, as its Python connector will log in` };
}

/** The temporary function's timeout: the check's budget plus the margin, within Lambda's limit. */
export function temporaryTimeoutSeconds(checkTimeoutMs: number): number {
  return Math.min(MAX_FUNCTION_TIMEOUT_SECONDS, Math.ceil(checkTimeoutMs / 1000) + FUNCTION_TIMEOUT_MARGIN_SECONDS);
}

/**
 * The temporary function from the named function's facts (same role, subnets, security groups,
 * architecture, memory) or from a role alone; and the driver the checks speak for (--driver wins,
 * then the function's runtime, then node) with a note when the runtime says nothing.
 */
export function temporaryFunction(
  target: InLambdaTarget,
  facts: FunctionFacts | undefined,
  checkTimeoutMs: number,
  driverFlag: DriverName | undefined,
): { ok: true; fn: TemporaryFunction; driver: DriverName; notes: string[] } | { ok: false; error: string; hint: string } {
  const notes: string[] = [];
  const role = target.kind === 'role' ? target.roleArn : facts?.role;
  if (!role || !isRoleArn(role)) {
    return { ok: false, error: `the function ${target.kind === 'function' ? target.name : ''} has no execution role wif-check can read`.replace('  ', ' '), hint: 'Check the name, or give the execution role with --role ARN.' };
  }
  const architecture = facts?.architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64';
  const memory = facts?.memoryMb;
  const fn: TemporaryFunction = {
    role,
    architecture,
    memoryMb: memory !== undefined && Number.isInteger(memory) && memory >= 128 && memory <= 10_240 ? memory : DEFAULT_MEMORY_MB,
    timeoutSeconds: temporaryTimeoutSeconds(checkTimeoutMs),
    subnetIds: [...(facts?.subnetIds ?? [])],
    securityGroupIds: [...(facts?.securityGroupIds ?? [])],
  };
  const runtimeDriver = driverOfRuntime(facts?.runtime);
  if (target.kind === 'function' && runtimeDriver === undefined && driverFlag === undefined) {
    const what = facts?.runtime ? `runtime ${facts.runtime.slice(0, 40)}` : facts?.packageType === 'Image' ? 'a container image' : 'no runtime';
    notes.push(`${target.name} has ${what}: the checks speak for the Node.js driver (use --driver python if it runs the Python connector)`);
  }
  return { ok: true, fn, driver: driverFlag ?? runtimeDriver ?? 'node', notes };
}

/** How long each phase of the login took in the function, in milliseconds (absent: the phase did not run). */
export interface PhaseTimings {
  credentialsMs?: number | undefined;
  attestationMs?: number | undefined;
  snowflakeMs?: number | undefined;
}

const PHASES: ReadonlyArray<readonly [keyof PhaseTimings, string]> = [
  ['credentialsMs', 'credentials'],
  ['attestationMs', 'token/attestation'],
  ['snowflakeMs', 'Snowflake'],
];

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The phases that ran, in order, with their times, and the total. */
export function phaseTable(timings: PhaseTimings | undefined): { rows: Array<{ phase: string; ms: number }>; totalMs: number } {
  const rows = PHASES.flatMap(([key, phase]) => {
    const ms = timings?.[key];
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? [{ phase, ms: Math.round(ms) }] : [];
  });
  return { rows, totalMs: rows.reduce((sum, row) => sum + row.ms, 0) };
}

/** "credentials 0.12 s, token/attestation 0.05 s, Snowflake 1.20 s (total 1.37 s)". */
export function formatPhases(timings: PhaseTimings | undefined): string {
  const { rows, totalMs } = phaseTable(timings);
  if (rows.length === 0) return 'no phase of the login ran';
  return `${rows.map((row) => `${row.phase} ${seconds(row.ms)}`).join(', ')} (total ${seconds(totalMs)})`;
}

/** The timeout to recommend: twice the measured login plus a second, at least MIN_ROOMY_TIMEOUT_SECONDS. */
export function recommendedTimeoutSeconds(loginMs: number): number {
  return Math.min(MAX_FUNCTION_TIMEOUT_SECONDS, Math.max(MIN_ROOMY_TIMEOUT_SECONDS, Math.ceil((2 * loginMs) / 1000) + 1));
}

/**
 * Whether the real function's timeout leaves the login room: a warning when the login measured
 * here does not fit, leaves less than itself again, or the timeout is below MIN_ROOMY_TIMEOUT_SECONDS.
 */
export function timeoutRoom(functionName: string, functionTimeoutSeconds: number | undefined, loginMs: number):
  | { status: 'ok' | 'warn' | 'skip'; code: string; detail: string; fix?: string } {
  if (functionTimeoutSeconds === undefined || !Number.isFinite(functionTimeoutSeconds) || functionTimeoutSeconds <= 0) {
    return { status: 'skip', code: 'SKIPPED', detail: 'the function\'s timeout is not known' };
  }
  const timeoutMs = functionTimeoutSeconds * 1000;
  const recommended = recommendedTimeoutSeconds(loginMs);
  const measured = `the login took ${seconds(loginMs)} here`;
  const fix = `Fix: give the function room for the login and its own work:\n  aws lambda update-function-configuration --function-name ${functionName} --timeout ${recommended}\nA first login in a VPC (cold start, DNS, STS, Snowflake) takes longer than a warm one: ~9 s has been seen.`;
  if (loginMs >= timeoutMs) {
    return { status: 'warn', code: 'FUNCTION_TIMEOUT_EXCEEDED', detail: `${functionTimeoutSeconds} s, but ${measured}: the function would time out during the login`, fix };
  }
  if (2 * loginMs > timeoutMs) {
    return { status: 'warn', code: 'FUNCTION_TIMEOUT_TIGHT', detail: `${functionTimeoutSeconds} s, and ${measured}: less than half of the timeout is left for the function's own work`, fix };
  }
  if (functionTimeoutSeconds < MIN_ROOMY_TIMEOUT_SECONDS) {
    return { status: 'warn', code: 'FUNCTION_TIMEOUT_LOW', detail: `${functionTimeoutSeconds} s: ${measured}, but a first login in a VPC can take ~9 s`, fix };
  }
  return { status: 'ok', code: 'OK', detail: `${functionTimeoutSeconds} s; ${measured}` };
}

/** A random temporary function name from random bytes (12 characters of [a-z0-9]). */
export function temporaryFunctionName(random: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (const byte of random.subarray(0, 12)) suffix += alphabet[byte % alphabet.length];
  return `${TEMPORARY_FUNCTION_PREFIX}${suffix}`;
}

/** The AWS CLI command that deletes the temporary function by hand. */
export function manualDeleteCommand(functionName: string, region: string): string {
  return `aws lambda delete-function --function-name ${functionName} --region ${region}`;
}

/** Lambda's answer while a new role is not yet usable by it (CreateFunction, InvalidParameterValueException). */
export function isRolePropagationError(name: string | undefined, message: string | undefined): boolean {
  return name === 'InvalidParameterValueException' && /role defined for the function cannot be assumed by Lambda/i.test(message ?? '');
}

/** The wait before CreateFunction's next attempt: 1, 2, 4, 8, 8, … seconds; undefined when it would not fit in `leftMs`. */
export function retryDelayMs(attempt: number, leftMs: number): number | undefined {
  const delay = Math.min(8_000, 1_000 * 2 ** Math.max(0, attempt));
  return delay < leftMs ? delay : undefined;
}

/** An error of the Lambda API (or of the way to it) as the SDK raised it. */
export interface LambdaFailure {
  name?: string | undefined;
  message?: string | undefined;
  /** The HTTP status, when an answer came. */
  status?: number | undefined;
  /** Node's error code (ECONNREFUSED, ENOTFOUND, …), when no answer came. */
  errno?: string | undefined;
}

export interface LambdaDiagnosis {
  code: string;
  message: string;
  hint: string;
}

const PERMISSION_IN_MESSAGE = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/;

/** The permissions list for hints. */
export function permissionsHint(): string {
  return `doctor --in-lambda needs: ${REQUIRED_PERMISSIONS.map(([permission]) => permission).join(', ')} (README "doctor --in-lambda").`;
}

/** A failed Lambda API call → code, one-line message and hint (always AWS's side: exit 3). */
export function diagnoseLambdaFailure(failure: LambdaFailure, action: LambdaAction, context: { functionName: string; region: string; roleArn?: string | undefined }): LambdaDiagnosis {
  const name = failure.name ?? '';
  const said = serverText(failure.message ?? '').slice(0, 300);
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || failure.status === 403) {
    const permission = PERMISSION_IN_MESSAGE.exec(failure.message ?? '')?.[1] ?? PERMISSION_OF_ACTION[action] ?? action;
    return {
      code: 'LAMBDA_ACCESS_DENIED',
      message: `${action} was refused: the caller may not ${permission} (AccessDeniedException)`,
      hint: `Grant ${permission}${permission === 'iam:PassRole' && context.roleArn ? ` on ${context.roleArn}` : ''} to the identity running wif-check. ${permissionsHint()}`,
    };
  }
  if (name === 'ResourceNotFoundException') {
    return action === 'GetFunctionConfiguration'
      ? { code: 'LAMBDA_FUNCTION_NOT_FOUND', message: `there is no function ${context.functionName} in ${context.region}`, hint: 'Check the name and the region (--region, AWS_REGION, the profile\'s region): `aws lambda list-functions --region REGION`.' }
      : { code: 'LAMBDA_FUNCTION_GONE', message: `the temporary function ${context.functionName} is gone (${action}: ResourceNotFoundException)`, hint: 'Something deleted it while the check ran; run doctor --in-lambda again.' };
  }
  if (isRolePropagationError(name, failure.message)) {
    return {
      code: 'LAMBDA_ROLE_NOT_ASSUMABLE',
      message: `Lambda cannot assume the execution role ${context.roleArn ?? ''}`.trimEnd(),
      hint: 'The role\'s trust policy must allow lambda.amazonaws.com to sts:AssumeRole, with no condition that names only your function (aws:SourceArn): the temporary function has another name. A role created a moment ago takes a few seconds to be usable: wif-check retried for a minute.',
    };
  }
  if (name === 'TooManyRequestsException' || failure.status === 429) {
    return { code: 'LAMBDA_THROTTLED', message: `${action} was throttled by Lambda (TooManyRequestsException)`, hint: 'Try again in a minute; the account\'s concurrency or API rate is exhausted.' };
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { code: 'LAMBDA_TIMEOUT', message: `Lambda ${action} did not answer in time`, hint: 'Raise --timeout, or check the network path to the Lambda API (AWS_ENDPOINT_URL_LAMBDA, a proxy).' };
  }
  if (failure.status === undefined && failure.errno !== undefined) {
    return { code: 'LAMBDA_UNREACHABLE', message: `the Lambda API in ${context.region} is unreachable (${failure.errno.slice(0, 40)})`, hint: 'Check the network, the region, and AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL if set.' };
  }
  return {
    code: 'LAMBDA_API_ERROR',
    message: `Lambda ${action} failed: ${name ? `${name.slice(0, 60)}: ` : ''}${said || 'no message'}`,
    hint: permissionsHint(),
  };
}

/** What a failed invocation (X-Amz-Function-Error) returned: the function timed out, or the handler failed. */
export function diagnoseInvocationError(functionError: string, payload: unknown, timeoutSeconds: number): LambdaDiagnosis {
  const record = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  const errorType = typeof record.errorType === 'string' ? serverText(record.errorType).slice(0, 80) : '';
  const errorMessage = typeof record.errorMessage === 'string' ? serverText(record.errorMessage).slice(0, 300) : '';
  if (errorType === 'Sandbox.Timedout' || /Task timed out after/i.test(errorMessage)) {
    return {
      code: 'LAMBDA_FUNCTION_TIMEOUT',
      message: `the temporary function timed out after ${timeoutSeconds} s before the check returned`,
      hint: 'The check did not finish inside Lambda: lower --timeout (the check stops itself a second before it) or look at the network path from the function\'s subnets.',
    };
  }
  return {
    code: 'LAMBDA_INVOKE_FAILED',
    message: `the temporary function failed (${functionError.slice(0, 40)}${errorType ? `, ${errorType}` : ''})${errorMessage ? `: ${errorMessage}` : ''}`,
    hint: 'The check itself never throws: an error here is the runtime\'s (out of memory, an init error). Its log is in CloudWatch Logs under /aws/lambda/<the temporary function>.',
  };
}

const STATUSES = new Set(['ok', 'fail', 'warn', 'skip']);
const MAX_CHECKS = 100;
const MAX_WARNINGS = 50;

/** The checks of a report as the function returned them (untrusted: every field checked and capped). */
export interface ReturnedCheck {
  id: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  code: string;
  detail: string;
  fix?: string;
  snowflakeCode?: string | null;
  snowflakeMessage?: string;
}

/** The doctor report the temporary function returned (the handler's WifCheckLambdaResult), checked. */
export interface ReturnedReport {
  ok: boolean;
  exitCode: number;
  provider?: string;
  method?: string;
  driver?: string;
  checks: ReturnedCheck[];
  awsAccount: string | null;
  callerArn: string | null;
  snowflakeArn: string | null;
  user: string | null;
  role: string | null;
  warnings: string[];
  timings?: PhaseTimings;
}

function capped(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? serverText(value).slice(0, max) : undefined;
}

function nullableText(value: unknown, max: number): string | null {
  return capped(value, max) ?? null;
}

function optionalMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 3_600_000 ? Math.round(value) : undefined;
}

/**
 * The function's answer as a doctor report, or why it is not one. Text fields are capped (and go
 * through serverText: redacted of secret shapes); unknown fields are dropped.
 */
export function parseFunctionReport(payload: unknown): { ok: true; report: ReturnedReport } | { ok: false; error: string } {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, error: 'the function did not return an object' };
  const value = payload as Record<string, unknown>;
  if (typeof value.ok !== 'boolean' || !Number.isInteger(value.exitCode) || (value.exitCode as number) < 0 || (value.exitCode as number) > 255 || !Array.isArray(value.checks)) {
    return { ok: false, error: 'the function\'s answer is not a doctor report (ok, exitCode, checks)' };
  }
  const checks: ReturnedCheck[] = [];
  for (const item of value.checks.slice(0, MAX_CHECKS) as unknown[]) {
    const check = (item ?? {}) as Record<string, unknown>;
    const id = capped(check.id, 40);
    const status = typeof check.status === 'string' && STATUSES.has(check.status) ? (check.status as ReturnedCheck['status']) : undefined;
    if (id === undefined || status === undefined) return { ok: false, error: 'a check in the function\'s report has no id or status' };
    const fix = capped(check.fix, 4_000);
    const snowflakeMessage = capped(check.snowflakeMessage, 1_000);
    checks.push({
      id,
      status,
      code: capped(check.code, 80) ?? 'UNKNOWN',
      detail: capped(check.detail, 2_000) ?? '',
      ...(fix !== undefined ? { fix } : {}),
      ...('snowflakeCode' in check ? { snowflakeCode: nullableText(check.snowflakeCode, 40) } : {}),
      ...(snowflakeMessage !== undefined ? { snowflakeMessage } : {}),
    });
  }
  const timings = value.timings && typeof value.timings === 'object' ? (value.timings as Record<string, unknown>) : undefined;
  const report: ReturnedReport = {
    ok: value.ok,
    exitCode: value.exitCode as number,
    checks,
    awsAccount: nullableText(value.awsAccount, 20),
    callerArn: nullableText(value.callerArn, 2_048),
    snowflakeArn: nullableText(value.snowflakeArn, 2_048),
    user: nullableText(value.user, 256),
    role: nullableText(value.role, 256),
    warnings: Array.isArray(value.warnings) ? value.warnings.slice(0, MAX_WARNINGS).flatMap((warning) => capped(warning, 1_000) ?? []) : [],
  };
  for (const key of ['provider', 'method', 'driver'] as const) {
    const text = capped(value[key], 40);
    if (text !== undefined) report[key] = text;
  }
  if (timings) {
    report.timings = { credentialsMs: optionalMs(timings.credentialsMs), attestationMs: optionalMs(timings.attestationMs), snowflakeMs: optionalMs(timings.snowflakeMs) };
  }
  return { ok: true, report };
}
