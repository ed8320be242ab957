/**
 * The administrator's side of Snowflake, for `wif-check audit` (issue 11): a non-interactive admin
 * login with the real snowflake-sdk (key pair `SNOWFLAKE_JWT`, programmatic access token, or a
 * password from SNOWFLAKE_PASSWORD only), the read-only statements audit runs, and the parsing of
 * what SHOW USERS and SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS answer.
 *
 * The same rules as the WIF login (issue 9): the host was validated before this runs
 * (resolveSnowflakeSettings), the driver's HTTP client is guarded for the whole session (no
 * redirect followed: a password or PAT is a credential too; answers bounded), and every server
 * text is redacted of the credentials in use before it is shown.
 *
 * Statements: only SELECT (the session identity), SHOW USERS and SHOW USER WORKLOAD IDENTITY
 * AUTHENTICATION METHODS FOR USER … — audit changes nothing (the simulator's statement log proves it).
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type { Connection, ConnectionOptions } from 'snowflake-sdk';
import type { AuditIdentity, AuditUser } from '../core/audit-findings.js';
import { diagnoseLoginError } from '../core/diagnose.js';
import { diagnoseGate, type GateCode } from '../core/gates.js';
import { WifError, usageError } from '../core/errors.js';
import { privateKeyCost } from '../core/key-cost.js';
import { serverText } from '../core/redact.js';
import { identifierForStoredName, quoteStringLiteral } from '../core/sql.js';
import type { SnowflakeSettings } from '../core/snowflake-settings.js';
import { withDeadline } from '../deadline.js';
import { BoundedReadError, formatBytes, readBoundedFile } from '../fs/read-bounded.js';
import { UNTRUSTED_FILE_HINT, connectionString } from './config-files.js';
import { octal, readableByOthers } from '../core/file-trust.js';
import { rememberSecrets } from '../known-secrets.js';
import { driverErrorFields, loadDriver } from './driver.js';
import { guardOrigin, installGuard, type GuardEvents } from './http-guard.js';
import { timerDelayMs } from '../core/timeout.js';

export type AdminAuthenticator = 'SNOWFLAKE_JWT' | 'PROGRAMMATIC_ACCESS_TOKEN' | 'SNOWFLAKE';
const AUTHENTICATORS: readonly AdminAuthenticator[] = ['SNOWFLAKE_JWT', 'PROGRAMMATIC_ACCESS_TOKEN', 'SNOWFLAKE'];

/** A key or token file is a few KiB. */
export const MAX_CREDENTIAL_FILE_BYTES = 64 * 1024;

/**
 * Per-user SHOW statements in flight at once. 8 keeps a 2-core client busy while the server
 * answers (docs/performance.md: 10,000 users, 5,000 identities) and stays far below Snowflake's
 * per-warehouse-free SHOW throughput; SHOW needs no warehouse.
 */
export const AUDIT_CONCURRENCY = 8;
/** SHOW USERS page size (LIMIT … FROM): keeps every answer far below the guard's 8 MiB. */
export const SHOW_USERS_PAGE = 2_000;

/*
 * What audit keeps of an account is bounded, whatever the server sends (issue 17, item 10: a server
 * that answered every SHOW USERS page with 2,000 new users drove audit to 3.1 GB). Past a cap the
 * audit stops with exit 4 (docs/security.md has the measurements behind these numbers).
 */
/** Users SHOW USERS may list: a large enterprise account (SCIM) has tens of thousands. */
export const MAX_LISTED_USERS = 100_000;
/** Users with a workload identity audit reports (a workload identity belongs to a SERVICE user). */
export const MAX_AUDITED_USERS = 10_000;
/** Workload identities of one user: Snowflake documents no limit; DEFAULT and a few named ones in practice. */
export const MAX_IDENTITIES_PER_USER = 100;
/** Workload identities over the whole account. */
export const MAX_IDENTITIES = 10_000;
/**
 * The text audit keeps of the users it reads the identities of, and of their identities, in UTF-16
 * code units (the report repeats names in every finding and fix, so text drives the peak as much as
 * counts do): a real account at the caps (10,000 identities, names of ~30 characters, an STS
 * issuer URL) keeps ~2,000,000.
 */
