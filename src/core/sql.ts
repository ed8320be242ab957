// The SQL that registers an AWS principal as a Snowflake workload identity (WIF) user.
// Pure: no I/O, no environment, no console.
//
// Everything a person types ends up in SQL they will paste into a worksheet, so nothing may be able
// to change the statements' structure: identifiers are emitted unquoted only when Snowflake's own
// rules make that unambiguous, string literals escape both of Snowflake's escape mechanisms, and
// characters that could end a `--` comment, or make the text display differently from how it
// parses, are refused outright rather than escaped.
//
// Identifier rules:  https://docs.snowflake.com/en/sql-reference/identifiers-syntax
// String escapes:    https://docs.snowflake.com/en/sql-reference/data-types-text#escape-sequences-in-single-quoted-string-constants
// Reserved keywords: https://docs.snowflake.com/en/sql-reference/reserved-keywords
// WIF SQL:           https://docs.snowflake.com/en/user-guide/workload-identity-federation
import type { Registration } from '../providers/types.js';

export type QuoteResult = { ok: true; sql: string } | { ok: false; error: string };

export interface GenerateSqlOptions {
  /** The path-free Snowflake ARN (the caller normalises it); still emitted as an escaped literal. */
  arn?: string;
  /**
   * What `WORKLOAD_IDENTITY = ( … )` holds, for any provider; used instead of `arn` and `issuer`
   * when given. An AWS registration gives exactly the SQL `arn`/`issuer` give.
   */
  registration?: Registration;
  /**
   * The user name as the person typed it: `"Name"` (a valid quoted identifier) means exactly
   * Name; anything else is the name itself. The same holds for the role, warehouse and namespace parts.
   */
  user: string;
  /** Default 'create'. */
  mode?: 'create' | 'alter';
  /** CREATE only. */
  ifNotExists?: boolean;
  /** CREATE only; cannot be combined with ifNotExists. */
  orReplace?: boolean;
  defaultRole?: string;
  defaultWarehouse?: string;
  /** 'DB' or 'DB.SCHEMA'; each part is quoted on its own (a "quoted" part may hold dots). */
  defaultNamespace?: string;
  comment?: string;
  /** Default true: append the SHOW statement that checks the registration. */
  verify?: boolean;
  /** The JWT method: `ISSUER = '…'` next to the ARN (validated by the caller, src/core/jwt-claims.ts). */
  issuer?: string;
  /** The ARN as STS reported it, for the header comment. */
  callerArn?: string;
  /** The name Snowflake will list as iamRole in SHOW ... (for the check comment). */
  iamRoleName?: string;
  /** Returned as warnings, never put into the SQL. */
  notes?: string[];
}

export type GenerateSqlResult =
  | { ok: true; sql: string; user: string; warnings: string[] }
  | { ok: false; error: string };

