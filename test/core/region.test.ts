import { describe, expect, it } from 'vitest';
import { NO_REGION_HINT, driverRegion, isValidRegion, resolveRegion } from '../../src/core/region.js';

const resolve = (flag: string | undefined, env: Record<string, string>, profileRegion?: string) =>
  resolveRegion({ flag, env, profileName: 'dev', profileRegion });

describe('resolveRegion', () => {
  it.each([
    ['--region wins', 'us-east-1', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, 'ap-south-1', 'us-east-1', '--region'],
    ['AWS_REGION next', undefined, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, 'ap-south-1', 'eu-west-1', 'AWS_REGION'],
    ['AWS_DEFAULT_REGION next', undefined, { AWS_DEFAULT_REGION: 'eu-west-2' }, 'ap-south-1', 'eu-west-2', 'AWS_DEFAULT_REGION'],
    ['profile last', undefined, {}, 'ap-south-1', 'ap-south-1', 'profile'],
    ['blank values are skipped', '  ', { AWS_REGION: '' }, 'ap-south-1', 'ap-south-1', 'profile'],
  ])('%s', (_name, flag, env, profileRegion, region, source) => {
    expect(resolve(flag, env, profileRegion)).toMatchObject({ region, source });
  });

  it('names the profile it came from', () => {
    expect(resolve(undefined, {}, 'eu-central-1')?.description).toBe('from profile dev');
  });

  it('is undefined when nothing is set', () => {
    expect(resolve(undefined, {})).toBeUndefined();
  });
});

describe('isValidRegion', () => {
  it.each(['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-4', 'us-isob-east-1'])('%s is a region', (region) => {
    expect(isValidRegion(region)).toBe(true);
  });
  it.each(['', 'eu', 'EU-WEST-1', 'eu-west', 'eu-west-1; rm -rf', 'https://sts.amazonaws.com'])('%j is not', (region) => {
    expect(isValidRegion(region)).toBe(false);
  });
});

describe('driverRegion (the Snowflake Node driver reads only AWS_REGION)', () => {
  it.each([
    [{ AWS_REGION: 'eu-west-1' }, 'eu-west-1'],
    [{ AWS_DEFAULT_REGION: 'eu-west-1' }, undefined],
    [{}, undefined],
  ])('%j → %s', (env, expected) => {
    expect(driverRegion(env)).toBe(expected);
  });
});

describe('the region rules at their edges', () => {
  it.each([
    ['eusc-de-east-1', true],
    ['eu-west-12', true],
    ['us-gov-east-1', true],
    ['eu-west-123', false],
    ['e-west-1', false],
    ['euro-west-1', true],
    ['eurox-west-1', false],
    ['eu-west-1a', false],
    ['eu-west-1 ', false],
    [' eu-west-1', false],
    ['eu--1', false],
    ['eu-1', false],
    ['eu-west-x', false],
    ['eu-West-1', false],
    ['eu-w3st-1', false],
  ])('isValidRegion(%j) → %s', (region, valid) => {
    expect(isValidRegion(region)).toBe(valid);
  });

  it.each([
    ['--region', ' us-east-1 ', {}, undefined, { region: 'us-east-1', source: '--region', description: 'from --region' }],
    ['AWS_REGION', undefined, { AWS_REGION: 'eu-west-1' }, undefined, { region: 'eu-west-1', source: 'AWS_REGION', description: 'from AWS_REGION' }],
    ['AWS_DEFAULT_REGION', undefined, { AWS_DEFAULT_REGION: 'eu-west-2' }, undefined, { region: 'eu-west-2', source: 'AWS_DEFAULT_REGION', description: 'from AWS_DEFAULT_REGION' }],
    ['the profile', undefined, {}, ' ap-south-1 ', { region: 'ap-south-1', source: 'profile', description: 'from profile dev' }],
  ])('from %s, with its description', (_name, flag, env, profileRegion, resolved) => {
    expect(resolve(flag, env, profileRegion)).toEqual(resolved);
  });

  it.each([
    [{ AWS_REGION: ' eu-west-1 ' }, 'eu-west-1'],
    [{ AWS_REGION: '  ' }, undefined],
  ])('driverRegion(%j) → %j', (env, region) => {
    expect(driverRegion(env)).toBe(region);
  });

  it('the hint when there is no region', () => {
    expect(NO_REGION_HINT).toBe('Set one with --region eu-west-1, AWS_REGION=eu-west-1, or `region = eu-west-1` in your AWS profile.');
  });
});