export const MAX_KEPT_CHARS = 4_000_000;
/** A name kept from a row (user, role, identity, type, AWS fields): Snowflake identifiers are at most 255 characters; 512 UTF-16 units hold 255 of any kind. */
export const MAX_NAME_CHARS = 512;
/** An issuer URL, or a timestamp as text. */
export const MAX_TEXT_CHARS = 2_048;
/** The additional_info JSON of one identity, before it is parsed. */
export const MAX_ADDITIONAL_INFO_CHARS = 16_384;

export interface AdminAuthFlags {
  user?: string | undefined;
  authenticator?: string | undefined;
  privateKeyFile?: string | undefined;
  tokenFile?: string | undefined;
}

export interface AdminCredentials {
  user: string | undefined;
  authenticator: AdminAuthenticator;
  privateKeyPem?: string;
  token?: string;
  password?: string;
  /** Everything that must never be printed: key material, passphrase, PAT, password. */
  secrets: string[];
  /** A token or key file readable by other users (used, as the Snowflake CLI does, with a warning). */
  warnings?: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const first = (...values: Array<string | undefined>) => values.find((value) => value !== undefined && value.trim() !== '')?.trim();

/**
 * Who logs in and how: flags win over env (SNOWFLAKE_*), which win over the connection's keys.
 * Every secret found is remembered (src/known-secrets.ts): no output of this process carries it.
 */
export async function resolveAdminCredentials(flags: AdminAuthFlags, env: Env, file: Readonly<Record<string, unknown>> | undefined, timeoutMs: number): Promise<AdminCredentials> {
  const credentials = await findAdminCredentials(flags, env, file, timeoutMs);
  rememberSecrets(...credentials.secrets);
  return credentials;
}

async function findAdminCredentials(flags: AdminAuthFlags, env: Env, file: Readonly<Record<string, unknown>> | undefined, timeoutMs: number): Promise<AdminCredentials> {
  const deadline = Date.now() + timeoutMs;
  const user = first(flags.user, env.SNOWFLAKE_USER, connectionString(file, 'user', 'username'));
  const keyPath = first(flags.privateKeyFile, env.SNOWFLAKE_PRIVATE_KEY_FILE, env.SNOWFLAKE_PRIVATE_KEY_PATH, connectionString(file, 'private_key_file', 'private_key_path'));
  const tokenPath = first(flags.tokenFile, env.SNOWFLAKE_TOKEN_FILE_PATH, connectionString(file, 'token_file_path'));
  const password = env.SNOWFLAKE_PASSWORD || undefined;
  const named = first(flags.authenticator, env.SNOWFLAKE_AUTHENTICATOR, connectionString(file, 'authenticator'))?.toUpperCase();
  let authenticator: AdminAuthenticator;
  if (named !== undefined) {
    const known = AUTHENTICATORS.find((candidate) => candidate === named);
    if (!known) {
      throw usageError(
        `authenticator '${named.slice(0, 60)}' cannot be used by audit`,
        'BAD_AUTHENTICATOR',
        'audit logs in as an administrator without a browser: SNOWFLAKE_JWT (--private-key-file), PROGRAMMATIC_ACCESS_TOKEN (--token-file) or SNOWFLAKE (password from SNOWFLAKE_PASSWORD).',
      );
    }
    authenticator = known;
  } else if (keyPath) authenticator = 'SNOWFLAKE_JWT';
  else if (tokenPath) authenticator = 'PROGRAMMATIC_ACCESS_TOKEN';
  else if (password) authenticator = 'SNOWFLAKE';
  else {
    throw usageError(
      'No administrator credentials given',
      'NO_ADMIN_CREDENTIALS',
      'Use a key pair (--private-key-file, passphrase in PRIVATE_KEY_PASSPHRASE), a programmatic access token (--token-file or SNOWFLAKE_TOKEN_FILE_PATH), or a password in SNOWFLAKE_PASSWORD.',
    );
  }
  if (authenticator !== 'PROGRAMMATIC_ACCESS_TOKEN' && !user) {
    throw usageError('No administrator user given', 'MISSING_USER', 'Pass --user NAME, set SNOWFLAKE_USER, or put user = "…" in the connection.');
  }
  if (authenticator === 'SNOWFLAKE_JWT') {
    if (!keyPath) throw usageError('SNOWFLAKE_JWT needs a private key', 'MISSING_PRIVATE_KEY', 'Pass --private-key-file PATH (or SNOWFLAKE_PRIVATE_KEY_FILE); the passphrase goes in PRIVATE_KEY_PASSPHRASE.');
    const warnings: string[] = [];
    return { user, authenticator, ...(await readPrivateKey(keyPath, env.PRIVATE_KEY_PASSPHRASE || undefined, deadline, warnings)), warnings };
  }
  if (authenticator === 'PROGRAMMATIC_ACCESS_TOKEN') {
    if (!tokenPath) throw usageError('PROGRAMMATIC_ACCESS_TOKEN needs a token file', 'MISSING_TOKEN_FILE', 'Pass --token-file PATH or set SNOWFLAKE_TOKEN_FILE_PATH (the token is never a flag).');
    const warnings: string[] = [];
    const token = (await readCredentialFile(tokenPath, 'token file', 'BAD_TOKEN_FILE', timeoutMs, warnings)).trim();
    if (!token) throw usageError(`the token file ${tokenPath} holds only white space`, 'BAD_TOKEN_FILE');
    return { user, authenticator, token, secrets: [token], warnings };
  }
  if (!password) throw usageError('SNOWFLAKE needs a password', 'MISSING_PASSWORD', 'Set SNOWFLAKE_PASSWORD (never a flag: it would land in shell history and ps).');
  return { user, authenticator, password, secrets: [password] };
}

/**
 * A token or key file: a regular file of yours (or root's) that nobody else can write, not a
 * kernel pseudo-file, not empty (BAD_CREDENTIAL_FILE otherwise); readable by others is a warning.
 */
async function readCredentialFile(path: string, what: string, code: string, timeoutMs: number, warnings: string[]): Promise<string> {
  let file;
  try {
    file = await readBoundedFile(path, { maxBytes: MAX_CREDENTIAL_FILE_BYTES, timeoutMs, credential: true });
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    if (error.reason === 'untrusted') throw usageError(`the ${what} ${error.message}: wif-check will not use it`, 'BAD_CREDENTIAL_FILE', UNTRUSTED_FILE_HINT);
    throw usageError(`the ${what} ${error.message}`, code, `It must be a readable regular file of at most ${formatBytes(MAX_CREDENTIAL_FILE_BYTES)}.`);
  }
  if (file.text === '') throw usageError(`the ${what} ${path} is empty`, 'BAD_CREDENTIAL_FILE', `Put the ${what === 'token file' ? 'programmatic access token' : 'PEM private key'} in it.`);
  if (process.platform !== 'win32' && readableByOthers(file.mode)) warnings.push(`the ${what} ${path} is readable by other users (mode ${octal(file.mode)}): chmod 0600 it`);
  return file.text;
}

/**
 * The key as an unencrypted PKCS#8 PEM for the driver; refused here (exit 2) when it cannot be read.
 * OpenSSL decrypts synchronously and no timer can stop it (issue 17, item 9): a key whose
 * decryption would cost more than the limits of core/key-cost.ts is refused before, and none is
 * decrypted once `deadline` has passed.
 */
async function readPrivateKey(path: string, passphrase: string | undefined, deadline: number, warnings: string[]): Promise<{ privateKeyPem: string; secrets: string[] }> {
  const text = await readCredentialFile(path, 'private key file', 'BAD_PRIVATE_KEY', Math.max(1, deadline - Date.now()), warnings);
  const secrets = [text, ...text.split(/\r?\n/).filter((line) => line.length >= 12 && !line.startsWith('-----')), ...(passphrase ? [passphrase] : [])];
  const cost = privateKeyCost(text);
  if (!cost.ok) {
    throw usageError(
      cost.reason === 'too-costly'
        ? `the private key file ${path} derives its key with ${cost.detail}: refused, decrypting it would block wif-check for too long`
        : `the private key file ${path} is not a readable encrypted key: ${cost.detail}`,
      'BAD_PRIVATE_KEY',
      cost.reason === 'too-costly'
        ? `Re-encrypt it at a usual cost, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000 -in ${path} -out new_key.p8 (PBKDF2-HMAC-SHA256 at OWASP's 600,000 iterations).`
        : 'Give the PEM file of the RSA key registered with ALTER USER … SET RSA_PUBLIC_KEY, as openssl pkcs8 -topk8 writes it.',
    );
  }
  if (Date.now() >= deadline) {
    throw usageError(`the private key file ${path} was not decrypted: the time allowed (--timeout) ran out before decryption could start`, 'BAD_PRIVATE_KEY', 'Raise --timeout.');
  }
  let pem: string;
  try {
    pem = createPrivateKey({ key: text, format: 'pem', ...(passphrase ? { passphrase } : {}) }).export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch {
    const encrypted = /ENCRYPTED/.test(text);
    throw usageError(
      encrypted
        ? `the private key file ${path} is encrypted and ${passphrase ? 'PRIVATE_KEY_PASSPHRASE does not decrypt it' : 'PRIVATE_KEY_PASSPHRASE is not set'}`
        : `the private key file ${path} is not a PEM private key`,
      'BAD_PRIVATE_KEY',
      encrypted ? 'Set PRIVATE_KEY_PASSPHRASE to the key\'s passphrase.' : 'Give the PEM file of the RSA key registered with ALTER USER … SET RSA_PUBLIC_KEY.',
    );
  }
  return { privateKeyPem: pem, secrets: [...secrets, pem, ...pem.split('\n').filter((line) => line.length >= 12 && !line.startsWith('-----'))] };
}

export type Row = Record<string, unknown>;

export interface AdminSession {
  user: string;
  role: string | null;
  account: string;
  query(sqlText: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** A statement Snowflake refused: its code and message (redacted and capped). */
export class SqlFailure extends Error {
  constructor(
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'SqlFailure';
  }
}

/** Logs in; a failure is a WifError with exit 4 (or 2 for a local refusal). `deadline`: Date.now() by which everything must end. */
export async function openAdminSession(settings: SnowflakeSettings, credentials: AdminCredentials, deadline: number): Promise<AdminSession> {
  const snowflake = await loadDriver();
  await installGuard();
  const host = settings.host ?? `${settings.account}.snowflakecomputing.com`;
  const guard = guardOrigin(`${settings.protocol ?? 'https'}://${host}${settings.port ? `:${settings.port}` : ''}`);
  const remaining = () => Math.max(1, deadline - Date.now());
  const clean = (text: string) => serverText(text, [...guard.events.secrets, ...credentials.secrets]);
  let connection: Connection | undefined;
  try {
    connection = snowflake.createConnection(connectionOptions(settings, credentials, host, remaining()));
    const up = connection;
    await withDeadline(new Promise<void>((resolve, reject) => up.connect((error) => (error ? reject(error) : resolve()))), remaining(), () => timeoutError(remaining()));
    const [row] = await execute(up, 'SELECT CURRENT_USER() AS USER_NAME, CURRENT_ROLE() AS ROLE_NAME, CURRENT_ACCOUNT_NAME() AS ACCOUNT_NAME', remaining());
    const session: AdminSession = {
      user: typeof row?.USER_NAME === 'string' ? row.USER_NAME : (credentials.user ?? ''),
      role: row?.ROLE_NAME == null ? null : String(row.ROLE_NAME),
      account: row?.ACCOUNT_NAME == null ? settings.account : String(row.ACCOUNT_NAME),
      query: async (sqlText) => {
        try {
          return await execute(up, sqlText, remaining());
        } catch (error) {
          throw queryFailure(error, guard.events, clean, settings);
        }
      },
      close: async () => {
        await destroyQuietly(up, Math.min(2_000, remaining()));
        guard.release();
      },
    };
    return session;
  } catch (error) {
    if (connection) await destroyQuietly(connection, Math.min(2_000, remaining()));
    guard.release();
    throw loginFailure(error, guard.events, clean, settings, credentials);
  }
}

function connectionOptions(settings: SnowflakeSettings, credentials: AdminCredentials, host: string, timeoutMs: number): ConnectionOptions {
  const options: ConnectionOptions & Record<string, unknown> = {
    account: settings.account,
    host,
    authenticator: credentials.authenticator,
    application: 'wif-check',
    sfRetryMaxLoginRetries: 1,
    timeout: timeoutMs,
  };
  if (credentials.user) options.username = credentials.user;
  if (settings.port) options.port = settings.port;
  if (settings.protocol) options.protocol = settings.protocol;
  if (settings.role) options.role = settings.role;
  if (settings.warehouse) options.warehouse = settings.warehouse;
  if (credentials.privateKeyPem) options.privateKey = credentials.privateKeyPem;
  if (credentials.token) options.token = credentials.token;
  if (credentials.password) options.password = credentials.password;
  return options;
}

class Timeout extends Error {
  override name = 'TimeoutError';
  readonly code = 'TIMEOUT';
}

function timeoutError(ms: number): Error {
  return new Timeout(`timed out after ${ms} ms`);
}

function execute(connection: Connection, sqlText: string, timeoutMs: number): Promise<Row[]> {
  const run = new Promise<Row[]>((resolve, reject) => {
    connection.execute({ sqlText, complete: (error, _statement, rows) => (error ? reject(error) : resolve((rows ?? []) as Row[])) });
  });
  return withDeadline(run, timeoutMs, () => timeoutError(timeoutMs));
}

function destroyQuietly(connection: Connection, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timerDelayMs(timeoutMs));
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      if (connection.isUp()) connection.destroy(done);
      else done();
    } catch {
      done();
    }
  });
}

