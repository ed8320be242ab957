/**
 * `wif-check connect --provider azure`: log in with WORKLOAD_IDENTITY, provider AZURE, exactly as an
 * application would — the Node driver gets its own token through its own DefaultAzureCredential
 * (workloadIdentityAzureClientId, workloadIdentityAzureEntraIdResource) — against the validated
 * host only, and prove which user the identity maps to. wif-check asks for the same token first
 * (./identity.ts), so that a failure names what the token says and the registration that matches.
 */
import { parseExpectUser } from '../../core/diagnose.js';
import { WifError, usageError } from '../../core/errors.js';
import { escapeControl } from '../../core/terminal-text.js';
import { identifierForTypedName } from '../../core/sql.js';
import { resolveSnowflakeSettings, type SettingsSources, type SnowflakeSettings } from '../../core/snowflake-settings.js';
import { httpsProxy } from '../../process-env.js';
import type { FoundConnection } from '../../snowflake/config-files.js';
import type { OidcPlatform, Trap } from '../types.js';
import { diagnoseAzureLogin } from './diagnose.js';
import { azureEnvironmentTraps, azureIdentity, type AzureIdentity } from './identity.js';
import type { AzureRegistration } from './rules.js';
import { azureIdentityClause } from './sql.js';
import { tokenConnect, tokenConnectDocument, unexpectedMappedUser } from '../token-login.js';
import { withEnvironmentTraps } from './whoami.js';

/** The token is asked for within this part of the budget (the SDK's IMDS retries take seconds); the rest is the login's. */
const TOKEN_BUDGET_MS = 20_000;

export interface AzureConnectInput {
  named: FoundConnection | undefined;
  settingsFlags: Parameters<typeof resolveSnowflakeSettings>[0];
  settingsSources: SettingsSources;
  env: Readonly<Record<string, string | undefined>>;
  clientId?: string | undefined;
  resource?: string | undefined;
  expectUser?: string | undefined;
  impersonationPath?: string | readonly string[] | undefined;
  timeoutMs: number;
  deadline: number;
}

export interface AzureConnectResult {
  ok: true;
  provider: 'azure';
  user: string;
  role: string | null;
  account: string;
  accountIdentifier: string;
  elapsedMs: number;
  issuer: string;
  subject: string;
  clientId: string | null;
  tenant: string | null;
  platform: OidcPlatform | null;
  registration: AzureRegistration;
  traps: Trap[];
  warnings: string[];
}

export interface AzureLoginPrepared<S extends SnowflakeSettings | undefined = SnowflakeSettings> {
  settings: S;
  identity: AzureIdentity;
  expectUser: string | undefined;
  clientId: string | undefined;
  resource: string | undefined;
}

/** Settings and the token; usage (2) and identity-side (3) errors before anything reaches Snowflake. */
export async function prepareAzureLogin(input: AzureConnectInput): Promise<AzureLoginPrepared>;
export async function prepareAzureLogin(input: AzureConnectInput, requireAccount: false): Promise<AzureLoginPrepared<SnowflakeSettings | undefined>>;
export async function prepareAzureLogin(input: AzureConnectInput, requireAccount = true): Promise<AzureLoginPrepared<SnowflakeSettings | undefined>> {
  const settings = requireAccount
    ? resolveSnowflakeSettings(input.settingsFlags, input.env, input.named?.values, { sources: input.settingsSources })
    : resolveSnowflakeSettings(input.settingsFlags, input.env, input.named?.values, { requireAccount: false, sources: input.settingsSources });
  const expectUser = parseExpectUser(input.expectUser);
  const path = input.impersonationPath;
  if (path !== undefined && (typeof path === 'string' ? path.trim() !== '' : path.length > 0)) {
    // snowflake-sdk 3.4.1: "workloadIdentityImpersonationPath for AZURE is not supported".
    throw usageError('--impersonation-path is for AWS and GCP: the drivers do not chain Azure identities', 'BAD_IMPERSONATION_PATH');
  }
  let identity: AzureIdentity;
  try {
    identity = await azureIdentity({
      clientId: input.clientId,
      resource: input.resource,
      env: input.env,
      timeoutMs: Math.min(TOKEN_BUDGET_MS, Math.max(1_000, input.deadline - Date.now())),
      expiresWithinMs: Math.max(1_000, input.deadline - Date.now()),
    });
  } catch (error) {
    throw withEnvironmentTraps(error, azureEnvironmentTraps({ clientId: input.clientId, env: input.env }));
  }
  return { settings, identity, expectUser, clientId: input.clientId, resource: input.resource };
}

