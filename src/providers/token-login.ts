/**
 * What the token providers (oidc, azure, gcp) share about a login that worked: the refusal when it
 * mapped to another user than --expect-user, and the connect document. Each provider names its
 * identity and the SQL that registers it.
 */
import { WifError } from '../core/errors.js';
import { identifierForStoredName } from '../core/sql.js';
import { escapeControl } from '../core/terminal-text.js';
import { userMatches } from '../core/diagnose.js';

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

/** What a token provider's prepared login holds that the shared flow reads. */
export interface TokenLoginPrepared<R> {
  settings: { account: string };
  expectUser: string | undefined;
  identity: { registration: R; traps: ReadonlyArray<{ severity: string; message: string }> };
}

/** A token login's outcome, as each provider's attempt returns it. */
export type TokenLoginOutcome = { ok: true; session: { user: string; role: string | null; account: string }; loggedInAt: number } | { ok: false; error: WifError };

/**
 * The login every token provider's connect makes: attempt it, refuse another user than
 * --expect-user, and the fields every successful connect carries (the provider adds its identity's).
 */
export async function tokenConnect<R, T>(
  prepared: TokenLoginPrepared<R> & { identity: { traps: T[] } },
  input: { onLoginStart?: (() => void) | undefined; started: number; named?: { warnings: readonly string[] } | undefined },
  attempt: () => Promise<TokenLoginOutcome>,
  unexpected: (actualUser: string, expectUser: string) => WifError,
): Promise<{ user: string; role: string | null; account: string; accountIdentifier: string; elapsedMs: number; registration: R; traps: T[]; warnings: string[] }> {
  input.onLoginStart?.();
  const outcome = await attempt();
  if (!outcome.ok) throw outcome.error;
  const { session } = outcome;
  const { identity } = prepared;
  if (prepared.expectUser !== undefined && !userMatches(prepared.expectUser, session.user)) throw unexpected(session.user, prepared.expectUser);
  return {
    user: session.user,
    role: session.role,
    account: session.account,
    accountIdentifier: prepared.settings.account,
    elapsedMs: Math.round(outcome.loggedInAt - input.started),
    registration: identity.registration,
    traps: identity.traps,
    warnings: [...(input.named?.warnings ?? []), ...identity.traps.filter((trap) => trap.severity === 'warn').map((trap) => trap.message)],
  };
}
