/**
 * The OIDC side of the test bed on its own: the issuer (discovery, JWKS, signing, rotation), the
 * claim helpers (GitHub's subject forms, GitLab, Kubernetes), the GitHub-like token service (asked
 * as @actions/core's getIDToken asks: GET the URL + `&audience=`, a bearer, JSON `value`), and
 * projected Kubernetes token files. Tokens are checked with jose against the served JWKS.
 */
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_OIDC_TEST_BED_USERS,
  DEFAULT_TEST_BED_USERS,
  GITHUB_ACTIONS_ISSUER,
  KUBERNETES_TEST_BED_ISSUER,
  PROJECTED_TOKEN_PRESETS,
  SNOWFLAKE_OIDC_ALGORITHMS,
  githubActionsClaims,
  githubSubject,
  gitlabCiClaims,
  kubernetesClaims,
  startGithubTokenService,
  startOidcIssuer,
  startTestBed,
  writeProjectedToken,
  type GithubJob,
  type GithubTokenService,
  type OidcIssuer,
} from '../../src/simulators/index.js';

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function verifyWith(issuer: OidcIssuer, token: string, algorithms: string[] = [...SNOWFLAKE_OIDC_ALGORITHMS, 'PS256']) {
  const jwks = (await getJson(issuer.jwksUrl)).body as unknown as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: issuer.issuer, algorithms });
}

