/**
 * The GCP provider's token (issue 19): exactly the call snowflake-sdk 3.4.1 makes
 * (dist/lib/authentication/auth_workload_identity/attestation_gcp.js), through the same library,
 * google-auth-library, and its environment — never a hand-written metadata client:
 *
 *   const auth = new GoogleAuth();
 *   without a path:  (await auth.getIdTokenClient('snowflakecomputing.com')).idTokenProvider.fetchIdToken('snowflakecomputing.com')
 *   with a path:     new Impersonated({ sourceClient: await auth.getClient(), targetPrincipal: LAST, delegates: THE_REST })
 *                      .fetchIdToken('snowflakecomputing.com')
 *
 * So the credentials are application default credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's
 * file, then the metadata server (GCE_METADATA_HOST, else 169.254.169.254 / metadata.google.internal;
 * METADATA_SERVER_DETECTION). Impersonation calls the IAM Credentials API at
 * https://iamcredentials.<universe domain> (the driver passes no endpoint; HTTPS_PROXY/NO_PROXY
 * apply, as gaxios reads them). The library's own timeouts apply (3 s to the metadata server off
 * GCP); wif-check bounds the whole with its deadline.
 *
 * The ID token is a credential: remembered for redaction (src/known-secrets.ts), handed to no one
 * (connect and doctor let the driver get its own, as an application would).
 */
import { WifError } from '../../core/errors.js';
import { oneLine } from '../../core/aws-failures.js';
import { escapeControl } from '../../core/terminal-text.js';
import { withDeadline } from '../../deadline.js';
import { rememberSecrets } from '../../known-secrets.js';
import { GCP_AUDIENCE } from './rules.js';

/** A JWT is a few KiB: anything larger is not an ID token. */
export const MAX_GCP_TOKEN_BYTES = 64 * 1024;
export const METADATA_DEFAULT_HOST = '169.254.169.254';

export interface GcpToken {
  /** The ID token: never print it. */
  secret: string;
  /** Where it came from, for messages: the metadata server's host, or the credentials file. */
  origin: string;
  /** 'metadata': the metadata server; 'adc-file': GOOGLE_APPLICATION_CREDENTIALS or gcloud's file. */
  credentials: 'metadata' | 'adc-file';
  /** The path's accounts (empty without impersonation). */
  impersonationPath: string[];
  /** With a path: the workload's own account (its e-mail and unique ID, when Google says them). */
  source?: { email: string | null; uniqueId: string | null } | undefined;
}

export interface GcpTokenOptions {
  impersonationPath?: readonly string[] | undefined;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
}

/** The metadata server google-auth-library will ask (gcp-metadata getBaseUrl). */
export function metadataHost(env: Readonly<Record<string, string | undefined>>): string {
  return (env['GCE_METADATA_IP'] || env['GCE_METADATA_HOST'] || METADATA_DEFAULT_HOST).trim();
}

/** An --impersonation-path value: e-mails, comma-separated (the drivers' list); usage errors for anything else. */
export function parseImpersonationPath(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = (typeof value === 'string' ? value.split(',') : [...value].flatMap((v) => v.split(','))).map((v) => v.trim()).filter(Boolean);
  for (const item of items) {
    if (!/^[A-Za-z0-9._%+-]{1,100}@[A-Za-z0-9.-]{1,200}$/.test(item)) {
      throw new WifError('usage', `--impersonation-path: ${JSON.stringify(escapeControl(item.slice(0, 120)))} is not a service account e-mail`, {
        code: 'BAD_IMPERSONATION_PATH',
        hint: 'Give the service accounts to impersonate, comma-separated, the last one the account registered in Snowflake: --impersonation-path delegate@P.iam.gserviceaccount.com,target@P.iam.gserviceaccount.com',
      });
    }
  }
  if (items.length > 10) throw new WifError('usage', `--impersonation-path has ${items.length} accounts: a delegation chain is short (Google allows a few)`, { code: 'BAD_IMPERSONATION_PATH' });
  return items;
}

/** A library error → one line, bounded, without control characters. */
function said(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return escapeControl(oneLine(message)).slice(0, 400);
}

