/**
 * Time budgets (issue 17, item 1): AbortSignal.timeout(7000.5) threw ERR_OUT_OF_RANGE and crashed
 * doctor, the Lambda handler and the Action for half of all odd timeouts. Every accepted timeout
 * must give delays Node's timers take; the properties arm real timers with them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { lambdaBudgetMs } from '../../src/core/lambda-event.js';
import { MAX_TIMER_MS, halfBudgetMs, libraryTimeoutMs, parseTimeoutSeconds, timerDelayMs } from '../../src/core/timeout.js';

/** Node's own check: the delay is armed without a throw, and disarmed at once. */
function armable(ms: number): void {
  expect(Number.isInteger(ms), `${ms} is not a whole number of milliseconds`).toBe(true);
  const signal = AbortSignal.timeout(ms);
  expect(signal.aborted).toBe(false);
  clearTimeout(setTimeout(() => {}, ms));
}

const acceptedSeconds = fc.double({ min: 1, max: 3600, noNaN: true }).map((seconds) => String(seconds));
const decimalSeconds = fc.tuple(fc.integer({ min: 1, max: 3599 }), fc.integer({ min: 0, max: 999_999 })).map(([whole, fraction]) => `${whole}.${fraction}`);

describe('every accepted timeout gives delays the timers take', () => {
  it.each([
    ['--timeout 13.965 (the report)', '13.965', 13_965, 6_982],
    ['event.timeout 15.001', '15.001', 15_001, 7_500],
    ['one second', '1', 1_000, 500],
    ['the largest', '3600', 3_600_000, 10_000],
  ])('%s', (_name, seconds, budget, aws) => {
    const ms = parseTimeoutSeconds(seconds);
    expect(ms).toBe(budget);
    expect(halfBudgetMs(budget, 10_000)).toBe(aws);
    armable(halfBudgetMs(budget, 10_000));
  });

  it('property: --timeout S (decimal text) → a whole budget whose half is armable', () => {
    fc.assert(
      fc.property(fc.oneof(decimalSeconds, acceptedSeconds.filter((text) => /^\d+(\.\d+)?$/.test(text))), (text) => {
        const ms = parseTimeoutSeconds(text);
        if (ms === undefined) throw new Error('accepted text gave no budget');
        armable(ms);
        armable(halfBudgetMs(ms, 10_000));
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: the library\'s timeoutMs (any double in range) → a whole budget', () => {
    fc.assert(
      fc.property(fc.double({ min: 1_000, max: 3_600_000, noNaN: true }), (value) => {
        const ms = libraryTimeoutMs(value);
        if (ms === undefined) throw new Error('no budget');
        armable(ms);
        armable(halfBudgetMs(ms, 10_000));
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: Lambda\'s remaining time, whatever it is, and any event timeout → an armable budget of at least a second', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1_000, max: 3_600_000 })), fc.option(fc.oneof(fc.double({ noNaN: false }), fc.integer())), (requested, remaining) => {
        const ms = lambdaBudgetMs(requested ?? undefined, remaining ?? undefined);
        expect(ms).toBeGreaterThanOrEqual(1_000);
        armable(ms);
        armable(halfBudgetMs(ms, 10_000));
      }),
      { numRuns: 2_000 },
    );
  });

  it('the Lambda budget ends a second before the function would be killed', () => {
    expect(lambdaBudgetMs(undefined, 15_001)).toBe(14_001);
    expect(lambdaBudgetMs(undefined, 15_001.7)).toBe(14_001);
    expect(lambdaBudgetMs(5_000, 15_001)).toBe(5_000);
    expect(lambdaBudgetMs(undefined, 500)).toBe(1_000);
    expect(lambdaBudgetMs(undefined, undefined)).toBe(30_000);
    expect(lambdaBudgetMs(undefined, Number.NaN)).toBe(30_000);
  });

  it('timerDelayMs: whole, at least 1, at most 2^31-1', () => {
    expect([0.5, 1, 1.2, 7000.5, -3, MAX_TIMER_MS + 10, Number.POSITIVE_INFINITY, Number.NaN].map(timerDelayMs)).toEqual([1, 1, 2, 7001, 1, MAX_TIMER_MS, MAX_TIMER_MS, 1]);
  });
});

describe('what is not a timeout is a usage error (exit 2, BAD_TIMEOUT)', () => {
  it.each([['0.5'], ['0'], ['3600.5'], ['-1'], ['1e3'], ['abc'], [''], ['NaN'], ['Infinity']])('--timeout %j', (text) => {
    expect(() => parseTimeoutSeconds(text)).toThrow(WifError);
  });

  it.each([[999], [3_600_001], [Number.NaN], [Number.POSITIVE_INFINITY], [-5], ['13965'], [null]])('library timeoutMs %j', (value) => {
    try {
      libraryTimeoutMs(value);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(WifError);
      expect((error as WifError).code).toBe('BAD_TIMEOUT');
      expect((error as WifError).exitCode).toBe(2);
    }
  });

  it('undefined is the default', () => {
    expect(libraryTimeoutMs(undefined)).toBeUndefined();
    expect(parseTimeoutSeconds(undefined)).toBeUndefined();
  });
});
