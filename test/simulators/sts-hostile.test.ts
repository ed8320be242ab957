/**
 * The STS simulator's hostile and per-action modes, against the real @aws-sdk/client-sts (and raw
 * node:http where the SDK would hide what the server sent).
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_TARGET_ROLE_ARN, TEST_IDENTITIES, type TestIdentity } from '../../src/simulators/credentials.js';
import { HOSTILE_ESCAPES, LONG_SESSION_NAME, startStsSimulator, type StsSimulator } from '../../src/simulators/sts.js';

function client(sim: StsSimulator, identity: TestIdentity = TEST_IDENTITIES.assumedRole): STSClient {
  return new STSClient({
    region: 'eu-west-1',
    endpoint: sim.url,
    maxAttempts: 1,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey, ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}) },
  });
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

/** Reads a signed GetCallerIdentity's raw answer through the SDK's own HTTP handler until `wantBytes` arrived, then drops it. */
async function firstBytes(sim: StsSimulator, wantBytes: number): Promise<{ bytes: number; ms: number; status: number; contentLength: string | undefined }> {
  const c = client(sim);
  let seen: { bytes: number; ms: number; status: number; contentLength: string | undefined } | undefined;
  const started = Date.now();
  c.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode: number; headers: Record<string, string | undefined>; body: AsyncIterable<Uint8Array> };
      let bytes = 0;
      for await (const chunk of response.body) {
        bytes += chunk.byteLength;
        if (bytes >= wantBytes) break;
      }
      seen = { bytes, ms: Date.now() - started, status: response.statusCode, contentLength: response.headers['content-length'] };
      throw new Error('read enough');
    },
    { step: 'deserialize', priority: 'low', name: 'firstBytes' },
  );
  await c.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (!seen) throw new Error('no answer');
  return seen;
}

// The SDK warns on stderr about Node < 22 unless this is set; restore it afterwards.
const WARNING_VAR = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
let savedWarningVar: string | undefined;
let sim: StsSimulator;
beforeAll(async () => {
  savedWarningVar = process.env[WARNING_VAR];
  process.env[WARNING_VAR] = 'true';
  sim = await startStsSimulator();
});
afterAll(async () => {
  await sim.close();
  if (savedWarningVar === undefined) delete process.env[WARNING_VAR];
  else process.env[WARNING_VAR] = savedWarningVar;
});
afterEach(() => {
  sim.setMode('normal');
  sim.setActionMode('AssumeRole', undefined);
});

describe("'huge'", () => {
  it('streams past 2 MiB within a second, chunked with no Content-Length, and close() is prompt after', async () => {
    sim.setMode('huge');
    const seen = await firstBytes(sim, 2 * 1024 * 1024);
    expect(seen.status).toBe(200);
    expect(seen.contentLength).toBeUndefined();
    expect(seen.bytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(seen.ms).toBeLessThan(1_000);
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    sim = await startStsSimulator();
  });

  it('is well-formed STS XML of hugeBytes, padded inside <Arn>', async () => {
    const small = await startStsSimulator({ mode: 'huge', hugeBytes: 300 * 1024 });
    try {
      const out = await client(small).send(new GetCallerIdentityCommand({}));
      expect(out.Arn?.startsWith(`${TEST_IDENTITIES.assumedRole.arn}AAAA`)).toBe(true);
      expect(out.Arn?.length).toBeGreaterThan(290 * 1024);
      expect(out.Account).toBe(TEST_IDENTITIES.assumedRole.account);
    } finally {
      await small.close();
    }
  });

  it('still checks the signature first', async () => {
    sim.setMode('huge');
    const err = await failure(client(sim, { ...TEST_IDENTITIES.assumedRole, secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})));
    expect(err).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
  });
});

