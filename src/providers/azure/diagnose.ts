/**
 * An Azure login that failed → one cause, one fix, one exit code. Pure.
 *
 * Snowflake's wording for a refused Azure login is not public (../shared/FACTS.md "Third round":
 * only the AWS message is known), so a refusal is read loosely, as for OIDC: a message that names no
 * associated user is USER_NOT_MAPPED, any other refusal TOKEN_REJECTED; both carry what the token
 * said, its traps and exactly the registration that matches it. A failure of the driver's own token
 * request (the same DefaultAzureCredential call, before Snowflake is reached) is the identity side
 * (exit 3). Network, TLS, timeouts, redirects, accounts and roles are the generic rules'
 * (src/core/diagnose.ts); the gates (network and authentication policies) src/core/gates.ts's.
 */
import { diagnoseLoginError, type Diagnosis, type DriverErrorFields } from '../../core/diagnose.js';
import { oneLine } from '../../core/aws-failures.js';
import { diagnoseGate } from '../../core/gates.js';
import type { Trap } from '../types.js';
import { tokenFailureTrap, type AzureRegistration, type AzureTokenFacts } from './rules.js';
import { azureRegistrationSql } from './sql.js';

const UNMAPPED = /Unable to find an associated Snowflake user|no (associated|matching) (Snowflake )?user|not (associated|mapped) (with|to) (a|any) (Snowflake )?user/i;
const NOT_THE_IDENTITY = /\bRole\b.*\bspecified in the connect string\b|\baccount\b[^\n]*?\b(does not exist|not found)|authentication policy|not allowed to access Snowflake|\buser\b[^\n]*?\b(disabled|locked)\b/i;
/** The Azure SDK's own failures, as the driver passes them on. */
const AZURE_SDK = /ChainedTokenCredential|ManagedIdentityCredential|WorkloadIdentityCredential|AADSTS\d+|DefaultAzureCredential/;

/** For a login that timed out before Snowflake: the driver's own token request hung. */
const AZURE_TOKEN_SOURCE = {
  what: 'its Azure token (DefaultAzureCredential)',
  hint: "The driver's DefaultAzureCredential asks the managed identity endpoint (IMDS; IDENTITY_ENDPOINT in App Service and Functions) or reads AZURE_FEDERATED_TOKEN_FILE: `wif-check whoami --provider azure` makes the same request and says which source fails. If it is only slow, raise --timeout.",
};

export interface AzureLoginContext {
  account: string;
  url: string;
  timeoutMs: number;
  facts: Pick<AzureTokenFacts, 'issuer' | 'subject' | 'audience' | 'clientId'>;
  registration: AzureRegistration;
  traps: readonly Trap[];
  expectUser?: string | undefined;
  proxy?: string | undefined;
}

const withFix = (trap: Trap) => `${trap.message}${trap.fix ? `\n  ${trap.fix.split('\n').join('\n  ')}` : ''}`;

export function diagnoseAzureLogin(error: DriverErrorFields, context: AzureLoginContext): Diagnosis {
  const reached = error.reachedSnowflake !== false;
  const snowflake = error.code === undefined ? undefined : { code: String(error.code), message: error.message };
  if (!reached && AZURE_SDK.test(error.message)) {
    const known = tokenFailureTrap(error.message);
    return {
      kind: 'aws',
      code: known?.code ?? 'DRIVER_NO_AZURE_TOKEN',
      message: `The driver got no Azure token (its DefaultAzureCredential, before Snowflake): ${known ? known.message : oneLine(error.message).slice(0, 300)}`,
      hint: known?.fix ?? "wif-check's own token request worked with the same call: check that the driver runs with the same environment and workloadIdentityAzureClientId (--azure-client-id).",
      expectedArn: null,
    };
  }
  const gate = error.name === 'OperationFailedError' && reached ? diagnoseGate(error, { provider: 'AZURE', issuer: context.facts.issuer, user: context.expectUser, proxy: context.proxy }) : undefined;
  if (gate) return { kind: gate.kind, code: gate.code, message: gate.message, hint: gate.hint, expectedArn: null, ...(snowflake ? { snowflake } : {}) };
  if (!(error.name === 'OperationFailedError' && reached && !NOT_THE_IDENTITY.test(error.message))) {
    return { ...diagnoseLoginError(error, { account: context.account, url: context.url, timeoutMs: context.timeoutMs, provider: 'AZURE', tokenSource: AZURE_TOKEN_SOURCE }), expectedArn: null };
  }
  const unmapped = UNMAPPED.test(error.message);
  const presented = `issuer ${context.facts.issuer}, subject ${context.facts.subject}${context.facts.clientId ? `, client ID ${context.facts.clientId}` : ''}`;
  const hint = [
    ...context.traps.filter((trap) => trap.severity === 'error').map(withFix),
    'Snowflake matches the token\'s issuer and subject (the object ID, case-sensitive) with ISSUER and SUBJECT. Register exactly what the token says:',
    `  ${azureRegistrationSql(context.expectUser ?? '<your user>', context.registration)}`,
    'With --admin-connection NAME, doctor reads what is registered and says which part differs (a client ID, the case, the v1/v2 issuer form).',
  ].join('\n');
  return {
    kind: 'verification',
    code: unmapped ? 'USER_NOT_MAPPED' : 'TOKEN_REJECTED',
    message: unmapped ? `Snowflake verified the Azure token (${presented}) but no Snowflake user is mapped to it` : `Snowflake refused the Azure token (${presented}): ${oneLine(error.message)}`,
    hint,
    expectedArn: null,
    ...(snowflake ? { snowflake } : {}),
  };
}
