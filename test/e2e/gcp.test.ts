/**
 * Issue 19 ("wif-check v3, part 3"), the GCP half, end to end: `--provider gcp` with the BUILT CLI,
 * the real google-auth-library (wif-check's and the driver's own) and the real snowflake-sdk
 * against the simulators on 127.0.0.1 — a GCE metadata server (GCE_METADATA_HOST), Google's issuer
 * (discovery and keys), the IAM Credentials API at its public https name through a local CONNECT
 * proxy (HTTPS_PROXY, NODE_EXTRA_CA_CERTS: the driver's impersonation unpatched), and Snowflake
 * verifying each token. Every trap of the issue has a case here with its cause and the fix SQL; no
 * token is ever printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import {
  DEFAULT_GCP_ACCOUNTS,
  DEFAULT_GCP_TEST_BED_USERS,
  DEFAULT_TEST_BED_USERS,
  GCP_DELEGATE_SA,
  GCP_LOADER_SA,
  GCP_RUNTIME_SA,
  startTestBed,
  type TestBedWithGcp,
} from '../../src/simulators/index.js';
import { allOutput, cleanEnv, closedPort, describeRun, runCli, tempDir, type CliResult } from './run-cli.js';

const PAT = 'pat_EXAMPLEZ2NwLWFkbWluLXRva2VuLW5ldmVyLXByaW50ZWQ';
const idOf = (email: string) => DEFAULT_GCP_ACCOUNTS.find((account) => account.email === email)?.uniqueId ?? '';
const RUNTIME_ID = idOf(GCP_RUNTIME_SA);
const LOADER_ID = idOf(GCP_LOADER_SA);
const CHAIN = `${GCP_DELEGATE_SA},${GCP_LOADER_SA}`;

let bed: TestBedWithGcp;

beforeAll(async () => {
  const seed = seededAuditAccount({ pats: [PAT] });
  bed = await startTestBed({ gcp: true, users: [...DEFAULT_TEST_BED_USERS, ...DEFAULT_GCP_TEST_BED_USERS, ...seed.users.filter((user) => user.name !== 'LAMBDA_LOADER')], admin: seed.admin });
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

afterEach(() => {
  // Each trap changes the registration or the metadata server: back to the test bed's own.
  bed.snowflake.setUserGcp('GCP_RUNTIME', RUNTIME_ID);
  bed.snowflake.setUserGcp('GCP_LOADER', LOADER_ID);
  bed.gcp.setMode('normal');
});

function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ ...bed.env, ...extra });
}

/** Runs the CLI, and checks that no token the simulators handed out was printed. */
async function run(args: string[], environment = env()): Promise<CliResult> {
  const result = await runCli(args, { env: environment, timeoutMs: 60_000 });
  const output = allOutput(result);
  for (const secret of bed.gcp.issuedSecrets) expect(output.includes(secret), `a token was printed by ${args.join(' ')}`).toBe(false);
  expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/);
  expect(output).not.toContain('MetadataLookupWarning');
  return result;
}

function adminHome(): string {
  const dir = tempDir('gcp-admin-');
  const token = join(dir, 'pat.token');
  writeFileSync(token, PAT, { mode: 0o600 });
  writeFileSync(
    join(dir, 'connections.toml'),
    `[admin]\naccount = "${bed.env.SNOWFLAKE_ACCOUNT}"\nhost = "${bed.snowflake.host}"\nport = ${bed.snowflake.port}\nprotocol = "http"\nuser = "AUDITOR"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${token}"\n`,
    { mode: 0o600 },
  );
  return dir;
}

const json = (result: CliResult) => JSON.parse(result.stdout) as Record<string, any>;
const lastLogin = () => bed.snowflake.logins[bed.snowflake.logins.length - 1];

