/**
 * Snowflake login failures → one cause, one fix, one exit code. Pure: the adapter hands in the
 * driver error's fields and what wif-check knows about the caller.
 *
 * Keyed on the server's *message*, not its numeric code: the codes of WIF failures are not
 * documented anywhere public (FACTS.md, "Login wire format").
 */
import { formatSeconds, oneLine } from './aws-failures.js';
import type { ErrorKind } from './errors.js';

export interface DriverErrorFields {
  /** The driver's error type: OperationFailedError, NetworkError, RequestFailedError, … */
  name?: string | undefined;
  code?: string | number | undefined;
  message: string;
  /** HTTP status when Snowflake (or a proxy in front of it) answered with an error status. */
  httpStatus?: number | undefined;
  /** Node's code of the underlying network error (ECONNREFUSED, CERT_HAS_EXPIRED, …). */
  causeCode?: string | undefined;
  causeMessage?: string | undefined;
}

export interface LoginContext {
  account: string;
  /** Where the driver connects, e.g. https://myorg-myacct.snowflakecomputing.com */
  url: string;
  timeoutMs: number;
  /** The caller ARN STS reported (the identity Snowflake verifies), when known. */
  callerArn?: string | null | undefined;
  /** The path-free ARN a user must be registered with, when known. */
  expectedArn?: string | null | undefined;
  impersonationPath?: readonly string[] | undefined;
  /**
   * What STS said when wif-check sent its own GetCallerIdentity with the same credentials (in
   * parallel with the login), when that failed on the AWS side: the root cause when Snowflake
   * cannot verify the attestation (expired session, unknown key, bad secret, clock skew).
   */
  awsFailure?: { code: string; message: string; hint?: string | undefined } | null | undefined;
}

export interface Diagnosis {
  kind: ErrorKind;
  code: string;
  message: string;
  hint: string;
  expectedArn: string | null;
}

type Rule = (error: DriverErrorFields, context: LoginContext) => Diagnosis | undefined;

const UNMAPPED_USER = /Unable to find an associated Snowflake user/i;
const HOST_NOT_ALLOWED = /requires a recognized Snowflake host/i;
const NO_AWS_CREDENTIALS = /Could not load credentials from any providers|credentials? (is|are) (missing|not found)|Unable to load credentials/i;
const NO_AWS_REGION = /EC2 Metadata|metadata service|metadata.*region|region is missing|Region is missing|169\.254\.169\.254/i;
const ASSUME_ROLE_DENIED = /not authorized to perform: sts:AssumeRole|Failed to get credentials from impersonation role/i;
const STS_REJECTED = /security token included in the request is (invalid|expired)|signature we calculated does not match/i;
const ATTESTATION_REJECTED = /attestation|caller identity could not be verified|Invalid AWS|verify the AWS|identity token/i;
/**
 * Real Snowflake usually answers a wrong account with HTTP 403 from its front end (routing is by
 * host name); a login that reaches it with an unknown ACCOUNT_NAME is refused with a message naming
 * the account. That wording is not documented: match it loosely ("Account 'x' does not exist …").
 */
const ACCOUNT_NOT_FOUND = /\baccount\b[^\n]*?\b(does not exist|not found)/i;
/** Real: 390189 "Role 'X' specified in the connect string does not exist or not authorized. …" */
const ROLE_NOT_GRANTED = /\bRole\b[^\n]*?\bspecified in the connect string\b[^\n]*?\b(does not exist|not authorized)/i;
const TIMEOUT = /timed? ?out|ETIMEDOUT|ESOCKETTIMEDOUT|exceeded the (configured )?timeout/i;
const TLS = /certificate|CERT_|SSL|TLS|self[- ]signed|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i;
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED)$/;

/** Codes from aws-failures.ts that mean the credentials themselves are bad (not the network to STS). */
const AWS_CREDENTIAL_FAILURES: ReadonlySet<string> = new Set(['STS_EXPIRED_TOKEN', 'STS_INVALID_KEY', 'STS_SIGNATURE_MISMATCH', 'STS_CLOCK_SKEW']);

