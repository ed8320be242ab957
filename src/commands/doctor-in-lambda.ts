/**
 * `wif-check doctor --in-lambda`: doctor run where the workload runs, as its execution role. Creates
 * a temporary Node.js function from the package's own Lambda bundle (dist/lambda-bundle/, built by
 * scripts/bundle.mjs) with the role, subnets, security groups, architecture and memory of
 * --like-function (or an execution role, --role ARN), invokes it with doctor's settings, and deletes
 * it afterwards: also when the check fails, times out or is interrupted. The decisions are in
 * src/core/in-lambda.ts; this file makes the AWS calls.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { WifError, usageError } from '../core/errors.js';
import {
  TEMPORARY_HANDLER,
  TEMPORARY_RUNTIME,
  TEMPORARY_TAGS,
  diagnoseInvocationError,
  diagnoseLambdaFailure,
  formatPhases,
  manualDeleteCommand,
  outboundTokenOfFunction,
  parseFunctionReport,
  parseInLambdaTarget,
  regionOfFunction,
  phaseTable,
  isRolePropagationError,
  retryDelayMs,
  temporaryFunction,
  temporaryFunctionName,
  timeoutRoom,
  type FunctionFacts,
  type LambdaAction,
  type LambdaFailure,
  type ReturnedReport,
  type TemporaryFunction,
} from '../core/in-lambda.js';
import { parseDriverName } from '../core/driver-rules.js';
import { parseImpersonationPath, resolveSnowflakeSettings } from '../core/snowflake-settings.js';
import { libraryTimeoutMs, timerDelayMs } from '../core/timeout.js';
import { ALLOW_INSECURE_HTTP_ENV, type WifCheckEvent } from '../core/lambda-event.js';
import { OUTBOUND_TOKEN_ENV } from '../core/jwt-claims.js';
import { resolveAwsContext, type AwsContext } from '../aws/identity.js';
import { findConnection } from '../snowflake/config-files.js';
import { hostEnv } from '../process-env.js';
import { scrubDeep } from '../known-secrets.js';
import { checkTitle, renderDoctor, type DoctorOptions, type DoctorReport } from './doctor.js';

const loadLambda = () => import('@aws-sdk/client-lambda');

/** The whole check's budget inside the function when --timeout is not given (doctor's). */
const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
/** How long to retry CreateFunction while a new role is not yet usable by Lambda. */
const ROLE_PROPAGATION_BUDGET_MS = 60_000;
/** How long to wait for the function to become Active (a VPC function's network interface can take minutes). */
const ACTIVE_WAIT_SECONDS = 180;
/** Each API call but Invoke. */
const API_CALL_TIMEOUT_MS = 15_000;
/** After the function's own timeout, how long to wait for Invoke's answer. */
const INVOKE_GRACE_MS = 5_000;
/** The shipped bundle, beside this file's folder (dist/commands/ and dist/chunks/ both sit in dist/). */
const BUNDLE_PATH = ['lambda-bundle', 'wif-check-lambda.zip'];
/** Lambda's limit for a zip uploaded in the request (AWS "Lambda quotas": 50 MB). */
const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

export interface InLambdaOptions extends DoctorOptions {
  /** Copy this function's role, network, architecture, memory; its runtime picks the driver. */
  likeFunction?: string | undefined;
  /** Ctrl-C: stop, delete the function, then throw INTERRUPTED (exit 130). */
  signal?: AbortSignal | undefined;
  /** Progress lines (stderr). */
  onProgress?: ((text: string) => void) | undefined;
  /** Called once the temporary function may exist, with the command that deletes it by hand. */
  onFunction?: ((manualDelete: string) => void) | undefined;
}

/** What ran where. */
export interface InLambdaFacts {
  /** The temporary function. */
  function: string;
  region: string;
  likeFunction: string | null;
  /** The real function's runtime and timeout (with --like-function). */
  runtime: string | null;
  functionTimeoutSeconds: number | null;
  role: string;
  architecture: string;
  memoryMb: number;
  subnetIds: string[];
  securityGroupIds: string[];
  /** The phases of the login in the function, as a line. */
  phases: string;
  /** False when deleting the function failed: delete it by hand (`manualDelete`). */
  deleted: boolean;
  manualDelete: string;
}

