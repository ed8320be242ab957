/**
 * Command-line wiring and the single error boundary. Commands are imported lazily so that
 * starting the CLI costs only what the chosen command needs (snowflake-sdk is never loaded by
 * whoami or gen-sql).
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES, EXIT_CODE_MEANINGS, WifError, usageError } from './core/errors.js';
import { resolveMethod, type WifMethod } from './core/jwt-claims.js';
import { registrationSummary, resolveProvider, type ProviderName } from './providers/index.js';
import { redactSecrets, serverText } from './core/redact.js';
import { escapeControl, escapeControlKeepNewlines } from './core/terminal-text.js';
import { knownSecrets } from './known-secrets.js';
import { parseTimeoutSeconds } from './core/timeout.js';
import { Printer, colorLevel, failureDocument } from './output.js';
import { detectTerminals, exitIfWritten, exitOnceWritten, isTerminal, stdio, terminalColumns, writeFd } from './terminal/stdio.js';

interface CommonOptions {
  json?: boolean;
  color?: boolean;
  debug?: boolean;
}

const exitCodeHelp = (meanings: ReadonlyArray<readonly [number, string]>) => `\nExit codes:\n${meanings.map(([code, meaning]) => `  ${String(code).padEnd(3)} ${meaning}`).join('\n')}\n`;
const EXIT_CODE_HELP = exitCodeHelp(EXIT_CODE_MEANINGS);
/** audit's own meanings: its 1 is a finding, not a refused login (README "audit"). */
export const AUDIT_EXIT_CODE_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [0, 'no finding is an error (warnings and notes may be listed)'],
  [1, 'a finding is an error: a mapping that can never work (PATH_SEGMENT_ROLE, NO_MATCH, …)'],
  [2, 'usage: no administrator credentials, a bad flag, key, token or connections file, a host not allowed'],
  [3, 'AWS side (--me only): no credentials, STS refused or unreachable'],
  [4, "Snowflake side: the administrator's login refused, unreachable, timed out, the account too large"],
  [70, 'internal error in wif-check (a bug: please report it)'],
  [74, 'the output could not be written to stdout (e.g. a full disk)'],
];

/** whoami's spinner appears only when STS has not answered by then. */
const WHOAMI_SPINNER_DELAY_MS = 700;

export const COMMAND_NAMES = ['whoami', 'gen-sql', 'connect', 'doctor', 'sandbox', 'audit'] as const;

/**
 * The commander program. `only`: the command on the command line; the others are left out, since
 * defining ~50 options costs startup time (docs/performance.md) and only root --help lists them.
 */
