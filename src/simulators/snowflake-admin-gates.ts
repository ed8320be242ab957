/**
 * The read statements `wif-check audit` uses for the gates before the mapping (issue 20, part 4,
 * item 2), as the Snowflake simulator's administrator side answers them from the gates it enforces
 * (./snowflake-gates.ts). Read-only: nothing here changes a gate.
 *
 * Statements and shapes (docs.snowflake.com sql-reference; ../../../shared/FACTS.md "The gates"):
 * - `SHOW AUTHENTICATION POLICIES [LIKE '…'] [IN ACCOUNT | ON ACCOUNT | ON USER <name>]`: columns
 *   created_on, name, comment, database_name, schema_name, owner, owner_role_type, options;
 * - `DESC[RIBE] AUTHENTICATION POLICY <[db.schema.]name>`: columns property, value, default,
 *   description; AUTHENTICATION_METHODS as `[ALL]` / `[KEYPAIR, PASSWORD]`, WORKLOAD_IDENTITY_POLICY as
 *   `{ALLOWED_PROVIDERS=[ALL], ALLOWED_AWS_ACCOUNTS=[ALL], ALLOWED_AWS_PARTITIONS=[ALL], …}` (the
 *   value shapes come from terraform-provider-snowflake's integration tests, not the docs);
 * - `SELECT … FROM TABLE(<db>.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '…'))` (or
 *   `REF_ENTITY_NAME => '…', REF_ENTITY_DOMAIN => 'USER' | 'ACCOUNT'`): POLICY_DB, POLICY_SCHEMA,
 *   POLICY_NAME, POLICY_KIND, REF_DATABASE_NAME, REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN,
 *   REF_COLUMN_NAME, REF_ARG_COLUMN_NAMES, TAG_DATABASE, TAG_SCHEMA, TAG_NAME, POLICY_STATUS; an
 *   unqualified INFORMATION_SCHEMA without a current database is refused (090105), as in Snowflake;
 * - `SHOW NETWORK POLICIES`: created_on, name, comment, entries_in_allowed_ip_list,
 *   entries_in_blocked_ip_list, entries_in_allowed_network_rules, entries_in_blocked_network_rules;
 * - `DESC[RIBE] NETWORK POLICY <name>`: name, value (ALLOWED_IP_LIST, BLOCKED_IP_LIST, comma-separated);
 * - `SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT | IN USER <name>`: key, value, default, level,
 *   description, type.
 *
 * ASSUMED (not documented; do not rely on it against real Snowflake):
 * - how POLICY_REFERENCES shows `ALTER ACCOUNT SET AUTHENTICATION POLICY … FOR ALL SERVICE USERS`:
 *   here a row with REF_ENTITY_DOMAIN = 'SERVICE_USERS' (audit reads any domain naming SERVICE so);
 * - a role without APPLY AUTHENTICATION POLICY (SECURITYADMIN and ACCOUNTADMIN hold it) is refused
 *   SHOW/DESCRIBE AUTHENTICATION POLICY, POLICY_REFERENCES, SHOW/DESCRIBE NETWORK POLICY with 003001
 *   (real Snowflake may instead list only what the role may see: audit then warns on an empty list
 *   only when a policy is referenced and cannot be described);
 * - SHOW PARAMETERS IN USER needs MONITOR on the user, like the identity listing;
 * - every policy lives in SECURITY_DB.POLICIES unless the test bed says otherwise; created_on is fixed.
 */
import type { SimAuthenticationPolicy, SimGates, SimNetworkPolicy } from './snowflake-gates.js';

export interface GateReadContext {
  gates: Readonly<SimGates>;
  /** CURRENT_ACCOUNT_NAME(). */
  accountName: string;
  /** The session's role holds APPLY AUTHENTICATION POLICY (and may read network policies). */
  mayReadPolicies: boolean;
  mayMonitor(user: string): boolean;
  userExists(user: string): boolean;
}

export type GateAnswer = { columns: string[]; rows: Array<Array<string | null>> } | { error: { code: string; message: string } };

export const DEFAULT_POLICY_DATABASE = 'SECURITY_DB';
export const DEFAULT_POLICY_SCHEMA = 'POLICIES';
const CREATED_ON = '2025-01-15T09:30:00.000Z';

const PART = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`(${PART}(?:\s*\.\s*${PART}){0,2})`;
const STRING = String.raw`'((?:[^'\\]|''|\\.)*)'`;

/** `"Quoted"` → exact, unquoted → upper case. */
function unquote(raw: string): string {
  const t = raw.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t.toUpperCase();
}

