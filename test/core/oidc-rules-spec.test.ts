/**
 * Specification of OIDC's pure rules (src/providers/oidc/rules.ts), one line per real input: which
 * issuers name a platform (and which only look like one), what a token's traps say word for word,
 * what a registration's traps say, and how a token is told apart from what is registered. Sources:
 * ../shared/FACTS.md ("Every provider", "GitHub Actions and other OIDC issuers") and
 * docs/how-it-works.md. GitHub's subject forms themselves are specified in oidc-github.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { describeOidcToken, oidcPlatform, registrationMismatch, registrationTraps, type RegisteredOidc } from '../../src/providers/oidc/rules.js';
import type { OidcPlatform, OidcTokenFacts, Trap } from '../../src/providers/types.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');
const T = NOW / 1000;
const GH = 'https://token.actions.githubusercontent.com';
const GHES = 'https://ghe.example.com/_services/token';
const EKS = 'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const AKS = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b/';
const GKE = 'https://container.googleapis.com/v1/projects/my-project/locations/europe-west1/clusters/prod';
const RS256 = { alg: 'RS256', kid: 'k1', typ: 'JWT' };
const ALGORITHMS = 'RS256, RS384, RS512, ES256, ES384, ES512';

/** A GitHub Actions token minted for Snowflake (job in environment prod). */
const github = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: GH,
  sub: 'repo:octo/app:environment:prod',
  aud: 'snowflakecomputing.com',
  iat: T - 10,
  exp: T + 290,
  repository_id: '456',
  repository_owner_id: '123',
  ...over,
});
/** A projected service-account token of an EKS pod, minted for Snowflake. */
const pod = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: EKS,
  sub: 'system:serviceaccount:data:loader',
  aud: ['snowflakecomputing.com'],
  iat: T - 60,
  exp: T + 3540,
  ...over,
});
/** A GitLab CI token on gitlab.com, with GitLab's own claims. */
const gitlab = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: 'https://gitlab.com',
  sub: 'project_path:grp/app:ref_type:branch:ref:main',
  aud: 'snowflakecomputing.com',
  iat: T - 10,
  exp: T + 3590,
  namespace_path: 'grp',
  project_path: 'grp/app',
  pipeline_source: 'push',
  ...over,
});
const clean = (payload: Record<string, unknown>) => Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
const traps = (payload: Record<string, unknown>, header: Record<string, unknown> = RS256) => describeOidcToken(header, clean(payload), NOW).traps;
const only = (code: string, severity: Trap['severity'], message: string, fix?: string): Trap => ({ code, severity, message, ...(fix === undefined ? {} : { fix }) });

const MUTABLE = (immutable: string) =>
  only('GITHUB_SUBJECT_MUTABLE', 'info', `if this repository opts in to immutable subjects its subject becomes ${immutable}; a rename or transfer also switches it to that form, with the new names`, 'Register the new subject when that happens (wif-check whoami --provider oidc shows it).');
const MUTABLE_CUSTOM = (immutable: string) =>
  only(
    'GITHUB_SUBJECT_MUTABLE',
    'info',
    `GitHub documents immutable subjects for its default template only: if this repository opts in, or is renamed or transferred, and the template's repo claim takes that form too, its subject becomes ${immutable}`,
    'Register the new subject when that happens (wif-check whoami --provider oidc shows it).',
  );
const CUSTOM = only('GITHUB_SUBJECT_CUSTOM', 'info', 'the subject follows a custom template (repository or organisation OIDC settings): register it exactly as the token says');
const NEEDS_LIST_FIX_OTHER = 'Register the audience the token carries in OIDC_AUDIENCE_LIST (wif-check gen-sql does).';
const NEEDS_LIST_FIX_GITHUB = "GitHub's default audience is the repository owner's URL: ask the token service for &audience=snowflakecomputing.com, or register the audience the token carries.";
const POD_TOKEN_FIX =
  'Mount a projected service-account token for Snowflake in the pod and point SNOWFLAKE_TOKEN_FILE_PATH at it:\n' +
  '  volumes: [{ name: snowflake-token, projected: { sources: [{ serviceAccountToken: { audience: snowflakecomputing.com, expirationSeconds: 3600, path: token } }] } }]\n' +
  'Or log in with --provider aws: IRSA gives the pod AWS credentials, which the AWS method uses.';