// "Regardless of whether an identifier is unquoted or double-quoted, the maximum number of
// characters allowed is 255" (identifier rules above).
const MAX_IDENTIFIER_CHARS = 255;
// Snowflake does not document a COMMENT length limit; this cap only keeps the SQL readable.
const MAX_LITERAL_CHARS = 1024;
// OIDC: "SUBJECT ≤ 255 characters, ISSUER ≤ 2,048" (docs user-guide/workload-identity-federation,
// ../shared/FACTS.md "Every provider").
export const MAX_OIDC_SUBJECT_CHARS = 255;
export const MAX_OIDC_ISSUER_CHARS = 2048;
const UNQUOTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Snowflake's reserved and limited keywords (the whole table on the reserved-keywords page,
 * plus ASOF and MATCH_CONDITION from behaviour change bundle 2024_01). An identifier spelled like
 * one of these is always quoted.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'ACCOUNT', 'ALL', 'ALTER', 'AND', 'ANY', 'AS', 'ASOF', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CHECK',
  'COLUMN', 'CONNECT', 'CONNECTION', 'CONSTRAINT', 'CREATE', 'CROSS', 'CURRENT', 'CURRENT_DATE',
  'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DATABASE', 'DELETE', 'DISTINCT', 'DROP',
  'ELSE', 'EXISTS', 'FALSE', 'FOLLOWING', 'FOR', 'FROM', 'FULL', 'GRANT', 'GROUP', 'GSCLUSTER',
  'HAVING', 'ILIKE', 'IN', 'INCREMENT', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'ISSUE',
  'JOIN', 'LATERAL', 'LEFT', 'LIKE', 'LOCALTIME', 'LOCALTIMESTAMP', 'MATCH_CONDITION', 'MINUS',
  'NATURAL', 'NOT', 'NULL', 'OF', 'ON', 'OR', 'ORDER', 'ORGANIZATION', 'QUALIFY', 'REGEXP',
  'REVOKE', 'RIGHT', 'RLIKE', 'ROW', 'ROWS', 'SAMPLE', 'SCHEMA', 'SELECT', 'SET', 'SOME', 'START',
  'TABLE', 'TABLESAMPLE', 'THEN', 'TO', 'TRIGGER', 'TRUE', 'TRY_CAST', 'UNION', 'UNIQUE', 'UPDATE',
  'USING', 'VALUES', 'VIEW', 'WHEN', 'WHENEVER', 'WHERE', 'WITH',
]);

// Not reserved, but `ALTER USER [IF EXISTS] [<name>] <clause>` makes the name optional, so a bare
// name spelled like a clause keyword (ALTER USER RESET ..., CREATE USER IF ...) would be ambiguous.
const USER_CLAUSE_WORDS: ReadonlySet<string> = new Set([
  'IF', 'ABORT', 'ADD', 'ENROLL', 'MODIFY', 'REMOVE', 'RENAME', 'RESET', 'UNSET',
]);

// Characters refused in every name and literal, by Unicode property rather than by a list:
//  - C0/C1 controls (Cc) and U+2028/U+2029 (Zl, Zp): they end a `--` comment or a line in some client;
//  - format characters (Cf: bidi overrides, zero-width joiners, tags) and every other
//    Default_Ignorable_Code_Point (U+034F, variation selectors, Hangul fillers): they display as
//    nothing, so `"LOADER\u034f"` reads as LOADER yet names another user;
//  - unpaired surrogates (Cs): not encodable as UTF-8, so what reached Snowflake would differ
//    from what was checked;
//  - unassigned code points (Cn, noncharacters included) and private use (Co): no font shows
//    what they are.
// Built on first use (behind the printable-ASCII fast path): V8 parses a \p{…} class as soon as
// the literal is evaluated, ~0.25 ms of every gen-sql (docs/performance.md).
let refusedCharPattern: RegExp | undefined;
const refusedChar = (): RegExp => (refusedCharPattern ??= /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Cn}\p{Co}]/u);

// Invisible characters that no property above covers: ordinary symbols (So) drawn as blank.
const BLANK_SYMBOLS: ReadonlySet<number> = new Set([
  0x2800, // BRAILLE PATTERN BLANK: the usual "invisible name" trick where fillers are stripped
  0x1d159, // MUSICAL SYMBOL NULL NOTEHEAD
]);

// In a name, whitespace other than U+0020 (no-break, ideographic, figure spaces …) passes for a
// plain space or for nothing. In a literal it is text like any other, and so is a tab.
let nameOnlyPattern: RegExp | undefined;
const nameOnlyRefused = (): RegExp => (nameOnlyPattern ??= /\p{White_Space}/u);

/** A name (identifier, or text in a `--` comment) or the content of a '…' string literal. */
type TextKind = 'name' | 'literal';

function isRefused(char: string, kind: TextKind): boolean {
  if (kind === 'literal' && char === '\t') return false;
  if (refusedChar().test(char) || BLANK_SYMBOLS.has(char.codePointAt(0) ?? 0)) return true;
  return kind === 'name' && char !== ' ' && nameOnlyRefused().test(char);
}

