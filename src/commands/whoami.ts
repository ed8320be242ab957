/**
 * `wif-check whoami`: who am I to Snowflake? Asks STS for the caller identity and shows the
 * path-free IAM ARN that Snowflake matches.
 */
import { describeKind } from '../core/arn.js';
import { usageError } from '../core/errors.js';
import type { RegionSource } from '../core/region.js';
import type { AwsOptions } from '../aws/identity.js';
import { hostEnv } from '../process-env.js';
import type { ChalkInstance } from 'chalk';
import type { WifMethod } from '../core/jwt-claims.js';
import type { OutboundFacts } from './outbound.js';
import { outboundLines } from './outbound-render.js';
import { resolveProvider } from '../providers/index.js';
import type { OidcWhoamiReport } from '../providers/oidc/whoami.js';
import { loadedWhoami, whoamiProvider, type ProviderWhoamiReport } from '../providers/registry.js';

export type PrincipalType = 'assumed-role' | 'iam-user' | 'root' | 'federated-user';

export interface WhoamiOptions extends AwsOptions {
  /** Fail (exit 1) when the credentials belong to another account. */
  expectAccount?: string | undefined;
  /** AWS's JWT method (STS GetWebIdentityToken); default: SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN. */
  outboundToken?: boolean | undefined;
  /** aws (default), oidc or azure (src/providers/index.ts: then SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER). */
  provider?: string | undefined;
  /** oidc: the token file (`-`: standard input); default: GitHub's token service, then SNOWFLAKE_TOKEN_FILE_PATH. */
  tokenFile?: string | undefined;
  /** oidc: the audience to ask GitHub's token service for (default snowflakecomputing.com). */
  audience?: string | undefined;
  /** azure: the driver's workloadIdentityAzureClientId (a user-assigned identity's client ID; --azure-client-id). */
  azureClientId?: string | undefined;
  /** azure: the driver's workloadIdentityAzureEntraIdResource (default Snowflake's application; --azure-resource). */
  azureResource?: string | undefined;
  /** gcp: the service accounts to impersonate (e-mails; the last one's token is sent, as the drivers do). */
  impersonationPath?: string | readonly string[] | undefined;
}

export type { OidcWhoamiReport } from '../providers/oidc/whoami.js';

export interface WhoamiReport {
  provider: 'aws';
  account: string;
  /** The caller ARN exactly as STS returned it. */
  arn: string;
  userId: string;
  principalType: PrincipalType;
  partition: string;
  sessionName: string | null;
  /** The ARN to put in WORKLOAD_IDENTITY (path removed), or null when the principal cannot use WIF. */
  snowflakeArn: string | null;
  /** What normalising changed, e.g. 'removed IAM path division/'. */
  snowflakeArnNotes: string[];
  /** Why the principal cannot be used for WIF (root, federated user), else null. */
  unusableReason: string | null;
  region: string;
  regionSource: RegionSource;
  regionDescription: string;
  credentialSource: string;
  profile: string | null;
  warnings: string[];
  method: WifMethod;
  /** With the JWT method: the token's claims (never the token). */
  token?: OutboundFacts | undefined;
}

/** Who the workload is to Snowflake, for the provider the options (or the environment) name. */
export async function whoami(options?: WhoamiOptions & { provider?: 'aws' | 'AWS' | undefined }): Promise<WhoamiReport>;
export async function whoami(options: WhoamiOptions & { provider: 'oidc' | 'OIDC' }): Promise<OidcWhoamiReport>;
export async function whoami(options: WhoamiOptions): Promise<WhoamiReport | ProviderWhoamiReport>;
export async function whoami(options: WhoamiOptions = {}): Promise<WhoamiReport | ProviderWhoamiReport> {
  const { provider } = resolveProvider(options.provider, hostEnv());
  if (provider !== 'aws') {
    const module = await whoamiProvider(provider);
    module.refuseOptions('whoami', options);
    return module.whoami(options, hostEnv());
  }
  if (options.impersonationPath !== undefined) throw usageError('whoami --impersonation-path is for --provider gcp (AWS role chains are checked by connect and doctor)', 'CONFLICTING_OPTIONS');
  // AWS's side (the SDK's credential chain, STS, the JWT method) is src/aws/whoami.ts, as each
  // provider's is its folder's.
  const { awsWhoami } = await import('../aws/whoami.js');
  return awsWhoami(options);
}

export function whoamiDocument(report: WhoamiReport | ProviderWhoamiReport): Record<string, unknown> {
  if (report.provider !== 'aws') return loadedWhoami(report.provider).whoamiDocument(report);
  const { warnings: _warnings, token, ...document } = report;
  if (!token) return { ok: true, ...document };
  const { notes: _notes, warnings: _tokenWarnings, subjectSnowflakeArn: _arn, ...facts } = token;
  return { ok: true, ...document, ...facts };
}

export function renderWhoami(report: WhoamiReport | ProviderWhoamiReport, c: ChalkInstance): string {
  if (report.provider !== 'aws') return loadedWhoami(report.provider).renderWhoami(report, c);
  const label = (text: string) => c.bold(text.padEnd(17));
  const kind = describeKind(report.principalType);
  const session = report.sessionName ? `, session ${report.sessionName}` : '';
  const lines = [
    `${label('AWS account')}${report.account}  ${c.dim(`(partition ${report.partition})`)}`,
    `${label('Caller')}${report.arn}   ${c.dim(`(${kind}${session})`)}`,
  ];
  const region = `${c.bold('Region')}  ${report.region} ${c.dim(`(${report.regionDescription})`)}`;
  // Keep the issue's two-column layout while the credential source is short enough for it.
  if (report.credentialSource.length <= 30) lines.push(`${label('Credentials')}${report.credentialSource.padEnd(31)}${region}`);
  else lines.push(`${label('Credentials')}${report.credentialSource}`, `${label('Region')}${report.region} ${c.dim(`(${report.regionDescription})`)}`);
  if (report.token) lines.push(...outboundLines(report.token, label, c.dim));
  if (report.snowflakeArn) {
    const removedPath = report.snowflakeArnNotes.find((note) => note.startsWith('removed IAM path'));
    lines.push(`${label('Snowflake ARN')}${c.green(report.snowflakeArn)}${removedPath ? c.dim(`  (${removedPath}: Snowflake matches by name)`) : ''}`);
    const issuer = report.token?.issuer;
    lines.push(`${' '.repeat(17)}${c.dim(issuer ? `↑ with ISSUER = '${issuer}' (wif-check gen-sql --outbound-token)` : "↑ put exactly this in CREATE USER … WORKLOAD_IDENTITY = (TYPE = AWS ARN = '…')")}`);
  } else {
    lines.push(`${label('Snowflake ARN')}${c.red('none')} ${c.dim('— this principal cannot log in to Snowflake with WIF')}`);
    lines.push(`${' '.repeat(17)}${report.unusableReason ?? ''}`);
  }
  return lines.join('\n');
}
