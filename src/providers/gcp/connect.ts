/**
 * `wif-check connect --provider gcp`: log in with WORKLOAD_IDENTITY, provider GCP, exactly as an
 * application would — the Node driver gets its own token from the metadata server (or through the
 * impersonation path) with google-auth-library — against the validated host only, and prove which
 * user the token maps to. Before the login wif-check gets the same token the same way (./token.ts),
 * so that an identity-side failure is exit 3 with its cause, and a refusal names what the token
 * said. Every failure is diagnosed (./diagnose.ts).
 */
import { parseExpectUser } from '../../core/diagnose.js';
import { WifError } from '../../core/errors.js';
import { escapeControl } from '../../core/terminal-text.js';
import { identifierForTypedName } from '../../core/sql.js';
import { resolveSnowflakeSettings, type SettingsSources, type SnowflakeSettings } from '../../core/snowflake-settings.js';
import { httpsProxy } from '../../process-env.js';
import type { FoundConnection } from '../../snowflake/config-files.js';
import type { Trap } from '../types.js';
import { diagnoseGcpLogin } from './diagnose.js';
import { loginSettings, tokenLogin } from '../oidc/connect.js';
import { gcpIdentity, type GcpIdentity } from './identity.js';
import type { GcpRegistration } from './rules.js';
import { gcpRegistrationSql } from './sql.js';
import { tokenConnect, tokenConnectDocument, unexpectedMappedUser } from '../token-login.js';

/** The token is asked for within this part of the budget; the rest is the login's. */
const TOKEN_BUDGET_MS = 10_000;

export interface GcpConnectInput {
  named: FoundConnection | undefined;
  settingsFlags: Parameters<typeof resolveSnowflakeSettings>[0];
  settingsSources: SettingsSources;
  env: Readonly<Record<string, string | undefined>>;
  expectUser?: string | undefined;
  impersonationPath?: string | readonly string[] | undefined;
  timeoutMs: number;
  deadline: number;
}

export interface GcpConnectResult {
  ok: true;
  provider: 'gcp';
  user: string;
  role: string | null;
  account: string;
  accountIdentifier: string;
  elapsedMs: number;
  issuer: string;
  subject: string;
  email: string | null;
  audience: string[];
  impersonationPath: string[];
  registration: GcpRegistration;
  traps: Trap[];
  warnings: string[];
}

export interface GcpLoginPrepared<S extends SnowflakeSettings | undefined = SnowflakeSettings> {
  settings: S;
  identity: GcpIdentity;
  expectUser: string | undefined;
}

/** Settings and the token; usage (2) and identity-side (3) errors before anything reaches Snowflake. */
export async function prepareGcpLogin(input: GcpConnectInput): Promise<GcpLoginPrepared>;
export async function prepareGcpLogin(input: GcpConnectInput, requireAccount: false): Promise<GcpLoginPrepared<SnowflakeSettings | undefined>>;
export async function prepareGcpLogin(input: GcpConnectInput, requireAccount = true): Promise<GcpLoginPrepared<SnowflakeSettings | undefined>> {
  const settings = loginSettings(input, requireAccount);
  const expectUser = parseExpectUser(input.expectUser);
  const identity = await gcpIdentity({
    impersonationPath: input.impersonationPath,
    env: input.env,
    timeoutMs: Math.min(TOKEN_BUDGET_MS, Math.max(1_000, input.deadline - Date.now())),
    expiresWithinMs: Math.max(1_000, input.deadline - Date.now()),
  });
  return { settings, identity, expectUser };
}

/** The login itself, the driver getting its own token (provider GCP): a session, or the diagnosed failure. */
export async function attemptGcpLogin(prepared: GcpLoginPrepared, deadline: number): ReturnType<typeof tokenLogin> {
  const { settings, identity } = prepared;
  const path = identity.token.impersonationPath;
  return tokenLogin(settings, deadline, { provider: 'GCP', ...(path.length ? { impersonationPath: path } : {}), secrets: [identity.token.secret] }, (fields, budgetMs) =>
    diagnoseGcpLogin(fields, {
      account: settings.account,
      url: settings.url,
      timeoutMs: budgetMs,
      facts: identity.facts,
      traps: identity.traps,
      impersonationPath: path,
      source: identity.token.source,
      expectUser: prepared.expectUser === undefined ? undefined : identifierForTypedName(prepared.expectUser),
      proxy: httpsProxy(),
    }),
  );
}

/** Logged in as another user than --expect-user: move the registration. */
export function unexpectedGcpUser(actualUser: string, expectUser: string, subject: string): WifError {
  return unexpectedMappedUser(actualUser, expectUser, `this service account (unique ID ${escapeControl(subject)})`, gcpRegistrationSql(expectUser, subject));
}

export async function gcpConnect(input: GcpConnectInput & { onLoginStart?: (() => void) | undefined; started: number }): Promise<GcpConnectResult> {
  const prepared = await prepareGcpLogin(input);
  const { identity } = prepared;
  const done = await tokenConnect(prepared, input, () => attemptGcpLogin(prepared, input.deadline), (actual, expected) => unexpectedGcpUser(actual, expected, identity.facts.subject));
  return {
    ok: true,
    provider: 'gcp',
    ...done,
    issuer: identity.facts.issuer,
    subject: identity.facts.subject,
    email: identity.facts.email,
    audience: identity.facts.audience,
    impersonationPath: identity.token.impersonationPath,
  };
}

export const gcpConnectDocument: (result: GcpConnectResult) => Record<string, unknown> = tokenConnectDocument;

export function renderGcpConnect(result: GcpConnectResult, color: { green(text: string): string; bold(text: string): string; dim(text: string): string }): string {
  return [
    `${color.green('✔')} Logged in to ${result.accountIdentifier} with WORKLOAD_IDENTITY (GCP) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `  user ${color.bold(result.user)}   role ${color.bold(result.role ?? '(none)')}`,
    `  ${color.dim(`as service account ${result.email ?? '(no email claim)'}, unique ID ${result.subject}${result.impersonationPath.length ? `, through ${result.impersonationPath.join(' → ')}` : ''}`)}`,
  ].join('\n');
}
