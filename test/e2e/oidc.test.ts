/**
 * Issue 18 ("wif-check v3, part 2"), end to end: `--provider oidc` with the BUILT CLI and the real
 * snowflake-sdk against the simulators on 127.0.0.1 — GitHub's token service, two OIDC issuers
 * (GitHub Actions' and an EKS cluster's, with discovery and JWKS), projected Kubernetes token files,
 * and Snowflake verifying each token as Snowflake documents it. Every trap of the issue has a case
 * here; no token is ever printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import {
  DEFAULT_GITHUB_JOB,
  DEFAULT_OIDC_TEST_BED_USERS,
  DEFAULT_TEST_BED_USERS,
  GITHUB_ACTIONS_ISSUER,
  KUBERNETES_TEST_BED_ISSUER,
  TEST_IDENTITIES,
  credentialsEnv,
  startTestBed,
  type GithubJob,
  type SimUser,
  type TestBedWithOidc,
} from '../../src/simulators/index.js';
import { startHttpServer } from '../../src/simulators/http-util.js';
import { allOutput, cleanEnv, describeRun, runCli, tempDir, type CliResult } from './run-cli.js';

const PAT = 'pat_EXAMPLEb2lkYy1hZG1pbi10b2tlbi1uZXZlci1wcmludGVk';
/** A workflow of octo-org/api that deploys through the `prod` environment. */
const API_JOB: GithubJob = { repository: 'octo-org/api', environment: 'prod' };
/** Registered with the branch: an environment job never presents it (the commonest GitHub trap). */
const API_REF_SUBJECT = 'repo:octo-org/api:ref:refs/heads/main';
const API_ENV_SUBJECT = 'repo:octo-org/api:environment:prod';

let bed: TestBedWithOidc;
const issued: string[] = [];

const OIDC_USERS: SimUser[] = [
  { name: 'GHA_API', workloadIdentity: { type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: API_REF_SUBJECT, audienceList: ['snowflakecomputing.com'] }, defaultRole: 'DEPLOYER', type: 'SERVICE' },
  { name: 'GHA_TYPO', workloadIdentity: { type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: 'repo:octo-org/web:pull-request' }, type: 'SERVICE' },
];

beforeAll(async () => {
  const seed = seededAuditAccount({ pats: [PAT] });
  bed = await startTestBed({ oidc: true, users: [...DEFAULT_TEST_BED_USERS, ...DEFAULT_OIDC_TEST_BED_USERS, ...seed.users.filter((user) => user.name !== 'LAMBDA_LOADER'), ...OIDC_USERS], admin: seed.admin });
});

afterAll(async () => {
  await bed?.close();
});

