/**
 * gen-sql --format terraform (src/core/terraform.ts) as a specification: the exact text for each
 * case, one line per input, as test/core/arn.test.ts does for ARNs. test/core/terraform.test.ts
 * parses the output with a real HCL parser; this file says what the output is, word for word
 * (the header a person reads before enabling the experiment, the alignment, the warnings), so
 * that a changed word is a changed specification, not an unnoticed edit.
 */
import { describe, expect, it } from 'vitest';
import { genSqlFormat, generateTerraform, hclString, terraformFor, terraformResourceName, TERRAFORM_AWS_ISSUER_MIN, TERRAFORM_EXPERIMENT, TERRAFORM_PROVIDER_MIN } from '../../src/core/terraform.js';
import { WifError } from '../../src/core/errors.js';

const ARN = 'arn:aws:iam::123456789012:role/my-fn-role';
const ISSUER = 'https://a1b2c3d4-5678-90ab-cdef-1234567890ab.tokens.sts.global.api.aws';

const HEADER = (issuerNote: string) => [
  '# wif-check gen-sql --format terraform',
  `# Needs the Snowflake provider (snowflakedb/snowflake) >= 2.13.0${issuerNote},`,
  '# and default_workload_identity only works with the experiment enabled in the provider block:',
  '#   provider "snowflake" {',
  '#     experimental_features_enabled = ["USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY"]',
  '#   }',
  '# Careful: with that flag on, Terraform UNSETS the workload identity of every snowflake_service_user',
  '# that has no default_workload_identity block, including one set outside Terraform (ALTER USER ... SET',
  '# WORKLOAD_IDENTITY): give every such user its block before enabling it.',
  '',
];
const AWS_NOTE = ' (aws.issuer, for the JWT method: >= 2.19.0)';

describe('the versions and the experiment the output names', () => {
  it('provider >= 2.13.0, the AWS issuer >= 2.19.0, the experiment USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY', () => {
    expect([TERRAFORM_PROVIDER_MIN, TERRAFORM_AWS_ISSUER_MIN, TERRAFORM_EXPERIMENT]).toEqual(['2.13.0', '2.19.0', 'USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY']);
  });
});

