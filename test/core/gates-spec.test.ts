/**
 * The gates' specification (src/core/gates.ts), whole outputs: for each refusal Snowflake can send
 * (FACTS.md "The gates": 390422 `Incoming request with IP/Token <ip> is not allowed to access
 * Snowflake.`, 390202 `Authentication attempt rejected by the current authentication policy.`; the
 * disabled/locked wording is not known, so loose variants) and what wif-check knows of the caller
 * (provider, account/issuer/subject, --expect-user, HTTPS_PROXY), the exact diagnosis. The tables in
 * gates.test.ts say what a diagnosis mentions; these say all of it.
 */
import { describe, expect, it } from 'vitest';
import { awsAccountOf, diagnoseGate, isGateRefusal, type GateContext, type GateDiagnosis } from '../../src/core/gates.js';

const NET = (ip: string) => `Incoming request with IP/Token ${ip} is not allowed to access Snowflake.`;
const AUTH = 'Authentication attempt rejected by the current authentication policy.';
const GH = 'https://token.actions.githubusercontent.com';
const OFE = 'OperationFailedError';

// ---------------------------------------------------------------------------------------------
// Network policy (390422): the address Snowflake saw, the least SQL, the proxy and GitHub notes.

const NO_PROXY = (seen: string) => `Snowflake refused the login at the network policy: ${seen} is the address this connection came from as Snowflake saw it (this machine's public egress, or a NAT gateway in front of it; no HTTPS_PROXY is set)`;
const VIA_PROXY = (seen: string, via: string) => `Snowflake refused the login at the network policy: HTTPS_PROXY is set (${via}): ${seen} may be the proxy's address, not this machine's`;
const PROXY_LINE = `Behind a proxy, the address to allow is the proxy's egress address: ask its owner, or allow it only if the proxy is yours.`;
const GITHUB_LINE = `GitHub-hosted runners change addresses: Snowflake's managed rule SNOWFLAKE.NETWORK_SECURITY.GITHUBACTIONS_GLOBAL in the policy's ALLOWED_NETWORK_RULE_LIST covers them (or use self-hosted runners with fixed addresses).`;
const netHint = (seen: string, literal: string, user: string, ...extra: string[]) =>
  [
    `The network policy in force for this user (the user's own, else the account's) does not allow ${seen}: its ALLOWED_IP_LIST does not include it, or its BLOCKED_IP_LIST does.`,
    `Let this user in from this address only, without opening the account wider:`,
    `  CREATE NETWORK POLICY WIF_CHECK_EGRESS ALLOWED_IP_LIST = (${literal});`,
    `  ALTER USER ${user} SET NETWORK_POLICY = WIF_CHECK_EGRESS;`,
    `A user-level policy replaces the account's for that user. If the user already has one (SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN USER ${user};), add ${literal} to its ALLOWED_IP_LIST instead (SET replaces the list: keep what is there); an address in BLOCKED_IP_LIST stays blocked whatever is allowed.`,
    ...extra,
  ].join('\n');
const blocked = (message: string, hint: string, ip?: string): GateDiagnosis => ({ kind: 'verification', code: 'NETWORK_POLICY_BLOCKED', message, hint, ...(ip ? { ip } : {}) });

type Case = [name: string, error: { name?: string; code?: string | number; message: string }, context: GateContext, expected: GateDiagnosis | undefined];

