/**
 * Issue 19 ("wif-check v3, part 3"), Azure, end to end: `--provider azure` with the BUILT CLI, the
 * real Azure SDK (@azure/identity's DefaultAzureCredential, as the driver calls it) and the real
 * snowflake-sdk (workloadIdentityProvider AZURE: it gets its own token the same way) against the
 * simulators on 127.0.0.1 — the App Service managed-identity endpoint (IDENTITY_ENDPOINT/
 * IDENTITY_HEADER), the instance metadata service (AZURE_POD_IDENTITY_AUTHORITY_HOST), Entra's keys,
 * and Snowflake verifying Azure tokens. Every trap of the issue has a case here showing the cause and
 * the fix SQL; no token (nor IDENTITY_HEADER) is ever printed.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import {
  AZURE_AUDIT_IDENTITY,
  AZURE_LOADER_IDENTITY,
  AZURE_REPORTING_IDENTITY,
  AZURE_TEST_BED_IDENTITIES,
  AZURE_TEST_BED_TENANT,
  AZURE_TEST_BED_V2_ISSUER,
  AZURE_VM_IDENTITY,
  DEFAULT_AZURE_TEST_BED_USERS,
  DEFAULT_TEST_BED_USERS,
  startEntraProxy,
  startOidcIssuer,
  startTestBed,
  writeProjectedToken,
  type EntraProxy,
  type OidcIssuer,
  type ProjectedToken,
  type TestBed,
} from '../../src/simulators/index.js';
import { BIN, allOutput, cleanEnv, describeRun, runCli, tempDir, type CliResult } from './run-cli.js';

const PAT = 'pat_EXAMPLEYXp1cmUtYWRtaW4tdG9rZW4tbmV2ZXItcHJpbnRlZA';
const V1_ISSUER = `https://sts.windows.net/${AZURE_TEST_BED_TENANT}/`;

let bed: TestBed & { azure: NonNullable<TestBed['azure']> };

beforeAll(async () => {
  const seed = seededAuditAccount({ pats: [PAT] });
  const started = await startTestBed({
    azure: true,
    users: [...DEFAULT_TEST_BED_USERS, ...DEFAULT_AZURE_TEST_BED_USERS, ...seed.users.filter((user) => user.name !== 'LAMBDA_LOADER')].map((user) => ({ ...user })),
    admin: seed.admin,
  });
  if (!started.azure) throw new Error('no azure side');
  bed = started as typeof bed;
});

afterAll(async () => {
  await bed?.close();
});

beforeEach(() => {
  // Each test sets the host it plays; this is the default: a VM with its own identity and three user-assigned ones.
  bed.azure.configure({ identities: [...AZURE_TEST_BED_IDENTITIES], tokenVersion: 2, consent: true, issuerHost: 'login.microsoftonline.com' });
});

type Form = 'app-service' | 'imds';

/** A workload's environment: the test bed's Snowflake, and the managed-identity endpoint of `form`. */
function azureEnv(form: Form, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ ...bed.env, ...(form === 'app-service' ? bed.azure.appServiceEnv() : bed.azure.imdsEnv()), ...extra });
}

/** Runs the CLI and checks that nothing secret was printed: no token the simulator issued, no IDENTITY_HEADER. */
async function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  const before = bed.azure.requests.length;
  const result = await runCli(args, { env, timeoutMs: 60_000 });
  const output = allOutput(result);
  expect(output).not.toContain(bed.azure.identityHeader);
  expect(output).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/);
  expect(bed.azure.requests.length, 'the SDK asked the simulator').toBeGreaterThan(before);
  return result;
}