describe('OIDC issuer', () => {
  let eks: OidcIssuer;
  beforeAll(async () => {
    eks = await startOidcIssuer({ path: '/id/ABC123' });
  });
  afterAll(async () => {
    await eks?.close();
  });

  it('serves discovery and JWKS under its issuer URL, and its tokens verify with them', async () => {
    expect(eks.issuer).toBe(`http://127.0.0.1:${eks.port}/id/ABC123`);
    const discovery = await getJson(`${eks.issuer}/.well-known/openid-configuration`);
    expect(discovery).toMatchObject({ status: 200, body: { issuer: eks.issuer, jwks_uri: `${eks.issuer}/.well-known/jwks` } });
    const token = await eks.sign({ sub: 'system:serviceaccount:etl:loader' }, { audience: 'snowflakecomputing.com' });
    const { payload, protectedHeader } = await verifyWith(eks, token);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'rs256-1' });
    expect(payload).toMatchObject({ iss: eks.issuer, sub: 'system:serviceaccount:etl:loader', aud: 'snowflakecomputing.com' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(eks.issuedTokens).toContain(token);
    expect((await getJson(`${eks.url}/nothing`)).status).toBe(404);
  });

  it('keeps a trailing slash in the issuer (AKS) and serves the documents without doubling it', async () => {
    const aks = await startOidcIssuer({ path: '/tenant-id/cluster-uuid/' });
    try {
      expect(aks.issuer).toBe(`http://127.0.0.1:${aks.port}/tenant-id/cluster-uuid/`);
      expect((await getJson(`${aks.url}/.well-known/openid-configuration`)).body).toMatchObject({ issuer: aks.issuer, jwks_uri: `${aks.url}/.well-known/jwks` });
    } finally {
      await aks.close();
    }
  });

  it('claims a public issuer name while serving on loopback; resolve maps only that name', async () => {
    const github = await startOidcIssuer({ publicIssuer: GITHUB_ACTIONS_ISSUER });
    try {
      expect(github.issuer).toBe(GITHUB_ACTIONS_ISSUER);
      expect(github.resolve(`${GITHUB_ACTIONS_ISSUER}/.well-known/openid-configuration`)).toBe(`http://127.0.0.1:${github.port}/.well-known/openid-configuration`);
      expect(github.resolve(`${GITHUB_ACTIONS_ISSUER}.evil.example/.well-known/jwks`)).toBeUndefined();
      expect(github.resolve('https://gitlab.com/.well-known/openid-configuration')).toBeUndefined();
      const discovery = await getJson(github.discoveryUrl);
      expect(discovery.body).toMatchObject({ issuer: GITHUB_ACTIONS_ISSUER, jwks_uri: `${GITHUB_ACTIONS_ISSUER}/.well-known/jwks` });
      expect(decodeJwt(await github.sign({ sub: 'x' }))).toMatchObject({ iss: GITHUB_ACTIONS_ISSUER });
    } finally {
      await github.close();
    }
  });

  it.each([...SNOWFLAKE_OIDC_ALGORITHMS, 'PS256' as const])('signs %s with a key its JWKS publishes', async (alg) => {
    const token = await eks.sign({ sub: 's' }, { alg });
    const { protectedHeader } = await verifyWith(eks, token);
    expect(protectedHeader).toMatchObject({ alg, kid: `${alg.toLowerCase()}-1` });
  });

  it('signs the refused algorithms too: HS256 with an unpublished secret, none unsecured', async () => {
    const hs = await eks.sign({ sub: 's' }, { alg: 'HS256' });
    expect(decodeProtectedHeader(hs)).toMatchObject({ alg: 'HS256', kid: 'hs256-1' });
    const none = await eks.sign({ sub: 's' }, { alg: 'none' });
    expect(decodeProtectedHeader(none)).toEqual({ alg: 'none' });
    expect(none.endsWith('.')).toBe(true);
    const jwks = await eks.jwks();
    expect(jwks.keys.every((key) => key.kty !== 'oct' && key.d === undefined)).toBe(true);
  });

  it('shapes claims as asked: no iat, no exp, audience lists, another iss, a foreign kid, an unpublished key, nbf', async () => {
    const at = Math.floor(Date.now() / 1000) - 1000;
    expect(decodeJwt(await eks.sign({ sub: 's' }, { omitIat: true }))).not.toHaveProperty('iat');
    expect(decodeJwt(await eks.sign({ sub: 's' }, { omitExp: true }))).not.toHaveProperty('exp');
    expect(decodeJwt(await eks.sign({ sub: 's' }, { issuedAt: at, expiresInSeconds: 60, notBefore: at }))).toMatchObject({ iat: at, exp: at + 60, nbf: at });
    expect(decodeJwt(await eks.sign({ sub: 's', aud: 'claims' }, { audience: ['a', 'b'] }))).toMatchObject({ aud: ['a', 'b'] });
    expect(decodeJwt(await eks.sign({ sub: 's', aud: 'claims' }))).toMatchObject({ aud: 'claims' });
    expect(decodeJwt(await eks.sign({ sub: 's' }, { issuer: 'https://other.example' }))).toMatchObject({ iss: 'https://other.example' });
    expect(decodeProtectedHeader(await eks.sign({ sub: 's' }, { kid: 'nope' }))).toMatchObject({ kid: 'nope' });
    expect(decodeProtectedHeader(await eks.sign({ sub: 's' }, { omitKid: true }))).not.toHaveProperty('kid');
    const unpublished = await eks.sign({ sub: 's' }, { unpublishedKey: true });
    const kid = decodeProtectedHeader(unpublished).kid ?? '';
    expect(kid).toMatch(/^unpublished-rs256-\d+$/);
    expect((await eks.jwks()).keys.map((key) => key.kid)).not.toContain(kid);
    await expect(verifyWith(eks, unpublished)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('rotates its keys: a new kid, the old one gone unless kept', async () => {
    const issuer = await startOidcIssuer();
    try {
      const before = await issuer.sign({ sub: 's' });
      await issuer.rotateKeys();
      expect((await issuer.jwks()).keys.map((key) => key.kid)).toEqual(['rs256-2']);
      await expect(verifyWith(issuer, before)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
      const second = await issuer.sign({ sub: 's' });
      await issuer.rotateKeys({ keepPrevious: true });
      expect((await issuer.jwks()).keys.map((key) => key.kid)).toEqual(['rs256-3', 'rs256-2']);
      await expect(verifyWith(issuer, second)).resolves.toBeTruthy();
    } finally {
      await issuer.close();
    }
  });

  it('plays an issuer that is down, and one whose discovery names another issuer', async () => {
    const issuer = await startOidcIssuer();
    try {
      issuer.setMode('down');
      expect((await getJson(issuer.discoveryUrl)).status).toBe(503);
      issuer.setMode('wrong-issuer');
      expect((await getJson(issuer.discoveryUrl)).body['issuer']).toBe(`${issuer.issuer}-other`);
      expect(issuer.requests.map((r) => r.status)).toEqual([503, 200]);
    } finally {
      await issuer.close();
    }
  });
});

describe('claim helpers', () => {
  const repo = { repository: 'octo-org/app', repositoryId: '857261893', repositoryOwnerId: '1342004' };
  it.each<[string, GithubJob, string]>([
    ['an environment job', { ...repo, environment: 'prod' }, 'repo:octo-org/app:environment:prod'],
    ['a branch', { ...repo }, 'repo:octo-org/app:ref:refs/heads/main'],
    ['a tag', { ...repo, ref: 'refs/tags/v1.2.0' }, 'repo:octo-org/app:ref:refs/tags/v1.2.0'],
    ['a pull request', { ...repo, eventName: 'pull_request', ref: 'refs/pull/7/merge' }, 'repo:octo-org/app:pull_request'],
    ['a pull request with an environment (the environment wins)', { ...repo, eventName: 'pull_request', environment: 'staging' }, 'repo:octo-org/app:environment:staging'],
    ['the immutable-ID form', { ...repo, environment: 'prod', subjectForm: 'immutable' }, 'repo:octo-org@1342004/app@857261893:environment:prod'],
    [
      'a custom template (repo, context, job_workflow_ref)',
      { ...repo, environment: 'prod', includeClaimKeys: ['repo', 'context', 'job_workflow_ref'], jobWorkflowRef: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' },
      'repo:octo-org/app:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
    ],
    ['a custom template naming repository_owner_id', { ...repo, includeClaimKeys: ['repository_owner_id', 'context'] }, 'repository_owner_id:1342004:ref:refs/heads/main'],
    ['a subject given outright', { ...repo, subject: 'repo:octocat-1342004/app-857261893:ref:refs/heads/main' }, 'repo:octocat-1342004/app-857261893:ref:refs/heads/main'],
  ])('GitHub subject of %s', (_name, job, subject) => {
    expect(githubSubject(job)).toBe(subject);
  });

  it('GitHub claims carry the documented fields, ids as strings', () => {
    const claims = githubActionsClaims({ repository: 'octo-org/app', environment: 'prod' });
    expect(claims).toMatchObject({
      environment: 'prod',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      repository: 'octo-org/app',
      repository_owner: 'octo-org',
      event_name: 'push',
      runner_environment: 'github-hosted',
      job_workflow_ref: 'octo-org/app/.github/workflows/deploy.yml@refs/heads/main',
    });
    expect(claims['repository_id']).toMatch(/^\d{9}$/);
    expect(claims['repository_owner_id']).toMatch(/^\d{8}$/);
    expect(githubActionsClaims({ repository: 'octo-org/app' })['repository_id']).toBe(claims['repository_id']);
    expect(() => githubActionsClaims({ repository: 'no-slash' })).toThrow(/OWNER\/REPO/);
  });

  it('GitLab and Kubernetes subjects', () => {
    expect(gitlabCiClaims({ projectPath: 'grp/sub/proj' })).toMatchObject({ sub: 'project_path:grp/sub/proj:ref_type:branch:ref:main', namespace_path: 'grp/sub', project_path: 'grp/sub/proj' });
    expect(gitlabCiClaims({ projectPath: 'grp/proj', ref: 'v1', refType: 'tag' })['sub']).toBe('project_path:grp/proj:ref_type:tag:ref:v1');
    expect(kubernetesClaims({ namespace: 'etl', serviceAccount: 'loader' })).toMatchObject({
      sub: 'system:serviceaccount:etl:loader',
      'kubernetes.io': { namespace: 'etl', serviceaccount: { name: 'loader' }, pod: { name: expect.stringMatching(/^loader-/) } },
    });
  });
});

describe('GitHub-like token service', () => {
  let issuer: OidcIssuer;
  let service: GithubTokenService;
  beforeAll(async () => {
    issuer = await startOidcIssuer({ publicIssuer: GITHUB_ACTIONS_ISSUER });
    service = await startGithubTokenService({ issuer });
  });
  afterAll(async () => {
    await Promise.all([service?.close(), issuer?.close()]);
  });

  /** As @actions/core getIDToken(audience) asks. */
  const ask = (audience?: string, bearer: string | null = service.requestToken, url = service.requestUrl) =>
    fetch(`${url}${audience ? `&audience=${encodeURIComponent(audience)}` : ''}`, {
      headers: { Accept: 'application/json', ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }) },
    });

  it("answers the runner's URL with the job's token for the audience asked", async () => {
    expect(service.requestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/63\/\/idtoken\/[0-9a-f-]{36}\/[0-9a-f-]{36}\?api-version=2\.0$/);
    const res = await ask('snowflakecomputing.com');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { count: number; value: string };
    expect(body.count).toBe(body.value.length);
    const { payload } = await verifyWith(issuer, body.value);
    expect(payload).toMatchObject({ iss: GITHUB_ACTIONS_ISSUER, aud: 'snowflakecomputing.com', sub: 'repo:octo-org/app:environment:prod', repository: 'octo-org/app' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(service.issuedTokens).toEqual([body.value]);
  });

  it("defaults the audience to the owner's URL, and honours an encoded one", async () => {
    const plain = (await (await ask()).json()) as { value: string };
    expect(decodeJwt(plain.value).aud).toBe('https://github.com/octo-org');
    const odd = (await (await ask('api://AzureADTokenExchange')).json()) as { value: string };
    expect(decodeJwt(odd.value).aud).toBe('api://AzureADTokenExchange');
    expect(service.requests.slice(-2).map((r) => r.audience)).toEqual([null, 'api://AzureADTokenExchange']);
  });

  it('refuses a missing or wrong bearer (401), a job without id-token: write (403), no api-version (400)', async () => {
    const missing = await ask('snowflakecomputing.com', null);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { message: string }).message).toMatch(/^Unauthorized/);
    expect((await ask('snowflakecomputing.com', 'not-the-job-token')).status).toBe(401);
    expect((await ask('x', service.requestToken, service.requestUrl.replace('?api-version=2.0', '?'))).status).toBe(400);
    service.setIdTokenPermission(false);
    try {
      expect(service.env()).not.toHaveProperty('ACTIONS_ID_TOKEN_REQUEST_URL');
      expect(service.env()).not.toHaveProperty('ACTIONS_ID_TOKEN_REQUEST_TOKEN');
      const forbidden = await ask('snowflakecomputing.com');
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as { message: string }).message).toMatch(/id-token: write/);
    } finally {
      service.setIdTokenPermission(true);
    }
    expect(service.requests.slice(-4).map((r) => [r.status, r.authorized])).toEqual([[401, false], [401, false], [400, true], [403, true]]);
    expect(JSON.stringify(service.requests)).not.toContain(service.requestToken);
  });

  it('issues the subject of the job it is set to, and exposes that job\'s variables', async () => {
    service.setJob({ repository: 'octo-org/app', eventName: 'pull_request', ref: 'refs/pull/7/merge' });
    try {
      const { value } = (await (await ask('snowflakecomputing.com')).json()) as { value: string };
      expect(decodeJwt(value).sub).toBe('repo:octo-org/app:pull_request');
      expect(service.env()).toMatchObject({
        ACTIONS_ID_TOKEN_REQUEST_URL: service.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: service.requestToken,
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'octo-org/app',
        GITHUB_REPOSITORY_OWNER: 'octo-org',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/7/merge',
        RUNNER_ENVIRONMENT: 'github-hosted',
      });
    } finally {
      service.setJob({ repository: 'octo-org/app', environment: 'prod' });
    }
  });
});

describe('projected Kubernetes token files', () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer({ publicIssuer: KUBERNETES_TEST_BED_ISSUER, jwksPath: '/keys' });
  });
  afterAll(async () => {
    await issuer?.close();
  });

  it("writes kubelet's layout (token → ..data/token → ..<timestamp>/token), 0600, audience snowflakecomputing.com", async () => {
    const projected = await writeProjectedToken({ issuer, namespace: 'etl', serviceAccount: 'loader' });
    try {
      const dir = join(projected.root, 'var/run/secrets/tokens');
      expect(projected.path).toBe(join(dir, 'snowflake-token'));
      expect(projected.env).toEqual({ SNOWFLAKE_TOKEN_FILE_PATH: projected.path });
      expect((await lstat(projected.path)).isSymbolicLink()).toBe(true);
      expect(await readlink(projected.path)).toBe('..data/snowflake-token');
      expect(await readlink(join(dir, '..data'))).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{9}$/);
      expect((await stat(projected.path)).mode & 0o777).toBe(0o600);
      expect(await readFile(projected.path, 'utf8')).toBe(projected.token);
      const { payload } = await verifyWith(issuer, projected.token);
      expect(payload).toMatchObject({ iss: KUBERNETES_TEST_BED_ISSUER, sub: 'system:serviceaccount:etl:loader', aud: ['snowflakecomputing.com'], 'kubernetes.io': { namespace: 'etl' } });
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);

      const first = await readlink(join(dir, '..data'));
      const next = await projected.refresh();
      expect(await readFile(projected.path, 'utf8')).toBe(next);
      expect(await readlink(join(dir, '..data'))).not.toBe(first);
      expect((await readdir(dir)).filter((name) => name.startsWith('..') && name !== '..data')).toHaveLength(1);
    } finally {
      await projected.remove();
    }
  });

  it.each([
    ['eks-irsa', 'var/run/secrets/eks.amazonaws.com/serviceaccount/token', 'sts.amazonaws.com', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
    ['aks', 'var/run/secrets/azure/tokens/azure-identity-token', 'api://AzureADTokenExchange', 'AZURE_FEDERATED_TOKEN_FILE'],
  ] as const)('preset %s: path, audience and variable', async (preset, path, audience, variable) => {
    expect(PROJECTED_TOKEN_PRESETS[preset]).toMatchObject({ audience, envName: variable });
    const projected = await writeProjectedToken({ issuer, namespace: 'etl', serviceAccount: 'loader', preset, layout: 'plain', mode: 0o644 });
    try {
      expect(projected.path).toBe(join(projected.root, path));
      expect(projected.env).toEqual({ [variable]: projected.path });
      expect((await lstat(projected.path)).isFile()).toBe(true);
      expect((await stat(projected.path)).mode & 0o777).toBe(0o644);
      expect(decodeJwt(await readFile(projected.path, 'utf8')).aud).toEqual([audience]);
    } finally {
      await projected.remove();
    }
  });
});

