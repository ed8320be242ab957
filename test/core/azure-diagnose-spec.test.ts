/**
 * src/providers/azure/diagnose.ts as a specification: a failed Azure login (the driver's error fields,
 * with Snowflake's, Entra's and @azure/identity's real wording) → the whole diagnosis. Snowflake's
 * wording for a refused Azure token is not public (../shared/FACTS.md "Third round"): the refusals
 * below are the test bed's (src/simulators/snowflake-azure.ts) and the loose variants the rule reads.
 * The driver's own token failures are @azure/identity 4.x's messages (AuthenticationError:
 * "<error> Status code: <n>\nMore details:\n<Entra's description>,"; AggregateAuthenticationError:
 * "ChainedTokenCredential authentication failed.\n<each credential's error>").
 */
import { describe, expect, it } from 'vitest';
import { diagnoseAzureLogin, type AzureLoginContext } from '../../src/providers/azure/diagnose.js';
import { diagnoseLoginError, type Diagnosis, type DriverErrorFields } from '../../src/core/diagnose.js';
import { diagnoseGate } from '../../src/core/gates.js';
import { tokenFailureTrap } from '../../src/providers/azure/rules.js';
import type { Trap } from '../../src/providers/types.js';

const APP = 'fd3f753b-eed3-462c-b6a7-a4b5bb650aad';
const TENANT = '3f4e9a1c-7b2d-4c8e-9f10-2a3b4c5d6e7f';
const OBJECT_ID = 'c0a8e2f4-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const CLIENT_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const URL = 'https://myorg-myacct.snowflakecomputing.com';

const context: AzureLoginContext = {
  account: 'myorg-myacct',
  url: URL,
  timeoutMs: 20_000,
  facts: { issuer: ISSUER, subject: OBJECT_ID, audience: [APP], clientId: CLIENT_ID },
  registration: { type: 'AZURE', issuer: ISSUER, subject: OBJECT_ID },
  traps: [],
  expectUser: 'AZ_LOADER',
};
const REGISTER = `ALTER USER AZ_LOADER SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${ISSUER}' SUBJECT = '${OBJECT_ID}');`;
const MATCHES = "Snowflake matches the token's issuer and subject (the object ID, case-sensitive) with ISSUER and SUBJECT. Register exactly what the token says:";
const DOCTOR = 'With --admin-connection NAME, doctor reads what is registered and says which part differs (a client ID, the case, the v1/v2 issuer form).';
const PRESENTED = `issuer ${ISSUER}, subject ${OBJECT_ID}, client ID ${CLIENT_ID}`;
const DRIVER_PREFIX = 'The driver got no Azure token (its DefaultAzureCredential, before Snowflake): ';
const SAME_CALL_HINT = "wif-check's own token request worked with the same call: check that the driver runs with the same environment and workloadIdentityAzureClientId (--azure-client-id).";

const CONSENT_MISSING =
  `invalid_resource Status code: 400\nMore details:\nAADSTS500011: The resource principal named api://${APP} was not found in the tenant named Contoso. ` +
  'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
  'You might have sent your authentication request to the wrong tenant. Trace ID: 0c3d5e7f-1a2b-4c3d-9e8f-7a6b5c4d3e2f Correlation ID: 5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e Timestamp: 2026-12-07 10:02:11Z,';
const CHAINED_UNAVAILABLE = [
  'ChainedTokenCredential authentication failed.',
  'CredentialUnavailableError: EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
  'CredentialUnavailableError: WorkloadIdentityCredential: is unavailable. federatedTokenFilePath is a required parameter. In DefaultAzureCredential and ManagedIdentityCredential, this can be provided as an environment variable - "AZURE_FEDERATED_TOKEN_FILE".',
  'CredentialUnavailableError: ManagedIdentityCredential: Network unreachable. Message: connect EHOSTUNREACH 169.254.169.254:80',
].join('\n');

const before = (name: string, message: string): DriverErrorFields => ({ name, message, reachedSnowflake: false });
const refused = (code: string | undefined, message: string): DriverErrorFields => ({ name: 'OperationFailedError', ...(code === undefined ? {} : { code }), message, reachedSnowflake: true });

