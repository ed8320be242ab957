/**
 * readAccount's bounds (issue 17, item 10), in process, against a fake admin session that answers
 * SHOW USERS pages and identity listings from a table: every cap at its value (accepted) and one
 * past it (refused: exit 4 with a stable code), and each text field at and past its cap.
 */
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import {
  MAX_ADDITIONAL_INFO_CHARS,
  MAX_AUDITED_USERS,
  MAX_IDENTITIES,
  MAX_IDENTITIES_PER_USER,
  MAX_KEPT_CHARS,
  MAX_LISTED_USERS,
  MAX_NAME_CHARS,
  MAX_TEXT_CHARS,
  SHOW_USERS_PAGE,
  readAccount,
  type AdminSession,
  type Row,
} from '../../src/snowflake/admin.js';

interface Account {
  /** How many users SHOW USERS lists. */
  users: number;
  /** The SHOW USERS row of user i (its name is U<i>, zero-padded). */
  user?: (i: number, name: string) => Row;
  /** The identity rows of user i. */
  identities?: (i: number) => Row[];
  /** A server that ignores FROM: every page is the first. */
  ignoresFrom?: boolean;
}

const nameOf = (i: number) => `U${String(i).padStart(7, '0')}`;
const identity = (name = 'DEFAULT', info: Record<string, unknown> = { awsPartition: 'aws', awsAccount: '123456789012', type: 'IAM_ROLE', iamRole: 'r' }): Row => ({
  name,
  type: 'AWS',
  last_used: null,
  created_on: '2025-01-15T09:30:00.000Z',
  additional_info: JSON.stringify(info),
});
const wif = (_i: number, name: string): Row => ({ name, type: 'SERVICE', disabled: 'false', default_role: '', has_workload_identity: 'true' });
const plain = (_i: number, name: string): Row => ({ name, type: 'PERSON', disabled: 'false', default_role: '', has_workload_identity: 'false' });

function session(account: Account): AdminSession & { statements: string[] } {
  const statements: string[] = [];
  return {
    user: 'AUDITOR',
    role: 'SECURITYADMIN',
    account: 'WIFCHECK',
    statements,
    close: async () => {},
    query: async (sql) => {
      statements.push(sql);
      const show = /^SHOW USERS LIMIT (\d+)(?: FROM '(.*)')?$/.exec(sql);
      if (show) {
        const start = show[2] === undefined || account.ignoresFrom ? 0 : Number(/^U(\d{7})/.exec(show[2])?.[1]) + 1;
        const end = Math.min(account.users, start + Number(show[1]));
        return Array.from({ length: Math.max(0, end - start) }, (_, k) => (account.user ?? plain)(start + k, nameOf(start + k)));
      }
      const listing = /^SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER "?(?:U(\d{7}))?/.exec(sql);
      if (listing) return (account.identities ?? (() => [identity()]))(Number(listing[1] ?? 0));
      throw new Error(`unexpected statement ${sql}`);
    },
  };
}

async function failure(account: Account): Promise<WifError> {
  const error = await readAccount(session(account)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WifError);
  return error as WifError;
}

const long = (length: number) => 'x'.repeat(length);

