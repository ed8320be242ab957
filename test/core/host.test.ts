/**
 * The host rules (src/core/host.ts), one line per case, as the rules read (docs/testing.md):
 * which strings are a bare host name, what the refusal says, and which hosts count as loopback
 * (the only ones cleartext HTTP may go to without --allow-insecure-http).
 */
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { SNOWFLAKE_DOMAINS, checkHost, isAllowedSnowflakeHost, isLoopbackHost, parseHost } from '../../src/core/host.js';

const HINT = 'Give a bare host name such as myorg-myacct.snowflakecomputing.com (put the port in --port, the scheme in --protocol).';
const URL_HINT = 'Give a host name, not a URL: e.g. myorg-myacct.snowflakecomputing.com (the port goes in --port, the scheme in --protocol).';

describe('checkHost: IPv4 literals are accepted only as a plain dotted quad of 0-255', () => {
  it.each([
    '0.0.0.0',
    '1.2.3.4',
    '9.9.9.9',
    '10.0.0.5',
    '99.99.99.99',
    '100.100.100.100',
    '127.0.0.1',
    '172.16.0.1',
    '192.168.1.1',
    '199.199.199.199',
    '200.200.200.200',
    '203.0.113.7',
    '249.249.249.249',
    '250.250.250.250',
    '255.255.255.255',
    '1.22.199.255',
  ])('%s is an IPv4 address', (host) => {
    expect(checkHost(host)).toEqual({ ok: true, host });
  });

  it.each([
    ['an octet of 256', '256.0.0.1'],
    ['a last octet of 256', '1.2.3.256'],
    ['an octet of 260', '10.260.0.1'],
    ['an octet of 300', '300.1.1.1'],
    ['an octet of 999', '1.2.3.999'],
    ['a leading zero', '010.0.0.1'],
    ['a leading zero in the last octet', '1.2.3.04'],
    ['a doubled zero', '1.2.3.00'],
    ['three parts (1.2.0.3 to a URL parser)', '1.2.3'],
    ['two parts', '127.1'],
    ['one number (a 32-bit address to a URL parser)', '2130706433'],
    ['a single digit', '0'],
    ['five parts', '1.2.3.4.5'],
    ['a hexadecimal part (0x7f.1 is 127.0.0.1)', '0x7f.1'],
    ['a hexadecimal last label', 'a.0x1F'],
    ['a bare 0x last label', 'host.0x'],
    ['a numeric last label after a name', 'myorg.123'],
    ['a four-digit octet', '1.2.3.1000'],
  ])('%s: %s is refused as neither an IPv4 address nor a host name', (_name, host) => {
    expect(checkHost(host)).toEqual({ ok: false, reason: 'is not a valid IPv4 address or host name', hint: HINT });
  });
});

describe('checkHost: host names are DNS labels joined by single dots', () => {
  it.each([
    'myorg-myacct.snowflakecomputing.com',
    'xy12345.eu-west-1.privatelink.snowflakecomputing.com',
    'my_org-acct.snowflakecomputing.cn',
    'localhost',
    'a',
    '_',
    'a1',
    '_a_',
    'a-b',
    'a--b',
    '1a.example',
    'host.123abc',
    'host.0xg',
    'x.0x1g',
    `${'a'.repeat(63)}.example`,
    `${'a'.repeat(63)}`,
    `${'a.'.repeat(126)}a`, // 253 characters
  ])('%s is a host name', (host) => {
    expect(checkHost(host)).toEqual({ ok: true, host });
  });

  it.each([
    ['a leading dot', '.snowflakecomputing.com', 'has an empty label (a leading, trailing or doubled dot)'],
    ['a trailing dot', 'myorg.snowflakecomputing.com.', 'has an empty label (a leading, trailing or doubled dot)'],
    ['a doubled dot', 'a..snowflakecomputing.com', 'has an empty label (a leading, trailing or doubled dot)'],
    ['a dot alone', '.', 'has an empty label (a leading, trailing or doubled dot)'],
    ['a label starting with -', '-bad.snowflakecomputing.com', 'has a label that is not a DNS label (starts or ends with -)'],
    ['a label ending with -', 'bad-.snowflakecomputing.com', 'has a label that is not a DNS label (starts or ends with -)'],
    ['a last label of -', 'a.-', 'has a label that is not a DNS label (starts or ends with -)'],
    ['a label of 63 characters starting with -', `-${'a'.repeat(62)}.example`, 'has a label that is not a DNS label (starts or ends with -)'],
    ['a label of 64 characters', `${'a'.repeat(64)}.example`, 'has a label that is not a DNS label (over 63 characters)'],
    ['a single label of 64 characters', 'a'.repeat(64), 'has a label that is not a DNS label (over 63 characters)'],
    ['254 characters', `${'a.'.repeat(126)}ab`, 'is longer than 253 characters'],
    ['the empty string', '', 'is empty'],
  ])('%s: %j %s', (_name, host, reason) => {
    expect(checkHost(host)).toEqual({ ok: false, reason, hint: HINT });
  });
});

