/**
 * A local OpenID Connect issuer for the test bed: an HTTP server on 127.0.0.1 serving the discovery
 * document and the JWKS, and signing ID tokens with `jose` (never hand-written crypto). It plays the
 * issuers Snowflake's `WORKLOAD_IDENTITY = (TYPE = OIDC …)` trusts: GitHub Actions, GitLab, a
 * Kubernetes cluster (EKS, AKS, GKE), or any other.
 *
 * What it mirrors (OpenID Connect Discovery 1.0 §4; RFC 7517; the issuers' public documents):
 * - `GET <issuer>/.well-known/openid-configuration` answers `{ issuer, jwks_uri, … }` with `issuer`
 *   exactly the `iss` of its tokens (a trailing slash, as AKS issuers have, is kept; the path to
 *   the document is the issuer with that slash removed, as §4 says);
 * - `GET <jwks_uri>` answers `{ keys: [ … ] }`: the public keys, each with `kid`, `alg`, `use: sig`;
 *   by default at `<issuer>/.well-known/jwks` (GitHub's path; Kubernetes uses `/openid/v1/jwks`,
 *   EKS `/keys`: see `jwksPath`);
 * - the issuer URL may carry a path, e.g. to look like EKS `…/id/<ID>` (`path`), or claim a public
 *   https name (`publicIssuer`, e.g. `https://token.actions.githubusercontent.com`) while being
 *   served on loopback: `resolve(url)` then maps that name's URLs to this server, as DNS would.
 *   Nothing is ever served or fetched off 127.0.0.1.
 *
 * Signing (`sign`): RS256/384/512, ES256/384/512 (what Snowflake accepts), and, for the refusal
 * cases, PS256, HS256 (a shared secret, never published) and `none` (an unsecured JWT). Keys are
 * made per algorithm on first use (RS256 at start) and published in the JWKS; `rotateKeys()` starts
 * a new generation (the old keys published or not), `sign(…, { kid })` or `{ unpublishedKey: true }`
 * make a token whose key the JWKS never names. Every token signed is kept in `issuedTokens`.
 * Claim helpers for realistic tokens live in ./oidc-claims.ts.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { baseUrl, startHttpServer } from './http-util.js';

/** What Snowflake accepts (FACTS "Every provider": only RS256/384/512 and ES256/384/512). */
export const SNOWFLAKE_OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
export type SnowflakeOidcAlgorithm = (typeof SNOWFLAKE_OIDC_ALGORITHMS)[number];
/** Everything `sign` can do: Snowflake's algorithms, and three it refuses (for the trap tests). */
export type OidcSigningAlgorithm = SnowflakeOidcAlgorithm | 'PS256' | 'HS256' | 'none';

export type OidcIssuerMode =
  /** Discovery and JWKS answered as an issuer does. */
  | 'normal'
  /** Every request answered 503 (an issuer that is down). */
  | 'down'
  /** The discovery document names another issuer than the tokens' `iss`. */
  | 'wrong-issuer';

export interface OidcIssuerOptions {
  /** A path on the issuer, e.g. '/id/5C0FFEE…' (EKS) or '/<tenant>/<uuid>/' (AKS, trailing slash kept). Ignored with publicIssuer (its path is used). */
  path?: string;
  /**
   * The issuer the tokens and the discovery document name, when it should not be the loopback URL,
   * e.g. 'https://token.actions.githubusercontent.com'. It is served on loopback at the same path;
   * `resolve` maps its URLs there.
   */
  publicIssuer?: string;
  /** Where the JWKS is served, relative to the issuer (default '/.well-known/jwks'). */
  jwksPath?: string;
  /** `sign`'s default algorithm (default RS256). */
  defaultAlgorithm?: OidcSigningAlgorithm;
  /** `sign`'s default lifetime (default 300 s, GitHub's). */
  defaultExpiresInSeconds?: number;
  /** Extra fields for the discovery document (e.g. claims_supported). */
  discoveryExtras?: Record<string, unknown>;
  mode?: OidcIssuerMode;
  host?: string;
  port?: number;
}

