/**
 * The gates a Snowflake login passes before (and after) the identity mapping, as the simulator
 * enforces them (issue 20, part 4; ../../../shared/FACTS.md "The gates"):
 *
 * 1. the network policy in force (the user's, else the account's), by the client's address:
 *    BLOCKED_IP_LIST wins; a non-empty ALLOWED_IP_LIST admits only its entries. Refusal (real code
 *    and wording): `390422` "Incoming request with IP/Token <ip> is not allowed to access Snowflake."
 *    (sqlState 08004);
 * 2. the authentication policy in force (the user's, else `FOR ALL SERVICE USERS` for a service
 *    user, else the account's): AUTHENTICATION_METHODS must include the login's method (ALL admits
 *    every one); for WORKLOAD_IDENTITY, WORKLOAD_IDENTITY_POLICY's ALLOWED_PROVIDERS,
 *    ALLOWED_AWS_ACCOUNTS, ALLOWED_OIDC_ISSUERS and ALLOWED_AZURE_ISSUERS (unset or ALL: any).
 *    Refusal (real code and wording): `390202` "Authentication attempt rejected by the current
 *    authentication policy." — the same for every rule, as in Snowflake (which rule refused is
 *    not in the answer; the simulator records it in its login log only);
 * 3. the identity (the callers' own checks), then the user's state: DISABLED, or locked.
 *
 * What is invented here: Snowflake's message (and code) for a disabled or locked user's WIF login
 * is NOT known (FACTS.md). The simulator answers with USER_DISABLED_MESSAGE / USER_LOCKED_MESSAGE,
 * which say they are the simulator's; do not rely on their wording against real Snowflake.
 * For a WIF login the user is only known once the credential is verified: the simulator verifies
 * it first, then applies the gates in Snowflake's order to the user it maps to (an unmapped login
 * meets the account-level policies, then the unmapped-identity refusal).
 */
import { isIP } from 'node:net';

export interface SimNetworkPolicy {
  name: string;
  /** ALLOWED_IP_LIST: IPv4 addresses or CIDR blocks; empty or unset: every address not blocked. */
  allowedIpList?: string[];
  /** BLOCKED_IP_LIST: wins over ALLOWED_IP_LIST. */
  blockedIpList?: string[];
}

export interface SimWorkloadIdentityPolicy {
  /** ALL | AWS | AZURE | GCP | OIDC; unset: ALL. */
  allowedProviders?: string[];
  /** 12-digit AWS account ids, or ALL; unset: ALL. */
  allowedAwsAccounts?: string[];
  /** aws, aws-us-gov, aws-cn, or ALL; unset: ALL (DESCRIBE shows it; the docs pages do not name it). */
  allowedAwsPartitions?: string[];
  /** Unset: ALL. */
  allowedAzureIssuers?: string[];
  /** Issuer URLs, or ALL; unset: ALL. */
  allowedOidcIssuers?: string[];
}

export interface SimAuthenticationPolicy {
  name: string;
  /** The database and schema it lives in (authentication policies are schema objects); default SECURITY_DB.POLICIES. */
  database?: string;
  schema?: string;
  /** ALL | PASSWORD | KEYPAIR | PROGRAMMATIC_ACCESS_TOKEN | WORKLOAD_IDENTITY | OAUTH | SAML; unset: ALL. */
  authenticationMethods?: string[];
  workloadIdentityPolicy?: SimWorkloadIdentityPolicy;
}

export interface SimUserGates {
  /** ALTER USER … SET NETWORK_POLICY = name */
  networkPolicy?: string;
  /** ALTER USER … SET AUTHENTICATION POLICY name */
  authenticationPolicy?: string;
  /** ALTER USER … SET DISABLED = TRUE */
  disabled?: boolean;
  /** Locked after failed attempts (until MINS_TO_UNLOCK = 0). */
  locked?: boolean;
}

export interface SimGates {
  networkPolicies?: SimNetworkPolicy[];
  authenticationPolicies?: SimAuthenticationPolicy[];
  /** ALTER ACCOUNT SET NETWORK_POLICY = name */
  accountNetworkPolicy?: string;
  /** ALTER ACCOUNT SET AUTHENTICATION POLICY name */
  accountAuthenticationPolicy?: string;
  /** ALTER ACCOUNT SET AUTHENTICATION POLICY name FOR ALL SERVICE USERS */
  serviceUsersAuthenticationPolicy?: string;
  /** Per user (name as stored, compared case-insensitively). */
  users?: Record<string, SimUserGates>;
  /** The client address the network gate sees instead of the socket's (tests of addresses other than loopback). */
  clientAddress?: string;
}

