/**
 * The GCP provider's pure rules (src/providers/gcp/rules.ts, diagnose.ts and the pure helpers of
 * token.ts), one line per real input: unique IDs and e-mails, the SUBJECT traps, what a Google ID
 * token says, why a registration does not match (the e-mail, the impersonation chain), the
 * impersonation path as given, and a refused login's diagnosis.
 */
import { describe, expect, it } from 'vitest';
import {
  GCP_AUDIENCE,
  GOOGLE_ISSUER,
  describeGcpToken,
  gcpIdentityClause,
  isEmail,
  isUniqueId,
  registrationMismatch,
  subjectTraps,
  uniqueIdCommand,
} from '../../src/providers/gcp/rules.js';
import { metadataHost, parseImpersonationPath } from '../../src/providers/gcp/token.js';
import { diagnoseGcpLogin } from '../../src/providers/gcp/diagnose.js';
import { gcpRegistrationSql } from '../../src/providers/gcp/sql.js';
import { WifError } from '../../src/core/errors.js';

const ID = '104735289012345678901';
const LOADER_ID = '117654321098765432109';
const RUNTIME = 'runtime@proj.iam.gserviceaccount.com';
const DELEGATE = 'delegate@proj.iam.gserviceaccount.com';
const LOADER = 'loader@proj.iam.gserviceaccount.com';
const NOW = Date.parse('2026-12-07T09:00:00Z');
const S = NOW / 1000;

describe('isUniqueId', () => {
  const cases: Array<[string, boolean]> = [
    [ID, true],
    ['1', true],
    ['0123', true],
    ['', false],
    [' 104735289012345678901', false],
    ['104735289012345678901 ', false],
    ['10473528901234567890a', false],
    ['1e21', false],
    ['-1', false],
    ['１２３', false],
    [RUNTIME, false],
  ];
  it.each(cases)('%j → %s', (input, expected) => {
    expect(isUniqueId(input)).toBe(expected);
  });
});

describe('isEmail', () => {
  const cases: Array<[string, boolean]> = [
    [RUNTIME, true],
    ['123456789-compute@developer.gserviceaccount.com', true],
    ['me@example.com', true],
    ['a@b.c', true],
    ['@proj.iam.gserviceaccount.com', false],
    ['runtime@', false],
    ['runtime@localhost', false],
    ['run time@proj.iam.gserviceaccount.com', false],
    ['a@@b.c', false],
    [ID, false],
    ['', false],
  ];
  it.each(cases)('%j → %s', (input, expected) => {
    expect(isEmail(input)).toBe(expected);
  });
});

describe('uniqueIdCommand', () => {
  const cases: Array<[string, string]> = [
    [RUNTIME, `gcloud iam service-accounts describe ${RUNTIME} --format="value(uniqueId)"`],
    ['a+b@x-y.z', 'gcloud iam service-accounts describe a+b@x-y.z --format="value(uniqueId)"'],
    ['x@y.z; rm -rf /', 'gcloud iam service-accounts describe SERVICE_ACCOUNT_EMAIL --format="value(uniqueId)"'],
    ['$(id)@y.z', 'gcloud iam service-accounts describe SERVICE_ACCOUNT_EMAIL --format="value(uniqueId)"'],
    ['x@y.z\n', 'gcloud iam service-accounts describe SERVICE_ACCOUNT_EMAIL --format="value(uniqueId)"'],
  ];
  it.each(cases)('%j', (email, expected) => {
    expect(uniqueIdCommand(email)).toBe(expected);
  });
});

describe('gcpIdentityClause and gcpRegistrationSql', () => {
  const cases: Array<[string, string]> = [
    [ID, `WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${ID}')`],
    ["it's", "WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = 'it''s')"],
    ['a\u0000b', "WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>')"],
    ['', "WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>')"],
  ];
  it.each(cases)('%j', (subject, expected) => {
    expect(gcpIdentityClause(subject)).toBe(expected);
  });
  it('names the user as typed, or keeps a placeholder', () => {
    expect(gcpRegistrationSql('gcp_loader', ID)).toBe(`ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${ID}');`);
    expect(gcpRegistrationSql('"Mixed Case"', ID)).toBe(`ALTER USER "Mixed Case" SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${ID}');`);
    expect(gcpRegistrationSql('<your user>', ID)).toBe(`ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${ID}');`);
    expect(gcpRegistrationSql('bad;name', ID)).toMatch(/^ALTER USER (<your user>|"bad;name") SET/);
  });
});

