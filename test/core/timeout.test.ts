/**
 * Time budgets (issue 17, item 1): AbortSignal.timeout(7000.5) threw ERR_OUT_OF_RANGE and crashed
 * doctor, the Lambda handler and the Action for half of all odd timeouts. Every accepted timeout
 * must give delays Node's timers take; the properties arm real timers with them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { lambdaBudgetMs } from '../../src/core/lambda-event.js';
import { MAX_TIMEOUT_SECONDS, MAX_TIMER_MS, MIN_TIMEOUT_SECONDS, halfBudgetMs, libraryTimeoutMs, parseTimeoutSeconds, timerDelayMs } from '../../src/core/timeout.js';

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

describe('the timeout rules, one line per input', () => {
  it.each([
    ['1', 1_000],
    ['3600', 3_600_000],
    ['1.25', 1_250],
    ['1.0004', 1_000],
    ['1.0005', 1_001],
    ['13.965', 13_965],
    [' 15 ', 15_000],
    ['007', 7_000],
    [15, 15_000],
    [15.001, 15_001],
  ])('--timeout %j → %i ms', (value, ms) => {
    expect(parseTimeoutSeconds(value)).toBe(ms);
  });

  it.each([
    ['0.999', "--timeout '0.999' must be a number of seconds from 1 to 3600"],
    ['3600.001', "--timeout '3600.001' must be a number of seconds from 1 to 3600"],
    ['+5', "--timeout '+5' must be a number of seconds from 1 to 3600"],
    ['5s', "--timeout '5s' must be a number of seconds from 1 to 3600"],
    ['0x10', "--timeout '0x10' must be a number of seconds from 1 to 3600"],
    ['10.', "--timeout '10.' must be a number of seconds from 1 to 3600"],
    ['.5e1', "--timeout '.5e1' must be a number of seconds from 1 to 3600"],
    ['1,5', "--timeout '1,5' must be a number of seconds from 1 to 3600"],
    ['1e3', "--timeout '1e3' must be a number of seconds from 1 to 3600"],
    [' ', "--timeout ' ' must be a number of seconds from 1 to 3600"],
    [0, "--timeout '0' must be a number of seconds from 1 to 3600"],
  ])('--timeout %j is refused: %s', (value, message) => {
    expect(() => parseTimeoutSeconds(value)).toThrow(message);
  });

  it('the flag is named as the caller names it', () => {
    expect(() => parseTimeoutSeconds('0', 'event.timeout')).toThrow("event.timeout '0' must be a number of seconds from 1 to 3600");
    expect(() => parseTimeoutSeconds('0')).toThrow(expect.objectContaining({ code: 'BAD_TIMEOUT', exitCode: 2 }));
  });

  it.each([
    [1_000, 1_000],
    [3_600_000, 3_600_000],
    [1_000.4, 1_000],
    [1_000.5, 1_001],
    [15_001, 15_001],
  ])('library timeoutMs %d → %i', (value, ms) => {
    expect(libraryTimeoutMs(value)).toBe(ms);
  });

  it.each([
    [999.9, 'timeoutMs 999.9 must be a number of milliseconds from 1000 to 3600000'],
    [3_600_000.1, 'timeoutMs 3600000.1 must be a number of milliseconds from 1000 to 3600000'],
    ['5000', 'timeoutMs string must be a number of milliseconds from 1000 to 3600000'],
    [null, 'timeoutMs object must be a number of milliseconds from 1000 to 3600000'],
    [Number.NaN, 'timeoutMs NaN must be a number of milliseconds from 1000 to 3600000'],
  ])('library timeoutMs %j is refused: %s', (value, message) => {
    expect(() => libraryTimeoutMs(value)).toThrow(message);
    expect(() => libraryTimeoutMs(value, 'event.timeoutMs')).toThrow(message.replace('timeoutMs', 'event.timeoutMs'));
  });

  it.each([
    [15_001, 10_000, 7_500],
    [19_999, 10_000, 9_999],
    [20_000, 10_000, 10_000],
    [21_000, 10_000, 10_000],
    [3_600_000, 10_000, 10_000],
    [3, 10_000, 1],
    [1, 10_000, 1],
    [0, 10_000, 1],
    [10_000, 2_500.5, 2_501],
  ])('halfBudgetMs(%i, cap %d) → %i', (budget, cap, delay) => {
    expect(halfBudgetMs(budget, cap)).toBe(delay);
  });

  it('the limits', () => {
    expect([MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, MAX_TIMER_MS]).toEqual([1, 3600, 2_147_483_647]);
  });
});
