/**
 * More of the specification of three core rules, one line per case, each result whole:
 * - where an account identifier stops being a URL (src/core/snowflake-settings.ts): only a value
 *   that starts with a scheme is called a URL; a scheme further in is just not an identifier;
 * - the isolated-partition STS message (src/core/driver-rules.ts stsHostProblem) names the region
 *   as the driver reads it, without the spaces a variable may carry;
 * - the Lambda function's failOnError variable (src/core/lambda-event.ts), by the name the README documents.
 */
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { stsHostProblem } from '../../src/core/driver-rules.js';
import { FAIL_ON_ERROR_ENV, failOnError } from '../../src/core/lambda-event.js';
import { resolveSnowflakeSettings } from '../../src/core/snowflake-settings.js';

function accountRefusal(account: string): string {
  try {
    resolveSnowflakeSettings({ account }, {});
  } catch (error) {
    if (error instanceof WifError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error(`accepted: ${account}`);
}

describe('an account value with a scheme in it', () => {
  it.each([
    ['a URL', 'https://myorg-myacct.snowflakecomputing.com', "BAD_ACCOUNT: account 'https://myorg-myacct.snowflakecomputing.com' is a URL or host name, not an account identifier"],
    // Pasted with its quote, or after a word: not a URL (it does not start with a scheme), not an identifier either.
    ['a URL after a quote', "'https://myorg-myacct", "BAD_ACCOUNT: account ''https://myorg-myacct' is not an account identifier"],
    ['a URL after a word', 'acct=https://x', "BAD_ACCOUNT: account 'acct=https://x' is not an account identifier"],
    ['a scheme that starts with a digit', '1x://acct', "BAD_ACCOUNT: account '1x://acct' is not an account identifier"],
  ])('%s: %j', (_name, account, want) => {
    expect(accountRefusal(account)).toBe(want);
  });
});

describe('stsHostProblem: a region with spaces around it', () => {
  it.each([
    ['node', ' us-iso-east-1 ', "the Snowflake Node.js driver (snowflake-sdk) signs its attestation for sts.us-iso-east-1.amazonaws.com, which is not the STS of us-iso-east-1's isolated partition: set workloadIdentityHost (snowflake-sdk ≥ 3.4.0) to your partition's STS host"],
    ['python', '\tus-isob-east-1\n', "the Snowflake Python connector signs its attestation for sts.us-isob-east-1.amazonaws.com, which is not the STS of us-isob-east-1's isolated partition, and has no setting for another host"],
    ['node', ' eu-west-1 ', undefined],
  ] as const)('%s, %j', (driver, region, want) => {
    expect(stsHostProblem(driver, region)).toBe(want);
  });
});

describe("the Lambda function's variable that makes a failed check a failed invocation", () => {
  it('is WIF_CHECK_FAIL_ON_ERROR (README)', () => {
    expect(FAIL_ON_ERROR_ENV).toBe('WIF_CHECK_FAIL_ON_ERROR');
  });

  it.each([
    [undefined, undefined, false],
    [undefined, ' TRUE ', true],
    [false, 'true', false],
  ] as const)('event %j, variable %j: %j', (eventValue, envValue, want) => {
    expect(failOnError(eventValue, envValue)).toBe(want);
  });
});
