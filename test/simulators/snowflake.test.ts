/**
 * The Snowflake simulator over raw HTTP: login bodies built the way snowflake-sdk 3.3.0 builds
 * them (makeAwsAttestationToken mirrors its attestation code), user mapping, queries, modes.
 * The real driver is exercised in driver.test.ts.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsAttestationToken } from '../../src/simulators/attestation.js';
import { TEST_IDENTITIES, type TestIdentity } from '../../src/simulators/credentials.js';
import {
  callerIdentityKey,
  registeredIdentityKey,
  startSnowflakeSimulator,
  WIF_USER_NOT_FOUND_MESSAGE,
  type SnowflakeSimulator,
} from '../../src/simulators/snowflake.js';

type Body = { success: boolean; code: string | null; message: string | null; data: Record<string, unknown> | null };

async function post(sim: SnowflakeSimulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: Body }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Body };
}

async function login(
  sim: SnowflakeSimulator,
  identity: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
  opts: { account?: string; query?: string; token?: string; region?: string } = {},
) {
  const token = opts.token ?? (await makeAwsAttestationToken(identity, { region: opts.region ?? 'eu-west-1' }));
  return post(sim, `/session/v1/login-request?requestId=r1${opts.query ?? ''}`, {
    data: { ACCOUNT_NAME: opts.account ?? 'simorg-wifcheck', CLIENT_APP_ID: 'JavaScript', AUTHENTICATOR: 'WORKLOAD_IDENTITY', PROVIDER: 'AWS', TOKEN: token },
  });
}

async function sql(sim: SnowflakeSimulator, token: string, sqlText: string) {
  return post(sim, '/queries/v1/query-request?requestId=q1', { sqlText }, { Authorization: `Snowflake Token="${token}"` });
}

describe('Snowflake simulator: identity keys', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/my-fn-role', { partition: 'aws', account: '123456789012', type: 'IAM_ROLE', name: 'my-fn-role' }],
    // as observed: the FIRST path segment is stored as the role
    ['arn:aws:iam::123456789012:role/service-role/my-fn-role', { partition: 'aws', account: '123456789012', type: 'IAM_ROLE', name: 'service-role' }],
    ['arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn', { partition: 'aws', account: '123456789012', type: 'IAM_ROLE', name: 'my-fn-role' }],
    ['arn:aws:iam::123456789012:user/division/alice', { partition: 'aws', account: '123456789012', type: 'IAM_USER', name: 'alice' }],
    ['arn:aws-us-gov:iam::234567890123:role/my-fn-role', { partition: 'aws-us-gov', account: '234567890123', type: 'IAM_ROLE', name: 'my-fn-role' }],
    ['arn:aws:iam::123456789012:root', undefined],
    ['not an arn', undefined],
  ])('registers %s as %o', (arn, key) => {
    expect(registeredIdentityKey(arn)).toEqual(key);
  });

  it('matches callers: assumed roles by role, users by name, never root or federated users', () => {
    expect(callerIdentityKey(TEST_IDENTITIES.assumedRole.arn)).toMatchObject({ type: 'IAM_ROLE', name: 'my-fn-role' });
    expect(callerIdentityKey(TEST_IDENTITIES.ssoRole.arn)).toMatchObject({ type: 'IAM_ROLE', name: 'AWSReservedSSO_Admin_abc123' });
    expect(callerIdentityKey(TEST_IDENTITIES.iamUser.arn)).toMatchObject({ type: 'IAM_USER', name: 'alice' });
    expect(callerIdentityKey(TEST_IDENTITIES.root.arn)).toBeUndefined();
    expect(callerIdentityKey(TEST_IDENTITIES.federatedUser.arn)).toBeUndefined();
  });
});

describe('Snowflake simulator: login and queries', () => {
  let sim: SnowflakeSimulator;
  beforeAll(async () => {
    sim = await startSnowflakeSimulator({
      accountName: 'simorg-wifcheck',
      users: [
        { name: 'LAMBDA_LOADER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role', defaultRole: 'LOADER' },
        { name: 'alice_svc', workloadIdentityArn: 'arn:aws:iam::123456789012:user/alice' },
        { name: 'SSO_USER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc123' },
        { name: 'GOV', workloadIdentityArn: 'arn:aws-us-gov:iam::234567890123:role/my-fn-role' },
        { name: 'CN_SVC', workloadIdentityArn: 'arn:aws-cn:iam::345678901234:user/alice-cn' },
        { name: 'HUMAN', workloadIdentityArn: 'arn:aws:sts::123456789012:assumed-role/ci-runner-role/x', type: 'PERSON' },
      ],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('logs a mapped role in and answers the driver-shaped success body', async () => {
    const res = await login(sim, TEST_IDENTITIES.assumedRole);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.body).toMatchObject({
      success: true,
      code: null,
      message: null,
      data: { validityInSeconds: 3600, masterValidityInSeconds: 14400, sessionInfo: { roleName: 'LOADER', warehouseName: null } },
    });
    expect(res.body.data?.['token']).toEqual(expect.any(String));
    expect(res.body.data?.['masterToken']).not.toBe(res.body.data?.['token']);
    expect(Array.isArray(res.body.data?.['parameters'])).toBe(true);
    expect(sim.logins.at(-1)).toEqual({ ok: true, callerArn: TEST_IDENTITIES.assumedRole.arn, user: 'LAMBDA_LOADER', region: 'eu-west-1' });
    expect(JSON.stringify(sim.logins)).not.toContain(String(res.body.data?.['token']));
  });

  it('matches an IAM user by name whatever its path, and honours roleName/warehouse', async () => {
    const res = await login(sim, TEST_IDENTITIES.iamUser, { query: '&roleName=analyst&warehouse=%22Wh%22' });
    expect(res.body.success).toBe(true);
    expect(res.body.data?.['sessionInfo']).toMatchObject({ roleName: 'ANALYST', warehouseName: 'Wh' });
    const token = String(res.body.data?.['token']);
    const q = await sql(sim, token, 'select current_user() as "who", CURRENT_ROLE(), current_warehouse() wh;');
    expect(q.body.data).toMatchObject({
      rowset: [['ALICE_SVC', 'ANALYST', 'Wh']],
      total: 1,
      returned: 1,
      queryResultFormat: 'json',
      finalRoleName: 'ANALYST',
    });
    expect((q.body.data?.['rowtype'] as Array<{ name: string; type: string }>).map((c) => [c.name, c.type])).toEqual([
      ['who', 'text'],
      ['CURRENT_ROLE()', 'text'],
      ['WH', 'text'],
    ]);
  });

  it.each([
    ['root', TEST_IDENTITIES.root],
    ['a federated user', TEST_IDENTITIES.federatedUser],
    ['the right role name in another account', TEST_IDENTITIES.otherAccount],
    ['an SSO role registered with its path', TEST_IDENTITIES.ssoRole],
    ['a role mapped only to a PERSON user', TEST_IDENTITIES.chainSource],
  ])('does not map %s', async (_label, identity) => {
    const res = await login(sim, identity);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: false,
      code: '390432',
      message: WIF_USER_NOT_FOUND_MESSAGE,
      data: { nextAction: 'RETRY_LOGIN', authnMethod: 'WORKLOAD_IDENTITY' },
    });
    expect(sim.logins.at(-1)).toMatchObject({ ok: false, callerArn: identity.arn });
  });

  it("refuses an attestation signed for another partition's region, as STS there does not know the key", async () => {
    const res = await login(sim, TEST_IDENTITIES.govCloud, { region: 'eu-west-1' });
    expect(res.body).toMatchObject({ success: false, message: expect.stringContaining('InvalidClientTokenId') });
  });

  it('maps a GovCloud caller in its own partition', async () => {
    const res = await login(sim, TEST_IDENTITIES.govCloud, { region: 'us-gov-west-1' });
    expect(res.body.success).toBe(true);
    expect(sim.logins.at(-1)?.user).toBe('GOV');
  });

  it('refuses attestations that do not verify', async () => {
    const cases: Array<[string, Promise<string>, RegExp]> = [
      ['wrong secret', makeAwsAttestationToken({ ...TEST_IDENTITIES.assumedRole, secretAccessKey: 'q'.repeat(40) }, { region: 'eu-west-1' }), /SignatureDoesNotMatch/],
      ['expired session', makeAwsAttestationToken(TEST_IDENTITIES.expired, { region: 'eu-west-1' }), /ExpiredToken/],
      ['no audience header', makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1', audience: null }), /x-snowflake-audience/],
      ['global STS endpoint', makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'us-east-1', stsHost: 'sts.amazonaws.com' }), /regional AWS STS endpoint/],
      ['GET', makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1', method: 'GET' }), /POST/],
      ['scope region differs from host', makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'us-east-1', stsHost: 'sts.eu-west-1.amazonaws.com' }), /SignatureDoesNotMatch/],
      ['old signature', makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1', date: new Date(Date.now() - 3600_000) }), /SignatureDoesNotMatch/],
      ['not base64 JSON', Promise.resolve('bm90IGpzb24='), /not a signed AWS request/],
    ];
    for (const [label, token, why] of cases) {
      const res = await login(sim, TEST_IDENTITIES.assumedRole, { token: await token });
      expect(res.body.success, label).toBe(false);
      expect(res.body.message, label).toMatch(/^The AWS workload identity attestation could not be verified: /);
      expect(res.body.message, label).toMatch(why);
    }
  });

  it('accepts a cn- region only on amazonaws.com.cn', async () => {
    const id = TEST_IDENTITIES.china;
    const good = await login(sim, id, { region: 'cn-north-1' }); // signed for sts.cn-north-1.amazonaws.com.cn
    expect(good.body.success).toBe(true);
    const bad = await login(sim, id, { token: await makeAwsAttestationToken(id, { region: 'cn-north-1', stsHost: 'sts.cn-north-1.amazonaws.com' }) });
    expect(bad.body.message).toMatch(/regional AWS STS endpoint/);
  });

  it('refuses another account name and non-WIF authenticators', async () => {
    const other = await login(sim, TEST_IDENTITIES.assumedRole, { account: 'otherorg-other' });
    expect(other.body).toMatchObject({ success: false, message: "Account 'otherorg-other' does not exist or is not authorized." });
    const caseInsensitive = await login(sim, TEST_IDENTITIES.assumedRole, { account: 'SIMORG-WIFCHECK' });
    expect(caseInsensitive.body.success).toBe(true);
    const password = await post(sim, '/session/v1/login-request', { data: { ACCOUNT_NAME: 'simorg-wifcheck', LOGIN_NAME: 'x', PASSWORD: 'y' } });
    expect(password.body).toMatchObject({ success: false, code: '390100', message: 'Incorrect username or password was specified.' });
  });

  it('reads gzipped request bodies', async () => {
    const token = await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1' });
    const body = gzipSync(JSON.stringify({ data: { ACCOUNT_NAME: 'simorg-wifcheck', AUTHENTICATOR: 'WORKLOAD_IDENTITY', PROVIDER: 'AWS', TOKEN: token } }));
    const res = await post(sim, '/session/v1/login-request', new Uint8Array(body), { 'Content-Encoding': 'gzip' });
    expect(res.body.success).toBe(true);
  });

  it('runs USE ROLE / USE WAREHOUSE and reflects them, rejects other SQL, and ends sessions', async () => {
    const token = String((await login(sim, TEST_IDENTITIES.assumedRole)).body.data?.['token']);
    expect((await sql(sim, token, 'USE ROLE sysadmin')).body.success).toBe(true);
    expect((await sql(sim, token, 'use warehouse "my_wh"')).body.success).toBe(true);
    const q = await sql(sim, token, 'SELECT CURRENT_ACCOUNT_NAME(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_USER()');
    expect(q.body.data?.['rowset']).toEqual([['WIFCHECK', 'SYSADMIN', 'my_wh', 'LAMBDA_LOADER']]);
    const bad = await sql(sim, token, 'DROP TABLE t');
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ success: false, code: '001003', data: { sqlState: '42000' } });
    const bye = await post(sim, '/session?delete=true', {}, { Authorization: `Snowflake Token="${token}"` });
    expect(bye.body.success).toBe(true);
    const after = await sql(sim, token, 'SELECT CURRENT_USER()');
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ success: false, code: '390104' });
  });

  it('answers unknown tokens with 401 and unknown paths with 404 JSON', async () => {
    const q = await sql(sim, 'nope', 'SELECT 1');
    expect(q.status).toBe(401);
    const missing = await post(sim, '/nowhere', {});
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/json');
    expect(missing.body.success).toBe(false);
  });

  it('refuses a second user with the same stored AWS identity, as Snowflake does', () => {
    expect(() => sim.addUser({ name: 'DUP', workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role' })).toThrow(
      "AWS Authenticator for AWS Account '123456789012' and IAM role 'my-fn-role' already exists",
    );
    sim.addUser({ name: 'SVC_ROLE_USER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/service-role/fn-a' });
    expect(() => sim.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/fn-b')).toThrow(/IAM role 'service-role' already exists/);
    expect(() => sim.setUserArn('NO_SUCH_USER', 'arn:aws:iam::123456789012:role/x')).toThrow(/does not exist/);
  });
});

describe('Snowflake simulator: modes', () => {
  it.each(['http403', 'http404', 'http500'] as const)('%s answers every request with that status and HTML', async (mode) => {
    const sim = await startSnowflakeSimulator({ mode });
    try {
      const res = await fetch(`${sim.url}/session/v1/login-request`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(Number(mode.slice(4)));
      expect(res.headers.get('content-type')).toBe('text/html');
      expect(await res.text()).toContain(`<h1>${mode.slice(4)} `);
      expect(sim.logins).toEqual([]);
      expect(sim.requests).toEqual([{ method: 'POST', path: '/session/v1/login-request' }]);
    } finally {
      await sim.close();
    }
  });

  it('hang never answers, and close() still returns promptly', async () => {
    const sim = await startSnowflakeSimulator({ mode: 'hang' });
    const outcome = new Promise<string>((resolve) => {
      const req = request(`${sim.url}/session/v1/login-request`, { method: 'POST' }, (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end('{}');
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.requests).toHaveLength(1);
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await outcome).toMatch(/^error /);
  });
});
