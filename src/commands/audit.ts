/**
 * `wif-check audit`: the Snowflake side of every mapping, read-only (issue 11). Logs in as an
 * administrator, lists every user with a workload identity and each identity, and says which
 * mappings can never work, with the SQL that fixes them. `--arn` / `--me` also say which user an
 * AWS identity maps to, or, when none, which user was probably meant.
 */
import type { ChalkInstance } from 'chalk';
import {
  auditFindings,
  countFindings,
  lookupTargetFor,
  parseAwsAccounts,
  parseStaleDays,
  sortFindings,
  type AuditIdentity,
  type AuditUser,
  type Finding,
  type LookupResult,
  type LookupTarget,
} from '../core/audit-findings.js';
import { WifError, usageError } from '../core/errors.js';
import { gateCheck, gateFindings, isGateFinding, type GateCheck, type GatesListing } from '../core/gate-findings.js';
import { identifierForStoredName } from '../core/sql.js';
import { isAllowedSnowflakeHost } from '../core/host.js';
import { resolveSnowflakeSettings, type SnowflakeFlags, type SnowflakeSettings } from '../core/snowflake-settings.js';
import { getCallerIdentity, resolveAwsContext, type AwsOptions } from '../aws/identity.js';
import { findConnection } from '../snowflake/config-files.js';
import { hostEnv, withProcessEnv } from '../process-env.js';
import type { AdminAuthFlags } from '../snowflake/admin.js';
import { settingsSources } from './connect.js';
import { libraryTimeoutMs } from '../core/timeout.js';
import { scrubDeep } from '../known-secrets.js';
import { wrapText } from '../core/wrap-text.js';

/** SHOW for thousands of users takes seconds; leave room (docs/performance.md). */
export const DEFAULT_AUDIT_TIMEOUT_MS = 120_000;

export interface AuditOptions extends SnowflakeFlags, AdminAuthFlags, AwsOptions {
  /** A connection in connections.toml or config.toml ($SNOWFLAKE_HOME or ~/.snowflake). */
  connection?: string | undefined;
  /** Reverse lookup: which user this ARN maps to. */
  arn?: string | undefined;
  /** Reverse lookup of the current AWS caller (like whoami). */
  me?: boolean | undefined;
  /** --aws-account ID[,ID…] */
  awsAccount?: string | undefined;
  /** --stale-days N (default 90). */
  staleDays?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Now, in ms (tests). */
  now?: number | undefined;
  /** Called for each warning as soon as it is known (also kept in the report): the CLI prints them even when audit fails later. */
  onWarning?: ((text: string) => void) | undefined;
  /** Called as identities are read: done of total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /**
   * doctor --admin-connection: the named connection is the administrator's, and the environment
   * describes the WIF target, not it. Its keys come from its file and SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>
   * only; from the environment only the secrets a file never holds (SNOWFLAKE_PASSWORD,
   * PRIVATE_KEY_PASSPHRASE) are read.
   */
  isolatedConnection?: boolean | undefined;
}

export interface AuditReport {
  ok: boolean;
  /** CURRENT_ACCOUNT_NAME() of the admin session. */
  account: string;
  /** The account identifier audit logged in with. */
  accountIdentifier: string;
  adminUser: string;
  role: string | null;
  usersTotal: number;
  identitiesTotal: number;
  users: AuditUser[];
  findings: Finding[];
  lookup?: LookupResult;
  warnings: string[];
}

