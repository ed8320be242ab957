/**
 * A local Snowflake endpoint that accepts workload identity federation (WIF) logins from AWS (the
 * classic attestation here, the JWT method in ./snowflake-jwt.ts) and from OIDC issuers
 * (PROVIDER 'OIDC', TOKEN the ID token: ./snowflake-oidc.ts, with users registered through
 * `SimUser.workloadIdentity`).
 *
 * What it mirrors, and where that comes from:
 * - The wire format is what snowflake-sdk 3.3.0 speaks (dist/lib/services/sf.js,
 *   dist/lib/connection/statement.js, dist/lib/connection/result/result.js, dist/lib/http/base.js):
 *   `POST /session/v1/login-request` with a JSON body `{ data: { ACCOUNT_NAME, AUTHENTICATOR,
 *   PROVIDER, TOKEN, CLIENT_APP_ID, … } }`, answered `{ success, code, message, data }` with HTTP
 *   200 also for failures; `POST /queries/v1/query-request` with `Authorization: Snowflake
 *   Token="…"`; `POST /session?delete=true`; `POST /telemetry/send`. Answers are JSON with
 *   `Content-Type: application/json` (the driver only parses bodies with that type).
 * - The WIF check follows the Snowflake docs (user-guide/workload-identity-federation) and the
 *   driver's attestation code (auth_workload_identity/attestation_aws.js): TOKEN is
 *   base64(JSON `{url, method, headers}`) of a SigV4-signed `POST https://sts.<region>.amazonaws.com/
 *   ?Action=GetCallerIdentity&Version=2011-06-15` carrying `x-snowflake-audience:
 *   snowflakecomputing.com`. Snowflake replays it to STS; so does this simulator (./sts-replay.ts),
 *   over HTTP, to the STS it is given (`stsUrl`: the test bed's STS simulator, or any endpoint
 *   that speaks STS) or to an STS simulator of its own, and takes the caller from the answer.
 * - User matching follows what Snowflake is known to store (SHOW USER WORKLOAD IDENTITY
 *   AUTHENTICATION METHODS: partition, account, type IAM_ROLE | IAM_USER, name — never the full ARN)
 *   and what was observed in a trial: a registered `role/<path>/<name>` ARN is stored as the role
 *   named by the FIRST path segment (`role/service-role/my-fn-role` → role `service-role`), and a
 *   second user with the same reduced identity is refused with "AWS Authenticator for AWS Account
 *   '…' and IAM role '…' already exists". For `user/<path>/<name>` this simulator assumes the user
 *   NAME (last segment) is stored — not observed either way.
 *
 * What is NOT known and is invented here (do not rely on it against real Snowflake):
 * - the numeric codes of WIF failures (see SIM_CODES: only the message of the unmapped-caller
 *   failure is known to match the real one);
 * - the wording when the attestation does not verify, or when ACCOUNT_NAME names another account
 *   (real Snowflake routes by host name, so a wrong account usually means a wrong host and an HTTP
 *   403 from the front end — use mode 'http403' for that). This simulator answers a mismatched
 *   ACCOUNT_NAME with `success: false` and "Account '<name>' does not exist or is not authorized.";
 * - role grants: any role named in `?roleName=` or `USE ROLE` is accepted.
 *
 * The gates before the mapping (./snowflake-gates.ts, option `gates`, `simulator.gates`): network
 * policies by the client's address, authentication policies (account, FOR ALL SERVICE USERS, user)
 * and disabled or locked users, for every login (AWS attestation, AWS JWT, OIDC, administrators),
 * answered with Snowflake's own codes and messages where they are known (390422, 390202); the
 * disabled/locked wording is the simulator's own (Snowflake's is not known).
 *
 * Modes: 'hang' accepts requests and never answers; 'http403' | 'http404' | 'http500' answer every
 * request with that status and an HTML body, as a proxy or front end would.
 * Hostile modes, for the security tests (issue 9; docs/security.md), each acting on the login or
 * the identity query as a malicious or broken server could:
 * - 'redirect': the login is answered `307` (or `redirectStatus`) with `Location: redirectTo`;
 * - 'echo-token': the login is refused with a message that echoes TOKEN, the decoded attestation
 *   and its signed headers (a server fishing for the client to print its credential);
 * - 'huge': the login is answered 200 `application/json` with an endless body (until the client
 *   goes away, at most HUGE_BODY_LIMIT bytes);
 * - 'html200': the login is answered 200 with an HTML page (a captive portal or a wrong host);
 * - 'no-row': logins work, the identity query answers no row;
 * - 'escape-identity': logins work, CURRENT_USER()/CURRENT_ROLE()/CURRENT_ACCOUNT_NAME() return
 *   terminal escape sequences (a retitle, a cleared screen, a fake "✔ WIF login works" line);
 * - 'escape-message': the login is refused with such a message;
 * - 'link-message': the login is refused with a message full of things GitHub would link
 *   (HOSTILE_LINK_TEXT: a URL, a `www.` host, an e-mail address), for the job summary.
 * The simulator never writes to the console and never records tokens.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { defaultIdentityTable, type TestIdentity } from './credentials.js';
import { baseUrl, flatHeaders, readBody, startHttpServer } from './http-util.js';
import { lowerCaseHeaders } from './sigv4.js';
import { startStsSimulator, type StsSimulator } from './sts.js';
import { replayAttestation } from './sts-replay.js';
import { looksLikeJwt, verifyJwtLogin } from './snowflake-jwt.js';
import { AZURE_UNMAPPED_REASONS, verifyAzureLogin, type AzureRefusalReason, type AzureSimRegistration } from './snowflake-azure.js';
import { OIDC_ISSUER_MAX_LENGTH, OIDC_SUBJECT_MAX_LENGTH, OIDC_UNMAPPED_REASONS, createOidcKeyCache, verifyOidcLogin, type OidcRefusalReason, type OidcRegistration } from './snowflake-oidc.js';
import { createGates, normalizeAddress, type Gates, type SimAuthenticationRule, type SimGate, type SimGates } from './snowflake-gates.js';
import { createAdminSide, type AdminSimulator, type AdminSimulatorOptions } from './snowflake-admin.js';

export interface SimUser {
  name: string;
  /** The ARN given in `WORKLOAD_IDENTITY = ( TYPE = AWS ARN = '…' )`. */
  workloadIdentityArn?: string;
  /** Its `ISSUER = '…'` (the JWT method, ./snowflake-jwt.ts); a user without one never matches a token. */
  workloadIdentityIssuer?: string;
  /**
   * `WORKLOAD_IDENTITY = ( TYPE = OIDC ISSUER = '…' SUBJECT = '…' [OIDC_AUDIENCE_LIST = ( … )] )`
   * (./snowflake-oidc.ts). A user holds one workload identity: this or workloadIdentityArn.
   */
  workloadIdentity?: OidcRegistration;
  /** `WORKLOAD_IDENTITY = ( TYPE = AZURE ISSUER = '…' SUBJECT = '…' )` (./snowflake-azure.ts); instead of the others. */
  azureIdentity?: AzureSimRegistration;
  defaultRole?: string;
  /** Default 'SERVICE'. PERSON users are never matched by a WIF login (WIF needs TYPE = SERVICE). */
  type?: 'SERVICE' | 'PERSON';
  /**
   * Roles granted to the user besides PUBLIC and its DEFAULT_ROLE: a login (`?roleName=`) or USE
   * ROLE naming another is refused as Snowflake refuses it (390189). Unset: any role is accepted.
   */
  grantedRoles?: string[];
}

