/**
 * A GitHub Actions-like ID token service for the test bed: what a job with `permissions: id-token:
 * write` reaches through `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
 *
 * What it mirrors:
 * - the request @actions/core's `getIDToken(audience)` makes (actions/toolkit
 *   packages/core/src/oidc-utils.ts): `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<encoded>` (the
 *   URL already carries `?api-version=2.0`, so the client appends with `&`), with
 *   `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` and `Accept: application/json`; the
 *   answer is JSON whose `value` is the token (the client reads only `value`, and on an error
 *   status reports the body's `message`);
 * - the URL's shape, seen in public logs: `https://run-actions-…actions.githubusercontent.com/
 *   <n>//idtoken/<uuid>/<uuid>?api-version=2.0` (the double slash is kept);
 * - without an audience parameter the token's `aud` is the repository owner's URL
 *   (`https://github.com/OWNER`, GitHub's OIDC reference), and the token lives ~5 minutes
 *   (../shared/FACTS.md);
 * - a job without `id-token: write` gets neither variable (`env()` then leaves them out).
 *
 * Assumed, not documented (docs/how-it-works.md): the answer also carries `count` (here: the
 * token's length), as public curl output shows — clients must not depend on it; a missing or
 * wrong bearer is answered 401, a right bearer for a job without the permission 403, and a request
 * without `api-version` 400, each with a JSON `{ "message" }`.
 * Subjects follow ./oidc-claims.ts githubActionsClaims (environment / ref / pull_request, the
 * immutable-ID form, custom templates); `setJob` changes them between requests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseUrl, startHttpServer } from './http-util.js';
import { githubActionsClaims, type GithubJob } from './oidc-claims.js';
import type { OidcIssuer, OidcSignOptions } from './oidc-issuer.js';

export const DEFAULT_GITHUB_JOB: Readonly<GithubJob> = Object.freeze({ repository: 'octo-org/app', environment: 'prod' });
/** GitHub's token lifetime (about five minutes). */
export const GITHUB_TOKEN_LIFETIME_SECONDS = 300;

export interface GithubTokenServiceOptions {
  /** The issuer that signs the tokens (its `issuer` is the tokens' iss). */
  issuer: OidcIssuer;
  /** The job whose tokens it issues (default DEFAULT_GITHUB_JOB: octo-org/app, environment prod). */
  job?: GithubJob;
  /** The job's ACTIONS_ID_TOKEN_REQUEST_TOKEN (default: random). */
  requestToken?: string;
  /** Whether the job has `permissions: id-token: write` (default true). */
  idTokenPermission?: boolean;
  /** Signing options for every token (alg, lifetime…); default a 300-second RS256 token. */
  sign?: OidcSignOptions;
  host?: string;
  port?: number;
}

export interface GithubTokenRequest {
  /** The `audience` parameter, or null when absent. */
  audience: string | null;
  status: number;
  /** Whether the bearer was the job's. */
  authorized: boolean;
}

/** The variables a GitHub Actions job has (the two token-service ones only with id-token: write). */
export interface GithubJobEnv {
  ACTIONS_ID_TOKEN_REQUEST_URL?: string;
  ACTIONS_ID_TOKEN_REQUEST_TOKEN?: string;
  GITHUB_ACTIONS: 'true';
  CI: 'true';
  GITHUB_REPOSITORY: string;
  GITHUB_REPOSITORY_OWNER: string;
  GITHUB_REPOSITORY_ID: string;
  GITHUB_REPOSITORY_OWNER_ID: string;
  GITHUB_REF: string;
  GITHUB_REF_NAME: string;
  GITHUB_REF_TYPE: string;
  GITHUB_EVENT_NAME: string;
  GITHUB_WORKFLOW_REF: string;
  GITHUB_SERVER_URL: 'https://github.com';
  GITHUB_RUN_ID: string;
  GITHUB_RUN_ATTEMPT: string;
  RUNNER_ENVIRONMENT: string;
}

export interface GithubTokenService {
  /** ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:PORT/<n>//idtoken/<uuid>/<uuid>?api-version=2.0`. */
  requestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string;
  host: string;
  port: number;
  /** The job's environment (see GithubJobEnv). */
  env(): GithubJobEnv;
  /** Changes the job (its subject, environment, ref…) for the next tokens. */
  setJob(job: GithubJob): void;
  readonly job: GithubJob;
  setIdTokenPermission(allowed: boolean): void;
  /** Every request, in order (never the bearer). */
  requests: GithubTokenRequest[];
  /** Every token issued, in order. */
  issuedTokens: string[];
  close(): Promise<void>;
}

export async function startGithubTokenService(opts: GithubTokenServiceOptions): Promise<GithubTokenService> {
  let job: GithubJob = { ...(opts.job ?? DEFAULT_GITHUB_JOB) };
  let permission = opts.idTokenPermission ?? true;
  const requestToken = opts.requestToken ?? `sim-actions-${randomBytes(24).toString('base64url')}`;
  const path = `/63//idtoken/${randomUUID()}/${randomUUID()}`;
  const requests: GithubTokenRequest[] = [];
  const issuedTokens: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://actions.invalid');
    const audience = url.searchParams.get('audience');
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const authorized = bearer === requestToken;
    const answer = (status: number, body: unknown) => {
      requests.push({ audience, status, authorized });
      send(res, status, body);
    };
    if ((req.method ?? 'GET').toUpperCase() !== 'GET' || url.pathname !== path) return answer(404, { message: 'Not Found' });
    if (!authorized) return answer(401, { message: 'Unauthorized: the bearer token is missing or not valid for this job.' });
    if (!permission) return answer(403, { message: "Forbidden: the job has no 'id-token: write' permission." });
    if (url.searchParams.get('api-version') === null) return answer(400, { message: "Bad Request: the 'api-version' parameter is required." });
    const owner = job.repository.split('/')[0] ?? '';
    const token = await opts.issuer.sign(githubActionsClaims(job), {
      expiresInSeconds: GITHUB_TOKEN_LIFETIME_SECONDS,
      ...opts.sign,
      audience: audience ?? `https://github.com/${owner}`,
    });
    issuedTokens.push(token);
    return answer(200, { count: token.length, value: token });
  };

  const running = await startHttpServer(handle, { host: opts.host, port: opts.port });
  const requestUrl = `${baseUrl(running.host, running.port)}${path}?api-version=2.0`;

  return {
    requestUrl,
    requestToken,
    host: running.host,
    port: running.port,
    env() {
      const claims = githubActionsClaims(job);
      const ref = String(claims['ref']);
      return {
        ...(permission ? { ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken } : {}),
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        GITHUB_REPOSITORY: job.repository,
        GITHUB_REPOSITORY_OWNER: String(claims['repository_owner']),
        GITHUB_REPOSITORY_ID: String(claims['repository_id']),
        GITHUB_REPOSITORY_OWNER_ID: String(claims['repository_owner_id']),
        GITHUB_REF: ref,
        GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ''),
        GITHUB_REF_TYPE: String(claims['ref_type']),
        GITHUB_EVENT_NAME: String(claims['event_name']),
        GITHUB_WORKFLOW_REF: String(claims['workflow_ref']),
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: String(claims['run_id']),
        GITHUB_RUN_ATTEMPT: String(claims['run_attempt']),
        RUNNER_ENVIRONMENT: String(claims['runner_environment']),
      };
    },
    setJob(next) {
      job = { ...next };
    },
    get job() {
      return { ...job };
    },
    setIdTokenPermission(allowed) {
      permission = allowed;
    },
    requests,
    issuedTokens,
    close: () => running.close(),
  };
}
