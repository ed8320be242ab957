// The Terraform (HCL) that registers a workload identity: a `snowflake_service_user` resource with
// its `default_workload_identity` block, from the same inputs as the SQL (src/core/sql.ts).
// Pure: no I/O, no environment, no console; small and static (gen-sql's offline start-up path).
//
// Everything a person typed is checked by generateSql first, so what the SQL refuses is refused
// here too (controls, invisible characters, lone surrogates, lengths); the rest is written as an
// HCL quoted string with every character that means something there escaped.
//
// Schema (terraform-provider-snowflake, snowflakedb/snowflake; docs/resources/service_user.md and
// pkg/resources/user.go, v2.20.0): `name` (required), `default_role`, `default_warehouse`,
// `default_namespace`, `comment` (strings), and `default_workload_identity` (Block List, Max: 1) holding
// one of `aws { arn, issuer }` (issuer since v2.19.0, CHANGELOG #4964), `azure { issuer, subject }`,
// `gcp { subject }`, `oidc { issuer, subject, oidc_audience_list }` (since v2.13.0, PR #4367), usable
// only with `experimental_features_enabled = ["USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY"]` (docs/index.md).
// Import ID: `'"<user_name>"'` (docs/resources/service_user.md "Import").
// The provider quotes every identifier itself (pkg/sdk/identifier_helpers.go FullyQualifiedName:
// `"name"`), so names are written as Snowflake stores them, and it cannot handle a name holding `"`
// (pkg/sdk/identifier_parsers.go, SNOW-1571674; NewAccountObjectIdentifier trims quotes).
//
// HCL quoted strings (hashicorp/hcl hclsyntax/spec.md "Template Expressions", "Template Literals"):
// `\` and `"` are escaped with a backslash, a tab as `\t`; `${` and `%{` start an interpolation or a
// directive, so they are written `$${` and `%%{`. HCL does not normalise Unicode, so other
// characters are written as they are.
import type { Registration } from '../providers/types.js';
import { usageError } from './errors.js';
import { generateSql, namespaceParts, storedIdentifierName, type GenerateSqlOptions } from './sql.js';

export type GenerateTerraformResult =
  | { ok: true; hcl: string; resourceName: string; user: string; warnings: string[] }
  | { ok: false; error: string };

/** The provider version the block needs, and for the AWS issuer (the JWT method). */
export const TERRAFORM_PROVIDER_MIN = '2.13.0';
export const TERRAFORM_AWS_ISSUER_MIN = '2.19.0';
export const TERRAFORM_EXPERIMENT = 'USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY';

