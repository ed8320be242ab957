/**
 * The Snowflake simulator's administrator side, for `wif-check audit` (issue 11): the logins an
 * administrator uses non-interactively, and the SHOW statements audit reads. src/simulators/snowflake.ts
 * hands every non-WIF login and every request of a session opened here to this module.
 *
 * What it mirrors, and where that comes from:
 * - Logins as snowflake-sdk 3.3.0 sends them (dist/lib/authentication/auth_keypair.js,
 *   auth_oauth_pat.js, auth_default.js): `SNOWFLAKE_JWT` with TOKEN = an RS256 JWT whose `iss` is
 *   `ACCOUNT.USER.SHA256:<base64 SHA-256 of the DER public key>` and `sub` `ACCOUNT.USER` (the driver
 *   puts `iat`/`exp` in milliseconds); `PROGRAMMATIC_ACCESS_TOKEN` with TOKEN = the PAT; the default
 *   authenticator with PASSWORD, where a PAT is accepted too (Snowflake: "use the token in place of a
 *   password", user-guide/programmatic-access-tokens; how the Python connector and the Snowflake CLI
 *   send a PAT given as `password`). Real codes: 390100 (incorrect username or password), 390144 (JWT
 *   token is invalid), 390189 (role not granted).
 * - SHOW USERS (a subset of Snowflake's columns, including `type`, `disabled` and
 *   `has_workload_identity`), with `LIKE` and `LIMIT n [FROM 'name']` (pagination, BCR 2023_05).
 * - SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS [FOR USER u]: columns name, type, comment,
 *   last_used, created_on, additional_info (AWS: awsPartition, awsAccount, type, iamRole, and
 *   issuer when set; OIDC: issuer, subject, audienceList), docs sql-reference and
 *   terraform-provider-snowflake. Needs MONITOR on another user: refused with 003001
 *   "Insufficient privileges to operate on user '…'".
 *
 * What is NOT known and is assumed here (do not rely on it against real Snowflake):
 * - where a disabled named identity shows: here `additional_info.disabled = true`;
 * - an OIDC identity without OIDC_AUDIENCE_LIST shows `audienceList: []`;
 * - SHOW USERS lists every user to any role (real Snowflake may hide some); FROM is exclusive;
 * - ACCOUNTADMIN and SECURITYADMIN hold MONITOR on every user unless `monitor` says otherwise.
 * Every statement of an administrator session is recorded (`statements`), so tests can prove that
 * audit is read-only. Secrets (passwords, PATs, JWTs) are never recorded.
 *
 * Hostile modes (`setMode`, or `mode`), for the bounds of audit (issue 17, item 10; docs/security.md):
 * - 'users-flood': every SHOW USERS page is LIMIT (default 2,000) users never listed before, one in
 *   ten with a workload identity, however far the client pages;
 * - 'huge-fields': SHOW USERS lists one more user, HUGE_FIELDS_USER, whose default_role is
 *   HUGE_FIELD_CHARS characters long (a server sending absurd values);
 * - 'identities-flood': every workload identity listing has IDENTITY_FLOOD_SIZE identities.
 */
import type { GateRefusal, SimGate, SimGates } from './snowflake-gates.js';
import { answerGateStatement } from './snowflake-admin-gates.js';
import { createHash, createPublicKey, randomBytes, randomInt, randomUUID, verify } from 'node:crypto';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An administrator who can log in without a browser. */
export interface SimAdmin {
  name: string;
  defaultRole?: string;
  /** Roles granted to the administrator (its default role is always granted). */
  roles?: string[];
  /** Key pair: the registered RSA_PUBLIC_KEY (PEM, SPKI). */
  publicKeyPem?: string;
  password?: string;
  /** Programmatic access tokens. */
  pats?: string[];
  /** SHOW USERS `type` (default PERSON). */
  type?: string;
}

/** A workload identity as SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS lists it. */
export interface SimIdentity {
  name: string;
  /** The ARN registered; reduced the way Snowflake stores it (first path segment of a role). */
  arn?: string;
  /** Or the stored key directly. */
  key?: { partition: string; account: string; type: 'IAM_ROLE' | 'IAM_USER'; name: string };
  issuer?: string;
  /** An OIDC identity instead (type OIDC; additional_info issuer, subject, audienceList). */
  oidc?: { issuer: string; subject: string; audienceList?: string[] | undefined };
  /** An Azure identity (type AZURE; additional_info issuer, subject). */
  azure?: { issuer: string; subject: string };
  /** A GCP identity instead (type GCP; additional_info subject). */
  gcp?: { subject: string };
  disabled?: boolean;
  /** ISO 8601; null or absent: never used. */
  lastUsed?: string | null;
  createdOn?: string;
  comment?: string;
}

/** What SHOW USERS and the identity listing say about a user beyond the WIF user table. */
export interface SimUserProfile {
  /** SHOW USERS `type`; null: not set. Default: the user table's type, else SERVICE. */
  type?: string | null;
  disabled?: boolean;
  defaultRole?: string;
  comment?: string;
  /** The DEFAULT identity (from the user table's workloadIdentityArn): last use, creation, issuer, disabled. */
  lastUsed?: string | null;
  createdOn?: string;
  issuer?: string;
  defaultDisabled?: boolean;
  /** Named identities (ADD WORKLOAD IDENTITY), or a DEFAULT one for a user not in the WIF table. */
  identities?: SimIdentity[];
}