function codePointLabel(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeRefusedChar(char: string): string {
  if (/\p{Cs}/u.test(char)) return 'an unpaired UTF-16 surrogate';
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return 'a line separator';
  if (/\p{Cc}/u.test(char)) return 'a control character';
  if (/\p{Cf}/u.test(char)) return 'an invisible formatting character';
  if (/\p{Default_Ignorable_Code_Point}/u.test(char) || BLANK_SYMBOLS.has(char.codePointAt(0) ?? 0)) return 'an invisible character';
  if (/\p{White_Space}/u.test(char)) return 'a space character other than U+0020';
  if (/\p{Co}/u.test(char)) return 'a private-use character';
  return 'an unassigned code point';
}

/** The first refused character as a one-line error, or undefined. Never echoes the text itself. */
/** Printable ASCII: none of it is refused, so the Unicode property classes need not even be built. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function findRefusedChar(text: string, what: string, kind: TextKind): string | undefined {
  // The common case, and a start-up cost saved (docs/performance.md): V8 builds a \p{…} class on first use.
  if (PRINTABLE_ASCII.test(text)) return undefined;
  let position = 0;
  for (const char of text) {
    position += 1;
    if (isRefused(char, kind)) {
      return `${what} contains ${describeRefusedChar(char)} (${codePointLabel(char)}) at character ${position}`;
    }
  }
  return undefined;
}

/** Length in code points, not UTF-16 units, so an emoji counts as one character. */
function characterCount(text: string): number {
  return [...text].length;
}

/** Whether Snowflake would read `name` unquoted as the identifier `name.toUpperCase()`. */
function canStayUnquoted(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    UNQUOTED_IDENTIFIER.test(name) &&
    name.length <= MAX_IDENTIFIER_CHARS &&
    !RESERVED_WORDS.has(upper) &&
    !USER_CLAUSE_WORDS.has(upper)
  );
}

/**
 * `name` as a Snowflake identifier: unquoted when that is unambiguous (Snowflake then stores it
 * upper-case), otherwise double-quoted with `"` doubled, which keeps it exactly as typed.
 */
export function quoteIdentifier(name: string, what = 'identifier'): QuoteResult {
  if (name.length === 0) return { ok: false, error: `${what} is empty` };
  const length = characterCount(name);
  if (length > MAX_IDENTIFIER_CHARS) {
    return { ok: false, error: `${what} is ${length} characters long; Snowflake allows at most ${MAX_IDENTIFIER_CHARS}` };
  }
  const refused = findRefusedChar(name, what, 'name');
  if (refused !== undefined) return { ok: false, error: refused };
  if (canStayUnquoted(name)) return { ok: true, sql: name };
  return { ok: true, sql: `"${name.replaceAll('"', '""')}"` };
}

/**
 * The name a person means by `typed` when it is a valid quoted identifier: `"` + content + `"`
 * with every `"` in the content doubled. Returns the content with `""` undone, else undefined
 * (then the text is the name itself). This is how Snowflake SQL and `--expect-user` read it.
 */
export function quotedIdentifierContent(typed: string): string | undefined {
  if (typed.length < 2 || !typed.startsWith('"') || !typed.endsWith('"')) return undefined;
  const content = typed.slice(1, -1);
  // Runs of quotes pair up from the left: an odd run leaves one `"` behind.
  if (content.replaceAll('""', '').includes('"')) return undefined;
  return content.replaceAll('""', '"');
}

/**
 * A name as a person typed it, as a Snowflake identifier. A valid quoted identifier (`"Svc"`,
 * `"a""b"`) means exactly its content and is emitted quoted; the content must pass the same rules
 * as any name (non-empty, at most 255 characters, nothing refused). Anything else is a name by
 * itself, as for quoteIdentifier.
 */
