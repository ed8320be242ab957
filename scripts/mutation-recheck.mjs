#!/usr/bin/env node
// Re-checks the mutants an earlier Stryker run left alive, after new tests were written for them
// (issue 23; docs/testing.md "Re-checking the survivors"), and writes the earlier report with their
// new results: the same figures a full run gives, in the time it takes to test those mutants only.
//
//   node scripts/mutation-recheck.mjs REPORT [--config stryker.config.mjs] [--out reports/recheck] [--plan]
//   npm run mutation:recheck -- reports/mutation/mutation.json
//
// Why the result is the full run's: a mutant the earlier run killed stays killed, because the test
// that killed it is still there and unchanged (tests were only added; this is checked: every test
// file of the earlier report must still hold its text, or the re-check is refused), and the code
// under test is the same (every mutated file must be byte for byte the report's source, or the
// re-check is refused). So only the survivors and the mutants without coverage can change, and
// exactly those are run again: Stryker mutates only their lines (`file:line-line`, its mutation
// ranges), with the same configuration otherwise (the same unit tests, checker, static mutants run
// against every test that imports the file). Mutants of those lines that the earlier run had
// already killed are run again too and must be killed again.
//
// Exit code: the summary's (scripts/mutation-summary.mjs) on the merged report; 2 when the re-check
// is refused or Stryker fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    config: { type: 'string', default: 'stryker.config.mjs' },
    out: { type: 'string', default: 'reports/recheck' },
    // Write the configuration and say what would be run, without running it.
    plan: { type: 'boolean', default: false },
  },
});

function refuse(message) {
  console.error(`mutation-recheck: ${message}`);
  process.exit(2);
}