export type AdminMode = 'normal' | 'users-flood' | 'huge-fields' | 'identities-flood';

/** 'huge-fields': the extra user, and the length of its default_role. */
export const HUGE_FIELDS_USER = 'HUGE_FIELDS';
export const HUGE_FIELD_CHARS = 1_000_000;
/** 'identities-flood': identities per listing. */
export const IDENTITY_FLOOD_SIZE = 1_000;

export interface AdminSimulatorOptions {
  /** Hostile answers (see the module comment); default 'normal'. */
  mode?: AdminMode;
  admins?: SimAdmin[];
  /** Keyed by user name as stored (upper case for unquoted names). A name not in the WIF user table adds a user. */
  profiles?: Record<string, SimUserProfile>;
  /** Role → the users it holds MONITOR on ('*': all). */
  monitor?: Record<string, '*' | string[]>;
  /**
   * Roles that hold APPLY AUTHENTICATION POLICY on the account and may read the network policies
   * (./snowflake-admin-gates.ts); ACCOUNTADMIN and SECURITYADMIN always do.
   */
  policyReaders?: string[];
}

export interface AdminStatement {
  user: string;
  role: string;
  sql: string;
  ok: boolean;
}

/** An authenticator's name in AUTHENTICATION_METHODS. */
const GATE_METHODS: Record<string, string> = { SNOWFLAKE_JWT: 'KEYPAIR', PROGRAMMATIC_ACCESS_TOKEN: 'PROGRAMMATIC_ACCESS_TOKEN', SNOWFLAKE: 'PASSWORD' };

export interface AdminLoginRecord {
  ok: boolean;
  authenticator: string;
  user?: string;
  message?: string;
  /** The gate that refused the login (./snowflake-gates.ts), and its policy. */
  gate?: SimGate;
  policy?: string;
}

/** The part of the simulator tests use. */
export interface AdminSimulator {
  /** Every statement an administrator session ran, in order. */
  statements: AdminStatement[];
  /** Every administrator login attempt. */
  logins: AdminLoginRecord[];
  grantMonitor(role: string, user: string | '*'): void;
  revokeMonitor(role: string, user: string): void;
  /** GRANT / REVOKE APPLY AUTHENTICATION POLICY ON ACCOUNT (and reading the network policies). */
  grantPolicyRead(role: string): void;
  revokePolicyRead(role: string): void;
  setProfile(user: string, profile: SimUserProfile): void;
  addAdmin(admin: SimAdmin): void;
  /** Hostile answers for SHOW (see the module comment). */
  setMode(mode: AdminMode): void;
  /** 'users-flood': how many users it has invented so far. */
  readonly flooded: number;
}

/** What snowflake.ts lends this module: its WIF user table, and how it stores a registered ARN. */
export interface AdminSideDeps {
  users: () => ReadonlyArray<{
    name: string;
    workloadIdentityArn?: string;
    workloadIdentityIssuer?: string;
    workloadIdentity?: { type: 'OIDC'; issuer: string; subject: string; audienceList?: string[] | undefined };
    azureIdentity?: { type: 'AZURE'; issuer: string; subject: string };
    gcpIdentity?: { type: 'GCP'; subject: string };
    defaultRole?: string;
    type?: string;
  }>;
  identityKey: (arn: string) => { partition: string; account: string; type: 'IAM_ROLE' | 'IAM_USER'; name: string } | undefined;
  /** The account ACCOUNT_NAME must name (case-insensitive); unset: any. */
  accountName?: string | undefined;
  /** The gates the simulator enforces (./snowflake-gates.ts), as audit's read statements show them. */
  gates?: () => Readonly<SimGates>;
}

export interface AdminSide {
  simulator: AdminSimulator;
  /** A non-WIF login body's `data`: Snowflake's answer. */
  /** `gate`: the network and authentication policy gates and the user's state (./snowflake-gates.ts), asked once the administrator is known. */
  login(url: URL, data: Record<string, unknown>, gate?: (user: string, method: string) => GateRefusal | undefined): Json;
  /** Whether `authorization` names a session opened here. */
  owns(headers: Record<string, string>): boolean;
  /** An authenticated request of such a session. */
  request(path: string, url: URL, headers: Record<string, string>, body: unknown): { status: number; body: Json };
  /** The WIF user table changed in place (a user's identity replaced): list it afresh. */
  usersChanged(): void;
}

interface AdminSession {
  token: string;
  user: SimAdmin;
  role: string;
  accountName: string;
}

interface ListedUser {
  name: string;
  type: string | null;
  disabled: boolean;
  defaultRole: string | null;
  comment: string;
  createdOn: string;
  identities: Array<Required<Pick<SimIdentity, 'name'>> & Omit<SimIdentity, 'name'>>;
  admin: boolean;
}

export const ADMIN_CODES = {
  INCORRECT_USERNAME_PASSWORD: '390100',
  JWT_INVALID: '390144',
  ROLE_NOT_GRANTED: '390189',
  SESSION_TOKEN_INVALID: '390104',
  OBJECT_NOT_FOUND: '002003',
  INSUFFICIENT_PRIVILEGES: '003001',
  SQL_COMPILATION_ERROR: '001003',
} as const;

