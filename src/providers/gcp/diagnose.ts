/**
 * A GCP login that failed → one cause, one fix, one exit code (issue 19). Pure.
 *
 * Snowflake's wording for a refused GCP login is not public (../shared/FACTS.md "Every provider"):
 * a refusal that names no associated user is USER_NOT_MAPPED, any other refusal of the identity
 * TOKEN_REJECTED; both carry what the token said (subject, e-mail, audience), the traps found in
 * it, and exactly the registration that would match — with an impersonation path, that it is the
 * chain's last account. Failures that are not about the identity (network, TLS, timeouts, gates,
 * a wrong account, a role) are the generic rules' (src/core/diagnose.ts, src/core/gates.ts).
 */
import { diagnoseLoginError, type Diagnosis, type DriverErrorFields } from '../../core/diagnose.js';
import { oneLine } from '../../core/aws-failures.js';
import { diagnoseGate } from '../../core/gates.js';
import type { Trap } from '../types.js';
import { GCP_AUDIENCE, uniqueIdCommand, type GcpTokenFacts } from './rules.js';
import { gcpRegistrationSql } from './sql.js';
import { NOT_THE_IDENTITY, UNMAPPED } from '../oidc/diagnose.js';

/** For a login that timed out before Snowflake: the driver's own token request hung. */
const GCP_TOKEN_SOURCE = {
  what: 'its GCP identity token (from the metadata server)',
  hint: 'The driver asks the metadata server (GCE_METADATA_HOST, else metadata.google.internal) for an identity token, and with --impersonation-path Google\'s IAM Credentials API: `wif-check whoami --provider gcp` makes the same requests. If they are only slow, raise --timeout.',
};

export interface GcpLoginContext {
  account: string;
  url: string;
  timeoutMs: number;
  facts: Pick<GcpTokenFacts, 'subject' | 'email' | 'audience'>;
  traps: readonly Trap[];
  impersonationPath: readonly string[];
  /** The workload's own account, with a path. */
  source?: { email: string | null; uniqueId: string | null } | undefined;
  expectUser?: string | undefined;
  proxy?: string | undefined;
}

export function diagnoseGcpLogin(error: DriverErrorFields, context: GcpLoginContext): Diagnosis {
  const gate = error.name === 'OperationFailedError' && error.reachedSnowflake !== false ? diagnoseGate(error, { provider: 'GCP', subject: context.facts.subject, user: context.expectUser, proxy: context.proxy }) : undefined;
  const snowflake = error.code === undefined ? undefined : { code: String(error.code), message: error.message };
  if (gate) return { kind: gate.kind, code: gate.code, message: gate.message, hint: gate.hint, expectedArn: null, ...(snowflake ? { snowflake } : {}) };
  const refused = error.name === 'OperationFailedError' && error.reachedSnowflake !== false && !NOT_THE_IDENTITY.test(error.message);
  if (!refused) return { ...diagnoseLoginError(error, { account: context.account, url: context.url, timeoutMs: context.timeoutMs, provider: 'GCP', tokenSource: GCP_TOKEN_SOURCE }), expectedArn: null };
  const { facts } = context;
  const presented = `subject ${facts.subject}${facts.email ? ` (${facts.email})` : ''}, audience ${facts.audience.join(', ') || '(none)'}`;
  const last = context.impersonationPath[context.impersonationPath.length - 1];
  const chain = last === undefined
    ? []
    : [
        `With --impersonation-path the token is the chain's LAST account's (${last}), not the workload's own${context.source?.email ? ` (${context.source.email}${context.source.uniqueId ? `, unique ID ${context.source.uniqueId}` : ''})` : ''}: register the last one.`,
      ];
  const hint = [
    ...context.traps.filter((trap) => trap.severity === 'error').map((trap) => `${trap.message}${trap.fix ? `\n  ${trap.fix.split('\n').join('\n  ')}` : ''}`),
    ...chain,
    `Snowflake matches SUBJECT against the token's sub, the service account's numeric unique ID — not its e-mail${facts.email ? ` (${uniqueIdCommand(facts.email)})` : ''} — and wants the audience ${GCP_AUDIENCE}. Register exactly what the token says:`,
    `  ${gcpRegistrationSql(context.expectUser ?? '<your user>', facts.subject)}`,
    'With --admin-connection NAME, doctor reads what is registered and says which part differs.',
  ].join('\n');
  const unmapped = UNMAPPED.test(error.message);
  return {
    kind: 'verification',
    code: unmapped ? 'USER_NOT_MAPPED' : 'TOKEN_REJECTED',
    message: unmapped ? `Snowflake verified the GCP identity token (${presented}) but no Snowflake user is mapped to it` : `Snowflake refused the GCP identity token (${presented}): ${oneLine(error.message)}`,
    hint,
    expectedArn: null,
    ...(snowflake ? { snowflake } : {}),
  };
}
