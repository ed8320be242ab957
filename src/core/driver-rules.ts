/**
 * What each Snowflake driver does with the AWS environment it runs in: where it reads the
 * region, what role chaining needs, whether it has a host allow-list, how it is switched to the
 * JWT method. One row per driver, each fact with its source; doctor --driver speaks for the row.
 * Only drivers whose behaviour a source describes are here (../shared/FACTS.md, "Other drivers").
 * Pure: the environment and the profile's region are inputs.
 */

export type DriverName = 'node' | 'python';
export const DRIVER_NAMES: readonly DriverName[] = ['node', 'python'];

import { outboundTokenRequestedByEnv } from './jwt-claims.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DriverRules {
  name: DriverName;
  label: string;
  /** The variables the driver reads the region from, in order; then EC2 instance metadata. */
  regionVariables: readonly string[];
  /** Role chaining (the impersonation path): where the AssumeRole client gets its region. */
  chainingRegion: 'login-region' | 'boto3-default';
  hostAllowList: boolean;
  /** How the JWT method is switched on. */
  outboundToken: { option: string; env?: string };
  /** The setting that names another STS host for the attestation (and the chain's AssumeRole), if the driver has one. */
  stsHostOption?: string;
  source: string;
}

export const DRIVER_RULES: Readonly<Record<DriverName, DriverRules>> = {
  node: {
    name: 'node',
    label: 'the Snowflake Node.js driver (snowflake-sdk)',
    regionVariables: ['AWS_REGION'],
    chainingRegion: 'login-region',
    hostAllowList: true,
    outboundToken: { option: 'workloadIdentityAwsUseOutboundToken: true' },
    stsHostOption: 'workloadIdentityHost (snowflake-sdk ≥ 3.4.0)',
    source: 'snowflake-sdk 3.4.1 dist/lib/authentication/auth_workload_identity/attestation_aws.js (getAwsRegion, getStsHostname, getAwsCredentials; workloadIdentityHost since 3.4.0), host_allowlist.js',
  },
  python: {
    name: 'python',
    label: 'the Snowflake Python connector',
    regionVariables: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    chainingRegion: 'boto3-default',
    hostAllowList: false,
    outboundToken: { option: 'workload_identity_aws_use_outbound_token=True', env: 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true' },
    source: 'snowflake-connector-python 4.7 wif_util.py (region, sts_host_from_region, AssumeRole without a region, no host allow-list); release note 2026-05-12 (outbound token, ≥ 4.5)',
  },
};

/** The region the driver will use in `env` and the variable it came from; undefined: it would ask EC2 metadata. */
export function regionSeenBy(driver: DriverName, env: Env): { region: string; variable: string } | undefined {
  for (const variable of DRIVER_RULES[driver].regionVariables) {
    const region = env[variable]?.trim();
    if (region) return { region, variable };
  }
  return undefined;
}

/**
 * Why role chaining would fail for this driver in `env`, if it would. The Python connector calls
 * AssumeRole through boto3 with no explicit region: boto3 reads AWS_DEFAULT_REGION or the
 * profile's region, never AWS_REGION, so with only AWS_REGION set it raises NoRegionError.
 */
export function chainingProblem(driver: DriverName, env: Env, profileRegion: string | undefined): string | undefined {
  if (DRIVER_RULES[driver].chainingRegion !== 'boto3-default') return undefined;
  if (env.AWS_DEFAULT_REGION?.trim() || profileRegion?.trim()) return undefined;
  return `${DRIVER_RULES[driver].label} calls AssumeRole for the impersonation path through boto3 with no region: it needs AWS_DEFAULT_REGION or a profile region${env.AWS_REGION ? ' (AWS_REGION alone fails with NoRegionError)' : ''}`;
}

/**
 * The STS host both drivers sign the classic attestation for when nothing overrides it:
 * `sts.<region>.amazonaws.com`, `.amazonaws.com.cn` for a `cn-` region (snowflake-sdk
 * getStsHostname; Python wif_util.py sts_host_from_region).
 */
export function attestationStsHost(region: string): string {
  return `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/** AWS's isolated partitions (aws-iso, aws-iso-b, aws-iso-e, aws-iso-f): their STS is not under amazonaws.com. */
const ISOLATED_REGION = /^(us-iso-|us-isob-|us-isof-|eu-isoe-)/;

/**
 * Why the driver's attestation would name the wrong STS host in `region`, if it would: in an
 * isolated partition the derived `sts.<region>.amazonaws.com` is not that partition's STS. The Node
 * driver takes the host from `workloadIdentityHost` (≥ 3.4.0, snowflake-sdk CHANGELOG "so AWS
 * partitions unknown to the driver can be reached"); the Python connector has no such setting (wif_util.py).
 * Whether Snowflake accepts an attestation from those partitions at all is not known.
 */
export function stsHostProblem(driver: DriverName, region: string): string | undefined {
  if (!ISOLATED_REGION.test(region.trim())) return undefined;
  const option = DRIVER_RULES[driver].stsHostOption;
  const derived = attestationStsHost(region.trim());
  return option
    ? `${DRIVER_RULES[driver].label} signs its attestation for ${derived}, which is not the STS of ${region.trim()}'s isolated partition: set ${option} to your partition's STS host`
    : `${DRIVER_RULES[driver].label} signs its attestation for ${derived}, which is not the STS of ${region.trim()}'s isolated partition, and has no setting for another host`;
}

/** Whether the environment switches this driver to the JWT method by itself. */
export function outboundTokenByEnvironment(driver: DriverName, env: Env): boolean {
  return DRIVER_RULES[driver].outboundToken.env !== undefined && outboundTokenRequestedByEnv(env);
}

/** The driver a Lambda function runs, from AWS_EXECUTION_ENV (`AWS_Lambda_python3.12` → python); else undefined. */
export function driverOfLambdaRuntime(env: Env): DriverName | undefined {
  const runtime = env.AWS_EXECUTION_ENV?.trim() ?? '';
  if (/^AWS_Lambda_python/i.test(runtime)) return 'python';
  if (/^AWS_Lambda_nodejs/i.test(runtime)) return 'node';
  return undefined;
}

/** --driver as typed; undefined when absent. */
export function parseDriverName(value: string | undefined): { ok: true; driver: DriverName | undefined } | { ok: false; error: string } {
  if (value === undefined) return { ok: true, driver: undefined };
  const name = value.trim().toLowerCase();
  if (name === 'node' || name === 'nodejs' || name === 'javascript') return { ok: true, driver: 'node' };
  if (name === 'python') return { ok: true, driver: 'python' };
  return { ok: false, error: `--driver '${value.slice(0, 40)}' is not one of ${DRIVER_NAMES.join(', ')}` };
}
