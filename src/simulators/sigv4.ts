/**
 * AWS Signature Version 4 verification, shared by the STS and Snowflake simulators.
 *
 * Mirrors what AWS does with a signed request (docs.aws.amazon.com, "Signature Version 4 signing
 * process" / "Create a signed AWS API request"): parse the `Authorization` header, find the
 * secret for the access key id, check the session token and the request time, rebuild the
 * canonical request from the headers named in `SignedHeaders` only, sign it again and compare.
 * The re-signing is done by `@smithy/signature-v4` (the signer the AWS SDK and the Snowflake
 * driver use), never by hand. Snowflake verifies a WIF attestation the same way in effect: it
 * replays the signed GetCallerIdentity request to STS, and STS performs this check.
 *
 * Error codes and messages are the ones STS answers with (AWS "Common Errors" reference, and the
 * messages the AWS CLI prints for them). Two deliberate choices:
 * - a request dated more than 15 minutes away from now is answered the way STS does, with code
 *   `SignatureDoesNotMatch` and a "Signature expired: …" / "Signature not yet current: …"
 *   message. `RequestExpired` (what e.g. EC2 answers) stays in the type for callers that
 *   switch on it, but this implementation does not produce it.
 * - only the `X-Amz-Date` header is supported as the request time (not `Date`), and only
 *   header-based signatures (not presigned query strings): the AWS SDK and the Snowflake driver
 *   use exactly that.
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { findIdentity, type TestIdentity } from './credentials.js';

export type SigV4ErrorCode =
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'ExpiredToken'
  | 'MissingAuthenticationToken'
  | 'RequestExpired';

export type SigV4Verdict =
  | { ok: true; identity: TestIdentity; region: string; service: string }
  | { ok: false; code: SigV4ErrorCode; message: string };

export interface SigV4Request {
  method: string;
  /** Absolute URL, or path + query. */
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface SigV4Options {
  /** The server's clock (default: the real one). */
  now?: Date;
  /** The signing service the credential scope must name, e.g. 'sts'. */
  expectedService?: string;
  /** The signing region the credential scope must name (e.g. the region of a regional endpoint). */
  expectedRegion?: string;
}

/** AWS's wording, verbatim. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired';
export const MISSING_AUTH_MESSAGE = 'Request is missing Authentication Token';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;

/** SHA-256 / HMAC-SHA-256 on node:crypto, in the shape `@smithy/signature-v4` expects. */
export class NodeSha256 {
  private readonly secret: Buffer | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.hash = this.fresh();
  }

  update(chunk: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(chunk));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

function fail(code: SigV4ErrorCode, message: string): SigV4Verdict {
  return { ok: false, code, message };
}

/** `20240102T030405Z` → Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Date → `20240102T030405Z`. */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Lower-cases header names (HTTP header names are case-insensitive). */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | { error: string } {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return { error: `Unsupported AWS 'algorithm': '${algorithm}'` };
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    return { error: missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ') };
  }
  const credential = (fields.get('Credential') ?? '').split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = credential;
  if (credential.length !== 5 || !accessKeyId || !scopeDate || !region || !service || terminator !== 'aws4_request') {
    return { error: `Credential should be scoped to a valid region, service and terminator 'aws4_request'.` };
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: (fields.get('SignedHeaders') ?? '').split(';').map((h) => h.trim().toLowerCase()).filter(Boolean),
    signature: (fields.get('Signature') ?? '').toLowerCase(),
  };
}

function queryToRecord(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/**
 * Verifies a SigV4-signed request against a table of known identities, as AWS STS would.
 * Never throws for a bad request: every problem comes back as a verdict.
 */
/** The partition of a region (us-gov-west-1 → aws-us-gov, cn-north-1 → aws-cn, …; else aws). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

function partitionOfArn(arn: string): string {
  return /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws';
}

export async function verifySigV4(
  req: SigV4Request,
  identities: readonly TestIdentity[],
  opts: SigV4Options = {},
): Promise<SigV4Verdict> {
  const headers = lowerCaseHeaders(req.headers);
  const authorization = headers['authorization'];
  if (!authorization) return fail('MissingAuthenticationToken', MISSING_AUTH_MESSAGE);

  const auth = parseAuthorization(authorization);
  if ('error' in auth) return fail('IncompleteSignature', auth.error);

  const amzDate = headers['x-amz-date'];
  if (!amzDate) {
    return fail('IncompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    return fail('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  }
  if (!auth.signedHeaders.includes('host')) {
    return fail('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // Who is calling? An unknown key, or a session token that does not belong to the key, is
  // "invalid" to AWS; an expired session is "expired".
  const identity = findIdentity(identities, auth.accessKeyId);
  if (!identity) return fail('InvalidClientTokenId', INVALID_TOKEN_MESSAGE);
  // Each partition has its own IAM: STS in eu-west-1 has never heard of a GovCloud or China key.
  if (partitionOfArn(identity.arn) !== partitionOfRegion(auth.region)) return fail('InvalidClientTokenId', INVALID_TOKEN_MESSAGE);
  const presentedToken = headers['x-amz-security-token'];
  if ((identity.sessionToken ?? undefined) !== (presentedToken ?? undefined)) {
    return fail('InvalidClientTokenId', INVALID_TOKEN_MESSAGE);
  }
  if (identity.expired) return fail('ExpiredToken', EXPIRED_TOKEN_MESSAGE);

  // Request time: within 15 minutes of the server clock, and consistent with the scope.
  const now = opts.now ?? new Date();
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS) {
    const limit = formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS));
    return fail('SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(now)} - 15 min.)`);
  }
  if (skew > MAX_SKEW_MS) {
    const limit = formatAmzDate(new Date(now.getTime() + MAX_SKEW_MS));
    return fail('SignatureDoesNotMatch', `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(now)} + 15 min.)`);
  }
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    return fail(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (opts.expectedService && auth.service !== opts.expectedService) {
    return fail('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${opts.expectedService}'. `);
  }
  if (opts.expectedRegion && auth.region !== opts.expectedRegion) {
    return fail('SignatureDoesNotMatch', `Credential should be scoped to a valid region. `);
  }

  // Rebuild the request from the signed headers only, and sign it again at the same instant.
  const signed: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headers[name];
    if (value === undefined) return fail('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE);
    signed[name] = value;
  }
  const body = typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  const declaredHash = signed['x-amz-content-sha256'];
  if (declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD') {
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== declaredHash.toLowerCase()) return fail('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE);
  }
  const url = new URL(req.url, 'https://sigv4.invalid');
  const hostHeader = signed['host'] ?? '';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      // The signer adds X-Amz-Security-Token to the signed headers when given a token; only do
      // so when the client signed it too (some clients append the token unsigned).
      ...(identity.sessionToken && auth.signedHeaders.includes('x-amz-security-token')
        ? { sessionToken: identity.sessionToken }
        : {}),
    },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    applyChecksum: false,
    uriEscapePath: true,
  });
  const resigned = await signer.sign(
    {
      method: req.method.toUpperCase(),
      protocol: url.protocol,
      hostname: hostHeader.replace(/:\d+$/, ''),
      path: url.pathname,
      query: queryToRecord(url.searchParams),
      headers: signed,
      body: body.length > 0 ? body : undefined,
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(resigned.headers['authorization'] ?? ''))?.[1] ?? '';
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(auth.signature, 'utf8');
  if (a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE);
  }
  return { ok: true, identity, region: auth.region, service: auth.service };
}
