/**
 * `wif-check audit` end to end: the BUILT CLI as a child process, the real snowflake-sdk, against
 * the Snowflake simulator's administrator side (src/simulators/snowflake-admin.ts) on 127.0.0.1,
 * with each admin login method (key pair, PAT, password). The seeded account has one user per
 * finding; the simulator's statement log proves audit is read-only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startSnowflakeSimulator, type SnowflakeSimulator, type StsSimulator } from '../../src/simulators/index.js';
import { ANSI_ESCAPE, auditEnv, cleanEnv, closedPort, describeRun, runCli, doctorWithAdminEnv, runCliWithoutSecrets, startAuditTestBed, tempDir, type AuditTestBed } from './run-cli.js';

const PASSPHRASE = 'correct horse battery staple 42';
const PASSWORD = 'Adm1n-pa55word-never-printed';
const PAT = 'pat_EXAMPLEc2VjcmV0LXBhdC10b2tlbi1uZXZlci1wcmludGVk';
const ACCOUNT = 'simorg-wifcheck';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }).toString();
const PLAIN_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyLines = (pem: string) => pem.split('\n').filter((line) => line.length >= 12 && !line.startsWith('-----'));
const SECRETS = [PASSPHRASE, PASSWORD, PAT, ...keyLines(PRIVATE_PEM), ...keyLines(PLAIN_PEM)];

const READ_ONLY = /^\s*(SHOW|DESC|DESCRIBE|USE|SELECT|ALTER\s+SESSION)\b/i;
// GATES_UNREADABLE: AUDIT_ROLE lacks APPLY AUTHENTICATION POLICY (test/e2e/audit-gates.test.ts has the gates' own findings).
const ALL_CODES = ['PATH_SEGMENT_ROLE', 'NOT_SERVICE_USER', 'USER_DISABLED', 'IDENTITY_DISABLED', 'NEVER_USED', 'STALE', 'FOREIGN_AWS_ACCOUNT', 'NO_ISSUER', 'INSUFFICIENT_PRIVILEGES', 'NO_MATCH', 'GATES_UNREADABLE'];

interface Finding {
  code: string;
  severity: string;
  user: string | null;
  identity: string | null;
  detail: string;
  fix?: string;
}
interface AuditJson {
  ok: boolean;
  account: string;
  users: Array<{ name: string; type: string | null; disabled: boolean; defaultRole: string | null; identitiesListed: boolean; identities: Array<Record<string, unknown>> }>;
  findings: Finding[];
  lookup?: { arn: string; matches: string[]; probable: string[] };
}

let bed: AuditTestBed | undefined;
let sim: SnowflakeSimulator;
let sts: StsSimulator;
let dir: string;
let keyFile: string;
let tokenFile: string;

beforeAll(async () => {
  dir = tempDir('audit-');
  keyFile = join(dir, 'rsa_key.p8');
  tokenFile = join(dir, 'pat.token');
  writeFileSync(keyFile, PRIVATE_PEM, { mode: 0o600 });
  writeFileSync(tokenFile, `${PAT}\n`, { mode: 0o600 });
  bed = await startAuditTestBed(ACCOUNT, { publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), pats: [PAT], password: PASSWORD });
  ({ sim, sts } = bed);
});

afterAll(async () => {
  await bed?.close();
});

const env = (extra: Record<string, string | undefined> = {}) => auditEnv(ACCOUNT, sim, extra);

const keyPair = () => env({ SNOWFLAKE_PRIVATE_KEY_FILE: keyFile, PRIVATE_KEY_PASSPHRASE: PASSPHRASE });

async function audit(args: string[], environment: Record<string, string>) {
  const result = await runCliWithoutSecrets(['audit', ...args], environment, SECRETS);
  expect(result.stderr, describeRun(result)).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return result;
}

async function auditJson(args: string[], environment: Record<string, string>) {
  const result = await audit([...args, '--json'], environment);
  return { result, doc: JSON.parse(result.stdout) as AuditJson };
}

const codesOf = (doc: AuditJson) => new Set(doc.findings.map((finding) => finding.code));
const find = (doc: AuditJson, code: string, user: string | null) => doc.findings.find((finding) => finding.code === code && finding.user === user);

describe('audit: each admin login method', () => {
  it('key pair (SNOWFLAKE_JWT, encrypted key, PRIVATE_KEY_PASSPHRASE): the table, exit 1 for the path-registered user', async () => {
    const result = await audit(['--private-key-file', keyFile], env({ PRIVATE_KEY_PASSPHRASE: PASSPHRASE }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stdout).toMatch(/Snowflake account WIFCHECK: 13 users, 11 with a workload identity \(12 in all\)/);
    expect(result.stdout).toMatch(/✖ LAMBDA_LOADER +DEFAULT +AWS 123456789012 role service-role\n {4}role service-role is an IAM path segment/);
    // 80 columns (issue 21, part 3), except the SQL of a fix, which is copied whole.
    for (const line of result.stdout.split('\n').filter((text) => !text.startsWith('    fix: '))) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(result.stdout).toContain("fix: ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/<role name>');");
    const unwrapped = result.stdout.replace(/\n {4}(?!fix:)/g, ' ');
    expect(unwrapped).toMatch(/! ANALYST_BOT .*user TYPE is PERSON, not SERVICE/);
    expect(unwrapped).toMatch(/· ETL_OLD +DEFAULT .*last used 212 days ago/);
    expect(result.stdout).toMatch(/\d+ errors?, \d+ warnings?, \d+ notes?\n$/);
    expect(sim.admin.logins.at(-1)).toMatchObject({ ok: true, authenticator: 'SNOWFLAKE_JWT', user: 'AUDITOR' });
  });

  it('programmatic access token (--token-file)', async () => {
    const { result, doc } = await auditJson(['--token-file', tokenFile], env({ SNOWFLAKE_USER: undefined }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(doc.ok).toBe(false);
    expect(doc.account).toBe('WIFCHECK');
    expect(sim.admin.logins.at(-1)).toMatchObject({ ok: true, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', user: 'AUDITOR' });
  });

  it('SNOWFLAKE_TOKEN_FILE_PATH names the token file too', async () => {
    const { result } = await auditJson([], env({ SNOWFLAKE_TOKEN_FILE_PATH: tokenFile }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(sim.admin.logins.at(-1)).toMatchObject({ ok: true, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN' });
  });

  it('password from SNOWFLAKE_PASSWORD (never printed, also with --debug)', async () => {
    const result = await audit(['--debug'], env({ SNOWFLAKE_PASSWORD: PASSWORD }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(sim.admin.logins.at(-1)).toMatchObject({ ok: true, authenticator: 'SNOWFLAKE', user: 'AUDITOR' });
  });

  it('there is no --password flag', async () => {
    const result = await audit(['--password', PASSWORD.slice(0, 3)], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--password'/);
  });
});

describe('audit: findings (--json)', () => {
  it('every finding code on the seeded account, each on the user that has it', async () => {
    const { result, doc } = await auditJson(['--role', 'AUDIT_ROLE', '--aws-account', '123456789012', '--arn', 'arn:aws:iam::123456789012:role/not-registered'], keyPair());
    expect(result.code, describeRun(result)).toBe(1);
    expect([...codesOf(doc)].sort()).toEqual([...ALL_CODES].sort());
    expect(find(doc, 'PATH_SEGMENT_ROLE', 'LAMBDA_LOADER')).toMatchObject({ severity: 'error', identity: 'DEFAULT' });
    expect(find(doc, 'PATH_SEGMENT_ROLE', 'SSO_USER')).toMatchObject({ severity: 'error', detail: expect.stringContaining('aws-reserved') });
    expect(find(doc, 'NOT_SERVICE_USER', 'ANALYST_BOT')).toMatchObject({ severity: 'warn', fix: 'ALTER USER ANALYST_BOT SET TYPE = SERVICE;' });
    expect(find(doc, 'USER_DISABLED', 'DISABLED_SVC')).toMatchObject({ severity: 'warn', fix: 'ALTER USER DISABLED_SVC SET DISABLED = FALSE;' });
    expect(find(doc, 'IDENTITY_DISABLED', 'MULTI')).toMatchObject({ identity: 'OLD_KEY', fix: 'ALTER USER MULTI MODIFY WORKLOAD IDENTITY OLD_KEY SET DISABLED = FALSE;' });
    expect(find(doc, 'NEVER_USED', 'SSO_USER')).toMatchObject({ severity: 'info' });
    expect(find(doc, 'STALE', 'ETL_OLD')).toMatchObject({ severity: 'info', detail: expect.stringContaining('212 days') });
    expect(find(doc, 'FOREIGN_AWS_ACCOUNT', 'PARTNER')).toMatchObject({ severity: 'warn', detail: expect.stringContaining('210987654321') });
    expect(find(doc, 'NO_ISSUER', 'CI_SMOKE')).toMatchObject({ severity: 'info' });
    expect(find(doc, 'INSUFFICIENT_PRIVILEGES', 'HIDDEN_SVC')).toMatchObject({ severity: 'warn', fix: 'GRANT MONITOR ON USER HIDDEN_SVC TO ROLE AUDIT_ROLE;' });
    expect(find(doc, 'NO_MATCH', null)).toMatchObject({ severity: 'error' });
    // Nothing to say about the JWT-ready user, and the user without an identity is not listed.
    expect(doc.findings.filter((finding) => finding.user === 'JWT_READY')).toEqual([]);
    expect(doc.users.map((user) => user.name)).not.toContain('PLAIN_PERSON');
    const multi = doc.users.find((user) => user.name === 'MULTI');
    expect(multi?.identities.map((identity) => identity.name)).toEqual(['DEFAULT', 'OLD_KEY']);
    expect(multi?.identities[0]).toMatchObject({ type: 'AWS', awsPartition: 'aws', awsAccount: '123456789012', identityType: 'IAM_ROLE', iamRole: 'multi-role', issuer: expect.stringMatching(/^https:/) });
    expect(doc.users.find((user) => user.name === 'ALICE_SVC')?.identities[0]).toMatchObject({ identityType: 'IAM_USER', iamRole: 'alice' });
  });

  it('--stale-days moves the line; no --aws-account, no FOREIGN_AWS_ACCOUNT', async () => {
    const { doc } = await auditJson(['--stale-days', '300'], keyPair());
    expect(codesOf(doc).has('STALE')).toBe(false);
    expect(codesOf(doc).has('FOREIGN_AWS_ACCOUNT')).toBe(false);
    const { doc: strict } = await auditJson(['--stale-days', '1'], keyPair());
    expect(find(strict, 'STALE', 'CI_SMOKE')).toBeDefined();
  });

  it('exit 0 and ok: true when no finding is an error', async () => {
    const small = await startSnowflakeSimulator({
      accountName: ACCOUNT,
      users: [{ name: 'GOOD_SVC', workloadIdentityArn: 'arn:aws:iam::123456789012:role/good-role' }],
      admin: { admins: [{ name: 'AUDITOR', defaultRole: 'SECURITYADMIN', pats: [PAT] }], profiles: { GOOD_SVC: { lastUsed: new Date().toISOString() } } },
    });
    try {
      const { result, doc } = await auditJson(['--token-file', tokenFile, '--port', String(small.port), '--arn', 'arn:aws:sts::123456789012:assumed-role/good-role/s1'], env());
      expect(result.code, describeRun(result)).toBe(0);
      expect(doc.ok).toBe(true);
      expect(doc.lookup).toEqual({ arn: 'arn:aws:sts::123456789012:assumed-role/good-role/s1', snowflakeArn: 'arn:aws:iam::123456789012:role/good-role', matches: ['GOOD_SVC'], probable: [] });
      expect(doc.findings.map((finding) => finding.code)).toEqual(['NO_ISSUER']);
    } finally {
      await small.close();
    }
  });
});

describe('audit: reverse lookup', () => {
  it('--arn with the console path: no match, the probable user, and fixes with the real path-free ARN', async () => {
    const { result, doc } = await auditJson(['--arn', 'arn:aws:iam::123456789012:role/service-role/my-fn-role'], keyPair());
    expect(result.code).toBe(1);
    expect(doc.lookup).toMatchObject({ matches: [], probable: ['LAMBDA_LOADER'] });
    const fix = "ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');";
    expect(find(doc, 'NO_MATCH', null)?.fix).toBe(fix);
    expect(find(doc, 'PATH_SEGMENT_ROLE', 'LAMBDA_LOADER')?.fix).toBe(fix);
  });

  it('--arn of a registered role: matches', async () => {
    const { doc } = await auditJson(['--arn', 'arn:aws:iam::123456789012:role/etl-role'], keyPair());
    expect(doc.lookup).toMatchObject({ matches: ['ETL_OLD'], probable: [] });
    expect(codesOf(doc).has('NO_MATCH')).toBe(false);
  });

  it('--me asks STS who the caller is (like whoami)', async () => {
    const { result, doc } = await auditJson(['--me'], { ...keyPair(), AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'eu-west-1', ...credentialsEnv(TEST_IDENTITIES.assumedRole) });
    expect(result.code, describeRun(result)).toBe(1);
    expect(doc.lookup).toMatchObject({ arn: TEST_IDENTITIES.assumedRole.arn, matches: [], probable: ['LAMBDA_LOADER', 'SSO_USER'] });
    expect(find(doc, 'NO_MATCH', null)?.fix).toContain("'arn:aws:iam::123456789012:role/my-fn-role'");
    const text = await audit(['--me'], { ...keyPair(), AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'eu-west-1', ...credentialsEnv(TEST_IDENTITIES.iamUser) });
    expect(text.stdout).toContain(`✔ ${TEST_IDENTITIES.iamUser.arn} maps to ALICE_SVC`);
  });

  it('--me without AWS credentials is an AWS error (exit 3), before any Snowflake login', async () => {
    const before = sim.admin.logins.length;
    const result = await audit(['--me'], { ...keyPair(), AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'eu-west-1' });
    expect(result.code, describeRun(result)).toBe(3);
    expect(sim.admin.logins.length).toBe(before);
  });
});

describe('audit: partial privileges and the read-only guarantee', () => {
  it('a role without MONITOR on some users: a partial result with the GRANT that fixes it', async () => {
    const { result, doc } = await auditJson(['--role', 'AUDIT_ROLE'], keyPair());
    expect(result.code).toBe(1);
    const hidden = doc.users.find((user) => user.name === 'HIDDEN_SVC');
    expect(hidden).toMatchObject({ identitiesListed: false, identities: [] });
    expect(doc.users.filter((user) => user.identitiesListed).length).toBe(10);
    const text = await audit(['--role', 'AUDIT_ROLE'], keyPair());
    // The detail is wrapped under its user (80 columns): read it unwrapped.
    expect(text.stdout.replace(/\n {4}(?!fix:)/g, ' ')).toMatch(/! HIDDEN_SVC .*role AUDIT_ROLE lacks MONITOR on the user/);
    expect(text.stdout).toContain('fix: GRANT MONITOR ON USER HIDDEN_SVC TO ROLE AUDIT_ROLE;');
  });

  it('runs only SHOW/DESC/USE/SELECT/ALTER SESSION: the simulator recorded every statement', async () => {
    const start = sim.admin.statements.length;
    const result = await audit(['--role', 'AUDIT_ROLE', '--arn', 'arn:aws:iam::123456789012:role/x'], keyPair());
    expect(result.code).toBe(1);
    const statements = sim.admin.statements.slice(start).map((statement) => statement.sql);
    expect(statements.some((sql) => /^SHOW USERS\b/.test(sql))).toBe(true);
    expect(statements.filter((sql) => /^SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER /.test(sql)).length).toBe(11);
    expect(statements.filter((sql) => !READ_ONLY.test(sql))).toEqual([]);
    // Over the whole file, too.
    expect(sim.admin.statements.filter((statement) => !READ_ONLY.test(statement.sql))).toEqual([]);
  });
});

describe('audit --help (issue 21, part 3)', () => {
  it("explains audit's own exit codes: 1 is an error finding, 3 only with --me", async () => {
    const result = await runCli(['audit', '--help'], { env: cleanEnv() });
    expect(result.code).toBe(0);
    const codes = result.stdout.slice(result.stdout.indexOf('Exit codes:'));
    expect(codes).toMatch(/^ {2}0 {3}no finding is an error/m);
    expect(codes).toMatch(/^ {2}1 {3}a finding is an error: a mapping that can never work/m);
    expect(codes).toMatch(/^ {2}3 {3}AWS side \(--me only\)/m);
    expect(codes).not.toContain('Snowflake rejected the identity');
  });
});

describe('audit: connections (connections.toml and config.toml, like the Snowflake CLI)', () => {
  function home(files: Record<string, string>): Record<string, string> {
    const snowflakeHome = tempDir('snowflake-home-');
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(snowflakeHome, name), text);
      chmodSync(join(snowflakeHome, name), 0o600);
    }
    return cleanEnv({ SNOWFLAKE_HOME: snowflakeHome, PRIVATE_KEY_PASSPHRASE: PASSPHRASE, SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: sim.host });
  }
  const entry = () => `account = "${ACCOUNT}"\nhost = "${sim.host}"\nport = ${sim.port}\nprotocol = "http"\nuser = "AUDITOR"\nprivate_key_file = "${keyFile}"\n`;

  it('-c NAME from connections.toml', async () => {
    const result = await audit(['-c', 'admin', '--json'], home({ 'connections.toml': `[admin]\n${entry()}` }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(sim.admin.logins.at(-1)).toMatchObject({ ok: true, authenticator: 'SNOWFLAKE_JWT' });
  });

  it("config.toml's [connections.NAME] and default_connection_name, without -c", async () => {
    const result = await audit(['--json'], home({ 'config.toml': `default_connection_name = "cfg"\n[connections.cfg]\n${entry()}` }));
    expect(result.code, describeRun(result)).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ account: 'WIFCHECK' });
  });

  it('a password in the file is not used, and said so', async () => {
    const file = `[admin]\naccount = "${ACCOUNT}"\nhost = "${sim.host}"\nport = ${sim.port}\nprotocol = "http"\nuser = "AUDITOR"\npassword = "${PASSWORD}"\n`;
    const result = await audit(['-c', 'admin'], home({ 'connections.toml': file }));
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(/has password: wif-check audit does not read secrets from files/);
    expect(result.stderr).toMatch(/NO_ADMIN_CREDENTIALS|No administrator credentials given/);
  });

  it('an unknown connection is a usage error naming the known ones', async () => {
    const result = await audit(['-c', 'nope'], home({ 'connections.toml': `[admin]\n${entry()}`, 'config.toml': `[connections.cfg]\n${entry()}` }));
    expect(result.code).toBe(2);
    // config.toml's connections are not read while connections.toml exists (the Snowflake CLI replaces them).
    expect(result.stderr).toMatch(/Connection 'nope' is not in .*connections\.toml.*\n.*Known connections: admin$/m);
  });

  it('the host rules of issue 9 hold for the admin connection (BAD_HOST before any login)', async () => {
    const before = sim.admin.logins.length;
    const file = `[admin]\n${entry().replace(`host = "${sim.host}"`, 'host = "evil.example/.snowflakecomputing.com"')}`;
    const result = await audit(['-c', 'admin', '--json'], home({ 'connections.toml': file }));
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_HOST' } });
    expect(sim.admin.logins.length).toBe(before);
  });
});

describe('audit: bad input and failures are one clear line, the documented exit code, no secret', () => {
  it.each([
    ['no credentials', [], {}, 2, 'NO_ADMIN_CREDENTIALS'],
    ['a WIF authenticator', ['--authenticator', 'WORKLOAD_IDENTITY'], {}, 2, 'BAD_AUTHENTICATOR'],
    ['key pair without a user', ['--private-key-file', 'KEY'], { SNOWFLAKE_USER: undefined, PRIVATE_KEY_PASSPHRASE: PASSPHRASE }, 2, 'MISSING_USER'],
    ['the wrong passphrase', ['--private-key-file', 'KEY'], { PRIVATE_KEY_PASSPHRASE: 'wrong passphrase 123' }, 2, 'BAD_PRIVATE_KEY'],
    ['no passphrase for an encrypted key', ['--private-key-file', 'KEY'], {}, 2, 'BAD_PRIVATE_KEY'],
    ['a missing key file', ['--private-key-file', '/nonexistent/key.p8'], {}, 2, 'BAD_PRIVATE_KEY'],
    ['a bad --stale-days', ['--stale-days', 'soon'], { SNOWFLAKE_PASSWORD: PASSWORD }, 2, 'BAD_STALE_DAYS'],
    ['a bad --aws-account', ['--aws-account', '12345'], { SNOWFLAKE_PASSWORD: PASSWORD }, 2, 'BAD_AWS_ACCOUNT'],
    ['a bad --arn', ['--arn', 'arn:aws:iam::123456789012:root'], { SNOWFLAKE_PASSWORD: PASSWORD }, 2, 'BAD_ARN'],
    ['--arn and --me', ['--arn', 'arn:aws:iam::123456789012:role/x', '--me'], { SNOWFLAKE_PASSWORD: PASSWORD }, 2, 'BAD_LOOKUP'],
    ['cleartext to a remote host', ['--host', 'myorg-myacct.snowflakecomputing.com'], { SNOWFLAKE_PASSWORD: PASSWORD }, 2, 'INSECURE_PROTOCOL'],
    ['the wrong password', [], { SNOWFLAKE_PASSWORD: 'wrong-password-xyz-123' }, 4, 'ADMIN_LOGIN_FAILED'],
    ['a PAT Snowflake does not know', ['--token-file', 'WRONG_TOKEN'], {}, 4, 'ADMIN_LOGIN_FAILED'],
    ['a role the admin lacks', ['--role', 'SYSADMIN'], { SNOWFLAKE_PASSWORD: PASSWORD }, 4, 'ROLE_NOT_GRANTED'],
  ])('%s', async (_name, args, extra, code, errorCode) => {
    const wrongToken = join(dir, 'wrong.token');
    writeFileSync(wrongToken, 'pat_wrong_0123456789abcdef', { mode: 0o600 });
    const resolved = args.map((arg) => (arg === 'KEY' ? keyFile : arg === 'WRONG_TOKEN' ? wrongToken : arg));
    const result = await audit([...resolved, '--json', '--debug'], env(extra));
    expect(result.code, describeRun(result)).toBe(code);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: errorCode } });
    expect(result.stderr.split('\n')[0]).toMatch(/^✖ \S/);
  });

  it('Snowflake unreachable: exit 4, UNREACHABLE', async () => {
    const result = await audit(['--port', String(await closedPort()), '--json'], env({ SNOWFLAKE_PASSWORD: PASSWORD }));
    expect(result.code, describeRun(result)).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'UNREACHABLE' } });
  });

  it.each([
    ['a network policy on the account', { networkPolicies: [{ name: 'OFFICE_ONLY', allowedIpList: ['10.0.0.0/8'] }], accountNetworkPolicy: 'OFFICE_ONLY' }, /network policy/],
    ['an account authentication policy without PASSWORD', { authenticationPolicies: [{ name: 'KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR'] }], accountAuthenticationPolicy: 'KEYPAIR_ONLY' }, /AUTHENTICATION_METHODS/],
  ])('the administrator refused at a gate (%s): exit 4, ADMIN_LOGIN_FAILED with Snowflake’s words and the gate in the hint', async (_name, gates, hint) => {
    sim.gates.set(gates);
    try {
      const result = await audit(['--json'], env({ SNOWFLAKE_PASSWORD: PASSWORD }));
      expect(result.code, describeRun(result)).toBe(4);
      const document = JSON.parse(result.stdout) as { error: { code: string; snowflakeCode: string }; hint: string };
      expect(document.error.code).toBe('ADMIN_LOGIN_FAILED');
      expect(['390422', '390202']).toContain(document.error.snowflakeCode);
      expect(document.hint).toMatch(hint);
    } finally {
      sim.gates.set({ accountNetworkPolicy: undefined, accountAuthenticationPolicy: undefined });
    }
  });

  it('a redirect is never followed with the credentials (UNEXPECTED_REDIRECT, exit 4)', async () => {
    sim.setMode('redirect');
    try {
      const result = await audit(['--json'], env({ SNOWFLAKE_PASSWORD: PASSWORD }));
      expect(result.code, describeRun(result)).toBe(4);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'UNEXPECTED_REDIRECT' } });
    } finally {
      sim.setMode('normal');
    }
  });
});

describe('audit: output', () => {
  it('server text reaches the terminal escaped (user names, roles)', async () => {
    const evil = 'EVIL\u001b]0;pwned\u0007\u001b[2J';
    sim.admin.setProfile(evil, { identities: [{ name: 'DEFAULT', arn: 'arn:aws:iam::123456789012:role/service-role/x' }] });
    try {
      const result = await audit([], keyPair());
      expect(result.stdout).not.toMatch(ANSI_ESCAPE);
      expect(result.stdout).not.toContain('\u001b');
      expect(result.stdout).toContain('EVIL\\u001b]0;pwned\\u0007');
    } finally {
      sim.admin.setProfile(evil, {});
    }
  });

  it('GITHUB_STEP_SUMMARY gets a Markdown table of the findings', async () => {
    const summary = join(tempDir('summary-'), 'summary.md');
    const result = await audit([], { ...keyPair(), GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(/^### ❌ wif-check audit/);
    expect(markdown).toMatch(/\| ❌ \| PATH\\_SEGMENT\\_ROLE LAMBDA\\_LOADER \|/);
  });
});

describe('doctor --admin-connection', () => {
  it('a failed WIF login gets the snowflake-registration check: the probable user, and a fix that names it', async () => {
    const doctorEnv = doctorWithAdminEnv({ account: ACCOUNT, snowflake: sim, stsUrl: sts.url, keyFile, passphrase: PASSPHRASE });
    const result = await runCliWithoutSecrets(['doctor', '--expect-user', 'LAMBDA_LOADER', '--admin-connection', 'admin', '--json'], doctorEnv, SECRETS);
    expect(result.code, describeRun(result)).toBe(1);
    const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; detail: string; fix?: string }> };
    expect(report.checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail' });
    const registration = report.checks.find((check) => check.id === 'snowflake-registration');
    expect(registration).toMatchObject({ status: 'warn', detail: expect.stringContaining('probably LAMBDA_LOADER, SSO_USER') });
    expect(registration?.detail).toContain('LAMBDA_LOADER has DEFAULT = AWS 123456789012 role service-role');
    expect(registration?.fix).toBe("ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');");
    // Without the flag there is no such check.
    const plain = await runCliWithoutSecrets(['doctor', '--expect-user', 'LAMBDA_LOADER', '--json'], doctorEnv, SECRETS);
    expect((JSON.parse(plain.stdout) as { checks: Array<{ id: string }> }).checks.map((check) => check.id)).not.toContain('snowflake-registration');
  });
});
