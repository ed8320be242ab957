// @ts-check
/**
 * The security rules only (`npm run mutation:security`): redaction, the host checks, SQL quoting,
 * terminal escaping, credential-file trust, time budgets and the exit codes. Fast enough for CI
 * (docs/testing.md gives the time measured).
 */
import base from './stryker.config.mjs';

export const SECURITY_RULES = [
  'src/core/redact.ts',
  'src/core/host.ts',
  'src/core/sql.ts',
  'src/core/terminal-text.ts',
  'src/core/file-trust.ts',
  'src/core/timeout.ts',
  'src/core/errors.ts',
  'src/core/key-cost.ts',
  'src/core/terraform.ts',
  'src/providers/oidc/github.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: SECURITY_RULES,
  htmlReporter: { fileName: 'reports/mutation-security/index.html' },
  jsonReporter: { fileName: 'reports/mutation-security/mutation.json' },
  incrementalFile: 'reports/mutation-security/incremental.json',
};
