/**
 * readGates (src/snowflake/gates-read.ts), in process, against a fake admin session: which
 * statements it sends (once per account and per policy; per user only for the NETWORK_POLICY
 * parameter, and only when the account has a network policy), how it reads the answers, what a
 * refusal for privileges becomes (GATES_UNREADABLE with the GRANT), and its bounds.
 */
import { describe, expect, it } from 'vitest';
import type { AuditUser } from '../../src/core/audit-findings.js';
import { WifError } from '../../src/core/errors.js';
import { SqlFailure, type AdminSession, type Row } from '../../src/snowflake/admin.js';
import { MAX_POLICIES, MAX_POLICY_VALUE_CHARS, readGates } from '../../src/snowflake/gates-read.js';

type Answer = Row[] | SqlFailure;
const PRIVILEGES = new SqlFailure('003001', "SQL access control error:\nInsufficient privileges to operate on account 'WIFCHECK'");

function fakeSession(answer: (sql: string) => Answer | undefined, role: string | null = 'SECURITYADMIN'): AdminSession & { statements: string[] } {
  const statements: string[] = [];
  return {
    user: 'AUDITOR',
    role,
    account: 'WIFCHECK',
    statements,
    close: async () => {},
    query: async (sql) => {
      statements.push(sql);
      const found = answer(sql) ?? [];
      if (found instanceof SqlFailure) throw found;
      return found;
    },
  };
}

const user = (name: string, listed = true, identities = 1): AuditUser => ({
  name,
  type: 'SERVICE',
  disabled: false,
  defaultRole: null,
  identitiesListed: listed,
  identities: Array.from({ length: identities }, () => ({ name: 'DEFAULT', type: 'AWS', awsPartition: 'aws', awsAccount: '123456789012', identityType: 'IAM_ROLE', iamRole: 'r', issuer: null, lastUsed: null, createdOn: null, disabled: null })),
});
const policyRow = (name: string): Row => ({ name, database_name: 'DB', schema_name: 'S' });
const describeRows = (methods: string, wif = '{ALLOWED_PROVIDERS=[ALL]}'): Row[] => [
  { property: 'AUTHENTICATION_METHODS', value: methods },
  { property: 'WORKLOAD_IDENTITY_POLICY', value: wif },
];

