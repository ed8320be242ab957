/**
 * `wif-check gen-sql --format terraform` end to end: the BUILT CLI (bin/wif-check.js → dist/), offline
 * (--arn, or --provider oidc --issuer --subject). stdout is only HCL, parsed with HashiCorp's parser
 * (test/helpers/hcl.ts); notes go to stderr; --json carries it as `terraform`.
 *
 * Build first: `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { literals, parseHcl } from '../helpers/hcl.js';
import { ANSI_ESCAPE, cleanEnv, describeRun, runCliWithoutSecrets, tempDir, type CliResult } from './run-cli.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';
const GH = 'https://token.actions.githubusercontent.com';

function genSql(args: readonly string[]): Promise<CliResult> {
  return runCliWithoutSecrets(['gen-sql', ...args], cleanEnv());
}

/** stdout parses as HCL, with one snowflake_service_user; returns the parsed document, strings decoded where literal. */
async function expectOnlyHcl(result: CliResult): Promise<Record<string, unknown>> {
  expect(result.code, describeRun(result)).toBe(0);
  expect(result.stdout).not.toMatch(ANSI_ESCAPE);
  expect(result.stdout.endsWith('}\n') || /\n# or, for [^\n]+\n$/.test(result.stdout), 'stdout ends with the resource').toBe(true);
  const doc = await parseHcl(result.stdout);
  expect(Object.keys((doc.resource ?? {}) as object)).toEqual(['snowflake_service_user']);
  return doc;
}

function userOf(doc: Record<string, unknown>, name: string): unknown {
  const resource = (doc.resource as Record<string, Record<string, unknown[]>>).snowflake_service_user?.[name];
  expect(resource, `resource ${name} in ${JSON.stringify(doc)}`).toHaveLength(1);
  return literals(resource?.[0]);
}

describe('gen-sql --format terraform (built CLI)', () => {
  it('aws --arn: the resource with the path-free ARN and the stored user name; notes on stderr', async () => {
    const result = await genSql(['--arn', ROLE_ARN, '--user', 'lambda_loader', '--default-role', 'LOADER', '--comment', 'say "hi" ${x}', '--format', 'terraform']);
    const doc = await expectOnlyHcl(result);
    expect(userOf(doc, 'lambda_loader')).toEqual({
      name: 'LAMBDA_LOADER',
      default_role: 'LOADER',
      comment: 'say "hi" ${x}',
      default_workload_identity: [{ aws: [{ arn: 'arn:aws:iam::123456789012:role/my-fn-role' }] }],
    });
    expect(doc.import).toBeUndefined();
    expect(result.stdout).toContain('experimental_features_enabled = ["USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY"]');
    expect(result.stderr).toContain('removed IAM path service-role/');
  });

  it('oidc --issuer --subject: the oidc block with the audience list', async () => {
    const result = await genSql(['--provider', 'oidc', '--issuer', GH, '--subject', 'repo:octo-org/app:environment:prod', '--audience', 'api://snowflake', '--user', 'GHA_DEPLOY', '--format', 'terraform']);
    const doc = await expectOnlyHcl(result);
    expect(userOf(doc, 'gha_deploy')).toEqual({
      name: 'GHA_DEPLOY',
      default_workload_identity: [{ oidc: [{ issuer: GH, subject: 'repo:octo-org/app:environment:prod', oidc_audience_list: ['api://snowflake'] }] }],
    });
  });

  it('--alter: an import block for the existing user', async () => {
    const result = await genSql(['--arn', ROLE_ARN, '--user', '"Loader"', '--alter', '--format', 'terraform']);
    const doc = await expectOnlyHcl(result);
    expect(doc.import).toEqual([{ to: '${snowflake_service_user.loader}', id: '"Loader"' }]);
    expect(userOf(doc, 'loader')).toMatchObject({ name: 'Loader' });
  });

  it('--json carries the HCL as terraform next to the SQL', async () => {
    const result = await genSql(['--arn', ROLE_ARN, '--user', 'LOADER', '--format', 'terraform', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const document = JSON.parse(result.stdout) as { ok: boolean; sql: string; terraform: string };
    expect(document).toMatchObject({ ok: true, provider: 'aws', user: 'LOADER' });
    expect(document.sql).toMatch(/^CREATE USER LOADER/);
    expect(userOf(await parseHcl(document.terraform), 'loader')).toMatchObject({ name: 'LOADER' });
    // Without --format terraform there is no terraform key.
    const plain = await genSql(['--arn', ROLE_ARN, '--user', 'LOADER', '--json']);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('terraform');
  });

  it('refuses an unknown format (exit 2, BAD_FORMAT) and what only Terraform cannot hold', async () => {
    const bad = await genSql(['--arn', ROLE_ARN, '--format', 'yaml', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_FORMAT' } });
    const quoted = await genSql(['--arn', ROLE_ARN, '--user', '"a""b"', '--format', 'terraform']);
    expect(quoted.code).toBe(2);
    expect(quoted.stdout).toBe('');
    expect(quoted.stderr).toContain('does not support identifiers containing double quotes');
  });

  it.skipIf(spawnSync('terraform', ['version'], { stdio: 'ignore' }).status !== 0)('is in terraform fmt canonical form (when terraform is installed)', async () => {
    const dir = tempDir('wif-check-tf-');
    const aws = await genSql(['--arn', ROLE_ARN, '--issuer', 'https://a1b2c3d4-5678-90ab-cdef-1234567890ab.tokens.sts.global.api.aws', '--user', 'L', '--default-namespace', '"my.db".S', '--comment', 'tab\there', '--alter', '--format', 'terraform']);
    writeFileSync(join(dir, 'aws.tf'), aws.stdout);
    const oidc = await genSql(['--provider', 'oidc', '--github-repo', 'octo-org/app', '--environment', 'prod', '--repo-id', '1', '--owner-id', '2', '--user', 'U', '--format', 'terraform']);
    writeFileSync(join(dir, 'oidc.tf'), oidc.stdout);
    const fmt = spawnSync('terraform', ['fmt', '-check', '-diff', dir], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
    expect(fmt.status, `${fmt.stdout}${fmt.stderr}`).toBe(0);
  });
});