describe('checkHost: a URL, or any character outside [A-Za-z0-9_.-], is refused and named', () => {
  it.each([
    'https://myorg-myacct.snowflakecomputing.com',
    'http://127.0.0.1:8080',
    'HTTPS://X.example',
    'git+ssh://x.example',
    'a.b-c://x',
    'x://',
  ])('%s is a URL', (host) => {
    expect(checkHost(host)).toEqual({ ok: false, reason: 'is a URL', hint: URL_HINT });
  });

  it.each([
    ['a path: the driver would send the login to evil.example', 'evil.example/.snowflakecomputing.com', "contains '/'"],
    ['a backslash', 'evil.example\\.snowflakecomputing.com', "contains '\\'"],
    ['a query', 'evil.example?.snowflakecomputing.com', "contains '?'"],
    ['a fragment', 'evil.example#.snowflakecomputing.com', "contains '#'"],
    ['user info', 'user@evil.example', "contains '@'"],
    ['a port', 'evil.example:443', "contains ':'"],
    ['a scheme without a letter first', '1http://x', "contains ':'"],
    ['a tilde (U+007E, the last printable ASCII)', 'a~b', "contains '~'"],
    ['an exclamation mark (U+0021, the first printable ASCII after space)', 'a!b', "contains '!'"],
    ['a space', 'myorg acct.snowflakecomputing.com', 'contains a space'],
    ['NUL', 'evil\u0000.snowflakecomputing.com', 'contains a control character (U+0000)'],
    ['a tab', 'a\tb', 'contains a control character (U+0009)'],
    ['U+001F', 'a\u001fb', 'contains a control character (U+001F)'],
    ['DEL', 'a\u007fb', 'contains a control character (U+007F)'],
    ['a C1 control (CSI)', 'a\u009bb', 'contains a control character (U+009B)'],
    ['the last C1 control', 'a\u009fb', 'contains a control character (U+009F)'],
    ['a no-break space', 'a\u00a0b', 'contains a non-ASCII character (U+00A0; use the punycode form)'],
    ['an accented letter', 'évil.snowflakecomputing.com', 'contains a non-ASCII character (U+00E9; use the punycode form)'],
    ['a fullwidth full stop', 'evil\uff0eexample', 'contains a non-ASCII character (U+FF0E; use the punycode form)'],
    ['an emoji (one code point, not two halves)', 'a\u{1f600}b', 'contains a non-ASCII character (U+1F600; use the punycode form)'],
  ])('%s: %j %s', (_name, host, reason) => {
    expect(checkHost(host)).toEqual({ ok: false, reason, hint: HINT });
  });

  it('the first refused character is the one named', () => {
    expect(checkHost('a b/c')).toMatchObject({ reason: 'contains a space' });
    expect(checkHost('a/b c')).toMatchObject({ reason: "contains '/'" });
  });

  it('the checks apply in order: URL, empty, length, characters, IPv4, labels', () => {
    expect(checkHost(`https://${'a'.repeat(300)}`)).toMatchObject({ reason: 'is a URL' });
    expect(checkHost(`${'a'.repeat(300)}/`)).toMatchObject({ reason: 'is longer than 253 characters' });
    expect(checkHost('-a/')).toMatchObject({ reason: "contains '/'" });
  });
});

