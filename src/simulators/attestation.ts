/**
 * Builds the AWS WIF attestation token exactly as snowflake-sdk 3.3.0 does
 * (dist/lib/authentication/auth_workload_identity/attestation_aws.js, getCallerIdentityToken):
 * SigV4-sign (service 'sts', no payload-hash header) `POST https://sts.<region>.amazonaws.com/
 * ?Action=GetCallerIdentity&Version=2011-06-15` with headers `host` and `x-snowflake-audience:
 * snowflakecomputing.com`, and return base64(JSON `{ url, method, headers }`) where `headers` are
 * the signed request's headers (host, x-snowflake-audience, x-amz-date, x-amz-security-token when
 * there is a session token, authorization). `.amazonaws.com.cn` for `cn-` regions.
 *
 * For tests that need a login body without running the driver; the overrides let a test build
 * the malformed variants Snowflake must refuse.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { TestIdentity } from './credentials.js';
import { NodeSha256 } from './sigv4.js';

export interface AttestationOptions {
  region: string;
  /** Signing time (default now). */
  date?: Date;
  /** Audience header value; null leaves the header out. Default 'snowflakecomputing.com'. */
  audience?: string | null;
  /** Override the STS host that is signed and put in the URL. */
  stsHost?: string;
  /** Override the URL put in the token (after signing). */
  url?: string;
  /** Override the method put in the token (after signing). */
  method?: string;
  /**
   * 'python': the token as the Python connector writes it (wif_util.py; ../shared/FACTS.md "Other
   * drivers"): Title-Case header names and JSON with a space after each `:` and `,`.
   */
  shape?: 'node' | 'python';
}

const TITLE_CASE: Readonly<Record<string, string>> = {
  host: 'Host',
  'x-amz-date': 'X-Amz-Date',
  'x-amz-security-token': 'X-Amz-Security-Token',
  'x-snowflake-audience': 'X-Snowflake-Audience',
  authorization: 'Authorization',
};

/** JSON as Python's json.dumps writes it by default (separators ', ' and ': '). */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** The STS host the driver signs for a region. */
export function stsHostForRegion(region: string): string {
  return `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

export async function makeAwsAttestationToken(
  credentials: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
  opts: AttestationOptions,
): Promise<string> {
  const host = opts.stsHost ?? stsHostForRegion(opts.region);
  const audience = opts.audience === undefined ? 'snowflakecomputing.com' : opts.audience;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region: opts.region,
    service: 'sts',
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: host,
      path: '/',
      headers: { host, ...(audience === null ? {} : { 'x-snowflake-audience': audience }) },
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    },
    { signingDate: opts.date ?? new Date() },
  );
  const python = opts.shape === 'python';
  const headers = python ? Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [TITLE_CASE[name] ?? name, value])) : signed.headers;
  const token = {
    url: opts.url ?? `https://${host}/?Action=GetCallerIdentity&Version=2011-06-15`,
    method: opts.method ?? 'POST',
    headers,
  };
  return Buffer.from(python ? pythonJson(token) : JSON.stringify(token), 'utf8').toString('base64');
}
