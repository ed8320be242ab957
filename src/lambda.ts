/**
 * A ready AWS Lambda handler: `import { handler } from 'wif-check/lambda'`. It runs doctor with
 * settings from the event, falling back to the function's environment, and resolves to the doctor
 * report plus `exitCode` (what the CLI would exit with), and writes a one-line summary to the
 * function's log. It throws for a failed check only when asked to (event.failOnError,
 * WIF_CHECK_FAIL_ON_ERROR=true: Lambda's error metrics then count it), and writes nothing outside /tmp.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLOW_INSECURE_HTTP_ENV, FAIL_ON_ERROR_ENV, failOnError, lambdaBudgetMs, lambdaSummaryLine, parseLambdaEvent, type WifCheckEvent } from './core/lambda-event.js';
import type { DoctorOptions, PublicDoctorReport } from './commands/doctor.js';

export type { WifCheckEvent } from './core/lambda-event.js';

export type WifCheckLambdaResult = PublicDoctorReport;

/** The part of Lambda's context object the handler uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
}

/**
 * Thrown (only with event.failOnError or WIF_CHECK_FAIL_ON_ERROR=true) when a check failed, so that
 * the invocation fails and Lambda's Errors metric and alarms see it. Its message is the one-line
 * summary; `report` is the report the handler would have returned.
 */
export class WifCheckFailed extends Error {
  override name = 'WifCheckFailed';
  constructor(
    message: string,
    readonly report: WifCheckLambdaResult,
  ) {
    super(message);
  }
}

export async function handler(event?: WifCheckEvent | null, context?: LambdaContextLike): Promise<WifCheckLambdaResult> {
  const report = await check(event, context);
  // One line in the function's log (CloudWatch), whatever the outcome: codes and ARNs, no server text.
  const summary = lambdaSummaryLine(report);
  console.log(summary);
  const eventFlag = event !== null && typeof event === 'object' && typeof event.failOnError === 'boolean' ? event.failOnError : undefined;
  if (!report.ok && failOnError(eventFlag, process.env[FAIL_ON_ERROR_ENV])) throw new WifCheckFailed(summary, report);
  return report;
}

async function check(event: WifCheckEvent | null | undefined, context: LambdaContextLike | undefined): Promise<WifCheckLambdaResult> {
  const env = process.env;
  // The driver keeps an OCSP cache under $HOME, which is read-only in Lambda: keep it in /tmp.
  env.SF_OCSP_RESPONSE_CACHE_DIR ??= join(tmpdir(), 'wif-check-snowflake-cache');
  try {
    // Whoever may invoke the function writes the event: no field is trusted to have its type.
    const settings = parseLambdaEvent(event);
    const { doctor, publicReport } = await import('./commands/doctor.js');
    // Finish (with a report) before Lambda kills the function: leave a second to return it.
    const timeoutMs = lambdaBudgetMs(settings.timeoutMs, context?.getRemainingTimeInMillis?.());
    const notes = [...settings.notes];
    const options: DoctorOptions = {
      account: settings.account,
      host: settings.host,
      port: settings.port,
      protocol: settings.protocol,
      role: settings.role,
      warehouse: settings.warehouse,
      expectUser: settings.expectUser ?? (env.WIF_CHECK_EXPECT_USER || undefined),
      expectAccount: settings.expectAccount,
      impersonationPath: settings.impersonationPath,
      // From the function's configuration only: the event's invoker must not turn TLS off (docs/security.md).
      allowInsecureHttp: (env[ALLOW_INSECURE_HTTP_ENV] ?? '').trim().toLowerCase() === 'true',
      // true: the JWT method; unset: SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN decides, as in the CLI.
      outboundToken: settings.outboundToken,
      adminConnection: settings.adminConnection,
      provider: settings.provider,
      audience: settings.audience,
      driver: settings.driver,
      optionLabel: (key) => `event.${key}`,
      timeoutMs,
      // No `env`: doctor reads the host's environment itself (src/process-env.ts hostEnv), so a
      // concurrent in-process call never sees another call's temporary AWS_REGION.
    };
    const report = publicReport(await doctor(options));
    return notes.length === 0 ? report : { ...report, warnings: [...notes, ...report.warnings] };
  } catch (error) {
    // Usage problems (bad port, bad ARN) and bugs become a failed report, never a thrown error.
    const [{ failedReport }, { scrubDeep }] = await Promise.all([import('./commands/doctor.js'), import('./known-secrets.js')]);
    return scrubDeep(failedReport(error));
  }
}
