/**
 * The AWS edge: resolve region and credentials the way the SDK's default chain does, and ask STS
 * who we are. Everything here talks to the filesystem or the network; the decisions live in
 * src/core (region.ts, credential-source.ts, aws-failures.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { STSClient } from '@aws-sdk/client-sts';
import { describeAwsError, formatSeconds } from '../core/aws-failures.js';
import { describeCredentialSource } from '../core/credential-source.js';
import { WifError } from '../core/errors.js';
import { withDeadline } from '../deadline.js';
import { NO_REGION_HINT, isValidRegion, resolveRegion, type ResolvedRegion } from '../core/region.js';
import { rememberSecrets } from '../known-secrets.js';
import { libraryTimeoutMs, timerDelayMs } from '../core/timeout.js';

export const DEFAULT_AWS_TIMEOUT_MS = 10_000;

/** Real STS answers are under 2 KiB; anything near this is not STS, and must not be buffered. */
export const MAX_STS_RESPONSE_BYTES = 1024 * 1024;

/** Bound for GetCallerIdentity's Arn and UserId (real ones are well under 300 characters). */
export const MAX_STS_FIELD_LENGTH = 2048;

/** The SDK reads the shared config and credentials files whole; real ones are a few KiB. */
export const MAX_AWS_FILE_BYTES = 8 * 1024 * 1024;

// The AWS SDK takes tens of milliseconds to load: load it on first use, so that commands that do
// not call AWS (gen-sql --arn, --help, --version) never pay for it (docs/performance.md).
const loadSts = () => import('@aws-sdk/client-sts');
const loadCredentialProviders = () => import('@aws-sdk/credential-providers');
const loadSmithyConfig = () => import('@smithy/core/config');
// node:fs/promises with it: gen-sql --arn reaches this module (through whoami) but reads no file.
const loadReadBounded = () => import('../fs/read-bounded.js');

export interface AwsOptions {
  profile?: string | undefined;
  region?: string | undefined;
  /** Bound for credential resolution plus the STS call. */
  timeoutMs?: number | undefined;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  $source?: Record<string, unknown>;
}