export function quoteTypedIdentifier(typed: string, what = 'identifier'): QuoteResult {
  const name = quotedIdentifierContent(typed);
  if (name === undefined) {
    const quoted = quoteIdentifier(typed, what);
    // ' Svc' or 'Svc ' is almost always a stray space (and --expect-user trims it): refuse it.
    if (quoted.ok && typed !== typed.trim()) {
      return { ok: false, error: `${what} has leading or trailing spaces: remove them, or write the name in double quotes if they belong to it` };
    }
    return quoted;
  }
  // The quotes themselves are never refused, so positions are those of the typed text.
  const refused = findRefusedChar(typed, what, 'name');
  if (refused !== undefined) return { ok: false, error: refused };
  if (name.length === 0) return { ok: false, error: `${what} is empty: "" names no identifier` };
  const length = characterCount(name);
  if (length > MAX_IDENTIFIER_CHARS) {
    return { ok: false, error: `${what} is ${length} characters long inside its quotes; Snowflake allows at most ${MAX_IDENTIFIER_CHARS}` };
  }
  return { ok: true, sql: `"${name.replaceAll('"', '""')}"` };
}

/**
 * `value` as a single-quoted Snowflake string literal. Snowflake honours backslash escapes inside
 * '…' as well as '' for a quote, so both `\` and `'` are escaped. Control characters other than
 * tab, and invisible characters, are refused rather than escaped: none belongs in an ARN or a
 * comment. Spaces of any kind are kept: inside '…' they cannot change how the SQL parses.
 */
export function quoteStringLiteral(value: string, what = 'string', maxChars = MAX_LITERAL_CHARS): QuoteResult {
  const length = characterCount(value);
  if (length > maxChars) {
    return { ok: false, error: `${what} is ${length} characters long; at most ${maxChars} are allowed` };
  }
  const refused = findRefusedChar(value, what, 'literal');
  if (refused !== undefined) return { ok: false, error: refused };
  return { ok: true, sql: `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'` };
}

/**
 * A Snowflake user name derived from an IAM principal name, e.g. 'my-fn-role' -> 'MY_FN_ROLE'.
 * Always a valid unquoted identifier, so it never needs quoting.
 */
export function defaultUserNameFor(principalName: string): string {
  const base = principalName
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase()
    .slice(0, MAX_IDENTIFIER_CHARS);
  if (base === '') return 'WIF_USER';
  // A leading digit, a reserved word or a clause keyword all fail canStayUnquoted.
  const name = canStayUnquoted(base) ? base : `WIF_${base}`;
  return name.slice(0, MAX_IDENTIFIER_CHARS);
}

/**
 * The name Snowflake stores for an identifier as a person typed it: a "double-quoted" name
 * exactly (with "" undoubled), an unquoted one upper-cased.
 */
export function storedIdentifierName(typed: string): string {
  const trimmed = typed.trim();
  const quoted = quotedIdentifierContent(trimmed);
  if (quoted !== undefined) return quoted;
  // What gen-sql does with the same text: plain identifiers are stored upper-case, anything else
  // is quoted, so exactly as typed.
  return canStayUnquoted(trimmed) ? trimmed.toUpperCase() : trimmed;
}

/**
 * SQL that refers to exactly the stored name `name` (as CURRENT_USER() returns it): unquoted only
 * when that reads back as the same name. Undefined when it cannot be written safely.
 */
export function identifierForStoredName(name: string): string | undefined {
  const quoted = quoteIdentifier(name);
  if (!quoted.ok) return undefined;
  return quoted.sql === name && name === name.toUpperCase() ? name : `"${name.replaceAll('"', '""')}"`;
}

/** SQL for the user a person means by `typed` (as in --expect-user), when it can be written safely. */
export function identifierForTypedName(typed: string): string | undefined {
  return identifierForStoredName(storedIdentifierName(typed));
}

// --- generateSql -----------------------------------------------------------------------------

class InputError extends Error {}

function must(result: QuoteResult): string {
  if (!result.ok) throw new InputError(result.error);
  return result.sql;
}

/** Text for a `--` comment: refused, not stripped, if it could end the comment early. */
function commentText(text: string, what: string): string {
  const refused = findRefusedChar(text, what, 'name');
  if (refused !== undefined) throw new InputError(`${refused}; refusing to put it in a SQL comment`);
  return text;
}

