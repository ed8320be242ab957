/**
 * OIDC token and registration rules, one line per case: decoded tokens as GitHub Actions, GitLab and
 * Kubernetes (EKS, AKS, GKE) issue them, registrations as people (or attackers) write them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeOidcToken,
  oidcPlatform,
  registrationMismatch,
  registrationTraps,
  type RegisteredOidc,
} from '../../src/providers/oidc/rules.js';
import type { OidcPlatform, OidcTokenFacts } from '../../src/providers/types.js';
import { splitStatements, describeStatement } from '../helpers/sql-tokenizer.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');
const T = NOW / 1000;
const GH = 'https://token.actions.githubusercontent.com';
const EKS = 'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const AKS = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b/';
const GKE = 'https://container.googleapis.com/v1/projects/my-project/locations/europe-west1/clusters/prod';

/** A GitHub Actions token as the token service mints it for Snowflake (job in environment prod). */
const github = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: GH,
  sub: 'repo:octo/app:environment:prod',
  aud: 'snowflakecomputing.com',
  iat: T - 10,
  nbf: T - 15,
  exp: T + 290,
  repository: 'octo/app',
  repository_id: '456',
  repository_owner: 'octo',
  repository_owner_id: '123',
  environment: 'prod',
  ...over,
});
const pod = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: EKS,
  sub: 'system:serviceaccount:data:loader',
  aud: ['snowflakecomputing.com'],
  iat: T - 60,
  exp: T + 3540,
  'kubernetes.io': { namespace: 'data', serviceaccount: { name: 'loader' } },
  ...over,
});
const RS256 = { alg: 'RS256', kid: 'k1', typ: 'JWT' };

const codes = (traps: Array<{ code: string }>) => traps.map((t) => t.code);

describe('oidcPlatform', () => {
  it.each<[string, Record<string, unknown>, OidcPlatform | null]>([
    [GH, {}, 'github-actions'],
    [`${GH}/octo-enterprise`, {}, 'github-actions'],
    ['https://ghe.example.com/_services/token', {}, 'github-actions'],
    [`${GH}/`, {}, null],
    ['http://token.actions.githubusercontent.com', {}, null],
    ['https://token.actions.githubusercontent.com.evil.example', {}, null],
    ['https://gitlab.com', {}, 'gitlab'],
    ['https://gitlab.example.com', { namespace_path: 'grp', project_path: 'grp/app', pipeline_source: 'push' }, 'gitlab'],
    ['https://gitlab.example.com', { namespace_path: 'grp', project_path: 'grp/app' }, null],
    [EKS, {}, 'eks'],
    ['https://oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123', {}, 'eks'],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/', {}, null],
    [AKS, {}, 'aks'],
    [AKS.slice(0, -1), {}, null],
    [GKE, {}, 'gke'],
    ['https://container.googleapis.com/v1/projects/p/zones/z/clusters/c', {}, null],
    ['https://kubernetes.default.svc.cluster.local', { sub: 'system:serviceaccount:ns:sa' }, 'kubernetes'],
    ['https://kubernetes.default.svc.cluster.local', { sub: 'system:serviceaccount:ns' }, null],
    ['https://accounts.google.com', { sub: '1234567890' }, null],
    ['', {}, null],
  ])('%s %j → %s', (issuer, claims, platform) => {
    expect(oidcPlatform(issuer, claims)).toBe(platform);
  });
});

