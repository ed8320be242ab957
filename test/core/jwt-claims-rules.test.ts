/**
 * AWS's JWT method (src/core/jwt-claims.ts) as a specification, one line per case: which --issuer
 * values are accepted (and with which warning), what a token's claims are shown as, and each
 * GetWebIdentityToken or login failure as the user reads it.
 */
import { describe, expect, it } from 'vitest';
import {
  AWS_CLAIMS_NAMESPACE,
  BAD_ISSUER_HINT,
  DEFAULT_TOKEN_SECONDS,
  ENABLE_FEDERATION_FIX,
  OUTBOUND_TOKEN_ENV,
  SNOWFLAKE_AUDIENCE,
  SNOWFLAKE_SIGNING_ALGORITHM,
  WEB_IDENTITY_POLICY,
  diagnoseOutboundLogin,
  describeWebIdentityFailure,
  isGlobalStsEndpoint,
  methodNote,
  outboundTokenRequestedByEnv,
  subjectToSnowflakeArn,
  summarizeToken,
  unusualIssuerWarning,
  validateIssuer,
} from '../../src/core/jwt-claims.js';

const unusual = (issuer: string) => `the issuer ${issuer} does not look like an AWS account issuer (https://<id>.tokens.sts.global.api.aws): Snowflake may refuse it`;
const GENERIC = "is a generic STS endpoint, not your account's issuer: Snowflake refuses it (004616: Invalid ISSUER property … must be a valid AWS STS JWT issuer URL matching the ARN partition)";

describe('validateIssuer: accepted issuers', () => {
  it.each([
    ['an account issuer', 'https://a1b2c3d4-0000.tokens.sts.global.api.aws', 'https://a1b2c3d4-0000.tokens.sts.global.api.aws', []],
    ['upper case, a trailing slash and spaces', ' https://A1B2.TOKENS.STS.GLOBAL.API.AWS/ ', 'https://a1b2.tokens.sts.global.api.aws', []],
    ['another host: kept, with a warning', 'https://issuer.example.com', 'https://issuer.example.com', [unusual('https://issuer.example.com')]],
    ['a port is kept', 'https://issuer.example.com:8443', 'https://issuer.example.com:8443', [unusual('https://issuer.example.com:8443')]],
    ['a name that only contains sts', 'https://ststs.amazonaws.com', 'https://ststs.amazonaws.com', [unusual('https://ststs.amazonaws.com')]],
    ['a subdomain of an STS host', 'https://evil.sts.amazonaws.com', 'https://evil.sts.amazonaws.com', [unusual('https://evil.sts.amazonaws.com')]],
    ['an STS host inside another', 'https://sts.amazonaws.com.evil.example', 'https://sts.amazonaws.com.evil.example', [unusual('https://sts.amazonaws.com.evil.example')]],
    ['an STS host with two region labels', 'https://sts.a.b.amazonaws.com', 'https://sts.a.b.amazonaws.com', [unusual('https://sts.a.b.amazonaws.com')]],
    ['an account issuer with a dotted id', 'https://x.y.tokens.sts.global.api.aws', 'https://x.y.tokens.sts.global.api.aws', [unusual('https://x.y.tokens.sts.global.api.aws')]],
    ['the issuer domain alone', 'https://tokens.sts.global.api.aws', 'https://tokens.sts.global.api.aws', [unusual('https://tokens.sts.global.api.aws')]],
    ['an account issuer inside another host', 'https://x.tokens.sts.global.api.aws.evil', 'https://x.tokens.sts.global.api.aws.evil', [unusual('https://x.tokens.sts.global.api.aws.evil')]],
  ])('%s: %j → %s', (_name, input, issuer, warnings) => {
    expect(validateIssuer(input)).toEqual({ ok: true, issuer, warnings });
  });

  it('a very long issuer is named in the warning by its first 300 characters', () => {
    const issuer = `https://${'x'.repeat(400)}`;
    expect(validateIssuer(issuer)).toEqual({ ok: true, issuer, warnings: [unusual(issuer.slice(0, 300))] });
  });
});