export interface AwsContext {
  region: ResolvedRegion;
  /** The profile named by --profile or AWS_PROFILE, if any. */
  profile: string | undefined;
  credentials: AwsCredentials;
  credentialSource: string;
  warnings: string[];
  timeoutMs: number;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export async function resolveAwsContext(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): Promise<AwsContext> {
  const { region, profile } = await resolveAwsRegion(options, env);
  const timeoutMs = libraryTimeoutMs(options.timeoutMs) ?? DEFAULT_AWS_TIMEOUT_MS;
  const { credentials, credentialSource, warnings } = await resolveAwsCredentials(profile, timeoutMs, env);
  return { region, profile, credentials, credentialSource, warnings, timeoutMs };
}

/** The region (and the profile it may come from); throws NO_REGION / PROFILE_NOT_FOUND / BAD_REGION. */
export async function resolveAwsRegion(
  options: AwsOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ region: ResolvedRegion; profile: string | undefined; /** The profile's own `region`, whatever won. */ profileRegion: string | undefined }> {
  if (options.region !== undefined && options.region.trim() === '') {
    throw new WifError('usage', '--region is empty', { code: 'BAD_REGION', hint: 'Give a region such as eu-west-1, or leave --region out.' });
  }
  const profile = options.profile ?? (env.AWS_PROFILE || undefined);
  const profileName = profile ?? 'default';
  const timeoutMs = options.timeoutMs ?? DEFAULT_AWS_TIMEOUT_MS;
  const profiles = await withDeadline(
    refuseBadAwsFiles(env).then(loadProfiles),
    timeoutMs,
    () =>
      new WifError('aws', `The AWS shared config and credentials files were not read within ${formatSeconds(timeoutMs)}`, {
        code: 'AWS_CONFIG_TIMEOUT',
        hint: 'Check the files AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name (default ~/.aws/config, ~/.aws/credentials), e.g. on a network drive.',
      }),
  );
  if (profile && !profiles.has(profile)) {
    throw new WifError('aws', `AWS profile '${profile}' was not found in the shared config or credentials file`, {
      code: 'PROFILE_NOT_FOUND',
      hint: 'Check the name with `aws configure list-profiles` (files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/).',
    });
  }
  const region = resolveRegion({ flag: options.region, env, profileName, profileRegion: profiles.get(profileName)?.region });
  if (!region) {
    throw new WifError('aws', 'No AWS region is configured', { code: 'NO_REGION', hint: NO_REGION_HINT });
  }
  if (!isValidRegion(region.region)) {
    throw new WifError('usage', `'${region.region}' (${region.description}) is not an AWS region name`, {
      code: 'BAD_REGION',
      hint: 'Region names look like eu-west-1 or us-gov-west-1.',
    });
  }
  return { region, profile, profileRegion: profiles.get(profileName)?.region };
}

/** Credentials from the SDK's default chain (as the Snowflake driver loads them); throws NO_CREDENTIALS. */
export async function resolveAwsCredentials(
  profile: string | undefined,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ credentials: AwsCredentials; credentialSource: string; warnings: string[] }> {
  const warnings: string[] = [];
  // Name the profile the way the user set it: the SDK's own warning always says AWS_PROFILE.
  const profileOrigin = profile === undefined ? 'AWS_PROFILE' : env.AWS_PROFILE === profile ? `AWS_PROFILE=${profile}` : `--profile ${profile}`;
  await withDeadline(refuseBadAwsFiles(env), timeoutMs, () =>
    new WifError('aws', `The AWS credential files were not checked within ${formatSeconds(timeoutMs)}`, { code: 'AWS_CONFIG_TIMEOUT' }),
  );
  const credentials = await loadCredentials(profile, timeoutMs, warnings, profileOrigin);
  rememberSecrets(credentials.secretAccessKey, credentials.sessionToken);
  return { credentials, credentialSource: describeCredentialSource(credentials.$source, { profile: profile ?? 'default', env }), warnings };
}

/** `options.signal` lets a caller that no longer needs the answer stop the request (and its socket). */
export async function getCallerIdentity(context: AwsContext, options: { signal?: AbortSignal } = {}): Promise<CallerIdentity> {
  const { GetCallerIdentityCommand } = await loadSts();
  const client = await createStsClient(context);
  const timeout = AbortSignal.timeout(timerDelayMs(context.timeoutMs));
  const endpoint = stsEndpoint(context.region.region);
  try {
    const result = await client.send(new GetCallerIdentityCommand({}), { abortSignal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout });
    if (!result.Arn || !result.Account || !result.UserId) {
      throw new WifError('aws', 'STS GetCallerIdentity returned an incomplete answer', { code: 'STS_INCOMPLETE' });
    }
    const caller = { account: result.Account, arn: result.Arn, userId: result.UserId };
    const unexpected = unexpectedCallerIdentity(caller);
    if (unexpected) {
      throw new WifError('aws', `STS GetCallerIdentity (${endpoint}) returned ${unexpected}`, {
        code: 'STS_UNEXPECTED_ANSWER',
        hint: 'AWS STS never answers this: check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and any proxy between wif-check and STS.',
      });
    }
    return caller;
  } catch (error) {
    if (error instanceof WifError) throw error;
    // An answer that trickles in is cut off by the abort signal, and surfaces as a reset socket.
    const fields = timeout.aborted ? { name: 'TimeoutError' } : errorFields(error);
    const secrets = [context.credentials.secretAccessKey, context.credentials.sessionToken].filter((secret): secret is string => Boolean(secret));
    const failure = describeAwsError(fields, { endpoint, timeoutMs: context.timeoutMs, secrets });
    throw new WifError('aws', failure.message, { code: failure.code, hint: failure.hint, cause: error });
  } finally {
    client.destroy();
  }
}

export async function createStsClient(context: AwsContext): Promise<STSClient> {
  const { STSClient } = await loadSts();
  const client = new STSClient({
    region: context.region.region,
    credentials: context.credentials,
    maxAttempts: 2,
    // Without throwOnRequestTimeout the SDK only warns on requestTimeout and waits forever.
    requestHandler: { connectionTimeout: timerDelayMs(context.timeoutMs), requestTimeout: timerDelayMs(context.timeoutMs), throwOnRequestTimeout: true },
  });
  // Inside the deserializer (priority low in its step), so no answer is parsed before it is
  // bounded, and outside the retry middleware's view of HTTP status: a refusal is never retried.
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      result.response = await boundResponse(result.response, endpointOf(args.request));
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'wifCheckStsResponseLimit' },
  );
  return client;
}

/**
 * The response with its body read into memory, at most MAX_STS_RESPONSE_BYTES of it; a larger
 * one throws STS_RESPONSE_TOO_LARGE as soon as the limit is passed and drops the connection.
 */
