/**
 * The gates a Snowflake login passes before the identity mapping (issue 20, part 4;
 * ../../../shared/FACTS.md "The gates"): the network policy, then the authentication policy, then
 * the identity — and the user's state (disabled, locked). Pure: a refused login's driver fields and
 * what wif-check knows of the caller in, one diagnosis out (or undefined: not a gate).
 *
 * Known (public): `390422 (08004): Incoming request with IP/Token <ip> is not allowed to access
 * Snowflake.` and `390202: Authentication attempt rejected by the current authentication policy.`
 * NOT known: which rule of an authentication policy refused (the message is the same for every
 * rule), and Snowflake's message for a disabled or locked user's WIF login — so USER_DISABLED is
 * matched loosely on the words ("user" … "disabled" | "locked"), and AUTHENTICATION_POLICY_REJECTED
 * lists every rule that can refuse this identity, with the least change for each.
 */
import { isIP } from 'node:net';
import type { ErrorKind } from './errors.js';
import { oneLine } from './aws-failures.js';
import { quotedIdentifierContent, quoteStringLiteral } from './sql.js';

/** A value as a SQL string literal, or the placeholder when it cannot be one. */
const sqlString = (value: string, placeholder = "'<value>'"): string => {
  const quoted = quoteStringLiteral(value);
  return quoted.ok ? quoted.sql : placeholder;
};

export type GateCode = 'NETWORK_POLICY_BLOCKED' | 'AUTHENTICATION_POLICY_REJECTED' | 'USER_DISABLED';

export interface GateContext {
  /** The login's provider. */
  provider: 'AWS' | 'OIDC' | 'AZURE';
  /** The verified (or expected) AWS account of the caller, 12 digits. */
  awsAccount?: string | undefined;
  /** The OIDC token's issuer. */
  issuer?: string | undefined;
  /** The user to name in the fix, as a SQL identifier (--expect-user). */
  user?: string | undefined;
  /** HTTPS_PROXY (or https_proxy) as set for this run, when set: the address Snowflake saw may be the proxy's. */
  proxy?: string | undefined;
}

export interface GateDiagnosis {
  kind: ErrorKind;
  code: GateCode;
  message: string;
  hint: string;
  /** The address Snowflake saw (NETWORK_POLICY_BLOCKED). */
  ip?: string;
}

const NETWORK_POLICY = /Incoming request with IP\/Token (\S+?)\.? is not allowed to access Snowflake/i;
const AUTHENTICATION_POLICY = /rejected by the current authentication policy/i;
/** Loose on purpose: the real wording for a WIF login is not known (the simulator's says it is its own). */
const USER_STATE = /\buser\b[^\n]*?\b(disabled|locked)\b/i;

/** GitHub Actions' issuer: Snowflake offers a managed network rule for its hosted runners. */
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The address in a 390422 message, when it is one (never raw server text into SQL). */
export function blockedAddress(message: string): string | undefined {
  const raw = NETWORK_POLICY.exec(message)?.[1];
  return raw !== undefined && isIP(raw) !== 0 ? raw : undefined;
}

/** Whether a proxy is in the path, and how to say so (the proxy's address, never its credentials). */
function proxyHost(proxy: string | undefined): string | undefined {
  if (!proxy?.trim()) return undefined;
  try {
    return new URL(proxy.includes('://') ? proxy : `http://${proxy}`).host || 'the proxy';
  } catch {
    return 'the proxy';
  }
}

const userOf = (context: GateContext) => context.user ?? '<your user>';

function networkPolicy(message: string, context: GateContext): GateDiagnosis {
  const ip = blockedAddress(message);
  const seen = ip ?? '<the address in the message>';
  const via = proxyHost(context.proxy);
  const whose = via
    ? `HTTPS_PROXY is set (${via}): ${seen} may be the proxy's address, not this machine's`
    : `${seen} is the address this connection came from as Snowflake saw it (this machine's public egress, or a NAT gateway in front of it; no HTTPS_PROXY is set)`;
  const user = userOf(context);
  const entry = ip ? (isIP(ip) === 4 ? `${ip}/32` : ip) : '<address>';
  const lines = [
    `The network policy in force for this user (the user's own, else the account's) does not allow ${seen}: its ALLOWED_IP_LIST does not include it, or its BLOCKED_IP_LIST does.`,
    `Let this user in from this address only, without opening the account wider:`,
    `  CREATE NETWORK POLICY WIF_CHECK_EGRESS ALLOWED_IP_LIST = (${sqlString(entry)});`,
    `  ALTER USER ${user} SET NETWORK_POLICY = WIF_CHECK_EGRESS;`,
    `A user-level policy replaces the account's for that user. If the user already has one (SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER ${user};), add ${sqlString(entry)} to its ALLOWED_IP_LIST instead (SET replaces the list: keep what is there); an address in BLOCKED_IP_LIST stays blocked whatever is allowed.`,
  ];
  if (via) lines.push(`Behind a proxy, the address to allow is the proxy's egress address: ask its owner, or allow it only if the proxy is yours.`);
  if (context.provider === 'OIDC' && context.issuer?.replace(/\/+$/, '') === GITHUB_ISSUER) {
    lines.push(`GitHub-hosted runners change addresses: Snowflake's managed rule SNOWFLAKE.NETWORK_SECURITY.GITHUBACTIONS_GLOBAL in the policy's ALLOWED_NETWORK_RULE_LIST covers them (or use self-hosted runners with fixed addresses).`);
  }
  return {
    kind: 'verification',
    code: 'NETWORK_POLICY_BLOCKED',
    message: `Snowflake refused the login at the network policy: ${whose}`,
    hint: lines.join('\n'),
    ...(ip ? { ip } : {}),
  };
}

