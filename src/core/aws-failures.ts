/**
 * Known AWS-side failures → one sentence and the next step. Pure: keyed on the SDK error's
 * `name` (the STS error code) and Node's network error codes.
 */
import { serverText } from './redact.js';

export interface AwsFailure {
  code: string;
  message: string;
  hint: string;
}

export interface AwsErrorLike {
  name?: string | undefined;
  message?: string | undefined;
  code?: string | undefined;
}

const STS_CODES: Readonly<Record<string, (detail: string) => AwsFailure>> = {
  SignatureDoesNotMatch: (detail) => ({
    code: 'STS_SIGNATURE_MISMATCH',
    message: `STS rejected the request signature: ${detail}`,
    hint: 'The secret access key does not belong to the access key id: check AWS_SECRET_ACCESS_KEY or the profile\'s aws_secret_access_key.',
  }),
  InvalidClientTokenId: (detail) => ({
    code: 'STS_INVALID_KEY',
    message: `STS does not know these credentials: ${detail}`,
    hint: 'The access key id is unknown or deleted, or the session token is missing/mismatched. Refresh your credentials.',
  }),
  ExpiredToken: (detail) => ({
    code: 'STS_EXPIRED_TOKEN',
    message: `Your AWS session has expired: ${detail}`,
    hint: 'Refresh the credentials (e.g. `aws sso login`, or re-run the step that assumed the role).',
  }),
  ExpiredTokenException: (detail) => STS_CODES.ExpiredToken!(detail),
  AccessDenied: (detail) => ({
    code: 'STS_ACCESS_DENIED',
    message: `STS denied the request: ${detail}`,
    hint: 'For role chaining, the role\'s trust policy must allow the caller to sts:AssumeRole.',
  }),
  RequestExpired: (detail) => ({
    code: 'STS_CLOCK_SKEW',
    message: `STS says the request is too old: ${detail}`,
    hint: 'Check this machine\'s clock (it must be within 5 minutes of real time).',
  }),
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function describeAwsError(error: AwsErrorLike, context: { endpoint: string; timeoutMs: number; secrets?: readonly string[] }): AwsFailure {
  // STS's own text is server text: redacted (a hostile endpoint may echo the session token) and capped.
  const detail = oneLine(serverText(error.message ?? String(error.name ?? 'unknown error'), context.secrets ?? []));
  const byName = error.name ? STS_CODES[error.name] : undefined;
  if (byName) return byName(detail);
  if (error.name === 'TimeoutError' || error.name === 'AbortError' || error.code === 'ETIMEDOUT' || error.code === 'TimeoutError') {
    return {
      code: 'STS_TIMEOUT',
      message: `STS did not answer within ${formatSeconds(context.timeoutMs)} (${context.endpoint})`,
      hint: 'Check network access to STS (proxy, VPC endpoint, firewall), or raise --timeout.',
    };
  }
  if ((error.code && NETWORK_CODES.has(error.code)) || NETWORK_CODES.has(error.name ?? '')) {
    return {
      code: 'STS_UNREACHABLE',
      message: `Cannot reach STS at ${context.endpoint}: ${detail}`,
      hint: 'Check network access to STS (proxy, VPC endpoint, firewall) and AWS_ENDPOINT_URL_STS if you set it.',
    };
  }
  return {
    code: 'STS_ERROR',
    message: `STS GetCallerIdentity failed: ${detail}`,
    hint: 'Run `aws sts get-caller-identity` with the same settings to compare.',
  };
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
