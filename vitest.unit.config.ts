import { defineConfig } from 'vitest/config';

/**
 * The unit tests of the pure rules: no process spawned, no server started, no built CLI needed.
 * Stryker runs these (stryker.config.mjs, docs/testing.md); `npm test` runs everything through
 * vitest.config.ts and never Stryker. A test file belongs here only if it is pure in that sense.
 */
export const UNIT_TESTS = [
  'test/core/**/*.test.ts',
  'test/known-secrets.test.ts',
  'test/output.test.ts',
  'test/step-summary.test.ts',
  'test/terminal/**/*.test.ts',
];

export default defineConfig({
  test: {
    include: UNIT_TESTS,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
  },
});
