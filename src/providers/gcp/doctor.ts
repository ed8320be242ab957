/**
 * `wif-check doctor --provider gcp`: the checklist for a workload on Google Cloud (GCE, Cloud Run,
 * Cloud Functions, GKE): where the token came from, what it says, every trap found in it, the
 * login (the driver getting its own token, as an application does), the mapped user, and with
 * --admin-connection what Snowflake has registered and why it does (not) match. Each failed check
 * carries its fix. The Checklist and report are doctor's own (src/commands/doctor.ts).
 */
import { parseExpectUser } from '../../core/diagnose.js';
import { addRegistrationCheck, tokenDoctorReport, tokenLoginChecks } from '../oidc/doctor.js';
import { WifError } from '../../core/errors.js';
import { identifierForTypedName } from '../../core/sql.js';
import { Checklist, type DoctorOptions, type DoctorReport } from '../../commands/doctor.js';
import { settingsSources } from '../../commands/connect.js';
import type { FoundConnection } from '../../snowflake/config-files.js';
import type { SnowflakeSettings } from '../../core/snowflake-settings.js';
import { attemptGcpLogin, prepareGcpLogin, unexpectedGcpUser, type GcpLoginPrepared } from './connect.js';

export async function gcpDoctor(input: { options: DoctorOptions; env: NodeJS.ProcessEnv; named: FoundConnection | undefined; timeoutMs: number; deadline: number }): Promise<DoctorReport> {
  const { options, env, named, deadline } = input;
  const list = new Checklist();
  const warnings = [...(named?.warnings ?? [])];
  const expectUser = parseExpectUser(options.expectUser);
  let prepared: GcpLoginPrepared<SnowflakeSettings | undefined> | undefined;
  try {
    prepared = await prepareGcpLogin(
      { named, settingsFlags: options, settingsSources: settingsSources(named, options.optionLabel), env, expectUser: options.expectUser, impersonationPath: options.impersonationPath, timeoutMs: input.timeoutMs, deadline },
      false,
    );
  } catch (error) {
    if (!(error instanceof WifError) || error.kind === 'usage') throw error;
    list.fail('gcp-token', error);
  }
  const identity = prepared?.identity;
  if (identity) {
    const { facts, token } = identity;
    const path = token.impersonationPath;
    list.add('gcp-token', 'ok', `from the ${token.origin}${path.length ? `, impersonating ${path.join(' → ')}${token.source?.email ? ` as ${token.source.email}` : ''}` : ''}`);
    list.add('gcp-claims', 'ok', `service account ${facts.email ?? '(no email claim)'}, unique ID ${facts.subject}, audience ${facts.audience.join(', ') || '(none)'}${facts.expiresAt ? `, expires ${facts.expiresAt}` : ''}`);
    for (const trap of identity.traps) {
      if (trap.severity === 'info') continue;
      list.add('gcp-trap', trap.severity === 'error' ? 'fail' : 'warn', trap.message, { code: trap.code, fix: trap.fix, kind: 'verification' });
    }
  } else {
    list.skip(['gcp-claims'], 'skipped: no token');
  }

  const { user, role } = await tokenLoginChecks(list, prepared, expectUser, {
    type: 'GCP',
    attempt: (ready) => attemptGcpLogin(ready, deadline),
    unexpected: (actual, expected, ready) => unexpectedGcpUser(actual, expected, ready.identity.facts.subject),
  });

  if (options.adminConnection && identity) {
    const { gcpRegistrationCheck } = await import('./registration.js');
    const registration = await gcpRegistrationCheck({
      connection: options.adminConnection,
      facts: identity.facts,
      chain: { source: identity.token.source, path: identity.token.impersonationPath },
      expectUser: expectUser === undefined ? undefined : (identifierForTypedName(expectUser) ?? expectUser),
      env,
      timeoutMs: Math.max(1_000, deadline - Date.now()),
    });
    addRegistrationCheck(list, warnings, registration);
  }

  return tokenDoctorReport('gcp', list, { identity, user, role, warnings });
}