describe('validateIssuer: refused issuers', () => {
  it.each([
    ['empty', '', '--issuer "" is empty'],
    ['spaces only', '   ', '--issuer "" is empty'],
    ['a space inside', 'https://x .example', '--issuer "https://x .example" contains a space or a control character'],
    ['NUL', 'https://x\u0000', '--issuer "https://x\\u0000" contains a space or a control character'],
    ['ESC', 'https://x\u001b', '--issuer "https://x\\u001b" contains a space or a control character'],
    ['DEL', 'https://x\u007fy', '--issuer "https://x\u007fy" contains a space or a control character'],
    ['a C1 control', 'https://x\u009fy', '--issuer "https://x\u009fy" contains a space or a control character'],
    ['not a URL', 'nonsense', '--issuer "nonsense" is not a URL (expected https://<id>.tokens.sts.global.api.aws)'],
    ['http', 'http://x.tokens.sts.global.api.aws', '--issuer "http://x.tokens.sts.global.api.aws" is not an https URL (http)'],
    ['ftp', 'ftp://x.example', '--issuer "ftp://x.example" is not an https URL (ftp)'],
    ['a file URL', 'file:///etc/passwd', '--issuer "file:///etc/passwd" is not an https URL (file)'],
    ['a user', 'https://user@x.example', '--issuer "https://user@x.example" carries credentials'],
    ['a password', 'https://:pw@x.example', '--issuer "https://:pw@x.example" carries credentials'],
    ['a query', 'https://x.example?a=1', '--issuer "https://x.example?a=1" has a query'],
    ['an empty query', 'https://x.example?', '--issuer "https://x.example?" has a query'],
    ['a fragment', 'https://x.example#f', '--issuer "https://x.example#f" has a fragment'],
    ['an empty fragment', 'https://x.example#', '--issuer "https://x.example#" has a fragment'],
    ['a path', 'https://x.example/a', '--issuer "https://x.example/a" has a path (/a): an issuer is scheme and host only'],
    ['a doubled slash', 'https://x.example//', '--issuer "https://x.example//" has a path (//): an issuer is scheme and host only'],
    ['a path after a backslash (a URL parser reads \\ as /)', 'https://x.example\\path', '--issuer "https://x.example\\\\path" has a path (/path): an issuer is scheme and host only'],
    ['a dot segment (normalised away by a URL parser)', 'https://x.example/.', '--issuer "https://x.example/." has a path (/): an issuer is scheme and host only'],
    ['two dot segments', 'https://x.example/..', '--issuer "https://x.example/.." has a path (/): an issuer is scheme and host only'],
    ['an encoded dot', 'https://x.example/%2e', '--issuer "https://x.example/%2e" has a path (/): an issuer is scheme and host only'],
    ['the global STS endpoint', 'https://sts.amazonaws.com', `--issuer "https://sts.amazonaws.com" ${GENERIC}`],
    ['a regional STS endpoint', 'https://sts.eu-west-1.amazonaws.com', `--issuer "https://sts.eu-west-1.amazonaws.com" ${GENERIC}`],
    ['a GovCloud endpoint, upper case', 'https://STS.us-gov-west-1.amazonaws.com', `--issuer "https://STS.us-gov-west-1.amazonaws.com" ${GENERIC}`],
    ['a China endpoint', 'https://sts.cn-north-1.amazonaws.com.cn', `--issuer "https://sts.cn-north-1.amazonaws.com.cn" ${GENERIC}`],
    ['the FIPS endpoint', 'https://sts-fips.amazonaws.com', `--issuer "https://sts-fips.amazonaws.com" ${GENERIC}`],
    ['a regional FIPS endpoint', 'https://sts-fips.us-east-1.amazonaws.com', `--issuer "https://sts-fips.us-east-1.amazonaws.com" ${GENERIC}`],
    ['a dual-stack endpoint', 'https://sts.us-east-1.api.aws', `--issuer "https://sts.us-east-1.api.aws" ${GENERIC}`],
  ])('%s: %j', (_name, input, error) => {
    expect(validateIssuer(input)).toEqual({ ok: false, error, hint: BAD_ISSUER_HINT });
  });

  it('a long refused value is quoted by its first 200 characters', () => {
    const input = `ftp://${'x'.repeat(300)}`;
    expect(validateIssuer(input)).toMatchObject({ ok: false, error: `--issuer ${JSON.stringify(input.slice(0, 200))} is not an https URL (ftp)` });
  });

  it('the hint says where the issuer comes from', () => {
    expect(BAD_ISSUER_HINT).toBe(
      "The issuer is your AWS account's own: `aws iam get-outbound-web-identity-federation-info` prints it (IssuerIdentifier, e.g. https://a1b2c3d4-….tokens.sts.global.api.aws), and `wif-check whoami --outbound-token` shows the one in a live token.",
    );
  });
});

