/**
 * The Snowflake edge: log in with the real snowflake-sdk (authenticator WORKLOAD_IDENTITY,
 * provider AWS, or OIDC with the token given), ask who we are, close the session. snowflake-sdk is imported lazily, here only,
 * so commands that do not talk to Snowflake never load it.
 */
import type { Connection, ConnectionOptions } from 'snowflake-sdk';
import type { DriverErrorFields } from '../core/diagnose.js';
import { serverText } from '../core/redact.js';
import { withDeadline } from '../deadline.js';
import { setProcessEnv } from '../process-env.js';
import { guardOrigin, installGuard, type GuardEvents } from './http-guard.js';
import { timerDelayMs } from '../core/timeout.js';
import type { SnowflakeProviderType } from '../providers/types.js';

export interface LoginSettings {
  account: string;
  host?: string | undefined;
  port?: number | undefined;
  protocol?: 'http' | 'https' | undefined;
  role?: string | undefined;
  warehouse?: string | undefined;
  impersonationPath?: readonly string[] | undefined;
  /** Bound for the whole login + query + logout. */
  timeoutMs: number;
  /** Secrets wif-check knows (the AWS secret key, session token): never shown if a server echoes them. */
  secrets?: readonly string[] | undefined;
  /** AWS's JWT method: the driver's workloadIdentityAwsUseOutboundToken (STS GetWebIdentityToken). */
  outboundToken?: boolean | undefined;
  /** Called with the JWT the driver sent as TOKEN (the JWT method), for its claims; never keep or print it. */
  onLoginToken?: ((token: string) => void) | undefined;
  /** The driver's workloadIdentityProvider (default AWS). */
  provider?: SnowflakeProviderType | undefined;
  /** OIDC: the token the driver sends as TOKEN (the driver's `token` option). */
  token?: string | undefined;
  /** AZURE: the driver's workloadIdentityAzureClientId (a user-assigned identity's client ID). */
  azureClientId?: string | undefined;
  /** AZURE: the driver's workloadIdentityAzureEntraIdResource (default Snowflake's application). */
  azureResource?: string | undefined;
}

export interface SessionIdentity {
  user: string;
  role: string | null;
  account: string;
}

/** A failed login, with the driver error's fields already extracted for diagnosis. */
export class DriverFailure extends Error {
  constructor(readonly fields: DriverErrorFields) {
    super(fields.message);
    this.name = 'DriverFailure';
  }
}

type Driver = typeof import('snowflake-sdk');
let driver: Promise<Driver> | undefined;

export function loadDriver(): Promise<Driver> {
  driver ??= importQuietly();
  return driver;
}

async function importQuietly(): Promise<Driver> {
  // With DEBUG=* the driver's HTTP stack prints request headers, including
  // `Authorization: Snowflake Token="…"`; `debug` reads DEBUG once, when it is loaded.
  // Platform detection is client telemetry: it probes EC2/Azure/GCP metadata and calls STS at
  // load time, which costs up to seconds off-cloud and adds nothing to a WIF check.
  // Both are read once, while the driver loads: put the caller's environment back afterwards.
  const restore = setProcessEnv({ DEBUG: undefined, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ?? 'true' });
  try {
    const module = (await import('snowflake-sdk')) as Driver & { default?: Driver };
    const snowflake = module.default ?? module;
    // Never log to stdout or ./snowflake.log (Lambda's working directory is read-only).
    snowflake.configure({ logLevel: 'OFF', customLogger: SILENT_LOGGER });
    return snowflake;
  } finally {
    restore();
  }
}

const SILENT_LOGGER = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

const IDENTITY_QUERY = 'SELECT CURRENT_USER() AS USER_NAME, CURRENT_ROLE() AS ROLE_NAME, CURRENT_ACCOUNT_NAME() AS ACCOUNT_NAME';

export async function loginAndIdentify(settings: LoginSettings): Promise<SessionIdentity> {
  const snowflake = await loadDriver();
  // Fail closed: without the guard, a redirect would carry the attestation to another host.
  await installGuard();
  const started = Date.now();
  const remaining = () => Math.max(1, settings.timeoutMs - (Date.now() - started));
  const host = settings.host ?? `${settings.account}.snowflakecomputing.com`;
  const guard = guardOrigin(`${settings.protocol ?? 'https'}://${host}${settings.port ? `:${settings.port}` : ''}`);
  let connection: Connection | undefined;
  const work = async (): Promise<SessionIdentity> => {
    connection = snowflake.createConnection(connectionOptions({ ...settings, host }));
    await connectOrThrow(connection);
    const row = await queryOneRow(connection, IDENTITY_QUERY);
    if (row === undefined || typeof row.USER_NAME !== 'string' || row.USER_NAME === '') {
      throw new DriverFailure({ name: 'IdentityUnknown', code: 'IDENTITY_UNKNOWN', message: 'the login worked, but SELECT CURRENT_USER() returned no user' });
    }
    return {
      user: row.USER_NAME,
      role: row.ROLE_NAME == null ? null : String(row.ROLE_NAME),
      account: row.ACCOUNT_NAME == null ? settings.account : String(row.ACCOUNT_NAME),
    };
  };
  try {
    const ms = remaining();
    return await withDeadline(work(), ms, () => new DriverFailure({ name: 'TimeoutError', code: 'TIMEOUT', message: `timed out after ${ms} ms` }));
  } catch (error) {
    const fields = error instanceof DriverFailure ? error.fields : driverErrorFields(error);
    throw new DriverFailure(guardedFields(fields, guard.events, settings.secrets ?? []));
  } finally {
    if (connection) await destroyQuietly(connection, Math.min(2_000, remaining()));
    const jwt = [...guard.events.secrets].find((secret) => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(secret));
    if (jwt) settings.onLoginToken?.(jwt);
    guard.release();
  }
}

