import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RESERVED_WORDS,
  defaultUserNameFor,
  generateSql,
  quoteIdentifier,
  quoteStringLiteral,
  quoteTypedIdentifier,
  quotedIdentifierContent,
  storedIdentifierName,
  type GenerateSqlOptions,
} from '../../src/core/sql.js';
import { userMatches } from '../../src/core/diagnose.js';
import { describeStatement, splitStatements, tokenize, type Token } from '../helpers/sql-tokenizer.js';

const ARN = 'arn:aws:iam::123456789012:role/my-fn-role';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn';
const SHOW = 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS';

function lines(...text: string[]): string {
  return text.join('\n');
}

function sqlOf(opts: GenerateSqlOptions): string {
  const result = generateSql(opts);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.sql;
}

function errorOf(opts: GenerateSqlOptions): string {
  const result = generateSql(opts);
  if (result.ok) throw new Error(`expected an error, got:\n${result.sql}`);
  return result.error;
}

// --- structural check: what the tokenizer must find in generated SQL -------------------------

/** One expected token description, or the alternatives one of which must appear. */
type Expected = string | string[];

const EQ = 'punctuation:=';

/**
 * The name meant by `input` when it is a valid quoted identifier ("…" with every inner " doubled),
 * with "" undone; else undefined. Written independently of src/core/sql.ts on purpose.
 */
function quotedContent(input: string): string | undefined {
  return /^"((?:[^"]|"")*)"$/.exec(input)?.[1]?.replaceAll('""', '"');
}

/**
 * The name Snowflake stores for `input` as emitted in `token`: the content of a valid quoted
 * identifier; else the input itself, upper-cased when it was left unquoted.
 */
function storedName(input: string, token: Token | undefined): string {
  return quotedContent(input) ?? (token?.type === 'identifier' ? input.toUpperCase() : input);
}

/** DATABASE[.SCHEMA] split at the dots outside valid quoted parts (a scanner, unlike src's regex). */
function namespaceParts(namespace: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    let end = -1;
    if (namespace[start] === '"') {
      let i = start + 1;
      while (i < namespace.length && !(namespace[i] === '"' && namespace[i + 1] !== '"')) i += namespace[i] === '"' ? 2 : 1;
      if (i < namespace.length && (i + 1 === namespace.length || namespace[i + 1] === '.')) end = i + 1;
    }
    if (end === -1) {
      const dot = namespace.indexOf('.', start);
      end = dot === -1 ? namespace.length : dot;
    }
    parts.push(namespace.slice(start, end));
    if (end === namespace.length) return parts;
    start = end + 1;
  }
}

/**
 * A valid quoted identifier decodes to exactly its content; any other name to the exact input
 * when quoted, or to its upper-case when left unquoted.
 */
function nameTokens(input: string): Expected[] {
  const content = quotedContent(input);
  if (content !== undefined) return [`quoted-identifier:${content}`];
  const alternatives = [`quoted-identifier:${input}`];
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(input) && !RESERVED_WORDS.has(input.toUpperCase())) {
    alternatives.push(input.toUpperCase());
  }
  return [alternatives];
}

function propertyTokens(opts: GenerateSqlOptions): Expected[] {
  const tokens: Expected[] = [];
  if (opts.defaultRole !== undefined) tokens.push('DEFAULT_ROLE', EQ, ...nameTokens(opts.defaultRole));
  if (opts.defaultWarehouse !== undefined) {
    tokens.push('DEFAULT_WAREHOUSE', EQ, ...nameTokens(opts.defaultWarehouse));
  }
  if (opts.defaultNamespace !== undefined) {
    const parts = namespaceParts(opts.defaultNamespace).map(nameTokens);
    tokens.push('DEFAULT_NAMESPACE', EQ, ...parts.flatMap((part, i) => (i === 0 ? part : ['punctuation:.', ...part])));
  }
  if (opts.comment !== undefined) tokens.push('COMMENT', EQ, `string:${opts.comment}`);
  return tokens;
}

function expectedStatements(opts: GenerateSqlOptions): Expected[][] {
  const user = nameTokens(opts.user);
  const identity = ['WORKLOAD_IDENTITY', EQ, 'punctuation:(', 'TYPE', EQ, 'AWS', 'ARN', EQ, `string:${opts.arn}`, 'punctuation:)'];
  const statements: Expected[][] = [];
  if (opts.mode === 'alter') {
    statements.push(['ALTER', 'USER', ...user, 'SET', ...identity]);
    const properties = propertyTokens(opts);
    if (properties.length > 0) statements.push(['ALTER', 'USER', ...user, 'SET', ...properties]);
  } else {
    const verb = opts.orReplace === true ? ['CREATE', 'OR', 'REPLACE', 'USER'] : ['CREATE', 'USER'];
    const ifNotExists = opts.ifNotExists === true ? ['IF', 'NOT', 'EXISTS'] : [];
    statements.push([...verb, ...ifNotExists, ...user, ...identity, 'TYPE', EQ, 'SERVICE', ...propertyTokens(opts)]);
  }
  if (opts.verify !== false) {
    statements.push(['SHOW', 'USER', 'WORKLOAD', 'IDENTITY', 'AUTHENTICATION', 'METHODS', 'FOR', 'USER', ...user]);
  }
  return statements;
}

/** Picks, for each alternative, the one that occurred, so a mismatch shows as a plain diff. */
function resolve(expected: Expected[][], actual: string[][]): string[][] {
  return expected.map((statement, s) =>
    statement.map((want, t) => {
      if (typeof want === 'string') return want;
      const got = actual[s]?.[t];
      return got !== undefined && want.includes(got) ? got : want.join(' | ');
    }),
  );
}

function expectIntendedStatements(opts: GenerateSqlOptions, sql: string): void {
  const { statements, terminated } = splitStatements(sql);
  const actual = statements.map(describeStatement);
  expect(terminated).toBe(true);
  expect(actual).toEqual(resolve(expectedStatements(opts), actual));
  // No control or invisible characters but the newlines between lines (and tabs in strings);
  // line breaks inside a comment would have shown up as extra tokens above.
  expect(sql).not.toMatch(/(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cn}\p{Co}\u2800\u{1D159}]/u);
}