const NETWORK: readonly Case[] = [
  // The address: IPv4 as a /32, IPv6 as is, anything else never reaches the SQL.
  ['IPv4, the real message', { name: OFE, code: '390422', message: NET('203.0.113.7') }, { provider: 'AWS', awsAccount: '123456789012', user: 'LAMBDA_LOADER' },
    blocked(NO_PROXY('203.0.113.7'), netHint('203.0.113.7', "'203.0.113.7/32'", 'LAMBDA_LOADER'), '203.0.113.7')],
  ['IPv6 kept as is', { name: OFE, code: '390422', message: NET('2001:db8::1') }, { provider: 'AWS', user: 'LAMBDA_LOADER' },
    blocked(NO_PROXY('2001:db8::1'), netHint('2001:db8::1', "'2001:db8::1'", 'LAMBDA_LOADER'), '2001:db8::1')],
  ['a non-address in the message: placeholders, no ip', { name: OFE, code: '390422', message: NET("1.2.3.4');DROP") }, { provider: 'AWS', user: 'LAMBDA_LOADER' },
    blocked(NO_PROXY('<the address in the message>'), netHint('<the address in the message>', "'<address>'", 'LAMBDA_LOADER'))],
  ['by the numeric code alone', { name: OFE, code: 390422, message: 'IP not allowed' }, { provider: 'AWS' },
    blocked(NO_PROXY('<the address in the message>'), netHint('<the address in the message>', "'<address>'", '<your user>'))],
  ['by the message alone, no error name (the driver left it out)', { message: NET('198.51.100.9') }, { provider: 'AWS' },
    blocked(NO_PROXY('198.51.100.9'), netHint('198.51.100.9', "'198.51.100.9/32'", '<your user>'), '198.51.100.9')],
  ['a quoted user is named as typed', { name: OFE, code: '390422', message: NET('203.0.113.7') }, { provider: 'AWS', user: '"Svc"' },
    blocked(NO_PROXY('203.0.113.7'), netHint('203.0.113.7', "'203.0.113.7/32'", '"Svc"'), '203.0.113.7')],

  // HTTPS_PROXY: its host (never its credentials), "the proxy" when it has none, nothing when blank.
  ...(
    [
      ['with credentials: host only', 'http://user:secret@proxy.corp:3128', 'proxy.corp:3128'],
      ['without a scheme (host:port)', 'proxy.corp:3128', 'proxy.corp:3128'],
      ['a bare address and port', '10.0.0.5:8080', '10.0.0.5:8080'],
      ['an IPv6 host', 'http://[2001:db8::5]:3128', '[2001:db8::5]:3128'],
      ['socks5:// from an unset variable: no host', 'socks5://', 'the proxy'],
      ['http:// from an unset variable: no URL', 'http://', 'the proxy'],
      ['a space in the host: no URL', 'http://proxy corp:3128', 'the proxy'],
      ['blanks: no proxy', '   ', undefined],
      ['the empty string: no proxy', '', undefined],
    ] as const
  ).map(([name, proxy, via]): Case => [
    `proxy ${name}`,
    { name: OFE, code: '390422', message: NET('198.51.100.2') },
    { provider: 'AWS', user: 'U', proxy },
    via === undefined
      ? blocked(NO_PROXY('198.51.100.2'), netHint('198.51.100.2', "'198.51.100.2/32'", 'U'), '198.51.100.2')
      : blocked(VIA_PROXY('198.51.100.2', via), netHint('198.51.100.2', "'198.51.100.2/32'", 'U', PROXY_LINE), '198.51.100.2'),
  ]),

  // GitHub's managed rule: OIDC logins with GitHub's issuer (trailing slashes ignored), and only those.
  ['OIDC, GitHub issuer', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'OIDC', issuer: GH, user: 'GHA_DEPLOY' },
    blocked(NO_PROXY('20.1.2.3'), netHint('20.1.2.3', "'20.1.2.3/32'", 'GHA_DEPLOY', GITHUB_LINE), '20.1.2.3')],
  ['OIDC, GitHub issuer with a trailing slash', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'OIDC', issuer: `${GH}/`, user: 'GHA_DEPLOY' },
    blocked(NO_PROXY('20.1.2.3'), netHint('20.1.2.3', "'20.1.2.3/32'", 'GHA_DEPLOY', GITHUB_LINE), '20.1.2.3')],
  ['OIDC, GitHub issuer with two trailing slashes', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'OIDC', issuer: `${GH}//`, user: 'GHA_DEPLOY' },
    blocked(NO_PROXY('20.1.2.3'), netHint('20.1.2.3', "'20.1.2.3/32'", 'GHA_DEPLOY', GITHUB_LINE), '20.1.2.3')],
  ['OIDC, GitHub behind a proxy: both notes, proxy first', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'OIDC', issuer: GH, user: 'GHA_DEPLOY', proxy: 'http://proxy.corp:3128' },
    blocked(VIA_PROXY('20.1.2.3', 'proxy.corp:3128'), netHint('20.1.2.3', "'20.1.2.3/32'", 'GHA_DEPLOY', PROXY_LINE, GITHUB_LINE), '20.1.2.3')],
  ['OIDC, GitLab issuer: no GitHub rule', { name: OFE, code: '390422', message: NET('34.74.90.64') }, { provider: 'OIDC', issuer: 'https://gitlab.com', user: 'CI' },
    blocked(NO_PROXY('34.74.90.64'), netHint('34.74.90.64', "'34.74.90.64/32'", 'CI'), '34.74.90.64')],
  ['OIDC, GitHub Enterprise issuer (a path after the host): no GitHub rule', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'OIDC', issuer: `${GH}/my-enterprise`, user: 'CI' },
    blocked(NO_PROXY('20.1.2.3'), netHint('20.1.2.3', "'20.1.2.3/32'", 'CI'), '20.1.2.3')],
  ['OIDC, no issuer known: no GitHub rule', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'OIDC', user: 'CI' },
    blocked(NO_PROXY('20.1.2.3'), netHint('20.1.2.3', "'20.1.2.3/32'", 'CI'), '20.1.2.3')],
  ['AZURE carrying GitHub’s issuer: the rule is for OIDC logins only', { name: OFE, code: '390422', message: NET('20.1.2.3') }, { provider: 'AZURE', issuer: GH, user: 'CI' },
    blocked(NO_PROXY('20.1.2.3'), netHint('20.1.2.3', "'20.1.2.3/32'", 'CI'), '20.1.2.3')],
];

