/**
 * Azure's side of the test bed: Entra ID's keys and the managed-identity token endpoints the Azure
 * SDK (@azure/identity 4.13 over @azure/msal-node 5) asks, on one HTTP server on 127.0.0.1.
 *
 * What it plays, and how the real SDK is pointed at it (only its own documented variables):
 * - App Service / Functions: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…[&client_id=…]`
 *   with the header `X-IDENTITY-HEADER: {IDENTITY_HEADER}` → `{ access_token, expires_on, resource,
 *   token_type, client_id }` (Microsoft: "Managed identities for App Service and Azure Functions", REST
 *   protocol). Env: IDENTITY_ENDPOINT = `<base>/msi/token`, IDENTITY_HEADER = the secret.
 * - A VM / scale set (IMDS): `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…
 *   [&client_id=…]` with `Metadata: true` → `{ access_token, expires_in, expires_on, resource, … }`; a
 *   request without the header → 400 (the SDK's availability probe expects an answer). Env:
 *   AZURE_POD_IDENTITY_AUTHORITY_HOST = `<base>` (msal-node Imds.tryCreate; otherwise 169.254.169.254).
 * - Entra ID's keys: `/<tenant>/v2.0/.well-known/openid-configuration` (issuer
 *   `https://<host>/<tenant>/v2.0`, jwks_uri `https://<host>/<tenant>/discovery/v2.0/keys`), the v1
 *   document `/<tenant>/.well-known/openid-configuration` (issuer `https://sts.windows.net/<tenant>/`)
 *   and `/common/discovery/keys`, as Entra serves them; `resolve(url)` maps the public
 *   `https://login.microsoftonline.com/…` URLs to this server (for the Snowflake simulator).
 *
 * The tokens are Entra access tokens (Microsoft identity platform, "Access token claims reference"):
 * v1.0 (`iss` https://sts.windows.net/<tid>/, `aud` the resource asked for, `appid`) or v2.0 (`iss`
 * https://login.microsoftonline.com/<tid>/v2.0, `aud` the application's client ID, `azp`), `oid` and
 * `sub` the identity's object ID, `tid`, `idtyp: app`, `xms_mirid` the identity's resource ID; RS256
 * with a `kid` from the JWKS. Which version Snowflake's application gets is its manifest's
 * `accessTokenAcceptedVersion`: not public, so `tokenVersion` chooses (default 2, the docs' form).
 *
 * The failures the traps need, worded as the services word them:
 * - several user-assigned identities and no client ID (IMDS: "Multiple user assigned identities
 *   exist, please specify the clientId / resourceId of the identity in the token request");
 * - no identity (or none with that client ID): IMDS "Identity not found", App Service "Unable to load
 *   the proper Managed Identity.";
 * - no consent to Snowflake's application (`consent: false`): AADSTS500011 "The resource principal
 *   named api://… was not found in the tenant named …" (Entra's error code reference);
 * - a sovereign cloud (`issuerHost`, e.g. login.microsoftonline.us): tokens name that cloud's issuer.
 * Invented here: the simulator's exact JSON error envelopes beyond the fields the SDK reads.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { baseUrl, readBody, startHttpServer } from './http-util.js';

export const AZURE_SNOWFLAKE_APP_ID = 'fd3f753b-eed3-462c-b6a7-a4b5bb650aad';
export const AZURE_SNOWFLAKE_RESOURCE = `api://${AZURE_SNOWFLAKE_APP_ID}`;
export const AZURE_PUBLIC_HOST = 'login.microsoftonline.com';
export const AZURE_MSI_PATH = '/msi/token';

export interface AzureManagedIdentity {
  /** The identity's name (user-assigned) or the resource's (system-assigned: the VM, the app). */
  name: string;
  kind: 'system-assigned' | 'user-assigned';
  /** Client (application) ID: what a caller names the identity by. */
  clientId: string;
  /** Object (principal) ID: the token's oid and sub, what Snowflake's SUBJECT holds. */
  objectId: string;
  /** Federated credentials (AKS workload identity): the service-account tokens Entra exchanges for this identity's. */
  federated?: Array<{ issuer: string; subject: string }> | undefined;
}

