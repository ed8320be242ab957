import { describe, expect, it } from 'vitest';
import { describeAwsError, formatSeconds, oneLine } from '../../src/core/aws-failures.js';

const context = { endpoint: 'https://sts.eu-west-1.amazonaws.com', timeoutMs: 2500 };

describe('describeAwsError', () => {
  it.each([
    [{ name: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match' }, 'STS_SIGNATURE_MISMATCH', /secret access key/],
    [{ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' }, 'STS_INVALID_KEY', /Refresh/],
    [{ name: 'ExpiredToken', message: 'The security token included in the request is expired' }, 'STS_EXPIRED_TOKEN', /aws sso login/],
    [{ name: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole' }, 'STS_ACCESS_DENIED', /trust policy/],
    [{ name: 'TimeoutError', message: 'aborted' }, 'STS_TIMEOUT', /--timeout/],
    [{ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }, 'STS_UNREACHABLE', /AWS_ENDPOINT_URL_STS/],
    [{ name: 'Weird', message: 'something\nelse' }, 'STS_ERROR', /aws sts get-caller-identity/],
  ])('%j → %s', (error, code, hint) => {
    const failure = describeAwsError(error, context);
    expect(failure.code).toBe(code);
    expect(failure.hint).toMatch(hint);
    expect(failure.message).not.toContain('\n');
  });

  it('says how long it waited and where', () => {
    expect(describeAwsError({ name: 'TimeoutError' }, context).message).toBe(
      'STS did not answer within 2.5 s (https://sts.eu-west-1.amazonaws.com)',
    );
  });
});

describe('every STS failure as printed', () => {
  it.each([
    ['SignatureDoesNotMatch', 'STS_SIGNATURE_MISMATCH', 'STS rejected the request signature: d', "The secret access key does not belong to the access key id: check AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key."],
    ['InvalidClientTokenId', 'STS_INVALID_KEY', 'STS does not know these credentials: d', 'The access key id is unknown or deleted, or the session token is missing/mismatched. Refresh your credentials.'],
    ['ExpiredToken', 'STS_EXPIRED_TOKEN', 'Your AWS session has expired: d', 'Refresh the credentials (e.g. `aws sso login`, or re-run the step that assumed the role).'],
    ['ExpiredTokenException', 'STS_EXPIRED_TOKEN', 'Your AWS session has expired: d', 'Refresh the credentials (e.g. `aws sso login`, or re-run the step that assumed the role).'],
    ['AccessDenied', 'STS_ACCESS_DENIED', 'STS denied the request: d', "For role chaining, the role's trust policy must allow the caller to sts:AssumeRole."],
    ['RequestExpired', 'STS_CLOCK_SKEW', 'STS says the request is too old: d', "Check this machine's clock (it must be within 5 minutes of real time)."],
  ])('%s → %s', (name, code, message, hint) => {
    expect(describeAwsError({ name, message: 'd' }, context)).toEqual({ code, message, hint });
  });

  const TIMEOUT = { code: 'STS_TIMEOUT', message: 'STS did not answer within 2.5 s (https://sts.eu-west-1.amazonaws.com)', hint: 'Check network access to STS (proxy, VPC endpoint, firewall), or raise --timeout.' };
  const unreachable = (detail: string) => ({ code: 'STS_UNREACHABLE', message: `Cannot reach STS at https://sts.eu-west-1.amazonaws.com: ${detail}`, hint: 'Check network access to STS (proxy, VPC endpoint, firewall) and AWS_ENDPOINT_URL_STS if you set it.' });
  const other = (detail: string) => ({ code: 'STS_ERROR', message: `STS GetCallerIdentity failed: ${detail}`, hint: 'Run `aws sts get-caller-identity` with the same settings to compare.' });
  it.each([
    ['a TimeoutError', { name: 'TimeoutError', message: 'x' }, TIMEOUT],
    ['an AbortError', { name: 'AbortError', message: 'x' }, TIMEOUT],
    ['code ETIMEDOUT', { name: 'Error', code: 'ETIMEDOUT', message: 'x' }, TIMEOUT],
    ['code TimeoutError', { name: 'Error', code: 'TimeoutError', message: 'x' }, TIMEOUT],
    ['code ECONNREFUSED', { name: 'Error', code: 'ECONNREFUSED', message: 'refused' }, unreachable('refused')],
    ['code ECONNRESET', { name: 'Error', code: 'ECONNRESET', message: 'reset' }, unreachable('reset')],
    ['code ENOTFOUND', { name: 'Error', code: 'ENOTFOUND', message: 'no such host' }, unreachable('no such host')],
    ['code EAI_AGAIN', { name: 'Error', code: 'EAI_AGAIN', message: 'dns' }, unreachable('dns')],
    ['code EHOSTUNREACH', { name: 'Error', code: 'EHOSTUNREACH', message: 'x' }, unreachable('x')],
    ['code ENETUNREACH', { name: 'Error', code: 'ENETUNREACH', message: 'x' }, unreachable('x')],
    ['code EPIPE', { name: 'Error', code: 'EPIPE', message: 'x' }, unreachable('x')],
    ['a network code as the name', { name: 'ECONNREFUSED', message: 'x' }, unreachable('x')],
    ['ECONNABORTED is not one of them', { name: 'Error', code: 'ECONNABORTED', message: 'x' }, other('x')],
    ['no message: the name', { name: 'Weird' }, other('Weird')],
    ['no message and no name', {}, other('unknown error')],
    ['a message on several lines', { name: 'Weird', message: ' a\n  b\t c ' }, other('a b c')],
  ])('%s', (_name, error, failure) => {
    expect(describeAwsError(error, context)).toEqual(failure);
  });

  it("STS's text is redacted: a known secret and a secret-shaped string are never printed", () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(describeAwsError({ name: 'Weird', message: `echo ${secret}` }, { ...context, secrets: [secret] }).message).toBe('STS GetCallerIdentity failed: echo [redacted]');
    expect(describeAwsError({ name: 'Weird', message: `Signature=${'ab'.repeat(32)}` }, context).message).toBe('STS GetCallerIdentity failed: [redacted]');
  });

  it.each([
    [0, '0 s'],
    [1_000, '1 s'],
    [2_500, '2.5 s'],
    [1_234, '1.2 s'],
    [30_000, '30 s'],
  ])('formatSeconds(%i) → %s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });

  it.each([
    ['a\nb', 'a b'],
    ['  a  b  ', 'a b'],
    ['a\r\n\tb', 'a b'],
    ['', ''],
  ])('oneLine(%j) → %j', (text, line) => {
    expect(oneLine(text)).toBe(line);
  });
});
