import { describe, expect, it } from 'vitest';
import { chooseConfigDir, expandHome, snowflakeConfigDirs, type ConfigDirFacts } from '../../src/core/snowflake-config-dir.js';

const linux = (facts: Partial<ConfigDirFacts> = {}): ConfigDirFacts => ({ snowflakeHome: undefined, homeDir: '/home/ana', platform: 'linux', ...facts });

describe('where the Snowflake CLI keeps connections.toml and config.toml (sf_dirs.py, platformdirs)', () => {
  it.each([
    ['Linux, nothing set', linux(), { home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }],
    ['Linux, XDG_CONFIG_HOME', linux({ xdgConfigHome: '/xdg' }), { home: '/home/ana/.snowflake', fallback: '/xdg/snowflake' }],
    ['Linux, XDG_CONFIG_HOME padded', linux({ xdgConfigHome: ' /xdg ' }), { home: '/home/ana/.snowflake', fallback: '/xdg/snowflake' }],
    ['Linux, blank XDG_CONFIG_HOME counts as unset', linux({ xdgConfigHome: '  ' }), { home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }],
    ['Linux, empty XDG_CONFIG_HOME', linux({ xdgConfigHome: '' }), { home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }],
    ['SNOWFLAKE_HOME', linux({ snowflakeHome: '/srv/sf' }), { home: '/srv/sf', fallback: '/home/ana/.config/snowflake' }],
    ['SNOWFLAKE_HOME with ~', linux({ snowflakeHome: '~/sf' }), { home: '/home/ana/sf', fallback: '/home/ana/.config/snowflake' }],
    ['blank SNOWFLAKE_HOME counts as unset', linux({ snowflakeHome: ' ' }), { home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }],
    ['empty SNOWFLAKE_HOME', linux({ snowflakeHome: '' }), { home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }],
    ['FreeBSD is Unix', linux({ platform: 'freebsd' }), { home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }],
    ['macOS ignores XDG', linux({ platform: 'darwin', homeDir: '/Users/ana', xdgConfigHome: '/xdg' }), { home: '/Users/ana/.snowflake', fallback: '/Users/ana/Library/Application Support/snowflake' }],
    ['Windows, LOCALAPPDATA', { snowflakeHome: undefined, homeDir: 'C:\\Users\\ana', platform: 'win32', localAppData: 'D:\\Local' }, { home: 'C:\\Users\\ana\\.snowflake', fallback: 'D:\\Local\\snowflake' }],
    ['Windows, no LOCALAPPDATA', { snowflakeHome: undefined, homeDir: 'C:\\Users\\ana', platform: 'win32' }, { home: 'C:\\Users\\ana\\.snowflake', fallback: 'C:\\Users\\ana\\AppData\\Local\\snowflake' }],
    ['Windows, blank LOCALAPPDATA', { snowflakeHome: undefined, homeDir: 'C:\\Users\\ana', platform: 'win32', localAppData: ' ' }, { home: 'C:\\Users\\ana\\.snowflake', fallback: 'C:\\Users\\ana\\AppData\\Local\\snowflake' }],
    ['Windows ignores XDG', { snowflakeHome: 'E:\\sf', homeDir: 'C:\\Users\\ana', platform: 'win32', xdgConfigHome: '/xdg' }, { home: 'E:\\sf', fallback: 'C:\\Users\\ana\\AppData\\Local\\snowflake' }],
  ])('%s', (_name, facts, dirs) => {
    expect(snowflakeConfigDirs(facts)).toEqual(dirs);
  });

  it.each([
    ['~', 'linux', '/home/ana'],
    ['~/sf', 'linux', '/home/ana/sf'],
    ['~sf', 'linux', '~sf'],
    ['/abs/~/x', 'linux', '/abs/~/x'],
    ['~\\sf', 'linux', '~\\sf'],
    ['~\\sf', 'win32', '\\home\\ana\\sf'],
    ['~/sf', 'win32', '\\home\\ana\\sf'],
  ])('expandHome(%j) on %s = %j', (path, platform, expanded) => {
    expect(expandHome(path, '/home/ana', platform)).toBe(expanded);
  });

  it.each([
    [true, '/home/ana/.snowflake'],
    [false, '/home/ana/.config/snowflake'],
  ])('the home directory when it exists (%s), else the platform directory', (exists, dir) => {
    expect(chooseConfigDir({ home: '/home/ana/.snowflake', fallback: '/home/ana/.config/snowflake' }, exists)).toBe(dir);
  });
});