describe('unusualIssuerWarning (an issuer from a live token)', () => {
  it.each([
    ['https://a1b2.tokens.sts.global.api.aws', undefined],
    ['https://A1B2.TOKENS.STS.GLOBAL.API.AWS', undefined],
    ['https://a1b2.tokens.sts.global.api.aws/', undefined],
    ['http://a1b2.tokens.sts.global.api.aws', unusual('http://a1b2.tokens.sts.global.api.aws')],
    ['https://a1b2.tokens.sts.global.api.aws/x', unusual('https://a1b2.tokens.sts.global.api.aws/x')],
    ['https://evil.example', unusual('https://evil.example')],
    ['nonsense', unusual('nonsense')],
  ])('%j → %j', (issuer, warning) => {
    expect(unusualIssuerWarning(issuer)).toBe(warning);
  });
});

describe('isGlobalStsEndpoint', () => {
  it.each([
    ['https://sts.amazonaws.com', true],
    ['https://STS.AMAZONAWS.COM', true],
    ['https://sts.amazonaws.com:443/', true],
    ['https://sts.amazonaws.com.evil.example', false],
    ['https://xsts.amazonaws.com', false],
    ['https://sts.us-east-1.amazonaws.com', false],
    ['sts.amazonaws.com', false],
    ['', false],
  ])('%j → %s', (endpoint, global) => {
    expect(isGlobalStsEndpoint(endpoint)).toBe(global);
  });
});