export type AzureLoginOutcome = { ok: true; session: { user: string; role: string | null; account: string }; loggedInAt: number } | { ok: false; error: WifError };

export async function attemptAzureLogin(prepared: AzureLoginPrepared, deadline: number): Promise<AzureLoginOutcome> {
  const { loginAndIdentify, DriverFailure } = await import('../../snowflake/driver.js');
  const { settings, identity } = prepared;
  const budgetMs = Math.max(1_000, deadline - Date.now());
  try {
    const session = await loginAndIdentify({ ...settings, provider: 'AZURE', azureClientId: prepared.clientId, azureResource: prepared.resource, secrets: [identity.token.secret], timeoutMs: budgetMs });
    return { ok: true, session, loggedInAt: performance.now() };
  } catch (failure) {
    if (!(failure instanceof DriverFailure)) throw failure;
    const diagnosis = diagnoseAzureLogin(failure.fields, {
      account: settings.account,
      url: settings.url,
      timeoutMs: budgetMs,
      facts: identity.facts,
      registration: identity.registration,
      traps: identity.traps,
      expectUser: prepared.expectUser === undefined ? undefined : identifierForTypedName(prepared.expectUser),
      proxy: httpsProxy(),
    });
    return { ok: false, error: new WifError(diagnosis.kind, diagnosis.message, { code: diagnosis.code, hint: diagnosis.hint, snowflake: diagnosis.snowflake }) };
  }
}

/** Logged in as another user than --expect-user: move the registration. */
export function unexpectedAzureUser(actualUser: string, expectUser: string, registration: AzureRegistration): WifError {
  const expected = identifierForTypedName(expectUser) ?? '<expected user>';
  return unexpectedMappedUser(
    actualUser,
    expectUser,
    `this identity (issuer ${escapeControl(registration.issuer)}, subject ${escapeControl(registration.subject)})`,
    `ALTER USER ${expected} SET ${azureIdentityClause(registration)};`,
  );
}

export async function azureConnect(input: AzureConnectInput & { onLoginStart?: (() => void) | undefined; started: number }): Promise<AzureConnectResult> {
  const prepared = await prepareAzureLogin(input);
  const { identity } = prepared;
  const done = await tokenConnect(prepared, input, () => attemptAzureLogin(prepared, input.deadline), (actual, expected) => unexpectedAzureUser(actual, expected, identity.registration));
  return {
    ok: true,
    provider: 'azure',
    ...done,
    issuer: identity.facts.issuer,
    subject: identity.facts.subject,
    clientId: identity.facts.clientId,
    tenant: identity.facts.tenant,
    platform: identity.facts.platform,
  };
}

export const azureConnectDocument: (result: AzureConnectResult) => Record<string, unknown> = tokenConnectDocument;

export function renderAzureConnect(result: AzureConnectResult, color: { green(text: string): string; bold(text: string): string; dim(text: string): string }): string {
  return [
    `${color.green('✔')} Logged in to ${result.accountIdentifier} with WORKLOAD_IDENTITY (AZURE${result.platform ? `, ${result.platform}` : ''}) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `  user ${color.bold(result.user)}   role ${color.bold(result.role ?? '(none)')}`,
    `  ${color.dim(`as object ID ${result.subject}, issuer ${result.issuer}`)}`,
  ].join('\n');
}