/** Guard events first (they are what really happened), then the driver's own error. */
function guardedFailure(events: GuardEvents, clean: (text: string) => string, settings: SnowflakeSettings): WifError | undefined {
  if (events.redirect) {
    return new WifError('snowflake', `${settings.url} answered with a redirect (HTTP ${events.redirect.status}) to ${clean(events.redirect.targetHost)}: not followed, the credentials go only to the host that was checked`, {
      code: 'UNEXPECTED_REDIRECT',
      hint: 'Snowflake never redirects a login or a query: a proxy or a wrong --host is in the way.',
    });
  }
  if (events.tooLarge) {
    return new WifError('snowflake', `an answer from ${settings.url} was larger than 8 MiB: refused`, { code: 'RESPONSE_TOO_LARGE', hint: 'Something other than Snowflake answers at this host: check --host and --port.' });
  }
  if (events.notJson) {
    return new WifError('snowflake', `${settings.url} answered with HTTP ${events.notJson.status} and ${clean(events.notJson.contentType)}, not Snowflake's JSON`, {
      code: 'UNEXPECTED_ANSWER',
      hint: 'This is not a Snowflake endpoint: check --host, --port and any proxy.',
    });
  }
  return undefined;
}

/** An administrator login refused at a gate before the credential (src/core/gates.ts): what to change. */
const ADMIN_GATE_HINTS: Record<GateCode, string> = {
  NETWORK_POLICY_BLOCKED: "A network policy (the administrator's own, else the account's) does not allow the address in Snowflake's message: run from an allowed address, or add it to the administrator's own network policy.",
  AUTHENTICATION_POLICY_REJECTED: "The authentication policy in force for the administrator (its own, else the account's) does not allow this method: use an allowed one, or add it to that policy's AUTHENTICATION_METHODS (KEYPAIR, PROGRAMMATIC_ACCESS_TOKEN or PASSWORD).",
  USER_DISABLED: 'The administrator user is disabled or locked: ALTER USER <name> SET DISABLED = FALSE; (or SET MINS_TO_UNLOCK = 0), by another administrator.',
};

