/**
 * Audit's rules for the gates before the mapping (issue 20, part 4, item 2), pure: the
 * authentication policy in force for a WIF user (the user's own, else `FOR ALL SERVICE USERS` for a
 * service user, else the account's) against that user's workload identity, as findings with stable
 * codes and the least change that admits the identity. `wif-check audit` reads the policies once per
 * account (src/snowflake/gates-read.ts: SHOW AUTHENTICATION POLICIES, DESCRIBE AUTHENTICATION POLICY,
 * INFORMATION_SCHEMA.POLICY_REFERENCES per policy, SHOW NETWORK POLICIES, DESCRIBE NETWORK POLICY,
 * SHOW PARAMETERS LIKE 'NETWORK_POLICY') and gateFindings turns them into findings.
 *
 * DESCRIBE AUTHENTICATION POLICY's value shapes (../../../shared/FACTS.md "The gates"; from the
 * terraform provider's integration tests, not the docs): AUTHENTICATION_METHODS `[ALL]` or a list;
 * WORKLOAD_IDENTITY_POLICY `{ALLOWED_PROVIDERS=[ALL], ALLOWED_AWS_ACCOUNTS=[ALL],
 * ALLOWED_AWS_PARTITIONS=[ALL], …}`. Parsed leniently (brackets, parentheses, quotes, spaces).
 */
import { quoteIdentifier, quoteStringLiteral } from './sql.js';
import type { AuditIdentity, AuditUser, Finding, Severity } from './audit-findings.js';

export type GateFindingCode =
  | 'AUTHN_POLICY_NO_WORKLOAD_IDENTITY'
  | 'AUTHN_POLICY_PROVIDER_NOT_ALLOWED'
  | 'AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED'
  | 'AUTHN_POLICY_AWS_PARTITION_NOT_ALLOWED'
  | 'AUTHN_POLICY_ISSUER_NOT_ALLOWED'
  | 'NETWORK_POLICY_IN_FORCE'
  | 'GATES_UNREADABLE';

export const GATE_SEVERITY: Readonly<Record<GateFindingCode, Severity>> = {
  AUTHN_POLICY_NO_WORKLOAD_IDENTITY: 'error',
  AUTHN_POLICY_PROVIDER_NOT_ALLOWED: 'error',
  AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED: 'error',
  AUTHN_POLICY_AWS_PARTITION_NOT_ALLOWED: 'error',
  AUTHN_POLICY_ISSUER_NOT_ALLOWED: 'error',
  NETWORK_POLICY_IN_FORCE: 'info',
  GATES_UNREADABLE: 'warn',
};

export interface WorkloadIdentityPolicy {
  /** Upper-cased; ['ALL'] when unset. */
  allowedProviders: string[];
  allowedAwsAccounts: string[];
  allowedAwsPartitions: string[];
  /** As written (issuers compare exactly); ['ALL'] when unset. */
  allowedAzureIssuers: string[];
  allowedOidcIssuers: string[];
}

export interface AuthenticationPolicy {
  name: string;
  /** Upper-cased. */
  authenticationMethods: string[];
  workloadIdentityPolicy: WorkloadIdentityPolicy;
}

export type PolicyLevel = 'user' | 'service-users' | 'account';