describe("'escape-arn', 'escape-account', 'long-session'", () => {
  it('escape-arn puts raw terminal escapes into <Arn>, nothing else', async () => {
    sim.setMode('escape-arn');
    const out = await client(sim).send(new GetCallerIdentityCommand({}));
    // The XML parser normalises the CR LF inside to LF, as any XML reader does.
    expect(out.Arn).toBe(`${TEST_IDENTITIES.assumedRole.arn}${HOSTILE_ESCAPES.replace('\r\n', '\n')}`);
    expect(out.Arn).toContain('\u001b]0;');
    expect(out.Arn).toContain('\u001b[2J');
    expect(out.Account).toBe(TEST_IDENTITIES.assumedRole.account);
  });

  it('escape-account puts them into <Account>', async () => {
    sim.setMode('escape-account');
    const out = await client(sim).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe(`${TEST_IDENTITIES.assumedRole.account}${HOSTILE_ESCAPES.replace('\r\n', '\n')}`);
    expect(out.Arn).toBe(TEST_IDENTITIES.assumedRole.arn);
  });

  it('long-session answers an assumed-role ARN with a 65-character session name', async () => {
    sim.setMode('long-session');
    const out = await client(sim).send(new GetCallerIdentityCommand({}));
    expect(LONG_SESSION_NAME).toHaveLength(65);
    expect(out.Arn).toBe(`arn:aws:sts::123456789012:assumed-role/my-fn-role/${LONG_SESSION_NAME}`);
    expect(out.UserId).toMatch(new RegExp(`^AROA[A-Z2-7]{17}:${LONG_SESSION_NAME}$`));
  });

  it('AssumeRole answers normally in these modes', async () => {
    sim.setMode('escape-arn');
    const out = await client(sim, TEST_IDENTITIES.chainSource).send(new AssumeRoleCommand({ RoleArn: CHAIN_TARGET_ROLE_ARN, RoleSessionName: 's1' }));
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/snowflake-loader/s1');
  });
});

describe('per-action modes', () => {
  it("setActionMode('AssumeRole', 'error500'): AssumeRole answers 500 InternalFailure while GetCallerIdentity works", async () => {
    sim.setActionMode('AssumeRole', 'error500');
    const err = await failure(client(sim, TEST_IDENTITIES.chainSource).send(new AssumeRoleCommand({ RoleArn: CHAIN_TARGET_ROLE_ARN, RoleSessionName: 's1' })));
    expect(err).toEqual({ name: 'InternalFailure', status: 500 });
    const who = await client(sim, TEST_IDENTITIES.chainSource).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(TEST_IDENTITIES.chainSource.arn);
    sim.setActionMode('AssumeRole', undefined);
    const ok = await client(sim, TEST_IDENTITIES.chainSource).send(new AssumeRoleCommand({ RoleArn: CHAIN_TARGET_ROLE_ARN, RoleSessionName: 's1' }));
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it("setActionMode('AssumeRole', 'hang'): AssumeRole never answers while GetCallerIdentity works", async () => {
    sim.setActionMode('AssumeRole', 'hang');
    const before = sim.requests.length;
    const err = await failure(
      client(sim, TEST_IDENTITIES.chainSource).send(new AssumeRoleCommand({ RoleArn: CHAIN_TARGET_ROLE_ARN, RoleSessionName: 's1' }), { abortSignal: AbortSignal.timeout(300) }),
    );
    expect(err.name).toMatch(/Abort|Timeout/);
    expect(sim.requests.slice(before).map((r) => r.action)).toEqual(['AssumeRole']);
    const who = await client(sim).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(TEST_IDENTITIES.assumedRole.arn);
  });

  it('an action mode overrides the simulator-wide mode, and actionModes can be given at start', async () => {
    const both = await startStsSimulator({ mode: 'error500', actionModes: { GetCallerIdentity: 'normal' } });
    try {
      const who = await client(both).send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toBe(TEST_IDENTITIES.assumedRole.arn);
      const err = await failure(client(both, TEST_IDENTITIES.chainSource).send(new AssumeRoleCommand({ RoleArn: CHAIN_TARGET_ROLE_ARN, RoleSessionName: 's1' })));
      expect(err.status).toBe(500);
    } finally {
      await both.close();
    }
  });
});
