#!/usr/bin/env node
// The summary after `npm run mutation` / `npm run mutation:security` (issue 23; docs/testing.md):
// the mutation score of every mutated file against its target, and every surviving mutant of a
// file held to the strict target, each either listed in docs/testing.md ("Equivalent mutants",
// with why no input can tell it apart) or reported here as unexplained.
//
// Two scores per file: Stryker's (killed or timed out / all valid mutants) and the same with the
// listed equivalent mutants left out of the count, as Stryker leaves out the ones a
// `// Stryker disable` comment names. The targets apply to the second; src/ carries no such
// comments, so every exclusion is in one reviewed list. A row matches one mutant exactly: file,
// line:column, mutator, original text and replacement. When the code moves, the row stops matching, the
// mutant shows up as unexplained, and the argument is checked again.
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

/** docs/testing.md, section "Equivalent mutants": | file | line:column | mutator | original | replacement | why | */
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
  if (row.file !== file || row.line !== `${mutant.location.start.line}:${mutant.location.start.column}` || row.mutator !== mutant.mutatorName) return false;
  if (row.replacement !== squash(mutant.replacement ?? '')) return false;
  const wanted = row.original;
  return wanted.endsWith('…') ? squash(original).startsWith(wanted.slice(0, -1)) : squash(original) === wanted;
}

const equivalents = readEquivalents(flags.equivalents);
const used = new Set();
const strict = new Set(TARGETS.strict.files);
const rows = [];
const unexplained = [];
let explainedCount = 0;
let missed = 0;
const totals = { detected: 0, undetected: 0, equivalent: 0, invalid: 0 };
const pathOf = (name) => relative(process.cwd(), resolve(name)).replaceAll('\\', '/');
const reported = new Set(Object.keys(report.files).map(pathOf));

for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const path = pathOf(name);
  let detected = 0;
  let undetected = 0;
  let equivalent = 0;
  let invalid = 0;
  for (const mutant of file.mutants) {
    if (DETECTED.has(mutant.status)) detected += 1;
    else if (UNDETECTED.has(mutant.status)) {
      undetected += 1;
      const original = originalOf(file.source, mutant.location);
      const row = equivalents.find((candidate) => matches(candidate, path, mutant, original));
      if (row) {
        equivalent += 1;
        used.add(row);
      } else if (strict.has(path)) unexplained.push({ path, mutant, original });
    } else if (mutant.status === 'CompileError' || mutant.status === 'RuntimeError') invalid += 1;
  }
  explainedCount += strict.has(path) ? equivalent : 0;
  totals.detected += detected;
  totals.undetected += undetected;
  totals.equivalent += equivalent;
  totals.invalid += invalid;
  const score = (100 * detected) / Math.max(1, detected + undetected);
  const adjusted = (100 * detected) / Math.max(1, detected + undetected - equivalent);
  const target = strict.has(path) ? TARGETS.strict.score : TARGETS.default;
  const ok = adjusted >= target;
  if (!ok) missed += 1;
  rows.push([path, score.toFixed(2), adjusted.toFixed(2), `≥ ${target}`, ok ? 'ok' : 'MISSED', detected, undetected - equivalent, equivalent, invalid, file.mutants.length]);
}

const header = ['file', 'Stryker %', 'w/o equiv. %', 'target', '', 'killed', 'survived', 'equivalent', 'invalid', 'mutants'];
const all = totals.detected + totals.undetected;
rows.push(['all files', ((100 * totals.detected) / Math.max(1, all)).toFixed(2), ((100 * totals.detected) / Math.max(1, all - totals.equivalent)).toFixed(2), '', '', totals.detected, totals.undetected - totals.equivalent, totals.equivalent, totals.invalid, '']);
const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(`\nMutation summary (${reportPath}). Stryker %: killed or timed out / valid mutants (survived and no coverage count`);
console.log(`against it, compile errors do not). w/o equiv. %: the same without the equivalent mutants listed in ${flags.equivalents}.`);
console.log(line(header));
for (const row of rows) console.log(line(row));

const show = ({ path, mutant, original }) =>
  `  ${path}:${mutant.location.start.line}:${mutant.location.start.column}  ${mutant.mutatorName}  ${JSON.stringify(squash(original).slice(0, 100))} → ${JSON.stringify(squash(mutant.replacement ?? '').slice(0, 100))}  (${mutant.status})`;
if (explainedCount) console.log(`\n${explainedCount} surviving mutant(s) of the strict files are listed as equivalent in ${flags.equivalents}.`);
if (unexplained.length) {
  console.log(`\nUnexplained survivors in files held to ${TARGETS.strict.score} % (kill them, or list them in ${flags.equivalents} with why):`);
  for (const entry of unexplained) console.log(show(entry));
}
const stale = equivalents.filter((row) => reported.has(row.file) && !used.has(row));
if (stale.length) {
  console.log(`\nRows of ${flags.equivalents} that match no surviving mutant (killed now, or the code moved: update or remove them):`);
  for (const row of stale) console.log(`  ${row.file}:${row.line}  ${row.mutator}  ${JSON.stringify(row.original)} → ${JSON.stringify(row.replacement)}`);
}
if (flags.survivors) {
  console.log('\nEvery surviving mutant, listed as equivalent or not:');
  for (const [name, file] of Object.entries(report.files)) {
    const path = pathOf(name);
    for (const mutant of file.mutants) if (UNDETECTED.has(mutant.status)) console.log(show({ path, mutant, original: originalOf(file.source, mutant.location) }));
  }
}
const verdict = missed === 0 && unexplained.length === 0;
console.log(`\n${verdict ? 'Targets met' : 'Targets NOT met'}: ${missed} file(s) below target, ${unexplained.length} unexplained strict survivor(s).`);
process.exit(verdict ? 0 : 1);
