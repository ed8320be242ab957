/**
 * Where to log in: flags win over env (SNOWFLAKE_*), which win over a named connection in
 * connections.toml — the Snowflake CLI's and drivers' order. Pure: env and file entry are inputs.
 */
import { parsePrincipalArn } from './arn.js';
import { usageError } from './errors.js';
import { isLoopbackHost, parseHost } from './host.js';

export interface SnowflakeFlags {
  account?: string | undefined;
  host?: string | undefined;
  port?: string | number | undefined;
  protocol?: string | undefined;
  role?: string | undefined;
  warehouse?: string | undefined;
  /** --allow-insecure-http: allow `http` to a host that is not a loopback address. */
  allowInsecureHttp?: boolean | undefined;
}

export interface SnowflakeSettings {
  account: string;
  host: string | undefined;
  port: number | undefined;
  protocol: 'http' | 'https' | undefined;
  role: string | undefined;
  warehouse: string | undefined;
  /** Where the driver will connect, for messages. */
  url: string;
}

type Key = Exclude<keyof SnowflakeFlags, 'allowInsecureHttp'>;
const KEYS: readonly Key[] = ['account', 'host', 'port', 'protocol', 'role', 'warehouse'];
const ENV_NAMES: Readonly<Record<Key, string>> = {
  account: 'SNOWFLAKE_ACCOUNT',
  host: 'SNOWFLAKE_HOST',
  port: 'SNOWFLAKE_PORT',
  protocol: 'SNOWFLAKE_PROTOCOL',
  role: 'SNOWFLAKE_ROLE',
  warehouse: 'SNOWFLAKE_WAREHOUSE',
};

type Env = Readonly<Record<string, string | undefined>>;
type FileEntry = Readonly<Record<string, unknown>>;

/** Without an account: a usage error (exit 2), or undefined with `requireAccount: false` (doctor's AWS half). */
/** Where a value came from, for messages: `--host`, `SNOWFLAKE_HOST`, `connection 'prod' (host)`. */
export interface SettingsSources {
  /** How the flags are named, e.g. `--host` (CLI) or `event.host` (Lambda). Default: `--<key>`. */
  flag?: (key: Key) => string;
  /** How the file entry is named, e.g. `connection 'prod' in ~/.snowflake/connections.toml`. */
  file?: string;
}

export function resolveSnowflakeSettings(flags: SnowflakeFlags, env: Env, file?: FileEntry, options?: { requireAccount?: true; sources?: SettingsSources }): SnowflakeSettings;
export function resolveSnowflakeSettings(
  flags: SnowflakeFlags,
  env: Env,
  file: FileEntry | undefined,
  options: { requireAccount: false; sources?: SettingsSources },
): SnowflakeSettings | undefined;
export function resolveSnowflakeSettings(
  flags: SnowflakeFlags,
  env: Env,
  file: FileEntry = {},
  options: { requireAccount?: boolean; sources?: SettingsSources } = {},
): SnowflakeSettings | undefined {
  const sourceOf: Partial<Record<Key, string>> = {};
  const pick = (key: Key): string | undefined => {
    const fromFile = file[key];
    const candidates: Array<[unknown, string]> = [
      [flags[key], options.sources?.flag?.(key) ?? `--${key}`],
      [env[ENV_NAMES[key]], ENV_NAMES[key]],
      [fromFile, `${options.sources?.file ?? 'the connection'}, key ${key}`],
    ];
    for (const [value, source] of candidates) {
      if (typeof value === 'number') {
        sourceOf[key] = source;
        return String(value);
      }
      if (typeof value === 'string' && value.trim() !== '') {
        sourceOf[key] = source;
        return value.trim();
      }
    }
    return undefined;
  };
  const values = Object.fromEntries(KEYS.map((key) => [key, pick(key)])) as Record<Key, string | undefined>;
  // Checked before the account, so a hostile host is refused however the rest is set.
  const host = values.host === undefined ? undefined : parseHost(values.host, sourceOf.host ?? 'host');
  if (!values.account) {
    if (options.requireAccount === false) return undefined;
    throw usageError(
      'No Snowflake account given',
      'MISSING_ACCOUNT',
      'Pass --account orgname-accountname, set SNOWFLAKE_ACCOUNT, or name a connection with --connection.',
    );
  }
  const port = parsePort(values.port);
  const protocol = parseProtocol(values.protocol);
  const account = parseAccount(values.account);
  const target = host ?? `${account}.snowflakecomputing.com`;
  if (protocol === 'http' && !isLoopbackHost(target) && flags.allowInsecureHttp !== true) {
    throw usageError(
      `protocol http (${sourceOf.protocol ?? 'protocol'}) would send the login to ${target} unencrypted`,
      'INSECURE_PROTOCOL',
      'Use https (the default). Cleartext is allowed only to a loopback address (127.0.0.1, ::1, localhost), or with --allow-insecure-http if you really mean it.',
    );
  }
  return {
    account,
    host,
    port,
    protocol,
    role: values.role,
    warehouse: values.warehouse,
    url: `${protocol ?? 'https'}://${host ?? `${account}.snowflakecomputing.com`}${port ? `:${port}` : ''}`,
  };
}

/**
 * An account identifier (orgname-accountname, or a locator such as xy12345.eu-west-1), not a URL
 * or host name (a fully qualified one, with its trailing dot, too): the driver appends
 * .snowflakecomputing.com itself.
 */
function parseAccount(value: string): string {
  const hint = 'Give the account identifier, e.g. --account myorg-myacct (or xy12345.eu-west-1); put a full host name in --host.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /\.snowflakecomputing\.(com|cn|mil)\.?$/i.test(value)) {
    throw usageError(`account '${value}' is a URL or host name, not an account identifier`, 'BAD_ACCOUNT', hint);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw usageError(`account '${value}' is not an account identifier`, 'BAD_ACCOUNT', hint);
  return value;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw usageError(`port '${value}' is not a TCP port (1-65535)`, 'BAD_PORT');
  return port;
}

function parseProtocol(value: string | undefined): 'http' | 'https' | undefined {
  if (value === undefined) return undefined;
  const protocol = value.toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') throw usageError(`protocol '${value}' must be http or https`, 'BAD_PROTOCOL');
  return protocol;
}

/**
 * --impersonation-path as a list of IAM role ARNs: comma-separated, or already an array (Lambda
 * event). Anything that is not an IAM role ARN is a usage error.
 */
export function parseImpersonationPath(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = (typeof value === 'string' ? value.split(',') : [...value]).map((item) => String(item).trim()).filter(Boolean);
  for (const arn of items) {
    const parsed = parsePrincipalArn(arn);
    if (!parsed.ok || parsed.arn.kind !== 'iam-role') {
      throw usageError(`--impersonation-path: '${arn}' is not an IAM role ARN${parsed.ok ? '' : ` (${parsed.error})`}`, 'BAD_IMPERSONATION_PATH');
    }
  }
  return items;
}
