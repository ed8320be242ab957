/**
 * A named connection the way the Snowflake CLI finds it, for `wif-check audit -c NAME`: in
 * connections.toml (`[NAME]`) or, only when there is no connections.toml, in config.toml
 * (`[connections.NAME]`): the CLI's configuration manager replaces config.toml's `connections` with
 * connections.toml whenever that file exists (snowflake-connector-python config_manager.py; the
 * Snowflake CLI docs: "If a connections.toml file exists, Snowflake CLI uses the connections defined
 * in it instead of those defined in the config.toml file"). Both files are in $SNOWFLAKE_HOME, else
 * ~/.snowflake/, and when that directory does not exist in the platform's config directory
 * (~/.config/snowflake on Linux; src/core/snowflake-config-dir.ts). Without a name:
 * SNOWFLAKE_DEFAULT_CONNECTION_NAME, then config.toml's `default_connection_name`, then `default`
 * (../shared/FACTS.md, "Neighbours and conventions"); a default named by the first two that is
 * missing is an error that names where the name came from.
 *
 * connect and doctor use it too (`-c/--connection`), for the keys they need (account, host, port,
 * protocol, role, warehouse). Reads are bounded (src/fs/read-bounded.ts). Secrets in the files are
 * never read out: a `password`, `token` or passphrase key is reported, not used (audit takes a
 * password only from SNOWFLAKE_PASSWORD, a PAT from a token file).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { usageError } from '../core/errors.js';
import { chooseConfigDir, snowflakeConfigDirs } from '../core/snowflake-config-dir.js';
import { readableByOthers } from '../core/file-trust.js';
import { BoundedReadError, DEFAULT_READ_TIMEOUT_MS, formatBytes, readBoundedFile } from '../fs/read-bounded.js';

/** A connections file is a few KiB; refuse anything that could only be a mistake or an attack. */
export const MAX_CONNECTIONS_FILE_BYTES = 1024 * 1024;

export interface FoundConnection {
  name: string;
  /** The file it came from. */
  path: string;
  values: Record<string, unknown>;
  warnings: string[];
}

/** Keys that hold secrets: never used from a file by audit. */
const SECRET_KEYS = ['password', 'token', 'private_key_file_pwd', 'private_key_passphrase', 'private_key_raw'];

/** The directory of connections.toml and config.toml: $SNOWFLAKE_HOME or ~/.snowflake when it exists, else the platform's config directory. */
export function snowflakeHome(env: Readonly<Record<string, string | undefined>>): string {
  const dirs = snowflakeConfigDirs({ snowflakeHome: env.SNOWFLAKE_HOME, homeDir: homedir(), platform: process.platform, xdgConfigHome: env.XDG_CONFIG_HOME, localAppData: env.LOCALAPPDATA });
  return chooseConfigDir(dirs, existsSync(dirs.home));
}

type Parsed = { path: string; document: Record<string, unknown>; mode: number } | undefined;

async function readToml(path: string, timeoutMs: number): Promise<Parsed> {
  let file;
  try {
    // It decides where credentials go and which token or key file is read: trusted only when nobody else could write it.
    file = await readBoundedFile(path, { maxBytes: MAX_CONNECTIONS_FILE_BYTES, timeoutMs, credential: true });
  } catch (error) {
    if (error instanceof BoundedReadError && error.reason === 'missing') return undefined;
    if (error instanceof BoundedReadError && error.reason === 'untrusted') {
      throw usageError(`${path} ${error.detail}: wif-check will not use it`, 'BAD_CONNECTIONS_FILE', UNTRUSTED_FILE_HINT);
    }
    if (error instanceof BoundedReadError) {
      throw usageError(`${path} ${error.detail}`, 'BAD_CONNECTIONS_FILE', `It must be a readable regular file of at most ${formatBytes(MAX_CONNECTIONS_FILE_BYTES)}: fix it, or set SNOWFLAKE_HOME to another directory.`);
    }
    throw error;
  }
  const { parse } = await import('smol-toml');
  try {
    return { path, document: parse(file.text) as Record<string, unknown>, mode: file.mode };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw usageError(`${path} is not valid TOML: ${reason}`, 'BAD_CONNECTIONS_FILE');
  }
}

/** How to make a connections, token or key file one wif-check uses (as the Snowflake CLI asks). */
export const UNTRUSTED_FILE_HINT = 'Whoever can write this file chooses where your credentials go. Make it yours and private: chown "$(id -u)" FILE && chmod 0600 FILE (or set SNOWFLAKE_HOME to a directory of your own).';

const isTable = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The connection named by `name` (strict: missing → UNKNOWN_CONNECTION, exit 2), or the default
 * one when no account is given otherwise (lenient: undefined when there is none).
 */
