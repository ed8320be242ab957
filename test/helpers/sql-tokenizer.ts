// A small Snowflake-style SQL tokenizer for tests: enough of the lexical grammar to tell where
// statements, strings, identifiers and comments begin and end, so tests can check that generated
// SQL has exactly the intended structure whatever the input was.
//
// Lexical rules followed:
//   identifiers   https://docs.snowflake.com/en/sql-reference/identifiers-syntax
//   strings       https://docs.snowflake.com/en/sql-reference/data-types-text#string-constants
//   comments      https://docs.snowflake.com/en/sql-reference/constructs/comments (--, //, /* */)

export type TokenType =
  | 'identifier' // unquoted; value is upper-cased, as Snowflake resolves it
  | 'quoted-identifier' // "…"; value is the name with "" undone
  | 'string' // '…'; value with '' and backslash escapes undone
  | 'dollar-string' // $$…$$; value is the raw content
  | 'number'
  | 'punctuation'
  | 'semicolon'
  | 'line-comment'
  | 'block-comment';

export interface Token {
  type: TokenType;
  /** The source text of the token. */
  text: string;
  /** The decoded value (see TokenType). */
  value: string;
  /** Offset of the token in the source. */
  start: number;
}

export class SqlSyntaxError extends Error {}

const WHITESPACE = /[ \t\n\r\f\v]/;
const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

type Lexer = (sql: string, start: number) => Token;

function lineComment(sql: string, start: number): Token {
  let end = start;
  while (end < sql.length && sql[end] !== '\n' && sql[end] !== '\r') end += 1;
  return { type: 'line-comment', text: sql.slice(start, end), value: sql.slice(start + 2, end), start };
}

function blockComment(sql: string, start: number): Token {
  const close = sql.indexOf('*/', start + 2);
  if (close === -1) throw new SqlSyntaxError(`unterminated /* comment at ${start}`);
  return { type: 'block-comment', text: sql.slice(start, close + 2), value: sql.slice(start + 2, close), start };
}

function dollarString(sql: string, start: number): Token {
  const close = sql.indexOf('$$', start + 2);
  if (close === -1) throw new SqlSyntaxError(`unterminated $$ string at ${start}`);
  return { type: 'dollar-string', text: sql.slice(start, close + 2), value: sql.slice(start + 2, close), start };
}

function quotedIdentifier(sql: string, start: number): Token {
  let value = '';
  let i = start + 1;
  for (;;) {
    const close = sql.indexOf('"', i);
    if (close === -1) throw new SqlSyntaxError(`unterminated quoted identifier at ${start}`);
    value += sql.slice(i, close);
    if (sql[close + 1] !== '"') {
      return { type: 'quoted-identifier', text: sql.slice(start, close + 1), value, start };
    }
    value += '"';
    i = close + 2;
  }
}

/** One backslash escape starting at `i` (the backslash): [decoded text, length consumed]. */
function backslashEscape(sql: string, i: number): [string, number] {
  const next = sql[i + 1];
  if (next === undefined) throw new SqlSyntaxError(`backslash at the end of input at ${i}`);
  const octal = /^[0-7]{3}/.exec(sql.slice(i + 1, i + 4));
  if (octal !== null) return [String.fromCharCode(parseInt(octal[0], 8)), 4];
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) return [simple, 2];
  const hex = next === 'x' ? /^[0-9A-Fa-f]{2}/.exec(sql.slice(i + 2, i + 4)) : null;
  if (hex !== null) return [String.fromCharCode(parseInt(hex[0], 16)), 4];
  const unicode = next === 'u' ? /^[0-9A-Fa-f]{4}/.exec(sql.slice(i + 2, i + 6)) : null;
  if (unicode !== null) return [String.fromCharCode(parseInt(unicode[0], 16)), 6];
  // Any other escaped character stands for itself: \\ \' \" \$ …
  const char = String.fromCodePoint(sql.codePointAt(i + 1) ?? 0);
  return [char, 1 + char.length];
}

function stringLiteral(sql: string, start: number): Token {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (char === '\\') {
      const [decoded, length] = backslashEscape(sql, i);
      value += decoded;
      i += length;
    } else if (char === "'" && sql[i + 1] === "'") {
      value += "'";
      i += 2;
    } else if (char === "'") {
      return { type: 'string', text: sql.slice(start, i + 1), value, start };
    } else {
      value += char;
      i += 1;
    }
  }
  throw new SqlSyntaxError(`unterminated string at ${start}`);
}

function unquotedIdentifier(sql: string, start: number): Token {
  let end = start + 1;
  while (end < sql.length && IDENTIFIER_PART.test(sql[end] ?? '')) end += 1;
  const text = sql.slice(start, end);
  return { type: 'identifier', text, value: text.toUpperCase(), start };
}

function numberLiteral(sql: string, start: number): Token {
  const match = /^[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?/.exec(sql.slice(start));
  const text = match?.[0] ?? sql.charAt(start);
  return { type: 'number', text, value: text, start };
}

function singleChar(sql: string, start: number): Token {
  const text = String.fromCodePoint(sql.codePointAt(start) ?? 0);
  return { type: text === ';' ? 'semicolon' : 'punctuation', text, value: text, start };
}

function lexerAt(sql: string, i: number): Lexer {
  const two = sql.slice(i, i + 2);
  const char = sql[i] ?? '';
  if (two === '--' || two === '//') return lineComment;
  if (two === '/*') return blockComment;
  if (two === '$$') return dollarString;
  if (char === '"') return quotedIdentifier;
  if (char === "'") return stringLiteral;
  if (IDENTIFIER_START.test(char)) return unquotedIdentifier;
  if (DIGIT.test(char)) return numberLiteral;
  return singleChar;
}

/** All tokens of `sql`, comments included, whitespace dropped. Throws SqlSyntaxError. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    if (WHITESPACE.test(sql[i] ?? '')) {
      i += 1;
      continue;
    }
    const token = lexerAt(sql, i)(sql, i);
    tokens.push(token);
    i += token.text.length;
  }
  return tokens;
}

/**
 * The statements of `sql` as lists of non-comment tokens, split at `;` (not included). Empty
 * statements are dropped; `terminated` says whether the last one ended with `;`.
 */
export function splitStatements(sql: string): { statements: Token[][]; terminated: boolean } {
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokenize(sql)) {
    if (token.type === 'line-comment' || token.type === 'block-comment') continue;
    if (token.type === 'semicolon') {
      if (current.length > 0) statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  const terminated = current.length === 0;
  if (!terminated) statements.push(current);
  return { statements, terminated };
}

/** A compact view of a statement for assertions: identifiers as IDENT, others as type:value. */
export function describeStatement(tokens: Token[]): string[] {
  return tokens.map((token) => (token.type === 'identifier' ? token.value : `${token.type}:${token.value}`));
}