describe('test bed with oidc', () => {
  it('keeps the default bed as it was, and adds the OIDC side and users only when asked', async () => {
    const plain = await startTestBed();
    try {
      expect(plain.oidc).toBeUndefined();
      expect(plain.snowflake.listUsers().map((user) => user.name)).toEqual(DEFAULT_TEST_BED_USERS.map((user) => user.name));
    } finally {
      await plain.close();
    }
    const bed = await startTestBed({ oidc: true });
    let root = '';
    try {
      expect(bed.snowflake.listUsers().map((user) => user.name)).toEqual(['LAMBDA_LOADER', 'GHA_DEPLOY', 'K8S_LOADER']);
      expect(bed.snowflake.listUsers().slice(1)).toEqual(DEFAULT_OIDC_TEST_BED_USERS);
      expect(bed.oidc.resolveIssuerUrl(`${KUBERNETES_TEST_BED_ISSUER}/keys`)).toBe(`${bed.oidc.kubernetes.url}/keys`);
      expect(bed.oidc.githubEnv({ repository: 'octo-org/app', ref: 'refs/tags/v1' })).toMatchObject({ GITHUB_REF: 'refs/tags/v1', GITHUB_REF_TYPE: 'tag' });
      expect(decodeJwt(await bed.oidc.githubToken()).sub).toBe('repo:octo-org/app:ref:refs/tags/v1');
      root = (await bed.oidc.kubernetesToken()).root;
      await expect(stat(root)).resolves.toBeTruthy();
    } finally {
      await bed.close();
    }
    await expect(stat(root)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
