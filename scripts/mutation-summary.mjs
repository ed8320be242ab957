#!/usr/bin/env node
// The summary after `npm run mutation` / `npm run mutation:security` (issue 23; docs/testing.md):
// the mutation score of every mutated file against its target, and every surviving mutant of a
// file held to the strict target, each either listed in docs/testing.md ("Equivalent mutants",
// with why no input can tell it apart) or reported here as unexplained.
//
//   node scripts/mutation-summary.mjs [reports/mutation/mutation.json] [--equivalents docs/testing.md] [--survivors]
//
// Exit code 1 when a file misses its target or a strict file has an unexplained survivor.
// Reads only the JSON report Stryker wrote; runs nothing.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TARGETS } from '../stryker.config.mjs';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    equivalents: { type: 'string', default: 'docs/testing.md' },
    survivors: { type: 'boolean', default: false },
  },
});
const reportPath = positionals[0] ?? 'reports/mutation/mutation.json';
if (!existsSync(reportPath)) {
  console.error(`${reportPath}: no report (run npm run mutation first)`);
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Whitespace-insensitive form of a code snippet. */
const squash = (text) => text.replace(/\s+/g, ' ').trim();

/** The text a mutant replaced (the report's locations are 1-based lines and columns). */
function originalOf(source, { start, end }) {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n');
}

/** A table cell's code: `x` or ``x``, with \| for a | inside the table. */
function cellCode(cell) {
  const text = cell.trim().replaceAll('\\|', '|');
  const match = /^(`+)\s?([\s\S]*?)\s?\1$/.exec(text);
  return match ? match[2] : text;
}

/** docs/testing.md, section "Equivalent mutants": | file | line | mutator | original | replacement | why | */
function readEquivalents(path) {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const section = /^## Equivalent mutants\b[\s\S]*?(?=^## |(?![\s\S]))/m.exec(text)?.[0] ?? '';
  const rows = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| src/')) continue;
    const cells = line.slice(1, line.endsWith('|') ? -1 : undefined).split(/(?<!\\)\|/);
    if (cells.length < 6) continue;
    rows.push({ file: cells[0].trim(), line: cells[1].trim(), mutator: cells[2].trim(), original: squash(cellCode(cells[3])), replacement: squash(cellCode(cells[4])) });
  }
  return rows;
}

function matches(row, file, mutant, original) {
  if (row.file !== file || row.mutator !== mutant.mutatorName || row.replacement !== squash(mutant.replacement ?? '')) return false;
  const wanted = row.original;
  return wanted.endsWith('…') ? squash(original).startsWith(wanted.slice(0, -1)) : squash(original) === wanted;
}

const equivalents = readEquivalents(flags.equivalents);
const strict = new Set(TARGETS.strict.files);
const rows = [];
const unexplained = [];
const explained = [];
let missed = 0;
const totals = { detected: 0, undetected: 0, invalid: 0, ignored: 0 };

for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const path = relative(process.cwd(), resolve(name)).replaceAll('\\', '/');
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0 };
  for (const mutant of file.mutants) {
    counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    if (strict.has(path) && UNDETECTED.has(mutant.status)) {
      const original = originalOf(file.source, mutant.location);
      const entry = { path, mutant, original };
      (equivalents.some((row) => matches(row, path, mutant, original)) ? explained : unexplained).push(entry);
    }
  }
  const detected = file.mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = file.mutants.filter((m) => UNDETECTED.has(m.status)).length;
  totals.detected += detected;
  totals.undetected += undetected;
  totals.invalid += counts.CompileError + counts.RuntimeError;
  totals.ignored += counts.Ignored;
  const valid = detected + undetected;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const target = strict.has(path) ? TARGETS.strict.score : TARGETS.default;
  const ok = score >= target;
  if (!ok) missed += 1;
  rows.push([path, score.toFixed(2), `≥ ${target}`, ok ? 'ok' : 'MISSED', detected, counts.Survived, counts.NoCoverage, counts.CompileError + counts.RuntimeError, file.mutants.length]);
}

const header = ['file', 'score %', 'target', '', 'killed', 'survived', 'no cov.', 'invalid', 'mutants'];
const valid = totals.detected + totals.undetected;
rows.push(['all files', ((100 * totals.detected) / Math.max(1, valid)).toFixed(2), '', '', totals.detected, '', '', totals.invalid, '']);
const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(`\nMutation summary (${reportPath}; score = killed or timed out / all valid mutants)`);
console.log(line(header));
for (const row of rows) console.log(line(row));

const show = ({ path, mutant, original }) =>
  `  ${path}:${mutant.location.start.line}:${mutant.location.start.column}  ${mutant.mutatorName}  ${JSON.stringify(squash(original).slice(0, 100))} → ${JSON.stringify(squash(mutant.replacement ?? '').slice(0, 100))}  (${mutant.status})`;
if (explained.length) console.log(`\n${explained.length} surviving mutant(s) of the strict files are listed as equivalent in ${flags.equivalents}.`);
if (unexplained.length) {
  console.log(`\nUnexplained survivors in files held to ${TARGETS.strict.score} % (kill them, or list them in ${flags.equivalents} with why):`);
  for (const entry of unexplained) console.log(show(entry));
}
if (flags.survivors) {
  console.log('\nEvery surviving mutant:');
  for (const [name, file] of Object.entries(report.files)) {
    const path = relative(process.cwd(), resolve(name)).replaceAll('\\', '/');
    for (const mutant of file.mutants) if (UNDETECTED.has(mutant.status)) console.log(show({ path, mutant, original: originalOf(file.source, mutant.location) }));
  }
}
const verdict = missed === 0 && unexplained.length === 0;
console.log(`\n${verdict ? 'Targets met' : 'Targets NOT met'}: ${missed} file(s) below target, ${unexplained.length} unexplained strict survivor(s).`);
process.exit(verdict ? 0 : 1);
