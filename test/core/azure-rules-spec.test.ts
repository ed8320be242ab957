/**
 * The specification of Azure's pure rules (src/providers/azure/rules.ts), beside the code tables in
 * azure-rules.test.ts: every trap whole (code, severity, message, fix, subject — and no other key),
 * with the words spelled out here rather than taken from the module, and the edges of each parser:
 * a GUID inside other text, an authority host typed with three slashes, an issuer with a query, a
 * resource ID behind a URL, values of 200 and 201 characters, tenant IDs in capitals.
 * Sources: the header of rules.ts, /work/shared/FACTS.md "Third round", docs/how-it-works.md "Azure".
 */
import { describe, expect, it } from 'vitest';
import {
  AZURE_SOURCE_LABELS,
  SNOWFLAKE_ENTRA_APP_ID,
  SNOWFLAKE_ENTRA_RESOURCE,
  azureRegistrationMismatch,
  azureRegistrationTraps,
  cloudOfAuthorityHost,
  describeAzureToken,
  environmentTraps,
  identityChoiceTraps,
  isGuid,
  managedIdentityOrigin,
  parseAzureIssuer,
  tokenFailureTrap,
  type AzureEnvironment,
  type AzureIssuer,
  type ManagedIdentityOrigin,
} from '../../src/providers/azure/rules.js';
import type { Trap } from '../../src/providers/types.js';

const APP = 'fd3f753b-eed3-462c-b6a7-a4b5bb650aad';
const RESOURCE = 'api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad';
const TID = '3f1e2d4c-5b6a-4789-9abc-def012345678';
const OTHER_TID = '00000000-0000-4000-8000-000000000000';
const V1 = `https://sts.windows.net/${TID}/`;
const V2 = `https://login.microsoftonline.com/${TID}/v2.0`;
const OID = '2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a';
const CLIENT = '4a7c9e1b-3d5f-4a2c-8e6b-0f1d2c3b4a59';
const NOW = Date.parse('2026-12-07T09:00:00Z');
const T = NOW / 1000;
const UAMI = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/wif-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/snowflake-loader';
const VM = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/wif-rg/providers/Microsoft.Compute/virtualMachines/etl-vm';
const RS = { alg: 'RS256', typ: 'JWT', kid: 'k1' };
/** A v2.0 managed-identity token for Snowflake's application, clean but for what a case overrides. */
const v2Token = (over: Record<string, unknown> = {}) => ({ iss: V2, sub: OID, oid: OID, aud: APP, azp: CLIENT, tid: TID, ver: '2.0', iat: T - 60, nbf: T - 60, exp: T + 86_000, xms_mirid: UAMI, ...over });

const SOVEREIGN_FIX = 'Snowflake does not support Azure sovereign clouds (docs user-guide/workload-identity-federation): run the workload in the Azure public cloud, or use another authentication method.';
const OBJECT_ID_HOWTO = [
  "Register the identity's object (principal) ID:",
  '  user-assigned: az identity show -g <group> -n <identity> --query principalId -o tsv',
  '  system-assigned: az vm identity show -g <group> -n <vm> --query principalId -o tsv  (az webapp identity show / az functionapp identity show)',
  "  or run wif-check whoami --provider azure where the workload runs: it prints the token's sub.",
].join('\n');
const V1_FIX = 'Register the issuer the token carries (what wif-check gen-sql writes), or the documented v2 form; doctor --admin-connection shows which one this account holds.';
const v1Message = (issuer: string, tenant: string) => `the token carries Entra's v1 issuer ${issuer}; Snowflake's docs register the v2 form https://login.microsoftonline.com/${tenant}/v2.0. Whether Snowflake matches one with the other is not publicly known`;
const WRONG_RESOURCE_FIX = "Ask for the resource api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad (leave the driver's workloadIdentityAzureEntraIdResource and --azure-resource unset).";
const NOT_ENTRA_TOKEN_FIX = 'A token from another issuer is an OIDC token: check it with --provider oidc.';

