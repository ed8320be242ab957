/**
 * Turns the AWS SDK's credential feature markers (`credentials.$source`, set by each provider in
 * the default chain: @aws-sdk/core setCredentialFeature) into words a person recognises.
 */

const FEATURE_LABELS: ReadonlyArray<readonly [string, string]> = [
  // Most specific first: a profile that assumes a role from SSO has both markers.
  ['CREDENTIALS_PROFILE_SSO', 'SSO (IAM Identity Center) via profile {profile}'],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'SSO (legacy) via profile {profile}'],
  ['CREDENTIALS_SSO', 'SSO (IAM Identity Center)'],
  ['CREDENTIALS_SSO_LEGACY', 'SSO (legacy)'],
  ['CREDENTIALS_PROFILE_LOGIN', 'aws login session via profile {profile}'],
  ['CREDENTIALS_LOGIN', 'aws login session'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web identity token via profile {profile}'],
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'],
  ['CREDENTIALS_STS_ASSUME_ROLE_WEB_ID', 'web identity token'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'assumed role via profile {profile} (source_profile)'],
  ['CREDENTIALS_PROFILE_NAMED_PROVIDER', 'assumed role via profile {profile} (credential_source)'],
  ['CREDENTIALS_PROFILE_PROCESS', 'credential_process via profile {profile}'],
  ['CREDENTIALS_PROCESS', 'credential_process'],
  ['CREDENTIALS_PROFILE', 'profile {profile}'],
  ['CREDENTIALS_HTTP', 'container credentials endpoint (ECS/EKS)'],
  ['CREDENTIALS_IMDS', 'EC2 instance metadata (IMDS)'],
  ['CREDENTIALS_ENV_VARS', 'environment variables'],
  ['CREDENTIALS_CODE', 'credentials passed in code'],
];

export function describeCredentialSource(
  features: Readonly<Record<string, unknown>> | undefined,
  context: { profile?: string | undefined; env: Readonly<Record<string, string | undefined>> },
): string {
  const label = FEATURE_LABELS.find(([feature]) => features && feature in features)?.[1] ?? 'AWS default credential chain';
  const parts = [label.replace('{profile}', context.profile ?? 'default')];
  if (label === 'environment variables' && context.env.AWS_LAMBDA_FUNCTION_NAME) {
    parts.push(`(Lambda execution role of ${context.env.AWS_LAMBDA_FUNCTION_NAME})`);
  }
  return parts.join(' ');
}