/** Everything user-supplied, quoted once, plus the warnings quoting produced. */
interface QuotedInputs {
  user: string;
  /** What goes inside `WORKLOAD_IDENTITY = ( … )`. */
  identity: string;
  /** `NAME = value` pairs in CREATE USER order. */
  properties: string[];
  warnings: string[];
}

function identifierWarnings(typed: string, emitted: string, what: string, isUser: boolean): string[] {
  const warnings: string[] = [];
  const quotedByPerson = quotedIdentifierContent(typed) !== undefined;
  if (!quotedByPerson && typed.length >= 2 && typed.startsWith('"') && typed.endsWith('"')) {
    warnings.push(
      `${what} starts and ends with '"' but is not a valid quoted identifier (a '"' inside must be doubled): ` +
        'those quotes become part of the name',
    );
  }
  if (emitted.startsWith('"')) {
    const why = !quotedByPerson && RESERVED_WORDS.has(typed.toUpperCase()) ? 'is a reserved word, so it is quoted and ' : 'is ';
    const consequence = isUser ? 'log in / compare with it exactly' : 'it must match the existing name exactly';
    warnings.push(`${what} ${emitted} ${why}case-sensitive: ${consequence}`);
  } else if (isUser && emitted !== emitted.toUpperCase()) {
    warnings.push(`${what} ${emitted} is not quoted, so Snowflake stores it upper-case: ${emitted.toUpperCase()}`);
  }
  return warnings;
}

function quoteIdentifierWarn(name: string, what: string, warnings: string[], isUser = false): string {
  const emitted = must(quoteTypedIdentifier(name, what));
  warnings.push(...identifierWarnings(name, emitted, what, isUser));
  return emitted;
}

// A valid quoted part, which may hold dots, ends at a dot or at the end of the namespace.
const QUOTED_NAMESPACE_PART = /^"(?:[^"]|"")*"(?=\.|$)/;

/** `DB`, `DB.SCHEMA`, `"my.db"."Schema"`: split at the dots outside valid quoted parts. */
export function namespaceParts(namespace: string): string[] {
  const parts: string[] = [];
  let rest = namespace;
  for (;;) {
    const part = QUOTED_NAMESPACE_PART.exec(rest)?.[0] ?? rest.split('.', 1)[0] ?? '';
    parts.push(part);
    if (part.length === rest.length) return parts;
    rest = rest.slice(part.length + 1);
  }
}

function quoteNamespace(namespace: string, warnings: string[]): string {
  const parts = namespaceParts(namespace);
  if (parts.length > 2) {
    throw new InputError(
      `default namespace has ${parts.length} dot-separated parts; expected DATABASE or DATABASE.SCHEMA`,
    );
  }
  const [database = '', schema] = parts;
  const quoted = [quoteIdentifierWarn(database, 'default namespace database', warnings)];
  if (schema !== undefined) quoted.push(quoteIdentifierWarn(schema, 'default namespace schema', warnings));
  return quoted.join('.');
}

function quoteProperties(opts: GenerateSqlOptions, warnings: string[]): string[] {
  const properties: string[] = [];
  if (opts.defaultRole !== undefined) {
    properties.push(`DEFAULT_ROLE = ${quoteIdentifierWarn(opts.defaultRole, 'default role', warnings)}`);
  }
  if (opts.defaultWarehouse !== undefined) {
    const warehouse = quoteIdentifierWarn(opts.defaultWarehouse, 'default warehouse', warnings);
    properties.push(`DEFAULT_WAREHOUSE = ${warehouse}`);
  }
  if (opts.defaultNamespace !== undefined) {
    properties.push(`DEFAULT_NAMESPACE = ${quoteNamespace(opts.defaultNamespace, warnings)}`);
  }
  if (opts.comment !== undefined) {
    properties.push(`COMMENT = ${must(quoteStringLiteral(opts.comment, 'comment'))}`);
  }
  return properties;
}

const PATH_FREE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)\/[^/]+$/;

