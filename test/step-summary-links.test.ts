/**
 * Issue 17, item 11: server text in the job summary is shown, never linked. Each text is rendered
 * as GitHub would (test/helpers/gfm.ts: micromark with GFM; cmark-gfm itself where installed) in
 * every place the summary puts it — the check and detail cells, the "Fix (…)" line, the fix's code
 * block — and must come out as exactly its characters (control characters escaped as on the
 * terminal), with no link, no image, and no text node an autolink literal could grow from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControlKeepNewlines } from '../src/core/terminal-text.js';
import { HOSTILE_TERMINAL_TEXT } from '../src/simulators/snowflake.js';
import { summaryMarkdown } from '../src/step-summary.js';
import { AUTOLINK_CORE, HAS_CMARK_GFM, RENDERERS, renderAll, renderCmarkGfm, tableCells, textNodes, visibleText } from './helpers/gfm.js';

/** Texts a hostile server can send (one line each: what it is, the text). */
const SERVER_TEXTS: ReadonlyArray<readonly [string, string]> = [
  ['https URL', 'https://evil.example/login?next=%2F'],
  ['http URL', 'http://evil.example'],
  ['ftp URL (cmark-gfm links it)', 'ftp://evil.example/file'],
  ['upper-case scheme', 'HTTPS://EVIL.EXAMPLE/X'],
  ['www.', 'www.evil.example'],
  ['WWW. (micromark links any case)', 'WWW.evil.example/path'],
  ['www. mid-sentence', 'Sign in again at www.evil.example/reset now.'],
  ['e-mail', 'attacker@evil.example'],
  ['e-mail with dots and plus', 'first.last+tag@mail.evil.example'],
  ['two @ (cmark-gfm retries after the second)', 'a@b@evil.example'],
  ['mailto:', 'mailto:attacker@evil.example'],
  ['xmpp: with a resource', 'xmpp:attacker@evil.example/phone'],
  ['Markdown link', '[click here](https://evil.example)'],
  ['Markdown image', '![logo](https://evil.example/p.png)'],
  ['reference link', '[x][y] [y]: https://evil.example'],
  ['footnote', 'see[^1]'],
  ['angle autolink', '<https://evil.example>'],
  ['angle e-mail autolink', '<attacker@evil.example>'],
  ['www. after (', '(www.evil.example)'],
  ['URL after *', '*https://evil.example*'],
  ['www. after _', '_www.evil.example_'],
  ['URL after ~', '~https://evil.example~'],
  ['www. in strong', '**www.evil.example**'],
  ['URL after a pipe', 'a|https://evil.example|b'],
  ['entities already in the text', 'https&#58;//evil.example www&#46;evil.example a&#64;evil.example &lt;b&gt;'],
  ['named entity', 'AT&T &amp; &copy;'],
  ['backslash escapes in the text', 'https\\://evil.example a\\@evil.example \\[x\\](y)'],
  ['backticks', '`https://evil.example` ``` ````'],
  ['HTML link', '<a href="https://evil.example">x</a>'],
  ['HTML image', '<img src=x onerror=alert(1)>'],
  ['HTML comment', '<!-- x --> www.evil.example <!--'],
  ['script', '<script>alert(1)</script>'],
  ['javascript: and data:', 'javascript:alert(1) data:text/html,x'],
  ['terminal hyperlink (OSC 8)', '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007'],
  ['control characters around a URL', '\u0000https://evil.example\r\u009b\u202e'],
  ['the hostile terminal text', `${HOSTILE_TERMINAL_TEXT}www.evil.example`],
  ['lines', 'line one\nhttps://evil.example\n\nattacker@evil.example\n'],
  ['spaces at both ends', '  https://evil.example  '],
  ['a login failure', "Snowflake login failed: see https://evil.example/x, www.evil.example or write to attacker@evil.example (code 390144)."],
  ['an ARN stays as it is', 'arn:aws:iam::123456789012:role/service-role/my-fn-role'],
];

