// Baseline for `wif-check whoami --provider gcp`: the least a Node program can do to get the token
// snowflake-sdk sends for GCP — google-auth-library's ID token for the audience
// snowflakecomputing.com from the metadata server (GCE_METADATA_HOST and GOOGLE_CLOUD_PROJECT from
// the environment, as the bench sets them) — and print its subject.
import { GoogleAuth } from 'google-auth-library';

const auth = new GoogleAuth();
const client = await auth.getIdTokenClient('snowflakecomputing.com');
const token = await client.idTokenProvider.fetchIdToken('snowflakecomputing.com');
console.log(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).sub);