const SEEDED_CREATED_ON = '2025-01-15T09:30:00.000Z';
const ALL_MONITOR_ROLES = ['ACCOUNTADMIN', 'SECURITYADMIN'];

/** `"Quoted"` → exact, unquoted → upper case (Snowflake's identifier rule). */
function identifier(raw: string): string {
  const t = raw.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t.toUpperCase();
}

function literal(raw: string): string {
  return raw.slice(1, -1).replace(/''/g, "'").replace(/\\\\/g, '\\');
}

const IDENT = String.raw`("(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const LITERAL = String.raw`('(?:[^'\\]|''|\\.)*')`;

export function createAdminSide(options: AdminSimulatorOptions, deps: AdminSideDeps): AdminSide {
  const admins: SimAdmin[] = (options.admins ?? []).map((admin) => ({ ...admin }));
  const profiles = new Map<string, SimUserProfile>(Object.entries(options.profiles ?? {}));
  const monitor = new Map<string, '*' | Set<string>>();
  for (const role of ALL_MONITOR_ROLES) monitor.set(role, '*');
  for (const [role, users] of Object.entries(options.monitor ?? {})) monitor.set(role.toUpperCase(), users === '*' ? '*' : new Set(users));
  const policyReaders = new Set([...ALL_MONITOR_ROLES, ...(options.policyReaders ?? []).map((role) => role.toUpperCase())]);
  const sessions = new Map<string, AdminSession>();
  const statements: AdminStatement[] = [];
  const logins: AdminLoginRecord[] = [];
  let version = 0;
  let mode: AdminMode = options.mode ?? 'normal';
  let flooded = 0;
  let index: { key: string; byName: Map<string, ListedUser>; sorted: ListedUser[] } | undefined;

  const iso = (value: string | null | undefined) => (value === undefined || value === null ? null : value);

  /** The account's users, as SHOW USERS sees them (cached until something changes). */
  const listing = () => {
    const table = deps.users();
    const key = `${version}:${table.length}`;
    if (index?.key === key) return index;
    const byName = new Map<string, ListedUser>();
    for (const user of table) {
      const name = user.name.toUpperCase();
      const profile = profiles.get(name) ?? {};
      const identities: ListedUser['identities'] = [];
      if (user.workloadIdentityArn) {
        identities.push({
          name: 'DEFAULT',
          arn: user.workloadIdentityArn,
          lastUsed: iso(profile.lastUsed),
          createdOn: profile.createdOn ?? SEEDED_CREATED_ON,
          ...((profile.issuer ?? user.workloadIdentityIssuer) ? { issuer: profile.issuer ?? user.workloadIdentityIssuer } : {}),
          ...(profile.defaultDisabled ? { disabled: true } : {}),
        });
      } else if (user.workloadIdentity?.type === 'OIDC') {
        const { issuer, subject, audienceList } = user.workloadIdentity;
        identities.push({
          name: 'DEFAULT',
          oidc: { issuer, subject, audienceList: [...(audienceList ?? [])] },
          lastUsed: iso(profile.lastUsed),
          createdOn: profile.createdOn ?? SEEDED_CREATED_ON,
          ...(profile.defaultDisabled ? { disabled: true } : {}),
        });
      }
      if (user.azureIdentity) {
        identities.push({ name: 'DEFAULT', azure: { issuer: user.azureIdentity.issuer, subject: user.azureIdentity.subject }, lastUsed: iso(profile.lastUsed), createdOn: profile.createdOn ?? SEEDED_CREATED_ON });
      }
      if (user.gcpIdentity) {
        identities.push({ name: 'DEFAULT', gcp: { subject: user.gcpIdentity.subject }, lastUsed: iso(profile.lastUsed), createdOn: profile.createdOn ?? SEEDED_CREATED_ON, ...(profile.defaultDisabled ? { disabled: true } : {}) });
      }
      identities.push(...(profile.identities ?? []));
      byName.set(name, listed(name, profile, user.type ?? 'SERVICE', user.defaultRole, identities));
    }
    for (const [name, profile] of profiles) {
      if (!byName.has(name)) byName.set(name, listed(name, profile, 'SERVICE', undefined, profile.identities ?? []));
    }
    for (const admin of admins) {
      const name = admin.name.toUpperCase();
      if (!byName.has(name)) byName.set(name, { ...listed(name, {}, admin.type ?? 'PERSON', admin.defaultRole, []), admin: true });
    }
    const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    index = { key, byName, sorted };
    return index;
  };

  const listed = (name: string, profile: SimUserProfile, type: string, defaultRole: string | undefined, identities: ListedUser['identities']): ListedUser => ({
    name,
    type: profile.type === undefined ? type : profile.type,
    disabled: profile.disabled ?? false,
    defaultRole: profile.defaultRole ?? defaultRole ?? null,
    comment: profile.comment ?? '',
    createdOn: SEEDED_CREATED_ON,
    identities,
    admin: false,
  });

  const rolesOf = (admin: SimAdmin) => new Set(['PUBLIC', ...(admin.roles ?? []), ...(admin.defaultRole ? [admin.defaultRole] : [])].map((role) => role.toUpperCase()));

  const mayMonitor = (session: AdminSession, user: string) => {
    if (user === session.user.name.toUpperCase()) return true;
    const grant = monitor.get(session.role);
    return grant === '*' || (grant !== undefined && grant.has(user));
  };

  const refuse = (authenticator: string, code: string, message: string, user?: string): Json => {
    logins.push({ ok: false, authenticator, message, ...(user ? { user } : {}) });
    return { data: { nextAction: 'RETRY_LOGIN', authnMethod: authenticator }, code, message, success: false };
  };

  const login = (url: URL, data: Record<string, unknown>, gate?: (user: string, method: string) => GateRefusal | undefined): Json => {
    const authenticator = typeof data['AUTHENTICATOR'] === 'string' ? data['AUTHENTICATOR'].toUpperCase() : 'SNOWFLAKE';
    const loginName = typeof data['LOGIN_NAME'] === 'string' ? data['LOGIN_NAME'] : '';
    const token = typeof data['TOKEN'] === 'string' ? data['TOKEN'] : '';
    const accountName = typeof data['ACCOUNT_NAME'] === 'string' ? data['ACCOUNT_NAME'] : '';
    const wrong = () => refuse(authenticator, ADMIN_CODES.INCORRECT_USERNAME_PASSWORD, 'Incorrect username or password was specified.', loginName || undefined);
    let admin: SimAdmin | undefined;
    if (authenticator === 'SNOWFLAKE_JWT') {
      const verdict = verifyKeyPairJwt(token, accountName, loginName, admins);
      if (!verdict.ok) return refuse(authenticator, ADMIN_CODES.JWT_INVALID, `JWT token is invalid. [${verdict.why}]`, loginName || undefined);
      admin = verdict.admin;
    } else if (authenticator === 'PROGRAMMATIC_ACCESS_TOKEN') {
      admin = admins.find((candidate) => (candidate.pats ?? []).includes(token) && (!loginName || candidate.name.toUpperCase() === loginName.toUpperCase()));
      if (!admin) return refuse(authenticator, ADMIN_CODES.INCORRECT_USERNAME_PASSWORD, 'Programmatic access token is invalid.', loginName || undefined);
    } else if (authenticator === 'SNOWFLAKE') {
      // A PAT is accepted where a password goes, as Snowflake documents (user-guide/programmatic-access-tokens).
      const password = typeof data['PASSWORD'] === 'string' ? data['PASSWORD'] : '';
      admin = admins.find(
        (candidate) =>
          candidate.name.toUpperCase() === loginName.toUpperCase() &&
          password !== '' &&
          ((candidate.password !== undefined && candidate.password === password) || (candidate.pats ?? []).includes(password)),
      );
      if (!admin) return wrong();
    } else {
      return wrong();
    }
    const refusal = gate?.(admin.name, GATE_METHODS[authenticator] ?? authenticator);
    if (refusal) {
      logins.push({ ok: false, authenticator, message: refusal.message, user: admin.name.toUpperCase(), gate: refusal.gate, ...(refusal.policy ? { policy: refusal.policy } : {}) });
      return { data: { nextAction: 'RETRY_LOGIN', authnMethod: authenticator, ...(refusal.sqlState ? { sqlState: refusal.sqlState } : {}) }, code: refusal.code, message: refusal.message, success: false };
    }
    const requested = url.searchParams.get('roleName');
    const role = requested ? identifier(requested) : (admin.defaultRole ?? 'PUBLIC').toUpperCase();
    if (!rolesOf(admin).has(role)) {
      return refuse(
        authenticator,
        ADMIN_CODES.ROLE_NOT_GRANTED,
        `Role '${role}' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
        admin.name,
      );
    }
    const session: AdminSession = { token: `sim-admin-${randomBytes(24).toString('base64url')}`, user: admin, role, accountName: accountNameOf(deps.accountName ?? accountName) };
    sessions.set(session.token, session);
    logins.push({ ok: true, authenticator, user: admin.name.toUpperCase() });
    return {
      data: {
        token: session.token,
        masterToken: `sim-admin-master-${randomBytes(24).toString('base64url')}`,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        displayUserName: admin.name.toUpperCase(),
        serverVersion: '9.0.0-simulator',
        sessionId: randomInt(1, 2 ** 47),
        parameters: [{ name: 'TIMEZONE', value: 'Etc/UTC' }],
        sessionInfo: { databaseName: null, schemaName: null, warehouseName: null, roleName: role },
      },
      code: null,
      message: null,
      success: true,
    };
  };

  const sessionOf = (headers: Record<string, string>) => {
    const token = /^Snowflake Token="([^"]*)"$/.exec(headers['authorization'] ?? '')?.[1];
    return token ? sessions.get(token) : undefined;
  };

  const run = (session: AdminSession, sqlText: string): Result => {
    const sql = sqlText.trim().replace(/;\s*$/, '').trim();
    let match: RegExpExecArray | null;
    const gated = deps.gates
      ? answerGateStatement(sql, {
          gates: deps.gates(),
          accountName: session.accountName,
          mayReadPolicies: policyReaders.has(session.role),
          mayMonitor: (user) => mayMonitor(session, user),
          userExists: (user) => listing().byName.has(user),
        })
      : undefined;
    if (gated) return 'error' in gated ? gated : table(gated.columns, gated.rows, { created_on: 'timestamp_ltz' });
    if ((match = /^SELECT\s+(.+)$/is.exec(sql))) return selectSession(session, match[1] ?? '');
    if ((match = new RegExp(`^USE\\s+ROLE\\s+${IDENT}$`, 'i').exec(sql))) {
      const role = identifier(match[1] ?? '');
      if (!rolesOf(session.user).has(role)) return sqlError(ADMIN_CODES.OBJECT_NOT_FOUND, `SQL compilation error:\nRole '${role}' does not exist or not authorized.`);
      session.role = role;
      return statusResult();
    }
    if (/^ALTER\s+SESSION\s+(SET|UNSET)\s/i.test(sql)) return statusResult();
    if ((match = new RegExp(`^SHOW\\s+USERS(?:\\s+LIKE\\s+${LITERAL})?(?:\\s+LIMIT\\s+(\\d+)(?:\\s+FROM\\s+${LITERAL})?)?$`, 'i').exec(sql))) {
      return showUsers(match[1] === undefined ? undefined : literal(match[1]), match[2] === undefined ? undefined : Number(match[2]), match[3] === undefined ? undefined : literal(match[3]));
    }
    if ((match = new RegExp(`^SHOW\\s+USER\\s+WORKLOAD\\s+IDENTITY\\s+AUTHENTICATION\\s+METHODS(?:\\s+FOR\\s+USER\\s+${IDENT})?$`, 'i').exec(sql))) {
      const name = match[1] === undefined ? session.user.name.toUpperCase() : identifier(match[1]);
      const user = listing().byName.get(name);
      if (!user) return sqlError(ADMIN_CODES.OBJECT_NOT_FOUND, `SQL compilation error:\nUser '${name}' does not exist or not authorized.`);
      if (!mayMonitor(session, name)) return sqlError(ADMIN_CODES.INSUFFICIENT_PRIVILEGES, `SQL access control error:\nInsufficient privileges to operate on user '${name}'`);
      return identityRows(user);
    }
    if ((match = new RegExp(`^(?:DESC|DESCRIBE)\\s+USER\\s+${IDENT}$`, 'i').exec(sql))) {
      const name = identifier(match[1] ?? '');
      const user = listing().byName.get(name);
      if (!user) return sqlError(ADMIN_CODES.OBJECT_NOT_FOUND, `SQL compilation error:\nUser '${name}' does not exist or not authorized.`);
      const properties: Array<[string, string]> = [
        ['NAME', user.name],
        ['TYPE', user.type ?? 'null'],
        ['DISABLED', String(disabledNow(user))],
        ['DEFAULT_ROLE', user.defaultRole ?? 'null'],
        ['HAS_WORKLOAD_IDENTITY', String(user.identities.length > 0)],
      ];
      return table(['property', 'value'], properties);
    }
    // The writes a test bed needs (named identities, grants): recorded like everything else.
    if ((match = new RegExp(`^ALTER\\s+USER\\s+${IDENT}\\s+MODIFY\\s+WORKLOAD\\s+IDENTITY\\s+${IDENT}\\s+SET\\s+DISABLED\\s*=\\s*(TRUE|FALSE)$`, 'i').exec(sql))) {
      const profile = profiles.get(identifier(match[1] ?? '')) ?? {};
      const name = identifier(match[2] ?? '');
      const disabled = (match[3] ?? '').toUpperCase() === 'TRUE';
      if (name === 'DEFAULT') profile.defaultDisabled = disabled;
      else for (const identity of profile.identities ?? []) if (identity.name.toUpperCase() === name) identity.disabled = disabled;
      profiles.set(identifier(match[1] ?? ''), profile);
      version++;
      return statusResult();
    }
    if ((match = new RegExp(`^GRANT\\s+MONITOR\\s+ON\\s+USER\\s+${IDENT}\\s+TO\\s+ROLE\\s+${IDENT}$`, 'i').exec(sql))) {
      simulator.grantMonitor(identifier(match[2] ?? ''), identifier(match[1] ?? ''));
      return statusResult();
    }
    return sqlError(ADMIN_CODES.SQL_COMPILATION_ERROR, 'SQL compilation error: the Snowflake simulator does not support this statement.');
  };

  const SHOW_USERS_COLUMNS = ['name', 'created_on', 'login_name', 'display_name', 'comment', 'disabled', 'default_role', 'owner', 'has_password', 'has_rsa_public_key', 'type', 'has_workload_identity'];
  /** DISABLED as the profile says, or as the gates say (ALTER USER … SET DISABLED = TRUE refuses logins: ./snowflake-gates.ts). */
  const disabledByGates = () => new Set(Object.entries(deps.gates?.().users ?? {}).flatMap(([name, gates]) => (gates.disabled === true ? [name.toUpperCase()] : [])));
  const disabledNow = (user: ListedUser, gated: ReadonlySet<string> = disabledByGates()) => user.disabled || gated.has(user.name);
  const userRow = (user: ListedUser, gated: ReadonlySet<string>): Array<string | null> => [user.name, user.createdOn, user.name, user.name, user.comment, String(disabledNow(user, gated)), user.defaultRole ?? '', 'USERADMIN', String(user.admin), String(user.admin), user.type, String(user.identities.length > 0)];

  const showUsers = (like: string | undefined, limit: number | undefined, from: string | undefined): Result => {
    if (mode === 'users-flood') {
      // New names, ascending, so each page is after FROM and a client paging by name never sees the end.
      const page = Array.from({ length: limit ?? 2_000 }, () => {
        const name = `FLOOD_${String(++flooded).padStart(9, '0')}`;
        return listed(name, {}, 'SERVICE', undefined, flooded % 10 === 0 ? [{ name: 'DEFAULT', arn: `arn:aws:iam::123456789012:role/${name.toLowerCase()}` }] : []);
      });
      return table(SHOW_USERS_COLUMNS, page.map((user) => userRow(user, new Set())), { created_on: 'timestamp_ltz' });
    }
    let users = listing().sorted;
    const gated = disabledByGates();
    if (mode === 'huge-fields') users = [...users, { ...listed(HUGE_FIELDS_USER, {}, 'SERVICE', 'R'.repeat(HUGE_FIELD_CHARS), []), identities: [{ name: 'DEFAULT', arn: 'arn:aws:iam::123456789012:role/huge' }] }].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (like !== undefined) {
      const pattern = new RegExp(`^${like.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'is');
      users = users.filter((user) => pattern.test(user.name));
    }
    if (from !== undefined) users = users.filter((user) => user.name > from);
    if (limit !== undefined) users = users.slice(0, limit);
    return table(SHOW_USERS_COLUMNS, users.map((user) => userRow(user, gated)), { created_on: 'timestamp_ltz' });
  };

  const identityRows = (user: ListedUser): Result =>
    table(
      ['name', 'type', 'comment', 'last_used', 'created_on', 'additional_info'],
      (mode === 'identities-flood' ? Array.from({ length: IDENTITY_FLOOD_SIZE }, (_, i) => ({ name: `FLOOD_${i}`, arn: `arn:aws:iam::123456789012:role/flood-${i}` })) : user.identities).map((identity: ListedUser['identities'][number]) => {
        if (identity.gcp) {
          const gcp: Record<string, Json> = { subject: identity.gcp.subject, ...(identity.disabled ? { disabled: true } : {}) };
          return [identity.name, 'GCP', identity.comment ?? '', identity.lastUsed ?? null, identity.createdOn ?? SEEDED_CREATED_ON, JSON.stringify(gcp)];
        }
        if (identity.oidc) {
          const oidc: Record<string, Json> = { issuer: identity.oidc.issuer, subject: identity.oidc.subject, audienceList: [...(identity.oidc.audienceList ?? [])] };
          if (identity.disabled) oidc['disabled'] = true;
          return [identity.name, 'OIDC', identity.comment ?? '', identity.lastUsed ?? null, identity.createdOn ?? SEEDED_CREATED_ON, JSON.stringify(oidc)];
        }
        if (identity.azure) {
          return [identity.name, 'AZURE', identity.comment ?? '', identity.lastUsed ?? null, identity.createdOn ?? SEEDED_CREATED_ON, JSON.stringify({ issuer: identity.azure.issuer, subject: identity.azure.subject, ...(identity.disabled ? { disabled: true } : {}) })];
        }
        const key = identity.key ?? (identity.arn ? deps.identityKey(identity.arn) : undefined);
        const info: Record<string, Json> = key ? { awsPartition: key.partition, awsAccount: key.account, type: key.type, iamRole: key.name } : {};
        if (identity.issuer) info['issuer'] = identity.issuer;
        if (identity.disabled) info['disabled'] = true;
        return [identity.name, 'AWS', identity.comment ?? '', identity.lastUsed ?? null, identity.createdOn ?? SEEDED_CREATED_ON, JSON.stringify(info)];
      }),
      { last_used: 'timestamp_ltz', created_on: 'timestamp_ltz' },
    );

  const simulator: AdminSimulator = {
    statements,
    logins,
    grantMonitor(role, user) {
      const upper = role.toUpperCase();
      const current = monitor.get(upper);
      if (user === '*') monitor.set(upper, '*');
      else if (current !== '*') monitor.set(upper, new Set([...(current ?? []), user]));
    },
    revokeMonitor(role, user) {
      const current = monitor.get(role.toUpperCase());
      if (current === '*') monitor.set(role.toUpperCase(), new Set([...listing().byName.keys()].filter((name) => name !== user)));
      else current?.delete(user);
    },
    grantPolicyRead(role) {
      policyReaders.add(role.toUpperCase());
    },
    revokePolicyRead(role) {
      if (!ALL_MONITOR_ROLES.includes(role.toUpperCase())) policyReaders.delete(role.toUpperCase());
    },
    setProfile(user, profile) {
      profiles.set(user, profile);
      version++;
    },
    addAdmin(admin) {
      admins.push({ ...admin });
      version++;
    },
    setMode(next) {
      mode = next;
    },
    get flooded() {
      return flooded;
    },
  };

  return {
    simulator,
    login,
    owns: (headers) => sessionOf(headers) !== undefined,
    usersChanged: () => {
      version++;
    },
    request(path, url, headers, body) {
      const session = sessionOf(headers);
      if (!session) return { status: 401, body: { data: null, code: ADMIN_CODES.SESSION_TOKEN_INVALID, message: 'Session token is invalid or expired. Log in again.', success: false } };
      if (path === '/session' && url.searchParams.get('delete') === 'true') {
        sessions.delete(session.token);
        return { status: 200, body: { data: null, code: null, message: null, success: true } };
      }
      if (path !== '/queries/v1/query-request') return { status: 200, body: { data: null, code: null, message: null, success: true } };
      const sqlText = body && typeof body === 'object' && typeof (body as { sqlText?: unknown }).sqlText === 'string' ? (body as { sqlText: string }).sqlText : '';
      const result = run(session, sqlText);
      statements.push({ user: session.user.name.toUpperCase(), role: session.role, sql: sqlText, ok: !('error' in result) });
      return { status: 200, body: answer(result, session) };
    },
  };
}

type ColumnType = 'text' | 'timestamp_ltz';
type Result = { columns: string[]; types: ColumnType[]; rows: Array<Array<string | null>> } | { error: { code: string; message: string } };

function table(columns: string[], rows: Array<Array<string | null>>, types: Record<string, ColumnType> = {}): Result {
  const typesOf = columns.map((column) => types[column] ?? 'text');
  // TIMESTAMP_LTZ travels as "<epoch seconds>.<nanoseconds>" (snowflake-sdk result/column.js).
  const converted = rows.map((row) => row.map((value, i) => (typesOf[i] === 'timestamp_ltz' && value !== null ? epochText(value) : value)));
  return { columns, types: typesOf, rows: converted };
}

function epochText(isoText: string): string {
  const ms = Date.parse(isoText);
  return Number.isFinite(ms) ? `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1_000_000).padStart(9, '0')}` : isoText;
}

function statusResult(): Result {
  return table(['status'], [['Statement executed successfully.']]);
}

function sqlError(code: string, message: string): Result {
  return { error: { code, message } };
}

const SESSION_FUNCTIONS: Record<string, (session: AdminSession) => string | null> = {
  CURRENT_USER: (session) => session.user.name.toUpperCase(),
  CURRENT_ROLE: (session) => session.role,
  CURRENT_ACCOUNT_NAME: (session) => session.accountName,
};

function selectSession(session: AdminSession, list: string): Result {
  const columns: string[] = [];
  const values: Array<string | null> = [];
  for (const item of list.split(',')) {
    const match = /^\s*([A-Za-z_]+)\s*\(\s*\)(?:\s+(?:AS\s+)?([A-Za-z_][\w$]*))?\s*$/i.exec(item);
    const fn = match ? SESSION_FUNCTIONS[(match[1] ?? '').toUpperCase()] : undefined;
    if (!match || !fn) return sqlError(ADMIN_CODES.SQL_COMPILATION_ERROR, `SQL compilation error: the Snowflake simulator does not support '${item.trim()}'.`);
    columns.push((match[2] ?? `${match[1] ?? ''}()`).toUpperCase());
    values.push(fn(session));
  }
  return table(columns, [values]);
}

function answer(result: Result, session: AdminSession): Json {
  const queryId = randomUUID();
  if ('error' in result) {
    return {
      data: { internalError: false, errorCode: result.error.code, age: 0, sqlState: result.error.code === ADMIN_CODES.INSUFFICIENT_PRIVILEGES ? '42501' : '42000', queryId, line: -1, pos: -1, type: 'COMPILATION' },
      code: result.error.code,
      message: result.error.message,
      success: false,
    };
  }
  return {
    data: {
      parameters: [{ name: 'TIMEZONE', value: 'Etc/UTC' }],
      rowtype: result.columns.map((name, i) => {
        const type = result.types[i] ?? 'text';
        return { name, database: '', schema: '', table: '', nullable: true, type, byteLength: type === 'text' ? 16777216 : null, length: type === 'text' ? 16777216 : null, precision: type === 'text' ? null : 0, scale: type === 'text' ? null : 9, collation: null };
      }),
      rowset: result.rows,
      total: result.rows.length,
      returned: result.rows.length,
      queryId,
      finalRoleName: session.role,
      statementTypeId: 0x1000,
      version: 1,
      sendResultTime: Date.now(),
      queryResultFormat: 'json',
    },
    code: null,
    message: null,
    success: true,
  };
}

function accountNameOf(identifier: string): string {
  const dash = identifier.indexOf('-');
  return (dash > 0 ? identifier.slice(dash + 1) : identifier).toUpperCase();
}

/** `SHA256:<base64>` of the DER SPKI public key, as snowflake-sdk and Snowflake compute it. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** Verifies the driver's key-pair JWT against the registered public keys (node:crypto, RS256). */
export function verifyKeyPairJwt(token: string, accountName: string, loginName: string, admins: readonly SimAdmin[]): { ok: true; admin: SimAdmin } | { ok: false; why: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, why: 'not a JWT' };
  const [head = '', body = '', signature = ''] = parts;
  let header: { alg?: unknown };
  let payload: { iss?: unknown; sub?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown };
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iss?: unknown; sub?: unknown; exp?: unknown };
  } catch {
    return { ok: false, why: 'unreadable JWT' };
  }
  if (header.alg !== 'RS256') return { ok: false, why: 'alg must be RS256' };
  if (typeof payload.iss !== 'string' || typeof payload.sub !== 'string') return { ok: false, why: 'iss and sub are required' };
  const [issAccount, issUser, fingerprint] = payload.iss.split('.');
  const account = accountName.split('.')[0]?.toUpperCase() ?? '';
  if (issAccount !== account || payload.sub !== `${account}.${issUser ?? ''}` || (loginName && issUser !== loginName.toUpperCase())) return { ok: false, why: 'iss/sub do not name this account and user' };
  // snowflake-sdk 3.3.0 puts exp in milliseconds; the JWT standard says seconds.
  const exp = typeof payload.exp === 'number' ? (payload.exp > 1e11 ? payload.exp : payload.exp * 1000) : 0;
  if (exp < Date.now()) return { ok: false, why: 'expired' };
  const admin = admins.find((candidate) => candidate.name.toUpperCase() === issUser && candidate.publicKeyPem !== undefined);
  if (!admin?.publicKeyPem) return { ok: false, why: 'no public key registered for the user' };
  if (publicKeyFingerprint(admin.publicKeyPem) !== fingerprint) return { ok: false, why: 'the public key fingerprint does not match' };
  const valid = verify('RSA-SHA256', Buffer.from(`${head}.${body}`), createPublicKey(admin.publicKeyPem), Buffer.from(signature, 'base64url'));
  return valid ? { ok: true, admin } : { ok: false, why: 'bad signature' };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A seeded account for tests, the demo and the sandbox: one user per finding (see the comments),
 * an administrator `AUDITOR` (default role SECURITYADMIN: MONITOR on all; role AUDIT_ROLE: MONITOR
 * on all but HIDDEN_SVC) who logs in with `admin` (a key, a PAT, a password).
 */
