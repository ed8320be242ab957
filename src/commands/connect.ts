/**
 * `wif-check connect`: log in to Snowflake with WORKLOAD_IDENTITY (AWS) exactly as an application
 * would, and prove the login maps to the expected user. Every failure is diagnosed.
 */
import { parsePrincipalArn, toSnowflakeArn } from '../core/arn.js';
import { diagnoseLoginError, diagnoseUnexpectedUser, parseExpectUser, userMatches } from '../core/diagnose.js';
import { isGateRefusal } from '../core/gates.js';
import { WifError } from '../core/errors.js';
import { identifierForTypedName } from '../core/sql.js';
import { driverRegion } from '../core/region.js';
import { parseImpersonationPath, resolveSnowflakeSettings, type SettingsSources, type SnowflakeFlags, type SnowflakeSettings } from '../core/snowflake-settings.js';
import { DEFAULT_AWS_TIMEOUT_MS, getCallerIdentity, resolveAwsContext, stsEndpoint, type AwsContext, type AwsOptions, type CallerIdentity } from '../aws/identity.js';
import { findConnection, type FoundConnection } from '../snowflake/config-files.js';
import { resolveProvider, type ProviderName } from '../providers/index.js';
import type { OidcConnectResult } from '../providers/oidc/connect.js';
import { loadProvider, loadedProvider, type ProviderConnectResult } from '../providers/registry.js';
import { withDeadline } from '../deadline.js';
import { hostEnv, httpsProxy, withProcessEnv } from '../process-env.js';
import { diagnoseOutboundLogin, methodNote, resolveMethod, subjectToSnowflakeArn, type TokenSummary, type WifMethod } from '../core/jwt-claims.js';
import { libraryTimeoutMs } from '../core/timeout.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export interface ConnectOptions extends AwsOptions, SnowflakeFlags {
  /** A connection in connections.toml ($SNOWFLAKE_HOME or ~/.snowflake). */
  connection?: string | undefined;
  /** Fail (exit 1) unless Snowflake maps the login to this user. */
  expectUser?: string | undefined;
  /** Role ARNs to assume, in order, before the attestation (comma list or array). */
  impersonationPath?: string | readonly string[] | undefined;
  /** Called when the slow part starts, e.g. to show a spinner. */
  onLoginStart?: (() => void) | undefined;
  /** AWS's JWT method (STS GetWebIdentityToken); default: SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN. */
  outboundToken?: boolean | undefined;
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

export type { OidcConnectResult } from '../providers/oidc/connect.js';

export interface ConnectResult {
  ok: true;
  provider: 'aws';
  user: string;
  role: string | null;
  /** CURRENT_ACCOUNT_NAME() as Snowflake reports it. */
  account: string;
  /** The account identifier wif-check logged in with (--account, SNOWFLAKE_ACCOUNT, connection). */
  accountIdentifier: string;
  elapsedMs: number;
  /** The identity Snowflake verified: the caller as STS reported it, or with --impersonation-path the last role's session (null if unknown). */
  callerArn: string | null;
  /** The path-free ARN the user is registered with. */
  snowflakeArn: string | null;
  warnings: string[];
  method: WifMethod;
  /** The JWT method: the token's issuer and subject as the driver sent them (null otherwise). */
  issuer: string | null;
  subject: string | null;
}

export interface PreparedConnect {
  settings: SnowflakeSettings;
  aws: AwsContext;
  impersonationPath: string[];
  /** --timeout, for messages. */
  timeoutMs: number;
  /** Date.now() by which the whole check must be done: --timeout bounds the command, not each step. */
  deadline: number;
  warnings: string[];
  /** --expect-user, to name the user in a mapping fix. */
  expectUser?: string | undefined;
  /** What the driver must see in process.env during the login (AWS_REGION, AWS_PROFILE). */
  driverEnv: Record<string, string>;
  /** Default 'caller-identity'. */
  method?: WifMethod | undefined;
}