/** What the guard saw wins over the driver's own reading of it; every server text is redacted and capped. */
function guardedFields(fields: DriverErrorFields, events: GuardEvents, secrets: readonly string[]): DriverErrorFields {
  const all = [...events.secrets, ...secrets];
  const clean = (text: string | undefined) => (text === undefined ? undefined : serverText(text, all));
  const base: DriverErrorFields = { ...fields, message: clean(fields.message) ?? '', causeMessage: clean(fields.causeMessage), reachedSnowflake: events.requests > 0 };
  if (events.redirect) {
    return {
      ...base,
      name: 'UnexpectedRedirect',
      code: 'UNEXPECTED_REDIRECT',
      httpStatus: events.redirect.status,
      redirectTarget: clean(events.redirect.targetHost),
    };
  }
  if (events.tooLarge) return { ...base, name: 'ResponseTooLarge', code: 'RESPONSE_TOO_LARGE' };
  if (events.notJson) {
    return { ...base, name: 'UnexpectedAnswer', code: 'UNEXPECTED_ANSWER', httpStatus: events.notJson.status, contentType: clean(events.notJson.contentType) };
  }
  return base;
}

function connectionOptions(settings: LoginSettings): ConnectionOptions {
  const options: ConnectionOptions & Record<string, unknown> = {
    account: settings.account,
    authenticator: 'WORKLOAD_IDENTITY',
    workloadIdentityProvider: settings.provider ?? 'AWS',
    application: 'wif-check',
    // By default a login to a closed port is retried for minutes.
    sfRetryMaxLoginRetries: 1,
    timeout: settings.timeoutMs,
  };
  if (settings.host) options.host = settings.host;
  if (settings.port) options.port = settings.port;
  if (settings.protocol) options.protocol = settings.protocol;
  if (settings.role) options.role = settings.role;
  if (settings.warehouse) options.warehouse = settings.warehouse;
  if (settings.impersonationPath?.length) options.workloadIdentityImpersonationPath = [...settings.impersonationPath];
  if (settings.outboundToken) options.workloadIdentityAwsUseOutboundToken = true;
  if (settings.token !== undefined) options.token = settings.token;
  if (settings.azureClientId !== undefined) options.workloadIdentityAzureClientId = settings.azureClientId;
  if (settings.azureResource !== undefined) options.workloadIdentityAzureEntraIdResource = settings.azureResource;
  return options;
}

/**
 * connect(callback), not connectAsync(): in 3.3.0 connectAsync() hands login failures (e.g. the
 * unmapped-user OperationFailedError) to its callback and resolves, so awaiting it alone loses them.
 */
function connectOrThrow(connection: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.connect((error) => (error ? reject(error) : resolve()));
  });
}

function queryOneRow(connection: Connection, sqlText: string): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    connection.execute({
      sqlText,
      complete: (error, _statement, rows) => {
        if (error) reject(error);
        else resolve(rows?.[0] as Record<string, unknown> | undefined);
      },
    });
  });
}

function destroyQuietly(connection: Connection, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timerDelayMs(timeoutMs));
    timer.unref();
    try {
      if (!connection.isUp()) {
        clearTimeout(timer);
        resolve();
        return;
      }
      connection.destroy(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** The fields diagnosis needs, and nothing else: a driver error can carry the request (and tokens). */
export function driverErrorFields(error: unknown): DriverErrorFields {
  if (!error || typeof error !== 'object') return { message: String(error) };
  const e = error as { name?: unknown; code?: unknown; message?: unknown; response?: { statusCode?: unknown; status?: unknown }; cause?: unknown };
  const cause = (e.cause && typeof e.cause === 'object' ? e.cause : undefined) as { code?: unknown; message?: unknown } | undefined;
  const status = e.response?.statusCode ?? e.response?.status;
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
    message: typeof e.message === 'string' && e.message ? e.message : String(e.name ?? 'unknown error'),
    httpStatus: typeof status === 'number' ? status : undefined,
    causeCode: typeof cause?.code === 'string' ? cause.code : undefined,
    causeMessage: typeof cause?.message === 'string' ? cause.message : undefined,
  };
}
