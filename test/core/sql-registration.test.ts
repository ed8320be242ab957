/**
 * generateSql with a Registration (OIDC, AZURE, GCP, and AWS through the same door): the exact SQL,
 * and hostile issuers, subjects and audiences checked with the test tokenizer as test/core/sql.test.ts
 * does for the ARN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSql, workloadIdentityClause, type GenerateSqlOptions } from '../../src/core/sql.js';
import type { Registration } from '../../src/providers/types.js';
import { AZURE, GCP, GH, OIDC, registrationsWith } from '../helpers/registrations.js';
import { describeStatement, splitStatements } from '../helpers/sql-tokenizer.js';

const SHOW = 'SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS';

function sqlOf(opts: GenerateSqlOptions): string {
  const result = generateSql(opts);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.sql;
}

describe('generateSql with a registration', () => {
  it.each<[string, GenerateSqlOptions, string]>([
    [
      'OIDC, CREATE',
      { user: 'GH_DEPLOY', registration: OIDC, defaultRole: 'LOADER' },
      [
        'CREATE USER GH_DEPLOY',
        `  WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GH}' SUBJECT = 'repo:octo/app:environment:prod' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'))`,
        '  TYPE = SERVICE',
        '  DEFAULT_ROLE = LOADER;',
        `-- check it (${SHOW} lists the issuer, subject and audienceList in additional_info):`,
        `${SHOW} FOR USER GH_DEPLOY;`,
      ].join('\n'),
    ],
    [
      'OIDC with two audiences, ALTER',
      { user: 'GH_DEPLOY', mode: 'alter', verify: false, registration: { ...OIDC, audienceList: ['snowflakecomputing.com', 'snowflake-myorg'] } },
      `ALTER USER GH_DEPLOY SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GH}' SUBJECT = 'repo:octo/app:environment:prod' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com', 'snowflake-myorg'));`,
    ],
    [
      'AZURE',
      { user: 'AZ_FN', registration: AZURE, verify: true },
      [
        'CREATE USER AZ_FN',
        "  WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' SUBJECT = '0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b')",
        '  TYPE = SERVICE;',
        `-- check it (${SHOW} lists the issuer and subject in additional_info):`,
        `${SHOW} FOR USER AZ_FN;`,
      ].join('\n'),
    ],
    [
      'GCP, ALTER with properties',
      { user: 'gcp_job', registration: GCP, mode: 'alter', defaultWarehouse: 'WH' },
      [
        "ALTER USER gcp_job SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '112233445566778899001');",
        'ALTER USER gcp_job SET DEFAULT_WAREHOUSE = WH;',
        `-- check it (${SHOW} lists the subject in additional_info):`,
        `${SHOW} FOR USER gcp_job;`,
      ].join('\n'),
    ],
    [
      'OIDC, quotes and backslashes escaped',
      { user: 'U', verify: false, registration: { type: 'OIDC', issuer: "https://i.example/o'k", subject: "a\\'b", audienceList: ["x'", '\\'] } },
      "CREATE USER U\n  WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://i.example/o''k' SUBJECT = 'a\\\\''b' OIDC_AUDIENCE_LIST = ('x''', '\\\\'))\n  TYPE = SERVICE;",
    ],
  ])('%s', (_what, opts, sql) => {
    expect(sqlOf(opts)).toBe(sql);
  });

  it.each<[string, GenerateSqlOptions]>([
    ['classic', { user: 'U', arn: 'arn:aws:iam::123456789012:role/r', iamRoleName: 'r', callerArn: 'arn:aws:sts::123456789012:assumed-role/r/s' }],
    ['JWT method', { user: 'U', arn: 'arn:aws:iam::123456789012:role/r', issuer: 'https://a1.tokens.sts.global.api.aws', mode: 'alter', defaultRole: 'R' }],
    ['a path in the ARN', { user: 'U', arn: 'arn:aws:iam::123456789012:role/service-role/r' }],
  ])('an AWS registration writes byte for byte what arn/issuer write (%s)', (_what, opts) => {
    const { arn = '', issuer, ...rest } = opts;
    const registration: Registration = { type: 'AWS', arn, ...(issuer === undefined ? {} : { issuer }) };
    expect(generateSql({ ...rest, registration })).toEqual(generateSql(opts));
  });

  it('uses the registration instead of arn and issuer when both are given', () => {
    expect(sqlOf({ user: 'U', verify: false, arn: 'arn:aws:iam::123456789012:role/r', issuer: 'https://x', registration: GCP })).toBe(
      "CREATE USER U\n  WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '112233445566778899001')\n  TYPE = SERVICE;",
    );
  });

  it.each<[string, Registration, string]>([
    ['no audience', { ...OIDC, audienceList: [] }, 'OIDC audience list is empty: give at least one audience (without OIDC_AUDIENCE_LIST a token minted for any Snowflake account is accepted)'],
    ['an empty audience', { ...OIDC, audienceList: ['snowflakecomputing.com', ''] }, 'OIDC audience is empty'],
    ['an empty issuer', { ...OIDC, issuer: '' }, 'OIDC issuer is empty'],
    ['an empty subject', { ...OIDC, subject: '' }, 'OIDC subject is empty'],
    ['a 256-character subject', { ...OIDC, subject: 's'.repeat(256) }, 'OIDC subject is 256 characters long; at most 255 are allowed'],
    ['a 2,049-character issuer', { ...OIDC, issuer: `https://i.example/${'a'.repeat(2031)}` }, 'OIDC issuer is 2049 characters long; at most 2048 are allowed'],
    ['a 1,025-character audience', { ...OIDC, audienceList: ['a'.repeat(1025)] }, 'OIDC audience is 1025 characters long; at most 1024 are allowed'],
    ['a newline in the subject', { ...OIDC, subject: "x');\nDROP USER admin; --" }, 'OIDC subject contains a control character (U+000A) at character 5'],
    ['a bidi override in the issuer', { ...OIDC, issuer: `${GH}\u202e` }, 'OIDC issuer contains an invisible formatting character (U+202E) at character 44'],
    ['a zero-width space in the audience', { ...OIDC, audienceList: ['snowflake\u200bcomputing.com'] }, 'OIDC audience contains an invisible formatting character (U+200B) at character 10'],
    ['a lone surrogate in an Azure subject', { ...AZURE, subject: 'x\ud800' }, 'Azure subject contains an unpaired UTF-16 surrogate (U+D800) at character 2'],
    ['an empty Azure issuer', { ...AZURE, issuer: '' }, 'Azure issuer is empty'],
    ['a CR in a GCP subject', { type: 'GCP', subject: '1\r2' }, 'GCP subject contains a control character (U+000D) at character 2'],
    ['an empty GCP subject', { type: 'GCP', subject: '' }, 'GCP subject is empty'],
    ['an empty AWS ARN', { type: 'AWS', arn: '' }, 'ARN is empty'],
  ])('refuses %s', (_what, registration, error) => {
    expect(generateSql({ user: 'U', registration })).toEqual({ ok: false, error });
    expect(workloadIdentityClause(registration)).toEqual({ ok: false, error });
  });

  it('keeps the limits exactly: 255 subject and 2,048 issuer characters pass (code points, not UTF-16 units)', () => {
    expect(generateSql({ user: 'U', registration: { ...OIDC, subject: '😀'.repeat(255), issuer: `https://i.example/${'a'.repeat(2030)}` } }).ok).toBe(true);
  });

  it('gives the clause on its own for fixes', () => {
    expect(workloadIdentityClause(OIDC)).toEqual({ ok: true, sql: `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GH}' SUBJECT = 'repo:octo/app:environment:prod' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'))` });
    expect(workloadIdentityClause({ type: 'AWS', arn: 'arn:aws:iam::123456789012:role/r' })).toEqual({ ok: true, sql: "WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/r')" });
  });
});

// --- hostile values ------------------------------------------------------------------------------

const HOSTILE = [
  "'", "''", '\\', "\\'", "\\\\'", "x'); DROP USER admin; --", "x')) TYPE = SERVICE; DROP USER admin; --", '$$', "$$'; DROP USER x; $$",
  '*/ DROP USER x; /*', '--', 'tab\there', 'line\nbreak', 'cr\rx', 'nul\u0000', 'nel\u0085', 'ls\u2028', 'rlo\u202e', 'zw\u200b',
  'bom\ufeff', 'lone\ud800', 'cgj\u034f', 'braille\u2800', 'full\uff07width', 'right\u2019quote', ' ', ' lead', 'trail ', '😀', 'naïve',
  'repo:octo/app:*', 'system:serviceaccount:ns:sa', `https://i.example/${'a'.repeat(2031)}`, 's'.repeat(256), 'a'.repeat(1025),
];

/** The tokens a registration's statement must have, exactly (a literal's value decoded). */
function identityTokens(registration: Registration): string[] {
  const eq = 'punctuation:=';
  const inner = {
    OIDC: () => registration.type === 'OIDC' && ['OIDC', 'ISSUER', eq, `string:${registration.issuer}`, 'SUBJECT', eq, `string:${registration.subject}`, 'OIDC_AUDIENCE_LIST', eq, 'punctuation:(', ...registration.audienceList.flatMap((a, i) => (i === 0 ? [`string:${a}`] : ['punctuation:,', `string:${a}`])), 'punctuation:)'],
    AZURE: () => registration.type === 'AZURE' && ['AZURE', 'ISSUER', eq, `string:${registration.issuer}`, 'SUBJECT', eq, `string:${registration.subject}`],
    GCP: () => registration.type === 'GCP' && ['GCP', 'SUBJECT', eq, `string:${registration.subject}`],
    AWS: () => registration.type === 'AWS' && ['AWS', 'ARN', eq, `string:${registration.arn}`],
  }[registration.type]();
  return ['WORKLOAD_IDENTITY', eq, 'punctuation:(', 'TYPE', eq, ...(inner || []), 'punctuation:)'];
}

