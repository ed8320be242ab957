/**
 * verifySigV4 and the shared credential table.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { defaultIdentityTable, findIdentity, TEST_IDENTITIES, type TestIdentity } from '../../src/simulators/credentials.js';
import { formatAmzDate, NodeSha256, parseAmzDate, verifySigV4, type SigV4Request } from '../../src/simulators/sigv4.js';

const table = defaultIdentityTable();

/** A form-encoded STS request signed the way the AWS SDK signs it. */
async function signedRequest(identity: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, opts: { date?: Date; region?: string; service?: string } = {}): Promise<SigV4Request> {
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
    },
    region: opts.region ?? 'eu-west-1',
    service: opts.service ?? 'sts',
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      query: {},
      headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'test/1.0' },
      body,
    },
    { signingDate: opts.date ?? new Date() },
  );
  return { method: 'POST', url: '/', headers: signed.headers, body };
}

describe('TEST_IDENTITIES', () => {
  it('has well-formed fake keys, unique per identity', () => {
    const all = Object.values(TEST_IDENTITIES);
    for (const identity of all) {
      expect(identity.accessKeyId).toMatch(/^(AKIA|ASIA)[A-Z0-9]{16}$/);
      expect(identity.secretAccessKey).toHaveLength(40);
      // temporary (ASIA) keys come with a session token, long-term (AKIA) keys without
      expect(Boolean(identity.sessionToken)).toBe(identity.accessKeyId.startsWith('ASIA'));
      expect(identity.arn).toMatch(/^arn:aws(-us-gov|-cn)?:(iam|sts)::\d{12}:/);
      expect(identity.arn).toContain(`::${identity.account}:`);
    }
    expect(new Set(all.map((i) => i.accessKeyId)).size).toBe(all.length);
    expect(TEST_IDENTITIES.chainSource.assumableRoles).toContain('arn:aws:iam::123456789012:role/snowflake-loader');
    expect(TEST_IDENTITIES.govCloud.arn.startsWith('arn:aws-us-gov:')).toBe(true);
  });

  it('findIdentity looks up by access key id', () => {
    expect(findIdentity(table, TEST_IDENTITIES.iamUser.accessKeyId)?.arn).toBe(TEST_IDENTITIES.iamUser.arn);
    expect(findIdentity(table, 'AKIANOTINTHETABLE000')).toBeUndefined();
  });

  it('defaultIdentityTable returns independent copies', () => {
    const a = defaultIdentityTable();
    a[0]!.arn = 'changed';
    expect(defaultIdentityTable()[0]!.arn).not.toBe('changed');
  });
});

describe('verifySigV4', () => {
  it('accepts a correctly signed request and names the caller, region and service', async () => {
    const verdict = await verifySigV4(await signedRequest(TEST_IDENTITIES.assumedRole), table, { expectedService: 'sts' });
    expect(verdict).toMatchObject({ ok: true, region: 'eu-west-1', service: 'sts' });
    expect(verdict.ok && verdict.identity.arn).toBe(TEST_IDENTITIES.assumedRole.arn);
  });

  it('ignores headers that were not signed, and header-name case', async () => {
    const req = await signedRequest(TEST_IDENTITIES.iamUser);
    const headers: Record<string, string> = { 'User-Agent': 'something else', 'X-Extra': '1' };
    for (const [k, v] of Object.entries(req.headers)) headers[k.toUpperCase()] = v;
    expect((await verifySigV4({ ...req, headers }, table)).ok).toBe(true);
  });

  it('rejects a changed body or a changed signed header', async () => {
    const req = await signedRequest(TEST_IDENTITIES.assumedRole);
    const otherBody = await verifySigV4({ ...req, body: 'Action=AssumeRole&Version=2011-06-15' }, table);
    expect(otherBody).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    const otherHost = await verifySigV4({ ...req, headers: { ...req.headers, host: 'evil.example' } }, table);
    expect(otherHost).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(!otherHost.ok && otherHost.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  });

  it('classifies credential problems as AWS does', async () => {
    const unknown = await verifySigV4(await signedRequest({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) }), table);
    expect(unknown).toEqual({ ok: false, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
    const wrongToken = await verifySigV4(await signedRequest({ ...TEST_IDENTITIES.assumedRole, sessionToken: 'not-the-token' }), table);
    expect(wrongToken).toMatchObject({ ok: false, code: 'InvalidClientTokenId' });
    const expired = await verifySigV4(await signedRequest(TEST_IDENTITIES.expired), table);
    expect(expired).toEqual({ ok: false, code: 'ExpiredToken', message: 'The security token included in the request is expired' });
    const wrongSecret = await verifySigV4(await signedRequest({ ...TEST_IDENTITIES.root, secretAccessKey: 'z'.repeat(40) }), table);
    expect(wrongSecret).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('rejects requests more than 15 minutes from the server clock', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const old = await signedRequest(TEST_IDENTITIES.assumedRole, { date: new Date('2030-01-01T11:44:00Z') });
    expect(await verifySigV4(old, table, { now })).toEqual({
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'Signature expired: 20300101T114400Z is now earlier than 20300101T114500Z (20300101T120000Z - 15 min.)',
    });
    const future = await signedRequest(TEST_IDENTITIES.assumedRole, { date: new Date('2030-01-01T12:16:00Z') });
    const verdict = await verifySigV4(future, table, { now });
    expect(!verdict.ok && verdict.message).toMatch(/^Signature not yet current: 20300101T121600Z is still later than/);
    const recent = await signedRequest(TEST_IDENTITIES.assumedRole, { date: new Date('2030-01-01T11:50:00Z') });
    expect((await verifySigV4(recent, table, { now })).ok).toBe(true);
  });

  it('checks the scope against the expected service and region', async () => {
    const s3 = await signedRequest(TEST_IDENTITIES.assumedRole, { service: 's3' });
    expect(await verifySigV4(s3, table, { expectedService: 'sts' })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', message: expect.stringContaining("correct service: 'sts'") });
    const usEast = await signedRequest(TEST_IDENTITIES.assumedRole, { region: 'us-east-1' });
    expect(await verifySigV4(usEast, table, { expectedRegion: 'eu-west-1' })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('answers malformed authorization as AWS does', async () => {
    const req = await signedRequest(TEST_IDENTITIES.assumedRole);
    const { authorization: _a, ...noAuth } = req.headers;
    expect(await verifySigV4({ ...req, headers: noAuth }, table)).toMatchObject({ ok: false, code: 'MissingAuthenticationToken' });
    const garbled = { ...req.headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20300101/eu-west-1/sts/aws4_request' };
    expect(await verifySigV4({ ...req, headers: garbled }, table)).toMatchObject({ ok: false, code: 'IncompleteSignature' });
    const { 'x-amz-date': _d, ...noDate } = req.headers;
    expect(await verifySigV4({ ...req, headers: noDate }, table)).toMatchObject({ ok: false, code: 'IncompleteSignature' });
  });

  it('round-trips X-Amz-Date', () => {
    const d = new Date('2031-02-03T04:05:06Z');
    expect(formatAmzDate(d)).toBe('20310203T040506Z');
    expect(parseAmzDate('20310203T040506Z')?.toISOString()).toBe(d.toISOString());
    expect(parseAmzDate('2031-02-03')).toBeUndefined();
  });
});
