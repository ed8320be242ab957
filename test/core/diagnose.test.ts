/**
 * The Snowflake login failure table. The driver error fields below are what snowflake-sdk 3.3.0
 * produced against the test bed (src/simulators) for each case, plus real messages quoted in
 * FACTS.md; the numeric codes of WIF failures are not public, so the table must key on messages.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseLoginError, userMatches, type DriverErrorFields, type LoginContext } from '../../src/core/diagnose.js';
import { EXIT_CODES, type ErrorKind } from '../../src/core/errors.js';

const CALLER = 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn';
const EXPECTED = 'arn:aws:iam::123456789012:role/my-fn-role';

const context: LoginContext = {
  account: 'myorg-myacct',
  url: 'https://myorg-myacct.snowflakecomputing.com',
  timeoutMs: 2_000,
  callerArn: CALLER,
  expectedArn: EXPECTED,
  impersonationPath: [],
};

type Row = [name: string, error: DriverErrorFields, kind: ErrorKind, code: string, mentions: readonly (string | RegExp)[], extra?: Partial<LoginContext>];

const ROWS: readonly Row[] = [
  [
    'unmapped caller (the real message)',
    { name: 'OperationFailedError', code: '390432', message: 'Unable to find an associated Snowflake user for the verified AWS Caller Identity.' },
    'verification',
    'USER_NOT_MAPPED',
    [CALLER, EXPECTED, 'ALTER USER', `ARN = '${EXPECTED}'`],
  ],
  [
    'unmapped caller, log variant naming the ARN, any code',
    { name: 'OperationFailedError', code: 'whatever', message: `Unable to find an associated Snowflake user for the verified AWS Caller Identity with ARN '${CALLER}'.` },
    'verification',
    'USER_NOT_MAPPED',
    [EXPECTED],
  ],
  [
    'host outside the driver WIF allow-list',
    {
      name: 'Error',
      message:
        'WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: 127.0.0.1. This allowlist can be extended via the SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES environment variable.',
    },
    'usage',
    'HOST_NOT_ALLOWED',
    ['SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES', '127.0.0.1'],
  ],
  [
    'AssumeRole refused on the impersonation path',
    {
      name: 'AccessDenied',
      message: 'User: arn:aws:sts::123456789012:assumed-role/ci-runner-role/ci-job is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/x',
    },
    'aws',
    'IMPERSONATION_DENIED',
    ['sts:AssumeRole', 'arn:aws:iam::123456789012:role/x'],
    { impersonationPath: ['arn:aws:iam::123456789012:role/x'] },
  ],
  [
    'AccessDenied without the usual wording, with an impersonation path',
    { name: 'AccessDenied', message: 'Access denied' },
    'aws',
    'IMPERSONATION_DENIED',
    ['arn:aws:iam::123456789012:role/x'],
    { impersonationPath: ['arn:aws:iam::123456789012:role/x'] },
  ],
  ['driver found no AWS credentials', { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, 'aws', 'NO_CREDENTIALS', [/credentials/i]],
  [
    'driver could not get the region (IMDS)',
    { name: 'Error', message: 'Error making request to the metadata service: Error: Request failed with status code 403' },
    'aws',
    'NO_REGION',
    ['AWS_REGION'],
  ],
  [
    'STS rejected the driver credentials (AssumeRole)',
    { name: 'ExpiredToken', message: 'The security token included in the request is expired' },
    'aws',
    'STS_REJECTED',
    [/expired/],
  ],
  [
    'HTTP 403 from the front end',
    { name: 'RequestFailedError', code: 401002, message: 'Request to Snowflake failed.', httpStatus: 403 },
    'snowflake',
    'ACCOUNT_NOT_FOUND',
    ['HTTP 403', 'myorg-myacct', /check the account identifier/i],
  ],
  [
    'HTTP 404',
    { name: 'RequestFailedError', code: 401002, message: 'Request to Snowflake failed.', httpStatus: 404 },
    'snowflake',
    'ACCOUNT_NOT_FOUND',
    ['HTTP 404', /check the account identifier/i],
  ],
  [
    'login refused naming an unknown account',
    { name: 'OperationFailedError', code: '390433', message: "Account 'nosuch-x' does not exist or is not authorized." },
    'snowflake',
    'ACCOUNT_NOT_FOUND',
    ['nosuch-x', /check the account identifier/i],
  ],
  [
    'unknown account whose locator has dots',
    { name: 'OperationFailedError', code: '390433', message: "Account 'xy12345.eu-west-1' does not exist." },
    'snowflake',
    'ACCOUNT_NOT_FOUND',
    ['xy12345.eu-west-1'],
  ],
  [
    'role not granted (390189)',
    {
      name: 'OperationFailedError',
      code: '390189',
      message:
        "Role 'LOADER' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.",
    },
    'snowflake',
    'ROLE_NOT_GRANTED',
    ['LOADER', 'GRANT ROLE'],
  ],
  [
    'attestation not verified',
    { name: 'OperationFailedError', code: '390431', message: 'The AWS workload identity attestation could not be verified: bad signature.' },
    'verification',
    'ATTESTATION_REJECTED',
    ['whoami'],
  ],
  [
    'attestation not verified because the session expired (STS said so in parallel)',
    { name: 'OperationFailedError', code: '390431', message: 'The AWS workload identity attestation could not be verified: AWS STS rejected the signed GetCallerIdentity request (ExpiredToken).' },
    'aws',
    'STS_EXPIRED_TOKEN',
    ['Your AWS session has expired', 'aws sso login'],
    { awsFailure: { code: 'STS_EXPIRED_TOKEN', message: 'Your AWS session has expired: token expired', hint: 'Refresh the credentials (e.g. `aws sso login`).' } },
  ],
  [
    'attestation not verified, STS merely unreachable from here: still Snowflake refusing',
    { name: 'OperationFailedError', code: '390431', message: 'The AWS workload identity attestation could not be verified.' },
    'verification',
    'ATTESTATION_REJECTED',
    [],
    { awsFailure: { code: 'STS_TIMEOUT', message: 'STS did not answer' } },
  ],
  ['deadline', { name: 'TimeoutError', code: 'TIMEOUT', message: 'timed out after 2000 ms' }, 'snowflake', 'TIMEOUT', ['2 s', 'myorg-myacct.snowflakecomputing.com', '--timeout']],
  ['socket timeout', { name: 'NetworkError', code: 401001, message: 'timeout of 2000ms exceeded', causeCode: 'ECONNABORTED' }, 'snowflake', 'TIMEOUT', ['2 s']],
  [
    'TLS interception',
    { name: 'NetworkError', code: 401001, message: 'self-signed certificate in certificate chain', causeCode: 'SELF_SIGNED_CERT_IN_CHAIN', causeMessage: 'self-signed certificate in certificate chain' },
    'snowflake',
    'TLS_ERROR',
    ['NODE_EXTRA_CA_CERTS'],
  ],
  [
    'closed port',
    { name: 'NetworkError', code: 401001, message: 'connect ECONNREFUSED 127.0.0.1:1', causeCode: 'ECONNREFUSED', causeMessage: 'connect ECONNREFUSED 127.0.0.1:1' },
    'snowflake',
    'UNREACHABLE',
    ['ECONNREFUSED'],
  ],
  ['unknown host', { name: 'NetworkError', message: 'getaddrinfo ENOTFOUND x', causeCode: 'ENOTFOUND' }, 'snowflake', 'UNREACHABLE', ['ENOTFOUND']],
  ['HTTP 500', { name: 'RequestFailedError', code: 401002, message: 'Request to Snowflake failed.', httpStatus: 500 }, 'snowflake', 'SERVER_ERROR', ['answered HTTP 500', 'server error']],
  ['HTTP 503', { name: 'RequestFailedError', message: 'Request to Snowflake failed.', httpStatus: 503 }, 'snowflake', 'SERVER_ERROR', ['HTTP 503']],
  ['other server refusal', { name: 'OperationFailedError', code: '390100', message: 'Incorrect username or password was specified.' }, 'verification', 'LOGIN_FAILED', ['390100', 'Incorrect username']],
  ['other client error', { name: 'Error', message: 'something odd\n  happened' }, 'snowflake', 'LOGIN_FAILED', ['something odd happened']],
];

describe('diagnoseLoginError', () => {
  it.each(ROWS)('%s', (_name, error, kind, code, mentions, extra) => {
    const diagnosis = diagnoseLoginError(error, { ...context, ...extra });
    expect(diagnosis.kind).toBe(kind);
    expect(diagnosis.code).toBe(code);
    const text = `${diagnosis.message}\n${diagnosis.hint}`;
    for (const mention of mentions) {
      if (typeof mention === 'string') expect(text).toContain(mention);
      else expect(text).toMatch(mention);
    }
    expect(diagnosis.message).not.toContain('\n');
  });

  it('maps to the contract exit codes', () => {
    const exit = (error: DriverErrorFields, extra: Partial<LoginContext> = {}) => EXIT_CODES[diagnoseLoginError(error, { ...context, ...extra }).kind];
    expect(exit({ name: 'OperationFailedError', message: 'Unable to find an associated Snowflake user for the verified AWS Caller Identity.' })).toBe(1);
    expect(exit({ message: 'WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: x' })).toBe(2);
    expect(exit({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' })).toBe(3);
    expect(exit({ name: 'RequestFailedError', message: 'Request to Snowflake failed.', httpStatus: 404 })).toBe(4);
    expect(exit({ name: 'NetworkError', message: 'x', causeCode: 'ECONNRESET' })).toBe(4);
  });

  it('the unmapped-user diagnosis carries the path-free ARN, and copes when the caller is unknown', () => {
    const error = { name: 'OperationFailedError', message: 'Unable to find an associated Snowflake user for the verified AWS Caller Identity.' };
    expect(diagnoseLoginError(error, context).expectedArn).toBe(EXPECTED);
    const unknown = diagnoseLoginError(error, { ...context, callerArn: null, expectedArn: null });
    expect(unknown.expectedArn).toBeNull();
    expect(unknown.hint).toContain('ALTER USER');
    expect(unknown.message).not.toContain('null');
  });

  it('never lets an unrelated AccessDenied (no impersonation) pass as an impersonation failure', () => {
    expect(diagnoseLoginError({ name: 'AccessDenied', message: 'Access denied' }, context).code).not.toBe('IMPERSONATION_DENIED');
  });

  it('a role message is not mistaken for an unknown account', () => {
    const role = "Role 'ACCOUNT_ADMIN_X' specified in the connect string does not exist or not authorized.";
    expect(diagnoseLoginError({ name: 'OperationFailedError', message: role }, context).code).toBe('ROLE_NOT_GRANTED');
  });
});

describe('userMatches (Snowflake identifier rules)', () => {
  it.each([
    ['LAMBDA_LOADER', 'LAMBDA_LOADER', true],
    ['lambda_loader', 'LAMBDA_LOADER', true],
    ['  Lambda_Loader ', 'LAMBDA_LOADER', true],
    ['lambda_loader', 'lambda_loader', true],
    ['"LAMBDA_LOADER"', 'LAMBDA_LOADER', true],
    ['"lambda_loader"', 'LAMBDA_LOADER', false],
    ['"lambda_loader"', 'lambda_loader', true],
    ['"My ""odd"" user"', 'My "odd" user', true],
    ['"My ""odd"" user"', 'MY "ODD" USER', false],
    ['OTHER', 'LAMBDA_LOADER', false],
    ['LAMBDA', 'LAMBDA_LOADER', false],
    ['"', '"', true],
    ['""', '', true],
  ] as const)('%j vs %j → %s', (expected, actual, result) => {
    expect(userMatches(expected, actual)).toBe(result);
  });
});