/** Resolve everything a login needs; throws usage (2) or AWS (3) errors before touching Snowflake. */
export async function prepareConnect(options: ConnectOptions, env: NodeJS.ProcessEnv = hostEnv()): Promise<PreparedConnect> {
  const timeoutMs = libraryTimeoutMs(options.timeoutMs) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  // The Snowflake CLI's files and order: connections.toml [NAME], config.toml [connections.NAME], then the default connection.
  const named = await findConnection(options.connection, env, { accountGiven: Boolean(options.account?.trim() || env.SNOWFLAKE_ACCOUNT?.trim()), timeoutMs, warnAboutSecrets: false });
  const settings = resolveSnowflakeSettings(options, env, named?.values, { sources: settingsSources(named) });
  const expectUser = parseExpectUser(options.expectUser);
  const impersonationPath = parseImpersonationPath(options.impersonationPath);
  // In the env queue: the credential chain reads AWS_PROFILE from process.env itself.
  const aws = await withProcessEnv({}, () => resolveAwsContext({ ...options, timeoutMs: Math.min(remainingMs(deadline), DEFAULT_AWS_TIMEOUT_MS) }, env));
  const driver = driverEnvironment(aws, options.profile, env);
  const { method, source } = resolveMethod(options.outboundToken, env);
  const note = methodNote(source);
  const warnings = [...(note ? [note] : []), ...(named?.warnings ?? []), ...aws.warnings, ...driver.warnings];
  return { settings, aws, impersonationPath, timeoutMs, deadline, warnings, expectUser, driverEnv: driver.vars, method };
}

/** How the sources of a setting are named in messages (a named connection by name and file). */
export function settingsSources(named: { name: string; path: string } | undefined, flagLabel?: (key: string) => string): SettingsSources {
  return { ...(flagLabel ? { flag: flagLabel } : {}), ...(named ? { file: `connection '${named.name}' in ${named.path}` } : {}) };
}

/** What is left of the time budget (at least a second, so a step can still fail cleanly). */
export function remainingMs(deadline: number): number {
  return Math.max(1_000, deadline - Date.now());
}

/**
 * The Node driver reads the region only from AWS_REGION (else EC2 metadata, which fails or hangs
 * off EC2) and credentials from the default chain (AWS_PROFILE): what to hand it so that it sees
 * what wif-check resolved, and warnings where an application with this environment would not.
 */
export function driverEnvironment(aws: AwsContext, profileFlag: string | undefined, env: Readonly<Record<string, string | undefined>>): { vars: Record<string, string>; warnings: string[] } {
  const warnings: string[] = [];
  const seenByDriver = driverRegion(env);
  if (seenByDriver && seenByDriver !== aws.region.region) {
    warnings.push(`AWS_REGION is ${seenByDriver} but wif-check uses ${aws.region.region} (${aws.region.description}); the Snowflake driver is given ${aws.region.region}, set AWS_REGION to match in your application`);
  } else if (!seenByDriver && aws.region.source !== '--region') {
    warnings.push(`the Snowflake Node driver reads only AWS_REGION, which is not set (wif-check found ${aws.region.region} ${aws.region.description}); set AWS_REGION in your application`);
  }
  const vars: Record<string, string> = { AWS_REGION: aws.region.region };
  if (profileFlag && env.AWS_PROFILE !== profileFlag) {
    if (env.AWS_PROFILE) warnings.push(`AWS_PROFILE is ${env.AWS_PROFILE} but --profile is ${profileFlag}; the Snowflake driver is given ${profileFlag}`);
    vars.AWS_PROFILE = profileFlag;
  }
  return { vars, warnings };
}

/**
 * The provider a connect or doctor speaks for: --provider, SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER,
 * then the named (or default) connection's workload_identity_provider; with the connection read.
 */
export async function providerAndConnection(
  options: { provider?: string | undefined; connection?: string | undefined; account?: string | undefined; optionLabel?: ((key: string) => string) | undefined },
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ provider: ProviderName; named: FoundConnection | undefined }> {
  const named = await findConnection(options.connection, env, { accountGiven: Boolean(options.account?.trim() || env.SNOWFLAKE_ACCOUNT?.trim()), timeoutMs, warnAboutSecrets: false });
  return { provider: resolveProvider(options.provider, env, named, options.optionLabel?.('provider')).provider, named };
}

