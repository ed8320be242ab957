/**
 * generateTerraform (src/core/terraform.ts): every output parsed with a real HCL parser
 * (HashiCorp's hclsyntax as WASM, test/helpers/hcl.ts), never matched with a regex; the parsed
 * values must equal the inputs exactly, for hostile values as test/core/sql.test.ts and
 * test/core/sql-registration.test.ts use them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSql, storedIdentifierName, type GenerateSqlOptions } from '../../src/core/sql.js';
import { generateTerraform, hclString, terraformResourceName } from '../../src/core/terraform.js';
import type { Registration } from '../../src/providers/types.js';
import { evalHclString, literal, literals, parseHcl } from '../helpers/hcl.js';
import { AZURE, GCP, OIDC, registrationsWith } from '../helpers/registrations.js';

const ARN = 'arn:aws:iam::123456789012:role/my-fn-role';
const AWS_ISSUER = 'https://a1b2c3d4-5678-90ab-cdef-1234567890ab.tokens.sts.global.api.aws';

function hclOf(opts: GenerateSqlOptions): string {
  const result = generateTerraform(opts);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.hcl;
}

interface Parsed {
  resourceName: string;
  user: Record<string, unknown>;
  identity: Record<string, unknown>;
  imports: unknown[] | undefined;
}

/** The one snowflake_service_user of an output, its strings decoded; fails on anything else. */
async function parseOutput(hcl: string): Promise<Parsed> {
  const doc = await parseHcl(hcl);
  expect(Object.keys(doc).sort()).toEqual(hcl.includes('\nimport {') ? ['import', 'resource'] : ['resource']);
  const resources = doc.resource as Record<string, Record<string, unknown[]>>;
  expect(Object.keys(resources)).toEqual(['snowflake_service_user']);
  const byName = resources.snowflake_service_user ?? {};
  const names = Object.keys(byName);
  expect(names).toHaveLength(1);
  const resourceName = names[0] ?? '';
  const blocks = byName[resourceName] ?? [];
  expect(blocks).toHaveLength(1);
  const { default_workload_identity: wif, ...user } = blocks[0] as Record<string, unknown>;
  expect(wif).toHaveLength(1);
  const identity = (wif as Array<Record<string, unknown[]>>)[0] ?? {};
  expect(Object.keys(identity)).toHaveLength(1);
  const [kind, inner] = Object.entries(identity)[0] ?? ['', []];
  expect(inner).toHaveLength(1);
  return {
    resourceName,
    user: literals(user) as Record<string, unknown>,
    identity: { [kind]: literals(inner[0]) },
    imports: doc.import as unknown[] | undefined,
  };
}

/** What the registration's block must hold, exactly. */
function expectedIdentity(registration: Registration): Record<string, unknown> {
  switch (registration.type) {
    case 'AWS':
      return { aws: { arn: registration.arn, ...(registration.issuer !== undefined ? { issuer: registration.issuer } : {}) } };
    case 'OIDC':
      return { oidc: { issuer: registration.issuer, subject: registration.subject, oidc_audience_list: registration.audienceList } };
    case 'AZURE':
      return { azure: { issuer: registration.issuer, subject: registration.subject } };
    case 'GCP':
      return { gcp: { subject: registration.subject } };
  }
}