function authenticationPolicy(context: GateContext): GateDiagnosis {
  const user = userOf(context);
  const provider = context.provider;
  const allowed =
    provider === 'AWS'
      ? `ALLOWED_PROVIDERS = (<its providers>, AWS) ALLOWED_AWS_ACCOUNTS = (<its accounts>, ${sqlString(context.awsAccount ?? '<your AWS account>')})`
      : `ALLOWED_PROVIDERS = (<its providers>, ${provider}) ALLOWED_${provider}_ISSUERS = (<its issuers>, ${sqlString(context.issuer ?? '<the token issuer>')})`;
  const who = provider === 'AWS' ? `AWS account ${context.awsAccount ?? '(unknown)'}` : `${provider} issuer ${context.issuer ?? '(unknown)'}`;
  return {
    kind: 'verification',
    code: 'AUTHENTICATION_POLICY_REJECTED',
    message: `Snowflake refused the login at the authentication policy in force (the user's own, else FOR ALL SERVICE USERS for a service user, else the account's); Snowflake does not say which rule`,
    hint: [
      `Find the policy in force and read it (read-only; POLICY_REFERENCES needs a current database, e.g. USE DATABASE <any>;):`,
      `  SELECT POLICY_NAME, REF_ENTITY_DOMAIN FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => ${sqlString(quotedIdentifierContent(user) ?? user.toUpperCase())}, REF_ENTITY_DOMAIN => 'USER'));`,
      `  DESCRIBE AUTHENTICATION POLICY <policy>;`,
      `Then change only what refuses this identity (${provider}, ${who}) — SET replaces a list, so keep what is there:`,
      `  - AUTHENTICATION_METHODS lacks WORKLOAD_IDENTITY: ALTER AUTHENTICATION POLICY <policy> SET AUTHENTICATION_METHODS = (<its methods>, 'WORKLOAD_IDENTITY');`,
      `  - WORKLOAD_IDENTITY_POLICY leaves this identity out: ALTER AUTHENTICATION POLICY <policy> SET WORKLOAD_IDENTITY_POLICY = (${allowed});`,
      `Or give only this user a policy that admits it: ALTER USER ${user} SET AUTHENTICATION POLICY <a policy with WORKLOAD_IDENTITY for this identity>; (a user's own policy wins over the account's).`,
    ].join('\n'),
  };
}

function userState(message: string, context: GateContext): GateDiagnosis {
  const user = userOf(context);
  const stored = context.user ? sqlString(quotedIdentifierContent(context.user) ?? context.user.toUpperCase()) : "'<name>'";
  const locked = /\blocked\b/i.test(message) && !/\bdisabled\b/i.test(message);
  return {
    kind: 'verification',
    code: 'USER_DISABLED',
    message: `Snowflake refused the login because the user is ${locked ? 'locked' : 'disabled'}: ${oneLine(message)}`,
    hint: locked
      ? `Unlock it (an administrator with OWNERSHIP or MANAGE GRANTS): ALTER USER ${user} SET MINS_TO_UNLOCK = 0;`
      : `Enable it if it should log in (an administrator with OWNERSHIP of the user): ALTER USER ${user} SET DISABLED = FALSE; — check first why it was disabled (SHOW USERS LIKE ${stored}; the "disabled" column).`,
  };
}

/** A login refused at a gate → its diagnosis; undefined when the refusal is not a gate's. */
export function diagnoseGate(error: { name?: string | undefined; code?: string | number | undefined; message: string }, context: GateContext): GateDiagnosis | undefined {
  if (error.name !== undefined && error.name !== 'OperationFailedError') return undefined;
  if (NETWORK_POLICY.test(error.message) || String(error.code ?? '') === '390422') return networkPolicy(error.message, context);
  if (AUTHENTICATION_POLICY.test(error.message) || String(error.code ?? '') === '390202') return authenticationPolicy(context);
  if (USER_STATE.test(error.message)) return userState(error.message, context);
  return undefined;
}

/** The 12-digit account of an ARN, when it has one. */
export function awsAccountOf(arn: string | null | undefined): string | undefined {
  return arn ? /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] : undefined;
}

/** Whether a refused login is a gate's (so provider-specific rules leave it to diagnoseGate). */
export function isGateRefusal(error: { name?: string | undefined; code?: string | number | undefined; message: string; reachedSnowflake?: boolean | undefined }): boolean {
  return error.reachedSnowflake !== false && diagnoseGate(error, { provider: 'AWS' }) !== undefined;
}