// Snowflake's Entra application and the resource the drivers ask a token for (snowflake-sdk attestation_azure.js).
describe('the constants', () => {
  it('Snowflake\'s Entra application ID', () => expect(SNOWFLAKE_ENTRA_APP_ID).toBe(APP));
  it('the resource the drivers ask for', () => expect(SNOWFLAKE_ENTRA_RESOURCE).toBe(RESOURCE));
  it('where DefaultAzureCredential will ask, in words', () =>
    expect(AZURE_SOURCE_LABELS).toStrictEqual({
      'workload-identity': 'AKS workload identity (AZURE_FEDERATED_TOKEN_FILE, exchanged at Entra ID)',
      'app-service': 'App Service / Functions managed identity (IDENTITY_ENDPOINT)',
      imds: 'the instance metadata service (IMDS, a VM or scale set managed identity)',
      'cloud-shell': 'Cloud Shell (MSI_ENDPOINT)',
    }));
});

// A GUID is the whole value, never a GUID inside other text.
describe('isGuid: the whole value', () => {
  const cases: Array<[string, boolean]> = [
    [OID, true],
    [`urn:uuid:${OID}`, false],
    [`object-id-${OID}`, false],
    [` ${OID}`, false],
    [`/subscriptions/${OID}`, false],
  ];
  it.each(cases)('%j → %s', (value, expected) => expect(isGuid(value)).toBe(expected));
});

// AZURE_AUTHORITY_HOST: only a leading https:// and trailing slashes are dropped; nothing else is forgiven.
describe('cloudOfAuthorityHost: what is dropped, what is not', () => {
  const cases: Array<[string, string | null]> = [
    ['https://login.microsoftonline.us//', 'us-government'],
    ['https://login.chinacloudapi.cn///', 'china'],
    ['https:///login.microsoftonline.us', null],
    ['/login.microsoftonline.us', null],
    ['login.microsoftonline.us/https://', null],
    ['login.partner.microsoftonline.cnhttps://', null],
    ['https://login.microsoftonline.us/organizations', null],
    ['sts.windows.net', 'public'],
    ['https://sts.microsoftonline.de/', 'germany'],
    ['https://login.partner.microsoftonline.cn', 'china'],
  ];
  it.each(cases)('%j → %s', (value, cloud) => expect(cloudOfAuthorityHost(value)).toBe(cloud));
});