export interface OidcSignOptions {
  /** Default: the issuer's defaultAlgorithm (RS256). */
  alg?: OidcSigningAlgorithm;
  /** The header's `kid`, instead of the signing key's (a kid the JWKS does not publish: the unknown-kid case). */
  kid?: string;
  /** No `kid` in the header. */
  omitKid?: boolean;
  /** Sign with a fresh key of `alg` that the JWKS never publishes. */
  unpublishedKey?: boolean;
  /** `aud`: a string or a list; overrides the claims' aud. */
  audience?: string | string[];
  /** `iss`, instead of the issuer (a token that claims another issuer but is signed by this one). */
  issuer?: string;
  /** `iat` (seconds since the epoch, or a Date). Default: now. */
  issuedAt?: number | Date;
  /** No `iat` (Snowflake requires it). */
  omitIat?: boolean;
  /** `exp` = iat (or now) + this. Default: the issuer's defaultExpiresInSeconds. Negative: already expired. */
  expiresInSeconds?: number;
  /** No `exp`. */
  omitExp?: boolean;
  /** `nbf` (seconds since the epoch); default none, or whatever the claims carry. */
  notBefore?: number;
  /** The header's `typ` (default 'JWT'). */
  typ?: string;
}

export interface OidcIssuerRequest {
  method: string;
  path: string;
  status: number;
}

export interface OidcIssuer {
  /** The `iss` of its tokens: the loopback URL (with path), or publicIssuer. */
  issuer: string;
  /** Where it is served: `http://127.0.0.1:PORT` + the issuer's path (no trailing slash). */
  url: string;
  /** The discovery document's URL on loopback. */
  discoveryUrl: string;
  /** The JWKS's URL on loopback. */
  jwksUrl: string;
  host: string;
  port: number;
  /** Signs `claims` (iss, iat, exp, aud per `opts`) into a compact JWT. */
  sign(claims: Record<string, unknown>, opts?: OidcSignOptions): Promise<string>;
  /** What the JWKS publishes now (public keys only). */
  jwks(): Promise<{ keys: JWK[] }>;
  /** A new key generation; the previous keys stay published only with keepPrevious. */
  rotateKeys(opts?: { keepPrevious?: boolean }): Promise<void>;
  /** `<issuer>/…` → the same path on this server; undefined for other URLs. */
  resolve(url: string): string | undefined;
  setMode(mode: OidcIssuerMode): void;
  /** Every request served, in order. */
  requests: OidcIssuerRequest[];
  /** Every token signed, in order (tests assert none is printed). */
  issuedTokens: string[];
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  alg: OidcSigningAlgorithm;
  privateKey: CryptoKey | Uint8Array | undefined;
  /** Undefined for HS256 and none: never published. */
  publicJwk: JWK | undefined;
}