describe('describeOidcToken', () => {
  it('shows what the token says and exactly what to register', () => {
    const { facts, registration, traps } = describeOidcToken(RS256, github(), NOW);
    expect(facts).toEqual({
      issuer: GH,
      subject: 'repo:octo/app:environment:prod',
      audience: ['snowflakecomputing.com'],
      expiresAt: '2026-09-01T12:04:50.000Z',
      issuedAt: '2026-09-01T11:59:50.000Z',
      algorithm: 'RS256',
      claims: github(),
      platform: 'github-actions',
    });
    expect(registration).toEqual({ type: 'OIDC', issuer: GH, subject: 'repo:octo/app:environment:prod', audienceList: ['snowflakecomputing.com'] });
    expect(codes(traps)).toEqual(['GITHUB_SUBJECT_MUTABLE']);
    expect(traps[0]?.message).toBe('if this repository opts in to immutable subjects its subject becomes repo:octo@123/app@456:environment:prod; a rename or transfer also switches it to that form, with the new names');
  });

  // [what is different about the token, header, payload, codes]
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['a Kubernetes token as Snowflake wants it', RS256, pod(), []],
    ['ES384', { alg: 'ES384' }, pod(), []],
    ['ES512', { alg: 'ES512' }, pod(), []],
    ['RS512', { alg: 'RS512' }, pod(), []],
    ['HS256', { alg: 'HS256' }, pod(), ['ALGORITHM_REFUSED']],
    ['PS256', { alg: 'PS256' }, pod(), ['ALGORITHM_REFUSED']],
    ['EdDSA', { alg: 'EdDSA' }, pod(), ['ALGORITHM_REFUSED']],
    ['alg none', { alg: 'none' }, pod(), ['ALGORITHM_REFUSED']],
    ['lower-case rs256', { alg: 'rs256' }, pod(), ['ALGORITHM_REFUSED']],
    ['no alg', {}, pod(), ['ALGORITHM_REFUSED']],
    ['a numeric alg', { alg: 256 }, pod(), ['ALGORITHM_REFUSED']],
    ['no iat', RS256, pod({ iat: undefined }), ['NO_IAT']],
    ['a string iat', RS256, pod({ iat: String(T) }), ['NO_IAT']],
    ['no exp', RS256, pod({ exp: undefined }), ['NO_EXP']],
    ['expired', RS256, pod({ exp: T - 1 }), ['TOKEN_EXPIRED']],
    ['expiring now', RS256, pod({ exp: T }), ['TOKEN_EXPIRED']],
    ['no iss', RS256, pod({ iss: undefined }), ['NO_ISSUER']],
    ['no sub', RS256, pod({ sub: undefined }), ['NO_SUBJECT']],
    ['a numeric sub', RS256, pod({ sub: 42 }), ['NO_SUBJECT']],
    ['no aud', RS256, pod({ aud: undefined }), ['NO_AUDIENCE']],
    ['an empty aud list', RS256, pod({ aud: [] }), ['NO_AUDIENCE']],
    ['a 256-character subject', RS256, pod({ sub: `system:serviceaccount:ns:${'a'.repeat(231)}` }), ['SUBJECT_TOO_LONG']],
    ['a 255-character subject', RS256, pod({ sub: `system:serviceaccount:ns:${'a'.repeat(230)}` }), []],
    ['a 2,049-character issuer', RS256, pod({ iss: `https://issuer.example/${'a'.repeat(2049 - 23)}` }), ['ISSUER_TOO_LONG']],
    ['a 2,048-character issuer', RS256, pod({ iss: `https://issuer.example/${'a'.repeat(2048 - 23)}` }), []],
    ["EKS's IRSA token", RS256, pod({ aud: ['sts.amazonaws.com'] }), ['EKS_IRSA_TOKEN']],
    ['an IRSA audience on AKS', RS256, pod({ iss: AKS, aud: 'sts.amazonaws.com' }), ['EKS_IRSA_TOKEN']],
    ['a projected token for another audience', RS256, pod({ aud: ['vault'] }), ['AUDIENCE_NEEDS_LIST']],
    ['an account-specific audience', RS256, pod({ iss: GKE, aud: ['snowflake-myorg-myaccount'] }), ['AUDIENCE_NEEDS_LIST']],
    ['two audiences, one Snowflake', RS256, pod({ aud: ['vault', 'snowflakecomputing.com'] }), []],
    ["GitHub's default audience", RS256, github({ aud: 'https://github.com/octo' }), ['AUDIENCE_NEEDS_LIST', 'GITHUB_SUBJECT_MUTABLE']],
    ['a GitHub token minted for AWS', RS256, github({ aud: 'sts.amazonaws.com' }), ['AUDIENCE_NEEDS_LIST', 'GITHUB_SUBJECT_MUTABLE']],
    ['the immutable form', RS256, github({ sub: 'repo:octo@123/app@456:environment:prod' }), ['GITHUB_SUBJECT_IMMUTABLE']],
    ['the announced hyphen form', RS256, github({ sub: 'repo:octo-123/app-456:environment:prod' }), ['GITHUB_SUBJECT_HYPHEN']],
    ['a custom template', RS256, github({ sub: 'repo:octo/app:environment:prod:job_workflow_ref:octo/wf/.github/workflows/d.yml@refs/heads/main' }), ['GITHUB_SUBJECT_CUSTOM', 'GITHUB_SUBJECT_MUTABLE']],
    ['a template without repo', RS256, github({ sub: 'repository_owner:octo:repository_visibility:private' }), ['GITHUB_SUBJECT_CUSTOM']],
    ['no repository IDs', RS256, github({ repository_id: undefined }), []],
    ['GitHub Enterprise Server (no immutable form there)', RS256, github({ iss: 'https://ghe.example.com/_services/token' }), []],
    ['an enterprise issuer', RS256, github({ iss: `${GH}/octo-enterprise` }), ['GITHUB_SUBJECT_MUTABLE']],
    ['everything wrong at once', { alg: 'HS256' }, { sub: '' }, ['NO_ISSUER', 'NO_SUBJECT', 'ALGORITHM_REFUSED', 'NO_IAT', 'NO_EXP', 'NO_AUDIENCE']],
  ])('%s', (_what, header, payload, expected) => {
    const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
    const { traps } = describeOidcToken(header, clean, NOW);
    expect(codes(traps)).toEqual(expected);
    for (const trap of traps) expect(trap.message).not.toContain('\n');
  });

  it.each<[string, Record<string, unknown>, number | undefined, string[]]>([
    ['5 minutes left, none needed', github(), undefined, ['GITHUB_SUBJECT_MUTABLE']],
    ['290 s left, 10 minutes needed', github(), 600_000, ['TOKEN_EXPIRES_SOON', 'GITHUB_SUBJECT_MUTABLE']],
    ['290 s left, 290 s needed', github(), 290_000, ['GITHUB_SUBJECT_MUTABLE']],
    ['290 s left, 290.001 s needed', github(), 290_001, ['TOKEN_EXPIRES_SOON', 'GITHUB_SUBJECT_MUTABLE']],
    ['expired, 10 minutes needed', github({ exp: T - 5 }), 600_000, ['TOKEN_EXPIRED', 'GITHUB_SUBJECT_MUTABLE']],
    ['an hour left on a pod token, 10 minutes needed', pod(), 600_000, []],
  ])('expiry: %s', (_what, payload, expiresWithinMs, expected) => {
    expect(codes(describeOidcToken(RS256, payload, NOW, { expiresWithinMs }).traps)).toEqual(expected);
  });

  it("says GitHub's token lives ~5 minutes, and takes `now` as a Date too", () => {
    const [soon] = describeOidcToken(RS256, github(), new Date(NOW), { expiresWithinMs: 600_000 }).traps;
    expect(soon).toEqual({
      code: 'TOKEN_EXPIRES_SOON',
      severity: 'warn',
      message: 'the token expires at 2026-09-01T12:04:50.000Z, in 290 s: before the 600 s still needed',
      fix: "GitHub's tokens live about 5 minutes: mint the token right before each login, not once per job.",
    });
    expect(describeOidcToken(RS256, pod({ exp: T - 1 }), NOW).traps[0]?.fix).toBe('Get a fresh token right before each login (read the token file again).');
  });

  it('keeps absurd times out of the facts without throwing', () => {
    const { facts } = describeOidcToken(RS256, pod({ iat: 1e300, exp: Number.NaN }), NOW);
    expect([facts.issuedAt, facts.expiresAt]).toEqual([null, null]);
  });

  it('names the IRSA token with the projected-token fix', () => {
    const [irsa] = describeOidcToken(RS256, pod({ aud: 'sts.amazonaws.com' }), NOW).traps;
    expect(irsa?.fix).toContain('serviceAccountToken: { audience: snowflakecomputing.com');
    expect(irsa?.fix).toContain('SNOWFLAKE_TOKEN_FILE_PATH');
  });
});