describe('whoami --provider gcp: the token the driver would send, and exactly what to register', () => {
  it('the metadata server token: unique ID, e-mail, audience, expiry, the registration', async () => {
    const result = await run(['whoami', '--provider', 'gcp', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const doc = json(result);
    expect(doc).toMatchObject({
      ok: true,
      provider: 'gcp',
      issuer: 'https://accounts.google.com',
      subject: RUNTIME_ID,
      email: GCP_RUNTIME_SA,
      audience: ['snowflakecomputing.com'],
      registration: { type: 'GCP', subject: RUNTIME_ID },
      credentials: 'metadata',
      impersonationPath: [],
      traps: [],
    });
    expect(Date.parse(doc.expiresAt) - Date.now()).toBeGreaterThan(50 * 60_000);
    // google-auth-library asked as the driver does: format=full, audience snowflakecomputing.com, with Metadata-Flavor.
    const identity = bed.gcp.metadataRequests.filter((request) => request.path.endsWith('/service-accounts/default/identity'));
    expect(identity.length).toBeGreaterThan(0);
    expect(bed.gcp.metadataRequests.every((request) => request.flavor)).toBe(true);
  });

  it('in the terminal: the SQL clause with the unique ID, and how to check it', async () => {
    const result = await run(['whoami', '--provider', 'gcp'], env({ NO_COLOR: '1' }));
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain(`Register         WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${RUNTIME_ID}')`);
    expect(result.stdout).toContain(`gcloud iam service-accounts describe ${GCP_RUNTIME_SA} --format="value(uniqueId)"`);
  });

  it('--impersonation-path: the last account’s token, minted by the IAM API through the chain', async () => {
    const before = bed.gcp.iamRequests.length;
    const result = await run(['whoami', '--provider', 'gcp', '--impersonation-path', CHAIN, '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ subject: LOADER_ID, email: GCP_LOADER_SA, impersonationPath: [GCP_DELEGATE_SA, GCP_LOADER_SA], sourceAccount: { email: GCP_RUNTIME_SA, uniqueId: RUNTIME_ID } });
    expect(bed.gcp.iamRequests.slice(before)).toEqual([expect.objectContaining({ status: 200, target: GCP_LOADER_SA, delegates: [GCP_DELEGATE_SA] })]);
    expect(bed.gcp.proxyConnects.every((target) => target === 'iamcredentials.googleapis.com:443')).toBe(true);
  });

  it('a chain Google refuses (no Token Creator): exit 3 with the binding to add', async () => {
    const result = await run(['whoami', '--provider', 'gcp', '--impersonation-path', `${GCP_LOADER_SA},${GCP_DELEGATE_SA}`, '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result).error).toMatchObject({ code: 'GCP_IMPERSONATION_DENIED' });
    expect(json(result).hint).toContain('roles/iam.serviceAccountTokenCreator');
  });

  it('no metadata server: exit 3 NO_GCP_CREDENTIALS, where it looked and what to do', async () => {
    const port = await closedPort();
    const result = await run(['whoami', '--provider', 'gcp', '--json'], env({ GCE_METADATA_HOST: `127.0.0.1:${port}` }));
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result).error.code).toBe('NO_GCP_CREDENTIALS');
    expect(json(result).error.message).toContain(`127.0.0.1:${port}`);
  });

  it('something that is not a metadata server (no Metadata-Flavor in its answer): exit 3 GCP_METADATA_INVALID, no Node warning', async () => {
    bed.gcp.setMode('no-flavor');
    const result = await run(['whoami', '--provider', 'gcp', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result).error.code).toBe('GCP_METADATA_INVALID');
  });

  it('AWS and OIDC options are refused with --provider gcp', async () => {
    const result = await run(['whoami', '--provider', 'gcp', '--token-file', '/dev/null']);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toContain('--token-file is not for --provider gcp');
  });
});

describe('gen-sql --provider gcp', () => {
  it('from the live token: TYPE = GCP SUBJECT = the unique ID', async () => {
    const result = await run(['gen-sql', '--provider', 'gcp', '--user', 'GCP_RUNTIME', '--alter', '--no-verify']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe(`ALTER USER GCP_RUNTIME SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${RUNTIME_ID}');`);
    expect(result.stderr).toContain(GCP_RUNTIME_SA);
  });

  it('offline, as Terraform', async () => {
    const result = await run(['gen-sql', '--provider', 'gcp', '--subject', LOADER_ID, '--user', 'GCP_LOADER', '--format', 'terraform'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain(`gcp {\n      subject = "${LOADER_ID}"\n    }`);
  });

  it('offline, injection-safe', async () => {
    const result = await run(['gen-sql', '--provider', 'gcp', '--subject', "1'); DROP USER X; --", '--user', 'GCP_LOADER', '--no-verify', '--json'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result).sql).toContain("SUBJECT = '1''); DROP USER X; --'");
    expect(json(result).warnings.join('\n')).toContain('GCP SUBJECT');
  });

  it('the e-mail as --subject: refused (exit 2) with how to get the unique ID', async () => {
    const result = await run(['gen-sql', '--provider', 'gcp', '--subject', GCP_LOADER_SA, '--user', 'GCP_LOADER', '--json'], cleanEnv());
    expect(result.code, describeRun(result)).toBe(2);
    expect(json(result).error.code).toBe('GCP_SUBJECT_EMAIL');
    expect(json(result).hint).toContain(`gcloud iam service-accounts describe ${GCP_LOADER_SA} --format="value(uniqueId)"`);
    expect(json(result).hint).toContain("ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>');");
  });
});

describe('connect --provider gcp: the driver gets its own token (google-auth-library), Snowflake maps it', () => {
  it('the metadata server’s account logs in as GCP_RUNTIME', async () => {
    const result = await run(['connect', '--provider', 'gcp', '--expect-user', 'GCP_RUNTIME', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ ok: true, provider: 'gcp', user: 'GCP_RUNTIME', subject: RUNTIME_ID, email: GCP_RUNTIME_SA });
    expect(lastLogin()).toMatchObject({ ok: true, provider: 'GCP', subject: RUNTIME_ID, user: 'GCP_RUNTIME' });
  });

  it('with --impersonation-path the driver impersonates through the IAM API, and logs in as the last account', async () => {
    const before = bed.gcp.iamRequests.length;
    const result = await run(['connect', '--provider', 'gcp', '--impersonation-path', CHAIN, '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ user: 'GCP_LOADER', subject: LOADER_ID, impersonationPath: [GCP_DELEGATE_SA, GCP_LOADER_SA] });
    // wif-check's own token and the driver's: two calls of the IAM API.
    expect(bed.gcp.iamRequests.slice(before).filter((request) => request.status === 200)).toHaveLength(2);
    expect(lastLogin()).toMatchObject({ ok: true, provider: 'GCP', subject: LOADER_ID });
  });
});

describe('the traps, each with its cause and the fix SQL (real SDK, real driver)', () => {
  it("the service account's e-mail registered as SUBJECT: USER_NOT_MAPPED, and the registration with the unique ID", async () => {
    bed.snowflake.setUserGcp('GCP_RUNTIME', GCP_RUNTIME_SA);
    const result = await run(['connect', '--provider', 'gcp', '--expect-user', 'GCP_RUNTIME', '--json']);
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result).error.code).toBe('USER_NOT_MAPPED');
    expect(json(result).hint).toContain(`ALTER USER GCP_RUNTIME SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${RUNTIME_ID}');`);
    expect(json(result).hint).toContain('not its e-mail');
    expect(lastLogin()).toMatchObject({ ok: false, provider: 'GCP', reason: 'email-subject' });

    const doctor = await run(['doctor', '--provider', 'gcp', '--expect-user', 'GCP_RUNTIME', '--admin-connection', 'admin', '--json'], env({ SNOWFLAKE_HOME: adminHome() }));
    expect(doctor.code, describeRun(doctor)).toBe(1);
    const registration = json(doctor).checks.find((check: { id: string }) => check.id === 'snowflake-registration');
    expect(registration).toMatchObject({ status: 'warn', code: 'GCP_SUBJECT_EMAIL' });
    expect(registration.detail).toContain(`GCP_RUNTIME has SUBJECT ${GCP_RUNTIME_SA}`);
    expect(registration.fix).toBe(`ALTER USER GCP_RUNTIME SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${RUNTIME_ID}');`);

    const audit = await run(['audit', '--connection', 'admin', '--json'], env({ SNOWFLAKE_HOME: adminHome() }));
    expect(json(audit).findings).toContainEqual(expect.objectContaining({ code: 'GCP_SUBJECT_EMAIL', user: 'GCP_RUNTIME' }));
  });

  it("an impersonation chain whose last account is not the registered one: the workload's own account registered", async () => {
    bed.snowflake.setUserGcp('GCP_LOADER', RUNTIME_ID);
    bed.snowflake.setUserGcp('GCP_RUNTIME', '1');
    const result = await run(['connect', '--provider', 'gcp', '--impersonation-path', CHAIN, '--expect-user', 'GCP_LOADER', '--json']);
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result).error.code).toBe('USER_NOT_MAPPED');
    expect(json(result).hint).toContain(`the token is the chain's LAST account's (${GCP_LOADER_SA}), not the workload's own (${GCP_RUNTIME_SA}, unique ID ${RUNTIME_ID})`);
    expect(json(result).hint).toContain(`ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${LOADER_ID}');`);

    const doctor = await run(['doctor', '--provider', 'gcp', '--impersonation-path', CHAIN, '--expect-user', 'GCP_LOADER', '--admin-connection', 'admin', '--json'], env({ SNOWFLAKE_HOME: adminHome() }));
    expect(doctor.code, describeRun(doctor)).toBe(1);
    const registration = json(doctor).checks.find((check: { id: string }) => check.id === 'snowflake-registration');
    expect(registration).toMatchObject({ status: 'warn', code: 'GCP_IMPERSONATION_NOT_LAST', fix: `ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${LOADER_ID}');` });
  });

  it('a token for another audience: named in whoami, refused by Snowflake, with the cause first', async () => {
    bed.gcp.setMode('wrong-audience');
    const whoami = await run(['whoami', '--provider', 'gcp', '--json']);
    expect(whoami.code, describeRun(whoami)).toBe(0);
    expect(json(whoami).traps).toContainEqual(expect.objectContaining({ code: 'GCP_WRONG_AUDIENCE', severity: 'error' }));

    const result = await run(['connect', '--provider', 'gcp', '--expect-user', 'GCP_RUNTIME', '--json']);
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result).hint.split('\n')[0]).toBe('the token is for "https://example.com", not snowflakecomputing.com: Snowflake refuses a GCP token minted for another audience');
    expect(json(result).hint).toContain(`ALTER USER GCP_RUNTIME SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${RUNTIME_ID}');`);
    expect(lastLogin()).toMatchObject({ ok: false, provider: 'GCP', reason: 'audience-not-default' });

    const doctor = await run(['doctor', '--provider', 'gcp', '--json']);
    expect(doctor.code, describeRun(doctor)).toBe(1);
    expect(json(doctor).checks).toContainEqual(expect.objectContaining({ id: 'gcp-trap', status: 'fail', code: 'GCP_WRONG_AUDIENCE' }));
  });
});

describe('the gates before the mapping, for a GCP login', () => {
  it('an authentication policy that admits AWS only: AUTHENTICATION_POLICY_REJECTED, the fix adds GCP', async () => {
    bed.snowflake.gates.set({
      authenticationPolicies: [{ name: 'AWS_ONLY', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedProviders: ['AWS'] } }],
      users: { GCP_RUNTIME: { authenticationPolicy: 'AWS_ONLY' } },
    });
    try {
      const result = await run(['connect', '--provider', 'gcp', '--expect-user', 'GCP_RUNTIME', '--json']);
      expect(result.code, describeRun(result)).toBe(1);
      expect(json(result).error.code).toBe('AUTHENTICATION_POLICY_REJECTED');
      expect(json(result).hint).toContain('ALLOWED_PROVIDERS = (<its providers>, GCP)');
      expect(json(result).hint).toContain(`GCP service account ${RUNTIME_ID}`);
    } finally {
      bed.snowflake.gates.set({ users: {}, authenticationPolicies: [] });
    }
  });
});

describe('doctor --provider gcp', () => {
  it('the checklist: token, claims, login, user', async () => {
    const result = await run(['doctor', '--provider', 'gcp', '--expect-user', 'GCP_RUNTIME', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const doc = json(result);
    expect(doc.provider).toBe('gcp');
    expect(doc.checks.map((check: { id: string; status: string }) => `${check.id}:${check.status}`)).toEqual(['gcp-token:ok', 'gcp-claims:ok', 'login:ok', 'user:ok']);
    expect(doc.registration).toEqual({ type: 'GCP', subject: RUNTIME_ID });
  });
});
