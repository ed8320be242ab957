/**
 * The Azure token exactly as the Snowflake Node driver gets it (snowflake-sdk 3.4.1
 * auth_workload_identity/attestation_azure.js):
 *
 *   new DefaultAzureCredential({ managedIdentityClientId: workloadIdentityAzureClientId })
 *     .getToken(workloadIdentityAzureEntraIdResource ?? 'api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad')
 *
 * through the same library (@azure/identity, loaded only here), so the chain, its environment
 * variables (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST,
 * IDENTITY_ENDPOINT/IDENTITY_HEADER, AZURE_POD_IDENTITY_AUTHORITY_HOST, AZURE_TOKEN_CREDENTIALS) and
 * its order are the driver's. `--azure-client-id` is the driver's workloadIdentityAzureClientId,
 * `--azure-resource` its workloadIdentityAzureEntraIdResource. Only the bound in time is wif-check's
 * (the driver has none): the request is aborted after `timeoutMs`.
 *
 * The token and IDENTITY_HEADER are credentials: remembered for redaction, never printed; the SDK's
 * error text is redacted and bounded before it reaches a message.
 */
import { WifError } from '../../core/errors.js';
import { serverText } from '../../core/redact.js';
import { timerDelayMs } from '../../core/timeout.js';
import { rememberSecrets } from '../../known-secrets.js';
import { AZURE_SOURCE_LABELS, SNOWFLAKE_ENTRA_RESOURCE, azureTokenSource, tokenFailureTrap, type AzureEnvironment, type AzureTokenSource } from './rules.js';

export interface AzureTokenOptions {
  /** The driver's workloadIdentityAzureClientId (`--azure-client-id`). */
  clientId?: string | undefined;
  /** The driver's workloadIdentityAzureEntraIdResource (`--azure-resource`); default Snowflake's application. */
  resource?: string | undefined;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
}

export interface AzureToken {
  /** The access token: hand it to nobody but Snowflake (the driver gets its own), never print it. */
  secret: string;
  source: AzureTokenSource;
  /** For messages: where the SDK asked. */
  origin: string;
  resource: string;
}

/** The variables the SDK reads, as rules.ts wants them (IDENTITY_HEADER's value stays here). */
export function azureEnvironment(env: Readonly<Record<string, string | undefined>>, clientIdOption?: string): AzureEnvironment {
  return {
    clientIdOption,
    AZURE_CLIENT_ID: env.AZURE_CLIENT_ID || undefined,
    AZURE_TENANT_ID: env.AZURE_TENANT_ID || undefined,
    AZURE_FEDERATED_TOKEN_FILE: env.AZURE_FEDERATED_TOKEN_FILE || undefined,
    AZURE_AUTHORITY_HOST: env.AZURE_AUTHORITY_HOST || undefined,
    IDENTITY_ENDPOINT: env.IDENTITY_ENDPOINT || undefined,
    identityHeaderSet: Boolean(env.IDENTITY_HEADER),
    MSI_ENDPOINT: env.MSI_ENDPOINT || undefined,
    MANAGED_IDENTITY_CLIENT_ID: env.MANAGED_IDENTITY_CLIENT_ID || undefined,
    KUBERNETES_SERVICE_HOST: env.KUBERNETES_SERVICE_HOST || undefined,
  };
}

function originOf(source: AzureTokenSource, env: Readonly<Record<string, string | undefined>>): string {
  const host = (value: string | undefined, fallback: string) => {
    try {
      return value ? new URL(value).host : fallback;
    } catch {
      return fallback;
    }
  };
  switch (source) {
    case 'workload-identity':
      return host(env.AZURE_AUTHORITY_HOST, 'login.microsoftonline.com');
    case 'app-service':
      return host(env.IDENTITY_ENDPOINT, 'IDENTITY_ENDPOINT');
    case 'cloud-shell':
      return host(env.MSI_ENDPOINT, 'MSI_ENDPOINT');
    case 'imds':
      return host(env.AZURE_POD_IDENTITY_AUTHORITY_HOST, '169.254.169.254');
  }
}

export async function obtainAzureToken(options: AzureTokenOptions): Promise<AzureToken> {
  const { env } = options;
  rememberSecrets(env.IDENTITY_HEADER, env.MSI_SECRET, env.AZURE_CLIENT_SECRET);
  const resource = options.resource ?? SNOWFLAKE_ENTRA_RESOURCE;
  const source = azureTokenSource(azureEnvironment(env, options.clientId));
  const origin = originOf(source, env);
  const { DefaultAzureCredential } = await import('@azure/identity');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timerDelayMs(options.timeoutMs));
  timer.unref();
  try {
    // Exactly the driver's call: the options object and the scope (a resource URI, no /.default).
    const credential = new DefaultAzureCredential({ managedIdentityClientId: options.clientId });
    const answer = await Promise.race([
      credential.getToken(resource, { abortSignal: abort.signal }),
      new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error('timeout')), { once: true })),
    ]);
    const secret = answer.token;
    rememberSecrets(secret);
    return { secret, source, origin, resource };
  } catch (error) {
    if (abort.signal.aborted) {
      throw new WifError('aws', `The Azure SDK got no token from ${AZURE_SOURCE_LABELS[source]} (${origin}) within ${Math.round(options.timeoutMs / 1000)} s`, {
        code: 'AZURE_TOKEN_TIMEOUT',
        hint: 'Outside Azure there is no managed identity: run the check on the VM, in the app or in the pod. On a VM, check that the instance metadata service (169.254.169.254) is reachable.',
      });
    }
    throw tokenError(error, source, origin, [env.IDENTITY_HEADER, env.MSI_SECRET, env.AZURE_CLIENT_SECRET]);
  } finally {
    clearTimeout(timer);
  }
}

function tokenError(error: unknown, source: AzureTokenSource, origin: string, secrets: ReadonlyArray<string | undefined>): WifError {
  const raw = error instanceof Error ? error.message : String(error);
  const text = serverText(raw, secrets.filter((value): value is string => Boolean(value)));
  const known = tokenFailureTrap(text);
  // The chain's own summary lists every credential it tried; the managed identity's line is the one that matters.
  const line = text.split('\n').find((candidate) => /ManagedIdentityCredential|WorkloadIdentityCredential/.test(candidate) && !/is unavailable\.? No underlying|not available/.test(candidate)) ?? text.split('\n')[0] ?? '';
  const detail = line.replace(/^CredentialUnavailableError: /, '').slice(0, 400);
  return new WifError('aws', known ? `No Azure token for Snowflake: ${known.message}` : `The Azure SDK got no token for Snowflake from ${AZURE_SOURCE_LABELS[source]} (${origin}): ${detail}`, {
    code: known?.code ?? 'NO_AZURE_TOKEN',
    hint:
      known?.fix ??
      [
        'The driver gets the token with @azure/identity\'s DefaultAzureCredential. Where it runs:',
        '  a VM or scale set: attach a managed identity (az vm identity assign);',
        '  App Service / Functions: turn on the identity (az webapp identity assign): IDENTITY_ENDPOINT and IDENTITY_HEADER are then set;',
        '  AKS: workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE set by the webhook);',
        '  a user-assigned identity: --azure-client-id (the driver\'s workloadIdentityAzureClientId).',
      ].join('\n'),
  });
}