async function boundResponse(response: unknown, endpoint: string): Promise<unknown> {
  if (!response || typeof response !== 'object') return response;
  const http = response as { headers?: Record<string, string | undefined>; body?: unknown };
  const { formatBytes } = await loadReadBounded();
  const tooLarge = () =>
    new WifError('aws', `STS answered with more than ${formatBytes(MAX_STS_RESPONSE_BYTES)} (${endpoint}): wif-check refuses STS answers over ${formatBytes(MAX_STS_RESPONSE_BYTES)}`, {
      code: 'STS_RESPONSE_TOO_LARGE',
      hint: 'Real STS answers are a few KiB: check that AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, a proxy or a VPC endpoint really lead to AWS STS.',
    });
  const body = http.body;
  const declared = Number(http.headers?.['content-length']);
  if (Number.isFinite(declared) && declared > MAX_STS_RESPONSE_BYTES) {
    (body as { destroy?: () => void } | undefined)?.destroy?.();
    throw tooLarge();
  }
  if (body instanceof Uint8Array) {
    if (body.byteLength > MAX_STS_RESPONSE_BYTES) throw tooLarge();
    return response;
  }
  if (!body || typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function') return response;
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early (the throw) destroys the stream, and with it the socket.
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    if (size > MAX_STS_RESPONSE_BYTES) throw tooLarge();
    chunks.push(bytes);
  }
  http.body = Buffer.concat(chunks, size);
  return response;
}

/** 'https://sts.eu-west-1.amazonaws.com' for the request the SDK sent. */
function endpointOf(request: unknown): string {
  const r = (request ?? {}) as { protocol?: string; hostname?: string; port?: number };
  return `${r.protocol ?? 'https:'}//${r.hostname ?? 'sts'}${r.port ? `:${r.port}` : ''}`;
}

/**
 * What is wrong with a GetCallerIdentity answer that AWS would never give, described without
 * repeating any control character it holds; undefined when it looks like STS. Parsing the ARN is
 * not done here: a well-formed ARN that wif-check's parser cannot read is reported by its users.
 */
export function unexpectedCallerIdentity(caller: CallerIdentity): string | undefined {
  if (!/^\d{12}$/.test(caller.account)) {
    const control = firstControlCharacter(caller.account);
    const what = control ? `that contains a control character (${control})` : caller.account.length > 32 ? `of ${caller.account.length} characters` : `'${caller.account}'`;
    return `an Account ${what}, not a 12-digit AWS account ID`;
  }
  for (const [field, value] of [['Arn', caller.arn], ['UserId', caller.userId]] as const) {
    if (value.length > MAX_STS_FIELD_LENGTH) return `an ${field} of ${value.length} characters (the limit is ${MAX_STS_FIELD_LENGTH})`;
    const control = firstControlCharacter(value);
    if (control) return `an ${field} that contains a control character (${control})`;
  }
  return undefined;
}

/** 'U+001B' for the first C0/C1 control character in `text`, else undefined. */
function firstControlCharacter(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const match = /[\u0000-\u001f\u007f-\u009f]/.exec(text);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * Refuses (BAD_CONFIG_FILE, a usage error) a file the AWS SDK or the Snowflake driver would read
 * that is not a regular file (opening a FIFO blocks forever) or is oversized; missing is fine.
 * The SDK reads AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE from process.env, so both it and
 * `env` are checked.
 */
async function refuseBadAwsFiles(env: NodeJS.ProcessEnv): Promise<void> {
  const { formatBytes, refuseUnreadableFile } = await loadReadBounded();
  const seen = new Set<string>();
  for (const source of env === process.env ? [env] : [env, process.env]) {
    for (const file of awsFilesOf(source)) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      const refused = await refuseUnreadableFile(file.path, MAX_AWS_FILE_BYTES);
      if (!refused) continue;
      const message = file.fromVariable
        ? `${file.variable} names ${file.path}, which ${refused.detail}`
        : `${file.path} (${file.description}; ${file.variable} is not set) ${refused.detail}`;
      const hint = file.fromVariable
        ? `Point ${file.variable} at a regular file of at most ${formatBytes(MAX_AWS_FILE_BYTES)}, or unset it.`
        : `Replace ${file.path} with a regular file of at most ${formatBytes(MAX_AWS_FILE_BYTES)}, or set ${file.variable} to one.`;
      throw new WifError('usage', message, { code: 'BAD_CONFIG_FILE', hint });
    }
  }
}

interface AwsFile {
  variable: string;
  path: string;
  /** Named by `variable`, rather than its default. */
  fromVariable: boolean;
  description: string;
}

