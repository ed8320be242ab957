import { describe, expect, it } from 'vitest';
import { ACTION_NO_CREDENTIALS_FIX, actionFix, errorLine, maskedSqlNote, missingAccountCheck } from '../../src/core/action-advice.js';

describe("the Action's advice (issue 21, part 3)", () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['NO_CREDENTIALS', 'Configure credentials: … `aws sso login` …', ACTION_NO_CREDENTIALS_FIX],
    ['NO_CREDENTIALS', undefined, ACTION_NO_CREDENTIALS_FIX],
    ['USER_NOT_MAPPED', 'ALTER USER …', 'ALTER USER …'],
    ['OK', undefined, undefined],
    ['no_credentials', 'x', 'x'],
  ])('actionFix(%j, %j)', (code, fix, expected) => {
    expect(actionFix(code, fix)).toBe(expected);
  });

  it('the job fix names configure-aws-credentials and id-token: write, never aws sso login', () => {
    expect(ACTION_NO_CREDENTIALS_FIX).toContain('aws-actions/configure-aws-credentials');
    expect(ACTION_NO_CREDENTIALS_FIX).toContain('permissions: id-token: write');
    expect(ACTION_NO_CREDENTIALS_FIX).not.toContain('sso');
  });

  it.each<[string | undefined, string | undefined, boolean]>([
    [undefined, undefined, true],
    ['', '', true],
    ['  ', ' ', true],
    ['myorg-myacct', undefined, false],
    [undefined, 'myorg-myacct', false],
    ['', 'myorg-myacct', false],
  ])('missingAccountCheck(%j, %j) fails: %s', (input, env, fails) => {
    const check = missingAccountCheck(input, env);
    if (fails) expect(check).toMatchObject({ id: 'settings', status: 'fail', code: 'MISSING_ACCOUNT', title: 'Snowflake account' });
    else expect(check).toBeUndefined();
  });

  it.each<[boolean, string]>([
    [true, 'wif-check doctor: Snowflake login: refused (exit 1; the fix is in the job summary)'],
    [false, 'wif-check doctor: Snowflake login: refused (exit 1)'],
  ])('errorLine with the fix in the summary: %s', (inSummary, line) => {
    expect(errorLine('Snowflake login', 'refused', 1, inSummary)).toBe(line);
  });

  it.each<[boolean, string[], boolean]>([
    [true, ["ALTER USER U SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::***:role/r');"], true],
    [true, ['ALTER USER U SET TYPE = SERVICE;'], false],
    [true, [], false],
    [false, ["… 'arn:aws:iam::***:role/r' …"], false],
  ])('maskedSqlNote(masked %s, %j) says where the ARN is: %s', (masked, fixes, says) => {
    const note = maskedSqlNote(masked, fixes);
    if (says) expect(note).toContain('`snowflake-arn` output');
    else expect(note).toBeUndefined();
  });
});