const reportPath = positionals[0];
if (!reportPath || positionals.length > 1) refuse('usage: node scripts/mutation-recheck.mjs REPORT [--config FILE] [--out DIR]');
if (!existsSync(reportPath)) refuse(`${reportPath}: no report`);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const DETECTED = new Set(['Killed', 'Timeout']);
const pathOf = (name) => relative(root, resolve(root, name)).replaceAll('\\', '/');
const current = (name) => {
  const file = resolve(root, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
};

// The code under test and the tests that killed must be as they were.
for (const [name, file] of Object.entries(report.files)) {
  if (current(name) !== file.source) refuse(`${pathOf(name)} changed since ${reportPath}: a re-check holds only for the same code; run Stryker on it in full`);
}
for (const [name, file] of Object.entries(report.testFiles ?? {})) {
  if (name && current(name) !== file.source) refuse(`${pathOf(name)} changed since ${reportPath}: a test that killed a mutant may have changed; run Stryker in full`);
}

const key = (name, mutant) => [pathOf(name), mutant.mutatorName, mutant.replacement, mutant.location.start.line, mutant.location.start.column, mutant.location.end.line, mutant.location.end.column].join('\0');
const ranges = new Set();
const alive = new Map();
for (const [name, file] of Object.entries(report.files)) {
  for (const mutant of file.mutants) {
    if (!UNDETECTED.has(mutant.status)) continue;
    alive.set(key(name, mutant), mutant);
    // Stryker's range: lines as the report's (1-based), columns 0-based (the report's are 1-based).
    const { start, end } = mutant.location;
    ranges.add(`${pathOf(name)}:${start.line}:${start.column - 1}-${end.line}:${end.column - 1}`);
  }
}
if (alive.size === 0) {
  console.log(`mutation-recheck: ${reportPath} has no surviving mutant; nothing to re-check.`);
  process.exit(0);
}

const out = resolve(root, flags.out);
mkdirSync(out, { recursive: true });
const config = join(out, 'stryker.config.mjs');
const rel = (file) => relative(root, file).replaceAll('\\', '/');
writeFileSync(
  config,
  [
    `// Written by scripts/mutation-recheck.mjs for ${rel(resolve(reportPath))}: its surviving mutants' lines only.`,
    `import base from ${JSON.stringify(pathToFileURL(resolve(root, flags.config)).href)};`,
    'export default {',
    '  ...base,',
    `  mutate: ${JSON.stringify([...ranges].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })), null, 2).replaceAll('\n', '\n  ')},`,
    `  htmlReporter: { fileName: ${JSON.stringify(rel(join(out, 'run', 'index.html')))} },`,
    `  jsonReporter: { fileName: ${JSON.stringify(rel(join(out, 'run', 'mutation.json')))} },`,
    `  incrementalFile: ${JSON.stringify(rel(join(out, 'run', 'incremental.json')))},`,
    // Its own sandbox: two re-checks (of two reports, --out apart) can run side by side.
    `  tempDirName: ${JSON.stringify(`.stryker-tmp-${basename(out)}`)},`,
    '};',
    '',
  ].join('\n'),
);
console.log(`mutation-recheck: ${alive.size} surviving mutant(s) of ${reportPath}, on ${ranges.size} line range(s); Stryker with ${rel(config)}`);
if (flags.plan) process.exit(0);
const stryker = spawnSync(process.execPath, [join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', config], { cwd: root, stdio: 'inherit' });
if (stryker.status !== 0) refuse(`Stryker exited ${stryker.status ?? stryker.signal}`);

const rerun = JSON.parse(readFileSync(join(out, 'run', 'mutation.json'), 'utf8'));
const again = new Map();
for (const [name, file] of Object.entries(rerun.files)) for (const mutant of file.mutants) again.set(key(name, mutant), mutant);

// Test ids are a run's own numbers: the re-run's tests are found in the report by file and name,
// and the ones the report does not have (the new tables) are added to it under new ids.
const testFiles = (report.testFiles ??= {});
let nextId = Math.max(-1, ...Object.values(testFiles).flatMap((file) => file.tests.map((test) => Number(test.id)).filter(Number.isInteger))) + 1;
const idOf = new Map();
for (const [name, file] of Object.entries(rerun.testFiles ?? {})) {
  const known = (testFiles[name] ??= { source: file.source, tests: [] });
  for (const test of file.tests) {
    let mine = known.tests.find((candidate) => candidate.name === test.name);
    if (!mine) known.tests.push((mine = { ...test, id: String(nextId++) }));
    idOf.set(test.id, mine.id);
  }
}
const ids = (list) => list?.map((id) => idOf.get(id) ?? refuse(`the re-run names a test it does not list (${id})`));

let killed = 0;
for (const [id, mutant] of alive) {
  const result = again.get(id);
  if (!result) refuse(`a surviving mutant of the report was not generated again (${id.replaceAll('\0', ' ')}): the Stryker version or its mutators differ from the report's`);
  if (DETECTED.has(result.status)) killed += 1;
  Object.assign(mutant, { status: result.status, statusReason: result.statusReason, killedBy: ids(result.killedBy), coveredBy: ids(result.coveredBy), testsCompleted: result.testsCompleted });
}
// A mutant the earlier run killed, generated again on these lines, must be killed again.
for (const [name, file] of Object.entries(report.files)) {
  for (const mutant of file.mutants) {
    const result = again.get(key(name, mutant));
    if (result && DETECTED.has(mutant.status) && !DETECTED.has(result.status)) refuse(`${pathOf(name)}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName} was killed in ${reportPath} and is ${result.status} now`);
  }
}
const merged = join(out, 'mutation.json');
writeFileSync(merged, JSON.stringify(report));
console.log(`mutation-recheck: ${killed} of ${alive.size} killed now, ${alive.size - killed} still alive; the report with their new results: ${rel(merged)}`);

const summary = spawnSync(process.execPath, [join(root, 'scripts', 'mutation-summary.mjs'), merged, '--survivors'], { cwd: root, stdio: 'inherit' });
process.exit(summary.status ?? 2);