// An issuer is the whole URL: a query, a fragment or another path segment after it makes it no Entra issuer.
describe('parseAzureIssuer: edges', () => {
  const cases: Array<[string, AzureIssuer]> = [
    [`${V2}?x=1`, { form: 'not-entra', tenant: null, cloud: null }],
    [`${V2}#access_token`, { form: 'not-entra', tenant: null, cloud: null }],
    [`${V2}/.well-known/openid-configuration`, { form: 'not-entra', tenant: null, cloud: null }],
    [`${V1}?api-version=2018-02-01`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://login.microsoftonline.com/${TID}/oauth2/v2.0/token`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://sts.windows.net/${TID}/v2.0/`, { form: 'not-entra', tenant: TID, cloud: 'public' }],
    [`https://sts.chinacloudapi.cn/${TID}/v2.0/`, { form: 'not-entra', tenant: TID, cloud: 'china' }],
    [`https://sts.windows.net/${TID}//`, { form: 'not-entra', tenant: null, cloud: null }],
    [`https://login.microsoftonline.com/${TID}/V2.0`, { form: 'v2', tenant: TID, cloud: 'public' }],
    [`https://login.microsoftonline.com/common/v2.0`, { form: 'v2', tenant: 'common', cloud: 'public' }],
  ];
  it.each(cases)('%j', (issuer, expected) => expect(parseAzureIssuer(issuer)).toStrictEqual(expected));
});

// xms_mirid: an Azure resource ID from its first character; its name is the last segment, trailing slashes dropped.
describe('managedIdentityOrigin: edges', () => {
  const cases: Array<[string, ManagedIdentityOrigin | null]> = [
    [`https://management.azure.com${UAMI}`, null],
    [`subscriptions${UAMI}`, null],
    [`${UAMI}//`, { kind: 'user-assigned', resourceId: `${UAMI}//`, name: 'snowflake-loader' }],
    [`${VM}///`, { kind: 'system-assigned', resourceId: `${VM}///`, name: 'etl-vm' }],
    ['/subscriptions/s/resourcegroups/g/providers/Microsoft.Web/sites/f', { kind: 'system-assigned', resourceId: '/subscriptions/s/resourcegroups/g/providers/Microsoft.Web/sites/f', name: 'f' }],
    ['/subscriptions/s/resourcegroups/g/providers/microsoft.managedidentity/userassignedidentities/u', { kind: 'user-assigned', resourceId: '/subscriptions/s/resourcegroups/g/providers/microsoft.managedidentity/userassignedidentities/u', name: 'u' }],
  ];
  it.each(cases)('%j', (mirid, expected) => expect(managedIdentityOrigin(mirid)).toStrictEqual(expected));
});

// A token: every trap whole. The OIDC audience rules (no aud, an audience list, EKS's IRSA token) are not Azure's.
describe('describeAzureToken: the traps, whole', () => {
  const long200 = `https://issuer.example/${'a'.repeat(200 - 23)}`;
  const long201 = `${long200}b`;
  const cases: Array<[string, Record<string, unknown>, Trap[]]> = [
    ['the documented v2 token', v2Token(), []],
    ['the v1 token', v2Token({ iss: V1, aud: RESOURCE, ver: '1.0', azp: undefined, appid: CLIENT }), [{ code: 'AZURE_ISSUER_V1', severity: 'warn', message: v1Message(V1, TID), fix: V1_FIX }]],
    ['the v1 token, tenant from its issuer', v2Token({ iss: V1, aud: `${RESOURCE}/`, tid: undefined }), [{ code: 'AZURE_ISSUER_V1', severity: 'warn', message: v1Message(V1, TID), fix: V1_FIX }]],
    ['US Government', v2Token({ iss: `https://login.microsoftonline.us/${TID}/v2.0` }), [{ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `the token comes from Azure's US Government cloud (issuer https://login.microsoftonline.us/${TID}/v2.0)`, fix: SOVEREIGN_FIX }]],
    ['China, v1', v2Token({ iss: `https://sts.chinacloudapi.cn/${TID}/` }), [{ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `the token comes from Azure's China (21Vianet) cloud (issuer https://sts.chinacloudapi.cn/${TID}/)`, fix: SOVEREIGN_FIX }]],
    ['Germany', v2Token({ iss: `https://login.microsoftonline.de/${TID}/v2.0` }), [{ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `the token comes from Azure's Germany cloud (issuer https://login.microsoftonline.de/${TID}/v2.0)`, fix: SOVEREIGN_FIX }]],
    ['not an Entra issuer', v2Token({ iss: 'https://issuer.example' }), [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: "the issuer https://issuer.example is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)", fix: NOT_ENTRA_TOKEN_FIX }]],
    ['the v2 host without /v2.0', v2Token({ iss: `https://login.microsoftonline.com/${TID}/` }), [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: `the issuer https://login.microsoftonline.com/${TID}/ is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)`, fix: NOT_ENTRA_TOKEN_FIX }]],
    ['an issuer of 200 characters, shown whole', v2Token({ iss: long200 }), [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: `the issuer ${long200} is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)`, fix: NOT_ENTRA_TOKEN_FIX }]],
    ['an issuer of 201 characters, cut at 200', v2Token({ iss: long201 }), [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: `the issuer ${long200}… is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)`, fix: NOT_ENTRA_TOKEN_FIX }]],
    ['an issuer with an escape sequence', v2Token({ iss: 'https://issuer.example/\u001b]0;ok\u0007' }), [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: "the issuer https://issuer.example/\\u001b]0;ok\\u0007 is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)", fix: NOT_ENTRA_TOKEN_FIX }]],
    ['a token for Azure Resource Manager', v2Token({ aud: 'https://management.azure.com/' }), [{ code: 'AZURE_WRONG_RESOURCE', severity: 'error', message: "the token is for https://management.azure.com/, not for Snowflake's Entra application (api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad)", fix: WRONG_RESOURCE_FIX }]],
    ['a token for two other resources', v2Token({ aud: ['https://management.azure.com/', 'https://vault.azure.net'] }), [{ code: 'AZURE_WRONG_RESOURCE', severity: 'error', message: "the token is for https://management.azure.com/, https://vault.azure.net, not for Snowflake's Entra application (api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad)", fix: WRONG_RESOURCE_FIX }]],
    ['the v1 resource', v2Token({ aud: RESOURCE }), []],
    ['the v1 resource with a slash', v2Token({ aud: `${RESOURCE}/` }), []],
    ['no aud', v2Token({ aud: undefined }), []],
    ['sub differs from oid', v2Token({ sub: CLIENT }), [{ code: 'AZURE_SUBJECT_NOT_OBJECT_ID', severity: 'warn', message: `the token's sub (${CLIENT}) differs from its oid (${OID}): managed identity tokens carry the object ID in both, and which one Snowflake compares with SUBJECT is not documented` }]],
    ['an oid but no sub', v2Token({ sub: undefined }), [{ code: 'NO_SUBJECT', severity: 'error', message: 'the token has no sub claim: Snowflake matches a token by its subject' }]],
    ['an oid and an empty sub', v2Token({ sub: '' }), [{ code: 'NO_SUBJECT', severity: 'error', message: 'the token has no sub claim: Snowflake matches a token by its subject' }]],
    [
      "an AKS pod's service-account token for Entra's token exchange",
      v2Token({ iss: `https://westeurope.oic.prod-aks.azure.com/${TID}/0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b/`, sub: 'system:serviceaccount:etl:loader', oid: undefined, aud: 'api://AzureADTokenExchange', xms_mirid: undefined }),
      [
        { code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: `the issuer https://westeurope.oic.prod-aks.azure.com/${TID}/0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b/ is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)`, fix: NOT_ENTRA_TOKEN_FIX },
        { code: 'AZURE_WRONG_RESOURCE', severity: 'error', message: "the token is for api://AzureADTokenExchange, not for Snowflake's Entra application (api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad)", fix: WRONG_RESOURCE_FIX },
      ],
    ],
    [
      "EKS's IRSA token handed to --provider azure",
      { iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/B71CF2E4AB3C6F1D0A9E8D7C6B5A4F3E', sub: 'system:serviceaccount:etl:loader', aud: 'sts.amazonaws.com', iat: T - 60, exp: T + 3600 },
      [
        { code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: "the issuer https://oidc.eks.us-east-1.amazonaws.com/id/B71CF2E4AB3C6F1D0A9E8D7C6B5A4F3E is not Entra ID's (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0)", fix: NOT_ENTRA_TOKEN_FIX },
        { code: 'AZURE_WRONG_RESOURCE', severity: 'error', message: "the token is for sts.amazonaws.com, not for Snowflake's Entra application (api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad)", fix: WRONG_RESOURCE_FIX },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, payload, traps) => expect(describeAzureToken(RS, payload, NOW).traps).toStrictEqual(traps));
});

