/**
 * The JWT method on the test bed: the STS simulator's GetWebIdentityToken (through the real AWS
 * SDK, SigV4 and all), its issuers' discovery documents and JWKS, and the Snowflake simulator's
 * verification of a token login through the REAL snowflake-sdk (workloadIdentityAwsUseOutboundToken).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { SignJWT, createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GLOBAL_ENDPOINT_MESSAGE,
  JWT_USER_NOT_FOUND_MESSAGE,
  TEST_ACCOUNT,
  TEST_IDENTITIES,
  credentialsEnv,
  startStsSimulator,
  startTestBed,
  type StsSimulator,
  type TestBed,
  type TestIdentity,
} from '../../src/simulators/index.js';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/driver-connect.mjs', import.meta.url));
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/my-fn-role`;

function client(sts: StsSimulator, identity: TestIdentity, region = 'eu-west-1'): STSClient {
  return new STSClient({ region, endpoint: sts.url, credentials: credentialsEnvToSdk(identity), maxAttempts: 1 });
}

function credentialsEnvToSdk(identity: TestIdentity) {
  return { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey, ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}) };
}

async function tokenFor(sts: StsSimulator, identity: TestIdentity, input: Partial<ConstructorParameters<typeof GetWebIdentityTokenCommand>[0]> = {}) {
  return client(sts, identity).send(new GetWebIdentityTokenCommand({ Audience: ['snowflakecomputing.com'], SigningAlgorithm: 'ES384', ...input }));
}

async function failureOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected a failure');
}

describe('STS simulator: GetWebIdentityToken', () => {
  let sts: StsSimulator;
  beforeAll(async () => {
    sts = await startStsSimulator();
  });
  afterAll(async () => {
    await sts.close();
  });

  it('signs a token with the documented claims (sub is the IAM role, with its path by default)', async () => {
    const answer = await tokenFor(sts, TEST_IDENTITIES.assumedRole);
    const token = answer.WebIdentityToken ?? '';
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES384', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: sts.webIdentity.issuerFor(TEST_ACCOUNT),
      sub: `arn:aws:iam::${TEST_ACCOUNT}:role/service-role/my-fn-role`,
      aud: 'snowflakecomputing.com',
      'https://sts.amazonaws.com/': { aws_account: TEST_ACCOUNT, source_region: 'eu-west-1', principal_id: `arn:aws:iam::${TEST_ACCOUNT}:role/service-role/my-fn-role` },
    });
    expect(claims.iss).toMatch(/^https:\/\/[0-9a-f-]+\.tokens\.sts\.global\.api\.aws$/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(typeof claims.jti).toBe('string');
    expect(answer.Expiration?.getTime()).toBe((claims.exp ?? 0) * 1000);
  });

  it('serves the issuer discovery document and JWKS, and the token verifies with them (RS256 too)', async () => {
    const token = (await tokenFor(sts, TEST_IDENTITIES.assumedRole, { SigningAlgorithm: 'RS256', DurationSeconds: 60 })).WebIdentityToken ?? '';
    const issuer = sts.webIdentity.issuerFor(TEST_ACCOUNT);
    const discovery = (await (await fetch(sts.webIdentity.resolveIssuerUrl(`${issuer}/.well-known/openid-configuration`) ?? '')).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(issuer);
    const jwks = (await (await fetch(sts.webIdentity.resolveIssuerUrl(discovery.jwks_uri) ?? '')).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer, audience: 'snowflakecomputing.com' });
    expect(protectedHeader.alg).toBe('RS256');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
    expect(sts.webIdentity.issuedTokens).toContain(token);
  });

  it('drops the path from sub when configured so (AWS does not document which)', async () => {
    sts.webIdentity.setSubjectPath('drop');
    try {
      expect(decodeJwt((await tokenFor(sts, TEST_IDENTITIES.assumedRole)).WebIdentityToken ?? '').sub).toBe(ROLE_ARN);
    } finally {
      sts.webIdentity.setSubjectPath('keep');
    }
  });

  it('refuses parameters outside the documented ranges (ValidationError)', async () => {
    for (const input of [{ DurationSeconds: 59 }, { DurationSeconds: 3601 }, { SigningAlgorithm: 'HS256' }, { Audience: Array.from({ length: 11 }, (_, i) => `aud${i}`) }]) {
      const failure = await failureOf(tokenFor(sts, TEST_IDENTITIES.assumedRole, input));
      expect(failure, JSON.stringify(input)).toMatchObject({ name: 'ValidationError', status: 400 });
    }
  });

  it('refuses a bad signature like every other action', async () => {
    const failure = await failureOf(tokenFor(sts, { ...TEST_IDENTITIES.assumedRole, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' }));
    expect(failure).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('answers OutboundWebIdentityFederationDisabledException when the account has not enabled it', async () => {
    sts.webIdentity.setFederation(TEST_ACCOUNT, false);
    try {
      const failure = await failureOf(tokenFor(sts, TEST_IDENTITIES.assumedRole));
      expect(failure).toMatchObject({ name: 'OutboundWebIdentityFederationDisabledException', status: 403 });
    } finally {
      sts.webIdentity.setFederation(TEST_ACCOUNT, true);
    }
  });

  it('answers AccessDenied naming sts:GetWebIdentityToken for a principal without the permission', async () => {
    sts.webIdentity.setAllowed(TEST_IDENTITIES.assumedRole.arn, false);
    try {
      const failure = await failureOf(tokenFor(sts, TEST_IDENTITIES.assumedRole));
      expect(failure.name).toBe('AccessDenied');
      expect(failure.message).toContain('sts:GetWebIdentityToken');
    } finally {
      sts.webIdentity.setAllowed(TEST_IDENTITIES.assumedRole.arn, true);
    }
  });

  it('answers JWTPayloadSizeExceededException when the tags make the claims too large', async () => {
    const failure = await failureOf(tokenFor(sts, TEST_IDENTITIES.assumedRole, { Tags: Array.from({ length: 40 }, (_, i) => ({ Key: `key${i}`, Value: 'v'.repeat(200) })) }));
    expect(failure).toMatchObject({ name: 'JWTPayloadSizeExceededException', status: 400 });
  });

  it('playing the global endpoint, refuses GetWebIdentityToken', async () => {
    sts.webIdentity.setGlobalEndpoint(true);
    try {
      const failure = await failureOf(tokenFor(sts, TEST_IDENTITIES.assumedRole));
      expect(failure.message).toBe(GLOBAL_ENDPOINT_MESSAGE);
    } finally {
      sts.webIdentity.setGlobalEndpoint(false);
    }
  });
});

interface DriverOutcome {
  ok: boolean;
  rows?: unknown[];
  error?: { name: string; code: string | number; message: string };
}

async function driverLogin(bed: TestBed, identity: TestIdentity): Promise<DriverOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'wif-sim-jwt-'));
  try {
    const { stdout } = await run(process.execPath, [FIXTURE], {
      cwd: dir,
      timeout: 25_000,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        ...bed.env,
        ...credentialsEnv(identity),
        SIM_ACCOUNT: bed.env.SNOWFLAKE_ACCOUNT,
        SIM_HOST: bed.env.SNOWFLAKE_HOST,
        SIM_PORT: bed.env.SNOWFLAKE_PORT,
        SIM_SQL: JSON.stringify(['SELECT CURRENT_USER()']),
        SIM_OUTBOUND_TOKEN: '1',
      },
    });
    return JSON.parse(stdout) as DriverOutcome;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function postLogin(bed: TestBed, token: string): Promise<{ success: boolean; message: string | null }> {
  const response = await fetch(`${bed.snowflake.url}/session/v1/login-request`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { ACCOUNT_NAME: bed.env.SNOWFLAKE_ACCOUNT, AUTHENTICATOR: 'WORKLOAD_IDENTITY', PROVIDER: 'AWS', TOKEN: token } }),
  });
  return (await response.json()) as { success: boolean; message: string | null };
}

describe('Snowflake simulator: a JWT login through the real snowflake-sdk', () => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('logs in a user registered with the path-free ARN and the ISSUER', async () => {
    bed = await startTestBed();
    bed.snowflake.setUserArn('LAMBDA_LOADER', ROLE_ARN, bed.sts.webIdentity.issuerFor(TEST_ACCOUNT));
    const outcome = await driverLogin(bed, TEST_IDENTITIES.assumedRole);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true, rows: [[{ 'CURRENT_USER()': 'LAMBDA_LOADER' }]] });
    expect(bed.sts.requests.map((r) => r.action)).toContain('GetWebIdentityToken');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', callerArn: `arn:aws:iam::${TEST_ACCOUNT}:role/service-role/my-fn-role` });
  });

  it('refuses a user without ISSUER, and one registered with the path ARN', async () => {
    bed = await startTestBed();
    const noIssuer = await driverLogin(bed, TEST_IDENTITIES.assumedRole);
    expect(noIssuer.error?.message).toBe(JWT_USER_NOT_FOUND_MESSAGE);
    bed.snowflake.setUserArn('LAMBDA_LOADER', `arn:aws:iam::${TEST_ACCOUNT}:role/service-role/my-fn-role`, bed.sts.webIdentity.issuerFor(TEST_ACCOUNT));
    const pathArn = await driverLogin(bed, TEST_IDENTITIES.assumedRole);
    expect(pathArn.error?.message).toBe(JWT_USER_NOT_FOUND_MESSAGE);
  });

  it('refuses a user registered with another issuer', async () => {
    bed = await startTestBed();
    bed.snowflake.setUserArn('LAMBDA_LOADER', ROLE_ARN, 'https://00000000-0000-0000-0000-000000000000.tokens.sts.global.api.aws');
    expect((await driverLogin(bed, TEST_IDENTITIES.assumedRole)).error?.message).toMatch(/^Unable to find an associated Snowflake user/);
  });

  it('verifies signature, audience, expiry and issuer before it looks for a user', async () => {
    bed = await startTestBed();
    const issuer = bed.sts.webIdentity.issuerFor(TEST_ACCOUNT);
    bed.snowflake.setUserArn('LAMBDA_LOADER', ROLE_ARN, issuer);
    const good = (await tokenFor(bed.sts, TEST_IDENTITIES.assumedRole)).WebIdentityToken ?? '';
    expect(await postLogin(bed, good)).toMatchObject({ success: true });

    const wrongAudience = (await tokenFor(bed.sts, TEST_IDENTITIES.assumedRole, { Audience: ['example.com'] })).WebIdentityToken ?? '';
    expect((await postLogin(bed, wrongAudience)).message).toMatch(/could not be verified: .*aud/);

    const [header, , signature] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(good), sub: `arn:aws:iam::${TEST_ACCOUNT}:role/admin` })).toString('base64url');
    expect((await postLogin(bed, `${header}.${forged}.${signature}`)).message).toMatch(/could not be verified: .*signature/i);

    const { privateKey } = await generateKeyPair('ES384');
    const now = Math.floor(Date.now() / 1000);
    const selfSigned = await new SignJWT({ ...decodeJwt(good) }).setProtectedHeader({ alg: 'ES384', kid: decodeProtectedHeader(good).kid ?? '' }).sign(privateKey);
    expect((await postLogin(bed, selfSigned)).message).toMatch(/could not be verified/);

    const foreignIssuer = await new SignJWT({ ...decodeJwt(good), iss: 'https://evil.example' }).setProtectedHeader({ alg: 'ES384' }).sign(privateKey);
    expect((await postLogin(bed, foreignIssuer)).message).toMatch(/not a trusted AWS STS issuer/);

    const expiredToken = await new SignJWT({ ...decodeJwt(good), iat: now - 4000, exp: now - 3000 }).setProtectedHeader({ alg: 'ES384' }).sign(privateKey);
    expect((await postLogin(bed, expiredToken)).success).toBe(false);
  });
});
