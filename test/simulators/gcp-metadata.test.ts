/**
 * The GCP simulators (src/simulators/gcp-metadata.ts, snowflake-gcp.ts) against the rules they
 * claim, with plain HTTP (fetch) where no client would break them: the metadata server's
 * Metadata-Flavor rules as Google enforces them, the identity endpoint's audience and format, the
 * IAM API's delegation chain, and Snowflake's verification of GCP tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createOidcKeyCache } from '../../src/simulators/snowflake-oidc.js';
import { GCP_DELEGATE_SA, GCP_LOADER_SA, GCP_RUNTIME_SA, GOOGLE_JWKS_URI, startGcpSimulator, type GcpSimulator } from '../../src/simulators/gcp-metadata.js';
import { verifyGcpLogin } from '../../src/simulators/snowflake-gcp.js';
import { startOidcIssuer } from '../../src/simulators/oidc-issuer.js';

let gcp: GcpSimulator;
let other: Awaited<ReturnType<typeof startOidcIssuer>>;
beforeAll(async () => {
  gcp = await startGcpSimulator({ publicIam: false });
  other = await startOidcIssuer();
});
afterAll(async () => {
  await Promise.all([gcp?.close(), other?.close()]);
});

const base = () => `${gcp.metadataUrl}/computeMetadata/v1`;
const identityPath = '/instance/service-accounts/default/identity?audience=snowflakecomputing.com';

describe('the metadata server', () => {
  const cases: Array<[string, string, Record<string, string>, number]> = [
    ['without Metadata-Flavor', identityPath, {}, 403],
    ['with Metadata-Flavor: google (case matters)', identityPath, { 'Metadata-Flavor': 'google' }, 403],
    ['with X-Forwarded-For', identityPath, { 'Metadata-Flavor': 'Google', 'X-Forwarded-For': '10.0.0.1' }, 403],
    ['the identity without an audience', '/instance/service-accounts/default/identity', { 'Metadata-Flavor': 'Google' }, 400],
    ['another account than the instance’s', `/instance/service-accounts/${GCP_LOADER_SA}/identity?audience=x`, { 'Metadata-Flavor': 'Google' }, 404],
    ['an unknown path', '/instance/nope', { 'Metadata-Flavor': 'Google' }, 404],
    ['the identity', identityPath, { 'Metadata-Flavor': 'Google' }, 200],
    ['the e-mail', '/instance/service-accounts/default/email', { 'Metadata-Flavor': 'Google' }, 200],
  ];
  it.each(cases)('%s → %i, always answered with Metadata-Flavor: Google', async (_name, path, headers, status) => {
    const response = await fetch(`${base()}${path}`, { headers });
    expect(response.status).toBe(status);
    expect(response.headers.get('metadata-flavor')).toBe('Google');
  });

  it('an identity token: Google issuer, the unique ID as sub and azp; the e-mail only with format=full', async () => {
    const standard = decodeJwt(await (await fetch(`${base()}${identityPath}`, { headers: { 'Metadata-Flavor': 'Google' } })).text());
    const id = gcp.accounts.find((account) => account.email === GCP_RUNTIME_SA)?.uniqueId;
    expect(standard).toMatchObject({ iss: 'https://accounts.google.com', sub: id, azp: id, aud: 'snowflakecomputing.com' });
    expect(standard).not.toHaveProperty('email');
    expect((standard.exp ?? 0) - (standard.iat ?? 0)).toBe(3600);
    const full = decodeJwt(await (await fetch(`${base()}${identityPath}&format=full`, { headers: { 'Metadata-Flavor': 'Google' } })).text());
    expect(full).toMatchObject({ email: GCP_RUNTIME_SA, email_verified: true });
  });

  it("Google's discovery document names the JWKS Snowflake fetches, served on loopback", async () => {
    const discovery = (await (await fetch(gcp.resolve('https://accounts.google.com/.well-known/openid-configuration') ?? '')).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: 'https://accounts.google.com', jwks_uri: GOOGLE_JWKS_URI });
    expect(gcp.resolve(GOOGLE_JWKS_URI)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/v3\/certs$/);
    expect(gcp.resolve('https://evil.example/oauth2/v3/certs')).toBeUndefined();
  });
});

describe('the IAM API: generateIdToken through a delegation chain', () => {
  const accessToken = async () => ((await (await fetch(`${base()}/instance/service-accounts/default/token`, { headers: { 'Metadata-Flavor': 'Google' } })).json()) as { access_token: string }).access_token;
  const generate = async (target: string, delegates: string[], bearer?: string) =>
    fetch(`${gcp.iamUrl}/v1/projects/-/serviceAccounts/${target}:generateIdToken`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify({ delegates, audience: 'snowflakecomputing.com', includeEmail: true }),
    });
  it.each([
    ['runtime → loader', GCP_LOADER_SA, [], 200],
    ['runtime → delegate → loader (bare e-mails, as the Node driver sends)', GCP_LOADER_SA, [GCP_DELEGATE_SA], 200],
    ['runtime → delegate → loader (Google’s documented form)', GCP_LOADER_SA, [`projects/-/serviceAccounts/${GCP_DELEGATE_SA}`], 200],
    ['runtime → loader → delegate (loader holds no Token Creator on delegate)', GCP_DELEGATE_SA, [GCP_LOADER_SA], 403],
    ['an unknown account', 'ghost@p.iam.gserviceaccount.com', [], 403],
  ] as const)('%s → %i', async (_name, target, delegates, status) => {
    const response = await generate(target, [...delegates], await accessToken());
    expect(response.status).toBe(status);
    if (status === 200) expect(decodeJwt(((await response.json()) as { token: string }).token)).toMatchObject({ email: target });
  });
  it('without a valid access token: 401', async () => {
    expect((await generate(GCP_LOADER_SA, [])).status).toBe(401);
    expect((await generate(GCP_LOADER_SA, [], 'ya29.forged')).status).toBe(401);
  });
});

describe("Snowflake's check of a GCP token", () => {
  const users = [
    { name: 'GCP_RUNTIME', type: 'SERVICE' as const, gcpIdentity: { type: 'GCP' as const, subject: '' } },
    { name: 'BY_EMAIL', type: 'SERVICE' as const, gcpIdentity: { type: 'GCP' as const, subject: GCP_DELEGATE_SA } },
  ];
  beforeAll(() => {
    users[0]!.gcpIdentity.subject = gcp.accounts.find((account) => account.email === GCP_RUNTIME_SA)?.uniqueId ?? '';
  });
  const keys = () => createOidcKeyCache({ resolveIssuerUrl: gcp.resolve });
  it('maps the unique ID', async () => {
    const verdict = await verifyGcpLogin(await gcp.idToken(GCP_RUNTIME_SA, 'snowflakecomputing.com', { full: true }), { users, keys: keys() });
    expect(verdict).toMatchObject({ ok: true, user: { name: 'GCP_RUNTIME' } });
  });
  it.each([
    ['an e-mail registered', async (): Promise<string> => gcp.idToken(GCP_DELEGATE_SA, 'snowflakecomputing.com', { full: true }), 'email-subject', true],
    ['another audience', async (): Promise<string> => gcp.idToken(GCP_RUNTIME_SA, 'https://example.com'), 'audience-not-default', true],
    ['an account no user holds', async (): Promise<string> => gcp.idToken(GCP_LOADER_SA, 'snowflakecomputing.com'), 'unknown-subject', true],
    ['a token of another issuer', async (): Promise<string> => other.sign({ sub: '1' }, { audience: 'snowflakecomputing.com' }), 'not-google', false],
    ['a key Google never published', async (): Promise<string> => gcp.issuer.sign({ sub: '1' }, { audience: 'snowflakecomputing.com', unpublishedKey: true }), 'unknown-kid', false],
    ['not a JWT', async (): Promise<string> => 'not-a-jwt', 'not-a-jwt', false],
  ] as const)('refuses %s (%s)', async (_name, token, reason, unmapped) => {
    const verdict = await verifyGcpLogin(await token(), { users, keys: keys(), explainMismatch: true });
    expect(verdict).toMatchObject({ ok: false, reason, unmapped });
  });
});