const RULES: readonly Rule[] = [
  (error, context) => {
    if (!UNMAPPED_USER.test(error.message)) return undefined;
    const caller = context.callerArn ?? 'your AWS identity';
    const expected = context.expectedArn ?? null;
    const fixArn = expected ?? "arn:aws:iam::<account>:role/<role name>";
    return {
      kind: 'verification',
      code: 'USER_NOT_MAPPED',
      message: `Snowflake verified your AWS identity ${caller} but no Snowflake user is mapped to it.`,
      hint: [
        `Snowflake matches the role by name: ARN = '${fixArn}'.`,
        'A user created with a role path (role/service-role/NAME) never matches. Fix:',
        `  ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${fixArn}');`,
        'Check it with SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER <your user>; (the user must be TYPE = SERVICE).',
      ].join('\n'),
      expectedArn: expected,
    };
  },
  (error) =>
    HOST_NOT_ALLOWED.test(error.message)
      ? {
          kind: 'usage',
          code: 'HOST_NOT_ALLOWED',
          message: `The Snowflake driver refuses this host for WORKLOAD_IDENTITY: ${oneLine(error.message)}`,
          hint:
            'WIF only talks to *.snowflakecomputing.com/.cn/.mil hosts. For a private link or proxy host, allow its suffix with ' +
            'SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES=.example.internal (comma list; wif-check passes it to the driver untouched).',
          expectedArn: null,
        }
      : undefined,
  (error, context) =>
    ASSUME_ROLE_DENIED.test(error.message) || (error.name === 'AccessDenied' && (context.impersonationPath?.length ?? 0) > 0)
      ? {
          kind: 'aws',
          code: 'IMPERSONATION_DENIED',
          message: `AssumeRole along the impersonation path was refused: ${oneLine(error.message)}`,
          hint: `The trust policy of each role in --impersonation-path (${(context.impersonationPath ?? []).join(' → ') || 'none'}) must allow the previous identity to call sts:AssumeRole.`,
          expectedArn: context.expectedArn ?? null,
        }
      : undefined,
  (error) =>
    NO_AWS_CREDENTIALS.test(error.message)
      ? {
          kind: 'aws',
          code: 'NO_CREDENTIALS',
          message: 'The Snowflake driver found no AWS credentials',
          hint: 'Configure credentials the AWS SDK can find (env keys, AWS_PROFILE, SSO, container/instance role); `wif-check whoami` shows what it finds.',
          expectedArn: null,
        }
      : undefined,
  (error) =>
    NO_AWS_REGION.test(error.message)
      ? {
          kind: 'aws',
          code: 'NO_REGION',
          message: `The Snowflake driver could not determine the AWS region: ${oneLine(error.message)}`,
          hint: 'The Node driver reads only AWS_REGION (else EC2 metadata): set AWS_REGION or pass --region.',
          expectedArn: null,
        }
      : undefined,
  (error) =>
    STS_REJECTED.test(error.message)
      ? {
          kind: 'aws',
          code: 'STS_REJECTED',
          message: `AWS rejected the credentials: ${oneLine(error.message)}`,
          hint: 'Refresh the AWS credentials; `wif-check whoami` checks them against STS directly.',
          expectedArn: null,
        }
      : undefined,
  (error, context) =>
    ROLE_NOT_GRANTED.test(error.message)
      ? {
          kind: 'snowflake',
          code: 'ROLE_NOT_GRANTED',
          message: `Snowflake accepted the AWS identity but not the role: ${oneLine(error.message)}`,
          hint: 'Grant the role to the mapped user (GRANT ROLE <role> TO USER <user>;), or drop --role to use its DEFAULT_ROLE.',
          expectedArn: context.expectedArn ?? null,
        }
      : undefined,
  (error, context) =>
    error.httpStatus === 403 || error.httpStatus === 404 || ACCOUNT_NOT_FOUND.test(error.message)
      ? {
          kind: 'snowflake',
          code: 'ACCOUNT_NOT_FOUND',
          message: error.httpStatus
            ? `Snowflake answered HTTP ${error.httpStatus} for account '${context.account}' at ${context.url}`
            : `Snowflake does not know account '${context.account}' at ${context.url}: ${oneLine(error.message)}`,
          hint: 'Check the account identifier (orgname-accountname, or the account locator with region, e.g. xy12345.eu-west-1) and --host.',
          expectedArn: null,
        }
      : undefined,
  (error, context) =>
    error.name === 'OperationFailedError' && ATTESTATION_REJECTED.test(error.message) && context.awsFailure && AWS_CREDENTIAL_FAILURES.has(context.awsFailure.code)
      ? {
          kind: 'aws',
          code: context.awsFailure.code,
          message: `Snowflake could not verify your AWS identity because AWS rejects the credentials: ${context.awsFailure.message}`,
          hint: context.awsFailure.hint ?? 'Refresh the AWS credentials; `wif-check whoami` checks them against STS directly.',
          expectedArn: context.expectedArn ?? null,
        }
      : undefined,
  (error, context) =>
    error.name === 'OperationFailedError' && ATTESTATION_REJECTED.test(error.message)
      ? {
          kind: 'verification',
          code: 'ATTESTATION_REJECTED',
          message: `Snowflake could not verify your AWS identity: ${oneLine(error.message)}`,
          hint: 'The signed GetCallerIdentity request was refused. Check the credentials with `wif-check whoami` and the machine clock.',
          expectedArn: context.expectedArn ?? null,
        }
      : undefined,
  (error, context) =>
    error.code === 'TIMEOUT' || TIMEOUT.test(error.message) || TIMEOUT.test(error.causeCode ?? '')
      ? {
          kind: 'snowflake',
          code: 'TIMEOUT',
          message: `Snowflake did not answer within ${formatSeconds(context.timeoutMs)} (${context.url})`,
          hint: 'Check network access to Snowflake (proxy, firewall, private link) and the host, or raise --timeout.',
          expectedArn: null,
        }
      : undefined,
  (error, context) =>
    TLS.test(`${error.causeCode ?? ''} ${error.causeMessage ?? ''}`)
      ? {
          kind: 'snowflake',
          code: 'TLS_ERROR',
          message: `TLS to ${context.url} failed: ${oneLine(error.causeMessage ?? error.message)}`,
          hint: 'A proxy may be intercepting TLS: set NODE_EXTRA_CA_CERTS to its CA bundle, or check --host.',
          expectedArn: null,
        }
      : undefined,
  (error, context) =>
    error.name === 'NetworkError' || NETWORK_CODES.test(error.causeCode ?? '') || (error.httpStatus ?? 0) >= 500
      ? {
          kind: 'snowflake',
          code: 'UNREACHABLE',
          message: `Cannot reach Snowflake at ${context.url}: ${oneLine(error.causeMessage ?? error.message)}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}`,
          hint: 'Check the account identifier and --host, and network access (proxy: HTTPS_PROXY; firewall; private link).',
          expectedArn: null,
        }
      : undefined,
];

export function diagnoseLoginError(error: DriverErrorFields, context: LoginContext): Diagnosis {
  for (const rule of RULES) {
    const diagnosis = rule(error, context);
    if (diagnosis) return diagnosis;
  }
  const code = error.code === undefined ? '' : ` (code ${error.code})`;
  return {
    kind: error.name === 'OperationFailedError' ? 'verification' : 'snowflake',
    code: 'LOGIN_FAILED',
    message: `Snowflake login failed${code}: ${oneLine(error.message)}`,
    hint: 'Run `wif-check doctor` for the full checklist; compare the caller with `wif-check whoami`.',
    expectedArn: context.expectedArn ?? null,
  };
}

/**
 * Snowflake's identifier rules for --expect-user: a double-quoted name compares exactly;
 * an unquoted one case-insensitively (Snowflake stores unquoted identifiers upper-case).
 */
export function userMatches(expected: string, actual: string): boolean {
  const trimmed = expected.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replaceAll('""', '"') === actual;
  }
  return trimmed.toUpperCase() === actual.toUpperCase();
}