describe('diagnoseGate: the network policy', () => {
  it.each(NETWORK)('%s', (_name, error, context, expected) => expect(diagnoseGate(error, context)).toEqual(expected));
});

// ---------------------------------------------------------------------------------------------
// Authentication policy (390202): the same message for every rule; the hint names this identity.

const AUTH_MESSAGE = `Snowflake refused the login at the authentication policy in force (the user's own, else FOR ALL SERVICE USERS for a service user, else the account's); Snowflake does not say which rule`;
const authHint = (user: string, refName: string, identity: string, allowed: string) =>
  [
    `Find the policy in force and read it (read-only; POLICY_REFERENCES needs a current database, e.g. USE DATABASE <any>;):`,
    `  SELECT POLICY_NAME, REF_ENTITY_DOMAIN FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => ${refName}, REF_ENTITY_DOMAIN => 'USER'));`,
    `  DESCRIBE AUTHENTICATION POLICY <policy>;`,
    `Then change only what refuses this identity (${identity}) — SET replaces a list, so keep what is there:`,
    `  - AUTHENTICATION_METHODS lacks WORKLOAD_IDENTITY: ALTER AUTHENTICATION POLICY <policy> SET AUTHENTICATION_METHODS = (<its methods>, 'WORKLOAD_IDENTITY');`,
    `  - WORKLOAD_IDENTITY_POLICY leaves this identity out: ALTER AUTHENTICATION POLICY <policy> SET WORKLOAD_IDENTITY_POLICY = (${allowed});`,
    `Or give only this user a policy that admits it: ALTER USER ${user} SET AUTHENTICATION POLICY <a policy with WORKLOAD_IDENTITY for this identity>; (a user's own policy wins over the account's).`,
  ].join('\n');
const rejected = (hint: string): GateDiagnosis => ({ kind: 'verification', code: 'AUTHENTICATION_POLICY_REJECTED', message: AUTH_MESSAGE, hint });
const LONG_ISSUER = `https://issuer.example/${'a'.repeat(2000)}`;
const AZ_ISSUER = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0';

