// Parsing of AWS principal ARNs and their normalisation to the form Snowflake workload identity
// federation (WIF) matches. Pure: no I/O, no environment.
//
// Snowflake stores only the role (or user) *name* of a WIF identity, never its IAM path
// (`SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS` shows awsPartition, awsAccount and iamRole
// only), so the ARN to register is always the path-free one: a `role/service-role/NAME` ARN was seen
// registered as the IAM role `service-role`, after which every login failed.

export type PrincipalKind = 'assumed-role' | 'iam-role' | 'iam-user' | 'root' | 'federated-user';

export interface PrincipalArn {
  /** The input as given, trimmed of surrounding whitespace. */
  raw: string;
  /** 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' ... */
  partition: string;
  service: 'iam' | 'sts';
  /** 12 digits. */
  account: string;
  kind: PrincipalKind;
  /** Role name / user name / federated user name; '' for root. */
  name: string;
  /**
   * IAM path between the resource type and the name, without its leading '/', e.g.
   * 'service-role/'; '' if none. Always '' for assumed-role, root and federated-user.
   */
  path: string;
  /** Assumed-role only. */
  sessionName?: string;
}

export type ParseResult = { ok: true; arn: PrincipalArn } | { ok: false; error: string };

export type SnowflakeArnResult =
  | { ok: true; arn: string; notes: string[] }
  | { ok: false; error: string };

// IAM quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
// and the STS API reference (RoleSessionName, GetFederationToken Name).
const MAX_ARN_LENGTH = 2048;
const MAX_IAM_PATH_LENGTH = 512;
const PARTITION_PATTERN = /^aws(-[a-z]+)*$/;
const ACCOUNT_PATTERN = /^[0-9]{12}$/;
const IAM_NAME_CHAR = /^[A-Za-z0-9+=,.@_-]$/;
const ALLOWED_NAME_CHARS = 'letters, digits and +=,.@_-';
const ACCEPTED_RESOURCE_TYPES = 'role/, user/ or root for iam; assumed-role/ or federated-user/ for sts';

interface NameRule {
  label: string;
  min: number;
  max: number;
}

const ROLE_NAME: NameRule = { label: 'role name', min: 1, max: 64 };
const USER_NAME: NameRule = { label: 'user name', min: 1, max: 64 };
const SESSION_NAME: NameRule = { label: 'session name', min: 2, max: 64 };
const FEDERATED_USER_NAME: NameRule = { label: 'federated user name', min: 2, max: 32 };

type ResourceType = 'role' | 'user' | 'root' | 'assumed-role' | 'federated-user';

const SERVICE_OF_RESOURCE_TYPE: Record<ResourceType, PrincipalArn['service']> = {
  role: 'iam',
  user: 'iam',
  root: 'iam',
  'assumed-role': 'sts',
  'federated-user': 'sts',
};

/** The fields of a principal ARN that the resource part determines. */
type ResourceFields = Pick<PrincipalArn, 'kind' | 'name' | 'path' | 'sessionName'>;

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function parsePrincipalArn(input: string): ParseResult {
  try {
    return parseTrusted(input);
  } catch (error) {
    // The checks below are meant to be total; this is the promise that a caller never sees a throw.
    return { ok: false, error: `could not parse ARN: ${String(error).replace(/\s+/g, ' ')}` };
  }
}

function parseTrusted(input: unknown): ParseResult {
  if (typeof input !== 'string') {
    return fail(`ARN must be a string (got ${input === null ? 'null' : typeof input})`);
  }
  const raw = input.trim();
  const shapeError = checkOverallShape(raw);
  if (shapeError !== undefined) return fail(shapeError);

  const fields = raw.split(':');
  if (fields.length < 6) {
    return fail(
      `not an ARN: expected 6 colon-separated fields (arn:partition:service:region:account:resource), found ${fields.length} in ${quote(raw)}`,
    );
  }
  const [, partition = '', service = '', region = '', account = ''] = fields;
  const resource = fields.slice(5).join(':');

  if (!PARTITION_PATTERN.test(partition)) {
    return fail(`unknown partition ${quote(partition)} (expected aws, aws-cn, aws-us-gov or another aws-* partition)`);
  }
  if (service !== 'iam' && service !== 'sts') {
    return fail(`service must be iam or sts (got ${quote(service)})`);
  }
  if (region !== '') {
    return fail(`region must be empty in an IAM/STS principal ARN (got ${quote(region)})`);
  }
  if (!ACCOUNT_PATTERN.test(account)) {
    return fail(`account must be 12 digits (got ${quote(account)})`);
  }
  if (resource.includes(':')) {
    return fail(`resource must not contain ":" (got ${quote(resource)})`);
  }

  const parsed = parseResource(service, resource);
  if (!parsed.ok) return parsed;
  return { ok: true, arn: { raw, partition, service, account, ...parsed.value } };
}