export interface AzureHostState {
  tenant: string;
  /** The identities attached to the VM / app this server answers for. */
  identities: AzureManagedIdentity[];
  /** 1: v1.0 tokens (iss https://sts.windows.net/<tid>/); 2: v2.0 (default). */
  tokenVersion: 1 | 2;
  /** Whether a tenant admin consented to Snowflake's application (false: AADSTS500011). */
  consent: boolean;
  /** Entra's host for v2 issuers (default login.microsoftonline.com; login.microsoftonline.us: US Government). */
  issuerHost: string;
  /** Token lifetime in seconds (default 86400, managed identities' usual). */
  lifetimeSeconds: number;
}

export interface AzureTokenRequestRecord {
  form: 'app-service' | 'imds' | 'workload-identity';
  resource: string;
  clientId?: string | undefined;
  status: number;
}

export interface AzureIdentitySimulator {
  url: string;
  /** The secret App Service puts in IDENTITY_HEADER. */
  identityHeader: string;
  state: AzureHostState;
  configure(next: Partial<AzureHostState>): void;
  /** App Service's environment (IDENTITY_ENDPOINT, IDENTITY_HEADER). */
  appServiceEnv(): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** A VM's: the IMDS endpoint on loopback. */
  imdsEnv(): { AZURE_POD_IDENTITY_AUTHORITY_HOST: string };
  /** Maps https://login.microsoftonline.com/… (and the configured issuer host) to this server. */
  resolve(url: string): string | undefined;
  /** A token as the endpoints issue it (tests that need one without the SDK). */
  issue(identity: AzureManagedIdentity, resource?: string): Promise<string>;
  v1Issuer(): string;
  v2Issuer(): string;
  requests: AzureTokenRequestRecord[];
  close(): Promise<void>;
}

export interface AzureIdentitySimulatorOptions extends Partial<AzureHostState> {}

const SV = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);