describe('readGates', () => {
  it('an account without policies: three statements, whatever the number of users', async () => {
    const session = fakeSession(() => undefined);
    const listing = await readGates(session, Array.from({ length: 50 }, (_, i) => user(`U${i}`)));
    expect(session.statements).toEqual(['SHOW AUTHENTICATION POLICIES IN ACCOUNT', 'SHOW NETWORK POLICIES', "SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT"]);
    expect(listing).toMatchObject({ accountPolicy: undefined, serviceUsersPolicy: undefined, accountNetworkPolicy: undefined, unreadable: [] });
  });

  it('each policy: DESCRIBE and POLICY_REFERENCES (qualified by its database); the attachments by domain', async () => {
    const session = fakeSession((sql) => {
      if (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT') return [policyRow('A'), policyRow('B'), { name: 'Odd"Name', database_name: 'DB', schema_name: 'S' }];
      if (sql.startsWith('DESCRIBE AUTHENTICATION POLICY')) return describeRows('[KEYPAIR]');
      if (sql.includes("POLICY_NAME => 'DB.S.A'")) return [{ POLICY_NAME: 'A', REF_ENTITY_NAME: 'WIFCHECK', REF_ENTITY_DOMAIN: 'ACCOUNT' }, { POLICY_NAME: 'A', REF_ENTITY_NAME: 'U1', REF_ENTITY_DOMAIN: 'USER' }];
      if (sql.includes("POLICY_NAME => 'DB.S.B'")) return [{ POLICY_NAME: 'B', REF_ENTITY_NAME: 'WIFCHECK', REF_ENTITY_DOMAIN: 'SERVICE_USERS' }, { POLICY_NAME: 'B', REF_ENTITY_NAME: 'WIFCHECK', REF_ENTITY_DOMAIN: 'PERSON_USERS' }];
      return undefined;
    });
    const listing = await readGates(session, [user('U1')]);
    expect(session.statements).toContain('DESCRIBE AUTHENTICATION POLICY DB.S.A');
    expect(session.statements).toContain("SELECT POLICY_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN FROM TABLE(DB.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'DB.S.A'))");
    // A name that needs quoting is quoted as an identifier, and the whole name as a string literal.
    expect(session.statements).toContain('DESCRIBE AUTHENTICATION POLICY DB.S."Odd""Name"');
    expect(session.statements).toContain(`SELECT POLICY_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN FROM TABLE(DB.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'DB.S."Odd""Name"'))`);
    expect(listing.accountPolicy).toBe('A');
    expect(listing.serviceUsersPolicy).toBe('B');
    expect([...listing.userPolicies]).toEqual([['U1', 'A']]);
    expect(listing.authenticationPolicies.get('A')?.authenticationMethods).toEqual(['KEYPAIR']);
  });

  it.each([
    ['SECURITYADMIN', 'GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE SECURITYADMIN;'],
    [null, 'GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE <role>;'],
    ['Mixed Case', 'GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE "Mixed Case";'],
  ])('SHOW refused for privileges (role %s): GATES_UNREADABLE naming the GRANT', async (role, grant) => {
    const session = fakeSession((sql) => (sql.startsWith('SHOW AUTHENTICATION') ? PRIVILEGES : undefined), role);
    const listing = await readGates(session, [user('U1')]);
    expect(listing.unreadable.map((finding) => [finding.code, finding.severity, finding.fix])).toEqual([['GATES_UNREADABLE', 'warn', grant]]);
  });

  it('a policy DESCRIBE refuses is listed as unreadable (null), its references still read', async () => {
    const session = fakeSession((sql) => {
      if (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT') return [policyRow('A')];
      if (sql.startsWith('DESCRIBE')) return PRIVILEGES;
      if (sql.includes('POLICY_REFERENCES')) return [{ REF_ENTITY_NAME: 'X', REF_ENTITY_DOMAIN: 'ACCOUNT' }];
      return undefined;
    });
    const listing = await readGates(session, []);
    expect(listing.authenticationPolicies.get('A')).toBeNull();
    expect(listing.accountPolicy).toBe('A');
  });

  it('POLICY_REFERENCES refused: a warning for that policy', async () => {
    const session = fakeSession((sql) => (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT' ? [policyRow('A')] : sql.includes('POLICY_REFERENCES') ? PRIVILEGES : undefined));
    const listing = await readGates(session, []);
    expect(listing.unreadable.map((finding) => finding.detail)).toEqual([expect.stringContaining('Where the authentication policy A is attached')]);
  });

  it('any other refusal is exit 4 QUERY_FAILED with Snowflake’s code', async () => {
    const session = fakeSession((sql) => (sql.startsWith('SHOW NETWORK') ? new SqlFailure('001003', 'SQL compilation error') : undefined));
    await expect(readGates(session, [])).rejects.toMatchObject({ code: 'QUERY_FAILED', exitCode: 4, snowflake: { code: '001003' } });
  });

  it('network policies: their lists; the NETWORK_POLICY parameter of each listed WIF user, and only then', async () => {
    const session = fakeSession((sql) => {
      if (sql === 'SHOW NETWORK POLICIES') return [{ name: 'OFFICE' }, { name: 'MINE' }];
      if (sql === 'DESCRIBE NETWORK POLICY OFFICE') return [{ name: 'ALLOWED_IP_LIST', value: '10.0.0.0/8, 192.0.2.1' }, { name: 'BLOCKED_IP_LIST', value: '10.9.9.9' }];
      if (sql === 'DESCRIBE NETWORK POLICY MINE') return [];
      if (sql === "SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT") return [{ key: 'NETWORK_POLICY', value: 'OFFICE' }];
      if (sql === "SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER U1") return [{ key: 'NETWORK_POLICY', value: 'MINE' }];
      if (sql === "SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER U2") return [{ key: 'NETWORK_POLICY', value: '' }];
      if (sql.includes('IN USER U3') || sql.includes('IN USER U4')) return PRIVILEGES;
      return undefined;
    });
    const listing = await readGates(session, [user('U1'), user('U2'), user('U3'), user('U4'), user('HIDDEN', false), user('NONE', true, 0)]);
    expect(listing.networkPolicies.get('OFFICE')).toEqual({ allowedIpList: ['10.0.0.0/8', '192.0.2.1'], blockedIpList: ['10.9.9.9'] });
    expect(listing.networkPolicies.get('MINE')).toEqual({ allowedIpList: [], blockedIpList: [] });
    expect(listing.accountNetworkPolicy).toBe('OFFICE');
    expect([...listing.userNetworkPolicies]).toEqual([['U1', 'MINE']]);
    expect(session.statements.filter((sql) => sql.includes('IN USER')).sort()).toEqual(['U1', 'U2', 'U3', 'U4'].map((name) => `SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER ${name}`));
    expect(listing.unreadable).toEqual([expect.objectContaining({ code: 'GATES_UNREADABLE', detail: expect.stringContaining('NETWORK_POLICY parameter of 2 users (U3, U4)'), fix: expect.stringContaining('GRANT MONITOR ON USER U3 TO ROLE SECURITYADMIN;') })]);
  });

  it('SHOW NETWORK POLICIES refused: a warning, and no per-user statement', async () => {
    const session = fakeSession((sql) => (sql === 'SHOW NETWORK POLICIES' ? PRIVILEGES : undefined));
    const listing = await readGates(session, [user('U1')]);
    expect(listing.unreadable.map((finding) => finding.fix)).toEqual([expect.stringContaining('GRANT ATTACH POLICY ON ACCOUNT TO ROLE SECURITYADMIN;')]);
    expect(session.statements.some((sql) => sql.includes('IN USER'))).toBe(false);
  });

  it.each([
    ['authentication policies', 'SHOW AUTHENTICATION POLICIES IN ACCOUNT'],
    ['network policies', 'SHOW NETWORK POLICIES'],
  ])('%s: at most MAX_POLICIES, one more is exit 4', async (what, statement) => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => policyRow(`P${i}`));
    await expect(readGates(fakeSession((sql) => (sql === statement ? rows(MAX_POLICIES + 1) : undefined)), [])).rejects.toMatchObject({ code: 'UNEXPECTED_ANSWER', message: expect.stringContaining(what) });
    await expect(readGates(fakeSession((sql) => (sql === statement ? rows(3) : undefined)), [])).resolves.toBeDefined();
  });

  it.each([
    [MAX_POLICY_VALUE_CHARS, true],
    [MAX_POLICY_VALUE_CHARS + 1, false],
  ])('a DESCRIBE value of %i characters: accepted %s', async (chars, accepted) => {
    const session = fakeSession((sql) => {
      if (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT') return [policyRow('A')];
      if (sql.startsWith('DESCRIBE')) return describeRows(`[${'K'.repeat(chars - 2)}]`);
      return undefined;
    });
    const read = readGates(session, []);
    if (accepted) await expect(read).resolves.toBeDefined();
    else await expect(read).rejects.toBeInstanceOf(WifError);
  });
});

describe('readGates: an answer of another shape is never a pass', () => {
  it.each([
    ['a SHOW row without database_name', (sql: string) => (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT' ? [{ name: 'A', schema_name: 'S' }] : undefined), 'without name, database_name or schema_name'],
    [
      'a reference of an unknown domain',
      (sql: string) => (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT' ? [policyRow('A')] : sql.startsWith('DESCRIBE') ? describeRows('[ALL]') : sql.includes('POLICY_REFERENCES') ? [{ REF_ENTITY_NAME: 'G', REF_ENTITY_DOMAIN: 'GROUP' }] : undefined),
      '1 reference of a kind audit does not know',
    ],
  ])('%s: GATES_UNREADABLE', async (_name, answer, detail) => {
    const listing = await readGates(fakeSession(answer), []);
    expect(listing.unreadable).toEqual([expect.objectContaining({ code: 'GATES_UNREADABLE', detail: expect.stringContaining(detail) })]);
  });

  it('a DESCRIBE without AUTHENTICATION_METHODS is a policy not read (null), not ALL', async () => {
    const session = fakeSession((sql) => (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT' ? [policyRow('A')] : sql.startsWith('DESCRIBE') ? [{ property: 'NAME', value: 'A' }] : undefined));
    expect((await readGates(session, [])).authenticationPolicies.get('A')).toBeNull();
  });

  it('FOR ALL PERSON USERS is not a WIF user’s policy: no warning', async () => {
    const session = fakeSession((sql) => (sql === 'SHOW AUTHENTICATION POLICIES IN ACCOUNT' ? [policyRow('A')] : sql.startsWith('DESCRIBE') ? describeRows('[ALL]') : sql.includes('POLICY_REFERENCES') ? [{ REF_ENTITY_NAME: 'X', REF_ENTITY_DOMAIN: 'PERSON_USERS' }] : undefined));
    const listing = await readGates(session, []);
    expect(listing.unreadable).toEqual([]);
    expect([listing.accountPolicy, listing.serviceUsersPolicy]).toEqual([undefined, undefined]);
  });
});
