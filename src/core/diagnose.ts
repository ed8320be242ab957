/**
 * Snowflake login failures → one cause, one fix, one exit code. Pure: the adapter hands in the
 * driver error's fields and what wif-check knows about the caller.
 *
 * Keyed on the server's *message*, not its numeric code: the codes of WIF failures are not
 * documented anywhere public (FACTS.md, "Login wire format").
 */
import { formatSeconds, oneLine } from './aws-failures.js';
import { usageError, type ErrorKind } from './errors.js';
import { identifierForStoredName, identifierForTypedName, quotedIdentifierContent } from './sql.js';
import { escapeControl } from './terminal-text.js';
import { awsAccountOf, diagnoseGate } from './gates.js';

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
  /** The host a 3xx answer pointed to (the redirect was not followed). */
  redirectTarget?: string | undefined;
  /** The Content-Type of an answer that was not Snowflake's JSON. */
  contentType?: string | undefined;
  /** false: the driver failed before it sent anything to Snowflake (AWS side, or a local refusal). */
  reachedSnowflake?: boolean | undefined;
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
  /** Why the verified principal can never be mapped (root, federated user), when that is so. */
  unusablePrincipal?: string | undefined;
  impersonationPath?: readonly string[] | undefined;
  /** --expect-user as a SQL identifier, to name the user in the fix. */
  expectUser?: string | undefined;
  /**
   * What STS said when wif-check sent its own GetCallerIdentity with the same credentials (in
   * parallel with the login), when that failed on the AWS side: the root cause when Snowflake
   * cannot verify the attestation (expired session, unknown key, bad secret, clock skew).
   */
  awsFailure?: { code: string; message: string; hint?: string | undefined } | null | undefined;
  /** HTTPS_PROXY as the host set it, when set: the address a network policy saw may be the proxy's (./gates.ts). */
  proxy?: string | undefined;
  /**
   * The login's provider (default AWS). For the others only the provider-neutral rules apply: the
   * AWS ones (credentials, region, STS, the attestation, the ARN mapping) would misname the cause.
   */
  provider?: LoginProvider | undefined;
  /**
   * For a provider whose driver fetches its own token (Azure's DefaultAzureCredential, GCP's
   * metadata server): what it fetches and how to check that source, for a login that timed out
   * before anything was sent to Snowflake.
   */
  tokenSource?: { what: string; hint: string } | undefined;
}

export type LoginProvider = 'AWS' | 'OIDC' | 'AZURE' | 'GCP';

/** How a message names each provider's identity. */
const IDENTITY_NAME: Readonly<Record<LoginProvider, string>> = { AWS: 'AWS', OIDC: 'OIDC', AZURE: 'Azure', GCP: 'GCP' };

const providerOf = (context: LoginContext): LoginProvider => context.provider ?? 'AWS';

export interface Diagnosis {
  kind: ErrorKind;
  code: string;
  message: string;
  hint: string;
  expectedArn: string | null;
  /** Snowflake's own code and message, when Snowflake answered with them (already redacted and capped). */
  snowflake?: { code: string | null; message: string } | undefined;
}

/** src/snowflake/http-guard.ts MAX_RESPONSE_BYTES, for messages. */
const MAX_SNOWFLAKE_ANSWER_MIB = 8;

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
/**
 * Real: 390189 "Role 'X' specified in the connect string does not exist or not authorized. …", and
 * (390186/390189, the more common one) "Role 'X' specified in the connect string is not granted to
 * this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC."
 */
const ROLE_NOT_GRANTED = /\bRole\b[^\n]*?\bspecified in the connect string\b[^\n]*?\b(does not exist|not authorized|not granted)/i;
const TIMEOUT = /timed? ?out|ETIMEDOUT|ESOCKETTIMEDOUT|exceeded the (configured )?timeout/i;
const TLS = /certificate|CERT_|SSL|TLS|self[- ]signed|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i;
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED)$/;

/** Codes from aws-failures.ts that mean the credentials themselves are bad (not the network to STS). */
const AWS_CREDENTIAL_FAILURES: ReadonlySet<string> = new Set(['STS_EXPIRED_TOKEN', 'STS_INVALID_KEY', 'STS_SIGNATURE_MISMATCH', 'STS_CLOCK_SKEW']);

/**
 * One row per known failure, first match wins: when it applies, its exit-code kind, its code,
 * and the cause and fix to print. `keepExpectedArn` rows name the ARN the user must register.
 */
