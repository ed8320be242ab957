/**
 * The login-failure table (src/core/diagnose.ts) as the user reads it: for each failure, the exit
 * kind, the code, the one-line message and the hint exactly as printed, and whether the ARN to
 * register and Snowflake's own words are passed on. One line per case; the wording of each driver
 * error is one the driver or Snowflake sends (test/core/diagnose.test.ts has the real ones).
 */
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { diagnoseGate } from '../../src/core/gates.js';
import { NOT_USABLE_FIX, diagnoseLoginError, diagnoseUnexpectedUser, parseExpectUser, userMatches, type DriverErrorFields, type LoginContext } from '../../src/core/diagnose.js';

const URL = 'https://myorg-myacct.snowflakecomputing.com';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn';
const EXPECTED = 'arn:aws:iam::123456789012:role/my-fn-role';
const PATH = ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'];
const CHAIN = 'arn:aws:iam::123456789012:role/a → arn:aws:iam::123456789012:role/b';
const UNMAPPED = 'Unable to find an associated Snowflake user for the verified AWS Caller Identity.';

const context: LoginContext = { account: 'myorg-myacct', url: URL, timeoutMs: 2_000, callerArn: CALLER, expectedArn: EXPECTED, impersonationPath: [] };

const HINT = {
  redirect: "Snowflake never redirects a login: a proxy, a captive portal or a wrong --host is in the way. Use the account's own host (<account>.snowflakecomputing.com) or your private-link host.",
  tooLarge: 'Something other than Snowflake answers at this host: check --host, --port and any proxy.',
  unexpected: 'A proxy, a captive portal or a wrong --host answered instead of Snowflake: check --host, --port and the network path (HTTPS_PROXY).',
  identity: 'Run `wif-check connect` again; if it persists, something other than Snowflake answers at this host (check --host and any proxy).',
  host:
    'WIF only talks to *.snowflakecomputing.com/.cn/.mil hosts. For a private link or proxy host, allow its suffix with SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES=example.internal ' +
    '(comma list of hosts or domains, without a leading dot: the driver matches a leading dot against nothing; wif-check passes it to the driver untouched).',
  noCredentials: 'Configure credentials the AWS SDK can find (env keys, AWS_PROFILE, SSO, container/instance role); `wif-check whoami` shows what it finds.',
  noRegion: 'The Node driver reads only AWS_REGION (else EC2 metadata): set AWS_REGION or pass --region.',
  refresh: 'Refresh the AWS credentials; `wif-check whoami` checks them against STS directly.',
  sts: `STS (${CHAIN}) failed: check network access to STS (AWS_ENDPOINT_URL_STS, proxy, VPC endpoint) and retry; \`wif-check whoami\` checks STS directly.`,
  awsTimeout: 'The driver reads AWS_REGION (else EC2 metadata) and the default credential chain: set AWS_REGION and check the credential source with `wif-check whoami`.',
  role: 'Grant the role to the mapped user (GRANT ROLE <role> TO USER <user>;), or drop --role to use its DEFAULT_ROLE.',
  account: 'Check the account identifier (orgname-accountname, or the account locator with region, e.g. xy12345.eu-west-1) and --host.',
  attestation: 'The signed GetCallerIdentity request was refused. Check the credentials with `wif-check whoami` and the machine clock.',
  timeout: 'Check network access to Snowflake (proxy, firewall, private link) and the host, or raise --timeout.',
  tls: 'A proxy may be intercepting TLS: set NODE_EXTRA_CA_CERTS to its CA bundle, or check --host.',
  server: 'Retry in a minute and check status.snowflake.com; a proxy in between can answer 5xx too (HTTPS_PROXY, --host).',
  unreachable: 'Check the account identifier and --host, and network access (proxy: HTTPS_PROXY; firewall; private link).',
  fallback: 'Run `wif-check doctor` for the full checklist; compare the caller with `wif-check whoami`.',
};

const unmappedHint = (arn: string, user: string, principal: string) =>
  [
    `Snowflake matches the ${principal} by name: ARN = '${arn}'.`,
    'A user registered with an IAM path (e.g. role/service-role/NAME) never matches. Fix:',
    `  ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}');`,
    `Check it with SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER ${user}; (the user must be TYPE = SERVICE).`,
  ].join('\n');

type Row = [name: string, error: DriverErrorFields, extra: Partial<LoginContext>, kind: string, code: string, message: string, hint: string, keepsArn: boolean];

