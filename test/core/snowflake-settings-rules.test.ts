/**
 * Where the login goes (src/core/snowflake-settings.ts), one line per value: which account
 * identifiers, ports and protocols are accepted, what a refusal says, and the URL the driver is
 * pointed at. An account identifier ends up in the host name the driver builds
 * (<account>.snowflakecomputing.com), so it may hold nothing but [A-Za-z0-9_.-].
 */
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { resolveSnowflakeSettings, type SnowflakeFlags } from '../../src/core/snowflake-settings.js';

function refusal(flags: SnowflakeFlags, env: Record<string, string> = {}, file?: Record<string, unknown>): WifError {
  try {
    resolveSnowflakeSettings(flags, env, file);
  } catch (error) {
    if (error instanceof WifError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(flags)}`);
}

const ACCOUNT_HINT = 'Give the account identifier, e.g. --account myorg-myacct (or xy12345.eu-west-1); put a full host name in --host.';

describe('the account identifier', () => {
  it.each(['myorg-myacct', 'xy12345.eu-west-1', 'xy12345.eu-west-1.aws', 'MYORG_MYACCT', 'a', '0', 'my.org-acct_1'])('%j is an account identifier', (account) => {
    expect(resolveSnowflakeSettings({ account }, {})).toMatchObject({ account, url: `https://${account}.snowflakecomputing.com` });
  });

  it.each([
    ['a path (the driver would build evil.example/.snowflakecomputing.com)', 'evil.example/', "account 'evil.example/' is not an account identifier"],
    ['a query', 'acct?x', "account 'acct?x' is not an account identifier"],
    ['a fragment', 'acct#x', "account 'acct#x' is not an account identifier"],
    ['user info', 'me@evil.example', "account 'me@evil.example' is not an account identifier"],
    ['a port', 'acct:443', "account 'acct:443' is not an account identifier"],
    ['a space', 'my acct', "account 'my acct' is not an account identifier"],
    ['a backslash', 'a\\b', "account 'a\\b' is not an account identifier"],
    ['a non-ASCII letter', 'ácct', "account 'ácct' is not an account identifier"],
    ['a character before the first allowed one', 'acct!', "account 'acct!' is not an account identifier"],
    ['a URL', 'https://myorg-myacct.snowflakecomputing.com', "account 'https://myorg-myacct.snowflakecomputing.com' is a URL or host name, not an account identifier"],
    ['a URL of another scheme', 'git+ssh://x', "account 'git+ssh://x' is a URL or host name, not an account identifier"],
    ['a .com host name', 'myorg-myacct.snowflakecomputing.com', "account 'myorg-myacct.snowflakecomputing.com' is a URL or host name, not an account identifier"],
    ['a .cn host name', 'acct.SNOWFLAKECOMPUTING.CN', "account 'acct.SNOWFLAKECOMPUTING.CN' is a URL or host name, not an account identifier"],
    ['a .mil host name', 'acct.snowflakecomputing.mil', "account 'acct.snowflakecomputing.mil' is a URL or host name, not an account identifier"],
    ['a fully qualified .com host name (trailing dot)', 'myorg-myacct.snowflakecomputing.com.', "account 'myorg-myacct.snowflakecomputing.com.' is a URL or host name, not an account identifier"],
    ['a fully qualified .cn host name', 'acct.snowflakecomputing.cn.', "account 'acct.snowflakecomputing.cn.' is a URL or host name, not an account identifier"],
    ['a fully qualified .mil host name', 'acct.snowflakecomputing.mil.', "account 'acct.snowflakecomputing.mil.' is a URL or host name, not an account identifier"],
  ])('%s: %j', (_name, account, message) => {
    const error = refusal({ account });
    expect({ message: error.message, code: error.code, hint: error.hint, exitCode: error.exitCode }).toEqual({ message, code: 'BAD_ACCOUNT', hint: ACCOUNT_HINT, exitCode: 2 });
  });

  it.each([
    ['a name ending like a Snowflake domain, but not one', 'acct.snowflakecomputing.community'],
    ['snowflakecomputing.com as a prefix', 'snowflakecomputing.com.acct'],
    ['a Snowflake domain followed by more than a dot', 'acct.snowflakecomputing.mil.x'],
  ])('%s is an identifier (the driver appends the domain): %j', (_name, account) => {
    expect(resolveSnowflakeSettings({ account }, {})?.account).toBe(account);
  });

  it('no account anywhere', () => {
    const error = refusal({});
    expect({ message: error.message, code: error.code, hint: error.hint }).toEqual({
      message: 'No Snowflake account given',
      code: 'MISSING_ACCOUNT',
      hint: 'Pass --account orgname-accountname, set SNOWFLAKE_ACCOUNT, or name a connection with --connection.',
    });
  });

  it.each([['   '], ['']])('an account of %j is no account', (account) => {
    expect(refusal({ account }).code).toBe('MISSING_ACCOUNT');
    expect(resolveSnowflakeSettings({ account }, {}, undefined, { requireAccount: false })).toBeUndefined();
  });
});