describe('readAccount: the caps, at and past each', () => {
  it(`${MAX_LISTED_USERS.toLocaleString('en-US')} users listed (none with an identity): read, in ${MAX_LISTED_USERS / SHOW_USERS_PAGE} pages and a last empty one`, async () => {
    const fake = session({ users: MAX_LISTED_USERS });
    const listing = await readAccount(fake);
    expect(listing).toEqual({ usersTotal: MAX_LISTED_USERS, users: [] });
    expect(fake.statements).toHaveLength(MAX_LISTED_USERS / SHOW_USERS_PAGE + 1);
  });

  // [name, account, code, message]
  const refusals: Array<[string, Account, string, RegExp]> = [
    ['one user more than MAX_LISTED_USERS', { users: MAX_LISTED_USERS + 1 }, 'TOO_MANY_USERS', /^SHOW USERS listed more than 100,000 users: audit stops there$/],
    ['a server whose pages never end', { users: Number.MAX_SAFE_INTEGER }, 'TOO_MANY_USERS', /more than 100,000 users/],
    ['one user with a workload identity more than MAX_AUDITED_USERS', { users: MAX_AUDITED_USERS + 1, user: wif }, 'TOO_MANY_USERS', /^more than 10,000 users have a workload identity: audit stops there$/],
    [
      'the same on a server without has_workload_identity (found as identities are read)',
      { users: MAX_AUDITED_USERS + 1, user: (_i, name) => ({ name, type: 'SERVICE' }) },
      'TOO_MANY_USERS',
      /more than 10,000 users have a workload identity/,
    ],
    [
      'one identity more than MAX_IDENTITIES_PER_USER for a user',
      { users: 3, user: wif, identities: (i) => Array.from({ length: i === 1 ? MAX_IDENTITIES_PER_USER + 1 : 1 }, (_, k) => identity(`I${k}`)) },
      'TOO_MANY_IDENTITIES',
      /listed 101 identities for U0000001: more than the 100 audit reads for one user/,
    ],
    [
      'more than MAX_IDENTITIES over the account',
      { users: MAX_IDENTITIES / MAX_IDENTITIES_PER_USER + 1, user: wif, identities: () => Array.from({ length: MAX_IDENTITIES_PER_USER }, (_, k) => identity(`I${k}`)) },
      'TOO_MANY_IDENTITIES',
      /^the account has more than 10,000 workload identities: audit stops there$/,
    ],
    [
      'more than MAX_KEPT_CHARS of text (users with long names and roles)',
      { users: 5_000, user: (i, name) => ({ ...wif(i, name), name: name + long(MAX_NAME_CHARS - name.length), default_role: long(MAX_NAME_CHARS) }) },
      'ACCOUNT_TOO_LARGE',
      /more than 4,000,000 characters of names and text: audit stops there/,
    ],
  ];
  it.each(refusals)('%s: exit 4', async (_name, account, code, message) => {
    const error = await failure(account);
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({ code, exitCode: 4 });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/check that --host and --port reach Snowflake/);
  });

  it.each([
    [`${MAX_AUDITED_USERS.toLocaleString('en-US')} users with one identity each`, { users: MAX_AUDITED_USERS, user: wif }, MAX_AUDITED_USERS, MAX_AUDITED_USERS],
    [`${MAX_IDENTITIES_PER_USER} identities for each of ${MAX_IDENTITIES / MAX_IDENTITIES_PER_USER} users`, { users: MAX_IDENTITIES / MAX_IDENTITIES_PER_USER, user: wif, identities: () => Array.from({ length: MAX_IDENTITIES_PER_USER }, (_, k) => identity(`I${k}`)) }, 100, MAX_IDENTITIES],
  ] as Array<[string, Account, number, number]>)('at the caps: %s', async (_name, account, users, identities) => {
    const listing = await readAccount(session(account));
    expect(listing.users).toHaveLength(users);
    expect(listing.users.reduce((sum, user) => sum + user.identities.length, 0)).toBe(identities);
  });

  it('the text budget counts what is kept: just under it, read', async () => {
    // 3,000 users × (512 + 7 + 512) + their identities × ~40 < 4,000,000.
    const listing = await readAccount(session({ users: 3_000, user: (i, name) => ({ ...wif(i, name), name: name + long(MAX_NAME_CHARS - name.length), default_role: long(MAX_NAME_CHARS) }) }));
    expect(listing.users).toHaveLength(3_000);
    expect(3_000 * (2 * MAX_NAME_CHARS + 7)).toBeLessThan(MAX_KEPT_CHARS);
  });

  it('a server that ignores FROM (the same page again) ends the listing, as before', async () => {
    const fake = session({ users: SHOW_USERS_PAGE * 3, ignoresFrom: true });
    expect((await readAccount(fake)).usersTotal).toBe(SHOW_USERS_PAGE);
    expect(fake.statements.filter((sql) => sql.startsWith('SHOW USERS'))).toHaveLength(2);
  });
});