function expectSafe(opts: GenerateSqlOptions): void {
  const result = generateSql(opts);
  if (!result.ok) {
    expect(result.error).toMatch(/^[^\n\r]+$/);
    return;
  }
  expectIntendedStatements(opts, result.sql);
  const userToken = splitStatements(result.sql).statements[0]?.find((t) => t.text === result.user);
  expect(userToken?.value).toBe(storedName(opts.user, userToken));
}

// --- quoting ----------------------------------------------------------------------------------

describe('quoteIdentifier', () => {
  it.each<[string, string]>([
    ['LAMBDA_LOADER', 'LAMBDA_LOADER'],
    ['lambda_loader', 'lambda_loader'],
    ['_x$1', '_x$1'],
    ['a'.repeat(255), 'a'.repeat(255)],
    ['my-user', '"my-user"'],
    ['1abc', '"1abc"'],
    ['$abc', '"$abc"'],
    ['with space', '"with space"'],
    ['a"b', '"a""b"'],
    ['"', '""""'],
    ['"quoted"', '"""quoted"""'], // raw: a stored name with quotes (typed names: quoteTypedIdentifier)
    ["it's", '"it\'s"'],
    ['back\\slash', '"back\\slash"'],
    ['x; DROP USER y; --', '"x; DROP USER y; --"'],
    ['SELECT', '"SELECT"'],
    ['select', '"select"'],
    ['Table', '"Table"'],
    ['if', '"if"'],
    ['RESET', '"RESET"'],
    ['USER', 'USER'],
    ['Ünïcödé', '"Ünïcödé"'],
    ['😀', '"😀"'],
    ['a'.repeat(254) + '😀', '"' + 'a'.repeat(254) + '😀"'],
  ])('%j -> %s', (name, sql) => {
    expect(quoteIdentifier(name)).toEqual({ ok: true, sql });
  });

  it.each<[string, string]>([
    ['', 'user name is empty'],
    ['a'.repeat(256), 'user name is 256 characters long; Snowflake allows at most 255'],
    ['a\nb', 'user name contains a control character (U+000A) at character 2'],
    ['\tx', 'user name contains a control character (U+0009) at character 1'],
    ['x\u0000', 'user name contains a control character (U+0000) at character 2'],
    ['x\u007f', 'user name contains a control character (U+007F) at character 2'],
    ['x\u0085', 'user name contains a control character (U+0085) at character 2'],
    ['😀\u2028', 'user name contains a line separator (U+2028) at character 2'],
    ['x\u2029', 'user name contains a line separator (U+2029) at character 2'],
    ['admin\u202e', 'user name contains an invisible formatting character (U+202E) at character 6'],
    ['ad\u200bmin', 'user name contains an invisible formatting character (U+200B) at character 3'],
    ['x\ud800', 'user name contains an unpaired UTF-16 surrogate (U+D800) at character 2'],
  ])('refuses %j', (name, error) => {
    expect(quoteIdentifier(name, 'user name')).toEqual({ ok: false, error });
  });

  it('names the field in errors, with a default', () => {
    expect(quoteIdentifier('')).toEqual({ ok: false, error: 'identifier is empty' });
  });
});