describe('oidcPlatform: an issuer names a platform only when it is the whole issuer', () => {
  // Documented shapes, and the same shapes with something before or after them (a look-alike an attacker can host).
  it.each<[string, Record<string, unknown>, OidcPlatform | null]>([
    [GH, {}, 'github-actions'],
    [`https://evil.example/${GH}`, {}, null],
    [GHES, {}, 'github-actions'],
    [`https://evil.example/?${GHES}`, {}, null],
    [`${GHES}/.well-known/openid-configuration`, {}, null],
    [`${GHES}s`, {}, null],
    ['https://gitlab.com', {}, 'gitlab'],
    ['https://evil.example/https://gitlab.com', {}, null],
    ['https://gitlab.com.evil.example', {}, null],
    ['https://gitlab.com/', {}, null],
    [EKS, {}, 'eks'],
    [`https://evil.example/${EKS}`, {}, null],
    [AKS, {}, 'aks'],
    [`https://evil.example/${AKS}`, {}, null],
    [`${AKS}.well-known/openid-configuration`, {}, null],
    [GKE, {}, 'gke'],
    [`https://evil.example/${GKE}`, {}, null],
    // A cluster's own issuer is known by its subject, which must be the whole subject.
    ['https://kubernetes.default.svc.cluster.local', { sub: 'system:serviceaccount:ns:sa' }, 'kubernetes'],
    ['https://issuer.example', { sub: 'user:system:serviceaccount:ns:sa' }, null],
    ['https://issuer.example', { sub: 'xsystem:serviceaccount:ns:sa' }, null],
  ])('%s %j → %s', (issuer, claims, platform) => {
    expect(oidcPlatform(issuer, claims)).toBe(platform);
  });
});

