/**
 * Where an OIDC token comes from (CONTRACT "v3 additions", oidc), in this order:
 *  1. `--token-file PATH` (`-`: standard input) — never a flag that holds the token itself;
 *  2. GitHub Actions' token service, when ACTIONS_ID_TOKEN_REQUEST_URL and
 *     ACTIONS_ID_TOKEN_REQUEST_TOKEN are set (the job has `permissions: id-token: write`), for the
 *     audience `snowflakecomputing.com` unless `--audience`;
 *  3. a Kubernetes projected service-account token (or any token file) at SNOWFLAKE_TOKEN_FILE_PATH.
 *
 * The token is a credential: it is remembered for redaction (src/known-secrets.ts) and never
 * printed, kept or returned except to hand it to the driver for the validated Snowflake host. So is
 * the token service's bearer, which goes only to the token service's own URL (https, or http to a
 * loopback address), never through a redirect. Reads and requests are bounded in size and time.
 */
import { WifError, usageError } from '../../core/errors.js';
import { isLoopbackHost } from '../../core/host.js';
import { serverText } from '../../core/redact.js';
import { timerDelayMs } from '../../core/timeout.js';
import { BoundedReadError, formatBytes, readBoundedFile } from '../../fs/read-bounded.js';
import { rememberSecrets } from '../../known-secrets.js';

/** Snowflake's audience: the one a token must carry when the user has no OIDC_AUDIENCE_LIST. */
export const SNOWFLAKE_AUDIENCE = 'snowflakecomputing.com';
/** A JWT is a few KiB; GitHub's are ~1.5 KiB. */
export const MAX_OIDC_TOKEN_BYTES = 64 * 1024;
export const TOKEN_FILE_ENV = 'SNOWFLAKE_TOKEN_FILE_PATH';

export type OidcTokenSource = 'token-file' | 'stdin' | 'github-actions' | 'token-file-env';

export interface OidcToken {
  /** The JWT: hand it to the driver, never print it. */
  secret: string;
  source: OidcTokenSource;
  /** For messages: the file, or the token service's host. */
  origin: string;
  /** The audience asked of a token service (null for a file: whatever it holds). */
  requestedAudience: string | null;
}

export interface OidcTokenOptions {
  tokenFile?: string | undefined;
  audience?: string | undefined;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Standard input, for `--token-file -` (tests give their own). */
  stdin?: NodeJS.ReadableStream | undefined;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export async function obtainOidcToken(options: OidcTokenOptions): Promise<OidcToken> {
  const { env } = options;
  if (options.tokenFile !== undefined) {
    if (options.tokenFile === '-') return accept(await readStdin(options.stdin ?? process.stdin, options.timeoutMs), 'stdin', 'standard input', null);
    return accept(await readTokenFile(options.tokenFile, '--token-file', options.timeoutMs), 'token-file', options.tokenFile, null);
  }
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (url && bearer) {
    const audience = options.audience ?? SNOWFLAKE_AUDIENCE;
    const { token, host } = await requestGithubToken(url, bearer, audience, options.timeoutMs);
    return accept(token, 'github-actions', host, audience);
  }
  const path = env[TOKEN_FILE_ENV];
  if (path) return accept(await readTokenFile(path, TOKEN_FILE_ENV, options.timeoutMs), 'token-file-env', path, null);
  throw new WifError('aws', 'No OIDC token: no --token-file, no GitHub Actions token service, no SNOWFLAKE_TOKEN_FILE_PATH', {
    code: 'NO_OIDC_TOKEN',
    hint: noTokenHint(env),
  });
}

function noTokenHint(env: Readonly<Record<string, string | undefined>>): string {
  const lines = [
    'Give the token the workload presents:',
    '  GitHub Actions: add `permissions: id-token: write` to the job (then ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN are set);',
    '  Kubernetes (EKS, AKS, GKE): mount a projected service-account token with audience snowflakecomputing.com and set SNOWFLAKE_TOKEN_FILE_PATH to it;',
    '  anywhere: --token-file PATH (or - for standard input).',
  ];
  if (env.GITHUB_ACTIONS === 'true') lines.unshift('This is a GitHub Actions job without an OIDC token service: the job (or workflow) lacks `permissions: id-token: write`.');
  return lines.join('\n');
}

function accept(text: string, source: OidcTokenSource, origin: string, requestedAudience: string | null): OidcToken {
  const secret = text.trim();
  rememberSecrets(secret);
  if (!JWT_SHAPE.test(secret)) {
    throw new WifError('aws', `The OIDC token from ${origin} is not a JWT (three base64url parts joined by dots)`, {
      code: 'BAD_OIDC_TOKEN',
      hint: 'Give the identity token itself (eyJ….eyJ….…), not a JSON document or an access token.',
    });
  }
  return { secret, source, origin, requestedAudience };
}

async function readTokenFile(path: string, what: string, timeoutMs: number): Promise<string> {
  try {
    const file = await readBoundedFile(path, { maxBytes: MAX_OIDC_TOKEN_BYTES, timeoutMs, credential: true });
    if (file.text.trim() === '') throw usageError(`the token file ${path} (${what}) is empty`, 'BAD_CREDENTIAL_FILE', 'A projected token is written by the kubelet: check the volume mount and its path.');
    return file.text;
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    if (error.reason === 'untrusted') throw usageError(`the token file ${error.message}: wif-check will not use it`, 'BAD_CREDENTIAL_FILE', 'Make it yours (or root\'s) and writable by nobody else: chmod 0600 FILE.');
    throw usageError(`the token file (${what}) ${error.message}`, 'BAD_CREDENTIAL_FILE', `It must be a readable regular file of at most ${formatBytes(MAX_OIDC_TOKEN_BYTES)}.`);
  }
}

function readStdin(stream: NodeJS.ReadableStream, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (error?: WifError) => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.pause?.();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, length).toString('utf8'));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      length += buffer.length;
      if (length > MAX_OIDC_TOKEN_BYTES) done(usageError(`standard input is over the ${formatBytes(MAX_OIDC_TOKEN_BYTES)} a token can be`, 'BAD_CREDENTIAL_FILE'));
      else chunks.push(buffer);
    };
    const onEnd = () => done();
    const onError = () => done(usageError('standard input could not be read', 'BAD_CREDENTIAL_FILE'));
    const timer = setTimeout(() => done(usageError(`standard input gave no token within ${Math.round(timeoutMs / 1000)} s`, 'BAD_CREDENTIAL_FILE', 'Pipe the token in: wif-check … --token-file - < token.jwt')), timerDelayMs(timeoutMs));
    timer.unref();
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume?.();
  });
}