/** Log in as the workload would, and say which user it maps to (the provider the options or the environment name). */
export async function connect(options?: ConnectOptions & { provider?: 'aws' | 'AWS' | undefined }): Promise<ConnectResult>;
export async function connect(options: ConnectOptions & { provider: 'oidc' | 'OIDC' }): Promise<OidcConnectResult>;
export async function connect(options: ConnectOptions): Promise<ConnectResult | ProviderConnectResult>;
export async function connect(options: ConnectOptions = {}): Promise<ConnectResult | ProviderConnectResult> {
  const started = performance.now();
  const env = hostEnv();
  const timeoutMs = libraryTimeoutMs(options.timeoutMs) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const { provider, named } = await providerAndConnection(options, env, timeoutMs);
  if (provider !== 'aws') {
    const module = await loadProvider(provider);
    module.refuseOptions('connect', options);
    return module.connect({ options, named, settingsSources: settingsSources(named), env, timeoutMs, deadline: Date.now() + timeoutMs, started });
  }
  return awsConnect(options, started);
}

async function awsConnect(options: ConnectOptions, started: number): Promise<ConnectResult> {
  // The environment as it is now, without another call's temporary AWS_REGION/AWS_PROFILE.
  const prepared = await prepareConnect(options, hostEnv());
  options.onLoginStart?.();
  const outcome = await attemptLogin(prepared);
  if (!outcome.ok) throw outcome.error;
  const { session, caller, expectedArn } = outcome;
  const warnings = [...prepared.warnings, ...outcome.warnings];
  if (prepared.expectUser !== undefined && !userMatches(prepared.expectUser, session.user)) {
    const diagnosis = diagnoseUnexpectedUser(session, prepared.expectUser, { callerArn: verifiedCallerArn(caller, prepared.impersonationPath), expectedArn });
    throw new WifError(diagnosis.kind, diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint, expectedArn: diagnosis.expectedArn });
  }
  return {
    ok: true,
    provider: 'aws',
    user: session.user,
    role: session.role,
    account: session.account,
    accountIdentifier: prepared.settings.account,
    elapsedMs: Math.round(outcome.loggedInAt - started),
    callerArn: verifiedCallerArn(caller, prepared.impersonationPath),
    snowflakeArn: expectedArn,
    warnings,
    method: prepared.method ?? 'caller-identity',
    issuer: outcome.token?.issuer ?? null,
    subject: outcome.token?.subject ?? null,
  };
}

export type LoginOutcome =
  | {
      ok: true;
      session: { user: string; role: string | null; account: string };
      /** performance.now() when the session was up and identified. */
      loggedInAt: number;
      caller: CallerIdentity | null;
      expectedArn: string | null;
      warnings: string[];
      /** The JWT method: the claims of the token the driver sent (never the token). */
      token?: TokenSummary | undefined;
    }
  | { ok: false; error: WifError; caller: CallerIdentity | null; expectedArn: string | null; token?: TokenSummary | undefined };

/**
 * Log in, and in parallel ask STS who we are: the diagnosis names the identity Snowflake verified
 * without adding a round trip to the happy path. `knownCaller`: already asked (null: STS is
 * unreachable from here, which need not stop the login: Snowflake asks STS itself).
 */
