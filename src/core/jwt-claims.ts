/**
 * AWS's JWT method ("outbound identity federation"): what a web identity token says, which issuer
 * Snowflake accepts, and how its failures read. Pure: the edge (src/aws/web-identity.ts) decodes the
 * token and hands in its header and payload; nothing here sees the token itself.
 *
 * Sources (../shared/FACTS.md, "AWS's JWT method"): the IAM user guide ("Getting started with
 * outbound identity federation", "Understanding token claims"), the STS API reference
 * (GetWebIdentityToken), Snowflake's release note of 2026-05-12, terraform-provider-snowflake #5127
 * (error 004616 for a generic issuer), snowflake-sdk 3.3.0 attestation_aws.js.
 */
import { parsePrincipalArn, toSnowflakeArn } from './arn.js';

/** What snowflake-sdk 3.3.0 asks STS for (attestation_aws.js getOutboundWebIdentityToken). */
export const SNOWFLAKE_AUDIENCE = 'snowflakecomputing.com';
export const SNOWFLAKE_SIGNING_ALGORITHM = 'ES384';
/** GetWebIdentityToken's default DurationSeconds (STS API reference). */
export const DEFAULT_TOKEN_SECONDS = 300;
/** The namespace of AWS's own claims in the token. */
export const AWS_CLAIMS_NAMESPACE = 'https://sts.amazonaws.com/';

export type WifMethod = 'caller-identity' | 'outbound-token';

/** Where the choice of method came from: the flag/option, or the Python connector's variable. */
export type MethodSource = 'flag' | 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN' | 'default';

export const OUTBOUND_TOKEN_ENV = 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN';

/**
 * The method to use: `--outbound-token` (library/event `outboundToken: true`) wins; else
 * SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true (case-insensitive, as the Python connector reads it).
 */
export function resolveMethod(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>): { method: WifMethod; source: MethodSource } {
  if (flag === true) return { method: 'outbound-token', source: 'flag' };
  if (flag === false) return { method: 'caller-identity', source: 'flag' };
  if (outboundTokenRequestedByEnv(env)) return { method: 'outbound-token', source: OUTBOUND_TOKEN_ENV };
  return { method: 'caller-identity', source: 'default' };
}

/** SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true, any case (the one place that reads the switch). */
export function outboundTokenRequestedByEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env[OUTBOUND_TOKEN_ENV] ?? '').trim().toLowerCase() === 'true';
}

/** The note printed when the environment chose the JWT method. */
export function methodNote(source: MethodSource): string | undefined {
  return source === OUTBOUND_TOKEN_ENV ? `${OUTBOUND_TOKEN_ENV}=true: using the JWT method (STS GetWebIdentityToken), as the Snowflake drivers would` : undefined;
}

export interface TokenSummary {
  /** The JOSE header's alg and kid. */
  algorithm: string | null;
  keyId: string | null;
  issuer: string | null;
  subject: string | null;
  /** Always a list (a JWT may carry one string). */
  audience: string[];
  issuedAt: string | null;
  expiresAt: string | null;
  /** exp − iat, in seconds, when both are there. */
  lifetimeSeconds: number | null;
  /** The claims under "https://sts.amazonaws.com/", with principal/request tag VALUES left out (keys only). */
  awsClaims: Record<string, unknown>;
  /** The decoded payload, tag values left out as above (the token's signature is never kept). */
  claims: Record<string, unknown>;
}

const TAG_CLAIMS = new Set(['principal_tags', 'request_tags']);

