/**
 * An OIDC login that failed → one cause, one fix, one exit code (issue 18). Pure.
 *
 * Snowflake's wording for a refused OIDC login is not public (../shared/FACTS.md, "Every
 * provider": only the AWS message is known). So a refusal is read loosely: a message that names
 * no associated user is USER_NOT_MAPPED, any other refusal TOKEN_REJECTED, and both carry what the
 * token said, the traps found in it and exactly the registration that would match. Failures that
 * are not about the identity (network, TLS, timeouts, redirects, a wrong account, a role) are the
 * generic rules' (src/core/diagnose.ts).
 */
import { diagnoseLoginError, type Diagnosis, type DriverErrorFields } from '../../core/diagnose.js';
import { oneLine } from '../../core/aws-failures.js';
import { diagnoseGate } from '../../core/gates.js';
import type { OidcTokenFacts, Registration, Trap } from '../types.js';
import { registrationSql } from './sql.js';

/** A refusal that says no user is associated (shared with the other token providers: src/providers/gcp/diagnose.ts). */
export const UNMAPPED = /Unable to find an associated Snowflake user|no (associated|matching) (Snowflake )?user|not (associated|mapped) (with|to) (a|any) (Snowflake )?user/i;
/** Refusals that are not about the identity: the generic rules name them better. */
export const NOT_THE_IDENTITY = /\bRole\b.*\bspecified in the connect string\b|\baccount\b[^\n]*?\b(does not exist|not found)|authentication policy|not allowed to access Snowflake|\buser\b[^\n]*?\b(disabled|locked)\b/i;

export interface OidcLoginContext {
  account: string;
  url: string;
  timeoutMs: number;
  facts: OidcTokenFacts;
  registration: Extract<Registration, { type: 'OIDC' }>;
  /** Errors and warnings found in the token itself (describeOidcToken). */
  traps: readonly Trap[];
  /** --expect-user as a SQL identifier, to name the user in the fix. */
  expectUser?: string | undefined;
  /** HTTPS_PROXY as the host set it, when set (src/core/gates.ts). */
  proxy?: string | undefined;
}

export function diagnoseOidcLogin(error: DriverErrorFields, context: OidcLoginContext): Diagnosis {
  // The gates before the mapping (src/core/gates.ts): network policy, authentication policy, the user's state.
  const gate =
    error.name === 'OperationFailedError' && error.reachedSnowflake !== false
      ? diagnoseGate(error, { provider: 'OIDC', issuer: context.facts.issuer, user: context.expectUser, proxy: context.proxy })
      : undefined;
  if (gate) {
    const snowflake = error.code === undefined ? undefined : { code: String(error.code), message: error.message };
    return { kind: gate.kind, code: gate.code, message: gate.message, hint: gate.hint, expectedArn: null, ...(snowflake ? { snowflake } : {}) };
  }
  const refused = error.name === 'OperationFailedError' && error.reachedSnowflake !== false && !NOT_THE_IDENTITY.test(error.message);
  if (!refused) {
    const generic = diagnoseLoginError(error, { account: context.account, url: context.url, timeoutMs: context.timeoutMs, provider: 'OIDC' });
    return { ...generic, expectedArn: null };
  }
  const snowflake = error.code === undefined ? undefined : { code: String(error.code), message: error.message };
  const unmapped = UNMAPPED.test(error.message);
  const presented = `issuer ${context.facts.issuer}, subject ${context.facts.subject}, audience ${context.facts.audience.join(', ') || '(none)'}`;
  const blocking = context.traps.filter((trap) => trap.severity === 'error');
  const hint = [
    ...blocking.map((trap) => `${trap.message}${trap.fix ? `\n  ${trap.fix.split('\n').join('\n  ')}` : ''}`),
    `Snowflake matches ISSUER and SUBJECT exactly, and the token's audience against OIDC_AUDIENCE_LIST. Register exactly what the token says:`,
    `  ${registrationSql(context.expectUser ?? '<your user>', context.registration, 'alter')}`,
    'With --admin-connection NAME, doctor reads what is registered and says which part differs.',
  ].join('\n');
  return {
    kind: 'verification',
    code: unmapped ? 'USER_NOT_MAPPED' : 'TOKEN_REJECTED',
    message: unmapped
      ? `Snowflake verified the OIDC token (${presented}) but no Snowflake user is mapped to it`
      : `Snowflake refused the OIDC token (${presented}): ${oneLine(error.message)}`,
    hint,
    expectedArn: null,
    ...(snowflake ? { snowflake } : {}),
  };
}
