/**
 * Specification of diagnoseOidcLogin (src/providers/oidc/diagnose.ts): a failed OIDC login's driver
 * fields in, one diagnosis out. Snowflake's wording for a refused OIDC login is not public
 * (FACTS.md "Every provider"): the refusals below are the simulator's (src/simulators/snowflake-oidc.ts,
 * codes 390431/390432), the AWS wording Snowflake really uses, and the loose variants the rule
 * promises to read; the gates' messages are the public ones (src/core/gates.ts).
 */
import { describe, expect, it } from 'vitest';
import { diagnoseLoginError, type Diagnosis, type DriverErrorFields } from '../../src/core/diagnose.js';
import { diagnoseGate } from '../../src/core/gates.js';
import { diagnoseOidcLogin, type OidcLoginContext } from '../../src/providers/oidc/diagnose.js';
import type { Trap } from '../../src/providers/types.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'repo:acme/api:environment:production';
const AUDIENCE = 'snowflakecomputing.com';
const ACCOUNT = 'myorg-myacct';
const URL_ = 'https://myorg-myacct.snowflakecomputing.com';

function context(extra: Partial<OidcLoginContext> = {}, audience: string[] = [AUDIENCE]): OidcLoginContext {
  return {
    account: ACCOUNT,
    url: URL_,
    timeoutMs: 2_000,
    facts: { issuer: ISSUER, subject: SUBJECT, audience, expiresAt: null, issuedAt: null, algorithm: 'RS256', claims: {}, platform: 'github-actions' },
    registration: { type: 'OIDC', issuer: ISSUER, subject: SUBJECT, audienceList: audience.length > 0 ? audience : [AUDIENCE] },
    traps: [],
    expectUser: 'GHA_API',
    ...extra,
  };
}

const REGISTER = `  ALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${ISSUER}' SUBJECT = '${SUBJECT}' OIDC_AUDIENCE_LIST = ('${AUDIENCE}'));`;
const MATCHES = "Snowflake matches ISSUER and SUBJECT exactly, and the token's audience against OIDC_AUDIENCE_LIST. Register exactly what the token says:";
const DOCTOR = 'With --admin-connection NAME, doctor reads what is registered and says which part differs.';
const PRESENTED = `issuer ${ISSUER}, subject ${SUBJECT}, audience ${AUDIENCE}`;
const HINT = [MATCHES, REGISTER, DOCTOR].join('\n');

const OFE = 'OperationFailedError';
const SIM_UNMAPPED = 'Unable to find an associated Snowflake user for the verified OIDC token (Snowflake simulator).';
const SIM_INVALID = 'The OIDC token could not be verified (Snowflake simulator): ';

// A verified token no user is mapped to: every wording the rule reads as "no associated user" → USER_NOT_MAPPED, exit-code kind verification.
describe('a refusal that names no associated user is USER_NOT_MAPPED', () => {
  it.each<[string, DriverErrorFields]>([
    ['the simulator (code 390432)', { name: OFE, code: '390432', message: SIM_UNMAPPED, reachedSnowflake: true }],
    ['the numeric code the driver may carry', { name: OFE, code: 390432, message: SIM_UNMAPPED, reachedSnowflake: true }],
    [
      'the AWS wording Snowflake really uses, behind the driver prefix',
      { name: OFE, code: '250001', message: "Failed to connect to DB: myorg-myacct.snowflakecomputing.com:443. Unable to find an associated Snowflake user for the verified OIDC token with issuer 'https://token.actions.githubusercontent.com'.", reachedSnowflake: true },
    ],
    ['lower case', { name: OFE, code: '390432', message: 'unable to find an associated snowflake user', reachedSnowflake: undefined }],
    ['"no associated user", without "Snowflake"', { name: OFE, code: '390432', message: 'No associated user for the presented token.', reachedSnowflake: true }],
    ['"no matching Snowflake user"', { name: OFE, code: '390432', message: 'There is no matching Snowflake user for this identity.', reachedSnowflake: true }],
    ['"no matching user"', { name: OFE, code: '390432', message: 'Login failed: no matching user.', reachedSnowflake: true }],
    ['"not mapped to any user", without "Snowflake"', { name: OFE, code: '390432', message: 'The verified token is not mapped to any user.', reachedSnowflake: true }],
    ['"not associated with a Snowflake user"', { name: OFE, code: '390432', message: 'The verified token is not associated with a Snowflake user.', reachedSnowflake: true }],
    ['"not mapped to a user"', { name: OFE, code: '390432', message: 'Identity not mapped to a user', reachedSnowflake: true }],
  ])('%s', (_name, error) => {
    expect(diagnoseOidcLogin(error, context())).toStrictEqual<Diagnosis>({
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: `Snowflake verified the OIDC token (${PRESENTED}) but no Snowflake user is mapped to it`,
      hint: HINT,
      expectedArn: null,
      snowflake: { code: String(error.code), message: error.message },
    });
  });
});

