/**
 * The Lambda handler's event, checked field by field before anything runs. Pure: no I/O, no
 * environment. Whoever may invoke the function controls the event, so a value of the wrong type is
 * refused (exit 2) naming the field and the type it needs; error messages describe a value (its
 * type, a number, a short printable string) but never echo arbitrary text.
 */
import { parseAccountId } from './arn.js';
import { usageError } from './errors.js';
import { parseTimeoutSeconds } from './timeout.js';

/** The settings an event may carry (camelCase CLI flags). Every field may also be null: unset. */
export interface WifCheckEvent {
  account?: string | null | undefined;
  host?: string | null | undefined;
  port?: number | string | null | undefined;
  protocol?: 'http' | 'https' | string | null | undefined;
  expectUser?: string | null | undefined;
  /** A 12-digit AWS account id; a number is read as the id with that value (see parseLambdaEvent). */
  expectAccount?: string | number | null | undefined;
  role?: string | null | undefined;
  warehouse?: string | null | undefined;
  /** Role ARNs to assume first: an array or a comma-separated list. */
  impersonationPath?: readonly string[] | string | null | undefined;
  /** Seconds for the whole check (default 30; keep the function timeout above it). */
  timeout?: number | string | null | undefined;
  /**
   * Not accepted as true (exit 2, BAD_EVENT): whoever may invoke the function must not be able to
   * turn TLS off and have its attestation sent in cleartext. The function's environment decides:
   * WIF_CHECK_ALLOW_INSECURE_HTTP=true (issue 17, item 7). false and null are accepted (no effect).
   */
  allowInsecureHttp?: false | null | undefined;
  /** Use AWS's outbound-token (JWT) method. */
  outboundToken?: boolean | null | undefined;
  /** A connection (connections.toml / config.toml under SNOWFLAKE_HOME) with an administrator login: the Snowflake-side view of a failed login. */
  adminConnection?: string | null | undefined;
  /** aws (default), oidc (the token from SNOWFLAKE_TOKEN_FILE_PATH: a token file is the function's configuration, never the event's) or azure (the function's environment names the managed identity: AZURE_CLIENT_ID, never the event). */
  provider?: string | null | undefined;
  /** oidc: the audience to ask a token service for. */
  audience?: string | null | undefined;
  /** The driver the checks speak for: node or python (default: the function's runtime; doctor --in-lambda sends the real function's). */
  driver?: string | null | undefined;
  /** true: a failed check fails the invocation (the handler throws), so Lambda's Errors metric and alarms see it. Also WIF_CHECK_FAIL_ON_ERROR=true. */
  failOnError?: boolean | null | undefined;
}

/** The event's settings with their types checked; undefined means unset (fall back to env). */
export interface LambdaSettings {
  account: string | undefined;
  host: string | undefined;
  port: number | string | undefined;
  protocol: string | undefined;
  expectUser: string | undefined;
  /** Always 12 digits when set. */
  expectAccount: string | undefined;
  role: string | undefined;
  warehouse: string | undefined;
  impersonationPath: readonly string[] | string | undefined;
  timeoutMs: number | undefined;
  outboundToken: boolean | undefined;
  adminConnection: string | undefined;
  provider: string | undefined;
  audience: string | undefined;
  driver: string | undefined;
  failOnError: boolean | undefined;
  /** For the report's warnings: ignored fields, an account id restored from a number. */
  notes: string[];
}

type Field = keyof WifCheckEvent;

const TEXT_FIELDS = {
  account: 'a Snowflake account identifier such as myorg-myacct',
  host: 'a host name',
  protocol: 'http or https',
  expectUser: 'a Snowflake user name',
  role: 'a Snowflake role name',
  warehouse: 'a Snowflake warehouse name',
  adminConnection: 'a connection name from connections.toml or config.toml',
  provider: 'a workload identity provider: aws, oidc, azure or gcp',
  audience: 'an OIDC audience',
  driver: 'a driver name: node or python',
} as const satisfies Partial<Record<Field, string>>;

const FIELDS: readonly Field[] = [
  'account', 'host', 'port', 'protocol', 'expectUser', 'expectAccount', 'role', 'warehouse',
  'impersonationPath', 'timeout', 'allowInsecureHttp', 'outboundToken', 'adminConnection', 'provider', 'audience',
  'driver', 'failOnError',
];

const MAX_ACCOUNT_ID = 999_999_999_999;
const MAX_SHOWN_STRING = 32;
const MAX_SHOWN_NAME = 40;
const MAX_LISTED_UNKNOWN = 5;

/** Printable ASCII only, and short: safe to put into a message as it is. */
function isShowable(text: string, max: number): boolean {
  return text.length <= max && /^[\x20-\x7e]*$/.test(text);
}