/** Every admin login failure is exit 4 (the contract): a refusal says what Snowflake said. */
function loginFailure(error: unknown, events: GuardEvents, clean: (text: string) => string, settings: SnowflakeSettings, credentials: AdminCredentials): WifError {
  if (error instanceof WifError) return error;
  const guarded = guardedFailure(events, clean, settings);
  if (guarded) return guarded;
  const fields = driverErrorFields(error);
  const message = clean(fields.message);
  const how = `${credentials.authenticator} as ${credentials.user ?? '(the token\'s user)'}`;
  if (fields.name === 'OperationFailedError') {
    const code = fields.code === undefined ? null : String(fields.code);
    const roleRefused = /\bRole\b.*\bspecified in the connect string\b/i.test(message);
    const gate = diagnoseGate({ ...fields, message }, { provider: 'AWS' })?.code;
    return new WifError('snowflake', `Snowflake refused the administrator login (${how}): ${message}`, {
      code: roleRefused ? 'ROLE_NOT_GRANTED' : 'ADMIN_LOGIN_FAILED',
      hint: roleRefused
        ? 'Grant the role to the administrator, or drop --role to use its default role.'
        : gate
          ? ADMIN_GATE_HINTS[gate]
          : credentials.authenticator === 'SNOWFLAKE_JWT'
          ? 'Check the user, and that its RSA_PUBLIC_KEY matches --private-key-file (DESC USER shows RSA_PUBLIC_KEY_FP).'
          : credentials.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN'
            ? 'Check that the token is valid, not expired, and belongs to the user (SHOW USER PROGRAMMATIC ACCESS TOKENS).'
            : 'Check the user and SNOWFLAKE_PASSWORD; an account with MFA needs a key pair or a PAT instead.',
      snowflake: { code, message },
      cause: error,
    });
  }
  if (fields.name === 'TimeoutError' || fields.code === 'TIMEOUT') {
    return new WifError('snowflake', `The administrator login to ${settings.url} timed out`, { code: 'TIMEOUT', hint: 'Check the network, or raise --timeout.', cause: error });
  }
  // Network, TLS, HTTP status: the WIF diagnosis' generic rules say it well; always exit 4 here.
  const diagnosis = diagnoseLoginError({ ...fields, message, causeMessage: fields.causeMessage === undefined ? undefined : clean(fields.causeMessage), reachedSnowflake: undefined }, {
    account: settings.account,
    url: settings.url,
    timeoutMs: 0,
  });
  const code = ['UNREACHABLE', 'TLS_ERROR', 'TIMEOUT', 'ACCOUNT_NOT_FOUND'].includes(diagnosis.code) ? diagnosis.code : 'ADMIN_LOGIN_FAILED';
  return new WifError('snowflake', code === 'ADMIN_LOGIN_FAILED' ? `The administrator login to ${settings.url} failed: ${message}` : diagnosis.message, { code, hint: diagnosis.hint, cause: error });
}

