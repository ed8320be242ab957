import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/core/wrap-text.js';

describe('wrapText: fits a width, words kept whole where they fit', () => {
  it.each<[string, string, number, string, string[]]>([
    ['short text stays on one line', 'never used', 80, '', ['never used']],
    ['exactly the width', 'aaaa bbbb', 9, '', ['aaaa bbbb']],
    ['one over the width breaks before the last word', 'aaaa bbbbb', 9, '', ['aaaa', 'bbbbb']],
    ['the indent counts', 'aaaa bbbb', 11, '  ', ['  aaaa bbbb']],
    ['the indent counts, one over', 'aaaa bbbb', 10, '  ', ['  aaaa', '  bbbb']],
    ['a word longer than the room is cut', 'abcdefghij', 4, '', ['abcd', 'efgh', 'ij']],
    ['a long word after a short one starts a new line', 'ab abcdefghij', 4, '', ['ab', 'abcd', 'efgh', 'ij']],
    ['a word of exactly the room', 'abcd', 4, '', ['abcd']],
    ['runs of spaces collapse', 'a   b', 80, '', ['a b']],
    ['leading and trailing spaces go', '  a b  ', 80, '', ['a b']],
    ['empty text is one empty line', '', 80, '    ', ['    ']],
    ['code points, not UTF-16 units', '✖✖✖ ✖✖', 5, '', ['✖✖✖', '✖✖']],
    ['an indent wider than the width still makes progress', 'ab', 2, '    ', ['    a', '    b']],
  ])('%s', (_name, text, width, indent, lines) => {
    expect(wrapText(text, width, indent)).toEqual(lines);
  });
});