export async function attemptLogin(prepared: PreparedConnect, knownCaller?: CallerIdentity | null): Promise<LoginOutcome> {
  // Stopped once nobody needs the answer, so a hanging STS keeps no socket (or host process) alive.
  const stsRequest = new AbortController();
  const stsContext = { ...prepared.aws, timeoutMs: Math.min(prepared.aws.timeoutMs, remainingMs(prepared.deadline)) };
  const callerPromise = (knownCaller !== undefined ? Promise.resolve(knownCaller) : getCallerIdentity(stsContext, { signal: stsRequest.signal })).then(
    (caller) => ({ caller, error: undefined as unknown }),
    (error: unknown) => ({ caller: null, error }),
  );
  /** The caller, if STS answers within `ms`; else unknown, with the reason. */
  const callerWithin = (ms: number) =>
    withDeadline(callerPromise, ms, () => new Error('STS did not answer in time')).catch((timeout: Error) => ({
      caller: null,
      error: new WifError('aws', timeout.message, { code: 'STS_TIMEOUT' }) as unknown,
    }));
  const { loginAndIdentify, DriverFailure } = await import('../snowflake/driver.js');
  const outbound = prepared.method === 'outbound-token';
  // The JWT method: the claims of the token the driver sent, decoded (with jose) only then.
  const decodeToken = outbound ? (await import('../aws/web-identity.js')).decodeToken : undefined;
  let token: TokenSummary | undefined;
  const onLoginToken = (jwt: string) => (token = decodeToken?.(jwt));
  /** With the JWT method Snowflake matches the token's subject (path removed): the ARN to register. */
  const arnToRegister = (caller: CallerIdentity | null) => {
    const fromSubject = outbound && token ? subjectToSnowflakeArn(token.subject) : undefined;
    return fromSubject?.ok ? fromSubject.arn : expectedArnFor(caller, prepared.impersonationPath);
  };
  let loginBudgetMs = remainingMs(prepared.deadline);
  try {
    const session = await withProcessEnv(prepared.driverEnv, () => {
      loginBudgetMs = remainingMs(prepared.deadline);
      return loginAndIdentify({ ...prepared.settings, impersonationPath: prepared.impersonationPath, timeoutMs: loginBudgetMs, secrets: knownSecrets(prepared.aws), outboundToken: outbound, onLoginToken });
    });
    const loggedInAt = performance.now();
    // The login worked: the caller ARN is only a detail now, worth a second at most.
    const { caller, error } = await callerWithin(Math.min(1_000, remainingMs(prepared.deadline)));
    const warnings = error instanceof WifError ? [`STS GetCallerIdentity failed, so the caller ARN is unknown: ${error.message}`] : [];
    const unreadable = unreadableCaller(caller, prepared.impersonationPath);
    if (unreadable) warnings.push(unreadable);
    return { ok: true, session, loggedInAt, caller, expectedArn: arnToRegister(caller), warnings, token };
  } catch (failure) {
    if (!(failure instanceof DriverFailure)) throw failure;
    const { caller, error: stsError } = await callerWithin(remainingMs(prepared.deadline));
    const expectedArn = arnToRegister(caller);
    const jwtDiagnosis = outbound && !isGateRefusal(failure.fields)
      ? diagnoseOutboundLogin(failure.fields.name, failure.fields.message, {
          token: token ?? null,
          expectedArn,
          expectUser: prepared.expectUser === undefined ? undefined : identifierForTypedName(prepared.expectUser),
          endpoint: stsEndpoint(prepared.aws.region.region),
          callerArn: verifiedCallerArn(caller, prepared.impersonationPath),
        })
      : undefined;
    if (jwtDiagnosis && !(jwtDiagnosis.code === 'USER_NOT_MAPPED' && unusablePrincipal(caller, prepared.impersonationPath))) {
      const snowflake = failure.fields.name === 'OperationFailedError' && failure.fields.code !== undefined ? { code: String(failure.fields.code), message: failure.fields.message } : undefined;
      const error = new WifError(jwtDiagnosis.kind, jwtDiagnosis.message, { code: jwtDiagnosis.code, hint: jwtDiagnosis.hint, expectedArn: jwtDiagnosis.expectedArn, snowflake });
      return { ok: false, error, caller, expectedArn, token };
    }
    const awsFailure = stsError instanceof WifError && stsError.kind === 'aws' ? { code: stsError.code, message: stsError.message, hint: stsError.hint } : null;
    const diagnosis = diagnoseLoginError(failure.fields, {
      account: prepared.settings.account,
      url: prepared.settings.url,
      timeoutMs: loginBudgetMs,
      callerArn: verifiedCallerArn(caller, prepared.impersonationPath),
      expectedArn,
      unusablePrincipal: unusablePrincipal(caller, prepared.impersonationPath),
      impersonationPath: prepared.impersonationPath,
      expectUser: prepared.expectUser === undefined ? undefined : identifierForTypedName(prepared.expectUser),
      awsFailure,
      proxy: httpsProxy(),
    });
    const error = new WifError(diagnosis.kind, diagnosis.message, {
      code: diagnosis.code,
      hint: diagnosis.hint,
      expectedArn: diagnosis.expectedArn,
      snowflake: diagnosis.snowflake,
    });
    return { ok: false, error, caller, expectedArn, token };
  } finally {
    stsRequest.abort();
  }
}