describe('registrationTraps', () => {
  const reg = (over: Partial<RegisteredOidc> = {}): RegisteredOidc => ({ issuer: EKS, subject: 'system:serviceaccount:data:loader', audienceList: ['snowflakecomputing.com'], ...over });

  it.each<[string, RegisteredOidc, string[]]>([
    ['a sound Kubernetes registration', reg(), []],
    ['a sound GitHub registration', reg({ issuer: GH, subject: 'repo:octo/app:environment:prod' }), []],
    ['an AKS issuer with its trailing slash', reg({ issuer: AKS }), []],
    ['no audience list', reg({ audienceList: null }), ['NO_AUDIENCE_LIST']],
    ['an empty audience list', reg({ audienceList: [] }), ['NO_AUDIENCE_LIST']],
    ['an empty issuer', reg({ issuer: '' }), ['NO_ISSUER']],
    ['an empty subject', reg({ subject: '' }), ['NO_SUBJECT']],
    ['an http issuer', reg({ issuer: 'http://issuer.example' }), ['ISSUER_NOT_HTTPS']],
    ['an issuer without scheme', reg({ issuer: 'token.actions.githubusercontent.com' }), ['ISSUER_NOT_HTTPS']],
    ['an issuer with a trailing space', reg({ issuer: `${EKS} ` }), ['ISSUER_NOT_HTTPS']],
    ['an issuer with a space inside', reg({ issuer: 'https://issuer.example/a b' }), ['ISSUER_NOT_HTTPS']],
    ["GitHub's issuer with a trailing slash", reg({ issuer: `${GH}/`, subject: 'repo:octo/app:pull_request' }), ['ISSUER_TRAILING_SLASH']],
    ["EKS's issuer with a trailing slash", reg({ issuer: `${EKS}/` }), ['ISSUER_TRAILING_SLASH']],
    ["AKS's issuer without its trailing slash", reg({ issuer: AKS.slice(0, -1) }), ['ISSUER_TRAILING_SLASH']],
    ["GKE's issuer with two trailing slashes", reg({ issuer: `${GKE}//` }), ['ISSUER_TRAILING_SLASH']],
    ['another issuer with a trailing slash', reg({ issuer: 'https://issuer.example/' }), []],
    ['a 256-character subject', reg({ subject: 'x'.repeat(256) }), ['SUBJECT_TOO_LONG']],
    ['a 255-emoji subject', reg({ subject: '😀'.repeat(255) }), []],
    ['a 2,049-character issuer', reg({ issuer: `https://i.example/${'a'.repeat(2049 - 18)}` }), ['ISSUER_TOO_LONG']],
    ['a trailing * (Kubernetes namespace)', reg({ subject: 'system:serviceaccount:data:*' }), ['SUBJECT_TRAILING_WILDCARD']],
    ['a trailing * (GitHub branches)', reg({ issuer: GH, subject: 'repo:octo/app:ref:refs/heads/*' }), ['SUBJECT_TRAILING_WILDCARD']],
    ['a * inside the subject', reg({ subject: 'system:serviceaccount:*:loader' }), []],
    ['a service account without name', reg({ subject: 'system:serviceaccount:data' }), ['KUBERNETES_SUBJECT_MALFORMED']],
    ['an empty namespace', reg({ subject: 'system:serviceaccount::loader' }), ['KUBERNETES_SUBJECT_MALFORMED']],
    ['an extra part', reg({ subject: 'system:serviceaccount:data:loader:x' }), ['KUBERNETES_SUBJECT_MALFORMED']],
    ['a GitHub pull-request typo', reg({ issuer: GH, subject: 'repo:octo/app:pull-request' }), ['GITHUB_SUBJECT_PULL_REQUEST_TYPO']],
    ['a GitHub short ref', reg({ issuer: GH, subject: 'repo:octo/app:ref:main' }), ['GITHUB_SUBJECT_SHORT_REF']],
    ['a GitHub short ref under a wildcard', reg({ issuer: GH, subject: 'repo:octo/app:ref:main*' }), ['SUBJECT_TRAILING_WILDCARD', 'GITHUB_SUBJECT_SHORT_REF']],
    ['a GitHub Enterprise Server subject', reg({ issuer: 'https://ghe.example.com/_services/token', subject: 'repo:octo/app:ref:refs/head/main' }), ['GITHUB_SUBJECT_REF_TYPO']],
    ['a GitHub-looking subject for another issuer', reg({ issuer: 'https://gitlab.com', subject: 'repo:octo/app:pull-request' }), []],
    ['everything wrong', { issuer: 'http://x', subject: 'repo:o/r:pull-request*', audienceList: null }, ['ISSUER_NOT_HTTPS', 'NO_AUDIENCE_LIST', 'SUBJECT_TRAILING_WILDCARD']],
  ])('%s', (_what, registration, expected) => {
    expect(codes(registrationTraps(registration))).toEqual(expected);
  });

  it('says what a registration without an audience list lets in', () => {
    expect(registrationTraps(reg({ audienceList: null }))[0]).toMatchObject({
      severity: 'warn',
      message: 'no OIDC_AUDIENCE_LIST: Snowflake then wants the audience snowflakecomputing.com, which every Snowflake account shares, so a token minted for another account (same issuer and subject) logs in here too',
    });
  });

  it('names the issuer a platform puts in its tokens', () => {
    expect(registrationTraps(reg({ issuer: `${GH}/`, subject: 'repo:octo/app:pull_request' }))[0]).toEqual({
      code: 'ISSUER_TRAILING_SLASH',
      severity: 'error',
      message: "the issuer https://token.actions.githubusercontent.com/ differs from github-actions's issuer by a trailing '/': its tokens carry https://token.actions.githubusercontent.com, and OIDC issuers compare exactly",
      fix: "Register ISSUER = 'https://token.actions.githubusercontent.com'.",
    });
  });

  it('says both meanings of a trailing *', () => {
    expect(registrationTraps(reg({ subject: 'system:serviceaccount:data:*' }))[0]?.message).toBe(
      "the SUBJECT ends in '*': a literal character until behaviour change 2026_08 is enabled, then a prefix wildcard matching every subject that starts with system:serviceaccount:data:",
    );
  });
});

