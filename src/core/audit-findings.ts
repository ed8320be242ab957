/**
 * `wif-check audit`: what the Snowflake side says about every workload identity → findings, each
 * with a stable code, a severity and, where one exists, the SQL that fixes it (../shared/CONTRACT.md,
 * "audit"). Pure: users and identities (as SHOW USERS and SHOW USER WORKLOAD IDENTITY
 * AUTHENTICATION METHODS listed them) and the options in, findings out. Every name and value in a
 * fix goes through src/core/sql.ts quoting; a name that cannot be written safely gets no fix.
 *
 * What Snowflake is known to store (../shared/FACTS.md, "The Snowflake side"): for AWS only
 * awsPartition, awsAccount, type (IAM_ROLE | IAM_USER) and iamRole (the NAME, never the path), and
 * a role registered with a path ARN (`role/service-role/NAME`) is stored as its first path segment.
 */
import { subjectTraps as gcpSubjectTraps } from '../providers/gcp/rules.js';
import { parsePrincipalArn, toSnowflakeArn } from './arn.js';
import { identifierForStoredName, quoteStringLiteral, workloadIdentityClause } from './sql.js';
import { registrationTraps } from '../providers/oidc/rules.js';
import { azureAuditFindings } from '../providers/azure/audit.js';

export type Severity = 'error' | 'warn' | 'info';

export type FindingCode =
  | 'PATH_SEGMENT_ROLE'
  | 'NOT_SERVICE_USER'
  | 'USER_DISABLED'
  | 'IDENTITY_DISABLED'
  | 'NEVER_USED'
  | 'STALE'
  | 'FOREIGN_AWS_ACCOUNT'
  | 'NO_ISSUER'
  | 'INSUFFICIENT_PRIVILEGES'
  | 'NO_MATCH'
  | 'DUPLICATE_IDENTITY';

export const SEVERITY_OF: Readonly<Record<FindingCode, Severity>> = {
  PATH_SEGMENT_ROLE: 'error',
  NO_MATCH: 'error',
  NOT_SERVICE_USER: 'warn',
  USER_DISABLED: 'warn',
  IDENTITY_DISABLED: 'warn',
  FOREIGN_AWS_ACCOUNT: 'warn',
  INSUFFICIENT_PRIVILEGES: 'warn',
  NEVER_USED: 'info',
  STALE: 'info',
  NO_ISSUER: 'info',
  DUPLICATE_IDENTITY: 'warn',
};

export interface AuditIdentity {
  /** `DEFAULT` for the WORKLOAD_IDENTITY property; named identities otherwise. */
  name: string;
  /** The provider: AWS, AZURE, GCP, OIDC. */
  type: string;
  awsPartition: string | null;
  awsAccount: string | null;
  /** additional_info.type: IAM_ROLE | IAM_USER. */
  identityType: string | null;
  /** The role (or user) NAME Snowflake stored. */
  iamRole: string | null;
  issuer: string | null;
  /** OIDC, AZURE, GCP: the SUBJECT (additional_info.subject); null for AWS. */
  subject?: string | null;
  /** OIDC: OIDC_AUDIENCE_LIST (additional_info.audienceList); null when none is registered. */
  audienceList?: string[] | null;
  /** ISO 8601, or null when never used. */
  lastUsed: string | null;
  createdOn: string | null;
  /** Only when the listing says so (where Snowflake reports it is not documented); else null. */
  disabled: boolean | null;
}

export interface AuditUser {
  name: string;
  /** SHOW USERS `type`: SERVICE, PERSON, LEGACY_SERVICE, SERVICE_AGENT, or null (a PERSON by default). */
  type: string | null;
  disabled: boolean;
  defaultRole: string | null;
  identities: AuditIdentity[];
  /** false: the identities could not be listed (the role lacks MONITOR on the user). */
  identitiesListed: boolean;
}

export interface Finding {
  /** A FindingCode, or for OIDC identities the code of a trap of src/providers/oidc/rules.ts (registrationTraps). */
  code: FindingCode | string;
  severity: Severity;
  user: string | null;
  identity: string | null;
  detail: string;
  fix?: string;
}

