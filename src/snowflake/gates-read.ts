/**
 * audit's read of the gates before the mapping (issue 20, part 4, item 2): the authentication and
 * network policies of an account and where they are attached, read once per account (a few
 * statements per policy), not once per user — except the user-level NETWORK_POLICY parameter, which
 * only SHOW PARAMETERS … IN USER shows, and which is read only when the account has a network policy.
 *
 * Read-only statements only (the simulator's statement log proves it):
 *   SHOW AUTHENTICATION POLICIES IN ACCOUNT
 *   DESCRIBE AUTHENTICATION POLICY db.schema.name                                  (per policy)
 *   SELECT … FROM TABLE(db.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '…')) (per policy)
 *   SHOW NETWORK POLICIES / DESCRIBE NETWORK POLICY name                           (per policy)
 *   SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT / IN USER name
 * What the role may not read is a GATES_UNREADABLE finding naming the GRANT, never a silent pass.
 * Every server value is bounded like the rest of audit's input (src/snowflake/admin.ts).
 */
import { WifError } from '../core/errors.js';
import type { AuditUser, Finding } from '../core/audit-findings.js';
import { gatesUnreadable, parseAuthenticationPolicy, type AuthenticationPolicy, type GatesListing, type NetworkPolicyLists } from '../core/gate-findings.js';
import { identifierForStoredName, quoteStringLiteral } from '../core/sql.js';
import { AUDIT_CONCURRENCY, MAX_NAME_CHARS, MAX_TEXT_CHARS, SqlFailure, bounded, nameSql, type AdminSession, type Row } from './admin.js';

/** Policies of one kind audit reads: an account has a handful; far more is not Snowflake answering. */
export const MAX_POLICIES = 1_000;
/** A DESCRIBE value (an IP list of hundreds of entries, a workload identity policy with issuers). */
export const MAX_POLICY_VALUE_CHARS = 65_536;

const NO_PRIVILEGE = /insufficient privileges|not authorized/i;
const refusedForPrivilege = (error: unknown): error is SqlFailure => error instanceof SqlFailure && (error.code === '003001' || NO_PRIVILEGE.test(error.message));

/** A column of a row whatever its case (SHOW answers lower case, INFORMATION_SCHEMA upper case). */
function column(row: Row, name: string): unknown {
  return row[name] ?? row[name.toUpperCase()] ?? row[name.toLowerCase()];
}

function tooMany(what: string): WifError {
  return new WifError('snowflake', `Snowflake listed more than ${MAX_POLICIES.toLocaleString('en-US')} ${what}: audit stops there`, {
    code: 'UNEXPECTED_ANSWER',
    hint: 'An account has a handful of policies: check that --host and --port reach Snowflake and no proxy answers instead.',
  });
}

/** A statement the role may not run → null (the caller warns); any other refusal is exit 4. */
async function readOrNull(session: AdminSession, sql: string): Promise<Row[] | null> {
  try {
    return await session.query(sql);
  } catch (error) {
    if (refusedForPrivilege(error)) return null;
    if (error instanceof SqlFailure) throw new WifError('snowflake', `Snowflake refused ${sql}: ${error.message}`, { code: 'QUERY_FAILED', snowflake: { code: error.code, message: error.message } });
    throw error;
  }
}

