/**
 * `wif-check connect --provider oidc`: log in with WORKLOAD_IDENTITY, provider OIDC, exactly as an
 * application would (the Node driver with the token in its `token` option), against the validated
 * host only, and prove which user the token maps to. Every failure is diagnosed
 * (src/providers/oidc/diagnose.ts).
 */
import { parseExpectUser, type Diagnosis, type DriverErrorFields } from '../../core/diagnose.js';
import type { LoginSettings } from '../../snowflake/driver.js';
import { WifError, usageError } from '../../core/errors.js';
import { escapeControl } from '../../core/terminal-text.js';
import { identifierForTypedName } from '../../core/sql.js';
import { resolveSnowflakeSettings, type SettingsSources, type SnowflakeSettings } from '../../core/snowflake-settings.js';
import type { FoundConnection } from '../../snowflake/config-files.js';
import type { OidcPlatform, Registration, Trap } from '../types.js';
import { diagnoseOidcLogin } from './diagnose.js';
import { httpsProxy } from '../../process-env.js';
import { oidcIdentity, type OidcIdentity } from './identity.js';
import { oidcIdentityClause } from './sql.js';
import { tokenConnect, tokenConnectDocument, unexpectedMappedUser } from '../token-login.js';

/** The token is asked for within this part of the budget; the rest is the login's. */
const TOKEN_BUDGET_MS = 10_000;

export interface OidcConnectInput {
  named: FoundConnection | undefined;
  settingsFlags: Parameters<typeof resolveSnowflakeSettings>[0];
  settingsSources: SettingsSources;
  env: Readonly<Record<string, string | undefined>>;
  tokenFile?: string | undefined;
  audience?: string | undefined;
  expectUser?: string | undefined;
  impersonationPath?: string | readonly string[] | undefined;
  timeoutMs: number;
  deadline: number;
}

export interface OidcConnectResult {
  ok: true;
  provider: 'oidc';
  user: string;
  role: string | null;
  account: string;
  accountIdentifier: string;
  elapsedMs: number;
  issuer: string;
  subject: string;
  audience: string[];
  platform: OidcPlatform | null;
  registration: Extract<Registration, { type: 'OIDC' }>;
  traps: Trap[];
  warnings: string[];
}

export interface OidcLoginPrepared<S extends SnowflakeSettings | undefined = SnowflakeSettings> {
  settings: S;
  identity: OidcIdentity;
  expectUser: string | undefined;
}

/** The Snowflake settings of a token provider's login (shared with src/providers/gcp/connect.ts): doctor may go without an account. */
export function loginSettings(
  input: { settingsFlags: Parameters<typeof resolveSnowflakeSettings>[0]; env: Readonly<Record<string, string | undefined>>; named: FoundConnection | undefined; settingsSources: SettingsSources },
  requireAccount: boolean,
): SnowflakeSettings | undefined {
  return requireAccount
    ? resolveSnowflakeSettings(input.settingsFlags, input.env, input.named?.values, { sources: input.settingsSources })
    : resolveSnowflakeSettings(input.settingsFlags, input.env, input.named?.values, { requireAccount: false, sources: input.settingsSources });
}

/**
 * A token provider's login through the driver (shared with src/providers/gcp/connect.ts): a session,
 * or the failure `diagnose` names, as a WifError.
 */
export async function tokenLogin(
  settings: SnowflakeSettings,
  deadline: number,
  login: Pick<LoginSettings, 'provider' | 'token' | 'impersonationPath' | 'secrets'>,
  diagnose: (fields: DriverErrorFields, budgetMs: number) => Diagnosis,
): Promise<OidcLoginOutcome> {
  const { loginAndIdentify, DriverFailure } = await import('../../snowflake/driver.js');
  const budgetMs = Math.max(1_000, deadline - Date.now());
  try {
    const session = await loginAndIdentify({ ...settings, ...login, timeoutMs: budgetMs });
    return { ok: true, session, loggedInAt: performance.now() };
  } catch (failure) {
    if (!(failure instanceof DriverFailure)) throw failure;
    const diagnosis = diagnose(failure.fields, budgetMs);
    return { ok: false, error: new WifError(diagnosis.kind, diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint, snowflake: diagnosis.snowflake }) };
  }
}