export interface AuditInputs {
  users: readonly AuditUser[];
  /** The role audit ran as, for the GRANT that fixes INSUFFICIENT_PRIVILEGES. */
  role: string | null;
  /** Now, as ms since the epoch (a parameter, so the rules are testable). */
  now: number;
  /** --stale-days (default DEFAULT_STALE_DAYS). */
  staleDays?: number;
  /** --aws-account: the accounts identities may belong to; empty: not checked. */
  awsAccounts?: readonly string[];
  /** The reverse lookup (--arn / --me), already parsed. */
  lookup?: LookupTarget | undefined;
}

export const DEFAULT_STALE_DAYS = 90;

/**
 * IAM path first segments that show up as `iamRole` when an ARN was registered with its path:
 * the Lambda console's `service-role/`, service-linked roles' `aws-service-role/`, and IAM Identity
 * Center's `aws-reserved/sso.amazonaws.com/` (FACTS.md: SSO roles). A real role could be named
 * `service-role`; that is unlikely enough to call it an error, and the detail says what was seen.
 */
export const PATH_SEGMENTS: ReadonlySet<string> = new Set(['service-role', 'aws-service-role', 'aws-reserved', 'sso.amazonaws.com']);

/** User types a WIF login works for (FACTS.md: TYPE = SERVICE, or SERVICE_AGENT). */
const SERVICE_TYPES: ReadonlySet<string> = new Set(['SERVICE', 'SERVICE_AGENT']);

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * An AWS identity's partition; one listed without it is read as `aws`, the same way by the fix
 * and the lookup. Snowflake is known to list it (FACTS); this is for a listing that does not.
 */
const partitionOf = (identity: AuditIdentity): string => identity.awsPartition ?? 'aws';

/** What --arn / --me asks about: the identity key Snowflake matches, plus the ARN as given. */
export interface LookupTarget {
  /** The ARN as given (or the caller's, for --me). */
  arn: string;
  /** The path-free ARN Snowflake matches. */
  snowflakeArn: string;
  partition: string;
  account: string;
  identityType: 'IAM_ROLE' | 'IAM_USER';
  name: string;
  /** The IAM path of the ARN as given ('' when none), e.g. 'service-role/'. */
  path: string;
}

export interface LookupResult {
  arn: string;
  snowflakeArn: string;
  /** Users with an identity that matches exactly. */
  matches: string[];
  /** Users in the same partition and account registered with a path segment (or the same path). */
  probable: string[];
}

/** An ARN for --arn: the key Snowflake would match, or why it cannot be matched. */
export function lookupTargetFor(arn: string): { ok: true; target: LookupTarget } | { ok: false; error: string } {
  const parsed = parsePrincipalArn(arn);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const snowflake = toSnowflakeArn(parsed.arn);
  if (!snowflake.ok) return { ok: false, error: snowflake.error };
  const { partition, account, kind, name, path } = parsed.arn;
  return {
    ok: true,
    target: { arn: parsed.arn.raw, snowflakeArn: snowflake.arn, partition, account, identityType: kind === 'iam-user' ? 'IAM_USER' : 'IAM_ROLE', name, path },
  };
}

/**
 * OIDC identities (issue 18): each registration's traps as Snowflake lists them (no audience list,
 * a GitHub subject no workflow presents, a trailing '*', lengths).
 */
function oidcFindings(users: readonly AuditUser[]): Finding[] {
  const findings: Finding[] = [];
  for (const user of users) {
    const who = identifierForStoredName(user.name);
    for (const identity of user.identities) {
      if (identity.type.toUpperCase() !== 'OIDC' || identity.issuer === null || !identity.subject) continue;
      for (const trap of registrationTraps({ issuer: identity.issuer, subject: identity.subject, audienceList: identity.audienceList ?? null })) {
        const clause = trap.subject === undefined ? undefined : workloadIdentityClause({ type: 'OIDC', issuer: identity.issuer, subject: trap.subject, audienceList: identity.audienceList?.length ? identity.audienceList : ['snowflakecomputing.com'] });
        const fix = who && clause?.ok ? `ALTER USER ${who} SET ${clause.sql};` : trap.fix;
        findings.push({ code: trap.code, severity: trap.severity, user: user.name, identity: identity.name, detail: trap.message, ...(fix ? { fix } : {}) });
      }
    }
  }
  return findings;
}