// The driver's own DefaultAzureCredential failed before anything reached Snowflake: the identity side (kind 'aws' = exit 3).
describe("the driver's token request failed before Snowflake", () => {
  it('AADSTS500011 (no admin consent), as Entra words it and no credential named: the consent URL', () => {
    expect(diagnoseAzureLogin(before('AuthenticationError', CONSENT_MISSING), context)).toEqual({
      kind: 'aws',
      code: 'AZURE_CONSENT_MISSING',
      message: `${DRIVER_PREFIX}Entra ID does not know Snowflake's application in this tenant (AADSTS500011): no administrator has consented to it`,
      hint: [
        `A tenant administrator consents once to Snowflake's Entra application ${APP}:`,
        `  https://login.microsoftonline.com/<tenant ID>/adminconsent?client_id=${APP}`,
        `  (or: az ad sp create --id ${APP})`,
      ].join('\n'),
      expectedArn: null,
    });
  });

  // Each of the SDK's names (and Entra's AADSTS codes) marks the failure as the token request's; a known one names its fix.
  it.each<[string, string, string]>([
    ['several user-assigned identities, no client ID (IMDS)', 'ManagedIdentityCredential: Authentication failed. Message Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request', 'AZURE_USER_ASSIGNED_NEEDS_CLIENT_ID'],
    ['no federated credential for the pod (AKS, Entra\'s AADSTS700213 alone)', "invalid_request Status code: 400\nMore details:\nAADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:default:loader'.,", 'AKS_FEDERATION_MISSING'],
    ['no such identity on the VM (WorkloadIdentityCredential unavailable, IMDS 400)', 'WorkloadIdentityCredential: is unavailable. ManagedIdentityCredential: Authentication failed. Message Identity not found', 'AZURE_NO_SUCH_IDENTITY'],
  ])('%s → %s', (_name, message, code) => {
    const known = tokenFailureTrap(message);
    expect(diagnoseAzureLogin(before('AuthenticationError', message), context)).toEqual({
      kind: 'aws',
      code,
      message: `${DRIVER_PREFIX}${known?.message ?? '(no trap)'}`,
      hint: known?.fix,
      expectedArn: null,
    });
  });

  // An unknown token failure: its first 300 characters on one line, and the same-environment hint.
  it.each<[string, DriverErrorFields, string]>([
    ['the chain of credentials, every one unavailable (multi-line, > 300 characters)', before('AggregateAuthenticationError', CHAINED_UNAVAILABLE), CHAINED_UNAVAILABLE.replace(/\s+/g, ' ').slice(0, 300)],
    ['ManagedIdentityCredential alone, short', before('CredentialUnavailableError', 'ManagedIdentityCredential: Network unreachable. Message: connect ETIMEDOUT 169.254.169.254:80'), 'ManagedIdentityCredential: Network unreachable. Message: connect ETIMEDOUT 169.254.169.254:80'],
    ['DefaultAzureCredential named', before('CredentialUnavailableError', 'DefaultAzureCredential: failed to retrieve a token'), 'DefaultAzureCredential: failed to retrieve a token'],
    ['an AADSTS code alone (the SDK\'s AuthenticationError)', before('AuthenticationError', 'invalid_client Status code: 401\nMore details:\nAADSTS7000215: Invalid client secret provided.,'), 'invalid_client Status code: 401 More details: AADSTS7000215: Invalid client secret provided.,'],
  ])('%s → DRIVER_NO_AZURE_TOKEN', (_name, error, shown) => {
    expect(diagnoseAzureLogin(error, context)).toEqual({ kind: 'aws', code: 'DRIVER_NO_AZURE_TOKEN', message: `${DRIVER_PREFIX}${shown}`, hint: SAME_CALL_HINT, expectedArn: null });
  });

  it('the 300-character cut is exact', () => {
    expect(diagnoseAzureLogin(before('AggregateAuthenticationError', CHAINED_UNAVAILABLE), context).message).toHaveLength(DRIVER_PREFIX.length + 300);
  });
});

