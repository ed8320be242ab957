import { describe, expect, it } from 'vitest';
import { codeBlock, markdownCell, summaryMarkdown } from '../src/step-summary.js';

describe('markdownCell: the text GitHub shows is the text given', () => {
  it.each([
    ['ALTER USER <your user> SET …', 'ALTER USER &lt;your user&gt; SET …'],
    ['role/<name>', 'role/&lt;name&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
    ['a | b', 'a \\| b'],
    ['`code`', '&#96;code&#96;'],
    ['[click](https://evil.example)', '\\[click\\](https:<!-- -->//evil.example)'],
    ['![img](https://evil.example/p.png)', '!\\[img\\](https:<!-- -->//evil.example/p.png)'],
    // Autolink literals: the text node is cut by an empty comment (test/step-summary-links.test.ts renders them).
    ['https://evil.example', 'https:<!-- -->//evil.example'],
    ['www.evil.example WWW.x', 'www<!-- -->.evil.example WWW<!-- -->.x'],
    ['attacker@evil.example', 'attacker@<!-- -->evil.example'],
    ['mailto:a@b.example', 'mailto:a@<!-- -->b.example'],
    ['arn:aws:iam::123456789012:role/r', 'arn:aws:iam::123456789012:role/r'],
    [' padded ', '&#32;padded&#32;'],
    ['**bold** _em_ ~~s~~', '\\*\\*bold\\*\\* \\_em\\_ \\~\\~s\\~\\~'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines', 'two<br>lines'],
    ['esc\u001b[2J', 'esc\\\\u001b\\[2J'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ])('%j → %j', (text, cell) => expect(markdownCell(text)).toBe(cell));

  it('never leaves a raw <, > or an unescaped | in a cell: the only raw HTML is its own <br> and <!-- -->', () => {
    for (const text of ['<a href=x>', '||', '<<>>', 'x>y<z', '<!-- x -->', 'a@b\n<br>']) {
      const cell = markdownCell(text).replace(/<br>|<!-- -->/g, '');
      expect(cell).not.toMatch(/[<>]/);
      expect(cell.replace(/\\\|/g, '')).not.toContain('|');
    }
  });
});

describe('codeBlock', () => {
  it('fences the text as it is', () => {
    expect(codeBlock("ALTER USER <your user> SET X = 'a';")).toBe("```text\nALTER USER <your user> SET X = 'a';\n```");
  });
  it('uses a fence longer than any backtick run inside', () => {
    expect(codeBlock('a ``` b')).toBe('````text\na ``` b\n````');
    expect(codeBlock('a ````` b')).toBe('``````text\na ````` b\n``````');
  });
  it('escapes control characters', () => {
    expect(codeBlock('x\u001b[31m\r')).toBe('```text\nx\\u001b[31m\\u000d\n```');
  });
});

describe('summaryMarkdown', () => {
  const rows = [
    { status: 'ok' as const, title: 'AWS region', detail: 'eu-west-1 (from AWS_REGION)' },
    { status: 'fail' as const, title: 'Snowflake login', detail: 'no user is mapped', fix: "ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::1:role/r');" },
    { status: 'warn' as const, title: 'Caller identity', detail: 'STS did not answer', fix: 'Check network access to STS.' },
    { status: 'skip' as const, title: 'Mapped user', detail: 'skipped', fix: 'not shown: skipped checks have nothing to fix' },
  ];
  const markdown = summaryMarkdown('doctor', false, rows);

  it('has a heading and one table row per check', () => {
    expect(markdown).toContain('### ❌ wif-check doctor\n\n| | check | detail |\n|---|---|---|\n');
    expect(markdown).toContain('| ✅ | AWS region | eu-west-1 (from AWS\\_REGION) |\n');
    expect(markdown).toContain('| ❌ | Snowflake login | no user is mapped |\n');
    expect(markdown).toContain('| ⏭️ | Mapped user | skipped |\n');
  });

  it('shows the fix of each failed or warned check under the table, in a code block', () => {
    expect(markdown).toContain("**Fix (Snowflake login):**\n\n```text\nALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::1:role/r');\n```\n");
    expect(markdown).toContain('**Fix (Caller identity):**\n\n```text\nCheck network access to STS.\n```\n');
    expect(markdown).not.toContain('not shown');
  });

  it('without fixes: only the table', () => {
    expect(summaryMarkdown('connect', true, [rows[0]!])).toBe('### ✅ wif-check connect\n\n| | check | detail |\n|---|---|---|\n| ✅ | AWS region | eu-west-1 (from AWS\\_REGION) |\n');
  });
});