/** How many holders a DUPLICATE_IDENTITY detail names before "and N more" (an account may have thousands). */
const DUPLICATE_NAMES_SHOWN = 5;

/**
 * What Snowflake matches a token login on, as the listing gives it, and how a finding names it:
 * OIDC and AZURE the ISSUER and SUBJECT, GCP the SUBJECT (the issuer is always Google's).
 * Undefined when a part is missing, and for AWS: Snowflake refuses a second user with the same
 * stored AWS identity ("AWS Authenticator for AWS Account '…' and IAM role '…' already exists";
 * FACTS, docs/how-it-works.md), so an AWS identity is never held twice.
 */
function mappingOf(identity: AuditIdentity): { key: string; text: string } | undefined {
  const type = identity.type.toUpperCase();
  if (type === 'OIDC' || type === 'AZURE') {
    return identity.issuer !== null && identity.subject ? { key: JSON.stringify([type, identity.issuer, identity.subject]), text: `issuer ${identity.issuer}, subject ${identity.subject}` } : undefined;
  }
  return type === 'GCP' && identity.subject ? { key: JSON.stringify([type, identity.subject]), text: `GCP subject ${identity.subject}` } : undefined;
}

/**
 * One OIDC, Azure or GCP identity that several users hold. Whether Snowflake refuses that, as it
 * does for AWS, is not documented; if it does not, a token maps to one of them, and which one is
 * not documented either. One finding per holder; a user that holds it twice (DEFAULT and a named
 * identity) is one holder.
 */
function duplicateFindings(users: readonly AuditUser[]): Finding[] {
  const holders = new Map<string, { text: string; held: Map<string, string> }>();
  for (const user of users) {
    for (const identity of user.identities) {
      const mapping = mappingOf(identity);
      if (mapping === undefined) continue;
      const entry = holders.get(mapping.key) ?? { text: mapping.text, held: new Map<string, string>() };
      if (!entry.held.has(user.name)) entry.held.set(user.name, identity.name);
      holders.set(mapping.key, entry);
    }
  }
  const findings: Finding[] = [];
  for (const { text, held } of holders.values()) {
    if (held.size < 2) continue;
    const names = [...held.keys()];
    const more = names.length - DUPLICATE_NAMES_SHOWN;
    const who = more > 0 ? `${names.slice(0, DUPLICATE_NAMES_SHOWN).join(', ')} and ${more} more` : names.join(', ');
    for (const [user, identity] of held) {
      findings.push({ code: 'DUPLICATE_IDENTITY', severity: SEVERITY_OF.DUPLICATE_IDENTITY, user, identity, detail: `${who} all hold ${text}: a token maps to one of them, and which is not documented` });
    }
  }
  return findings;
}

/**
 * GCP identities (issue 19): a SUBJECT that is not a service account's numeric unique ID — an
 * e-mail (the docs show both; the token's sub is the ID), spaces, a name — with the fix.
 */
function gcpFindings(users: readonly AuditUser[]): Finding[] {
  return users.flatMap((user) =>
    user.identities
      .filter((identity) => identity.type.toUpperCase() === 'GCP' && typeof identity.subject === 'string')
      .flatMap((identity) =>
        gcpSubjectTraps(identity.subject ?? '', identifierForStoredName(user.name) ?? '<user>').map((trap) => ({
          code: trap.code,
          severity: trap.severity,
          user: user.name,
          identity: identity.name,
          detail: trap.message,
          ...(trap.fix ? { fix: trap.fix } : {}),
        })),
      ),
  );
}

