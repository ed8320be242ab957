import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import fc from 'fast-check';
import { checkHost } from '../../src/core/host.js';
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
    ['env wins over the file', { allowInsecureHttp: true }, env, file, { account: 'env-acct', host: 'env.example', port: 9443, protocol: 'http', role: 'ENV_ROLE', warehouse: 'ENV_WH' }],
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
    expect(resolveSnowflakeSettings({ account: 'a', protocol, host: '127.0.0.1' }, {})?.protocol).toBe(expected);
  });
});

describe('the host is a bare host name, from every source (issue 9, defect 1)', () => {
  const hostile = [
    'evil.example/.snowflakecomputing.com',
    'evil.example\\.snowflakecomputing.com',
    'evil.example?.snowflakecomputing.com',
    'evil.example#.snowflakecomputing.com',
    'user@evil.example',
    'evil.example:443',
    'https://myorg-myacct.snowflakecomputing.com',
    'myorg acct.snowflakecomputing.com',
    'a..snowflakecomputing.com',
    '.snowflakecomputing.com',
    'myorg.snowflakecomputing.com.',
    '-bad.snowflakecomputing.com',
    'evil\u0000.snowflakecomputing.com',
    'évil.snowflakecomputing.com',
    '1.2.3.999',
    '0x7f.1',
    '1.2.3',
    '010.0.0.1',
    `${'a'.repeat(64)}.snowflakecomputing.com`,
  ];
  it.each(hostile)('%j is refused from --host, SNOWFLAKE_HOST and connections.toml (exit 2, BAD_HOST)', (host) => {
    expect(usageCode(() => resolveSnowflakeSettings({ account: 'a', host }, {}))).toBe('BAD_HOST');
    expect(usageCode(() => resolveSnowflakeSettings({ account: 'a' }, { SNOWFLAKE_HOST: host }))).toBe('BAD_HOST');
    expect(usageCode(() => resolveSnowflakeSettings({}, {}, { account: 'a', host }))).toBe('BAD_HOST');
  });

  it('the message names the source, and a URL gets "a host name, not a URL"', () => {
    expect(() => resolveSnowflakeSettings({ account: 'a' }, { SNOWFLAKE_HOST: 'x/y' })).toThrow(/\(SNOWFLAKE_HOST\) contains '\/'/);
    expect(() => resolveSnowflakeSettings({}, {}, { account: 'a', host: 'x?y' }, { sources: { file: "connection 'prod'" } })).toThrow(/connection 'prod', key host/);
    try {
      resolveSnowflakeSettings({ account: 'a', host: 'https://x.snowflakecomputing.com' }, {});
    } catch (error) {
      expect((error as WifError).hint).toMatch(/a host name, not a URL/);
    }
  });

  it('the host is checked before a missing account is reported', () => {
    expect(usageCode(() => resolveSnowflakeSettings({ host: 'evil.example/.snowflakecomputing.com' }, {}))).toBe('BAD_HOST');
  });

  it.each(['myorg-myacct.snowflakecomputing.com', 'xy12345.eu-west-1.privatelink.snowflakecomputing.com', 'my_org-acct.snowflakecomputing.cn', '127.0.0.1', 'localhost', 'snowflake.internal'])(
    '%j is accepted',
    (host) => {
      expect(resolveSnowflakeSettings({ account: 'a', host }, {})?.host).toBe(host);
    },
  );

  it('property: any host with a character outside [A-Za-z0-9_.-] is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[A-Za-z0-9_.-]/.test(c)), fc.string({ maxLength: 20 }), (before, bad, after) => {
        const check = checkHost(`${before}${bad}${after}.snowflakecomputing.com`);
        expect(check.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: whatever is accepted is a dot-joined list of DNS labels or an IPv4 address, so a URL parser sees the same host', () => {
    fc.assert(
      fc.property(fc.oneof(fc.domain(), fc.string({ maxLength: 40 }), fc.webUrl()), (value) => {
        const check = checkHost(value);
        if (check.ok) {
          expect(new URL(`https://${check.host}/session`).hostname).toBe(check.host.toLowerCase());
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('cleartext only to loopback (issue 9, defect 11)', () => {
  it.each([
    [{ account: 'a', protocol: 'http' }, {}],
    [{ account: 'a', protocol: 'http', host: 'myorg-myacct.snowflakecomputing.com' }, {}],
    [{ account: 'a', host: '10.0.0.5' }, { SNOWFLAKE_PROTOCOL: 'http' }],
    [{ account: 'a', host: 'localhost.evil.example', protocol: 'HTTP' }, {}],
  ] as const)('%j %j → INSECURE_PROTOCOL (exit 2)', (flags, env) => {
    expect(usageCode(() => resolveSnowflakeSettings(flags, env))).toBe('INSECURE_PROTOCOL');
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST'])('http to %j is allowed', (host) => {
    expect(resolveSnowflakeSettings({ account: 'a', protocol: 'http', host }, {})?.url).toBe(`http://${host}`);
  });

  it('--allow-insecure-http allows it', () => {
    expect(resolveSnowflakeSettings({ account: 'a', protocol: 'http', host: '10.0.0.5', allowInsecureHttp: true }, {})?.url).toBe('http://10.0.0.5');
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