// Any other refusal of the identity by Snowflake → TOKEN_REJECTED, Snowflake's words on one line.
describe('any other refusal of the identity is TOKEN_REJECTED', () => {
  it.each<[string, DriverErrorFields, string]>([
    ['audience not listed (simulator, 390431)', { name: OFE, code: '390431', message: `${SIM_INVALID}audience another-account is not in OIDC_AUDIENCE_LIST`, reachedSnowflake: true }, `${SIM_INVALID}audience another-account is not in OIDC_AUDIENCE_LIST`],
    ['an invalid JWT (390144)', { name: OFE, code: '390144', message: 'JWT token is invalid. [signature verification failed]', reachedSnowflake: true }, 'JWT token is invalid. [signature verification failed]'],
    ['a message on several lines is read on one', { name: OFE, code: '390431', message: `${SIM_INVALID}\n  token expired\t at 12:00 `, reachedSnowflake: true }, `${SIM_INVALID}token expired at 12:00`],
    // Each rule reads one line: "user" ending a line and "disabled" starting the next is not a disabled user.
    ['"user" and "disabled" on two lines', { name: OFE, code: '390431', message: 'The token was refused for this user\ndisabled claims were present', reachedSnowflake: true }, 'The token was refused for this user disabled claims were present'],
    ['"account" and "not found" on two lines', { name: OFE, code: '390431', message: 'The issuer of this account\nnot found in the registration', reachedSnowflake: true }, 'The issuer of this account not found in the registration'],
    ['"associated" without "no" before it', { name: OFE, code: '390431', message: 'The token associated user could not be verified.', reachedSnowflake: true }, 'The token associated user could not be verified.'],
  ])('%s', (_name, error, words) => {
    expect(diagnoseOidcLogin(error, context())).toStrictEqual<Diagnosis>({
      kind: 'verification',
      code: 'TOKEN_REJECTED',
      message: `Snowflake refused the OIDC token (${PRESENTED}): ${words}`,
      hint: HINT,
      expectedArn: null,
      snowflake: { code: String(error.code), message: error.message },
    });
  });

  it('a refusal without a code carries no snowflake field', () => {
    const message = `${SIM_INVALID}issuer mismatch`;
    expect(diagnoseOidcLogin({ name: OFE, message, reachedSnowflake: true }, context())).toStrictEqual<Diagnosis>({
      kind: 'verification',
      code: 'TOKEN_REJECTED',
      message: `Snowflake refused the OIDC token (${PRESENTED}): ${message}`,
      hint: HINT,
      expectedArn: null,
    });
  });

  it('an unmapped refusal without a code carries no snowflake field', () => {
    expect(diagnoseOidcLogin({ name: OFE, message: SIM_UNMAPPED }, context())).toStrictEqual<Diagnosis>({
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: `Snowflake verified the OIDC token (${PRESENTED}) but no Snowflake user is mapped to it`,
      hint: HINT,
      expectedArn: null,
    });
  });
});

// What the token presented: every audience, comma-separated, or "(none)"; the fix registers exactly that.
describe('the presented token and the registration in the fix', () => {
  const refusal: DriverErrorFields = { name: OFE, code: '390432', message: SIM_UNMAPPED, reachedSnowflake: true };
  it.each<[string, string[], string, string]>([
    ['one audience', [AUDIENCE], AUDIENCE, `('${AUDIENCE}')`],
    ['two audiences', ['api://snowflake', 'myorg-myacct'], 'api://snowflake, myorg-myacct', "('api://snowflake', 'myorg-myacct')"],
    ['no audience at all', [], '(none)', `('${AUDIENCE}')`],
  ])('%s', (_name, audience, shown, list) => {
    const diagnosis = diagnoseOidcLogin(refusal, context({}, audience));
    expect(diagnosis.message).toBe(`Snowflake verified the OIDC token (issuer ${ISSUER}, subject ${SUBJECT}, audience ${shown}) but no Snowflake user is mapped to it`);
    expect(diagnosis.hint).toBe(
      [MATCHES, `  ALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${ISSUER}' SUBJECT = '${SUBJECT}' OIDC_AUDIENCE_LIST = ${list});`, DOCTOR].join('\n'),
    );
  });

  it.each<[string, string | undefined, string]>([
    ['without --expect-user: a placeholder', undefined, '<your user>'],
    ['a quoted user keeps its quotes', '"gha api"', '"gha api"'],
  ])('%s', (_name, expectUser, shown) => {
    expect(diagnoseOidcLogin(refusal, context({ expectUser })).hint).toBe(
      [MATCHES, `  ALTER USER ${shown} SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${ISSUER}' SUBJECT = '${SUBJECT}' OIDC_AUDIENCE_LIST = ('${AUDIENCE}'));`, DOCTOR].join('\n'),
    );
  });
});