const AUTHENTICATION: readonly Case[] = [
  // Per provider: who is refused, and the WORKLOAD_IDENTITY_POLICY that admits it.
  ['AWS, account known', { name: OFE, code: '390202', message: AUTH }, { provider: 'AWS', awsAccount: '123456789012', user: 'LAMBDA_LOADER' },
    rejected(authHint('LAMBDA_LOADER', "'LAMBDA_LOADER'", 'AWS, AWS account 123456789012', "ALLOWED_PROVIDERS = (<its providers>, AWS) ALLOWED_AWS_ACCOUNTS = (<its accounts>, '123456789012')"))],
  ['AWS, account unknown, no user', { name: OFE, code: '390202', message: AUTH }, { provider: 'AWS' },
    rejected(authHint('<your user>', "'<YOUR USER>'", 'AWS, AWS account (unknown)', "ALLOWED_PROVIDERS = (<its providers>, AWS) ALLOWED_AWS_ACCOUNTS = (<its accounts>, '<your AWS account>')"))],
  ['OIDC, GitHub issuer', { name: OFE, code: '390202', message: AUTH }, { provider: 'OIDC', issuer: GH, user: 'gha_deploy' },
    rejected(authHint('gha_deploy', "'GHA_DEPLOY'", `OIDC, OIDC issuer ${GH}`, `ALLOWED_PROVIDERS = (<its providers>, OIDC) ALLOWED_OIDC_ISSUERS = (<its issuers>, '${GH}')`))],
  ['OIDC, issuer unknown', { name: OFE, code: '390202', message: AUTH }, { provider: 'OIDC', user: 'CI' },
    rejected(authHint('CI', "'CI'", 'OIDC, OIDC issuer (unknown)', "ALLOWED_PROVIDERS = (<its providers>, OIDC) ALLOWED_OIDC_ISSUERS = (<its issuers>, '<the token issuer>')"))],
  ['OIDC, a 2,000-character issuer cannot be a literal: placeholder', { name: OFE, code: '390202', message: AUTH }, { provider: 'OIDC', issuer: LONG_ISSUER, user: 'CI' },
    rejected(authHint('CI', "'CI'", `OIDC, OIDC issuer ${LONG_ISSUER}`, "ALLOWED_PROVIDERS = (<its providers>, OIDC) ALLOWED_OIDC_ISSUERS = (<its issuers>, '<value>')"))],
  ['AZURE, tenant issuer', { name: OFE, code: '390202', message: AUTH }, { provider: 'AZURE', issuer: AZ_ISSUER, user: 'AZ_FN' },
    rejected(authHint('AZ_FN', "'AZ_FN'", `AZURE, AZURE issuer ${AZ_ISSUER}`, `ALLOWED_PROVIDERS = (<its providers>, AZURE) ALLOWED_AZURE_ISSUERS = (<its issuers>, '${AZ_ISSUER}')`))],
  ['GCP, service account known', { name: OFE, code: '390202', message: AUTH }, { provider: 'GCP', subject: '104932781234567890123', user: 'GCP_JOB' },
    rejected(authHint('GCP_JOB', "'GCP_JOB'", 'GCP, GCP service account 104932781234567890123', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
  ['GCP, service account unknown', { name: OFE, code: '390202', message: AUTH }, { provider: 'GCP', user: 'GCP_JOB' },
    rejected(authHint('GCP_JOB', "'GCP_JOB'", 'GCP, GCP service account (unknown)', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
  // The user: a quoted name means exactly its content; a name with a quote is escaped.
  ['a quoted user', { name: OFE, code: '390202', message: AUTH }, { provider: 'GCP', subject: '1', user: '"Svc"' },
    rejected(authHint('"Svc"', "'Svc'", 'GCP, GCP service account 1', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
  ["a quoted user with a quote inside", { name: OFE, code: '390202', message: AUTH }, { provider: 'GCP', subject: '1', user: `"O'Brien"` },
    rejected(authHint(`"O'Brien"`, "'O''Brien'", 'GCP, GCP service account 1', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
  // Recognised by the message or by the code, each alone.
  ['by the code alone (string)', { name: OFE, code: '390202', message: 'Authentication failed.' }, { provider: 'GCP', subject: '1', user: 'U' },
    rejected(authHint('U', "'U'", 'GCP, GCP service account 1', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
  ['by the code alone (number)', { name: OFE, code: 390202, message: 'Authentication failed.' }, { provider: 'GCP', subject: '1', user: 'U' },
    rejected(authHint('U', "'U'", 'GCP, GCP service account 1', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
  ['by the message alone, other case, no code', { name: OFE, message: 'AUTHENTICATION ATTEMPT REJECTED BY THE CURRENT AUTHENTICATION POLICY.' }, { provider: 'GCP', subject: '1', user: 'U' },
    rejected(authHint('U', "'U'", 'GCP, GCP service account 1', 'ALLOWED_PROVIDERS = (<its providers>, GCP)'))],
];

describe('diagnoseGate: the authentication policy', () => {
  it.each(AUTHENTICATION)('%s', (_name, error, context, expected) => expect(diagnoseGate(error, context)).toEqual(expected));
});

// ---------------------------------------------------------------------------------------------
// The user's state: disabled (the default when both words appear) or locked, Snowflake's words on one line.

const DISABLED = (message: string, user: string, stored: string): GateDiagnosis => ({
  kind: 'verification',
  code: 'USER_DISABLED',
  message: `Snowflake refused the login because the user is disabled: ${message}`,
  hint: `Enable it if it should log in (an administrator with OWNERSHIP of the user): ALTER USER ${user} SET DISABLED = FALSE; — check first why it was disabled (SHOW USERS LIKE ${stored}; the "disabled" column).`,
});
const LOCKED = (message: string, user: string): GateDiagnosis => ({
  kind: 'verification',
  code: 'USER_DISABLED',
  message: `Snowflake refused the login because the user is locked: ${message}`,
  hint: `Unlock it (an administrator with OWNERSHIP or MANAGE GRANTS): ALTER USER ${user} SET MINS_TO_UNLOCK = 0;`,
});

const USER_STATE: readonly Case[] = [
  ['disabled, user known', { name: OFE, code: '390435', message: "User 'LAMBDA_LOADER' is disabled." }, { provider: 'AWS', user: 'LAMBDA_LOADER' },
    DISABLED("User 'LAMBDA_LOADER' is disabled.", 'LAMBDA_LOADER', "'LAMBDA_LOADER'")],
  ['disabled, lower-case user: stored upper-case', { name: OFE, code: '390435', message: 'User access disabled. Contact your local system administrator.' }, { provider: 'AWS', user: 'lambda_loader' },
    DISABLED('User access disabled. Contact your local system administrator.', 'lambda_loader', "'LAMBDA_LOADER'")],
  ['disabled, quoted user: stored as its content', { name: OFE, code: '390435', message: 'User is disabled.' }, { provider: 'OIDC', user: '"Svc"' },
    DISABLED('User is disabled.', '"Svc"', "'Svc'")],
  ['disabled, no user known: placeholders', { name: OFE, code: '390435', message: 'User is disabled.' }, { provider: 'GCP' },
    DISABLED('User is disabled.', '<your user>', "'<name>'")],
  ['disabled, a multi-line message on one line', { name: OFE, message: "User 'X' is disabled.\n  Contact your administrator." }, { provider: 'AWS', user: 'X' },
    DISABLED("User 'X' is disabled. Contact your administrator.", 'X', "'X'")],
  ['locked and disabled: disabled wins (unlocking would not help)', { name: OFE, code: '390435', message: 'User account is locked and disabled by the administrator.' }, { provider: 'AWS', user: 'X' },
    DISABLED('User account is locked and disabled by the administrator.', 'X', "'X'")],
  ['locked', { name: OFE, code: '390435', message: "User 'GHA_DEPLOY' is temporarily locked." }, { provider: 'OIDC', user: 'GHA_DEPLOY' },
    LOCKED("User 'GHA_DEPLOY' is temporarily locked.", 'GHA_DEPLOY')],
  ['locked, no user known', { name: OFE, message: 'User temporarily LOCKED.' }, { provider: 'AZURE' },
    LOCKED('User temporarily LOCKED.', '<your user>')],
];

describe('diagnoseGate: the user’s state', () => {
  it.each(USER_STATE)('%s', (_name, error, context, expected) => expect(diagnoseGate(error, context)).toEqual(expected));
});

// ---------------------------------------------------------------------------------------------
// Not a gate: other errors, other refusals, words out of place.

const NOT_A_GATE: readonly Case[] = [
  ['a network error with the 390422 text', { name: 'NetworkError', message: NET('1.2.3.4') }, { provider: 'AWS' }, undefined],
  ['a request timeout with code 390202', { name: 'RequestTimeoutError', code: '390202', message: AUTH }, { provider: 'AWS' }, undefined],
  ['the unmapped caller', { name: OFE, code: '390432', message: 'Unable to find an associated Snowflake user for the verified AWS Caller Identity.' }, { provider: 'AWS' }, undefined],
  ['no name, no code, another message', { message: 'Incorrect username or password was specified.' }, { provider: 'AWS' }, undefined],
  ['"disabled" without "user"', { name: OFE, code: '390144', message: 'Workload identity federation is disabled for this account.' }, { provider: 'AWS' }, undefined],
  ['"user" and "locked" on different lines', { name: OFE, message: 'User not found.\nAccount locked.' }, { provider: 'AWS' }, undefined],
  ['another code', { name: OFE, code: 390100, message: 'Incorrect username or password was specified.' }, { provider: 'AWS' }, undefined],
];

describe('diagnoseGate: not a gate', () => {
  it.each(NOT_A_GATE)('%s', (_name, error, context, expected) => expect(diagnoseGate(error, context)).toEqual(expected));
});

// ---------------------------------------------------------------------------------------------
// awsAccountOf: the account of an ARN, only when the text is an IAM or STS ARN from its start.

describe('awsAccountOf', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/r/s', '123456789012'],
    ['arn:aws:iam::123456789012:role/service-role/my-fn-role', '123456789012'],
    ['arn:aws-cn:iam::123456789012:role/r', '123456789012'],
    ['arn:aws-us-gov:sts::210987654321:assumed-role/r/s', '210987654321'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', undefined],
    ['arn:aws:iam::1234567890123:role/r', undefined],
    ['arn:aws:iam::12345678901:role/r', undefined],
    [' arn:aws:iam::123456789012:role/r', undefined],
    ['User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('awsAccountOf(%j) = %j', (arn, account) => expect(awsAccountOf(arn)).toBe(account));
});

// ---------------------------------------------------------------------------------------------
// isGateRefusal: a gate's refusal that reached Snowflake (whatever the provider).

describe('isGateRefusal', () => {
  it.each([
    [{ name: OFE, code: '390422', message: NET('203.0.113.7') }, true],
    [{ name: OFE, code: '390202', message: AUTH, reachedSnowflake: true }, true],
    [{ name: OFE, code: '390435', message: 'User is disabled.' }, true],
    [{ name: OFE, code: '390422', message: NET('203.0.113.7'), reachedSnowflake: false }, false],
    [{ name: 'NetworkError', message: NET('203.0.113.7') }, false],
    [{ name: OFE, code: '390432', message: 'Unable to find an associated Snowflake user' }, false],
  ])('isGateRefusal %#', (error, gate) => expect(isGateRefusal(error)).toBe(gate));
});