/** `[ALL]`, `(PASSWORD, 'KEYPAIR')`, `ALL` → the items, unquoted. */
export function parseList(value: string | null | undefined): string[] {
  const inner = (value ?? '').trim().replace(/^[[(]|[\])]$/g, '');
  return inner
    .split(',')
    .map((item) => item.trim().replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1'))
    .filter((item) => item !== '');
}

/** DESCRIBE's WORKLOAD_IDENTITY_POLICY value → its lists (ALL where a key is absent). */
export function parseWorkloadIdentityPolicy(value: string | null | undefined): WorkloadIdentityPolicy {
  const text = (value ?? '').trim().replace(/^\{|\}$/g, '');
  const entries = new Map<string, string[]>();
  for (const match of text.matchAll(/([A-Z_]+)\s*=\s*(\[[^\]]*\]|\([^)]*\)|[^,\s]+)/gi)) entries.set((match[1] ?? '').toUpperCase(), parseList(match[2]));
  const list = (key: string, upper: boolean) => {
    const items = entries.get(key);
    if (!items || items.length === 0) return ['ALL'];
    return upper ? items.map((item) => item.toUpperCase()) : items.map((item) => (item.toUpperCase() === 'ALL' ? 'ALL' : item));
  };
  return {
    allowedProviders: list('ALLOWED_PROVIDERS', true),
    allowedAwsAccounts: list('ALLOWED_AWS_ACCOUNTS', true),
    allowedAwsPartitions: list('ALLOWED_AWS_PARTITIONS', false).map((item) => item.toLowerCase() === 'all' ? 'ALL' : item.toLowerCase()),
    allowedAzureIssuers: list('ALLOWED_AZURE_ISSUERS', false),
    allowedOidcIssuers: list('ALLOWED_OIDC_ISSUERS', false),
  };
}

/** DESCRIBE AUTHENTICATION POLICY rows (property, value) → the policy. */
export function parseAuthenticationPolicy(name: string, rows: ReadonlyArray<{ property: string; value: string | null }>): AuthenticationPolicy {
  const value = (property: string) => rows.find((row) => row.property.toUpperCase() === property)?.value ?? null;
  const methods = parseList(value('AUTHENTICATION_METHODS')).map((method) => method.toUpperCase());
  return { name, authenticationMethods: methods.length ? methods : ['ALL'], workloadIdentityPolicy: parseWorkloadIdentityPolicy(value('WORKLOAD_IDENTITY_POLICY')) };
}

/** The user types FOR ALL SERVICE USERS covers (docs sql-reference/sql/alter-account: SERVICE or LEGACY_SERVICE). */
const SERVICE_USER_TYPES: ReadonlySet<string> = new Set(['SERVICE', 'LEGACY_SERVICE']);

/** Which policy is in force: the user's own, else FOR ALL SERVICE USERS (service users), else the account's. */
export function policyInForce<P>(input: { userType: string | null; user?: P | undefined; serviceUsers?: P | undefined; account?: P | undefined }): { policy: P; level: PolicyLevel } | undefined {
  if (input.user !== undefined) return { policy: input.user, level: 'user' };
  if (input.serviceUsers !== undefined && SERVICE_USER_TYPES.has((input.userType ?? '').toUpperCase())) return { policy: input.serviceUsers, level: 'service-users' };
  if (input.account !== undefined) return { policy: input.account, level: 'account' };
  return undefined;
}

export interface GateIdentity {
  user: string;
  /** The identity's name (DEFAULT, …). */
  identity: string;
  /** AWS | OIDC | AZURE | GCP */
  provider: string;
  awsAccount?: string | null | undefined;
  awsPartition?: string | null | undefined;
  issuer?: string | null | undefined;
}

const allows = (list: readonly string[], value: string, exact: boolean) => list.some((item) => item.toUpperCase() === 'ALL' || (exact ? item === value : item.toUpperCase() === value.toUpperCase()));
const ident = (name: string) => {
  const quoted = quoteIdentifier(name);
  return quoted.ok ? quoted.sql : '<policy>';
};
const literal = (value: string) => {
  const quoted = quoteStringLiteral(value);
  return quoted.ok ? quoted.sql : "'<value>'";
};
/** A list as SQL, with `extra` added (the least change: keep what is there, SET replaces lists). */
const withItem = (list: readonly string[], extra: string, quote: boolean) => `(${[...list.filter((item) => item.toUpperCase() !== 'ALL'), extra].map((item) => (quote ? literal(item) : item)).join(', ')})`;

