/**
 * `wif-check doctor`: the whole check as a checklist — AWS credentials, region (and whether the
 * Snowflake driver sees the same), caller, principal usable for WIF, the Snowflake ARN, and with
 * an account: the login and the mapped user. Each failed check carries its fix.
 */
import { describeKind, parseAccountId, parsePrincipalArn, toSnowflakeArn } from '../core/arn.js';
import { NOT_USABLE_FIX, diagnoseUnexpectedUser, parseExpectUser, userMatches } from '../core/diagnose.js';
import { EXIT_CODES, WifError, usageError, type ErrorKind } from '../core/errors.js';
import { serverText } from '../core/redact.js';
import { type ResolvedRegion } from '../core/region.js';
import { halfBudgetMs, libraryTimeoutMs } from '../core/timeout.js';
import { DRIVER_RULES, chainingProblem, driverOfLambdaRuntime, outboundTokenByEnvironment, parseDriverName, regionSeenBy, stsHostProblem, type DriverName } from '../core/driver-rules.js';
import { parseImpersonationPath, resolveSnowflakeSettings, type SnowflakeFlags } from '../core/snowflake-settings.js';
import {
  DEFAULT_AWS_TIMEOUT_MS,
  getCallerIdentity,
  resolveAwsCredentials,
  resolveAwsRegion,
  type AwsContext,
  type AwsOptions,
  type CallerIdentity,
} from '../aws/identity.js';
import { findConnection } from '../snowflake/config-files.js';
import { methodNote, outboundTokenRequestedByEnv, resolveMethod, type WifMethod } from '../core/jwt-claims.js';
import { OUTBOUND_CHECK_TITLES, type OutboundCheckId } from './outbound-render.js';
import { hostEnv, withProcessEnv } from '../process-env.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, attemptLogin, driverEnvironment, providerAndConnection, remainingMs, settingsSources, verifiedCallerArn } from './connect.js';
import type { ProviderName, Registration } from '../providers/types.js';
import { OIDC_CHECK_TITLES, type OidcCheckId } from '../providers/oidc/checks.js';
import { AZURE_CHECK_TITLES, type AzureCheckId } from '../providers/azure/checks.js';
import { GCP_CHECK_TITLES, type GcpCheckId } from '../providers/gcp/checks.js';
import { scrubDeep } from '../known-secrets.js';
import type { PhaseTimings } from '../core/in-lambda.js';

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';
export type CheckId =
  | 'settings'
  | 'credentials'
  | 'region'
  | 'chaining'
  | 'caller'
  | 'principal'
  | 'snowflake-arn'
  | 'account'
  | 'login'
  | 'user'
  | OutboundCheckId
  | 'other-method'
  | 'snowflake-registration'
  | 'snowflake-gates'
  | 'function-timeout'
  | OidcCheckId
  | AzureCheckId
  | GcpCheckId;

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** Stable and machine-readable: `OK`, `SKIPPED`, or the failure's or warning's code (e.g. `USER_NOT_MAPPED`). */
  code: string;
  detail: string;
  fix?: string;
  /** A failed login: Snowflake's own code and message (redacted and capped), when it answered. */
  snowflakeCode?: string | null;
  snowflakeMessage?: string;
  /** For failed checks: what the CLI exits with (the first failure decides). */
  exitCode?: number;
}

