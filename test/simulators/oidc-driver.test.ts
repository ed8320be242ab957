/**
 * OIDC logins on the test bed with the REAL snowflake-sdk 3.3.0 (`authenticator: 'WORKLOAD_IDENTITY',
 * workloadIdentityProvider: 'OIDC'`, the token in `token` or `tokenFilePath`), each run of
 * fixtures/driver-connect.mjs in a child process with a clean environment: a mapped token logs in
 * as its user, and every refusal the Snowflake simulator makes arrives at the driver with its code
 * and message. Tokens come from the bed's GitHub-like token service (over HTTP, as @actions/core
 * asks for them), its issuers, and projected Kubernetes token files.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GHA_DEPLOY_SUBJECT,
  GITHUB_ACTIONS_ISSUER,
  K8S_LOADER_SUBJECT,
  KUBERNETES_TEST_BED_ISSUER,
  OIDC_TOKEN_INVALID_PREFIX,
  OIDC_USER_NOT_FOUND_MESSAGE,
  SIM_CODES,
  githubActionsClaims,
  kubernetesClaims,
  startOidcIssuer,
  startTestBed,
  type OidcIssuer,
  type TestBedWithOidc,
} from '../../src/simulators/index.js';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/driver-connect.mjs', import.meta.url));

interface DriverError {
  name: string;
  code: string | number;
  message: string;
  data: Record<string, unknown> | null;
}
type DriverResult = { ok: true; rows: Array<Array<Record<string, unknown>>> } | { ok: false; error: DriverError };

let bed: TestBedWithOidc;
beforeAll(async () => {
  bed = await startTestBed({ oidc: true });
});
afterAll(async () => {
  await bed?.close();
});
beforeEach(() => {
  bed.snowflake.logins.length = 0;
});

async function driverLogin(source: { token: string } | { tokenFilePath: string }, extraEnv: Record<string, string> = {}): Promise<DriverResult> {
  const dir = await mkdtemp(join(tmpdir(), 'wif-sim-oidc-driver-'));
  try {
    const { stdout } = await run(process.execPath, [FIXTURE], {
      cwd: dir,
      timeout: 25_000,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        ...bed.env,
        SIM_PROVIDER: 'OIDC',
        ...('token' in source ? { SIM_TOKEN: source.token } : { SIM_TOKEN_FILE_PATH: source.tokenFilePath }),
        SIM_ACCOUNT: bed.env.SNOWFLAKE_ACCOUNT,
        SIM_HOST: bed.env.SNOWFLAKE_HOST,
        SIM_PORT: bed.env.SNOWFLAKE_PORT,
        SIM_SQL: JSON.stringify(['SELECT CURRENT_USER(), CURRENT_ROLE()']),
        ...extraEnv,
      },
    });
    return JSON.parse(stdout) as DriverResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a job's @actions/core getIDToken(audience) does: GET the URL + `&audience=`, bearer, JSON `value`. */
