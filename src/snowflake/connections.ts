/**
 * Reads a named connection from connections.toml, the file the Snowflake CLI and drivers share:
 * $SNOWFLAKE_HOME/connections.toml, else ~/.snowflake/connections.toml.
 * Only the keys wif-check needs are used; secrets in the file are never read out or printed.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';

export function connectionsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SNOWFLAKE_HOME || join(homedir(), '.snowflake'), 'connections.toml');
}

export interface NamedConnection {
  name: string;
  path: string;
  values: Record<string, unknown>;
  warnings: string[];
}

/**
 * The connection named by --connection (strict: a missing file or name is a usage error) or by
 * SNOWFLAKE_DEFAULT_CONNECTION_NAME. The default is lenient and only a fallback: a missing file or
 * name is ignored, and it is not read at all when an account is given (--account or
 * SNOWFLAKE_ACCOUNT), so the variable a developer exports for other tools never mixes another
 * connection's host or role into `--account …`. Undefined when no connection applies.
 */
export async function loadNamedConnection(
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: { accountGiven?: boolean } = {},
): Promise<NamedConnection | undefined> {
  const wanted = name ?? (options.accountGiven ? undefined : env.SNOWFLAKE_DEFAULT_CONNECTION_NAME || undefined);
  if (!wanted) return undefined;
  const strict = name !== undefined;
  const path = connectionsFilePath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (!strict) return undefined;
    throw usageError(`Connection '${wanted}' was requested but ${path} cannot be read`, 'NO_CONNECTIONS_FILE', 'Create it, set SNOWFLAKE_HOME, or pass --account instead.');
  }
  const { parse } = await import('smol-toml');
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw usageError(`${path} is not valid TOML: ${reason}`, 'BAD_CONNECTIONS_FILE');
  }
  const entry = document[wanted];
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    if (!strict) return undefined;
    const known = Object.keys(document).filter((key) => typeof document[key] === 'object');
    throw usageError(`Connection '${wanted}' is not in ${path}`, 'UNKNOWN_CONNECTION', known.length ? `Known connections: ${known.join(', ')}` : undefined);
  }
  const warnings: string[] = [];
  const mode = (await stat(path)).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    warnings.push(`${path} is readable by other users; the Snowflake CLI requires chmod 0600 (it may hold secrets)`);
  }
  return { name: wanted, path, values: entry as Record<string, unknown>, warnings };
}