export async function audit(options: AuditOptions = {}): Promise<AuditReport> {
  const env = options.env ?? hostEnv();
  const timeoutMs = libraryTimeoutMs(options.timeoutMs) ?? DEFAULT_AUDIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const accounts = parseAwsAccounts(options.awsAccount);
  if (!accounts.ok) throw usageError(accounts.error, 'BAD_AWS_ACCOUNT');
  const stale = parseStaleDays(options.staleDays);
  if (!stale.ok) throw usageError(stale.error, 'BAD_STALE_DAYS');
  if (options.arn !== undefined && options.me) throw usageError('--arn and --me both name an identity: give one', 'BAD_LOOKUP');
  let target: LookupTarget | undefined;
  if (options.arn !== undefined) target = lookupTarget(options.arn, '--arn', 'usage');

  const isolated = options.isolatedConnection === true && options.connection !== undefined;
  // Isolated: the administrator's connection alone says where its credentials go (issue 17, item 4).
  const settingsEnv: Readonly<Record<string, string | undefined>> = isolated ? {} : env;
  const credentialEnv = isolated ? { SNOWFLAKE_PASSWORD: env.SNOWFLAKE_PASSWORD, PRIVATE_KEY_PASSPHRASE: env.PRIVATE_KEY_PASSPHRASE } : env;
  const flags: AuditOptions = isolated ? { allowInsecureHttp: false } : options;
  const named = await findConnection(options.connection, env, { accountGiven: Boolean(flags.account?.trim() || settingsEnv.SNOWFLAKE_ACCOUNT?.trim()), timeoutMs, instead: isolated ? null : '--account and --user' });
  const settings = resolveSnowflakeSettings(flags, settingsEnv, named?.values, { sources: settingsSources(named) });
  // The administrator's PAT, password or key goes only where an attestation may (the driver's WIF allow-list).
  refuseForeignHost(settings, env);
  const { resolveAdminCredentials, openAdminSession, readAccount } = await import('../snowflake/admin.js');
  const warnings: string[] = [];
  const warn = (text: string) => {
    warnings.push(text);
    options.onWarning?.(text);
  };
  for (const text of named?.warnings ?? []) warn(text);
  // What is left of --timeout (at most 10 s) for reading and decrypting the credentials.
  const credentials = await resolveAdminCredentials(flags, credentialEnv, named?.values, Math.max(1, Math.min(deadline - Date.now(), 10_000)));
  for (const text of credentials.warnings ?? []) warn(text);
  if (options.me) {
    // As whoami: the host's environment, the credential chain in the env queue.
    const context = await withProcessEnv({}, () => resolveAwsContext({ ...options, timeoutMs: Math.min(timeoutMs, 10_000) }, env));
    for (const text of context.warnings) warn(text);
    const caller = await getCallerIdentity(context);
    target = lookupTarget(caller.arn, 'the current AWS caller', 'verification');
  }

  const session = await openAdminSession(settings, credentials, deadline);
  let listing;
  let gates: GatesListing;
  try {
    listing = await readAccount(session, options.onProgress);
    // The gates before the mapping: the policies once per account (src/snowflake/gates-read.ts).
    const { readGates } = await import('../snowflake/gates-read.js');
    gates = await readGates(session, listing.users);
  } finally {
    await session.close();
  }
  const { findings: mappingFindings, lookup } = auditFindings({
    users: listing.users,
    role: session.role,
    now: options.now ?? Date.now(),
    staleDays: stale.days,
    awsAccounts: accounts.accounts,
    lookup: target,
  });
  const findings = [...mappingFindings, ...gateFindings(listing.users, gates, session.role)];
  const sorted = sortFindings(findings);
  // User names and the rest came from the server, which may echo what it was sent.
  return scrubDeep({
    ok: !sorted.some((finding) => finding.severity === 'error'),
    account: session.account,
    accountIdentifier: settings.account,
    adminUser: session.user,
    role: session.role,
    usersTotal: listing.usersTotal,
    identitiesTotal: listing.users.reduce((sum, user) => sum + user.identities.length, 0),
    users: listing.users,
    findings: sorted,
    ...(lookup ? { lookup } : {}),
    warnings,
  });
}

function refuseForeignHost(settings: SnowflakeSettings, env: Readonly<Record<string, string | undefined>>): void {
  const host = settings.host ?? `${settings.account}.snowflakecomputing.com`;
  if (isAllowedSnowflakeHost(host, env.SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES)) return;
  throw usageError(
    `host ${host} is not a Snowflake host: the administrator's credentials go only to *.snowflakecomputing.com (.cn, .mil) or a suffix in SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES`,
    'HOST_NOT_ALLOWED',
    'For a private link or proxy host, allow it as for a WIF login: SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES=example.internal (comma list; a host or a domain, without a leading dot).',
  );
}

function lookupTarget(arn: string, what: string, kind: 'usage' | 'verification'): LookupTarget {
  const found = lookupTargetFor(arn.trim());
  if (found.ok) return found.target;
  const shown = arn.length > 200 ? `${arn.slice(0, 200)}…` : arn;
  throw new WifError(kind, `${what} ${shown} cannot be looked up: ${found.error}`, {
    code: kind === 'usage' ? 'BAD_ARN' : 'PRINCIPAL_NOT_USABLE',
    hint: 'Give an IAM role ARN (with or without a path), an STS assumed-role ARN, or an IAM user ARN.',
  });
}

/** --json (../shared/CONTRACT.md, "audit"): warnings went to stderr. */
export function auditDocument(report: AuditReport): Record<string, unknown> {
  const { warnings: _warnings, accountIdentifier: _identifier, ...document } = report;
  return document;
}

