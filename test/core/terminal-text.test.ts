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

describe('which characters are escaped: each edge of each range, one line per character', () => {
  const hex = (char: string) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  it.each([
    // [character, escaped by escapeControl, escaped by escapeControlKeepNewlines]
    ['\u0000', 'NUL, the first C0 control', true, true],
    ['\u0001', 'SOH', true, true],
    ['\u0007', 'BEL (ends an OSC title sequence)', true, true],
    ['\u0008', 'backspace', true, true],
    ['\u0009', 'tab', true, true],
    ['\u000a', 'newline', true, false],
    ['\u000b', 'vertical tab', true, true],
    ['\u000c', 'form feed', true, true],
    ['\u000d', 'carriage return', true, true],
    ['\u001b', 'ESC', true, true],
    ['\u001f', 'the last C0 control', true, true],
    ['\u0020', 'space', false, false],
    ['\u007e', 'tilde, the last printable ASCII', false, false],
    ['\u007f', 'DEL', true, true],
    ['\u0080', 'the first C1 control', true, true],
    ['\u009b', 'CSI (C1)', true, true],
    ['\u009f', 'the last C1 control', true, true],
    ['\u00a0', 'no-break space (printable)', false, false],
    ['\u2027', 'hyphenation point (printable)', false, false],
    ['\u2028', 'line separator', true, true],
    ['\u2029', 'paragraph separator', true, true],
    ['\u202a', 'left-to-right embedding', true, true],
    ['\u202b', 'right-to-left embedding', true, true],
    ['\u202c', 'pop directional formatting', true, true],
    ['\u202d', 'left-to-right override', true, true],
    ['\u202e', 'right-to-left override', true, true],
    ['\u202f', 'narrow no-break space (printable)', false, false],
    ['\u2065', 'unassigned, before the isolates', false, false],
    ['\u2066', 'left-to-right isolate', true, true],
    ['\u2067', 'right-to-left isolate', true, true],
    ['\u2068', 'first strong isolate', true, true],
    ['\u2069', 'pop directional isolate', true, true],
    ['\u206a', 'after the isolates', false, false],
  ])('%j (%s): escaped %s, keeping newlines %s', (char, _name, escaped, escapedKeepingNewlines) => {
    const text = `a${char}b${char}`;
    expect(escapeControl(text)).toBe(escaped ? `a${hex(char)}b${hex(char)}` : text);
    expect(escapeControlKeepNewlines(text)).toBe(escapedKeepingNewlines ? `a${hex(char)}b${hex(char)}` : text);
  });

  it('escapes are lower-case hexadecimal, four digits', () => {
    expect(escapeControl('\u0000\u001b\u009b\u202e')).toBe('\\u0000\\u001b\\u009b\\u202e');
  });
});
