/**
 * The AWS edge: resolve region and credentials the way the SDK's default chain does, and ask STS
 * who we are. Everything here talks to the filesystem or the network; the decisions live in
 * src/core (region.ts, credential-source.ts, aws-failures.ts).
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { describeAwsError, formatSeconds } from '../core/aws-failures.js';
import { describeCredentialSource } from '../core/credential-source.js';
import { WifError } from '../core/errors.js';
import { withDeadline } from '../deadline.js';
import { NO_REGION_HINT, isValidRegion, resolveRegion, type ResolvedRegion } from '../core/region.js';

export const DEFAULT_AWS_TIMEOUT_MS = 10_000;

// The AWS SDK takes tens of milliseconds to load: load it on first use, so that commands that do
// not call AWS (gen-sql --arn, --help, --version) never pay for it (docs/performance.md).
const loadSts = () => import('@aws-sdk/client-sts');
const loadCredentialProviders = () => import('@aws-sdk/credential-providers');
const loadSmithyConfig = () => import('@smithy/core/config');

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
  const timeoutMs = options.timeoutMs ?? DEFAULT_AWS_TIMEOUT_MS;
  const { credentials, credentialSource, warnings } = await resolveAwsCredentials(profile, timeoutMs, env);
  return { region, profile, credentials, credentialSource, warnings, timeoutMs };
}

/** The region (and the profile it may come from); throws NO_REGION / PROFILE_NOT_FOUND / BAD_REGION. */
export async function resolveAwsRegion(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ region: ResolvedRegion; profile: string | undefined }> {
  if (options.region !== undefined && options.region.trim() === '') {
    throw new WifError('usage', '--region is empty', { code: 'BAD_REGION', hint: 'Give a region such as eu-west-1, or leave --region out.' });
  }
  const profile = options.profile ?? (env.AWS_PROFILE || undefined);
  const profileName = profile ?? 'default';
  const profiles = await loadProfiles();
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
  return { region, profile };
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
  const credentials = await loadCredentials(profile, timeoutMs, warnings, profileOrigin);
  return { credentials, credentialSource: describeCredentialSource(credentials.$source, { profile: profile ?? 'default', env }), warnings };
}

/** `options.signal` lets a caller that no longer needs the answer stop the request (and its socket). */
export async function getCallerIdentity(context: AwsContext, options: { signal?: AbortSignal } = {}): Promise<CallerIdentity> {
  const { GetCallerIdentityCommand } = await loadSts();
  const client = await createStsClient(context);
  const timeout = AbortSignal.timeout(context.timeoutMs);
  try {
    const result = await client.send(new GetCallerIdentityCommand({}), { abortSignal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout });
    if (!result.Arn || !result.Account || !result.UserId) {
      throw new WifError('aws', 'STS GetCallerIdentity returned an incomplete answer', { code: 'STS_INCOMPLETE' });
    }
    return { account: result.Account, arn: result.Arn, userId: result.UserId };
  } catch (error) {
    if (error instanceof WifError) throw error;
    const failure = describeAwsError(errorFields(error), { endpoint: stsEndpoint(context.region.region), timeoutMs: context.timeoutMs });
    throw new WifError('aws', failure.message, { code: failure.code, hint: failure.hint, cause: error });
  } finally {
    client.destroy();
  }
}

export async function createStsClient(context: AwsContext): Promise<STSClient> {
  const { STSClient } = await loadSts();
  return new STSClient({
    region: context.region.region,
    credentials: context.credentials,
    maxAttempts: 2,
    // Without throwOnRequestTimeout the SDK only warns on requestTimeout and waits forever.
    requestHandler: { connectionTimeout: context.timeoutMs, requestTimeout: context.timeoutMs, throwOnRequestTimeout: true },
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
