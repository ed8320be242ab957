import { describe, expect, it } from 'vitest';
import { describeAwsError } from '../../src/core/aws-failures.js';

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