/** The token's header and payload → what wif-check shows. Tag values are shown as keys only. */
export function summarizeToken(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>): TokenSummary {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000).toISOString() : null);
  const audience = Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : typeof payload.aud === 'string' ? [payload.aud] : [];
  const aws = isRecord(payload[AWS_CLAIMS_NAMESPACE]) ? withTagKeysOnly(payload[AWS_CLAIMS_NAMESPACE]) : {};
  const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
  const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
  const claims: Record<string, unknown> = { ...payload };
  if (AWS_CLAIMS_NAMESPACE in claims) claims[AWS_CLAIMS_NAMESPACE] = aws;
  return {
    algorithm: text(header.alg),
    keyId: text(header.kid),
    issuer: text(payload.iss),
    subject: text(payload.sub),
    audience,
    issuedAt: time(iat),
    expiresAt: time(exp),
    lifetimeSeconds: iat !== undefined && exp !== undefined ? exp - iat : null,
    awsClaims: aws,
    claims,
  };
}

function withTagKeysOnly(claims: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    out[name] = TAG_CLAIMS.has(name) && isRecord(value) ? Object.keys(value) : value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The token's subject → the ARN to register. AWS documents `sub` as the IAM role ARN; whether it
 * keeps the role's IAM path is not documented (FACTS.md): a path, if there, is removed (Snowflake
 * matches the role by name) and a note says so.
 */
export function subjectToSnowflakeArn(subject: string | null): { ok: true; arn: string; notes: string[] } | { ok: false; error: string } {
  if (subject === null) return { ok: false, error: 'the token has no sub claim' };
  const parsed = parsePrincipalArn(subject);
  if (!parsed.ok) return { ok: false, error: `the token's subject ${subject.slice(0, 300)} is not an ARN wif-check can read (${parsed.error})` };
  const snowflake = toSnowflakeArn(parsed.arn);
  if (!snowflake.ok) return snowflake;
  const notes = parsed.arn.path ? [`the token's subject carries the IAM path ${parsed.arn.path}: wif-check registers the path-free ARN (Snowflake matches the role by name)`] : [];
  return { ok: true, arn: snowflake.arn, notes };
}

/** A generic STS host: `sts.amazonaws.com`, `sts.<region>.amazonaws.com(.cn)`, FIPS and dual-stack forms. */
const GENERIC_STS_HOST = /^sts(-fips)?(\.[a-z0-9-]+)?\.(amazonaws\.com(\.cn)?|api\.aws)$/i;
/** What AWS's account issuers look like (IAM user guide): https://<id>.tokens.sts.global.api.aws */
const AWS_ISSUER_HOST = /^[a-z0-9-]+\.tokens\.sts\.global\.api\.aws$/i;

export type IssuerCheck = { ok: true; issuer: string; warnings: string[] } | { ok: false; error: string; hint: string };

export const BAD_ISSUER_HINT =
  "The issuer is your AWS account's own: `aws iam get-outbound-web-identity-federation-info` prints it " +
  '(IssuerIdentifier, e.g. https://a1b2c3d4-….tokens.sts.global.api.aws), and `wif-check whoami --outbound-token` shows the one in a live token.';

/**
 * `--issuer URL`: an https URL with a host and no path, query, fragment or credentials, and not a
 * generic STS host (Snowflake refuses `https://sts.amazonaws.com` with 004616 "Invalid ISSUER
 * property … must be a valid AWS STS JWT issuer URL matching the ARN partition"). A trailing `/`
 * is dropped. An issuer that is none of these but does not look like AWS's is kept, with a warning.
 */
export function validateIssuer(input: string): IssuerCheck {
  const given = input.trim();
  const fail = (why: string): IssuerCheck => ({ ok: false, error: `--issuer ${JSON.stringify(given.slice(0, 200))} ${why}`, hint: BAD_ISSUER_HINT });
  if (given === '') return fail('is empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f]/.test(given)) return fail('contains a space or a control character');
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return fail('is not a URL (expected https://<id>.tokens.sts.global.api.aws)');
  }
  if (url.protocol !== 'https:') return fail(`is not an https URL (${url.protocol.replace(/:$/, '')})`);
  if (!url.hostname) return fail('has no host');
  if (url.username || url.password) return fail('carries credentials');
  if (url.search || given.includes('?')) return fail('has a query');
  if (url.hash || given.includes('#')) return fail('has a fragment');
  if (url.pathname !== '/' || /^https:\/\/[^/]+\/./i.test(given)) return fail(`has a path (${url.pathname}): an issuer is scheme and host only`);
  if (GENERIC_STS_HOST.test(url.hostname)) {
    return fail(
      `is a generic STS endpoint, not your account's issuer: Snowflake refuses it (004616: Invalid ISSUER property … must be a valid AWS STS JWT issuer URL matching the ARN partition)`,
    );
  }
  const issuer = `https://${url.host}`;
  const warnings = AWS_ISSUER_HOST.test(url.hostname) ? [] : [issuerWarning(issuer)];
  return { ok: true, issuer, warnings };
}