/** The findings for one identity against the authentication policy in force (none: nothing refuses it). */
export function authenticationPolicyFindings(identity: GateIdentity, inForce: { policy: AuthenticationPolicy; level: PolicyLevel } | undefined): Finding[] {
  if (!inForce) return [];
  const { policy, level } = inForce;
  const where = `the authentication policy ${policy.name} (${level === 'user' ? "the user's own" : level === 'service-users' ? 'FOR ALL SERVICE USERS' : "the account's"})`;
  const alter = `ALTER AUTHENTICATION POLICY ${ident(policy.name)} SET`;
  const wif = policy.workloadIdentityPolicy;
  const findings: Finding[] = [];
  const add = (code: GateFindingCode, detail: string, fix: string) => findings.push({ code, severity: GATE_SEVERITY[code], user: identity.user, identity: identity.identity, detail, fix });
  const provider = identity.provider.toUpperCase();
  if (!allows(policy.authenticationMethods, 'WORKLOAD_IDENTITY', false)) {
    add('AUTHN_POLICY_NO_WORKLOAD_IDENTITY', `${where} does not list WORKLOAD_IDENTITY in AUTHENTICATION_METHODS (${policy.authenticationMethods.join(', ')}): every WIF login of this user is refused (390202)`, `${alter} AUTHENTICATION_METHODS = ${withItem(policy.authenticationMethods, 'WORKLOAD_IDENTITY', true)};`);
  }
  if (!allows(wif.allowedProviders, provider, false)) {
    add('AUTHN_POLICY_PROVIDER_NOT_ALLOWED', `${where} allows the providers ${wif.allowedProviders.join(', ')}, not ${provider}`, `${alter} WORKLOAD_IDENTITY_POLICY = (ALLOWED_PROVIDERS = ${withItem(wif.allowedProviders, provider, false)});   -- keep its other lists`);
  }
  if (provider === 'AWS' && identity.awsAccount && !allows(wif.allowedAwsAccounts, identity.awsAccount, true)) {
    add('AUTHN_POLICY_AWS_ACCOUNT_NOT_ALLOWED', `${where} allows the AWS accounts ${wif.allowedAwsAccounts.join(', ')}, not ${identity.awsAccount}`, `${alter} WORKLOAD_IDENTITY_POLICY = (ALLOWED_AWS_ACCOUNTS = ${withItem(wif.allowedAwsAccounts, identity.awsAccount, true)});   -- keep its other lists`);
  }
  if (provider === 'AWS' && identity.awsPartition && !allows(wif.allowedAwsPartitions, identity.awsPartition.toLowerCase(), false)) {
    add('AUTHN_POLICY_AWS_PARTITION_NOT_ALLOWED', `${where} allows the AWS partitions ${wif.allowedAwsPartitions.join(', ')}, not ${identity.awsPartition} (ALLOWED_AWS_PARTITIONS is shown by DESCRIBE but not on the docs pages)`, `${alter} WORKLOAD_IDENTITY_POLICY = (ALLOWED_AWS_PARTITIONS = ${withItem(wif.allowedAwsPartitions, identity.awsPartition.toLowerCase(), true)});   -- keep its other lists`);
  }
  const issuers = provider === 'OIDC' ? { key: 'ALLOWED_OIDC_ISSUERS', list: wif.allowedOidcIssuers } : provider === 'AZURE' ? { key: 'ALLOWED_AZURE_ISSUERS', list: wif.allowedAzureIssuers } : undefined;
  if (issuers && identity.issuer && !allows(issuers.list, identity.issuer, true)) {
    add('AUTHN_POLICY_ISSUER_NOT_ALLOWED', `${where} allows the issuers ${issuers.list.join(', ')} (${issuers.key}), not ${identity.issuer}`, `${alter} WORKLOAD_IDENTITY_POLICY = (${issuers.key} = ${withItem(issuers.list, identity.issuer, true)});   -- keep its other lists`);
  }
  return findings;
}