/** A GitHub Actions job's environment (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN and GITHUB_*), pointed at the test bed. */
function jobEnv(job?: GithubJob, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: _p, ...snowflake } = bed.env;
  // githubEnv(job) also makes the service issue that job's tokens from now on: always name one.
  return cleanEnv({ ...snowflake, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', ...bed.oidc.githubEnv(job ?? DEFAULT_GITHUB_JOB), ...extra });
}

/** Runs the CLI, and checks that no token the simulators issued (nor the service's bearer) was printed. */
async function run(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  const result = await runCli(args, { env, ...(stdin === undefined ? {} : { stdin }) });
  const output = allOutput(result);
  for (const token of [...bed.oidc.githubTokens.issuedTokens, ...issued]) expect(output.includes(token), `a token was printed by ${args.join(' ')}`).toBe(false);
  expect(output).not.toContain(bed.oidc.githubTokens.requestToken);
  return result;
}

/** A SNOWFLAKE_HOME whose [admin] connection logs in to the test bed with the seeded PAT. */
function adminHome(): string {
  const token = privateFile('pat.token', PAT);
  const home = tempDir('snowflake-home-');
  writeFileSync(
    join(home, 'connections.toml'),
    `[admin]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${bed.snowflake.host}"\nport = ${bed.snowflake.port}\nprotocol = "http"\nuser = "AUDITOR"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${token}"\n`,
    { mode: 0o600 },
  );
  return home;
}

const json = (result: CliResult) => JSON.parse(result.stdout) as Record<string, any>;

function privateFile(name: string, text: string): string {
  const path = join(tempDir('oidc-'), name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe('whoami --provider oidc: what the token says and exactly what to register', () => {
  it("GitHub Actions: the job's token from the token service; --json carries provider, issuer, subject, audience, expiresAt, claims, platform, registration", async () => {
    const result = await run(['whoami', '--provider', 'oidc', '--json'], jobEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({
      ok: true,
      provider: 'oidc',
      issuer: GITHUB_ACTIONS_ISSUER,
      subject: 'repo:octo-org/app:environment:prod',
      audience: ['snowflakecomputing.com'],
      platform: 'github-actions',
      registration: { type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: 'repo:octo-org/app:environment:prod', audienceList: ['snowflakecomputing.com'] },
      tokenSource: 'github-actions',
    });
    expect(json(result).expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(json(result).claims).toMatchObject({ repository: 'octo-org/app', environment: 'prod' });
    // The service was asked for Snowflake's audience.
    expect(bed.oidc.githubTokens.requests.at(-1)).toMatchObject({ audience: 'snowflakecomputing.com' });
  });

  it('SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER=oidc and --audience (asked of the token service)', async () => {
    const result = await run(['whoami', '--audience', 'snowflake-prod-account', '--json'], jobEnv(undefined, { SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'OIDC' }));
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ provider: 'oidc', audience: ['snowflake-prod-account'] });
    expect(bed.oidc.githubTokens.requests.at(-1)).toMatchObject({ audience: 'snowflake-prod-account' });
  });

  it('Kubernetes (EKS): a projected token at SNOWFLAKE_TOKEN_FILE_PATH; and the same token from standard input', async () => {
    const projected = await bed.oidc.kubernetesToken();
    issued.push(projected.token);
    const fromFile = await run(['whoami', '--provider', 'oidc', '--json'], cleanEnv({ ...projected.env }));
    expect(fromFile.code, describeRun(fromFile)).toBe(0);
    expect(json(fromFile)).toMatchObject({ issuer: KUBERNETES_TEST_BED_ISSUER, subject: 'system:serviceaccount:etl:loader', platform: 'eks', tokenSource: 'token-file-env' });
    const fromStdin = await run(['whoami', '--provider', 'oidc', '--token-file', '-', '--json'], cleanEnv(), projected.token);
    expect(json(fromStdin)).toMatchObject({ subject: 'system:serviceaccount:etl:loader', tokenSource: 'stdin' });
  });

  it('no token anywhere: exit 3 NO_OIDC_TOKEN; in a GitHub job without id-token: write, the hint says so', async () => {
    const none = await run(['whoami', '--provider', 'oidc', '--json'], cleanEnv());
    expect(none.code, describeRun(none)).toBe(3);
    expect(json(none)).toMatchObject({ ok: false, provider: 'oidc', error: { code: 'NO_OIDC_TOKEN' } });
    const { ACTIONS_ID_TOKEN_REQUEST_URL: _url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: _token, ...withoutPermission } = jobEnv();
    const job = await run(['whoami', '--provider', 'oidc'], withoutPermission);
    expect(job.code).toBe(3);
    expect(job.stderr).toContain('permissions: id-token: write');
  });

  it("the token service's bearer goes only to its own URL: never in cleartext to another host, never through a redirect", async () => {
    const thief: string[] = [];
    const catcher = await startHttpServer(async (req, res) => {
      thief.push(String(req.headers.authorization ?? ''));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"value":"x"}');
    });
    const redirector = await startHttpServer(async (_req, res) => {
      res.writeHead(307, { Location: `http://${catcher.host}:${catcher.port}/steal` });
      res.end();
    });
    try {
      const cleartext = await run(['whoami', '--provider', 'oidc', '--json'], jobEnv(undefined, { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://token-service.example/x?api-version=2.0' }));
      expect(cleartext.code, describeRun(cleartext)).toBe(2);
      expect(json(cleartext)).toMatchObject({ error: { code: 'BAD_TOKEN_SERVICE_URL' } });
      const redirected = await run(['whoami', '--provider', 'oidc', '--json'], jobEnv(undefined, { ACTIONS_ID_TOKEN_REQUEST_URL: `http://${redirector.host}:${redirector.port}/x?api-version=2.0` }));
      expect(redirected.code, describeRun(redirected)).toBe(3);
      expect(json(redirected)).toMatchObject({ error: { code: 'UNEXPECTED_REDIRECT' } });
      expect(thief).toEqual([]);
    } finally {
      await Promise.all([catcher.close(), redirector.close()]);
    }
  });

  it('an EKS IRSA token (audience sts.amazonaws.com) where a Snowflake-audience token belongs is named', async () => {
    const irsa = await bed.oidc.kubernetesToken({ preset: 'eks-irsa' });
    issued.push(irsa.token);
    const result = await run(['whoami', '--provider', 'oidc', '--token-file', irsa.path, '--json'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result).traps.map((trap: { code: string }) => trap.code)).toContain('EKS_IRSA_TOKEN');
  });

  it.each([
    ['whoami', '--expect-account', '123456789012'],
    ['connect', '--outbound-token'],
    ['doctor', '--region', 'eu-west-1'],
  ])("%s %s with --provider oidc: exit 2 CONFLICTING_OPTIONS (an AWS option would be ignored)", async (command, ...flag) => {
    const result = await run([command, '--provider', 'oidc', ...flag, '--json'], jobEnv());
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stdout).toContain('CONFLICTING_OPTIONS');
  });

  it('a bad --provider is exit 2 BAD_PROVIDER', async () => {
    const result = await run(['whoami', '--provider', 'okta', '--json'], cleanEnv());
    expect(result.code).toBe(2);
    expect(json(result)).toMatchObject({ error: { code: 'BAD_PROVIDER' } });
  });
});

describe('gen-sql --provider oidc', () => {
  it('from the live token: TYPE = OIDC with ISSUER, SUBJECT and an explicit OIDC_AUDIENCE_LIST', async () => {
    const result = await run(['gen-sql', '--provider', 'oidc', '--user', 'GHA_DEPLOY', '--alter', '--json'], jobEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result).sql).toContain(
      "ALTER USER GHA_DEPLOY SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:octo-org/app:environment:prod' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));",
    );
    expect(json(result)).toMatchObject({ provider: 'oidc', subject: 'repo:octo-org/app:environment:prod' });
  });

  it('offline, for a workflow that does not run yet: both subject forms when the IDs are given', async () => {
    const result = await run(['gen-sql', '--provider', 'oidc', '--github-repo', 'octo-org/api', '--environment', 'prod', '--owner-id', '7', '--repo-id', '42', '--user', 'GHA_API'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain("SUBJECT = 'repo:octo-org/api:environment:prod'");
    expect(result.stdout).toContain("-- ALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:octo-org@7/api@42:environment:prod'");
  });

  it.each([
    ['pull-request (a hyphen)', 'repo:octo-org/app:pull-request', 'repo:octo-org/app:pull_request'],
    ['a branch without refs/heads/', 'repo:octo-org/app:ref:main', 'repo:octo-org/app:ref:refs/heads/main'],
  ])('a subject no workflow presents (%s) is refused with the one that would match', async (_name, subject, meant) => {
    const result = await run(['gen-sql', '--provider', 'oidc', '--issuer', GITHUB_ACTIONS_ISSUER, '--subject', subject, '--user', 'X', '--json'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toContain(meant);
  });

  it('hostile values are quoted, never break the SQL', async () => {
    const result = await run(['gen-sql', '--provider', 'oidc', '--issuer', "https://idp.example/o'x\\", '--subject', "a'); DROP USER admin; --", '--audience', "aud'1", '--user', 'U'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain("ISSUER = 'https://idp.example/o''x\\\\' SUBJECT = 'a''); DROP USER admin; --' OIDC_AUDIENCE_LIST = ('aud''1')");
  });

  it('AWS-only flags with oidc (and OIDC-only flags with aws) are exit 2 CONFLICTING_OPTIONS', async () => {
    const [aws, oidc] = await Promise.all([
      run(['gen-sql', '--subject', 'x', '--user', 'U', '--json'], cleanEnv()),
      run(['gen-sql', '--provider', 'oidc', '--arn', 'arn:aws:iam::123456789012:role/r', '--user', 'U', '--json'], cleanEnv()),
    ]);
    for (const result of [aws, oidc]) {
      expect(result.code, describeRun(result)).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'CONFLICTING_OPTIONS' } });
    }
  });
});

describe('connect --provider oidc: the real driver logs in with the token', () => {
  it('maps to the registered user (--json: provider, user, issuer, subject)', async () => {
    const result = await run(['connect', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--json'], jobEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ ok: true, provider: 'oidc', user: 'GHA_DEPLOY', role: 'DEPLOYER', subject: 'repo:octo-org/app:environment:prod' });
  });

  it('Kubernetes: a projected token maps to its service-account user', async () => {
    const projected = await bed.oidc.kubernetesToken();
    issued.push(projected.token);
    const result = await run(['connect', '--provider', 'oidc', '--json'], jobEnv(undefined, { ...projected.env, ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }));
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ user: 'K8S_LOADER', platform: 'eks' });
  });

  it('a subject registered for the branch while the job uses an environment: exit 1 USER_NOT_MAPPED, the fix registers what the token says', async () => {
    const result = await run(['connect', '--provider', 'oidc', '--expect-user', 'GHA_API', '--json'], jobEnv(API_JOB));
    expect(result.code, describeRun(result)).toBe(1);
    const document = json(result);
    expect(document).toMatchObject({ ok: false, provider: 'oidc', error: { code: 'USER_NOT_MAPPED' } });
    expect(document.error.message).toContain(`subject ${API_ENV_SUBJECT}`);
    expect(document.hint).toContain(`ALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB_ACTIONS_ISSUER}' SUBJECT = '${API_ENV_SUBJECT}' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));`);
  });

  it('an audience the registration does not list is refused by Snowflake and named', async () => {
    const result = await run(['connect', '--provider', 'oidc', '--audience', 'another-account', '--json'], jobEnv());
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result).error.message).toContain('audience another-account');
  });
});

describe('doctor --provider oidc: the checklist, each trap, and the registration', () => {
  it('a working job: token, claims, login, user', async () => {
    const result = await run(['doctor', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--json'], jobEnv());
    expect(result.code, describeRun(result)).toBe(0);
    const report = json(result);
    expect(report).toMatchObject({ ok: true, provider: 'oidc', user: 'GHA_DEPLOY', subject: 'repo:octo-org/app:environment:prod' });
    expect(report.checks.map((check: { id: string }) => check.id)).toEqual(['oidc-token', 'oidc-claims', 'login', 'user']);
  });

  it('the wrongly registered subject, with --admin-connection: the subject GitHub presented, why it does not match, and the SQL that fixes it', async () => {
    const home = adminHome();
    const result = await run(['doctor', '--provider', 'oidc', '--expect-user', 'GHA_API', '--admin-connection', 'admin', '--json'], jobEnv(API_JOB, { SNOWFLAKE_HOME: home }));
    expect(result.code, describeRun(result)).toBe(1);
    const checks = json(result).checks as Array<{ id: string; status: string; code: string; detail: string; fix?: string }>;
    expect(checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'USER_NOT_MAPPED' });
    const registration = checks.find((check) => check.id === 'snowflake-registration');
    expect(registration, JSON.stringify(checks)).toMatchObject({ status: 'warn', code: 'NO_MATCH' });
    expect(registration?.detail).toContain(`subject ${API_ENV_SUBJECT}`);
    expect(registration?.detail).toContain(`GHA_API has SUBJECT ${API_REF_SUBJECT}`);
    expect(registration?.detail).toMatch(/environment/);
    expect(registration?.fix).toBe(`ALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB_ACTIONS_ISSUER}' SUBJECT = '${API_ENV_SUBJECT}' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));`);
  });

  it.each([
    ['an algorithm Snowflake refuses (HS256)', { alg: 'HS256' as const }, 'ALGORITHM_REFUSED'],
    ['a token without iat', { omitIat: true }, 'NO_IAT'],
  ])('%s: a failed check with its code, before any login', async (_name, sign, code) => {
    const projected = await bed.oidc.kubernetesToken({ sign });
    issued.push(projected.token);
    const logins = bed.snowflake.requests.length;
    const result = await run(['doctor', '--provider', 'oidc', '--token-file', projected.path, '--json'], jobEnv(undefined, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result).checks).toContainEqual(expect.objectContaining({ id: 'oidc-trap', status: 'fail', code }));
    expect(json(result).checks).toContainEqual(expect.objectContaining({ id: 'login', status: 'skip' }));
    expect(bed.snowflake.requests.length).toBe(logins);
  });

  it('the immutable subject form: the job presents repo:OWNER@ID/REPO@ID, the user holds the mutable one — the registration check says so and registers the immutable form', async () => {
    const result = await run(['doctor', '--provider', 'oidc', '--expect-user', 'GHA_DEPLOY', '--admin-connection', 'admin', '--json'], jobEnv({ ...DEFAULT_GITHUB_JOB, subjectForm: 'immutable' }, { SNOWFLAKE_HOME: adminHome() }));
    expect(result.code, describeRun(result)).toBe(1);
    const checks = json(result).checks as Array<{ id: string; status: string; code: string; detail: string; fix?: string }>;
    const presented = json(result).subject as string;
    expect(presented).toMatch(/^repo:octo-org@\d+\/app@\d+:environment:prod$/);
    const registration = checks.find((check) => check.id === 'snowflake-registration');
    expect(registration?.detail).toContain('GHA_DEPLOY has SUBJECT repo:octo-org/app:environment:prod');
    expect(registration?.detail).toMatch(/immutable/);
    expect(registration?.fix).toContain(`SUBJECT = '${presented}'`);
  });

  it('an expired token is a failed check (TOKEN_EXPIRED) before any login', async () => {
    const projected = await bed.oidc.kubernetesToken({ expiresInSeconds: -120 });
    issued.push(projected.token);
    const result = await run(['doctor', '--provider', 'oidc', '--token-file', projected.path, '--json'], cleanEnv({ ...bed.env }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result).checks).toContainEqual(expect.objectContaining({ id: 'oidc-trap', status: 'fail', code: 'TOKEN_EXPIRED' }));
  });

  it.each([
    ['a SUBJECT over 255 characters is refused', `repo:octo-org/app:environment:${'e'.repeat(260)}`, 2, /255/],
    ['a trailing * is named (a literal until behaviour change 2026_08)', 'system:serviceaccount:etl:*', 0, /2026_08/],
  ])('gen-sql: %s', async (_name, subject, code, says) => {
    const result = await run(['gen-sql', '--provider', 'oidc', '--issuer', KUBERNETES_TEST_BED_ISSUER, '--subject', subject, '--audience', 'snowflakecomputing.com', '--user', 'U'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(code);
    expect(result.stderr).toMatch(says);
  });

  it('AWS is unchanged, and its documents say provider aws', async () => {
    const env = cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole) });
    const [whoami, doctor] = await Promise.all([run(['whoami', '--json'], env), run(['doctor', '--expect-user', 'LAMBDA_LOADER', '--json'], env)]);
    expect(whoami.code, describeRun(whoami)).toBe(0);
    expect(json(whoami)).toMatchObject({ provider: 'aws', method: 'caller-identity' });
    expect(doctor.code, describeRun(doctor)).toBe(0);
    expect(json(doctor)).toMatchObject({ ok: true, provider: 'aws', user: 'LAMBDA_LOADER' });
  });
});

describe('audit: OIDC identities and their traps, as Snowflake lists them', () => {
  it('lists issuer, subject and audience list; names a subject no workflow presents and a missing audience list', async () => {
    const result = await run(['audit', '-c', 'admin', '--json'], cleanEnv({ SNOWFLAKE_HOME: adminHome(), SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: bed.snowflake.host }));
    expect(result.code, describeRun(result)).toBe(1);
    const report = json(result);
    const deploy = report.users.find((user: { name: string }) => user.name === 'GHA_DEPLOY');
    expect(deploy.identities[0]).toMatchObject({ type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: 'repo:octo-org/app:environment:prod', audienceList: ['snowflakecomputing.com'] });
    const codes = (user: string) => report.findings.filter((finding: { user: string }) => finding.user === user).map((finding: { code: string }) => finding.code);
    expect(codes('GHA_TYPO')).toEqual(expect.arrayContaining(['GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'NO_AUDIENCE_LIST']));
    expect(report.findings.find((finding: { user: string; code: string }) => finding.user === 'GHA_TYPO' && finding.code === 'GITHUB_SUBJECT_PULL_REQUEST_TYPO').fix).toContain("SUBJECT = 'repo:octo-org/web:pull_request'");
    expect(codes('K8S_LOADER')).toContain('NO_AUDIENCE_LIST');
    expect(codes('GHA_DEPLOY')).not.toContain('NO_AUDIENCE_LIST');
  });
});