export function auditFindings(inputs: AuditInputs): { findings: Finding[]; lookup?: LookupResult } {
  const staleDays = inputs.staleDays ?? DEFAULT_STALE_DAYS;
  const accounts = new Set(inputs.awsAccounts ?? []);
  const findings: Finding[] = [];
  const add = (code: FindingCode, user: string | null, identity: string | null, detail: string, fix?: string) =>
    findings.push({ code, severity: SEVERITY_OF[code], user, identity, detail, ...(fix ? { fix } : {}) });

  findings.push(...oidcFindings(inputs.users));
  findings.push(...azureAuditFindings(inputs.users));
  findings.push(...gcpFindings(inputs.users));
  findings.push(...duplicateFindings(inputs.users));
  const looked = inputs.lookup ? lookUp(inputs.users, inputs.lookup) : undefined;
  for (const user of inputs.users) {
    const who = identifierForStoredName(user.name);
    if (!user.identitiesListed) {
      const role = inputs.role === null ? undefined : identifierForStoredName(inputs.role);
      add(
        'INSUFFICIENT_PRIVILEGES',
        user.name,
        null,
        `cannot list the workload identities of ${user.name}: role ${inputs.role ?? '(none)'} lacks MONITOR on the user`,
        who && role ? `GRANT MONITOR ON USER ${who} TO ROLE ${role};` : undefined,
      );
    }
    if (user.identities.length === 0) continue;
    if (user.type === null || !SERVICE_TYPES.has(user.type.toUpperCase())) {
      add('NOT_SERVICE_USER', user.name, null, `user TYPE is ${user.type ?? 'not set (PERSON)'}, not SERVICE: a WIF login never maps to it`, who ? `ALTER USER ${who} SET TYPE = SERVICE;` : undefined);
    }
    if (user.disabled) add('USER_DISABLED', user.name, null, 'the user is disabled: every login fails', who ? `ALTER USER ${who} SET DISABLED = FALSE;` : undefined);
    for (const identity of user.identities) {
      const aws = identity.type.toUpperCase() === 'AWS';
      if (aws && identity.identityType === 'IAM_ROLE' && identity.iamRole !== null && PATH_SEGMENTS.has(identity.iamRole)) {
        add('PATH_SEGMENT_ROLE', user.name, identity.name, `role ${identity.iamRole} is an IAM path segment: registered with a path ARN, never matches`, pathFix(user, identity, inputs.lookup, looked));
      }
      if (identity.disabled === true) {
        const name = identifierForStoredName(identity.name);
        add('IDENTITY_DISABLED', user.name, identity.name, 'the workload identity is disabled', who && name ? `ALTER USER ${who} MODIFY WORKLOAD IDENTITY ${name} SET DISABLED = FALSE;` : undefined);
      }
      if (aws && accounts.size > 0 && identity.awsAccount !== null && !accounts.has(identity.awsAccount)) {
        add('FOREIGN_AWS_ACCOUNT', user.name, identity.name, `AWS account ${identity.awsAccount} is not one of --aws-account ${[...accounts].join(',')}`);
      }
      const lastUsed = identity.lastUsed === null ? Number.NaN : Date.parse(identity.lastUsed);
      if (identity.lastUsed === null) add('NEVER_USED', user.name, identity.name, 'never used');
      else if (Number.isFinite(lastUsed) && inputs.now - lastUsed > staleDays * DAY_MS) {
        add('STALE', user.name, identity.name, `last used ${Math.floor((inputs.now - lastUsed) / DAY_MS)} days ago (--stale-days ${staleDays})`);
      }
      if (aws && !identity.issuer) add('NO_ISSUER', user.name, identity.name, 'no ISSUER: not ready for the JWT method');
    }
  }

  if (!inputs.lookup || !looked) return { findings };
  const lookup = looked;
  if (lookup.matches.length === 0) {
    const target = inputs.lookup;
    const only = lookup.probable.length === 1 ? lookup.probable[0] : undefined;
    const user = only === undefined ? '<your user>' : (identifierForStoredName(only) ?? '<your user>');
    const arn = quoteStringLiteral(target.snowflakeArn, 'ARN');
    const probable = lookup.probable.length ? `; probably ${lookup.probable.join(', ')} (registered with an IAM path)` : '';
    add('NO_MATCH', null, null, `${target.arn} maps to no user${probable}`, arn.ok ? `ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = ${arn.sql});` : undefined);
  }
  return { findings, lookup };
}