describe('quotedIdentifierContent', () => {
  it.each<[string, string | undefined]>([
    ['"svc"', 'svc'],
    ['"a""b"', 'a"b'],
    ['""""', '"'],
    ['"a"""', 'a"'],
    ['""', ''],
    ['"my.db"', 'my.db'],
    ['"x y; --"', 'x y; --'],
    ['svc', undefined],
    ['"', undefined],
    ['"""', undefined],
    ['"a"b"', undefined],
    ['"a"""b"', undefined],
    [' "svc"', undefined],
    ['"svc" ', undefined],
    ["'svc'", undefined],
    ['"svc', undefined],
  ])('%j -> %j', (typed, content) => {
    expect(quotedIdentifierContent(typed)).toBe(content);
  });

  it('agrees with storedIdentifierName (how connect --expect-user reads a name) on valid quoted names', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('"', 'a', 'B', ' ', '.'), maxLength: 12 }), (content) => {
        const typed = `"${content.replaceAll('"', '""')}"`;
        expect(quotedIdentifierContent(typed)).toBe(content);
        expect(storedIdentifierName(typed)).toBe(content);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('quoteTypedIdentifier', () => {
  it.each<[string, string]>([
    ['"svc"', '"svc"'],
    ['"SVC"', '"SVC"'],
    ['"a""b"', '"a""b"'],
    ['""""', '""""'],
    ['"SELECT"', '"SELECT"'],
    ['"x""; DROP USER y; --"', '"x""; DROP USER y; --"'],
    ['"' + 'a'.repeat(255) + '"', '"' + 'a'.repeat(255) + '"'],
    ['"' + '""'.repeat(255) + '"', '"' + '""'.repeat(255) + '"'],
    ['"' + '😀'.repeat(255) + '"', '"' + '😀'.repeat(255) + '"'],
    // Not valid quoted identifiers: the text is the name, quotes and all.
    ['"a"b"', '"""a""b"""'],
    ['"', '""""'],
    ['"""', '""""""""'],
    ['x"; DROP USER y; --"', '"x""; DROP USER y; --"""'],
    // Plain names as before.
    ['svc', 'svc'],
    ['my-user', '"my-user"'],
    ['select', '"select"'],
  ])('%j -> %s', (typed, sql) => {
    expect(quoteTypedIdentifier(typed)).toEqual({ ok: true, sql });
  });

  it.each<[string, string]>([
    ['""', 'user name is empty: "" names no identifier'],
    ['"' + 'a'.repeat(256) + '"', 'user name is 256 characters long inside its quotes; Snowflake allows at most 255'],
    ['"' + '""'.repeat(256) + '"', 'user name is 256 characters long inside its quotes; Snowflake allows at most 255'],
    ['"a\nb"', 'user name contains a control character (U+000A) at character 3'],
    ['"ad\u200bmin"', 'user name contains an invisible formatting character (U+200B) at character 4'],
    ['"x\u2028"', 'user name contains a line separator (U+2028) at character 3'],
    ['"x\ud800"', 'user name contains an unpaired UTF-16 surrogate (U+D800) at character 3'],
    ['"a"b\n"', 'user name contains a control character (U+000A) at character 5'],
  ])('refuses %j', (typed, error) => {
    expect(quoteTypedIdentifier(typed, 'user name')).toEqual({ ok: false, error });
  });
});

describe('quoteStringLiteral', () => {
  it.each<[string, string]>([
    [ARN, `'${ARN}'`],
    ['', "''"],
    ["it's", "'it''s'"],
    ['a\\b', "'a\\\\b'"],
    ["\\'", "'\\\\'''"],
    ['\\', "'\\\\'"],
    ['tab\there', "'tab\there'"],
    ['"; --', "'\"; --'"],
    ['$$ /* */', "'$$ /* */'"],
    ['’＇', "'’＇'"],
  ])('%j -> %s', (value, sql) => {
    expect(quoteStringLiteral(value)).toEqual({ ok: true, sql });
  });

  it.each<[string, string]>([
    ['a\nb', 'comment contains a control character (U+000A) at character 2'],
    ['a\rb', 'comment contains a control character (U+000D) at character 2'],
    ['\u0000', 'comment contains a control character (U+0000) at character 1'],
    ['\u2028', 'comment contains a line separator (U+2028) at character 1'],
    ['x'.repeat(1025), 'comment is 1025 characters long; at most 1024 are allowed'],
  ])('refuses %j', (value, error) => {
    expect(quoteStringLiteral(value, 'comment')).toEqual({ ok: false, error });
  });

  it('round-trips through the tokenizer', () => {
    for (const value of ["'", "''", '\\', "\\'", "\\\\'", "a'; DROP USER x; --", '\\u0041\\x41']) {
      const result = quoteStringLiteral(value);
      expect(result.ok).toBe(true);
      if (result.ok) expect(tokenize(result.sql)).toEqual([{ type: 'string', text: result.sql, value, start: 0 }]);
    }
  });
});

describe('RESERVED_WORDS', () => {
  it('holds the documented reserved keywords, upper-case', () => {
    for (const word of ['SELECT', 'TABLE', 'SET', 'FROM', 'ORGANIZATION', 'TRY_CAST', 'ASOF', 'CURRENT_USER']) {
      expect(RESERVED_WORDS.has(word)).toBe(true);
    }
    for (const word of RESERVED_WORDS) expect(word).toBe(word.toUpperCase());
    expect(RESERVED_WORDS.has('USER')).toBe(false); // not reserved in Snowflake
  });
});

describe('defaultUserNameFor', () => {
  it.each<[string, string]>([
    ['my-fn-role', 'MY_FN_ROLE'],
    ['LambdaLoader', 'LAMBDALOADER'],
    ['a+b=c,d.e@f', 'A_B_C_D_E_F'],
    ['a--b__c', 'A_B_C'],
    ['-lead-trail-', 'LEAD_TRAIL'],
    ['123role', 'WIF_123ROLE'],
    ['select', 'WIF_SELECT'],
    ['if', 'WIF_IF'],
    ['', 'WIF_USER'],
    ['---', 'WIF_USER'],
    ['rôle', 'R_LE'],
    ['x'.repeat(300), 'X'.repeat(255)],
  ])('%j -> %s', (principal, user) => {
    expect(defaultUserNameFor(principal)).toBe(user);
  });

  it('is always a valid unquoted identifier', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (principal) => {
        const user = defaultUserNameFor(principal);
        expect(user).toMatch(/^[A-Z_][A-Z0-9_]{0,254}$/);
        expect(quoteIdentifier(user)).toEqual({ ok: true, sql: user });
      }),
      { numRuns: 2000 },
    );
  });
});

// --- golden output ----------------------------------------------------------------------------

const BASE: GenerateSqlOptions = { arn: ARN, user: 'LAMBDA_LOADER', callerArn: CALLER, iamRoleName: 'my-fn-role' };