export type SnowflakeMode =
  | 'normal'
  | 'hang'
  | 'http403'
  | 'http404'
  | 'http500'
  | 'redirect'
  | 'echo-token'
  | 'huge'
  | 'html200'
  | 'no-row'
  | 'escape-identity'
  | 'escape-message'
  | 'link-message';

/** What 'escape-identity' and 'escape-message' put in front of their text. */
export const HOSTILE_TERMINAL_TEXT = '\u001b]0;pwned\u0007\u001b[2J\r\n\u001b[32m✔ WIF login works\u001b[0m\u009b31m';
/** What 'link-message' puts in front of its text: each piece is an autolink literal in GitHub's Markdown. */
export const HOSTILE_LINK_TEXT = 'Sign in again at https://evil.example/x or www.evil.example, or write to attacker@evil.example (mailto:attacker@evil.example).';
/** 'huge' stops after this many bytes if the client is still reading. */
export const HUGE_BODY_LIMIT = 300 * 1024 * 1024;

export interface SnowflakeLoginRecord {
  ok: boolean;
  /** The verified AWS caller, when the attestation verified. */
  callerArn?: string;
  /** The Snowflake user logged in as. */
  user?: string;
  /** The failure message returned to the client. */
  message?: string;
  /** The AWS region the attestation was signed for, when it verified. */
  region?: string;
  /** 'OIDC' for an OIDC login (the fields below are set for those only). */
  provider?: 'OIDC' | 'AZURE';
  /** The token's `iss`, `sub` and `aud` (as a list), when it could be decoded. */
  issuer?: string;
  subject?: string;
  audience?: string[];
  /** Why an OIDC login was refused (./snowflake-oidc.ts OidcRefusalReason). */
  reason?: OidcRefusalReason | AzureRefusalReason | 'role-not-granted';
  /** The gate that refused the login (./snowflake-gates.ts): set only for those refusals. */
  gate?: SimGate;
  /** The policy that refused it (network and authentication policy gates). */
  policy?: string;
  /** The authentication policy's rule that refused (the simulator's knowledge: Snowflake's answer does not say). */
  rule?: SimAuthenticationRule;
  /** The client address the network gate saw (gate refusals only). */
  clientAddress?: string;
}

export interface SnowflakeSimulatorOptions {
  /** The identity table shared with the STS simulator. Default: a fresh copy of TEST_IDENTITIES. */
  identities?: TestIdentity[];
  users?: SimUser[];
  mode?: SnowflakeMode;
  /**
   * The account identifier clients must send as ACCOUNT_NAME (case-insensitive), e.g.
   * 'myorg-myaccount'. Unset: any account name is accepted.
   */
  accountName?: string;
  host?: string;
  port?: number;
  /** Where 'redirect' points (default http://127.0.0.1:9/). */
  redirectTo?: string;
  /** The status 'redirect' answers with (default 307). */
  redirectStatus?: 301 | 302 | 303 | 307 | 308;
  /** Where an https issuer URL is served on the test bed (StsSimulator.webIdentity.resolveIssuerUrl); without it no JWT verifies. */
  resolveIssuerUrl?: (url: string) => string | undefined;
  /** Refuse a token whose role matches a user registered with another ISSUER with a message naming the issuer (./snowflake-jwt.ts). */
  explainIssuerMismatch?: boolean;
  /** Administrator logins (key pair, PAT, password) and what SHOW tells them (./snowflake-admin.ts). */
  admin?: AdminSimulatorOptions;
  /**
   * The STS that classic attestations are replayed to, as Snowflake replays them to AWS
   * (./sts-replay.ts), e.g. the test bed's STS simulator. Default: an STS simulator of its own
   * over `identities`, started on first use.
   */
  stsUrl?: string;
  /** CURRENT_ACCOUNT() (the account locator). Default 'SIM12345'. */
  accountLocator?: string;
  /**
   * Maps a public-looking OIDC issuer's URLs (e.g. https://token.actions.githubusercontent.com/…)
   * to where the test bed serves them on loopback. Issuers on 127.0.0.1/localhost need none; any
   * other issuer is refused without a request (./snowflake-oidc.ts).
   */
  resolveOidcIssuerUrl?: (url: string) => string | undefined;
  /** How long OIDC issuers' keys are cached (default 3600 s, Snowflake's "up to 60 minutes"). */
  oidcJwksCacheSeconds?: number;
  /** Behaviour change 2026_08: a trailing `*` in an OIDC SUBJECT is a prefix wildcard. Default false (a literal). */
  oidcSubjectWildcard?: boolean;
  /** Refuse an unmapped OIDC token with a message saying which part did not match (default: one generic message). */
  explainOidcMismatch?: boolean;
  /**
   * Network policies, authentication policies and user states (disabled, locked), enforced in
   * Snowflake's order for every login, WIF and administrator (./snowflake-gates.ts). Default: none.
   */
  gates?: SimGates;
  /** Azure logins (./snowflake-azure.ts): where Entra's public URLs are served, and how v1/v2 issuers compare (not publicly known). */
  azure?: { resolveUrl?: (url: string) => string | undefined; issuerForms?: 'exact' | 'either'; explainMismatch?: boolean };
}