function failure(error: unknown, context: { host: string; path: string[]; timeoutMs: number; lookupWarnings: readonly string[] }): WifError {
  // A probe of the metadata server that failed oddly is only a process warning (gcp-metadata isAvailable); the error is then "no credentials".
  const text = [error instanceof Error ? error.message : String(error), ...context.lookupWarnings].join('\n');
  const status = (error as { status?: unknown; response?: { status?: unknown } }).response?.status ?? (error as { status?: unknown }).status;
  const onGcp = `On GCP the metadata server gives it (GCE VM, Cloud Run, Cloud Functions, GKE with Workload Identity Federation for GKE); elsewhere set GOOGLE_APPLICATION_CREDENTIALS to a service account key or external account file, or GCE_METADATA_HOST to a metadata server.`;
  if (/Metadata-Flavor/i.test(text)) {
    return new WifError('aws', `What answered at ${context.host} is not a GCP metadata server (no Metadata-Flavor: Google header in its answer)`, { code: 'GCP_METADATA_INVALID', hint: 'Check GCE_METADATA_HOST; on GCP leave it unset.' });
  }
  if (/Could not load the default credentials/i.test(text)) {
    return new WifError('aws', `No Google credentials: no metadata server answered at ${context.host} and no application default credentials file`, { code: 'NO_GCP_CREDENTIALS', hint: onGcp });
  }
  if (/Cannot fetch ID token in this environment/i.test(text)) {
    return new WifError('aws', 'These Google credentials cannot mint an ID token (user credentials from gcloud auth application-default login)', {
      code: 'GCP_NO_ID_TOKEN',
      hint: 'Run on a GCP workload with a service account, or impersonate one: --impersonation-path SA@PROJECT.iam.gserviceaccount.com (you need Service Account Token Creator on it).',
    });
  }
  if (context.path.length && (status === 403 || /PERMISSION_DENIED|getOpenIdToken/.test(text))) {
    const [first] = context.path;
    return new WifError('aws', `Google refused to impersonate ${context.path[context.path.length - 1] ?? ''}: ${said(error)}`, {
      code: 'GCP_IMPERSONATION_DENIED',
      hint: [
        `Each account of the chain needs Service Account Token Creator (roles/iam.serviceAccountTokenCreator) on the next: the workload's own account on ${first ?? 'the first'}${context.path.length > 1 ? ', then each on the next' : ''}.`,
        `  gcloud iam service-accounts add-iam-policy-binding ${first ?? 'SA'} --member=serviceAccount:WORKLOAD_SA --role=roles/iam.serviceAccountTokenCreator`,
      ].join('\n'),
    });
  }
  if (status === 404) {
    return new WifError('aws', `The metadata server at ${context.host} has no service account for this workload (HTTP 404)`, {
      code: 'GCP_NO_SERVICE_ACCOUNT',
      hint: 'Attach a service account to the VM / Cloud Run service / function, or on GKE bind the Kubernetes service account to one (Workload Identity Federation for GKE).',
    });
  }
  if (/timed out|timeout|ETIMEDOUT/i.test(text)) {
    return new WifError('aws', `Google's token service did not answer within ${Math.round(context.timeoutMs / 1000)} s (${context.host})`, { code: 'GCP_TIMEOUT', hint: onGcp });
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(text)) {
    return new WifError('aws', `Google's token service could not be reached: ${said(error)}`, { code: 'GCP_UNREACHABLE', hint: onGcp });
  }
  return new WifError('aws', `Google refused the identity token: ${said(error)}`, { code: 'GCP_TOKEN_FAILED', hint: onGcp });
}

/** The ID token the driver would send, through google-auth-library exactly as the driver asks for it. */
export async function obtainGcpToken(options: GcpTokenOptions): Promise<GcpToken> {
  const path = parseImpersonationPath(options.impersonationPath);
  const host = metadataHost(options.env);
  const lookupWarnings: string[] = [];
  const context = { host, path, timeoutMs: options.timeoutMs, lookupWarnings };
  const work = async (): Promise<GcpToken> => {
    const { Compute, GoogleAuth, Impersonated } = await import('google-auth-library');
    const auth = new GoogleAuth();
    let token: unknown;
    let client: Awaited<ReturnType<typeof auth.getClient>>;
    if (path.length) {
      client = await auth.getClient();
      const impersonated = new Impersonated({ sourceClient: client, targetPrincipal: path[path.length - 1] ?? '', delegates: path.slice(0, -1) });
      token = await impersonated.fetchIdToken(GCP_AUDIENCE);
    } else {
      const idClient = await auth.getIdTokenClient(GCP_AUDIENCE);
      client = await auth.getClient();
      token = await idClient.idTokenProvider.fetchIdToken(GCP_AUDIENCE);
    }
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_GCP_TOKEN_BYTES) {
      throw new WifError('aws', `Google answered something that is not an ID token (${typeof token === 'string' ? `${token.length} characters` : typeof token})`, { code: 'BAD_GCP_TOKEN' });
    }
    rememberSecrets(token);
    const source = path.length ? await sourceAccount(auth) : undefined;
    const fromFile = !(client instanceof Compute);
    const file = options.env['GOOGLE_APPLICATION_CREDENTIALS'];
    return { secret: token, origin: fromFile ? `application default credentials${file ? ` (${escapeControl(file)})` : ''}` : `metadata server ${escapeControl(host)}`, credentials: fromFile ? 'adc-file' : 'metadata', impersonationPath: path, ...(source ? { source } : {}) };
  };
  // gcp-metadata reports a metadata server that answers oddly (no Metadata-Flavor header, an
  // unexpected error) with process.emitWarning, which Node prints to stderr as `(node:PID)
  // MetadataLookupWarning: …`: kept here instead, and named in the error.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
    if (type === 'MetadataLookupWarning' && lookupWarnings.length < 5) {
      lookupWarnings.push(String(warning instanceof Error ? warning.message : warning).slice(0, 300));
      return;
    }
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await withDeadline(work(), options.timeoutMs, () => new Error(`timed out after ${options.timeoutMs} ms`));
  } catch (error) {
    if (error instanceof WifError) throw error;
    throw failure(error, context);
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * The workload's own account behind an impersonation chain, for the trap "the registered account is
 * not the chain's last": its e-mail (the library's getCredentials) and unique ID (the sub of its
 * own ID token). Best effort: null where Google does not say.
 */
async function sourceAccount(auth: import('google-auth-library').GoogleAuth): Promise<{ email: string | null; uniqueId: string | null }> {
  const email = await auth.getCredentials().then((credentials) => credentials.client_email ?? null, () => null);
  let uniqueId: string | null = null;
  try {
    const own = await (await auth.getIdTokenClient(GCP_AUDIENCE)).idTokenProvider.fetchIdToken(GCP_AUDIENCE);
    rememberSecrets(own);
    const { decodeJwt } = await import('jose/jwt/decode');
    const sub = decodeJwt(own).sub;
    uniqueId = typeof sub === 'string' && /^[0-9]{1,64}$/.test(sub) ? sub : null;
  } catch {
    uniqueId = null;
  }
  return { email: typeof email === 'string' && email.length <= 320 ? email : null, uniqueId };
}
