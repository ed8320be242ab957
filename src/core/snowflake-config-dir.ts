/**
 * Where the Snowflake CLI (and the Python connector it is built on) keeps connections.toml and
 * config.toml, as pure rules over facts the edge gathers (src/snowflake/config-files.ts):
 * - `SNOWFLAKE_HOME` (with `~` expanded), else `~/.snowflake`, when that directory exists;
 * - otherwise platformdirs' user config directory for the app "snowflake": Linux and other Unix
 *   `$XDG_CONFIG_HOME/snowflake` (a blank XDG_CONFIG_HOME counts as unset), else
 *   `~/.config/snowflake`; macOS `~/Library/Application Support/snowflake`; Windows
 *   `%LOCALAPPDATA%\snowflake` (`%USERPROFILE%\AppData\Local\snowflake`).
 * Sources: snowflake-connector-python `sf_dirs.py` (`_resolve_platform_dirs`: the home directory
 * when it exists, else `PlatformDirs(appname="snowflake", appauthor=False)`), and the Snowflake CLI
 * docs "Configuring Snowflake CLI", "Location of the .toml configuration file".
 */
import { posix, win32 } from 'node:path';

export interface ConfigDirFacts {
  /** The SNOWFLAKE_HOME variable, as set (may be undefined or blank). */
  snowflakeHome: string | undefined;
  /** The user's home directory (os.homedir()). */
  homeDir: string;
  /** process.platform */
  platform: string;
  /** XDG_CONFIG_HOME (Linux and other Unix only). */
  xdgConfigHome?: string | undefined;
  /** LOCALAPPDATA (Windows only). */
  localAppData?: string | undefined;
}

export interface ConfigDirs {
  /** SNOWFLAKE_HOME or ~/.snowflake: used when it exists. */
  home: string;
  /** The platform's config directory: used when `home` does not exist. */
  fallback: string;
}

/** `~` and `~/…` (on Windows also `~\…`) → under the home directory, as Python's os.path.expanduser does. */
export function expandHome(path: string, homeDir: string, platform: string): string {
  const join = platform === 'win32' ? win32.join : posix.join;
  if (path === '~') return homeDir;
  if (path.startsWith('~/') || (platform === 'win32' && path.startsWith('~\\'))) return join(homeDir, path.slice(2));
  return path;
}

/** Both candidate directories; `chooseConfigDir` picks one once the edge knows whether `home` exists. */
export function snowflakeConfigDirs(facts: ConfigDirFacts): ConfigDirs {
  const join = facts.platform === 'win32' ? win32.join : posix.join;
  const set = facts.snowflakeHome !== undefined && facts.snowflakeHome.trim() !== '';
  const home = set ? expandHome(facts.snowflakeHome ?? '', facts.homeDir, facts.platform) : join(facts.homeDir, '.snowflake');
  let fallback: string;
  if (facts.platform === 'win32') {
    const local = facts.localAppData?.trim() ? facts.localAppData : join(facts.homeDir, 'AppData', 'Local');
    fallback = join(local, 'snowflake');
  } else if (facts.platform === 'darwin') {
    fallback = join(facts.homeDir, 'Library', 'Application Support', 'snowflake');
  } else {
    const xdg = facts.xdgConfigHome?.trim() ? facts.xdgConfigHome.trim() : join(facts.homeDir, '.config');
    fallback = join(xdg, 'snowflake');
  }
  return { home, fallback };
}

export function chooseConfigDir(dirs: ConfigDirs, homeExists: boolean): string {
  return homeExists ? dirs.home : dirs.fallback;
}