describe('generateSql golden output', () => {
  it('CREATE with a default role', () => {
    expect(sqlOf({ ...BASE, defaultRole: 'LOADER' })).toBe(
      lines(
        '-- wif-check: Snowflake will see arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn',
        'CREATE USER LAMBDA_LOADER',
        "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')",
        '  TYPE = SERVICE',
        '  DEFAULT_ROLE = LOADER;',
        `-- check it (${SHOW} lists iamRole my-fn-role):`,
        `${SHOW} FOR USER LAMBDA_LOADER;`,
      ),
    );
  });

  it('CREATE with nothing optional', () => {
    expect(sqlOf({ arn: ARN, user: 'LAMBDA_LOADER' })).toBe(
      lines(
        'CREATE USER LAMBDA_LOADER',
        "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')",
        '  TYPE = SERVICE;',
        '-- check it:',
        `${SHOW} FOR USER LAMBDA_LOADER;`,
      ),
    );
  });

  it('CREATE without the check', () => {
    expect(sqlOf({ ...BASE, verify: false })).toBe(
      lines(
        '-- wif-check: Snowflake will see arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn',
        'CREATE USER LAMBDA_LOADER',
        "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')",
        '  TYPE = SERVICE;',
      ),
    );
  });

  it('CREATE with every property, in order', () => {
    const opts: GenerateSqlOptions = {
      arn: ARN,
      user: 'lambda_loader',
      defaultRole: 'LOADER',
      defaultWarehouse: 'load_wh',
      defaultNamespace: 'RAW.landing',
      comment: "Lambda's loader \\ WIF",
      verify: false,
    };
    expect(sqlOf(opts)).toBe(
      lines(
        'CREATE USER lambda_loader',
        "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')",
        '  TYPE = SERVICE',
        '  DEFAULT_ROLE = LOADER',
        '  DEFAULT_WAREHOUSE = load_wh',
        '  DEFAULT_NAMESPACE = RAW.landing',
        "  COMMENT = 'Lambda''s loader \\\\ WIF';",
      ),
    );
  });

  it.each<[string, Partial<GenerateSqlOptions>, string]>([
    ['warehouse only', { defaultWarehouse: 'WH' }, '  DEFAULT_WAREHOUSE = WH;'],
    ['namespace: database only', { defaultNamespace: 'DB' }, '  DEFAULT_NAMESPACE = DB;'],
    ['namespace: quoted parts', { defaultNamespace: 'my-db.Schema 1' }, '  DEFAULT_NAMESPACE = "my-db"."Schema 1";'],
    ['comment only', { comment: '' }, "  COMMENT = '';"],
    ['quoted role', { defaultRole: 'my role' }, '  DEFAULT_ROLE = "my role";'],
    ['a role typed quoted', { defaultRole: '"Loader"' }, '  DEFAULT_ROLE = "Loader";'],
    ['a warehouse typed quoted', { defaultWarehouse: '"Load ""WH"""' }, '  DEFAULT_WAREHOUSE = "Load ""WH""";'],
    ['namespace: parts typed quoted', { defaultNamespace: '"Raw"."Landing"' }, '  DEFAULT_NAMESPACE = "Raw"."Landing";'],
    ['namespace: a quoted part with dots', { defaultNamespace: '"my.db".s' }, '  DEFAULT_NAMESPACE = "my.db".s;'],
    ['namespace: one quoted part with a dot', { defaultNamespace: '"a.b"' }, '  DEFAULT_NAMESPACE = "a.b";'],
    ['namespace: a malformed quoted part', { defaultNamespace: 'DB."a"b"' }, '  DEFAULT_NAMESPACE = DB."""a""b""";'],
  ])('CREATE with %s', (_name, extra, lastLine) => {
    expect(sqlOf({ arn: ARN, user: 'U', verify: false, ...extra })).toBe(
      lines('CREATE USER U', "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')", '  TYPE = SERVICE', lastLine),
    );
  });

  it('CREATE OR REPLACE and CREATE ... IF NOT EXISTS', () => {
    expect(sqlOf({ arn: ARN, user: 'U', verify: false, orReplace: true }).split('\n')[0]).toBe('CREATE OR REPLACE USER U');
    expect(sqlOf({ arn: ARN, user: 'U', verify: false, ifNotExists: true }).split('\n')[0]).toBe('CREATE USER IF NOT EXISTS U');
  });

  it('quotes a user name that needs it, everywhere it appears', () => {
    expect(sqlOf({ arn: ARN, user: 'my-user' })).toBe(
      lines(
        'CREATE USER "my-user"',
        "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')",
        '  TYPE = SERVICE;',
        '-- check it:',
        `${SHOW} FOR USER "my-user";`,
      ),
    );
  });

  it('quotes a name typed as a quoted identifier exactly as typed, everywhere it appears', () => {
    expect(sqlOf({ arn: ARN, user: '"svc"' })).toBe(
      lines(
        'CREATE USER "svc"',
        "  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')",
        '  TYPE = SERVICE;',
        '-- check it:',
        `${SHOW} FOR USER "svc";`,
      ),
    );
    expect(sqlOf({ arn: ARN, user: '"a""b"', mode: 'alter', verify: false })).toBe(
      "ALTER USER \"a\"\"b\" SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');",
    );
  });

  it('explains the missing path when the caller ARN shows one', () => {
    const sql = sqlOf({
      arn: 'arn:aws:iam::123456789012:user/alice',
      user: 'ALICE',
      callerArn: 'arn:aws:iam::123456789012:user/dev/team/alice',
      verify: false,
    });
    expect(sql.split('\n').slice(0, 3)).toEqual([
      '-- wif-check: Snowflake will see arn:aws:iam::123456789012:user/dev/team/alice',
      '-- registered without its IAM path dev/team/: Snowflake matches the user by name',
      'CREATE USER ALICE',
    ]);
    const role = sqlOf({ arn: ARN, user: 'U', callerArn: 'arn:aws:iam::123456789012:role/service-role/my-fn-role', verify: false });
    expect(role.split('\n').slice(0, 3)).toEqual([
      '-- wif-check: Snowflake will see arn:aws:iam::123456789012:role/service-role/my-fn-role',
      '-- registered without its IAM path service-role/: Snowflake matches the role by name',
      'CREATE USER U',
    ]);
    // No such line when the caller ARN has no path to explain.
    const plain = sqlOf({ arn: 'arn:aws:iam::123456789012:user/alice', user: 'U', callerArn: 'arn:aws:iam::123456789012:user/alice' });
    expect(plain).not.toMatch(/IAM path/);
  });

  it('ALTER', () => {
    expect(sqlOf({ ...BASE, mode: 'alter' })).toBe(
      lines(
        '-- wif-check: Snowflake will see arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn',
        "ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');",
        `-- check it (${SHOW} lists iamRole my-fn-role):`,
        `${SHOW} FOR USER LAMBDA_LOADER;`,
      ),
    );
  });

  it('ALTER with properties sets them in a second statement', () => {
    const opts: GenerateSqlOptions = {
      arn: ARN,
      user: 'LAMBDA_LOADER',
      mode: 'alter',
      defaultRole: 'LOADER',
      defaultWarehouse: 'WH',
      defaultNamespace: 'DB.S',
      comment: 'x',
      verify: false,
    };
    expect(sqlOf(opts)).toBe(
      lines(
        "ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');",
        "ALTER USER LAMBDA_LOADER SET DEFAULT_ROLE = LOADER DEFAULT_WAREHOUSE = WH DEFAULT_NAMESPACE = DB.S COMMENT = 'x';",
      ),
    );
  });
});