export function seededAuditAccount(admin: Omit<SimAdmin, 'name' | 'defaultRole' | 'roles'>, now = Date.now()): {
  users: Array<{ name: string; workloadIdentityArn?: string; defaultRole?: string; type?: 'SERVICE' | 'PERSON' }>;
  admin: AdminSimulatorOptions;
} {
  const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const users = [
    // PATH_SEGMENT_ROLE (+ NEVER_USED): the console's role/service-role/… ARN.
    { name: 'LAMBDA_LOADER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/service-role/my-fn-role', defaultRole: 'LOADER' },
    // STALE
    { name: 'ETL_OLD', workloadIdentityArn: 'arn:aws:iam::123456789012:role/etl-role' },
    // NOT_SERVICE_USER
    { name: 'ANALYST_BOT', workloadIdentityArn: 'arn:aws:iam::123456789012:role/analyst', type: 'PERSON' as const },
    // NO_ISSUER only
    { name: 'CI_SMOKE', workloadIdentityArn: 'arn:aws:iam::123456789012:role/ci-smoke-role' },
    // nothing to say: JWT-ready, used yesterday
    { name: 'JWT_READY', workloadIdentityArn: 'arn:aws:iam::123456789012:role/jwt-role' },
    // USER_DISABLED
    { name: 'DISABLED_SVC', workloadIdentityArn: 'arn:aws:iam::123456789012:role/disabled-role' },
    // IDENTITY_DISABLED (named identity OLD_KEY)
    { name: 'MULTI', workloadIdentityArn: 'arn:aws:iam::123456789012:role/multi-role' },
    // FOREIGN_AWS_ACCOUNT (with --aws-account 123456789012)
    { name: 'PARTNER', workloadIdentityArn: 'arn:aws:iam::210987654321:role/partner-role' },
    // PATH_SEGMENT_ROLE: an SSO role registered with its aws-reserved/… path
    { name: 'SSO_USER', workloadIdentityArn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc123' },
    // an IAM user
    { name: 'ALICE_SVC', workloadIdentityArn: 'arn:aws:iam::123456789012:user/division/alice' },
    // INSUFFICIENT_PRIVILEGES as AUDIT_ROLE
    { name: 'HIDDEN_SVC', workloadIdentityArn: 'arn:aws:iam::123456789012:role/hidden-role' },
    // no workload identity at all
    { name: 'PLAIN_PERSON', type: 'PERSON' as const },
  ];
  const recent = { lastUsed: ago(1), issuer: 'https://a1b2c3d4-0000-4000-8000-000000000000.tokens.sts.global.api.aws' };
  const profiles: Record<string, SimUserProfile> = {
    ETL_OLD: { lastUsed: ago(212), issuer: recent.issuer },
    ANALYST_BOT: recent,
    CI_SMOKE: { lastUsed: ago(2) },
    JWT_READY: recent,
    DISABLED_SVC: { ...recent, disabled: true },
    MULTI: { ...recent, identities: [{ name: 'OLD_KEY', arn: 'arn:aws:iam::123456789012:role/multi-old-role', disabled: true, lastUsed: ago(3), issuer: recent.issuer }] },
    PARTNER: recent,
    SSO_USER: { lastUsed: null, issuer: recent.issuer },
    ALICE_SVC: recent,
    HIDDEN_SVC: recent,
  };
  const monitored = users.map((user) => user.name).filter((name) => name !== 'HIDDEN_SVC');
  return {
    users,
    admin: { admins: [{ ...admin, name: 'AUDITOR', defaultRole: 'SECURITYADMIN', roles: ['AUDIT_ROLE'] }], profiles, monitor: { AUDIT_ROLE: monitored } },
  };
}
