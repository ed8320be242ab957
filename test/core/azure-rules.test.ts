/**
 * Azure token, registration and environment rules (src/providers/azure/rules.ts), one line per
 * case: issuers as Entra writes them (v1, v2, national clouds) and as people mistype them, tokens as
 * managed identities get them, registrations with a client ID, capitals or another tenant, the
 * variables App Service, a VM and an AKS pod set, and the services' refusals word for word.
 */
import { describe, expect, it } from 'vitest';
import {
  SNOWFLAKE_ENTRA_APP_ID,
  SNOWFLAKE_ENTRA_RESOURCE,
  azureRegistrationMismatch,
  azureRegistrationTraps,
  azureTokenSource,
  cloudOfAuthorityHost,
  describeAzureToken,
  environmentTraps,
  identityChoiceTraps,
  isGuid,
  isSnowflakeAudience,
  managedIdentityOrigin,
  parseAzureIssuer,
  tokenFailureTrap,
  v1Issuer,
  v2Issuer,
  type AzureEnvironment,
  type AzureIssuer,
} from '../../src/providers/azure/rules.js';

const TID = '3f1e2d4c-5b6a-4789-9abc-def012345678';
const V1 = `https://sts.windows.net/${TID}/`;
const V2 = `https://login.microsoftonline.com/${TID}/v2.0`;
const OID = '2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a';
const CLIENT = '4a7c9e1b-3d5f-4a2c-8e6b-0f1d2c3b4a59';
const NOW = Date.parse('2026-12-07T09:00:00Z');
const T = NOW / 1000;
const UAMI = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/wif-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/snowflake-loader';
const VM = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/wif-rg/providers/Microsoft.Compute/virtualMachines/etl-vm';

/** A v2.0 managed-identity token for Snowflake's application. */
const v2Token = (over: Record<string, unknown> = {}) => ({ iss: V2, sub: OID, oid: OID, aud: SNOWFLAKE_ENTRA_APP_ID, azp: CLIENT, tid: TID, ver: '2.0', iat: T - 60, nbf: T - 60, exp: T + 86_000, xms_mirid: UAMI, idtyp: 'app', ...over });
/** A v1.0 one. */
const v1Token = (over: Record<string, unknown> = {}) => ({ iss: V1, sub: OID, oid: OID, aud: SNOWFLAKE_ENTRA_RESOURCE, appid: CLIENT, tid: TID, ver: '1.0', iat: T - 60, exp: T + 86_000, xms_mirid: UAMI, ...over });
const RS = { alg: 'RS256', typ: 'JWT', kid: 'k1' };
const codesOf = (traps: ReadonlyArray<{ code: string }>) => traps.map((trap) => trap.code);

