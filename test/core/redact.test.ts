import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SERVER_TEXT, REDACTED, redactKnown, redactSecrets, secretForms, serverText } from '../../src/core/redact.js';

const TOKEN = Buffer.from(
  JSON.stringify({
    url: 'https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15',
    method: 'POST',
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=ASIA/20261201/eu-west-1/sts/aws4_request, Signature=0123456789abcdef0123456789abcdef' },
  }),
).toString('base64');
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEPr//////////wEaCWV1LXdlc3QtMSJHMEUCIQD7sim';

describe('redactSecrets: server text never carries our secrets out (issue 9, defect 5)', () => {
  it.each([
    ['the whole token', `bad token ${TOKEN}`],
    ['a 40-character piece of it', `starts with ${TOKEN.slice(0, 40)} and more`],
    ['a piece from its middle', `got …${TOKEN.slice(100, 130)}…`],
    ['the session token', `X-Amz-Security-Token: ${SESSION_TOKEN}`],
  ])('%s', (_name, text) => {
    const out = redactSecrets(text, [TOKEN, SESSION_TOKEN]);
    expect(out).toContain(REDACTED);
    for (let start = 0; start + 12 <= TOKEN.length; start += 6) expect(out).not.toContain(TOKEN.slice(start, start + 12));
    expect(out).not.toContain(SESSION_TOKEN.slice(0, 20));
  });

  it.each([
    ['a SigV4 signature', 'Signature=0123456789abcdef0123456789abcdef0123456789abcdef'],
    ['a JWT', 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhcm46YXdzOmlhbTo6MSJ9.c2lnbmF0dXJl'],
    ['a Snowflake token header', 'Authorization: Snowflake Token="ver:1-hint:123-ETMsDgAAAAA"'],
    ['a secret passed by name', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['a long base64 run', `x ${'A'.repeat(80)} y`],
  ])('shapes that are secret whoever owns them: %s', (_name, text) => {
    expect(redactSecrets(text)).toContain(REDACTED);
  });

  it('leaves ordinary messages alone', () => {
    const text = "Unable to find an associated Snowflake user for the verified AWS Caller Identity with ARN 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn'.";
    expect(redactSecrets(text, [TOKEN])).toBe(text);
  });

  it('property: no 12-character piece of a secret survives, wherever it is embedded', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.nat(TOKEN.length - 12), fc.integer({ min: 12, max: 60 }), fc.string({ maxLength: 50 }), (before, start, length, after) => {
        const piece = TOKEN.slice(start, start + length);
        const out = redactSecrets(`${before} ${piece} ${after}`, [TOKEN]);
        expect(out.includes(piece)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('serverText: redacted, then capped at 1,000 characters', () => {
  it('caps a long message and says so', () => {
    const out = serverText('word '.repeat(1_000));
    expect([...out].length).toBeLessThan(MAX_SERVER_TEXT + 60);
    expect(out).toMatch(/cut: 5000 characters in all\)$/);
  });

  it('a 100 MB message is cut before it is redacted, and the secret at its start is still redacted', () => {
    const huge = `${TOKEN} ${'y '.repeat(50 * 1024 * 1024)}`;
    const out = serverText(huge, [TOKEN]);
    expect(out.startsWith(REDACTED)).toBe(true);
    expect(out).toMatch(/cut: \d+ characters in all\)$/);
  });

  it('short text is kept as it is', () => {
    expect(serverText('Incorrect username or password was specified.')).toBe('Incorrect username or password was specified.');
  });
});

describe('known secrets of any length (issue 17, item 6)', () => {
  it.each([
    ['a 10-character password', 'Sh0rt!pw9Q', 'Incorrect password Sh0rt!pw9Q for AUDITOR'],
    ['an 8-character password', 'pw8chars', 'password=pw8chars'],
    ['a 1-character secret', 'Z', 'aZb'],
    ['JSON-escaped in the text', 'a"b\\c-pass', 'echo: "a\\"b\\\\c-pass"'],
    ['percent-encoded in the text', 'p@ss w/rd!', 'password=p%40ss%20w%2Frd!'],
    ['terminal-escaped in the text', 'pw\u001b[31m!x', 'got pw\\u001b[31m!x'],
  ])('%s is replaced wherever it occurs', (_name, secret, text) => {
    const out = redactSecrets(text, [secret]);
    expect(out).toContain(REDACTED);
    expect(out.replaceAll(REDACTED, '')).not.toContain(secret);
  });

  it('a secret inside another is replaced after it (longest first): nothing of the longer one is left', () => {
    expect(redactSecrets('x pass-word-long y', ['pass', 'pass-word-long'])).toBe(`x ${REDACTED} y`);
  });

  it('property: no exact occurrence of a known secret of 1 to 40 characters survives', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 40 }), (before, secret, after) => {
        const out = redactKnown(`${before}${secret}${after}`, [secret]);
        expect(out.split(REDACTED).some((part) => part.includes(secret))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('secretForms: the secret, JSON-escaped, terminal-escaped, percent-encoded, without duplicates', () => {
    expect(secretForms('plain')).toEqual(['plain']);
    expect(secretForms('a"b')).toEqual(['a"b', 'a\\"b', 'a%22b']);
    expect(secretForms('\ud800')).toEqual(['\ud800', '\\ud800']);
  });
});
