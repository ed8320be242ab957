import { describe, expect, it } from 'vitest';
import { SqlSyntaxError, describeStatement, splitStatements, tokenize } from './sql-tokenizer.js';

function types(sql: string): string[] {
  return tokenize(sql).map((token) => `${token.type}:${token.value}`);
}

describe('tokenize', () => {
  it('upper-cases unquoted identifiers and keeps $ and digits in them', () => {
    expect(types('select My$col_1 from t')).toEqual([
      'identifier:SELECT', 'identifier:MY$COL_1', 'identifier:FROM', 'identifier:T',
    ]);
  });

  it('undoes "" in quoted identifiers and keeps their case', () => {
    expect(types('"a""b c" "x;--y"')).toEqual(['quoted-identifier:a"b c', 'quoted-identifier:x;--y']);
  });

  it('undoes both quote doubling and backslash escapes in strings', () => {
    const cases: Array<[string, string]> = [
      ["'it''s'", "it's"],
      ["'it\\'s'", "it's"],
      ["'a\\\\b'", 'a\\b'],
      ["'a\\\\'", 'a\\'],
      ["'\\n\\t\\r\\0'", '\n\t\r\0'],
      ["'\\101\\x42\\u0043'", 'ABC'],
      ["'\\q\\\"'", 'q"'],
      ["'-- not a comment; /* nor this */'", '-- not a comment; /* nor this */'],
      ["'line1\nline2'", 'line1\nline2'],
    ];
    for (const [sql, value] of cases) {
      expect(tokenize(sql), sql).toEqual([{ type: 'string', text: sql, value, start: 0 }]);
    }
  });

  it('does not end a string at an escaped quote', () => {
    expect(types("'a\\''; b")).toEqual(["string:a'", 'semicolon:;', 'identifier:B']);
    expect(types("'a\\\\'; b")).toEqual(['string:a\\', 'semicolon:;', 'identifier:B']);
  });

  it('reads line comments (-- and //) to the end of the line, block comments to */', () => {
    expect(types('a -- x; y\nb // z;\r\nc /* ; \n */ d')).toEqual([
      'identifier:A', 'line-comment: x; y', 'identifier:B', 'line-comment: z;', 'identifier:C',
      'block-comment: ; \n ', 'identifier:D',
    ]);
  });

  it('reads $$ strings, numbers and punctuation', () => {
    expect(types("$$it's; --$$ 12.5e3 (=,.)")).toEqual([
      "dollar-string:it's; --", 'number:12.5e3', 'punctuation:(', 'punctuation:=', 'punctuation:,',
      'punctuation:.', 'punctuation:)',
    ]);
  });

  it('treats characters outside the grammar as single punctuation tokens', () => {
    expect(types('a＇b')).toEqual(['identifier:A', 'punctuation:＇', 'identifier:B']);
    expect(types('😀')).toEqual(['punctuation:😀']);
  });

  it('rejects unterminated strings, identifiers and comments', () => {
    for (const sql of ["'abc", "'abc\\'", '"abc', '"a""', '/* abc', '$$ abc', "'\\"]) {
      expect(() => tokenize(sql), sql).toThrow(SqlSyntaxError);
    }
  });
});

describe('splitStatements', () => {
  it('splits at semicolons outside strings, identifiers and comments', () => {
    const sql = [
      '-- header; not a statement',
      'CREATE USER "a;b" COMMENT = \'x;y\';',
      '/* ; */ SHOW USERS; ;',
    ].join('\n');
    const { statements, terminated } = splitStatements(sql);
    expect(terminated).toBe(true);
    expect(statements.map(describeStatement)).toEqual([
      ['CREATE', 'USER', 'quoted-identifier:a;b', 'COMMENT', 'punctuation:=', 'string:x;y'],
      ['SHOW', 'USERS'],
    ]);
  });

  it('reports a final statement without a semicolon', () => {
    const { statements, terminated } = splitStatements('SELECT 1; SELECT 2');
    expect(statements).toHaveLength(2);
    expect(terminated).toBe(false);
  });

  it('sees an injected statement', () => {
    const { statements } = splitStatements("COMMENT = 'x'; DROP USER y; --'");
    expect(statements.map(describeStatement)).toEqual([
      ['COMMENT', 'punctuation:=', 'string:x'],
      ['DROP', 'USER', 'Y'],
    ]);
  });
});