export function buildProgram(version: string, only?: (typeof COMMAND_NAMES)[number]): Command {
  const wanted = (name: (typeof COMMAND_NAMES)[number]) => only === undefined || only === name;
  const program = new Command('wif-check')
    .description('Prove that a Snowflake workload identity federation (WIF) login from AWS works, and say how to fix it.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .exitOverride()
    // Through src/terminal/stdio.ts, as every other output: commander's defaults would build
    // process.stdout and process.stderr, streams that cost more to load than gen-sql takes.
    .configureOutput({
      // Its messages quote the argument as typed ("unknown option '…'"): escaped like any other text.
      outputError: (text, write) => write(escapeControlKeepNewlines(text)),
      writeOut: (text) => writeFd(1, text),
      writeErr: (text) => writeFd(2, text),
      getOutHelpWidth: () => terminalColumns(1) ?? 80,
      getErrHelpWidth: () => terminalColumns(2) ?? 80,
      // The help text has no colours of its own (the default would ask the stream).
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .addHelpText(
      'after',
      `
Examples:
  # who am I to Snowflake, and which ARN do I register?
  $ wif-check whoami
  # the SQL that maps me to a user
  $ wif-check gen-sql --user LAMBDA_LOADER --default-role LOADER
  # does the login really map to that user?
  $ wif-check connect --account myorg-myacct --expect-user LAMBDA_LOADER
  # every check, as a checklist (CI, Lambda)
  $ wif-check doctor --account myorg-myacct --expect-user LAMBDA_LOADER
  # no account yet? a local STS and Snowflake to try the commands against
  $ wif-check sandbox
${EXIT_CODE_HELP}`,
    )
    // Computed only when help is shown: the README installed beside this file (dist/../README.md).
    .addHelpText('after', () => `Docs: ${readmePath()} (troubleshooting, CI and Lambda usage)`,
    );

  const define: Record<(typeof COMMAND_NAMES)[number], (program: Command) => void> = {
    whoami: defineWhoami,
    'gen-sql': defineGenSql,
    connect: defineConnect,
    doctor: defineDoctor,
    sandbox: defineSandbox,
    audit: defineAudit,
  };
  for (const name of COMMAND_NAMES) if (wanted(name)) define[name](program);
  // --help lists each command's own options first, then the shared groups (Snowflake, AWS, Output).
  for (const command of program.commands) (command.options as Option[]).sort((a, b) => Number(a.helpGroupHeading !== undefined) - Number(b.helpGroupHeading !== undefined));

  return program;
}

function defineWhoami(program: Command): void {
  withCommonOptions(withAwsOptions(withProviderOptions(program.command('whoami'))))
    .description('show the identity Snowflake will see (AWS caller, OIDC token) and exactly what to register')
    .option('--expect-account <id>', 'fail (exit 1) unless the credentials belong to this 12-digit AWS account')
    .option('--outbound-token', OUTBOUND_TOKEN_HELP)
    .option('--impersonation-path <accounts>', 'gcp: service account e-mails to impersonate, comma-separated; the last one\'s token is sent (as the drivers do)')
    .addHelpText(
      'after',
      `
Examples:
  $ wif-check whoami
  $ wif-check whoami --outbound-token --json   # the JWT method: the token's issuer, subject, claims
  $ wif-check whoami --profile prod --region eu-west-1
  $ wif-check whoami --expect-account 123456789012 --json
  $ wif-check whoami --provider oidc                 # in GitHub Actions (permissions: id-token: write)
  $ wif-check whoami --provider oidc --token-file /var/run/secrets/snowflake/token
  $ wif-check whoami --provider azure                # on an Azure VM, in App Service/Functions, in an AKS pod
  $ wif-check whoami --provider azure --azure-client-id 6f2b3c4d-…   # a user-assigned identity
  $ wif-check whoami --provider gcp                  # on a GCE VM, Cloud Run, Cloud Functions, GKE
  $ wif-check whoami --provider gcp --impersonation-path loader@my-project.iam.gserviceaccount.com
${EXIT_CODE_HELP}`,
    )
    .action(async (options: CommonOptions & AwsFlagOptions & ProviderFlagOptions & { expectAccount?: string; outboundToken?: boolean; impersonationPath?: string }) => {
      await runCommand(options, async (printer) => {
        const { whoami, whoamiDocument, renderWhoami } = await import('./commands/whoami.js');
        // STS answers in well under a second; when it does not (a VPC without a route, a slow proxy), say what is being waited for.
        const stopSpinner = printer.spinner('Asking AWS STS who you are…', process.env, isTerminal(2), WHOAMI_SPINNER_DELAY_MS);
        const report = await whoami({ ...awsOptionsFrom(options), ...providerOptionsFrom(options), expectAccount: options.expectAccount, outboundToken: options.outboundToken, ...(options.impersonationPath !== undefined ? { impersonationPath: options.impersonationPath } : {}) }).finally(stopSpinner);
        for (const warning of report.warnings) printer.warn(warning);
        if (printer.json) printer.document(whoamiDocument(report));
        else printer.render(report, renderWhoami);
      }, failureWithFields(options, methodOf(options.outboundToken)));
    });
}

function defineGenSql(program: Command): void {
  withCommonOptions(withAwsOptions(withProviderOptions(program.command('gen-sql'))))
    .description('print the exact, safe SQL that maps an AWS role or user to a Snowflake user')
    .option('--arn <arn>', 'IAM role/user ARN (path is removed) or STS assumed-role ARN (default: the caller, like whoami)')
    .option('--user <name>', 'Snowflake user name; "Quoted" keeps its exact case (default: derived from the role name; required with --alter)')
    .option('--default-role <role>', 'DEFAULT_ROLE for the user')
    .option('--default-warehouse <warehouse>', 'DEFAULT_WAREHOUSE for the user')
    .option('--default-namespace <db[.schema]>', 'DEFAULT_NAMESPACE for the user')
    .option('--comment <text>', 'COMMENT for the user')
    .option('--alter', 'ALTER USER … SET WORKLOAD_IDENTITY for an existing user instead of CREATE USER')
    .option('--if-not-exists', 'CREATE USER IF NOT EXISTS')
    .option('--or-replace', 'CREATE OR REPLACE USER')
    .option('--no-verify', 'omit the SHOW … statement that checks the registration')
    .option('--outbound-token', `${OUTBOUND_TOKEN_HELP}: emit ARN and ISSUER (with --alter: migrate a user to it)`)
    .option('--issuer <url>', "aws: the account's JWT issuer (https://<id>.tokens.sts.global.api.aws), offline with --arn; implies --outbound-token. oidc: the token's issuer, offline with --subject")
    .option('--subject <sub>', 'oidc: the token\'s subject, offline (with --issuer); azure: the identity\'s object (principal) ID; gcp: the service account\'s numeric unique ID, offline')
    .option('--impersonation-path <accounts>', 'gcp: service account e-mails to impersonate, comma-separated; the last one\'s token is sent (as the drivers do)')
    .option('--github-repo <owner/repo>', 'oidc: GitHub Actions, offline: the repository whose workflow logs in (with --environment, --ref or --pull-request)')
    .option('--environment <name>', 'oidc, with --github-repo: the job uses this environment')
    .option('--ref <ref>', 'oidc, with --github-repo: the job runs on this branch or tag (refs/heads/main, refs/tags/v1)')
    .option('--pull-request', 'oidc, with --github-repo: the job runs for pull requests')
    .option('--repo-id <id>', 'oidc, with --github-repo: the repository\'s numeric id (the immutable subject form)')
    .option('--owner-id <id>', 'oidc, with --github-repo: the owner\'s numeric id (the immutable subject form)')
    .option('--format <sql|terraform>', 'sql (default), or terraform: a snowflake_service_user resource with default_workload_identity (Snowflake provider >= 2.13; with --alter, an import block)')
    .addHelpText(
      'after',
      `
stdout is only SQL (or, with --format terraform, only HCL): pipe it into a SQL client or a .tf file
(notes and warnings go to stderr). The Terraform needs experimental_features_enabled =
["USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY"] in the provider block; with that flag on, Terraform unsets
the workload identity of a service user whose resource has no default_workload_identity block.

Examples:
  $ wif-check gen-sql --user LAMBDA_LOADER --default-role LOADER
  $ wif-check gen-sql --arn arn:aws:iam::123456789012:role/service-role/my-fn-role --user LOADER
  $ wif-check gen-sql --arn arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn --alter --user LOADER
  $ wif-check gen-sql --user LOADER --json | jq -r .sql
  $ wif-check gen-sql --outbound-token --alter --user LOADER   # migrate LOADER to the JWT method
  $ wif-check gen-sql --arn arn:aws:iam::123456789012:role/my-fn-role --issuer https://a1b2c3d4-….tokens.sts.global.api.aws --user LOADER
  $ wif-check gen-sql --provider oidc --user GHA_DEPLOY   # from the job's own token
  $ wif-check gen-sql --provider oidc --issuer https://token.actions.githubusercontent.com --subject repo:octo-org/app:environment:prod --user GHA_DEPLOY
  $ wif-check gen-sql --provider oidc --github-repo octo-org/app --environment prod --user GHA_DEPLOY
  $ wif-check gen-sql --provider azure --user AZ_LOADER   # from the managed identity's own token
  $ wif-check gen-sql --provider azure --issuer https://login.microsoftonline.com/<tenant ID>/v2.0 --subject <object ID> --user AZ_LOADER --format terraform
  $ wif-check gen-sql --provider gcp --user GCP_LOADER       # from the service account's own token
  $ wif-check gen-sql --provider gcp --subject 117654321098765432109 --user GCP_LOADER --format terraform
  $ wif-check gen-sql --arn arn:aws:iam::123456789012:role/my-fn-role --user LOADER --format terraform > snowflake_wif.tf
${EXIT_CODE_HELP}`,
    )
    .action(async (options: CommonOptions & AwsFlagOptions & ProviderFlagOptions & GenSqlFlagOptions) => {
      await runCommand(options, async (printer) => {
        const { generateSql } = await import('./commands/gen-sql.js');
        const generated = await generateSql({
          ...awsOptionsFrom(options),
          arn: options.arn,
          user: options.user,
          defaultRole: options.defaultRole,
          defaultWarehouse: options.defaultWarehouse,
          defaultNamespace: options.defaultNamespace,
          comment: options.comment,
          alter: options.alter,
          ifNotExists: options.ifNotExists,
          orReplace: options.orReplace,
          verify: options.verify,
          outboundToken: options.outboundToken,
          issuer: options.issuer,
          ...providerOptionsFrom(options),
          subject: options.subject,
          ...(options.impersonationPath !== undefined ? { impersonationPath: options.impersonationPath } : {}),
          githubRepo: options.githubRepo,
          environment: options.environment,
          ref: options.ref,
          pullRequest: options.pullRequest,
          repoId: options.repoId,
          ownerId: options.ownerId,
          format: options.format,
        });
        if (printer.json) {
          printer.document({ ok: true, provider: 'aws', ...generated });
          return;
        }
        for (const warning of generated.warnings) printer.note(warning);
        printer.result(generated.terraform ?? generated.sql);
      }, failureWithFields(options, options.issuer !== undefined ? 'outbound-token' : methodOf(options.outboundToken)));
    });
}

function defineConnect(program: Command): void {
  withCommonOptions(withAwsOptions(withProviderOptions(withSnowflakeOptions(program.command('connect'))), WHOLE_COMMAND_TIMEOUT))
    .description('log in to Snowflake with WORKLOAD_IDENTITY (AWS or OIDC) and check which user it maps to')
    .option('--expect-user <name>', 'fail (exit 1) unless the login maps to this user ("quoted" = exact case)')
    .option('--outbound-token', OUTBOUND_TOKEN_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ wif-check connect --account myorg-myacct --expect-user LAMBDA_LOADER
  $ SNOWFLAKE_ACCOUNT=myorg-myacct wif-check connect --json
  $ wif-check connect --connection prod --role LOADER --warehouse LOAD_WH
  $ wif-check connect --account myorg-myacct --impersonation-path arn:aws:iam::123456789012:role/snowflake-loader
  $ wif-check connect --account myorg-myacct --outbound-token --expect-user LAMBDA_LOADER
  $ wif-check connect --provider azure --account myorg-myacct --expect-user AZ_LOADER
${EXIT_CODE_HELP}`,
    )
    .action(async (options: CommonOptions & AwsFlagOptions & ProviderFlagOptions & SnowflakeFlagOptions & { expectUser?: string; outboundToken?: boolean }) => {
      await runCommand(options, async (printer) => {
        const { connect, connectDocument, renderConnect } = await import('./commands/connect.js');
        let stopSpinner = () => {};
        try {
          const result = await connect({
            ...awsOptionsFrom(options, 30),
            ...snowflakeOptionsFrom(options),
            ...providerOptionsFrom(options),
            expectUser: options.expectUser,
            outboundToken: options.outboundToken,
            onLoginStart: () => (stopSpinner = printer.spinner('Logging in to Snowflake…', process.env, isTerminal(2))),
          });
          stopSpinner();
          for (const warning of result.warnings) printer.warn(warning);
          await writeStepSummary(printer, 'connect', true, [
            { status: 'ok', title: 'Snowflake login', detail: `${result.accountIdentifier} as ${result.user} (role ${result.role ?? 'none'}) in ${result.elapsedMs} ms` },
            result.provider !== 'aws'
              ? { status: 'ok', title: `${result.registration.type} identity`, detail: registrationSummary(result.registration) }
              : { status: 'ok', title: 'AWS identity', detail: result.callerArn ?? 'unknown' },
          ]);
          if (printer.json) {
            printer.document(connectDocument(result));
            return;
          }
          printer.render(result, renderConnect);
        } catch (error) {
          if (error instanceof WifError) {
            await writeStepSummary(printer, 'connect', false, [{ status: 'fail', title: error.code, detail: error.message, fix: error.hint }]);
          }
          throw error;
        } finally {
          stopSpinner();
        }
      }, failureWithFields(options, methodOf(options.outboundToken)));
    });
}

function defineDoctor(program: Command): void {
  withCommonOptions(withAwsOptions(withProviderOptions(withSnowflakeOptions(program.command('doctor'))), WHOLE_COMMAND_TIMEOUT))
    .description('run every check (AWS credentials, region, caller, ARN, Snowflake login, user) as a checklist')
    .option('--expect-user <name>', 'fail unless the login maps to this user')
    .option('--expect-account <id>', 'fail unless the AWS credentials belong to this account')
    .option('--driver <name>', "the driver your workload runs, node or python: the region, role-chaining and method checks speak for it (default node; python in a Python Lambda)")
    .option('--outbound-token', OUTBOUND_TOKEN_HELP)
    .option('--check-other-method', 'after a successful login, also try the other WIF method and say when it works too (default with --outbound-token)')
    .option('--admin-connection <name>', 'read what Snowflake registered, and which gate (network or authentication policy, disabled user) would stop this caller, with this admin connection (as audit does, read-only)')
    .option('--in-lambda', 'run the check in a temporary Lambda function as the execution role (with --like-function or --role ARN), then delete it')
    .option('--like-function <name>', 'with --in-lambda: copy this function\'s role, subnets, security groups, architecture and memory; its runtime picks --driver, its timeout is checked')
    .addHelpText(
      'after',
      `
Without --account (or SNOWFLAKE_ACCOUNT) only the AWS half runs and the Snowflake checks are skipped.
The checklist goes to stdout; in GitHub Actions a summary is appended to GITHUB_STEP_SUMMARY.

--in-lambda creates a temporary function (wif-check-doctor-<random>, tagged wif-check:temporary) from
the bundle shipped in this package, invokes it, and deletes it, also on failure and Ctrl-C. With
--in-lambda, --role arn:aws:iam::…:role/NAME is the execution role (any other --role is the
Snowflake role). You need lambda:GetFunctionConfiguration, lambda:CreateFunction, lambda:TagResource,
iam:PassRole, lambda:InvokeFunction and lambda:DeleteFunction; a missing one fails with exit 3
LAMBDA_ACCESS_DENIED naming it.

Examples:
  $ wif-check doctor
  $ wif-check doctor --account myorg-myacct --expect-user LAMBDA_LOADER
  $ wif-check doctor --account myorg-myacct --expect-account 123456789012 --json
  $ wif-check doctor --provider azure --account myorg-myacct --expect-user AZ_LOADER --admin-connection admin
  $ wif-check doctor --account myorg-myacct --outbound-token
  $ wif-check doctor --account myorg-myacct --expect-user LAMBDA_LOADER --admin-connection admin
  # where the workload runs: as my-python-fn's role, in its VPC, with its runtime's driver
  $ wif-check doctor --in-lambda --like-function my-python-fn --account myorg-myacct --expect-user LAMBDA_LOADER
  $ wif-check doctor --in-lambda --role arn:aws:iam::123456789012:role/service-role/my-fn-role --account myorg-myacct --json
${EXIT_CODE_HELP}`,
    )
    .action(async (options: CommonOptions & AwsFlagOptions & ProviderFlagOptions & SnowflakeFlagOptions & DoctorFlagOptions) => {
      const { doctor, doctorDocument, renderDoctor, failedReport } = await import('./commands/doctor.js');
      // With --json even a usage error is a doctor report (with exitCode), as the Lambda handler returns.
      const jsonFailure = (error: WifError) => ({ ...withoutWarnings(failedReport(error)), ...documentFields(options, methodOf(options.outboundToken)) });
      if (options.inLambda) {
        await runCommand(options, (printer) => runInLambda(options, printer), jsonFailure);
        return;
      }
      await runCommand(options, async (printer) => {
        if (options.likeFunction !== undefined) throw usageError('--like-function needs --in-lambda', 'BAD_IN_LAMBDA', 'wif-check doctor --in-lambda --like-function NAME runs the check in a temporary copy of that function.');
        const stopSpinner = printer.spinner('Checking…', process.env, isTerminal(2));
        const report = await doctor({
          ...awsOptionsFrom(options, 30),
          ...snowflakeOptionsFrom(options),
          ...providerOptionsFrom(options),
          expectUser: options.expectUser,
          expectAccount: options.expectAccount,
          outboundToken: options.outboundToken,
          checkOtherMethod: options.checkOtherMethod,
          driver: options.driver,
          adminConnection: options.adminConnection,
        }).finally(stopSpinner);
        for (const warning of report.warnings) printer.warn(warning);
        if (printer.json) printer.document(doctorDocument(report));
        else printer.render(report, renderDoctor);
        await writeStepSummary(printer, 'doctor', report.ok, report.checks);
        return report.exitCode;
      }, jsonFailure);
    });
}

interface DoctorFlagOptions {
  expectUser?: string;
  expectAccount?: string;
  outboundToken?: boolean;
  checkOtherMethod?: boolean;
  driver?: string;
  adminConnection?: string;
  inLambda?: boolean;
  likeFunction?: string;
}

/**
 * doctor --in-lambda: Ctrl-C (or SIGTERM) stops the run and deletes the temporary function before
 * exiting 130; a second one exits at once, saying what to delete by hand.
 */
async function runInLambda(options: CommonOptions & AwsFlagOptions & ProviderFlagOptions & SnowflakeFlagOptions & DoctorFlagOptions, printer: Printer): Promise<number> {
  const { doctorInLambda, inLambdaDocument, renderInLambda } = await import('./commands/doctor-in-lambda.js');
  const controller = new AbortController();
  let manualDelete: string | undefined;
  const onSignal = () => {
    if (!controller.signal.aborted) {
      printer.info('Interrupted: deleting the temporary function first (press Ctrl-C again to leave it).');
      controller.abort();
      return;
    }
    printer.info(manualDelete ? `Not waiting. Delete it by hand: ${manualDelete}` : 'Not waiting.');
    process.exit(EXIT_CODES.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await doctorInLambda({
      ...awsOptionsFrom(options, 30),
      ...snowflakeOptionsFrom(options),
      ...providerOptionsFrom(options),
      expectUser: options.expectUser,
      expectAccount: options.expectAccount,
      outboundToken: options.outboundToken,
      driver: options.driver,
      adminConnection: options.adminConnection,
      likeFunction: options.likeFunction,
      signal: controller.signal,
      onProgress: (text) => printer.info(text),
      onFunction: (command) => (manualDelete = command),
    });
    for (const warning of report.warnings) printer.warn(warning);
    if (printer.json) printer.document(inLambdaDocument(report));
    else printer.render(report, renderInLambda);
    await writeStepSummary(printer, 'doctor', report.ok, report.checks);
    return report.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function defineSandbox(program: Command): void {
  withCommonOptions(program.command('sandbox'))
    .description('run a local STS and Snowflake (on 127.0.0.1) to try wif-check and the drivers against, until Ctrl-C')
    .option('--identity <name>', 'the test identity whose keys the exports hold (default assumedRole; e.g. serviceRole, chainSource, iamUser, govCloud, root, expired)')
    .option('--provider <name>', 'aws (default), oidc (a GitHub Actions job\'s token service, OIDC issuers and users), azure (a VM\'s managed identities, Entra\'s keys, AZURE users) or gcp (a GCE metadata server, Google\'s issuer, the IAM API, GCP users)')
    .option('--azure-trap <name>', 'with --provider azure: start in a trap\'s state: v1-issuer, no-consent, sovereign-cloud or user-assigned-only')
    .option('--gate <gate>', 'refuse the working login at a gate before the mapping: network-policy, authentication-policy or user-disabled')
    .addHelpText(
      'after',
      `
Prints export lines (a shell script: everything else is a # comment) and serves until SIGINT or
SIGTERM, then exits 0. The keys are fake: they work only against the sandbox. It has a user for
every story of the README (the path trap, the JWT method, role chaining, GovCloud and China) and an
administrator for audit (connection sandbox-admin; its PAT is in a private file, removed on exit).

Examples:
  $ wif-check sandbox
  $ wif-check sandbox --identity serviceRole      # the service-role/ trap, start to fix
  $ wif-check sandbox --identity chainSource      # role chaining to snowflake-loader
  $ wif-check sandbox --identity govCloud         # exports a us-gov- region
  $ wif-check sandbox --identity iamUser
  $ wif-check sandbox --provider oidc
  $ wif-check sandbox --provider azure
  $ wif-check sandbox --provider azure --azure-trap v1-issuer
  $ wif-check sandbox --provider gcp
  $ wif-check sandbox --gate network-policy
  $ wif-check sandbox --json > sandbox.json
${EXIT_CODE_HELP}`,
    )
    .action(async (options: CommonOptions & { identity?: string; provider?: string; gate?: string; azureTrap?: string }) => {
      await runCommand(options, async (printer) => {
        const { startSandbox, sandboxDocument, renderSandbox, untilSignal } = await import('./commands/sandbox.js');
        const sandbox = await startSandbox({ identity: options.identity, provider: options.provider, gate: options.gate, azureTrap: options.azureTrap });
        try {
          // The handlers first: whoever reads "Serving until" may signal at once (a loaded machine can
          // run the reader between the write and the next line).
          const signalled = untilSignal();
          if (printer.json) printer.document(sandboxDocument(sandbox));
          else printer.render(sandboxDocument(sandbox), renderSandbox);
          printer.info(`Serving until Ctrl-C or SIGTERM (STS ${sandbox.stsUrl}, Snowflake ${sandbox.snowflakeUrl}).`);
          await signalled;
        } finally {
          await sandbox.close();
        }
      });
    });
}

function defineAudit(program: Command): void {
  withCommonOptions(withAwsOptions(program.command('audit'), 'seconds for the whole audit (default 120)'))
    .description('read-only: list every workload identity in the account and say which mappings can never work')
    .option('-c, --connection <name>', 'the admin connection in connections.toml or config.toml ($SNOWFLAKE_HOME or ~/.snowflake)')
    .option('--account <account>', 'Snowflake account identifier (env SNOWFLAKE_ACCOUNT)')
    .option('--host <host>', 'Snowflake host (env SNOWFLAKE_HOST)')
    .option('--port <port>', 'port (env SNOWFLAKE_PORT)')
    .option('--protocol <protocol>', 'http or https (env SNOWFLAKE_PROTOCOL)')
    .option('--user <name>', 'the administrator (env SNOWFLAKE_USER)')
    .option('--authenticator <name>', 'SNOWFLAKE_JWT, PROGRAMMATIC_ACCESS_TOKEN or SNOWFLAKE (default: from the credentials given)')
    .option('--private-key-file <path>', 'key pair login (env SNOWFLAKE_PRIVATE_KEY_FILE; passphrase in PRIVATE_KEY_PASSPHRASE)')
    .option('--token-file <path>', 'programmatic access token login (env SNOWFLAKE_TOKEN_FILE_PATH)')
    .option('--role <role>', 'role to audit as; it needs MONITOR on the users (env SNOWFLAKE_ROLE)')
    .option('--arn <arn>', 'also say which user this IAM role/user or assumed-role ARN maps to')
    .option('--me', 'also say which user the current AWS caller maps to (like whoami)')
    .option('--aws-account <ids>', 'warn about identities in any other AWS account (comma-separated)')
    .option('--stale-days <n>', 'note identities unused for longer than this (default 90)')
    .option('--allow-insecure-http', 'allow --protocol http to a host that is not a loopback address')
    .addHelpText(
      'after',
      `
The password comes from SNOWFLAKE_PASSWORD only, never a flag. audit runs only SHOW, DESCRIBE and
SELECT (it changes nothing); the role needs MONITOR on other users to list their identities, and
APPLY AUTHENTICATION POLICY (SECURITYADMIN has it) to read the authentication policies in force.

Examples:
  $ wif-check audit -c admin
  $ wif-check audit --account myorg-myacct --user AUDITOR --private-key-file ~/.ssh/snowflake_key.p8
  $ SNOWFLAKE_TOKEN_FILE_PATH=~/.snowflake/pat wif-check audit --account myorg-myacct --json
  $ wif-check audit -c admin --arn arn:aws:iam::123456789012:role/service-role/my-fn-role
  $ wif-check audit -c admin --me --aws-account 123456789012 --stale-days 30
  $ wif-check audit -c admin --role SECURITYADMIN --json   # also the authentication and network policies in force
  $ wif-check audit -c sandbox-admin --me       # against \`wif-check sandbox\`
${exitCodeHelp(AUDIT_EXIT_CODE_MEANINGS)}`,
    )
    .action(async (options: CommonOptions & AwsFlagOptions & AuditFlagOptions) => {
      await runCommand(options, async (printer) => {
        const { audit, auditDocument, renderAudit, auditSummaryRows } = await import('./commands/audit.js');
        const progress = printer.json || !isTerminal(2) || process.env.CI ? undefined : (done: number, total: number) => {
          writeFd(2, done === total ? '\r\u001b[2K' : `\rReading workload identities… ${done}/${total}`);
        };
        const { allowInsecureHttp, ...flags } = options;
        const report = await audit({ ...flags, ...awsOptionsFrom(options, 120), allowInsecureHttp: allowInsecureHttp === true, me: options.me === true, onProgress: progress, onWarning: (text) => printer.warn(text) });
        if (printer.json) printer.document(auditDocument(report));
        else printer.render(report, renderAudit);
        await writeStepSummary(printer, 'audit', report.ok, auditSummaryRows(report));
        return report.ok ? EXIT_CODES.ok : EXIT_CODES.verification;
      });
    });
}

interface AuditFlagOptions {
  connection?: string;
  account?: string;
  host?: string;
  port?: string;
  protocol?: string;
  user?: string;
  authenticator?: string;
  privateKeyFile?: string;
  tokenFile?: string;
  role?: string;
  arn?: string;
  me?: boolean;
  awsAccount?: string;
  staleDays?: string;
  allowInsecureHttp?: boolean;
}

/** Lazy: step-summary.js loads node:fs/promises, which only connect and doctor need (docs/performance.md). */
async function writeStepSummary(printer: Printer, ...args: Parameters<typeof import('./step-summary.js').summaryMarkdown>): Promise<void> {
  const { appendStepSummary, summaryMarkdown } = await import('./step-summary.js');
  const problem = await appendStepSummary(summaryMarkdown(...args));
  if (problem) printer.warn(problem);
}

interface SnowflakeFlagOptions {
  account?: string;
  host?: string;
  port?: string;
  protocol?: string;
  connection?: string;
  role?: string;
  warehouse?: string;
  impersonationPath?: string;
  allowInsecureHttp?: boolean;
}

function withSnowflakeOptions(command: Command): Command {
  return command
    .optionsGroup('Snowflake connection:')
    .option('--account <account>', 'Snowflake account identifier, e.g. myorg-myacct (env SNOWFLAKE_ACCOUNT)')
    .option('--host <host>', 'Snowflake host (env SNOWFLAKE_HOST; default <account>.snowflakecomputing.com)')
    .option('--port <port>', 'port (env SNOWFLAKE_PORT)')
    .option('--protocol <protocol>', 'http or https (env SNOWFLAKE_PROTOCOL)')
    .option('-c, --connection <name>', 'read account, host, port, protocol, role, warehouse from connections.toml or config.toml ($SNOWFLAKE_HOME or ~/.snowflake), as the Snowflake CLI does')
    .option('--role <role>', 'role to use in the session (env SNOWFLAKE_ROLE)')
    .option('--warehouse <warehouse>', 'warehouse to use (env SNOWFLAKE_WAREHOUSE)')
    .option('--impersonation-path <arns>', 'comma-separated role ARNs to assume first (role chaining); gcp: service account e-mails to impersonate, the last one\'s token is sent')
    .option('--allow-insecure-http', 'allow --protocol http to a host that is not a loopback address (sends the login unencrypted)')
    .optionsGroup('');
}

function snowflakeOptionsFrom(options: SnowflakeFlagOptions) {
  // Given but empty is an unset CI variable, not "no impersonation".
  if (options.impersonationPath !== undefined && options.impersonationPath.replaceAll(',', '').trim() === '') {
    throw usageError('--impersonation-path is empty', 'BAD_IMPERSONATION_PATH', 'Give one or more role ARNs, comma-separated, or leave the flag out.');
  }
  return {
    account: options.account,
    host: options.host,
    port: options.port,
    protocol: options.protocol,
    connection: options.connection,
    role: options.role,
    warehouse: options.warehouse,
    impersonationPath: options.impersonationPath,
    allowInsecureHttp: options.allowInsecureHttp === true,
  };
}

interface GenSqlFlagOptions {
  arn?: string;
  user?: string;
  defaultRole?: string;
  defaultWarehouse?: string;
  defaultNamespace?: string;
  comment?: string;
  alter?: boolean;
  ifNotExists?: boolean;
  orReplace?: boolean;
  verify?: boolean;
  outboundToken?: boolean;
  issuer?: string;
  subject?: string;
  impersonationPath?: string;
  githubRepo?: string;
  environment?: string;
  ref?: string;
  pullRequest?: boolean;
  repoId?: string;
  ownerId?: string;
  format?: string;
}

interface ProviderFlagOptions {
  provider?: string;
  workloadIdentityProvider?: string;
  tokenFile?: string;
  audience?: string;
  azureClientId?: string;
  azureResource?: string;
}

function withProviderOptions(command: Command): Command {
  return command
    .optionsGroup('Identity provider:')
    .option('--provider <name>', 'aws (default), oidc, azure or gcp: the workload identity provider (env SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER)')
    .addOption(new Option('--workload-identity-provider <name>', 'the same as --provider (the drivers\' name)').hideHelp())
    .option('--token-file <path>', 'oidc: the token the workload presents, - for standard input (default: the GitHub Actions token service, then SNOWFLAKE_TOKEN_FILE_PATH)')
    .option('--audience <aud>', 'oidc: the audience to ask the GitHub token service for (default snowflakecomputing.com); gen-sql: the OIDC_AUDIENCE_LIST, comma-separated')
    .option('--azure-client-id <id>', "azure: a user-assigned managed identity's client ID (the Node driver's workloadIdentityAzureClientId; default AZURE_CLIENT_ID, then the system-assigned identity)")
    .option('--azure-resource <uri>', "azure: the resource to ask a token for (the driver's workloadIdentityAzureEntraIdResource; default api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad)")
    .optionsGroup('');
}

/** The provider options for the library: --provider wins over its alias. */
function providerOptionsFrom(options: ProviderFlagOptions): { provider?: string; tokenFile?: string; audience?: string; azureClientId?: string; azureResource?: string } {
  const provider = options.provider ?? options.workloadIdentityProvider;
  return {
    ...(provider !== undefined ? { provider } : {}),
    ...(options.tokenFile !== undefined ? { tokenFile: options.tokenFile } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    ...(options.azureClientId !== undefined ? { azureClientId: options.azureClientId } : {}),
    ...(options.azureResource !== undefined ? { azureResource: options.azureResource } : {}),
  };
}

interface AwsFlagOptions {
  profile?: string;
  region?: string;
  timeout?: string;
}

function withAwsOptions(command: Command, timeoutHelp = 'seconds to wait for AWS (default 10)'): Command {
  return command
    .optionsGroup('AWS:')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE, then the default chain)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)')
    .option('--timeout <seconds>', timeoutHelp)
    .optionsGroup('');
}

const OUTBOUND_TOKEN_HELP = "use AWS's JWT method (STS GetWebIdentityToken) instead of the signed GetCallerIdentity (env SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true)";

const WHOLE_COMMAND_TIMEOUT = 'seconds for the whole check, AWS and Snowflake (default 30)';

function withCommonOptions(command: Command): Command {
  return command
    .optionsGroup('Output:')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('--debug', 'on errors, also show the underlying cause (never secrets)')
    .optionsGroup('');
}

function awsOptionsFrom(options: AwsFlagOptions, defaultTimeoutSeconds?: number): { profile?: string; region?: string; timeoutMs?: number } {
  const timeoutMs = parseTimeoutSeconds(options.timeout) ?? (defaultTimeoutSeconds === undefined ? undefined : defaultTimeoutSeconds * 1000);
  return {
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** The error boundary: every expected failure becomes one line (plus a hint) and an exit code. */
async function runCommand(
  options: CommonOptions,
  body: (printer: Printer) => Promise<number | void>,
  /** The --json document for a failure, when the command has its own shape (doctor's report). */
  jsonFailure?: (error: WifError) => unknown,
): Promise<void> {
  const json = options.json === true;
  const printer = new Printer(stdio, {
    json,
    ...(jsonFailure ? { jsonFailure } : {}),
    debug: options.debug === true,
    colorLevel: colorLevel({ env: process.env, isTTY: isTerminal(1), noColorFlag: options.color === false, json }),
  });
  try {
    process.exitCode = (await body(printer)) ?? EXIT_CODES.ok;
  } catch (error) {
    process.exitCode = reportFailure(error, printer);
  }
}

function reportFailure(error: unknown, printer: Printer): number {
  if (error instanceof WifError) {
    printer.failure(error);
    if (printer.debug && error.cause !== undefined) printer.info(`cause: ${debugText(error.cause)}`);
    return error.exitCode;
  }
  const internal = new WifError('internal', `internal error: ${serverText(error instanceof Error ? error.message : String(error), knownSecrets())}`, {
    code: 'INTERNAL',
    hint: 'This is a bug in wif-check. Please report it with the command you ran (run again with --debug for the stack).',
  });
  printer.failure(internal);
  if (printer.debug && error instanceof Error) printer.info(`${debugText(error)}\n${stackFrames(error)}`);
  return internal.exitCode;
}

/**
 * An underlying error for --debug: its name and message as server text (a driver error's message
 * is the server's), redacted of every credential this process holds, capped, on one line.
 */
function debugText(cause: unknown): string {
  const name = cause instanceof Error ? cause.name : typeof cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return escapeControl(serverText(`${name}: ${message}`, knownSecrets()));
}

/** The code locations of a stack, without its message (which debugText shows). */
function stackFrames(error: Error): string {
  return (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 30)
    .map((line) => escapeControl(redactSecrets(line, knownSecrets())))
    .join('\n');
}

/**
 * A file of this installation, beside dist/ (package.json, README.md). import.meta.url is a URL in
 * dist/cli.js and a path in the CLI bundle (scripts/build-cli.mjs); both sit in dist/.
 */
function installedFile(name: string): string {
  const here = import.meta.url.startsWith('file:') ? fileURLToPath(import.meta.url) : import.meta.url;
  return join(dirname(here), '..', name);
}

function readmePath(): string {
  return installedFile('README.md');
}

const COMMON_FLAGS: ReadonlySet<string> = new Set(['--json', '--no-color', '--debug']);

/**
 * `wif-check --json whoami` (options before the command, as AWS CLI users type it) means
 * `wif-check whoami --json`: the common flags in front of the command move behind it.
 */
export function hoistCommonFlags(argv: readonly string[]): string[] {
  const [node = '', script = '', ...rest] = argv;
  let index = 0;
  while (index < rest.length && COMMON_FLAGS.has(rest[index] ?? '')) index++;
  if (index === 0 || index === rest.length) return [...argv];
  return [node, script, rest[index] ?? '', ...rest.slice(0, index), ...rest.slice(index + 1)];
}

/** The WIF method a command runs with: --outbound-token, else SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN. */
function methodOf(outboundToken: boolean | undefined): WifMethod {
  return resolveMethod(outboundToken, process.env).method;
}

/**
 * What every JSON document of whoami, gen-sql, connect and doctor carries (CONTRACT): `provider`,
 * and for AWS the `method`. From the flags and the environment (a provider named only by a
 * connection is the command's to report); none when the provider itself is not valid.
 */
function documentFields(options: ProviderFlagOptions, method: WifMethod): { provider?: ProviderName; method?: WifMethod } {
  let provider: ProviderName;
  try {
    provider = resolveProvider(options.provider ?? options.workloadIdentityProvider, process.env).provider;
  } catch {
    return {};
  }
  return provider === 'aws' ? { provider, method } : { provider };
}

/** A --json failure of whoami, gen-sql and connect: with documentFields. */
function failureWithFields(options: ProviderFlagOptions, method: WifMethod): (error: WifError) => unknown {
  return (error) => ({ ...failureDocument(error), ...documentFields(options, method) });
}

/** doctor --json: warnings go to stderr, not into the document. */
function withoutWarnings<T extends { warnings: unknown }>(report: T): Omit<T, 'warnings'> {
  const { warnings: _warnings, ...document } = report;
  return document;
}

/** --provider NAME / --provider=NAME (or its alias) from raw arguments, for a parse error's document. */
function providerArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const match = /^--(?:provider|workload-identity-provider)(?:=(.*))?$/.exec(arg);
    if (match) return match[1] ?? args[i + 1];
  }
  return undefined;
}

function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

const COMMANDER_CODES: Readonly<Record<string, string>> = {
  'commander.unknownOption': 'UNKNOWN_OPTION',
  'commander.unknownCommand': 'UNKNOWN_COMMAND',
  'commander.optionMissingArgument': 'MISSING_OPTION_VALUE',
  'commander.missingArgument': 'MISSING_ARGUMENT',
  'commander.missingMandatoryOptionValue': 'MISSING_OPTION',
  'commander.excessArguments': 'UNEXPECTED_ARGUMENT',
  'commander.conflictingOption': 'CONFLICTING_OPTIONS',
  'commander.invalidArgument': 'BAD_ARGUMENT',
};

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // The SDK's Node-version notice is noise for a CLI user; they did not choose the SDK.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Output goes through src/terminal/stdio.ts: EPIPE (`| head -1`) is a quiet stop, any other
  // failure to write stdout one line on stderr and exit 74. Colours and help width need to know
  // whether stdout and stderr are terminals: asked once, here.
  await detectTerminals();
  // Read, not require()d: the module loader's package lookups cost ~0.3 ms (docs/performance.md).
  const version = (JSON.parse(readFileSync(installedFile('package.json'), 'utf8')) as { version: string }).version;
  const args = hoistCommonFlags(argv);
  const first = args[2];
  const command = COMMAND_NAMES.find((name) => name === first);
  const program = buildProgram(version, command);
  try {
    await program.parseAsync([...args]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; every parse error is a usage error, and with --json it is the
      // same error document as any other failure (commander has said it on stderr already).
      process.exitCode = error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
      if (error.exitCode !== 0 && wantsJson(args)) {
        const failure = usageError(error.message.replace(/^error: /, ''), COMMANDER_CODES[error.code] ?? 'USAGE');
        const document = command === 'doctor' ? withoutWarnings((await import('./commands/doctor.js')).failedReport(failure)) : failureDocument(failure);
        if (command !== undefined && command !== 'sandbox' && command !== 'audit') {
          const jwt = args.includes('--outbound-token') || (command === 'gen-sql' && args.some((arg) => arg === '--issuer' || arg.startsWith('--issuer=')));
          Object.assign(document, documentFields({ provider: providerArgument(args) }, jwt ? 'outbound-token' : methodOf(undefined)));
        }
        writeFd(1, `${JSON.stringify(document, null, 2)}\n`);
      }
      return;
    }
    throw error;
  }
  // After a timed-out login the Snowflake driver can leave a retry timer or a hung socket behind;
  // the result is written, so do not wait for it. With nothing pending (gen-sql --arn, --help) the
  // process ends now, armed with no timer (Node's timers load on first use, ~0.2 ms) and before V8's
  // scheduled housekeeping runs (exitIfWritten).
  if (process.getActiveResourcesInfo().length > 0) exitOnceWritten(200);
  else exitIfWritten();
}