/** What a value is, for messages: its type, and the value itself only when that is short and safe. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'string':
      return isShowable(value, MAX_SHOWN_STRING) ? `the string ${JSON.stringify(value)}` : `a string of ${[...value].length} characters`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

function refuse(field: string, expected: string, value: unknown): never {
  throw usageError(`event.${field} must be ${expected}, not ${describeValue(value)}`, 'BAD_EVENT');
}

/** null and undefined are both "unset". */
function isUnset(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

function text(event: Record<string, unknown>, field: keyof typeof TEXT_FIELDS): string | undefined {
  const value = event[field];
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') refuse(field, `a string (${TEXT_FIELDS[field]})`, value);
  return value;
}

/** The name of the function's environment variable that alone may allow cleartext to a non-loopback host. */
export const ALLOW_INSECURE_HTTP_ENV = 'WIF_CHECK_ALLOW_INSECURE_HTTP';

function refuseInsecureHttp(event: Record<string, unknown>): void {
  const value = event.allowInsecureHttp;
  if (isUnset(value) || value === false) return;
  if (value === true) {
    throw usageError(
      `event.allowInsecureHttp is not accepted: whoever may invoke the function must not be able to send its login unencrypted`,
      'BAD_EVENT',
      `Use https. To allow cleartext to a host that is not a loopback address, set ${ALLOW_INSECURE_HTTP_ENV}=true in the function's environment (its configuration, not the event).`,
    );
  }
  refuse('allowInsecureHttp', 'false or unset (the function\'s environment decides)', value);
}

function flag(event: Record<string, unknown>, field: 'outboundToken' | 'failOnError'): boolean | undefined {
  const value = event[field];
  if (isUnset(value)) return undefined;
  if (typeof value !== 'boolean') refuse(field, 'true or false', value);
  return value;
}

/**
 * A number or a short printable string (which the parsers downstream may quote in their own
 * messages); the range is theirs to check.
 */
function numeric(event: Record<string, unknown>, field: 'port' | 'timeout', expected: string): number | string | undefined {
  const value = event[field];
  if (isUnset(value)) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && isShowable(value, MAX_SHOWN_STRING)) return value;
  return refuse(field, expected, value);
}

/**
 * An AWS account id is 12 digits and may start with 0, which a JSON number cannot keep: 012345678901
 * written as a number arrives as 12345678901. A number is therefore read as the id with that value,
 * zero-padded to 12 digits (the only id it can stand for), and a note says so; a wrong guess shows
 * as an account mismatch that names both ids, never as a silent pass.
 */
function accountId(event: Record<string, unknown>, notes: string[]): string | undefined {
  const value = event.expectAccount;
  const expected = 'a 12-digit AWS account id (a string, or a whole number)';
  if (isUnset(value)) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > MAX_ACCOUNT_ID) refuse('expectAccount', expected, value);
    const id = String(value).padStart(12, '0');
    if (id !== String(value)) {
      notes.push(`event.expectAccount was the number ${value}: read as the AWS account id ${id} (give it as a string to keep its leading zeros)`);
    }
    return id;
  }
  if (typeof value !== 'string' || !isShowable(value, MAX_SHOWN_STRING)) return refuse('expectAccount', expected, value);
  const parsed = parseAccountId(value, 'event.expectAccount');
  if (!parsed.ok) throw usageError(parsed.error, 'BAD_ACCOUNT_ID');
  return parsed.account;
}

function impersonationPath(event: Record<string, unknown>): readonly string[] | string | undefined {
  const value = event.impersonationPath;
  if (isUnset(value) || typeof value === 'string') return value ?? undefined;
  if (!Array.isArray(value)) return refuse('impersonationPath', 'an array of IAM role ARNs or a comma-separated string', value);
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') refuse(`impersonationPath[${index}]`, 'a string (an IAM role ARN)', item);
  });
  return value as string[];
}

/** A note listing the fields wif-check ignores, so that a misspelt setting does not go unnoticed. */
function unknownFieldsNote(event: Record<string, unknown>): string[] {
  const known = new Set<string>(FIELDS);
  const unknown = Object.keys(event).filter((key) => !known.has(key));
  if (unknown.length === 0) return [];
  const folded = (name: string) => name.toLowerCase().replace(/[-_ ]/g, '');
  const shown = unknown.slice(0, MAX_LISTED_UNKNOWN).map((name) => {
    if (!isShowable(name, MAX_SHOWN_NAME)) return `(a name of ${[...name].length} characters)`;
    const meant = FIELDS.find((field) => folded(field) === folded(name));
    return meant === undefined ? name : `${name} (did you mean ${meant}?)`;
  });
  const more = unknown.length - shown.length;
  return [`ignored event fields that are not wif-check settings: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`];
}

