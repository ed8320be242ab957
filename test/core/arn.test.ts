import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeKind,
  parseAccountId,
  normalizeArnForSnowflake,
  parsePrincipalArn,
  toSnowflakeArn,
  type PrincipalArn,
  type PrincipalKind,
} from '../../src/core/arn.js';

const ACCT = '123456789012';
const NUM_RUNS = 5000;

type Fields = Omit<PrincipalArn, 'raw'>;

const SERVICE_OF_KIND: Record<PrincipalKind, 'iam' | 'sts'> = {
  'iam-role': 'iam',
  'iam-user': 'iam',
  root: 'iam',
  'assumed-role': 'sts',
  'federated-user': 'sts',
};

/** Builds the ARN text from parsed fields, independently of the module under test. */
function assemble(arn: Fields): string {
  const resource = {
    'iam-role': `role/${arn.path}${arn.name}`,
    'iam-user': `user/${arn.path}${arn.name}`,
    'assumed-role': `assumed-role/${arn.name}/${arn.sessionName ?? ''}`,
    'federated-user': `federated-user/${arn.name}`,
    root: 'root',
  }[arn.kind];
  return `arn:${arn.partition}:${arn.service}::${arn.account}:${resource}`;
}

/** A test title for an input that may be very long. */
function shorten(input: string): string {
  const json = JSON.stringify(input);
  return json.length > 100 ? `${json.slice(0, 60)}…(${input.length} chars)` : json;
}

function parseOk(input: string): PrincipalArn {
  const result = parsePrincipalArn(input);
  if (!result.ok) throw new Error(`expected ${input} to parse, got: ${result.error}`);
  return result.arn;
}

