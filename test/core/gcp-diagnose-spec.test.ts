/**
 * Specification of how a failed GCP login is explained (src/providers/gcp/diagnose.ts), issue 23:
 * each line a driver error as the login sees it (Snowflake's refusal, a gate, a failure before
 * Snowflake) and the whole diagnosis — which rule speaks, its code, its exact message and hint.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseGcpLogin, type GcpLoginContext } from '../../src/providers/gcp/diagnose.js';
import type { Diagnosis, DriverErrorFields } from '../../src/core/diagnose.js';
import type { Trap } from '../../src/providers/types.js';

const ID = '104735289012345678901';
const LOADER_ID = '117654321098765432109';
const RUNTIME = 'runtime@proj.iam.gserviceaccount.com';
const DELEGATE = 'delegate@proj.iam.gserviceaccount.com';
const LOADER = 'loader@proj.iam.gserviceaccount.com';
const AUD = 'snowflakecomputing.com';
const context: GcpLoginContext = {
  account: 'myorg-acct',
  url: 'https://myorg-acct.snowflakecomputing.com',
  timeoutMs: 30_000,
  facts: { subject: LOADER_ID, email: LOADER, audience: [AUD] },
  traps: [],
  impersonationPath: [],
  expectUser: 'GCP_LOADER',
};
const UNMAPPED_MESSAGE = 'Unable to find an associated Snowflake user for the verified GCP identity token.';
const NOT_MAPPED = `Snowflake verified the GCP identity token (subject ${LOADER_ID} (${LOADER}), audience ${AUD}) but no Snowflake user is mapped to it`;
const unmapped: DriverErrorFields = { name: 'OperationFailedError', code: '390432', message: UNMAPPED_MESSAGE, reachedSnowflake: true };
const REGISTER = (user: string, email: string | null = LOADER) => [
  `Snowflake matches SUBJECT against the token's sub, the service account's numeric unique ID — not its e-mail${email ? ` (gcloud iam service-accounts describe ${email} --format="value(uniqueId)")` : ''} — and wants the audience ${AUD}. Register exactly what the token says:`,
  `  ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${LOADER_ID}');`,
  'With --admin-connection NAME, doctor reads what is registered and says which part differs.',
];

// Snowflake refused the identity: USER_NOT_MAPPED or TOKEN_REJECTED, with what the token said and the registration.
describe('a refused identity', () => {
  const cases: Array<[string, DriverErrorFields, Partial<GcpLoginContext>, { code: string; message: string; hint: string[] }]> = [
    [
      'unmapped, the token with its e-mail',
      unmapped,
      {},
      { code: 'USER_NOT_MAPPED', message: NOT_MAPPED, hint: REGISTER('GCP_LOADER') },
    ],
    [
      'unmapped, no e-mail claim, no --expect-user',
      unmapped,
      { facts: { subject: LOADER_ID, email: null, audience: [AUD] }, expectUser: undefined },
      { code: 'USER_NOT_MAPPED', message: `Snowflake verified the GCP identity token (subject ${LOADER_ID}, audience ${AUD}) but no Snowflake user is mapped to it`, hint: REGISTER('<your user>', null) },
    ],
    [
      'refused, two audiences',
      { name: 'OperationFailedError', code: '390431', message: 'The token could not be\n  verified.', reachedSnowflake: true },
      { facts: { subject: LOADER_ID, email: LOADER, audience: ['https://example.com', AUD] } },
      { code: 'TOKEN_REJECTED', message: `Snowflake refused the GCP identity token (subject ${LOADER_ID} (${LOADER}), audience https://example.com, ${AUD}): The token could not be verified.`, hint: REGISTER('GCP_LOADER') },
    ],
    [
      'refused, no audience',
      { name: 'OperationFailedError', code: '390431', message: 'Invalid token.', reachedSnowflake: true },
      { facts: { subject: LOADER_ID, email: LOADER, audience: [] } },
      { code: 'TOKEN_REJECTED', message: `Snowflake refused the GCP identity token (subject ${LOADER_ID} (${LOADER}), audience (none)): Invalid token.`, hint: REGISTER('GCP_LOADER') },
    ],
    [
      'through a path, the workload known by e-mail and ID',
      unmapped,
      { impersonationPath: [DELEGATE, LOADER], source: { email: RUNTIME, uniqueId: ID } },
      {
        code: 'USER_NOT_MAPPED',
        message: NOT_MAPPED,
        hint: [`With --impersonation-path the token is the chain's LAST account's (${LOADER}), not the workload's own (${RUNTIME}, unique ID ${ID}): register the last one.`, ...REGISTER('GCP_LOADER')],
      },
    ],
    [
      'through a path, the workload known by e-mail only',
      unmapped,
      { impersonationPath: [LOADER], source: { email: RUNTIME, uniqueId: null } },
      {
        code: 'USER_NOT_MAPPED',
        message: NOT_MAPPED,
        hint: [`With --impersonation-path the token is the chain's LAST account's (${LOADER}), not the workload's own (${RUNTIME}): register the last one.`, ...REGISTER('GCP_LOADER')],
      },
    ],
    [
      'through a path, the workload unknown',
      unmapped,
      { impersonationPath: [LOADER], source: { email: null, uniqueId: ID } },
      {
        code: 'USER_NOT_MAPPED',
        message: NOT_MAPPED,
        hint: [`With --impersonation-path the token is the chain's LAST account's (${LOADER}), not the workload's own: register the last one.`, ...REGISTER('GCP_LOADER')],
      },
    ],
  ];
  it.each(cases)('%s', (_name, error, given, expected) => {
    expect(diagnoseGcpLogin(error, { ...context, ...given })).toStrictEqual({
      kind: 'verification',
      code: expected.code,
      message: expected.message,
      hint: expected.hint.join('\n'),
      expectedArn: null,
      snowflake: { code: String(error.code), message: error.message },
    });
  });
  it('without a code: no snowflake part', () => {
    expect(diagnoseGcpLogin({ name: 'OperationFailedError', message: UNMAPPED_MESSAGE, reachedSnowflake: true }, context)).toStrictEqual({
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: NOT_MAPPED,
      hint: REGISTER('GCP_LOADER').join('\n'),
      expectedArn: null,
    });
  });
});

// The token's own errors come first, each with its fix indented under it; warnings are left out.
describe('the traps in the hint', () => {
  const emailTrap: Trap = { code: 'GCP_SUBJECT_EMAIL', severity: 'error', message: 'the GCP SUBJECT is the e-mail', fix: 'Get the unique ID: gcloud …\nthen: ALTER USER …;' };
  const audienceTrap: Trap = { code: 'GCP_WRONG_AUDIENCE', severity: 'error', message: 'the token is for "https://example.com"' };
  const warning: Trap = { code: 'GCP_SUBJECT_NOT_NUMERIC', severity: 'warn', message: 'the GCP SUBJECT "loader" is not numeric', fix: 'Get it with: gcloud …' };
  const cases: Array<[string, Trap[], string[]]> = [
    ['a two-line fix', [emailTrap], ['the GCP SUBJECT is the e-mail', '  Get the unique ID: gcloud …', '  then: ALTER USER …;']],
    ['an error without a fix', [audienceTrap], ['the token is for "https://example.com"']],
    ['a warning only', [warning], []],
    ['a warning between errors', [emailTrap, warning, audienceTrap], ['the GCP SUBJECT is the e-mail', '  Get the unique ID: gcloud …', '  then: ALTER USER …;', 'the token is for "https://example.com"']],
  ];
  it.each(cases)('%s', (_name, traps, first) => {
    expect(diagnoseGcpLogin(unmapped, { ...context, traps }).hint).toBe([...first, ...REGISTER('GCP_LOADER')].join('\n'));
  });
});

// The gates (src/core/gates.ts) speak for GCP when Snowflake answered with the driver's OperationFailedError.
describe('the gates', () => {
  const POLICY = 'Authentication attempt rejected by the current authentication policy.';
  const gcpLines = [
    `Then change only what refuses this identity (GCP, GCP service account ${LOADER_ID}) — SET replaces a list, so keep what is there:`,
    '  - WORKLOAD_IDENTITY_POLICY leaves this identity out: ALTER AUTHENTICATION POLICY <policy> SET WORKLOAD_IDENTITY_POLICY = (ALLOWED_PROVIDERS = (<its providers>, GCP));',
  ];
  it.each([
    ['with its code', { name: 'OperationFailedError', code: '390202', message: POLICY, reachedSnowflake: true }, { snowflake: { code: '390202', message: POLICY } }],
    ['without a code', { name: 'OperationFailedError', message: POLICY, reachedSnowflake: true }, {}],
    ['reachedSnowflake not known', { name: 'OperationFailedError', code: 390202, message: POLICY }, { snowflake: { code: '390202', message: POLICY } }],
  ] as Array<[string, DriverErrorFields, object]>)('the authentication policy, %s', (_name, error, snowflake) => {
    const d = diagnoseGcpLogin(error, context);
    const { hint, ...rest } = d;
    expect(rest).toStrictEqual({
      kind: 'verification',
      code: 'AUTHENTICATION_POLICY_REJECTED',
      message: "Snowflake refused the login at the authentication policy in force (the user's own, else FOR ALL SERVICE USERS for a service user, else the account's); Snowflake does not say which rule",
      expectedArn: null,
      ...snowflake,
    });
    expect(hint.split('\n').filter((line) => gcpLines.includes(line))).toEqual(gcpLines);
  });
  it('a disabled user, named as --expect-user', () => {
    const message = 'The user GCP_LOADER is disabled.';
    expect(diagnoseGcpLogin({ name: 'OperationFailedError', code: '390101', message, reachedSnowflake: true }, context)).toStrictEqual({
      kind: 'verification',
      code: 'USER_DISABLED',
      message: `Snowflake refused the login because the user is disabled: ${message}`,
      hint: `Enable it if it should log in (an administrator with OWNERSHIP of the user): ALTER USER GCP_LOADER SET DISABLED = FALSE; — check first why it was disabled (SHOW USERS LIKE 'GCP_LOADER'; the "disabled" column).`,
      expectedArn: null,
      snowflake: { code: '390101', message },
    });
  });
});

// Not the identity, not a gate: the generic rules (src/core/diagnose.ts) say what failed — never "Snowflake refused the GCP token".
describe('failures that are not the identity', () => {
  const GENERIC = 'Run `wif-check doctor --provider gcp` for the full checklist; compare the token with `wif-check whoami --provider gcp`.';
  const cases: Array<[string, DriverErrorFields, { kind: string; code: string; message: string }]> = [
    [
      'the connection reset after the login was sent',
      { name: 'NetworkError', message: 'socket hang up', causeCode: 'ECONNRESET', reachedSnowflake: true },
      { kind: 'snowflake', code: 'UNREACHABLE', message: 'Cannot reach Snowflake at https://myorg-acct.snowflakecomputing.com: socket hang up' },
    ],
    [
      'the driver refused the host before sending anything',
      { name: 'OperationFailedError', message: 'Workload identity authentication requires a recognized Snowflake host: evil.example', reachedSnowflake: false },
      { kind: 'usage', code: 'HOST_NOT_ALLOWED', message: 'The Snowflake driver refuses this host for WORKLOAD_IDENTITY: Workload identity authentication requires a recognized Snowflake host: evil.example' },
    ],
    [
      // Google's wording for a disabled account in the chain is not known here: the shape of an IAM refusal.
      'impersonation refused by Google before anything reached Snowflake',
      { name: 'OperationFailedError', message: `unable to impersonate: the user-managed service account ${LOADER} is disabled`, reachedSnowflake: false },
      { kind: 'snowflake', code: 'LOGIN_FAILED', message: `Snowflake login failed: unable to impersonate: the user-managed service account ${LOADER} is disabled` },
    ],
    [
      'a network policy message from an error that is not the driver’s',
      { code: '390422', message: 'Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake.', reachedSnowflake: true },
      { kind: 'snowflake', code: 'LOGIN_FAILED', message: 'Snowflake login failed (code 390422): Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake.' },
    ],
  ];
  it.each(cases)('%s', (_name, error, expected) => {
    const { hint: _hint, ...rest } = diagnoseGcpLogin(error, context);
    expect(rest).toStrictEqual({ ...expected, expectedArn: null });
  });
  // Never an AWS cause for a GCP login: the metadata address is not an AWS region, a timeout before Snowflake is the driver's token request.
  it.each<[string, DriverErrorFields, Diagnosis]>([
    [
      'the metadata server unreachable, in the words of the request',
      { name: 'Error', message: 'request to http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/identity failed, reason: connect EHOSTUNREACH 169.254.169.254:80', reachedSnowflake: false },
      {
        kind: 'snowflake',
        code: 'LOGIN_FAILED',
        message: 'Snowflake login failed: request to http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/identity failed, reason: connect EHOSTUNREACH 169.254.169.254:80',
        hint: GENERIC,
        expectedArn: null,
      },
    ],
    [
      "the driver's token request hung (nothing sent)",
      { name: 'TimeoutError', code: 'TIMEOUT', message: 'timed out after 30000 ms', reachedSnowflake: false },
      {
        kind: 'aws',
        code: 'TOKEN_TIMEOUT',
        message: 'The Snowflake driver did not get its GCP identity token (from the metadata server) within 30 s: nothing was sent to Snowflake',
        hint: "The driver asks the metadata server (GCE_METADATA_HOST, else metadata.google.internal) for an identity token, and with --impersonation-path Google's IAM Credentials API: `wif-check whoami --provider gcp` makes the same requests. If they are only slow, raise --timeout.",
        expectedArn: null,
      },
    ],
    [
      'the role names the GCP identity',
      { name: 'OperationFailedError', message: "Role 'LOADER' specified in the connect string does not exist or not authorized.", reachedSnowflake: true },
      {
        kind: 'snowflake',
        code: 'ROLE_NOT_GRANTED',
        message: "Snowflake accepted the GCP identity but not the role: Role 'LOADER' specified in the connect string does not exist or not authorized.",
        hint: 'Grant the role to the mapped user (GRANT ROLE <role> TO USER <user>;), or drop --role to use its DEFAULT_ROLE.',
        expectedArn: null,
      },
    ],
  ])('%s', (_name, error, expected) => {
    expect(diagnoseGcpLogin(error, context)).toStrictEqual(expected);
  });
  it('the generic hint when no rule knows more', () => {
    expect(diagnoseGcpLogin({ name: 'OperationFailedError', message: `unable to impersonate: the user-managed service account ${LOADER} is disabled`, reachedSnowflake: false }, context).hint).toBe(GENERIC);
  });
});
