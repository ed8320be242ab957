/**
 * Reads a named connection from connections.toml, the file the Snowflake CLI and drivers share:
 * $SNOWFLAKE_HOME/connections.toml, else ~/.snowflake/connections.toml.
 * Only the keys wif-check needs are used; secrets in the file are never read out or printed.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';
import { BoundedReadError, DEFAULT_READ_TIMEOUT_MS, formatBytes, readBoundedFile, type BoundedFile } from '../fs/read-bounded.js';

/** Far above any real connections.toml (a few KiB), far below what would hurt to parse. */
export const MAX_CONNECTIONS_FILE_BYTES = 1024 * 1024;

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
 *
 * A file that is there but cannot be read safely (a FIFO, a device, a directory, over
 * MAX_CONNECTIONS_FILE_BYTES, or not read within `timeoutMs`) is a usage error in both cases, as
 * invalid TOML is: it is a broken file, not a missing one, and waiting on it would hang.
 */
export async function loadNamedConnection(
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: { accountGiven?: boolean; timeoutMs?: number } = {},
): Promise<NamedConnection | undefined> {
  const wanted = name ?? (options.accountGiven ? undefined : env.SNOWFLAKE_DEFAULT_CONNECTION_NAME || undefined);
  if (!wanted) return undefined;
  const strict = name !== undefined;
  const path = connectionsFilePath(env);
  let file: BoundedFile;
  try {
    file = await readBoundedFile(path, { maxBytes: MAX_CONNECTIONS_FILE_BYTES, timeoutMs: options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof BoundedReadError && (error.reason === 'not-regular' || error.reason === 'too-large' || error.reason === 'timeout')) {
      const origin = strict ? `connection '${wanted}'` : `connection '${wanted}' from SNOWFLAKE_DEFAULT_CONNECTION_NAME`;
      throw usageError(
        `${path} (${origin}) ${error.detail}`,
        'BAD_CONNECTIONS_FILE',
        `connections.toml must be a regular file of at most ${formatBytes(MAX_CONNECTIONS_FILE_BYTES)}: fix it, set SNOWFLAKE_HOME to another directory, or pass --account instead.`,
      );
    }
    if (!strict) return undefined;
    throw usageError(`Connection '${wanted}' was requested but ${path} cannot be read`, 'NO_CONNECTIONS_FILE', 'Create it, set SNOWFLAKE_HOME, or pass --account instead.');
  }
  const { parse } = await import('smol-toml');
  let document: Record<string, unknown>;
  try {
    document = parse(file.text) as Record<string, unknown>;
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
  if (process.platform !== 'win32' && (file.mode & 0o077) !== 0) {
    warnings.push(`${path} is readable by other users; the Snowflake CLI requires chmod 0600 (it may hold secrets)`);
  }
  return { name: wanted, path, values: entry as Record<string, unknown>, warnings };
}