function awsFilesOf(env: NodeJS.ProcessEnv): AwsFile[] {
  // As the SDK's getHomeDir() and its '~/' expansion do.
  const home = env.HOME || env.USERPROFILE || homedir();
  const expand = (path: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  const files = [
    { variable: 'AWS_CONFIG_FILE', fallback: join(home, '.aws', 'config'), description: 'the AWS config file' },
    { variable: 'AWS_SHARED_CREDENTIALS_FILE', fallback: join(home, '.aws', 'credentials'), description: 'the AWS credentials file' },
    { variable: 'AWS_WEB_IDENTITY_TOKEN_FILE', fallback: undefined, description: 'the web identity token' },
    { variable: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', fallback: undefined, description: 'the container credentials token' },
  ];
  return files.flatMap(({ variable, fallback, description }): AwsFile[] => {
    const named = env[variable];
    if (named) return [{ variable, path: expand(named), fromVariable: true, description }];
    return fallback ? [{ variable, path: fallback, fromVariable: false, description }] : [];
  });
}

/** The STS endpoint the SDK will call (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL override it). */
export function stsEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  if (override) return override;
  return `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

async function loadProfiles(): Promise<Map<string, Record<string, string | undefined>>> {
  const { loadSharedConfigFiles } = await loadSmithyConfig();
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const profiles = new Map<string, Record<string, string | undefined>>();
  for (const [name, values] of [...Object.entries(credentialsFile), ...Object.entries(configFile)]) {
    profiles.set(name, { ...profiles.get(name), ...values });
  }
  return profiles;
}

async function loadCredentials(profile: string | undefined, timeoutMs: number, warnings: string[], profileOrigin: string): Promise<AwsCredentials> {
  // The chain warns through console.warn unless given a logger; route it into our warnings.
  const logger = new SdkWarningCollector(warnings, profileOrigin);
  const { fromNodeProviderChain } = await loadCredentialProviders();
  const provider = fromNodeProviderChain({ ...(profile ? { profile } : {}), logger, timeout: Math.min(timeoutMs, 2_000), maxRetries: 0 });
  try {
    return await withDeadline(provider(), timeoutMs, () => Object.assign(new Error('AWS credentials were not found in time'), { name: 'TimeoutError' }));
  } catch (error) {
    const fields = errorFields(error);
    if (fields.name === 'TimeoutError') {
      throw new WifError('aws', `AWS credentials were not resolved within ${formatSeconds(timeoutMs)}${profile ? ` (profile '${profile}')` : ''}`, {
        code: 'CREDENTIALS_TIMEOUT',
        hint: 'The credential source (SSO, credential_process, container or instance metadata) did not answer in time: check it, or raise --timeout.',
        cause: error,
      });
    }
    const message = fields.message ?? 'unknown error';
    // With a profile selected the SDK ignores AWS_ACCESS_KEY_ID/SECRET: say so rather than ask for them.
    const hint = profile
      ? `Profile '${profile}' has no usable credentials: add keys, sso_session, role_arn or credential_process to it, ` +
        `or drop the profile to use other credentials.${warnings.length ? ` Note: ${warnings.join(' ')}` : ''}`
      : 'Configure credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile NAME (or AWS_PROFILE), `aws sso login`, ' +
        'or run where an IAM role is attached (Lambda, ECS, EC2).';
    throw new WifError('aws', noCredentialsMessage(message, profile), { code: 'NO_CREDENTIALS', hint, cause: error });
  }
}

function noCredentialsMessage(sdkMessage: string, profile: string | undefined): string {
  const where = profile ? ` for profile '${profile}'` : '';
  if (/Could not load credentials from any providers|disabled/i.test(sdkMessage)) return `No AWS credentials were found${where}`;
  return `AWS credentials could not be loaded${where}: ${sdkMessage.replace(/\s+/g, ' ').trim()}`;
}

class SdkWarningCollector {
  constructor(
    private readonly warnings: string[],
    private readonly profileOrigin: string,
  ) {}
  debug(): void {}
  info(): void {}
  trace(): void {}
  warn(message: unknown): void {
    const text = String(message);
    if (/Multiple credential sources detected/.test(text)) {
      this.warnings.push(`${this.profileOrigin} and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are both set: the SDK (and the Snowflake driver) use the profile.`);
    } else {
      this.warnings.push(text.split('\n')[0] ?? text);
    }
  }
  error(): void {}
}

function errorFields(error: unknown): { name?: string; message?: string; code?: string } {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    const cause = e.cause && typeof e.cause === 'object' ? (e.cause as { code?: unknown }) : undefined;
    const code = typeof e.code === 'string' ? e.code : typeof cause?.code === 'string' ? cause.code : undefined;
    return {
      ...(typeof e.name === 'string' ? { name: e.name } : {}),
      ...(typeof e.message === 'string' ? { message: e.message } : {}),
      ...(code ? { code } : {}),
    };
  }
  return { message: String(error) };
}
