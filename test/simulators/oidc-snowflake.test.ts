/**
 * The Snowflake simulator's OIDC check over raw HTTP (the driver's own requests are in
 * oidc-driver.test.ts): what it fetches and caches, every refusal with its reason, code and
 * message, the matching rules (exact ISSUER and SUBJECT, the 2026_08 wildcard, the audience
 * rules, SERVICE users), registrations, and what SHOW tells an administrator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  OIDC_TOKEN_INVALID_PREFIX,
  OIDC_USER_NOT_FOUND_MESSAGE,
  OIDC_USER_NOT_FOUND_PREFIX,
  SIM_CODES,
  isLoopbackUrl,
  startOidcIssuer,
  startSnowflakeSimulator,
  type OidcIssuer,
  type OidcSignOptions,
  type SimUser,
  type SnowflakeSimulator,
  type SnowflakeSimulatorOptions,
} from '../../src/simulators/index.js';

type Answer = { success: boolean; code: string | null; message: string | null; data: Record<string, unknown> | null };

const SUBJECT = 'repo:octo-org/app:environment:prod';
let issuer: OidcIssuer;
let other: OidcIssuer;
let sim: SnowflakeSimulator | undefined;

beforeAll(async () => {
  issuer = await startOidcIssuer({ path: '/gh' });
  other = await startOidcIssuer({ path: '/other' });
});
afterAll(async () => {
  await Promise.all([issuer?.close(), other?.close()]);
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const users = (): SimUser[] => [
  { name: 'GHA_DEPLOY', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: SUBJECT, audienceList: ['snowflakecomputing.com', 'simorg-wifcheck'] }, defaultRole: 'DEPLOYER' },
  { name: 'K8S_LOADER', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: 'system:serviceaccount:etl:loader' } },
  { name: 'LAMBDA_LOADER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role' },
];

async function start(opts: SnowflakeSimulatorOptions = {}): Promise<SnowflakeSimulator> {
  sim = await startSnowflakeSimulator({ users: users(), accountName: 'simorg-wifcheck', ...opts });
  return sim;
}

async function post(path: string, body: unknown, token?: string): Promise<Answer> {
  const res = await fetch(`${sim?.url ?? ''}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Snowflake Token="${token}"` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Answer;
}

/** The login body snowflake-sdk 3.3.0 sends for workloadIdentityProvider OIDC. */
const login = (token: unknown, query = '') =>
  post(`/session/v1/login-request?requestId=r${query}`, { data: { ACCOUNT_NAME: 'simorg-wifcheck', AUTHENTICATOR: 'WORKLOAD_IDENTITY', PROVIDER: 'OIDC', TOKEN: token, CLIENT_APP_ID: 'JavaScript' } });

const token = (claims: Record<string, unknown> = {}, opts: OidcSignOptions = {}, from: OidcIssuer = issuer) => from.sign({ sub: SUBJECT, ...claims }, { audience: 'snowflakecomputing.com', ...opts });