describe('generateTerraform: the shape for each provider', () => {
  it('aws: name, the properties and default_workload_identity { aws { arn } }, with the version and the experiment in a comment', async () => {
    const hcl = hclOf({ user: 'lambda_loader', arn: ARN, defaultRole: 'LOADER', defaultWarehouse: 'LOAD_WH', defaultNamespace: 'RAW.PUBLIC', comment: 'Lambda loader' });
    const parsed = await parseOutput(hcl);
    expect(parsed.resourceName).toBe('lambda_loader');
    // Unquoted in SQL, so Snowflake stores LAMBDA_LOADER: the provider quotes names, so it gets the stored name.
    expect(parsed.user).toEqual({ name: 'LAMBDA_LOADER', default_role: 'LOADER', default_warehouse: 'LOAD_WH', default_namespace: 'RAW.PUBLIC', comment: 'Lambda loader' });
    expect(parsed.identity).toEqual({ aws: { arn: ARN } });
    expect(parsed.imports).toBeUndefined();
    expect(hcl).toContain('>= 2.13.0');
    expect(hcl).toContain('experimental_features_enabled = ["USER_ENABLE_DEFAULT_WORKLOAD_IDENTITY"]');
    expect(hcl).toContain('UNSETS the workload identity');
    expect(hcl).not.toMatch(/\n$/);
  });

  it('aws, the JWT method: issuer next to the arn, and the 2.19.0 minimum', async () => {
    const hcl = hclOf({ user: 'LOADER', arn: ARN, issuer: AWS_ISSUER });
    expect((await parseOutput(hcl)).identity).toEqual({ aws: { arn: ARN, issuer: AWS_ISSUER } });
    expect(hcl).toContain('(aws.issuer, the JWT method: >= 2.19.0)');
    // Through a registration it is the same.
    expect(hclOf({ user: 'LOADER', registration: { type: 'AWS', arn: ARN, issuer: AWS_ISSUER } })).toBe(hcl);
  });

  it.each<[string, Registration]>([
    ['oidc', { ...OIDC, audienceList: ['snowflakecomputing.com', 'api://snowflake'] }],
    ['azure', AZURE],
    ['gcp', GCP],
  ])('%s: its block with exactly the registration', async (_, registration) => {
    const parsed = await parseOutput(hclOf({ user: '"Gh Deploy"', registration }));
    expect(parsed.user).toEqual({ name: 'Gh Deploy' });
    expect(parsed.resourceName).toBe('gh_deploy');
    expect(parsed.identity).toEqual(expectedIdentity(registration));
  });

  it('--alter: an import block (Terraform >= 1.5) for the existing user, with the id the provider documents', async () => {
    const hcl = hclOf({ user: 'LOADER', arn: ARN, mode: 'alter' });
    const parsed = await parseOutput(hcl);
    expect(parsed.imports).toEqual([{ to: '${snowflake_service_user.loader}', id: '"LOADER"' }]);
    // The import id is the quoted identifier, exactly (docs/resources/service_user.md: '"<user_name>"').
    const quoted = await parseOutput(hclOf({ user: '"my.svc"', registration: GCP, mode: 'alter' }));
    expect(literal((quoted.imports?.[0] as { id: string }).id)).toBe('"my.svc"');
  });

  it('refuses text Terraform would normalise to NFC (it would register a different name or subject)', async () => {
    expect(generateTerraform({ user: '"nai\u0308ve"', arn: ARN })).toEqual({ ok: false, error: 'user name is not in Unicode NFC form: Terraform normalises every string to NFC, so it would register a different value (use --format sql)' });
    expect(generateTerraform({ user: 'U', registration: { ...OIDC, subject: 'nai\u0308ve' } })).toMatchObject({ ok: false, error: expect.stringMatching(/^OIDC subject is not in Unicode NFC form/) });
    // The parser shows why: the decomposed form comes back composed.
    expect(await evalHclString(hclString('nai\u0308ve'))).toBe('na\u00efve');
    expect((await parseOutput(hclOf({ user: '"na\u00efve"', arn: ARN }))).user.name).toBe('na\u00efve');
  });

  it('a namespace part holding a dot is quoted the way the provider splits it; quotes in names are refused', async () => {
    expect((await parseOutput(hclOf({ user: 'U', arn: ARN, defaultNamespace: '"my.db"."Schema"' }))).user.default_namespace).toBe('"my.db".Schema');
    expect((await parseOutput(hclOf({ user: 'U', arn: ARN, defaultNamespace: 'raw' }))).user.default_namespace).toBe('RAW');
    for (const opts of [{ user: '"a""b"' }, { user: 'U', defaultRole: '"r""x"' }, { user: 'U', defaultNamespace: 'db."s""x"' }]) {
      const result = generateTerraform({ arn: ARN, ...opts });
      expect(result).toMatchObject({ ok: false, error: expect.stringContaining('does not support identifiers containing double quotes') });
    }
  });
});

describe('hclString', () => {
  it.each([
    ['plain', 'plain'],
    ['"', '\\"'],
    ['\\', '\\\\'],
    ['${var.x}', '$${var.x}'],
    ['%{ if true }x%{ endif }', '%%{ if true }x%%{ endif }'],
    ['$${', '$$${'],
    ['%%{', '%%%{'],
    ['$$', '$$'],
    ['a$b%c', 'a$b%c'],
    ['tab\there', 'tab\\there'],
    ['\\${', '\\\\$${'],
  ])('%j is written %j inside the quotes', (value, written) => {
    expect(hclString(value)).toBe(`"${written}"`);
  });
});

// --- hostile values --------------------------------------------------------------------------