function adminHome(): string {
  const dir = tempDir('azure-admin-');
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
/** A --json failure: its code, and the message and hint as one text. */
const failure = (result: CliResult): { code: string; text: string } => {
  const doc = json(result) as { error: { code: string; message: string }; hint: string | null };
  return { code: doc.error.code, text: `${doc.error.message}\n${doc.hint ?? ''}` };
};
const codes = (report: Record<string, any>): string[] => (report.traps as Array<{ code: string }>).map((trap) => trap.code);

describe('whoami --provider azure: the token exactly as the driver gets it', () => {
  it.each<Form>(['app-service', 'imds'])('%s: a user-assigned identity by --azure-client-id → its object ID, tenant, xms_mirid, and the registration', async (form) => {
    const result = await run(['whoami', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--json'], azureEnv(form));
    expect(result.code, result.stderr).toBe(0);
    const report = json(result);
    expect(report).toMatchObject({
      provider: 'azure',
      issuer: AZURE_TEST_BED_V2_ISSUER,
      subject: AZURE_LOADER_IDENTITY.objectId,
      objectId: AZURE_LOADER_IDENTITY.objectId,
      clientId: AZURE_LOADER_IDENTITY.clientId,
      tenant: AZURE_TEST_BED_TENANT,
      audience: ['fd3f753b-eed3-462c-b6a7-a4b5bb650aad'],
      tokenSource: form,
      resource: 'api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad',
      platform: 'azure-managed-identity',
      managedIdentity: { kind: 'user-assigned', name: 'snowflake-loader' },
      registration: { type: 'AZURE', issuer: AZURE_TEST_BED_V2_ISSUER, subject: AZURE_LOADER_IDENTITY.objectId },
      documentedForm: null,
    });
    expect(report.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(codes(report)).toEqual([]);
    expect(bed.azure.requests.at(-1)).toMatchObject({ form, resource: 'api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad', clientId: AZURE_LOADER_IDENTITY.clientId, status: 200 });
  });

  it('the text report names the subject as the object ID, the client ID as never the SUBJECT, and the SQL', async () => {
    const result = await run(['whoami', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId], azureEnv('app-service', { NO_COLOR: '1' }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Subject          ${AZURE_LOADER_IDENTITY.objectId} (the object / principal ID)`);
    expect(result.stdout).toContain(`Client ID        ${AZURE_LOADER_IDENTITY.clientId} (never the SUBJECT)`);
    expect(result.stdout).toContain(`WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${AZURE_TEST_BED_V2_ISSUER}' SUBJECT = '${AZURE_LOADER_IDENTITY.objectId}')`);
  });
});

describe('the traps, each with its cause and fix (real SDK, real driver)', () => {
  it('connect: the right identity logs in as AZ_LOADER through the driver\'s own AZURE support', async () => {
    const result = await run(['connect', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--expect-user', 'AZ_LOADER', '--json'], azureEnv('imds'));
    expect(result.code, result.stderr).toBe(0);
    expect(json(result)).toMatchObject({ ok: true, provider: 'azure', user: 'AZ_LOADER', role: 'LOADER', subject: AZURE_LOADER_IDENTITY.objectId });
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: true, provider: 'AZURE', user: 'AZ_LOADER', subject: AZURE_LOADER_IDENTITY.objectId });
  });

  it('a client (application) ID registered as SUBJECT: connect is unmapped; doctor --admin-connection names it, with the fix SQL', async () => {
    const env = azureEnv('imds', { SNOWFLAKE_HOME: adminHome() });
    const connect = await run(['connect', '--provider', 'azure', '--azure-client-id', AZURE_REPORTING_IDENTITY.clientId, '--expect-user', 'AZ_REPORTING', '--json'], env);
    expect(connect.code).toBe(1);
    expect(failure(connect).code).toBe('USER_NOT_MAPPED');
    expect(failure(connect).text).toContain(`ALTER USER AZ_REPORTING SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${AZURE_TEST_BED_V2_ISSUER}' SUBJECT = '${AZURE_REPORTING_IDENTITY.objectId}');`);
    const doctor = await run(['doctor', '--provider', 'azure', '--azure-client-id', AZURE_REPORTING_IDENTITY.clientId, '--expect-user', 'AZ_REPORTING', '--admin-connection', 'admin', '--json'], env);
    const registration = (json(doctor).checks as Array<Record<string, string>>).find((check) => check.id === 'snowflake-registration');
    expect(registration?.detail).toContain('AZURE_SUBJECT_IS_CLIENT_ID');
    expect(registration?.detail).toContain(`AZ_REPORTING has SUBJECT ${AZURE_REPORTING_IDENTITY.clientId}`);
    expect(registration?.fix).toBe(`ALTER USER AZ_REPORTING SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${AZURE_TEST_BED_V2_ISSUER}' SUBJECT = '${AZURE_REPORTING_IDENTITY.objectId}');`);
  });

  it('the object ID registered in capitals: unmapped (SUBJECT is case-sensitive); doctor names the case difference', async () => {
    const env = azureEnv('app-service', { SNOWFLAKE_HOME: adminHome() });
    const doctor = await run(['doctor', '--provider', 'azure', '--azure-client-id', AZURE_AUDIT_IDENTITY.clientId, '--expect-user', 'AZ_AUDIT', '--admin-connection', 'admin', '--json'], env);
    expect(doctor.code).toBe(1);
    const checks = json(doctor).checks as Array<Record<string, string>>;
    expect(checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'USER_NOT_MAPPED' });
    const registration = checks.find((check) => check.id === 'snowflake-registration');
    expect(registration?.detail).toContain('AZURE_SUBJECT_CASE');
    expect(registration?.fix).toContain(`SUBJECT = '${AZURE_AUDIT_IDENTITY.objectId}'`);
  });

  it('v1 tokens (iss https://sts.windows.net/<tid>/) against the documented v2 registration: both shown, never a verdict', async () => {
    bed.azure.configure({ tokenVersion: 1 });
    const env = azureEnv('imds', { SNOWFLAKE_HOME: adminHome() });
    const whoami = json(await run(['whoami', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--json'], env));
    expect(whoami.issuer).toBe(V1_ISSUER);
    expect(whoami.audience).toEqual(['api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad']);
    expect(codes(whoami)).toContain('AZURE_ISSUER_V1');
    expect(whoami.documentedForm).toEqual({ type: 'AZURE', issuer: AZURE_TEST_BED_V2_ISSUER, subject: AZURE_LOADER_IDENTITY.objectId });
    // This simulator compares issuers exactly (what Snowflake does is not public): the login is unmapped.
    const doctor = await run(['doctor', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--expect-user', 'AZ_LOADER', '--admin-connection', 'admin', '--json'], env);
    const registration = (json(doctor).checks as Array<Record<string, string>>).find((check) => check.id === 'snowflake-registration');
    expect(registration).toMatchObject({ code: 'AZURE_ISSUER_FORM_DIFFERS' });
    expect(registration?.detail).toContain(`the token's issuer is the v1 form ${V1_ISSUER}, the registered ISSUER the v2 form ${AZURE_TEST_BED_V2_ISSUER}`);
    expect(registration?.detail).toContain('not publicly known');
    expect(registration?.fix).toContain(`ISSUER = '${V1_ISSUER}'`);
    const sql = await run(['gen-sql', '--provider', 'azure', '--user', 'AZ_LOADER', '--alter', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId], env);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toContain(`ALTER USER AZ_LOADER SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V1_ISSUER}' SUBJECT = '${AZURE_LOADER_IDENTITY.objectId}');`);
    expect(sql.stdout).toContain(`-- ALTER USER AZ_LOADER SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${AZURE_TEST_BED_V2_ISSUER}' SUBJECT = '${AZURE_LOADER_IDENTITY.objectId}');`);
  });

  it('several user-assigned identities and no client ID: the metadata service refuses; exit 3 with --azure-client-id as the fix', async () => {
    bed.azure.configure({ identities: [AZURE_LOADER_IDENTITY, AZURE_REPORTING_IDENTITY] });
    const result = await run(['connect', '--provider', 'azure', '--json'], azureEnv('imds'));
    expect(result.code).toBe(3);
    expect(failure(result).code).toBe('AZURE_USER_ASSIGNED_NEEDS_CLIENT_ID');
    expect(failure(result).text).toContain('--azure-client-id');
    expect(failure(result).text).toContain('workloadIdentityAzureClientId');
  });

  it('a system-assigned identity beside the user-assigned one, no client ID: the driver presents the VM\'s identity → unmapped, named', async () => {
    const result = await run(['connect', '--provider', 'azure', '--expect-user', 'AZ_LOADER', '--json'], azureEnv('imds'));
    expect(result.code).toBe(1);
    expect(failure(result).code).toBe('USER_NOT_MAPPED');
    expect(failure(result).text).toContain(`subject ${AZURE_VM_IDENTITY.objectId}`);
    expect(failure(result).text).toContain(`SUBJECT = '${AZURE_VM_IDENTITY.objectId}'`);
    const whoami = json(await run(['whoami', '--provider', 'azure', '--json'], azureEnv('imds')));
    expect(codes(whoami)).toContain('AZURE_SYSTEM_IDENTITY_CHOSEN');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: false, provider: 'AZURE', subject: AZURE_VM_IDENTITY.objectId, reason: 'unknown-subject' });
  });

  it('MANAGED_IDENTITY_CLIENT_ID (the Python connector\'s variable) is not read by the Node driver: named', async () => {
    const result = await run(['whoami', '--provider', 'azure', '--json'], azureEnv('imds', { MANAGED_IDENTITY_CLIENT_ID: AZURE_LOADER_IDENTITY.clientId }));
    expect(result.code, result.stderr).toBe(0);
    const report = json(result);
    expect(report.subject).toBe(AZURE_VM_IDENTITY.objectId);
    expect(codes(report)).toEqual(expect.arrayContaining(['AZURE_CLIENT_ID_NOT_READ', 'AZURE_SYSTEM_IDENTITY_CHOSEN']));
  });

  it('an AKS pod without workload identity (no AZURE_FEDERATED_TOKEN_FILE): the SDK falls back to the node\'s IMDS; named with the fix', async () => {
    const result = await run(['whoami', '--provider', 'azure'], azureEnv('imds', { KUBERNETES_SERVICE_HOST: '10.0.0.1', AZURE_CLIENT_ID: AZURE_LOADER_IDENTITY.clientId, AZURE_TENANT_ID: AZURE_TEST_BED_TENANT }));
    // The node's IMDS knows the identity here; the trap is the fallback itself.
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('AKS_FALLS_BACK_TO_IMDS');
    expect(result.stdout).toContain('azure.workload.identity/use');
    bed.azure.configure({ identities: [AZURE_VM_IDENTITY] });
    const missing = await run(['whoami', '--provider', 'azure', '--json'], azureEnv('imds', { KUBERNETES_SERVICE_HOST: '10.0.0.1', AZURE_CLIENT_ID: AZURE_LOADER_IDENTITY.clientId, AZURE_TENANT_ID: AZURE_TEST_BED_TENANT }));
    expect(missing.code).toBe(3);
    expect(failure(missing).code).toBe('AZURE_NO_SUCH_IDENTITY');
    expect(failure(missing).text).toContain('AZURE_FEDERATED_TOKEN_FILE not set');
  });

  it('admin consent missing for Snowflake\'s application: AADSTS500011 → exit 3 with the consent URL', async () => {
    bed.azure.configure({ consent: false });
    const result = await run(['connect', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--json'], azureEnv('app-service'));
    expect(result.code).toBe(3);
    expect(failure(result).code).toBe('AZURE_CONSENT_MISSING');
    expect(failure(result).text).toContain('adminconsent?client_id=fd3f753b-eed3-462c-b6a7-a4b5bb650aad');
  });

  it('a sovereign cloud: named from the token (and from AZURE_AUTHORITY_HOST); Snowflake refuses it', async () => {
    bed.azure.configure({ issuerHost: 'login.microsoftonline.us' });
    const whoami = json(await run(['whoami', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--json'], azureEnv('imds', { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us' })));
    expect(whoami.cloud).toBe('us-government');
    expect(codes(whoami).filter((code) => code === 'AZURE_SOVEREIGN_CLOUD')).toHaveLength(2);
    const connect = await run(['connect', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--json'], azureEnv('imds'));
    expect(connect.code).toBe(1);
    expect(failure(connect).code).toBe('TOKEN_REJECTED');
    expect(failure(connect).text).toContain('Snowflake does not support Azure sovereign clouds');
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: false, provider: 'AZURE', reason: 'sovereign-cloud' });
  });
});

describe('gen-sql --provider azure', () => {
  it('live: the SQL from the token, and --format terraform with the azure block', async () => {
    const result = await run(['gen-sql', '--provider', 'azure', '--user', 'AZ_LOADER', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--format', 'terraform', '--json'], azureEnv('app-service'));
    expect(result.code, result.stderr).toBe(0);
    const doc = json(result);
    expect(doc.sql).toContain(`WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${AZURE_TEST_BED_V2_ISSUER}' SUBJECT = '${AZURE_LOADER_IDENTITY.objectId}')`);
    expect(doc.terraform).toMatch(/azure \{\s+issuer\s+= "https:\/\/login\.microsoftonline\.com\/3f1e2d4c-5b6a-4789-9abc-def012345678\/v2\.0"\s+subject = "2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a"/);
  });

  it('offline: a client ID given as --subject is refused with how to get the object ID; injection stays a literal', async () => {
    const env = cleanEnv({});
    const refused = await runCli(['gen-sql', '--provider', 'azure', '--user', 'AZ', '--issuer', AZURE_TEST_BED_V2_ISSUER, '--subject', AZURE_REPORTING_IDENTITY.clientId, '--azure-client-id', AZURE_REPORTING_IDENTITY.clientId, '--json'], { env });
    expect(refused.code).toBe(2);
    expect(failure(refused).code).toBe('AZURE_SUBJECT_IS_CLIENT_ID');
    expect(failure(refused).text).toContain('--query principalId');
    const upper = await runCli(['gen-sql', '--provider', 'azure', '--user', 'AZ', '--issuer', AZURE_TEST_BED_V2_ISSUER, '--subject', AZURE_AUDIT_IDENTITY.objectId.toUpperCase()], { env });
    expect(upper.code).toBe(2);
    expect(upper.stderr).toContain(`SUBJECT = '${AZURE_AUDIT_IDENTITY.objectId}'`);
    const hostile = await runCli(['gen-sql', '--provider', 'azure', '--user', 'AZ', '--issuer', AZURE_TEST_BED_V2_ISSUER, '--subject', "x'); DROP USER ADMIN; --"], { env });
    expect(hostile.code, hostile.stderr).toBe(0);
    expect(hostile.stdout).toContain("SUBJECT = 'x''); DROP USER ADMIN; --'");
    expect(hostile.stderr).toContain('not a GUID');
  });
});

describe('audit lists Azure identities with the traps visible from Snowflake\'s side', () => {
  it('the object ID in capitals (with the fix), the v1 issuer; a client ID cannot be told from an object ID there', async () => {
    bed.snowflake.addUser({ name: 'AZ_V1', azureIdentity: { type: 'AZURE', issuer: V1_ISSUER, subject: AZURE_VM_IDENTITY.objectId }, type: 'SERVICE' });
    const result = await runCli(['audit', '--connection', 'admin', '--json'], { env: cleanEnv({ ...bed.env, SNOWFLAKE_HOME: adminHome() }), timeoutMs: 60_000 });
    expect(result.code === 0 || result.code === 1, result.stderr).toBe(true);
    const findings = json(result).findings as Array<{ code: string; user: string; fix?: string; severity: string }>;
    const azure = findings.filter((finding) => finding.user.startsWith('AZ_'));
    expect(azure.find((finding) => finding.user === 'AZ_AUDIT')).toMatchObject({ code: 'AZURE_SUBJECT_UPPERCASE', severity: 'error', fix: `ALTER USER AZ_AUDIT SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${AZURE_TEST_BED_V2_ISSUER}' SUBJECT = '${AZURE_AUDIT_IDENTITY.objectId}');` });
    expect(azure.find((finding) => finding.user === 'AZ_V1')).toMatchObject({ code: 'AZURE_ISSUER_V1', severity: 'warn' });
    expect(azure.filter((finding) => (finding.user === 'AZ_REPORTING' || finding.user === 'AZ_LOADER') && finding.code.startsWith('AZURE_')).map((finding) => finding.code)).toEqual([]);
    const users = json(result).users as Array<{ name: string; identities: Array<Record<string, unknown>> }>;
    expect(users.find((user) => user.name === 'AZ_LOADER')?.identities[0]).toMatchObject({ type: 'AZURE', issuer: AZURE_TEST_BED_V2_ISSUER, subject: AZURE_LOADER_IDENTITY.objectId });
  });
});

describe('audit: one Azure identity on two users', () => {
  it('DUPLICATE_IDENTITY on each, the object ID on the finding\'s line; --json names the identity', async () => {
    const identity = { type: 'AZURE' as const, issuer: AZURE_TEST_BED_V2_ISSUER, subject: '0d0c0b0a-1111-4222-8333-944445555666' };
    bed.snowflake.addUser({ name: 'AZ_DUP_A', azureIdentity: identity, type: 'SERVICE' });
    bed.snowflake.addUser({ name: 'AZ_DUP_B', azureIdentity: identity, type: 'SERVICE' });
    const env = cleanEnv({ ...bed.env, SNOWFLAKE_HOME: adminHome() });
    const text = await runCli(['audit', '--connection', 'admin'], { env, timeoutMs: 60_000 });
    expect(text.code === 0 || text.code === 1, text.stderr).toBe(true);
    expect(text.stdout).toMatch(/^! AZ_DUP_A +DEFAULT +AZURE 0d0c0b0a-1111-4222-8333-944445555666$/m);
    expect(text.stdout).toMatch(/^! AZ_DUP_B +DEFAULT +AZURE 0d0c0b0a-1111-4222-8333-944445555666$/m);
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(`AZ_DUP_A, AZ_DUP_B all hold issuer ${AZURE_TEST_BED_V2_ISSUER}, subject ${identity.subject}: a token maps to one of them, and which is not documented`);
    const result = await runCli(['audit', '--connection', 'admin', '--json'], { env, timeoutMs: 60_000 });
    const duplicates = (json(result).findings as Array<{ code: string; user: string; identity: string | null }>).filter((finding) => finding.code === 'DUPLICATE_IDENTITY');
    expect(duplicates.map(({ user, identity: held }) => [user, held])).toEqual([['AZ_DUP_A', 'DEFAULT'], ['AZ_DUP_B', 'DEFAULT']]);
  });
});

describe('wif-check sandbox --provider azure', () => {
  /** Starts the sandbox, returns its --json document once it serves, and a stop function. */
  async function sandbox(args: string[]): Promise<{ doc: { provider: string; env: Record<string, string>; commands: string[]; users: Array<{ name: string; azure?: { subject: string } }> }; stop: () => Promise<number | null> }> {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--json', ...args], { env: cleanEnv(), cwd: tempDir('sandbox-cwd-') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('Serving until') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!stderr.includes('Serving until')) {
      child.kill('SIGKILL');
      throw new Error(`the sandbox did not start: ${stderr}`);
    }
    return { doc: JSON.parse(stdout), stop: async () => (child.kill('SIGTERM'), exited) };
  }

  it('serves a VM\'s metadata service and the AZURE users: the loader logs in, the client-ID trap is shown with its fix', async () => {
    const { doc, stop } = await sandbox(['--provider', 'azure']);
    try {
      expect(doc.provider).toBe('azure');
      expect(doc.env).toMatchObject({ SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'azure', AZURE_POD_IDENTITY_AUTHORITY_HOST: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      expect(doc.users).toContainEqual(expect.objectContaining({ name: 'AZ_REPORTING', azure: expect.objectContaining({ subject: AZURE_REPORTING_IDENTITY.clientId }) }));
      expect(doc.commands.join('\n')).toContain('--azure-trap');
      const env = cleanEnv(doc.env);
      const works = await runCli(['connect', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--expect-user', 'AZ_LOADER', '--json'], { env });
      expect(works.code, describeRun(works)).toBe(0);
      const trap = await runCli(['connect', '--azure-client-id', AZURE_REPORTING_IDENTITY.clientId, '--expect-user', 'AZ_REPORTING', '--json'], { env });
      expect(trap.code, describeRun(trap)).toBe(1);
      expect(JSON.parse(trap.stdout).hint).toContain(`SUBJECT = '${AZURE_REPORTING_IDENTITY.objectId}'`);
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('--azure-trap no-consent: the metadata service answers AADSTS500011', async () => {
    const { doc, stop } = await sandbox(['--provider', 'azure', '--azure-trap', 'no-consent']);
    try {
      const result = await runCli(['whoami', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--json'], { env: cleanEnv(doc.env) });
      expect(result.code, describeRun(result)).toBe(3);
      expect(JSON.parse(result.stdout).error.code).toBe('AZURE_CONSENT_MISSING');
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('--azure-trap without --provider azure is a usage error', async () => {
    const result = await runCli(['sandbox', '--azure-trap', 'v1-issuer'], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--azure-trap is for --provider azure');
  });
});

describe('AKS workload identity: the federated-token exchange at Entra (AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST)', () => {
  const AKS_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${AZURE_TEST_BED_TENANT}/0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b/`;
  let cluster: OidcIssuer;
  let proxy: EntraProxy;
  let loaderToken: ProjectedToken;
  let otherToken: ProjectedToken;

  beforeAll(async () => {
    cluster = await startOidcIssuer({ publicIssuer: AKS_ISSUER });
    proxy = await startEntraProxy(bed.azure.url);
    loaderToken = await writeProjectedToken({ namespace: 'etl', serviceAccount: 'loader', preset: 'aks', issuer: cluster });
    otherToken = await writeProjectedToken({ namespace: 'etl', serviceAccount: 'reporter', preset: 'aks', issuer: cluster });
  });
  afterAll(async () => {
    await Promise.all([cluster?.close(), proxy?.close(), loaderToken?.remove(), otherToken?.remove()]);
  });

  /** A pod as the workload identity webhook sets it up (Entra reached through the proxy, as the SDK reaches it). */
  const podEnv = (token: ProjectedToken) =>
    cleanEnv({ ...bed.env, ...proxy.env(), KUBERNETES_SERVICE_HOST: '10.0.0.1', AZURE_CLIENT_ID: AZURE_LOADER_IDENTITY.clientId, AZURE_TENANT_ID: AZURE_TEST_BED_TENANT, AZURE_FEDERATED_TOKEN_FILE: token.path });
  const federate = () =>
    bed.azure.configure({ identities: AZURE_TEST_BED_IDENTITIES.map((identity) => (identity === AZURE_LOADER_IDENTITY ? { ...identity, federated: [{ issuer: AKS_ISSUER, subject: 'system:serviceaccount:etl:loader' }] } : identity)) });

  it('the pod\'s service-account token is exchanged for the identity\'s: whoami, then connect through the driver', async () => {
    federate();
    const env = podEnv(loaderToken);
    const whoami = await run(['whoami', '--provider', 'azure', '--json'], env);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(json(whoami)).toMatchObject({ tokenSource: 'workload-identity', subject: AZURE_LOADER_IDENTITY.objectId, issuer: AZURE_TEST_BED_V2_ISSUER });
    expect(codes(json(whoami))).not.toContain('AKS_FALLS_BACK_TO_IMDS');
    expect(bed.azure.requests.at(-1)).toMatchObject({ form: 'workload-identity', clientId: AZURE_LOADER_IDENTITY.clientId, status: 200, resource: 'api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad' });
    const connect = await run(['connect', '--provider', 'azure', '--expect-user', 'AZ_LOADER', '--json'], env);
    expect(connect.code, connect.stderr).toBe(0);
    expect(json(connect)).toMatchObject({ user: 'AZ_LOADER' });
    expect(new Set(proxy.connects)).toEqual(new Set(['login.microsoftonline.com:443']));
  });

  it('a service account the identity is not federated with: AADSTS70021 → AKS_FEDERATION_MISSING with the az command', async () => {
    federate();
    const result = await run(['whoami', '--provider', 'azure', '--json'], podEnv(otherToken));
    expect(result.code).toBe(3);
    expect(failure(result).code).toBe('AKS_FEDERATION_MISSING');
    expect(failure(result).text).toContain('az identity federated-credential create');
  });
});

describe('the driver\'s own token request, failing the same way (snowflake-sdk alone, no wif-check in the process)', () => {
  /** Logs in with the real driver as an application would, in a child process; its error's fields. */
  async function driverLogin(env: Record<string, string>, clientId?: string): Promise<{ ok: boolean; name?: string; message?: string }> {
    const script = [
      "const snowflake = require('snowflake-sdk');",
      "snowflake.configure({ logLevel: 'OFF' });",
      'const c = snowflake.createConnection({ account: process.env.SNOWFLAKE_ACCOUNT, host: process.env.SNOWFLAKE_HOST, port: Number(process.env.SNOWFLAKE_PORT), protocol: "http", authenticator: "WORKLOAD_IDENTITY", workloadIdentityProvider: "AZURE", sfRetryMaxLoginRetries: 1' + (clientId ? `, workloadIdentityAzureClientId: ${JSON.stringify(clientId)}` : '') + ' });',
      'c.connect((e) => { console.log(JSON.stringify(e ? { ok: false, name: e.name, message: e.message } : { ok: true })); process.exit(0); });',
    ].join('\n');
    const { runNode } = await import('./run-cli.js');
    const result = await runNode(['-e', script], { env: { ...env, NODE_PATH: join(process.cwd(), 'node_modules') }, cwd: process.cwd(), timeoutMs: 60_000 });
    return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; name?: string; message?: string };
  }

  it('no admin consent: the driver passes Entra\'s AADSTS500011 on, and diagnoseAzureLogin names it with the consent URL', async () => {
    bed.azure.configure({ consent: false });
    const outcome = await driverLogin(azureEnv('imds'), AZURE_LOADER_IDENTITY.clientId);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('AADSTS500011');
    const { diagnoseAzureLogin } = await import('../../src/providers/azure/diagnose.js');
    const diagnosis = diagnoseAzureLogin({ name: outcome.name, message: outcome.message ?? '', reachedSnowflake: false }, { account: 'a', url: 'http://127.0.0.1', timeoutMs: 1000, facts: { issuer: '', subject: '', audience: [], clientId: null }, registration: { type: 'AZURE', issuer: 'i', subject: 's' }, traps: [] });
    expect(diagnosis).toMatchObject({ kind: 'aws', code: 'AZURE_CONSENT_MISSING' });
    expect(diagnosis.hint).toContain('adminconsent?client_id=fd3f753b-eed3-462c-b6a7-a4b5bb650aad');
  });

  it('the right identity: the driver alone logs in as AZ_LOADER (the simulators answer the real driver as they answer wif-check)', async () => {
    const outcome = await driverLogin(azureEnv('app-service'), AZURE_LOADER_IDENTITY.clientId);
    expect(outcome).toEqual({ ok: true });
    expect(bed.snowflake.logins.at(-1)).toMatchObject({ ok: true, provider: 'AZURE', user: 'AZ_LOADER' });
  });
});

describe('a Snowflake that matches the v1 and v2 forms of a tenant\'s issuer (issuerForms: either; what real Snowflake does is not public)', () => {
  it('v1 tokens log in as the v2-registered user, and whoami still names the difference', async () => {
    const other = await startTestBed({ azure: { tokenVersion: 1, issuerForms: 'either' } });
    try {
      const env = cleanEnv({ ...other.env, ...other.azure?.imdsEnv() });
      const connect = await runCli(['connect', '--provider', 'azure', '--azure-client-id', AZURE_LOADER_IDENTITY.clientId, '--expect-user', 'AZ_LOADER', '--json'], { env, timeoutMs: 60_000 });
      expect(connect.code, connect.stderr).toBe(0);
      expect(json(connect)).toMatchObject({ user: 'AZ_LOADER', issuer: V1_ISSUER });
      expect(codes(json(connect))).toContain('AZURE_ISSUER_V1');
    } finally {
      await other.close();
    }
  });
});
