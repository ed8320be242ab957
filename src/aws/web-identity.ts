/**
 * The AWS edge of the JWT method: ask STS GetWebIdentityToken for the token Snowflake would get
 * (audience snowflakecomputing.com, ES384, as snowflake-sdk 3.3.0 asks for it), and decode it with
 * `jose` (decoding only: Snowflake verifies the signature; wif-check only shows the claims).
 *
 * The token is a bearer credential. It never leaves this module: callers get its decoded claims
 * and the token itself only as a secret to redact (`secret`), never as something to print.
 * Commands import this module lazily (and with it jose), so that commands that do not use the JWT
 * method never load it (test/perf/lazy-load.test.ts).
 */
// jose's decoding entry points alone: in the CLI bundle they ride in the AWS chunk, and the rest of
// jose (the simulators' signing and verifying) is never loaded by whoami (scripts/build-cli.mjs).
import { decodeProtectedHeader } from 'jose/decode/protected_header';
import { decodeJwt } from 'jose/jwt/decode';
import { describeAwsError, oneLine } from '../core/aws-failures.js';
import { WifError } from '../core/errors.js';
import { DEFAULT_TOKEN_SECONDS, SNOWFLAKE_AUDIENCE, SNOWFLAKE_SIGNING_ALGORITHM, describeWebIdentityFailure, summarizeToken, type TokenSummary } from '../core/jwt-claims.js';
import { serverText } from '../core/redact.js';
import { createStsClient, stsEndpoint, type AwsContext } from './identity.js';
import { rememberSecrets } from '../known-secrets.js';
import { timerDelayMs } from '../core/timeout.js';

export interface WebIdentityToken {
  summary: TokenSummary;
  /** STS's Expiration. */
  expiration: string | null;
  /** The token, for redaction only: never print, log or return it. */
  secret: string;
}

/** Decodes a JWT's header and payload (no verification); undefined when it is not a JWT. */
export function decodeToken(token: string): TokenSummary | undefined {
  try {
    return summarizeToken(decodeProtectedHeader(token) as Record<string, unknown>, decodeJwt(token) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/**
 * STS GetWebIdentityToken for the caller. `principal` (the caller's ARN, or a promise of it: whoami
 * asks GetCallerIdentity at the same time) only words a failure.
 */
export async function getWebIdentityToken(context: AwsContext, options: { signal?: AbortSignal; principal?: string | null | PromiseLike<string | null> } = {}): Promise<WebIdentityToken> {
  const { GetWebIdentityTokenCommand } = await import('@aws-sdk/client-sts');
  const client = await createStsClient(context);
  const timeout = AbortSignal.timeout(timerDelayMs(context.timeoutMs));
  const endpoint = stsEndpoint(context.region.region);
  const secrets = [context.credentials.secretAccessKey, context.credentials.sessionToken].filter((secret): secret is string => Boolean(secret));
  try {
    const result = await client.send(
      new GetWebIdentityTokenCommand({ Audience: [SNOWFLAKE_AUDIENCE], SigningAlgorithm: SNOWFLAKE_SIGNING_ALGORITHM, DurationSeconds: DEFAULT_TOKEN_SECONDS }),
      { abortSignal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout },
    );
    const token = result.WebIdentityToken;
    rememberSecrets(token);
    if (!token) throw new WifError('aws', `STS GetWebIdentityToken (${endpoint}) returned no token`, { code: 'STS_INCOMPLETE' });
    const summary = decodeToken(token);
    if (!summary) {
      throw new WifError('aws', `STS GetWebIdentityToken (${endpoint}) returned something that is not a JWT`, {
        code: 'STS_UNEXPECTED_ANSWER',
        hint: 'AWS STS never answers this: check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and any proxy between wif-check and STS.',
      });
    }
    return { summary, expiration: result.Expiration ? result.Expiration.toISOString() : null, secret: token };
  } catch (error) {
    if (error instanceof WifError) throw error;
    const e = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
    const name = timeout.aborted ? 'TimeoutError' : typeof e.name === 'string' ? e.name : undefined;
    const detail = oneLine(serverText(typeof e.message === 'string' ? e.message : String(error), secrets));
    const known = name === 'TimeoutError' ? undefined : describeWebIdentityFailure(name, detail, { endpoint, principal: await options.principal });
    if (known) throw new WifError('aws', known.message, { code: known.code, hint: known.hint, cause: error });
    const failure = describeAwsError({ name, message: detail, ...(typeof e.code === 'string' ? { code: e.code } : {}) }, { endpoint, timeoutMs: context.timeoutMs, secrets });
    const message = failure.code === 'STS_ERROR' ? `STS GetWebIdentityToken failed: ${detail}` : failure.message;
    throw new WifError('aws', message, { code: failure.code, hint: failure.hint, cause: error });
  } finally {
    client.destroy();
  }
}