const HCL_SPECIAL = /[\\"\t\n\r]|\$\{|%\{/g;
const HCL_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r', '${': '$${', '%{': '%%{' };

/**
 * `value` as an HCL quoted string that evaluates to exactly `value` (never an interpolation). For
 * text generateSql accepted; it escapes newlines too, but callers never pass one.
 */
export function hclString(value: string): string {
  return `"${value.replace(HCL_SPECIAL, (match) => HCL_ESCAPES[match] ?? match)}"`;
}

/**
 * A Terraform local name for the user (`LAMBDA_LOADER` → `lambda_loader`): letters, digits, `_`
 * and `-`, starting with a letter or `_` (Terraform's rule for resource names).
 */
export function terraformResourceName(user: string): string {
  const base = user
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .toLowerCase()
    .slice(0, 64);
  if (base === '') return 'wif_user';
  return /^[a-z_]/.test(base) ? base : `user_${base}`;
}

class InputError extends Error {}

/**
 * `value` as an HCL string for Terraform, refused when Terraform would change it: Terraform keeps
 * strings in Unicode NFC (cty.StringVal normalises every string, escapes included; hashicorp/hcl
 * specsuite primitive_literals "HCL imposes NFC normalization"), and Snowflake compares names,
 * subjects and issuers exactly, so a decomposed `ï` would register something else.
 */
function tfString(value: string, what: string): string {
  if (value !== value.normalize('NFC')) {
    throw new InputError(`${what} is not in Unicode NFC form: Terraform normalises every string to NFC, so it would register a different value (use --format sql)`);
  }
  return hclString(value);
}

/** The stored name of an identifier as typed, refused when the provider cannot represent it. */
function providerName(typed: string, what: string): string {
  const name = storedIdentifierName(typed);
  if (name.includes('"')) {
    throw new InputError(`${what} contains '"': terraform-provider-snowflake does not support identifiers containing double quotes (use --format sql)`);
  }
  tfString(name, what);
  return name;
}

/** `DB` or `DB.SCHEMA`, each part as stored; a part holding a dot is put in quotes (the provider splits at dots like CSV). */
function providerNamespace(typed: string): string {
  return namespaceParts(typed)
    .map((part, index) => {
      const name = providerName(part, index === 0 ? 'default namespace database' : 'default namespace schema');
      return name.includes('.') ? `"${name}"` : name;
    })
    .join('.');
}

function attributes(pairs: ReadonlyArray<readonly [string, string]>, indent: string): string[] {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${indent}${key.padEnd(width)} = ${value}`);
}

function identityBlock(registration: Registration): string[] {
  const list = (values: readonly string[]): string => `[${values.map((value) => tfString(value, 'OIDC audience')).join(', ')}]`;
  const [block, pairs]: [string, Array<readonly [string, string]>] = (() => {
    switch (registration.type) {
      case 'AWS':
        return ['aws', [['arn', tfString(registration.arn, 'ARN')], ...(registration.issuer !== undefined ? [['issuer', tfString(registration.issuer, 'issuer')] as const] : [])]];
      case 'OIDC':
        return ['oidc', [['issuer', tfString(registration.issuer, 'OIDC issuer')], ['subject', tfString(registration.subject, 'OIDC subject')], ['oidc_audience_list', list(registration.audienceList)]]];
      case 'AZURE':
        return ['azure', [['issuer', tfString(registration.issuer, 'Azure issuer')], ['subject', tfString(registration.subject, 'Azure subject')]]];
      case 'GCP':
        return ['gcp', [['subject', tfString(registration.subject, 'GCP subject')]]];
    }
  })();
  return ['  default_workload_identity {', `    ${block} {`, ...attributes(pairs, '      '), '    }', '  }'];
}

function headerLines(registration: Registration): string[] {
  const issuerNote =
    registration.type !== 'AWS' ? '' : registration.issuer !== undefined ? ` (aws.issuer, the JWT method: >= ${TERRAFORM_AWS_ISSUER_MIN})` : ` (aws.issuer, for the JWT method: >= ${TERRAFORM_AWS_ISSUER_MIN})`;
  return [
    '# wif-check gen-sql --format terraform',
    `# Needs the Snowflake provider (snowflakedb/snowflake) >= ${TERRAFORM_PROVIDER_MIN}${issuerNote},`,
    '# and default_workload_identity only works with the experiment enabled in the provider block:',
    '#   provider "snowflake" {',
    `#     experimental_features_enabled = ["${TERRAFORM_EXPERIMENT}"]`,
    '#   }',
    '# Careful: with that flag on, Terraform UNSETS the workload identity of every snowflake_service_user',
    '# that has no default_workload_identity block, including one set outside Terraform (ALTER USER ... SET',
    '# WORKLOAD_IDENTITY): give every such user its block before enabling it.',
  ];
}

function render(opts: GenerateSqlOptions): { hcl: string; resourceName: string; user: string; warnings: string[] } {
  const registration: Registration = opts.registration ?? { type: 'AWS', arn: opts.arn ?? '', ...(opts.issuer !== undefined ? { issuer: opts.issuer } : {}) };
  const user = providerName(opts.user, 'user name');
  const warnings: string[] = [];
  if (opts.orReplace === true || opts.ifNotExists === true) warnings.push('--or-replace and --if-not-exists have no Terraform equivalent: ignored');
  if (/[.|]/.test(user)) warnings.push(`user name ${user} contains '.' or '|': terraform-provider-snowflake advises against them in names (its IDs split at them)`);
  const properties: Array<readonly [string, string]> = [['name', hclString(user)]];
  if (opts.defaultRole !== undefined) properties.push(['default_role', hclString(providerName(opts.defaultRole, 'default role'))]);
  if (opts.defaultWarehouse !== undefined) properties.push(['default_warehouse', hclString(providerName(opts.defaultWarehouse, 'default warehouse'))]);
  if (opts.defaultNamespace !== undefined) properties.push(['default_namespace', hclString(providerNamespace(opts.defaultNamespace))]);
  if (opts.comment !== undefined) properties.push(['comment', tfString(opts.comment, 'comment')]);
  const resourceName = terraformResourceName(user);
  const address = `snowflake_service_user.${resourceName}`;
  const importLines =
    opts.mode === 'alter'
      ? ['# The user exists: import it (Terraform >= 1.5), then `terraform plan` shows what changes.', 'import {', `  to = ${address}`, `  id = ${hclString(`"${user}"`)}`, '}', '']
      : [];
  if (opts.mode === 'alter') warnings.push('snowflake_service_user manages a user of TYPE = SERVICE: import only a service user');
  const lines = [
    ...headerLines(registration),
    '',
    ...importLines,
    `resource "snowflake_service_user" "${resourceName}" {`,
    ...attributes(properties, '  '),
    '',
    ...identityBlock(registration),
    '}',
  ];
  return { hcl: lines.join('\n'), resourceName, user, warnings };
}

/**
 * The Terraform that maps `opts.registration` (or `opts.arn`/`opts.issuer`) to a Snowflake service
 * user: lines joined with '\n', no trailing newline. `mode: 'alter'` adds an `import` block for the
 * existing user. Never throws for bad input: returns ok:false with a one-line error naming the field.
 */
export function generateTerraform(opts: GenerateSqlOptions): GenerateTerraformResult {
  // The SQL's checks are the checks: whatever it refuses is refused here, with the same error.
  const sql = generateSql({ ...opts, verify: false, orReplace: false, ifNotExists: false });
  if (!sql.ok) return sql;
  try {
    return { ok: true, ...render(opts) };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.message };
    throw error;
  }
}

// --- for gen-sql (src/commands/gen-sql.ts, src/providers/oidc/gen-sql.ts) ---------------------

export type GenSqlFormat = 'sql' | 'terraform';

/** --format: sql (default) or terraform; anything else is a usage error (BAD_FORMAT). */
export function genSqlFormat(value: string | undefined): GenSqlFormat {
  if (value === undefined || value === 'sql' || value === 'terraform') return value ?? 'sql';
  throw usageError(`--format ${JSON.stringify(value)}: expected sql or terraform`, 'BAD_FORMAT');
}

/**
 * The Terraform for the same inputs as the SQL, when asked for: its HCL
 * and its warnings. The SQL's checks have already passed; what fails here only Terraform cannot hold.
 */
export function terraformFor(format: GenSqlFormat, inputs: GenerateSqlOptions): { terraform?: string; warnings: string[] } {
  if (format !== 'terraform') return { warnings: [] };
  const generated = generateTerraform(inputs);
  if (!generated.ok) throw usageError(generated.error, 'BAD_TERRAFORM_INPUT', 'Use --format sql: the SQL can register it.');
  return { terraform: generated.hcl, warnings: generated.warnings };
}