/**
 * The ALTER USER for a path-registered DEFAULT identity; the real role name when --arn/--me names
 * it: an ARN whose path starts with the stored segment, or (--me gives the caller's path-free role)
 * a role that maps to no user while this user is the only probable one, as NO_MATCH's fix says.
 */
function pathFix(user: AuditUser, identity: AuditIdentity, lookup: LookupTarget | undefined, looked: LookupResult | undefined): string | undefined {
  // Only DEFAULT is set by WORKLOAD_IDENTITY; a named identity's exact MODIFY syntax is not documented.
  if (identity.name.toUpperCase() !== 'DEFAULT') return undefined;
  const who = identifierForStoredName(user.name);
  const partition = partitionOf(identity);
  const account = identity.awsAccount;
  if (!who || account === null) return undefined;
  const onlyProbable = looked !== undefined && looked.matches.length === 0 && looked.probable.length === 1 && looked.probable[0] === user.name;
  const known = lookup && lookup.partition === partition && lookup.account === account && lookup.identityType === 'IAM_ROLE' && (firstSegment(lookup.path) === identity.iamRole || (lookup.path === '' && onlyProbable));
  const arn = known ? lookup.snowflakeArn : `arn:${partition}:iam::${account}:role/<role name>`;
  const literal = quoteStringLiteral(arn, 'ARN');
  return literal.ok ? `ALTER USER ${who} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = ${literal.sql});` : undefined;
}

function firstSegment(path: string): string {
  return path.split('/')[0] ?? '';
}

/** Which users an identity maps to, and, failing that, which were probably meant. */
export function lookUp(users: readonly AuditUser[], target: LookupTarget): LookupResult {
  const matches: string[] = [];
  const probable: string[] = [];
  const segment = firstSegment(target.path);
  for (const user of users) {
    let matched = false;
    let near = false;
    for (const identity of user.identities) {
      if (identity.type.toUpperCase() !== 'AWS' || partitionOf(identity) !== target.partition || identity.awsAccount !== target.account) continue;
      if (identity.identityType === target.identityType && identity.iamRole === target.name) matched = true;
      // With a path in the ARN, its first segment is what was stored; without, any path segment may be it.
      else if (identity.identityType === 'IAM_ROLE' && identity.iamRole !== null && (segment ? identity.iamRole === segment : PATH_SEGMENTS.has(identity.iamRole))) near = true;
    }
    if (matched) matches.push(user.name);
    else if (near) probable.push(user.name);
  }
  // Probable users only matter when nothing matches.
  return { arn: target.arn, snowflakeArn: target.snowflakeArn, matches, probable: matches.length ? [] : probable };
}

/** Errors first, then warnings, then notes; stable within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank: Record<Severity, number> = { error: 0, warn: 1, info: 2 };
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank[a.finding.severity] - rank[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

/** `1 error, 6 warnings, 12 notes`. */
export function countFindings(findings: readonly Finding[]): string {
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warn'), 'warning')}, ${plural(count('info'), 'note')}`;
}

/** --aws-account ID[,ID…]: 12-digit AWS account IDs. */
export function parseAwsAccounts(value: string | undefined): { ok: true; accounts: string[] } | { ok: false; error: string } {
  if (value === undefined) return { ok: true, accounts: [] };
  const accounts = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (accounts.length === 0) return { ok: false, error: '--aws-account is empty: give one or more 12-digit AWS account IDs, comma-separated' };
  const bad = accounts.find((account) => !/^\d{12}$/.test(account));
  if (bad !== undefined) return { ok: false, error: `--aws-account: '${bad.slice(0, 40)}' is not a 12-digit AWS account ID` };
  return { ok: true, accounts };
}

/** --stale-days N: a whole number of days, at least 1. */
export function parseStaleDays(value: string | undefined): { ok: true; days: number } | { ok: false; error: string } {
  if (value === undefined) return { ok: true, days: DEFAULT_STALE_DAYS };
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 36500) return { ok: false, error: `--stale-days '${value.slice(0, 40)}' is not a whole number of days (1-36500)` };
  return { ok: true, days: Number(value) };
}