describe('subjectTraps', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a unique ID', ID, []],
    ['one digit', '7', []],
    ['empty', '', ['GCP_SUBJECT_EMPTY:error']],
    ['blank', '   ', ['GCP_SUBJECT_EMPTY:error']],
    ['the e-mail (the docs show both)', RUNTIME, ['GCP_SUBJECT_EMAIL:error']],
    ['the default compute account e-mail', '123-compute@developer.gserviceaccount.com', ['GCP_SUBJECT_EMAIL:error']],
    ['spaces around the ID', ` ${ID} `, ['GCP_SUBJECT_SPACES:error']],
    ['a trailing newline', `${ID}\n`, ['GCP_SUBJECT_SPACES:error']],
    ['a name', 'loader', ['GCP_SUBJECT_NOT_NUMERIC:warn']],
    ['a resource name', `projects/-/serviceAccounts/${ID}`, ['GCP_SUBJECT_NOT_NUMERIC:warn']],
    ['255 digits', '1'.repeat(255), []],
    ['256 digits', '1'.repeat(256), ['GCP_SUBJECT_TOO_LONG:error']],
  ];
  it.each(cases)('%s', (_name, subject, expected) => {
    expect(subjectTraps(subject).map((trap) => `${trap.code}:${trap.severity}`)).toEqual(expected);
  });
  it("the e-mail trap's fix gets the ID and carries the SQL", () => {
    const [trap] = subjectTraps(RUNTIME, 'GCP_LOADER');
    expect(trap?.fix).toBe(`Get the unique ID: gcloud iam service-accounts describe ${RUNTIME} --format="value(uniqueId)"\nthen: ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>');`);
    expect(trap?.message).toContain(RUNTIME);
  });
  it('the spaces trap names the trimmed subject', () => {
    const [trap] = subjectTraps(` ${ID}`);
    expect(trap?.subject).toBe(ID);
    expect(trap?.fix).toBe(`ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${ID}');`);
  });
});

const header = { alg: 'RS256', kid: 'k1', typ: 'JWT' };
const payload = (extra: Record<string, unknown> = {}) => ({ iss: GOOGLE_ISSUER, sub: ID, azp: ID, aud: GCP_AUDIENCE, email: RUNTIME, email_verified: true, iat: S - 10, exp: S + 3590, ...extra });

describe('describeGcpToken', () => {
  const cases: Array<[string, Record<string, unknown>, { expiresWithinMs?: number; impersonationPath?: string[] }, string[]]> = [
    ['the metadata server token', payload(), {}, []],
    ['a list audience with Snowflake', payload({ aud: ['x', GCP_AUDIENCE] }), {}, []],
    ['another audience', payload({ aud: 'https://example.com' }), {}, ['GCP_WRONG_AUDIENCE']],
    ['no audience', payload({ aud: undefined }), {}, ['GCP_WRONG_AUDIENCE']],
    ['audience with a trailing slash', payload({ aud: `${GCP_AUDIENCE}/` }), {}, ['GCP_WRONG_AUDIENCE']],
    ['the issuer without https://', payload({ iss: 'accounts.google.com' }), {}, ['GCP_NOT_GOOGLE_TOKEN']],
    ['another issuer', payload({ iss: 'https://token.actions.githubusercontent.com' }), {}, ['GCP_NOT_GOOGLE_TOKEN']],
    ['an e-mail as sub', payload({ sub: RUNTIME }), {}, ['GCP_SUBJECT_NOT_NUMERIC']],
    ['no sub', payload({ sub: undefined }), {}, ['GCP_SUBJECT_NOT_NUMERIC']],
    ['no iat', payload({ iat: undefined }), {}, ['NO_IAT']],
    ['expired', payload({ exp: S - 1 }), {}, ['TOKEN_EXPIRED']],
    ['expires exactly now', payload({ exp: S }), {}, ['TOKEN_EXPIRED']],
    ['expires one second from now', payload({ exp: S + 1 }), {}, []],
    ['expires before the check ends', payload({ exp: S + 5 }), { expiresWithinMs: 10_000 }, ['TOKEN_EXPIRED']],
    ['the path’s last account', payload({ email: LOADER, sub: LOADER_ID }), { impersonationPath: [DELEGATE, LOADER] }, []],
    ['another account than the path’s last', payload(), { impersonationPath: [DELEGATE, LOADER] }, ['GCP_IMPERSONATION_OTHER_ACCOUNT']],
    ['no email claim with a path', payload({ email: undefined }), { impersonationPath: [LOADER] }, []],
  ];
  it.each(cases)('%s', (_name, claims, options, expected) => {
    const described = describeGcpToken(header, claims, NOW, options);
    expect(described.traps.map((trap) => trap.code)).toEqual(expected);
    expect(described.traps.every((trap) => trap.severity === 'error')).toBe(true);
  });
  it('says what the token says, and registers its sub', () => {
    const { facts, registration } = describeGcpToken(header, payload(), NOW);
    expect(registration).toEqual({ type: 'GCP', subject: ID });
    expect(facts).toMatchObject({ issuer: GOOGLE_ISSUER, subject: ID, email: RUNTIME, audience: [GCP_AUDIENCE], algorithm: 'RS256', platform: 'gcp-metadata' });
    expect(facts.expiresAt).toBe(new Date((S + 3590) * 1000).toISOString());
    expect(facts.issuedAt).toBe(new Date((S - 10) * 1000).toISOString());
  });
  it('without email, exp or alg', () => {
    const { facts } = describeGcpToken({}, payload({ email: 42, exp: 'soon', iat: Number.NaN }), NOW);
    expect(facts).toMatchObject({ email: null, expiresAt: null, issuedAt: null, algorithm: null });
  });
  it("the wrong audience's fix names the audience to mint", () => {
    const [trap] = describeGcpToken(header, payload({ aud: 'https://example.com' }), NOW).traps;
    expect(trap?.message).toBe(`the token is for "https://example.com", not ${GCP_AUDIENCE}: Snowflake refuses a GCP token minted for another audience`);
    expect(trap?.fix).toContain(`audience=${GCP_AUDIENCE}`);
  });
});