// The gates (network policy, authentication policy, the user's state) come before the identity: src/core/gates.ts's, for AZURE.
describe('a login refused at a gate', () => {
  const gate = (error: DriverErrorFields) => {
    const found = diagnoseGate(error, { provider: 'AZURE', issuer: ISSUER, user: 'AZ_LOADER' });
    return found && { kind: found.kind, code: found.code, message: found.message, hint: found.hint, expectedArn: null };
  };
  it.each<[string, DriverErrorFields, string, string]>([
    ['network policy (390422, the real wording)', refused('390422', 'Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake.'), 'NETWORK_POLICY_BLOCKED', '  CREATE NETWORK POLICY WIF_CHECK_EGRESS ALLOWED_IP_LIST = (\'203.0.113.7/32\');'],
    ['authentication policy (390202, the real wording): the Azure issuer is named', refused('390202', 'Authentication attempt rejected by the current authentication policy.'), 'AUTHENTICATION_POLICY_REJECTED', `  - WORKLOAD_IDENTITY_POLICY leaves this identity out: ALTER AUTHENTICATION POLICY <policy> SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_PROVIDERS = (<its providers>, AZURE) ALLOWED_AZURE_ISSUERS = (<its issuers>, '${ISSUER}'));`],
    ['a disabled user', refused('390101', "User 'AZ_LOADER' is disabled."), 'USER_DISABLED', '  '],
  ])('%s → %s, with Snowflake\'s code and words', (_name, error, code, line) => {
    const diagnosis = diagnoseAzureLogin(error, context);
    expect(diagnosis).toEqual({ ...gate(error), snowflake: { code: String(error.code), message: error.message } });
    expect(diagnosis.code).toBe(code);
    if (line.trim() !== '') expect(diagnosis.hint.split('\n')).toContain(line);
  });

  it('a gate refusal without a code: no snowflake field', () => {
    const error = refused(undefined, 'Authentication attempt rejected by the current authentication policy.');
    expect(diagnoseAzureLogin(error, context)).toEqual(gate(error));
  });
});