/** One failed check whose title, detail and fix are all `text`. */
function summaryOf(text: string): string {
  return summaryMarkdown('doctor', false, [{ status: 'fail', title: text, detail: text, fix: text }]);
}

/** The rendered summary shows `text` everywhere it is put, and links nothing. */
function expectShownNotLinked(html: string, text: string): void {
  expect(html).not.toContain('<a');
  expect(html).not.toContain('<img');
  const shown = escapeControlKeepNewlines(text);
  const cells = tableCells(html);
  expect(cells, html).toHaveLength(3);
  const fixTitle = /<strong>Fix \(([\s\S]*)\):<\/strong>/.exec(html)?.[1];
  expect(fixTitle, html).toBeDefined();
  for (const place of [cells[1] ?? '', cells[2] ?? '', fixTitle ?? '']) {
    expect(visibleText(place), place).toBe(shown);
    for (const node of textNodes(place)) expect(node, place).not.toMatch(AUTOLINK_CORE);
  }
  // The fix: a fenced code block, which shows its content as it is and never links.
  const fix = /<pre[^>]*><code[^>]*>([\s\S]*?)<\/code><\/pre>/.exec(html)?.[1];
  expect(fix, html).toBeDefined();
  expect(visibleText(fix ?? '')).toBe(`${shown}\n`);
}

/** Server-ish text: URL, e-mail and Markdown pieces in any order, with the characters between. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom('https://', 'http://', 'ftp://', 'HTTP://', 'mailto:', 'xmpp:', 'www.', 'WWW.', 'wWw.', 'a@b', '@', 'evil', '.example', '/x', 'a.b'),
      fc.constantFrom(':', '/', '.', '@', 'w', 'h', 't', 'p', 's', 'x', '-', '+', '_', '*', '~', '(', ')', '[', ']', '!', '<', '>', '&', '#', ';', '|', '`', '\\', ' ', '\n'),
      fc.constantFrom('&#58;', '&#64;', '&#46;', '&amp;', '<br>', '<!--', '-->', '<a href=x>', '\u001b[2J', '\u0007', '\u202e', 'é'),
    ),
    { minLength: 1, maxLength: 24 },
  )
  .map((parts) => parts.join(''));

for (const renderer of RENDERERS) {
  // cmark-gfm is GitHub's own renderer: where it is installed (`apt-get install cmark-gfm`), it
  // also checks what micromark does not do (e-mail addresses in merged text nodes, ftp://).
  describe.runIf(renderer.present)(`the job summary shows server text and never links it: ${renderer.name}`, () => {
    it.each(SERVER_TEXTS)('%s', (_what, text) => {
      expectShownNotLinked(renderer.render(summaryOf(text)), text);
    });

    it('property: any text of URL, e-mail and Markdown pieces', () => {
      fc.assert(
        fc.property(hostileText, (text) => {
          expectShownNotLinked(renderer.render(summaryOf(text)), text);
        }),
        { numRuns: renderer.spawns ? 100 : 400 },
      );
    });
  });
}

it('the rows of a real summary stay rows: one per check, each cell its own text', () => {
  const texts = SERVER_TEXTS.map(([, text]) => text);
  const markdown = summaryMarkdown('doctor', false, texts.map((text) => ({ status: 'warn' as const, title: 'Snowflake login', detail: text })));
  for (const { renderer, html } of renderAll(markdown)) {
    expect(html, renderer).not.toContain('<a');
    const cells = tableCells(html);
    expect(cells, renderer).toHaveLength(texts.length * 3);
    texts.forEach((text, row) => expect(visibleText(cells[row * 3 + 2] ?? ''), renderer).toBe(escapeControlKeepNewlines(text)));
  }
});

it.runIf(HAS_CMARK_GFM)('cmark-gfm: a character reference does not hide an e-mail address (why the cut is a comment, not &#64;)', () => {
  expect(renderCmarkGfm('| a |\n|---|\n| attacker&#64;evil.example |\n')).toContain('<a href="mailto:attacker@evil.example">');
});