/**
 * The handler's settings from its event: an object of the WifCheckEvent fields, or null/undefined
 * (every setting from the environment). Throws a usage WifError (exit 2, `BAD_EVENT`) for an event
 * that is not an object, or a field of the wrong type. Fields it does not know are ignored, with a
 * note (the Lambda console's test event is `{"key1": "value1", …}`).
 */
export function parseLambdaEvent(event: unknown): LambdaSettings {
  if (isUnset(event)) return parseFields({});
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw usageError(`the event must be an object of settings (or null), not ${describeValue(event)}`, 'BAD_EVENT');
  }
  return parseFields(event as Record<string, unknown>);
}

function parseFields(event: Record<string, unknown>): LambdaSettings {
  const notes: string[] = [];
  refuseInsecureHttp(event);
  const timeout = numeric(event, 'timeout', 'a number of seconds or a string of one');
  const settings: LambdaSettings = {
    account: text(event, 'account'),
    host: text(event, 'host'),
    port: numeric(event, 'port', 'a port number or a string of one'),
    protocol: text(event, 'protocol'),
    expectUser: text(event, 'expectUser'),
    expectAccount: accountId(event, notes),
    role: text(event, 'role'),
    warehouse: text(event, 'warehouse'),
    impersonationPath: impersonationPath(event),
    timeoutMs: parseTimeoutSeconds(timeout, 'event.timeout'),
    outboundToken: flag(event, 'outboundToken'),
    adminConnection: text(event, 'adminConnection'),
    provider: text(event, 'provider'),
    audience: text(event, 'audience'),
    driver: text(event, 'driver'),
    failOnError: flag(event, 'failOnError'),
    notes,
  };
  notes.push(...unknownFieldsNote(event));
  return settings;
}

/** The Lambda default for the whole check when the event gives no timeout. */
export const DEFAULT_LAMBDA_TIMEOUT_MS = 30_000;

/**
 * The check's budget: the event's timeout (or 30 s), but done a second before Lambda would kill
 * the function, so that the report is returned; at least a second. A whole number of milliseconds
 * whatever `remainingMs` is (Lambda's context gives an integer; a test or a wrapper may not).
 */
export function lambdaBudgetMs(requestedMs: number | undefined, remainingMs: number | undefined): number {
  const requested = requestedMs ?? DEFAULT_LAMBDA_TIMEOUT_MS;
  if (typeof remainingMs !== 'number' || !Number.isFinite(remainingMs)) return requested;
  return Math.max(1_000, Math.min(requested, Math.floor(remainingMs) - 1_000));
}

/** The function's environment variable that makes a failed check a failed invocation (like event.failOnError: true). */
export const FAIL_ON_ERROR_ENV = 'WIF_CHECK_FAIL_ON_ERROR';

/** event.failOnError wins (true or false); else WIF_CHECK_FAIL_ON_ERROR=true (any case, spaces ignored); else false. */
export function failOnError(eventValue: boolean | undefined, envValue: string | undefined): boolean {
  if (eventValue !== undefined) return eventValue;
  return (envValue ?? '').trim().toLowerCase() === 'true';
}

/** The report's parts that the one-line log summary names. */
export interface SummaryReport {
  ok: boolean;
  exitCode: number;
  checks: ReadonlyArray<{ id: string; status: string; code: string }>;
  user?: string | null | undefined;
  callerArn?: string | null | undefined;
}

/**
 * The one line the handler writes to the function's log (CloudWatch): the verdict, the exit code,
 * the first failed check and its code, the user and the caller. Codes, ids and ARNs only (no
 * server text), each cut to a bounded length and stripped of anything but printable ASCII, so
 * the line is always one line and carries nothing an invoker or a server wrote.
 */
export function lambdaSummaryLine(report: SummaryReport): string {
  const safe = (text: string | null | undefined, max = 200) => (text ?? '').replace(/[^\x21-\x7e]/g, '?').slice(0, max) || '-';
  const failed = report.checks.find((check) => check.status === 'fail');
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  return [
    `wif-check: ${report.ok ? 'ok' : 'FAILED'}`,
    `exitCode=${Number.isInteger(report.exitCode) ? report.exitCode : '?'}`,
    ...(failed ? [`check=${safe(failed.id, 40)}`, `code=${safe(failed.code, 60)}`] : []),
    ...(warned > 0 ? [`warnings=${warned}`] : []),
    `user=${safe(report.user, 255)}`,
    `caller=${safe(report.callerArn)}`,
  ].join(' ');
}