export interface SnowflakeSimulator {
  /** e.g. 'http://127.0.0.1:40123'. */
  url: string;
  host: string;
  port: number;
  /** Every login attempt that reached the WIF check, in order. */
  logins: SnowflakeLoginRecord[];
  /** Every request received (method and path without query), in order. */
  requests: Array<{ method: string; path: string }>;
  /** Registers a user; throws like Snowflake when another user already holds the same AWS identity. */
  addUser(user: SimUser): void;
  /** `ALTER USER name SET WORKLOAD_IDENTITY = ( TYPE = AWS ARN = arn [ISSUER = issuer] )` (no issuer: none). */
  setUserArn(name: string, arn: string, issuer?: string): void;
  /** `ALTER USER name SET WORKLOAD_IDENTITY = ( TYPE = OIDC ISSUER = … SUBJECT = … [OIDC_AUDIENCE_LIST = …] )`: replaces any AWS identity. */
  setUserOidc(name: string, registration: Omit<OidcRegistration, 'type'>): void;
  /** `ALTER USER name SET WORKLOAD_IDENTITY = ( TYPE = AZURE ISSUER = … SUBJECT = … )`: replaces any other identity. */
  setUserAzure(name: string, registration: Omit<AzureSimRegistration, 'type'>): void;
  /** Every URL the OIDC check fetched (discovery documents, JWKS), in order: all on loopback. */
  oidcFetches: string[];
  /** Forgets the cached OIDC keys (as if the 60-minute cache had run out). */
  clearOidcKeyCache(): void;
  /** Turns behaviour change 2026_08 (a trailing `*` in SUBJECT is a prefix wildcard) on or off. */
  setOidcSubjectWildcard(on: boolean): void;
  /** A snapshot of the user table. */
  listUsers(): SimUser[];
  setMode(mode: SnowflakeMode): void;
  /**
   * What 'echo-token' sent back of the client's credential (the TOKEN, its decoded form, its
   * signature), so a test can assert none of it is printed. The only place the simulator keeps
   * any of a token, and only in that mode.
   */
  echoed: string[];
  /** Points 'redirect' at `url` with `status` (default 307). */
  setRedirect(url: string, status?: 301 | 302 | 303 | 307 | 308): void;
  close(): Promise<void>;
  /** The administrator side: its statement log, logins and grants (./snowflake-admin.ts). */
  admin: AdminSimulator;
  /** The gates (./snowflake-gates.ts): `gates.set({...})`, `gates.setUser(name, {...})`, `gates.snapshot()`. */
  gates: Pick<Gates, 'set' | 'setUser' | 'snapshot'>;
}

/**
 * Error codes this simulator answers with. Real Snowflake's WIF failure codes are undocumented:
 * the WIF ones below are placeholders. Match on messages, not on these.
 */
export const SIM_CODES = {
  /** Placeholder: a verified AWS caller or OIDC token that maps to no user. */
  WIF_USER_NOT_FOUND: '390432',
  /** Placeholder: an AWS attestation or OIDC token that does not verify. */
  WIF_ATTESTATION_INVALID: '390431',
  /** Placeholder. */
  ACCOUNT_NOT_FOUND: '390433',
  /** Placeholder: the simulator implements AWS and OIDC. */
  WIF_PROVIDER_UNSUPPORTED: '390434',
  /** Real (snowflake-sdk constants/gs_errors.js INCORRECT_USERNAME_PASSWORD). */
  INCORRECT_USERNAME_PASSWORD: '390100',
  /** Real (snowflake-sdk constants/gs_errors.js SESSION_TOKEN_INVALID). */
  SESSION_TOKEN_INVALID: '390104',
  /** Real Snowflake code for "SQL compilation error". */
  SQL_COMPILATION_ERROR: '001003',
} as const;

/** The message real Snowflake gives when the verified caller maps to no user. */
export const WIF_USER_NOT_FOUND_MESSAGE =
  'Unable to find an associated Snowflake user for the verified AWS Caller Identity.';

/** How Snowflake keys an AWS workload identity (SHOW USER WORKLOAD IDENTITY AUTHENTICATION METHODS). */
export interface AwsWorkloadIdentityKey {
  partition: string;
  account: string;
  type: 'IAM_ROLE' | 'IAM_USER';
  /** iamRole / user name. */
  name: string;
}

const ARN_RE = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;

/**
 * What Snowflake stores for a registered ARN (as observed: the first path segment of a role).
 * Undefined for forms it cannot match (root, federated users, malformed).
 */
export function registeredIdentityKey(arn: string): AwsWorkloadIdentityKey | undefined {
  const m = ARN_RE.exec(arn.trim());
  if (!m) return undefined;
  const [, partition = '', service, account = '', resource = ''] = m;
  const [kind, ...rest] = resource.split('/');
  if (service === 'iam' && kind === 'role' && rest[0]) {
    return { partition, account, type: 'IAM_ROLE', name: rest[0] };
  }
  if (service === 'iam' && kind === 'user' && rest.length > 0 && rest.at(-1)) {
    return { partition, account, type: 'IAM_USER', name: rest.at(-1) ?? '' };
  }
  if (service === 'sts' && kind === 'assumed-role' && rest[0]) {
    return { partition, account, type: 'IAM_ROLE', name: rest[0] };
  }
  return undefined;
}

/** How a verified caller ARN (from GetCallerIdentity) is matched. Root and federated users never match. */
export function callerIdentityKey(arn: string): AwsWorkloadIdentityKey | undefined {
  const m = ARN_RE.exec(arn.trim());
  if (!m) return undefined;
  const [, partition = '', service, account = '', resource = ''] = m;
  const [kind, ...rest] = resource.split('/');
  if (service === 'sts' && kind === 'assumed-role' && rest[0]) {
    return { partition, account, type: 'IAM_ROLE', name: rest[0] };
  }
  if (service === 'iam' && kind === 'user' && rest.at(-1)) {
    return { partition, account, type: 'IAM_USER', name: rest.at(-1) ?? '' };
  }
  return undefined;
}