const MARKS = { error: '✖', warn: '!', info: '·' } as const;
/** audit's text output fits this many columns (SQL fixes excepted: they are copied whole). */
export const AUDIT_WIDTH = 80;

/** What an identity holds, short: `AWS 123456789012 role NAME`, or the TYPE and SUBJECT (the TYPE in any case, as the rules read it). */
function describeIdentity(identity: AuditIdentity | undefined): string {
  if (!identity) return '';
  const type = identity.type.toUpperCase();
  if (type === 'OIDC' || type === 'AZURE' || type === 'GCP') return `${type} ${identity.subject ?? '?'}`;
  if (type !== 'AWS') return identity.type;
  const what = identity.identityType === 'IAM_USER' ? 'user' : 'role';
  return `AWS ${identity.awsAccount ?? '?'} ${what} ${identity.iamRole ?? '?'}`;
}

/** The table (every string already escaped by Printer.render). */
export function renderAudit(report: AuditReport, color: ChalkInstance): string {
  const withIdentity = report.users.filter((user) => user.identities.length > 0).length;
  const lines = [
    ...wrapText(`Snowflake account ${report.account}: ${report.usersTotal} users, ${withIdentity} with a workload identity (${report.identitiesTotal} in all)`, AUDIT_WIDTH),
    ...wrapText(`read as ${report.adminUser} (role ${report.role ?? 'none'}); nothing was changed`, AUDIT_WIDTH, '  ').map((line) => color.dim(line)),
    '',
  ];
  if (report.lookup) {
    const { lookup } = report;
    if (lookup.matches.length) {
      const [first = '', ...more] = wrapText(`${lookup.arn} maps to ${lookup.matches.join(', ')}`, AUDIT_WIDTH - 2);
      lines.push(`${color.green('✔')} ${first}`, ...more.map((line) => `  ${line}`), '');
    }
  }
  const paint = { error: color.red, warn: color.yellow, info: color.dim } as const;
  const users = new Map(report.users.map((user) => [user.name, user]));
  const nameWidth = Math.min(24, Math.max(8, ...report.findings.map((finding) => (finding.user ?? '').length)));
  // 80 columns: the user, identity and what it holds on one line, the detail wrapped under it. A
  // fix is SQL to copy: it is never wrapped (a line break inside a quoted ARN would change it).
  for (const finding of report.findings) {
    const user = finding.user === null ? undefined : users.get(finding.user);
    const identity = user?.identities.find((candidate) => candidate.name === finding.identity) ?? (finding.identity === null ? user?.identities[0] : undefined);
    const head = [(finding.user ?? '').padEnd(nameWidth), (finding.identity ?? '').padEnd(8), describeIdentity(identity)].join(' ').trimEnd();
    if (head === '') {
      // An account-level finding (no user, no identity): its detail on the mark's line.
      const [first = '', ...more] = wrapText(finding.detail, AUDIT_WIDTH - 2);
      lines.push(`${paint[finding.severity](MARKS[finding.severity])} ${first}`.trimEnd(), ...more.map((line) => `  ${line}`));
    } else {
      const [first = '', ...more] = wrapText(head, AUDIT_WIDTH - 2);
      lines.push(`${paint[finding.severity](MARKS[finding.severity])} ${first}`.trimEnd(), ...more.map((line) => `  ${line}`));
      lines.push(...wrapText(finding.detail, AUDIT_WIDTH, '    '));
    }
    if (finding.fix) lines.push(...finding.fix.split('\n').map((line) => `    ${color.dim('fix:')} ${line}`));
  }
  if (report.findings.length === 0) lines.push(color.green('✔ no findings: every workload identity can match'));
  lines.push('', countFindings(report.findings));
  return lines.join('\n');
}

/** The job summary rows (GITHUB_STEP_SUMMARY): one per finding, at most 100. */
export function auditSummaryRows(report: AuditReport): Array<{ status: 'ok' | 'fail' | 'warn' | 'skip'; title: string; detail: string; fix?: string }> {
  const status = { error: 'fail', warn: 'warn', info: 'skip' } as const;
  const rows: Array<{ status: 'ok' | 'fail' | 'warn' | 'skip'; title: string; detail: string; fix?: string }> = [
    { status: 'ok', title: 'Account', detail: `${report.account}: ${report.usersTotal} users, ${report.identitiesTotal} workload identities` },
  ];
  for (const finding of report.findings.slice(0, 100)) {
    rows.push({ status: status[finding.severity], title: `${finding.code} ${finding.user ?? ''}`.trim(), detail: finding.detail, ...(finding.fix ? { fix: finding.fix } : {}) });
  }
  if (report.findings.length > 100) rows.push({ status: 'skip', title: 'more', detail: `${report.findings.length - 100} more findings: run wif-check audit --json` });
  return rows;
}

