// @ts-check
/**
 * Mutation testing of the pure rules (issue 23; docs/testing.md): `npm run mutation`.
 * Only unit tests run (vitest.unit.config.ts): nothing spawns the CLI or starts a simulator, so a
 * mutant is judged by the rule's own tables. Reports go to reports/mutation/ (gitignored).
 * Pinned to StrykerJS 9.6.x: 10.x needs Node >= 22, and CI runs Node 20.
 */

/**
 * What is mutated: every pure rule. Add a glob here when pure rules move (e.g. providers' rules files).
 * A glob that matches nothing is harmless.
 */
export const PURE_RULES = [
  'src/core/**/*.ts',
  // Each provider's pure rules (docs/architecture.md): its traps, its subject forms, its failure
  // rules and its SQL fragment. The rest of a provider's folder is I/O (tokens, the login).
  'src/providers/*/rules*.ts',
  'src/providers/*/rules/**/*.ts',
  'src/providers/*/github.ts',
  'src/providers/*/diagnose.ts',
  'src/providers/*/sql.ts',
];

/**
 * The targets (issue 23), checked by scripts/mutation-summary.mjs after every run: the rules the
 * security of wif-check rests on at 95 %, every surviving mutant of theirs either killed or listed
 * in docs/testing.md as equivalent; every other pure rule at 85 %.
 */
export const TARGETS = {
  strict: {
    score: 95,
    files: ['src/core/redact.ts', 'src/core/host.ts', 'src/core/sql.ts', 'src/core/terminal-text.ts', 'src/core/terraform.ts', 'src/providers/oidc/github.ts'],
  },
  default: 85,
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: PURE_RULES,
  coverageAnalysis: 'perTest',
  // The CI box and the development machine have 2 cores: never more workers than that.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, reportMutants: false, reportTests: false },
  thresholds: { high: 95, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'dist-action', 'bench', 'reports', 'examples', 'build', 'coverage', '*.tgz'],
  incrementalFile: 'reports/mutation/incremental.json',
};

export default config;