export interface DoctorOptions extends AwsOptions, SnowflakeFlags {
  connection?: string | undefined;
  expectUser?: string | undefined;
  /** Fail unless the caller belongs to this 12-digit AWS account. */
  expectAccount?: string | undefined;
  impersonationPath?: string | readonly string[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Which driver the workload runs (default: python in a Python Lambda runtime, else node): the region, chaining and method checks speak for it. */
  driver?: string | undefined;
  /** AWS's JWT method (STS GetWebIdentityToken); default: SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN. */
  outboundToken?: boolean | undefined;
  /**
   * After a successful login, also try the other method and say when it works too. Default: only
   * with the JWT method (a classic run would otherwise leave a failed JWT login in Snowflake's login
   * history whenever the user has no ISSUER yet).
   */
  checkOtherMethod?: boolean | undefined;
  /** How an option is named in messages (default `--host` style); the Lambda handler says `event.host`. */
  optionLabel?: ((key: string) => string) | undefined;
  /** doctor --admin-connection: after a failed login, what the Snowflake side registered (commands/audit.ts). */
  adminConnection?: string | undefined;
  /** aws (default) or oidc; then SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER, then the connection's workload_identity_provider. */
  provider?: string | undefined;
  /** oidc: the token file (`-`: standard input); default: GitHub's token service, then SNOWFLAKE_TOKEN_FILE_PATH. */
  tokenFile?: string | undefined;
  /** oidc: the audience to ask GitHub's token service for (default snowflakecomputing.com). */
  audience?: string | undefined;
  /** azure: the driver's workloadIdentityAzureClientId (a user-assigned identity's client ID; --azure-client-id). */
  azureClientId?: string | undefined;
  /** azure: the driver's workloadIdentityAzureEntraIdResource (default Snowflake's application; --azure-resource). */
  azureResource?: string | undefined;
}

export interface DoctorReport {
  ok: boolean;
  /** The provider checked (absent only in a report for a usage error before it was known). */
  provider?: ProviderName;
  /** oidc: what the token said, and exactly what to register. */
  issuer?: string | null;
  subject?: string | null;
  registration?: Registration | null;
  /** What the CLI exits with: 0, or the first failed check's code. */
  exitCode: number;
  checks: Check[];
  /** The AWS account of the credentials. */
  awsAccount: string | null;
  /** The caller as STS reported it. */
  callerArn: string | null;
  snowflakeArn: string | null;
  user: string | null;
  role: string | null;
  warnings: string[];
  /** The WIF method checked (absent only in a report for a usage error). */
  method?: WifMethod;
  /** The driver the region, chaining and method checks speak for (--driver, or the Lambda runtime's); absent when doctor could not start. */
  driver?: DriverName;
  /**
   * How long each phase of the login took, in milliseconds (AWS provider): the credential chain,
   * the caller's token or attestation (STS), the Snowflake login. A phase that did not run is absent.
   */
  timings?: PhaseTimings;
}

const TITLES: Record<CheckId, string> = {
  settings: 'Settings',
  credentials: 'AWS credentials',
  region: 'AWS region',
  chaining: 'Role chaining',
  caller: 'Caller identity',
  principal: 'Usable for WIF',
  'snowflake-arn': 'Snowflake ARN',
  account: 'AWS account',
  login: 'Snowflake login',
  user: 'Mapped user',
  'snowflake-registration': 'Registration',
  'snowflake-gates': 'Gates',
  ...OUTBOUND_CHECK_TITLES,
  ...OIDC_CHECK_TITLES,
  ...AZURE_CHECK_TITLES,
  ...GCP_CHECK_TITLES,
  'other-method': 'Other method',
  'function-timeout': 'Function timeout',
};

/** A check's display title; an id this version does not know (a report from elsewhere) is its own title. */
export function checkTitle(id: string): string {
  return (TITLES as Record<string, string>)[id] ?? id;
}

/** A check's `code` when nothing more specific applies (README "doctor": the codes are stable). */
const DEFAULT_CODES: Record<CheckStatus, string> = { ok: 'OK', skip: 'SKIPPED', warn: 'WARNING', fail: 'FAILED' };

export class Checklist {
  readonly checks: Check[] = [];
  add(id: CheckId, status: CheckStatus, detail: string, extra: { fix?: string | undefined; kind?: ErrorKind; code?: string | undefined } = {}): void {
    const check: Check = { id, title: TITLES[id], status, code: extra.code ?? DEFAULT_CODES[status], detail };
    if (extra.fix) check.fix = extra.fix;
    if (status === 'fail') check.exitCode = EXIT_CODES[extra.kind ?? 'verification'];
    this.checks.push(check);
  }
  fail(id: CheckId, error: WifError): void {
    this.add(id, 'fail', error.message, { fix: error.hint, kind: error.kind, code: error.code });
    const check = this.checks.at(-1);
    if (check && error.snowflake) Object.assign(check, { snowflakeCode: error.snowflake.code, snowflakeMessage: error.snowflake.message });
  }
  skip(ids: CheckId[], why: string): void {
    for (const id of ids) this.add(id, 'skip', why);
  }
}

export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  // The environment as it is now, without another call's temporary AWS_REGION/AWS_PROFILE.
  const env = options.env ?? hostEnv();
  const timeoutMs = libraryTimeoutMs(options.timeoutMs) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const { provider, named } = await providerAndConnection(options, env, timeoutMs);
  if (provider !== 'aws') {
    const { loadProvider } = await import('../providers/registry.js');
    const module = await loadProvider(provider);
    module.refuseOptions('doctor', options);
    return scrubDeep(await module.doctor({ options, env, named, timeoutMs, deadline: Date.now() + timeoutMs }));
  }
  return awsDoctor(options, env, timeoutMs);
}

