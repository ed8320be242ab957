/**
 * Guards the requests snowflake-sdk sends to the host wif-check validated, at the driver's own
 * HTTP client (the axios instance in snowflake-sdk/dist/lib/http/axios_instance.js, which every
 * driver request goes through in 3.3.x):
 * - **no redirect is followed**: the driver would re-post the login body, attestation included,
 *   to wherever a 307/308 points (../shared/FACTS.md, "Driver behaviour that matters for safety");
 *   the redirect is recorded instead and reported as UNEXPECTED_REDIRECT;
 * - **bounded answers**: a body over MAX_RESPONSE_BYTES is cut off (an endless body once grew to
 *   2.6 GB), recorded as RESPONSE_TOO_LARGE;
 * - **secrets are collected for redaction**: the login's TOKEN (and the signed headers inside
 *   it), so that a server that echoes them back never gets them printed (src/core/redact.ts).
 * Only requests to an origin with an active guard are touched: a host application's own
 * snowflake-sdk connections in the same process are left alone.
 */
import { gunzipSync } from 'node:zlib';
import { rememberSecrets } from '../known-secrets.js';

/** A login or query answer is a few KiB; the largest the identity check needs is far below this. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface GuardEvents {
  redirect?: { status: number; location: string; targetHost: string };
  tooLarge?: boolean;
  /** A guarded answer that was not Snowflake's JSON (an HTML page from a proxy or captive portal). */
  notJson?: { status: number; contentType: string };
  /** Requests the driver started to the guarded origin: 0 means it failed before reaching Snowflake. */
  requests: number;
  /** Strings that must never be printed: the TOKEN and the values signed into it. */
  secrets: Set<string>;
}

interface AxiosLikeConfig {
  url?: string;
  baseURL?: string;
  data?: unknown;
  maxRedirects?: number;
  maxContentLength?: number;
  beforeRedirect?: unknown;
}

interface AxiosLikeError {
  code?: string;
  message?: string;
  config?: AxiosLikeConfig;
  response?: { status?: number; headers?: Record<string, unknown> };
}

interface AxiosLike {
  interceptors: {
    request: { use(onFulfilled: (config: AxiosLikeConfig) => AxiosLikeConfig): unknown };
    response: { use(onFulfilled: (response: unknown) => unknown, onRejected: (error: AxiosLikeError) => unknown): unknown };
  };
}

const active = new Map<string, GuardEvents[]>();
let installed: Promise<void> | undefined;

/** Loads the driver's HTTP client and installs the interceptors, once. Throws when it cannot (fail closed). */
export function installGuard(): Promise<void> {
  installed ??= (async () => {
    const module = (await import('snowflake-sdk/dist/lib/http/axios_instance.js')) as { default?: unknown };
    const axios = unwrapDefault(module) as Partial<AxiosLike> | undefined;
    if (!axios?.interceptors?.request?.use || !axios.interceptors.response?.use) {
      throw new Error('this snowflake-sdk version has no interceptable HTTP client: wif-check will not send an attestation through it unguarded');
    }
    axios.interceptors.request.use(guardRequest);
    axios.interceptors.response.use(noteAnswer, (error) => {
      noteFailure(error);
      return Promise.reject(error);
    });
  })();
  return installed;
}

/** Starts guarding `origin` (e.g. `https://myorg-myacct.snowflakecomputing.com:443`) until the returned function is called. */
export function guardOrigin(origin: string): { events: GuardEvents; release(): void } {
  const events: GuardEvents = { secrets: new Set(), requests: 0 };
  const key = normalizeOrigin(origin);
  active.set(key, [...(active.get(key) ?? []), events]);
  return {
    events,
    release() {
      const left = (active.get(key) ?? []).filter((entry) => entry !== events);
      if (left.length) active.set(key, left);
      else active.delete(key);
    },
  };
}

function guardsFor(config: AxiosLikeConfig | undefined): GuardEvents[] | undefined {
  if (!config?.url) return undefined;
  try {
    return active.get(normalizeOrigin(new URL(config.url, config.baseURL).origin));
  } catch {
    return undefined;
  }
}

function guardRequest(config: AxiosLikeConfig): AxiosLikeConfig {
  const guards = guardsFor(config);
  if (!guards) return config;
  // 0: axios uses Node's http module directly, so a 3xx comes back as an answer, never followed.
  config.maxRedirects = 0;
  config.beforeRedirect = undefined;
  config.maxContentLength = MAX_RESPONSE_BYTES;
  const secrets = secretsInBody(config.data);
  rememberSecrets(...secrets);
  for (const guard of guards) {
    guard.requests += 1;
    for (const secret of secrets) guard.secrets.add(secret);
  }
  return config;
}

function noteAnswer(response: unknown): unknown {
  const answer = response as { config?: AxiosLikeConfig; status?: number; headers?: Record<string, unknown> } | undefined;
  const guards = guardsFor(answer?.config);
  if (guards) {
    const contentType = String(answer?.headers?.['content-type'] ?? '');
    if (!/application\/json/i.test(contentType)) {
      for (const guard of guards) guard.notJson ??= { status: answer?.status ?? 0, contentType: contentType.slice(0, 100) || '(none)' };
    }
  }
  return response;
}

function noteFailure(error: AxiosLikeError): void {
  const guards = guardsFor(error?.config);
  if (!guards) return;
  const status = error.response?.status;
  if (status !== undefined && status >= 300 && status < 400) {
    const location = String(error.response?.headers?.location ?? '');
    const redirect = { status, location: location.slice(0, 500), targetHost: targetHostOf(location, error.config) };
    for (const guard of guards) guard.redirect ??= redirect;
  } else if (/maxContentLength/.test(error.message ?? '')) {
    for (const guard of guards) guard.tooLarge = true;
  }
}

function targetHostOf(location: string, config: AxiosLikeConfig | undefined): string {
  if (!location) return '(no Location header)';
  try {
    return new URL(location, config?.url).host;
  } catch {
    return '(an unreadable Location header)';
  }
}

/** The login body's credentials: TOKEN (and each signed header value in it), PASSWORD, PASSCODE. */
function secretsInBody(data: unknown): string[] {
  let body: unknown = data;
  if (Buffer.isBuffer(body)) {
    try {
      const raw = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
      body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      return [];
    }
  } else if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return [];
    }
  }
  const fields = (body as { data?: Record<string, unknown> } | undefined)?.data ?? {};
  // An administrator login (audit) carries its credential here too: a password or passcode.
  const secrets = [fields.PASSWORD, fields.PASSCODE].filter((value): value is string => typeof value === 'string' && value !== '');
  const token = fields.TOKEN;
  if (typeof token !== 'string' || token === '') return secrets;
  secrets.push(token);
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { headers?: Record<string, unknown> };
    for (const [name, value] of Object.entries(decoded.headers ?? {})) {
      // The signature and the session token are the secret parts; host and date are not.
      if (typeof value === 'string' && /authorization|security-token/i.test(name)) secrets.push(value);
    }
  } catch {
    // A JWT (the outbound-token method) is not base64 JSON: the token itself is the secret.
  }
  return secrets;
}

function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
}

function unwrapDefault(module: { default?: unknown }): unknown {
  let value: unknown = module;
  // ESM import of CommonJS: `default` is module.exports, whose own `default` is the instance.
  for (let i = 0; i < 2 && value && typeof value === 'object' && 'default' in value && !('interceptors' in value); i++) {
    value = (value as { default?: unknown }).default;
  }
  return value;
}
