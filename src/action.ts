/**
 * The GitHub Action (action.yml): runs doctor with the step's inputs, prints the checklist to the
 * log, appends it (with each fix) to the job summary, sets the outputs, and fails the step with
 * doctor's exit code when a check failed. scripts/build-action.mjs bundles this file, the AWS SDK
 * and snowflake-sdk into dist-action/index.cjs, which the runner starts from a plain checkout.
 */
import { parseActionInputs, inputLabel, type ActionSettings } from './core/action-inputs.js';
import { actionFix, errorLine, maskedSqlNote, missingAccountCheck } from './core/action-advice.js';
import { EXIT_CODES } from './core/errors.js';
import { escapeControl } from './core/terminal-text.js';
import { getInput, setOutputs, withoutCommands, workflowCommand } from './github/workflow.js';
import { Printer, colorLevel } from './output.js';
import { appendStepSummary, summaryMarkdown, type SummaryRow } from './step-summary.js';
import { doctor, failedReport, renderDoctor, type DoctorOptions, type DoctorReport } from './commands/doctor.js';

export async function runAction(env: NodeJS.ProcessEnv = process.env, stdout: { write(text: string): unknown } = process.stdout): Promise<number> {
  const write = (text: string) => void stdout.write(text);
  const printer = new Printer({ stdout, stderr: stdout }, { json: false, colorLevel: colorLevel({ env, isTTY: false, noColorFlag: false, json: false }) });
  let settings: ActionSettings | undefined;
  let report: DoctorReport;
  try {
    settings = parseActionInputs((name) => getInput(name, env));
    report = actionReport(await doctor(doctorOptions(settings)), settings, env);
  } catch (error) {
    // Inputs no check could mean anything with (a bad host, a malformed ARN): exit 2; a bug: 70.
    report = failedSettings(error);
  }

  // Before anything names the account: from here on the runner shows *** for it.
  const masked = settings?.maskAwsAccountId ? [report.awsAccount, settings.expectAccount].filter((id): id is string => Boolean(id)) : [];
  for (const id of new Set(masked)) write(workflowCommand('add-mask', id));
  const mask = (text: string) => masked.reduce((result, id) => result.split(id).join('***'), text);

  for (const warning of report.warnings) write(workflowCommand('warning', escapeControl(warning)));
  withoutCommands(write, () => printer.render(report, renderDoctor));

  const rows: SummaryRow[] = report.checks.map((check) => ({
    status: check.status,
    title: check.title,
    detail: mask(check.detail),
    ...(check.fix ? { fix: mask(check.fix) } : {}),
  }));
  const note = maskedSqlNote(masked.length > 0, rows.flatMap((row) => (row.fix ? [row.fix] : [])));
  const markdown = summaryMarkdown('doctor', report.ok, rows);
  const problem = await appendStepSummary(note ? `${markdown}\n${note}\n` : markdown, env);
  if (problem) write(workflowCommand('warning', problem));
  const summaryWritten = Boolean(env.GITHUB_STEP_SUMMARY) && problem === undefined;

  setOutputs(
    {
      ok: String(report.ok),
      'exit-code': String(report.exitCode),
      'caller-arn': report.callerArn ?? '',
      'snowflake-arn': report.snowflakeArn ?? '',
      user: report.user ?? '',
      role: report.role ?? '',
    },
    env,
  );

  const failed = report.checks.find((check) => check.status === 'fail');
  // "The fix is in the job summary" only when there is a fix and the summary was written.
  if (failed) write(workflowCommand('error', escapeControl(errorLine(failed.title, mask(failed.detail), report.exitCode, summaryWritten && Boolean(failed.fix)))));
  return report.exitCode;
}

function doctorOptions(settings: ActionSettings): DoctorOptions {
  return {
    account: settings.account,
    host: settings.host,
    expectUser: settings.expectUser,
    expectAccount: settings.expectAccount,
    role: settings.role,
    warehouse: settings.warehouse,
    impersonationPath: settings.impersonationPath,
    ...(settings.outboundToken !== undefined ? { outboundToken: settings.outboundToken } : {}),
    // A connection in the runner's connections.toml/config.toml, for the Snowflake-side view (audit).
    ...(settings.adminConnection ? { adminConnection: settings.adminConnection } : {}),
    optionLabel: inputLabel,
    ...(settings.provider ? { provider: settings.provider } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
  };
}

/**
 * doctor's report as a job needs it: a job's fix for missing AWS credentials, and a failed check
 * (exit 2) when no Snowflake account was given, since doctor then checks only the AWS half.
 */
function actionReport(report: DoctorReport, settings: ActionSettings, env: NodeJS.ProcessEnv): DoctorReport {
  const checks = report.checks.map((check) => {
    const fix = actionFix(check.code, check.fix);
    return fix === check.fix ? check : { ...check, ...(fix ? { fix } : {}) };
  });
  const missing = missingAccountCheck(settings.account, env.SNOWFLAKE_ACCOUNT);
  if (!missing) return { ...report, checks };
  const { id, status, code, title, detail, fix } = missing;
  return { ...report, ok: false, exitCode: report.exitCode === 0 ? EXIT_CODES.usage : report.exitCode, checks: [...checks, { id, status, code, title, detail, fix, exitCode: EXIT_CODES.usage }] };
}

/** The report for a run that could not start (bad inputs, a bug): doctor's, with one failed "settings" check. */
function failedSettings(error: unknown): DoctorReport {
  const report = failedReport(error);
  return { ...report, checks: report.checks.map((check) => ({ ...check, title: 'Settings' })) };
}

/** Set before the SDKs load: the runner is not the place for their notices and telemetry. */
function prepareEnvironment(env: NodeJS.ProcessEnv): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // snowflake-sdk loads a native telemetry helper ("minicore") from ./binaries next to its own
  // file; the bundle does not carry it, and without this the driver reports the failed load to
  // Snowflake as telemetry. The login does not use it (snowflake-sdk dist/lib/minicore/minicore.js).
  env.SNOWFLAKE_DISABLE_MINICORE ??= 'true';
}

/** Only when run as the Action (the bundle's entry), not when imported. */
export function main(env: NodeJS.ProcessEnv = process.env): void {
  prepareEnvironment(env);
  runAction(env).then(
    (code) => {
      process.exitCode = code;
      // A timed-out login can leave the driver's retry timer behind; the result is written.
      setTimeout(() => process.exit(), 200).unref();
    },
    (error: unknown) => {
      process.stdout.write(workflowCommand('error', `internal error in wif-check: ${escapeControl(error instanceof Error ? error.message : String(error))}`));
      process.exitCode = EXIT_CODES.internal;
    },
  );
}