describe('generateTerraform: the whole text', () => {
  it.each<[string, Parameters<typeof generateTerraform>[0], string[]]>([
    [
      'AWS, every property (aligned on the longest key)',
      { user: 'lambda_loader', arn: ARN, defaultRole: 'LOADER', defaultWarehouse: 'LOAD_WH', defaultNamespace: 'RAW.PUBLIC', comment: 'Lambda loader' },
      [
        ...HEADER(AWS_NOTE),
        'resource "snowflake_service_user" "lambda_loader" {',
        '  name              = "LAMBDA_LOADER"',
        '  default_role      = "LOADER"',
        '  default_warehouse = "LOAD_WH"',
        '  default_namespace = "RAW.PUBLIC"',
        '  comment           = "Lambda loader"',
        '',
        '  default_workload_identity {',
        '    aws {',
        `      arn = "${ARN}"`,
        '    }',
        '  }',
        '}',
      ],
    ],
    [
      'AWS, the JWT method (arn and issuer aligned)',
      { user: 'LOADER', arn: ARN, issuer: ISSUER },
      [
        ...HEADER(' (aws.issuer, the JWT method: >= 2.19.0)'),
        'resource "snowflake_service_user" "loader" {',
        '  name = "LOADER"',
        '',
        '  default_workload_identity {',
        '    aws {',
        `      arn    = "${ARN}"`,
        `      issuer = "${ISSUER}"`,
        '    }',
        '  }',
        '}',
      ],
    ],
    [
      'OIDC: issuer, subject and the audience list',
      { user: 'GHA_DEPLOY', registration: { type: 'OIDC', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:octo-org/app:environment:prod', audienceList: ['snowflakecomputing.com', 'api://x'] } },
      [
        ...HEADER(''),
        'resource "snowflake_service_user" "gha_deploy" {',
        '  name = "GHA_DEPLOY"',
        '',
        '  default_workload_identity {',
        '    oidc {',
        '      issuer             = "https://token.actions.githubusercontent.com"',
        '      subject            = "repo:octo-org/app:environment:prod"',
        '      oidc_audience_list = ["snowflakecomputing.com", "api://x"]',
        '    }',
        '  }',
        '}',
      ],
    ],
    [
      'AZURE: issuer and subject',
      { user: 'AZ_FN', registration: { type: 'AZURE', issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0', subject: '66666666-7777-8888-9999-000000000000' } },
      [
        ...HEADER(''),
        'resource "snowflake_service_user" "az_fn" {',
        '  name = "AZ_FN"',
        '',
        '  default_workload_identity {',
        '    azure {',
        '      issuer  = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"',
        '      subject = "66666666-7777-8888-9999-000000000000"',
        '    }',
        '  }',
        '}',
      ],
    ],
    [
      'GCP: the subject alone',
      { user: 'GCP_JOB', registration: { type: 'GCP', subject: '111122223333444455556' } },
      [...HEADER(''), 'resource "snowflake_service_user" "gcp_job" {', '  name = "GCP_JOB"', '', '  default_workload_identity {', '    gcp {', '      subject = "111122223333444455556"', '    }', '  }', '}'],
    ],
    [
      '--alter: the import block first, with the quoted identifier as its id',
      { user: 'LOADER', arn: ARN, mode: 'alter' },
      [
        ...HEADER(AWS_NOTE),
        '# The user exists: import it (Terraform >= 1.5), then `terraform plan` shows what changes.',
        'import {',
        '  to = snowflake_service_user.loader',
        '  id = "\\"LOADER\\""',
        '}',
        '',
        'resource "snowflake_service_user" "loader" {',
        '  name = "LOADER"',
        '',
        '  default_workload_identity {',
        '    aws {',
        `      arn = "${ARN}"`,
        '    }',
        '  }',
        '}',
      ],
    ],
  ])('%s', (_, opts, lines) => {
    const result = generateTerraform(opts);
    expect(result).toMatchObject({ ok: true, hcl: lines.join('\n') });
  });
});

describe('generateTerraform: warnings', () => {
  it.each<[string, Parameters<typeof generateTerraform>[0], string[]]>([
    ['a plain CREATE', { user: 'LOADER', arn: ARN }, []],
    ['--or-replace', { user: 'LOADER', arn: ARN, orReplace: true }, ['--or-replace and --if-not-exists have no Terraform equivalent: ignored']],
    ['--if-not-exists', { user: 'LOADER', arn: ARN, ifNotExists: true }, ['--or-replace and --if-not-exists have no Terraform equivalent: ignored']],
    ['a dot in the name', { user: '"my.svc"', arn: ARN }, ["user name my.svc contains '.' or '|': terraform-provider-snowflake advises against them in names (its IDs split at them)"]],
    ['a bar in the name', { user: '"my|svc"', arn: ARN }, ["user name my|svc contains '.' or '|': terraform-provider-snowflake advises against them in names (its IDs split at them)"]],
    ['--alter', { user: 'LOADER', arn: ARN, mode: 'alter' }, ['snowflake_service_user manages a user of TYPE = SERVICE: import only a service user']],
  ])('%s', (_, opts, warnings) => {
    expect(generateTerraform(opts)).toMatchObject({ ok: true, warnings });
  });
});

describe('terraformResourceName: a Terraform local name for the user', () => {
  it.each([
    ['LAMBDA_LOADER', 'lambda_loader'],
    ['Café_Loader', 'cafe_loader'],
    ['ÅNGSTRÖM', 'angstrom'],
    ['ｆｕｌｌ', 'full'],
    ['a..b', 'a_b'],
    ['a  b', 'a_b'],
    ['a__b', 'a_b'],
    ['a-b', 'a-b'],
    ['-x-', 'x'],
    ['_a_', 'a'],
    ['9lives', 'user_9lives'],
    ['___', 'wif_user'],
    ['', 'wif_user'],
    ['日本', 'wif_user'],
    ['x'.repeat(70), 'x'.repeat(64)],
  ])('%j → %s', (user, name) => {
    expect(terraformResourceName(user)).toBe(name);
  });
});

describe('hclString: the escapes', () => {
  it.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['a\tb', '"a\\tb"'],
    ['a\nb', '"a\\nb"'],
    ['a\rb', '"a\\rb"'],
    ['${var.x}', '"$${var.x}"'],
    ['%{if x}', '"%%{if x}"'],
    ['$ {x} % {y} $x %y', '"$ {x} % {y} $x %y"'],
    ['$${x}', '"$$${x}"'],
  ])('%j → %s', (value, hcl) => {
    expect(hclString(value)).toBe(hcl);
  });
});

describe('--format', () => {
  it.each([
    [undefined, 'sql'],
    ['sql', 'sql'],
    ['terraform', 'terraform'],
  ])('%j → %s', (value, format) => {
    expect(genSqlFormat(value)).toBe(format);
  });

  it.each(['hcl', 'SQL', 'Terraform', ''])('%j: exit 2 BAD_FORMAT', (value) => {
    const error = (() => {
      try {
        genSqlFormat(value);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WifError);
    expect(error).toMatchObject({ code: 'BAD_FORMAT', message: `--format ${JSON.stringify(value)}: expected sql or terraform` });
  });

  it('terraformFor: nothing for sql; the HCL and its warnings for terraform; a refusal is BAD_TERRAFORM_INPUT with the way out', () => {
    expect(terraformFor('sql', { user: 'LOADER', arn: ARN })).toEqual({ warnings: [] });
    const generated = generateTerraform({ user: 'LOADER', arn: ARN, orReplace: true });
    expect(terraformFor('terraform', { user: 'LOADER', arn: ARN, orReplace: true })).toEqual({ terraform: generated.ok ? generated.hcl : '', warnings: ['--or-replace and --if-not-exists have no Terraform equivalent: ignored'] });
    expect(() => terraformFor('terraform', { user: '"a""b"', arn: ARN })).toThrow(
      expect.objectContaining({ code: 'BAD_TERRAFORM_INPUT', hint: 'Use --format sql: the SQL can register it.', message: expect.stringMatching(/^user name contains '"'/) }),
    );
  });
});