/**
 * GitHub's token service (as @actions/core getIDToken asks it): GET the request URL with
 * `&audience=…` appended, bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN, answer `{ "value": "<jwt>" }`.
 */
async function requestGithubToken(rawUrl: string, bearer: string, audience: string, timeoutMs: number): Promise<{ token: string; host: string }> {
  rememberSecrets(bearer);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw usageError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL', 'BAD_TOKEN_SERVICE_URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname.replace(/^\[|\]$/g, '')))) {
    throw usageError(`ACTIONS_ID_TOKEN_REQUEST_URL must be https (it is ${url.protocol.replace(':', '')}): the job's token bearer is not sent in cleartext`, 'BAD_TOKEN_SERVICE_URL');
  }
  url.searchParams.set('audience', audience);
  const host = url.host;
  const signal = AbortSignal.timeout(timerDelayMs(timeoutMs));
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json; api-version=2.0' }, redirect: 'manual', signal });
  } catch (error) {
    const timedOut = signal.aborted;
    throw new WifError('aws', timedOut ? `GitHub's OIDC token service (${host}) did not answer within ${Math.round(timeoutMs / 1000)} s` : `GitHub's OIDC token service (${host}) could not be reached`, {
      code: timedOut ? 'OIDC_TOKEN_SERVICE_TIMEOUT' : 'OIDC_TOKEN_SERVICE_UNREACHABLE',
      hint: 'Retry the job; check the runner\'s network (a self-hosted runner needs to reach the token service).',
      cause: error,
    });
  }
  const body = await boundedText(response, MAX_OIDC_TOKEN_BYTES * 2);
  if (response.status >= 300 && response.status < 400) {
    throw new WifError('aws', `GitHub's OIDC token service answered with a redirect (HTTP ${response.status}): not followed, the bearer goes only to ${host}`, { code: 'UNEXPECTED_REDIRECT' });
  }
  if (!response.ok) {
    throw new WifError('aws', `GitHub's OIDC token service refused the request (HTTP ${response.status}): ${serverText(body ?? '', [bearer]).slice(0, 300)}`, {
      code: 'OIDC_TOKEN_SERVICE_REFUSED',
      hint: 'The job needs `permissions: id-token: write`; a pull request from a fork gets no token.',
    });
  }
  let value: unknown;
  try {
    value = (JSON.parse(body ?? '') as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new WifError('aws', `GitHub's OIDC token service answered without a token (${body === undefined ? 'over the size limit' : 'no "value"'})`, { code: 'OIDC_TOKEN_SERVICE_UNEXPECTED_ANSWER' });
  }
  return { token: value, host };
}

/** The body as text, or undefined past `max` bytes (the rest is not read). */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** AWS's options given with `--provider oidc`: a usage error naming the first (they would be ignored). */
export function refuseAwsOptions(given: object): void {
  const options = given as Readonly<Record<string, unknown>>;
  const flags: ReadonlyArray<[string, string]> = [
    ['expectAccount', '--expect-account'],
    ['outboundToken', '--outbound-token'],
    ['impersonationPath', '--impersonation-path'],
    ['profile', '--profile'],
    ['region', '--region'],
    ['checkOtherMethod', '--check-other-method'],
  ];
  const flag = flags.find(([key]) => options[key] !== undefined && options[key] !== false && !(Array.isArray(options[key]) && (options[key] as unknown[]).length === 0));
  if (flag) throw usageError(`${flag[1]} is for --provider aws: an OIDC token has no AWS account, method, role chain, profile or region`, 'CONFLICTING_OPTIONS', 'Leave it out, or use --provider aws.');
}