export type InLambdaReport = DoctorReport & { lambda: InLambdaFacts };

function bundleFile(): string {
  const here = import.meta.url.startsWith('file:') ? fileURLToPath(import.meta.url) : import.meta.url;
  return join(dirname(here), '..', ...BUNDLE_PATH);
}

async function readBundle(): Promise<Uint8Array> {
  const file = bundleFile();
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_BUNDLE_BYTES) throw new Error('too large');
    return bytes;
  } catch {
    throw new WifError('internal', `the Lambda bundle is missing from this installation (${file})`, {
      code: 'LAMBDA_BUNDLE_MISSING',
      hint: 'Reinstall wif-check; in a checkout, run `npm run build` (it builds dist/lambda-bundle/).',
    });
  }
}

function failureOf(error: unknown): LambdaFailure {
  const record = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = record.$metadata?.httpStatusCode;
  return {
    name: typeof record.name === 'string' ? record.name : undefined,
    message: typeof record.message === 'string' ? record.message : undefined,
    status: typeof status === 'number' ? status : undefined,
    errno: typeof record.code === 'string' ? record.code : undefined,
  };
}

function interrupted(functionName: string | undefined, deleted: boolean, manual: string | undefined): WifError {
  return new WifError('interrupted', `interrupted${functionName ? `: the temporary function ${functionName} was ${deleted ? 'deleted' : 'NOT deleted'}` : ''}`, {
    code: 'INTERRUPTED',
    ...(deleted || !manual ? {} : { hint: `Delete it by hand: ${manual}` }),
  });
}

/** One Lambda API call, bounded in time and by the caller's signal; failures become WifErrors (exit 3). */
async function call<T>(
  action: LambdaAction,
  run: (signal: AbortSignal) => Promise<T>,
  context: { functionName: string; region: string; roleArn?: string | undefined; signal?: AbortSignal | undefined; timeoutMs?: number },
): Promise<T> {
  const timeout = AbortSignal.timeout(timerDelayMs(context.timeoutMs ?? API_CALL_TIMEOUT_MS));
  const signal = context.signal ? AbortSignal.any([timeout, context.signal]) : timeout;
  try {
    return await run(signal);
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason instanceof WifError ? context.signal.reason : interrupted(undefined, false, undefined);
    const failure = timeout.aborted ? { name: 'TimeoutError' } : failureOf(error);
    const diagnosis = diagnoseLambdaFailure(failure, action, context);
    throw new WifError('aws', diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint, cause: error });
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, timerDelayMs(ms));
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(interrupted(undefined, false, undefined));
    }, { once: true });
  });
}

async function createLambdaClient(aws: AwsContext): Promise<LambdaClient> {
  const { LambdaClient } = await loadLambda();
  return new LambdaClient({
    region: aws.region.region,
    credentials: aws.credentials,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: API_CALL_TIMEOUT_MS },
  });
}

async function readFunction(client: LambdaClient, name: string, region: string, signal: AbortSignal | undefined): Promise<FunctionFacts> {
  const { GetFunctionConfigurationCommand } = await loadLambda();
  const config = await call('GetFunctionConfiguration', (abortSignal) => client.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal }), { functionName: name, region, signal });
  return {
    name,
    role: config.Role,
    runtime: config.Runtime,
    timeoutSeconds: config.Timeout,
    memoryMb: config.MemorySize,
    architectures: config.Architectures,
    subnetIds: config.VpcConfig?.SubnetIds,
    securityGroupIds: config.VpcConfig?.SecurityGroupIds,
    packageType: config.PackageType,
    // The one variable the check needs; the rest of the function's environment is dropped here.
    outboundTokenVariable: config.Environment?.Variables?.[OUTBOUND_TOKEN_ENV],
  };
}

