/**
 * The simulator's answers to audit's gate statements (src/simulators/snowflake-admin-gates.ts), one
 * line per statement: the columns Snowflake's docs name, the values as DESCRIBE shows them, the
 * privilege refusals, and what it does not answer. The real driver reads them in
 * test/e2e/audit-gates.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { answerGateStatement, type GateAnswer, type GateReadContext } from '../../src/simulators/snowflake-admin-gates.js';
import type { SimGates } from '../../src/simulators/snowflake-gates.js';

const GATES: SimGates = {
  authenticationPolicies: [
    { name: 'ACCOUNT_P', authenticationMethods: ['KEYPAIR', 'PASSWORD'] },
    { name: 'SVC_P', workloadIdentityPolicy: { allowedProviders: ['AWS'], allowedAwsAccounts: ['123456789012'], allowedAwsPartitions: ['aws'] } },
    { name: 'USER_P', database: 'OTHER_DB', schema: 'S', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedOidcIssuers: ['https://a.example', 'https://b.example'] } },
  ],
  networkPolicies: [{ name: 'OFFICE', allowedIpList: ['10.0.0.0/8', '192.0.2.1'], blockedIpList: ['10.9.9.9'] }, { name: 'EMPTY' }],
  accountAuthenticationPolicy: 'ACCOUNT_P',
  serviceUsersAuthenticationPolicy: 'SVC_P',
  accountNetworkPolicy: 'OFFICE',
  users: { U1: { authenticationPolicy: 'USER_P', networkPolicy: 'OFFICE' }, U2: {} },
};

const ctx = (patch: Partial<GateReadContext> = {}): GateReadContext => ({
  gates: GATES,
  accountName: 'WIFCHECK',
  mayReadPolicies: true,
  mayMonitor: (user) => user !== 'HIDDEN',
  userExists: (user) => ['U1', 'U2', 'HIDDEN'].includes(user),
  ...patch,
});

const rowsOf = (answer: GateAnswer | undefined) => {
  if (!answer || 'error' in answer) throw new Error(`no rows: ${JSON.stringify(answer)}`);
  return answer.rows.map((row) => Object.fromEntries(answer.columns.map((column, i) => [column, row[i]])));
};
const errorOf = (answer: GateAnswer | undefined) => (answer && 'error' in answer ? answer.error : undefined);

const WIF_ALL = '{ALLOWED_PROVIDERS=[ALL], ALLOWED_AWS_ACCOUNTS=[ALL], ALLOWED_AWS_PARTITIONS=[ALL], ALLOWED_AZURE_ISSUERS=[ALL], ALLOWED_OIDC_ISSUERS=[ALL]}';

describe('SHOW AUTHENTICATION POLICIES', () => {
  it.each([
    ['SHOW AUTHENTICATION POLICIES', ['ACCOUNT_P', 'SVC_P', 'USER_P']],
    ['show authentication policies in account', ['ACCOUNT_P', 'SVC_P', 'USER_P']],
    ['SHOW AUTHENTICATION POLICIES ON ACCOUNT', ['ACCOUNT_P', 'SVC_P']],
    ['SHOW AUTHENTICATION POLICIES ON USER U1', ['USER_P']],
    ['SHOW AUTHENTICATION POLICIES ON USER "U2"', []],
    ["SHOW AUTHENTICATION POLICIES LIKE '%_P' IN ACCOUNT", ['ACCOUNT_P', 'SVC_P', 'USER_P']],
    ["SHOW AUTHENTICATION POLICIES LIKE 'svc%'", ['SVC_P']],
    ['SHOW AUTHENTICATION POLICIES LIMIT 1', ['ACCOUNT_P']],
  ])('%s → %j', (sql, names) => {
    expect(rowsOf(answerGateStatement(sql, ctx())).map((row) => row.name)).toEqual(names);
  });

  it("has the docs' columns; a policy's database and schema", () => {
    const answer = answerGateStatement('SHOW AUTHENTICATION POLICIES', ctx());
    expect(answer && 'columns' in answer ? answer.columns : []).toEqual(['created_on', 'name', 'comment', 'database_name', 'schema_name', 'owner', 'owner_role_type', 'options']);
    expect(rowsOf(answer).map((row) => `${String(row.database_name)}.${String(row.schema_name)}`)).toEqual(['SECURITY_DB.POLICIES', 'SECURITY_DB.POLICIES', 'OTHER_DB.S']);
  });

  it.each([
    ['without APPLY AUTHENTICATION POLICY', 'SHOW AUTHENTICATION POLICIES', ctx({ mayReadPolicies: false }), '003001'],
    ['ON USER of a user that does not exist', 'SHOW AUTHENTICATION POLICIES ON USER NOBODY', ctx(), '002003'],
  ])('refused %s (%s)', (_name, sql, context, code) => {
    expect(errorOf(answerGateStatement(sql, context))?.code).toBe(code);
  });
});

describe('DESCRIBE AUTHENTICATION POLICY', () => {
  it.each([
    ['DESCRIBE AUTHENTICATION POLICY ACCOUNT_P', '[KEYPAIR, PASSWORD]', WIF_ALL],
    ['DESC AUTHENTICATION POLICY SECURITY_DB.POLICIES.SVC_P', '[ALL]', '{ALLOWED_PROVIDERS=[AWS], ALLOWED_AWS_ACCOUNTS=[123456789012], ALLOWED_AWS_PARTITIONS=[aws], ALLOWED_AZURE_ISSUERS=[ALL], ALLOWED_OIDC_ISSUERS=[ALL]}'],
    ['describe authentication policy "OTHER_DB"."S"."USER_P"', '[WORKLOAD_IDENTITY]', '{ALLOWED_PROVIDERS=[ALL], ALLOWED_AWS_ACCOUNTS=[ALL], ALLOWED_AWS_PARTITIONS=[ALL], ALLOWED_AZURE_ISSUERS=[ALL], ALLOWED_OIDC_ISSUERS=[https://a.example, https://b.example]}'],
  ])('%s', (sql, methods, wif) => {
    const rows = rowsOf(answerGateStatement(sql, ctx()));
    expect(Object.keys(rows[0] ?? {})).toEqual(['property', 'value', 'default', 'description']);
    expect(rows.find((row) => row.property === 'AUTHENTICATION_METHODS')?.value).toBe(methods);
    expect(rows.find((row) => row.property === 'WORKLOAD_IDENTITY_POLICY')?.value).toBe(wif);
  });

  it.each([
    ['another schema', 'DESCRIBE AUTHENTICATION POLICY SECURITY_DB.OTHER.SVC_P', '002003'],
    ['unknown', 'DESCRIBE AUTHENTICATION POLICY NOPE', '002003'],
    ['case matters when quoted', 'DESCRIBE AUTHENTICATION POLICY "svc_p"', '002003'],
  ])('not found: %s', (_name, sql, code) => {
    expect(errorOf(answerGateStatement(sql, ctx()))?.code).toBe(code);
  });
});

describe('INFORMATION_SCHEMA.POLICY_REFERENCES', () => {
  it.each([
    ["SELECT POLICY_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN FROM TABLE(SECURITY_DB.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'SECURITY_DB.POLICIES.ACCOUNT_P'))", [{ POLICY_NAME: 'ACCOUNT_P', REF_ENTITY_NAME: 'WIFCHECK', REF_ENTITY_DOMAIN: 'ACCOUNT' }]],
    ["SELECT POLICY_NAME, REF_ENTITY_DOMAIN FROM TABLE(SECURITY_DB.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'SECURITY_DB.POLICIES.SVC_P'))", [{ POLICY_NAME: 'SVC_P', REF_ENTITY_DOMAIN: 'SERVICE_USERS' }]],
    ["SELECT REF_ENTITY_NAME, REF_ENTITY_DOMAIN FROM TABLE(OTHER_DB.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '\"OTHER_DB\".\"S\".\"USER_P\"'))", [{ REF_ENTITY_NAME: 'U1', REF_ENTITY_DOMAIN: 'USER' }]],
    ["SELECT POLICY_NAME FROM TABLE(X.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'U1', REF_ENTITY_DOMAIN => 'user'))", [{ POLICY_NAME: 'USER_P' }]],
    ["SELECT POLICY_NAME FROM TABLE(X.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'U2', REF_ENTITY_DOMAIN => 'USER'))", []],
  ])('%s', (sql, rows) => {
    expect(rowsOf(answerGateStatement(sql, ctx()))).toEqual(rows);
  });

  it('SELECT * has every documented column', () => {
    const answer = answerGateStatement("SELECT * FROM TABLE(SECURITY_DB.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'ACCOUNT_P'))", ctx());
    expect(answer && 'columns' in answer ? answer.columns : []).toEqual(['POLICY_DB', 'POLICY_SCHEMA', 'POLICY_NAME', 'POLICY_KIND', 'REF_DATABASE_NAME', 'REF_SCHEMA_NAME', 'REF_ENTITY_NAME', 'REF_ENTITY_DOMAIN', 'REF_COLUMN_NAME', 'REF_ARG_COLUMN_NAMES', 'TAG_DATABASE', 'TAG_SCHEMA', 'TAG_NAME', 'POLICY_STATUS']);
    expect(rowsOf(answer)[0]).toMatchObject({ POLICY_KIND: 'AUTHENTICATION_POLICY', POLICY_STATUS: 'ACTIVE' });
  });

  it.each([
    ['without a database (no USE DATABASE in the session)', "SELECT * FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'ACCOUNT_P'))", ctx(), '090105'],
    ['without APPLY AUTHENTICATION POLICY', "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'ACCOUNT_P'))", ctx({ mayReadPolicies: false }), '003001'],
    ['an unknown policy', "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'NOPE'))", ctx(), '002003'],
    ['an unknown column', "SELECT NOPE FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'ACCOUNT_P'))", ctx(), '000904'],
    ['neither a policy nor an entity', 'SELECT * FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES())', ctx(), '001044'],
    ['an unknown user', "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'NOBODY', REF_ENTITY_DOMAIN => 'USER'))", ctx(), '002003'],
  ])('refused %s', (_name, sql, context, code) => {
    expect(errorOf(answerGateStatement(sql, context))?.code).toBe(code);
  });
});

describe('network policies and the NETWORK_POLICY parameter', () => {
  it('SHOW NETWORK POLICIES: the documented columns, the counts of entries', () => {
    const answer = answerGateStatement('SHOW NETWORK POLICIES', ctx());
    expect(answer && 'columns' in answer ? answer.columns : []).toEqual(['created_on', 'name', 'comment', 'entries_in_allowed_ip_list', 'entries_in_blocked_ip_list', 'entries_in_allowed_network_rules', 'entries_in_blocked_network_rules']);
    expect(rowsOf(answer).map((row) => [row.name, row.entries_in_allowed_ip_list, row.entries_in_blocked_ip_list])).toEqual([['OFFICE', '2', '1'], ['EMPTY', '0', '0']]);
  });

  it.each([
    ['DESCRIBE NETWORK POLICY OFFICE', [{ name: 'ALLOWED_IP_LIST', value: '10.0.0.0/8,192.0.2.1' }, { name: 'BLOCKED_IP_LIST', value: '10.9.9.9' }]],
    ['desc network policy "EMPTY"', []],
  ])('%s', (sql, rows) => {
    expect(rowsOf(answerGateStatement(sql, ctx()))).toEqual(rows);
  });

  it.each([
    ["SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT", 'OFFICE', 'ACCOUNT'],
    ["SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER U1", 'OFFICE', 'USER'],
    ["show parameters like 'NETWORK_POLICY' in user u2", '', ''],
  ])('%s → %j at level %j', (sql, value, level) => {
    expect(rowsOf(answerGateStatement(sql, ctx()))).toEqual([{ key: 'NETWORK_POLICY', value, default: '', level, description: 'Network policy to be applied.', type: 'STRING' }]);
  });

  it.each([
    ['SHOW NETWORK POLICIES', ctx({ mayReadPolicies: false }), '003001'],
    ['DESCRIBE NETWORK POLICY OFFICE', ctx({ mayReadPolicies: false }), '003001'],
    ['DESCRIBE NETWORK POLICY NOPE', ctx(), '002003'],
    ["SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER HIDDEN", ctx(), '003001'],
    ["SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER NOBODY", ctx(), '002003'],
  ])('refused: %s', (sql, context, code) => {
    expect(errorOf(answerGateStatement(sql, context))?.code).toBe(code);
  });
});

it.each(['SHOW USERS', 'SELECT CURRENT_USER()', 'ALTER AUTHENTICATION POLICY P SET AUTHENTICATION_METHODS = (ALL)', "SHOW PARAMETERS LIKE 'TIMEZONE' IN ACCOUNT", 'CREATE NETWORK POLICY N'])(
  'not a gate statement (left to the rest of the simulator): %s',
  (sql) => {
    expect(answerGateStatement(sql, ctx())).toBeUndefined();
  },
);