describe('describeOidcToken: the token', () => {
  // Every algorithm Snowflake accepts passes; any other is named with the list.
  it.each(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'])('%s is accepted', (alg) => {
    expect(traps(pod(), { alg })).toStrictEqual([]);
  });
  it.each<[string, Record<string, unknown>, string]>([
    ['HS256', { alg: 'HS256' }, 'HS256'],
    ['no alg', {}, 'no alg'],
    ['a numeric alg', { alg: 256 }, 'no alg'],
    ['an alg with a newline', { alg: 'RS256\nx' }, 'RS256\\u000ax'],
  ])('refuses %s', (_what, header, named) => {
    expect(traps(pod(), header)).toStrictEqual([
      only('ALGORITHM_REFUSED', 'error', `the token is signed with ${named}: Snowflake accepts only ${ALGORITHMS}`, 'Have the issuer sign with RS256/384/512 or ES256/384/512.'),
    ]);
  });

  // Claims Snowflake matches on, missing.
  it.each<[string, Record<string, unknown>, Trap]>([
    ['no iss', pod({ iss: undefined }), only('NO_ISSUER', 'error', 'the token has no iss claim: Snowflake matches a token by its issuer')],
    ['no sub', pod({ sub: undefined }), only('NO_SUBJECT', 'error', 'the token has no sub claim: Snowflake matches a token by its subject')],
    ['no iat', pod({ iat: undefined }), only('NO_IAT', 'error', 'the token has no iat claim: Snowflake refuses a token without it', 'Have the issuer set iat (issued-at).')],
    ['no exp', pod({ exp: undefined }), only('NO_EXP', 'info', 'the token has no exp claim: whether Snowflake accepts a token without one is not documented')],
    ['no aud', pod({ aud: undefined }), only('NO_AUDIENCE', 'error', 'the token has no aud claim: Snowflake matches a token by its audience', 'Mint the token for the audience snowflakecomputing.com (GitHub: &audience=snowflakecomputing.com on ACTIONS_ID_TOKEN_REQUEST_URL).')],
    ['expired', pod({ exp: T - 1 }), only('TOKEN_EXPIRED', 'error', 'the token expired at 2026-09-01T11:59:59.000Z', 'Get a fresh token right before each login (read the token file again).')],
  ])('%s', (_what, payload, trap) => {
    expect(traps(payload)).toStrictEqual([trap]);
  });

  // Times: within ±8.64e12 s (JavaScript's Date range) shown as ISO 8601, beyond it null.
  it.each<[number, string | null]>([
    [T - 10, '2026-09-01T11:59:50.000Z'],
    [8.64e12, '+275760-09-13T00:00:00.000Z'],
    [-8.64e12, '-271821-04-20T00:00:00.000Z'],
    [8.64e12 + 1, null],
  ])('iat %d → issuedAt %s', (iat, issuedAt) => {
    expect(describeOidcToken(RS256, pod({ iat }), NOW).facts.issuedAt).toBe(issuedAt);
  });

  // Only string audiences count.
  it.each<[unknown, string[]]>([
    ['snowflakecomputing.com', ['snowflakecomputing.com']],
    [['snowflakecomputing.com', 42, null, { a: 1 }], ['snowflakecomputing.com']],
    [[7], []],
    [42, []],
  ])('aud %j → audience %j', (aud, audience) => {
    expect(describeOidcToken(RS256, pod({ aud }), NOW).facts.audience).toStrictEqual(audience);
  });

  // Limits: the message says the length and the limit.
  it.each<[string, Record<string, unknown>, Trap]>([
    [
      'a 256-character subject',
      pod({ sub: `system:serviceaccount:ns:${'a'.repeat(231)}` }),
      only('SUBJECT_TOO_LONG', 'error', "the subject is 256 characters long; Snowflake's SUBJECT holds at most 255", 'Use a shorter subject: on GitHub, a custom subject template with fewer claims.'),
    ],
    ['a 2,049-character issuer', pod({ iss: `https://issuer.example/${'a'.repeat(2049 - 23)}` }), only('ISSUER_TOO_LONG', 'error', "the issuer is 2049 characters long; Snowflake's ISSUER holds at most 2048")],
  ])('%s', (_what, payload, trap) => {
    expect(traps(payload)).toStrictEqual([trap]);
  });

  // Audiences: IRSA's token on a Kubernetes platform; any other audience needs the list, with a fix for GitHub and one for the rest.
  it.each<[string, Record<string, unknown>, Trap[]]>([
    ["EKS's IRSA token", pod({ aud: 'sts.amazonaws.com' }), [only('EKS_IRSA_TOKEN', 'error', "this is EKS's IRSA token (audience sts.amazonaws.com), minted for AWS STS, not a service-account token for Snowflake", POD_TOKEN_FIX)]],
    [
      'a pod token for Vault and an account audience',
      pod({ aud: ['vault', 'snowflake-myorg-myaccount'] }),
      [only('AUDIENCE_NEEDS_LIST', 'info', "the token's audience (vault, snowflake-myorg-myaccount) is not snowflakecomputing.com: the registration must list it in OIDC_AUDIENCE_LIST", NEEDS_LIST_FIX_OTHER)],
    ],
    ['a GitLab token for its default audience', gitlab({ aud: 'https://gitlab.com' }), [only('AUDIENCE_NEEDS_LIST', 'info', "the token's audience (https://gitlab.com) is not snowflakecomputing.com: the registration must list it in OIDC_AUDIENCE_LIST", NEEDS_LIST_FIX_OTHER)]],
    [
      "GitHub's default audience",
      github({ aud: 'https://github.com/octo' }),
      [
        only('AUDIENCE_NEEDS_LIST', 'info', "the token's audience (https://github.com/octo) is not snowflakecomputing.com: the registration must list it in OIDC_AUDIENCE_LIST", NEEDS_LIST_FIX_GITHUB),
        MUTABLE('repo:octo@123/app@456:environment:prod'),
      ],
    ],
  ])('%s', (_what, payload, expected) => {
    expect(traps(payload)).toStrictEqual(expected);
  });

  // GitHub's subject forms are read only on GitHub's tokens; GitLab's subject is not GitHub's custom template.
  it.each<[string, Record<string, unknown>, Trap[]]>([
    ['a GitLab token', gitlab(), []],
    ['a token of another issuer with a GitHub-shaped subject', pod({ iss: 'https://issuer.example', sub: 'repo:octo@123/app@456:environment:prod' }), []],
    [
      'the immutable form',
      github({ sub: 'repo:octo@123/app@456:environment:prod' }),
      [only('GITHUB_SUBJECT_IMMUTABLE', 'info', 'GitHub issued the immutable subject form (repo:octo@123/app@456): register it as it is; a repository that takes this name later has other IDs and cannot present it')],
    ],
    [
      'the announced hyphen form',
      github({ sub: 'repo:octo-123/app-456:environment:prod' }),
      [only('GITHUB_SUBJECT_HYPHEN', 'info', 'the subject has the OWNER-ID/REPO-ID shape GitHub announced on 2026-04-23 (later reverted), or the owner and repository names end in -<digits>: register it exactly as the token says')],
    ],
    // GitHub's default template: repo, then environment, ref or pull_request.
    ['the default template for pull requests', github({ sub: 'repo:octo/app:pull_request' }), [MUTABLE('repo:octo@123/app@456:pull_request')]],
    // Any other shape is a custom template (include_claim_keys); the immutable form is documented for the default only.
    ['a custom template', github({ sub: 'repo:octo/app:context:prod' }), [CUSTOM, MUTABLE_CUSTOM('repo:octo@123/app@456:context:prod')]],
    ['a custom template with repo after the context', github({ sub: 'environment:prod:repo:octo/app' }), [CUSTOM, MUTABLE_CUSTOM('environment:prod:repo:octo@123/app@456')]],
    ['repo between other claims', github({ sub: 'repository_owner:octo:repo:octo/app:pull_request' }), [CUSTOM, MUTABLE_CUSTOM('repository_owner:octo:repo:octo@123/app@456:pull_request')]],
    ['the context alone, no repo', github({ sub: 'environment:prod' }), [CUSTOM]],
    ['a reusable workflow template', github({ sub: 'repo:octo/app:environment:prod:job_workflow_ref:octo/wf/.github/workflows/d.yml@refs/heads/main' }), [CUSTOM, MUTABLE_CUSTOM('repo:octo@123/app@456:environment:prod:job_workflow_ref:octo/wf/.github/workflows/d.yml@refs/heads/main')]],
  ])('%s', (_what, payload, expected) => {
    expect(traps(payload)).toStrictEqual(expected);
  });

  // The immutable subject is predicted only from two all-digit IDs, as a string (GitHub's claims) or a number.
  it.each<[string, unknown, unknown, Trap[]]>([
    ['string IDs', '123', '456', [MUTABLE('repo:octo@123/app@456:environment:prod')]],
    ['numeric IDs', 123, 456, [MUTABLE('repo:octo@123/app@456:environment:prod')]],
    ['IDs in a list', [123], [456], []],
    ['GraphQL node IDs', 'MDQ6VXNlcjEyMw', 'R_kgDOH0456', []],
    ['a node ID ending in digits', 'U_kgDO123', '456', []],
    ['an ID with a suffix', '123', '456abc', []],
    ['an ID with a decimal point', '123.0', '456', []],
    ['no IDs', undefined, undefined, []],
  ])('%s', (_what, repository_owner_id, repository_id, expected) => {
    expect(traps(github({ repository_owner_id, repository_id }))).toStrictEqual(expected);
  });
});