const HOSTILE: string[] = [
  "'", '"', '\\', "\\'", '\\"', '\\\\', ';', '--', '#', '//', '/*', '*/', '$', '%', '$$', '%%', '{', '}', '${', '%{', '$${', '%%{', '$$${',
  '${var.secret}', '${file("/etc/passwd")}', '%{ for x in y }${x}%{ endfor }', '\\${x}', '\\%{x}', '$\\{x}', '"; } resource "x" "y" { a = "',
  '" # ', '"\n}', 'x"; DROP USER admin; --', 'line\nbreak', 'cr\rreturn', 'tab\there', 'nul\u0000x', 'del\u007f', 'nel\u0085x',
  'ls\u2028x', 'ps\u2029x', 'rlo\u202ex', 'zw\u200bx', 'bom\ufeffx', 'lone\ud800', 'lone\udc00x', 'cgj\u034f', 'braille\u2800',
  'full\uff07width', 'right\u2019quote', 'ｆｕｌｌ', 'ß', 'İstanbul', 'naïve', 'nai\u0308ve', '日本語', '😀', '👨‍👩‍👧', 'a.b', 'a|b', '.', '', ' ',
  ' lead', 'trail ', '1abc', '_', 'my-user', 'SELECT', 'select', 'a'.repeat(255), 'a'.repeat(256), 'x'.repeat(1024), 'x'.repeat(1025),
  '"a""b"', '""""', '"""', '"a"b"', '"SELECT"', '"svc"', '" "', '"${x}"', '"a\nb"', '"my.db"."S"', '"a.b"', '"a"."b"."c"', '<<EOF',
];

const NAME_FIELDS = ['user', 'defaultRole', 'defaultWarehouse'] as const;
const HCL_KEY = { user: 'name', defaultRole: 'default_role', defaultWarehouse: 'default_warehouse' } as const;

/**
 * Accepted: parses, and every value is exactly what was meant. Refused: one line, with the SQL's
 * own error, or for what only Terraform cannot hold: a name with `"`, or text not in NFC.
 */
async function expectRoundTrip(opts: GenerateSqlOptions): Promise<boolean> {
  const result = generateTerraform(opts);
  const sql = generateSql(opts);
  if (!result.ok) {
    expect(result.error).toMatch(/^[^\n\r]+$/);
    if (sql.ok) expect(result.error).toMatch(/does not support identifiers containing double quotes|is not in Unicode NFC form/);
    else expect(result.error).toBe(sql.error);
    return false;
  }
  expect(sql.ok, `the SQL refuses what Terraform accepted: ${JSON.stringify(opts)}`).toBe(true);
  const parsed = await parseOutput(result.hcl);
  expect(parsed.resourceName).toBe(result.resourceName);
  expect(parsed.resourceName).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
  const expected: Record<string, unknown> = { name: storedIdentifierName(opts.user) };
  if (opts.defaultRole !== undefined) expected.default_role = storedIdentifierName(opts.defaultRole);
  if (opts.defaultWarehouse !== undefined) expected.default_warehouse = storedIdentifierName(opts.defaultWarehouse);
  if (opts.defaultNamespace !== undefined) expected.default_namespace = parsed.user.default_namespace;
  if (opts.comment !== undefined) expected.comment = opts.comment;
  expect(parsed.user).toEqual(expected);
  expect(parsed.identity).toEqual(expectedIdentity(opts.registration ?? { type: 'AWS', arn: opts.arn ?? '', ...(opts.issuer !== undefined ? { issuer: opts.issuer } : {}) }));
  if (opts.mode === 'alter') expect(literals((parsed.imports?.[0] as { id: string }).id)).toBe(`"${storedIdentifierName(opts.user)}"`);
  return true;
}

