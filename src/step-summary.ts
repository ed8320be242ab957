/**
 * GitHub Actions job summary: when GITHUB_STEP_SUMMARY names a file, connect and doctor append a
 * short Markdown table to it. Only non-secret facts (ARNs, user, role, check details) go in.
 */
import { appendFile } from 'node:fs/promises';
import { escapeControlKeepNewlines } from './core/terminal-text.js';

export interface SummaryRow {
  status: 'ok' | 'fail' | 'warn' | 'skip';
  title: string;
  detail: string;
}

const ICONS = { ok: '✅', fail: '❌', warn: '⚠️', skip: '⏭️' } as const;

export function summaryMarkdown(heading: string, ok: boolean, rows: readonly SummaryRow[]): string {
  // Control characters escaped like on the terminal (the values may come from a server).
  const cell = (text: string) => escapeControlKeepNewlines(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  return [
    `### ${ok ? '✅' : '❌'} wif-check ${heading}`,
    '',
    '| | check | detail |',
    '|---|---|---|',
    ...rows.map((row) => `| ${ICONS[row.status]} | ${cell(row.title)} | ${cell(row.detail)} |`),
    '',
  ].join('\n');
}

/** Appends when GITHUB_STEP_SUMMARY is set; returns a warning if it could not (never fails the check). */
export async function appendStepSummary(markdown: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return undefined;
  try {
    await appendFile(path, `${markdown}\n`);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    return `could not append the job summary to GITHUB_STEP_SUMMARY (${path}): ${reason}`;
  }
}