export async function startAzureIdentitySimulator(opts: AzureIdentitySimulatorOptions = {}): Promise<AzureIdentitySimulator> {
  const state: AzureHostState = {
    tenant: opts.tenant ?? '72f988bf-86f1-41af-91ab-2d7cd011db47',
    identities: opts.identities ?? [],
    tokenVersion: opts.tokenVersion ?? 2,
    consent: opts.consent ?? true,
    issuerHost: opts.issuerHost ?? AZURE_PUBLIC_HOST,
    lifetimeSeconds: opts.lifetimeSeconds ?? 86_400,
  };
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(12).toString('base64url');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig', kty: 'RSA' };
  const identityHeader = randomBytes(16).toString('hex');
  const requests: AzureTokenRequestRecord[] = [];
  const key: CryptoKey = privateKey;

  const v1Issuer = () => (state.issuerHost === AZURE_PUBLIC_HOST ? `https://sts.windows.net/${state.tenant}/` : `https://${state.issuerHost}/${state.tenant}/`);
  const v2Issuer = () => `https://${state.issuerHost}/${state.tenant}/v2.0`;

  const issue = async (identity: AzureManagedIdentity, resource = AZURE_SNOWFLAKE_RESOURCE): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const mirid =
      identity.kind === 'user-assigned'
        ? `/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/wif-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity.name}`
        : `/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/wif-rg/providers/Microsoft.Compute/virtualMachines/${identity.name}`;
    const common = { oid: identity.objectId, sub: identity.objectId, tid: state.tenant, idtyp: 'app', uti: randomBytes(16).toString('base64url'), rh: '0.simulated.', xms_mirid: mirid };
    const claims =
      state.tokenVersion === 1
        ? { ...common, aud: resource, iss: v1Issuer(), idp: v1Issuer(), appid: identity.clientId, appidacr: '2', ver: '1.0' }
        : { ...common, aud: resource.replace(/^api:\/\//, ''), iss: v2Issuer(), idp: v1Issuer(), azp: identity.clientId, azpacr: '2', ver: '2.0' };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + state.lifetimeSeconds)
      .sign(key);
  };

  /** Which identity a request means, or the service's refusal. */
  const choose = (clientId: string | undefined): { identity: AzureManagedIdentity } | { error: 'multiple' | 'none' } => {
    if (clientId !== undefined) {
      const identity = state.identities.find((candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase());
      return identity ? { identity } : { error: 'none' };
    }
    const system = state.identities.find((candidate) => candidate.kind === 'system-assigned');
    if (system) return { identity: system };
    const user = state.identities.filter((candidate) => candidate.kind === 'user-assigned');
    if (user.length === 1 && user[0]) return { identity: user[0] };
    return { error: user.length > 1 ? 'multiple' : 'none' };
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const tokenFor = async (form: 'app-service' | 'imds', url: URL, res: ServerResponse) => {
    const resource = url.searchParams.get('resource') ?? '';
    const clientId = url.searchParams.get('client_id') ?? undefined;
    const fail = (status: number, error: string, description: string) => {
      requests.push({ form, resource, clientId, status });
      return form === 'imds' ? send(res, status, { error, error_description: description }) : send(res, status, { statusCode: status, message: description, correlationId: randomUUID() });
    };
    if (resource === '') return fail(400, 'invalid_request', 'Required query variable \'resource\' is missing');
    const chosen = choose(clientId);
    if ('error' in chosen) {
      if (chosen.error === 'multiple') return fail(400, 'invalid_request', 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request');
      return fail(400, 'invalid_request', form === 'imds' ? 'Identity not found' : 'Unable to load the proper Managed Identity.');
    }
    const known = resource === AZURE_SNOWFLAKE_RESOURCE || resource === AZURE_SNOWFLAKE_APP_ID ? state.consent : /^https:\/\/management\.azure\.com\/?$/.test(resource);
    if (!known) {
      return fail(400, 'invalid_resource', `AADSTS500011: The resource principal named ${SV(resource)} was not found in the tenant named ${state.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant. Trace ID: ${randomUUID()}`);
    }
    const token = await issue(chosen.identity, resource);
    const expiresOn = Math.floor(Date.now() / 1000) + state.lifetimeSeconds;
    requests.push({ form, resource, clientId, status: 200 });
    if (form === 'app-service') return send(res, 200, { access_token: token, expires_on: String(expiresOn), resource, token_type: 'Bearer', client_id: chosen.identity.clientId });
    return send(res, 200, {
      access_token: token,
      client_id: chosen.identity.clientId,
      expires_in: String(state.lifetimeSeconds),
      expires_on: String(expiresOn),
      ext_expires_in: String(state.lifetimeSeconds),
      not_before: String(expiresOn - state.lifetimeSeconds),
      resource,
      token_type: 'Bearer',
    });
  };

  /**
   * AKS workload identity: Entra's token endpoint exchanging the pod's projected service-account token
   * (client_assertion, audience api://AzureADTokenExchange) for the identity's token, when a federated
   * credential of the identity names the assertion's issuer and subject (AADSTS70021 otherwise). The
   * assertion's issuer, subject, audience and expiry are checked, not its signature (a simplification:
   * real Entra fetches the cluster issuer's keys). The scope is taken with or without `/.default`:
   * snowflake-sdk asks for `api://fd3f…` without it, and whether Entra accepts that for this flow is not
   * verified here (docs/how-it-works.md "Azure").
   */
  const exchange = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const clientId = form.get('client_id') ?? undefined;
    const resource = (form.get('scope') ?? '').split(' ')[0]?.replace(/\/\.default$/, '') ?? '';
    const fail = (code: number, error: string, description: string) => {
      requests.push({ form: 'workload-identity', resource, clientId, status: 400 });
      return send(res, 400, { error, error_description: `${description} Trace ID: ${randomUUID()}`, error_codes: [code], timestamp: new Date().toISOString() });
    };
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return fail(900144, 'invalid_request', 'AADSTS900144: The request body must contain the following parameter: \'client_assertion\'.');
    }
    const identity = state.identities.find((candidate) => candidate.clientId.toLowerCase() === (clientId ?? '').toLowerCase());
    if (!identity) return fail(700016, 'unauthorized_client', `AADSTS700016: Application with identifier '${SV(clientId ?? '')}' was not found in the directory '${state.tenant}'.`);
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(form.get('client_assertion') ?? '') as Record<string, unknown>;
    } catch {
      return fail(50027, 'invalid_request', 'AADSTS50027: JWT token is invalid or malformed.');
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const [iss, sub] = [String(claims.iss ?? ''), String(claims.sub ?? '')];
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return fail(700024, 'invalid_client', 'AADSTS700024: Client assertion is not within its valid time range.');
    const federated = (identity.federated ?? []).some((credential) => credential.issuer === iss && credential.subject === sub);
    if (!federated || !audiences.includes('api://AzureADTokenExchange')) {
      return fail(70021, 'invalid_request', `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SV(iss)}'. Assertion Subject: '${SV(sub)}'. Assertion Audience: '${SV(audiences.map(String).join(','))}'.`);
    }
    const known = resource === AZURE_SNOWFLAKE_RESOURCE || resource === AZURE_SNOWFLAKE_APP_ID ? state.consent : false;
    if (!known) return fail(500011, 'invalid_resource', `AADSTS500011: The resource principal named ${SV(resource)} was not found in the tenant named ${state.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    requests.push({ form: 'workload-identity', resource, clientId, status: 200 });
    return send(res, 200, { token_type: 'Bearer', expires_in: state.lifetimeSeconds, ext_expires_in: state.lifetimeSeconds, access_token: await issue(identity, resource) });
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (req.method === 'POST' && path === `/${state.tenant}/oauth2/v2.0/token`) return exchange(req, res);
    if (req.method === 'GET' && path.replace(/\/$/, '') === AZURE_MSI_PATH) {
      if (req.headers['x-identity-header'] !== identityHeader) return send(res, 401, { statusCode: 401, message: 'Unauthorized: X-IDENTITY-HEADER is missing or wrong.' });
      return tokenFor('app-service', url, res);
    }
    // msal-node asks for …/oauth2/token/ (its URL normalisation adds the slash); IMDS answers both.
    if (req.method === 'GET' && path.replace(/\/$/, '') === '/metadata/identity/oauth2/token') {
      if (req.headers['metadata'] !== 'true') return send(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
      return tokenFor('imds', url, res);
    }
    const tenant = state.tenant;
    const host = `https://${state.issuerHost}`;
    if (req.method === 'GET' && (path === `/${tenant}/v2.0/.well-known/openid-configuration` || path === `/${tenant}/.well-known/openid-configuration`)) {
      const v2 = path.includes('/v2.0/');
      return send(res, 200, {
        issuer: v2 ? v2Issuer() : v1Issuer(),
        jwks_uri: v2 ? `${host}/${tenant}/discovery/v2.0/keys` : `${host}/common/discovery/keys`,
        token_endpoint: v2 ? `${host}/${tenant}/oauth2/v2.0/token` : `${host}/${tenant}/oauth2/token`,
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: 'EU',
      });
    }
    if (req.method === 'GET' && (path === `/${tenant}/discovery/v2.0/keys` || path === '/common/discovery/keys' || path === '/common/discovery/v2.0/keys')) {
      return send(res, 200, { keys: [{ kty: jwk.kty, use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, alg: 'RS256' }] });
    }
    return send(res, 404, { error: 'not_found' });
  };

  const server = await startHttpServer(handler);
  const base = baseUrl(server.host, server.port);
  const publicHosts = () => new Set([AZURE_PUBLIC_HOST, 'sts.windows.net', state.issuerHost]);
  return {
    url: base,
    identityHeader,
    state,
    configure(next) {
      Object.assign(state, next);
    },
    appServiceEnv: () => ({ IDENTITY_ENDPOINT: `${base}${AZURE_MSI_PATH}`, IDENTITY_HEADER: identityHeader }),
    imdsEnv: () => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: base }),
    resolve(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return undefined;
      }
      if (parsed.protocol !== 'https:' || !publicHosts().has(parsed.hostname) || parsed.port !== '') return undefined;
      return `${base}${parsed.pathname}${parsed.search}`;
    },
    issue,
    v1Issuer,
    v2Issuer,
    requests,
    close: () => server.close(),
  };
}

