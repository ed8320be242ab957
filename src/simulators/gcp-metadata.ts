/**
 * Google Cloud for the test bed (issue 19): a Compute Engine metadata server, Google's issuer
 * (`https://accounts.google.com`, its discovery document and its keys) and the IAM Service Account
 * Credentials API's `generateIdToken` (impersonation), all on 127.0.0.1. The token clients are the
 * real ones: google-auth-library (wif-check's and snowflake-sdk's) reaches the metadata server
 * through `GCE_METADATA_HOST`, as Google's libraries document.
 *
 * What the metadata server mirrors (cloud.google.com/compute/docs/metadata/querying-metadata,
 * …/instances/verifying-instance-identity; docs/how-it-works.md "GCP"):
 * - every request must carry `Metadata-Flavor: Google`, else 403; a request carrying
 *   `X-Forwarded-For` is refused (403) — the metadata server serves no proxied request; every
 *   answer carries `Metadata-Flavor: Google` (google-auth-library refuses one without it);
 * - `GET /computeMetadata/v1/instance/service-accounts/{default|EMAIL}/identity?audience=A[&format=full]`:
 *   an ID token signed by Google's key: `iss` https://accounts.google.com, `aud` A, `azp` and `sub`
 *   the service account's numeric unique ID, `iat`, `exp` (1 hour); with `format=full` also
 *   `email`, `email_verified` and `google.compute_engine`. No audience → 400;
 * - `…/service-accounts/default/token`: an OAuth access token (for the IAM API), `…/email`,
 *   `project/project-id`, `universe/universe-domain`, `instance/` (the libraries' availability probe).
 *
 * What the IAM API mirrors (cloud.google.com/iam/docs/reference/credentials/rest/v1/
 * projects.serviceAccounts/generateIdToken, …/create-short-lived-credentials-delegated):
 * `POST /v1/projects/-/serviceAccounts/TARGET:generateIdToken` with `Authorization: Bearer
 * <access token>` and `{ delegates, audience, includeEmail }`: the caller must hold Service Account
 * Token Creator on the first account of the chain (`delegates`, then TARGET), each account on the
 * next; else 403 PERMISSION_DENIED. The token is TARGET's: `sub` its unique ID, `email` when asked.
 * Delegates are accepted as `projects/-/serviceAccounts/EMAIL` (Google's documented form) or as a
 * bare e-mail (what snowflake-sdk's google-auth-library call sends).
 *
 * Invented here (not public): the unique IDs, the keys, the wording of the error bodies beyond
 * Google's documented status codes.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseUrl, readBody, startHttpServer } from './http-util.js';
import { startOidcIssuer, type OidcIssuer } from './oidc-issuer.js';
import { startGcpTlsProxy, tlsProxyAvailable, type GcpTlsProxy } from './gcp-tls-proxy.js';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
/** Where Google's discovery document points for the keys. */
export const GOOGLE_JWKS_URI = 'https://www.googleapis.com/oauth2/v3/certs';
export const GOOGLE_IAM_CREDENTIALS_ORIGIN = 'https://iamcredentials.googleapis.com';
export const METADATA_FLAVOR = 'Google';
/** Identity tokens from the metadata server and the IAM API live one hour. */
export const GCP_ID_TOKEN_LIFETIME_SECONDS = 3600;

export interface GcpServiceAccount {
  email: string;
  /** The numeric unique ID (`gcloud iam service-accounts describe … --format="value(uniqueId)"`): the token's `sub`. */
  uniqueId: string;
  /** Accounts (e-mails) holding Service Account Token Creator on this one. */
  tokenCreators?: readonly string[] | undefined;
}

export type GcpMetadataMode =
  /** Answers as a Compute Engine metadata server. */
  | 'normal'
  /** Every request 503. */
  | 'down'
  /** Answers without the Metadata-Flavor header (something else is listening there). */
  | 'no-flavor'
  /** Identity tokens carry this audience instead of the one asked (`wrongAudience`). */
  | 'wrong-audience'
  /** The instance has no service account attached: 404 for its paths. */
  | 'no-service-account';

export interface GcpMetadataOptions {
  /** The instance's (or GKE pod's, Cloud Run service's) service account: its e-mail, from `accounts`. */
  defaultAccount?: string | undefined;
  accounts?: readonly GcpServiceAccount[] | undefined;
  projectId?: string | undefined;
  mode?: GcpMetadataMode | undefined;
  /** With mode 'wrong-audience'. Default 'https://example.com'. */
  wrongAudience?: string | undefined;
  /**
   * Also serve the IAM API at https://iamcredentials.googleapis.com through a local CONNECT proxy
   * (./gcp-tls-proxy.ts; `proxyEnv`). Default: when openssl is on PATH.
   */
  publicIam?: boolean | undefined;
}