/** `db.schema."Name"` → its parts, each as stored. */
function parts(qualified: string): string[] {
  return (qualified.match(new RegExp(PART, 'g')) ?? []).map(unquote);
}

const same = (a: string | undefined, b: string | undefined) => (a ?? '').toUpperCase() === (b ?? '').toUpperCase();
const where = (policy: SimAuthenticationPolicy) => ({ database: policy.database ?? DEFAULT_POLICY_DATABASE, schema: policy.schema ?? DEFAULT_POLICY_SCHEMA });
const fullName = (policy: SimAuthenticationPolicy) => `${where(policy).database}.${where(policy).schema}.${policy.name}`;

/** A policy by a name from SQL (`parts`: exact, as Snowflake stores identifiers), or from the test bed's settings (`loose`: any case). */
function findAuthPolicy(gates: Readonly<SimGates>, name: string[], loose = false): SimAuthenticationPolicy | undefined {
  const [last, schema, database] = [...name].reverse();
  const eq = (a: string, b: string | undefined) => (loose ? same(a, b) : a === b);
  return gates.authenticationPolicies?.find((policy) => eq(policy.name, last) && (schema === undefined || eq(where(policy).schema, schema)) && (database === undefined || eq(where(policy).database, database)));
}
const findNetworkPolicy = (gates: Readonly<SimGates>, name: string): SimNetworkPolicy | undefined => gates.networkPolicies?.find((policy) => same(policy.name, name));
const userGates = (gates: Readonly<SimGates>, user: string) => Object.entries(gates.users ?? {}).find(([key]) => same(key, user))?.[1];

const refused = (account: string): GateAnswer => ({ error: { code: '003001', message: `SQL access control error:\nInsufficient privileges to operate on account '${account}'` } });
const notFound = (what: string, name: string): GateAnswer => ({ error: { code: '002003', message: `SQL compilation error:\n${what} '${name}' does not exist or not authorized.` } });

/** `[ALL]`, `[KEYPAIR, PASSWORD]`: how DESCRIBE shows a list. */
const listValue = (items: readonly string[] | undefined) => `[${(items?.length ? items : ['ALL']).join(', ')}]`;

function describeAuthPolicy(policy: SimAuthenticationPolicy): GateAnswer {
  const wif = policy.workloadIdentityPolicy ?? {};
  const wifValue = `{ALLOWED_PROVIDERS=${listValue(wif.allowedProviders)}, ALLOWED_AWS_ACCOUNTS=${listValue(wif.allowedAwsAccounts)}, ALLOWED_AWS_PARTITIONS=${listValue(wif.allowedAwsPartitions)}, ALLOWED_AZURE_ISSUERS=${listValue(wif.allowedAzureIssuers)}, ALLOWED_OIDC_ISSUERS=${listValue(wif.allowedOidcIssuers)}}`;
  const rows: Array<[string, string, string, string]> = [
    ['NAME', policy.name, '', 'Name of the authentication policy'],
    ['OWNER', 'SECURITYADMIN', '', 'Role that owns the authentication policy'],
    ['COMMENT', '', '', 'Comment'],
    ['AUTHENTICATION_METHODS', listValue(policy.authenticationMethods), '[ALL]', 'Allowed authentication methods'],
    ['CLIENT_TYPES', '[ALL]', '[ALL]', 'Allowed client types'],
    ['SECURITY_INTEGRATIONS', '[ALL]', '[ALL]', 'Allowed security integrations'],
    ['MFA_ENROLLMENT', 'OPTIONAL', 'OPTIONAL', 'Whether users must enroll in MFA'],
    ['WORKLOAD_IDENTITY_POLICY', wifValue, '{ALLOWED_PROVIDERS=[ALL], ALLOWED_AWS_ACCOUNTS=[ALL], ALLOWED_AWS_PARTITIONS=[ALL], ALLOWED_AZURE_ISSUERS=[ALL], ALLOWED_OIDC_ISSUERS=[ALL]}', 'Workload identity policy'],
  ];
  return { columns: ['property', 'value', 'default', 'description'], rows };
}

const SHOW_POLICY_COLUMNS = ['created_on', 'name', 'comment', 'database_name', 'schema_name', 'owner', 'owner_role_type', 'options'];
const showPolicyRow = (policy: SimAuthenticationPolicy): Array<string | null> => [CREATED_ON, policy.name, '', where(policy).database, where(policy).schema, 'SECURITYADMIN', 'ROLE', ''];