async function awsDoctor(options: DoctorOptions, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DoctorReport> {
  const list = new Checklist();
  const warnings: string[] = [];
  const facts: { caller: CallerIdentity | null; snowflakeArn: string | null; user: string | null; role: string | null } = {
    caller: null,
    snowflakeArn: null,
    user: null,
    role: null,
  };
  const deadline = Date.now() + timeoutMs;
  // Leave the login at least half of the budget when STS is slow or unreachable.
  const awsTimeoutMs = halfBudgetMs(timeoutMs, DEFAULT_AWS_TIMEOUT_MS);

  // Usage problems (bad port, unknown connection, missing account when one was asked for) are
  // the caller's to fix before any check means anything: they throw, exit 2.
  // The Snowflake CLI's files and order: connections.toml [NAME], config.toml [connections.NAME], then the default connection.
  const named = await findConnection(options.connection, env, { accountGiven: Boolean(options.account?.trim() || env.SNOWFLAKE_ACCOUNT?.trim()), timeoutMs, warnAboutSecrets: false });
  warnings.push(...(named?.warnings ?? []));
  const settings = resolveSnowflakeSettings(options, env, named?.values, { requireAccount: false, sources: settingsSources(named, options.optionLabel) });
  const impersonationPath = parseImpersonationPath(options.impersonationPath);
  const parsedDriver = parseDriverName(options.driver);
  if (!parsedDriver.ok) throw usageError(parsedDriver.error, 'BAD_DRIVER', 'Name the driver your workload runs: --driver node or --driver python.');
  const driver: DriverName = parsedDriver.driver ?? driverOfLambdaRuntime(env) ?? 'node';
  // The switch is set, but the chosen driver does not read it (the table says how that driver is switched).
  if (outboundTokenRequestedByEnv(env) && !outboundTokenByEnvironment(driver, env)) {
    warnings.push(
      `SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN is not read by ${DRIVER_RULES[driver].label}: your application switches it with ${DRIVER_RULES[driver].outboundToken.option}`,
    );
  }
  const expectUser = parseExpectUser(options.expectUser);
  const expectAccount = parseAccountId(options.expectAccount);
  if (!expectAccount.ok) throw usageError(expectAccount.error, 'BAD_ACCOUNT_ID');

  const { method, source } = resolveMethod(options.outboundToken, env);
  const note = methodNote(source);
  if (note) warnings.push(note);
  const timings: PhaseTimings = {};
  let phaseStart = performance.now();
  const aws = await checkAws(list, options, env, awsTimeoutMs, warnings, driver);
  timings.credentialsMs = Math.round(performance.now() - phaseStart);
  // undefined: no AWS context; null: STS could not be reached (Snowflake may still reach it).
  let caller: CallerIdentity | null | undefined;
  if (aws) {
    phaseStart = performance.now();
    caller = await checkCaller(list, aws, expectAccount.account);
    if (caller) facts.snowflakeArn = checkPrincipal(list, caller, impersonationPath);
    facts.caller = caller ?? null;
    if (method === 'outbound-token' && caller !== undefined) {
      // The JWT method's own checks (src/commands/doctor-outbound.ts), loaded (with jose) only now.
      const { outboundChecks } = await import('./doctor-outbound.js');
      const jwt = await outboundChecks({ ...aws, timeoutMs: awsTimeoutMs }, source, caller?.arn ?? null, impersonationPath);
      for (const check of jwt.checks) list.add(check.id, check.status, check.detail, check);
      if (jwt.facts?.subjectSnowflakeArn && impersonationPath.length === 0) facts.snowflakeArn = jwt.facts.subjectSnowflakeArn;
    }
    timings.attestationMs = Math.round(performance.now() - phaseStart);
  }

  if (options.adminConnection) {
    // Always (CONTRACT "audit"), before the login is tried: what is registered for the expected
    // user, which user the caller maps to, and which gate before the mapping would stop it.
    const { registrationCheck } = await import('./audit.js');
    const registration = await registrationCheck({
      connection: options.adminConnection,
      callerArn: verifiedCallerArn(caller ?? null, impersonationPath),
      expectUser,
      env,
      // Before the login: at most half of what is left, so a slow administrator side cannot starve it.
      timeoutMs: Math.max(1_000, Math.floor(remainingMs(deadline) / 2)),
    });
    warnings.push(...registration.warnings);
    addRegistrationChecks(list, registration);
  }

  if (!settings) {
    list.skip(['login', 'user'], 'no Snowflake account given (--account or SNOWFLAKE_ACCOUNT): AWS half only');
  } else if (!aws || caller === undefined || list.checks.some((check) => check.status === 'fail')) {
    list.skip(['login', 'user'], 'skipped: fix the AWS checks above first');
  } else {
    // The region check above already says where an application would differ: no warnings here.
    const { vars: driverEnv } = driverEnvironment(aws, options.profile, env);
    phaseStart = performance.now();
    const outcome = await attemptLogin({ settings, aws, impersonationPath, timeoutMs, deadline, warnings: [], expectUser, driverEnv, method }, caller);
    timings.snowflakeMs = Math.round(performance.now() - phaseStart);
    if (!outcome.ok) {
      list.fail('login', outcome.error);
      list.skip(['user'], 'skipped: no session');
    } else {
      warnings.push(...outcome.warnings);
      facts.user = outcome.session.user;
      facts.role = outcome.session.role;
      list.add('login', 'ok', `logged in to ${settings.account} with WORKLOAD_IDENTITY (AWS${method === 'outbound-token' ? ', JWT method' : ''})`);
      checkUser(list, outcome.session, expectUser, { callerArn: verifiedCallerArn(caller, impersonationPath), expectedArn: facts.snowflakeArn });
      // Say when the other method would work too (only then: a setup need not be ready for both).
      const other: WifMethod = method === 'outbound-token' ? 'caller-identity' : 'outbound-token';
      if ((options.checkOtherMethod ?? method === 'outbound-token') && deadline - Date.now() > 5_000) {
        const second = await attemptLogin({ settings, aws, impersonationPath, timeoutMs, deadline, warnings: [], expectUser, driverEnv, method: other }, caller);
        if (second.ok && second.session.user === outcome.session.user) {
          const how = other === 'outbound-token' ? 'the JWT method (--outbound-token, which Snowflake recommends)' : 'the signed GetCallerIdentity method (without --outbound-token)';
          list.add('other-method', 'ok', `${how} works too, as ${second.session.user}`, { code: 'OTHER_METHOD_WORKS' });
        }
      }
    }
  }

  const firstFailure = list.checks.find((check) => check.status === 'fail');
  // The report leaves the process (the library, Lambda, the Action): no credential it holds is in it.
  return scrubDeep({
    ok: firstFailure === undefined,
    provider: 'aws',
    exitCode: firstFailure?.exitCode ?? EXIT_CODES.ok,
    checks: list.checks,
    awsAccount: facts.caller?.account ?? null,
    callerArn: facts.caller?.arn ?? null,
    snowflakeArn: facts.snowflakeArn,
    user: facts.user,
    role: facts.role,
    warnings,
    method,
    driver,
    timings,
  });
}

async function checkAws(
  list: Checklist,
  options: DoctorOptions,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  warnings: string[],
  driver: DriverName,
): Promise<AwsContext | undefined> {
  // In the env queue: the credential chain reads AWS_PROFILE from process.env itself.
  const credentials = await withProcessEnv({}, () => resolveAwsCredentials(options.profile ?? (env.AWS_PROFILE || undefined), timeoutMs, env)).then(
    (found) => {
      warnings.push(...found.warnings);
      list.add('credentials', 'ok', found.credentialSource);
      return found;
    },
    (error: unknown) => failedCheck(list, 'credentials', error),
  );
  const resolved = await resolveAwsRegion(options, env).then(
    (found) => {
      list.add(...regionCheck(found.region, env, driver));
      const path = parseImpersonationPath(options.impersonationPath);
      if (path.length > 0) {
        const problem = chainingProblem(driver, env, found.profileRegion);
        if (problem) list.add('chaining', 'warn', problem, { code: 'CHAINING_NEEDS_REGION', fix: `Set AWS_DEFAULT_REGION=${found.region.region} where your application runs (or \`region\` in its AWS profile).` });
        else list.add('chaining', 'ok', `${DRIVER_RULES[driver].label} assumes ${path.length} role${path.length > 1 ? 's' : ''} first, in ${found.region.region}`);
      }
      return found;
    },
    (error: unknown) => failedCheck(list, 'region', error),
  );
  if (!credentials || !resolved) {
    list.skip(['caller', 'principal', 'snowflake-arn'], `skipped: needs ${credentials ? 'a region' : 'credentials'}`);
    return undefined;
  }
  return { ...credentials, region: resolved.region, profile: resolved.profile, timeoutMs };
}

function failedCheck(list: Checklist, id: CheckId, error: unknown): undefined {
  if (!(error instanceof WifError)) throw error;
  list.fail(id, error);
  return undefined;
}

function regionCheck(region: ResolvedRegion, env: NodeJS.ProcessEnv, driver: DriverName): Parameters<Checklist['add']> {
  const seen = regionSeenBy(driver, env);
  const variables = DRIVER_RULES[driver].regionVariables.join(' or ');
  if (seen?.region === region.region) {
    const stsHost = stsHostProblem(driver, region.region);
    if (stsHost) return ['region', 'warn', `${region.region} (${region.description}): ${stsHost}`, { code: 'DRIVER_STS_HOST' }];
    return ['region', 'ok', `${region.region} (${region.description}); the Snowflake ${driver === 'node' ? '' : 'Python '}driver sees the same (${seen.variable})`];
  }
  const reads = driver === 'node' ? 'the Snowflake Node driver reads only AWS_REGION, which is' : `the Snowflake Python connector reads ${variables} (then EC2 metadata, never a profile), and sees`;
  return [
    'region',
    'warn',
    `${region.region} (${region.description}), but ${reads} ${seen ? `${seen.region}${driver === 'node' ? '' : ` (${seen.variable})`}` : 'not set (it would ask EC2 metadata)'}`,
    { fix: `Set ${driver === 'node' ? 'AWS_REGION' : 'AWS_REGION (or AWS_DEFAULT_REGION)'}=${region.region} where your application runs (wif-check passes it to the driver for its own login).`, code: 'DRIVER_REGION_DIFFERS' },
  ];
}

/** The caller; null when STS cannot be reached from here (a warning: Snowflake asks STS itself); undefined when STS refused. */
async function checkCaller(list: Checklist, aws: AwsContext, expectAccount: string | undefined): Promise<CallerIdentity | null | undefined> {
  try {
    const caller = await getCallerIdentity(aws);
    list.add('caller', 'ok', `${caller.arn} (account ${caller.account})`);
    if (expectAccount !== undefined) {
      if (expectAccount === caller.account) list.add('account', 'ok', `account ${caller.account} as expected`);
      else
        list.add('account', 'fail', `expected AWS account ${expectAccount}, but the credentials belong to ${caller.account}`, {
          code: 'ACCOUNT_MISMATCH',
          fix: 'Use credentials for the expected account (--profile, AWS_PROFILE), or fix --expect-account.',
        });
    }
    return caller;
  } catch (error) {
    if (!(error instanceof WifError)) throw error;
    if (error.code === 'STS_UNREACHABLE' || error.code === 'STS_TIMEOUT') {
      // A VPC without a route to STS can still use WIF: the driver only signs the request.
      list.add('caller', 'warn', `${error.message}; wif-check cannot name the caller, but Snowflake verifies it with STS itself`, { fix: error.hint, code: error.code });
      if (expectAccount !== undefined) {
        list.add('account', 'fail', `cannot check --expect-account ${expectAccount}: STS is unreachable from here`, { fix: error.hint, kind: 'aws', code: error.code });
      }
      list.skip(['principal', 'snowflake-arn'], 'skipped: caller unknown');
      return null;
    }
    list.fail('caller', error);
    list.skip(['principal', 'snowflake-arn'], 'skipped: caller unknown');
    return undefined;
  }
}

function checkPrincipal(list: Checklist, caller: CallerIdentity, impersonationPath: readonly string[]): string | null {
  const parsed = parsePrincipalArn(impersonationPath.at(-1) ?? caller.arn);
  if (!parsed.ok) {
    list.add('principal', 'fail', `cannot read ${caller.arn}: ${parsed.error}`, { kind: 'aws', code: 'UNEXPECTED_CALLER_ARN' });
    return null;
  }
  const snowflake = toSnowflakeArn(parsed.arn);
  if (!snowflake.ok) {
    list.add('principal', 'fail', snowflake.error, { fix: NOT_USABLE_FIX, code: 'PRINCIPAL_NOT_USABLE' });
    list.skip(['snowflake-arn'], 'skipped: principal not usable');
    return null;
  }
  const via = impersonationPath.length ? ` (after --impersonation-path, Snowflake sees role ${parsed.arn.name})` : '';
  list.add('principal', 'ok', `${describeKind(parsed.arn.kind)} ${parsed.arn.name}${via}`);
  const removed = snowflake.notes.filter((note) => note.startsWith('removed IAM path'));
  list.add('snowflake-arn', 'ok', `${snowflake.arn}${removed.length ? ` (${removed.join('; ')})` : ''}`);
  return snowflake.arn;
}

/** doctor --admin-connection's checks: the registration, and the gates that would stop the caller. */
export function addRegistrationChecks(list: Checklist, registration: import('./audit.js').RegistrationCheck): void {
  list.add('snowflake-registration', registration.status, registration.detail, { fix: registration.fix, code: registration.code });
  if (registration.gates) list.add('snowflake-gates', registration.gates.status, registration.gates.detail, { fix: registration.gates.fix, code: registration.gates.code });
}

function checkUser(list: Checklist, session: { user: string; role: string | null }, expectUser: string | undefined, context: { callerArn: string | null; expectedArn: string | null }): void {
  const detail = `${session.user} (role ${session.role ?? 'none'})`;
  if (expectUser === undefined || userMatches(expectUser, session.user)) {
    list.add('user', 'ok', expectUser === undefined ? detail : `${detail}, as expected`);
    return;
  }
  const diagnosis = diagnoseUnexpectedUser(session, expectUser, context);
  list.add('user', 'fail', diagnosis.message, { fix: diagnosis.hint, kind: diagnosis.kind, code: diagnosis.code });
}

const MARKS: Record<CheckStatus, string> = { ok: '✔', fail: '✖', warn: '!', skip: '-' };

export function renderDoctor(report: DoctorReport, color: { green(t: string): string; red(t: string): string; yellow(t: string): string; dim(t: string): string; bold(t: string): string }): string {
  const paint: Record<CheckStatus, (text: string) => string> = { ok: color.green, fail: color.red, warn: color.yellow, skip: color.dim };
  const lines = report.checks.map((check) => {
    const mark = paint[check.status](MARKS[check.status]);
    const detail = check.status === 'skip' ? color.dim(check.detail) : check.detail;
    return `${mark} ${check.title.padEnd(16)} ${detail}`;
  });
  const failed = report.checks.filter((check) => check.status === 'fail');
  const warned = report.checks.filter((check) => check.status === 'warn');
  lines.push('');
  if (failed.length === 0) {
    const scope = report.checks.some((check) => check.id === 'login' && check.status === 'ok') ? 'WIF login works' : 'AWS side ready for WIF';
    lines.push(color.green(`✔ ${scope}`) + (warned.length ? color.yellow(` (${warned.length} warning${warned.length > 1 ? 's' : ''})`) : ''));
  } else {
    lines.push(color.red(`✖ ${failed.length} check${failed.length > 1 ? 's' : ''} failed`));
  }
  // In checklist order, each under its check's mark and title (the fix text says "Fix:" itself where it has one).
  for (const check of report.checks) {
    if (!check.fix || (check.status !== 'fail' && check.status !== 'warn')) continue;
    lines.push('', `${paint[check.status](MARKS[check.status])} ${color.bold(`${check.title}:`)}`, ...check.fix.split('\n').map((line) => `  ${line}`));
  }
  return lines.join('\n');
}

/**
 * A doctor that could not start (bad settings, a bug): the report shape every caller of doctor
 * gets (the CLI's --json, the Lambda handler, the Action), with one failed `settings` check.
 */
export function failedReport(error: unknown): PublicDoctorReport {
  const wif = error instanceof WifError ? error : undefined;
  return {
    ok: false,
    exitCode: wif ? wif.exitCode : EXIT_CODES.internal,
    checks: [
      {
        id: 'settings',
        status: 'fail',
        code: wif ? wif.code : 'INTERNAL',
        detail: wif ? wif.message : `internal error: ${serverText(error instanceof Error ? error.message : String(error))}`,
        ...(wif?.hint ? { fix: wif.hint } : {}),
      },
    ],
    awsAccount: null,
    callerArn: null,
    snowflakeArn: null,
    user: null,
    role: null,
    warnings: [],
  };
}

/** The report as callers see it: each check without its display title and internal exit code. */
export type PublicDoctorReport = Omit<DoctorReport, 'checks'> & { checks: Array<Omit<Check, 'exitCode' | 'title'>> };

export function publicReport(report: DoctorReport): PublicDoctorReport {
  return { ...report, checks: report.checks.map(({ exitCode: _exitCode, title: _title, ...check }) => check) };
}

/** --json: the public report; warnings went to stderr. */
export function doctorDocument(report: DoctorReport): Omit<PublicDoctorReport, 'warnings'> {
  const { warnings: _warnings, ...document } = publicReport(report);
  return document;
}
