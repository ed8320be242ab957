#!/usr/bin/env node
// One report from several (issue 23; docs/testing.md "Figures from parts"): the pure rules measured
// in parts (`npx stryker run … --mutate FILE`, `npm run mutation:recheck`) give the figures a full
// `npm run mutation` gives, because Stryker judges a mutant only by the unit tests that cover it,
// whatever else is mutated in the same run. This puts the parts together:
//
//   node scripts/mutation-merge.mjs REPORT... [--out reports/merged]
//
// Each file is taken from the LAST report given whose source is byte for byte the file in the
// working tree: a report of other code is never used (its figures would be another code's). Every file PURE_RULES (stryker.config.mjs) matches must be in one of them, or
// the merge is refused, naming the files no report measured. Test ids are each run's own numbers,
// so tests are matched by file and name and renumbered. Then it prints mutation-summary's table for
// the merged report (and exits with its code). Reads reports, writes <out>/mutation.json; runs no test.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PURE_RULES } from '../stryker.config.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'reports/merged' } } });

function refuse(message) {
  console.error(`mutation-merge: ${message}`);
  process.exit(2);
}
if (positionals.length === 0) refuse('usage: node scripts/mutation-merge.mjs REPORT... [--out DIR]');

/** The repository-relative path of a report's file name (Stryker writes them relative to its cwd, or absolute). */
const pathOf = (name) => relative(root, resolve(root, name)).split(sep).join('/');

// PURE_RULES' globs (a star within a name, a double star and slash for any folders) as tests of a repository path.
const toRegExp = (glob) => glob.replace(/[.+^$()|[\]\\{}]/g, '\\$&').replaceAll('**/', '\0').replaceAll('*', '[^/]*').replaceAll('\0', '(?:.*/)?');
const globs = PURE_RULES.map((glob) => new RegExp(`^${toRegExp(glob)}$`));
function pureRules(dir = 'src') {
  const found = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...pureRules(path));
    else if (globs.some((glob) => glob.test(path))) found.push(path);
  }
  return found.sort();
}

const merged = { schemaVersion: undefined, thresholds: undefined, projectRoot: root, files: {}, testFiles: {} };
const from = new Map();
let nextId = 0;
const testId = new Map();
for (const reportPath of positionals) {
  if (!existsSync(reportPath)) refuse(`${reportPath}: no report`);
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  merged.schemaVersion ??= report.schemaVersion;
  merged.thresholds ??= report.thresholds;
  // This report's test ids → the merged ones (same file and name: the same test).
  const ids = new Map();
  for (const [name, file] of Object.entries(report.testFiles ?? {})) {
    const path = pathOf(name);
    const known = (merged.testFiles[path] ??= { source: file.source, tests: [] });
    for (const test of file.tests) {
      const key = `${path}\0${test.name}`;
      if (!testId.has(key)) {
        testId.set(key, String(nextId++));
        known.tests.push({ ...test, id: testId.get(key) });
      }
      ids.set(test.id, testId.get(key));
    }
  }
  // A test the report names but does not list (a re-check's report names tests as "file#name"): kept as named.
  const map = (list) => list?.map((id) => ids.get(id) ?? id);
  for (const [name, file] of Object.entries(report.files)) {
    const path = pathOf(name);
    const current = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
    if (current !== file.source) {
      // Another code's figures: used by no file, but named if no report has this file's code.
      if (!merged.files[path]) from.set(path, { stale: reportPath });
      continue;
    }
    merged.files[path] = { ...file, mutants: file.mutants.map((mutant) => ({ ...mutant, killedBy: map(mutant.killedBy), coveredBy: map(mutant.coveredBy) })) };
    from.set(path, { report: reportPath });
  }
}

const stale = [...from].filter(([, origin]) => origin.stale).map(([path, origin]) => `${path} (${origin.stale} holds other code)`);
const missing = pureRules().filter((path) => !from.has(path));
if (stale.length > 0 || missing.length > 0) {
  refuse(`not measured for the code in the working tree:\n  ${[...stale, ...missing.map((path) => `${path} (in no report)`)].join('\n  ')}`);
}
mkdirSync(flags.out, { recursive: true });
const out = join(flags.out, 'mutation.json');
writeFileSync(out, JSON.stringify(merged));
console.log(`mutation-merge: ${Object.keys(merged.files).length} files from ${positionals.length} reports → ${relative(process.cwd(), out)}`);
for (const [path, origin] of [...from].sort()) console.log(`  ${path}  ${origin.report}`);
const summary = spawnSync(process.execPath, [join(root, 'scripts', 'mutation-summary.mjs'), out], { cwd: root, stdio: 'inherit' });
process.exit(summary.status ?? 2);