// The token's own errors come first in the hint (message, then the fix indented two spaces per line); warnings and notes do not.
describe('traps in the hint', () => {
  const refusal: DriverErrorFields = { name: OFE, code: '390431', message: `${SIM_INVALID}subject mismatch`, reachedSnowflake: true };
  const PULL: Trap = {
    code: 'GITHUB_SUBJECT_PULL_REQUEST',
    severity: 'error',
    message: 'The job runs for a pull request: its subject is repo:acme/api:pull_request.',
    fix: "Register that subject:\nALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:acme/api:pull_request' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));",
  };
  const NO_FIX: Trap = { code: 'ALGORITHM_REFUSED', severity: 'error', message: 'The token is signed with HS256; Snowflake accepts RS256/384/512 and ES256/384/512.' };
  const EMPTY_FIX: Trap = { code: 'NO_IAT', severity: 'error', message: 'The token has no iat claim: Snowflake refuses it.', fix: '' };
  const WARN: Trap = { code: 'LONG_LIVED', severity: 'warn', message: 'The token is valid for 24 hours.', fix: 'Mint shorter tokens.' };
  const INFO: Trap = { code: 'PLATFORM', severity: 'info', message: 'Issued by GitHub Actions.' };

  it.each<[string, Trap[], string[]]>([
    ['no traps', [], []],
    ['only a warning and a note: not shown', [WARN, INFO], []],
    [
      'an error with a fix of two lines, among a warning and a note',
      [WARN, PULL, INFO],
      [
        'The job runs for a pull request: its subject is repo:acme/api:pull_request.',
        '  Register that subject:',
        "  ALTER USER GHA_API SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:acme/api:pull_request' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));",
      ],
    ],
    ['an error without a fix, and one with an empty fix', [NO_FIX, EMPTY_FIX], [NO_FIX.message, EMPTY_FIX.message]],
    ['two errors, in order', [EMPTY_FIX, WARN, PULL], [EMPTY_FIX.message, PULL.message, `  Register that subject:`, `  ${PULL.fix?.split('\n')[1] ?? ''}`]],
  ])('%s', (_name, traps, first) => {
    expect(diagnoseOidcLogin(refusal, context({ traps })).hint).toBe([...first, MATCHES, REGISTER, DOCTOR].join('\n'));
  });
});

// Gates before the mapping (network policy, authentication policy, the user's state): the gate's diagnosis, for this issuer and user.
describe('a refusal at a gate is the gate', () => {
  const NETWORK = 'Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake.';
  const AUTH_POLICY = 'Authentication attempt rejected by the current authentication policy.';
  it.each<[string, DriverErrorFields, string, string | undefined]>([
    ['network policy (390422)', { name: OFE, code: '390422', message: NETWORK, reachedSnowflake: true }, 'NETWORK_POLICY_BLOCKED', undefined],
    ['network policy, numeric code, reachedSnowflake unknown', { name: OFE, code: 390422, message: NETWORK }, 'NETWORK_POLICY_BLOCKED', undefined],
    ['network policy behind a proxy', { name: OFE, code: '390422', message: NETWORK, reachedSnowflake: true }, 'NETWORK_POLICY_BLOCKED', 'http://proxy.corp.example:3128'],
    ['authentication policy (390202)', { name: OFE, code: '390202', message: AUTH_POLICY, reachedSnowflake: true }, 'AUTHENTICATION_POLICY_REJECTED', undefined],
    ['authentication policy known by its code only', { name: OFE, code: '390202', message: 'Login refused.', reachedSnowflake: true }, 'AUTHENTICATION_POLICY_REJECTED', undefined],
    ['a disabled user', { name: OFE, code: '390431', message: 'User GHA_API is disabled.', reachedSnowflake: true }, 'USER_DISABLED', undefined],
    ['a locked user, no code', { name: OFE, message: 'The user GHA_API is temporarily locked.', reachedSnowflake: true }, 'USER_DISABLED', undefined],
    ['the network policy wording, no code', { name: OFE, message: NETWORK, reachedSnowflake: true }, 'NETWORK_POLICY_BLOCKED', undefined],
  ])('%s', (_name, error, code, proxy) => {
    const gate = diagnoseGate(error, { provider: 'OIDC', issuer: ISSUER, user: 'GHA_API', proxy });
    expect(gate?.code).toBe(code);
    const diagnosis = diagnoseOidcLogin(error, context({ proxy }));
    expect(diagnosis).toStrictEqual<Diagnosis>({
      kind: 'verification',
      code,
      message: gate?.message ?? '',
      hint: gate?.hint ?? '',
      expectedArn: null,
      ...(error.code === undefined ? {} : { snowflake: { code: String(error.code), message: error.message } }),
    });
  });

  it('GitHub Actions: the network policy fix names the managed rule for its runners', () => {
    const hint = diagnoseOidcLogin({ name: OFE, code: '390422', message: NETWORK, reachedSnowflake: true }, context()).hint;
    expect(hint.split('\n').at(-1)).toBe(
      "GitHub-hosted runners change addresses: Snowflake's managed rule SNOWFLAKE.NETWORK_SECURITY.GITHUBACTIONS_GLOBAL in the policy's ALLOWED_NETWORK_RULE_LIST covers them (or use self-hosted runners with fixed addresses).",
    );
  });
});

