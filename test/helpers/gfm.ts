/**
 * The job summary as GitHub renders it, for the tests: GFM with micromark (tables, strikethrough,
 * autolink literals, raw HTML kept, as GitHub keeps it for its sanitizer), and — where the machine
 * has it — GitHub's own renderer, the `cmark-gfm` program (Debian package cmark-gfm).
 *
 * micromark alone is not the whole truth: it finds autolink literals only while it parses the
 * source, where cmark-gfm finds e-mail addresses afterwards in the merged text nodes (so `a&#64;b.c`
 * is a link on GitHub, not in micromark), and it does not know cmark-gfm's `ftp://`. `textNodes`
 * and AUTOLINK_CORE model that second pass: what a renderer that matches literals in the text
 * nodes would see.
 */
import { spawnSync } from 'node:child_process';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

export function renderGfm(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** cmark-gfm's HTML (GitHub's extensions, raw HTML kept), or undefined when the program is not installed. */
export function renderCmarkGfm(markdown: string): string | undefined {
  const run = spawnSync('cmark-gfm', ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter'], { input: markdown, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`cmark-gfm failed: ${run.stderr}`);
  return run.stdout;
}

export const HAS_CMARK_GFM = renderCmarkGfm('x') !== undefined;

export interface Renderer {
  name: string;
  /** False where the program is not installed: tests that need it are skipped, and say so. */
  present: boolean;
  /** True when each rendering starts a process (slow: fewer property runs). */
  spawns: boolean;
  render(markdown: string): string;
}

export const RENDERERS: readonly Renderer[] = [
  { name: 'micromark (GFM)', present: true, spawns: false, render: renderGfm },
  { name: 'cmark-gfm', present: HAS_CMARK_GFM, spawns: true, render: (markdown) => renderCmarkGfm(markdown) ?? '' },
];

/** `markdown` rendered by every renderer this machine has. */
export function renderAll(markdown: string): Array<{ renderer: string; html: string }> {
  return RENDERERS.filter((renderer) => renderer.present).map((renderer) => ({ renderer: renderer.name, html: renderer.render(markdown) }));
}

/** The HTML of each table data cell, in order. */
export function tableCells(html: string): string[] {
  return [...html.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((match) => match[1] ?? '');
}

/** What a reader sees of an HTML fragment: `<br>` as a line break, comments and tags gone, references decoded. */
export function visibleText(fragment: string): string {
  return decodeHtml(fragment.replace(/<br\s*\/?>/g, '\n').replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ''));
}

/** The text nodes of an HTML fragment: the decoded text between any two tags or comments. */
export function textNodes(fragment: string): string[] {
  return fragment.split(/<!--[\s\S]*?-->|<[^>]*>/).map(decodeHtml).filter(Boolean);
}

/**
 * The core every GFM autolink literal needs inside one text node: `scheme://` (http, https, ftp),
 * `www.` (cmark-gfm: lower case; micromark: any case), or an `@` between a local-part character and
 * a domain character (e-mail, mailto:, xmpp:).
 */
export const AUTOLINK_CORE = /[a-z]:\/\/|www\.|[a-z0-9.+_-]@[a-z0-9_-]/i;

function decodeHtml(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot));/gi, (_entity, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined) return String.fromCodePoint(Number(decimal));
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    return { amp: '&', lt: '<', gt: '>', quot: '"' }[(name ?? '').toLowerCase() as 'amp'];
  });
}