function quoteArn(arn: string, warnings: string[]): string {
  if (arn.length === 0) throw new InputError('ARN is empty');
  const quoted = must(quoteStringLiteral(arn, 'ARN'));
  if (!PATH_FREE_ARN.test(arn)) {
    warnings.push(
      `ARN ${arn} is not of the form arn:<partition>:iam::<account>:role/<name> (or user/<name>): ` +
        'Snowflake matches IAM roles and users by name, without a path',
    );
  }
  return quoted;
}

function awsIdentity(arn: string, issuer: string | undefined, warnings: string[]): string {
  // The JWT method's ISSUER goes inside WORKLOAD_IDENTITY = (…), after the ARN.
  return `TYPE = AWS ARN = ${quoteArn(arn, warnings)}` + (issuer !== undefined ? ` ISSUER = ${must(quoteStringLiteral(issuer, 'issuer'))}` : '');
}

/** A non-empty literal (an empty issuer, subject or audience can match no token). */
function requiredLiteral(value: string, what: string, maxChars?: number): string {
  if (value.length === 0) throw new InputError(`${what} is empty`);
  return must(quoteStringLiteral(value, what, maxChars));
}

/**
 * What goes inside `WORKLOAD_IDENTITY = ( … )` for a registration (docs
 * user-guide/workload-identity-federation; CONTRACT "v3 additions"). OIDC always carries an explicit
 * OIDC_AUDIENCE_LIST: without one Snowflake accepts any token with the audience every account
 * shares (snowflakecomputing.com).
 */
function identityOf(registration: Registration, warnings: string[]): string {
  switch (registration.type) {
    case 'AWS':
      return awsIdentity(registration.arn, registration.issuer, warnings);
    case 'OIDC': {
      if (registration.audienceList.length === 0) {
        throw new InputError('OIDC audience list is empty: give at least one audience (without OIDC_AUDIENCE_LIST a token minted for any Snowflake account is accepted)');
      }
      const audiences = registration.audienceList.map((audience) => requiredLiteral(audience, 'OIDC audience'));
      return (
        `TYPE = OIDC ISSUER = ${requiredLiteral(registration.issuer, 'OIDC issuer', MAX_OIDC_ISSUER_CHARS)}` +
        ` SUBJECT = ${requiredLiteral(registration.subject, 'OIDC subject', MAX_OIDC_SUBJECT_CHARS)}` +
        ` OIDC_AUDIENCE_LIST = (${audiences.join(', ')})`
      );
    }
    case 'AZURE':
      return `TYPE = AZURE ISSUER = ${requiredLiteral(registration.issuer, 'Azure issuer')} SUBJECT = ${requiredLiteral(registration.subject, 'Azure subject')}`;
    case 'GCP':
      return `TYPE = GCP SUBJECT = ${requiredLiteral(registration.subject, 'GCP subject')}`;
  }
}

/**
 * `WORKLOAD_IDENTITY = ( … )` for a registration, for fixes outside generateSql (an ALTER USER in a
 * trap's fix). Refuses what generateSql refuses, with the same one-line errors.
 */
export function workloadIdentityClause(registration: Registration): QuoteResult {
  try {
    return { ok: true, sql: `WORKLOAD_IDENTITY = (${identityOf(registration, [])})` };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.message };
    throw error;
  }
}

function quoteInputs(opts: GenerateSqlOptions): QuotedInputs {
  const warnings = [...(opts.notes ?? [])];
  const user = quoteIdentifierWarn(opts.user, 'user name', warnings, true);
  const identity = opts.registration !== undefined ? identityOf(opts.registration, warnings) : awsIdentity(opts.arn ?? '', opts.issuer, warnings);
  const properties = quoteProperties(opts, warnings);
  return { user, identity, properties, warnings };
}

function checkModeFlags(opts: GenerateSqlOptions): void {
  if (opts.orReplace === true && opts.ifNotExists === true) {
    throw new InputError('orReplace and ifNotExists cannot be combined: choose one');
  }
  if (opts.mode === 'alter' && (opts.orReplace === true || opts.ifNotExists === true)) {
    throw new InputError('orReplace and ifNotExists apply only to CREATE USER, not to ALTER USER');
  }
}

