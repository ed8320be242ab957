/**
 * The STS side of AWS's JWT method for the local test bed: GetWebIdentityToken, and each account's
 * OIDC issuer (discovery document and JWKS), served by the STS simulator's HTTP server.
 *
 * What it mirrors (../shared/FACTS.md "AWS's JWT method"; STS API reference GetWebIdentityToken;
 * IAM user guide "Getting started with outbound identity federation", "Understanding token claims"):
 * - parameters `Audience.member.N` (1–10), `SigningAlgorithm` RS256 | ES384 (required),
 *   `DurationSeconds` 60–3600 (default 300), `Tags.member.N.Key/Value`; validation failures are
 *   400 ValidationError in AWS's wording;
 * - the answer `<GetWebIdentityTokenResponse><GetWebIdentityTokenResult><WebIdentityToken/>
 *   <Expiration/></GetWebIdentityTokenResult>…`, and the errors
 *   OutboundWebIdentityFederationDisabledException (403), JWTPayloadSizeExceededException (400)
 *   and AccessDenied (403) naming sts:GetWebIdentityToken (the SDK's error schemas give the codes
 *   and statuses);
 * - the claims: iss (the account's issuer), sub (the IAM role ARN for a role session, not the
 *   session ARN), aud, iat, exp, jti, and under "https://sts.amazonaws.com/": aws_account,
 *   source_region, principal_id, principal_tags, request_tags, org_id;
 * - each account's issuer `https://<id>.tokens.sts.global.api.aws`, with
 *   `/.well-known/openid-configuration` and `/.well-known/jwks.json`.
 *
 * Invented or configurable, because it is not known (docs/how-it-works.md lists each):
 * - whether `sub` keeps a role's IAM path: `subjectPath` 'keep' (default) or 'drop';
 * - the global endpoint's refusal: with `globalEndpoint` the simulator plays sts.amazonaws.com and
 *   answers 400 InvalidAction "… not available on the global STS endpoint …" (AWS documents that
 *   the API is not there, not its error);
 * - the payload limit behind JWTPayloadSizeExceededException (`maxPayloadBytes`, default 4096);
 * - issuer hosts do not resolve here: an issuer `https://<host>` is served at
 *   `<sts url>/oidc/<host>/…`, and `resolveIssuerUrl` maps one to the other (as DNS would).
 * Tokens are signed with `jose` (fresh keys per simulator); every token issued is kept in
 * `issuedTokens` so that tests can assert none of them is ever printed.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { TEST_ACCOUNT, type TestIdentity } from './credentials.js';
import { xmlEscape } from './http-util.js';

export type SigningAlgorithm = 'RS256' | 'ES384';

export interface WebIdentityOptions {
  /** Accounts whose outbound identity federation is disabled (default: none). */
  disabledAccounts?: readonly string[];
  /** Caller ARNs (as STS reports them) whose policy does not allow sts:GetWebIdentityToken. */
  deniedCallers?: readonly string[];
  /** IAM paths of roles by name (default: my-fn-role and etl-fn-role live under /service-role/, as in the README's story). */
  rolePaths?: Readonly<Record<string, string>>;
  /** Whether `sub` keeps the role's IAM path (not documented by AWS): default 'keep'. */
  subjectPath?: 'keep' | 'drop';
  /** Play the global endpoint (sts.amazonaws.com), which refuses GetWebIdentityToken. */
  globalEndpoint?: boolean;
  /** Principal tags per caller ARN, put into the token's principal_tags claim. */
  principalTags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Largest claims payload (JSON bytes) before JWTPayloadSizeExceededException. Default 4096. */
  maxPayloadBytes?: number;
  /** The AWS Organizations id put in org_id (default none). */
  orgId?: string;
}

export const DEFAULT_ROLE_PATHS: Readonly<Record<string, string>> = Object.freeze({ 'my-fn-role': '/service-role/', 'etl-fn-role': '/service-role/' });
export const DEFAULT_MAX_PAYLOAD_BYTES = 4096;
export const MIN_DURATION_SECONDS = 60;
export const MAX_DURATION_SECONDS = 3600;
export const DEFAULT_DURATION_SECONDS = 300;
/** The simulator's (invented) refusal on the global endpoint. */
export const GLOBAL_ENDPOINT_MESSAGE = 'The GetWebIdentityToken API is not available on the global STS endpoint. Use a regional STS endpoint.';

export type WebIdentityAnswer = { status: 200; xml: string } | { status: number; error: { code: string; message: string } };