// Not the identity: what the generic rules say (src/core/diagnose.ts), word for word, with no ARN.
describe('failures that are not about the Azure identity', () => {
  const generic = (error: DriverErrorFields) => ({ ...diagnoseLoginError(error, { account: context.account, url: URL, timeoutMs: context.timeoutMs, provider: 'AZURE' }), expectedArn: null });
  it.each<[string, DriverErrorFields, string]>([
    ['the role (390189, the real wording)', refused('390189', "Role 'LOADER' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC."), 'ROLE_NOT_GRANTED'],
    ['an unknown account', refused('390201', "Account 'myorg-myacct' does not exist or not authorized."), 'ACCOUNT_NOT_FOUND'],
    ['an unknown account, "not found"', refused('390201', 'The requested account was not found.'), 'ACCOUNT_NOT_FOUND'],
    ['Snowflake not reachable (the driver\'s NetworkError after sending)', { name: 'NetworkError', message: 'Network error. Could not reach Snowflake.', causeCode: 'ECONNRESET', causeMessage: 'socket hang up', reachedSnowflake: true }, 'UNREACHABLE'],
    ['TLS refused before anything was sent', { name: 'NetworkError', message: 'Network error. Could not reach Snowflake.', causeCode: 'CERT_HAS_EXPIRED', causeMessage: 'certificate has expired', reachedSnowflake: false }, 'TLS_ERROR'],
    ['the driver\'s host allow-list (before Snowflake, no Azure words)', before('Error', 'WORKLOAD_IDENTITY requires a recognized Snowflake host. Got: 10.0.0.5. This allowlist can be extended via the SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES environment variable.'), 'HOST_NOT_ALLOWED'],
    ['the gate\'s words, but nothing reached Snowflake: not a gate', before('OperationFailedError', 'Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake.'), 'LOGIN_FAILED'],
    ['something thrown that is not an Error (no name): not Snowflake\'s refusal, not a gate', { message: "User 'AZ_LOADER' is disabled." }, 'LOGIN_FAILED'],
    ['a timeout after sending', { name: 'TimeoutError', code: 'TIMEOUT', message: 'timed out after 20000 ms', reachedSnowflake: true }, 'TIMEOUT'],
  ])('%s → %s', (_name, error, code) => {
    const diagnosis = diagnoseAzureLogin(error, context);
    expect(diagnosis).toEqual(generic(error));
    expect(diagnosis.code).toBe(code);
  });

  // In the user's words: never an AWS cause (credentials, region, STS) for an Azure login.
  it.each<[string, DriverErrorFields, Omit<Diagnosis, 'snowflake'> & { snowflake?: Diagnosis['snowflake'] }]>([
    [
      'the role names the Azure identity',
      refused('390189', "Role 'LOADER' specified in the connect string does not exist or not authorized."),
      {
        kind: 'snowflake',
        code: 'ROLE_NOT_GRANTED',
        message: "Snowflake accepted the Azure identity but not the role: Role 'LOADER' specified in the connect string does not exist or not authorized.",
        hint: 'Grant the role to the mapped user (GRANT ROLE <role> TO USER <user>;), or drop --role to use its DEFAULT_ROLE.',
        expectedArn: null,
        snowflake: { code: '390189', message: "Role 'LOADER' specified in the connect string does not exist or not authorized." },
      },
    ],
    [
      "the driver's token request hung (nothing sent)",
      { name: 'TimeoutError', code: 'TIMEOUT', message: 'timed out after 20000 ms', reachedSnowflake: false },
      {
        kind: 'aws',
        code: 'TOKEN_TIMEOUT',
        message: 'The Snowflake driver did not get its Azure token (DefaultAzureCredential) within 20 s: nothing was sent to Snowflake',
        hint: "The driver's DefaultAzureCredential asks the managed identity endpoint (IMDS; IDENTITY_ENDPOINT in App Service and Functions) or reads AZURE_FEDERATED_TOKEN_FILE: `wif-check whoami --provider azure` makes the same request and says which source fails. If it is only slow, raise --timeout.",
        expectedArn: null,
      },
    ],
    [
      'the metadata address before Snowflake, without the SDK\'s words: not an AWS region',
      before('Error', 'connect EHOSTUNREACH 169.254.169.254:80'),
      {
        kind: 'snowflake',
        code: 'LOGIN_FAILED',
        message: 'Snowflake login failed: connect EHOSTUNREACH 169.254.169.254:80',
        hint: 'Run `wif-check doctor --provider azure` for the full checklist; compare the token with `wif-check whoami --provider azure`.',
        expectedArn: null,
      },
    ],
  ])('%s', (_name, error, expected) => {
    expect(diagnoseAzureLogin(error, context)).toStrictEqual(expected);
  });
});

