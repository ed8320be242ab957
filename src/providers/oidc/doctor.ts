/**
 * `wif-check doctor --provider oidc`: the checklist for a workload that logs in with an OIDC token
 * (GitHub Actions, GitLab, Kubernetes): where the token came from, what it says, every trap found
 * in it, the login, the mapped user, and with --admin-connection what Snowflake has registered and
 * why it does (not) match. Each failed check carries its fix.
 */
import { parseExpectUser, userMatches } from '../../core/diagnose.js';
import { EXIT_CODES, WifError } from '../../core/errors.js';
import { identifierForTypedName } from '../../core/sql.js';
import { Checklist, addRegistrationChecks, type DoctorOptions, type DoctorReport } from '../../commands/doctor.js';
import { settingsSources } from '../../commands/connect.js';
import type { FoundConnection } from '../../snowflake/config-files.js';
import type { SnowflakeSettings } from '../../core/snowflake-settings.js';
import { TOKEN_SOURCE_LABELS } from './identity.js';
import { attemptOidcLogin, prepareOidcLogin, unexpectedOidcUser, type OidcLoginPrepared } from './connect.js';

export async function oidcDoctor(input: { options: DoctorOptions; env: NodeJS.ProcessEnv; named: FoundConnection | undefined; timeoutMs: number; deadline: number }): Promise<DoctorReport> {
  const { options, env, named, deadline } = input;
  const list = new Checklist();
  const warnings = [...(named?.warnings ?? [])];
  const expectUser = parseExpectUser(options.expectUser);
  let prepared: OidcLoginPrepared<SnowflakeSettings | undefined> | undefined;
  try {
    prepared = await prepareOidcLogin({
      named,
      settingsFlags: options,
      settingsSources: settingsSources(named, options.optionLabel),
      env,
      tokenFile: options.tokenFile,
      audience: options.audience,
      expectUser: options.expectUser,
      impersonationPath: options.impersonationPath,
      timeoutMs: input.timeoutMs,
      deadline,
    }, false);
  } catch (error) {
    if (!(error instanceof WifError) || error.kind === 'usage') throw error;
    list.fail('oidc-token', error);
  }
  const identity = prepared?.identity;
  let user: string | null = null;
  let role: string | null = null;
  if (identity) {
    const { facts } = identity;
    list.add('oidc-token', 'ok', `from ${TOKEN_SOURCE_LABELS[identity.token.source]} (${identity.token.origin})${facts.platform ? `, issued by ${facts.platform}` : ''}`);
    list.add('oidc-claims', 'ok', `issuer ${facts.issuer}, subject ${facts.subject}, audience ${facts.audience.join(', ') || '(none)'}${facts.expiresAt ? `, expires ${facts.expiresAt}` : ''}`);
    for (const trap of identity.traps) {
      if (trap.severity === 'info') continue;
      list.add('oidc-trap', trap.severity === 'error' ? 'fail' : 'warn', trap.message, { code: trap.code, fix: trap.fix, kind: 'verification' });
    }
  } else {
    list.skip(['oidc-claims'], 'skipped: no token');
  }

  if (options.adminConnection && identity) {
    // Before the login is tried: what is registered, and which gate before the mapping would stop this token.
    const { oidcRegistrationCheck } = await import('./registration.js');
    const registration = await oidcRegistrationCheck({
      connection: options.adminConnection,
      facts: identity.facts,
      registration: identity.registration,
      expectUser: expectUser === undefined ? undefined : (identifierForTypedName(expectUser) ?? expectUser),
      env,
      // Before the login: at most half of what is left, so a slow administrator side cannot starve it.
      timeoutMs: Math.max(1_000, Math.floor((deadline - Date.now()) / 2)),
    });
    warnings.push(...registration.warnings);
    addRegistrationChecks(list, registration);
  }

  const settings = prepared?.settings;
  if (prepared && !settings) {
    list.skip(['login', 'user'], 'no Snowflake account given (--account or SNOWFLAKE_ACCOUNT): the token only');
  } else if (!prepared || !settings || list.checks.some((check) => check.status === 'fail')) {
    list.skip(['login', 'user'], 'skipped: fix the checks above first');
  } else {
    const outcome = await attemptOidcLogin({ ...prepared, settings }, deadline);
    if (!outcome.ok) {
      list.fail('login', outcome.error);
      list.skip(['user'], 'skipped: no session');
    } else {
      user = outcome.session.user;
      role = outcome.session.role;
      list.add('login', 'ok', `logged in to ${settings.account} with WORKLOAD_IDENTITY (OIDC)`);
      const detail = `${user} (role ${role ?? 'none'})`;
      if (expectUser === undefined || userMatches(expectUser, user)) list.add('user', 'ok', expectUser === undefined ? detail : `${detail}, as expected`);
      else list.fail('user', unexpectedOidcUser(user, expectUser, prepared.identity.registration));
    }
  }

  const firstFailure = list.checks.find((check) => check.status === 'fail');
  return {
    ok: firstFailure === undefined,
    provider: 'oidc',
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