interface Rule {
  when: (error: DriverErrorFields, context: LoginContext) => boolean;
  kind: ErrorKind;
  code: string | ((context: LoginContext) => string);
  message: (error: DriverErrorFields, context: LoginContext) => string;
  hint: (error: DriverErrorFields, context: LoginContext) => string;
  keepExpectedArn?: boolean;
  /** The rule speaks of AWS (credentials, region, STS, the attestation, an ARN): AWS logins only. */
  awsOnly?: true;
}

/** Root and federation sessions cannot AssumeRole either (AWS refuses both): other credentials are the fix. */
export const NOT_USABLE_FIX =
  "Use an IAM role's credentials (e.g. the Lambda/ECS/EC2 execution role, or an SSO permission set) or an IAM user's, not the account root user or a GetFederationToken session.";

const REFRESH_CREDENTIALS = 'Refresh the AWS credentials; `wif-check whoami` checks them against STS directly.';
const isAttestationRejected = (error: DriverErrorFields) => error.name === 'OperationFailedError' && ATTESTATION_REJECTED.test(error.message);

const RULES: readonly Rule[] = [
  {
    when: (error) => error.redirectTarget !== undefined,
    kind: 'snowflake',
    code: 'UNEXPECTED_REDIRECT',
    message: (error, context) =>
      `The login at ${context.url} was answered with a redirect (HTTP ${error.httpStatus ?? '3xx'}) to ${error.redirectTarget ?? 'another host'}: not followed, the attestation goes only to the host that was checked`,
    hint: () =>
      "Snowflake never redirects a login: a proxy, a captive portal or a wrong --host is in the way. Use the account's own host (<account>.snowflakecomputing.com) or your private-link host.",
  },
  {
    when: (error) => error.code === 'RESPONSE_TOO_LARGE',
    kind: 'snowflake',
    code: 'RESPONSE_TOO_LARGE',
    message: (_error, context) => `The answer from ${context.url} was larger than ${MAX_SNOWFLAKE_ANSWER_MIB} MiB: refused (a Snowflake login answer is a few KiB)`,
    hint: () => 'Something other than Snowflake answers at this host: check --host, --port and any proxy.',
  },
  {
    when: (error) => error.code === 'UNEXPECTED_ANSWER',
    kind: 'snowflake',
    code: 'UNEXPECTED_ANSWER',
    message: (error, context) =>
      `${context.url} answered the login with HTTP ${error.httpStatus ?? '?'} and ${error.contentType ?? 'no content type'}, not Snowflake's JSON: this is not a Snowflake login endpoint`,
    hint: () => 'A proxy, a captive portal or a wrong --host answered instead of Snowflake: check --host, --port and the network path (HTTPS_PROXY).',
  },
  {
    when: (error) => error.code === 'IDENTITY_UNKNOWN',
    kind: 'snowflake',
    code: 'IDENTITY_UNKNOWN',
    message: (error) => `Snowflake accepted the login, but ${oneLine(error.message).replace(/^the login worked, but /, '')}: the mapped user is unknown`,
    hint: () => 'Run `wif-check connect` again; if it persists, something other than Snowflake answers at this host (check --host and any proxy).',
  },
  {
    // No user can ever be mapped to the account root or a federated user: the mapping is not the fix.
    when: (error, context) => UNMAPPED_USER.test(error.message) && context.unusablePrincipal !== undefined,
    kind: 'verification',
    code: 'PRINCIPAL_NOT_USABLE',
    awsOnly: true,
    message: (_error, context) => `Snowflake verified your AWS identity, but ${context.unusablePrincipal ?? 'this principal cannot be used for WIF'}`,
    hint: () => NOT_USABLE_FIX,
  },
  {
    when: (error) => UNMAPPED_USER.test(error.message),
    kind: 'verification',
    code: 'USER_NOT_MAPPED',
    awsOnly: true,
    message: (_error, context) => `Snowflake verified your AWS identity${context.callerArn ? ` ${context.callerArn}` : ''} but no Snowflake user is mapped to it.`,
    hint: (_error, context) => {
      const arn = context.expectedArn ?? 'arn:aws:iam::<account>:role/<role name>';
      const user = context.expectUser ?? '<your user>';
      const principal = arn.includes(':user/') ? 'IAM user' : 'role';
      return [
        `Snowflake matches the ${principal} by name: ARN = '${arn}'.`,
        `A user registered with an IAM path (e.g. role/service-role/NAME) never matches. Fix:`,
        `  ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}');`,
        `Check it with SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS FOR USER ${user}; (the user must be TYPE = SERVICE).`,
      ].join('\n');
    },
    keepExpectedArn: true,
  },
  {
    when: (error) => HOST_NOT_ALLOWED.test(error.message),
    kind: 'usage',
    code: 'HOST_NOT_ALLOWED',
    message: (error) => `The Snowflake driver refuses this host for WORKLOAD_IDENTITY: ${oneLine(error.message)}`,
    hint: () =>
      'WIF only talks to *.snowflakecomputing.com/.cn/.mil hosts. For a private link or proxy host, allow its suffix with ' +
      'SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES=example.internal (comma list of hosts or domains, without a leading dot: the driver matches a leading dot against nothing; wif-check passes it to the driver untouched).',
  },
  {
    when: (error, context) => ASSUME_ROLE_DENIED.test(error.message) || (error.name === 'AccessDenied' && (context.impersonationPath?.length ?? 0) > 0),
    kind: 'aws',
    code: 'IMPERSONATION_DENIED',
    awsOnly: true,
    message: (error) => `AssumeRole along the impersonation path was refused: ${oneLine(error.message)}`,
    hint: (_error, context) =>
      `The trust policy of each role in --impersonation-path (${(context.impersonationPath ?? []).join(' → ') || 'none'}) must allow the previous identity to call sts:AssumeRole.`,
    keepExpectedArn: true,
  },
  {
    when: (error) => NO_AWS_CREDENTIALS.test(error.message),
    kind: 'aws',
    code: 'NO_CREDENTIALS',
    awsOnly: true,
    message: () => 'The Snowflake driver found no AWS credentials',
    hint: () => 'Configure credentials the AWS SDK can find (env keys, AWS_PROFILE, SSO, container/instance role); `wif-check whoami` shows what it finds.',
  },
  {
    when: (error) => NO_AWS_REGION.test(error.message),
    kind: 'aws',
    code: 'NO_REGION',
    awsOnly: true,
    message: (error) => `The Snowflake driver could not determine the AWS region: ${oneLine(error.message)}`,
    hint: () => 'The Node driver reads only AWS_REGION (else EC2 metadata): set AWS_REGION or pass --region.',
  },
  {
    when: (error) => STS_REJECTED.test(error.message),
    kind: 'aws',
    code: 'STS_REJECTED',
    awsOnly: true,
    message: (error) => `AWS rejected the credentials: ${oneLine(error.message)}`,
    hint: () => REFRESH_CREDENTIALS,
  },
  {
    // The driver never reached Snowflake: it failed (or hung) getting AWS credentials, most often
    // in the AssumeRole calls of --impersonation-path, which it makes itself.
    when: (error, context) => error.reachedSnowflake === false && (context.impersonationPath?.length ?? 0) > 0,
    kind: 'aws',
    code: (context) => (context.awsFailure?.code === 'STS_TIMEOUT' ? 'STS_TIMEOUT' : 'IMPERSONATION_FAILED'),
    awsOnly: true,
    message: (error, context) =>
      error.code === 'TIMEOUT'
        ? `STS did not answer the AssumeRole calls of --impersonation-path within ${formatSeconds(context.timeoutMs)}: nothing was sent to Snowflake`
        : `AssumeRole along --impersonation-path failed before anything was sent to Snowflake: ${oneLine(error.message)}`,
    hint: (_error, context) =>
      `STS (${(context.impersonationPath ?? []).join(' → ')}) failed: check network access to STS (AWS_ENDPOINT_URL_STS, proxy, VPC endpoint) and retry; \`wif-check whoami\` checks STS directly.`,
    keepExpectedArn: true,
  },
  {
    when: (error) => error.reachedSnowflake === false && error.code === 'TIMEOUT',
    kind: 'aws',
    code: 'AWS_TIMEOUT',
    awsOnly: true,
    message: (_error, context) => `The Snowflake driver did not get its AWS credentials or region within ${formatSeconds(context.timeoutMs)}: nothing was sent to Snowflake`,
    hint: () => 'The driver reads AWS_REGION (else EC2 metadata) and the default credential chain: set AWS_REGION and check the credential source with `wif-check whoami`.',
  },
  {
    // Azure's and GCP's drivers fetch their token before the login: that request hung.
    when: (error, context) => providerOf(context) !== 'AWS' && context.tokenSource !== undefined && error.reachedSnowflake === false && error.code === 'TIMEOUT',
    kind: 'aws',
    code: 'TOKEN_TIMEOUT',
    message: (_error, context) => `The Snowflake driver did not get ${context.tokenSource?.what ?? 'its token'} within ${formatSeconds(context.timeoutMs)}: nothing was sent to Snowflake`,
    hint: (_error, context) => context.tokenSource?.hint ?? '',
  },
  {
    when: (error) => ROLE_NOT_GRANTED.test(error.message),
    kind: 'snowflake',
    code: 'ROLE_NOT_GRANTED',
    message: (error, context) => `Snowflake accepted the ${IDENTITY_NAME[providerOf(context)]} identity but not the role: ${oneLine(error.message)}`,
    hint: () => 'Grant the role to the mapped user (GRANT ROLE <role> TO USER <user>;), or drop --role to use its DEFAULT_ROLE.',
    keepExpectedArn: true,
  },
  {
    when: (error) => error.httpStatus === 403 || error.httpStatus === 404 || ACCOUNT_NOT_FOUND.test(error.message),
    kind: 'snowflake',
    code: 'ACCOUNT_NOT_FOUND',
    message: (error, context) =>
      error.httpStatus
        ? `Snowflake answered HTTP ${error.httpStatus} for account '${context.account}' at ${context.url}`
        : `Snowflake does not know account '${context.account}' at ${context.url}: ${oneLine(error.message)}`,
    hint: () => 'Check the account identifier (orgname-accountname, or the account locator with region, e.g. xy12345.eu-west-1) and --host.',
  },
  {
    // The attestation was refused and STS, asked directly with the same credentials, says why.
    when: (error, context) => isAttestationRejected(error) && AWS_CREDENTIAL_FAILURES.has(context.awsFailure?.code ?? ''),
    kind: 'aws',
    code: (context) => context.awsFailure?.code ?? 'STS_REJECTED',
    awsOnly: true,
    message: (_error, context) => `Snowflake could not verify your AWS identity because AWS rejects the credentials: ${context.awsFailure?.message ?? ''}`,
    hint: (_error, context) => context.awsFailure?.hint ?? REFRESH_CREDENTIALS,
    keepExpectedArn: true,
  },
  {
    when: isAttestationRejected,
    kind: 'verification',
    code: 'ATTESTATION_REJECTED',
    awsOnly: true,
    message: (error) => `Snowflake could not verify your AWS identity: ${oneLine(error.message)}`,
    hint: () => 'The signed GetCallerIdentity request was refused. Check the credentials with `wif-check whoami` and the machine clock.',
    keepExpectedArn: true,
  },
  {
    when: (error) => error.code === 'TIMEOUT' || TIMEOUT.test(error.message) || TIMEOUT.test(error.causeCode ?? ''),
    kind: 'snowflake',
    code: 'TIMEOUT',
    message: (_error, context) => `Snowflake did not answer within ${formatSeconds(context.timeoutMs)} (${context.url})`,
    hint: () => 'Check network access to Snowflake (proxy, firewall, private link) and the host, or raise --timeout.',
  },
  {
    when: (error) => TLS.test(`${error.causeCode ?? ''} ${error.causeMessage ?? ''}`),
    kind: 'snowflake',
    code: 'TLS_ERROR',
    message: (error, context) => `TLS to ${context.url} failed: ${oneLine(error.causeMessage ?? error.message)}`,
    hint: () => 'A proxy may be intercepting TLS: set NODE_EXTRA_CA_CERTS to its CA bundle, or check --host.',
  },
  {
    // Snowflake (or a proxy in front of it) was reached and answered with a server error.
    when: (error) => (error.httpStatus ?? 0) >= 500,
    kind: 'snowflake',
    code: 'SERVER_ERROR',
    message: (error, context) => `Snowflake at ${context.url} answered HTTP ${error.httpStatus ?? 500} (a server error, not a refusal of your identity)`,
    hint: () => 'Retry in a minute and check status.snowflake.com; a proxy in between can answer 5xx too (HTTPS_PROXY, --host).',
  },
  {
    when: (error) => error.name === 'NetworkError' || NETWORK_CODES.test(error.causeCode ?? ''),
    kind: 'snowflake',
    code: 'UNREACHABLE',
    message: (error, context) =>
      `Cannot reach Snowflake at ${context.url}: ${oneLine(error.causeMessage ?? error.message)}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}`,
    hint: () => 'Check the account identifier and --host, and network access (proxy: HTTPS_PROXY; firewall; private link).',
  },
];