describe('the method switch', () => {
  it.each([
    [{ [OUTBOUND_TOKEN_ENV]: 'true' }, true],
    [{ [OUTBOUND_TOKEN_ENV]: ' TRUE ' }, true],
    [{ [OUTBOUND_TOKEN_ENV]: 'yes' }, false],
    [{ [OUTBOUND_TOKEN_ENV]: '' }, false],
    [{}, false],
  ])('%j → %s', (env, on) => {
    expect(outboundTokenRequestedByEnv(env)).toBe(on);
  });

  it('the variable is the Python connector\'s', () => {
    expect(OUTBOUND_TOKEN_ENV).toBe('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN');
  });

  it.each([
    ['SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN', 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true: using the JWT method (STS GetWebIdentityToken), as the Snowflake drivers would'],
    ['flag', undefined],
    ['default', undefined],
  ] as const)('methodNote(%s) → %j', (source, note) => {
    expect(methodNote(source)).toBe(note);
  });
});

describe('summarizeToken: what wif-check shows of a token', () => {
  it.each([
    ['non-string or empty header and claims are null', { alg: 5, kid: '' }, { iss: 1, sub: null, aud: ['a', 2, 'b'], iat: 'x', exp: 1_800_000_300 }, { algorithm: null, keyId: null, issuer: null, subject: null, audience: ['a', 'b'], issuedAt: null, expiresAt: '2027-01-15T08:05:00.000Z', lifetimeSeconds: null, awsClaims: {} }],
    ['a numeric audience is none', {}, { aud: 7, iat: 1_800_000_000 }, { algorithm: null, keyId: null, issuer: null, subject: null, audience: [], issuedAt: '2027-01-15T08:00:00.000Z', expiresAt: null, lifetimeSeconds: null, awsClaims: {} }],
    ['an audience string is a list of one', { alg: 'ES384', kid: 'k' }, { iss: 'i', sub: 's', aud: 'snowflakecomputing.com' }, { algorithm: 'ES384', keyId: 'k', issuer: 'i', subject: 's', audience: ['snowflakecomputing.com'], issuedAt: null, expiresAt: null, lifetimeSeconds: null, awsClaims: {} }],
    ['times that are not finite are none', {}, { iat: Number.NaN, exp: Number.POSITIVE_INFINITY }, { algorithm: null, keyId: null, issuer: null, subject: null, audience: [], issuedAt: null, expiresAt: null, lifetimeSeconds: Number.NaN, awsClaims: {} }],
    ['the lifetime is exp minus iat', {}, { iat: 1_800_000_000, exp: 1_800_003_600 }, { algorithm: null, keyId: null, issuer: null, subject: null, audience: [], issuedAt: '2027-01-15T08:00:00.000Z', expiresAt: '2027-01-15T09:00:00.000Z', lifetimeSeconds: 3_600, awsClaims: {} }],
  ])('%s', (_name, header, payload, summary) => {
    expect(summarizeToken(header, payload)).toEqual({ ...summary, claims: payload });
  });

  it("AWS's claims: principal and request tags are shown as their keys only, other claims as they are", () => {
    const payload = { 'https://sts.amazonaws.com/': { request_tags: { team: 'secret-value' }, principal_tags: { cost: 'x' }, org_id: 'o-1', source_region: 'eu-west-1' } };
    const aws = { request_tags: ['team'], principal_tags: ['cost'], org_id: 'o-1', source_region: 'eu-west-1' };
    expect(summarizeToken({}, payload)).toMatchObject({ awsClaims: aws, claims: { 'https://sts.amazonaws.com/': aws } });
    expect(JSON.stringify(summarizeToken({}, payload))).not.toContain('secret-value');
  });

  it.each([
    ['tags that are a list are kept as they are', { principal_tags: ['k'] }, { principal_tags: ['k'] }],
    ['tags that are null are kept as they are', { request_tags: null }, { request_tags: null }],
    ['a claim named like a tag elsewhere is a value', { session_tags: { a: 'b' } }, { session_tags: { a: 'b' } }],
  ])('%s', (_name, claims, aws) => {
    expect(summarizeToken({}, { 'https://sts.amazonaws.com/': claims }).awsClaims).toEqual(aws);
  });

  it.each([
    ['a string', 'x'],
    ['a list', ['x']],
    ['null', null],
  ])("AWS's namespace holding %s: no AWS claims, and the value is not shown", (_name, value) => {
    const summary = summarizeToken({}, { 'https://sts.amazonaws.com/': value, sub: 's' });
    expect(summary.awsClaims).toEqual({});
    expect(summary.claims).toEqual({ 'https://sts.amazonaws.com/': {}, sub: 's' });
  });

  it('a payload without the namespace gets none added', () => {
    expect(summarizeToken({}, { sub: 's' }).claims).toEqual({ sub: 's' });
  });
});

describe("subjectToSnowflakeArn: the token's subject → the ARN to register", () => {
  it.each([
    ['a role', 'arn:aws:iam::123456789012:role/r', { ok: true, arn: 'arn:aws:iam::123456789012:role/r', notes: [] }],
    ['a role with a path', 'arn:aws:iam::123456789012:role/a/b/r', { ok: true, arn: 'arn:aws:iam::123456789012:role/r', notes: ["the token's subject carries the IAM path a/b/: wif-check registers the path-free ARN (Snowflake matches the role by name)"] }],
    ['no subject', null, { ok: false, error: 'the token has no sub claim' }],
    ['not an ARN', 'nope', { ok: false, error: 'the token\'s subject nope is not an ARN wif-check can read (not an ARN: must start with "arn:" (got "nope"))' }],
    ['the account root', 'arn:aws:iam::123456789012:root', { ok: false, error: 'the account root user cannot be used for Snowflake workload identity federation, which maps only IAM roles (e.g. arn:aws:iam::123456789012:role/<name>) and IAM users' }],
  ])('%s', (_name, subject, result) => {
    expect(subjectToSnowflakeArn(subject)).toEqual(result);
  });

  it('a long subject is quoted by its first 300 characters', () => {
    const subject = `x${'y'.repeat(400)}`;
    const result = subjectToSnowflakeArn(subject);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.startsWith(`the token's subject ${subject.slice(0, 300)} is not an ARN`)).toBe(true);
    if (!result.ok) expect(result.error).not.toContain(subject.slice(0, 301));
  });
});