export interface GcpMetadataRequest {
  method: string;
  path: string;
  status: number;
  flavor: boolean;
}

export interface GcpSimulator {
  /** `127.0.0.1:PORT`: the value of GCE_METADATA_HOST. */
  metadataHost: string;
  metadataUrl: string;
  /** The IAM Credentials API on loopback (plain HTTP; ./gcp-tls-proxy.ts puts it at its public https name). */
  iamUrl: string;
  /** For a child process whose google-auth-library should reach the IAM API at its public name (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS); undefined without publicIam. */
  proxyEnv: GcpTlsProxy['env'] | undefined;
  /** The CONNECT targets the proxy was asked for. */
  proxyConnects: string[];
  /** Google's issuer, served on loopback under its public name. */
  issuer: OidcIssuer;
  /** Maps Google's public issuer and JWKS URLs to loopback (for the Snowflake simulator's key fetch). */
  resolve(url: string): string | undefined;
  accounts: GcpServiceAccount[];
  projectId: string;
  setMode(mode: GcpMetadataMode): void;
  /** Attaches another service account to the instance. */
  setDefaultAccount(email: string): void;
  addAccount(account: GcpServiceAccount): void;
  /** Signs a Google ID token for an account (tests, the sandbox). */
  idToken(email: string, audience: string, opts?: { full?: boolean }): Promise<string>;
  metadataRequests: GcpMetadataRequest[];
  iamRequests: Array<{ path: string; status: number; target: string; delegates: string[] }>;
  /** Every access token and ID token handed out (secrets: never printed). */
  issuedSecrets: string[];
  close(): Promise<void>;
}

/** The test bed's service accounts: the instance's, a deploy account it may impersonate, and the loader at the chain's end. */
export const DEFAULT_GCP_PROJECT = 'wif-sim-project';
export const GCP_RUNTIME_SA = `runtime@${DEFAULT_GCP_PROJECT}.iam.gserviceaccount.com`;
export const GCP_DELEGATE_SA = `delegate@${DEFAULT_GCP_PROJECT}.iam.gserviceaccount.com`;
export const GCP_LOADER_SA = `loader@${DEFAULT_GCP_PROJECT}.iam.gserviceaccount.com`;
export const DEFAULT_GCP_ACCOUNTS: readonly GcpServiceAccount[] = Object.freeze([
  { email: GCP_RUNTIME_SA, uniqueId: '104735289012345678901' },
  { email: GCP_DELEGATE_SA, uniqueId: '108812345678901234567', tokenCreators: [GCP_RUNTIME_SA] },
  { email: GCP_LOADER_SA, uniqueId: '117654321098765432109', tokenCreators: [GCP_RUNTIME_SA, GCP_DELEGATE_SA] },
]);

const SA_PREFIX = 'projects/-/serviceAccounts/';