export interface WebIdentityService {
  /** Answers a SigV4-verified GetWebIdentityToken call. */
  answer(caller: TestIdentity, params: URLSearchParams, signingRegion: string, requestId: string): Promise<WebIdentityAnswer>;
  /** Serves an issuer's discovery document and JWKS (GET /oidc/<host>/.well-known/…); true when it answered. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The issuer of an AWS account, e.g. https://4f3c…-….tokens.sts.global.api.aws */
  issuerFor(account: string): string;
  /** `https://<issuer host>/<path>` → where this simulator serves it; undefined for other URLs. */
  resolveIssuerUrl(url: string): string | undefined;
  setFederation(account: string, enabled: boolean): void;
  setAllowed(callerArn: string, allowed: boolean): void;
  setSubjectPath(mode: 'keep' | 'drop'): void;
  setGlobalEndpoint(global: boolean): void;
  setPrincipalTags(callerArn: string, tags: Record<string, string> | undefined): void;
  /** Every token issued, in order (tests assert none is printed). */
  readonly issuedTokens: string[];
}

const ISSUER_SUFFIX = '.tokens.sts.global.api.aws';

/** A stable, UUID-shaped issuer id per account (AWS's ids look like a1b2c3d4-…). */
function issuerIdFor(account: string): string {
  const hex = createHash('sha256').update(`wif-check-sim-issuer:${account}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface AccountKeys {
  keys: Record<SigningAlgorithm, { kid: string; privateKey: CryptoKey; publicJwk: JWK }>;
}

function validation(messages: string[]): WebIdentityAnswer {
  const count = messages.length;
  return { status: 400, error: { code: 'ValidationError', message: `${count} validation error${count > 1 ? 's' : ''} detected: ${messages.join('; ')}` } };
}

/** The IAM ARN a caller's token names: the role (with or without its path) for a role session, else the caller. */
function principalOf(caller: TestIdentity, rolePaths: Readonly<Record<string, string>>, keepPath: boolean): { subject: string; principalId: string } {
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(caller.arn);
  if (!assumed) return { subject: caller.arn, principalId: caller.arn };
  const [, partition, account, role] = assumed;
  const path = rolePaths[role ?? ''] ?? '/';
  const withPath = `arn:${partition}:iam::${account}:role${path}${role}`;
  return { subject: keepPath ? withPath : `arn:${partition}:iam::${account}:role/${role}`, principalId: withPath };
}

function listParam(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) values.push(params.get(`${name}.member.${i}`) ?? '');
  return values;
}

export function createWebIdentityService(stsUrl: () => string, opts: WebIdentityOptions = {}): WebIdentityService {
  const disabled = new Set(opts.disabledAccounts ?? []);
  const denied = new Set(opts.deniedCallers ?? []);
  const rolePaths = { ...DEFAULT_ROLE_PATHS, ...opts.rolePaths };
  const principalTags = new Map(Object.entries(opts.principalTags ?? {}).map(([arn, tags]) => [arn, { ...tags }]));
  let keepPath = (opts.subjectPath ?? 'keep') === 'keep';
  let globalEndpoint = opts.globalEndpoint ?? false;
  const maxPayloadBytes = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const keysByAccount = new Map<string, Promise<AccountKeys>>();
  const issuedTokens: string[] = [];

  const issuerFor = (account: string) => `https://${issuerIdFor(account)}${ISSUER_SUFFIX}`;

  const keysFor = (account: string): Promise<AccountKeys> => {
    let keys = keysByAccount.get(account);
    if (!keys) {
      keys = (async () => {
        const make = async (alg: SigningAlgorithm) => {
          const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
          const kid = `${issuerIdFor(account).slice(0, 8)}-${alg.toLowerCase()}-1`;
          return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
        };
        return { keys: { ES384: await make('ES384'), RS256: await make('RS256') } };
      })();
      keysByAccount.set(account, keys);
    }
    return keys;
  };

  /** The account an issuer host belongs to, among those that have asked for keys or the known test accounts. */
  const accountOfIssuerHost = (host: string, accounts: Iterable<string>): string | undefined => {
    for (const account of accounts) if (`${issuerIdFor(account)}${ISSUER_SUFFIX}` === host.toLowerCase()) return account;
    return undefined;
  };
  const knownAccounts = (): Set<string> => new Set([TEST_ACCOUNT, ...keysByAccount.keys()]);

  const answer: WebIdentityService['answer'] = async (caller, params, signingRegion, requestId) => {
    void requestId;
    if (globalEndpoint) return { status: 400, error: { code: 'InvalidAction', message: GLOBAL_ENDPOINT_MESSAGE } };
    const audience = listParam(params, 'Audience');
    const algorithm = params.get('SigningAlgorithm');
    const problems: string[] = [];
    if (audience.length === 0) problems.push("Value null at 'audience' failed to satisfy constraint: Member must not be null");
    else if (audience.length > 10) problems.push(`Value '[${audience.join(', ')}]' at 'audience' failed to satisfy constraint: Member must have length less than or equal to 10`);
    else if (audience.some((a) => a.length < 1 || a.length > 1000)) problems.push("Value at 'audience' failed to satisfy constraint: Member must have length between 1 and 1000");
    if (algorithm === null) problems.push("Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null");
    else if (algorithm !== 'RS256' && algorithm !== 'ES384') problems.push(`Value '${algorithm}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]`);
    const durationText = params.get('DurationSeconds');
    const duration = durationText === null ? DEFAULT_DURATION_SECONDS : Number(durationText);
    if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS || duration > MAX_DURATION_SECONDS) {
      problems.push(`Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${MIN_DURATION_SECONDS} and ${MAX_DURATION_SECONDS}`);
    }
    if (problems.length > 0) return validation(problems);

    if (disabled.has(caller.account)) {
      return {
        status: 403,
        error: { code: 'OutboundWebIdentityFederationDisabledException', message: 'The outbound web identity federation feature is not enabled for this account.' },
      };
    }
    if (denied.has(caller.arn)) {
      return {
        status: 403,
        error: {
          code: 'AccessDenied',
          message: `User: ${caller.arn} is not authorized to perform: sts:GetWebIdentityToken because no identity-based policy allows the sts:GetWebIdentityToken action`,
        },
      };
    }
    const tags: Record<string, string> = {};
    for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) tags[params.get(`Tags.member.${i}.Key`) ?? ''] = params.get(`Tags.member.${i}.Value`) ?? '';

    const { subject, principalId } = principalOf(caller, rolePaths, keepPath);
    const now = Math.floor(Date.now() / 1000);
    const awsClaims: Record<string, unknown> = { aws_account: caller.account, source_region: signingRegion, principal_id: principalId };
    if (opts.orgId) awsClaims.org_id = opts.orgId;
    const ownTags = principalTags.get(caller.arn);
    if (ownTags) awsClaims.principal_tags = ownTags;
    if (Object.keys(tags).length > 0) awsClaims.request_tags = tags;
    const claims = {
      iss: issuerFor(caller.account),
      sub: subject,
      aud: audience.length === 1 ? audience[0] : audience,
      iat: now,
      exp: now + duration,
      jti: randomUUID(),
      'https://sts.amazonaws.com/': awsClaims,
    };
    if (Buffer.byteLength(JSON.stringify(claims)) > maxPayloadBytes) {
      return { status: 400, error: { code: 'JWTPayloadSizeExceededException', message: 'The requested token payload size exceeds the maximum allowed size.' } };
    }
    const alg = algorithm as SigningAlgorithm;
    const key = (await keysFor(caller.account)).keys[alg];
    const token = await new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
    issuedTokens.push(token);
    const expiration = new Date((now + duration) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      status: 200,
      xml:
        `<GetWebIdentityTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
        `  <GetWebIdentityTokenResult>\n` +
        `    <WebIdentityToken>${xmlEscape(token)}</WebIdentityToken>\n` +
        `    <Expiration>${expiration}</Expiration>\n` +
        `  </GetWebIdentityTokenResult>\n` +
        `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
        `</GetWebIdentityTokenResponse>\n`,
    };
  };

  const serve: WebIdentityService['serve'] = async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://sts.invalid').pathname;
    const m = /^\/oidc\/([^/]+)\/\.well-known\/(openid-configuration|jwks\.json)$/.exec(path);
    if (!m || (req.method ?? 'GET').toUpperCase() !== 'GET') return false;
    const [, host = '', document] = m;
    const account = accountOfIssuerHost(host, knownAccounts());
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (!account || disabled.has(account)) {
      send(404, { message: 'Not Found' });
      return true;
    }
    const issuer = issuerFor(account);
    if (document === 'openid-configuration') {
      send(200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES384'],
      });
    } else {
      const { keys } = await keysFor(account);
      send(200, { keys: [keys.ES384.publicJwk, keys.RS256.publicJwk] });
    }
    return true;
  };

  return {
    answer,
    serve,
    issuerFor,
    resolveIssuerUrl(url: string) {
      const m = /^https:\/\/([^/]+)(\/.*)?$/i.exec(url);
      if (!m || !(m[1] ?? '').toLowerCase().endsWith(ISSUER_SUFFIX)) return undefined;
      return `${stsUrl()}/oidc/${(m[1] ?? '').toLowerCase()}${m[2] ?? '/'}`;
    },
    setFederation(account, enabled) {
      if (enabled) disabled.delete(account);
      else disabled.add(account);
    },
    setAllowed(callerArn, allowed) {
      if (allowed) denied.delete(callerArn);
      else denied.add(callerArn);
    },
    setSubjectPath(mode) {
      keepPath = mode === 'keep';
    },
    setGlobalEndpoint(global) {
      globalEndpoint = global;
    },
    setPrincipalTags(callerArn, tags) {
      if (tags) principalTags.set(callerArn, { ...tags });
      else principalTags.delete(callerArn);
    },
    issuedTokens,
  };
}