describe('generateTerraform with hostile values', () => {
  for (const field of NAME_FIELDS) {
    it(`either refuses or round-trips each hostile ${field} exactly (${HCL_KEY[field]})`, async () => {
      let accepted = 0;
      for (const value of HOSTILE) {
        for (const mode of ['create', 'alter'] as const) {
          if (await expectRoundTrip({ user: 'U', arn: ARN, comment: 'c', mode, [field]: value })) accepted += 1;
        }
      }
      expect(accepted).toBeGreaterThan(HOSTILE.length / 2);
    });
  }

  it('either refuses or round-trips each hostile comment, arn and AWS issuer exactly', async () => {
    let accepted = 0;
    for (const value of HOSTILE) {
      for (const opts of [{ comment: value }, { arn: value }, { registration: { type: 'AWS', arn: ARN, issuer: value } as Registration }]) {
        if (await expectRoundTrip({ user: 'U', arn: ARN, ...opts })) accepted += 1;
      }
    }
    expect(accepted).toBeGreaterThan(HOSTILE.length);
  });

  it('either refuses or round-trips each hostile namespace', async () => {
    for (const value of HOSTILE) {
      const result = generateTerraform({ user: 'U', arn: ARN, defaultNamespace: value });
      const sql = generateSql({ user: 'U', arn: ARN, defaultNamespace: value });
      if (!result.ok) {
        expect(result.error).toMatch(/^[^\n\r]+$/);
        if (!sql.ok) expect(result.error).toBe(sql.error);
        continue;
      }
      const parsed = await parseOutput(result.hcl);
      // The provider reads it as dot-separated parts, each optionally in "…" (CSV): the stored names.
      const namespace = String(parsed.user.default_namespace);
      const parts = namespace.match(/("[^"]*"|[^."]+)(?=\.|$)/g)?.map((part) => part.replace(/^"|"$/g, ''));
      expect(parts?.join('\u0000')).toBe(value.split(/\.(?=(?:[^"]*"[^"]*")*[^"]*$)/).map(storedIdentifierName).join('\u0000'));
    }
  });

  it('either refuses or round-trips each hostile OIDC, Azure and GCP value in every field', async () => {
    let accepted = 0;
    for (const value of HOSTILE) {
      for (const registration of registrationsWith(value)) {
        if (await expectRoundTrip({ user: 'U', registration })) accepted += 1;
      }
    }
    expect(accepted).toBeGreaterThan(HOSTILE.length * 3);
  });
});

// --- properties -------------------------------------------------------------------------------

// Characters that mean something in HCL (all accepted), and some that the SQL refuses.
const HCL_CHARS = ['"', '\\', '$', '%', '{', '}', '#', '.', '|', '<', ' ', 'é', '😀', 'a', 'Z', '_', '1'];
const REFUSED_CHARS = ['\t', '\n', '\u0000', '\u202e', '\u200d', '\ud800', 'e\u0301'];

const text: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: fc.constantFrom(...HCL_CHARS), minLength: 1, maxLength: 24 }), weight: 6 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...HCL_CHARS, ...REFUSED_CHARS), maxLength: 24 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 1 },
  { arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$]{0,12}$/), weight: 2 },
);
/** Names: mostly without `"` (the provider cannot hold one), sometimes as a valid quoted identifier. */
const nameText = fc.oneof({ arbitrary: text.map((t) => t.replaceAll('"', '')).filter((t) => t.trim() === t && t !== ''), weight: 6 }, { arbitrary: text, weight: 1 });
const typedName: fc.Arbitrary<string> = fc.oneof({ arbitrary: nameText, weight: 3 }, { arbitrary: nameText.map((t) => `"${t.replaceAll('"', '""')}"`), weight: 1 });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const registration: fc.Arbitrary<Registration> = fc.oneof(
  fc.record({ type: fc.constant('AWS' as const), arn: fc.oneof(fc.constant(ARN), text), issuer: optional(fc.oneof(fc.constant(AWS_ISSUER), text)) }),
  fc.record({ type: fc.constant('OIDC' as const), issuer: text, subject: text, audienceList: fc.array(text, { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('AZURE' as const), issuer: text, subject: text }),
  fc.record({ type: fc.constant('GCP' as const), subject: text }),
);

const anyOptions: fc.Arbitrary<GenerateSqlOptions> = fc.record({
  user: typedName,
  registration,
  mode: fc.constantFrom('create' as const, 'alter' as const),
  defaultRole: optional(typedName),
  defaultWarehouse: optional(typedName),
  comment: optional(text),
}).map((opts) => Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as unknown as GenerateSqlOptions);

describe('generateTerraform properties', () => {
  it('any accepted input round-trips through the HCL parser; anything refused is refused in one line', async () => {
    let accepted = 0;
    await fc.assert(fc.asyncProperty(anyOptions, async (opts) => {
      if (await expectRoundTrip(opts)) accepted += 1;
    }), { numRuns: 300 });
    // The generator is hostile, but not so hostile that nothing is ever accepted.
    expect(accepted).toBeGreaterThan(60);
  });

  it('any string hclString writes evaluates back to exactly that string', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: fc.constantFrom('$', '%', '{', '}', '\\', '"', 'a', '\t', 'é', '😀'), maxLength: 16 }), async (value) => {
      expect(await evalHclString(hclString(value))).toBe(value);
    }), { numRuns: 300 });
  });

  it('the resource name is always a Terraform identifier', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (user) => {
      expect(terraformResourceName(user)).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
    }));
    expect(terraformResourceName('LAMBDA_LOADER')).toBe('lambda_loader');
    expect(terraformResourceName('1st')).toBe('user_1st');
    expect(terraformResourceName('naïve svc')).toBe('naive_svc');
    expect(terraformResourceName('日本語')).toBe('wif_user');
  });
});