describe('registrationMismatch', () => {
  const facts = { subject: LOADER_ID, email: LOADER };
  const chain = { source: { email: RUNTIME, uniqueId: ID }, path: [DELEGATE, LOADER] };
  const cases: Array<[string, string, Parameters<typeof registrationMismatch>[2], string[]]> = [
    ['the same ID', LOADER_ID, chain, []],
    ["the token's e-mail", LOADER, chain, ['GCP_SUBJECT_EMAIL']],
    ["the token's e-mail in capitals", LOADER.toUpperCase(), chain, ['GCP_SUBJECT_EMAIL']],
    ["the workload's own ID", ID, chain, ['GCP_IMPERSONATION_NOT_LAST']],
    ["the workload's own e-mail", RUNTIME, chain, ['GCP_IMPERSONATION_NOT_LAST']],
    ['a delegate', DELEGATE, chain, ['GCP_IMPERSONATION_NOT_LAST']],
    ["the workload's own ID without a path", ID, { source: chain.source, path: [] }, ['GCP_SUBJECT_OTHER_ACCOUNT']],
    ['another e-mail', 'other@proj.iam.gserviceaccount.com', chain, ['GCP_SUBJECT_OTHER_ACCOUNT']],
    ['another ID', '999', chain, ['GCP_SUBJECT_OTHER_ACCOUNT']],
    ['no chain known', ID, undefined, ['GCP_SUBJECT_OTHER_ACCOUNT']],
  ];
  it.each(cases)('%s', (_name, registered, given, expected) => {
    expect(registrationMismatch(facts, registered, given).map((trap) => trap.code)).toEqual(expected);
  });
  it('every mismatch carries the SQL that registers the token', () => {
    for (const registered of [LOADER, ID, DELEGATE, '999']) {
      const [trap] = registrationMismatch(facts, registered, chain, 'GCP_LOADER');
      expect(trap?.fix).toBe(`ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${LOADER_ID}');`);
      expect(trap?.subject).toBe(LOADER_ID);
    }
  });
  it('without the e-mail claim, the account is named by its ID', () => {
    expect(registrationMismatch({ subject: LOADER_ID, email: null }, '999')[0]?.message).toBe(`SUBJECT 999 is not the token's subject ${LOADER_ID} (the account with unique ID ${LOADER_ID})`);
  });
});