export function diagnoseLoginError(error: DriverErrorFields, context: LoginContext): Diagnosis {
  // Snowflake's own words, when it answered with them (an OperationFailedError carries its code).
  const snowflake = error.name === 'OperationFailedError' && error.code !== undefined ? { snowflake: { code: String(error.code), message: error.message } } : {};
  // The gates before the mapping (network policy, authentication policy, the user's state).
  const gate =
    error.name === 'OperationFailedError' && error.reachedSnowflake !== false
      ? diagnoseGate(error, { provider: providerOf(context), awsAccount: awsAccountOf(context.callerArn ?? context.expectedArn), user: context.expectUser, proxy: context.proxy })
      : undefined;
  if (gate) return { kind: gate.kind, code: gate.code, message: gate.message, hint: gate.hint, expectedArn: null, ...snowflake };
  const aws = providerOf(context) === 'AWS';
  const rule = RULES.find((candidate) => (aws || candidate.awsOnly !== true) && candidate.when(error, context));
  if (rule) {
    return {
      kind: rule.kind,
      code: typeof rule.code === 'string' ? rule.code : rule.code(context),
      message: rule.message(error, context),
      hint: rule.hint(error, context),
      expectedArn: rule.keepExpectedArn ? (context.expectedArn ?? null) : null,
      ...snowflake,
    };
  }
  const code = error.code === undefined ? '' : ` (code ${error.code})`;
  return {
    kind: error.name === 'OperationFailedError' && error.reachedSnowflake !== false ? 'verification' : 'snowflake',
    code: 'LOGIN_FAILED',
    message: `Snowflake login failed${code}: ${oneLine(error.message)}`,
    hint: aws
      ? 'Run `wif-check doctor` for the full checklist; compare the caller with `wif-check whoami`.'
      : `Run \`wif-check doctor --provider ${providerOf(context).toLowerCase()}\` for the full checklist; compare the token with \`wif-check whoami --provider ${providerOf(context).toLowerCase()}\`.`,
    expectedArn: context.expectedArn ?? null,
    ...snowflake,
  };
}

