/**
 * What the token providers (oidc, azure, gcp) share about a login that worked: the refusal when it
 * mapped to another user than --expect-user, and the connect document. Each provider names its
 * identity and the SQL that registers it.
 */
import { WifError } from '../core/errors.js';
import { identifierForStoredName } from '../core/sql.js';
import { escapeControl } from '../core/terminal-text.js';

/**
 * Logged in as another user than --expect-user: move the registration. `mapped` says what Snowflake
 * mapped (already escaped for the terminal); `registerSql` registers it on the expected user.
 */
export function unexpectedMappedUser(actualUser: string, expectUser: string, mapped: string, registerSql: string): WifError {
  const actual = escapeControl(identifierForStoredName(actualUser) ?? '<mapped user>');
  return new WifError('verification', `Logged in as ${actualUser}, not the expected user ${expectUser.trim()}`, {
    code: 'UNEXPECTED_USER',
    hint: [
      `Snowflake maps ${mapped} to user ${escapeControl(actualUser)}. Move the mapping:`,
      `  ALTER USER ${actual} UNSET WORKLOAD_IDENTITY;`,
      `  ${registerSql}`,
      'or fix --expect-user (unquoted names compare case-insensitively, "quoted" ones exactly).',
    ].join('\n'),
  });
}

/** A connect result as --json prints it: everything but the warnings (they went to stderr). */
export function tokenConnectDocument(result: { warnings: string[] }): Record<string, unknown> {
  const { warnings: _warnings, ...document } = result;
  return document;
}