/** A warning for an issuer (from --issuer or a live token) that does not look like AWS's, else undefined. */
export function unusualIssuerWarning(issuer: string): string | undefined {
  try {
    const url = new URL(issuer);
    return url.protocol === 'https:' && AWS_ISSUER_HOST.test(url.hostname) && url.pathname === '/' ? undefined : issuerWarning(issuer);
  } catch {
    return issuerWarning(issuer);
  }
}

function issuerWarning(issuer: string): string {
  return `the issuer ${issuer.slice(0, 300)} does not look like an AWS account issuer (https://<id>.tokens.sts.global.api.aws): Snowflake may refuse it`;
}

/** True for the global STS endpoint, where GetWebIdentityToken is not available (STS API reference). */
export function isGlobalStsEndpoint(endpoint: string): boolean {
  try {
    return /^sts\.amazonaws\.com$/i.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** The IAM policy statement a principal needs to get a token for Snowflake. */
export const WEB_IDENTITY_POLICY = [
  '{',
  '  "Effect": "Allow",',
  '  "Action": "sts:GetWebIdentityToken",',
  '  "Resource": "*",',
  `  "Condition": { "ForAnyValue:StringEquals": { "sts:IdentityTokenAudience": "${SNOWFLAKE_AUDIENCE}" } }`,
  '}',
].join('\n');

export const ENABLE_FEDERATION_FIX =
  'Enable it once for the AWS account (needs iam:EnableOutboundWebIdentityFederation):\n' +
  '  aws iam enable-outbound-web-identity-federation\n' +
  'It prints the account\'s IssuerIdentifier: register that as ISSUER (`wif-check gen-sql --outbound-token`).';

export interface WebIdentityFailure {
  code: string;
  message: string;
  hint: string;
}

/**
 * STS GetWebIdentityToken failures → one sentence and the fix; undefined when the error is not
 * one of them (aws-failures.ts then describes it). `name` is the STS error code; `detail` the
 * message, already redacted.
 */
export function describeWebIdentityFailure(name: string | undefined, detail: string, context: { endpoint: string; principal?: string | null | undefined }): WebIdentityFailure | undefined {
  if (name === 'OutboundWebIdentityFederationDisabledException' || /outbound web identity federation (feature )?is not enabled/i.test(detail)) {
    return {
      code: 'OUTBOUND_FEDERATION_DISABLED',
      message: `Outbound identity federation is not enabled for this AWS account, so STS issues no web identity token: ${detail}`,
      hint: ENABLE_FEDERATION_FIX,
    };
  }
  if ((name === 'AccessDenied' || name === 'AccessDeniedException') && /GetWebIdentityToken/i.test(detail)) {
    return {
      code: 'WEB_IDENTITY_TOKEN_DENIED',
      message: `STS refused the web identity token: ${detail}`,
      hint: `Allow ${context.principal ? `${context.principal} ` : 'the principal '}sts:GetWebIdentityToken for Snowflake's audience, e.g. in its IAM policy:\n${WEB_IDENTITY_POLICY}`,
    };
  }
  if (isGlobalStsEndpoint(context.endpoint) || /global (STS )?endpoint/i.test(detail)) {
    return {
      code: 'STS_GLOBAL_ENDPOINT',
      message: `GetWebIdentityToken is not available on the global STS endpoint (${context.endpoint}): ${detail}`,
      hint: 'Use a regional STS endpoint: unset AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if they name https://sts.amazonaws.com, and set AWS_REGION (e.g. eu-west-1).',
    };
  }
  if (name === 'JWTPayloadSizeExceededException') {
    return {
      code: 'TOKEN_PAYLOAD_TOO_LARGE',
      message: `STS refused the web identity token because its claims are too large: ${detail}`,
      hint: "The token carries the principal's session and principal tags: remove tags (fewer or shorter session tags when the role is assumed) and try again.",
    };
  }
  if (name === 'SessionDurationEscalationException') {
    return {
      code: 'TOKEN_DURATION_ESCALATION',
      message: `STS refused the web identity token's lifetime: ${detail}`,
      hint: 'The session expires before the token would: refresh the AWS credentials and try again.',
    };
  }
  return undefined;
}

/** Snowflake's message for an unmapped identity (for the JWT method an ASSUMPTION: FACTS.md says it is not known). */
const UNMAPPED = /Unable to find an associated Snowflake user/i;
/** A refusal that names the issuer (Snowflake's wording for an issuer mismatch is not known either). */
const ISSUER_REFUSED = /\bissuer\b/i;

export interface OutboundLoginContext {
  /** The token's claims as the driver sent them (decoded at the guard), when known. */
  token: TokenSummary | null;
  /** The path-free ARN from the token's subject, else from the caller. */
  expectedArn: string | null;
  /** --expect-user as a SQL identifier. */
  expectUser?: string | undefined;
  endpoint: string;
  callerArn?: string | null | undefined;
}

export interface OutboundDiagnosis {
  kind: 'verification' | 'aws';
  code: string;
  message: string;
  hint: string;
  expectedArn: string | null;
}

/**
 * A failed JWT login → the JWT-specific diagnosis, or undefined (the classic table in
 * diagnose.ts then applies). `name`/`message`: the driver error's (redacted) fields.
 */
export function diagnoseOutboundLogin(name: string | undefined, message: string, context: OutboundLoginContext): OutboundDiagnosis | undefined {
  const sts = describeWebIdentityFailure(name, message, { endpoint: context.endpoint, principal: context.callerArn });
  if (sts) return { kind: 'aws', ...sts, expectedArn: context.expectedArn };
  if (name !== 'OperationFailedError') return undefined;
  const issuer = context.token?.issuer ?? '<your account issuer>';
  const arn = context.expectedArn ?? 'arn:aws:iam::<account>:role/<role name>';
  const user = context.expectUser ?? '<your user>';
  const fix = [
    `  ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}' ISSUER = '${issuer}');`,
    `Check it with SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER ${user}; (the user must be TYPE = SERVICE).`,
  ];
  const subject = context.token?.subject ? ` (token subject ${context.token.subject}, issuer ${issuer})` : '';
  if (UNMAPPED.test(message) && !ISSUER_REFUSED.test(message)) {
    return {
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: `Snowflake verified your AWS web identity token${subject} but no Snowflake user is mapped to it.`,
      hint: [
        `With the JWT method Snowflake matches the role by name AND the token's issuer: ARN = '${arn}', ISSUER = '${issuer}'.`,
        'A user without ISSUER, with another issuer, or registered with an IAM path never matches. Fix:',
        ...fix,
      ].join('\n'),
      expectedArn: context.expectedArn,
    };
  }
  if (ISSUER_REFUSED.test(message)) {
    return {
      kind: 'verification',
      code: 'ISSUER_MISMATCH',
      message: `Snowflake refused the token's issuer${context.token?.issuer ? ` ${context.token.issuer}` : ''}: ${message}`,
      hint: ['Register the issuer the token carries (your AWS account\'s IssuerIdentifier):', ...fix].join('\n'),
      expectedArn: context.expectedArn,
    };
  }
  return undefined;
}