// prettier-ignore
const ROWS: Row[] = [
  ['a redirect', { name: 'RequestFailedError', message: 'x', httpStatus: 302, redirectTarget: 'evil.example' }, {}, 'snowflake', 'UNEXPECTED_REDIRECT', `The login at ${URL} was answered with a redirect (HTTP 302) to evil.example: not followed, the attestation goes only to the host that was checked`, HINT.redirect, false],
  ['a redirect without a status', { message: 'x', redirectTarget: 'evil.example' }, {}, 'snowflake', 'UNEXPECTED_REDIRECT', `The login at ${URL} was answered with a redirect (HTTP 3xx) to evil.example: not followed, the attestation goes only to the host that was checked`, HINT.redirect, false],
  ['a redirect wins over an unmapped-user message', { message: UNMAPPED, redirectTarget: 'evil.example', httpStatus: 307 }, {}, 'snowflake', 'UNEXPECTED_REDIRECT', `The login at ${URL} was answered with a redirect (HTTP 307) to evil.example: not followed, the attestation goes only to the host that was checked`, HINT.redirect, false],
  ['an answer over 8 MiB', { message: 'x', code: 'RESPONSE_TOO_LARGE' }, {}, 'snowflake', 'RESPONSE_TOO_LARGE', `The answer from ${URL} was larger than 8 MiB: refused (a Snowflake login answer is a few KiB)`, HINT.tooLarge, false],
  ['an HTML page', { message: 'x', code: 'UNEXPECTED_ANSWER', httpStatus: 200, contentType: 'text/html' }, {}, 'snowflake', 'UNEXPECTED_ANSWER', `${URL} answered the login with HTTP 200 and text/html, not Snowflake's JSON: this is not a Snowflake login endpoint`, HINT.unexpected, false],
  ['an answer with no status or type', { message: 'x', code: 'UNEXPECTED_ANSWER' }, {}, 'snowflake', 'UNEXPECTED_ANSWER', `${URL} answered the login with HTTP ? and no content type, not Snowflake's JSON: this is not a Snowflake login endpoint`, HINT.unexpected, false],
  ['a session naming no user', { message: 'the login worked, but the session\nnamed no user', code: 'IDENTITY_UNKNOWN' }, {}, 'snowflake', 'IDENTITY_UNKNOWN', 'Snowflake accepted the login, but the session named no user: the mapped user is unknown', HINT.identity, false],
  ['the account root (never mappable)', { name: 'OperationFailedError', message: UNMAPPED }, { unusablePrincipal: 'the account root user can never be mapped to a Snowflake user' }, 'verification', 'PRINCIPAL_NOT_USABLE', 'Snowflake verified your AWS identity, but the account root user can never be mapped to a Snowflake user', NOT_USABLE_FIX, false],
  ['an unmapped role, --expect-user given', { name: 'OperationFailedError', message: UNMAPPED }, { expectUser: 'LOADER' }, 'verification', 'USER_NOT_MAPPED', `Snowflake verified your AWS identity ${CALLER} but no Snowflake user is mapped to it.`, unmappedHint(EXPECTED, 'LOADER', 'role'), true],
  ['an unmapped IAM user', { name: 'OperationFailedError', message: UNMAPPED }, { callerArn: 'arn:aws:iam::123456789012:user/alice', expectedArn: 'arn:aws:iam::123456789012:user/alice' }, 'verification', 'USER_NOT_MAPPED', 'Snowflake verified your AWS identity arn:aws:iam::123456789012:user/alice but no Snowflake user is mapped to it.', unmappedHint('arn:aws:iam::123456789012:user/alice', '<your user>', 'IAM user'), true],
  ['an unmapped caller, nothing known', { name: 'OperationFailedError', message: UNMAPPED }, { callerArn: null, expectedArn: null }, 'verification', 'USER_NOT_MAPPED', 'Snowflake verified your AWS identity but no Snowflake user is mapped to it.', unmappedHint('arn:aws:iam::<account>:role/<role name>', '<your user>', 'role'), true],
  ['the unmapped message in any case', { name: 'OperationFailedError', message: 'UNABLE TO FIND AN ASSOCIATED SNOWFLAKE USER' }, { callerArn: undefined }, 'verification', 'USER_NOT_MAPPED', 'Snowflake verified your AWS identity but no Snowflake user is mapped to it.', unmappedHint(EXPECTED, '<your user>', 'role'), true],
  ['a host outside the allow-list', { name: 'Error', message: 'WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: 127.0.0.1.' }, {}, 'usage', 'HOST_NOT_ALLOWED', 'The Snowflake driver refuses this host for WORKLOAD_IDENTITY: WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: 127.0.0.1.', HINT.host, false],
  ['AssumeRole refused on the path', { name: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole on resource: b' }, { impersonationPath: PATH }, 'aws', 'IMPERSONATION_DENIED', 'AssumeRole along the impersonation path was refused: not authorized to perform: sts:AssumeRole on resource: b', `The trust policy of each role in --impersonation-path (${CHAIN}) must allow the previous identity to call sts:AssumeRole.`, true],
  ["the driver's impersonation message, no path known", { name: 'Error', message: 'Failed to get credentials from impersonation role' }, { impersonationPath: undefined }, 'aws', 'IMPERSONATION_DENIED', 'AssumeRole along the impersonation path was refused: Failed to get credentials from impersonation role', 'The trust policy of each role in --impersonation-path (none) must allow the previous identity to call sts:AssumeRole.', true],
  ['no AWS credentials', { message: 'Could not load credentials from any providers' }, {}, 'aws', 'NO_CREDENTIALS', 'The Snowflake driver found no AWS credentials', HINT.noCredentials, false],
  ['no AWS region', { message: 'region is missing' }, {}, 'aws', 'NO_REGION', 'The Snowflake driver could not determine the AWS region: region is missing', HINT.noRegion, false],
  ['STS rejecting the driver\'s credentials', { message: 'The security token included in the request is invalid.' }, {}, 'aws', 'STS_REJECTED', 'AWS rejected the credentials: The security token included in the request is invalid.', HINT.refresh, false],
  ['the path failing before Snowflake', { message: 'socket hang up', reachedSnowflake: false }, { impersonationPath: PATH }, 'aws', 'IMPERSONATION_FAILED', 'AssumeRole along --impersonation-path failed before anything was sent to Snowflake: socket hang up', HINT.sts, true],
  ['the path timing out, STS silent', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, { impersonationPath: PATH, awsFailure: { code: 'STS_TIMEOUT', message: 'STS did not answer' } }, 'aws', 'STS_TIMEOUT', 'STS did not answer the AssumeRole calls of --impersonation-path within 2 s: nothing was sent to Snowflake', HINT.sts, true],
  ['the path timing out, STS fine', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, { impersonationPath: PATH, awsFailure: { code: 'STS_EXPIRED_TOKEN', message: 'expired' } }, 'aws', 'IMPERSONATION_FAILED', 'STS did not answer the AssumeRole calls of --impersonation-path within 2 s: nothing was sent to Snowflake', HINT.sts, true],
  ['no credentials or region in time', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, {}, 'aws', 'AWS_TIMEOUT', 'The Snowflake driver did not get its AWS credentials or region within 2 s: nothing was sent to Snowflake', HINT.awsTimeout, false],
  ['a role not granted', { name: 'OperationFailedError', message: "Role 'LOADER' specified in the connect string does not exist or not authorized." }, {}, 'snowflake', 'ROLE_NOT_GRANTED', "Snowflake accepted the AWS identity but not the role: Role 'LOADER' specified in the connect string does not exist or not authorized.", HINT.role, true],
  ['HTTP 403', { name: 'RequestFailedError', message: 'Request to Snowflake failed.', httpStatus: 403 }, {}, 'snowflake', 'ACCOUNT_NOT_FOUND', `Snowflake answered HTTP 403 for account 'myorg-myacct' at ${URL}`, HINT.account, false],
  ['HTTP 404', { name: 'RequestFailedError', message: 'Request to Snowflake failed.', httpStatus: 404 }, {}, 'snowflake', 'ACCOUNT_NOT_FOUND', `Snowflake answered HTTP 404 for account 'myorg-myacct' at ${URL}`, HINT.account, false],
  ['an unknown account by name', { name: 'OperationFailedError', message: "Account 'nosuch' does not exist." }, {}, 'snowflake', 'ACCOUNT_NOT_FOUND', `Snowflake does not know account 'myorg-myacct' at ${URL}: Account 'nosuch' does not exist.`, HINT.account, false],
  ['an account not found', { name: 'OperationFailedError', message: 'The account was not found.' }, {}, 'snowflake', 'ACCOUNT_NOT_FOUND', `Snowflake does not know account 'myorg-myacct' at ${URL}: The account was not found.`, HINT.account, false],
  ['an attestation refused, STS saying the clock is off', { name: 'OperationFailedError', message: 'attestation could not be verified' }, { awsFailure: { code: 'STS_CLOCK_SKEW', message: 'clock skew' } }, 'aws', 'STS_CLOCK_SKEW', 'Snowflake could not verify your AWS identity because AWS rejects the credentials: clock skew', HINT.refresh, true],
  ['an attestation refused, STS not knowing the key', { name: 'OperationFailedError', message: 'attestation could not be verified' }, { awsFailure: { code: 'STS_INVALID_KEY', message: 'unknown key', hint: 'Refresh.' } }, 'aws', 'STS_INVALID_KEY', 'Snowflake could not verify your AWS identity because AWS rejects the credentials: unknown key', 'Refresh.', true],
  ['an attestation refused, STS rejecting the signature', { name: 'OperationFailedError', message: 'attestation could not be verified' }, { awsFailure: { code: 'STS_SIGNATURE_MISMATCH', message: 'bad secret' } }, 'aws', 'STS_SIGNATURE_MISMATCH', 'Snowflake could not verify your AWS identity because AWS rejects the credentials: bad secret', HINT.refresh, true],
  ['an attestation refused, STS saying the session expired', { name: 'OperationFailedError', message: 'attestation could not be verified' }, { awsFailure: { code: 'STS_EXPIRED_TOKEN', message: 'expired' } }, 'aws', 'STS_EXPIRED_TOKEN', 'Snowflake could not verify your AWS identity because AWS rejects the credentials: expired', HINT.refresh, true],
  ['an attestation refused, STS denying something else', { name: 'OperationFailedError', message: 'attestation could not be verified' }, { awsFailure: { code: 'STS_ACCESS_DENIED', message: 'denied' } }, 'verification', 'ATTESTATION_REJECTED', 'Snowflake could not verify your AWS identity: attestation could not be verified', HINT.attestation, true],
  ['an attestation refused', { name: 'OperationFailedError', message: 'Invalid AWS\nattestation' }, {}, 'verification', 'ATTESTATION_REJECTED', 'Snowflake could not verify your AWS identity: Invalid AWS attestation', HINT.attestation, true],
  ['attestation wording from a client error is not a refusal', { name: 'Error', message: 'attestation could not be built' }, {}, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: attestation could not be built', HINT.fallback, true],
  ['the deadline', { name: 'TimeoutError', code: 'TIMEOUT', message: 'x' }, { timeoutMs: 1_500 }, 'snowflake', 'TIMEOUT', `Snowflake did not answer within 1.5 s (${URL})`, HINT.timeout, false],
  ['a timeout in the cause code only', { name: 'Error', message: 'x', causeCode: 'ETIMEDOUT' }, {}, 'snowflake', 'TIMEOUT', `Snowflake did not answer within 2 s (${URL})`, HINT.timeout, false],
  ['an expired certificate', { name: 'NetworkError', message: 'x', causeCode: 'CERT_HAS_EXPIRED', causeMessage: 'certificate has\nexpired' }, {}, 'snowflake', 'TLS_ERROR', `TLS to ${URL} failed: certificate has expired`, HINT.tls, false],
  ['a TLS failure with no cause message', { name: 'NetworkError', message: 'fallback message', causeCode: 'CERT_HAS_EXPIRED' }, {}, 'snowflake', 'TLS_ERROR', `TLS to ${URL} failed: fallback message`, HINT.tls, false],
  ['a TLS failure in the cause message only', { name: 'NetworkError', message: 'x', causeMessage: 'unable to verify the first certificate' }, {}, 'snowflake', 'TLS_ERROR', `TLS to ${URL} failed: unable to verify the first certificate`, HINT.tls, false],
  ['HTTP 500', { name: 'RequestFailedError', message: 'x', httpStatus: 500 }, {}, 'snowflake', 'SERVER_ERROR', `Snowflake at ${URL} answered HTTP 500 (a server error, not a refusal of your identity)`, HINT.server, false],
  ['HTTP 599', { name: 'RequestFailedError', message: 'x', httpStatus: 599 }, {}, 'snowflake', 'SERVER_ERROR', `Snowflake at ${URL} answered HTTP 599 (a server error, not a refusal of your identity)`, HINT.server, false],
  ['HTTP 499 is not a server error', { name: 'RequestFailedError', message: 'x', httpStatus: 499 }, {}, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: x', HINT.fallback, true],
  ['a reset connection', { name: 'NetworkError', message: 'x', causeCode: 'ECONNRESET', causeMessage: 'read ECONNRESET' }, {}, 'snowflake', 'UNREACHABLE', `Cannot reach Snowflake at ${URL}: read ECONNRESET`, HINT.unreachable, false],
  ['a network code with a status', { name: 'Error', message: 'socket closed', causeCode: 'EPIPE', httpStatus: 418 }, {}, 'snowflake', 'UNREACHABLE', `Cannot reach Snowflake at ${URL}: socket closed (HTTP 418)`, HINT.unreachable, false],
  ['a refusal Snowflake gives a code', { name: 'OperationFailedError', code: 390100, message: 'Incorrect username or password was specified.' }, {}, 'verification', 'LOGIN_FAILED', 'Snowflake login failed (code 390100): Incorrect username or password was specified.', HINT.fallback, true],
  ['a refusal that never reached Snowflake', { name: 'OperationFailedError', message: 'x', reachedSnowflake: false }, {}, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: x', HINT.fallback, true],
  ['anything else', { name: 'Error', message: 'something odd\n  happened' }, {}, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: something odd happened', HINT.fallback, true],
];

describe('diagnoseLoginError: what the user reads, exactly', () => {
  it.each(ROWS)('%s', (_name, error, extra, kind, code, message, hint, keepsArn) => {
    const ctx = { ...context, ...extra };
    const diagnosis = diagnoseLoginError(error, ctx);
    expect({ kind: diagnosis.kind, code: diagnosis.code, message: diagnosis.message, hint: diagnosis.hint }).toEqual({ kind, code, message, hint });
    expect(diagnosis.expectedArn).toBe(keepsArn ? (ctx.expectedArn ?? null) : null);
  });
});

// Another provider's login (OIDC, Azure, GCP) reaches these rules only when its own rules do not
// know the failure. AWS words would misname the cause: no credentials, region, STS, attestation or ARN.
const TOKEN_SOURCE = { what: 'its token (from the test)', hint: 'Check the token source.' };
const fallbackFor = (provider: string) => `Run \`wif-check doctor --provider ${provider}\` for the full checklist; compare the token with \`wif-check whoami --provider ${provider}\`.`;
const ROLE = "Role 'LOADER' specified in the connect string does not exist or not authorized.";

// prettier-ignore
const OTHER_PROVIDERS: Row[] = [
  ['OIDC: the AWS unmapped words are a refusal like any other', { name: 'OperationFailedError', message: UNMAPPED }, { provider: 'OIDC' }, 'verification', 'LOGIN_FAILED', `Snowflake login failed: ${UNMAPPED}`, fallbackFor('oidc'), false],
  ['Azure: the AWS SDK credentials words', { message: 'Could not load credentials from any providers' }, { provider: 'AZURE' }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: Could not load credentials from any providers', fallbackFor('azure'), false],
  ['GCP: the metadata address is not an AWS region', { message: 'connect EHOSTUNREACH 169.254.169.254:80', reachedSnowflake: false }, { provider: 'GCP' }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: connect EHOSTUNREACH 169.254.169.254:80', fallbackFor('gcp'), false],
  ['Azure: "metadata service" is not an AWS region', { message: 'Error making request to the metadata service', reachedSnowflake: false }, { provider: 'AZURE' }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: Error making request to the metadata service', fallbackFor('azure'), false],
  ['OIDC: the STS words', { message: 'The security token included in the request is invalid.' }, { provider: 'OIDC' }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: The security token included in the request is invalid.', fallbackFor('oidc'), false],
  ['GCP: an AssumeRole refusal with a path', { name: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole' }, { provider: 'GCP', impersonationPath: PATH }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: not authorized to perform: sts:AssumeRole', fallbackFor('gcp'), false],
  ['GCP: a failure before Snowflake with a path is not an AssumeRole failure', { message: 'socket hang up', reachedSnowflake: false }, { provider: 'GCP', impersonationPath: PATH }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed: socket hang up', fallbackFor('gcp'), false],
  ['OIDC: "identity token" in a refusal is not the attestation', { name: 'OperationFailedError', message: 'The identity token could not be verified.' }, { provider: 'OIDC' }, 'verification', 'LOGIN_FAILED', 'Snowflake login failed: The identity token could not be verified.', fallbackFor('oidc'), false],
  ['Azure: an attestation word with an STS failure on record', { name: 'OperationFailedError', message: 'attestation could not be verified' }, { provider: 'AZURE', awsFailure: { code: 'STS_CLOCK_SKEW', message: 'clock skew' } }, 'verification', 'LOGIN_FAILED', 'Snowflake login failed: attestation could not be verified', fallbackFor('azure'), false],
  ['OIDC: the role', { name: 'OperationFailedError', message: ROLE }, { provider: 'OIDC' }, 'snowflake', 'ROLE_NOT_GRANTED', `Snowflake accepted the OIDC identity but not the role: ${ROLE}`, HINT.role, false],
  ['Azure: the role', { name: 'OperationFailedError', message: ROLE }, { provider: 'AZURE' }, 'snowflake', 'ROLE_NOT_GRANTED', `Snowflake accepted the Azure identity but not the role: ${ROLE}`, HINT.role, false],
  ['GCP: the role', { name: 'OperationFailedError', message: ROLE }, { provider: 'GCP' }, 'snowflake', 'ROLE_NOT_GRANTED', `Snowflake accepted the GCP identity but not the role: ${ROLE}`, HINT.role, false],
  ['AWS named: the role', { name: 'OperationFailedError', message: ROLE }, { provider: 'AWS' }, 'snowflake', 'ROLE_NOT_GRANTED', `Snowflake accepted the AWS identity but not the role: ${ROLE}`, HINT.role, false],
  ['GCP: the driver\'s token request hung', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, { provider: 'GCP', tokenSource: TOKEN_SOURCE }, 'aws', 'TOKEN_TIMEOUT', 'The Snowflake driver did not get its token (from the test) within 2 s: nothing was sent to Snowflake', 'Check the token source.', false],
  ['Azure: the token request hung, with a path on record', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, { provider: 'AZURE', tokenSource: TOKEN_SOURCE, impersonationPath: PATH, awsFailure: { code: 'STS_TIMEOUT', message: 'x' } }, 'aws', 'TOKEN_TIMEOUT', 'The Snowflake driver did not get its token (from the test) within 2 s: nothing was sent to Snowflake', 'Check the token source.', false],
  ['OIDC: a timeout before Snowflake, no token to fetch', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, { provider: 'OIDC' }, 'snowflake', 'TIMEOUT', `Snowflake did not answer within 2 s (${URL})`, HINT.timeout, false],
  ['GCP: a timeout after sending is Snowflake\'s', { message: 'x', code: 'TIMEOUT', reachedSnowflake: true }, { provider: 'GCP', tokenSource: TOKEN_SOURCE }, 'snowflake', 'TIMEOUT', `Snowflake did not answer within 2 s (${URL})`, HINT.timeout, false],
  ['GCP: a timeout, reaching Snowflake unknown', { message: 'x', code: 'TIMEOUT' }, { provider: 'GCP', tokenSource: TOKEN_SOURCE }, 'snowflake', 'TIMEOUT', `Snowflake did not answer within 2 s (${URL})`, HINT.timeout, false],
  ['AWS with a token source: still the AWS credentials and region', { message: 'x', code: 'TIMEOUT', reachedSnowflake: false }, { provider: 'AWS', tokenSource: TOKEN_SOURCE }, 'aws', 'AWS_TIMEOUT', 'The Snowflake driver did not get its AWS credentials or region within 2 s: nothing was sent to Snowflake', HINT.awsTimeout, false],
  ['GCP: something else before Snowflake is not a timeout', { message: 'x', code: 'EOTHER', reachedSnowflake: false }, { provider: 'GCP', tokenSource: TOKEN_SOURCE }, 'snowflake', 'LOGIN_FAILED', 'Snowflake login failed (code EOTHER): x', fallbackFor('gcp'), false],
  ['Azure: the rules every provider shares still apply', { name: 'NetworkError', message: 'x', causeCode: 'ECONNRESET', causeMessage: 'read ECONNRESET' }, { provider: 'AZURE' }, 'snowflake', 'UNREACHABLE', `Cannot reach Snowflake at ${URL}: read ECONNRESET`, HINT.unreachable, false],
  ['OIDC: the host allow-list', { name: 'Error', message: 'WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: 127.0.0.1.' }, { provider: 'OIDC' }, 'usage', 'HOST_NOT_ALLOWED', 'The Snowflake driver refuses this host for WORKLOAD_IDENTITY: WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: 127.0.0.1.', HINT.host, false],
];

describe("diagnoseLoginError for another provider's login: no AWS cause, the provider named", () => {
  const base: LoginContext = { account: 'myorg-myacct', url: URL, timeoutMs: 2_000 };
  // No ARN: these logins have none (the last column is false throughout).
  it.each(OTHER_PROVIDERS)('%s', (_name, error, extra, kind, code, message, hint) => {
    const diagnosis = diagnoseLoginError(error, { ...base, ...extra });
    expect({ kind: diagnosis.kind, code: diagnosis.code, message: diagnosis.message, hint: diagnosis.hint, expectedArn: diagnosis.expectedArn }).toEqual({ kind, code, message, hint, expectedArn: null });
  });

  it.each(['OIDC', 'AZURE', 'GCP'] as const)('%s: a gate is named with its own provider', (provider) => {
    const error: DriverErrorFields = { name: 'OperationFailedError', code: '390202', message: 'Authentication attempt rejected by the current authentication policy.' };
    const gate = diagnoseGate(error, { provider });
    const diagnosis = diagnoseLoginError(error, { ...base, provider });
    expect(gate?.hint).toContain(`ALLOWED_PROVIDERS = (<its providers>, ${provider})`);
    expect(diagnosis).toEqual({ kind: gate?.kind, code: 'AUTHENTICATION_POLICY_REJECTED', message: gate?.message, hint: gate?.hint, expectedArn: null, snowflake: { code: '390202', message: error.message } });
  });
});

describe("diagnoseLoginError: Snowflake's own code and words are kept when it answered with them", () => {
  it.each([
    ['an OperationFailedError with a string code', { name: 'OperationFailedError', code: '390432', message: UNMAPPED }, { code: '390432', message: UNMAPPED }],
    ['an OperationFailedError with a numeric code', { name: 'OperationFailedError', code: 390100, message: 'Incorrect username or password was specified.' }, { code: '390100', message: 'Incorrect username or password was specified.' }],
    ['an OperationFailedError without a code', { name: 'OperationFailedError', message: UNMAPPED }, undefined],
    ['a NetworkError with a code', { name: 'NetworkError', code: 401001, message: 'x', causeCode: 'ECONNREFUSED' }, undefined],
    ['a fallback OperationFailedError', { name: 'OperationFailedError', code: '1', message: 'odd' }, { code: '1', message: 'odd' }],
  ] as Array<[string, DriverErrorFields, { code: string; message: string } | undefined]>)('%s', (_name, error, snowflake) => {
    const diagnosis = diagnoseLoginError(error, context);
    expect(diagnosis.snowflake).toEqual(snowflake);
    expect('snowflake' in diagnosis).toBe(snowflake !== undefined);
  });
});

describe('diagnoseLoginError: each wording the rules recognise', () => {
  it.each([
    ['Could not load credentials from any providers', 'NO_CREDENTIALS'],
    ['credential is missing', 'NO_CREDENTIALS'],
    ['credentials are not found', 'NO_CREDENTIALS'],
    ['Unable to load credentials from the chain', 'NO_CREDENTIALS'],
    ['EC2 Metadata roleName request returned error', 'NO_REGION'],
    ['Error making request to the metadata service', 'NO_REGION'],
    ['the instance metadata has no region', 'NO_REGION'],
    ['Region is missing', 'NO_REGION'],
    ['connect EHOSTUNREACH 169.254.169.254:80', 'NO_REGION'],
    ['The security token included in the request is expired', 'STS_REJECTED'],
    ['The request signature we calculated does not match the signature you provided.', 'STS_REJECTED'],
    ["Account 'x' not found", 'ACCOUNT_NOT_FOUND'],
    ['request timed out', 'TIMEOUT'],
    ['Request timeout', 'TIMEOUT'],
    ['connect ETIMEDOUT 1.2.3.4:443', 'TIMEOUT'],
    ['ESOCKETTIMEDOUT', 'TIMEOUT'],
    ['the request exceeded the configured timeout', 'TIMEOUT'],
    ['the request exceeded the timeout', 'TIMEOUT'],
  ])('%j → %s', (message, code) => {
    expect(diagnoseLoginError({ name: 'Error', message }, context).code).toBe(code);
  });

  it.each([
    ['The AWS workload identity attestation could not be verified.'],
    ['The caller identity could not be verified.'],
    ['Invalid AWS signature'],
    ['Failed to verify the AWS request'],
    ['The identity token is not valid'],
  ])('Snowflake refusing the attestation: %j → ATTESTATION_REJECTED', (message) => {
    expect(diagnoseLoginError({ name: 'OperationFailedError', message }, context).code).toBe('ATTESTATION_REJECTED');
  });

  it.each([
    ['certificate', 'x', 'TLS_ERROR'],
    ['CERT_HAS_EXPIRED', '', 'TLS_ERROR'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', '', 'TLS_ERROR'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', '', 'TLS_ERROR'],
    ['', 'self signed certificate', 'TLS_ERROR'],
    ['', 'self-signed', 'TLS_ERROR'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', '', 'TLS_ERROR'],
    ['ECONNREFUSED', '', 'UNREACHABLE'],
    ['ECONNRESET', '', 'UNREACHABLE'],
    ['ENOTFOUND', '', 'UNREACHABLE'],
    ['EAI_AGAIN', '', 'UNREACHABLE'],
    ['EHOSTUNREACH', '', 'UNREACHABLE'],
    ['ENETUNREACH', '', 'UNREACHABLE'],
    ['EPIPE', '', 'UNREACHABLE'],
    ['ECONNABORTED', '', 'UNREACHABLE'],
    ['XECONNREFUSED', '', 'LOGIN_FAILED'],
    ['ECONNREFUSEDX', '', 'LOGIN_FAILED'],
  ])('cause code %j, cause message %j → %s', (causeCode, causeMessage, code) => {
    expect(diagnoseLoginError({ name: 'Error', message: 'x', causeCode, causeMessage }, context).code).toBe(code);
  });

  it('an AccessDenied with no impersonation path is not an impersonation failure', () => {
    expect(diagnoseLoginError({ name: 'AccessDenied', message: 'x' }, { ...context, impersonationPath: undefined }).code).toBe('LOGIN_FAILED');
    expect(diagnoseLoginError({ name: 'AccessDenied', message: 'x' }, { ...context, impersonationPath: [PATH[0] ?? ''] }).code).toBe('IMPERSONATION_DENIED');
  });

  it('a driver that did reach Snowflake is not an AWS timeout, with or without a path', () => {
    expect(diagnoseLoginError({ message: 'x', code: 'TIMEOUT' }, context).code).toBe('TIMEOUT');
    expect(diagnoseLoginError({ message: 'x', code: 'TIMEOUT', reachedSnowflake: true }, { ...context, impersonationPath: PATH }).code).toBe('TIMEOUT');
    expect(diagnoseLoginError({ message: 'x', reachedSnowflake: false }, { ...context, impersonationPath: undefined }).code).toBe('LOGIN_FAILED');
  });
});

describe('parseExpectUser: --expect-user as typed', () => {
  it.each([
    [undefined, undefined],
    ['LOADER', 'LOADER'],
    ['  loader ', 'loader'],
    ['"My User"', '"My User"'],
  ])('%j → %j', (value, user) => {
    expect(parseExpectUser(value)).toBe(user);
  });

  it.each([[''], ['   '], ['""'], [' "" ']])('%j is an empty name (exit 2, BAD_EXPECT_USER)', (value) => {
    try {
      parseExpectUser(value);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(WifError);
      expect(error).toMatchObject({
        message: '--expect-user is empty',
        code: 'BAD_EXPECT_USER',
        exitCode: 2,
        hint: 'Give the Snowflake user name, e.g. --expect-user LAMBDA_LOADER (is the variable you passed set?).',
      });
    }
  });
});

describe('diagnoseUnexpectedUser: logged in as another user than --expect-user', () => {
  const moveHint = (from: string, actual: string, to: string, arn: string, caller: string) =>
    [
      `Snowflake maps ${caller} to user ${from}. Move the mapping:`,
      `  ALTER USER ${actual} UNSET WORKLOAD_IDENTITY;`,
      `  ALTER USER ${to} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}');`,
      'or fix --expect-user (unquoted names compare case-insensitively, "quoted" ones exactly).',
    ].join('\n');

  it.each([
    ['plain names', 'OTHER', ' loader ', { callerArn: CALLER, expectedArn: EXPECTED }, 'Logged in as OTHER, not the expected user loader', moveHint('OTHER', 'OTHER', 'LOADER', EXPECTED, CALLER), EXPECTED],
    ['a quoted expected name, nothing known', 'OTHER', '"Loader"', {}, 'Logged in as OTHER, not the expected user "Loader"', moveHint('OTHER', 'OTHER', '"Loader"', 'arn:aws:iam::<account>:role/<role name>', 'this AWS identity'), null],
    ['a mapped user that needs quotes', 'my user', 'LOADER', {}, 'Logged in as my user, not the expected user LOADER', moveHint('my user', '"my user"', 'LOADER', 'arn:aws:iam::<account>:role/<role name>', 'this AWS identity'), null],
    ['a lower-case mapped user', 'other', 'LOADER', {}, 'Logged in as other, not the expected user LOADER', moveHint('other', '"other"', 'LOADER', 'arn:aws:iam::<account>:role/<role name>', 'this AWS identity'), null],
    ['a mapped user that cannot be written in SQL', 'odd\u001bname', 'LOADER', { callerArn: 'arn:aws:sts::1:assumed-role/r/\u001b[2J' }, 'Logged in as odd\u001bname, not the expected user LOADER', moveHint('odd\\u001bname', '<mapped user>', 'LOADER', 'arn:aws:iam::<account>:role/<role name>', 'arn:aws:sts::1:assumed-role/r/\\u001b[2J'), null],
    ['an expected name that cannot be written in SQL', 'OTHER', 'a\u0000b', {}, 'Logged in as OTHER, not the expected user a\u0000b', moveHint('OTHER', 'OTHER', '<expected user>', 'arn:aws:iam::<account>:role/<role name>', 'this AWS identity'), null],
  ] as Array<[string, string, string, { callerArn?: string; expectedArn?: string }, string, string, string | null]>)('%s', (_name, user, expectUser, ctx, message, hint, expectedArn) => {
    expect(diagnoseUnexpectedUser({ user }, expectUser, ctx)).toEqual({ kind: 'verification', code: 'UNEXPECTED_USER', message, hint, expectedArn });
  });
});

describe('the remaining edges of the failure table', () => {
  it('the fix for a principal that can never be mapped, as printed', () => {
    expect(NOT_USABLE_FIX).toBe(
      "Use an IAM role's credentials (e.g. the Lambda/ECS/EC2 execution role, or an SSO permission set) or an IAM user's, not the account root user or a GetFederationToken session.",
    );
  });

  it.each([
    ['a NetworkError with no cause code', { name: 'NetworkError', message: 'Network error. Could not reach Snowflake.' }, 'UNREACHABLE'],
    ['a NetworkError with an unknown cause code', { name: 'NetworkError', message: 'x', causeCode: 'ESOMETHING' }, 'UNREACHABLE'],
    ['another error with an unknown cause code', { name: 'Error', message: 'x', causeCode: 'ESOMETHING' }, 'LOGIN_FAILED'],
  ])('%s → %s', (_name, error, code) => {
    expect(diagnoseLoginError(error, context).code).toBe(code);
  });

  it.each([
    [' "Svc" ', 'Svc', true],
    [' "Svc" ', 'SVC', false],
    ['\t"a b"\n', 'a b', true],
  ])('userMatches(%j, %j) → %s: a quoted --expect-user with spaces around it still compares exactly', (expected, actual, result) => {
    expect(userMatches(expected, actual)).toBe(result);
  });
});