function queryFailure(error: unknown, events: GuardEvents, clean: (text: string) => string, settings: SnowflakeSettings): Error {
  const guarded = guardedFailure(events, clean, settings);
  if (guarded) return guarded;
  const fields = driverErrorFields(error);
  if (fields.code === 'TIMEOUT') return new WifError('snowflake', `Snowflake at ${settings.url} did not answer in time`, { code: 'TIMEOUT', hint: 'Raise --timeout.' });
  if (fields.name === 'NetworkError' || fields.httpStatus !== undefined) {
    return new WifError('snowflake', `Lost Snowflake at ${settings.url}: ${clean(fields.message)}`, { code: 'UNREACHABLE', hint: 'Check the network and run audit again.' });
  }
  return new SqlFailure(fields.code === undefined ? null : String(fields.code), clean(fields.message));
}

// ---------------------------------------------------------------------------------------------
// What SHOW answers.

export interface ShowUser {
  name: string;
  type: string | null;
  disabled: boolean;
  defaultRole: string | null;
  /** undefined: the server's SHOW USERS has no has_workload_identity column. */
  hasWorkloadIdentity: boolean | undefined;
}

/** A list of strings as SHOW answers it (a JSON array, or one string), each within `max`; null when absent or empty. */
function textList(value: unknown, max: number, what: string): string[] | null {
  const items = Array.isArray(value) ? value : typeof value === 'string' && value !== '' ? [value] : [];
  const texts = items.slice(0, 1_000).map((item) => bounded(item, max, what)).filter((item): item is string => item !== null);
  return texts.length ? texts : null;
}
const truthy = (value: unknown): boolean => value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
const count = (value: number) => value.toLocaleString('en-US');