// Failures that are not about the identity: the generic rules' diagnosis (src/core/diagnose.ts), never a gate nor a token refusal.
describe('failures that are not about the identity are the generic rules', () => {
  const NETWORK = 'Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake.';
  it.each<[string, DriverErrorFields, string]>([
    ['a role not granted (390189)', { name: OFE, code: '390189', message: "Role 'LOADER' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.", reachedSnowflake: true }, 'ROLE_NOT_GRANTED'],
    ['an unknown account', { name: OFE, code: '390201', message: "Account 'xy12345' does not exist.", reachedSnowflake: true }, 'ACCOUNT_NOT_FOUND'],
    ['an account not found', { name: OFE, code: '390201', message: 'The requested account myorg-nope was not found.', reachedSnowflake: true }, 'ACCOUNT_NOT_FOUND'],
    ['an authentication policy in other words', { name: OFE, code: '390400', message: 'Login not permitted by authentication policy WIF_ONLY.', reachedSnowflake: true }, 'LOGIN_FAILED'],
    ['an address refused in other words', { name: OFE, code: '390400', message: 'IP 203.0.113.7 is not allowed to access Snowflake.', reachedSnowflake: true }, 'LOGIN_FAILED'],
    ['nothing sent: unreachable host', { name: 'NetworkError', message: 'getaddrinfo ENOTFOUND myorg-myacct.snowflakecomputing.com', causeCode: 'ENOTFOUND', reachedSnowflake: false }, 'UNREACHABLE'],
    ['a timeout', { name: 'TimeoutError', code: 'TIMEOUT', message: 'timed out after 2000 ms', reachedSnowflake: true }, 'TIMEOUT'],
    ['a server error behind a proxy (502)', { name: 'RequestFailedError', message: 'Request failed with status code 502', httpStatus: 502, reachedSnowflake: true }, 'SERVER_ERROR'],
    // Nothing reached Snowflake: the words cannot be its refusal, nor a gate.
    ['nothing sent, though the words are a token refusal', { name: OFE, code: '390431', message: `${SIM_INVALID}issuer mismatch`, reachedSnowflake: false }, 'LOGIN_FAILED'],
    ['nothing sent, though the words are the network policy', { name: OFE, code: '390422', message: NETWORK, reachedSnowflake: false }, 'LOGIN_FAILED'],
    // Not the driver's error (no name: something thrown that is not an Error): neither a gate nor a refusal.
    ['no name, the network policy words', { message: NETWORK, reachedSnowflake: true }, 'LOGIN_FAILED'],
    ['no name, a disabled user', { message: 'User GHA_API is disabled.' }, 'LOGIN_FAILED'],
  ])('%s', (_name, error, code) => {
    const generic = diagnoseLoginError(error, { account: ACCOUNT, url: URL_, timeoutMs: 2_000, provider: 'OIDC' });
    expect(generic.code).toBe(code);
    expect(diagnoseOidcLogin(error, context())).toStrictEqual<Diagnosis>({ ...generic, expectedArn: null });
  });

  it('the role and the fallback name OIDC, not AWS', () => {
    const role = "Role 'LOADER' specified in the connect string does not exist or not authorized.";
    expect(diagnoseOidcLogin({ name: OFE, code: '390189', message: role, reachedSnowflake: true }, context()).message).toBe(`Snowflake accepted the OIDC identity but not the role: ${role}`);
    expect(diagnoseOidcLogin({ message: 'User GHA_API is disabled.' }, context()).hint).toBe(
      'Run `wif-check doctor --provider oidc` for the full checklist; compare the token with `wif-check whoami --provider oidc`.',
    );
  });
});