const ASYMMETRIC = new Set<OidcSigningAlgorithm>(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256']);

/** `https://host/path/` → `https://host/path` (the base discovery and JWKS paths are appended to). */
export function issuerBase(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

async function makeKey(alg: OidcSigningAlgorithm, kid: string): Promise<SigningKey> {
  if (alg === 'none') return { kid, alg, privateKey: undefined, publicJwk: undefined };
  if (alg === 'HS256') return { kid, alg, privateKey: new Uint8Array(randomBytes(32)), publicJwk: undefined };
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}) });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startOidcIssuer(opts: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const jwksPath = `/${(opts.jwksPath ?? '/.well-known/jwks').replace(/^\/+/, '')}`;
  let mode: OidcIssuerMode = opts.mode ?? 'normal';
  const requests: OidcIssuerRequest[] = [];
  const issuedTokens: string[] = [];
  let generation = 1;
  /** The current generation's keys by algorithm (made on first use). */
  let current = new Map<OidcSigningAlgorithm, Promise<SigningKey>>();
  /** Keys still published from earlier generations (rotateKeys with keepPrevious). */
  let previous: SigningKey[] = [];
  let unpublished = 0;

  const publicIssuer = opts.publicIssuer;
  if (publicIssuer !== undefined && !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(publicIssuer)) throw new Error(`oidc issuer: '${publicIssuer}' is not an http(s) URL`);
  const rawPath = publicIssuer !== undefined ? new URL(publicIssuer).pathname : (opts.path ?? '');
  const trailingSlash = rawPath.length > 1 && rawPath.endsWith('/');
  const trimmedPath = rawPath.replace(/^\/+|\/+$/g, '');
  const basePath = trimmedPath ? `/${trimmedPath}` : '';

  const keyFor = (alg: OidcSigningAlgorithm): Promise<SigningKey> => {
    let key = current.get(alg);
    if (!key) {
      key = makeKey(alg, `${alg.toLowerCase()}-${generation}`);
      current.set(alg, key);
    }
    return key;
  };
  await keyFor(opts.defaultAlgorithm && ASYMMETRIC.has(opts.defaultAlgorithm) ? opts.defaultAlgorithm : 'RS256');

  let issuer = '';
  let localBase = '';

  const jwks = async (): Promise<{ keys: JWK[] }> => {
    const keys = [...(await Promise.all(current.values())), ...previous];
    return { keys: keys.flatMap((key) => (key.publicJwk ? [key.publicJwk] : [])) };
  };

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'max-age=3600' });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://issuer.invalid').pathname;
    const answer = (status: number, body: unknown) => {
      requests.push({ method, path, status });
      send(res, status, body);
    };
    if (mode === 'down') return answer(503, { message: 'Service Unavailable' });
    if (method !== 'GET') return answer(405, { message: 'Method Not Allowed' });
    if (path === `${basePath}/.well-known/openid-configuration`) {
      return answer(200, {
        issuer: mode === 'wrong-issuer' ? `${issuerBase(issuer)}-other` : issuer,
        jwks_uri: `${issuerBase(issuer)}${jwksPath}`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [...SNOWFLAKE_OIDC_ALGORITHMS],
        ...opts.discoveryExtras,
      });
    }
    if (path === `${basePath}${jwksPath}`) return answer(200, await jwks());
    return answer(404, { message: 'Not Found' });
  };

  const running = await startHttpServer(handle, { host: opts.host, port: opts.port });
  localBase = `${baseUrl(running.host, running.port)}${basePath}`;
  issuer = publicIssuer ?? `${localBase}${trailingSlash ? '/' : ''}`;

  const resolve = (url: string): string | undefined => {
    const base = issuerBase(issuer);
    if (url !== base && !url.startsWith(`${base}/`)) return undefined;
    return `${localBase}${url.slice(base.length)}`;
  };

  const sign: OidcIssuer['sign'] = async (claims, signOpts = {}) => {
    const alg = signOpts.alg ?? opts.defaultAlgorithm ?? 'RS256';
    const key = signOpts.unpublishedKey ? await makeKey(alg, `unpublished-${alg.toLowerCase()}-${++unpublished}`) : await keyFor(alg);
    const payload: Record<string, unknown> = { ...claims, iss: signOpts.issuer ?? issuer };
    const issuedAt = signOpts.issuedAt instanceof Date ? Math.floor(signOpts.issuedAt.getTime() / 1000) : (signOpts.issuedAt ?? (typeof claims['iat'] === 'number' ? claims['iat'] : Math.floor(Date.now() / 1000)));
    if (signOpts.audience !== undefined) payload['aud'] = signOpts.audience;
    if (signOpts.omitIat) delete payload['iat'];
    else payload['iat'] = issuedAt;
    if (signOpts.omitExp) delete payload['exp'];
    else if (signOpts.expiresInSeconds !== undefined || typeof claims['exp'] !== 'number') payload['exp'] = issuedAt + (signOpts.expiresInSeconds ?? opts.defaultExpiresInSeconds ?? 300);
    if (signOpts.notBefore !== undefined) payload['nbf'] = signOpts.notBefore;
    const header = { alg, typ: signOpts.typ ?? 'JWT', ...(signOpts.omitKid || alg === 'none' ? {} : { kid: signOpts.kid ?? key.kid }) };
    let token: string;
    if (alg === 'none') token = new UnsecuredJWT(payload).encode();
    else if (key.privateKey === undefined) throw new Error(`oidc issuer: no key for ${alg}`);
    else token = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
    issuedTokens.push(token);
    return token;
  };

  return {
    issuer,
    url: localBase,
    discoveryUrl: `${localBase}/.well-known/openid-configuration`,
    jwksUrl: `${localBase}${jwksPath}`,
    host: running.host,
    port: running.port,
    sign,
    jwks,
    async rotateKeys(rotateOpts = {}) {
      const old = await Promise.all(current.values());
      previous = rotateOpts.keepPrevious ? [...previous, ...old] : [];
      generation++;
      current = new Map();
      for (const key of old) await keyFor(key.alg);
    },
    resolve,
    setMode(next) {
      mode = next;
    },
    requests,
    issuedTokens,
    close: () => running.close(),
  };
}