export async function findConnection(
  name: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  options: {
    accountGiven?: boolean;
    timeoutMs?: number;
    /** Warn about secrets in the file (audit, which never uses them). */
    warnAboutSecrets?: boolean;
    /** What to pass instead of a connection, in the command's own flags (default '--account'; audit: '--account and --user'; null: nothing). */
    instead?: string | null;
  } = {},
): Promise<FoundConnection | undefined> {
  if (name === undefined && options.accountGiven) return undefined;
  const home = snowflakeHome(env);
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const [connections, config] = await Promise.all([readToml(join(home, 'connections.toml'), timeoutMs), readToml(join(home, 'config.toml'), timeoutMs)]);
  // connections.toml, when it exists, replaces config.toml's [connections] (it is not merged with it).
  const configConnections = !connections && config && isTable(config.document.connections) ? config.document.connections : {};
  const configDefault = config && typeof config.document.default_connection_name === 'string' && config.document.default_connection_name.trim() !== '' ? config.document.default_connection_name : undefined;
  const envDefault = env.SNOWFLAKE_DEFAULT_CONNECTION_NAME?.trim() ? env.SNOWFLAKE_DEFAULT_CONNECTION_NAME : undefined;
  const wanted = name ?? envDefault ?? configDefault ?? 'default';
  const candidates: Array<[Parsed, Record<string, unknown>]> = connections ? [[connections, connections.document]] : [[config, configConnections]];
  for (const [file, tables] of candidates) {
    const entry = tables[wanted];
    if (!file || !isTable(entry)) continue;
    const warnings: string[] = [];
    if (process.platform !== 'win32' && readableByOthers(file.mode)) {
      warnings.push(`${file.path} is readable by other users; the Snowflake CLI requires chmod 0600 (it may hold secrets)`);
    }
    const secrets = SECRET_KEYS.filter((key) => key in entry);
    if (secrets.length && options.warnAboutSecrets !== false) {
      warnings.push(
        `connection '${wanted}' in ${file.path} has ${secrets.join(', ')}: wif-check audit does not read secrets from files (set SNOWFLAKE_PASSWORD, PRIVATE_KEY_PASSPHRASE, or use token_file_path)`,
      );
    }
    // SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> overrides a key of that connection, as in the Snowflake CLI.
    const values = Object.fromEntries(Object.entries({ ...entry, ...connectionEnvOverrides(wanted, env) }).filter(([key]) => !SECRET_KEYS.includes(key)));
    return { name: wanted, path: file.path, values, warnings };
  }
  const known = [...Object.keys(connections?.document ?? {}).filter((key) => isTable(connections?.document[key])), ...Object.keys(configConnections)];
  const knownHint = known.length ? `Known connections: ${[...new Set(known)].join(', ')}` : undefined;
  const where = connections ? `${connections.path} ([${wanted}]; config.toml's connections are not read while connections.toml exists)` : `${join(home, 'connections.toml')} or ${join(home, 'config.toml')} [connections.${wanted}]`;
  if (name === undefined) {
    // Only a default someone named is an error, and only where there are connection files (the variable may be set for other tools).
    if ((!connections && !config) || (envDefault === undefined && configDefault === undefined)) return undefined;
    const source = envDefault !== undefined ? 'SNOWFLAKE_DEFAULT_CONNECTION_NAME' : `default_connection_name in ${config?.path ?? 'config.toml'}`;
    throw usageError(`The default connection '${wanted}' (from ${source}) is not in ${where}`, 'UNKNOWN_CONNECTION', knownHint ?? `Unset ${envDefault !== undefined ? 'SNOWFLAKE_DEFAULT_CONNECTION_NAME' : 'default_connection_name'}, or add the connection.`);
  }
  const instead = options.instead === undefined ? '--account' : options.instead;
  if (!connections && !config) {
    throw usageError(
      `Connection '${name}' was requested but neither ${join(home, 'connections.toml')} nor ${join(home, 'config.toml')} exists`,
      'NO_CONNECTIONS_FILE',
      instead === null ? 'Create one, or set SNOWFLAKE_HOME.' : `Create one, set SNOWFLAKE_HOME, or pass ${instead} instead.`,
    );
  }
  throw usageError(`Connection '${name}' is not in ${where}`, 'UNKNOWN_CONNECTION', knownHint);
}

/** A string value of a connection, trimmed; undefined when absent or empty. */
export function connectionString(values: Readonly<Record<string, unknown>> | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = values?.[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/**
 * The Snowflake CLI's per-connection environment overrides: SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>
 * (name and key upper-cased) sets `key` of connection `name`. Pure; blank values are ignored.
 */
export function connectionEnvOverrides(name: string, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const prefix = `SNOWFLAKE_CONNECTIONS_${name.toUpperCase()}_`;
  const overrides: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(prefix) || value === undefined || value.trim() === '') continue;
    const key = variable.slice(prefix.length).toLowerCase();
    if (/^[a-z][a-z0-9_]*$/.test(key)) overrides[key] = value.trim();
  }
  return overrides;
}