export async function startGcpSimulator(opts: GcpMetadataOptions = {}): Promise<GcpSimulator> {
  const accounts: GcpServiceAccount[] = [...(opts.accounts ?? DEFAULT_GCP_ACCOUNTS)].map((account) => ({ ...account }));
  let defaultAccount = opts.defaultAccount ?? GCP_RUNTIME_SA;
  let mode: GcpMetadataMode = opts.mode ?? 'normal';
  const projectId = opts.projectId ?? DEFAULT_GCP_PROJECT;
  const metadataRequests: GcpMetadataRequest[] = [];
  const iamRequests: GcpSimulator['iamRequests'] = [];
  const issuedSecrets: string[] = [];
  /** Access token → the account it was issued to. */
  const accessTokens = new Map<string, string>();

  const issuer = await startOidcIssuer({
    publicIssuer: GOOGLE_ISSUER,
    jwksPath: '/oauth2/v3/certs',
    defaultExpiresInSeconds: GCP_ID_TOKEN_LIFETIME_SECONDS,
    discoveryExtras: { jwks_uri: GOOGLE_JWKS_URI },
  });
  const account = (emailOrId: string) => accounts.find((a) => a.email === emailOrId || a.uniqueId === emailOrId);

  const idToken: GcpSimulator['idToken'] = async (email, audience, signOpts = {}) => {
    const sa = account(email);
    if (!sa) throw new Error(`gcp simulator: no service account ${email}`);
    const claims: Record<string, unknown> = { azp: sa.uniqueId, sub: sa.uniqueId };
    if (signOpts.full) {
      claims['email'] = sa.email;
      claims['email_verified'] = true;
    }
    const token = await issuer.sign(claims, { audience });
    issuedSecrets.push(token);
    return token;
  };

  const metadata = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://metadata.invalid');
    const flavor = req.headers['metadata-flavor'] === METADATA_FLAVOR;
    const send = (status: number, body: string, type = 'application/text') => {
      metadataRequests.push({ method: req.method ?? 'GET', path: url.pathname, status, flavor });
      const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) };
      if (mode !== 'no-flavor') headers['Metadata-Flavor'] = METADATA_FLAVOR;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (mode === 'down') return send(503, 'Service Unavailable');
    if (req.headers['x-forwarded-for'] !== undefined) return send(403, 'Request had X-Forwarded-For header: metadata requests cannot be proxied.');
    if (!flavor) return send(403, 'Missing Metadata-Flavor:Google header.');
    if ((req.method ?? 'GET') !== 'GET') return send(405, 'Method Not Allowed');
    const path = url.pathname.replace(/^\/computeMetadata\/v1\/?/, '');
    if (path === url.pathname.replace(/^\//, '')) return send(404, 'Not Found');
    if (path === '' || path === 'instance' || path === 'instance/') return send(200, 'attributes/\nhostname\nid\nservice-accounts/\nzone\n');
    if (path === 'project/project-id') return send(200, projectId);
    if (path === 'universe/universe-domain') return send(200, 'googleapis.com');
    const sa = /^instance\/service-accounts\/([^/]+)\/(identity|token|email)$/.exec(path);
    if (!sa) return send(404, 'Not Found');
    const who = sa[1] === 'default' ? defaultAccount : decodeURIComponent(sa[1] ?? '');
    const attached = mode === 'no-service-account' ? undefined : who === defaultAccount ? account(defaultAccount) : undefined;
    if (!attached) return send(404, 'Not Found');
    if (sa[2] === 'email') return send(200, attached.email);
    if (sa[2] === 'token') {
      const token = `ya29.sim-${randomBytes(24).toString('base64url')}`;
      accessTokens.set(token, attached.email);
      issuedSecrets.push(token);
      return send(200, JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }), 'application/json');
    }
    const audience = url.searchParams.get('audience');
    if (!audience) return send(400, 'non-empty audience parameter required');
    const token = await idToken(attached.email, mode === 'wrong-audience' ? (opts.wrongAudience ?? 'https://example.com') : audience, { full: url.searchParams.get('format') === 'full' });
    return send(200, token);
  };

  const iam = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://iam.invalid');
    let target = '';
    let delegates: string[] = [];
    const send = (status: number, body: unknown) => {
      iamRequests.push({ path: url.pathname, status, target, delegates });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const error = (code: number, status: string, message: string) => send(code, { error: { code, message, status } });
    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateIdToken$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return error(404, 'NOT_FOUND', 'The requested URL was not found on this server.');
    target = decodeURIComponent(m[1] ?? '');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const caller = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (!caller) return error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    let body: { delegates?: unknown; audience?: unknown; includeEmail?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString('utf8')) as typeof body;
    } catch {
      return error(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    delegates = Array.isArray(body.delegates) ? body.delegates.filter((d): d is string => typeof d === 'string').map((d) => (d.startsWith(SA_PREFIX) ? d.slice(SA_PREFIX.length) : d)) : [];
    if (typeof body.audience !== 'string' || body.audience === '') return error(400, 'INVALID_ARGUMENT', 'Audience is required.');
    // The chain: caller → delegates[0] → … → target; each hop needs Token Creator.
    let holder = caller;
    for (const hop of [...delegates, target]) {
      const next = account(hop);
      if (!next || !(next.tokenCreators ?? []).includes(holder)) {
        return error(403, 'PERMISSION_DENIED', `Permission 'iam.serviceAccounts.getOpenIdToken' denied on resource (or it may not exist).`);
      }
      holder = next.email;
    }
    const token = await idToken(target, body.audience, { full: body.includeEmail === true });
    return send(200, { token });
  };

  const metadataServer = await startHttpServer(metadata);
  const iamServer = await startHttpServer(iam);
  const tlsProxy = (opts.publicIam ?? tlsProxyAvailable())
    ? await startGcpTlsProxy((req, res) => {
        iam(req, res).catch(() => res.destroy());
      })
    : undefined;
  const jwksLocal = issuer.jwksUrl;
  return {
    metadataHost: `${metadataServer.host}:${metadataServer.port}`,
    metadataUrl: baseUrl(metadataServer.host, metadataServer.port),
    iamUrl: baseUrl(iamServer.host, iamServer.port),
    proxyEnv: tlsProxy?.env,
    proxyConnects: tlsProxy?.connects ?? [],
    issuer,
    resolve: (url) => (url === GOOGLE_JWKS_URI ? jwksLocal : issuer.resolve(url)),
    accounts,
    projectId,
    setMode(next) {
      mode = next;
    },
    setDefaultAccount(email) {
      defaultAccount = email;
    },
    addAccount(extra) {
      accounts.push({ ...extra });
    },
    idToken,
    metadataRequests,
    iamRequests,
    issuedSecrets,
    async close() {
      await Promise.all([metadataServer.close(), iamServer.close(), issuer.close(), tlsProxy?.close()]);
    },
  };
}