describe('parseHost: the host, or a usage error that names the source', () => {
  it.each(['myorg-myacct.snowflakecomputing.com', '127.0.0.1', 'localhost'])('%s is returned as it is', (host) => {
    expect(parseHost(host, '--host')).toBe(host);
  });

  function refusal(value: string, source: string): WifError {
    try {
      parseHost(value, source);
    } catch (error) {
      if (error instanceof WifError) return error;
      throw error;
    }
    throw new Error(`${value} was accepted`);
  }

  it.each([
    ['a path', 'evil.example/.x', '--host', "host 'evil.example/.x' (--host) contains '/': it must be a bare host name", HINT],
    ['a URL', 'https://x.example', 'SNOWFLAKE_HOST', "host 'https://x.example' (SNOWFLAKE_HOST) is a URL: it must be a bare host name", URL_HINT],
    ['80 characters are shown whole', `${'a'.repeat(79)}/`, '--host', `host '${'a'.repeat(79)}/' (--host) contains '/': it must be a bare host name`, HINT],
    ['81 characters are cut at 80', `${'a'.repeat(80)}/`, '--host', `host '${'a'.repeat(80)}…' (--host) contains '/': it must be a bare host name`, HINT],
  ])('%s', (_name, value, source, message, hint) => {
    const error = refusal(value, source);
    expect(error.message).toBe(message);
    expect(error.code).toBe('BAD_HOST');
    expect(error.kind).toBe('usage');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBe(hint);
  });
});

describe('isLoopbackHost: cleartext HTTP never leaves the machine', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['LocalHost', true],
    ['::1', true],
    ['[::1]', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['127.255.255.255', true],
    ['127.10.100.200', true],
    ['127.0.0.1.evil.example', false],
    ['127.0.0.1.', false],
    ['evil.127.0.0.1', false],
    ['x127.0.0.1', false],
    ['127.0.0', false],
    ['127.0.0.1234', false],
    ['127.0.0.', false],
    ['127.a.0.1', false],
    ['127x0.0.1', false],
    ['1270.0.0.1', false],
    ['128.0.0.1', false],
    ['10.0.0.5', false],
    ['0.0.0.0', false],
    ['localhost.evil.example', false],
    ['evil-localhost', false],
    ['localhost.', false],
    ['::2', false],
    ['::1.evil.example', false],
    ['[::1].evil.example', false],
    ['myorg-myacct.snowflakecomputing.com', false],
    ['', false],
  ])('%j → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('isAllowedSnowflakeHost: normalised as the driver does', () => {
  it.each([
    ['the three Snowflake domains', SNOWFLAKE_DOMAINS.join(','), true],
    ['a port is ignored', 'acct.snowflakecomputing.com:443', true],
    ['surrounding spaces are ignored', '  acct.snowflakecomputing.com  ', true],
    ['upper case', 'ACCT.SNOWFLAKECOMPUTING.CN', true],
    ['a trailing dot', 'acct.snowflakecomputing.mil.', true],
    ['another top-level domain', 'acct.snowflakecomputing.net', false],
    ['the suffix inside a label', 'acct.snowflakecomputing.com-evil.example', false],
  ])('%s: %s → %s', (_name, host, allowed) => {
    for (const one of host.split(',')) expect(isAllowedSnowflakeHost(one, undefined)).toBe(allowed);
  });

  it.each([
    ['a suffix with a port', 'proxy.example.internal', 'example.internal:8443', true],
    ['a suffix in upper case, with spaces', 'proxy.example.internal', '  EXAMPLE.INTERNAL ', true],
    ['a suffix with a trailing dot', 'proxy.example.internal', 'example.internal.', true],
    ['an empty list', 'proxy.example.internal', '', false],
    ['a host that only ends like the suffix', 'proxyexample.internal', 'example.internal', false],
  ])('%s: %s with %j → %s', (_name, host, suffixes, allowed) => {
    expect(isAllowedSnowflakeHost(host, suffixes)).toBe(allowed);
  });

  it('the Snowflake domains are exactly those the driver knows', () => {
    expect(SNOWFLAKE_DOMAINS).toEqual(['snowflakecomputing.com', 'snowflakecomputing.cn', 'snowflakecomputing.mil']);
  });
});