function expectIntended(registration: Registration, mode: 'create' | 'alter'): void {
  const result = generateSql({ user: 'U', registration, mode, comment: 'c' });
  if (!result.ok) {
    expect(result.error).toMatch(/^[^\n\r]+$/);
    return;
  }
  const { statements, terminated } = splitStatements(result.sql);
  expect(terminated).toBe(true);
  const described = statements.map(describeStatement);
  const identity = identityTokens(registration);
  expect(described).toEqual(
    mode === 'create'
      ? [['CREATE', 'USER', 'U', ...identity, 'TYPE', 'punctuation:=', 'SERVICE', 'COMMENT', 'punctuation:=', 'string:c'], ['SHOW', 'USER', 'WORKLOAD', 'IDENTITY', 'AUTHENTICATION', 'METHODS', 'FOR', 'USER', 'U']]
      : [['ALTER', 'USER', 'U', 'SET', ...identity], ['ALTER', 'USER', 'U', 'SET', 'COMMENT', 'punctuation:=', 'string:c'], ['SHOW', 'USER', 'WORKLOAD', 'IDENTITY', 'AUTHENTICATION', 'METHODS', 'FOR', 'USER', 'U']],
  );
  expect(result.sql).not.toMatch(/(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cn}\p{Co}\u2800\u{1D159}]/u);
}