/** A row's text, exact, or (past `max` characters) the server's fault: exit 4, UNEXPECTED_ANSWER. */
export function bounded(value: unknown, max: number, what: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  if (text.length > max) {
    throw new WifError('snowflake', `Snowflake answered ${what} of ${count(text.length)} characters: refused (the limit is ${count(max)})`, {
      code: 'UNEXPECTED_ANSWER',
      hint: 'Snowflake identifiers are at most 255 characters: something other than Snowflake may be answering at this host; check --host, --port and any proxy.',
    });
  }
  return text;
}

const nameOf = (value: unknown, what: string) => bounded(value, MAX_NAME_CHARS, what);

/** One SHOW USERS row; undefined without a name. A field longer than its cap is a WifError (exit 4). */
export function parseUserRow(row: Row): ShowUser | undefined {
  const name = nameOf(row.name, 'a user name');
  if (name === null) return undefined;
  return {
    name,
    type: nameOf(row.type, `a user type (user ${name.slice(0, 64)})`)?.toUpperCase() ?? null,
    disabled: truthy(row.disabled),
    defaultRole: nameOf(row.default_role, `a default role (user ${name.slice(0, 64)})`),
    hasWorkloadIdentity: 'has_workload_identity' in row ? truthy(row.has_workload_identity) : undefined,
  };
}