/** The AWS secrets wif-check holds: never shown, even if a server echoes them. */
function knownSecrets(aws: AwsContext): string[] {
  return [aws.credentials.secretAccessKey, aws.credentials.sessionToken].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

/** Why the verified principal can never be mapped (root, federated user), if it cannot. */
function unusablePrincipal(caller: CallerIdentity | null, impersonationPath: readonly string[]): string | undefined {
  if (!caller || impersonationPath.length > 0) return undefined;
  const parsed = parsePrincipalArn(caller.arn);
  if (!parsed.ok) return undefined;
  const snowflake = toSnowflakeArn(parsed.arn);
  return snowflake.ok ? undefined : snowflake.error;
}

/** A warning when STS named a caller wif-check cannot read (it is then only shown, never mapped). */
function unreadableCaller(caller: CallerIdentity | null, impersonationPath: readonly string[]): string | undefined {
  if (!caller || impersonationPath.length > 0) return undefined;
  const parsed = parsePrincipalArn(caller.arn);
  return parsed.ok ? undefined : `STS named the caller ${caller.arn.slice(0, 300)}, which wif-check cannot read (${parsed.error}): the Snowflake ARN is unknown`;
}

/** The path-free ARN Snowflake matches: the last impersonated role, else the caller's role/user (null when unreadable). */
function expectedArnFor(caller: CallerIdentity | null, impersonationPath: readonly string[]): string | null {
  const source = impersonationPath.at(-1) ?? caller?.arn;
  if (!source) return null;
  const parsed = parsePrincipalArn(source);
  if (!parsed.ok) return null;
  const normalized = toSnowflakeArn(parsed.arn);
  return normalized.ok ? normalized.arn : null;
}

/** With impersonation, Snowflake verifies the last role's session, not the original caller. */
export function verifiedCallerArn(caller: CallerIdentity | null, impersonationPath: readonly string[]): string | null {
  const last = impersonationPath.at(-1);
  if (!last) return caller?.arn ?? null;
  // parseImpersonationPath accepted only IAM role ARNs.
  const role = parsePrincipalArn(last);
  if (!role.ok) return null;
  return `arn:${role.arn.partition}:sts::${role.arn.account}:assumed-role/${role.arn.name}/identity-federation-session`;
}

export function connectDocument(result: ConnectResult | ProviderConnectResult): Record<string, unknown> {
  if (result.provider !== 'aws') return loadedProvider(result.provider).connectDocument(result);
  const { warnings: _warnings, ...document } = result;
  return document;
}

export function renderConnect(result: ConnectResult | ProviderConnectResult, color: { green(text: string): string; bold(text: string): string; dim(text: string): string }): string {
  if (result.provider !== 'aws') return loadedProvider(result.provider).renderConnect(result, color);
  const method = result.method === 'outbound-token' ? ', JWT method (GetWebIdentityToken)' : '';
  const lines = [
    `${color.green('✔')} Logged in to ${result.accountIdentifier} with WORKLOAD_IDENTITY (AWS${method}) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `  user ${color.bold(result.user)}   role ${color.bold(result.role ?? '(none)')}`,
  ];
  if (result.callerArn) lines.push(`  ${color.dim(`as ${result.callerArn}`)}`);
  if (result.issuer) lines.push(`  ${color.dim(`token subject ${result.subject ?? 'none'}, issuer ${result.issuer}`)}`);
  return lines.join('\n');
}
