import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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

/**
 * Files that failed last time first, then the quickest first. Under Stryker, with bail, a mutant
 * is killed by the first failing test: the file that killed the previous mutant (often the same
 * rule's table) and the short tables run before the long property tests. Vitest's default runs the
 * slowest first, which suits parallel runs of a passing suite, not one worker that stops at a failure.
 */
class FailedThenFastestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const state = (spec: TestSpecification) => cache.getFileTestResults(`${spec.project.name}:${relative(config.root, spec.moduleId)}`);
    return Promise.resolve(
      [...files].sort((a, b) => {
        const [stateA, stateB] = [state(a), state(b)];
        if (!stateA || !stateB) return stateA ? 1 : stateB ? -1 : 0;
        if (stateA.failed !== stateB.failed) return stateA.failed ? -1 : 1;
        return stateA.duration - stateB.duration;
      }),
    );
  }
}

export default defineConfig({
  test: {
    include: UNIT_TESTS,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
    sequence: { sequencer: FailedThenFastestFirst },
  },
});