describe('parsePrincipalArn: valid principals', () => {
  // [input, kind, partition, service, name, path, sessionName]
  const cases: Array<[string, PrincipalKind, string, 'iam' | 'sts', string, string, string?]> = [
    [`arn:aws:iam::${ACCT}:role/my-fn-role`, 'iam-role', 'aws', 'iam', 'my-fn-role', ''],
    [`arn:aws:iam::${ACCT}:role/service-role/my-fn-role`, 'iam-role', 'aws', 'iam', 'my-fn-role', 'service-role/'],
    [`arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_abc123`, 'iam-role', 'aws', 'iam', 'AWSReservedSSO_Admin_abc123', 'aws-reserved/sso.amazonaws.com/eu-west-1/'],
    [`arn:aws:iam::${ACCT}:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda`, 'iam-role', 'aws', 'iam', 'AWSServiceRoleForLambda', 'aws-service-role/lambda.amazonaws.com/'],
    [`arn:aws:iam::${ACCT}:role/a+b=c,d.e@f_g-h`, 'iam-role', 'aws', 'iam', 'a+b=c,d.e@f_g-h', ''],
    [`arn:aws:iam::${ACCT}:role/p!"#$%&'()*;<>?[\\]^\`{|}~/r`, 'iam-role', 'aws', 'iam', 'r', `p!"#$%&'()*;<>?[\\]^\`{|}~/`],
    [`arn:aws:iam::${ACCT}:user/alice`, 'iam-user', 'aws', 'iam', 'alice', ''],
    [`arn:aws:iam::${ACCT}:user/division/alice`, 'iam-user', 'aws', 'iam', 'alice', 'division/'],
    [`arn:aws-us-gov:iam::${ACCT}:user/a/b/c/bob`, 'iam-user', 'aws-us-gov', 'iam', 'bob', 'a/b/c/'],
    [`arn:aws:sts::${ACCT}:assumed-role/my-fn-role/my-fn`, 'assumed-role', 'aws', 'sts', 'my-fn-role', '', 'my-fn'],
    [`arn:aws-cn:sts::${ACCT}:assumed-role/r/s1`, 'assumed-role', 'aws-cn', 'sts', 'r', '', 's1'],
    [`arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_abc123/alice@example.com`, 'assumed-role', 'aws', 'sts', 'AWSReservedSSO_Admin_abc123', '', 'alice@example.com'],
    [`arn:aws-iso:sts::${ACCT}:assumed-role/r/i-0123456789abcdef0`, 'assumed-role', 'aws-iso', 'sts', 'r', '', 'i-0123456789abcdef0'],
    [`arn:aws:iam::${ACCT}:root`, 'root', 'aws', 'iam', '', ''],
    [`arn:aws-iso-b:iam::${ACCT}:root`, 'root', 'aws-iso-b', 'iam', '', ''],
    [`arn:aws:sts::${ACCT}:federated-user/bob`, 'federated-user', 'aws', 'sts', 'bob', ''],
    [`arn:aws-iso-e:iam::${ACCT}:role/r`, 'iam-role', 'aws-iso-e', 'iam', 'r', ''],
    [`arn:aws-iso-f:iam::${ACCT}:user/u`, 'iam-user', 'aws-iso-f', 'iam', 'u', ''],
    [`arn:aws-eusc:iam::${ACCT}:role/r`, 'iam-role', 'aws-eusc', 'iam', 'r', ''],
    [`arn:aws:iam::000000000000:role/r`, 'iam-role', 'aws', 'iam', 'r', ''],
  ];

  it.each(cases)('%s', (input, kind, partition, service, name, path, sessionName) => {
    const account = input.includes('000000000000') ? '000000000000' : ACCT;
    const expected: PrincipalArn = { raw: input, partition, service, account, kind, name, path };
    if (sessionName !== undefined) expected.sessionName = sessionName;
    expect(parsePrincipalArn(input)).toStrictEqual({ ok: true, arn: expected });
  });

  it.each([
    [`  arn:aws:iam::${ACCT}:role/r  `],
    [`\n\tarn:aws:iam::${ACCT}:role/r\r\n`],
    [`\u00a0arn:aws:iam::${ACCT}:role/r\ufeff`],
  ])('trims surrounding whitespace: %j', (input) => {
    expect(parseOk(input).raw).toBe(`arn:aws:iam::${ACCT}:role/r`);
  });

  it.each([
    // [input, what sits at the limit]
    [`arn:aws:iam::${ACCT}:role/${'r'.repeat(64)}`, 'role name of 64'],
    [`arn:aws:iam::${ACCT}:user/${'u'.repeat(64)}`, 'user name of 64'],
    [`arn:aws:sts::${ACCT}:assumed-role/r/${'s'.repeat(64)}`, 'session name of 64'],
    [`arn:aws:sts::${ACCT}:assumed-role/r/ab`, 'session name of 2'],
    [`arn:aws:sts::${ACCT}:federated-user/${'f'.repeat(32)}`, 'federated user name of 32'],
    [`arn:aws:sts::${ACCT}:federated-user/ab`, 'federated user name of 2'],
    [`arn:aws:iam::${ACCT}:role/${'p'.repeat(510)}/r`, 'IAM path /p…p/ of 512'],
  ])('accepts %s (%s)', (input) => {
    expect(parsePrincipalArn(input).ok).toBe(true);
  });
});

