import { describe, expect, it } from 'vitest';
import {
  diagnoseOutboundLogin,
  describeWebIdentityFailure,
  isGlobalStsEndpoint,
  resolveMethod,
  subjectToSnowflakeArn,
  summarizeToken,
  unusualIssuerWarning,
  validateIssuer,
} from '../../src/core/jwt-claims.js';

const ISSUER = 'https://a1b2c3d4-0000-1111-2222-333344445555.tokens.sts.global.api.aws';

describe('resolveMethod', () => {
  it.each([
    [true, {}, 'outbound-token', 'flag'],
    [false, { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' }, 'caller-identity', 'flag'],
    [undefined, { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'TRUE' }, 'outbound-token', 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN'],
    [undefined, { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: ' True ' }, 'outbound-token', 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN'],
    [undefined, { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: '1' }, 'caller-identity', 'default'],
    [undefined, {}, 'caller-identity', 'default'],
  ] as const)('flag %s, env %j → %s (%s)', (flag, env, method, source) => {
    expect(resolveMethod(flag, env)).toEqual({ method, source });
  });
});

describe('validateIssuer', () => {
  it.each([
    [ISSUER, ISSUER, 0],
    [`${ISSUER}/`, ISSUER, 0],
    ['https://issuer.example.com', 'https://issuer.example.com', 1],
  ])('%s → %s (%i warnings)', (input, issuer, warnings) => {
    const result = validateIssuer(input);
    expect(result).toMatchObject({ ok: true, issuer });
    expect(result.ok && result.warnings.length).toBe(warnings);
  });

  it.each([
    ['', /empty/],
    ['http://x.tokens.sts.global.api.aws', /not an https URL/],
    ['https://x.tokens.sts.global.api.aws/a', /has a path/],
    ['https://x.tokens.sts.global.api.aws//', /has a path/],
    ['https://x.tokens.sts.global.api.aws?a=1', /query/],
    ['https://x.tokens.sts.global.api.aws#f', /fragment/],
    ['https://user:pw@x.tokens.sts.global.api.aws', /credentials/],
    ['https://sts.amazonaws.com', /generic STS endpoint/],
    ['https://STS.us-gov-west-1.amazonaws.com', /generic STS endpoint/],
    ['https://sts.cn-north-1.amazonaws.com.cn', /generic STS endpoint/],
    ['https://sts-fips.us-east-1.amazonaws.com', /generic STS endpoint/],
    ['https://x .example', /space or a control character/],
    ['https://x.example\u001b[2J', /control character/],
    ['not a url', /space|not a URL/],
  ])('%j is refused: %s', (input, reason) => {
    const result = validateIssuer(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });
});

describe('token summary', () => {
  it('keeps the claims, lists the audience, shows tag keys only', () => {
    const summary = summarizeToken(
      { alg: 'ES384', kid: 'k1' },
      {
        iss: ISSUER,
        sub: 'arn:aws:iam::123456789012:role/service-role/r',
        aud: 'snowflakecomputing.com',
        iat: 1_800_000_000,
        exp: 1_800_000_300,
        'https://sts.amazonaws.com/': { aws_account: '123456789012', principal_tags: { team: 'x', secret: 'y' } },
      },
    );
    expect(summary).toMatchObject({ algorithm: 'ES384', keyId: 'k1', issuer: ISSUER, audience: ['snowflakecomputing.com'], lifetimeSeconds: 300, expiresAt: '2027-01-15T08:05:00.000Z' });
    expect(summary.awsClaims).toEqual({ aws_account: '123456789012', principal_tags: ['team', 'secret'] });
    expect(JSON.stringify(summary.claims)).not.toContain('"y"');
  });

  it('subject → path-free ARN, and a note for a path', () => {
    expect(subjectToSnowflakeArn('arn:aws:iam::123456789012:role/service-role/r')).toMatchObject({ ok: true, arn: 'arn:aws:iam::123456789012:role/r', notes: [expect.stringMatching(/IAM path service-role\//)] });
    expect(subjectToSnowflakeArn('arn:aws:iam::123456789012:role/r')).toEqual({ ok: true, arn: 'arn:aws:iam::123456789012:role/r', notes: [] });
    expect(subjectToSnowflakeArn(null).ok).toBe(false);
    expect(subjectToSnowflakeArn('not-an-arn').ok).toBe(false);
  });

  it('warns for issuers that do not look like AWS’s', () => {
    expect(unusualIssuerWarning(ISSUER)).toBeUndefined();
    expect(unusualIssuerWarning('https://evil.example')).toMatch(/does not look like/);
    expect(unusualIssuerWarning('nonsense')).toMatch(/does not look like/);
  });
});

describe('GetWebIdentityToken failures', () => {
  const regional = { endpoint: 'https://sts.eu-west-1.amazonaws.com' };
  it.each([
    ['OutboundWebIdentityFederationDisabledException', 'x', regional, 'OUTBOUND_FEDERATION_DISABLED'],
    ['AccessDenied', 'User: a is not authorized to perform: sts:GetWebIdentityToken', regional, 'WEB_IDENTITY_TOKEN_DENIED'],
    ['InvalidAction', 'not available on the global STS endpoint', regional, 'STS_GLOBAL_ENDPOINT'],
    ['Anything', 'x', { endpoint: 'https://sts.amazonaws.com' }, 'STS_GLOBAL_ENDPOINT'],
    ['JWTPayloadSizeExceededException', 'x', regional, 'TOKEN_PAYLOAD_TOO_LARGE'],
    ['SessionDurationEscalationException', 'x', regional, 'TOKEN_DURATION_ESCALATION'],
  ])('%s → %s', (name, detail, context, code) => {
    expect(describeWebIdentityFailure(name, detail, context)?.code).toBe(code);
  });

  it('leaves other failures (AccessDenied for AssumeRole, expired tokens) to the classic tables', () => {
    expect(describeWebIdentityFailure('AccessDenied', 'not authorized to perform: sts:AssumeRole', regional)).toBeUndefined();
    expect(describeWebIdentityFailure('ExpiredToken', 'expired', regional)).toBeUndefined();
  });

  it('knows the global endpoint', () => {
    expect(isGlobalStsEndpoint('https://sts.amazonaws.com')).toBe(true);
    expect(isGlobalStsEndpoint('https://sts.us-east-1.amazonaws.com')).toBe(false);
    expect(isGlobalStsEndpoint('not a url')).toBe(false);
  });
});

describe('diagnoseOutboundLogin', () => {
  const token = summarizeToken({}, { iss: ISSUER, sub: 'arn:aws:iam::123456789012:role/r', aud: 'snowflakecomputing.com' });
  const context = { token, expectedArn: 'arn:aws:iam::123456789012:role/r', expectUser: 'LOADER', endpoint: 'https://sts.eu-west-1.amazonaws.com' };
  it('an unmapped token: the fix carries ARN and ISSUER', () => {
    const d = diagnoseOutboundLogin('OperationFailedError', 'Unable to find an associated Snowflake user for the verified AWS web identity token.', context);
    expect(d).toMatchObject({ kind: 'verification', code: 'USER_NOT_MAPPED' });
    expect(d?.hint).toContain(`ALTER USER LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r' ISSUER = '${ISSUER}');`);
  });
  it('a refusal that names the issuer: ISSUER_MISMATCH', () => {
    expect(diagnoseOutboundLogin('OperationFailedError', 'the token issuer does not match', context)?.code).toBe('ISSUER_MISMATCH');
  });
  it('other refusals fall through to the classic table', () => {
    expect(diagnoseOutboundLogin('OperationFailedError', "Role 'X' specified in the connect string does not exist", context)).toBeUndefined();
    expect(diagnoseOutboundLogin('NetworkError', 'ECONNREFUSED', context)).toBeUndefined();
  });
});