async function githubIdToken(audience?: string): Promise<string> {
  const env = bed.oidc.githubEnv();
  const url = `${env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''}${audience ? `&audience=${encodeURIComponent(audience)}` : ''}`;
  const res = await fetch(url, { headers: { Authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}`, Accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: string }).value;
}

function refusal(result: DriverResult): DriverError {
  if (result.ok) throw new Error(`expected the login to fail, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('real snowflake-sdk, OIDC provider, against the test bed', () => {
  it('logs a GitHub Actions job in as the user registered for its subject (token from the token service)', async () => {
    const token = await githubIdToken('snowflakecomputing.com');
    expect(await driverLogin({ token })).toEqual({ ok: true, rows: [[{ 'CURRENT_USER()': 'GHA_DEPLOY', 'CURRENT_ROLE()': 'DEPLOYER' }]] });
    expect(bed.snowflake.logins).toEqual([
      { ok: true, provider: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: GHA_DEPLOY_SUBJECT, audience: ['snowflakecomputing.com'], user: 'GHA_DEPLOY' },
    ]);
    // Keys came from the issuer's discovery document and JWKS, on loopback only.
    expect(bed.snowflake.oidcFetches.every((url) => url.startsWith(bed.oidc.github.url))).toBe(true);
  });

  it('logs a Kubernetes pod in from its projected token file (the driver reads tokenFilePath through kubelet symlinks)', async () => {
    const projected = await bed.oidc.kubernetesToken();
    expect(await driverLogin({ tokenFilePath: projected.path })).toMatchObject({ ok: true, rows: [[{ 'CURRENT_USER()': 'K8S_LOADER' }]] });
    expect(bed.snowflake.logins).toEqual([
      { ok: true, provider: 'OIDC', issuer: KUBERNETES_TEST_BED_ISSUER, subject: K8S_LOADER_SUBJECT, audience: ['snowflakecomputing.com'], user: 'K8S_LOADER' },
    ]);
  });

  it('refuses a token file the driver finds unsafe before any login (mode 0400: the owner cannot write)', async () => {
    const projected = await bed.oidc.kubernetesToken({ layout: 'plain', mode: 0o600 });
    await chmod(projected.path, 0o400);
    const error = refusal(await driverLogin({ tokenFilePath: projected.path }));
    expect(error.message).toMatch(/Failed to read the token from file: .*Invalid file permissions \(400/);
    expect(bed.snowflake.logins).toEqual([]);
  });

  const unmapped = [
    ['an unknown subject (the ref form where the environment form is registered)', async () => bed.oidc.githubToken({ repository: 'octo-org/app', ref: 'refs/heads/main' }), 'unknown-subject'],
    ['the pull_request subject', async () => bed.oidc.githubToken({ repository: 'octo-org/app', eventName: 'pull_request' }), 'unknown-subject'],
    ['the immutable-ID subject where the mutable one is registered', async () => bed.oidc.githubToken({ repository: 'octo-org/app', environment: 'prod', subjectForm: 'immutable' }), 'unknown-subject'],
    ['the right subject from another issuer', async () => bed.oidc.kubernetes.sign({ ...githubActionsClaims({ repository: 'octo-org/app', environment: 'prod' }) }, { audience: 'snowflakecomputing.com' }), 'issuer-mismatch'],
    ['an audience the user does not list (GitHub\'s default, the owner URL)', async () => githubIdToken(), 'audience-not-listed'],
    ['no audience list and an audience other than snowflakecomputing.com (IRSA\'s)', async () => (await bed.oidc.kubernetesToken({ preset: 'eks-irsa' })).token, 'audience-not-default'],
  ] as const;

  it.each(unmapped)('refuses %s as an unmapped identity (390432, one generic message)', async (_name, mint, reason) => {
    const error = refusal(await driverLogin({ token: await mint() }));
    expect(error).toMatchObject({ name: 'OperationFailedError', code: SIM_CODES.WIF_USER_NOT_FOUND, message: OIDC_USER_NOT_FOUND_MESSAGE });
    expect(error.data).toMatchObject({ nextAction: 'RETRY_LOGIN', authnMethod: 'WORKLOAD_IDENTITY' });
    expect(bed.snowflake.logins).toEqual([expect.objectContaining({ ok: false, provider: 'OIDC', reason, message: OIDC_USER_NOT_FOUND_MESSAGE })]);
  });

  const github = () => githubActionsClaims({ repository: 'octo-org/app', environment: 'prod' });
  const invalid = [
    ['no iat', () => bed.oidc.github.sign(github(), { audience: 'snowflakecomputing.com', omitIat: true }), 'no-iat', /no valid 'iat'/],
    ['HS256', () => bed.oidc.github.sign(github(), { audience: 'snowflakecomputing.com', alg: 'HS256' }), 'algorithm', /signed with HS256; Snowflake accepts only RS256, RS384, RS512, ES256, ES384, ES512/],
    ['an expired token', () => bed.oidc.github.sign(github(), { audience: 'snowflakecomputing.com', expiresInSeconds: -120 }), 'expired', /the token expired at \d{4}-/],
    ['an unknown kid', () => bed.oidc.github.sign(github(), { audience: 'snowflakecomputing.com', unpublishedKey: true }), 'unknown-kid', /no key in the issuer's JWKS has the token's key id 'unpublished-rs256-\d+'/],
  ] as const;

  it.each(invalid)('refuses %s as an invalid token (390431)', async (_name, mint, reason, message) => {
    const error = refusal(await driverLogin({ token: await mint() }));
    expect(error).toMatchObject({ name: 'OperationFailedError', code: SIM_CODES.WIF_ATTESTATION_INVALID });
    expect(error.message.startsWith(OIDC_TOKEN_INVALID_PREFIX)).toBe(true);
    expect(error.message).toMatch(message);
    expect(bed.snowflake.logins).toEqual([expect.objectContaining({ ok: false, provider: 'OIDC', reason, issuer: GITHUB_ACTIONS_ISSUER, subject: GHA_DEPLOY_SUBJECT })]);
  });

  it('never fetches a non-loopback issuer: the token is refused without a request', async () => {
    const elsewhere: OidcIssuer = await startOidcIssuer({ publicIssuer: 'https://oidc.example.invalid/tenant' });
    try {
      const fetchesBefore = bed.snowflake.oidcFetches.length;
      const token = await elsewhere.sign({ ...kubernetesClaims({ namespace: 'etl', serviceAccount: 'loader' }) }, { audience: 'snowflakecomputing.com' });
      const error = refusal(await driverLogin({ token }));
      expect(error.code).toBe(SIM_CODES.WIF_ATTESTATION_INVALID);
      expect(error.message).toBe(
        `${OIDC_TOKEN_INVALID_PREFIX}the issuer 'https://oidc.example.invalid/tenant' is not on this machine; the simulator fetches keys only from issuers on 127.0.0.1 or localhost.`,
      );
      expect(bed.snowflake.logins).toEqual([expect.objectContaining({ ok: false, reason: 'issuer-not-allowed', issuer: 'https://oidc.example.invalid/tenant' })]);
      expect(bed.snowflake.oidcFetches.length).toBe(fetchesBefore);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});