/** CreateFunction, retried while Lambda cannot yet assume a new role (within ROLE_PROPAGATION_BUDGET_MS). */
async function createFunction(
  client: LambdaClient,
  input: { name: string; fn: TemporaryFunction; zip: Uint8Array; environment: Record<string, string> },
  context: { region: string; signal: AbortSignal | undefined; onProgress: ((text: string) => void) | undefined; onRefused: () => void },
): Promise<void> {
  const { CreateFunctionCommand } = await loadLambda();
  const { name, fn, zip, environment } = input;
  const command = new CreateFunctionCommand({
    FunctionName: name,
    Description: 'Temporary: wif-check doctor --in-lambda (deleted when the check ends; safe to delete)',
    Runtime: TEMPORARY_RUNTIME,
    Handler: TEMPORARY_HANDLER,
    Role: fn.role,
    Code: { ZipFile: zip },
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memoryMb,
    Architectures: [fn.architecture],
    ...(fn.subnetIds.length > 0 ? { VpcConfig: { SubnetIds: fn.subnetIds, SecurityGroupIds: fn.securityGroupIds } } : {}),
    ...(Object.keys(environment).length > 0 ? { Environment: { Variables: environment } } : {}),
    Tags: { ...TEMPORARY_TAGS },
  });
  const giveUpAt = Date.now() + ROLE_PROPAGATION_BUDGET_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(command, { abortSignal: context.signal ? AbortSignal.any([context.signal, AbortSignal.timeout(API_CALL_TIMEOUT_MS)]) : AbortSignal.timeout(API_CALL_TIMEOUT_MS) });
      return;
    } catch (error) {
      if (context.signal?.aborted) throw interrupted(undefined, false, undefined);
      const failure = failureOf(error);
      const delay = isRolePropagationError(failure.name, failure.message) ? retryDelayMs(attempt, giveUpAt - Date.now()) : undefined;
      if (delay === undefined) {
        // Lambda answered with an error: nothing was created. (No answer, a timeout: it may have been.)
        if (failure.status !== undefined) context.onRefused();
        const diagnosis = diagnoseLambdaFailure(failure, 'CreateFunction', { functionName: name, region: context.region, roleArn: fn.role });
        throw new WifError('aws', diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint, cause: error });
      }
      context.onProgress?.(`Lambda cannot assume ${fn.role} yet (a new role takes a few seconds to propagate): retrying in ${delay / 1000} s`);
      await sleep(delay, context.signal);
    }
  }
}

async function waitUntilActive(client: LambdaClient, name: string, region: string, signal: AbortSignal | undefined): Promise<void> {
  const { waitUntilFunctionActive } = await loadLambda();
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const result = await waitUntilFunctionActive({ client, maxWaitTime: ACTIVE_WAIT_SECONDS, minDelay: 1, maxDelay: 5, abortSignal: controller.signal }, { FunctionName: name });
    if (result.state !== 'SUCCESS') throw new Error(result.state);
  } catch (error) {
    if (signal?.aborted) throw interrupted(undefined, false, undefined);
    const failure = failureOf(error);
    if (failure.name === 'AccessDeniedException' || failure.status === 403 || /AccessDenied/.test(failure.message ?? '')) {
      const diagnosis = diagnoseLambdaFailure({ ...failure, name: 'AccessDeniedException' }, 'GetFunctionConfiguration', { functionName: name, region });
      throw new WifError('aws', diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint, cause: error });
    }
    throw new WifError('aws', `the temporary function ${name} did not become Active within ${ACTIVE_WAIT_SECONDS} s`, {
      code: 'LAMBDA_NOT_ACTIVE',
      hint: 'A VPC function needs network interfaces in its subnets: check the subnets\' free addresses and that the execution role may create interfaces (AWSLambdaVPCAccessExecutionRole).',
      cause: error,
    });
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

async function invoke(client: LambdaClient, name: string, event: WifCheckEvent, fn: TemporaryFunction, region: string, signal: AbortSignal | undefined): Promise<ReturnedReport> {
  const { InvokeCommand } = await loadLambda();
  const answer = await call(
    'Invoke',
    (abortSignal) => client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(event)) }), { abortSignal }),
    { functionName: name, region, signal, timeoutMs: fn.timeoutSeconds * 1000 + INVOKE_GRACE_MS },
  );
  let payload: unknown = null;
  try {
    payload = answer.Payload && answer.Payload.length > 0 ? JSON.parse(new TextDecoder().decode(answer.Payload)) : null;
  } catch {
    payload = null;
  }
  if (answer.FunctionError) {
    const diagnosis = diagnoseInvocationError(answer.FunctionError, payload, fn.timeoutSeconds);
    throw new WifError('aws', diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint });
  }
  const parsed = parseFunctionReport(payload);
  if (!parsed.ok) throw new WifError('aws', `the temporary function answered, but ${parsed.error}`, { code: 'LAMBDA_BAD_ANSWER', hint: 'Its log is in CloudWatch Logs under /aws/lambda/' + name + ' (deleted with the function\'s log group only if you delete it).' });
  return parsed.report;
}