export interface RegistrationCheck {
  status: 'ok' | 'warn';
  detail: string;
  fix?: string;
  /** A warning's code: the admin side's own error code when it could not be read, else REGISTRATION_*. */
  code?: string;
  /** The admin side's warnings (a connection or key file readable by others): doctor reports them. */
  warnings: string[];
  /** Which gate before the mapping would stop this caller, and why (doctor's `snowflake-gates` check); absent when the account could not be read. */
  gates?: GateCheck;
}

/**
 * doctor --admin-connection (CONTRACT "audit"): what the Snowflake side has registered — which
 * user the verified caller maps to, or which was probably meant — so a fix names the real user.
 * Run whether the login worked or not. A warning, never a failure of its own. The connection is
 * the administrator's alone (isolatedConnection): SNOWFLAKE_HOST and friends describe the WIF target.
 */
export async function registrationCheck(input: {
  connection: string;
  callerArn: string | null;
  expectUser?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  timeoutMs: number;
}): Promise<RegistrationCheck> {
  if (!input.callerArn) return { status: 'warn', code: 'CALLER_UNKNOWN', detail: 'the caller is unknown (STS could not be asked), so its registration cannot be looked up', warnings: [] };
  let report: AuditReport;
  const warnings: string[] = [];
  try {
    report = await audit({ connection: input.connection, arn: input.callerArn, env: input.env, timeoutMs: input.timeoutMs, isolatedConnection: true, onWarning: (text) => warnings.push(text) });
  } catch (error) {
    if (!(error instanceof WifError)) throw error;
    return { status: 'warn', code: error.code, detail: `could not read the registration with connection '${input.connection}': ${error.message}`, ...(error.hint ? { fix: error.hint } : {}), warnings };
  }
  const lookup = report.lookup;
  const expected = input.expectUser === undefined ? undefined : report.users.find((user) => user.name.toUpperCase() === input.expectUser?.replace(/^"|"$/g, '').toUpperCase());
  const registered = expected ? `; ${expected.name} has ${expected.identities.map((identity) => `${identity.name} = ${describeIdentity(identity)}`).join(', ') || 'no workload identity'}` : '';
  if (lookup && lookup.matches.length) {
    // Mapped, and the login still failed: the user's own findings say why (not SERVICE, …); the gates have their own check.
    const problems = report.findings.filter((finding) => finding.user !== null && lookup.matches.includes(finding.user) && finding.severity !== 'info' && !isGateFinding(finding));
    return {
      status: problems.length ? 'warn' : 'ok',
      ...(problems.length ? { code: problems[0]?.code } : {}),
      detail: `${lookup.arn} is registered for ${lookup.matches.join(', ')}${problems.length ? `: ${problems.map((finding) => finding.detail).join('; ')}` : ''}${registered}`,
      ...(problems.some((finding) => finding.fix) ? { fix: problems.flatMap((finding) => (finding.fix ? [finding.fix] : [])).join('\n') } : {}),
      warnings,
      gates: gateCheck(report.findings, lookup.matches, (finding) => awsIdentityMatches(report, finding, lookup.snowflakeArn)),
    };
  }
  const noMatch = report.findings.find((finding) => finding.code === 'NO_MATCH');
  const probable = lookup?.probable.length ? `; probably ${lookup.probable.join(', ')} (registered with an IAM path)` : '';
  // --expect-user among the probable users: the fix names it rather than <your user>.
  const named = expected && lookup?.probable.includes(expected.name) ? identifierForStoredName(expected.name) : undefined;
  const fix = named && noMatch?.fix ? noMatch.fix.replace('ALTER USER <your user> ', `ALTER USER ${named} `) : noMatch?.fix;
  return { status: 'warn', code: 'NO_MATCH', detail: `${input.callerArn} is registered for no user${probable}${registered}`, ...(fix ? { fix } : {}), warnings };
}

/** Whether a finding's identity is the one the caller maps to (a user's other identities have their own policy findings). */
function awsIdentityMatches(report: AuditReport, finding: Finding, snowflakeArn: string): boolean {
  const target = lookupTargetFor(snowflakeArn);
  const identity = report.users.find((user) => user.name === finding.user)?.identities.find((candidate) => candidate.name === finding.identity);
  if (!target.ok || !identity) return true;
  return identity.awsAccount === target.target.account && identity.iamRole === target.target.name;
}