/** --expect-user as typed, checked before any network call: empty (an unset CI variable) is a usage error. */
export function parseExpectUser(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '""') {
    throw usageError('--expect-user is empty', 'BAD_EXPECT_USER', 'Give the Snowflake user name, e.g. --expect-user LAMBDA_LOADER (is the variable you passed set?).');
  }
  return trimmed;
}

/**
 * Snowflake's identifier rules for --expect-user: a double-quoted name compares exactly;
 * an unquoted one case-insensitively (Snowflake stores unquoted identifiers upper-case).
 */
export function userMatches(expected: string, actual: string): boolean {
  const exact = quotedIdentifierContent(expected.trim());
  return exact !== undefined ? exact === actual : expected.trim().toUpperCase() === actual.toUpperCase();
}

/** Logged in, but as another user than --expect-user: both names and how to move the mapping. */
export function diagnoseUnexpectedUser(
  session: { user: string },
  expectUser: string,
  context: { callerArn?: string | null | undefined; expectedArn?: string | null | undefined },
): Diagnosis {
  const actual = escapeControl(identifierForStoredName(session.user) ?? '<mapped user>');
  const expected = identifierForTypedName(expectUser) ?? '<expected user>';
  const arn = context.expectedArn ?? 'arn:aws:iam::<account>:role/<role name>';
  return {
    kind: 'verification',
    code: 'UNEXPECTED_USER',
    message: `Logged in as ${session.user}, not the expected user ${expectUser.trim()}`,
    hint: [
      `Snowflake maps ${escapeControl(context.callerArn ?? 'this AWS identity')} to user ${escapeControl(session.user)}. Move the mapping:`,
      `  ALTER USER ${actual} UNSET WORKLOAD_IDENTITY;`,
      `  ALTER USER ${expected} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}');`,
      'or fix --expect-user (unquoted names compare case-insensitively, "quoted" ones exactly).',
    ].join('\n'),
    expectedArn: context.expectedArn ?? null,
  };
}