const qualified = (...names: string[]) => names.map(nameSql).join('.');
const literal = (text: string) => {
  const quoted = quoteStringLiteral(text);
  return quoted.ok ? quoted.sql : `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
};
const splitIps = (value: string | null) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

export async function readGates(session: AdminSession, users: readonly AuditUser[]): Promise<GatesListing> {
  const role = session.role === null ? '<role>' : (identifierForStoredName(session.role) ?? '<role>');
  const unreadable: Finding[] = [];
  const authenticationPolicies = new Map<string, AuthenticationPolicy | null>();
  const userPolicies = new Map<string, string>();
  let accountPolicy: string | undefined;
  let serviceUsersPolicy: string | undefined;

  const policies = await readOrNull(session, 'SHOW AUTHENTICATION POLICIES IN ACCOUNT');
  if (policies === null) {
    unreadable.push(gatesUnreadable(`The authentication policies (SHOW AUTHENTICATION POLICIES, as role ${session.role ?? 'none'})`, `GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE ${role};`));
  } else {
    if (policies.length > MAX_POLICIES) throw tooMany('authentication policies');
    for (const row of policies) {
      const name = bounded(column(row, 'name'), MAX_NAME_CHARS, 'an authentication policy name');
      const database = bounded(column(row, 'database_name'), MAX_NAME_CHARS, 'a database name');
      const schema = bounded(column(row, 'schema_name'), MAX_NAME_CHARS, 'a schema name');
      if (name === null || database === null || schema === null) {
        // Not the shape audit knows: say so rather than pass over a policy that may be in force.
        unreadable.push(gatesUnreadable('An authentication policy (SHOW AUTHENTICATION POLICIES answered a row without name, database_name or schema_name)', `GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE ${role};`));
        continue;
      }
      const described = await readOrNull(session, `DESCRIBE AUTHENTICATION POLICY ${qualified(database, schema, name)}`);
      const properties = (described ?? []).map((entry) => ({ property: bounded(column(entry, 'property'), MAX_NAME_CHARS, 'a policy property') ?? '', value: bounded(column(entry, 'value'), MAX_POLICY_VALUE_CHARS, 'a policy value') }));
      // Without AUTHENTICATION_METHODS the policy is not read (null: a GATES_UNREADABLE where it is in force), never taken as ALL.
      authenticationPolicies.set(name, properties.some((entry) => entry.property.toUpperCase() === 'AUTHENTICATION_METHODS') ? parseAuthenticationPolicy(name, properties) : null);
      const references = await readOrNull(
        session,
        `SELECT POLICY_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN FROM TABLE(${nameSql(database)}.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => ${literal(qualified(database, schema, name))}))`,
      );
      if (references === null) {
        unreadable.push(gatesUnreadable(`Where the authentication policy ${name} is attached (POLICY_REFERENCES)`, `GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE ${role};`));
        continue;
      }
      let unknown = 0;
      for (const reference of references) {
        const entity = bounded(column(reference, 'REF_ENTITY_NAME'), MAX_NAME_CHARS, 'a policy reference');
        const domain = (bounded(column(reference, 'REF_ENTITY_DOMAIN'), MAX_NAME_CHARS, 'a policy reference domain') ?? '').toUpperCase();
        if (domain === 'USER' && entity !== null) userPolicies.set(entity, name);
        else if (domain.includes('SERVICE')) serviceUsersPolicy = name;
        else if (domain === 'ACCOUNT') accountPolicy = name;
        // FOR ALL PERSON USERS never covers a WIF user (TYPE SERVICE); anything else is not known here.
        else if (!domain.includes('PERSON')) unknown++;
      }
      if (unknown) unreadable.push(gatesUnreadable(`Where the authentication policy ${name} is attached (${unknown} reference${unknown === 1 ? '' : 's'} of a kind audit does not know)`, `DESCRIBE AUTHENTICATION POLICY ${qualified(database, schema, name)};   -- and check it by hand`));
    }
  }

  const networkPolicies = new Map<string, NetworkPolicyLists | null>();
  const userNetworkPolicies = new Map<string, string>();
  let accountNetworkPolicy: string | undefined;
  const networkGrant = `GRANT ATTACH POLICY ON ACCOUNT TO ROLE ${role};   -- or run audit as SECURITYADMIN`;
  const networks = await readOrNull(session, 'SHOW NETWORK POLICIES');
  if (networks === null) {
    unreadable.push(gatesUnreadable(`The network policies (SHOW NETWORK POLICIES, as role ${session.role ?? 'none'})`, networkGrant));
  } else {
    if (networks.length > MAX_POLICIES) throw tooMany('network policies');
    for (const row of networks) {
      const name = bounded(column(row, 'name'), MAX_NAME_CHARS, 'a network policy name');
      if (name === null) continue;
      const described = await readOrNull(session, `DESCRIBE NETWORK POLICY ${nameSql(name)}`);
      const value = (key: string) => bounded(column(described?.find((entry) => String(column(entry, 'name')).toUpperCase() === key) ?? {}, 'value'), MAX_POLICY_VALUE_CHARS, `${key} of a network policy`);
      networkPolicies.set(name, described === null ? null : { allowedIpList: splitIps(value('ALLOWED_IP_LIST')), blockedIpList: splitIps(value('BLOCKED_IP_LIST')) });
    }
    const account = await readOrNull(session, "SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT");
    if (account === null) unreadable.push(gatesUnreadable("The account's NETWORK_POLICY parameter", networkGrant));
    else accountNetworkPolicy = bounded(column(account[0] ?? {}, 'value'), MAX_TEXT_CHARS, 'the account network policy') ?? undefined;
    if (networkPolicies.size > 0) {
      // Only SHOW PARAMETERS … IN USER shows a user's own: one per WIF user whose identities were listed.
      const wif = users.filter((user) => user.identitiesListed && user.identities.length > 0);
      const refused: string[] = [];
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < wif.length; i = next++) {
          const user = wif[i] as AuditUser;
          const rows = await readOrNull(session, `SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER ${nameSql(user.name)}`);
          if (rows === null) refused.push(user.name);
          else {
            const own = bounded(column(rows[0] ?? {}, 'value'), MAX_TEXT_CHARS, 'a user network policy');
            if (own) userNetworkPolicies.set(user.name, own);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(AUDIT_CONCURRENCY, wif.length) }, worker));
      if (refused.length) {
        const first = identifierForStoredName(refused[0] ?? '') ?? '<user>';
        unreadable.push(gatesUnreadable(`The NETWORK_POLICY parameter of ${refused.length} user${refused.length === 1 ? '' : 's'} (${refused.slice(0, 3).join(', ')}${refused.length > 3 ? ', …' : ''})`, `GRANT MONITOR ON USER ${first} TO ROLE ${role};   -- for each`));
      }
    }
  }
  return { authenticationPolicies, accountPolicy, serviceUsersPolicy, userPolicies, networkPolicies, accountNetworkPolicy, userNetworkPolicies, unreadable };
}
