/**
 * wrapText (src/core/wrap-text.ts) as a specification, with the lines audit really wraps (80
 * columns, src/commands/audit.ts): the whole list of lines for each input. test/core/wrap-text.test.ts
 * states the widths and cuts on short words; this file adds audit's own sentences, the default
 * indent, and text from Snowflake wrapped like any other.
 */
import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/core/wrap-text.js';

// audit's header and detail lines, with no indent given (the default is none).
describe('wrapText(text, width): no indent unless one is given', () => {
  it.each<[string, string, number, string[]]>([
    [
      'the account line fits in 80 columns',
      'Snowflake account myorg-myacct: 12 users, 3 with a workload identity (3 in all)',
      80,
      ['Snowflake account myorg-myacct: 12 users, 3 with a workload identity (3 in all)'],
    ],
    [
      'a match line of 78 columns wraps before the user that does not fit',
      'arn:aws:iam::123456789012:role/service-role/my-python-fn-role maps to LOADER_SVC, REPORTING_SVC',
      78,
      ['arn:aws:iam::123456789012:role/service-role/my-python-fn-role maps to', 'LOADER_SVC, REPORTING_SVC'],
    ],
    ['one word', 'LOADER_SVC', 78, ['LOADER_SVC']],
    ['nothing: one empty line, not indented', '', 80, ['']],
  ])('%s', (_name, text, width, lines) => {
    expect(wrapText(text, width)).toEqual(lines);
  });
});

// Text that came from Snowflake (a user's COMMENT, a name) is wrapped like any other: no line is lost.
describe('wrapText: text from Snowflake, every line kept', () => {
  it.each<[string, string, number, string, string[]]>([
    ["a user's comment, indented", "COMMENT: wif-check's temporary user", 20, '    ', ['    COMMENT:', "    wif-check's", '    temporary user']],
    ['a name longer than the room is cut into full lines', 'user LOADER_SERVICE_ACCOUNT_EU', 10, '', ['user', 'LOADER_SER', 'VICE_ACCOU', 'NT_EU']],
  ])('%s', (_name, text, width, indent, lines) => {
    expect(wrapText(text, width, indent)).toEqual(lines);
  });
});
