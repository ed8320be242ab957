/**
 * The redaction rules (src/core/redact.ts) as a specification, one line per case: what a server
 * (or an attacker who controls one) can send back, and exactly what wif-check prints of it.
 * Each shape is given at its edges: the shortest text that is still the secret, the longest that
 * is not, and the secret with ordinary text on both sides (nothing of it may be left over).
 * docs/testing.md lists the few mutants of redact.ts no input can tell apart.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SERVER_TEXT, REDACTED, knownForms, redactForms, redactKnown, redactSecrets, secretForms, serverText } from '../../src/core/redact.js';

const R = '[redacted]';
const HEX64 = '0123456789abcdef'.repeat(4);
const JWT_HEADER = 'eyJhbGciOiJFUzM4NCIsImtpZCI6ImsxIn0';
const JWT_PAYLOAD = 'eyJzdWIiOiJhcm46YXdzOmlhbTo6MTIzNDU2Nzg5MDEyOnJvbGUvciJ9';
const JWT_SIGNATURE = 'MEUCIQDx3-uT7v_0aPpQhZ9s1mL2k4rB8yJ6nW5eC0fG1hI2jA';
const JWT = `${JWT_HEADER}.${JWT_PAYLOAD}.${JWT_SIGNATURE}`;

describe('the redaction marker', () => {
  it('is [redacted]', () => {
    expect(REDACTED).toBe(R);
  });
});

describe('a SigV4 signature (Signature= and at least 16 hex digits, any case)', () => {
  it.each([
    ['64 hex digits, as SigV4 writes it', `Signature=${HEX64}`, R],
    ['inside an Authorization header', `AWS4-HMAC-SHA256 Credential=ASIA/20261201/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=${HEX64}`, `AWS4-HMAC-SHA256 Credential=ASIA/20261201/eu-west-1/sts/aws4_request, SignedHeaders=host, ${R}`],
    ['16 hex digits, the shortest', 'Signature=0123456789abcdef', R],
    ['17 hex digits', 'Signature=0123456789abcdef0', R],
    ['upper-case hex digits', `Signature=${HEX64.toUpperCase()}`, R],
    ['every hex digit', 'Signature=0123456789abcdefABCDEF', R],
    ['upper-case name', 'SIGNATURE=0123456789ABCDEF', R],
    ['followed by text', `Signature=${HEX64}&X-Amz-Date=20261201T000000Z`, `${R}&X-Amz-Date=20261201T000000Z`],
    ['followed by a non-hex letter', 'Signature=0123456789abcdefg', `${R}g`],
    ['two signatures', 'Signature=0123456789abcdef and Signature=fedcba9876543210', `${R} and ${R}`],
    ['15 hex digits is not a signature', 'Signature=0123456789abcde', 'Signature=0123456789abcde'],
    ['non-hex letters are not a signature', 'Signature=ghijklmnopqrstuvwxyz', 'Signature=ghijklmnopqrstuvwxyz'],
    ['a signature with no name is ordinary text', '0123456789abcdef', '0123456789abcdef'],
  ])('%s', (_name, text, printed) => {
    expect(redactSecrets(text)).toBe(printed);
  });
});

describe('a JWT (eyJ…, three dot-separated base64url parts; the third may be empty)', () => {
  it.each([
    ['a signed token', JWT, R],
    ['a token in a sentence', `token ${JWT} was rejected`, `token ${R} was rejected`],
    ['a token in JSON', `{"id_token":"${JWT}"}`, `{"id_token":"${R}"}`],
    ['an unsigned token (alg none): the third part is empty', `${JWT_HEADER}.${JWT_PAYLOAD}.`, R],
    ['base64url characters - and _ in every part', 'eyJ-_aaaaaa.b-_bbbbbb.c-_c', R],
    ['the shortest header and payload (8 characters after eyJ, 8 after the dot)', 'eyJabcdefgh.abcdefgh.sig', R],
    ['two tokens', `${JWT} ${JWT}`, `${R} ${R}`],
    ['after a non-word character', `(${JWT})`, `(${R})`],
    ['a header of 7 characters after eyJ is not a JWT', 'eyJabcdefg.abcdefgh.sig', 'eyJabcdefg.abcdefgh.sig'],
    ['a payload of 7 characters is not a JWT', 'eyJabcdefgh.abcdefg.sig', 'eyJabcdefgh.abcdefg.sig'],
    ['two parts are not a JWT', 'eyJabcdefgh.abcdefgh', 'eyJabcdefgh.abcdefgh'],
    ['eyJ inside a word is not the start of a JWT', 'keyJobSettings.enabledFlag.value', 'keyJobSettings.enabledFlag.value'],
    ['a part with a character outside base64url ends it', 'eyJabc!defgh.abcdefgh.sig', 'eyJabc!defgh.abcdefgh.sig'],
  ])('%s', (_name, text, printed) => {
    expect(redactSecrets(text)).toBe(printed);
  });
});

describe('a Snowflake session token header (Snowflake Token="…")', () => {
  it.each([
    ['the driver\'s Authorization header', 'Authorization: Snowflake Token="ver:1-hint:123-ETMsDgAAAAA+a/b="', `Authorization: ${R}`],
    ['an empty token', 'Snowflake Token=""', R],
    ['a one-character token', 'Snowflake Token="x"', R],
    ['any case', 'snowflake token="ver:1-hint:2-abc"', R],
    ['a token with spaces in it', 'Snowflake Token="a b c" rest', `${R} rest`],
    ['two headers', 'Snowflake Token="a", Snowflake Token="b"', `${R}, ${R}`],
    ['the token ends at the first quote', 'Snowflake Token="abc"def"', `${R}def"`],
  ])('%s', (_name, text, printed) => {
    expect(redactSecrets(text)).toBe(printed);
  });
});

describe('a secret passed by name (name, separator, then at least 8 characters): the name and separator stay', () => {
  const VALUE = 'wJalrXUtnFEMI/K7MDENG';
  it.each([
    ['aws_secret_access_key', `aws_secret_access_key=${VALUE}`, `aws_secret_access_key=${R}`],
    ['aws_session_token', `aws_session_token=${VALUE}`, `aws_session_token=${R}`],
    ['x-amz-security-token', `x-amz-security-token: ${VALUE}`, `x-amz-security-token: ${R}`],
    ['X-Amz-Security-Token (any case)', `X-Amz-Security-Token: ${VALUE}`, `X-Amz-Security-Token: ${R}`],
    ['SecretAccessKey (STS JSON)', `"SecretAccessKey":"${VALUE}"`, `"SecretAccessKey":"${R}"`],
    ['SessionToken (STS JSON)', `"SessionToken": "${VALUE}"`, `"SessionToken": "${R}"`],
    ['masterToken (a Snowflake login response)', `"masterToken":"${VALUE}"`, `"masterToken":"${R}"`],
    ['token', `"token":"${VALUE}"`, `"token":"${R}"`],
    ['AWS_SECRET_ACCESS_KEY (upper case)', `AWS_SECRET_ACCESS_KEY=${VALUE}`, `AWS_SECRET_ACCESS_KEY=${R}`],
    ['single quotes', `token='${VALUE}'`, `token='${R}'`],
    ['spaces around the separator', `token = ${VALUE}`, `token = ${R}`],
    ['a colon and a quote', `token: "${VALUE}"`, `token: "${R}"`],
    ['exactly 8 characters', 'token=abcdefgh', `token=${R}`],
    ['the value ends at a space', `token=${VALUE} next`, `token=${R} next`],
    ['the value ends at &', `token=${VALUE}&next=1`, `token=${R}&next=1`],
    ['the value ends at a comma', `token=${VALUE},next`, `token=${R},next`],
    ['the value ends at }', `{token=${VALUE}}`, `{token=${R}}`],
    ['the value ends at a double quote', `token=${VALUE}"x`, `token=${R}"x`],
    ["the value ends at a single quote", `token=${VALUE}'x`, `token=${R}'x`],
    ['a value that starts like a JWT header (a cut token)', '{"token":"eyJhbGciOiJFUzM4NCJ9"}', `{"token":"${R}"}`],
    ['a value with Signature in it', 'token=abcSignature0123', `token=${R}`],
    ['two in one text', `aws_session_token=${VALUE}&token=${VALUE}`, `aws_session_token=${R}&token=${R}`],
    ['7 characters are not a secret by shape', 'token=abcdefg', 'token=abcdefg'],
    ['a name without a separator is ordinary text', 'token abcdefghij', 'token abcdefghij'],
  ])('%s', (_name, text, printed) => {
    expect(redactSecrets(text)).toBe(printed);
  });
});

describe('any long base64-ish run (64 or more of A-Z a-z 0-9 + / _ -, with its = padding)', () => {
  it.each([
    ['64 characters', `x ${'A'.repeat(64)} y`, `x ${R} y`],
    ['80 characters', `x ${'A'.repeat(80)} y`, `x ${R} y`],
    ['with one = of padding', `x ${'A'.repeat(64)}= y`, `x ${R} y`],
    ['with two = of padding', `x ${'A'.repeat(64)}== y`, `x ${R} y`],
    ['a third = is not padding', `x ${'A'.repeat(64)}=== y`, `x ${R}= y`],
    ['every base64 and base64url character', `x ${'aZ09+/_-'.repeat(8)} y`, `x ${R} y`],
    ['63 characters are ordinary text', `x ${'A'.repeat(63)} y`, `x ${'A'.repeat(63)} y`],
    ['a run broken by a dot is two runs', `x ${'A'.repeat(40)}.${'B'.repeat(40)} y`, `x ${'A'.repeat(40)}.${'B'.repeat(40)} y`],
  ])('%s', (_name, text, printed) => {
    expect(redactSecrets(text)).toBe(printed);
  });
});

describe('known secrets: every exact occurrence, and every run holding a 12-character piece of a long one', () => {
  const SECRET = 'AKIDsecretPIECE0123456789xyz'; // 28 characters
  it.each([
    ['the secret', `key ${SECRET} end`, [SECRET], `key ${R} end`],
    ['its first 12 characters, in a longer run', `key zz${SECRET.slice(0, 12)}zz end`, [SECRET], `key ${R} end`],
    ['its last 12 characters, at the end of a run', `key zzzz${SECRET.slice(-12)} end`, [SECRET], `key ${R} end`],
    ['12 characters from its middle, alone', `key ${SECRET.slice(8, 20)} end`, [SECRET], `key ${R} end`],
    ['a piece inside a URL-encoded run', `key a%2F${SECRET.slice(3, 15)}%3D end`, [SECRET], `key ${R} end`],
    ['11 characters of it are left alone', `key ${SECRET.slice(0, 11)} end`, [SECRET], `key ${SECRET.slice(0, 11)} end`],
    ['pieces of two secrets', `a ${SECRET.slice(0, 12)} b ${'Q'.repeat(6)}WXYZ0123456789 c`, [SECRET, `${'Q'.repeat(6)}WXYZ0123456789`], `a ${R} b ${R} c`],
    ['a 12-character secret', 'pw=abcdefghijkl;', ['abcdefghijkl'], `pw=${R};`],
    ['a 12-character piece of a 12-character secret is the secret', 'x abcdefghijkl y', ['abcdefghijkl'], `x ${R} y`],
    ['an 11-character secret is redacted where it occurs exactly', 'pw=abcdefghijk;', ['abcdefghijk'], `pw=${R};`],
    ['an 11-character secret: a run holding another 11 characters is left alone', 'x abcdefghijX y', ['abcdefghijk'], 'x abcdefghijX y'],
    ['an empty secret redacts nothing', 'plain text', [''], 'plain text'],
    ['no secrets at all', 'plain text', [], 'plain text'],
  ])('%s', (_name, text, secrets, printed) => {
    expect(redactSecrets(text, secrets)).toBe(printed);
  });

  it('the default is no known secrets', () => {
    expect(redactSecrets('x abcdefghijklmnop y')).toBe('x abcdefghijklmnop y');
  });
});

describe('redactKnown: exact occurrences in every form a server could echo', () => {
  it.each([
    ['as it is', 'pw Sh0rt!pw9Q.', ['Sh0rt!pw9Q'], `pw ${R}.`],
    ['twice', 'a Sh0rt!pw9Q b Sh0rt!pw9Q c', ['Sh0rt!pw9Q'], `a ${R} b ${R} c`],
    ['JSON-escaped', 'echo "a\\"b\\\\c"', ['a"b\\c'], `echo "${R}"`],
    ['percent-encoded', 'p=p%40ss%20w%2Frd', ['p@ss w/rd'], `p=${R}`],
    ['terminal-escaped', 'got pw\\u001b[31m', ['pw\u001b[31m'], `got ${R}`],
    ['the longer of two overlapping secrets first', 'x pass-word-long y', ['pass', 'pass-word-long'], `x ${R} y`],
    ['the longer first, whatever the order given', 'x pass-word-long y', ['pass-word-long', 'pass'], `x ${R} y`],
    ['an empty secret redacts nothing', 'abc', [''], 'abc'],
    ['a 1-character secret', 'aZb', ['Z'], `a${R}b`],
  ])('%s', (_name, text, secrets, printed) => {
    expect(redactKnown(text, secrets)).toBe(printed);
  });

  it('knownForms: every form of every secret, longest first, no duplicates, no empty form', () => {
    expect(knownForms(['ab', 'a"b'])).toEqual(['a%22b', 'a\\"b', 'a"b', 'ab']);
    expect(knownForms(['x', 'x'])).toEqual(['x']);
    expect(knownForms([''])).toEqual([]);
    expect(knownForms([])).toEqual([]);
  });

  it('redactForms replaces each form given, in the order given', () => {
    expect(redactForms('a-b-c', ['b'])).toBe(`a-${R}-c`);
    expect(redactForms('a-b-c', [])).toBe('a-b-c');
    expect(redactForms('abc', ['abc', 'b'])).toBe(R);
  });

  it.each([
    ['plain', ['plain']],
    ['a"b', ['a"b', 'a\\"b', 'a%22b']],
    ['a\\b', ['a\\b', 'a\\\\b', 'a%5Cb']],
    ['a\nb', ['a\nb', 'a\\nb', 'a\\u000ab', 'a%0Ab']],
    ['p@ss w/rd', ['p@ss w/rd', 'p%40ss%20w%2Frd']],
    ['\ud800', ['\ud800', '\\ud800']],
    ['', []],
  ])('secretForms(%j)', (secret, forms) => {
    expect(secretForms(secret)).toEqual(forms);
  });
});

describe('serverText: redacted, then cut at 1,000 characters (code points, not UTF-16 units)', () => {
  it('the cap is 1,000', () => {
    expect(MAX_SERVER_TEXT).toBe(1_000);
  });

  // Ordinary text (no 64-character run, so nothing in it is secret-shaped): `x x x …`.
  const words = (n: number): string => 'x '.repeat(Math.floor(n / 2)) + (n % 2 === 1 ? 'x' : '');
  it.each([
    ['999 characters', words(999), words(999)],
    ['1,000 characters', words(1_000), words(1_000)],
    ['1,001 characters', words(1_001), `${words(1_000)}… (cut: 1001 characters in all)`],
    ['2,000 characters', `${'a '.repeat(500)}${'b '.repeat(500)}`, `${'a '.repeat(500)}… (cut: 2000 characters in all)`],
    ['1,000 emoji (2,000 UTF-16 units) are 1,000 characters', '😀'.repeat(1_000), '😀'.repeat(1_000)],
    ['1,001 emoji', '😀'.repeat(1_001), `${'😀'.repeat(1_000)}… (cut: 2002 characters in all)`],
    ['1,050 characters that redact to fewer than 1,000', `Signature=${HEX64} ${words(975)}`, `${R} ${words(975)}`],
    ['a secret at the cut is redacted before the cut', `${words(995)} Signature=${HEX64}`, `${words(995)} [red… (cut: 1070 characters in all)`],
  ])('%s', (_name, text, printed) => {
    expect(serverText(text)).toBe(printed);
  });

  it('a message over 8,000 characters is redacted on its first 8,000 only: what follows is never shown', () => {
    // 11 runs of 700 base64 characters (7,711 characters with their spaces) redact to 121; then
    // 300 characters of words, of which the first 289 are within the 8,000.
    const text = `${`${'A'.repeat(700)} `.repeat(11)}${words(300)}`;
    expect(text.length).toBe(8_011);
    expect(serverText(text)).toBe(`${`${R} `.repeat(11)}${words(289)}… (cut: 8011 characters in all)`);
  });

  it('a 9,000-character message is cut, and says how long it was', () => {
    expect(serverText('y '.repeat(4_500))).toBe(`${'y '.repeat(500)}… (cut: 9000 characters in all)`);
  });

  it('a message of 8,000 characters or fewer is redacted whole: a secret at its end is found', () => {
    const secret = 'S3cr3tS3cr3tS3cr3t';
    // 7,000 characters of 700-character runs (redacted to 110), then the secret at the very end.
    const text = `${`${'A'.repeat(699)} `.repeat(10)}${secret}`;
    expect(serverText(text, [secret])).toBe(`${`${R} `.repeat(10)}${R}`);
  });

  it('known secrets are passed on to the redaction', () => {
    expect(serverText('Incorrect password Sh0rt!pw9Q for AUDITOR', ['Sh0rt!pw9Q'])).toBe(`Incorrect password ${R} for AUDITOR`);
  });

  it('the default is no known secrets', () => {
    expect(serverText('pw Sh0rt!pw9Q')).toBe('pw Sh0rt!pw9Q');
  });
});