describe('readAccount: each text kept from a row, exact within its cap, refused past it', () => {
  const user = (fields: Row): Account => ({ users: 1, user: (i, name) => ({ ...wif(i, name), ...fields }) });
  const withIdentity = (row: Row): Account => ({ users: 1, user: wif, identities: () => [row] });

  // [name, account, the text kept (undefined: not kept, only read)]
  it.each<[string, Account, string | undefined]>([
    ['a user name', user({ name: long(MAX_NAME_CHARS) }), long(MAX_NAME_CHARS)],
    ['a default role', user({ default_role: long(MAX_NAME_CHARS) }), long(MAX_NAME_CHARS)],
    ['a user type', user({ type: long(MAX_NAME_CHARS) }), long(MAX_NAME_CHARS).toUpperCase()],
    ['an identity name', withIdentity(identity(long(MAX_NAME_CHARS))), long(MAX_NAME_CHARS)],
    ["an identity's iamRole", withIdentity(identity('DEFAULT', { iamRole: long(MAX_NAME_CHARS) })), long(MAX_NAME_CHARS)],
    ["an identity's issuer", withIdentity(identity('DEFAULT', { issuer: `https://${long(MAX_TEXT_CHARS - 8)}` })), `https://${long(MAX_TEXT_CHARS - 8)}`],
    ['a timestamp as text', withIdentity({ ...identity(), last_used: long(MAX_TEXT_CHARS) }), long(MAX_TEXT_CHARS)],
    ['an additional_info', withIdentity({ ...identity(), additional_info: JSON.stringify({ iamRole: 'r', padding: long(MAX_ADDITIONAL_INFO_CHARS - 28) }) }), undefined],
  ])('%s at its cap is kept exactly', async (_name, account, kept) => {
    const listing = await readAccount(session(account));
    expect(listing.users).toHaveLength(1);
    if (kept !== undefined) expect(JSON.stringify(listing)).toContain(`"${kept}"`);
  });

  it.each([
    ['a user name', user({ name: long(MAX_NAME_CHARS + 1) }), /^Snowflake answered a user name of 513 characters: refused \(the limit is 512\)$/],
    ['a default role', user({ default_role: long(1_000_000) }), /a default role \(user U0000000\) of 1,000,000 characters: refused \(the limit is 512\)/],
    ['a user type', user({ type: long(MAX_NAME_CHARS + 1) }), /a user type \(user U0000000\) of 513 characters/],
    ['an identity name', withIdentity(identity(long(MAX_NAME_CHARS + 1))), /a workload identity name of 513 characters/],
    ["an identity's awsAccount", withIdentity(identity('DEFAULT', { awsAccount: long(MAX_NAME_CHARS + 1) })), /an identity's awsAccount \(identity DEFAULT\) of 513 characters/],
    ["an identity's issuer", withIdentity(identity('DEFAULT', { issuer: long(MAX_TEXT_CHARS + 1) })), /an identity's issuer \(identity DEFAULT\) of 2,049 characters: refused \(the limit is 2,048\)/],
    ['an additional_info', withIdentity({ ...identity(), additional_info: long(MAX_ADDITIONAL_INFO_CHARS + 1) }), /an additional_info \(identity DEFAULT\) of 16,385 characters: refused \(the limit is 16,384\)/],
    ['a timestamp as text', withIdentity({ ...identity(), created_on: long(MAX_TEXT_CHARS + 1) }), /a timestamp of 2,049 characters/],
  ])('%s past its cap: exit 4, UNEXPECTED_ANSWER', async (_name, account, message) => {
    const error = await failure(account);
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({ code: 'UNEXPECTED_ANSWER', exitCode: 4 });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/identifiers are at most 255 characters/);
  });
});
