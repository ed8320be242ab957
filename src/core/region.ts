/**
 * Which AWS region wif-check uses, and where it came from. Pure: the caller passes the
 * environment and the profile's region in.
 *
 * Order: --region, AWS_REGION, AWS_DEFAULT_REGION (the JS SDK ignores it, but the AWS CLI and
 * the Python connector read it, so users expect it), then the profile's `region`.
 * The Snowflake Node driver reads ONLY AWS_REGION (else EC2 metadata), see FACTS.md and
 * snowflake-sdk dist/lib/authentication/auth_workload_identity/attestation_aws.js.
 */

export type RegionSource = '--region' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile';

export interface ResolvedRegion {
  region: string;
  source: RegionSource;
  /** e.g. 'from AWS_REGION', 'from profile dev in ~/.aws/config'. */
  description: string;
}

export interface RegionInputs {
  flag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  profileName: string;
  profileRegion?: string | undefined;
}

// Two letters (eu-west-1, us-gov-west-1, cn-north-1) or, for the AWS European Sovereign Cloud, four
// (eusc-de-east-1); see the SDK's partitions.json regionRegex values.
const REGION_PATTERN = /^[a-z]{2}(?:[a-z]{2})?(-[a-z]+)+-\d{1,2}$/;

export function isValidRegion(region: string): boolean {
  return REGION_PATTERN.test(region);
}

export function resolveRegion(inputs: RegionInputs): ResolvedRegion | undefined {
  const candidates: Array<[string | undefined, RegionSource, string]> = [
    [inputs.flag, '--region', 'from --region'],
    [inputs.env.AWS_REGION, 'AWS_REGION', 'from AWS_REGION'],
    [inputs.env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION', 'from AWS_DEFAULT_REGION'],
    [inputs.profileRegion, 'profile', `from profile ${inputs.profileName}`],
  ];
  for (const [value, source, description] of candidates) {
    const region = value?.trim();
    if (region) return { region, source, description };
  }
  return undefined;
}

export const NO_REGION_HINT =
  'Set one with --region eu-west-1, AWS_REGION=eu-west-1, or `region = eu-west-1` in your AWS profile.';

/** The region the Snowflake Node driver will use, given the environment it runs in. */
export function driverRegion(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.AWS_REGION?.trim() || undefined;
}