describe('GetWebIdentityToken failures, as printed', () => {
  const regional = { endpoint: 'https://sts.eu-west-1.amazonaws.com' };
  const denied = (who: string) => `Allow ${who}sts:GetWebIdentityToken for Snowflake's audience, e.g. in its IAM policy:\n${WEB_IDENTITY_POLICY}`;
  const GLOBAL_HINT = 'Use a regional STS endpoint: unset AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if they name https://sts.amazonaws.com, and set AWS_REGION (e.g. eu-west-1).';
  it.each([
    ['federation disabled (the exception)', 'OutboundWebIdentityFederationDisabledException', 'off', regional, 'OUTBOUND_FEDERATION_DISABLED', 'Outbound identity federation is not enabled for this AWS account, so STS issues no web identity token: off', ENABLE_FEDERATION_FIX],
    ['federation disabled (the message)', 'X', 'Outbound web identity federation is not enabled', regional, 'OUTBOUND_FEDERATION_DISABLED', 'Outbound identity federation is not enabled for this AWS account, so STS issues no web identity token: Outbound web identity federation is not enabled', ENABLE_FEDERATION_FIX],
    ['federation disabled (the feature message)', undefined, 'outbound web identity federation feature is not enabled', regional, 'OUTBOUND_FEDERATION_DISABLED', 'Outbound identity federation is not enabled for this AWS account, so STS issues no web identity token: outbound web identity federation feature is not enabled', ENABLE_FEDERATION_FIX],
    ['denied, principal known', 'AccessDeniedException', 'not authorized to perform sts:GetWebIdentityToken', { ...regional, principal: 'arn:aws:iam::1:role/r' }, 'WEB_IDENTITY_TOKEN_DENIED', 'STS refused the web identity token: not authorized to perform sts:GetWebIdentityToken', denied('arn:aws:iam::1:role/r ')],
    ['denied, principal unknown', 'AccessDenied', 'not authorized to perform: sts:getwebidentitytoken', { ...regional, principal: null }, 'WEB_IDENTITY_TOKEN_DENIED', 'STS refused the web identity token: not authorized to perform: sts:getwebidentitytoken', denied('the principal ')],
    ['the global endpoint (by its URL)', 'InvalidAction', 'x', { endpoint: 'https://sts.amazonaws.com' }, 'STS_GLOBAL_ENDPOINT', 'GetWebIdentityToken is not available on the global STS endpoint (https://sts.amazonaws.com): x', GLOBAL_HINT],
    ['the global endpoint (by the message)', 'InvalidAction', 'not available on the global endpoint', regional, 'STS_GLOBAL_ENDPOINT', 'GetWebIdentityToken is not available on the global STS endpoint (https://sts.eu-west-1.amazonaws.com): not available on the global endpoint', GLOBAL_HINT],
    ['the global STS endpoint (by the message)', 'InvalidAction', 'not on the Global STS Endpoint', regional, 'STS_GLOBAL_ENDPOINT', 'GetWebIdentityToken is not available on the global STS endpoint (https://sts.eu-west-1.amazonaws.com): not on the Global STS Endpoint', GLOBAL_HINT],
    ['claims too large', 'JWTPayloadSizeExceededException', 'too big', regional, 'TOKEN_PAYLOAD_TOO_LARGE', 'STS refused the web identity token because its claims are too large: too big', "The token carries the principal's session and principal tags: remove tags (fewer or shorter session tags when the role is assumed) and try again."],
    ['lifetime too long', 'SessionDurationEscalationException', 'too long', regional, 'TOKEN_DURATION_ESCALATION', "STS refused the web identity token's lifetime: too long", 'The session expires before the token would: refresh the AWS credentials and try again.'],
  ] as const)('%s', (_name, name, detail, context, code, message, hint) => {
    expect(describeWebIdentityFailure(name, detail, context)).toEqual({ code, message, hint });
  });

  it.each([
    ['AccessDenied for another action', 'AccessDenied', 'not authorized to perform: sts:AssumeRole'],
    ['GetWebIdentityToken named by another error', 'Throttling', 'Rate exceeded for GetWebIdentityToken'],
    ['an expired token', 'ExpiredToken', 'expired'],
  ])('%s is left to the classic tables', (_name, name, detail) => {
    expect(describeWebIdentityFailure(name, detail, regional)).toBeUndefined();
  });

  it('the policy statement as printed', () => {
    expect(WEB_IDENTITY_POLICY.split('\n')).toEqual([
      '{',
      '  "Effect": "Allow",',
      '  "Action": "sts:GetWebIdentityToken",',
      '  "Resource": "*",',
      '  "Condition": { "ForAnyValue:StringEquals": { "sts:IdentityTokenAudience": "snowflakecomputing.com" } }',
      '}',
    ]);
  });

  it('what wif-check asks STS for: the audience, algorithm and lifetime snowflake-sdk asks for', () => {
    expect({ SNOWFLAKE_AUDIENCE, SNOWFLAKE_SIGNING_ALGORITHM, DEFAULT_TOKEN_SECONDS, AWS_CLAIMS_NAMESPACE }).toEqual({
      SNOWFLAKE_AUDIENCE: 'snowflakecomputing.com',
      SNOWFLAKE_SIGNING_ALGORITHM: 'ES384',
      DEFAULT_TOKEN_SECONDS: 300,
      AWS_CLAIMS_NAMESPACE: 'https://sts.amazonaws.com/',
    });
  });

  it('the policy statement is valid JSON naming Snowflake\'s audience', () => {
    expect(JSON.parse(WEB_IDENTITY_POLICY)).toEqual({
      Effect: 'Allow',
      Action: 'sts:GetWebIdentityToken',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'sts:IdentityTokenAudience': 'snowflakecomputing.com' } },
    });
  });

  it('the fix for a disabled federation', () => {
    expect(ENABLE_FEDERATION_FIX).toBe(
      'Enable it once for the AWS account (needs iam:EnableOutboundWebIdentityFederation):\n  aws iam enable-outbound-web-identity-federation\n' +
        "It prints the account's IssuerIdentifier: register that as ISSUER (`wif-check gen-sql --outbound-token`).",
    );
  });
});