/** Which gate refused a login (recorded in the login logs). */
export type SimGate = 'network-policy' | 'authentication-policy' | 'user-disabled' | 'user-locked';

/** Which rule of the authentication policy refused (the simulator's log only: Snowflake does not say). */
export type SimAuthenticationRule = 'AUTHENTICATION_METHODS' | 'ALLOWED_PROVIDERS' | 'ALLOWED_AWS_ACCOUNTS' | 'ALLOWED_AWS_PARTITIONS' | 'ALLOWED_OIDC_ISSUERS' | 'ALLOWED_AZURE_ISSUERS';

export interface GateRefusal {
  gate: SimGate;
  /** The policy that refused (network and authentication gates). */
  policy?: string;
  rule?: SimAuthenticationRule;
  code: string;
  message: string;
  sqlState?: string;
}

/** Real code (FACTS.md). */
export const NETWORK_POLICY_CODE = '390422';
/** Real code (FACTS.md). */
export const AUTHENTICATION_POLICY_CODE = '390202';
/** Real wording (FACTS.md). */
export const AUTHENTICATION_POLICY_MESSAGE = 'Authentication attempt rejected by the current authentication policy.';
/** Real wording (FACTS.md), with the address Snowflake saw. */
export const networkPolicyMessage = (ip: string): string => `Incoming request with IP/Token ${ip} is not allowed to access Snowflake.`;
/** Placeholder code: Snowflake's code for a disabled user's WIF login is not known. */
export const USER_DISABLED_CODE = '390435';
/** INVENTED (the real wording for a WIF login is not known): says it is the simulator's. */
export const userDisabledMessage = (user: string): string => `User '${user}' is disabled. (Snowflake simulator's wording: Snowflake's message for a disabled user's WIF login is not known.)`;
/** INVENTED, as userDisabledMessage. */
export const userLockedMessage = (user: string): string => `User '${user}' is temporarily locked. (Snowflake simulator's wording: Snowflake's message for a locked user's WIF login is not known.)`;