// An IAM role or user ARN with a path: the case where the registered ARN visibly differs from the
// caller's. (An assumed-role ARN never shows the role's path.)
const ARN_WITH_PATH = /^arn:[^:]*:iam::[^:]*:(role|user)\/(.*\/)[^/]*$/;

function headerLines(opts: GenerateSqlOptions): string[] {
  if (opts.callerArn === undefined) return [];
  const callerArn = commentText(opts.callerArn, 'caller ARN');
  const lines = [`-- wif-check: Snowflake will see ${callerArn}`];
  const withPath = ARN_WITH_PATH.exec(callerArn);
  if (withPath !== null) {
    lines.push(`-- registered without its IAM path ${withPath[2] ?? ''}: Snowflake matches the ${withPath[1] ?? ''} by name`);
  }
  return lines;
}

function createStatement(opts: GenerateSqlOptions, q: QuotedInputs): string[] {
  const verb = opts.orReplace === true ? 'CREATE OR REPLACE USER' : 'CREATE USER';
  const ifNotExists = opts.ifNotExists === true ? ' IF NOT EXISTS' : '';
  const clauses = [`WORKLOAD_IDENTITY = (${q.identity})`, 'TYPE = SERVICE', ...q.properties];
  const body = clauses.map((clause) => `  ${clause}`).join('\n');
  return [`${verb}${ifNotExists} ${q.user}`, `${body};`];
}

// ALTER USER … SET takes several properties in one clause, but the docs show WORKLOAD_IDENTITY
// only on its own; the other properties therefore go into a second `ALTER USER … SET`, so each
// statement has a documented form.
function alterStatements(q: QuotedInputs): string[] {
  const lines = [`ALTER USER ${q.user} SET WORKLOAD_IDENTITY = (${q.identity});`];
  if (q.properties.length > 0) lines.push(`ALTER USER ${q.user} SET ${q.properties.join(' ')};`);
  return lines;
}

// What SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS lists in additional_info, per type
// (docs sql-reference; terraform-provider-snowflake pkg/sdk — ../shared/FACTS.md "Every provider").
const SHOWN_FIELDS: Readonly<Record<Exclude<Registration['type'], 'AWS'>, string>> = {
  OIDC: 'issuer, subject and audienceList',
  AZURE: 'issuer and subject',
  GCP: 'subject',
};

function verifyLines(opts: GenerateSqlOptions, user: string): string[] {
  if (opts.verify === false) return [];
  const show = 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS';
  const type = opts.registration?.type ?? 'AWS';
  const comment =
    type !== 'AWS'
      ? `-- check it (${show} lists the ${SHOWN_FIELDS[type]} in additional_info):`
      : opts.iamRoleName === undefined
        ? '-- check it:'
        : `-- check it (${show} lists iamRole ${commentText(opts.iamRoleName, 'IAM role name')}):`;
  return [comment, `${show} FOR USER ${user};`];
}

function buildSql(opts: GenerateSqlOptions): GenerateSqlResult {
  checkModeFlags(opts);
  const q = quoteInputs(opts);
  const alter = opts.mode === 'alter';
  if (alter) q.warnings.push("ALTER USER keeps the user's TYPE: workload identity federation needs TYPE = SERVICE");
  const statements = alter ? alterStatements(q) : createStatement(opts, q);
  const lines = [...headerLines(opts), ...statements, ...verifyLines(opts, q.user)];
  return { ok: true, sql: lines.join('\n'), user: q.user, warnings: q.warnings };
}

/**
 * The SQL that maps `opts.registration` (or `opts.arn`) to a Snowflake service user: lines joined with '\n', no trailing
 * newline. Never throws for bad input: returns ok:false with a one-line error naming the field.
 */
export function generateSql(opts: GenerateSqlOptions): GenerateSqlResult {
  try {
    return buildSql(opts);
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.message };
    throw error;
  }
}
