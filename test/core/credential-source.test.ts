import { describe, expect, it } from 'vitest';
import { describeCredentialSource } from '../../src/core/credential-source.js';

const describeWith = (features: Record<string, string> | undefined, env: Record<string, string> = {}, profile?: string) =>
  describeCredentialSource(features, { env, profile });

describe('describeCredentialSource', () => {
  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, 'environment variables'],
    [{ CREDENTIALS_PROFILE: 'n' }, 'profile dev'],
    [{ CREDENTIALS_PROFILE: 'n', CREDENTIALS_PROFILE_SSO: 'r', CREDENTIALS_SSO: 's' }, 'SSO (IAM Identity Center) via profile dev'],
    [{ CREDENTIALS_PROFILE: 'n', CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o', CREDENTIALS_STS_ASSUME_ROLE: 'i' }, 'assumed role via profile dev (source_profile)'],
    [{ CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k' }, 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'],
    [{ CREDENTIALS_HTTP: 'z' }, 'container credentials endpoint (ECS/EKS)'],
    [{ CREDENTIALS_IMDS: '0' }, 'EC2 instance metadata (IMDS)'],
    [undefined, 'AWS default credential chain'],
  ])('%j → %s', (features, expected) => {
    expect(describeWith(features, {}, 'dev')).toBe(expected);
  });

  it('names the Lambda function when env credentials come from Lambda', () => {
    expect(describeWith({ CREDENTIALS_ENV_VARS: 'g' }, { AWS_LAMBDA_FUNCTION_NAME: 'my-fn' })).toBe(
      'environment variables (Lambda execution role of my-fn)',
    );
  });
});