/** DeleteFunction with its own time budget (not the interrupted run's); true when the function is gone. */
async function deleteFunction(client: LambdaClient, name: string, region: string): Promise<{ deleted: boolean; problem?: string }> {
  const { DeleteFunctionCommand } = await loadLambda();
  try {
    await call('DeleteFunction', (abortSignal) => client.send(new DeleteFunctionCommand({ FunctionName: name }), { abortSignal }), { functionName: name, region });
    return { deleted: true };
  } catch (error) {
    if (error instanceof WifError && (error.code === 'LAMBDA_FUNCTION_GONE')) return { deleted: true };
    return { deleted: false, problem: error instanceof WifError ? error.message : String(error) };
  }
}

/** The event the handler receives: doctor's settings as resolved here (no credential, no admin connection). */
function doctorEvent(options: InLambdaOptions, settings: ReturnType<typeof resolveSnowflakeSettings> | undefined, checkTimeoutMs: number, driver: string): WifCheckEvent {
  return {
    account: settings?.account ?? null,
    host: settings?.host ?? null,
    port: settings?.port ?? null,
    protocol: settings?.protocol ?? null,
    role: settings?.role ?? null,
    warehouse: settings?.warehouse ?? null,
    expectUser: options.expectUser ?? null,
    expectAccount: options.expectAccount ?? null,
    impersonationPath: parseImpersonationPath(options.impersonationPath),
    timeout: checkTimeoutMs / 1000,
    outboundToken: options.outboundToken ?? null,
    driver,
  };
}