/** What the gates know of a login. */
export interface GateLogin {
  /** The client's address as the socket saw it. */
  clientAddress: string;
  /** The user the credential maps to, when it does. */
  user?: { name: string; type?: 'SERVICE' | 'PERSON' };
  /** WORKLOAD_IDENTITY | PASSWORD | KEYPAIR | PROGRAMMATIC_ACCESS_TOKEN */
  method: string;
  /** For WORKLOAD_IDENTITY: AWS | OIDC | AZURE | GCP. */
  provider?: string;
  /** The verified AWS account, when known. */
  awsAccount?: string;
  /** The verified AWS partition (aws, aws-us-gov, …), when known. */
  awsPartition?: string;
  /** The verified OIDC (or Azure) issuer, when known. */
  issuer?: string;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function ipv4ToNumber(ip: string): number | undefined {
  if (isIP(ip) !== 4) return undefined;
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** An IPv4 address against an entry of an IP list (an address or a CIDR block). */
export function ipInEntry(ip: string, entry: string): boolean {
  const [base = '', bitsText] = entry.trim().split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipv4ToNumber(ip);
  const b = ipv4ToNumber(base);
  if (a === undefined || b === undefined) return ip === entry.trim();
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  // Bitwise ops are signed 32-bit: compare the network parts by division instead.
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

const upper = (values: readonly string[] | undefined): string[] | undefined => values?.map((v) => v.trim().toUpperCase());
const allows = (list: readonly string[] | undefined, value: string, exact = false): boolean => {
  if (list === undefined || list.length === 0) return true;
  return list.some((entry) => entry.trim().toUpperCase() === 'ALL' || (exact ? entry.trim() === value : entry.trim().toUpperCase() === value.toUpperCase()));
};

export function createGates(initial: SimGates = {}) {
  let settings: SimGates = structuredClone(initial);
  const userGates = (name: string | undefined): SimUserGates => {
    if (!name) return {};
    const entry = Object.entries(settings.users ?? {}).find(([key]) => key.toUpperCase() === name.toUpperCase());
    return entry?.[1] ?? {};
  };
  const networkPolicy = (name: string | undefined) => settings.networkPolicies?.find((p) => p.name.toUpperCase() === name?.toUpperCase());
  const authPolicy = (name: string | undefined) => settings.authenticationPolicies?.find((p) => p.name.toUpperCase() === name?.toUpperCase());

  /** The network and authentication gates, in Snowflake's order. */
  const policies = (login: GateLogin): GateRefusal | undefined => {
    const ip = normalizeAddress(settings.clientAddress ?? login.clientAddress);
    const mine = userGates(login.user?.name);
    const network = networkPolicy(mine.networkPolicy ?? settings.accountNetworkPolicy);
    if (network) {
      const blocked = (network.blockedIpList ?? []).some((entry) => ipInEntry(ip, entry));
      const allowed = (network.allowedIpList ?? []).length === 0 || (network.allowedIpList ?? []).some((entry) => ipInEntry(ip, entry));
      if (blocked || !allowed) return { gate: 'network-policy', policy: network.name, code: NETWORK_POLICY_CODE, message: networkPolicyMessage(ip), sqlState: '08004' };
    }
    const serviceLevel = login.user && (login.user.type ?? 'SERVICE') === 'SERVICE' ? settings.serviceUsersAuthenticationPolicy : undefined;
    const auth = authPolicy(mine.authenticationPolicy ?? serviceLevel ?? settings.accountAuthenticationPolicy);
    if (auth) {
      const refuse = (rule: SimAuthenticationRule): GateRefusal => ({ gate: 'authentication-policy', policy: auth.name, rule, code: AUTHENTICATION_POLICY_CODE, message: AUTHENTICATION_POLICY_MESSAGE });
      if (!allows(upper(auth.authenticationMethods), login.method)) return refuse('AUTHENTICATION_METHODS');
      const wif = auth.workloadIdentityPolicy;
      if (login.method === 'WORKLOAD_IDENTITY' && wif) {
        if (login.provider && !allows(wif.allowedProviders, login.provider)) return refuse('ALLOWED_PROVIDERS');
        if (login.provider === 'AWS' && login.awsAccount && !allows(wif.allowedAwsAccounts, login.awsAccount)) return refuse('ALLOWED_AWS_ACCOUNTS');
        if (login.provider === 'AWS' && login.awsPartition && !allows(wif.allowedAwsPartitions, login.awsPartition)) return refuse('ALLOWED_AWS_PARTITIONS');
        if (login.provider === 'OIDC' && login.issuer && !allows(wif.allowedOidcIssuers, login.issuer, true)) return refuse('ALLOWED_OIDC_ISSUERS');
        if (login.provider === 'AZURE' && login.issuer && !allows(wif.allowedAzureIssuers, login.issuer, true)) return refuse('ALLOWED_AZURE_ISSUERS');
      }
    }
    return undefined;
  };

  /** After the identity: the user's state. */
  const userState = (name: string): GateRefusal | undefined => {
    const mine = userGates(name);
    if (mine.disabled) return { gate: 'user-disabled', code: USER_DISABLED_CODE, message: userDisabledMessage(name.toUpperCase()) };
    if (mine.locked) return { gate: 'user-locked', code: USER_DISABLED_CODE, message: userLockedMessage(name.toUpperCase()) };
    return undefined;
  };

  return {
    policies,
    userState,
    /** Replaces the settings named in `patch` (e.g. `{ accountNetworkPolicy: undefined }` lifts it). */
    set(patch: Partial<SimGates>): void {
      settings = { ...settings, ...structuredClone(patch) };
    },
    /** Sets (merges) one user's gates. */
    setUser(name: string, patch: SimUserGates): void {
      const users = { ...(settings.users ?? {}) };
      const key = Object.keys(users).find((k) => k.toUpperCase() === name.toUpperCase()) ?? name.toUpperCase();
      users[key] = { ...(users[key] ?? {}), ...patch };
      settings = { ...settings, users };
    },
    snapshot: (): SimGates => structuredClone(settings),
    /** The settings as they are (not a copy: read, never change; the administrator side's SHOW answers read it per statement). */
    view: (): Readonly<SimGates> => settings,
  };
}

export type Gates = ReturnType<typeof createGates>;