describe('registrationTraps: what is registered', () => {
  const reg = (over: Partial<RegisteredOidc> = {}): RegisteredOidc => ({ issuer: EKS, subject: 'system:serviceaccount:data:loader', audienceList: ['snowflakecomputing.com'], ...over });
  const NOT_HTTPS = (shownIssuer: string) =>
    only(
      'ISSUER_NOT_HTTPS',
      'warn',
      `the issuer ${shownIssuer} is not an https URL: OIDC issuers are (OpenID Connect Discovery), and Snowflake will not match a token whose iss differs`,
      'Register the iss claim exactly as a token carries it (wif-check whoami --provider oidc shows it).',
    );
  const MALFORMED = (subject: string) =>
    only(
      'KUBERNETES_SUBJECT_MALFORMED',
      'error',
      `${subject} is not system:serviceaccount:<namespace>:<service account>, the only shape Kubernetes gives a service account's subject`,
      'Register system:serviceaccount:<namespace>:<service account> (both parts non-empty, no further ":").',
    );

  it.each<[string, RegisteredOidc, Trap[]]>([
    ['an empty issuer', reg({ issuer: '' }), [only('NO_ISSUER', 'error', 'the ISSUER is empty')]],
    ['an empty subject', reg({ subject: '' }), [only('NO_SUBJECT', 'error', 'the SUBJECT is empty')]],
    // An empty subject under GitHub's issuer is only empty (not also an impossible GitHub subject).
    ['an empty subject for GitHub', reg({ issuer: GH, subject: '' }), [only('NO_SUBJECT', 'error', 'the SUBJECT is empty')]],
    [
      'no audience list',
      reg({ audienceList: null }),
      [
        only(
          'NO_AUDIENCE_LIST',
          'warn',
          'no OIDC_AUDIENCE_LIST: Snowflake then wants the audience snowflakecomputing.com, which every Snowflake account shares, so a token minted for another account (same issuer and subject) logs in here too',
          "Add OIDC_AUDIENCE_LIST = ('<audience>') with the audience your tokens carry (wif-check gen-sql always writes one).",
        ),
      ],
    ],
    ['an http issuer', reg({ issuer: 'http://issuer.example' }), [NOT_HTTPS('"http://issuer.example"')]],
    ['an issuer with a tab', reg({ issuer: 'https://issuer.example/\tx' }), [NOT_HTTPS('"https://issuer.example/\\\\u0009x"')]],
    ['a 256-character subject', reg({ subject: 'x'.repeat(256) }), [only('SUBJECT_TOO_LONG', 'error', "the subject is 256 characters long; Snowflake's SUBJECT holds at most 255", 'Use a shorter subject: on GitHub, a custom subject template with fewer claims.')]],
    [
      'a trailing *',
      reg({ subject: 'system:serviceaccount:data:*' }),
      [
        only(
          'SUBJECT_TRAILING_WILDCARD',
          'warn',
          "the SUBJECT ends in '*': a literal character until behaviour change 2026_08 is enabled, then a prefix wildcard matching every subject that starts with system:serviceaccount:data:",
          'Register the exact subject unless you mean the wildcard and the 2026_08 bundle is enabled.',
        ),
      ],
    ],
    ['a service account without name', reg({ subject: 'system:serviceaccount:data' }), [MALFORMED('system:serviceaccount:data')]],
    ['an empty service account', reg({ subject: 'system:serviceaccount:data:' }), [MALFORMED('system:serviceaccount:data:')]],
  ])('%s', (_what, registration, expected) => {
    expect(registrationTraps(registration)).toStrictEqual(expected);
  });

  // One '/' away from a platform's issuer; an issuer that has a platform's shape already is left alone.
  it.each<[string, string, Trap[]]>([
    [
      "EKS's issuer with a trailing slash",
      `${EKS}/`,
      [only('ISSUER_TRAILING_SLASH', 'error', `the issuer ${EKS}/ differs from eks's issuer by a trailing '/': its tokens carry ${EKS}, and OIDC issuers compare exactly`, `Register ISSUER = '${EKS}'.`)],
    ],
    ['an AKS issuer whose cluster part reads _services/token', 'https://westeurope.oic.prod-aks.azure.com/_services/token/', []],
    ['another issuer with a trailing slash', 'https://issuer.example/', []],
  ])('%s', (_what, issuer, expected) => {
    expect(registrationTraps(reg({ issuer }))).toStrictEqual(expected);
  });
});