describe('generateSql result', () => {
  it('returns the user identifier as emitted', () => {
    const result = generateSql({ arn: ARN, user: 'a"b' });
    expect(result.ok && result.user).toBe('"a""b"');
    const quoted = generateSql({ arn: ARN, user: '"a""b"' });
    expect(quoted.ok && quoted.user).toBe('"a""b"');
  });

  it('warns about quoted (case-sensitive) and lower-case unquoted names, and passes notes on', () => {
    const quoted = generateSql({ arn: ARN, user: 'my-user', defaultRole: 'my-role', notes: ['removed IAM path service-role/'] });
    expect(quoted.ok && quoted.warnings).toEqual([
      'removed IAM path service-role/',
      'user name "my-user" is case-sensitive: log in / compare with it exactly',
      'default role "my-role" is case-sensitive: it must match the existing name exactly',
    ]);
    const lower = generateSql({ arn: ARN, user: 'lambda_loader' });
    expect(lower.ok && lower.warnings).toEqual([
      'user name lambda_loader is not quoted, so Snowflake stores it upper-case: LAMBDA_LOADER',
    ]);
    const reserved = generateSql({ arn: ARN, user: 'select' });
    expect(reserved.ok && reserved.warnings).toEqual([
      'user name "select" is a reserved word, so it is quoted and case-sensitive: log in / compare with it exactly',
    ]);
    const plain = generateSql({ arn: ARN, user: 'LAMBDA_LOADER', defaultRole: 'loader' });
    expect(plain.ok && plain.warnings).toEqual([]);
  });

  it('a name typed quoted is the exact-case name: warned as case-sensitive, never as carrying its quotes', () => {
    const result = generateSql({ arn: ARN, user: '"svc"', defaultRole: '"Loader"', defaultNamespace: '"my.db".S' });
    expect(result.ok && result.warnings).toEqual([
      'user name "svc" is case-sensitive: log in / compare with it exactly',
      'default role "Loader" is case-sensitive: it must match the existing name exactly',
      'default namespace database "my.db" is case-sensitive: it must match the existing name exactly',
    ]);
    // Quoted by the person, not because it is reserved.
    const reserved = generateSql({ arn: ARN, user: '"SELECT"' });
    expect(reserved.ok && reserved.warnings).toEqual(['user name "SELECT" is case-sensitive: log in / compare with it exactly']);
  });

  it('warns when the name carries quotes that are not a quoted identifier, the ARN has a path, or ALTER cannot set TYPE', () => {
    const result = generateSql({ arn: 'arn:aws:iam::123456789012:role/service-role/x', user: '"a"b"', mode: 'alter' });
    expect(result.ok && result.warnings).toEqual([
      `user name starts and ends with '"' but is not a valid quoted identifier (a '"' inside must be doubled): those quotes become part of the name`,
      'user name """a""b""" is case-sensitive: log in / compare with it exactly',
      'ARN arn:aws:iam::123456789012:role/service-role/x is not of the form arn:<partition>:iam::<account>:role/<name> (or user/<name>): Snowflake matches IAM roles and users by name, without a path',
      "ALTER USER keeps the user's TYPE: workload identity federation needs TYPE = SERVICE",
    ]);
  });

  it.each<[string, GenerateSqlOptions, string]>([
    ['both create flags', { arn: ARN, user: 'U', orReplace: true, ifNotExists: true }, 'orReplace and ifNotExists cannot be combined: choose one'],
    ['a create flag with alter', { arn: ARN, user: 'U', mode: 'alter', ifNotExists: true }, 'orReplace and ifNotExists apply only to CREATE USER, not to ALTER USER'],
    ['an empty user', { arn: ARN, user: '' }, 'user name is empty'],
    ['an empty quoted user', { arn: ARN, user: '""' }, 'user name is empty: "" names no identifier'],
    ['a too long quoted user', { arn: ARN, user: `"${'a'.repeat(256)}"` }, 'user name is 256 characters long inside its quotes; Snowflake allows at most 255'],
    ['a newline in a quoted user', { arn: ARN, user: '"a\nDROP USER x"' }, 'user name contains a control character (U+000A) at character 3'],
    ['an empty quoted role', { arn: ARN, user: 'U', defaultRole: '""' }, 'default role is empty: "" names no identifier'],
    ['a bidi override in a quoted warehouse', { arn: ARN, user: 'U', defaultWarehouse: '"wh\u202e"' }, 'default warehouse contains an invisible formatting character (U+202E) at character 4'],
    ['three quoted namespace parts', { arn: ARN, user: 'U', defaultNamespace: '"a"."b.c".d' }, 'default namespace has 3 dot-separated parts; expected DATABASE or DATABASE.SCHEMA'],
    ['an empty quoted schema', { arn: ARN, user: 'U', defaultNamespace: '"my.db".""' }, 'default namespace schema is empty: "" names no identifier'],
    ['an empty ARN', { arn: '', user: 'U' }, 'ARN is empty'],
    ['a newline in the ARN', { arn: `${ARN}\n`, user: 'U' }, 'ARN contains a control character (U+000A) at character 42'],
    ['an empty role', { arn: ARN, user: 'U', defaultRole: '' }, 'default role is empty'],
    ['three namespace parts', { arn: ARN, user: 'U', defaultNamespace: 'a.b.c' }, 'default namespace has 3 dot-separated parts; expected DATABASE or DATABASE.SCHEMA'],
    ['an empty schema', { arn: ARN, user: 'U', defaultNamespace: 'DB.' }, 'default namespace schema is empty'],
    ['a newline in the comment', { arn: ARN, user: 'U', comment: 'a\nDROP USER x' }, 'comment contains a control character (U+000A) at character 2'],
    ['a newline in the caller ARN', { arn: ARN, user: 'U', callerArn: `${CALLER}\nDROP USER x;` }, 'caller ARN contains a control character (U+000A) at character 56; refusing to put it in a SQL comment'],
    ['a CR in the IAM role name', { arn: ARN, user: 'U', iamRoleName: 'r\rDROP USER x;' }, 'IAM role name contains a control character (U+000D) at character 2; refusing to put it in a SQL comment'],
  ])('refuses %s', (_name, opts, error) => {
    expect(errorOf(opts)).toBe(error);
  });
});

// --- hostile input ----------------------------------------------------------------------------