describe('registrationMismatch', () => {
  const facts = (payload: Record<string, unknown> = github()): OidcTokenFacts => describeOidcToken(RS256, payload, NOW).facts;
  const registered = (over: Partial<RegisteredOidc> = {}): RegisteredOidc => ({ issuer: GH, subject: 'repo:octo/app:environment:prod', audienceList: ['snowflakecomputing.com'], ...over });
  const FIX = "ALTER USER SVC_LOADER SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:octo/app:environment:prod' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));";

  it.each<[string, OidcTokenFacts, RegisteredOidc, string[]]>([
    ['a match', facts(), registered(), []],
    ['a match with two listed audiences', facts(), registered({ audienceList: ['other', 'snowflakecomputing.com'] }), []],
    ['a registered trailing slash', facts(), registered({ issuer: `${GH}/` }), ['ISSUER_TRAILING_SLASH']],
    ['a token trailing slash', facts(github({ iss: AKS })), registered({ issuer: AKS.slice(0, -1) }), ['ISSUER_TRAILING_SLASH']],
    ['another issuer', facts(), registered({ issuer: 'https://gitlab.com' }), ['ISSUER_DIFFERS']],
    ['the enterprise issuer', facts(github({ iss: `${GH}/octo-enterprise` })), registered(), ['ISSUER_DIFFERS']],
    ['environment vs ref', facts(), registered({ subject: 'repo:octo/app:ref:refs/heads/main' }), ['GITHUB_SUBJECT_ENVIRONMENT']],
    ['the mutable form registered', facts(github({ sub: 'repo:octo@123/app@456:environment:prod' })), registered(), ['GITHUB_SUBJECT_NEEDS_IMMUTABLE']],
    ['pull-request registered', facts(github({ sub: 'repo:octo/app:pull_request' })), registered({ subject: 'repo:octo/app:pull-request' }), ['GITHUB_SUBJECT_PULL_REQUEST_TYPO']],
    ['a wildcard before 2026_08', facts(), registered({ subject: 'repo:octo/app:*' }), ['SUBJECT_WILDCARD_PENDING']],
    ['a wildcard that cannot match', facts(), registered({ subject: 'repo:other/app:*' }), ['GITHUB_SUBJECT_REPO_DIFFERS']],
    ['a Kubernetes subject', facts(pod()), registered({ issuer: EKS, subject: 'system:serviceaccount:default:loader' }), ['SUBJECT_DIFFERS']],
    ['a Kubernetes subject in upper case', facts(pod()), registered({ issuer: EKS, subject: 'system:serviceaccount:DATA:loader' }), ['SUBJECT_CASE_DIFFERS']],
    ['an audience not listed', facts(), registered({ audienceList: ['other'] }), ['AUDIENCE_NOT_LISTED']],
    ['no list, Snowflake audience', facts(), registered({ audienceList: null }), ['NO_AUDIENCE_LIST']],
    ['no list, other audience', facts(github({ aud: 'https://github.com/octo' })), registered({ audienceList: null }), ['AUDIENCE_NOT_SNOWFLAKE']],
    ['no list, no audience', facts(github({ aud: undefined })), registered({ audienceList: null }), ['AUDIENCE_NOT_SNOWFLAKE']],
    ['issuer and subject', facts(pod()), registered(), ['ISSUER_DIFFERS', 'SUBJECT_DIFFERS']],
  ])('%s', (_what, token, registration, expected) => {
    expect(codes(registrationMismatch(token, registration, { user: 'svc_loader' }))).toEqual(expected);
  });

  it('fixes every mismatch with the ALTER USER that registers what the token carries', () => {
    const traps = registrationMismatch(facts(), registered({ issuer: `${GH}/`, subject: 'repo:octo/app:ref:refs/heads/main', audienceList: ['x'] }), { user: 'svc_loader' });
    expect(traps.map((t) => t.fix)).toEqual([FIX, `Register the subject this workflow presents: repo:octo/app:environment:prod\n${FIX}`, FIX]);
    expect(traps[1]?.subject).toBe('repo:octo/app:environment:prod');
  });

  it.each<[string | undefined, string]>([
    [undefined, '<user>'],
    ['svc_loader', 'SVC_LOADER'],
    ['"svc-loader"', '"svc-loader"'],
    ['svc-loader', '"svc-loader"'],
    ['x"; DROP USER admin; --', '"x""; DROP USER admin; --"'],
    ['a\nb', '<user>'],
  ])('writes the user %j as %s', (user, sql) => {
    const [trap] = registrationMismatch(facts(), registered({ audienceList: ['x'] }), { user });
    expect(trap?.fix).toBe(FIX.replace('SVC_LOADER', sql));
  });

  it.each([
    ["a quote in the subject", { sub: "repo:o/r:environment:x'); DROP USER admin; --" }],
    ['a backslash in the audience', { aud: "a\\'b" }],
    ['an issuer with a quote', { iss: "https://evil.example/'" }],
  ])('quotes hostile token values (%s) so the fix is one statement', (_what, over) => {
    const [trap] = registrationMismatch(facts(github(over)), registered({ issuer: 'https://other.example' }), { user: 'svc' });
    const sql = (trap?.fix ?? '').split('\n').at(-1) ?? '';
    const { statements, terminated } = splitStatements(sql);
    expect(terminated).toBe(true);
    expect(statements).toHaveLength(1);
    const strings = statements[0]?.filter((t) => t.type === 'string').map((t) => t.value);
    const token = facts(github(over));
    expect(strings).toEqual([token.issuer, token.subject, ...token.audience]);
    expect(describeStatement(statements[0] ?? []).slice(0, 6)).toEqual(['ALTER', 'USER', 'SVC', 'SET', 'WORKLOAD_IDENTITY', 'punctuation:=']);
  });

  it.each([
    ['a newline in the subject', { sub: 'repo:o/r:environment:x\nDROP USER admin;' }, 'OIDC subject contains a control character (U+000A) at character 23'],
    ['a bidi override in the issuer', { iss: 'https://evil.example/\u202e' }, 'OIDC issuer contains an invisible formatting character (U+202E) at character 22'],
    ['a 256-character subject', { sub: `repo:o/r:environment:${'e'.repeat(235)}` }, 'OIDC subject is 256 characters long; at most 255 are allowed'],
  ])('writes no SQL for a token value it cannot quote safely (%s)', (_what, over, error) => {
    const [trap] = registrationMismatch(facts(github(over)), registered({ issuer: 'https://other.example' }), { user: 'svc' });
    expect(trap?.fix).toBe(`wif-check writes no SQL for this token: ${error}`);
  });
});