const REFERENCE_COLUMNS = ['POLICY_DB', 'POLICY_SCHEMA', 'POLICY_NAME', 'POLICY_KIND', 'REF_DATABASE_NAME', 'REF_SCHEMA_NAME', 'REF_ENTITY_NAME', 'REF_ENTITY_DOMAIN', 'REF_COLUMN_NAME', 'REF_ARG_COLUMN_NAMES', 'TAG_DATABASE', 'TAG_SCHEMA', 'TAG_NAME', 'POLICY_STATUS'];

/** Every attachment of the authentication policies: [policy, entity name, domain]. */
function references(ctx: GateReadContext): Array<[SimAuthenticationPolicy, string, string]> {
  const { gates } = ctx;
  const out: Array<[SimAuthenticationPolicy, string, string]> = [];
  const add = (name: string | undefined, entity: string, domain: string) => {
    const policy = name === undefined ? undefined : findAuthPolicy(gates, [name], true);
    if (policy) out.push([policy, entity, domain]);
  };
  add(gates.accountAuthenticationPolicy, ctx.accountName, 'ACCOUNT');
  add(gates.serviceUsersAuthenticationPolicy, ctx.accountName, 'SERVICE_USERS');
  for (const [user, settings] of Object.entries(gates.users ?? {})) add(settings.authenticationPolicy, user.toUpperCase(), 'USER');
  return out;
}

function policyReferences(args: string, qualifiedDatabase: string | undefined, select: string, ctx: GateReadContext): GateAnswer {
  if (qualifiedDatabase === undefined) {
    return { error: { code: '090105', message: "Cannot perform SELECT. This session does not have a current database. Call 'USE DATABASE', or use a qualified name." } };
  }
  if (!ctx.mayReadPolicies) return refused(ctx.accountName);
  const named = new Map<string, string>();
  for (const match of args.matchAll(new RegExp(String.raw`([A-Za-z_]+)\s*=>\s*${STRING}`, 'g'))) named.set((match[1] ?? '').toUpperCase(), (match[2] ?? '').replace(/''/g, "'"));
  let refs = references(ctx);
  const policyName = named.get('POLICY_NAME');
  if (policyName !== undefined) {
    const policy = findAuthPolicy(ctx.gates, parts(policyName));
    if (!policy) return notFound('Authentication policy', policyName);
    refs = refs.filter(([candidate]) => candidate === policy);
  } else {
    const entity = named.get('REF_ENTITY_NAME');
    const domain = named.get('REF_ENTITY_DOMAIN');
    if (entity === undefined || domain === undefined) return { error: { code: '001044', message: 'SQL compilation error: error line 0 at position -1\nInvalid argument types for function \'POLICY_REFERENCES\'.' } };
    if (same(domain, 'USER') && !ctx.userExists(entity.toUpperCase())) return notFound('User', entity);
    refs = refs.filter(([, name, kind]) => same(name, entity) && same(kind, domain));
  }
  const rows = refs.map(([policy, entity, domain]) => [where(policy).database, where(policy).schema, policy.name, 'AUTHENTICATION_POLICY', null, null, entity, domain, null, null, null, null, null, 'ACTIVE']);
  const wanted = select.trim() === '*' ? REFERENCE_COLUMNS : select.split(',').map((column) => column.trim().toUpperCase());
  const indexes = wanted.map((column) => REFERENCE_COLUMNS.indexOf(column));
  const missing = wanted.find((_column, i) => indexes[i] === -1);
  if (missing !== undefined) return { error: { code: '000904', message: `SQL compilation error: error line 1 at position 7\ninvalid identifier '${missing}'` } };
  return { columns: wanted, rows: rows.map((row) => indexes.map((i) => row[i] ?? null)) };
}

const PARAMETER_COLUMNS = ['key', 'value', 'default', 'level', 'description', 'type'];
const networkParameter = (value: string | undefined, level: string): GateAnswer => ({
  columns: PARAMETER_COLUMNS,
  rows: [['NETWORK_POLICY', value ?? '', '', value ? level : '', 'Network policy to be applied.', 'STRING']],
});