const HOSTILE: string[] = [
  "'", '"', '\\', "\\'", "\\\\'", "''", '""', ';', '--', '//', '/*', '*/', '$$', "$$'; DROP USER x; $$",
  "x'; DROP USER admin; --", 'x"; DROP USER admin; --', "x\\'; DROP USER admin; --", 'x\\"',
  "a' -- ", 'a /* b */ c', '*/ DROP USER x; /*', "'\\", '\\\\',
  'line\nbreak', 'cr\rreturn', 'crlf\r\nx', 'tab\there', 'nul\u0000x', 'del\u007f', 'nel\u0085x',
  'ls\u2028x', 'ps\u2029x', 'rlo\u202ex', 'zw\u200bx', 'bom\ufeffx', 'lone\ud800', 'lone\udc00x',
  'full\uff07width', 'right\u2019quote', 'full\uff02dq', 'greek\u037eqm', 'ｆｕｌｌ', 'ß', 'İstanbul',
  'SELECT', 'select', 'USER', 'TABLE', 'Table', 'IF', 'if', 'SET', 'ASOF', 'NULL',
  'a'.repeat(255), 'a'.repeat(256), '😀'.repeat(255), '😀'.repeat(256), 'x'.repeat(1024), 'x'.repeat(1025),
  '😀', '👨‍👩‍👧', 'a.b', 'a.b.c', '.', '', ' ', ' lead', 'trail ', '1abc', '$abc', 'a$b', '_', 'my-user',
  'DB."quoted"', '"x"', 'naïve', '日本語',
  // Quoted identifiers (valid and not): the content is the name, with every safety rule applied to it.
  '"a""b"', '""""', '"""', '"a"b"', '"SELECT"', '"USER"', '"if"', '"svc"', '"Svc"', '" "', '"x""; DROP USER y; --"',
  'x"; DROP USER y; --"', '"x"; DROP USER y; --"', '"\'; DROP USER y; --"', '"a\nb"', '"rlo\u202e"', '"lone\ud800"',
  `"${'a'.repeat(255)}"`, `"${'a'.repeat(256)}"`, `"${'""'.repeat(255)}"`, '"my.db"."S"', '"a.b"', '"a"."b"."c"', '"my.db".""',
];

describe('generateSql with hostile input', () => {
  const fields = ['user', 'defaultRole', 'defaultWarehouse', 'defaultNamespace', 'comment', 'arn', 'callerArn', 'iamRoleName'] as const;

  for (const field of fields) {
    it(`keeps the intended statements for hostile ${field}`, () => {
      for (const value of HOSTILE) {
        for (const mode of ['create', 'alter'] as const) {
          for (const verify of [true, false]) {
            const opts: GenerateSqlOptions = { ...BASE, defaultRole: 'R', comment: 'c', mode, verify, [field]: value };
            expectSafe(opts);
          }
        }
      }
    });
  }

  it('either refuses or round-trips each hostile user name exactly', () => {
    let accepted = 0;
    for (const user of HOSTILE) {
      const result = generateSql({ arn: ARN, user, comment: user });
      if (!result.ok) continue;
      accepted += 1;
      const [create] = splitStatements(result.sql).statements;
      const userToken = create?.[2];
      const commentToken = create?.at(-1);
      expect(userToken?.text).toBe(result.user);
      expect(userToken?.value).toBe(storedName(user, userToken));
      if (quotedContent(user) !== undefined) expect(userToken).toMatchObject({ type: 'quoted-identifier', value: quotedContent(user) });
      expect(commentToken).toMatchObject({ type: 'string', value: user });
    }
    expect(accepted).toBeGreaterThan(HOSTILE.length / 2);
  });

  it('reads the valid quoted hostile names as their content', () => {
    const decoded = (user: string): string | undefined => {
      const result = generateSql({ arn: ARN, user, verify: false });
      return result.ok ? splitStatements(result.sql).statements[0]?.[2]?.value : result.error;
    };
    expect(decoded('"a""b"')).toBe('a"b');
    expect(decoded('""""')).toBe('"');
    expect(decoded('"x""; DROP USER y; --"')).toBe('x"; DROP USER y; --');
    expect(decoded('"SELECT"')).toBe('SELECT');
    expect(decoded('" "')).toBe(' ');
    expect(decoded(`"${'""'.repeat(255)}"`)).toBe('"'.repeat(255));
    // Not valid: the quotes are part of the name.
    expect(decoded('"""')).toBe('"""');
    expect(decoded('"x"; DROP USER y; --"')).toBe('"x"; DROP USER y; --"');
    expect(decoded('""')).toBe('user name is empty: "" names no identifier');
    // A stray space around an unquoted name is refused; inside quotes it is part of the name.
    expect(decoded(' Svc')).toBe('user name has leading or trailing spaces: remove them, or write the name in double quotes if they belong to it');
    expect(decoded('"Svc "')).toBe('Svc ');
  });
});

// --- properties -------------------------------------------------------------------------------

const HOSTILE_CHARS = [
  "'", '"', '\\', ';', '-', '/', '*', '$', '.', ' ', '\t', '\n', '\r', '\u0000', '\u0085', '\u2028',
  '\u202e', '\u200d', '\uff07', '\u2019', '\uff02', '\u037e', '😀', 'a', 'Z', '_', '1', '\ud800', '\udc00',
];

const plainText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...HOSTILE_CHARS), maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$]{0,12}$/),
  fc.mixedCase(fc.constantFrom(...RESERVED_WORDS, 'IF', 'USER', 'RESET')),
  fc.string({ unit: 'grapheme', minLength: 250, maxLength: 260 }),
);