describe('properties', () => {
  const claim = fc.oneof(fc.string({ maxLength: 30 }), fc.double(), fc.integer(), fc.constant(null), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
  const payload = fc.record({ iss: claim, sub: claim, aud: claim, iat: claim, exp: claim, repository_id: claim, repository_owner_id: claim }, { requiredKeys: [] });

  it('any decoded token is described without throwing, each trap in one line, and registrationMismatch agrees with itself', () => {
    fc.assert(
      fc.property(fc.record({ alg: claim }, { requiredKeys: [] }), payload, (header, body) => {
        const { facts, registration, traps } = describeOidcToken(header, body, NOW, { expiresWithinMs: 60_000 });
        for (const trap of traps) expect(trap.message).not.toMatch(/[\n\r]/);
        expect(registration.audienceList).toEqual(facts.audience);
        // A token matches its own registration; without an audience there is no list to write.
        const mismatch = registrationMismatch(facts, registration).map((t) => t.code);
        expect(mismatch).toEqual(facts.audience.length === 0 ? ['AUDIENCE_NOT_SNOWFLAKE'] : []);
      }),
      { numRuns: 3000 },
    );
  });

  it('any registration is checked without throwing, each trap in one line', () => {
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(GH, EKS, 'repo:o/r:pull-request', 'system:serviceaccount:a'));
    fc.assert(
      fc.property(text, text, fc.option(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })), (issuer, subject, audienceList) => {
        for (const trap of registrationTraps({ issuer, subject, audienceList })) expect(trap.message).not.toMatch(/[\n\r]/);
      }),
      { numRuns: 3000 },
    );
  });
});
