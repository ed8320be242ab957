/**
 * The STS simulator against the real AWS SDK v3 STS client.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_TARGET_ROLE_ARN, TEST_IDENTITIES, type TestIdentity, type TestIdentityName } from '../../src/simulators/credentials.js';
import { startStsSimulator, type StsSimulator } from '../../src/simulators/sts.js';

const run = promisify(execFile);

function client(sim: StsSimulator, identity: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, extra: Partial<STSClientConfig> = {}): STSClient {
  return new STSClient({
    region: 'eu-west-1',
    endpoint: sim.url,
    maxAttempts: 1,
    credentials: {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
    },
    ...extra,
  });
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

// The SDK warns on stderr about Node < 22 unless this is set; restore it afterwards.
const WARNING_VAR = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
let savedWarningVar: string | undefined;
beforeAll(() => {
  savedWarningVar = process.env[WARNING_VAR];
  process.env[WARNING_VAR] = 'true';
});
afterAll(() => {
  if (savedWarningVar === undefined) delete process.env[WARNING_VAR];
  else process.env[WARNING_VAR] = savedWarningVar;
});

describe('STS simulator with the real @aws-sdk/client-sts', () => {
  let sim: StsSimulator;
  beforeAll(async () => {
    sim = await startStsSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  const live: TestIdentityName[] = ['assumedRole', 'iamUser', 'root', 'federatedUser', 'ssoRole', 'govCloud', 'otherAccount', 'chainSource'];
  it.each(live)('GetCallerIdentity answers for %s', async (name) => {
    const identity = TEST_IDENTITIES[name];
    const region = identity.arn.startsWith('arn:aws-us-gov:') ? 'us-gov-west-1' : 'eu-west-1';
    const out = await client(sim, identity, { region }).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Arn: identity.arn, UserId: identity.userId, Account: identity.account });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.requests.at(-1)).toEqual({ action: 'GetCallerIdentity', accessKeyId: identity.accessKeyId });
  });

  it("credentials signed for another partition's region are unknown there, as in AWS (InvalidClientTokenId)", async () => {
    const err = await errorOf(client(sim, TEST_IDENTITIES.govCloud, { region: 'eu-west-1' }).send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('InvalidClientTokenId');
    const err2 = await errorOf(client(sim, TEST_IDENTITIES.assumedRole, { region: 'us-gov-west-1' }).send(new GetCallerIdentityCommand({})));
    expect(err2.name).toBe('InvalidClientTokenId');
  });

  it('a wrong secret is SignatureDoesNotMatch (403)', async () => {
    const identity = { ...TEST_IDENTITIES.assumedRole, secretAccessKey: 'x'.repeat(40) };
    const err = await errorOf(client(sim, identity).send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.message).toMatch(/^The request signature we calculated does not match/);
    expect(err.status).toBe(403);
  });

  it('an unknown key is InvalidClientTokenId (403)', async () => {
    const identity = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'y'.repeat(40) };
    const err = await errorOf(client(sim, identity).send(new GetCallerIdentityCommand({})));
    expect(err).toMatchObject({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', status: 403 });
  });

  it('a temporary key without its session token is InvalidClientTokenId', async () => {
    const { sessionToken: _dropped, ...identity } = TEST_IDENTITIES.assumedRole;
    const err = await errorOf(client(sim, identity).send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('InvalidClientTokenId');
  });

  it('an expired session is ExpiredToken', async () => {
    const err = await errorOf(client(sim, TEST_IDENTITIES.expired).send(new GetCallerIdentityCommand({})));
    expect(err).toMatchObject({ name: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });

  it('a request signed 20 minutes ago is rejected as "Signature expired"', async () => {
    const c = client(sim, TEST_IDENTITIES.assumedRole, { systemClockOffset: -20 * 60 * 1000 });
    const err = await errorOf(c.send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  it('AssumeRole into an allowed role issues working credentials', async () => {
    const out = await client(sim, TEST_IDENTITIES.chainSource).send(
      new AssumeRoleCommand({ RoleArn: CHAIN_TARGET_ROLE_ARN, RoleSessionName: 'identity-federation-session' }),
    );
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/snowflake-loader/identity-federation-session');
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:identity-federation-session$/);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3000 * 1000);
    const issued = {
      accessKeyId: out.Credentials?.AccessKeyId ?? '',
      secretAccessKey: out.Credentials?.SecretAccessKey ?? '',
      sessionToken: out.Credentials?.SessionToken ?? '',
    };
    const who = await client(sim, issued).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn);
    expect(who.Account).toBe('123456789012');
    expect(sim.identities.some((i) => i.accessKeyId === issued.accessKeyId)).toBe(true);
  });

  it('AssumeRole into a role the caller may not assume is AccessDenied (403)', async () => {
    const role = 'arn:aws:iam::123456789012:role/admin';
    const err = await errorOf(
      client(sim, TEST_IDENTITIES.assumedRole).send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 's1' })),
    );
    expect(err).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${TEST_IDENTITIES.assumedRole.arn} is not authorized to perform: sts:AssumeRole on resource: ${role}`,
    });
  });

  it('answers raw requests with AWS-shaped XML', async () => {
    const unsigned = await fetch(`${sim.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    const text = await unsigned.text();
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('text/xml');
    expect(text).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(text).toMatch(/<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>/);
    expect(text).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });
});

describe('STS simulator modes', () => {
  it('error500 answers 500 InternalFailure', async () => {
    const sim = await startStsSimulator({ mode: 'error500' });
    try {
      const err = await errorOf(client(sim, TEST_IDENTITIES.assumedRole).send(new GetCallerIdentityCommand({})));
      expect(err.status).toBe(500);
      expect(err.name).toBe('InternalFailure');
      sim.setMode('normal');
      const ok = await client(sim, TEST_IDENTITIES.assumedRole).send(new GetCallerIdentityCommand({}));
      expect(ok.Arn).toBe(TEST_IDENTITIES.assumedRole.arn);
    } finally {
      await sim.close();
    }
  });

  it('hang never answers, and close() still returns promptly', async () => {
    const sim = await startStsSimulator({ mode: 'hang' });
    const outcome = new Promise<string>((resolve) => {
      const req = request(`${sim.url}/?Action=GetCallerIdentity`, (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.requests).toHaveLength(1); // the request arrived ...
    const started = Date.now();
    await sim.close(); // ... and closing does not wait for it
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await outcome).toMatch(/^error /);
  });
});

describe('AWS_ENDPOINT_URL_STS', () => {
  it('points an SDK client in a child process at the simulator', async () => {
    const sim = await startStsSimulator();
    try {
      const identity = TEST_IDENTITIES.iamUser;
      const script =
        "import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';" +
        "const out = await new STSClient({ maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));" +
        'process.stdout.write(out.Arn);';
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: process.cwd(),
        timeout: 20_000,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: '/nonexistent',
          AWS_ENDPOINT_URL_STS: sim.url,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: identity.accessKeyId,
          AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });
      expect(stdout).toBe(identity.arn);
      expect(sim.requests).toEqual([{ action: 'GetCallerIdentity', accessKeyId: identity.accessKeyId }]);
    } finally {
      await sim.close();
    }
  });
});
