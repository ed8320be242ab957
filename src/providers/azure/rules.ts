/**
 * Azure tokens and registrations: what a managed identity's (or AKS workload identity's) token for
 * Snowflake's Entra application says, what `WORKLOAD_IDENTITY = (TYPE = AZURE …)` must hold for it,
 * and the traps on the way. Pure: the edge (./token.ts) gets and decodes the token, reads the
 * environment and hands in plain values; nothing here reads the clock, the environment or the token.
 *
 * Sources (../shared/FACTS.md "Third round"; docs/how-it-works.md "Azure"):
 * - Snowflake (docs user-guide/workload-identity-federation): `TYPE = AZURE ISSUER =
 *   'https://login.microsoftonline.com/<tenant>/v2.0' SUBJECT = '<object (principal) ID>'`, SUBJECT
 *   case-sensitive; Snowflake's Entra application fd3f753b-eed3-462c-b6a7-a4b5bb650aad needs a tenant
 *   admin's consent; Azure sovereign clouds are not supported.
 * - snowflake-sdk 3.4.1 attestation_azure.js: `new DefaultAzureCredential({ managedIdentityClientId:
 *   workloadIdentityAzureClientId }).getToken(workloadIdentityAzureEntraIdResource ??
 *   'api://fd3f753b-…')`; the Node driver reads no MANAGED_IDENTITY_CLIENT_ID (that is the Python
 *   connector's variable); @azure/identity 4.13 falls back to AZURE_CLIENT_ID.
 * - Entra access tokens (Microsoft identity platform, "Access token claims reference"): v1.0 tokens
 *   have `iss` https://sts.windows.net/<tid>/ and `aud` the requested resource (api://…), v2.0 tokens
 *   `iss` https://login.microsoftonline.com/<tid>/v2.0 and `aud` the application's client ID; `oid`
 *   is the object ID of the principal, `sub` equals it for app-only tokens; `appid` (v1) / `azp` (v2)
 *   is the client ID of the caller; `xms_mirid` the managed identity's Azure resource ID.
 * - National clouds ("National clouds" authentication endpoints): login.microsoftonline.us (US
 *   Government), login.chinacloudapi.cn / login.partner.microsoftonline.cn and sts.chinacloudapi.cn
 *   (21Vianet), login.microsoftonline.de (Germany, closed).
 * **Not known:** whether Snowflake accepts a token whose `iss` is the v1 form for a registration
 * with the v2 form (or the reverse). wif-check shows both and never guesses (AZURE_ISSUER_V1).
 */
import { escapeControl } from '../../core/terminal-text.js';
import { describeOidcToken } from '../oidc/rules.js';
import type { OidcTokenFacts, Registration, Trap } from '../types.js';

/** Snowflake's Entra application (multi-tenant; a tenant admin consents to it). */
export const SNOWFLAKE_ENTRA_APP_ID = 'fd3f753b-eed3-462c-b6a7-a4b5bb650aad';
/** The resource the drivers ask a token for (snowflake-sdk DEFAULT_AZURE_ENTRA_ID_RESOURCE). */
export const SNOWFLAKE_ENTRA_RESOURCE = `api://${SNOWFLAKE_ENTRA_APP_ID}`;
/** Entra's public-cloud authority host (@azure/identity's default for AZURE_AUTHORITY_HOST). */
export const PUBLIC_AUTHORITY_HOST = 'login.microsoftonline.com';

export type AzureRegistration = Extract<Registration, { type: 'AZURE' }>;
export type AzureCloud = 'public' | 'us-government' | 'china' | 'germany';

