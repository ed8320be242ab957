/**
 * GitHub Actions job summary: when GITHUB_STEP_SUMMARY names a file, connect and doctor append a
 * short Markdown table to it. Only non-secret facts (ARNs, user, role, check details) go in.
 */
import { appendFile } from 'node:fs/promises';
import { escapeControlKeepNewlines } from './core/terminal-text.js';
import { scrub } from './known-secrets.js';

export interface SummaryRow {
  status: 'ok' | 'fail' | 'warn' | 'skip';
  title: string;
  detail: string;
  /** What to do about it: shown under the table as a code block, so SQL keeps its lines. */
  fix?: string | undefined;
}

const ICONS = { ok: '✅', fail: '❌', warn: '⚠️', skip: '⏭️' } as const;

export function summaryMarkdown(heading: string, ok: boolean, rows: readonly SummaryRow[]): string {
  const fixes = rows.filter((row) => row.fix && (row.status === 'fail' || row.status === 'warn'));
  return [
    `### ${ok ? '✅' : '❌'} wif-check ${heading}`,
    '',
    '| | check | detail |',
    '|---|---|---|',
    ...rows.map((row) => `| ${ICONS[row.status]} | ${markdownCell(row.title)} | ${markdownCell(row.detail)} |`),
    '',
    ...fixes.flatMap((row) => [`**Fix (${markdownCell(row.title)}):**`, '', codeBlock(row.fix ?? ''), '']),
  ].join('\n');
}

/**
 * Text as one Markdown table cell that shows exactly that text on GitHub: control characters
 * escaped as on the terminal (the values may come from a server); `&`, `<`, `>` and backticks as
 * entities, so `<your user>` or `role/<name>` is not taken for HTML and nothing opens a code span;
 * `\ | [ ] * _ ~` backslash-escaped, so nothing ends the cell or makes a link, an image or
 * emphasis; line breaks as `<br>`.
 *
 * Nor does any text become a GFM autolink literal — `https://…`, `www.…`, `name@host` (with
 * `mailto:`, `xmpp:`) are links on GitHub without any markup (https://github.github.com/gfm/,
 * "Autolinks (extension)"). Each needs its `scheme://`, `www.` or `local@domain` inside ONE text
 * node: cmark-gfm, GitHub's renderer, matches `scheme://` and `www.` in the Markdown source as it
 * parses, and e-mail addresses afterwards "within any text node", once adjacent text nodes are
 * merged and character references decoded — so `&#64;` or `\@` hides nothing. The text node is cut
 * there instead, with an empty HTML comment (NO_LINK): between `:` and `/`, after every `@`, and
 * between `www` (any case) and `.`. A comment is not text, in the source or in the tree, and shows
 * nothing (GitHub's sanitizer drops it); it and `<br>` are the only raw HTML in a cell, both ours.
 * A space at either end is written `&#32;`, which a table cell does not trim.
 */
export function markdownCell(text: string): string {
  return escapeControlKeepNewlines(text)
    .replace(/[&<>`]/g, (char) => ENTITIES[char] ?? char)
    .replace(/[\\|[\]*_~]/g, (char) => `\\${char}`)
    .replace(/:(?=\/)|@|(?<=www)(?=\.)/gi, (cut) => `${cut}${NO_LINK}`)
    .replace(/^ | $/g, '&#32;')
    .replace(/\n/g, '<br>');
}

/** An empty HTML comment: it ends a Markdown text node, so that no autolink literal spans it, and shows nothing. */
const NO_LINK = '<!-- -->';
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '`': '&#96;' };

/** A fenced code block shows its content as it is; the fence is longer than any backtick run inside. */
export function codeBlock(text: string): string {
  const content = escapeControlKeepNewlines(text);
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${content}\n${fence}`;
}

/** Appends when GITHUB_STEP_SUMMARY is set; returns a warning if it could not (never fails the check). */
export async function appendStepSummary(markdown: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return undefined;
  try {
    // The last step before the file, as for every other output (src/known-secrets.ts).
    await appendFile(path, `${scrub(markdown)}\n`);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    return `could not append the job summary to GITHUB_STEP_SUMMARY (${path}): ${reason}`;
  }
}