describe('parseImpersonationPath', () => {
  const cases: Array<[string | string[] | undefined, string[]]> = [
    [undefined, []],
    ['', []],
    [LOADER, [LOADER]],
    [`${DELEGATE},${LOADER}`, [DELEGATE, LOADER]],
    [` ${DELEGATE} , ${LOADER} ,`, [DELEGATE, LOADER]],
    [[DELEGATE, LOADER], [DELEGATE, LOADER]],
    [[`${DELEGATE},${LOADER}`], [DELEGATE, LOADER]],
  ];
  it.each(cases)('%j', (value, expected) => {
    expect(parseImpersonationPath(value)).toEqual(expected);
  });
  const refused: Array<[string, string]> = [
    ['an AWS role ARN', 'arn:aws:iam::123456789012:role/x'],
    ['a unique ID', ID],
    ['a control character', 'a\u001b]0;x@y.z'],
    ['eleven accounts', Array.from({ length: 11 }, (_, i) => `sa${i}@p.iam.gserviceaccount.com`).join(',')],
  ];
  it.each(refused)('refuses %s (exit 2)', (_name, value) => {
    let error: unknown;
    try {
      parseImpersonationPath(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WifError);
    expect((error as WifError).code).toBe('BAD_IMPERSONATION_PATH');
    expect((error as WifError).exitCode).toBe(2);
    expect((error as WifError).message).not.toContain('\u001b');
  });
  it('takes ten accounts', () => {
    expect(parseImpersonationPath(Array.from({ length: 10 }, (_, i) => `sa${i}@p.iam.gserviceaccount.com`).join(','))).toHaveLength(10);
  });
});

describe('metadataHost', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{}, '169.254.169.254'],
    [{ GCE_METADATA_HOST: '127.0.0.1:8080' }, '127.0.0.1:8080'],
    [{ GCE_METADATA_HOST: '', GCE_METADATA_IP: '' }, '169.254.169.254'],
    [{ GCE_METADATA_IP: '10.0.0.1', GCE_METADATA_HOST: '127.0.0.1:8080' }, '10.0.0.1'],
    [{ GCE_METADATA_HOST: ' metadata.google.internal ' }, 'metadata.google.internal'],
  ];
  it.each(cases)('%j', (env, expected) => {
    expect(metadataHost(env)).toBe(expected);
  });
});

describe('diagnoseGcpLogin', () => {
  const context = {
    account: 'myorg-acct',
    url: 'https://myorg-acct.snowflakecomputing.com',
    timeoutMs: 30_000,
    facts: { subject: LOADER_ID, email: LOADER, audience: [GCP_AUDIENCE] },
    traps: [],
    impersonationPath: [] as string[],
  };
  const unmapped = { name: 'OperationFailedError', code: '390432', message: 'Unable to find an associated Snowflake user for the verified GCP identity token.' };
  it('an unmapped token: USER_NOT_MAPPED with the registration', () => {
    const d = diagnoseGcpLogin(unmapped, { ...context, expectUser: 'GCP_LOADER' });
    expect(d.code).toBe('USER_NOT_MAPPED');
    expect(d.kind).toBe('verification');
    expect(d.message).toBe(`Snowflake verified the GCP identity token (subject ${LOADER_ID} (${LOADER}), audience ${GCP_AUDIENCE}) but no Snowflake user is mapped to it`);
    expect(d.hint).toContain(`ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${LOADER_ID}');`);
    expect(d.hint).toContain(uniqueIdCommand(LOADER));
    expect(d.hint).not.toContain('LAST account');
    expect(d.snowflake).toEqual({ code: '390432', message: unmapped.message });
  });
  it('with a path, the fix says the last account is the one to register', () => {
    const d = diagnoseGcpLogin(unmapped, { ...context, impersonationPath: [DELEGATE, LOADER], source: { email: RUNTIME, uniqueId: ID } });
    expect(d.hint).toContain(`With --impersonation-path the token is the chain's LAST account's (${LOADER}), not the workload's own (${RUNTIME}, unique ID ${ID}): register the last one.`);
  });
  it('another refusal: TOKEN_REJECTED, with the token traps first', () => {
    const trap = { code: 'GCP_WRONG_AUDIENCE', severity: 'error' as const, message: 'the token is for "x"', fix: 'mint it for snowflakecomputing.com' };
    const d = diagnoseGcpLogin({ name: 'OperationFailedError', code: '390431', message: 'The token could not be verified.' }, { ...context, traps: [trap] });
    expect(d.code).toBe('TOKEN_REJECTED');
    expect(d.hint?.split('\n').slice(0, 2)).toEqual(['the token is for "x"', '  mint it for snowflakecomputing.com']);
  });
  it('a refusal by an authentication policy names GCP', () => {
    const d = diagnoseGcpLogin({ name: 'OperationFailedError', code: '390202', message: 'Authentication attempt rejected by the current authentication policy.' }, context);
    expect(d.code).toBe('AUTHENTICATION_POLICY_REJECTED');
    expect(d.hint).toContain('ALLOWED_PROVIDERS = (<its providers>, GCP)');
    expect(d.hint).toContain(`GCP service account ${LOADER_ID}`);
  });
  it('a network failure is not the identity', () => {
    const d = diagnoseGcpLogin({ name: 'NetworkError', message: 'connect ECONNREFUSED', causeCode: 'ECONNREFUSED', reachedSnowflake: false }, context);
    expect(d.code).not.toBe('USER_NOT_MAPPED');
    expect(d.code).not.toBe('TOKEN_REJECTED');
  });
  it("a role refusal is not the identity's", () => {
    const d = diagnoseGcpLogin({ name: 'OperationFailedError', code: '390189', message: "Role 'X' specified in the connect string does not exist or not authorized." }, context);
    expect(d.code).not.toBe('TOKEN_REJECTED');
  });
});
