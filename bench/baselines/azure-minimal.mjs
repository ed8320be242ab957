// Baseline for `wif-check whoami --provider azure`: the least a Node program can do to get the token
// Snowflake's Node driver sends for AZURE, with the same call (snowflake-sdk attestation_azure.js):
// @azure/identity's DefaultAzureCredential, for Snowflake's Entra application, the managed identity
// from the environment (the bench points AZURE_POD_IDENTITY_AUTHORITY_HOST at the test bed's IMDS).
import { DefaultAzureCredential } from '@azure/identity';

const token = await new DefaultAzureCredential({ managedIdentityClientId: process.env.AZURE_CLIENT_ID }).getToken('api://fd3f753b-eed3-462c-b6a7-a4b5bb650aad');
const claims = JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url').toString('utf8'));
console.log(claims.sub);