describe('parsePrincipalArn: invalid input', () => {
  // [input, fragment of the error]
  const cases: Array<[string, string]> = [
    ['', 'ARN is empty'],
    ['   ', 'ARN is empty'],
    ['my-fn-role', 'must start with "arn:" (got "my-fn-role")'],
    [`ARN:aws:iam::${ACCT}:role/r`, 'must start with "arn:"'],
    [`arn:aws:iam::${ACCT}`, 'expected 6 colon-separated fields'],
    ['arn:aws:iam', 'found 3'],
    [`arn:azure:iam::${ACCT}:role/r`, 'unknown partition "azure"'],
    [`arn::iam::${ACCT}:role/r`, 'unknown partition ""'],
    [`arn:AWS:iam::${ACCT}:role/r`, 'unknown partition "AWS"'],
    [`arn:aws-:iam::${ACCT}:role/r`, 'unknown partition "aws-"'],
    [`arn:aws-iso-1:iam::${ACCT}:role/r`, 'unknown partition "aws-iso-1"'],
    [`arn:aws:s3::${ACCT}:role/r`, 'service must be iam or sts (got "s3")'],
    [`arn:aws:IAM::${ACCT}:role/r`, 'service must be iam or sts (got "IAM")'],
    [`arn:aws:iam:us-east-1:${ACCT}:role/r`, 'region must be empty in an IAM/STS principal ARN (got "us-east-1")'],
    ['arn:aws:iam::123:role/r', 'account must be 12 digits (got "123")'],
    ['arn:aws:iam::1234567890123:role/r', 'account must be 12 digits (got "1234567890123")'],
    ['arn:aws:iam::12345678901a:role/r', 'account must be 12 digits (got "12345678901a")'],
    ['arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/r', 'account must be 12 digits'],
    ['arn:aws:iam:::role/r', 'account must be 12 digits (got "")'],
    [`arn:aws:iam::${ACCT}:role/a:b`, 'resource must not contain ":" (got "role/a:b")'],
    [`arn:aws:iam::${ACCT}:`, 'resource is empty (accepted: role/, user/ or root for iam; assumed-role/ or federated-user/ for sts)'],
    [`arn:aws:iam::${ACCT}:group/g`, 'unsupported resource type "group" (accepted: role/, user/ or root for iam; assumed-role/ or federated-user/ for sts)'],
    [`arn:aws:iam::${ACCT}:Role/r`, 'unsupported resource type "Role"'],
    [`arn:aws:iam::${ACCT}:/r`, 'unsupported resource type ""'],
    [`arn:aws:iam::${ACCT}:constructor/r`, 'unsupported resource type "constructor"'],
    [`arn:aws:iam::${ACCT}:__proto__/r`, 'unsupported resource type "__proto__"'],
    [`arn:aws:sts::${ACCT}:role/r`, 'resource type "role" belongs to service iam, not sts'],
    [`arn:aws:sts::${ACCT}:user/u`, 'resource type "user" belongs to service iam, not sts'],
    [`arn:aws:sts::${ACCT}:root`, 'resource type "root" belongs to service iam, not sts'],
    [`arn:aws:iam::${ACCT}:assumed-role/r/s1`, 'resource type "assumed-role" belongs to service sts, not iam'],
    [`arn:aws:iam::${ACCT}:federated-user/bob`, 'resource type "federated-user" belongs to service sts, not iam'],
    [`arn:aws:iam::${ACCT}:root/x`, 'the root user ARN ends in ":root" with nothing after it (got "root/x")'],
    [`arn:aws:iam::${ACCT}:role`, 'missing name after "role" (expected role/<name>)'],
    [`arn:aws:sts::${ACCT}:assumed-role`, 'missing name after "assumed-role"'],
    [`arn:aws:iam::${ACCT}:role/`, 'role name is empty'],
    [`arn:aws:iam::${ACCT}:role/service-role/`, 'role name is empty'],
    [`arn:aws:iam::${ACCT}:user/`, 'user name is empty'],
    [`arn:aws:iam::${ACCT}:role/a//r`, 'IAM path "/a//" has an empty segment ("//")'],
    [`arn:aws:iam::${ACCT}:role//r`, 'IAM path "//" has an empty segment ("//")'],
    [`arn:aws:iam::${ACCT}:role/é/r`, 'IAM path segment "é" contains characters IAM does not allow: "é" (allowed: printable ASCII except "/")'],
    [`arn:aws:iam::${ACCT}:role/a\u0000b/r`, 'IAM path segment "a\\u0000b" contains characters IAM does not allow: "\\u0000"'],
    [`arn:aws:iam::${ACCT}:role/${'p'.repeat(511)}/r`, 'IAM path is too long (513 characters; at most 512)'],
    [`arn:aws:iam::${ACCT}:role/my#role`, 'role name "my#role" contains characters AWS does not allow: "#" (allowed: letters, digits and +=,.@_-)'],
    [`arn:aws:iam::${ACCT}:role/rôle`, 'role name "rôle" contains characters AWS does not allow: "ô"'],
    [`arn:aws:iam::${ACCT}:role/a*b*c!`, 'contains characters AWS does not allow: "*!"'],
    [`arn:aws:iam::${ACCT}:user/a"b`, 'user name "a\\"b" contains characters AWS does not allow: "\\""'],
    [`arn:aws:iam::${ACCT}:role/${'r'.repeat(65)}`, 'role name is too long (65 characters; at most 64)'],
    [`arn:aws:iam::${ACCT}:user/${'u'.repeat(65)}`, 'user name is too long (65 characters; at most 64)'],
    [`arn:aws:sts::${ACCT}:assumed-role/r`, 'assumed-role ARN must be assumed-role/<role name>/<session name>, with no path (got "assumed-role/r")'],
    [`arn:aws:sts::${ACCT}:assumed-role/service-role/r/s1`, 'with no path (got "assumed-role/service-role/r/s1")'],
    [`arn:aws:sts::${ACCT}:assumed-role//s1`, 'role name is empty'],
    [`arn:aws:sts::${ACCT}:assumed-role/r/`, 'session name is empty'],
    [`arn:aws:sts::${ACCT}:assumed-role/r/s`, 'session name "s" is too short (1 characters; at least 2)'],
    [`arn:aws:sts::${ACCT}:assumed-role/r/${'s'.repeat(65)}`, 'session name is too long (65 characters; at most 64)'],
    [`arn:aws:sts::${ACCT}:assumed-role/r/a$b`, 'session name "a$b" contains characters AWS does not allow: "$"'],
    [`arn:aws:sts::${ACCT}:assumed-role/r%/s1`, 'role name "r%" contains characters AWS does not allow: "%"'],
    [`arn:aws:sts::${ACCT}:federated-user/b`, 'federated user name "b" is too short (1 characters; at least 2)'],
    [`arn:aws:sts::${ACCT}:federated-user/${'f'.repeat(33)}`, 'federated user name is too long (33 characters; at most 32)'],
    [`arn:aws:sts::${ACCT}:federated-user/a/bob`, 'federated-user ARN must be federated-user/<name>, with no path (got "federated-user/a/bob")'],
    [`arn:aws:sts::${ACCT}:federated-user/`, 'federated user name is empty'],
    [`arn:aws:iam::${ACCT}:role/my role`, 'ARN contains whitespace at character 34 (U+0020)'],
    [`arn:aws:iam::${ACCT}:role/r\tx`, 'ARN contains whitespace at character 33 (U+0009)'],
    [`arn:aws:iam::${ACCT}:role/r\u2003x`, 'ARN contains whitespace at character 33 (U+2003)'],
    [`arn:aws:iam::${ACCT}:role/${'p/'.repeat(1008)}rr`, 'ARN is too long (2049 characters; at most 2048)'],
    [`x${'y'.repeat(3000)}`, 'ARN is too long (3001 characters; at most 2048)'],
  ];

  it.each(cases.map(([input, fragment]) => [shorten(input), input, fragment]))('%s → %s', (_title, input, fragment) => {
    const result = parsePrincipalArn(input);
    expect(result).toStrictEqual({ ok: false, error: expect.stringContaining(fragment) });
  });

  it('checks the 2048 limit against the trimmed input and only above it', () => {
    const atLimit = `arn:aws:iam::${ACCT}:role/${'p/'.repeat(1008)}r`;
    expect(atLimit).toHaveLength(2048);
    const result = parsePrincipalArn(`   ${atLimit}   `);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).not.toContain('ARN is too long');
    expect(result.ok ? '' : result.error).toContain('IAM path is too long');
  });

  it('shortens a long quoted part so the message stays readable', () => {
    const result = parsePrincipalArn(`arn:${'x'.repeat(500)}:iam::${ACCT}:role/r`);
    expect(result).toStrictEqual({ ok: false, error: `unknown partition "${'x'.repeat(80)}…" (expected aws, aws-cn, aws-us-gov or another aws-* partition)` });
  });

  it.each([[undefined], [null], [42], [{}], [['arn:aws:iam::123456789012:root']], [Symbol('arn')], [() => 'arn']])(
    'never throws for a non-string: %s',
    (input) => {
      const result = parsePrincipalArn(input as any);
      expect(result).toStrictEqual({ ok: false, error: expect.stringMatching(/^ARN must be a string \(got [a-z]+\)$/) });
    },
  );

  it('rejects a string object, naming its type', () => {
    expect(parsePrincipalArn(new String(`arn:aws:iam::${ACCT}:root`) as any)).toStrictEqual({ ok: false, error: 'ARN must be a string (got object)' });
  });
});