describe('OIDC logins', () => {
  it('maps a verified token to its user, opens a session, and records the login', async () => {
    await start();
    const answer = await login(await token());
    expect(answer).toMatchObject({ success: true, code: null });
    const session = String(answer.data?.['token']);
    const query = await post('/queries/v1/query-request?requestId=q', { sqlText: 'SELECT CURRENT_USER(), CURRENT_ROLE()' }, session);
    expect((query.data as { rowset: unknown[] }).rowset).toEqual([['GHA_DEPLOY', 'DEPLOYER']]);
    expect(sim?.logins).toEqual([{ ok: true, provider: 'OIDC', issuer: issuer.issuer, subject: SUBJECT, audience: ['snowflakecomputing.com'], user: 'GHA_DEPLOY' }]);
  });

  it('fetches discovery and JWKS from the issuer once, then uses its cache (until cleared)', async () => {
    await start();
    const before = issuer.requests.length;
    expect((await login(await token())).success).toBe(true);
    expect((await login(await token())).success).toBe(true);
    expect(sim?.oidcFetches).toEqual([issuer.discoveryUrl, issuer.jwksUrl]);
    expect(issuer.requests.length - before).toBe(2);
    sim?.clearOidcKeyCache();
    expect((await login(await token())).success).toBe(true);
    expect(sim?.oidcFetches).toHaveLength(4);
  });

  it('fetches the keys once more for a kid its cache lacks (a rotated issuer), and refuses a key it still lacks', async () => {
    const rotating = await startOidcIssuer();
    try {
      await start({ users: [{ name: 'ROT', workloadIdentity: { type: 'OIDC', issuer: rotating.issuer, subject: SUBJECT } }] });
      const old = await token({}, {}, rotating);
      expect((await login(old)).success).toBe(true);
      await rotating.rotateKeys();
      expect((await login(await token({}, {}, rotating))).success).toBe(true);
      expect(sim?.oidcFetches).toHaveLength(4);
      // The old key is no longer published: the refetched keys lack it.
      expect(await login(old)).toMatchObject({ success: false, code: SIM_CODES.WIF_ATTESTATION_INVALID, message: `${OIDC_TOKEN_INVALID_PREFIX}no key in the issuer's JWKS has the token's key id 'rs256-1'.` });
      expect(sim?.oidcFetches).toHaveLength(6);
    } finally {
      await rotating.close();
    }
  });

  it.each(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const)('accepts %s', async (alg) => {
    await start();
    expect((await login(await token({}, { alg }))).success).toBe(true);
  });

  it('accepts a token whose audience list holds one the user lists', async () => {
    await start();
    expect((await login(await token({}, { audience: ['https://github.com/octo-org', 'simorg-wifcheck'] })))).toMatchObject({ success: true });
  });

  const invalid: Array<[string, () => Promise<unknown>, string, string]> = [
    ['not a JWT', async () => 'not.a.jwt', 'not-a-jwt', 'the token is not a JWT.'],
    ['no TOKEN', async () => undefined, 'not-a-jwt', 'the token is empty.'],
    ['alg none', () => token({}, { alg: 'none' }), 'algorithm', 'the token is signed with none; Snowflake accepts only RS256, RS384, RS512, ES256, ES384, ES512.'],
    ['PS256', () => token({}, { alg: 'PS256' }), 'algorithm', 'the token is signed with PS256; Snowflake accepts only RS256, RS384, RS512, ES256, ES384, ES512.'],
    ['HS256', () => token({}, { alg: 'HS256' }), 'algorithm', 'the token is signed with HS256; Snowflake accepts only RS256, RS384, RS512, ES256, ES384, ES512.'],
    ['no sub', () => issuer.sign({}, { audience: 'snowflakecomputing.com' }), 'missing-claim', "the token has no 'sub' (subject) claim."],
    ['an empty iss', () => token({}, { issuer: '' }), 'missing-claim', "the token has no 'iss' (issuer) claim."],
    ['an empty sub', () => token({ sub: '' }), 'missing-claim', "the token has no 'sub' (subject) claim."],
    ['no iat', () => token({}, { omitIat: true }), 'no-iat', "the token has no valid 'iat' (issued at) claim, which Snowflake requires."],
    ['a string iat', () => token({ iat: 'yesterday' }, { omitIat: true }), 'no-iat', "the token has no valid 'iat' (issued at) claim, which Snowflake requires."],
    ['no exp', () => token({}, { omitExp: true }), 'no-exp', "the token has no valid 'exp' (expiry) claim."],
    ['an iat an hour ahead', () => token({}, { issuedAt: Math.floor(Date.now() / 1000) + 3600 }), 'issued-in-future', "the token's 'iat' is in the future"],
    ['an nbf an hour ahead', () => token({}, { notBefore: Math.floor(Date.now() / 1000) + 3600 }), 'not-yet-valid', 'the token is not valid before '],
    ['an expired token (beyond 60 s of skew)', () => token({}, { expiresInSeconds: -61 }), 'expired', 'the token expired at '],
    ['a signature by another key under a published kid', () => token({}, { unpublishedKey: true, kid: 'rs256-1' }), 'bad-signature', "the signature does not verify with the issuer's keys."],
    ["another issuer's key under the same kid", () => token({}, { issuer: issuer.issuer }, other), 'bad-signature', "the signature does not verify with the issuer's keys."],
    ['a kid the JWKS does not publish', () => token({}, { kid: 'rs256-9' }), 'unknown-kid', "no key in the issuer's JWKS has the token's key id 'rs256-9'."],
  ];

  it.each(invalid)('refuses %s (390431)', async (_name, make, reason, message) => {
    await start();
    const answer = await login(await make());
    expect(answer).toMatchObject({ success: false, code: SIM_CODES.WIF_ATTESTATION_INVALID, data: { nextAction: 'RETRY_LOGIN', authnMethod: 'WORKLOAD_IDENTITY' } });
    expect(answer.message).toContain(`${OIDC_TOKEN_INVALID_PREFIX}${message}`);
    expect(sim?.logins).toEqual([expect.objectContaining({ ok: false, provider: 'OIDC', reason, message: answer.message })]);
  });

  it('accepts a token expired less than 60 s ago (clock skew)', async () => {
    await start();
    expect((await login(await token({}, { expiresInSeconds: -30 }))).success).toBe(true);
  });

  it('refuses issuers off loopback without fetching anything, also ones that only look local', async () => {
    await start();
    for (const iss of ['https://token.actions.githubusercontent.com', 'http://127.0.0.1.evil.example', 'http://127.0.0.1@evil.example', 'https://localhost.evil.example/x', 'file:///etc']) {
      const answer = await login(await token({}, { issuer: iss }));
      expect(answer.message).toBe(`${OIDC_TOKEN_INVALID_PREFIX}the issuer '${iss}' is not on this machine; the simulator fetches keys only from issuers on 127.0.0.1 or localhost.`);
    }
    expect(sim?.oidcFetches).toEqual([]);
    expect(sim?.logins.map((record) => record.reason)).toEqual(Array(5).fill('issuer-not-allowed'));
  });

  it.each([
    ['http://127.0.0.1:1/x', true],
    ['https://localhost/x', true],
    ['http://[::1]:8080/', true],
    ['http://127.0.0.1.evil.example/', false],
    ['http://user:pw@127.0.0.1/', false],
    ['http://127.0.0.2/', false],
    ['ftp://127.0.0.1/', false],
    ['not a url', false],
  ])('isLoopbackUrl(%s) is %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });

  it('refuses an issuer that is down, one whose discovery names another issuer, and one whose jwks_uri leaves loopback', async () => {
    const broken = await startOidcIssuer({ discoveryExtras: {} });
    const elsewhere = await startOidcIssuer({ discoveryExtras: { jwks_uri: 'https://keys.example.invalid/jwks' } });
    try {
      await start();
      broken.setMode('down');
      expect((await login(await token({}, {}, broken))).message).toMatch(new RegExp(`^${escape(OIDC_TOKEN_INVALID_PREFIX)}the issuer's discovery document could not be fetched \\(HTTP 503 from `));
      broken.setMode('wrong-issuer');
      expect((await login(await token({}, {}, broken))).message).toBe(`${OIDC_TOKEN_INVALID_PREFIX}the issuer's discovery document names another issuer ('${broken.issuer}-other').`);
      expect((await login(await token({}, {}, elsewhere))).message).toBe(
        `${OIDC_TOKEN_INVALID_PREFIX}the issuer's jwks_uri 'https://keys.example.invalid/jwks' is not on this machine; the simulator fetches keys only from 127.0.0.1 or localhost.`,
      );
      expect(sim?.logins.map((record) => record.reason)).toEqual(['issuer-unreachable', 'discovery-invalid', 'discovery-invalid']);
      expect(sim?.oidcFetches.every((url) => isLoopbackUrl(url))).toBe(true);
    } finally {
      await Promise.all([broken.close(), elsewhere.close()]);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('matching a verified token to a user', () => {
  const cases: Array<[string, () => Promise<string>, string, string]> = [
    ['an unknown subject', () => token({ sub: 'repo:octo-org/app:ref:refs/heads/main' }), 'unknown-subject', `no SERVICE user has ISSUER '{iss}' and SUBJECT 'repo:octo-org/app:ref:refs/heads/main'.`],
    ['a subject in another case', () => token({ sub: SUBJECT.toUpperCase() }), 'unknown-subject', `no SERVICE user has ISSUER '{iss}' and SUBJECT '${SUBJECT.toUpperCase()}'.`],
    ['the right subject from another issuer', () => token({}, {}, other), 'issuer-mismatch', `user 'GHA_DEPLOY' has SUBJECT '${SUBJECT}' with another ISSUER ('{iss}').`],
    [
      'an audience the user does not list',
      () => token({}, { audience: 'https://github.com/octo-org' }),
      'audience-not-listed',
      "user 'GHA_DEPLOY' has this ISSUER and SUBJECT, but its OIDC_AUDIENCE_LIST ('snowflakecomputing.com', 'simorg-wifcheck') contains none of the token's audiences ('https://github.com/octo-org').",
    ],
    [
      'no list and another audience',
      () => token({ sub: 'system:serviceaccount:etl:loader' }, { audience: ['sts.amazonaws.com'] }),
      'audience-not-default',
      "user 'K8S_LOADER' has this ISSUER and SUBJECT and no OIDC_AUDIENCE_LIST, so the token's audience must be 'snowflakecomputing.com', not 'sts.amazonaws.com'.",
    ],
  ];

  it.each(cases)('refuses %s with one generic message (390432)', async (_name, make, reason) => {
    await start();
    const answer = await login(await make());
    expect(answer).toMatchObject({ success: false, code: SIM_CODES.WIF_USER_NOT_FOUND, message: OIDC_USER_NOT_FOUND_MESSAGE });
    expect(sim?.logins).toEqual([expect.objectContaining({ ok: false, provider: 'OIDC', reason })]);
  });

  it.each(cases)('with explainOidcMismatch, says why for %s', async (_name, make, reason, detail) => {
    await start({ explainOidcMismatch: true });
    const answer = await login(await make());
    expect(answer.message).toBe(`${OIDC_USER_NOT_FOUND_PREFIX} (Snowflake simulator): ${detail.replace('{iss}', issuer.issuer)}`);
  });

  it('never maps a PERSON user', async () => {
    await start({ users: [{ name: 'HUMAN', type: 'PERSON', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: SUBJECT } }], explainOidcMismatch: true });
    const answer = await login(await token());
    expect(answer).toMatchObject({ code: SIM_CODES.WIF_USER_NOT_FOUND, message: `${OIDC_USER_NOT_FOUND_PREFIX} (Snowflake simulator): user 'HUMAN' has this ISSUER and SUBJECT but is not TYPE = SERVICE.` });
  });

  it('treats a trailing * as a literal, and as a prefix wildcard once behaviour change 2026_08 is on', async () => {
    await start({ users: [{ name: 'ANY_ENV', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: 'repo:octo-org/app:*' } }] });
    expect((await login(await token())).success).toBe(false);
    expect((await login(await token({ sub: 'repo:octo-org/app:*' }))).success).toBe(true);
    sim?.setOidcSubjectWildcard(true);
    expect((await login(await token())).success).toBe(true);
    expect((await login(await token({ sub: 'repo:octo-org/other:environment:prod' }))).success).toBe(false);
  });

  it('with the same ISSUER and SUBJECT on two users, takes the first whose audience rule accepts the token', async () => {
    await start({
      users: [
        { name: 'STRICT', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: SUBJECT, audienceList: ['only-this'] } },
        { name: 'LOOSE', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: SUBJECT } },
      ],
    });
    expect((await login(await token())).success).toBe(true);
    expect(sim?.logins.at(-1)?.user).toBe('LOOSE');
    expect((await login(await token({}, { audience: 'only-this' }))).success).toBe(true);
    expect(sim?.logins.at(-1)?.user).toBe('STRICT');
  });

  it('refuses a role the user was not granted (390189), recording it', async () => {
    await start({ users: [{ ...users()[0]!, grantedRoles: [] }] });
    const answer = await login(await token(), '&roleName=SYSADMIN');
    expect(answer).toMatchObject({ success: false, code: '390189' });
    expect(sim?.logins).toEqual([expect.objectContaining({ ok: false, provider: 'OIDC', user: 'GHA_DEPLOY', reason: 'role-not-granted' })]);
  });
});

describe('OIDC registrations', () => {
  it('holds one workload identity per user: setUserOidc replaces an ARN, setUserArn an OIDC identity', async () => {
    await start();
    sim?.setUserOidc('lambda_loader', { issuer: issuer.issuer, subject: 'system:serviceaccount:ops:job', audienceList: ['a'] });
    expect(sim?.listUsers().find((user) => user.name === 'LAMBDA_LOADER')).toEqual({ name: 'LAMBDA_LOADER', workloadIdentity: { type: 'OIDC', issuer: issuer.issuer, subject: 'system:serviceaccount:ops:job', audienceList: ['a'] } });
    sim?.setUserArn('GHA_DEPLOY', 'arn:aws:iam::123456789012:role/deployer');
    expect(sim?.listUsers().find((user) => user.name === 'GHA_DEPLOY')?.workloadIdentity).toBeUndefined();
    expect(() => sim?.setUserOidc('NOBODY', { issuer: 'x', subject: 'y' })).toThrow(/does not exist/);
  });

  it('refuses both kinds on one user, and a SUBJECT over 255 or an ISSUER over 2,048 characters', async () => {
    await start();
    expect(() => sim?.addUser({ name: 'BOTH', workloadIdentityArn: 'arn:aws:iam::123456789012:role/r', workloadIdentity: { type: 'OIDC', issuer: 'i', subject: 's' } })).toThrow(/one WORKLOAD_IDENTITY/);
    expect(() => sim?.addUser({ name: 'LONG_SUB', workloadIdentity: { type: 'OIDC', issuer: 'i', subject: 's'.repeat(256) } })).toThrow(/SUBJECT must be at most 255/);
    expect(() => sim?.addUser({ name: 'LONG_ISS', workloadIdentity: { type: 'OIDC', issuer: `https://${'i'.repeat(2049)}`, subject: 's' } })).toThrow(/ISSUER must be at most 2048/);
    sim?.addUser({ name: 'MAX', workloadIdentity: { type: 'OIDC', issuer: 'i', subject: 's'.repeat(255) } });
  });
});

describe('SHOW for an administrator', () => {
  async function adminSession(): Promise<string> {
    await start({
      admin: {
        admins: [{ name: 'AUDITOR', defaultRole: 'SECURITYADMIN', pats: ['pat-oidc-123456'] }],
        profiles: { MULTI_OIDC: { identities: [{ name: 'CI', oidc: { issuer: 'https://gitlab.com', subject: 'project_path:grp/proj:ref_type:branch:ref:main', audienceList: ['x'] } }] } },
      },
    });
    const answer = await post('/session/v1/login-request?requestId=a', { data: { ACCOUNT_NAME: 'simorg-wifcheck', AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', LOGIN_NAME: 'AUDITOR', TOKEN: 'pat-oidc-123456' } });
    expect(answer.success).toBe(true);
    return String(answer.data?.['token']);
  }

  async function sql(session: string, sqlText: string): Promise<Array<Record<string, unknown>>> {
    const body = await post('/queries/v1/query-request?requestId=q', { sqlText }, session);
    const data = body.data as { rowtype: Array<{ name: string }>; rowset: unknown[][] };
    return data.rowset.map((row) => Object.fromEntries(data.rowtype.map((column, i) => [column.name, row[i]])));
  }

  it('lists OIDC identities with type OIDC and additional_info issuer, subject, audienceList', async () => {
    const session = await adminSession();
    expect(await sql(session, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER GHA_DEPLOY')).toEqual([
      {
        name: 'DEFAULT',
        type: 'OIDC',
        comment: '',
        last_used: null,
        created_on: expect.any(String),
        additional_info: JSON.stringify({ issuer: issuer.issuer, subject: SUBJECT, audienceList: ['snowflakecomputing.com', 'simorg-wifcheck'] }),
      },
    ]);
    const k8s = await sql(session, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER K8S_LOADER');
    expect(JSON.parse(String(k8s[0]?.['additional_info']))).toEqual({ issuer: issuer.issuer, subject: 'system:serviceaccount:etl:loader', audienceList: [] });
    const named = await sql(session, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER MULTI_OIDC');
    expect(named).toEqual([expect.objectContaining({ name: 'CI', type: 'OIDC', additional_info: JSON.stringify({ issuer: 'https://gitlab.com', subject: 'project_path:grp/proj:ref_type:branch:ref:main', audienceList: ['x'] }) })]);
    // The AWS user's row is as before.
    const aws = await sql(session, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER LAMBDA_LOADER');
    expect(aws).toEqual([expect.objectContaining({ type: 'AWS', additional_info: JSON.stringify({ awsPartition: 'aws', awsAccount: '123456789012', type: 'IAM_ROLE', iamRole: 'my-fn-role' }) })]);
  });

  it('SHOW USERS says has_workload_identity true for OIDC users', async () => {
    const session = await adminSession();
    const rows = await sql(session, 'SHOW USERS');
    const flag = Object.fromEntries(rows.map((row) => [row['name'], row['has_workload_identity']]));
    expect(flag).toMatchObject({ GHA_DEPLOY: 'true', K8S_LOADER: 'true', LAMBDA_LOADER: 'true', MULTI_OIDC: 'true', AUDITOR: 'false' });
  });
});