/** Mostly plain text; else a valid quoted identifier of it, or the text merely put between quotes. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: plainText, weight: 6 },
  { arbitrary: plainText.map((text) => `"${text.replaceAll('"', '""')}"`), weight: 1 },
  { arbitrary: plainText.map((text) => `"${text}"`), weight: 1 },
);

const optionalText = fc.option(anyText, { nil: undefined });

const anyOptions: fc.Arbitrary<GenerateSqlOptions> = fc.record({
  arn: fc.oneof(fc.constant(ARN), anyText),
  user: anyText,
  mode: fc.constantFrom('create' as const, 'alter' as const, undefined),
  ifNotExists: fc.option(fc.boolean(), { nil: undefined }),
  orReplace: fc.option(fc.boolean(), { nil: undefined }),
  defaultRole: optionalText,
  defaultWarehouse: optionalText,
  defaultNamespace: fc.option(fc.oneof(anyText, fc.tuple(anyText, anyText).map(([a, b]) => `${a}.${b}`)), { nil: undefined }),
  comment: optionalText,
  verify: fc.option(fc.boolean(), { nil: undefined }),
  callerArn: fc.option(fc.oneof(fc.constant(CALLER), anyText), { nil: undefined }),
  iamRoleName: optionalText,
});

/** What no name may contain: controls, invisibles, unassigned and private-use code points, spaces but U+0020. */
const INVISIBLE_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Cn}\p{Co}\u2800\u{1D159}]|(?! )\p{White_Space}/u;

/**
 * What the contract lets through: non-empty, at most 255 characters, nothing invisible or
 * breaking; for a valid quoted identifier, all of that of its content.
 */
function acceptableName(typed: string): boolean {
  const name = quotedContent(typed) ?? typed;
  const straySpace = quotedContent(typed) === undefined && typed !== typed.trim();
  return name.length > 0 && [...name].length <= 255 && !INVISIBLE_IN_NAME.test(name) && !straySpace;
}

/** Whether connect --expect-user reads `typed` as gen-sql does: no surrounding space, no malformed "…". */
function expectUserReadsAlike(typed: string): boolean {
  const malformed = typed.length >= 2 && typed.startsWith('"') && typed.endsWith('"') && quotedContent(typed) === undefined;
  return typed === typed.trim() && !malformed;
}