// Snowflake refused the token: USER_NOT_MAPPED when its words name no associated user, else TOKEN_REJECTED; both say what the token presented and the registration that matches it.
describe('Snowflake refused the Azure identity', () => {
  const hint = (...before: string[]) => [...before, MATCHES, `  ${REGISTER}`, DOCTOR].join('\n');
  it.each<[string, string]>([
    ['the test bed\'s wording (390432)', 'Unable to find an associated Snowflake user for the verified Azure token (Snowflake simulator).'],
    ['"no associated user"', 'There is no associated user for this Azure token.'],
    ['"no matching Snowflake user"', 'Found no matching Snowflake user for the issuer and subject.'],
    ['"no matching user"', 'no matching user'],
    ['"not mapped to any user"', 'The workload identity is not mapped to any user.'],
    ['"not associated with a Snowflake user"', 'The token subject is not associated with a Snowflake user.'],
    ['"not associated with a user"', 'The token subject is not associated with a user.'],
    ['a two-line answer, "user" ending one line and "disabled" starting the next (not the user\'s state)', 'Unable to find an associated Snowflake user\ndisabled or missing WORKLOAD_IDENTITY for this subject'],
  ])('%s → USER_NOT_MAPPED', (_name, message) => {
    expect(diagnoseAzureLogin(refused('390432', message), context)).toEqual({
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: `Snowflake verified the Azure token (${PRESENTED}) but no Snowflake user is mapped to it`,
      hint: hint(),
      expectedArn: null,
      snowflake: { code: '390432', message },
    });
  });

  it.each<[string, string]>([
    ['the test bed\'s wording (390431)', 'The Azure token could not be verified (Snowflake simulator): the token is for https://management.azure.com/, not Snowflake\'s Entra application'],
    ['a multi-line answer, on one line', 'Invalid token.\n  The signature could not be verified.'],
    ['a role named without "specified in the connect string"', "Role LOADER is not allowed for workload identity federation."],
    ['"user" and "locked" on different lines: not the user\'s state', 'The token was refused for this user\nlocked to another tenant'],
  ])('%s → TOKEN_REJECTED', (_name, message) => {
    expect(diagnoseAzureLogin(refused('390431', message), context)).toEqual({
      kind: 'verification',
      code: 'TOKEN_REJECTED',
      message: `Snowflake refused the Azure token (${PRESENTED}): ${message.replace(/\s+/g, ' ').trim()}`,
      hint: hint(),
      expectedArn: null,
      snowflake: { code: '390431', message },
    });
  });

  it('no code from Snowflake: no snowflake field; no client ID in the token: none named; no --expect-user: <your user>', () => {
    const message = 'Unable to find an associated Snowflake user for the verified Azure token (Snowflake simulator).';
    const bare = { ...context, facts: { ...context.facts, clientId: null }, expectUser: undefined };
    expect(diagnoseAzureLogin(refused(undefined, message), bare)).toEqual({
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: `Snowflake verified the Azure token (issuer ${ISSUER}, subject ${OBJECT_ID}) but no Snowflake user is mapped to it`,
      hint: [MATCHES, `  ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${ISSUER}' SUBJECT = '${OBJECT_ID}');`, DOCTOR].join('\n'),
      expectedArn: null,
    });
  });

  // The token's traps of severity 'error' come first, each with its fix indented (every line of it); warnings and notes are left out.
  it('the error traps, with their fixes, before the registration', () => {
    const traps: Trap[] = [
      { code: 'AZURE_WRONG_RESOURCE', severity: 'error', message: `the token is for https://management.azure.com/, not for Snowflake's Entra application (api://${APP})`, fix: `Ask for the resource api://${APP} (leave the driver's workloadIdentityAzureEntraIdResource and --azure-resource unset).` },
      { code: 'AZURE_ISSUER_V1', severity: 'warn', message: "the token carries Entra's v1 issuer", fix: 'Register the issuer the token carries.' },
      { code: 'AZURE_OTHER_IDENTITY', severity: 'error', message: `the token is for client ID ${CLIENT_ID}, not the one asked for (11111111-2222-4333-8444-555555555555)` },
      { code: 'AZURE_SYSTEM_IDENTITY_CHOSEN', severity: 'info', message: 'no client ID was given', fix: 'Give the client ID.' },
      { code: 'AZURE_CONSENT_MISSING', severity: 'error', message: "Entra ID does not know Snowflake's application in this tenant (AADSTS500011)", fix: `A tenant administrator consents once:\n  https://login.microsoftonline.com/<tenant ID>/adminconsent?client_id=${APP}` },
    ];
    const message = 'Unable to find an associated Snowflake user for the verified Azure token (Snowflake simulator).';
    expect(diagnoseAzureLogin(refused('390432', message), { ...context, traps }).hint).toBe(
      hint(
        `the token is for https://management.azure.com/, not for Snowflake's Entra application (api://${APP})`,
        `  Ask for the resource api://${APP} (leave the driver's workloadIdentityAzureEntraIdResource and --azure-resource unset).`,
        `the token is for client ID ${CLIENT_ID}, not the one asked for (11111111-2222-4333-8444-555555555555)`,
        "Entra ID does not know Snowflake's application in this tenant (AADSTS500011)",
        '  A tenant administrator consents once:',
        `    https://login.microsoftonline.com/<tenant ID>/adminconsent?client_id=${APP}`,
      ),
    );
  });
});