// The documented form (v2 issuer) is offered for a public-cloud v1 token only.
describe('describeAzureToken: the documented form', () => {
  const cases: Array<[string, Record<string, unknown>, string | null]> = [
    ['a public v1 token', v2Token({ iss: V1, aud: RESOURCE }), V2],
    ['a public v1 token whose tid is another tenant: the issuer\'s tenant', v2Token({ iss: V1, tid: OTHER_TID }), V2],
    ['a China v1 token', v2Token({ iss: `https://sts.chinacloudapi.cn/${TID}/` }), null],
    ['a Germany v1 token', v2Token({ iss: `https://sts.microsoftonline.de/${TID}/` }), null],
    ['a v2 token', v2Token(), null],
  ];
  it.each(cases)('%s', (_name, payload, issuer) => {
    const described = describeAzureToken(RS, payload, NOW);
    expect(described.documentedForm).toStrictEqual(issuer === null ? null : { type: 'AZURE', issuer, subject: OID });
  });
});

// A registration before any token: the issuer's traps, then the subject's, each whole.
describe('azureRegistrationTraps: the traps, whole', () => {
  const cases: Array<[string, { issuer: string; subject: string }, string[] | undefined, Trap[]]> = [
    ['the documented form', { issuer: V2, subject: OID }, undefined, []],
    ['the documented form, a client ID known that is not the subject', { issuer: V2, subject: OID }, [CLIENT], []],
    ['US Government', { issuer: `https://login.microsoftonline.us/${TID}/v2.0`, subject: OID }, undefined, [{ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `the issuer https://login.microsoftonline.us/${TID}/v2.0 is Azure's US Government cloud`, fix: SOVEREIGN_FIX }]],
    ['China (partner host)', { issuer: `https://login.partner.microsoftonline.cn/${TID}/v2.0`, subject: OID }, undefined, [{ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `the issuer https://login.partner.microsoftonline.cn/${TID}/v2.0 is Azure's China (21Vianet) cloud`, fix: SOVEREIGN_FIX }]],
    ['Germany v1', { issuer: `https://sts.microsoftonline.de/${TID}/`, subject: OID }, undefined, [{ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `the issuer https://sts.microsoftonline.de/${TID}/ is Azure's Germany cloud`, fix: SOVEREIGN_FIX }]],
    ['the v1 issuer', { issuer: V1, subject: OID }, undefined, [{ code: 'AZURE_ISSUER_V1', severity: 'warn', message: v1Message(V1, TID), fix: V1_FIX }]],
    ['no /v2.0', { issuer: `https://login.microsoftonline.com/${TID}`, subject: OID }, undefined, [{ code: 'AZURE_ISSUER_NO_V2_SUFFIX', severity: 'error', message: `the issuer https://login.microsoftonline.com/${TID} lacks /v2.0: Entra's tokens carry ${V2} (v2) or ${V1} (v1), never this`, fix: `Register ISSUER = '${V2}'.` }]],
    ['an OIDC issuer', { issuer: 'https://token.actions.githubusercontent.com', subject: OID }, undefined, [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: "the issuer https://token.actions.githubusercontent.com is not Entra ID's (https://login.microsoftonline.com/<tenant>/v2.0)", fix: 'For TYPE = AZURE, register https://login.microsoftonline.com/<tenant ID>/v2.0; a token from another issuer needs TYPE = OIDC.' }]],
    ['a tenant name', { issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', subject: OID }, undefined, [{ code: 'AZURE_TENANT_NOT_ID', severity: 'error', message: "the issuer names the tenant contoso.onmicrosoft.com, not its ID: Entra's tokens carry the tenant ID (a GUID) in iss", fix: 'Use the tenant ID (az account show --query tenantId).' }]],
    ['a tenant name after /v2.0/: not Entra\'s, no tenant trap', { issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/', subject: OID }, undefined, [{ code: 'AZURE_ISSUER_NOT_ENTRA', severity: 'warn', message: "the issuer https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/ is not Entra ID's (https://login.microsoftonline.com/<tenant>/v2.0)", fix: 'For TYPE = AZURE, register https://login.microsoftonline.com/<tenant ID>/v2.0; a token from another issuer needs TYPE = OIDC.' }]],
    ["Snowflake's application", { issuer: V2, subject: APP }, undefined, [{ code: 'AZURE_SUBJECT_IS_SNOWFLAKE_APP', severity: 'error', message: `SUBJECT ${APP} is Snowflake's own Entra application, not your identity`, fix: OBJECT_ID_HOWTO }]],
    ["Snowflake's resource", { issuer: V2, subject: RESOURCE }, undefined, [{ code: 'AZURE_SUBJECT_IS_SNOWFLAKE_APP', severity: 'error', message: `SUBJECT ${RESOURCE} is Snowflake's own Entra application, not your identity`, fix: OBJECT_ID_HOWTO }]],
    ['a known client ID', { issuer: V2, subject: CLIENT }, [OID.toUpperCase(), CLIENT.toUpperCase()], [{ code: 'AZURE_SUBJECT_IS_CLIENT_ID', severity: 'error', message: `SUBJECT ${CLIENT} is the identity's client (application) ID; Snowflake matches its object (principal) ID`, fix: OBJECT_ID_HOWTO }]],
    ['an identity name', { issuer: V2, subject: 'snowflake-loader' }, undefined, [{ code: 'AZURE_SUBJECT_NOT_GUID', severity: 'warn', message: "SUBJECT snowflake-loader is not a GUID: a managed identity's object (principal) ID is one", fix: OBJECT_ID_HOWTO }]],
    ['capitals', { issuer: V2, subject: OID.toUpperCase() }, undefined, [{ code: 'AZURE_SUBJECT_UPPERCASE', severity: 'error', message: `SUBJECT ${OID.toUpperCase()} has capital letters: Entra's tokens carry the object ID in lower case, and SUBJECT is case-sensitive`, fix: `Register SUBJECT = '${OID}'.`, subject: OID }]],
  ];
  it.each(cases)('%s', (_name, registration, clientIds, traps) => expect(azureRegistrationTraps(registration, clientIds)).toStrictEqual(traps));
});

// A token against what is registered: each difference named whole, with what would match.
describe('azureRegistrationMismatch: the traps, whole', () => {
  const facts = { issuer: V2, subject: OID, clientId: CLIENT, objectId: OID };
  const fixSubject = `Register SUBJECT = '${OID}' (the token's sub, the object ID).`;
  const ANOTHER = '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4';
  const differs = (registered: string, token: string, suffix = ''): Trap => ({ code: 'AZURE_ISSUER_DIFFERS', severity: 'error', message: `the registered ISSUER ${registered} is not the token's ${token}${suffix}`, fix: `Register ISSUER = '${token}'.` });
  const cases: Array<[string, typeof facts, { issuer: string; subject: string }, Trap[]]> = [
    ['the same', facts, { issuer: V2, subject: OID }, []],
    ['the client ID', facts, { issuer: V2, subject: CLIENT }, [{ code: 'AZURE_SUBJECT_IS_CLIENT_ID', severity: 'error', message: `the registered SUBJECT ${CLIENT} is the identity's client (application) ID; the token's subject is its object ID ${OID}`, fix: fixSubject, subject: OID }]],
    ['the object ID in capitals', facts, { issuer: V2, subject: OID.toUpperCase() }, [{ code: 'AZURE_SUBJECT_CASE', severity: 'error', message: `the registered SUBJECT ${OID.toUpperCase()} differs from the token's ${OID} only in case; SUBJECT is case-sensitive`, fix: fixSubject, subject: OID }]],
    ["Snowflake's application", facts, { issuer: V2, subject: APP }, [{ code: 'AZURE_SUBJECT_IS_SNOWFLAKE_APP', severity: 'error', message: `the registered SUBJECT is Snowflake's own Entra application ${APP}, not your identity`, fix: fixSubject, subject: OID }]],
    ['another identity', facts, { issuer: V2, subject: ANOTHER }, [{ code: 'AZURE_SUBJECT_DIFFERS', severity: 'error', message: `the registered SUBJECT ${ANOTHER} is another identity than the token's ${OID}`, fix: fixSubject, subject: OID }]],
    ['v2 token, v1 registered', facts, { issuer: V1, subject: OID }, [{ code: 'AZURE_ISSUER_FORM_DIFFERS', severity: 'warn', message: `the token's issuer is the v2 form ${V2}, the registered ISSUER the v1 form ${V1} (same tenant): whether Snowflake matches them is not publicly known`, fix: `To match what the token says exactly: ISSUER = '${V2}'.` }]],
    ['v1 token, v2 registered in capitals', { ...facts, issuer: V1 }, { issuer: `https://login.microsoftonline.com/${TID.toUpperCase()}/v2.0`, subject: OID }, [{ code: 'AZURE_ISSUER_FORM_DIFFERS', severity: 'warn', message: `the token's issuer is the v1 form ${V1}, the registered ISSUER the v2 form https://login.microsoftonline.com/${TID.toUpperCase()}/v2.0 (same tenant): whether Snowflake matches them is not publicly known`, fix: `To match what the token says exactly: ISSUER = '${V1}'.` }]],
    // Same form, same tenant in other letters: a plain difference (issuers compare exactly), not a form question.
    ['v2 token, the v2 issuer with the tenant in capitals', facts, { issuer: `https://login.microsoftonline.com/${TID.toUpperCase()}/v2.0`, subject: OID }, [differs(`https://login.microsoftonline.com/${TID.toUpperCase()}/v2.0`, V2)]],
    ['v1 token, the v1 issuer with the tenant in capitals', { ...facts, issuer: V1 }, { issuer: `https://sts.windows.net/${TID.toUpperCase()}/`, subject: OID }, [differs(`https://sts.windows.net/${TID.toUpperCase()}/`, V1)]],
    ['v2 token, the v2 host without /v2.0', facts, { issuer: `https://login.microsoftonline.com/${TID}`, subject: OID }, [differs(`https://login.microsoftonline.com/${TID}`, V2)]],
    ['a token from the v2 host without /v2.0, v1 registered', { ...facts, issuer: `https://login.microsoftonline.com/${TID}/` }, { issuer: V1, subject: OID }, [differs(V1, `https://login.microsoftonline.com/${TID}/`)]],
    ['a trailing slash', facts, { issuer: `${V2}/`, subject: OID }, [differs(`${V2}/`, V2)]],
    ['another tenant', facts, { issuer: `https://login.microsoftonline.com/${OTHER_TID}/v2.0`, subject: OID }, [differs(`https://login.microsoftonline.com/${OTHER_TID}/v2.0`, V2, ' (another tenant)')]],
    ['the v1 form of another tenant', facts, { issuer: `https://sts.windows.net/${OTHER_TID}/`, subject: OID }, [differs(`https://sts.windows.net/${OTHER_TID}/`, V2, ' (another tenant)')]],
    ['an OIDC issuer registered: no tenant to compare', facts, { issuer: 'https://token.actions.githubusercontent.com', subject: OID }, [differs('https://token.actions.githubusercontent.com', V2)]],
    ['a token from an OIDC issuer: no tenant to compare', { ...facts, issuer: 'https://issuer.example' }, { issuer: V2, subject: OID }, [differs(V2, 'https://issuer.example')]],
  ];
  it.each(cases)('%s', (_name, token, registered, traps) => expect(azureRegistrationMismatch(token, registered)).toStrictEqual(traps));
});

// The environment the driver reads: each trap whole.
describe('environmentTraps: the traps, whole', () => {
  const pod = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
  const podFix = [
    'Give the pod workload identity: label it azure.workload.identity/use: "true", annotate its service account with',
    "  azure.workload.identity/client-id: <the managed identity's client ID>, and federate that identity with the service account:",
    '  az identity federated-credential create --identity-name <identity> -g <group> --name snowflake \\',
    "    --issuer <the cluster's OIDC issuer> --subject system:serviceaccount:<namespace>:<service account>",
    'The webhook then sets AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST.',
  ].join('\n');
  const podTrap = (missing: string): Trap => ({ code: 'AKS_FALLS_BACK_TO_IMDS', severity: 'warn', message: `this is a Kubernetes pod without AKS workload identity (${missing} not set): the driver asks the node's instance metadata service instead, which answers with the node's identity or none`, fix: podFix });
  const sovereign = (cloud: string, host: string): Trap => ({ code: 'AZURE_SOVEREIGN_CLOUD', severity: 'error', message: `AZURE_AUTHORITY_HOST is Azure's ${cloud} cloud (${host})`, fix: SOVEREIGN_FIX });
  const notRead = (value: string, asked: string): Trap => ({ code: 'AZURE_CLIENT_ID_NOT_READ', severity: 'warn', message: `MANAGED_IDENTITY_CLIENT_ID is set (${value}), but the Node driver does not read it (the Python connector does): the driver asks for ${asked}`, fix: `Give the Node driver workloadIdentityAzureClientId: '${value}' (wif-check: --azure-client-id), or set AZURE_CLIENT_ID.` });
  const cases: Array<[string, AzureEnvironment, Trap[]]> = [
    ['a pod with nothing set', pod, [podTrap('AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID')]],
    ['a pod with the client ID only', { ...pod, AZURE_CLIENT_ID: CLIENT }, [podTrap('AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID')]],
    ['a pod with --azure-client-id only', { ...pod, clientIdOption: CLIENT }, [podTrap('AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID')]],
    ['a pod without the client ID', { ...pod, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token', AZURE_TENANT_ID: TID }, [podTrap('AZURE_CLIENT_ID')]],
    ['a pod without the token file', { ...pod, AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: TID }, [podTrap('AZURE_FEDERATED_TOKEN_FILE')]],
    ['US Government', { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' }, [sovereign('US Government', 'https://login.microsoftonline.us/')]],
    ['China', { AZURE_AUTHORITY_HOST: 'https://login.chinacloudapi.cn' }, [sovereign('China (21Vianet)', 'https://login.chinacloudapi.cn')]],
    ['Germany', { AZURE_AUTHORITY_HOST: 'login.microsoftonline.de' }, [sovereign('Germany', 'login.microsoftonline.de')]],
    ['MANAGED_IDENTITY_CLIENT_ID alone', { MANAGED_IDENTITY_CLIENT_ID: CLIENT }, [notRead(CLIENT, 'the default identity')]],
    ['MANAGED_IDENTITY_CLIENT_ID and another AZURE_CLIENT_ID', { MANAGED_IDENTITY_CLIENT_ID: CLIENT, AZURE_CLIENT_ID: OID }, [notRead(CLIENT, `AZURE_CLIENT_ID's identity (${OID})`)]],
  ];
  it.each(cases)('%s', (_name, env, traps) => expect(environmentTraps(env)).toStrictEqual(traps));
});

// Which identity answered: the one asked for, or the system-assigned one when none was asked for.
describe('identityChoiceTraps: the traps, whole', () => {
  const system: ManagedIdentityOrigin = { kind: 'system-assigned', resourceId: VM, name: 'etl-vm' };
  const cases: Array<[string, Parameters<typeof identityChoiceTraps>[0], string | undefined, Trap[]]> = [
    ['asked, got another', { managedIdentity: null, clientId: CLIENT }, OID, [{ code: 'AZURE_OTHER_IDENTITY', severity: 'error', message: `the token is for client ID ${CLIENT}, not the one asked for (${OID})` }]],
    [
      'none asked, the system-assigned identity answered',
      { managedIdentity: system, clientId: CLIENT },
      undefined,
      [
        {
          code: 'AZURE_SYSTEM_IDENTITY_CHOSEN',
          severity: 'info',
          message: "no client ID was given, so the token is the system-assigned identity's (etl-vm); if Snowflake holds a user-assigned identity's object ID, the driver presents the wrong one",
          fix: "For a user-assigned identity, give the driver workloadIdentityAzureClientId (wif-check: --azure-client-id, or AZURE_CLIENT_ID) with that identity's client ID.",
        },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, facts, asked, traps) => expect(identityChoiceTraps(facts, asked)).toStrictEqual(traps));
});

// Entra's and the metadata services' refusals, as they word them → the trap, whole.
describe('tokenFailureTrap: the traps, whole', () => {
  const consent: Trap = {
    code: 'AZURE_CONSENT_MISSING',
    severity: 'error',
    message: "Entra ID does not know Snowflake's application in this tenant (AADSTS500011): no administrator has consented to it",
    fix: [
      "A tenant administrator consents once to Snowflake's Entra application fd3f753b-eed3-462c-b6a7-a4b5bb650aad:",
      '  https://login.microsoftonline.com/<tenant ID>/adminconsent?client_id=fd3f753b-eed3-462c-b6a7-a4b5bb650aad',
      '  (or: az ad sp create --id fd3f753b-eed3-462c-b6a7-a4b5bb650aad)',
    ].join('\n'),
  };
  const severalIdentities: Trap = {
    code: 'AZURE_USER_ASSIGNED_NEEDS_CLIENT_ID',
    severity: 'error',
    message: 'several user-assigned identities are attached and no client ID was given, so the metadata service does not know which one to use',
    fix: "Give the identity's client ID: --azure-client-id ID here, workloadIdentityAzureClientId in the Node driver (MANAGED_IDENTITY_CLIENT_ID is the Python connector's), or AZURE_CLIENT_ID.",
  };
  const noIdentity: Trap = {
    code: 'AZURE_NO_SUCH_IDENTITY',
    severity: 'error',
    message: 'the metadata service has no managed identity to give: none is attached, or none with the client ID asked for',
    fix: 'Attach the identity to the VM / app (az vm identity assign, az webapp identity assign), or give the client ID of one that is attached (--azure-client-id).',
  };
  const federation: Trap = {
    code: 'AKS_FEDERATION_MISSING',
    severity: 'error',
    message: "Entra ID found no federated credential on the identity for this pod's service-account token (issuer and subject)",
    fix: "az identity federated-credential create --identity-name <identity> -g <group> --name snowflake --issuer <the cluster's OIDC issuer> --subject system:serviceaccount:<namespace>:<service account> --audience api://AzureADTokenExchange",
  };
  const cases: Array<[string, Trap | undefined]> = [
    [`invalid_resource: AADSTS500011: The resource principal named ${RESOURCE} was not found in the tenant named ${TID}.`, consent],
    ['invalid_request: Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request', severalIdentities],
    ['ManagedIdentityCredential: The managed identity with client ID 4a7c9e1b-3d5f-4a2c-8e6b-0f1d2c3b4a59 is not assigned to this resource.', noIdentity],
    ['The user-assigned Managed Identity was not found.', noIdentity],
    ['No managed identity endpoint found.', noIdentity],
    ['AADSTS70021: No matching federated identity record found for presented assertion.', federation],
    ['ManagedIdentityCredential: managed identity could not be reached', undefined],
  ];
  it.each(cases)('%j', (message, trap) => expect(tokenFailureTrap(message)).toStrictEqual(trap));
});
