/**
 * The Action's advice (src/core/action-advice.ts) as a specification: the whole failed check a
 * step without a Snowflake account gets, word for word (test/core/action-advice.test.ts says when
 * it is given; this file says what it says), and the exact ::error:: lines.
 */
import { describe, expect, it } from 'vitest';
import { errorLine, missingAccountCheck } from '../../src/core/action-advice.js';

const MISSING_ACCOUNT = {
  id: 'settings',
  status: 'fail',
  code: 'MISSING_ACCOUNT',
  title: 'Snowflake account',
  detail: 'the `account` input is missing (and SNOWFLAKE_ACCOUNT is not set): only the AWS half was checked, no Snowflake login was tried',
  fix: 'Add the account to the step: `with: { account: myorg-myacct }` (your account identifier), or set SNOWFLAKE_ACCOUNT in its env.',
};

// A step with no account anywhere (no input, an empty input, a blank env) gets the whole check.
describe('missingAccountCheck: the whole check', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['no input, no env', undefined, undefined],
    ["an empty input (`account: ''`), no env", '', undefined],
    ['an input of spaces, an empty env', '   ', ''],
    ['a tab and a newline', '\t', '\n'],
  ])('%s', (_name, input, env) => {
    expect(missingAccountCheck(input, env)).toEqual(MISSING_ACCOUNT);
  });
});

// The step's ::error:: line for that check.
describe('errorLine for a missing account', () => {
  it.each<[boolean, string]>([
    [true, 'wif-check doctor: Snowflake account: the `account` input is missing (and SNOWFLAKE_ACCOUNT is not set): only the AWS half was checked, no Snowflake login was tried (exit 2; the fix is in the job summary)'],
    [false, 'wif-check doctor: Snowflake account: the `account` input is missing (and SNOWFLAKE_ACCOUNT is not set): only the AWS half was checked, no Snowflake login was tried (exit 2)'],
  ])('fix in the summary: %s', (inSummary, line) => {
    expect(errorLine(MISSING_ACCOUNT.title, MISSING_ACCOUNT.detail, 2, inSummary)).toBe(line);
  });
});