describe('generateSql with hostile registration values', () => {
  it('keeps the intended statements, or refuses in one line, for every hostile value in every field', () => {
    let accepted = 0;
    for (const value of HOSTILE) {
      for (const registration of registrationsWith(value)) {
        for (const mode of ['create', 'alter'] as const) expectIntended(registration, mode);
        if (generateSql({ user: 'U', registration }).ok) accepted += 1;
      }
    }
    expect(accepted).toBeGreaterThan(HOSTILE.length * 3);
  });

  it('property: any string in any field either is refused or reads back exactly as a literal', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("'", '\\', '"', ';', '-', '*', '/', '$', '(', ')', ',', '\n', '\u202e', '\u200b', 'a', ' '), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))), maxLength: 40 });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 6 }), fc.constantFrom('create' as const, 'alter' as const), (value, field, mode) => {
        const registration = registrationsWith(value)[field];
        if (registration) expectIntended(registration, mode);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: no literal in the generated SQL holds an unescaped quote', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("'", '\\', 'a', ')', ';'), maxLength: 8 }), { minLength: 1, maxLength: 3 }), (audiences) => {
        const result = workloadIdentityClause({ ...OIDC, audienceList: audiences });
        if (!result.ok) return;
        // Outside the literals only the clause's own words and punctuation remain.
        const outside = result.sql.replace(/'(?:[^'\\]|''|\\.)*'/g, "''");
        expect(outside).toBe(`WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '' SUBJECT = '' OIDC_AUDIENCE_LIST = (${audiences.map(() => "''").join(', ')}))`);
      }),
      { numRuns: 2000 },
    );
  });
});
