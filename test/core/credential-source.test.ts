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

describe('every credential source the SDK marks, one line each', () => {
  it.each([
    ['CREDENTIALS_PROFILE_SSO', 'SSO (IAM Identity Center) via profile dev'],
    ['CREDENTIALS_PROFILE_SSO_LEGACY', 'SSO (legacy) via profile dev'],
    ['CREDENTIALS_SSO', 'SSO (IAM Identity Center)'],
    ['CREDENTIALS_SSO_LEGACY', 'SSO (legacy)'],
    ['CREDENTIALS_PROFILE_LOGIN', 'aws login session via profile dev'],
    ['CREDENTIALS_LOGIN', 'aws login session'],
    ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web identity token via profile dev'],
    ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'],
    ['CREDENTIALS_STS_ASSUME_ROLE_WEB_ID', 'web identity token'],
    ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'assumed role via profile dev (source_profile)'],
    ['CREDENTIALS_PROFILE_NAMED_PROVIDER', 'assumed role via profile dev (credential_source)'],
    ['CREDENTIALS_PROFILE_PROCESS', 'credential_process via profile dev'],
    ['CREDENTIALS_PROCESS', 'credential_process'],
    ['CREDENTIALS_PROFILE', 'profile dev'],
    ['CREDENTIALS_HTTP', 'container credentials endpoint (ECS/EKS)'],
    ['CREDENTIALS_IMDS', 'EC2 instance metadata (IMDS)'],
    ['CREDENTIALS_ENV_VARS', 'environment variables'],
    ['CREDENTIALS_CODE', 'credentials passed in code'],
    ['CREDENTIALS_SOMETHING_NEW', 'AWS default credential chain'],
  ])('%s → %s', (feature, label) => {
    expect(describeWith({ [feature]: 'x' }, {}, 'dev')).toBe(label);
  });

  it.each([
    [{ CREDENTIALS_PROFILE_SSO_LEGACY: 'x', CREDENTIALS_SSO_LEGACY: 'y', CREDENTIALS_PROFILE: 'z' }, 'SSO (legacy) via profile dev'],
    [{ CREDENTIALS_PROFILE_LOGIN: 'x', CREDENTIALS_LOGIN: 'y' }, 'aws login session via profile dev'],
    [{ CREDENTIALS_PROFILE_PROCESS: 'x', CREDENTIALS_PROCESS: 'y', CREDENTIALS_PROFILE: 'z' }, 'credential_process via profile dev'],
    [{ CREDENTIALS_PROFILE_NAMED_PROVIDER: 'x', CREDENTIALS_IMDS: 'y', CREDENTIALS_PROFILE: 'z' }, 'assumed role via profile dev (credential_source)'],
    [{ CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN: 'x', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'y', CREDENTIALS_PROFILE: 'z' }, 'web identity token via profile dev'],
  ])('the most specific marker wins: %j → %s', (features, label) => {
    expect(describeWith(features, {}, 'dev')).toBe(label);
  });

  it.each([
    ['no profile: default', { CREDENTIALS_PROFILE: 'n' }, {}, undefined, 'profile default'],
    ['no features at all', {}, {}, 'dev', 'AWS default credential chain'],
    ['Lambda names its function only for environment credentials', { CREDENTIALS_IMDS: 'x' }, { AWS_LAMBDA_FUNCTION_NAME: 'my-fn' }, undefined, 'EC2 instance metadata (IMDS)'],
    ['an empty function name is none', { CREDENTIALS_ENV_VARS: 'x' }, { AWS_LAMBDA_FUNCTION_NAME: '' }, undefined, 'environment variables'],
  ])('%s', (_name, features, env, profile, label) => {
    expect(describeWith(features, env, profile)).toBe(label);
  });
});
