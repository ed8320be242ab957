/**
 * gen-sql refuses names with invisible characters (issue 9, defect 10): the BUILT CLI, as a
 * person would run it. `"LOADER͏"` (U+034F at the end) displays as LOADER but names another user.
 */
import { describe, expect, it } from 'vitest';
import { cleanEnv, describeRun, runCli } from './run-cli.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/x';

describe('gen-sql with invisible characters', () => {
  it.each([
    ['--user', 'LOADER\u034f', 'user name contains an invisible character (U+034F) at character 7'],
    ['--user', '"LOADER\u3164"', 'user name contains an invisible character (U+3164) at character 8'],
    ['--default-role', 'LOADER\ufe0f', 'default role contains an invisible character (U+FE0F) at character 7'],
    ['--default-warehouse', 'WH\u2800', 'default warehouse contains an invisible character (U+2800) at character 3'],
    ['--default-namespace', 'DB.S\u00a0', 'default namespace schema contains a space character other than U+0020 (U+00A0) at character 2'],
    ['--comment', 'loader\u200b', 'comment contains an invisible formatting character (U+200B) at character 7'],
  ])('%s %j: exit 2, one line on stderr, nothing on stdout', async (flag, value, message) => {
    const result = await runCli(['gen-sql', '--arn', ROLE_ARN, flag, value], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stdout, describeRun(result)).toBe('');
    expect(result.stderr, describeRun(result)).toBe(`✖ ${message}\n`);
  });
});