function checkOverallShape(raw: string): string | undefined {
  if (raw === '') return 'ARN is empty';
  if (raw.length > MAX_ARN_LENGTH) {
    return `ARN is too long (${raw.length} characters; at most ${MAX_ARN_LENGTH})`;
  }
  const whitespace = /\s/.exec(raw);
  if (whitespace !== null) {
    return `ARN contains whitespace at character ${whitespace.index + 1} (${codePointLabel(whitespace[0])})`;
  }
  if (!raw.startsWith('arn:')) {
    return `not an ARN: must start with "arn:" (got ${quote(raw)})`;
  }
  return undefined;
}

function parseResource(service: PrincipalArn['service'], resource: string): Checked<ResourceFields> {
  const slash = resource.indexOf('/');
  const type = slash === -1 ? resource : resource.slice(0, slash);
  const rest = slash === -1 ? undefined : resource.slice(slash + 1);

  if (resource === '') {
    return fail(`resource is empty (accepted: ${ACCEPTED_RESOURCE_TYPES})`);
  }
  if (!isResourceType(type)) {
    return fail(`unsupported resource type ${quote(type)} (accepted: ${ACCEPTED_RESOURCE_TYPES})`);
  }
  const expectedService = SERVICE_OF_RESOURCE_TYPE[type];
  if (service !== expectedService) {
    return fail(`resource type ${quote(type)} belongs to service ${expectedService}, not ${service}`);
  }

  if (type === 'root') {
    return rest === undefined
      ? succeed({ kind: 'root', name: '', path: '' })
      : fail(`the root user ARN ends in ":root" with nothing after it (got ${quote(resource)})`);
  }
  if (rest === undefined) {
    return fail(`missing name after ${quote(type)} (expected ${type}/<name>)`);
  }
  switch (type) {
    case 'role':
      return parsePathAndName('iam-role', ROLE_NAME, rest);
    case 'user':
      return parsePathAndName('iam-user', USER_NAME, rest);
    case 'assumed-role':
      return parseAssumedRole(rest);
    case 'federated-user':
      return parseFederatedUser(rest);
  }
}

function isResourceType(type: string): type is ResourceType {
  return Object.hasOwn(SERVICE_OF_RESOURCE_TYPE, type);
}

function parsePathAndName(
  kind: 'iam-role' | 'iam-user',
  rule: NameRule,
  pathAndName: string,
): Checked<ResourceFields> {
  const segments = pathAndName.split('/');
  const name = segments.pop() ?? '';
  const pathError = checkIamPath(segments);
  if (pathError !== undefined) return fail(pathError);
  const nameError = checkName(rule, name);
  if (nameError !== undefined) return fail(nameError);
  const path = segments.map((segment) => `${segment}/`).join('');
  return succeed({ kind, name, path });
}

function checkIamPath(segments: string[]): string | undefined {
  // IAM writes paths with a leading and trailing '/', which is what its length quota counts.
  const iamPath = `/${segments.map((segment) => `${segment}/`).join('')}`;
  if (iamPath.length > MAX_IAM_PATH_LENGTH) {
    return `IAM path is too long (${iamPath.length} characters; at most ${MAX_IAM_PATH_LENGTH})`;
  }
  for (const segment of segments) {
    if (segment === '') return `IAM path ${quote(iamPath)} has an empty segment ("//")`;
    const bad = disallowedChars(segment, isIamPathChar);
    if (bad !== '') {
      return `IAM path segment ${quote(segment)} contains characters IAM does not allow: ${quote(bad)} (allowed: printable ASCII except "/")`;
    }
  }
  return undefined;
}

