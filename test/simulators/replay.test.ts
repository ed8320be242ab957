/**
 * Issue 12, part 5: the Snowflake simulator verifies a classic attestation the way Snowflake does,
 * by replaying the signed request to an STS over HTTP and reading the caller from its answer, so it
 * works with an STS it did not write; and it accepts Python-connector-shaped attestations.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, makeAwsAttestationToken, startSnowflakeSimulator, startTestBed, type SnowflakeSimulator, type TestBed } from '../../src/simulators/index.js';

async function login(sim: SnowflakeSimulator, token: string): Promise<{ success: boolean; message: string | null }> {
  const res = await fetch(`${sim.url}/session/v1/login-request?requestId=r1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { ACCOUNT_NAME: 'simorg-wifcheck', CLIENT_APP_ID: 'PythonConnector', AUTHENTICATOR: 'WORKLOAD_IDENTITY', PROVIDER: 'AWS', TOKEN: token } }),
  });
  return (await res.json()) as { success: boolean; message: string | null };
}

describe('the test bed: Snowflake replays attestations to the STS simulator over HTTP', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed();
  });
  afterAll(async () => {
    await bed.close();
  });

  it('a login is verified by a GetCallerIdentity replay that reaches STS (kept apart from the client requests)', async () => {
    const before = { replays: bed.sts.replays.length, requests: bed.sts.requests.length };
    const result = await login(bed.snowflake, await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1' }));
    expect(result.success).toBe(true);
    expect(bed.sts.replays.slice(before.replays)).toEqual([{ action: 'GetCallerIdentity', accessKeyId: TEST_IDENTITIES.assumedRole.accessKeyId }]);
    expect(bed.sts.requests.length).toBe(before.requests);
  });

  it('a Python-connector-shaped attestation (Title-Case headers, JSON with spaces) logs in too', async () => {
    const token = await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1', shape: 'python' });
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    expect(decoded).toMatch(/"headers": \{"Host": "sts\.eu-west-1\.amazonaws\.com", /);
    expect(decoded).toContain('"X-Snowflake-Audience": "snowflakecomputing.com"');
    expect(await login(bed.snowflake, token)).toMatchObject({ success: true });
  });

  it("STS's refusal is Snowflake's refusal: a wrong secret, another partition's region, a scope that is not the host's region", async () => {
    const wrongSecret = await makeAwsAttestationToken({ ...TEST_IDENTITIES.assumedRole, secretAccessKey: 'q'.repeat(40) }, { region: 'eu-west-1' });
    expect((await login(bed.snowflake, wrongSecret)).message).toMatch(/SignatureDoesNotMatch/);
    const otherPartition = await makeAwsAttestationToken(TEST_IDENTITIES.govCloud, { region: 'eu-west-1' });
    expect((await login(bed.snowflake, otherPartition)).message).toMatch(/InvalidClientTokenId/);
    // Signed for eu-west-2 but sent to (and naming) sts.eu-west-1: scoped to the wrong region.
    const wrongScope = await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-2', stsHost: 'sts.eu-west-1.amazonaws.com' });
    expect((await login(bed.snowflake, wrongScope)).message).toMatch(/SignatureDoesNotMatch/);
  });

  it('a client-side STS outage does not affect Snowflake, which asks AWS itself', async () => {
    bed.sts.setMode('error500');
    try {
      expect(await login(bed.snowflake, await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1' }))).toMatchObject({ success: true });
    } finally {
      bed.sts.setMode('normal');
    }
    bed.sts.setReplayMode('error500');
    try {
      expect((await login(bed.snowflake, await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1' }))).message).toMatch(/InternalFailure/);
    } finally {
      bed.sts.setReplayMode('normal');
    }
  });
});

describe('an STS the simulator did not write', () => {
  const seen: IncomingHttpHeaders[] = [];
  const foreign = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          '<Arn>arn:aws:sts::123456789012:assumed-role/my-fn-role/from-elsewhere</Arn><UserId>AROAELSEWHERE:x</UserId><Account>123456789012</Account>' +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  let sim: SnowflakeSimulator;
  beforeAll(async () => {
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    sim = await startSnowflakeSimulator({
      accountName: 'simorg-wifcheck',
      stsUrl: `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`,
      users: [{ name: 'LAMBDA_LOADER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role' }],
    });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((resolve) => foreign.close(() => resolve()));
  });

  it('is sent the request exactly as signed, and its answer decides who logged in', async () => {
    const result = await login(sim, await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1' }));
    expect(result.success).toBe(true);
    expect(sim.logins.at(-1)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', callerArn: 'arn:aws:sts::123456789012:assumed-role/my-fn-role/from-elsewhere' });
    expect(seen.at(-1)).toMatchObject({ host: 'sts.eu-west-1.amazonaws.com', 'x-snowflake-audience': 'snowflakecomputing.com', authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=ASIA/) });
  });
});

describe('roles are granted per user; CURRENT_ACCOUNT() answers', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed();
  });
  afterAll(async () => {
    await bed.close();
  });

  it('connect --role with a role the mapped user was not granted is ROLE_NOT_GRANTED (exit 4), as in Snowflake', async () => {
    const { runCli, cleanEnv } = await import('../e2e/run-cli.js');
    const { credentialsEnv } = await import('../../src/simulators/index.js');
    const env = cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole) });
    const refused = await runCli(['connect', '--role', 'SYSADMIN', '--json'], { env });
    expect(refused.code, refused.stdout + refused.stderr).toBe(4);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'ROLE_NOT_GRANTED', snowflakeCode: '390189' } });
    const granted = await runCli(['connect', '--role', 'analyst', '--json'], { env });
    expect(JSON.parse(granted.stdout)).toMatchObject({ ok: true, role: 'ANALYST' });
  });

  it('USE ROLE of a role not granted is refused; CURRENT_ACCOUNT() is the locator', async () => {
    const token = (await (
      await fetch(`${bed.snowflake.url}/session/v1/login-request?requestId=r1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { ACCOUNT_NAME: 'simorg-wifcheck', AUTHENTICATOR: 'WORKLOAD_IDENTITY', PROVIDER: 'AWS', TOKEN: await makeAwsAttestationToken(TEST_IDENTITIES.assumedRole, { region: 'eu-west-1' }) } }),
      })
    ).json()) as { data: { token: string } };
    const run = async (sqlText: string) =>
      (await (
        await fetch(`${bed.snowflake.url}/queries/v1/query-request?requestId=q1`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Snowflake Token="${token.data.token}"` },
          body: JSON.stringify({ sqlText }),
        })
      ).json()) as { success: boolean; message: string | null; data: { rowset?: unknown[][] } };
    expect(await run('USE ROLE SYSADMIN')).toMatchObject({ success: false, message: expect.stringContaining("Requested role 'SYSADMIN' is not assigned") });
    expect((await run('USE ROLE ANALYST')).success).toBe(true);
    expect((await run('SELECT CURRENT_ACCOUNT()')).data.rowset).toEqual([['SIM12345']]);
  });
});
