/**
 * Names spelled like SQL keywords (src/core/sql.ts): every reserved or limited keyword on
 * Snowflake's reserved-keywords page, one line each, is quoted wherever a name goes, so an
 * unquoted keyword never breaks (or changes) the SQL a person pastes into a worksheet.
 * https://docs.snowflake.com/en/sql-reference/reserved-keywords (plus ASOF and MATCH_CONDITION,
 * behaviour change bundle 2024_01). This list is copied from the page, not from src/.
 */
import { describe, expect, it } from 'vitest';
import { RESERVED_WORDS, defaultUserNameFor, generateSql, identifierForTypedName, quoteIdentifier, quoteTypedIdentifier, storedIdentifierName } from '../../src/core/sql.js';

const DOCUMENTED_RESERVED = [
  'ACCOUNT', 'ALL', 'ALTER', 'AND', 'ANY', 'AS', 'ASOF', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CHECK', 'COLUMN', 'CONNECT',
  'CONNECTION', 'CONSTRAINT', 'CREATE', 'CROSS', 'CURRENT', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP',
  'CURRENT_USER', 'DATABASE', 'DELETE', 'DISTINCT', 'DROP', 'ELSE', 'EXISTS', 'FALSE', 'FOLLOWING', 'FOR', 'FROM', 'FULL',
  'GRANT', 'GROUP', 'GSCLUSTER', 'HAVING', 'ILIKE', 'IN', 'INCREMENT', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS',
  'ISSUE', 'JOIN', 'LATERAL', 'LEFT', 'LIKE', 'LOCALTIME', 'LOCALTIMESTAMP', 'MATCH_CONDITION', 'MINUS', 'NATURAL',
  'NOT', 'NULL', 'OF', 'ON', 'OR', 'ORDER', 'ORGANIZATION', 'QUALIFY', 'REGEXP', 'REVOKE', 'RIGHT', 'RLIKE', 'ROW',
  'ROWS', 'SAMPLE', 'SCHEMA', 'SELECT', 'SET', 'SOME', 'START', 'TABLE', 'TABLESAMPLE', 'THEN', 'TO', 'TRIGGER', 'TRUE',
  'TRY_CAST', 'UNION', 'UNIQUE', 'UPDATE', 'USING', 'VALUES', 'VIEW', 'WHEN', 'WHENEVER', 'WHERE', 'WITH',
];

/** `ALTER USER [IF EXISTS] [<name>] <clause>`: a bare name spelled like one of these is ambiguous. */
const USER_CLAUSE_WORDS = ['IF', 'ABORT', 'ADD', 'ENROLL', 'MODIFY', 'REMOVE', 'RENAME', 'RESET', 'UNSET'];

const ARN = 'arn:aws:iam::123456789012:role/my-fn-role';

describe('RESERVED_WORDS is the documented list', () => {
  it('exactly', () => {
    expect([...RESERVED_WORDS].sort()).toEqual([...DOCUMENTED_RESERVED].sort());
  });
});

describe.each(DOCUMENTED_RESERVED)('the reserved word %s', (word) => {
  const lower = word.toLowerCase();
  const mixed = word.charAt(0) + lower.slice(1);

  it('is quoted as a name in any case, kept exactly as typed', () => {
    expect(quoteIdentifier(word)).toEqual({ ok: true, sql: `"${word}"` });
    expect(quoteIdentifier(lower)).toEqual({ ok: true, sql: `"${lower}"` });
    expect(quoteIdentifier(mixed)).toEqual({ ok: true, sql: `"${mixed}"` });
    expect(quoteTypedIdentifier(lower)).toEqual({ ok: true, sql: `"${lower}"` });
  });

  it('is stored as typed (quoted), and found again under that name', () => {
    expect(storedIdentifierName(lower)).toBe(lower);
    expect(identifierForTypedName(lower)).toBe(`"${lower}"`);
    expect(identifierForTypedName(word)).toBe(`"${word}"`);
  });

  it('as an IAM role name gives the default user WIF_<word>', () => {
    expect(defaultUserNameFor(lower)).toBe(`WIF_${word}`);
  });

  it('as a user, role or warehouse in gen-sql is quoted, with a warning that says why', () => {
    const result = generateSql({ arn: ARN, user: word, defaultRole: word, defaultWarehouse: word, verify: false });
    expect(result).toMatchObject({ ok: true, user: `"${word}"` });
    if (!result.ok) return;
    expect(result.sql).toBe(
      [`CREATE USER "${word}"`, `  WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${ARN}')`, '  TYPE = SERVICE', `  DEFAULT_ROLE = "${word}"`, `  DEFAULT_WAREHOUSE = "${word}";`].join('\n'),
    );
    expect(result.warnings).toContain(`user name "${word}" is a reserved word, so it is quoted and case-sensitive: log in / compare with it exactly`);
    expect(result.warnings).toContain(`default role "${word}" is a reserved word, so it is quoted and case-sensitive: it must match the existing name exactly`);
  });
});

describe.each(USER_CLAUSE_WORDS)('the ALTER USER clause word %s', (word) => {
  it('is quoted as a name in any case', () => {
    expect(quoteIdentifier(word)).toEqual({ ok: true, sql: `"${word}"` });
    expect(quoteIdentifier(word.toLowerCase())).toEqual({ ok: true, sql: `"${word.toLowerCase()}"` });
  });

  it('as an IAM role name gives the default user WIF_<word>', () => {
    expect(defaultUserNameFor(word.toLowerCase())).toBe(`WIF_${word}`);
  });

  it('is not called a reserved word in the warning', () => {
    const result = generateSql({ arn: ARN, user: word, verify: false });
    expect(result).toMatchObject({ ok: true, user: `"${word}"` });
    if (result.ok) expect(result.warnings).toContain(`user name "${word}" is case-sensitive: log in / compare with it exactly`);
  });
});

describe('names that only look like keywords stay unquoted', () => {
  it.each(['USER', 'ROLE', 'WAREHOUSE', 'SERVICE', 'LOADER', 'SELECTS', 'ACCOUNTS', 'IFF', 'ADDS', 'ORDERS', 'CURRENT_ROLE', 'ASOF1'])('%s', (name) => {
    expect(quoteIdentifier(name)).toEqual({ ok: true, sql: name });
    expect(defaultUserNameFor(name)).toBe(name);
  });

  it.each(['TO_', '_IF', 'if_', 'Select_'])('%s', (name) => {
    expect(quoteIdentifier(name)).toEqual({ ok: true, sql: name });
  });
});