function parseAssumedRole(rest: string): Checked<ResourceFields> {
  const parts = rest.split('/');
  if (parts.length !== 2) {
    return fail(`assumed-role ARN must be assumed-role/<role name>/<session name>, with no path (got ${quote(`assumed-role/${rest}`)})`);
  }
  const [name = '', sessionName = ''] = parts;
  const error = checkName(ROLE_NAME, name) ?? checkName(SESSION_NAME, sessionName);
  if (error !== undefined) return fail(error);
  return succeed({ kind: 'assumed-role', name, path: '', sessionName });
}

function parseFederatedUser(name: string): Checked<ResourceFields> {
  if (name.includes('/')) {
    return fail(`federated-user ARN must be federated-user/<name>, with no path (got ${quote(`federated-user/${name}`)})`);
  }
  const error = checkName(FEDERATED_USER_NAME, name);
  if (error !== undefined) return fail(error);
  return succeed({ kind: 'federated-user', name, path: '' });
}

function checkName(rule: NameRule, name: string): string | undefined {
  if (name === '') return `${rule.label} is empty`;
  const bad = disallowedChars(name, (char) => IAM_NAME_CHAR.test(char));
  if (bad !== '') {
    return `${rule.label} ${quote(name)} contains characters AWS does not allow: ${quote(bad)} (allowed: ${ALLOWED_NAME_CHARS})`;
  }
  if (name.length < rule.min) {
    return `${rule.label} ${quote(name)} is too short (${name.length} characters; at least ${rule.min})`;
  }
  if (name.length > rule.max) {
    return `${rule.label} is too long (${name.length} characters; at most ${rule.max})`;
  }
  return undefined;
}

function isIamPathChar(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x21 && code <= 0x7e && char !== '/';
}

/** The distinct characters of `text` that fail `allowed`, in order of first appearance. */
function disallowedChars(text: string, allowed: (char: string) => boolean): string {
  const bad = new Set<string>();
  for (const char of text) {
    if (!allowed(char)) bad.add(char);
  }
  return [...bad].join('');
}

export function toSnowflakeArn(arn: PrincipalArn): SnowflakeArnResult {
  const prefix = `arn:${arn.partition}:iam::${arn.account}`;
  switch (arn.kind) {
    case 'iam-role':
    case 'iam-user': {
      const type = arn.kind === 'iam-role' ? 'role' : 'user';
      const notes = arn.path === '' ? [] : [`removed IAM path ${arn.path}`];
      return { ok: true, arn: `${prefix}:${type}/${arn.name}`, notes };
    }
    case 'assumed-role':
      return {
        ok: true,
        arn: `${prefix}:role/${arn.name}`,
        notes: [
          `converted the STS assumed-role session ARN to its IAM role ARN (session ${arn.sessionName ?? ''} dropped)`,
        ],
      };
    // One short sentence each (the fix, NOT_USABLE_FIX in diagnose.ts, is shown on its own line).
    case 'root':
      return fail(`the account root user cannot be used for Snowflake workload identity federation, which maps only IAM roles (e.g. ${prefix}:role/<name>) and IAM users`);
    case 'federated-user':
      return fail(`the federated user ${arn.name} (a GetFederationToken session) cannot be used for Snowflake workload identity federation, which maps only IAM roles and IAM users`);
  }
}

export function normalizeArnForSnowflake(input: string): SnowflakeArnResult {
  const parsed = parsePrincipalArn(input);
  return parsed.ok ? toSnowflakeArn(parsed.arn) : parsed;
}

const KIND_LABELS: Record<PrincipalKind, string> = {
  'assumed-role': 'assumed role',
  'iam-role': 'IAM role',
  'iam-user': 'IAM user',
  root: 'root user',
  'federated-user': 'federated user',
};

export function describeKind(kind: PrincipalKind): string {
  return KIND_LABELS[kind];
}

/** A 12-digit AWS account id as typed for --expect-account; undefined when the flag is absent. */
export function parseAccountId(value: string | undefined, what = '--expect-account'): { ok: true; account: string | undefined } | { ok: false; error: string } {
  if (value === undefined) return { ok: true, account: undefined };
  const account = value.trim();
  return ACCOUNT_PATTERN.test(account) ? { ok: true, account } : { ok: false, error: `${what} '${account}' is not a 12-digit AWS account id` };
}

function succeed<T>(value: T): Checked<T> {
  return { ok: true, value };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

const MAX_QUOTED_LENGTH = 80;

/** A one-line, double-quoted rendering of part of the input for error messages. */
function quote(text: string): string {
  const shown = text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
  return JSON.stringify(shown);
}

function codePointLabel(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