describe('the port', () => {
  it.each([
    ['1', 1],
    ['443', 443],
    ['65535', 65_535],
    ['08443', 8_443],
    [' 8443 ', 8_443],
  ])('%j → %i', (port, number) => {
    expect(resolveSnowflakeSettings({ account: 'a', port }, {})).toMatchObject({ port: number, url: `https://a.snowflakecomputing.com:${number}` });
  });

  it('a port from connections.toml may be a number', () => {
    expect(resolveSnowflakeSettings({}, {}, { account: 'a', port: 8443 })?.port).toBe(8_443);
  });

  it.each([['0'], ['65536'], ['-1'], ['1e3'], ['443.0'], ['0x1bb'], ['port']])('%j is refused (exit 2, BAD_PORT)', (port) => {
    const error = refusal({ account: 'a', port });
    expect({ message: error.message, code: error.code }).toEqual({ message: `port '${port}' is not a TCP port (1-65535)`, code: 'BAD_PORT' });
  });
});

describe('the protocol and the URL', () => {
  it.each([
    [{ account: 'a' }, undefined, 'https://a.snowflakecomputing.com'],
    [{ account: 'a', protocol: 'https' }, 'https', 'https://a.snowflakecomputing.com'],
    [{ account: 'a', protocol: 'HTTPS' }, 'https', 'https://a.snowflakecomputing.com'],
    [{ account: 'a', protocol: 'Http', host: 'localhost', port: '8080' }, 'http', 'http://localhost:8080'],
    [{ account: 'a', host: 'myorg-myacct.privatelink.snowflakecomputing.com' }, undefined, 'https://myorg-myacct.privatelink.snowflakecomputing.com'],
  ] as const)('%j → %s, %s', (flags, protocol, url) => {
    expect(resolveSnowflakeSettings(flags, {})).toMatchObject({ protocol, url });
  });

  it('an empty protocol is no protocol', () => {
    expect(resolveSnowflakeSettings({ account: 'a', protocol: '' }, {})?.protocol).toBeUndefined();
  });

  it.each([['ftp'], ['https:'], ['HTTP2']])('protocol %j is refused (exit 2, BAD_PROTOCOL)', (protocol) => {
    const error = refusal({ account: 'a', protocol });
    expect({ message: error.message, code: error.code }).toEqual({ message: `protocol '${protocol}' must be http or https`, code: 'BAD_PROTOCOL' });
  });

  it.each([
    ['no host: the account host', { account: 'myacct', protocol: 'http' }, {}, "protocol http (--protocol) would send the login to myacct.snowflakecomputing.com unencrypted"],
    ['from the environment', { account: 'a', host: '10.0.0.5' }, { SNOWFLAKE_PROTOCOL: 'http' }, 'protocol http (SNOWFLAKE_PROTOCOL) would send the login to 10.0.0.5 unencrypted'],
    ['a name that starts like loopback', { account: 'a', protocol: 'http', host: '127.0.0.1.evil.example' }, {}, 'protocol http (--protocol) would send the login to 127.0.0.1.evil.example unencrypted'],
    ['--allow-insecure-http false', { account: 'a', protocol: 'http', host: '10.0.0.5', allowInsecureHttp: false }, {}, 'protocol http (--protocol) would send the login to 10.0.0.5 unencrypted'],
  ] as const)('cleartext to a remote host is refused: %s', (_name, flags, env, message) => {
    const error = refusal(flags, env);
    expect({ message: error.message, code: error.code, hint: error.hint }).toEqual({
      message,
      code: 'INSECURE_PROTOCOL',
      hint: 'Use https (the default). Cleartext is allowed only to a loopback address (127.0.0.1, ::1, localhost), or with --allow-insecure-http if you really mean it.',
    });
  });

  it('a connection file names its source in the messages', () => {
    const error = refusal({}, {}, { account: 'a', protocol: 'http', host: '10.0.0.5' });
    expect(error.message).toBe('protocol http (the connection, key protocol) would send the login to 10.0.0.5 unencrypted');
  });
});

describe('role and warehouse: trimmed, from the first source that sets them', () => {
  it.each([
    [{ account: 'a', role: ' LOADER ', warehouse: ' WH ' }, {}, { role: 'LOADER', warehouse: 'WH' }],
    [{ account: 'a', role: '  ' }, { SNOWFLAKE_ROLE: 'ENV_ROLE' }, { role: 'ENV_ROLE', warehouse: undefined }],
    [{ account: 'a' }, {}, { role: undefined, warehouse: undefined }],
  ])('%j %j → %j', (flags, env, fields) => {
    expect(resolveSnowflakeSettings(flags, env)).toMatchObject(fields);
  });
});