/** A TIMESTAMP_LTZ as the driver hands it (a Date-like object) or as text → ISO 8601; null when absent. */
export function timestampText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date || (typeof value === 'object' && typeof (value as { getTime?: unknown }).getTime === 'function')) {
    const ms = (value as Date).getTime();
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  }
  const text = bounded(value, MAX_TEXT_CHARS, 'a timestamp') ?? '';
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text;
}

/** One identity row; undefined without a name. A field longer than its cap is a WifError (exit 4). */
export function parseIdentityRow(row: Row): AuditIdentity | undefined {
  const name = nameOf(row.name, 'a workload identity name');
  if (name === null) return undefined;
  const of = `(identity ${name.slice(0, 64)})`;
  let info: Record<string, unknown> = {};
  const raw = row.additional_info;
  if (typeof raw === 'string') {
    bounded(raw, MAX_ADDITIONAL_INFO_CHARS, `an additional_info ${of}`);
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) info = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: nothing is known about the identity's details.
    }
  } else if (raw && typeof raw === 'object') info = raw as Record<string, unknown>;
  // Where Snowflake reports a disabled identity is not documented: a `disabled` column or key, if any.
  const disabled = 'disabled' in row ? truthy(row.disabled) : 'disabled' in info ? truthy(info.disabled) : null;
  const field = (value: unknown, key: string) => nameOf(value, `an identity's ${key} ${of}`);
  return {
    name,
    type: nameOf(row.type, `an identity type ${of}`)?.toUpperCase() ?? 'UNKNOWN',
    awsPartition: field(info.awsPartition, 'awsPartition'),
    awsAccount: field(info.awsAccount, 'awsAccount'),
    identityType: field(info.type, 'type')?.toUpperCase() ?? null,
    iamRole: field(info.iamRole, 'iamRole'),
    issuer: bounded(info.issuer, MAX_TEXT_CHARS, `an identity's issuer ${of}`),
    subject: bounded(info.subject, MAX_NAME_CHARS, `an identity's subject ${of}`),
    audienceList: textList(info.audienceList, MAX_TEXT_CHARS, `an identity's audience ${of}`),
    lastUsed: timestampText(row.last_used),
    createdOn: timestampText(row.created_on),
    disabled,
  };
}

/** A stored name as SQL: the safe identifier, else double-quoted as it is (read-only SHOW only). */
export function nameSql(name: string): string {
  return identifierForStoredName(name) ?? `"${name.replaceAll('"', '""')}"`;
}