describe('toSnowflakeArn / normalizeArnForSnowflake', () => {
  // [input, Snowflake ARN, notes]
  const usable: Array<[string, string, string[]]> = [
    [`arn:aws:iam::${ACCT}:role/my-fn-role`, `arn:aws:iam::${ACCT}:role/my-fn-role`, []],
    [`arn:aws:iam::${ACCT}:role/service-role/my-fn-role`, `arn:aws:iam::${ACCT}:role/my-fn-role`, ['removed IAM path service-role/']],
    [`arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_abc123`, `arn:aws:iam::${ACCT}:role/AWSReservedSSO_Admin_abc123`, ['removed IAM path aws-reserved/sso.amazonaws.com/eu-west-1/']],
    [`arn:aws:sts::${ACCT}:assumed-role/my-fn-role/my-fn`, `arn:aws:iam::${ACCT}:role/my-fn-role`, ['converted the STS assumed-role session ARN to its IAM role ARN (session my-fn dropped)']],
    [`arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_abc123/alice@example.com`, `arn:aws:iam::${ACCT}:role/AWSReservedSSO_Admin_abc123`, ['converted the STS assumed-role session ARN to its IAM role ARN (session alice@example.com dropped)']],
    [`arn:aws-cn:sts::${ACCT}:assumed-role/r/s1`, `arn:aws-cn:iam::${ACCT}:role/r`, ['converted the STS assumed-role session ARN to its IAM role ARN (session s1 dropped)']],
    [`arn:aws:iam::${ACCT}:user/alice`, `arn:aws:iam::${ACCT}:user/alice`, []],
    [`arn:aws:iam::${ACCT}:user/division/alice`, `arn:aws:iam::${ACCT}:user/alice`, ['removed IAM path division/']],
    [`arn:aws-us-gov:iam::${ACCT}:user/a/b/c/bob`, `arn:aws-us-gov:iam::${ACCT}:user/bob`, ['removed IAM path a/b/c/']],
    [`arn:aws-iso-b:iam::${ACCT}:role/x/r`, `arn:aws-iso-b:iam::${ACCT}:role/r`, ['removed IAM path x/']],
    [` arn:aws:iam::${ACCT}:role/r `, `arn:aws:iam::${ACCT}:role/r`, []],
  ];

  it.each(usable)('%s → %s', (input, arn, notes) => {
    expect(normalizeArnForSnowflake(input)).toStrictEqual({ ok: true, arn, notes });
    expect(toSnowflakeArn(parseOk(input))).toStrictEqual({ ok: true, arn, notes });
  });

  // [input, fragments of the error]
  const unusable: Array<[string, string[]]> = [
    [`arn:aws:iam::${ACCT}:root`, ['the account root user cannot be used for Snowflake workload identity federation', 'maps only IAM roles (e.g.', 'and IAM users']],
    [`arn:aws-cn:iam::${ACCT}:root`, [`e.g. arn:aws-cn:iam::${ACCT}:role/<name>`]],
    [`arn:aws:sts::${ACCT}:federated-user/bob`, ['the federated user bob (a GetFederationToken session) cannot be used for Snowflake workload identity federation', 'maps only IAM roles and IAM users']],
  ];

  it.each(unusable)('%s cannot be used for WIF', (input, fragments) => {
    const result = normalizeArnForSnowflake(input);
    expect(result.ok).toBe(false);
    for (const fragment of fragments) expect(result.ok ? '' : result.error).toContain(fragment);
    expect(toSnowflakeArn(parseOk(input))).toStrictEqual(result);
  });

  it.each([
    [`arn:aws:s3:::bucket`, 'service must be iam or sts (got "s3")'],
    ['not-an-arn', 'not an ARN'],
  ])('passes on the parse error for %s', (input, fragment) => {
    expect(normalizeArnForSnowflake(input)).toStrictEqual({ ok: false, error: expect.stringContaining(fragment) });
  });
});