/** What an issuer URL is: Entra's v1 or v2 form, for which tenant, in which cloud. */
export interface AzureIssuer {
  form: 'v1' | 'v2' | 'v2-without-suffix' | 'not-entra';
  tenant: string | null;
  cloud: AzureCloud | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A GUID in any case (Entra's object, client and tenant IDs). */
export const isGuid = (value: string): boolean => GUID.test(value);

/** Entra's token-issuing hosts, per cloud: [host, cloud, form of the issuer on that host]. */
const ISSUER_HOSTS: ReadonlyArray<readonly [string, AzureCloud, 'v1' | 'v2']> = [
  ['sts.windows.net', 'public', 'v1'],
  ['login.microsoftonline.com', 'public', 'v2'],
  ['login.microsoftonline.us', 'us-government', 'v2'],
  ['login.chinacloudapi.cn', 'china', 'v2'],
  ['login.partner.microsoftonline.cn', 'china', 'v2'],
  ['sts.chinacloudapi.cn', 'china', 'v1'],
  ['login.microsoftonline.de', 'germany', 'v2'],
  ['sts.microsoftonline.de', 'germany', 'v1'],
];

/** The cloud an authority host (AZURE_AUTHORITY_HOST, with or without https://) belongs to; null: not Entra's. */
export function cloudOfAuthorityHost(value: string): AzureCloud | null {
  const host = value.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '').toLowerCase();
  return ISSUER_HOSTS.find(([known]) => known === host)?.[1] ?? null;
}

/** `https://sts.windows.net/<tid>/` (v1), `https://login.microsoftonline.com/<tid>/v2.0` (v2), … */
export function parseAzureIssuer(issuer: string): AzureIssuer {
  const match = /^https:\/\/([a-z0-9.-]+)\/([^/?#\s]+)(\/v2\.0)?(\/?)$/i.exec(issuer);
  const host = match?.[1]?.toLowerCase();
  const known = ISSUER_HOSTS.find(([name]) => name === host);
  if (!match || !known) return { form: 'not-entra', tenant: null, cloud: null };
  const [, , tenant = '', v2 = '', slash = ''] = match;
  const [, cloud, hostForm] = known;
  if (hostForm === 'v1') return v2 === '' && slash === '/' ? { form: 'v1', tenant, cloud } : { form: 'not-entra', tenant, cloud };
  if (v2 !== '' && slash === '') return { form: 'v2', tenant, cloud };
  return { form: v2 === '' ? 'v2-without-suffix' : 'not-entra', tenant, cloud };
}

/** The issuer Snowflake's docs ask for: `https://login.microsoftonline.com/<tenant>/v2.0`. */
export const v2Issuer = (tenant: string): string => `https://${PUBLIC_AUTHORITY_HOST}/${tenant}/v2.0`;
/** The v1 form of the same tenant's issuer: `https://sts.windows.net/<tenant>/`. */
export const v1Issuer = (tenant: string): string => `https://sts.windows.net/${tenant}/`;

const shown = (value: string) => escapeControl(value.length > 200 ? `${value.slice(0, 200)}…` : value);
const trap = (code: string, severity: Trap['severity'], message: string, fix?: string, subject?: string): Trap => ({
  code,
  severity,
  message,
  ...(fix === undefined ? {} : { fix }),
  ...(subject === undefined ? {} : { subject }),
});
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const SOVEREIGN_FIX = 'Snowflake does not support Azure sovereign clouds (docs user-guide/workload-identity-federation): run the workload in the Azure public cloud, or use another authentication method.';
const CLOUD_NAMES: Readonly<Record<AzureCloud, string>> = { public: 'public', 'us-government': 'US Government', china: 'China (21Vianet)', germany: 'Germany' };

/** The managed identity a token came from, when its claims say (`xms_mirid`: its Azure resource ID). */
export interface ManagedIdentityOrigin {
  kind: 'system-assigned' | 'user-assigned' | 'unknown';
  resourceId: string;
  /** The identity's (user-assigned) or resource's (system-assigned) name: the last segment of xms_mirid. */
  name: string;
}

/** `/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>` → user-assigned; a VM, app, … → system-assigned. */
export function managedIdentityOrigin(mirid: string): ManagedIdentityOrigin | null {
  if (!/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(mirid)) return null;
  const name = mirid.replace(/\/+$/, '').split('/').pop() ?? '';
  const kind = /\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\//i.test(mirid) ? 'user-assigned' : 'system-assigned';
  return { kind, resourceId: mirid, name };
}

/** What an Azure token says beyond OidcTokenFacts. */
export interface AzureTokenFacts extends OidcTokenFacts {
  /** `tid`, else the issuer's tenant. */
  tenant: string | null;
  /** `oid`: the principal's object ID (what Snowflake's docs call the SUBJECT). */
  objectId: string | null;
  /** `appid` (v1) or `azp` (v2): the client (application) ID of the identity; never the SUBJECT. */
  clientId: string | null;
  /** `ver`: '1.0' or '2.0'. */
  tokenVersion: string | null;
  issuerForm: AzureIssuer['form'];
  cloud: AzureCloud | null;
  managedIdentity: ManagedIdentityOrigin | null;
}

export interface AzureTokenDescription {
  facts: AzureTokenFacts;
  /** Exactly what the token carries: its own `iss` and `sub`. */
  registration: AzureRegistration;
  /** The registration in the form Snowflake's docs show (v2 issuer), when it differs from `registration`. */
  documentedForm: AzureRegistration | null;
  traps: Trap[];
}

// OIDC's audience rules (snowflakecomputing.com, OIDC_AUDIENCE_LIST) are not Azure's: AZURE has no audience list.
const OIDC_ONLY_TRAPS: ReadonlySet<string> = new Set(['NO_AUDIENCE', 'AUDIENCE_NEEDS_LIST', 'EKS_IRSA_TOKEN']);

/** Whether an audience is Snowflake's Entra application (v1: the resource URI; v2: the client ID). */
export const isSnowflakeAudience = (audience: string): boolean => audience === SNOWFLAKE_ENTRA_RESOURCE || audience === SNOWFLAKE_ENTRA_APP_ID || audience === `${SNOWFLAKE_ENTRA_RESOURCE}/`;

/** A decoded token → its facts, the registration that matches it and its traps. */
export function describeAzureToken(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  now: Date | number,
  options: { expiresWithinMs?: number | undefined } = {},
): AzureTokenDescription {
  const base = describeOidcToken(header, payload, now, options);
  const issuer = parseAzureIssuer(base.facts.issuer);
  const tenant = text(payload.tid) || issuer.tenant || null;
  const mirid = text(payload.xms_mirid);
  const facts: AzureTokenFacts = {
    ...base.facts,
    platform: mirid ? 'azure-managed-identity' : base.facts.platform,
    tenant,
    objectId: text(payload.oid) || null,
    clientId: text(payload.appid) || text(payload.azp) || null,
    tokenVersion: text(payload.ver) || null,
    issuerForm: issuer.form,
    cloud: issuer.cloud,
    managedIdentity: mirid ? managedIdentityOrigin(mirid) : null,
  };
  const registration: AzureRegistration = { type: 'AZURE', issuer: facts.issuer, subject: facts.subject };
  const traps = base.traps.filter((found) => !OIDC_ONLY_TRAPS.has(found.code));
  traps.push(...tokenTraps(facts));
  const documentedForm = issuer.form === 'v1' && issuer.cloud === 'public' && tenant !== null ? { ...registration, issuer: v2Issuer(issuer.tenant ?? tenant) } : null;
  return { facts, registration, documentedForm, traps };
}

function tokenTraps(facts: AzureTokenFacts): Trap[] {
  const traps: Trap[] = [];
  if (facts.cloud !== null && facts.cloud !== 'public') {
    traps.push(trap('AZURE_SOVEREIGN_CLOUD', 'error', `the token comes from Azure's ${CLOUD_NAMES[facts.cloud]} cloud (issuer ${shown(facts.issuer)})`, SOVEREIGN_FIX));
  } else if (facts.issuerForm === 'not-entra' || facts.issuerForm === 'v2-without-suffix') {
    traps.push(trap('AZURE_ISSUER_NOT_ENTRA', 'warn', `the issuer ${shown(facts.issuer)} is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)`, 'A token from another issuer is an OIDC token: check it with --provider oidc.'));
  }
  if (facts.issuerForm === 'v1' && facts.cloud === 'public' && facts.tenant !== null) traps.push(issuerFormTrap(facts.issuer, facts.tenant));
  if (facts.audience.length > 0 && !facts.audience.some(isSnowflakeAudience)) {
    traps.push(
      trap(
        'AZURE_WRONG_RESOURCE',
        'error',
        `the token is for ${facts.audience.map(shown).join(', ')}, not for Snowflake's Entra application (${SNOWFLAKE_ENTRA_RESOURCE})`,
        `Ask for the resource ${SNOWFLAKE_ENTRA_RESOURCE} (leave the driver's workloadIdentityAzureEntraIdResource and --azure-resource unset).`,
      ),
    );
  }
  if (facts.objectId !== null && facts.subject !== '' && facts.objectId !== facts.subject) {
    traps.push(trap('AZURE_SUBJECT_NOT_OBJECT_ID', 'warn', `the token's sub (${shown(facts.subject)}) differs from its oid (${shown(facts.objectId)}): managed identity tokens carry the object ID in both, and which one Snowflake compares with SUBJECT is not documented`));
  }
  return traps;
}

function issuerFormTrap(issuer: string, tenant: string): Trap {
  return trap(
    'AZURE_ISSUER_V1',
    'warn',
    `the token carries Entra's v1 issuer ${shown(issuer)}; Snowflake's docs register the v2 form ${shown(v2Issuer(tenant))}. Whether Snowflake matches one with the other is not publicly known`,
    `Register the issuer the token carries (what wif-check gen-sql writes), or the documented v2 form; doctor --admin-connection shows which one this account holds.`,
  );
}

// --- a registration (gen-sql's offline input, audit's listing) -------------------------------------

/** What is registered (or about to be); `clientIds` are IDs known to be client IDs, not object IDs (from a token or the environment). */
export interface RegisteredAzure {
  issuer: string;
  subject: string;
}

/** Traps in what is (to be) registered, before any token is at hand. */
export function azureRegistrationTraps(registration: RegisteredAzure, knownClientIds: readonly string[] = []): Trap[] {
  const traps: Trap[] = [];
  const issuer = parseAzureIssuer(registration.issuer);
  if (issuer.cloud !== null && issuer.cloud !== 'public') {
    traps.push(trap('AZURE_SOVEREIGN_CLOUD', 'error', `the issuer ${shown(registration.issuer)} is Azure's ${CLOUD_NAMES[issuer.cloud]} cloud`, SOVEREIGN_FIX));
  } else if (issuer.form === 'v1' && issuer.tenant !== null) {
    traps.push(issuerFormTrap(registration.issuer, issuer.tenant));
  } else if (issuer.form === 'v2-without-suffix' && issuer.tenant !== null) {
    const fixed = v2Issuer(issuer.tenant);
    traps.push(trap('AZURE_ISSUER_NO_V2_SUFFIX', 'error', `the issuer ${shown(registration.issuer)} lacks /v2.0: Entra's tokens carry ${fixed} (v2) or ${v1Issuer(issuer.tenant)} (v1), never this`, `Register ISSUER = '${fixed}'.`));
  } else if (issuer.form === 'not-entra') {
    traps.push(trap('AZURE_ISSUER_NOT_ENTRA', 'warn', `the issuer ${shown(registration.issuer)} is not Entra ID's (https://login.microsoftonline.com/<tenant>/v2.0)`, 'For TYPE = AZURE, register https://login.microsoftonline.com/<tenant ID>/v2.0; a token from another issuer needs TYPE = OIDC.'));
  }
  if (issuer.tenant !== null && !isGuid(issuer.tenant) && issuer.form !== 'not-entra') {
    traps.push(trap('AZURE_TENANT_NOT_ID', 'error', `the issuer names the tenant ${shown(issuer.tenant)}, not its ID: Entra's tokens carry the tenant ID (a GUID) in iss`, 'Use the tenant ID (az account show --query tenantId).'));
  }
  traps.push(...subjectTraps(registration.subject, knownClientIds));
  return traps;
}

function subjectTraps(subject: string, knownClientIds: readonly string[]): Trap[] {
  if (subject === SNOWFLAKE_ENTRA_APP_ID || subject === SNOWFLAKE_ENTRA_RESOURCE) {
    return [trap('AZURE_SUBJECT_IS_SNOWFLAKE_APP', 'error', `SUBJECT ${shown(subject)} is Snowflake's own Entra application, not your identity`, OBJECT_ID_HOWTO)];
  }
  if (knownClientIds.some((id) => id.toLowerCase() === subject.toLowerCase())) {
    return [trap('AZURE_SUBJECT_IS_CLIENT_ID', 'error', `SUBJECT ${shown(subject)} is the identity's client (application) ID; Snowflake matches its object (principal) ID`, OBJECT_ID_HOWTO)];
  }
  if (!isGuid(subject)) return [trap('AZURE_SUBJECT_NOT_GUID', 'warn', `SUBJECT ${shown(subject)} is not a GUID: a managed identity's object (principal) ID is one`, OBJECT_ID_HOWTO)];
  if (subject !== subject.toLowerCase()) {
    return [trap('AZURE_SUBJECT_UPPERCASE', 'error', `SUBJECT ${shown(subject)} has capital letters: Entra's tokens carry the object ID in lower case, and SUBJECT is case-sensitive`, `Register SUBJECT = '${subject.toLowerCase()}'.`, subject.toLowerCase())];
  }
  return [];
}

const OBJECT_ID_HOWTO = [
  "Register the identity's object (principal) ID:",
  '  user-assigned: az identity show -g <group> -n <identity> --query principalId -o tsv',
  '  system-assigned: az vm identity show -g <group> -n <vm> --query principalId -o tsv  (az webapp identity show / az functionapp identity show)',
  '  or run wif-check whoami --provider azure where the workload runs: it prints the token\'s sub.',
].join('\n');

/**
 * Why a token does not match what is registered: each difference, named, with what would match.
 * The v1/v2 issuer question is reported as both values, never as a verdict.
 */
export function azureRegistrationMismatch(facts: Pick<AzureTokenFacts, 'issuer' | 'subject' | 'clientId' | 'objectId'>, registered: RegisteredAzure): Trap[] {
  const traps: Trap[] = [];
  const fixSubject = `Register SUBJECT = '${facts.subject}' (the token's sub, the object ID).`;
  if (registered.subject !== facts.subject) {
    if (facts.clientId !== null && registered.subject.toLowerCase() === facts.clientId.toLowerCase()) {
      traps.push(trap('AZURE_SUBJECT_IS_CLIENT_ID', 'error', `the registered SUBJECT ${shown(registered.subject)} is the identity's client (application) ID; the token's subject is its object ID ${shown(facts.subject)}`, fixSubject, facts.subject));
    } else if (registered.subject.toLowerCase() === facts.subject.toLowerCase()) {
      traps.push(trap('AZURE_SUBJECT_CASE', 'error', `the registered SUBJECT ${shown(registered.subject)} differs from the token's ${shown(facts.subject)} only in case; SUBJECT is case-sensitive`, fixSubject, facts.subject));
    } else if (registered.subject === SNOWFLAKE_ENTRA_APP_ID) {
      traps.push(trap('AZURE_SUBJECT_IS_SNOWFLAKE_APP', 'error', `the registered SUBJECT is Snowflake's own Entra application ${SNOWFLAKE_ENTRA_APP_ID}, not your identity`, fixSubject, facts.subject));
    } else {
      traps.push(trap('AZURE_SUBJECT_DIFFERS', 'error', `the registered SUBJECT ${shown(registered.subject)} is another identity than the token's ${shown(facts.subject)}`, fixSubject, facts.subject));
    }
  }
  if (registered.issuer !== facts.issuer) {
    const token = parseAzureIssuer(facts.issuer);
    const held = parseAzureIssuer(registered.issuer);
    const sameTenant = token.tenant !== null && token.tenant.toLowerCase() === (held.tenant ?? '').toLowerCase();
    if (sameTenant && ((token.form === 'v1' && held.form === 'v2') || (token.form === 'v2' && held.form === 'v1'))) {
      traps.push(
        trap(
          'AZURE_ISSUER_FORM_DIFFERS',
          'warn',
          `the token's issuer is the ${token.form} form ${shown(facts.issuer)}, the registered ISSUER the ${held.form} form ${shown(registered.issuer)} (same tenant): whether Snowflake matches them is not publicly known`,
          `To match what the token says exactly: ISSUER = '${facts.issuer}'.`,
        ),
      );
    } else {
      traps.push(trap('AZURE_ISSUER_DIFFERS', 'error', `the registered ISSUER ${shown(registered.issuer)} is not the token's ${shown(facts.issuer)}${token.tenant !== null && held.tenant !== null && !sameTenant ? ' (another tenant)' : ''}`, `Register ISSUER = '${facts.issuer}'.`));
    }
  }
  return traps;
}

// --- where the workload runs (the environment the driver reads) -------------------------------------

/** The variables the Azure SDK's chain reads, as the edge found them (values only where they are not secret). */
export interface AzureEnvironment {
  /** --azure-client-id / the driver's workloadIdentityAzureClientId. */
  clientIdOption?: string | undefined;
  AZURE_CLIENT_ID?: string | undefined;
  AZURE_TENANT_ID?: string | undefined;
  AZURE_FEDERATED_TOKEN_FILE?: string | undefined;
  AZURE_AUTHORITY_HOST?: string | undefined;
  IDENTITY_ENDPOINT?: string | undefined;
  /** Whether IDENTITY_HEADER is set (its value is a secret). */
  identityHeaderSet?: boolean | undefined;
  MSI_ENDPOINT?: string | undefined;
  MANAGED_IDENTITY_CLIENT_ID?: string | undefined;
  /** Set in every Kubernetes pod. */
  KUBERNETES_SERVICE_HOST?: string | undefined;
}

/** Where the Azure SDK will get the token, in the order DefaultAzureCredential tries (@azure/identity 4.13). */
export type AzureTokenSource = 'workload-identity' | 'app-service' | 'imds' | 'cloud-shell';

export function azureTokenSource(env: AzureEnvironment): AzureTokenSource {
  const clientId = env.clientIdOption ?? env.AZURE_CLIENT_ID;
  if (env.AZURE_FEDERATED_TOKEN_FILE && clientId && env.AZURE_TENANT_ID) return 'workload-identity';
  if (env.IDENTITY_ENDPOINT && env.identityHeaderSet) return 'app-service';
  if (env.MSI_ENDPOINT) return 'cloud-shell';
  return 'imds';
}

export const AZURE_SOURCE_LABELS: Readonly<Record<AzureTokenSource, string>> = {
  'workload-identity': 'AKS workload identity (AZURE_FEDERATED_TOKEN_FILE, exchanged at Entra ID)',
  'app-service': 'App Service / Functions managed identity (IDENTITY_ENDPOINT)',
  imds: 'the instance metadata service (IMDS, a VM or scale set managed identity)',
  'cloud-shell': 'Cloud Shell (MSI_ENDPOINT)',
};

/** What the environment gets wrong before any token is asked for. */
export function environmentTraps(env: AzureEnvironment): Trap[] {
  const traps: Trap[] = [];
  const source = azureTokenSource(env);
  if (env.AZURE_AUTHORITY_HOST) {
    const cloud = cloudOfAuthorityHost(env.AZURE_AUTHORITY_HOST);
    if (cloud !== null && cloud !== 'public') traps.push(trap('AZURE_SOVEREIGN_CLOUD', 'error', `AZURE_AUTHORITY_HOST is Azure's ${CLOUD_NAMES[cloud]} cloud (${shown(env.AZURE_AUTHORITY_HOST)})`, SOVEREIGN_FIX));
  }
  if (env.KUBERNETES_SERVICE_HOST && source !== 'workload-identity') {
    const missing = [!env.AZURE_FEDERATED_TOKEN_FILE && 'AZURE_FEDERATED_TOKEN_FILE', !(env.clientIdOption ?? env.AZURE_CLIENT_ID) && 'AZURE_CLIENT_ID', !env.AZURE_TENANT_ID && 'AZURE_TENANT_ID'].filter(Boolean).join(', ');
    traps.push(
      trap(
        'AKS_FALLS_BACK_TO_IMDS',
        'warn',
        `this is a Kubernetes pod without AKS workload identity (${missing} not set): the driver asks the node's instance metadata service instead, which answers with the node's identity or none`,
        [
          'Give the pod workload identity: label it azure.workload.identity/use: "true", annotate its service account with',
          '  azure.workload.identity/client-id: <the managed identity\'s client ID>, and federate that identity with the service account:',
          '  az identity federated-credential create --identity-name <identity> -g <group> --name snowflake \\',
          '    --issuer <the cluster\'s OIDC issuer> --subject system:serviceaccount:<namespace>:<service account>',
          'The webhook then sets AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST.',
        ].join('\n'),
      ),
    );
  }
  if (env.MANAGED_IDENTITY_CLIENT_ID && !env.clientIdOption && env.MANAGED_IDENTITY_CLIENT_ID !== env.AZURE_CLIENT_ID) {
    traps.push(
      trap(
        'AZURE_CLIENT_ID_NOT_READ',
        'warn',
        `MANAGED_IDENTITY_CLIENT_ID is set (${shown(env.MANAGED_IDENTITY_CLIENT_ID)}), but the Node driver does not read it (the Python connector does): the driver asks for ${env.AZURE_CLIENT_ID ? `AZURE_CLIENT_ID's identity (${shown(env.AZURE_CLIENT_ID)})` : 'the default identity'}`,
        `Give the Node driver workloadIdentityAzureClientId: '${shown(env.MANAGED_IDENTITY_CLIENT_ID)}' (wif-check: --azure-client-id), or set AZURE_CLIENT_ID.`,
      ),
    );
  }
  return traps;
}

/** The token came from a managed identity the user did not ask for: a user-assigned identity needs its client ID. */
export function identityChoiceTraps(facts: Pick<AzureTokenFacts, 'managedIdentity' | 'clientId'>, askedClientId: string | undefined): Trap[] {
  if (askedClientId !== undefined) {
    if (facts.clientId !== null && facts.clientId.toLowerCase() !== askedClientId.toLowerCase()) {
      return [trap('AZURE_OTHER_IDENTITY', 'error', `the token is for client ID ${shown(facts.clientId)}, not the one asked for (${shown(askedClientId)})`)];
    }
    return [];
  }
  if (facts.managedIdentity?.kind === 'system-assigned') {
    return [
      trap(
        'AZURE_SYSTEM_IDENTITY_CHOSEN',
        'info',
        `no client ID was given, so the token is the system-assigned identity's (${shown(facts.managedIdentity.name)}); if Snowflake holds a user-assigned identity's object ID, the driver presents the wrong one`,
        "For a user-assigned identity, give the driver workloadIdentityAzureClientId (wif-check: --azure-client-id, or AZURE_CLIENT_ID) with that identity's client ID.",
      ),
    ];
  }
  return [];
}

/** Entra's and the metadata services' refusals, by their codes → a trap with the fix. */
export function tokenFailureTrap(message: string): Trap | undefined {
  if (/AADSTS500011\b/.test(message) || /resource principal named .* was not found/i.test(message)) {
    return trap(
      'AZURE_CONSENT_MISSING',
      'error',
      "Entra ID does not know Snowflake's application in this tenant (AADSTS500011): no administrator has consented to it",
      [
        `A tenant administrator consents once to Snowflake's Entra application ${SNOWFLAKE_ENTRA_APP_ID}:`,
        `  https://login.microsoftonline.com/<tenant ID>/adminconsent?client_id=${SNOWFLAKE_ENTRA_APP_ID}`,
        `  (or: az ad sp create --id ${SNOWFLAKE_ENTRA_APP_ID})`,
      ].join('\n'),
    );
  }
  if (/multiple user assigned identities/i.test(message)) {
    return trap(
      'AZURE_USER_ASSIGNED_NEEDS_CLIENT_ID',
      'error',
      'several user-assigned identities are attached and no client ID was given, so the metadata service does not know which one to use',
      "Give the identity's client ID: --azure-client-id ID here, workloadIdentityAzureClientId in the Node driver (MANAGED_IDENTITY_CLIENT_ID is the Python connector's), or AZURE_CLIENT_ID.",
    );
  }
  if (/identity not found|no managed identity|managed identity.*not (?:found|assigned)|identity_not_found/i.test(message)) {
    return trap(
      'AZURE_NO_SUCH_IDENTITY',
      'error',
      'the metadata service has no managed identity to give: none is attached, or none with the client ID asked for',
      'Attach the identity to the VM / app (az vm identity assign, az webapp identity assign), or give the client ID of one that is attached (--azure-client-id).',
    );
  }
  if (/AADSTS70021\b|AADSTS700213\b|No matching federated identity record/i.test(message)) {
    return trap(
      'AKS_FEDERATION_MISSING',
      'error',
      "Entra ID found no federated credential on the identity for this pod's service-account token (issuer and subject)",
      "az identity federated-credential create --identity-name <identity> -g <group> --name snowflake --issuer <the cluster's OIDC issuer> --subject system:serviceaccount:<namespace>:<service account> --audience api://AzureADTokenExchange",
    );
  }
  return undefined;
}