// --- the test bed's Azure side (startTestBed({ azure: true })) -------------------------------------

/** A made-up tenant (not any real one). */
export const AZURE_TEST_BED_TENANT = '3f1e2d4c-5b6a-4789-9abc-def012345678';
/** The VM's own (system-assigned) identity: registered for no user. */
export const AZURE_VM_IDENTITY: AzureManagedIdentity = { name: 'etl-vm', kind: 'system-assigned', clientId: '6b0d3a1e-2f4c-4e8a-9b7d-1c2e3f4a5b60', objectId: '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4' };
/** The user-assigned identity AZ_LOADER holds (by its object ID, as Snowflake's docs ask). */
export const AZURE_LOADER_IDENTITY: AzureManagedIdentity = { name: 'snowflake-loader', kind: 'user-assigned', clientId: '4a7c9e1b-3d5f-4a2c-8e6b-0f1d2c3b4a59', objectId: '2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a' };
/** A user-assigned identity whose CLIENT ID was registered (AZ_REPORTING): the commonest Azure trap. */
export const AZURE_REPORTING_IDENTITY: AzureManagedIdentity = { name: 'reporting', kind: 'user-assigned', clientId: '7d1f3b5a-9c2e-4d6f-8a0b-2c4e6f8a0b1c', objectId: '5f7a9c1e-3b5d-4f7a-9c1e-3b5d7f9a1c3e' };
/** A user-assigned identity registered with its object ID in capitals (AZ_AUDIT). */
export const AZURE_AUDIT_IDENTITY: AzureManagedIdentity = { name: 'audit-writer', kind: 'user-assigned', clientId: '1e3a5c7d-9f0b-4c2d-8e4f-6a8b0c2d4e6f', objectId: 'b3d5f7a9-1c3e-4a5b-8d7f-9a1b3c5d7e9f' };
export const AZURE_TEST_BED_IDENTITIES: readonly AzureManagedIdentity[] = Object.freeze([AZURE_VM_IDENTITY, AZURE_LOADER_IDENTITY, AZURE_REPORTING_IDENTITY, AZURE_AUDIT_IDENTITY]);
export const AZURE_TEST_BED_V2_ISSUER = `https://${AZURE_PUBLIC_HOST}/${AZURE_TEST_BED_TENANT}/v2.0`;

/** The Azure users a test bed with `azure` adds (registered as Snowflake's docs show: the v2 issuer). */
export const DEFAULT_AZURE_TEST_BED_USERS = Object.freeze([
  { name: 'AZ_LOADER', azureIdentity: { type: 'AZURE' as const, issuer: AZURE_TEST_BED_V2_ISSUER, subject: AZURE_LOADER_IDENTITY.objectId }, defaultRole: 'LOADER', type: 'SERVICE' as const },
  { name: 'AZ_REPORTING', azureIdentity: { type: 'AZURE' as const, issuer: AZURE_TEST_BED_V2_ISSUER, subject: AZURE_REPORTING_IDENTITY.clientId }, defaultRole: 'REPORTER', type: 'SERVICE' as const },
  { name: 'AZ_AUDIT', azureIdentity: { type: 'AZURE' as const, issuer: AZURE_TEST_BED_V2_ISSUER, subject: AZURE_AUDIT_IDENTITY.objectId.toUpperCase() }, defaultRole: 'AUDITOR', type: 'SERVICE' as const },
]);