/** The statement's answer, or undefined when it is not one of these. */
export function answerGateStatement(sql: string, ctx: GateReadContext): GateAnswer | undefined {
  const { gates } = ctx;
  let match: RegExpExecArray | null;
  if ((match = new RegExp(String.raw`^SHOW\s+AUTHENTICATION\s+POLICIES(?:\s+LIKE\s+${STRING})?(?:\s+(IN\s+ACCOUNT|ON\s+ACCOUNT|ON\s+USER\s+${QUALIFIED}))?(?:\s+LIMIT\s+(\d+))?$`, 'i').exec(sql))) {
    if (!ctx.mayReadPolicies) return refused(ctx.accountName);
    let policies = [...(gates.authenticationPolicies ?? [])];
    const scope = (match[2] ?? '').toUpperCase().replace(/\s+/g, ' ');
    if (scope === 'ON ACCOUNT') {
      policies = policies.filter((policy) => same(policy.name, gates.accountAuthenticationPolicy) || same(policy.name, gates.serviceUsersAuthenticationPolicy));
    } else if (scope.startsWith('ON USER')) {
      const user = parts(match[3] ?? '').at(-1) ?? '';
      if (!ctx.userExists(user)) return notFound('User', user);
      policies = policies.filter((policy) => same(policy.name, userGates(gates, user)?.authenticationPolicy));
    }
    if (match[1] !== undefined) {
      const like = new RegExp(`^${match[1].replace(/''/g, "'").replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'is');
      policies = policies.filter((policy) => like.test(policy.name));
    }
    if (match[4] !== undefined) policies = policies.slice(0, Number(match[4]));
    return { columns: SHOW_POLICY_COLUMNS, rows: policies.map(showPolicyRow) };
  }
  if ((match = new RegExp(String.raw`^(?:DESC|DESCRIBE)\s+AUTHENTICATION\s+POLICY\s+${QUALIFIED}$`, 'i').exec(sql))) {
    if (!ctx.mayReadPolicies) return refused(ctx.accountName);
    const policy = findAuthPolicy(gates, parts(match[1] ?? ''));
    return policy ? describeAuthPolicy(policy) : notFound('Authentication policy', parts(match[1] ?? '').join('.'));
  }
  if ((match = new RegExp(String.raw`^SELECT\s+(.+?)\s+FROM\s+TABLE\s*\(\s*(?:(${PART})\s*\.\s*)?INFORMATION_SCHEMA\s*\.\s*POLICY_REFERENCES\s*\((.*)\)\s*\)$`, 'is').exec(sql))) {
    return policyReferences(match[3] ?? '', match[2] === undefined ? undefined : unquote(match[2]), match[1] ?? '*', ctx);
  }
  if (/^SHOW\s+NETWORK\s+POLICIES$/i.test(sql)) {
    if (!ctx.mayReadPolicies) return refused(ctx.accountName);
    const rows = (gates.networkPolicies ?? []).map((policy) => [CREATED_ON, policy.name, '', String(policy.allowedIpList?.length ?? 0), String(policy.blockedIpList?.length ?? 0), '0', '0']);
    return { columns: ['created_on', 'name', 'comment', 'entries_in_allowed_ip_list', 'entries_in_blocked_ip_list', 'entries_in_allowed_network_rules', 'entries_in_blocked_network_rules'], rows };
  }
  if ((match = new RegExp(String.raw`^(?:DESC|DESCRIBE)\s+NETWORK\s+POLICY\s+(${PART})$`, 'i').exec(sql))) {
    if (!ctx.mayReadPolicies) return refused(ctx.accountName);
    const name = unquote(match[1] ?? '');
    const policy = findNetworkPolicy(gates, name);
    if (!policy) return notFound('Network policy', name);
    const rows: Array<Array<string | null>> = [];
    if (policy.allowedIpList?.length) rows.push(['ALLOWED_IP_LIST', policy.allowedIpList.join(',')]);
    if (policy.blockedIpList?.length) rows.push(['BLOCKED_IP_LIST', policy.blockedIpList.join(',')]);
    return { columns: ['name', 'value'], rows };
  }
  if ((match = new RegExp(String.raw`^SHOW\s+PARAMETERS\s+LIKE\s+'NETWORK_POLICY'\s+IN\s+(?:(ACCOUNT)|USER\s+(${PART}))$`, 'i').exec(sql))) {
    if (match[1] !== undefined) return networkParameter(gates.accountNetworkPolicy, 'ACCOUNT');
    const user = unquote(match[2] ?? '');
    if (!ctx.userExists(user)) return notFound('User', user);
    if (!ctx.mayMonitor(user)) return { error: { code: '003001', message: `SQL access control error:\nInsufficient privileges to operate on user '${user}'` } };
    return networkParameter(userGates(gates, user)?.networkPolicy, 'USER');
  }
  return undefined;
}

export { fullName as authenticationPolicyFullName };