describe('describeKind', () => {
  it.each([
    ['assumed-role', 'assumed role'],
    ['iam-role', 'IAM role'],
    ['iam-user', 'IAM user'],
    ['root', 'root user'],
    ['federated-user', 'federated user'],
  ] as const)('%s → %j', (kind, label) => {
    expect(describeKind(kind)).toBe(label);
  });
});

describe('parseAccountId', () => {
  it.each([
    [undefined, { ok: true, account: undefined }],
    ['123456789012', { ok: true, account: '123456789012' }],
    [' 123456789012 ', { ok: true, account: '123456789012' }],
    ['12345678901', { ok: false, error: "--expect-account '12345678901' is not a 12-digit AWS account id" }],
    ['abc', { ok: false, error: "--expect-account 'abc' is not a 12-digit AWS account id" }],
    ['', { ok: false, error: "--expect-account '' is not a 12-digit AWS account id" }],
  ])('%j → %j', (input, expected) => {
    expect(parseAccountId(input)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

const chars = (text: string) => fc.constantFrom(...text.split(''));
const IAM_NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-';
const nameOf = (minLength: number, maxLength: number) => fc.string({ unit: chars(IAM_NAME_CHARS), minLength, maxLength });

// Every printable ASCII character except '/' (the separator) and ':' (which an ARN resource cannot hold).
const pathChar = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)).filter((c) => c !== '/' && c !== ':');
const pathOf = fc
  .array(fc.string({ unit: pathChar, minLength: 1, maxLength: 24 }), { maxLength: 6 })
  .map((segments) => segments.map((segment) => `${segment}/`).join(''));

const partitionArb = fc.oneof(
  fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f'),
  fc.array(fc.string({ unit: chars('abcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 5 }), { maxLength: 3 }).map((parts) => ['aws', ...parts].join('-')),
);
const accountArb = fc.string({ unit: chars('0123456789'), minLength: 12, maxLength: 12 });

const validFields: fc.Arbitrary<Fields> = fc
  .record({
    partition: partitionArb,
    account: accountArb,
    kind: fc.constantFrom<PrincipalKind>('assumed-role', 'iam-role', 'iam-user', 'root', 'federated-user'),
    roleOrUserName: nameOf(1, 64),
    federatedName: nameOf(2, 32),
    sessionName: nameOf(2, 64),
    path: pathOf,
  })
  .map(({ partition, account, kind, roleOrUserName, federatedName, sessionName, path }): Fields => {
    const base = { partition, account, kind, service: SERVICE_OF_KIND[kind] };
    switch (kind) {
      case 'iam-role':
      case 'iam-user':
        return { ...base, name: roleOrUserName, path };
      case 'assumed-role':
        return { ...base, name: roleOrUserName, path: '', sessionName };
      case 'root':
        return { ...base, name: '', path: '' };
      case 'federated-user':
        return { ...base, name: federatedName, path: '' };
    }
  });

const validArn = validFields.map(assemble);

// Characters that tend to break parsers: separators, whitespace, non-ASCII, lone surrogates.
const nastyChar = fc.oneof(
  chars(':/ \t\n-_.@*#"\'\\0123456789aAzZ'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
);
const mutation = fc.record({ op: fc.constantFrom('insert', 'delete', 'replace', 'duplicate'), at: fc.nat(), char: nastyChar });
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, { op, at, char }: Mutation): string {
  const i = at % (text.length + 1);
  switch (op) {
    case 'insert':
      return text.slice(0, i) + char + text.slice(i);
    case 'delete':
      return text.slice(0, i) + text.slice(i + 1);
    case 'replace':
      return text.slice(0, i) + char + text.slice(i + 1);
    case 'duplicate':
      return text.slice(0, i) + text.charAt(i) + text.slice(i);
  }
}

const mutatedArn = fc
  .tuple(validArn, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([arn, mutations]) => mutations.reduce(mutate, arn));

/** What must hold for any input: no throw; a one-line error, or fields that re-assemble to the input. */
function assertParseIsSound(input: string): void {
  const result = parsePrincipalArn(input);
  if (!result.ok) {
    expect(result.error).toMatch(/^[^\n\r]+$/);
    return;
  }
  const { raw, ...fields } = result.arn;
  expect(raw).toBe(input.trim());
  expect(assemble(fields)).toBe(raw);
  expect(fields.service).toBe(SERVICE_OF_KIND[fields.kind]);
  expect(fields.account).toMatch(/^[0-9]{12}$/);
  expect(fields.partition).toMatch(/^aws(-[a-z]+)*$/);
  expect('sessionName' in fields).toBe(fields.kind === 'assumed-role');
}

describe('properties', () => {
  it('parses every valid ARN into exactly the fields it was built from', () => {
    fc.assert(
      fc.property(validFields, (fields) => {
        const raw = assemble(fields);
        expect(parsePrincipalArn(raw)).toStrictEqual({ ok: true, arn: { raw, ...fields } });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the Snowflake ARN keeps partition, account and name, and never has a path or session', () => {
    fc.assert(
      fc.property(validFields, (fields) => {
        const result = toSnowflakeArn(parseOk(assemble(fields)));
        const prefix = `arn:${fields.partition}:iam::${fields.account}`;
        switch (fields.kind) {
          case 'iam-role':
          case 'assumed-role':
            expect(result).toStrictEqual({ ok: true, arn: `${prefix}:role/${fields.name}`, notes: expect.any(Array) });
            break;
          case 'iam-user':
            expect(result).toStrictEqual({ ok: true, arn: `${prefix}:user/${fields.name}`, notes: expect.any(Array) });
            break;
          case 'root':
          case 'federated-user':
            expect(result).toStrictEqual({ ok: false, error: expect.stringMatching(/IAM role.*IAM user/) });
            return;
        }
        const changed = fields.path !== '' || fields.kind === 'assumed-role';
        expect(result.ok && result.notes.length).toBe(changed ? 1 : 0);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('normalising is idempotent: the Snowflake ARN normalises to itself with no notes', () => {
    fc.assert(
      fc.property(validArn, (arn) => {
        const once = normalizeArnForSnowflake(arn);
        if (!once.ok) return; // root / federated user: covered above
        expect(normalizeArnForSnowflake(once.arn)).toStrictEqual({ ok: true, arn: once.arn, notes: [] });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('surrounding whitespace is trimmed; whitespace inside is rejected', () => {
    const whitespace = chars(' \t\n\r\u00a0\u2003\ufeff');
    fc.assert(
      fc.property(validArn, fc.string({ unit: whitespace }), fc.string({ unit: whitespace }), fc.nat(), whitespace, (arn, before, after, at, inside) => {
        expect(parseOk(before + arn + after).raw).toBe(arn);
        const i = 1 + (at % (arn.length - 1));
        const broken = arn.slice(0, i) + inside + arn.slice(i);
        expect(parsePrincipalArn(broken)).toStrictEqual({ ok: false, error: expect.stringContaining('ARN contains whitespace') });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.each([
    ['ASCII strings', fc.string({ maxLength: 80 })],
    ['strings of ARN-ish characters', fc.string({ unit: nastyChar, maxLength: 80 })],
    ['full-Unicode strings', fc.string({ unit: 'binary', maxLength: 80 })],
    ['strings of UTF-16 code units', fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 80 })],
    ['"arn:" followed by anything', fc.string({ unit: nastyChar, maxLength: 80 }).map((rest) => `arn:${rest}`)],
    ['mutated valid ARNs', mutatedArn],
  ])('never throws and is sound for %s', (_label, arbitrary: fc.Arbitrary<string>) => {
    fc.assert(fc.property(arbitrary, assertParseIsSound), { numRuns: NUM_RUNS });
  });

  it('mutated ARNs are sometimes still valid and usually not (the mutation test exercises both paths)', () => {
    const samples = fc.sample(mutatedArn, { numRuns: 2000, seed: 42 });
    const okCount = samples.filter((s) => parsePrincipalArn(s).ok).length;
    expect(okCount).toBeGreaterThan(0);
    expect(okCount).toBeLessThan(samples.length);
  });
});

describe('parsePrincipalArn: what a library caller or a hand-typed ARN can give, at the edges', () => {
  it.each([
    ['null from a JavaScript caller', null, 'ARN must be a string (got null)'],
    ['a number from a JavaScript caller', 42, 'ARN must be a string (got number)'],
    ['an 80-character text is quoted whole', `arn:${'x'.repeat(76)}`, `not an ARN: expected 6 colon-separated fields (arn:partition:service:region:account:resource), found 2 in "arn:${'x'.repeat(76)}"`],
    ['an 81-character text is cut at 80', `arn:${'x'.repeat(77)}`, `not an ARN: expected 6 colon-separated fields (arn:partition:service:region:account:resource), found 2 in "arn:${'x'.repeat(76)}…"`],
    ['a vertical tab', `arn:aws:iam::${ACCT}:role/a\u000bb`, 'ARN contains whitespace at character 33 (U+000B)'],
    ['a no-break space', `arn:aws:iam::${ACCT}:role/a\u00a0b`, 'ARN contains whitespace at character 33 (U+00A0)'],
    ['a byte-order mark', `arn:aws:iam::${ACCT}:role/a\ufeffb`, 'ARN contains whitespace at character 33 (U+FEFF)'],
  ])('%s', (_name, input, error) => {
    expect(parsePrincipalArn(input as string)).toEqual({ ok: false, error });
  });
});