/** A stored name as a string literal for FROM '…' (server text: escaped, never refused). */
export function nameLiteral(name: string): string {
  const quoted = quoteStringLiteral(name);
  return quoted.ok ? quoted.sql : `'${name.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

export const showUsersSql = (from?: string) => `SHOW USERS LIMIT ${SHOW_USERS_PAGE}${from === undefined ? '' : ` FROM ${nameLiteral(from)}`}`;
export const showIdentitiesSql = (user: string) => `SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER ${nameSql(user)}`;

export interface AccountListing {
  /** Every user SHOW USERS listed. */
  usersTotal: number;
  /** The users with a workload identity (or, on a server without has_workload_identity, every user with one listed). */
  users: AuditUser[];
}

/** Snowflake's "Insufficient privileges to operate on user" (003001), or a missing user (002003). */
const NO_PRIVILEGE = /insufficient privileges|not authorized/i;

const textLength = (...texts: Array<string | null>) => texts.reduce((sum, text) => sum + (text?.length ?? 0), 0);

function tooMany(code: 'TOO_MANY_USERS' | 'TOO_MANY_IDENTITIES' | 'ACCOUNT_TOO_LARGE', message: string): WifError {
  return new WifError('snowflake', message, {
    code,
    hint: 'audit holds the whole account in memory, so it stops at documented caps (README, "audit"). Far more than any account audit was built for: check that --host and --port reach Snowflake and no proxy answers instead; if this is a real account, please report it.',
  });
}

const tooManyAudited = () => tooMany('TOO_MANY_USERS', `more than ${count(MAX_AUDITED_USERS)} users have a workload identity: audit stops there`);

/**
 * SHOW USERS (paged), then each WIF user's identities with at most AUDIT_CONCURRENCY in flight.
 * Bounded: at most MAX_LISTED_USERS listed, MAX_AUDITED_USERS kept, MAX_IDENTITIES_PER_USER per user
 * and MAX_IDENTITIES in all, MAX_KEPT_CHARS of text, each text within its cap; past one, a WifError
 * (exit 4).
 */
export async function readAccount(session: AdminSession, onProgress?: (done: number, total: number) => void): Promise<AccountListing> {
  // Only the users whose identities are read are kept; the others are counted. What tells a page
  // with nothing new is a digest of each name, not the name: 100,000 names of 255 characters
  // would hold up to 100 MB.
  const candidates: ShowUser[] = [];
  const seen = new Set<string>();
  const digest = (name: string) => createHash('sha256').update(name).digest('base64').slice(0, 22);
  let withIdentity = 0;
  let keptChars = 0;
  const keep = (chars: number) => {
    keptChars += chars;
    if (keptChars > MAX_KEPT_CHARS) {
      throw tooMany('ACCOUNT_TOO_LARGE', `the users with a workload identity and their identities come to more than ${count(MAX_KEPT_CHARS)} characters of names and text: audit stops there`);
    }
  };
  for (let from: string | undefined; ; ) {
    const rows = await session.query(showUsersSql(from));
    let fresh = 0;
    let last: string | undefined;
    for (const row of rows) {
      const user = parseUserRow(row);
      const key = user && digest(user.name);
      if (!user || key === undefined || seen.has(key)) continue;
      if (seen.size >= MAX_LISTED_USERS) throw tooMany('TOO_MANY_USERS', `SHOW USERS listed more than ${count(MAX_LISTED_USERS)} users: audit stops there`);
      seen.add(key);
      if (user.hasWorkloadIdentity !== false) {
        if (user.hasWorkloadIdentity === true && ++withIdentity > MAX_AUDITED_USERS) throw tooManyAudited();
        keep(textLength(user.name, user.type, user.defaultRole));
        candidates.push(user);
      }
      last = user.name;
      fresh++;
    }
    // FROM is a cursor: a short page, or one with nothing new, is the last.
    if (rows.length < SHOW_USERS_PAGE || fresh === 0) break;
    from = last;
  }
  const usersTotal = seen.size;
  seen.clear();
  const users: Array<AuditUser | undefined> = new Array(candidates.length);
  let next = 0;
  let done = 0;
  let kept = 0;
  let identitiesTotal = 0;
  let failed = false;
  const worker = async () => {
    for (let i = next++; i < candidates.length && !failed; i = next++) {
      const user = candidates[i] as ShowUser;
      let identities: AuditIdentity[] = [];
      let listed = true;
      try {
        const rows = await session.query(showIdentitiesSql(user.name));
        if (rows.length > MAX_IDENTITIES_PER_USER) {
          throw tooMany('TOO_MANY_IDENTITIES', `SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS listed ${count(rows.length)} identities for ${user.name.slice(0, 64)}: more than the ${count(MAX_IDENTITIES_PER_USER)} audit reads for one user`);
        }
        identities = rows.map(parseIdentityRow).filter((identity): identity is AuditIdentity => identity !== undefined);
      } catch (error) {
        if (!(error instanceof SqlFailure)) throw error;
        if (error.code === '003001' || NO_PRIVILEGE.test(error.message)) listed = false;
        else throw new WifError('snowflake', `Snowflake refused ${showIdentitiesSql(user.name)}: ${error.message}`, { code: 'QUERY_FAILED', snowflake: { code: error.code, message: error.message } });
      }
      if (!listed || identities.length > 0 || user.hasWorkloadIdentity === true) {
        if (++kept > MAX_AUDITED_USERS) throw tooManyAudited();
        identitiesTotal += identities.length;
        if (identitiesTotal > MAX_IDENTITIES) throw tooMany('TOO_MANY_IDENTITIES', `the account has more than ${count(MAX_IDENTITIES)} workload identities: audit stops there`);
        for (const identity of identities) keep(textLength(identity.name, identity.type, identity.awsPartition, identity.awsAccount, identity.identityType, identity.iamRole, identity.issuer));
        users[i] = { name: user.name, type: user.type, disabled: user.disabled, defaultRole: user.defaultRole, identities, identitiesListed: listed };
      }
      onProgress?.(++done, candidates.length);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(AUDIT_CONCURRENCY, candidates.length) }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  return { usersTotal, users: users.filter((user): user is AuditUser => user !== undefined) };
}