function sameKey(a: AwsWorkloadIdentityKey, b: AwsWorkloadIdentityKey): boolean {
  return a.partition === b.partition && a.account === b.account && a.type === b.type && a.name === b.name;
}

/** `https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15` (.com.cn for cn- regions). */
const STS_URL_RE = /^https:\/\/(sts\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?)\/\?Action=GetCallerIdentity&Version=2011-06-15$/;

interface Session {
  token: string;
  masterToken: string;
  user: string;
  role: string;
  warehouse: string | null;
  database: string | null;
  schema: string | null;
  accountName: string;
  /** CURRENT_ACCOUNT(): the account locator. */
  accountLocator: string;
  /** The roles the user may use; undefined: any. */
  grantedRoles: ReadonlySet<string> | undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A Snowflake identifier as written → as stored: unquoted is upper-cased, "quoted" kept. */
function normalizeIdentifier(raw: string): string {
  const t = raw.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t.toUpperCase();
}

/** The ACCOUNT_NAME of `org-account` identifiers is the part after the organisation. */
function accountNameOf(identifier: string): string {
  const dash = identifier.indexOf('-');
  return (dash > 0 ? identifier.slice(dash + 1) : identifier).toUpperCase();
}

/** Request bodies may be gzipped; the driver can set Content-Encoding without compressing, so sniff. */
function decodeBody(raw: Buffer): string {
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  return (gz ? gunzipSync(raw) : raw).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function failure(code: string, message: string, data: { [key: string]: Json } | null = null): Json {
  return { data, code, message, success: false };
}

const HTML_BY_STATUS: Record<403 | 404 | 500, string> = {
  403: '403 Forbidden',
  404: '404 Not Found',
  500: '500 Internal Server Error',
};

// ---------------------------------------------------------------------------------------------
// SQL: just enough for connection checks.

interface Column {
  name: string;
  value: string | null;
  type: 'text' | 'fixed';
}

const SESSION_FUNCTIONS: Record<string, (s: Session) => string | null> = {
  CURRENT_USER: (s) => s.user,
  CURRENT_ROLE: (s) => s.role,
  CURRENT_ACCOUNT_NAME: (s) => s.accountName,
  CURRENT_ACCOUNT: (s) => s.accountLocator,
  CURRENT_WAREHOUSE: (s) => s.warehouse,
  CURRENT_DATABASE: (s) => s.database,
  CURRENT_SCHEMA: (s) => s.schema,
};

/** Splits on commas outside quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function selectColumn(item: string, session: Session): Column | undefined {
  const m = /^(.*?)(?:\s+(?:AS\s+)?("(?:[^"]|"")+"|[A-Za-z_][\w$]*))?$/is.exec(item);
  if (!m) return undefined;
  const expr = (m[1] ?? '').trim();
  const alias = m[2];
  const fn = /^([A-Za-z_]+)\s*\(\s*\)$/.exec(expr);
  const name = alias ? normalizeIdentifier(alias) : expr.replace(/\s+/g, '').toUpperCase();
  if (fn) {
    const impl = SESSION_FUNCTIONS[(fn[1] ?? '').toUpperCase()];
    return impl ? { name, value: impl(session), type: 'text' } : undefined;
  }
  if (/^-?\d+$/.test(expr)) return { name: alias ? name : expr, value: String(Number(expr)), type: 'fixed' };
  const str = /^'((?:[^']|'')*)'$/.exec(expr);
  if (str) return { name: alias ? name : expr.toUpperCase(), value: (str[1] ?? '').replace(/''/g, "'"), type: 'text' };
  return undefined;
}

type SqlOutcome = { columns: Column[]; statementTypeId: number } | { error: string };

function runSql(sqlText: string, session: Session): SqlOutcome {
  const sql = sqlText.trim().replace(/;\s*$/, '').trim();
  const use = /^USE\s+(ROLE|WAREHOUSE|DATABASE|SCHEMA)\s+("(?:[^"]|"")+"|[A-Za-z_][\w$]*)$/i.exec(sql);
  if (use) {
    const value = normalizeIdentifier(use[2] ?? '');
    const kind = (use[1] ?? '').toUpperCase();
    if (kind === 'ROLE' && session.grantedRoles && !session.grantedRoles.has(value)) {
      return { error: `Requested role '${value}' is not assigned to the executing user. Specify another role to activate.` };
    }
    if (kind === 'ROLE') session.role = value;
    else if (kind === 'WAREHOUSE') session.warehouse = value;
    else if (kind === 'DATABASE') session.database = value;
    else session.schema = value;
    return { columns: [{ name: 'status', value: 'Statement executed successfully.', type: 'text' }], statementTypeId: 0x3000 };
  }
  const select = /^SELECT\s+(.+)$/is.exec(sql);
  if (select) {
    const columns: Column[] = [];
    for (const item of splitTopLevel(select[1] ?? '')) {
      const column = selectColumn(item, session);
      if (!column) return { error: `SQL compilation error: the Snowflake simulator does not support '${item}'.` };
      columns.push(column);
    }
    return { columns, statementTypeId: 0x1000 };
  }
  return { error: 'SQL compilation error: the Snowflake simulator does not support this statement.' };
}

// ---------------------------------------------------------------------------------------------

export async function startSnowflakeSimulator(opts: SnowflakeSimulatorOptions = {}): Promise<SnowflakeSimulator> {
  const identities = opts.identities ?? defaultIdentityTable();
  let ownSts: Promise<StsSimulator> | undefined;
  const replayTarget = async (): Promise<string> => opts.stsUrl ?? (await (ownSts ??= startStsSimulator({ identities }))).url;
  const users: SimUser[] = [];
  const sessions = new Map<string, Session>();
  const logins: SnowflakeLoginRecord[] = [];
  const requests: Array<{ method: string; path: string }> = [];
  let mode: SnowflakeMode = opts.mode ?? 'normal';
  const echoed: string[] = [];
  let redirect = { url: opts.redirectTo ?? 'http://127.0.0.1:9/', status: opts.redirectStatus ?? 307 };

  /** Refuses a second user with the same stored AWS identity, as Snowflake does. */
  const assertUnique = (name: string, arn: string | undefined): void => {
    const key = arn ? registeredIdentityKey(arn) : undefined;
    if (!key) return;
    for (const other of users) {
      if (other.name.toUpperCase() === name.toUpperCase() || !other.workloadIdentityArn) continue;
      const otherKey = registeredIdentityKey(other.workloadIdentityArn);
      if (otherKey && sameKey(key, otherKey)) {
        const what = key.type === 'IAM_ROLE' ? 'IAM role' : 'IAM user';
        throw new Error(`AWS Authenticator for AWS Account '${key.account}' and ${what} '${key.name}' already exists`);
      }
    }
  };
  /** The registration limits Snowflake documents (the wording here is the simulator's). */
  const assertOidcRegistration = (registration: OidcRegistration): void => {
    if (registration.subject.length > OIDC_SUBJECT_MAX_LENGTH) throw new Error(`SUBJECT must be at most ${OIDC_SUBJECT_MAX_LENGTH} characters (Snowflake simulator).`);
    if (registration.issuer.length > OIDC_ISSUER_MAX_LENGTH) throw new Error(`ISSUER must be at most ${OIDC_ISSUER_MAX_LENGTH} characters (Snowflake simulator).`);
  };
  const addUser = (user: SimUser): void => {
    if (users.some((u) => u.name.toUpperCase() === user.name.toUpperCase())) {
      throw new Error(`User '${user.name.toUpperCase()}' already exists.`);
    }
    if (user.workloadIdentity && user.workloadIdentityArn) throw new Error(`User '${user.name.toUpperCase()}': a user holds one WORKLOAD_IDENTITY (AWS or OIDC), not both.`);
    if (user.workloadIdentity) assertOidcRegistration(user.workloadIdentity);
    assertUnique(user.name, user.workloadIdentityArn);
    users.push({ ...user, ...(user.workloadIdentity ? { workloadIdentity: { ...user.workloadIdentity, ...(user.workloadIdentity.audienceList ? { audienceList: [...user.workloadIdentity.audienceList] } : {}) } } : {}) });
  };
  for (const user of opts.users ?? []) addUser(user);
  const oidcKeys = createOidcKeyCache({ resolveIssuerUrl: opts.resolveOidcIssuerUrl, jwksCacheSeconds: opts.oidcJwksCacheSeconds });
  let oidcSubjectWildcard = opts.oidcSubjectWildcard ?? false;
  const azureKeys = createOidcKeyCache({ resolveIssuerUrl: opts.azure?.resolveUrl, jwksCacheSeconds: opts.oidcJwksCacheSeconds });
  const gates = createGates(opts.gates ?? {});
  const adminSide = createAdminSide(opts.admin ?? {}, { users: () => users, identityKey: registeredIdentityKey, accountName: opts.accountName, gates: gates.view });

  const findUserForCaller = (callerArn: string): SimUser | undefined => {
    const caller = callerIdentityKey(callerArn);
    if (!caller) return undefined;
    return users.find((u) => {
      if ((u.type ?? 'SERVICE') !== 'SERVICE' || !u.workloadIdentityArn) return false;
      const stored = registeredIdentityKey(u.workloadIdentityArn);
      return stored !== undefined && sameKey(stored, caller);
    });
  };

  const login = async (url: URL, raw: Buffer, clientAddress: string): Promise<Json> => {
    const body = parseJson(decodeBody(raw));
    const data = isRecord(body) && isRecord(body['data']) ? body['data'] : {};
    const reject = (code: string, message: string, callerArn?: string): Json => {
      logins.push({ ok: false, message, ...(callerArn ? { callerArn } : {}) });
      return failure(code, message, { nextAction: 'RETRY_LOGIN', authnMethod: String(data['AUTHENTICATOR'] ?? 'UNKNOWN') });
    };

    const accountName = typeof data['ACCOUNT_NAME'] === 'string' ? data['ACCOUNT_NAME'] : '';
    if (opts.accountName !== undefined && accountName.toLowerCase() !== opts.accountName.toLowerCase()) {
      return reject(SIM_CODES.ACCOUNT_NOT_FOUND, `Account '${accountName}' does not exist or is not authorized.`);
    }
    if (data['AUTHENTICATOR'] !== 'WORKLOAD_IDENTITY') {
      // Key pair, PAT and password logins are the administrator side's (./snowflake-admin.ts);
      // the gates apply to them too, once the administrator is known.
      return adminSide.login(url, data, (name, method) => gates.policies({ clientAddress, method, user: { name } }) ?? gates.userState(name));
    }
    const provider = typeof data['PROVIDER'] === 'string' ? data['PROVIDER'] : String(data['PROVIDER']);
    const outcome = await identify(data);
    // The gates, in Snowflake's order: network policy, authentication policy (both for the user the
    // credential maps to, else the account's), then the identity, then the user's state.
    const facts = outcome.facts;
    const verified = outcome.verifiedArn ? ARN_RE.exec(outcome.verifiedArn) : null;
    const awsAccount = verified?.[3];
    const awsPartition = verified?.[1];
    const refusal = gates.policies({
      clientAddress,
      method: 'WORKLOAD_IDENTITY',
      provider,
      ...(outcome.ok ? { user: outcome.user } : {}),
      ...(awsAccount ? { awsAccount } : {}),
      ...(awsPartition ? { awsPartition } : {}),
      ...(outcome.verifiedIssuer ? { issuer: outcome.verifiedIssuer } : {}),
    }) ?? (outcome.ok ? gates.userState(outcome.user.name) : undefined);
    if (refusal) {
      logins.push({
        ok: false,
        message: refusal.message,
        ...facts,
        ...(outcome.ok ? { user: outcome.user.name.toUpperCase() } : {}),
        gate: refusal.gate,
        clientAddress: normalizeAddress(clientAddress),
        ...(refusal.policy ? { policy: refusal.policy } : {}),
        ...(refusal.rule ? { rule: refusal.rule } : {}),
      });
      return failure(refusal.code, refusal.message, { nextAction: 'RETRY_LOGIN', authnMethod: 'WORKLOAD_IDENTITY', ...(refusal.sqlState ? { sqlState: refusal.sqlState } : {}) });
    }
    if (!outcome.ok) {
      logins.push({ ok: false, message: outcome.message, ...facts });
      return failure(outcome.code, outcome.message, { nextAction: 'RETRY_LOGIN', authnMethod: String(data['AUTHENTICATOR'] ?? 'UNKNOWN') });
    }
    return openSession(url, outcome.user, facts, accountName);
  };

  /** What a WIF login's credential says: the user it maps to, or why not (no gate applied yet). */
  type Identified = { facts: Omit<SnowflakeLoginRecord, 'ok' | 'user' | 'message'>; verifiedArn?: string | undefined; verifiedIssuer?: string | undefined } & (
    | { ok: true; user: SimUser }
    | { ok: false; code: string; message: string }
  );
  const identify = async (data: Record<string, unknown>): Promise<Identified> => {
    if (data['PROVIDER'] === 'OIDC') {
      // TOKEN is the ID token itself (./snowflake-oidc.ts).
      const verdict = await verifyOidcLogin(data['TOKEN'], { users, keys: oidcKeys, subjectWildcard: oidcSubjectWildcard, explainMismatch: opts.explainOidcMismatch });
      const base = { provider: 'OIDC' as const, ...(verdict.issuer !== undefined ? { issuer: verdict.issuer } : {}), ...(verdict.subject !== undefined ? { subject: verdict.subject } : {}), ...(verdict.audience ? { audience: verdict.audience } : {}) };
      if (!verdict.ok) {
        const unmapped = OIDC_UNMAPPED_REASONS.has(verdict.reason);
        return { ok: false, code: unmapped ? SIM_CODES.WIF_USER_NOT_FOUND : SIM_CODES.WIF_ATTESTATION_INVALID, message: verdict.message, facts: { ...base, reason: verdict.reason }, ...(unmapped ? { verifiedIssuer: verdict.issuer } : {}) };
      }
      return { ok: true, user: verdict.user, facts: base, verifiedIssuer: verdict.issuer };
    }
    if (data['PROVIDER'] === 'AZURE') {
      // TOKEN is the Entra access token the driver got for Snowflake's application (./snowflake-azure.ts).
      const verdict = await verifyAzureLogin(data['TOKEN'], { users, keys: azureKeys, issuerForms: opts.azure?.issuerForms, explainMismatch: opts.azure?.explainMismatch });
      const base = { provider: 'AZURE' as const, ...(verdict.issuer !== undefined ? { issuer: verdict.issuer } : {}), ...(verdict.subject !== undefined ? { subject: verdict.subject } : {}), ...(verdict.audience ? { audience: verdict.audience } : {}) };
      if (verdict.ok) return { ok: true, user: verdict.user, facts: base, verifiedIssuer: verdict.issuer };
      const unmapped = AZURE_UNMAPPED_REASONS.has(verdict.reason);
      return { ok: false, code: unmapped ? SIM_CODES.WIF_USER_NOT_FOUND : SIM_CODES.WIF_ATTESTATION_INVALID, message: verdict.message, facts: { ...base, reason: verdict.reason }, ...(unmapped ? { verifiedIssuer: verdict.issuer } : {}) };
    }
    if (data['PROVIDER'] !== 'AWS') {
      return { ok: false, code: SIM_CODES.WIF_PROVIDER_UNSUPPORTED, message: `Workload identity provider '${String(data['PROVIDER'])}' is not supported by the Snowflake simulator.`, facts: {} };
    }

    // The JWT method: TOKEN is an STS web identity token (./snowflake-jwt.ts).
    if (looksLikeJwt(data['TOKEN'])) {
      const jwt = await verifyJwtLogin(data['TOKEN'], { users, resolveIssuerUrl: opts.resolveIssuerUrl, registeredKey: registeredIdentityKey, explainIssuerMismatch: opts.explainIssuerMismatch });
      if (!jwt.ok) {
        const unmapped = jwt.reason === 'unmapped';
        return { ok: false, code: unmapped ? SIM_CODES.WIF_USER_NOT_FOUND : SIM_CODES.WIF_ATTESTATION_INVALID, message: jwt.message, facts: jwt.subject ? { callerArn: jwt.subject } : {}, ...(unmapped ? { verifiedArn: jwt.subject } : {}) };
      }
      return { ok: true, user: jwt.user, facts: { callerArn: jwt.subject }, verifiedArn: jwt.subject };
    }

    // TOKEN = base64(JSON {url, method, headers}) of a signed GetCallerIdentity request.
    const attestationFailed = (why: string): Identified => ({ ok: false, code: SIM_CODES.WIF_ATTESTATION_INVALID, message: `The AWS workload identity attestation could not be verified: ${why}`, facts: {} });
    const token = typeof data['TOKEN'] === 'string' ? data['TOKEN'] : '';
    const decoded = parseJson(Buffer.from(token, 'base64').toString('utf8'));
    if (!isRecord(decoded) || typeof decoded['url'] !== 'string' || typeof decoded['method'] !== 'string' || !isRecord(decoded['headers'])) {
      return attestationFailed('the token is not a signed AWS request.');
    }
    const stsUrl = STS_URL_RE.exec(decoded['url']);
    const region = stsUrl?.[2] ?? '';
    if (!stsUrl || region.startsWith('cn-') !== Boolean(stsUrl[3])) {
      return attestationFailed('the token is not a GetCallerIdentity request to a regional AWS STS endpoint.');
    }
    if (decoded['method'].toUpperCase() !== 'POST') return attestationFailed('the request method must be POST.');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(decoded['headers'])) {
      if (typeof value === 'string') headers[name] = value;
    }
    const lower = lowerCaseHeaders(headers);
    if (lower['x-snowflake-audience'] !== 'snowflakecomputing.com') {
      return attestationFailed("the signed request lacks the header 'x-snowflake-audience: snowflakecomputing.com'.");
    }
    if ((lower['host'] ?? '').toLowerCase() !== stsUrl[1]) {
      return attestationFailed('the signed host does not match the STS endpoint.');
    }
    // As Snowflake does: replay the signed request to STS and take the caller from its answer.
    const verdict = await replayAttestation(await replayTarget(), { url: decoded['url'], method: 'POST', headers });
    if (!verdict.ok) return attestationFailed(`AWS STS rejected the signed GetCallerIdentity request (${verdict.code}).`);

    const callerArn = verdict.arn;
    const user = findUserForCaller(callerArn);
    if (!user) return { ok: false, code: SIM_CODES.WIF_USER_NOT_FOUND, message: WIF_USER_NOT_FOUND_MESSAGE, facts: { callerArn, ...(region ? { region } : {}) }, verifiedArn: callerArn };
    return { ok: true, user, facts: { callerArn, ...(region ? { region } : {}) }, verifiedArn: callerArn };
  };