describe('generateSql properties', () => {
  it('never throws; when ok, the tokenizer finds exactly the intended statements', () => {
    fc.assert(
      fc.property(anyOptions, (opts) => {
        expectSafe(opts);
      }),
      { numRuns: 5000 },
    );
  });

  const simple: GenerateSqlOptions = { arn: ARN, user: 'U', callerArn: CALLER, iamRoleName: 'r' };
  for (const field of ['user', 'defaultRole', 'defaultWarehouse', 'defaultNamespace', 'comment', 'callerArn', 'iamRoleName'] as const) {
    it(`round-trips arbitrary ${field} values (or refuses them cleanly)`, () => {
      fc.assert(
        fc.property(anyText, fc.constantFrom('create' as const, 'alter' as const), (value, mode) => {
          expectSafe({ ...simple, mode, [field]: value });
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('accepts every user name the contract allows, and only those', () => {
    fc.assert(
      fc.property(anyText, (user) => {
        expect(generateSql({ arn: ARN, user }).ok).toBe(acceptableName(user));
      }),
      { numRuns: 3000 },
    );
  });

  it('a user name typed as a quoted identifier is created as exactly its content', () => {
    fc.assert(
      fc.property(plainText, fc.constantFrom('create' as const, 'alter' as const), (name, mode) => {
        const typed = `"${name.replaceAll('"', '""')}"`;
        const result = generateSql({ arn: ARN, user: typed, mode });
        expect(result.ok).toBe(acceptableName(typed));
        if (!result.ok) return;
        expect(result.user).toBe(typed);
        const users = splitStatements(result.sql).statements.map((statement) => statement.find((token) => token.text === typed));
        expect(users).toHaveLength(2);
        for (const token of users) expect(token).toMatchObject({ type: 'quoted-identifier', value: name });
        expect(storedIdentifierName(typed)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('connect --expect-user with the same text matches the user gen-sql creates', () => {
    fc.assert(
      fc.property(anyText, (user) => {
        const result = generateSql({ arn: ARN, user, verify: false });
        fc.pre(result.ok && expectUserReadsAlike(user));
        if (!result.ok) return;
        const token = splitStatements(result.sql).statements[0]?.[2];
        expect(token?.text).toBe(result.user);
        expect(userMatches(user, token?.value ?? '')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

// --- invisible characters (issue 9, defect 10) ------------------------------------------------

/**
 * Code points that display as nothing (or as a plain space) and so make a name read differently
 * from the name Snowflake stores, with the description the error must give.
 */
const INVISIBLE: ReadonlyArray<readonly [number, string]> = [
  [0x3164, 'an invisible character'], // HANGUL FILLER (Lo, default-ignorable)
  [0x034f, 'an invisible character'], // COMBINING GRAPHEME JOINER (Mn, default-ignorable)
  [0xfe0f, 'an invisible character'], // VARIATION SELECTOR-16 (Mn, default-ignorable)
  [0x115f, 'an invisible character'], // HANGUL CHOSEONG FILLER
  [0xffa0, 'an invisible character'], // HALFWIDTH HANGUL FILLER
  [0x17b4, 'an invisible character'], // KHMER VOWEL INHERENT AQ
  [0xe0100, 'an invisible character'], // VARIATION SELECTOR-17 (astral)
  [0x2800, 'an invisible character'], // BRAILLE PATTERN BLANK (So: no property covers it)
  [0x1d159, 'an invisible character'], // MUSICAL SYMBOL NULL NOTEHEAD (So, astral)
  [0x00ad, 'an invisible formatting character'], // SOFT HYPHEN (Cf)
  [0x180e, 'an invisible formatting character'], // MONGOLIAN VOWEL SEPARATOR (Cf)
  [0xe0041, 'an invisible formatting character'], // TAG LATIN CAPITAL LETTER A (Cf)
  [0x00a0, 'a space character other than U+0020'], // NO-BREAK SPACE
  [0x3000, 'a space character other than U+0020'], // IDEOGRAPHIC SPACE
  [0x2007, 'a space character other than U+0020'], // FIGURE SPACE
  [0xe000, 'a private-use character'],
  [0x10fffd, 'a private-use character'],
  [0xfffe, 'an unassigned code point'], // a noncharacter
  [0x0378, 'an unassigned code point'],
];

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every name-like field, how the name is put into it, and where the error counts from. */
const NAME_FIELDS: ReadonlyArray<readonly [string, (text: string) => Partial<GenerateSqlOptions>, string, number]> = [
  ['user', (text) => ({ user: text }), 'user name', 0],
  ['user typed in quotes', (text) => ({ user: `"${text}"` }), 'user name', 1],
  ['defaultRole', (text) => ({ defaultRole: text }), 'default role', 0],
  ['defaultWarehouse', (text) => ({ defaultWarehouse: text }), 'default warehouse', 0],
  ['defaultNamespace database', (text) => ({ defaultNamespace: `${text}.S` }), 'default namespace database', 0],
  ['defaultNamespace schema', (text) => ({ defaultNamespace: `DB.${text}` }), 'default namespace schema', 0],
];

describe('invisible characters in names (issue 9, defect 10)', () => {
  const cases = NAME_FIELDS.flatMap(([field, put, what, offset]) =>
    INVISIBLE.map(([code, description]) => [field, hex(code), put, what, offset, code, description] as const),
  );
  it.each(cases)('%s with %s is refused, naming the code point and its position', (_field, _hex, put, what, offset, code, description) => {
    const opts: GenerateSqlOptions = { arn: ARN, user: 'U', ...put(`LOADER${String.fromCodePoint(code)}X`) };
    const error = errorOf(opts);
    expect(error).toBe(`${what} contains ${description} (${hex(code)}) at character ${7 + offset}`);
    expect(error).not.toContain('LOADER');
  });

  it('the CLI example "LOADER͏" (U+034F at the end) is refused', () => {
    expect(errorOf({ arn: ARN, user: 'LOADER\u034f' })).toBe('user name contains an invisible character (U+034F) at character 7');
    expect(quoteIdentifier('LOADER\u034f')).toEqual({ ok: false, error: 'identifier contains an invisible character (U+034F) at character 7' });
  });

  it('a plain space inside a quoted name is still allowed, and visible symbols and letters are', () => {
    expect(sqlOf({ arn: ARN, user: '"Load er"', verify: false }).split('\n')[0]).toBe('CREATE USER "Load er"');
    for (const name of ['Ünïcödé', '日本語', '😀', 'ß', 'x\u2801y', 'e\u0301']) expect(quoteIdentifier(name).ok, name).toBe(true);
  });

  it.each([
    ['caller ARN', { callerArn: `${CALLER}\u2800` }, 56],
    ['IAM role name', { iamRoleName: 'my-fn-role\u3164' }, 11],
  ] as const)('%s with an invisible character is refused in the SQL comment', (what, extra, position) => {
    expect(errorOf({ ...BASE, ...extra })).toMatch(new RegExp(`^${what} contains an invisible character \\(U\\+[0-9A-F]{4}\\) at character ${position}; refusing to put it in a SQL comment$`));
  });
});

describe('invisible characters in string literals (issue 9, defect 10)', () => {
  const literalCases = INVISIBLE.filter(([, description]) => !description.startsWith('a space')).map(([code, description]) => [hex(code), code, description] as const);
  it.each(literalCases)('COMMENT with %s is refused', (_hex, code, description) => {
    expect(errorOf({ arn: ARN, user: 'U', comment: `for ${String.fromCodePoint(code)}x` })).toBe(`comment contains ${description} (${hex(code)}) at character 5`);
  });

  it.each([
    ['a bidi override', '\u202e', 'an invisible formatting character'],
    ['a zero-width space', '\u200b', 'an invisible formatting character'],
    ['a Hangul filler', '\u3164', 'an invisible character'],
  ])('the ARN with %s is refused', (_name, char, description) => {
    expect(errorOf({ arn: `arn:aws:iam::123456789012:role/x${char}`, user: 'U' })).toBe(`ARN contains ${description} (${hex(char.codePointAt(0) ?? 0)}) at character 33`);
  });

  it('a COMMENT keeps spaces, tabs and other space characters (they show as space, and cannot end the literal)', () => {
    for (const comment of ['loads raw data', 'a\tb', 'no\u00a0break', '全角\u3000空白', 'fig\u2007space']) {
      expect(sqlOf({ arn: ARN, user: 'U', comment, verify: false }).split('\n').at(-1)).toBe(`  COMMENT = '${comment}';`);
    }
  });
});

/** Every default-ignorable code point (about 4,000; most are in the tag/variation-selector plane). */
const DEFAULT_IGNORABLE: readonly number[] = (() => {
  const found: number[] = [];
  const ignorable = /^\p{Default_Ignorable_Code_Point}$/u;
  for (let code = 0; code <= 0x10ffff; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (ignorable.test(String.fromCodePoint(code))) found.push(code);
  }
  return found;
})();

describe('generateSql refuses every default-ignorable code point (property)', () => {
  const fieldsOf: ReadonlyArray<readonly [string, (text: string) => Partial<GenerateSqlOptions>]> = [
    ...NAME_FIELDS.map(([field, put]) => [field, put] as const),
    ['comment', (text) => ({ comment: text })],
    ['arn', (text) => ({ arn: text })],
    ['callerArn', (text) => ({ callerArn: text })],
    ['iamRoleName', (text) => ({ iamRoleName: text })],
  ];

  it('finds the default-ignorable code points this test draws from', () => {
    expect(DEFAULT_IGNORABLE.length).toBeGreaterThan(4000);
    expect(DEFAULT_IGNORABLE).toEqual(expect.arrayContaining([0x034f, 0x3164, 0xfe0f, 0x200b, 0xe0001]));
  });

  it('for any text with a default-ignorable code point inserted anywhere, in any field', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '_', '1', ' ', '"', '-', 'é', '😀'), maxLength: 20 });
    fc.assert(
      fc.property(text, text, fc.constantFrom(...DEFAULT_IGNORABLE), fc.constantFrom(...fieldsOf), fc.constantFrom('create' as const, 'alter' as const), (before, after, code, [, put], mode) => {
        const opts: GenerateSqlOptions = { ...BASE, mode, ...put(`${before}${String.fromCodePoint(code)}${after}`) };
        const result = generateSql(opts);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error).toContain(`(${hex(code)})`);
          expect(result.error).toMatch(/^[^\n\r]+$/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