export async function doctorInLambda(options: InLambdaOptions): Promise<InLambdaReport> {
  const env = options.env ?? hostEnv();
  const target = parseInLambdaTarget({ likeFunction: options.likeFunction, role: options.role });
  if (!target.ok) throw usageError(target.error, 'BAD_IN_LAMBDA', target.hint);
  const provider = (options.provider ?? env.SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER ?? 'aws').trim().toLowerCase();
  if (provider !== 'aws') throw usageError(`doctor --in-lambda checks the AWS provider only, not ${provider.slice(0, 20)}`, 'BAD_IN_LAMBDA', 'A Lambda function\'s identity is its execution role: leave --provider out.');
  const driverFlag = parseDriverName(options.driver);
  if (!driverFlag.ok) throw usageError(driverFlag.error, 'BAD_DRIVER', 'Name the driver your workload runs: --driver node or --driver python.');
  const checkTimeoutMs = libraryTimeoutMs(options.timeoutMs) ?? DEFAULT_CHECK_TIMEOUT_MS;
  // The Snowflake settings are resolved here (flags, SNOWFLAKE_*, -c): the function gets values, not files.
  const named = await findConnection(options.connection, env, { accountGiven: Boolean(options.account?.trim() || env.SNOWFLAKE_ACCOUNT?.trim()), timeoutMs: API_CALL_TIMEOUT_MS, warnAboutSecrets: false });
  const settings = resolveSnowflakeSettings({ ...options, role: target.snowflakeRole }, env, named?.values, { requireAccount: false });
  // A function ARN names its region, where the copy must be too (its subnets are regional).
  const arnRegion = target.target.kind === 'function' ? regionOfFunction(target.target.name) : undefined;
  const aws = await resolveAwsContext({ profile: options.profile, region: arnRegion ?? options.region, timeoutMs: API_CALL_TIMEOUT_MS }, env);
  const region = aws.region.region;
  const client = await createLambdaClient(aws);
  const { signal, onProgress } = options;
  try {
    const facts = target.target.kind === 'function' ? await readFunction(client, target.target.name, region, signal) : undefined;
    const planned = temporaryFunction(target.target, facts, checkTimeoutMs, driverFlag.driver);
    if (!planned.ok) throw usageError(planned.error, 'BAD_IN_LAMBDA', planned.hint);
    const { fn, driver } = planned;
    const method = outboundTokenOfFunction(target.target.kind === 'function' ? target.target.name : '', facts?.outboundTokenVariable !== undefined ? { [OUTBOUND_TOKEN_ENV]: facts.outboundTokenVariable } : undefined, driver, options.outboundToken);
    if (method.note) planned.notes.push(method.note);
    const zip = await readBundle();
    const name = temporaryFunctionName(randomBytes(12));
    const manualDelete = manualDeleteCommand(name, region);
    // Only what the check needs to behave as it does here; never a credential (docs/security.md).
    const environment: Record<string, string> = {};
    if (options.allowInsecureHttp) environment[ALLOW_INSECURE_HTTP_ENV] = 'true';
    if (env.SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES?.trim()) environment.SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES = env.SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES.trim();
    onProgress?.(`Creating the temporary function ${name} (${fn.role}, ${fn.architecture}${fn.subnetIds.length ? `, ${fn.subnetIds.length} subnet${fn.subnetIds.length > 1 ? 's' : ''}` : ''}) in ${region}…`);
    options.onFunction?.(manualDelete);
    let report: ReturnedReport | undefined;
    let failure: unknown;
    // From the first CreateFunction on, until Lambda refuses it outright.
    let mayExist = true;
    try {
      await createFunction(client, { name, fn, zip, environment }, { region, signal, onProgress, onRefused: () => (mayExist = false) });
      await waitUntilActive(client, name, region, signal);
      onProgress?.(`Running doctor in ${name}…`);
      report = await invoke(client, name, doctorEvent({ ...options, outboundToken: method.outboundToken }, settings, checkTimeoutMs, driver), fn, region, signal);
    } catch (error) {
      failure = error;
    }
    // Always, whatever happened above (a failed create leaves nothing; deleting then finds nothing).
    const cleanup = mayExist ? await deleteFunction(client, name, region) : { deleted: true };
    if (mayExist) onProgress?.(cleanup.deleted ? `Deleted ${name}.` : `Could not delete ${name}: ${cleanup.problem ?? ''}`);
    const leftBehind = cleanup.deleted ? undefined : `The temporary function ${name} was NOT deleted (${cleanup.problem ?? 'unknown error'}). Delete it by hand: ${manualDelete}`;
    if (failure !== undefined || report === undefined) {
      if (signal?.aborted) throw interrupted(name, cleanup.deleted, manualDelete);
      const error = failure instanceof WifError ? failure : new WifError('internal', `internal error: ${String(failure)}`, { code: 'INTERNAL' });
      if (!leftBehind) throw error;
      throw new WifError(error.kind, error.message, { code: error.code, hint: [error.hint, leftBehind].filter(Boolean).join('\n'), cause: error });
    }
    // The administrator's side runs here, after the function: its connection never leaves this machine.
    const registration = options.adminConnection ? await adminView(options.adminConnection, report, options, env, checkTimeoutMs) : undefined;
    return scrubDeep(compose(report, {
      registration,
      name,
      region,
      facts,
      fn,
      notes: planned.notes,
      deleted: cleanup.deleted,
      manualDelete,
      leftBehind,
    }));
  } finally {
    client.destroy();
  }
}

/** doctor --admin-connection, run here for the caller the function saw (commands/audit.ts registrationCheck). */
async function adminView(connection: string, report: ReturnedReport, options: InLambdaOptions, env: NodeJS.ProcessEnv, timeoutMs: number) {
  const [{ registrationCheck }, { verifiedCallerArn }] = await Promise.all([import('./audit.js'), import('./connect.js')]);
  const caller = report.callerArn ? { arn: report.callerArn, account: report.awsAccount ?? '', userId: '' } : null;
  return registrationCheck({ connection, callerArn: verifiedCallerArn(caller, parseImpersonationPath(options.impersonationPath)), expectUser: options.expectUser, env, timeoutMs });
}