/** A network policy on the user or the account, listed (the caller's address is only known to doctor); an account's is listed once, with no user. */
export function networkPolicyFinding(user: string | null, policy: { name: string; level: 'user' | 'account'; allowedIpList: readonly string[]; blockedIpList: readonly string[] }): Finding {
  return {
    code: 'NETWORK_POLICY_IN_FORCE',
    severity: GATE_SEVERITY.NETWORK_POLICY_IN_FORCE,
    user,
    identity: null,
    detail: `the network policy ${policy.name} (${policy.level === 'user' ? "the user's own" : "the account's, for every user without one of its own"}) admits only ALLOWED_IP_LIST = (${policy.allowedIpList.join(', ') || 'any'}), BLOCKED_IP_LIST = (${policy.blockedIpList.join(', ') || 'none'}): \`wif-check doctor\` from the workload says whether its address passes`,
  };
}

/** What the administrator could not read is a warning naming the grant, never a silent pass. */
export function gatesUnreadable(what: string, grant: string): Finding {
  return { code: 'GATES_UNREADABLE', severity: GATE_SEVERITY.GATES_UNREADABLE, user: null, identity: null, detail: `${what} could not be read: the gates were not checked`, fix: grant };
}

export interface NetworkPolicyLists {
  allowedIpList: string[];
  blockedIpList: string[];
}

/** What audit read of the gates (src/snowflake/gates-read.ts); names as Snowflake stores them. */
export interface GatesListing {
  /** Every authentication policy listed; null: listed (or referenced) but DESCRIBE could not read it. */
  authenticationPolicies: ReadonlyMap<string, AuthenticationPolicy | null>;
  accountPolicy?: string | undefined;
  serviceUsersPolicy?: string | undefined;
  /** User name → its own authentication policy. */
  userPolicies: ReadonlyMap<string, string>;
  /** null: listed, but DESCRIBE NETWORK POLICY could not read it. */
  networkPolicies: ReadonlyMap<string, NetworkPolicyLists | null>;
  accountNetworkPolicy?: string | undefined;
  /** User name → its own network policy. */
  userNetworkPolicies: ReadonlyMap<string, string>;
  /** What could not be read at all (GATES_UNREADABLE findings). */
  unreadable: readonly Finding[];
}

/** An audited identity as the gate rules see it: keyed by its TYPE, so AZURE rules apply to AZURE identities. */
export function gateIdentity(user: string, identity: AuditIdentity): GateIdentity {
  return { user, identity: identity.name, provider: identity.type, awsAccount: identity.awsAccount, awsPartition: identity.awsPartition, issuer: identity.issuer };
}

/**
 * Every gate finding of an account: per WIF user, the authentication policy in force against each
 * of its identities, and the network policy in force (the user's own per user; the account's once).
 * A policy in force that could not be read is one GATES_UNREADABLE per policy, never a silent pass.
 */
