/**
 * `wif-check doctor --provider azure`: the checklist for a workload that logs in with an Azure
 * managed identity or AKS workload identity: the environment the driver reads, where the token came
 * from, what it says, every trap, the login, the mapped user, and with --admin-connection what
 * Snowflake has registered and why it does (not) match. Each failed check carries its fix.
 */
import { parseExpectUser, userMatches } from '../../core/diagnose.js';
import { EXIT_CODES, WifError } from '../../core/errors.js';
import { identifierForTypedName } from '../../core/sql.js';
import { Checklist, type DoctorReport } from '../../commands/doctor.js';
import { settingsSources } from '../../commands/connect.js';
import type { SnowflakeSettings } from '../../core/snowflake-settings.js';
import type { ProviderDoctorInput } from '../registry.js';
import { attemptAzureLogin, prepareAzureLogin, unexpectedAzureUser, type AzureLoginPrepared } from './connect.js';
import { azureEnvironmentTraps } from './identity.js';
import { AZURE_SOURCE_LABELS } from './rules.js';

export async function azureDoctor(input: ProviderDoctorInput): Promise<DoctorReport> {
  const { options, env, named, deadline } = input;
  const list = new Checklist();
  const warnings = [...(named?.warnings ?? [])];
  const expectUser = parseExpectUser(options.expectUser);
  const environment = azureEnvironmentTraps({ clientId: options.azureClientId, env });
  if (environment.length === 0) list.add('azure-environment', 'ok', 'nothing in the environment keeps the driver from the identity');
  for (const trap of environment) list.add('azure-environment', trap.severity === 'error' ? 'fail' : 'warn', trap.message, { code: trap.code, fix: trap.fix, kind: 'aws' });
  let prepared: AzureLoginPrepared<SnowflakeSettings | undefined> | undefined;
  try {
    prepared = await prepareAzureLogin(
      {
        named,
        settingsFlags: options,
        settingsSources: settingsSources(named, options.optionLabel),
        env,
        clientId: options.azureClientId,
        resource: options.azureResource,
        expectUser: options.expectUser,
        impersonationPath: options.impersonationPath,
        timeoutMs: input.timeoutMs,
        deadline,
      },
      false,
    );
  } catch (error) {
    if (!(error instanceof WifError) || error.kind === 'usage') throw error;
    list.fail('azure-token', error);
  }
  const identity = prepared?.identity;
  let user: string | null = null;
  let role: string | null = null;
  if (identity) {
    const { facts } = identity;
    list.add('azure-token', 'ok', `from ${AZURE_SOURCE_LABELS[identity.token.source]} (${identity.token.origin})${facts.managedIdentity ? `, ${facts.managedIdentity.kind} identity ${facts.managedIdentity.name}` : ''}`);
    list.add('azure-claims', 'ok', `issuer ${facts.issuer}, subject ${facts.subject} (object ID), client ID ${facts.clientId ?? 'none'}, audience ${facts.audience.join(', ') || '(none)'}${facts.expiresAt ? `, expires ${facts.expiresAt}` : ''}`);
    for (const trap of identity.traps) {
      if (trap.severity === 'info' || environment.some((known) => known.code === trap.code)) continue;
      list.add('azure-trap', trap.severity === 'error' ? 'fail' : 'warn', trap.message, { code: trap.code, fix: trap.fix, kind: 'verification' });
    }
  } else {
    list.skip(['azure-claims'], 'skipped: no token');
  }

  const settings = prepared?.settings;
  if (prepared && !settings) {
    list.skip(['login', 'user'], 'no Snowflake account given (--account or SNOWFLAKE_ACCOUNT): the token only');
  } else if (!prepared || !settings || list.checks.some((check) => check.status === 'fail')) {
    list.skip(['login', 'user'], 'skipped: fix the checks above first');
  } else {
    const outcome = await attemptAzureLogin({ ...prepared, settings }, deadline);
    if (!outcome.ok) {
      list.fail('login', outcome.error);
      list.skip(['user'], 'skipped: no session');
    } else {
      user = outcome.session.user;
      role = outcome.session.role;
      list.add('login', 'ok', `logged in to ${settings.account} with WORKLOAD_IDENTITY (AZURE)`);
      const detail = `${user} (role ${role ?? 'none'})`;
      if (expectUser === undefined || userMatches(expectUser, user)) list.add('user', 'ok', expectUser === undefined ? detail : `${detail}, as expected`);
      else list.fail('user', unexpectedAzureUser(user, expectUser, prepared.identity.registration));
    }
  }

  if (options.adminConnection && identity) {
    const { azureRegistrationCheck } = await import('./registration.js');
    const registration = await azureRegistrationCheck({
      connection: options.adminConnection,
      facts: identity.facts,
      registration: identity.registration,
      expectUser: expectUser === undefined ? undefined : (identifierForTypedName(expectUser) ?? expectUser),
      env,
      timeoutMs: Math.max(1_000, deadline - Date.now()),
    });
    warnings.push(...registration.warnings);
    list.add('snowflake-registration', registration.status, registration.detail, { fix: registration.fix, code: registration.code });
  }

  const firstFailure = list.checks.find((check) => check.status === 'fail');
  return {
    ok: firstFailure === undefined,
    provider: 'azure',
    exitCode: firstFailure?.exitCode ?? EXIT_CODES.ok,
    checks: list.checks,
    awsAccount: null,
    callerArn: null,
    snowflakeArn: null,
    issuer: identity?.facts.issuer ?? null,
    subject: identity?.facts.subject ?? null,
    registration: identity?.registration ?? null,
    user,
    role,
    warnings,
  };
}