function compose(
  returned: ReturnedReport,
  run: {
    registration: Awaited<ReturnType<typeof adminView>> | undefined;
    name: string;
    region: string;
    facts: FunctionFacts | undefined;
    fn: TemporaryFunction;
    notes: string[];
    deleted: boolean;
    manualDelete: string;
    leftBehind: string | undefined;
  },
): InLambdaReport {
  const checks: DoctorReport['checks'] = returned.checks.map((check) => ({ ...check, id: check.id as DoctorReport['checks'][number]['id'], title: checkTitle(check.id) }));
  if (run.registration) {
    const { status, code, detail, fix } = run.registration;
    checks.push({ id: 'snowflake-registration', title: checkTitle('snowflake-registration'), status, code: code ?? (status === 'ok' ? 'OK' : 'WARNING'), detail, ...(fix ? { fix } : {}) });
    const gates = run.registration.gates;
    if (gates) checks.push({ id: 'snowflake-gates', title: checkTitle('snowflake-gates'), status: gates.status, code: gates.code, detail: gates.detail, ...(gates.fix ? { fix: gates.fix } : {}) });
  }
  const { totalMs } = phaseTable(returned.timings);
  if (run.facts) {
    const room = timeoutRoom(run.facts.name, run.facts.timeoutSeconds, totalMs);
    checks.push({ id: 'function-timeout', title: checkTitle('function-timeout'), status: room.status, code: room.code, detail: room.detail, ...(room.fix ? { fix: room.fix } : {}) });
  }
  const warnings = [...run.notes, ...returned.warnings, ...(run.registration?.warnings ?? []), ...(run.leftBehind ? [run.leftBehind] : [])];
  return {
    ok: returned.ok,
    provider: 'aws',
    exitCode: returned.exitCode,
    checks,
    awsAccount: returned.awsAccount,
    callerArn: returned.callerArn,
    snowflakeArn: returned.snowflakeArn,
    user: returned.user,
    role: returned.role,
    warnings,
    ...(returned.method === 'caller-identity' || returned.method === 'outbound-token' ? { method: returned.method } : {}),
    ...(returned.driver === 'node' || returned.driver === 'python' ? { driver: returned.driver } : {}),
    ...(returned.timings ? { timings: returned.timings } : {}),
    lambda: {
      function: run.name,
      region: run.region,
      likeFunction: run.facts?.name ?? null,
      runtime: run.facts?.runtime ?? null,
      functionTimeoutSeconds: run.facts?.timeoutSeconds ?? null,
      role: run.fn.role,
      architecture: run.fn.architecture,
      memoryMb: run.fn.memoryMb,
      subnetIds: run.fn.subnetIds,
      securityGroupIds: run.fn.securityGroupIds,
      phases: formatPhases(returned.timings),
      deleted: run.deleted,
      manualDelete: run.manualDelete,
    },
  };
}

/** The text report: doctor's checklist, then where it ran and how long each phase took. */
export function renderInLambda(report: InLambdaReport, color: Parameters<typeof renderDoctor>[1]): string {
  const { lambda } = report;
  const like = lambda.likeFunction ? ` like ${lambda.likeFunction}${lambda.runtime ? ` (${lambda.runtime}, timeout ${lambda.functionTimeoutSeconds ?? '?'} s)` : ''}` : '';
  const network = lambda.subnetIds.length ? `${lambda.subnetIds.length} subnet${lambda.subnetIds.length > 1 ? 's' : ''}, ${lambda.securityGroupIds.length} security group${lambda.securityGroupIds.length === 1 ? '' : 's'}` : 'no VPC';
  return [
    renderDoctor(report, color),
    '',
    color.bold('In Lambda:'),
    `  ran in ${lambda.function}${like}, as ${lambda.role} (${lambda.architecture}, ${lambda.memoryMb} MB, ${network}, ${lambda.region})`,
    `  login phases: ${lambda.phases}`,
    lambda.deleted ? `  ${lambda.function} deleted` : color.red(`  ${lambda.function} NOT deleted: ${lambda.manualDelete}`),
  ].join('\n');
}

/** --json: the report without warnings (they went to stderr), as doctor's. */
export function inLambdaDocument(report: InLambdaReport): Omit<InLambdaReport, 'warnings' | 'checks'> & { checks: Array<Omit<DoctorReport['checks'][number], 'exitCode' | 'title'>> } {
  const { warnings: _warnings, checks, ...rest } = report;
  return { ...rest, checks: checks.map(({ exitCode: _exitCode, title: _title, ...check }) => check) };
}
