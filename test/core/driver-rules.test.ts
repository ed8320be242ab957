import { describe, expect, it } from 'vitest';
import { DRIVER_NAMES, DRIVER_RULES, attestationStsHost, chainingProblem, driverOfLambdaRuntime, outboundTokenByEnvironment, parseDriverName, regionSeenBy, stsHostProblem } from '../../src/core/driver-rules.js';

describe('regionSeenBy: where each driver reads the region', () => {
  it.each([
    ['node', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' }, { region: 'eu-west-1', variable: 'AWS_REGION' }],
    ['node', { AWS_DEFAULT_REGION: 'us-east-1' }, undefined],
    ['node', {}, undefined],
    ['python', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' }, { region: 'eu-west-1', variable: 'AWS_REGION' }],
    ['python', { AWS_DEFAULT_REGION: 'us-east-1' }, { region: 'us-east-1', variable: 'AWS_DEFAULT_REGION' }],
    ['python', { AWS_REGION: ' ' }, undefined],
  ] as const)('%s in %j → %j', (driver, env, expected) => {
    expect(regionSeenBy(driver, env)).toEqual(expected);
  });
});

describe('chainingProblem: what role chaining needs', () => {
  it.each([
    ['node', {}, undefined, false],
    ['node', { AWS_REGION: 'eu-west-1' }, undefined, false],
    ['python', { AWS_REGION: 'eu-west-1' }, undefined, true],
    ['python', {}, undefined, true],
    ['python', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' }, undefined, false],
    ['python', { AWS_REGION: 'eu-west-1' }, 'eu-west-1', false],
  ] as const)('%s, env %j, profile region %j → problem: %s', (driver, env, profileRegion, problem) => {
    expect(chainingProblem(driver, env, profileRegion) !== undefined).toBe(problem);
  });

  it('says why AWS_REGION alone is not enough for Python', () => {
    expect(chainingProblem('python', { AWS_REGION: 'eu-west-1' }, undefined)).toMatch(/AWS_DEFAULT_REGION or a profile region \(AWS_REGION alone fails with NoRegionError\)/);
  });
});

describe('the rest of the table', () => {
  it.each([
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12' }, 'python'],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, 'node'],
    [{ AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE' }, undefined],
    [{}, undefined],
  ] as const)('the Lambda runtime %j → %j', (env, expected) => {
    expect(driverOfLambdaRuntime(env)).toBe(expected);
  });

  it.each([
    ['node', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' }, false],
    ['python', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'TRUE' }, true],
    ['python', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: '1' }, false],
  ] as const)('%s switches to the JWT method by %j: %s', (driver, env, expected) => {
    expect(outboundTokenByEnvironment(driver, env)).toBe(expected);
  });

  it.each([
    [undefined, { ok: true, driver: undefined }],
    ['node', { ok: true, driver: 'node' }],
    ['Python', { ok: true, driver: 'python' }],
    ['go', { ok: false, error: "--driver 'go' is not one of node, python" }],
  ] as const)('--driver %j', (value, expected) => {
    expect(parseDriverName(value)).toEqual(expected);
  });
});

describe('each driver, as doctor --driver states it', () => {
  it('the table', () => {
    expect(DRIVER_NAMES).toEqual(['node', 'python']);
    expect(DRIVER_RULES.node).toMatchObject({ name: 'node', label: 'the Snowflake Node.js driver (snowflake-sdk)', regionVariables: ['AWS_REGION'], chainingRegion: 'login-region', hostAllowList: true, outboundToken: { option: 'workloadIdentityAwsUseOutboundToken: true' } });
    expect(DRIVER_RULES.python).toMatchObject({
      name: 'python',
      label: 'the Snowflake Python connector',
      regionVariables: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
      chainingRegion: 'boto3-default',
      hostAllowList: false,
      outboundToken: { option: 'workload_identity_aws_use_outbound_token=True', env: 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true' },
    });
    expect(DRIVER_RULES.node.outboundToken.env).toBeUndefined();
  });

  it.each([
    ['python', {}, undefined, 'the Snowflake Python connector calls AssumeRole for the impersonation path through boto3 with no region: it needs AWS_DEFAULT_REGION or a profile region'],
    ['python', { AWS_REGION: 'eu-west-1' }, undefined, 'the Snowflake Python connector calls AssumeRole for the impersonation path through boto3 with no region: it needs AWS_DEFAULT_REGION or a profile region (AWS_REGION alone fails with NoRegionError)'],
    ['python', { AWS_DEFAULT_REGION: ' ' }, ' ', 'the Snowflake Python connector calls AssumeRole for the impersonation path through boto3 with no region: it needs AWS_DEFAULT_REGION or a profile region'],
    ['python', { AWS_DEFAULT_REGION: 'eu-west-1' }, undefined, undefined],
    ['python', {}, 'eu-west-1', undefined],
    ['node', {}, undefined, undefined],
  ] as const)('chainingProblem(%s, %j, %j)', (driver, env, profileRegion, problem) => {
    expect(chainingProblem(driver, env, profileRegion)).toBe(problem);
  });

  it.each([
    ['python', { AWS_REGION: ' eu-west-1 ' }, { region: 'eu-west-1', variable: 'AWS_REGION' }],
    ['python', { AWS_REGION: '', AWS_DEFAULT_REGION: ' us-east-1' }, { region: 'us-east-1', variable: 'AWS_DEFAULT_REGION' }],
  ] as const)('regionSeenBy(%s, %j)', (driver, env, seen) => {
    expect(regionSeenBy(driver, env)).toEqual(seen);
  });

  it.each([
    [{ AWS_EXECUTION_ENV: ' aws_lambda_python3.13 ' }, 'python'],
    [{ AWS_EXECUTION_ENV: 'AWS_LAMBDA_NODEJS20.x' }, 'node'],
    [{ AWS_EXECUTION_ENV: 'my AWS_Lambda_python' }, undefined],
    [{ AWS_EXECUTION_ENV: 'my AWS_Lambda_nodejs' }, undefined],
  ] as const)('the Lambda runtime %j → %j', (env, driver) => {
    expect(driverOfLambdaRuntime(env)).toBe(driver);
  });

  it.each([
    ['nodejs', { ok: true, driver: 'node' }],
    [' JavaScript ', { ok: true, driver: 'node' }],
    ['NODE', { ok: true, driver: 'node' }],
    [' python ', { ok: true, driver: 'python' }],
    ['', { ok: false, error: "--driver '' is not one of node, python" }],
    ['x'.repeat(60), { ok: false, error: `--driver '${'x'.repeat(40)}' is not one of node, python` }],
  ] as const)('--driver %j', (value, result) => {
    expect(parseDriverName(value)).toEqual(result);
  });

  it('outboundTokenByEnvironment: python without the variable', () => {
    expect(outboundTokenByEnvironment('python', {})).toBe(false);
  });
});

describe('the STS host the attestation is signed for (snowflake-sdk 3.4 workloadIdentityHost)', () => {
  it.each([
    ['eu-west-1', 'sts.eu-west-1.amazonaws.com'],
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', 'sts.cn-northwest-1.amazonaws.com.cn'],
    ['us-isob-east-1', 'sts.us-isob-east-1.amazonaws.com'],
  ])('%s → %s', (region, host) => {
    expect(attestationStsHost(region)).toBe(host);
  });

  it.each<[string, 'node' | 'python', RegExp | undefined]>([
    ['eu-west-1', 'node', undefined],
    ['us-gov-west-1', 'node', undefined],
    ['cn-north-1', 'python', undefined],
    ['us-iso-east-1', 'node', /signs its attestation for sts\.us-iso-east-1\.amazonaws\.com, .*set workloadIdentityHost \(snowflake-sdk ≥ 3\.4\.0\)/],
    ['us-isob-east-1', 'node', /workloadIdentityHost/],
    ['us-isof-south-1', 'node', /workloadIdentityHost/],
    ['eu-isoe-west-1', 'node', /workloadIdentityHost/],
    [' us-iso-east-1 ', 'node', /sts\.us-iso-east-1\.amazonaws\.com/],
    ['us-iso-east-1', 'python', /Python connector .* has no setting for another host/],
    ['us-isolated-1', 'node', undefined],
    ['xus-iso-east-1', 'node', undefined],
  ])('%s with %s', (region, driver, problem) => {
    const found = stsHostProblem(driver, region);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