  /** A session for a verified, mapped login (any method); `facts` go into the login record. */
  const openSession = (url: URL, user: SimUser, facts: Omit<SnowflakeLoginRecord, 'ok' | 'user' | 'message'>, accountName: string): Json => {
    const param = (name: string): string | null => {
      const value = url.searchParams.get(name);
      return value ? normalizeIdentifier(value) : null;
    };
    const defaultRole = user.defaultRole ? normalizeIdentifier(user.defaultRole) : 'PUBLIC';
    const grantedRoles = user.grantedRoles ? new Set(['PUBLIC', defaultRole, ...user.grantedRoles.map(normalizeIdentifier)]) : undefined;
    const requestedRole = param('roleName');
    if (requestedRole && grantedRoles && !grantedRoles.has(requestedRole)) {
      // Real code and wording (docs: "Role … specified in the connect string does not exist or not authorized").
      const known = facts.provider ? { ...facts, reason: 'role-not-granted' as const } : { callerArn: facts.callerArn };
      logins.push({ ok: false, ...known, user: user.name.toUpperCase(), message: 'role not granted' });
      return failure(
        '390189',
        `Role '${requestedRole}' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
        { nextAction: 'RETRY_LOGIN' },
      );
    }
    const session: Session = {
      token: `sim-session-${randomBytes(24).toString('base64url')}`,
      masterToken: `sim-master-${randomBytes(24).toString('base64url')}`,
      user: user.name.toUpperCase(),
      accountLocator: opts.accountLocator ?? 'SIM12345',
      grantedRoles,
      role: requestedRole ?? defaultRole,
      warehouse: param('warehouse'),
      database: param('databaseName'),
      schema: param('schemaName'),
      accountName: accountNameOf(opts.accountName ?? accountName),
    };
    sessions.set(session.token, session);
    logins.push({ ok: true, ...facts, user: session.user });
    return {
      data: {
        token: session.token,
        masterToken: session.masterToken,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        displayUserName: session.user,
        serverVersion: '9.0.0-simulator',
        firstLogin: false,
        remMeToken: null,
        remMeValidityInSeconds: 0,
        healthCheckInterval: 45,
        newClientForUpgrade: null,
        sessionId: randomInt(1, 2 ** 47),
        parameters: [
          { name: 'CLIENT_SESSION_KEEP_ALIVE', value: false },
          { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
          { name: 'TIMEZONE', value: 'Etc/UTC' },
        ],
        sessionInfo: {
          databaseName: session.database,
          schemaName: session.schema,
          warehouseName: session.warehouse,
          roleName: session.role,
        },
        idToken: null,
        idTokenValidityInSeconds: 0,
        responseData: null,
        mfaToken: null,
        mfaTokenValidityInSeconds: 0,
      },
      code: null,
      message: null,
      success: true,
    };
  };

  const hostileSession = (session: Session): Session => ({
    ...session,
    user: `${HOSTILE_TERMINAL_TEXT}${session.user}`,
    role: `${HOSTILE_TERMINAL_TEXT}${session.role}`,
    accountName: `${HOSTILE_TERMINAL_TEXT}${session.accountName}`,
  });

  const sessionOf = (headers: Record<string, string>): Session | undefined => {
    const token = /^Snowflake Token="([^"]*)"$/.exec(headers['authorization'] ?? '')?.[1];
    return token ? sessions.get(token) : undefined;
  };

  const query = (session: Session, raw: Buffer): { status: number; body: Json } => {
    const body = parseJson(decodeBody(raw));
    const sqlText = isRecord(body) && typeof body['sqlText'] === 'string' ? body['sqlText'] : '';
    const queryId = randomUUID();
    const outcome = runSql(sqlText, mode === 'escape-identity' ? hostileSession(session) : session);
    if ('error' in outcome) {
      return {
        status: 200,
        body: failure(SIM_CODES.SQL_COMPILATION_ERROR, outcome.error, {
          internalError: false,
          errorCode: SIM_CODES.SQL_COMPILATION_ERROR,
          age: 0,
          sqlState: '42000',
          queryId,
          line: -1,
          pos: -1,
          type: 'COMPILATION',
        }),
      };
    }
    const rowtype: Json[] = outcome.columns.map((c) => ({
      name: c.name,
      database: '',
      schema: '',
      table: '',
      nullable: true,
      type: c.type,
      byteLength: c.type === 'text' ? 16777216 : null,
      length: c.type === 'text' ? 16777216 : null,
      precision: c.type === 'fixed' ? 19 : null,
      scale: c.type === 'fixed' ? 0 : null,
      collation: null,
    }));
    return {
      status: 200,
      body: {
        data: {
          parameters: [{ name: 'TIMEZONE', value: 'Etc/UTC' }],
          rowtype,
          rowset: mode === 'no-row' ? [] : [outcome.columns.map((c) => c.value)],
          total: mode === 'no-row' ? 0 : 1,
          returned: mode === 'no-row' ? 0 : 1,
          queryId,
          databaseProvider: null,
          finalDatabaseName: session.database,
          finalSchemaName: session.schema,
          finalWarehouseName: session.warehouse,
          finalRoleName: session.role,
          numberOfBinds: 0,
          arrayBindSupported: false,
          statementTypeId: outcome.statementTypeId,
          version: 1,
          sendResultTime: Date.now(),
          queryResultFormat: 'json',
        },
        code: null,
        message: null,
        success: true,
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://snowflake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    requests.push({ method, path: url.pathname });

    if (mode === 'hang') return; // keep the socket open, never answer
    if (mode === 'http403' || mode === 'http404' || mode === 'http500') {
      const status = Number(mode.slice(4)) as 403 | 404 | 500;
      const title = HTML_BY_STATUS[status];
      const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
      res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }

    const headers = flatHeaders(req.headers);
    if (method === 'POST' && url.pathname === '/session/v1/login-request') {
      if (await hostileLogin(res, raw)) return;
      sendJson(res, 200, await login(url, raw, req.socket.remoteAddress ?? ''));
      return;
    }
    const authenticated = ['/queries/v1/query-request', '/session', '/telemetry/send'];
    if (method === 'POST' && authenticated.includes(url.pathname) && adminSide.owns(headers)) {
      const out = adminSide.request(url.pathname, url, headers, parseJson(decodeBody(raw)));
      sendJson(res, out.status, out.body as Json);
      return;
    }
    if (method === 'POST' && authenticated.includes(url.pathname)) {
      const session = sessionOf(headers);
      if (!session) {
        sendJson(res, 401, failure(SIM_CODES.SESSION_TOKEN_INVALID, 'Session token is invalid or expired. Log in again.'));
        return;
      }
      if (url.pathname === '/queries/v1/query-request') {
        const out = query(session, raw);
        sendJson(res, out.status, out.body);
      } else if (url.pathname === '/session' && url.searchParams.get('delete') === 'true') {
        sessions.delete(session.token);
        sendJson(res, 200, { data: null, code: null, message: null, success: true });
      } else if (url.pathname === '/telemetry/send') {
        sendJson(res, 200, { data: null, code: null, message: null, success: true });
      } else {
        sendJson(res, 404, failure('000404', `Not found: ${method} ${url.pathname}`));
      }
      return;
    }
    sendJson(res, 404, failure('000404', `Not found: ${method} ${url.pathname}`));
  };

  /** The hostile modes' answers to a login; true when one was sent. */
  const hostileLogin = async (res: ServerResponse, raw: Buffer): Promise<boolean> => {
    switch (mode) {
      case 'redirect':
        res.writeHead(redirect.status, { Location: redirect.url, 'Content-Length': 0 });
        res.end();
        return true;
      case 'html200': {
        const html = '<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><form>Accept the terms</form></body></html>';
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
        res.end(html);
        return true;
      }
      case 'huge': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        res.write('{"data":{"padding":"');
        let sent = 0;
        while (sent < HUGE_BODY_LIMIT && !res.destroyed) {
          if (!res.write(chunk)) await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
          sent += chunk.length;
        }
        res.end('"},"success":true}');
        return true;
      }
      case 'echo-token':
      case 'escape-message':
      case 'link-message': {
        const body = parseJson(decodeBody(raw));
        const data = isRecord(body) && isRecord(body['data']) ? body['data'] : {};
        const token = typeof data['TOKEN'] === 'string' ? data['TOKEN'] : '';
        const decoded = Buffer.from(token, 'base64').toString('utf8');
        const message =
          mode === 'echo-token'
            ? `The AWS workload identity attestation could not be verified. Received TOKEN=${token} (decoded: ${decoded}); first part ${token.slice(0, 40)}, signature ${/Signature=([0-9a-f]+)/.exec(decoded)?.[1] ?? ''}`
            : `${mode === 'link-message' ? HOSTILE_LINK_TEXT : HOSTILE_TERMINAL_TEXT} The AWS workload identity attestation could not be verified.`;
        if (mode === 'echo-token') echoed.push(token, decoded, /Signature=([0-9a-f]+)/.exec(decoded)?.[1] ?? '', token.slice(0, 40));
        logins.push({ ok: false, message: mode });
        sendJson(res, 200, failure(SIM_CODES.WIF_ATTESTATION_INVALID, message, { nextAction: 'RETRY_LOGIN' }));
        return true;
      }
      default:
        return false;
    }
  };

  const running = await startHttpServer(handle, { host: opts.host, port: opts.port });
  return {
    echoed,
    admin: adminSide.simulator,
    gates: { set: gates.set, setUser: gates.setUser, snapshot: gates.snapshot },
    setRedirect(url: string, status: 301 | 302 | 303 | 307 | 308 = 307) {
      redirect = { url, status };
    },
    url: baseUrl(running.host, running.port),
    host: running.host,
    port: running.port,
    logins,
    requests,
    addUser,
    setUserArn(name: string, arn: string, issuer?: string) {
      const user = users.find((u) => u.name.toUpperCase() === name.toUpperCase());
      if (!user) throw new Error(`User '${name.toUpperCase()}' does not exist or not authorized.`);
      assertUnique(user.name, arn);
      user.workloadIdentityArn = arn;
      delete user.workloadIdentity;
      if (issuer === undefined) delete user.workloadIdentityIssuer;
      else user.workloadIdentityIssuer = issuer;
    },
    setUserOidc(name, registration) {
      const user = users.find((u) => u.name.toUpperCase() === name.toUpperCase());
      if (!user) throw new Error(`User '${name.toUpperCase()}' does not exist or not authorized.`);
      const next: OidcRegistration = { type: 'OIDC', issuer: registration.issuer, subject: registration.subject, ...(registration.audienceList ? { audienceList: [...registration.audienceList] } : {}) };
      assertOidcRegistration(next);
      user.workloadIdentity = next;
      delete user.workloadIdentityArn;
      delete user.workloadIdentityIssuer;
    },
    setUserAzure(name, registration) {
      const user = users.find((u) => u.name.toUpperCase() === name.toUpperCase());
      if (!user) throw new Error(`User '${name.toUpperCase()}' does not exist or not authorized.`);
      user.azureIdentity = { type: 'AZURE', issuer: registration.issuer, subject: registration.subject };
      delete user.workloadIdentity;
      delete user.workloadIdentityArn;
      delete user.workloadIdentityIssuer;
    },
    oidcFetches: oidcKeys.fetches,
    clearOidcKeyCache: () => oidcKeys.clear(),
    setOidcSubjectWildcard(on) {
      oidcSubjectWildcard = on;
    },
    listUsers: () => users.map((u) => ({ ...u, ...(u.workloadIdentity ? { workloadIdentity: { ...u.workloadIdentity, ...(u.workloadIdentity.audienceList ? { audienceList: [...u.workloadIdentity.audienceList] } : {}) } } : {}) })),
    setMode(next: SnowflakeMode) {
      mode = next;
    },
    async close() {
      await Promise.all([running.close(), ownSts?.then((sts) => sts.close())]);
    },
  };
}
