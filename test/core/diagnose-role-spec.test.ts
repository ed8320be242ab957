/**
 * Two rules of src/core/diagnose.ts as the user reads them: the role refused at login in each of
 * Snowflake's wordings, and which AWS account a gate's fix names when only one ARN is known.
 * One line per case; each expected result whole.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseLoginError, type DriverErrorFields, type LoginContext } from '../../src/core/diagnose.js';

const URL = 'https://myorg-myacct.snowflakecomputing.com';
const base: LoginContext = { account: 'myorg-myacct', url: URL, timeoutMs: 2_000 };
const OFE = 'OperationFailedError';
const ROLE_HINT = 'Grant the role to the mapped user (GRANT ROLE <role> TO USER <user>;), or drop --role to use its DEFAULT_ROLE.';

describe('the role refused at login: every wording Snowflake uses is ROLE_NOT_GRANTED', () => {
  // [case, Snowflake's message (Snowflake's code, then its words)]
  it.each<[string, string, string]>([
    ['does not exist or not authorized (390189)', '390189', "Role 'LOADER' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC."],
    ['is not granted to this user (the common one)', '390189', "Role 'LOADER' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC."],
    ['is not granted, with the credentials clause', '390186', "Role 'LOADER' specified in the connect string is not granted to this user, or is not permitted for the credentials being used. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC."],
    ['a quoted role name with spaces', '390189', 'Role "Loader Role" specified in the connect string is not granted to this user.'],
  ])('%s', (_name, code, message) => {
    const error: DriverErrorFields = { name: OFE, code, message, reachedSnowflake: true };
    expect(diagnoseLoginError(error, { ...base, expectedArn: 'arn:aws:iam::123456789012:role/my-fn-role' })).toStrictEqual({
      kind: 'snowflake',
      code: 'ROLE_NOT_GRANTED',
      message: `Snowflake accepted the AWS identity but not the role: ${message}`,
      hint: ROLE_HINT,
      expectedArn: 'arn:aws:iam::123456789012:role/my-fn-role',
      snowflake: { code, message },
    });
  });

  // Not the role: the words must follow "specified in the connect string".
  it.each<[string, string]>([
    ['the role named, another refusal', "Role 'LOADER' specified in the connect string was accepted; the warehouse is suspended."],
    ['"not granted" before the role', "Privilege not granted: Role 'LOADER' specified in the connect string."],
    ['no connect string', "Role 'LOADER' is not granted to this user."],
  ])('%s: LOGIN_FAILED', (_name, message) => {
    expect(diagnoseLoginError({ name: OFE, message, reachedSnowflake: true }, base).code).toBe('LOGIN_FAILED');
  });
});

describe("a gate's fix names the AWS account of whichever ARN is known", () => {
  const AUTH = 'Authentication attempt rejected by the current authentication policy.';
  // [case, the ARNs known, the account the fix names]
  it.each<[string, Partial<LoginContext>, string]>([
    ['the caller only (no ARN to register)', { callerArn: 'arn:aws:sts::111122223333:assumed-role/r/s', expectedArn: null }, "ALLOWED_AWS_ACCOUNTS = (<its accounts>, '111122223333')"],
    ['the ARN to register only (no caller)', { callerArn: null, expectedArn: 'arn:aws:iam::444455556666:role/r' }, "ALLOWED_AWS_ACCOUNTS = (<its accounts>, '444455556666')"],
    ['both: the caller wins', { callerArn: 'arn:aws:sts::111122223333:assumed-role/r/s', expectedArn: 'arn:aws:iam::444455556666:role/r' }, "ALLOWED_AWS_ACCOUNTS = (<its accounts>, '111122223333')"],
    ['neither', { callerArn: null, expectedArn: null }, "ALLOWED_AWS_ACCOUNTS = (<its accounts>, '<your AWS account>')"],
  ])('%s', (_name, arns, clause) => {
    const diagnosis = diagnoseLoginError({ name: OFE, code: '390202', message: AUTH, reachedSnowflake: true }, { ...base, ...arns });
    expect(diagnosis.code).toBe('AUTHENTICATION_POLICY_REJECTED');
    expect(diagnosis.hint.split('\n').filter((line) => line.includes('ALLOWED_AWS_ACCOUNTS'))).toStrictEqual([expect.stringContaining(clause)]);
  });
});
