import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlKeepNewlines } from '../../src/core/terminal-text.js';
import { terminalSafe } from '../../src/output.js';

// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl: untrusted text on a terminal (issue 9, defect 4)', () => {
  it.each([
    ['a retitle', '\u001b]0;pwned\u0007', '\\u001b]0;pwned\\u0007'],
    ['a cleared screen', '\u001b[2J', '\\u001b[2J'],
    ['a carriage return faking a line', 'x\r✔ WIF login works', 'x\\u000d✔ WIF login works'],
    ['a newline', 'a\nb', 'a\\u000ab'],
    ['a C1 CSI', '\u009b31m', '\\u009b31m'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['a bidi override', 'abc\u202edcba', 'abc\\u202edcba'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
    ['plain text, unicode kept', 'LAMBDA_LOADER ✔ é 日本', 'LAMBDA_LOADER ✔ é 日本'],
  ])('%s', (_name, input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it('keeps newlines only where asked', () => {
    expect(escapeControlKeepNewlines('fix:\n  ALTER USER "a\u001b[2J";')).toBe('fix:\n  ALTER USER "a\\u001b[2J";');
  });

  it('property: the result never holds a raw control character, and text without one is unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const escaped = escapeControl(text);
        expect(RAW.test(escaped)).toBe(false);
        expect(RAW.test(escapeControlKeepNewlines(text).replaceAll('\n', ''))).toBe(false);
        if (!RAW.test(text)) expect(escaped).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: escaping is injective on what it changes (two different inputs never print the same)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), (a, b) => {
        // A literal backslash-u in the input stays as typed; the pair is told apart unless equal.
        if (a !== b && !a.includes('\\u') && !b.includes('\\u')) expect(escapeControl(a)).not.toBe(escapeControl(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('terminalSafe escapes every string in a report, deeply, keeping newlines only in fix/hint/sql', () => {
    const report = { user: 'A\u001b[2J', role: null, n: 3, checks: [{ detail: 'x\ny', fix: 'one\ntwo\u0007' }] };
    expect(terminalSafe(report)).toEqual({ user: 'A\\u001b[2J', role: null, n: 3, checks: [{ detail: 'x\\u000ay', fix: 'one\ntwo\\u0007' }] });
  });
});
