/**
 * The simulator's administrator side over raw HTTP: key-pair JWTs built like snowflake-sdk 3.3.0
 * builds them (auth_keypair.js: RS256, iss ACCOUNT.USER.SHA256:fp, sub ACCOUNT.USER, times in ms),
 * PATs, passwords, SHOW USERS paging, MONITOR, and the statement log. The real driver is
 * exercised in test/e2e/audit.test.ts.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_FIELDS_USER, HUGE_FIELD_CHARS, IDENTITY_FLOOD_SIZE, publicKeyFingerprint, seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import { startSnowflakeSimulator, type SnowflakeSimulator } from '../../src/simulators/snowflake.js';

type Body = { success: boolean; code: string | null; message: string | null; data: Record<string, unknown> | null };

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function jwt(payload: Record<string, unknown>, key = keys.privateKey, alg = 'RS256'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${part({ alg, typ: 'JWT' })}.${part(payload)}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), key).toString('base64url')}`;
}

function driverJwt(overrides: Record<string, unknown> = {}, key = keys.privateKey): string {
  const now = Date.now();
  return jwt({ iss: `SIMORG-WIFCHECK.AUDITOR.${publicKeyFingerprint(PUBLIC_PEM)}`, sub: 'SIMORG-WIFCHECK.AUDITOR', iat: now, exp: now + 120_000, ...overrides }, key);
}

let sim: SnowflakeSimulator;

beforeAll(async () => {
  const seed = seededAuditAccount({ publicKeyPem: PUBLIC_PEM, pats: ['pat-123456789012'], password: 'pw-123456789012' });
  sim = await startSnowflakeSimulator({ accountName: 'simorg-wifcheck', users: seed.users, admin: seed.admin });
});
afterAll(async () => {
  await sim?.close();
});

async function post(path: string, body: unknown, token?: string): Promise<Body> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Snowflake Token="${token}"` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Body;
}

const login = (data: Record<string, unknown>, query = '') => post(`/session/v1/login-request?requestId=r${query}`, { data: { ACCOUNT_NAME: 'simorg-wifcheck', ...data } });

async function session(query = ''): Promise<string> {
  const answer = await login({ AUTHENTICATOR: 'SNOWFLAKE_JWT', LOGIN_NAME: 'AUDITOR', TOKEN: driverJwt() }, query);
  expect(answer.success).toBe(true);
  return String(answer.data?.token);
}

async function sql(token: string, sqlText: string) {
  const body = await post('/queries/v1/query-request?requestId=q', { sqlText }, token);
  const data = body.data as { rowtype?: Array<{ name: string }>; rowset?: unknown[][] } | null;
  const names = data?.rowtype?.map((column) => column.name) ?? [];
  return { body, rows: (data?.rowset ?? []).map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]]))) };
}

describe('admin logins', () => {
  it('accepts the key-pair JWT the driver builds (fingerprint = SHA-256 of the DER public key)', async () => {
    const der = keys.publicKey.export({ type: 'spki', format: 'der' });
    expect(publicKeyFingerprint(PUBLIC_PEM)).toBe(`SHA256:${createHash('sha256').update(der).digest('base64')}`);
    expect((await login({ AUTHENTICATOR: 'SNOWFLAKE_JWT', LOGIN_NAME: 'AUDITOR', TOKEN: driverJwt() })).success).toBe(true);
    // The JWT standard's seconds work too.
    const seconds = Math.floor(Date.now() / 1000);
    expect((await login({ AUTHENTICATOR: 'SNOWFLAKE_JWT', LOGIN_NAME: 'AUDITOR', TOKEN: driverJwt({ iat: seconds, exp: seconds + 60 }) })).success).toBe(true);
  });

  it.each([
    ['signed with another key', () => driverJwt({}, other.privateKey), 'bad signature'],
    ['expired', () => driverJwt({ exp: Date.now() - 1000 }), 'expired'],
    ['another account', () => driverJwt({ iss: `OTHER.AUDITOR.${publicKeyFingerprint(PUBLIC_PEM)}`, sub: 'OTHER.AUDITOR' }), 'iss/sub'],
    ['another fingerprint', () => driverJwt({ iss: 'SIMORG-WIFCHECK.AUDITOR.SHA256:AAAA' }), 'fingerprint'],
    ['alg none', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`, 'RS256'],
    ['not a JWT', () => 'garbage', 'not a JWT'],
  ])('refuses a JWT %s (390144)', async (_name, token, why) => {
    const answer = await login({ AUTHENTICATOR: 'SNOWFLAKE_JWT', LOGIN_NAME: 'AUDITOR', TOKEN: token() });
    expect(answer).toMatchObject({ success: false, code: '390144' });
    expect(answer.message).toContain(why);
  });

  it('PATs and passwords; wrong ones are 390100; nothing secret is recorded', async () => {
    expect((await login({ AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', TOKEN: 'pat-123456789012' })).success).toBe(true);
    expect(await login({ AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', TOKEN: 'pat-wrong' })).toMatchObject({ success: false, code: '390100' });
    expect((await login({ AUTHENTICATOR: 'SNOWFLAKE', LOGIN_NAME: 'auditor', PASSWORD: 'pw-123456789012' })).success).toBe(true);
    expect((await login({ LOGIN_NAME: 'AUDITOR', PASSWORD: 'pw-123456789012' })).success).toBe(true);
    expect(await login({ LOGIN_NAME: 'AUDITOR', PASSWORD: 'nope' })).toMatchObject({ success: false, code: '390100', message: 'Incorrect username or password was specified.' });
    // A PAT where a password goes (Snowflake: "in place of a password"), but only for its own user, and never an empty one.
    expect((await login({ AUTHENTICATOR: 'SNOWFLAKE', LOGIN_NAME: 'AUDITOR', PASSWORD: 'pat-123456789012' })).success).toBe(true);
    expect(await login({ LOGIN_NAME: 'OTHER_ADMIN', PASSWORD: 'pat-123456789012' })).toMatchObject({ success: false, code: '390100' });
    expect(await login({ LOGIN_NAME: 'AUDITOR', PASSWORD: 'pat-12345678901' })).toMatchObject({ success: false, code: '390100' });
    expect(await login({ LOGIN_NAME: 'AUDITOR', PASSWORD: '' })).toMatchObject({ success: false, code: '390100' });
    expect(JSON.stringify(sim.admin.logins)).not.toMatch(/pat-123456789012|pw-123456789012/);
  });

  it('a role in the connect string must be granted (390189)', async () => {
    await session('&roleName=AUDIT_ROLE');
    const refused = await login({ AUTHENTICATOR: 'SNOWFLAKE', LOGIN_NAME: 'AUDITOR', PASSWORD: 'pw-123456789012' }, '&roleName=SYSADMIN');
    expect(refused).toMatchObject({ success: false, code: '390189' });
  });
});

describe('SHOW as an administrator', () => {
  it('SHOW USERS with type, disabled, has_workload_identity; LIMIT … FROM pages by name', async () => {
    const token = await session();
    const { rows } = await sql(token, 'SHOW USERS');
    expect(rows.map((row) => row.name)).toEqual([...rows.map((row) => row.name)].sort());
    expect(rows.find((row) => row.name === 'ANALYST_BOT')).toMatchObject({ type: 'PERSON', disabled: 'false', has_workload_identity: 'true' });
    expect(rows.find((row) => row.name === 'DISABLED_SVC')).toMatchObject({ disabled: 'true' });
    expect(rows.find((row) => row.name === 'PLAIN_PERSON')).toMatchObject({ has_workload_identity: 'false' });
    const first = await sql(token, 'SHOW USERS LIMIT 5');
    const next = await sql(token, `SHOW USERS LIMIT 5 FROM '${String(first.rows.at(-1)?.name)}'`);
    expect([...first.rows, ...next.rows].map((row) => row.name)).toEqual(rows.slice(0, 10).map((row) => row.name));
    expect((await sql(token, "SHOW USERS LIKE 'etl%'")).rows.map((row) => row.name)).toEqual(['ETL_OLD']);
  });

  it("SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS: Snowflake's columns and additional_info JSON", async () => {
    const token = await session();
    const { rows, body } = await sql(token, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER lambda_loader');
    expect((body.data as { rowtype: Array<{ name: string; type: string }> }).rowtype.map((column) => `${column.name}:${column.type}`)).toEqual([
      'name:text',
      'type:text',
      'comment:text',
      'last_used:timestamp_ltz',
      'created_on:timestamp_ltz',
      'additional_info:text',
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'DEFAULT', type: 'AWS', last_used: null });
    expect(JSON.parse(String(rows[0]?.additional_info))).toEqual({ awsPartition: 'aws', awsAccount: '123456789012', type: 'IAM_ROLE', iamRole: 'service-role' });
    const multi = await sql(token, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER "MULTI"');
    expect(multi.rows.map((row) => row.name)).toEqual(['DEFAULT', 'OLD_KEY']);
    expect(JSON.parse(String(multi.rows[1]?.additional_info))).toMatchObject({ iamRole: 'multi-old-role', disabled: true, issuer: expect.stringMatching(/^https:/) });
  });

  it('needs MONITOR on the user (003001), names unknown users (002003), and MODIFY … SET DISABLED is a write it records', async () => {
    const token = await session('&roleName=AUDIT_ROLE');
    expect((await sql(token, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER HIDDEN_SVC')).body).toMatchObject({
      success: false,
      code: '003001',
      message: expect.stringContaining("Insufficient privileges to operate on user 'HIDDEN_SVC'"),
    });
    expect((await sql(token, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER NOBODY')).body).toMatchObject({ success: false, code: '002003' });
    const admin = await session();
    await sql(admin, 'ALTER USER CI_SMOKE MODIFY WORKLOAD IDENTITY DEFAULT SET DISABLED = TRUE');
    const { rows } = await sql(admin, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER CI_SMOKE');
    expect(JSON.parse(String(rows[0]?.additional_info))).toMatchObject({ disabled: true });
    await sql(admin, 'ALTER USER CI_SMOKE MODIFY WORKLOAD IDENTITY DEFAULT SET DISABLED = FALSE');
    expect(sim.admin.statements.filter((statement) => statement.sql.startsWith('ALTER USER CI_SMOKE')).map((statement) => statement.ok)).toEqual([true, true]);
    expect(sim.admin.statements.at(-1)).toMatchObject({ user: 'AUDITOR', role: 'SECURITYADMIN' });
  });

  it('the identity query answers the session user, role and account', async () => {
    const token = await session();
    const { rows } = await sql(token, 'SELECT CURRENT_USER() AS USER_NAME, CURRENT_ROLE() AS ROLE_NAME, CURRENT_ACCOUNT_NAME() AS ACCOUNT_NAME');
    expect(rows).toEqual([{ USER_NAME: 'AUDITOR', ROLE_NAME: 'SECURITYADMIN', ACCOUNT_NAME: 'WIFCHECK' }]);
  });
});

describe('hostile modes of the administrator side (issue 17, item 10)', () => {
  it("'users-flood': every SHOW USERS page is new users after FROM, one in ten with a workload identity, without end", async () => {
    const token = await session();
    sim.admin.setMode('users-flood');
    try {
      const first = await sql(token, 'SHOW USERS LIMIT 2000');
      const last = String(first.rows.at(-1)?.name);
      const second = await sql(token, `SHOW USERS LIMIT 2000 FROM '${last}'`);
      const names = [...first.rows, ...second.rows].map((row) => String(row.name));
      expect(names).toHaveLength(4000);
      expect(new Set(names).size).toBe(4000);
      expect(names).toEqual([...names].sort());
      expect(second.rows.every((row) => String(row.name) > last)).toBe(true);
      expect([...first.rows, ...second.rows].filter((row) => row.has_workload_identity === 'true')).toHaveLength(400);
      expect(sim.admin.flooded).toBeGreaterThanOrEqual(4000);
    } finally {
      sim.admin.setMode('normal');
    }
    expect((await sql(token, 'SHOW USERS')).rows.some((row) => String(row.name).startsWith('FLOOD_'))).toBe(false);
  });

  it("'huge-fields': SHOW USERS lists one more user with a default_role of a million characters", async () => {
    const token = await session();
    sim.admin.setMode('huge-fields');
    try {
      const { rows } = await sql(token, 'SHOW USERS LIMIT 2000');
      expect(String(rows.find((row) => row.name === HUGE_FIELDS_USER)?.default_role)).toHaveLength(HUGE_FIELD_CHARS);
      expect(rows.map((row) => row.name)).toContain('LAMBDA_LOADER');
    } finally {
      sim.admin.setMode('normal');
    }
  });

  it("'identities-flood': every identity listing has IDENTITY_FLOOD_SIZE identities", async () => {
    const token = await session();
    sim.admin.setMode('identities-flood');
    try {
      const { rows } = await sql(token, 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER ETL_OLD');
      expect(rows).toHaveLength(IDENTITY_FLOOD_SIZE);
      expect(new Set(rows.map((row) => row.name)).size).toBe(IDENTITY_FLOOD_SIZE);
    } finally {
      sim.admin.setMode('normal');
    }
  });
});