describe('diagnoseOutboundLogin: a failed JWT login, as printed', () => {
  const ISSUER = 'https://a.tokens.sts.global.api.aws';
  const ARN = 'arn:aws:iam::123456789012:role/r';
  // Built inside each test (not while the file is collected): a failure of summarizeToken must fail a test.
  const known = () => ({ token: summarizeToken({}, { iss: ISSUER, sub: ARN }), expectedArn: ARN, expectUser: 'LOADER', endpoint: 'https://sts.eu-west-1.amazonaws.com', callerArn: ARN });
  const unknown = { token: null, expectedArn: null, endpoint: 'https://sts.eu-west-1.amazonaws.com' };
  const fix = (user: string, arn: string, issuer: string) => [
    `  ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}' ISSUER = '${issuer}');`,
    `Check it with SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER ${user}; (the user must be TYPE = SERVICE).`,
  ];
  const unmappedHint = (user: string, arn: string, issuer: string) =>
    [`With the JWT method Snowflake matches the role by name AND the token's issuer: ARN = '${arn}', ISSUER = '${issuer}'.`, 'A user without ISSUER, with another issuer, or registered with an IAM path never matches. Fix:', ...fix(user, arn, issuer)].join('\n');
  const issuerHint = (user: string, arn: string, issuer: string) => ["Register the issuer the token carries (your AWS account's IssuerIdentifier):", ...fix(user, arn, issuer)].join('\n');
  const PLACEHOLDERS = ['<your user>', 'arn:aws:iam::<account>:role/<role name>', '<your account issuer>'] as const;

  it.each([
    ['unmapped, everything known', 'Unable to find an associated Snowflake user', 'known', { kind: 'verification', code: 'USER_NOT_MAPPED', message: `Snowflake verified your AWS web identity token (token subject ${ARN}, issuer ${ISSUER}) but no Snowflake user is mapped to it.`, hint: unmappedHint('LOADER', ARN, ISSUER), expectedArn: ARN }],
    ['unmapped, nothing known', 'unable to find an associated snowflake user', 'unknown', { kind: 'verification', code: 'USER_NOT_MAPPED', message: 'Snowflake verified your AWS web identity token but no Snowflake user is mapped to it.', hint: unmappedHint(...PLACEHOLDERS), expectedArn: null }],
    ['unmapped, naming the issuer: the issuer is the cause', 'Unable to find an associated Snowflake user for the issuer', 'known', { kind: 'verification', code: 'ISSUER_MISMATCH', message: `Snowflake refused the token's issuer ${ISSUER}: Unable to find an associated Snowflake user for the issuer`, hint: issuerHint('LOADER', ARN, ISSUER), expectedArn: ARN }],
    ['an issuer refusal, nothing known', 'bad ISSUER', 'unknown', { kind: 'verification', code: 'ISSUER_MISMATCH', message: "Snowflake refused the token's issuer: bad ISSUER", hint: issuerHint(...PLACEHOLDERS), expectedArn: null }],
  ] as const)('%s', (_name, message, context, diagnosis) => {
    expect(diagnoseOutboundLogin('OperationFailedError', message, context === 'known' ? known() : unknown)).toEqual(diagnosis);
  });

  it('a token without a subject is not described by one', () => {
    const noSubject = { ...known(), token: summarizeToken({}, { iss: ISSUER }) };
    expect(diagnoseOutboundLogin('OperationFailedError', 'Unable to find an associated Snowflake user', noSubject)?.message).toBe('Snowflake verified your AWS web identity token but no Snowflake user is mapped to it.');
  });

  it('an STS failure before the login: kind aws, with the ARN to register', () => {
    expect(diagnoseOutboundLogin('OutboundWebIdentityFederationDisabledException', 'off', known())).toEqual({
      kind: 'aws',
      code: 'OUTBOUND_FEDERATION_DISABLED',
      message: 'Outbound identity federation is not enabled for this AWS account, so STS issues no web identity token: off',
      hint: ENABLE_FEDERATION_FIX,
      expectedArn: ARN,
    });
  });

  it.each([
    ['another refusal', 'OperationFailedError', 'Incorrect username or password'],
    ['a network error naming the issuer', 'NetworkError', 'issuer unreachable'],
    ['a client error', undefined, 'Unable to find an associated Snowflake user'],
  ])('%s falls through to the classic table', (_name, name, message) => {
    expect(diagnoseOutboundLogin(name, message, known())).toBeUndefined();
  });
});