/** Settings and the token; usage (2) and identity-side (3) errors before anything reaches Snowflake. */
export async function prepareOidcLogin(input: OidcConnectInput): Promise<OidcLoginPrepared>;
export async function prepareOidcLogin(input: OidcConnectInput, requireAccount: false): Promise<OidcLoginPrepared<SnowflakeSettings | undefined>>;
export async function prepareOidcLogin(input: OidcConnectInput, requireAccount = true): Promise<OidcLoginPrepared<SnowflakeSettings | undefined>> {
  const settings = loginSettings(input, requireAccount);
  const expectUser = parseExpectUser(input.expectUser);
  const path = input.impersonationPath;
  if (path !== undefined && (typeof path === 'string' ? path.trim() !== '' : path.length > 0)) {
    throw usageError('--impersonation-path is for AWS (and GCP): an OIDC token is presented as it is', 'BAD_IMPERSONATION_PATH');
  }
  const identity = await oidcIdentity({
    tokenFile: input.tokenFile,
    audience: input.audience,
    env: input.env,
    timeoutMs: Math.min(TOKEN_BUDGET_MS, Math.max(1_000, input.deadline - Date.now())),
    expiresWithinMs: Math.max(1_000, input.deadline - Date.now()),
  });
  return { settings, identity, expectUser };
}

export type OidcLoginOutcome =
  | { ok: true; session: { user: string; role: string | null; account: string }; loggedInAt: number }
  | { ok: false; error: WifError };

/** The login itself: a session, or the diagnosed failure. */
export async function attemptOidcLogin(prepared: OidcLoginPrepared, deadline: number): Promise<OidcLoginOutcome> {
  const { settings, identity } = prepared;
  return tokenLogin(settings, deadline, { provider: 'OIDC', token: identity.token.secret, secrets: [identity.token.secret] }, (fields, budgetMs) =>
    diagnoseOidcLogin(fields, {
      account: settings.account,
      url: settings.url,
      timeoutMs: budgetMs,
      facts: identity.facts,
      registration: identity.registration,
      traps: identity.traps,
      expectUser: prepared.expectUser === undefined ? undefined : identifierForTypedName(prepared.expectUser),
      proxy: httpsProxy(),
    }),
  );
}

/** Logged in as another user than --expect-user: move the registration. */
export function unexpectedOidcUser(actualUser: string, expectUser: string, registration: Extract<Registration, { type: 'OIDC' }>): WifError {
  const expected = identifierForTypedName(expectUser) ?? '<expected user>';
  return unexpectedMappedUser(
    actualUser,
    expectUser,
    `this token (issuer ${escapeControl(registration.issuer)}, subject ${escapeControl(registration.subject)})`,
    `ALTER USER ${expected} SET ${oidcIdentityClause(registration)};`,
  );
}

export async function oidcConnect(input: OidcConnectInput & { onLoginStart?: (() => void) | undefined; started: number }): Promise<OidcConnectResult> {
  const prepared = await prepareOidcLogin(input);
  const { identity } = prepared;
  const done = await tokenConnect(prepared, input, () => attemptOidcLogin(prepared, input.deadline), (actual, expected) => unexpectedOidcUser(actual, expected, identity.registration));
  return {
    ok: true,
    provider: 'oidc',
    ...done,
    issuer: identity.facts.issuer,
    subject: identity.facts.subject,
    audience: identity.facts.audience,
    platform: identity.facts.platform,
  };
}

export const oidcConnectDocument: (result: OidcConnectResult) => Record<string, unknown> = tokenConnectDocument;

export function renderOidcConnect(result: OidcConnectResult, color: { green(text: string): string; bold(text: string): string; dim(text: string): string }): string {
  return [
    `${color.green('✔')} Logged in to ${result.accountIdentifier} with WORKLOAD_IDENTITY (OIDC${result.platform ? `, ${result.platform}` : ''}) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `  user ${color.bold(result.user)}   role ${color.bold(result.role ?? '(none)')}`,
    `  ${color.dim(`as subject ${result.subject}, issuer ${result.issuer}`)}`,
  ].join('\n');
}