export function gateFindings(users: readonly AuditUser[], listing: GatesListing, role: string | null): Finding[] {
  const findings: Finding[] = [...listing.unreadable];
  const unreadable = new Set<string>();
  const grant = `GRANT APPLY AUTHENTICATION POLICY ON ACCOUNT TO ROLE ${role === null ? '<role>' : ident(role)};`;
  let accountNetworkUsed = false;
  for (const user of users) {
    if (user.identities.length === 0) continue;
    const inForce = policyInForce({ userType: user.type, user: listing.userPolicies.get(user.name), serviceUsers: listing.serviceUsersPolicy, account: listing.accountPolicy });
    if (inForce) {
      const policy = listing.authenticationPolicies.get(inForce.policy);
      if (policy) {
        for (const identity of user.identities) findings.push(...authenticationPolicyFindings(gateIdentity(user.name, identity), { policy, level: inForce.level }));
      } else if (!unreadable.has(inForce.policy)) {
        unreadable.add(inForce.policy);
        findings.push(gatesUnreadable(`The authentication policy ${inForce.policy} (in force for ${user.name} and maybe others)`, grant));
      }
    }
    const own = listing.userNetworkPolicies.get(user.name);
    if (own !== undefined) {
      const lists = listing.networkPolicies.get(own);
      findings.push(networkPolicyFinding(user.name, { name: own, level: 'user', allowedIpList: lists?.allowedIpList ?? ['<unreadable>'], blockedIpList: lists?.blockedIpList ?? [] }));
    } else if (listing.accountNetworkPolicy !== undefined) accountNetworkUsed = true;
  }
  if (accountNetworkUsed && listing.accountNetworkPolicy !== undefined) {
    const lists = listing.networkPolicies.get(listing.accountNetworkPolicy);
    findings.push(networkPolicyFinding(null, { name: listing.accountNetworkPolicy, level: 'account', allowedIpList: lists?.allowedIpList ?? ['<unreadable>'], blockedIpList: lists?.blockedIpList ?? [] }));
  }
  return findings;
}

export interface GateCheck {
  status: 'ok' | 'warn';
  /** GATE_PREDICTED (a gate refuses this identity), GATES_UNREADABLE, NETWORK_POLICY_IN_FORCE or OK. */
  code: string;
  detail: string;
  fix?: string;
}

/** The findings that are a gate before the mapping (src/core/gate-findings.ts), and a disabled user. */
export const isGateStop = (finding: Finding) => finding.code.startsWith('AUTHN_POLICY_') || finding.code === 'USER_DISABLED';
export const isGateFinding = (finding: Finding) => isGateStop(finding) || finding.code === 'NETWORK_POLICY_IN_FORCE' || finding.code === 'GATES_UNREADABLE';

/**
 * doctor --admin-connection: which gate would stop the caller mapped to `users`, and why, read from
 * the policies (not from a login): an authentication policy that refuses its identity, or a
 * disabled user (GATE_PREDICTED, with the least change); what could not be read (GATES_UNREADABLE);
 * else the network policy in force, listed (only Snowflake sees the caller's address).
 */
export function gateCheck(findings: readonly Finding[], users: readonly string[], identity?: (finding: Finding) => boolean): GateCheck {
  const mine = findings.filter((finding) => (finding.user === null || users.includes(finding.user)) && (identity === undefined || finding.identity === null || identity(finding)));
  const stops = mine.filter((finding) => finding.user !== null && isGateStop(finding));
  const fixes = (list: readonly Finding[]) => [...new Set(list.flatMap((finding) => (finding.fix ? [finding.fix] : [])))].join('\n');
  if (stops.length) {
    const fix = fixes(stops);
    return { status: 'warn', code: 'GATE_PREDICTED', detail: `a gate before the mapping would refuse this caller: ${stops.map((finding) => `${finding.user}: ${finding.detail}`).join('; ')}`, ...(fix ? { fix } : {}) };
  }
  const unreadable = mine.filter((finding) => finding.code === 'GATES_UNREADABLE');
  if (unreadable.length) {
    const fix = fixes(unreadable);
    return { status: 'warn', code: 'GATES_UNREADABLE', detail: unreadable.map((finding) => finding.detail).join('; '), ...(fix ? { fix } : {}) };
  }
  const network = mine.filter((finding) => finding.code === 'NETWORK_POLICY_IN_FORCE');
  // The user's own network policy replaces the account's.
  const inForce = network.find((finding) => finding.user !== null) ?? network[0];
  if (inForce) return { status: 'ok', code: 'NETWORK_POLICY_IN_FORCE', detail: `no authentication policy refuses this identity; ${inForce.detail.replace(/: `wif-check doctor`.*$/, '')} (a refused login shows the address Snowflake saw)` };
  return { status: 'ok', code: 'OK', detail: 'no network or authentication policy refuses this identity, and the user is enabled' };
}