describe('registrationMismatch: a token against what is registered', () => {
  const facts = (payload: Record<string, unknown>): OidcTokenFacts => describeOidcToken(RS256, clean(payload), NOW).facts;
  const registered = (over: Partial<RegisteredOidc> = {}): RegisteredOidc => ({ issuer: EKS, subject: 'system:serviceaccount:data:loader', audienceList: ['snowflakecomputing.com'], ...over });
  const mismatch = (payload: Record<string, unknown>, over: Partial<RegisteredOidc>) => registrationMismatch(facts(payload), registered(over), { user: 'svc' }).map(({ fix: _fix, ...t }) => t);
  const bare = (code: string, severity: Trap['severity'], message: string) => ({ code, severity, message });
  const long = (n: number) => `https://issuer.example/${'a'.repeat(n - 23)}`;

  it.each<[string, Record<string, unknown>, Partial<RegisteredOidc>, Array<Omit<Trap, 'fix'>>]>([
    // A match has no traps (and so no SQL).
    ['a match', pod(), {}, []],
    ['two audiences, the second listed', pod({ aud: ['vault', 'snowflake-acct'] }), { audienceList: ['snowflake-acct'] }, []],
    // Issuers compare exactly; trailing slashes (any number) are named as such.
    ['another issuer', pod({ iss: GKE }), {}, [bare('ISSUER_DIFFERS', 'error', `the token's issuer ${GKE} is not the registered ${EKS}`)]],
    ['two slashes registered', pod({ iss: GKE }), { issuer: `${GKE}//` }, [bare('ISSUER_TRAILING_SLASH', 'error', `the token's issuer ${GKE} and the registered ${GKE}// differ by a trailing '/': OIDC issuers compare exactly`)]],
    ['two slashes in the token', pod({ iss: `${GKE}//` }), { issuer: GKE }, [bare('ISSUER_TRAILING_SLASH', 'error', `the token's issuer ${GKE}// and the registered ${GKE} differ by a trailing '/': OIDC issuers compare exactly`)]],
    // A value of 200 characters is shown whole, a longer one cut at 200 with '…'.
    ['a 200-character issuer', pod({ iss: long(200) }), {}, [bare('ISSUER_DIFFERS', 'error', `the token's issuer ${long(200)} is not the registered ${EKS}`)]],
    ['a 201-character issuer', pod({ iss: long(201) }), {}, [bare('ISSUER_DIFFERS', 'error', `the token's issuer ${long(200)}… is not the registered ${EKS}`)]],
    // Subjects: a pending wildcard, letter case, another service account, another subject.
    [
      'a wildcard before 2026_08',
      pod(),
      { subject: 'system:serviceaccount:data:*' },
      [bare('SUBJECT_WILDCARD_PENDING', 'warn', "the registered SUBJECT system:serviceaccount:data:* matches system:serviceaccount:data:loader only as a prefix wildcard, which behaviour change 2026_08 enables (before it, '*' is a literal)")],
    ],
    [
      'a registered subject one character longer',
      pod(),
      { subject: 'system:serviceaccount:data:loaders' },
      [bare('SUBJECT_DIFFERS', 'error', "the token's subject system:serviceaccount:data:loader is not the registered system:serviceaccount:data:loaders (Kubernetes: system:serviceaccount:<namespace>:<service account> of the pod)")],
    ],
    [
      'letter case',
      pod(),
      { subject: 'system:serviceaccount:Data:loader' },
      [bare('SUBJECT_CASE_DIFFERS', 'warn', 'the subjects differ only in letter case: whether Snowflake compares SUBJECT case-sensitively is not documented: register exactly what the token carries')],
    ],
    ['a GitLab subject', gitlab(), { issuer: 'https://gitlab.com', subject: 'project_path:grp/app:ref_type:branch:ref:prod' }, [bare('SUBJECT_DIFFERS', 'error', "the token's subject project_path:grp/app:ref_type:branch:ref:main is not the registered project_path:grp/app:ref_type:branch:ref:prod")]],
    // Audiences without a list must be snowflakecomputing.com; with a list, one of the token's must be in it.
    ['no list, two other audiences', pod({ aud: ['vault', 'https://kubernetes.default.svc'] }), { audienceList: null }, [bare('AUDIENCE_NOT_SNOWFLAKE', 'error', 'no OIDC_AUDIENCE_LIST, so Snowflake wants the audience snowflakecomputing.com; the token carries vault, https://kubernetes.default.svc')]],
    ['no list, no audience', pod({ aud: undefined }), { audienceList: null }, [bare('AUDIENCE_NOT_SNOWFLAKE', 'error', 'no OIDC_AUDIENCE_LIST, so Snowflake wants the audience snowflakecomputing.com; the token carries none')]],
    ['an empty list, one other audience', pod({ aud: 'vault' }), { audienceList: [] }, [bare('AUDIENCE_NOT_SNOWFLAKE', 'error', 'no OIDC_AUDIENCE_LIST, so Snowflake wants the audience snowflakecomputing.com; the token carries vault')]],
    [
      'two audiences, neither of two listed',
      pod({ aud: ['vault', 'https://kubernetes.default.svc'] }),
      { audienceList: ['snowflake-a', 'snowflake-b'] },
      [bare('AUDIENCE_NOT_LISTED', 'error', "the token's audience (vault, https://kubernetes.default.svc) is not in OIDC_AUDIENCE_LIST (snowflake-a, snowflake-b)")],
    ],
    ['no audience, a list', pod({ aud: undefined }), { audienceList: ['snowflakecomputing.com'] }, [bare('AUDIENCE_NOT_LISTED', 'error', "the token's audience (none) is not in OIDC_AUDIENCE_LIST (snowflakecomputing.com)")]],
  ])('%s', (_what, payload, over, expected) => {
    expect(mismatch(payload, over)).toStrictEqual(expected);
  });

  // Each trap's fix ends in the ALTER USER that registers what the token carries; a pending wildcard says its own fix first.
  it('fixes a pending wildcard with the exact subject, then the SQL', () => {
    const [pending] = registrationMismatch(facts(pod()), registered({ subject: 'system:serviceaccount:data:*' }), { user: 'svc' });
    expect(pending?.fix).toBe(
      'Register the exact subject, or enable the 2026_08 bundle if you mean the wildcard.\n' +
        `ALTER USER SVC SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${EKS}' SUBJECT = 'system:serviceaccount:data:loader' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));`,
    );
  });
});
