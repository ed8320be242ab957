import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { parseImpersonationPath, resolveSnowflakeSettings } from '../../src/core/snowflake-settings.js';

function usageCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WifError);
    expect((error as WifError).exitCode).toBe(2);
    return (error as WifError).code;
  }
  return undefined;
}

describe('resolveSnowflakeSettings: flags > env > connections.toml', () => {
  const file = { account: 'file-acct', host: 'file.example', port: 8443, protocol: 'https', role: 'FILE_ROLE', warehouse: 'FILE_WH', password: 'never-used' };
  const env = {
    SNOWFLAKE_ACCOUNT: 'env-acct',
    SNOWFLAKE_HOST: 'env.example',
    SNOWFLAKE_PORT: '9443',
    SNOWFLAKE_PROTOCOL: 'http',
    SNOWFLAKE_ROLE: 'ENV_ROLE',
    SNOWFLAKE_WAREHOUSE: 'ENV_WH',
  };
  const flags = { account: 'flag-acct', host: 'flag.example', port: '10443', protocol: 'https', role: 'FLAG_ROLE', warehouse: 'FLAG_WH' };

  it.each([
    ['flags win over env and file', flags, env, file, { account: 'flag-acct', host: 'flag.example', port: 10443, protocol: 'https', role: 'FLAG_ROLE', warehouse: 'FLAG_WH' }],
    ['env wins over the file', {}, env, file, { account: 'env-acct', host: 'env.example', port: 9443, protocol: 'http', role: 'ENV_ROLE', warehouse: 'ENV_WH' }],
    ['the file fills the rest (numeric port)', {}, {}, file, { account: 'file-acct', host: 'file.example', port: 8443, protocol: 'https', role: 'FILE_ROLE', warehouse: 'FILE_WH' }],
    ['per key, not per source', { role: 'FLAG_ROLE' }, { SNOWFLAKE_HOST: 'env.example' }, file, { account: 'file-acct', host: 'env.example', port: 8443, role: 'FLAG_ROLE', warehouse: 'FILE_WH' }],
    ['blank flags and env values are skipped', { account: '  ', role: '' }, { SNOWFLAKE_ACCOUNT: '', SNOWFLAKE_ROLE: ' ' }, file, { account: 'file-acct', role: 'FILE_ROLE' }],
    ['values are trimmed', { account: ' myorg-acct ' }, {}, {}, { account: 'myorg-acct', host: undefined, port: undefined, protocol: undefined, role: undefined, warehouse: undefined }],
  ] as const)('%s', (_name, f, e, fileEntry, expected) => {
    expect(resolveSnowflakeSettings(f, e, fileEntry)).toMatchObject(expected);
  });

  it('builds the URL the driver will use', () => {
    expect(resolveSnowflakeSettings({ account: 'myorg-acct' }, {})?.url).toBe('https://myorg-acct.snowflakecomputing.com');
    expect(resolveSnowflakeSettings({ account: 'a', host: '127.0.0.1', port: '8080', protocol: 'HTTP' }, {})).toMatchObject({
      protocol: 'http',
      url: 'http://127.0.0.1:8080',
    });
  });

  it('ignores keys it does not use (secrets in connections.toml)', () => {
    const settings = resolveSnowflakeSettings({}, {}, file);
    expect(JSON.stringify(settings)).not.toContain('never-used');
  });

  it('a missing account is a usage error (exit 2), unless the caller allows it', () => {
    expect(usageCode(() => resolveSnowflakeSettings({ host: 'x.example' }, { SNOWFLAKE_HOST: 'y' }, { role: 'R' }))).toBe('MISSING_ACCOUNT');
    expect(resolveSnowflakeSettings({}, {}, {}, { requireAccount: false })).toBeUndefined();
  });

  it.each([
    ['0', 'BAD_PORT'],
    ['65536', 'BAD_PORT'],
    ['-1', 'BAD_PORT'],
    ['80a', 'BAD_PORT'],
    ['1e3', 'BAD_PORT'],
    ['443.5', 'BAD_PORT'],
  ])('port %j is refused', (port, code) => {
    expect(usageCode(() => resolveSnowflakeSettings({ account: 'a', port }, {}))).toBe(code);
    expect(usageCode(() => resolveSnowflakeSettings({ account: 'a' }, { SNOWFLAKE_PORT: port }))).toBe(code);
  });

  it.each([['1', 1], ['443', 443], ['65535', 65535], [' 8080 ', 8080]] as const)('port %j is accepted', (port, expected) => {
    expect(resolveSnowflakeSettings({ account: 'a', port }, {})?.port).toBe(expected);
  });

  it('a bad port in connections.toml is refused too', () => {
    expect(usageCode(() => resolveSnowflakeSettings({}, {}, { account: 'a', port: 70000 }))).toBe('BAD_PORT');
  });

  it.each(['ftp', 'tcp', 'https:', 'http://'])('protocol %j is refused', (protocol) => {
    expect(usageCode(() => resolveSnowflakeSettings({ account: 'a', protocol }, {}))).toBe('BAD_PROTOCOL');
  });

  it.each([['http', 'http'], ['HTTPS', 'https'], ['Http', 'http']] as const)('protocol %j → %j', (protocol, expected) => {
    expect(resolveSnowflakeSettings({ account: 'a', protocol }, {})?.protocol).toBe(expected);
  });
});

describe('parseImpersonationPath', () => {
  const A = 'arn:aws:iam::123456789012:role/a';
  const B = 'arn:aws:iam::123456789012:role/path/b';
  it.each([
    ['absent', undefined, []],
    ['empty', '', []],
    ['one ARN', A, [A]],
    ['a comma list, in order', `${A},${B}`, [A, B]],
    ['spaces and empty items are dropped', ` ${A} , ,${B}, `, [A, B]],
    ['an array (Lambda event)', [A, ` ${B} `, ''], [A, B]],
  ] as const)('%s', (_name, value, expected) => {
    expect(parseImpersonationPath(value)).toEqual(expected);
  });

  it.each([
    ['not an ARN', 'notanarn', /'notanarn' is not an IAM role ARN \(not an ARN/],
    ['an IAM user', 'arn:aws:iam::123456789012:user/alice', /'arn:aws:iam::123456789012:user\/alice' is not an IAM role ARN$/],
    ['an assumed-role session', `${A},arn:aws:sts::123456789012:assumed-role/r/s`, /assumed-role\/r\/s' is not an IAM role ARN/],
  ])('refuses %s with a usage error (exit 2)', (_name, value, message) => {
    expect(() => parseImpersonationPath(value)).toThrow(message);
    try {
      parseImpersonationPath(value);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'usage', code: 'BAD_IMPERSONATION_PATH', exitCode: 2 });
    }
  });
});