describe('parseAzureIssuer', () => {
  const cases: Array<[string, AzureIssuer]> = [
    [V1, { form: 'v1', tenant: TID, cloud: 'public' }],
    [V2, { form: 'v2', tenant: TID, cloud: 'public' }],
    [`https://LOGIN.microsoftonline.com/${TID}/v2.0`, { form: 'v2', tenant: TID, cloud: 'public' }],
    [`https://login.microsoftonline.com/${TID}/`, { form: 'v2-without-suffix', tenant: TID, cloud: 'public' }],
    [`https://login.microsoftonline.com/${TID}`, { form: 'v2-without-suffix', tenant: TID, cloud: 'public' }],
    [`https://login.microsoftonline.com/${TID}/v2.0/`, { form: 'not-entra', tenant: TID, cloud: 'public' }],
    [`https://sts.windows.net/${TID}`, { form: 'not-entra', tenant: TID, cloud: 'public' }],
    [`https://sts.windows.net/${TID}/v2.0`, { form: 'not-entra', tenant: TID, cloud: 'public' }],
    [`https://login.microsoftonline.us/${TID}/v2.0`, { form: 'v2', tenant: TID, cloud: 'us-government' }],
    [`https://login.chinacloudapi.cn/${TID}/v2.0`, { form: 'v2', tenant: TID, cloud: 'china' }],
    [`https://login.partner.microsoftonline.cn/${TID}/v2.0`, { form: 'v2', tenant: TID, cloud: 'china' }],
    [`https://sts.chinacloudapi.cn/${TID}/`, { form: 'v1', tenant: TID, cloud: 'china' }],
    [`https://login.microsoftonline.de/${TID}/v2.0`, { form: 'v2', tenant: TID, cloud: 'germany' }],
    [`https://sts.microsoftonline.de/${TID}/`, { form: 'v1', tenant: TID, cloud: 'germany' }],
    [`http://login.microsoftonline.com/${TID}/v2.0`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://login.microsoftonline.com.evil.example/${TID}/v2.0`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://token.actions.githubusercontent.com`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://westeurope.oic.prod-aks.azure.com/${TID}/0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b/`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0`, { form: 'v2', tenant: 'contoso.onmicrosoft.com', cloud: 'public' }],
    [` ${V2}`, { form: 'not-entra', tenant: null, cloud: null }],
    ['', { form: 'not-entra', tenant: null, cloud: null }],
  ];
  it.each(cases)('%j', (issuer, expected) => expect(parseAzureIssuer(issuer)).toEqual(expected));
});

describe('the issuer forms', () => {
  it('v1', () => expect(v1Issuer(TID)).toBe(V1));
  it('v2', () => expect(v2Issuer(TID)).toBe(V2));
});

describe('cloudOfAuthorityHost (AZURE_AUTHORITY_HOST)', () => {
  const cases: Array<[string, string | null]> = [
    ['https://login.microsoftonline.com', 'public'],
    ['https://login.microsoftonline.com/', 'public'],
    ['login.microsoftonline.com', 'public'],
    ['HTTPS://LOGIN.MICROSOFTONLINE.US/', 'us-government'],
    ['https://login.chinacloudapi.cn', 'china'],
    ['https://login.microsoftonline.de', 'germany'],
    [' https://login.microsoftonline.us ', 'us-government'],
    ['https://127.0.0.1:8443', null],
    ['https://login.microsoftonline.us.example', null],
    ['', null],
  ];
  it.each(cases)('%j → %s', (value, cloud) => expect(cloudOfAuthorityHost(value)).toBe(cloud));
});

describe('isGuid', () => {
  const cases: Array<[string, boolean]> = [
    [OID, true],
    [OID.toUpperCase(), true],
    [`{${OID}}`, false],
    [OID.slice(1), false],
    [`${OID}0`, false],
    [OID.replace(/-/g, ''), false],
    [`${OID}\n`, false],
    ['g'.repeat(8) + OID.slice(8), false],
    ['', false],
  ];
  it.each(cases)('%j → %s', (value, expected) => expect(isGuid(value)).toBe(expected));
});

describe('managedIdentityOrigin (xms_mirid)', () => {
  it('a user-assigned identity', () => expect(managedIdentityOrigin(UAMI)).toEqual({ kind: 'user-assigned', resourceId: UAMI, name: 'snowflake-loader' }));
  it('a VM (system-assigned)', () => expect(managedIdentityOrigin(VM)).toEqual({ kind: 'system-assigned', resourceId: VM, name: 'etl-vm' }));
  it('an app (system-assigned), any case', () => expect(managedIdentityOrigin('/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/my-func/')).toEqual({ kind: 'system-assigned', resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/my-func/', name: 'my-func' }));
  it('not a resource ID', () => expect(managedIdentityOrigin('snowflake-loader')).toBeNull());
  it('too short', () => expect(managedIdentityOrigin('/subscriptions/s/resourcegroups/g/providers/Microsoft.Web')).toBeNull());
});

describe('isSnowflakeAudience', () => {
  const cases: Array<[string, boolean]> = [
    [SNOWFLAKE_ENTRA_RESOURCE, true],
    [SNOWFLAKE_ENTRA_APP_ID, true],
    [`${SNOWFLAKE_ENTRA_RESOURCE}/`, true],
    [`${SNOWFLAKE_ENTRA_RESOURCE}/.default`, false],
    ['https://management.azure.com/', false],
    ['api://AzureADTokenExchange', false],
    [SNOWFLAKE_ENTRA_APP_ID.toUpperCase(), false],
    ['snowflakecomputing.com', false],
  ];
  it.each(cases)('%j → %s', (audience, expected) => expect(isSnowflakeAudience(audience)).toBe(expected));
});

describe('describeAzureToken', () => {
  it('a v2 user-assigned token: its facts, the registration, no trap', () => {
    const described = describeAzureToken(RS, v2Token(), NOW);
    expect(described.facts).toMatchObject({ issuer: V2, subject: OID, objectId: OID, clientId: CLIENT, tenant: TID, tokenVersion: '2.0', issuerForm: 'v2', cloud: 'public', platform: 'azure-managed-identity', managedIdentity: { kind: 'user-assigned', name: 'snowflake-loader' }, audience: [SNOWFLAKE_ENTRA_APP_ID] });
    expect(described.registration).toEqual({ type: 'AZURE', issuer: V2, subject: OID });
    expect(described.documentedForm).toBeNull();
    expect(described.traps).toEqual([]);
  });
  it('a v1 token: the registration keeps its issuer; the documented v2 form beside it; AZURE_ISSUER_V1 (warn)', () => {
    const described = describeAzureToken(RS, v1Token(), NOW);
    expect(described.registration).toEqual({ type: 'AZURE', issuer: V1, subject: OID });
    expect(described.documentedForm).toEqual({ type: 'AZURE', issuer: V2, subject: OID });
    expect(described.facts.clientId).toBe(CLIENT);
    expect(described.traps.map((trap) => [trap.code, trap.severity])).toEqual([['AZURE_ISSUER_V1', 'warn']]);
    expect(described.traps[0]?.message).toContain('not publicly known');
  });
  const traps: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
    ['a sovereign cloud', RS, v2Token({ iss: `https://login.microsoftonline.us/${TID}/v2.0` }), ['AZURE_SOVEREIGN_CLOUD']],
    ['China v1', RS, v1Token({ iss: `https://sts.chinacloudapi.cn/${TID}/` }), ['AZURE_SOVEREIGN_CLOUD']],
    ['not an Entra issuer', RS, v2Token({ iss: 'https://issuer.example' }), ['AZURE_ISSUER_NOT_ENTRA']],
    ['the v2 host without /v2.0', RS, v2Token({ iss: `https://login.microsoftonline.com/${TID}/` }), ['AZURE_ISSUER_NOT_ENTRA']],
    ['a token for another resource', RS, v2Token({ aud: 'https://management.azure.com/' }), ['AZURE_WRONG_RESOURCE']],
    ['aud as a list with Snowflake in it', RS, v2Token({ aud: ['x', SNOWFLAKE_ENTRA_APP_ID] }), []],
    ['no aud: no OIDC audience trap either', RS, v2Token({ aud: undefined }), []],
    ['sub differs from oid', RS, v2Token({ sub: 'other-sub' }), ['AZURE_SUBJECT_NOT_OBJECT_ID']],
    ['no oid: nothing to compare', RS, v2Token({ oid: undefined }), []],
    ['expired', RS, v2Token({ exp: T - 1 }), ['TOKEN_EXPIRED']],
    ['no iat', RS, v2Token({ iat: undefined }), ['NO_IAT']],
    ['HS256', { alg: 'HS256' }, v2Token(), ['ALGORITHM_REFUSED']],
  ];
  it.each(traps)('%s', (_name, header, payload, expected) => expect(codesOf(describeAzureToken(header, payload, NOW).traps)).toEqual(expected));
  it('tenant from the issuer when the token has no tid', () => expect(describeAzureToken(RS, v1Token({ tid: undefined }), NOW).facts.tenant).toBe(TID));
  it('no tid, no Entra issuer: tenant null, no documented form', () => {
    const described = describeAzureToken(RS, v2Token({ tid: undefined, iss: 'https://issuer.example' }), NOW);
    expect(described.facts.tenant).toBeNull();
    expect(described.documentedForm).toBeNull();
  });
  it('no xms_mirid: no managed identity, the platform from the issuer', () => {
    const described = describeAzureToken(RS, v2Token({ xms_mirid: undefined }), NOW);
    expect(described.facts.managedIdentity).toBeNull();
    expect(described.facts.platform).toBeNull();
  });
  it('the client ID from azp when there is no appid', () => expect(describeAzureToken(RS, v2Token({ azp: 'z' }), NOW).facts.clientId).toBe('z'));
  it('expires within the time still needed: TOKEN_EXPIRES_SOON', () => expect(codesOf(describeAzureToken(RS, v2Token({ exp: T + 30 }), NOW, { expiresWithinMs: 60_000 }).traps)).toEqual(['TOKEN_EXPIRES_SOON']));
});

describe('azureRegistrationTraps (gen-sql offline, audit)', () => {
  const cases: Array<[string, { issuer: string; subject: string }, string[], string[]]> = [
    ['the documented form', { issuer: V2, subject: OID }, [], []],
    ['the v1 issuer', { issuer: V1, subject: OID }, [], ['AZURE_ISSUER_V1']],
    ['no /v2.0', { issuer: `https://login.microsoftonline.com/${TID}`, subject: OID }, [], ['AZURE_ISSUER_NO_V2_SUFFIX']],
    ['a sovereign cloud', { issuer: `https://login.microsoftonline.us/${TID}/v2.0`, subject: OID }, [], ['AZURE_SOVEREIGN_CLOUD']],
    ['an OIDC issuer', { issuer: 'https://token.actions.githubusercontent.com', subject: OID }, [], ['AZURE_ISSUER_NOT_ENTRA']],
    ['a tenant name, not its ID', { issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', subject: OID }, [], ['AZURE_TENANT_NOT_ID']],
    ['a known client ID as subject', { issuer: V2, subject: CLIENT }, [CLIENT], ['AZURE_SUBJECT_IS_CLIENT_ID']],
    ['a known client ID, other case', { issuer: V2, subject: CLIENT.toUpperCase() }, [CLIENT], ['AZURE_SUBJECT_IS_CLIENT_ID']],
    ['Snowflake\'s application as subject', { issuer: V2, subject: SNOWFLAKE_ENTRA_APP_ID }, [], ['AZURE_SUBJECT_IS_SNOWFLAKE_APP']],
    ['Snowflake\'s resource as subject', { issuer: V2, subject: SNOWFLAKE_ENTRA_RESOURCE }, [], ['AZURE_SUBJECT_IS_SNOWFLAKE_APP']],
    ['capitals', { issuer: V2, subject: OID.toUpperCase() }, [], ['AZURE_SUBJECT_UPPERCASE']],
    ['one capital', { issuer: V2, subject: `A${OID.slice(1)}` }, [], ['AZURE_SUBJECT_UPPERCASE']],
    ['not a GUID', { issuer: V2, subject: 'snowflake-loader' }, [], ['AZURE_SUBJECT_NOT_GUID']],
    ['both wrong', { issuer: V1, subject: 'x' }, [], ['AZURE_ISSUER_V1', 'AZURE_SUBJECT_NOT_GUID']],
  ];
  it.each(cases)('%s', (_name, registration, clientIds, expected) => expect(codesOf(azureRegistrationTraps(registration, clientIds))).toEqual(expected));
  it('capitals: the fix and the subject that matches are the lower-case ID', () => {
    const [trap] = azureRegistrationTraps({ issuer: V2, subject: OID.toUpperCase() });
    expect(trap).toMatchObject({ severity: 'error', subject: OID, fix: `Register SUBJECT = '${OID}'.` });
  });
  it('no /v2.0: the fix names the v2 issuer', () => expect(azureRegistrationTraps({ issuer: `https://login.microsoftonline.com/${TID}/`, subject: OID })[0]?.fix).toBe(`Register ISSUER = '${V2}'.`));
  it('a client ID: the fix says how to get the object ID', () => expect(azureRegistrationTraps({ issuer: V2, subject: CLIENT }, [CLIENT])[0]?.fix).toContain('--query principalId'));
});

describe('azureRegistrationMismatch (doctor --admin-connection)', () => {
  const facts = { issuer: V2, subject: OID, clientId: CLIENT, objectId: OID };
  const cases: Array<[string, { issuer: string; subject: string }, string[]]> = [
    ['the same', { issuer: V2, subject: OID }, []],
    ['the client ID', { issuer: V2, subject: CLIENT }, ['AZURE_SUBJECT_IS_CLIENT_ID']],
    ['the client ID in capitals', { issuer: V2, subject: CLIENT.toUpperCase() }, ['AZURE_SUBJECT_IS_CLIENT_ID']],
    ['the object ID in capitals', { issuer: V2, subject: OID.toUpperCase() }, ['AZURE_SUBJECT_CASE']],
    ['Snowflake\'s application', { issuer: V2, subject: SNOWFLAKE_ENTRA_APP_ID }, ['AZURE_SUBJECT_IS_SNOWFLAKE_APP']],
    ['another identity', { issuer: V2, subject: '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4' }, ['AZURE_SUBJECT_DIFFERS']],
    ['the v1 form registered', { issuer: V1, subject: OID }, ['AZURE_ISSUER_FORM_DIFFERS']],
    ['another tenant', { issuer: v2Issuer('00000000-0000-4000-8000-000000000000'), subject: OID }, ['AZURE_ISSUER_DIFFERS']],
    ['the v1 form of another tenant', { issuer: v1Issuer('00000000-0000-4000-8000-000000000000'), subject: OID }, ['AZURE_ISSUER_DIFFERS']],
    ['a trailing slash', { issuer: `${V2}/`, subject: OID }, ['AZURE_ISSUER_DIFFERS']],
    ['both', { issuer: V1, subject: CLIENT }, ['AZURE_SUBJECT_IS_CLIENT_ID', 'AZURE_ISSUER_FORM_DIFFERS']],
  ];
  it.each(cases)('%s', (_name, registered, expected) => expect(codesOf(azureRegistrationMismatch(facts, registered))).toEqual(expected));
  it('a v1 token against a v2 registration: the same question, the other way', () => expect(codesOf(azureRegistrationMismatch({ ...facts, issuer: V1 }, { issuer: V2, subject: OID }))).toEqual(['AZURE_ISSUER_FORM_DIFFERS']));
  it('the form difference is a warning that shows both and fixes to the token\'s', () => {
    const [trap] = azureRegistrationMismatch({ ...facts, issuer: V1 }, { issuer: V2, subject: OID });
    expect(trap).toMatchObject({ severity: 'warn', fix: `To match what the token says exactly: ISSUER = '${V1}'.` });
    expect(trap?.message).toContain(V1);
    expect(trap?.message).toContain(V2);
  });
  it('another tenant is said', () => expect(azureRegistrationMismatch(facts, { issuer: v2Issuer('00000000-0000-4000-8000-000000000000'), subject: OID })[0]?.message).toContain('(another tenant)'));
  it('the subject that matches is the token\'s', () => expect(azureRegistrationMismatch(facts, { issuer: V2, subject: CLIENT })[0]).toMatchObject({ subject: OID, severity: 'error' }));
  it('no client ID in the token: a client ID is just another identity', () => expect(codesOf(azureRegistrationMismatch({ ...facts, clientId: null }, { issuer: V2, subject: CLIENT }))).toEqual(['AZURE_SUBJECT_DIFFERS']));
});

describe('azureTokenSource: where DefaultAzureCredential will ask', () => {
  const cases: Array<[string, AzureEnvironment, string]> = [
    ['AKS workload identity', { AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token', AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: TID }, 'workload-identity'],
    ['workload identity with the client ID as an option', { AZURE_FEDERATED_TOKEN_FILE: '/t', clientIdOption: CLIENT, AZURE_TENANT_ID: TID }, 'workload-identity'],
    ['a token file without a tenant', { AZURE_FEDERATED_TOKEN_FILE: '/t', AZURE_CLIENT_ID: CLIENT }, 'imds'],
    ['a token file without a client ID', { AZURE_FEDERATED_TOKEN_FILE: '/t', AZURE_TENANT_ID: TID }, 'imds'],
    ['App Service', { IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token', identityHeaderSet: true }, 'app-service'],
    ['IDENTITY_ENDPOINT without the header', { IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token', identityHeaderSet: false }, 'imds'],
    ['Cloud Shell', { MSI_ENDPOINT: 'http://localhost:50342/oauth2/token' }, 'cloud-shell'],
    ['a VM', {}, 'imds'],
  ];
  it.each(cases)('%s', (_name, env, source) => expect(azureTokenSource(env)).toBe(source));
});

describe('environmentTraps', () => {
  const pod = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
  const cases: Array<[string, AzureEnvironment, string[]]> = [
    ['a VM', {}, []],
    ['an AKS pod with workload identity', { ...pod, AZURE_FEDERATED_TOKEN_FILE: '/t', AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: TID }, []],
    ['an AKS pod without it', pod, ['AKS_FALLS_BACK_TO_IMDS']],
    ['an AKS pod with the client ID only', { ...pod, AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: TID }, ['AKS_FALLS_BACK_TO_IMDS']],
    ['a US Government authority host', { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us' }, ['AZURE_SOVEREIGN_CLOUD']],
    ['the public authority host', { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/' }, []],
    ['an unknown authority host', { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443' }, []],
    ['MANAGED_IDENTITY_CLIENT_ID alone', { MANAGED_IDENTITY_CLIENT_ID: CLIENT }, ['AZURE_CLIENT_ID_NOT_READ']],
    ['MANAGED_IDENTITY_CLIENT_ID and the same AZURE_CLIENT_ID', { MANAGED_IDENTITY_CLIENT_ID: CLIENT, AZURE_CLIENT_ID: CLIENT }, []],
    ['MANAGED_IDENTITY_CLIENT_ID and --azure-client-id', { MANAGED_IDENTITY_CLIENT_ID: CLIENT, clientIdOption: CLIENT }, []],
  ];
  it.each(cases)('%s', (_name, env, expected) => expect(codesOf(environmentTraps(env))).toEqual(expected));
  it('the pod trap names exactly what is missing', () => expect(environmentTraps({ ...pod, AZURE_CLIENT_ID: CLIENT })[0]?.message).toContain('(AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID not set)'));
  it('the pod trap\'s fix is the webhook label', () => expect(environmentTraps(pod)[0]?.fix).toContain('azure.workload.identity/use: "true"'));
  it('MANAGED_IDENTITY_CLIENT_ID: which identity the driver asks for instead', () => expect(environmentTraps({ MANAGED_IDENTITY_CLIENT_ID: CLIENT, AZURE_CLIENT_ID: 'other' })[0]?.message).toContain("AZURE_CLIENT_ID's identity (other)"));
});

describe('identityChoiceTraps', () => {
  const system = { kind: 'system-assigned' as const, resourceId: VM, name: 'etl-vm' };
  const user = { kind: 'user-assigned' as const, resourceId: UAMI, name: 'snowflake-loader' };
  const cases: Array<[string, Parameters<typeof identityChoiceTraps>[0], string | undefined, string[]]> = [
    ['system-assigned, none asked', { managedIdentity: system, clientId: CLIENT }, undefined, ['AZURE_SYSTEM_IDENTITY_CHOSEN']],
    ['user-assigned, none asked', { managedIdentity: user, clientId: CLIENT }, undefined, []],
    ['no xms_mirid, none asked', { managedIdentity: null, clientId: CLIENT }, undefined, []],
    ['asked and got', { managedIdentity: user, clientId: CLIENT }, CLIENT, []],
    ['asked, any case', { managedIdentity: user, clientId: CLIENT }, CLIENT.toUpperCase(), []],
    ['asked, got another', { managedIdentity: user, clientId: CLIENT }, 'other', ['AZURE_OTHER_IDENTITY']],
    ['asked, no client ID in the token', { managedIdentity: system, clientId: null }, CLIENT, []],
  ];
  it.each(cases)('%s', (_name, facts, asked, expected) => expect(codesOf(identityChoiceTraps(facts, asked))).toEqual(expected));
});

describe('tokenFailureTrap: the services\' refusals', () => {
  const cases: Array<[string, string | undefined]> = [
    [`ManagedIdentityCredential: Authentication failed. Message invalid_resource: AADSTS500011: The resource principal named ${SNOWFLAKE_ENTRA_RESOURCE} was not found in the tenant named ${TID}.`, 'AZURE_CONSENT_MISSING'],
    [`The resource principal named ${SNOWFLAKE_ENTRA_RESOURCE} was not found in the tenant`, 'AZURE_CONSENT_MISSING'],
    ['AADSTS5000110: something else', undefined],
    ['invalid_request: Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request', 'AZURE_USER_ASSIGNED_NEEDS_CLIENT_ID'],
    ['invalid_request: Identity not found', 'AZURE_NO_SUCH_IDENTITY'],
    ['Unable to load the proper Managed Identity.', undefined],
    ['identity_not_found', 'AZURE_NO_SUCH_IDENTITY'],
    ['AADSTS70021: No matching federated identity record found for presented assertion.', 'AKS_FEDERATION_MISSING'],
    ['AADSTS700213: No matching federated identity record found', 'AKS_FEDERATION_MISSING'],
    ['ChainedTokenCredential authentication failed.', undefined],
  ];
  it.each(cases)('%j → %s', (message, code) => expect(tokenFailureTrap(message)?.code).toBe(code));
  it('consent: the fix is the admin-consent URL', () => expect(tokenFailureTrap('AADSTS500011')?.fix).toContain(`adminconsent?client_id=${SNOWFLAKE_ENTRA_APP_ID}`));
});
