/**
 * A local AWS STS endpoint: GetCallerIdentity and AssumeRole over the AWS Query protocol.
 *
 * Mirrors the real service as documented in the AWS STS API reference (docs.aws.amazon.com/STS/
 * latest/APIReference: "GetCallerIdentity", "AssumeRole", "Common Errors"):
 * - requests are form-encoded POSTs (or GETs with a query string) carrying `Action` and
 *   `Version=2011-06-15`, signed with SigV4 for service `sts` (checked by ./sigv4.ts);
 * - answers are XML in the `https://sts.amazonaws.com/doc/2011-06-15/` namespace with a
 *   `RequestId`, served as `text/xml`;
 * - errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
 *   with 403 for authentication/authorisation failures and 400 for malformed requests;
 * - AssumeRole hands out fresh temporary credentials for `arn:aws:sts::ACCT:assumed-role/NAME/SESSION`
 *   (the role's path is dropped, as AWS does) when the caller may assume the role, and answers
 *   403 AccessDenied "User: <arn> is not authorized to perform: sts:AssumeRole on resource: <role>"
 *   otherwise. Trust policies are modelled by `TestIdentity.assumableRoles` only.
 *
 * The AWS SDK for JavaScript v3 reaches it through `AWS_ENDPOINT_URL_STS=http://127.0.0.1:PORT`
 * (or the client's `endpoint` option). Credentials AssumeRole issues are appended to the
 * identity array the simulator was given, so a Snowflake simulator sharing that array accepts them.
 *
 * Modes (`mode` / `setMode`, for every action; `setActionMode(action, mode)` overrides it for one
 * action, e.g. `setActionMode('AssumeRole', 'error500')` while GetCallerIdentity keeps working):
 * - 'normal': the real service, as above.
 * - 'hang': accepts the request and never answers. 'error500': answers 500 InternalFailure.
 *   Neither checks the signature.
 * The hostile modes below check the signature first (a bad one gets the normal 403), then answer
 * what a broken proxy or a fake endpoint could, and what real STS never does:
 * - 'huge': a 200 status and a GetCallerIdentityResponse padded to `hugeBytes` (default 200 MiB),
 *   chunked with no Content-Length, paced at about 32 MB/s; it stops when the client goes away.
 * - 'escape-arn' / 'escape-account': GetCallerIdentity's <Arn> (or <Account>) carries raw terminal
 *   control sequences (ESC ] 0 ; title BEL, ESC [ 2 J, a fake "✔ WIF login works" line):
 *   see HOSTILE_ESCAPES. Other actions answer normally.
 * - 'long-session': GetCallerIdentity answers an assumed-role ARN whose session name has 65
 *   characters (STS allows 64); other actions answer normally.
 * Snowflake's replays of a client's attestation (a GetCallerIdentity carrying
 * x-snowflake-audience, as the Snowflake simulator sends them) are recorded in `replays`, not
 * `requests`, and answered in `setReplayMode`'s mode (default 'normal'), not `mode`: real
 * Snowflake asks AWS's regional STS, which a client's broken endpoint does not affect.
 * The simulator never writes to the console.
 */
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultIdentityTable, findIdentity, type TestIdentity } from './credentials.js';
import { baseUrl, flatHeaders, readBody, startHttpServer, xmlEscape } from './http-util.js';
import { verifySigV4 } from './sigv4.js';
import { createWebIdentityService, type WebIdentityOptions, type WebIdentityService } from './web-identity.js';

export type StsMode = 'normal' | 'hang' | 'error500' | 'huge' | 'escape-arn' | 'escape-account' | 'long-session';

export interface StsSimulatorOptions {
  /** The live identity table (shared, and appended to by AssumeRole). Default: a fresh copy of TEST_IDENTITIES. */
  identities?: TestIdentity[];
  mode?: StsMode;
  /** Per-action modes (by `Action`, e.g. 'AssumeRole'); they override `mode` for that action. */
  actionModes?: Readonly<Record<string, StsMode>>;
  /** The size of a 'huge' answer. Default: HUGE_ANSWER_BYTES. */
  hugeBytes?: number;
  /** GetWebIdentityToken and the accounts' OIDC issuers (./web-identity.ts). */
  webIdentity?: WebIdentityOptions;
  host?: string;
  port?: number;
}

export interface StsRequestRecord {
  action: string;
  accessKeyId?: string;
}

export interface StsSimulator {
  /** e.g. 'http://127.0.0.1:40123' — the value for AWS_ENDPOINT_URL_STS. */
  url: string;
  port: number;
  /** Every request received, in order ('' when it carried no Action). */
  requests: StsRequestRecord[];
  /** The live identity table. */
  identities: TestIdentity[];
  setMode(mode: StsMode): void;
  /** The mode for one action only; `undefined` returns it to the simulator-wide mode. */
  setActionMode(action: string, mode: StsMode | undefined): void;
  /** Snowflake's replays of attestations (GetCallerIdentity with x-snowflake-audience), kept apart from `requests`. */
  replays: StsRequestRecord[];
  /** The mode for those replays (default 'normal', whatever `setMode` says: Snowflake asks AWS's STS, not the client's endpoint). */
  setReplayMode(mode: StsMode): void;
  /** AWS's JWT method: configuration and the tokens issued (./web-identity.ts). */
  webIdentity: WebIdentityService;
  close(): Promise<void>;
}

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

const DEFAULT_DURATION_SECONDS = 3600;

export const HUGE_ANSWER_BYTES = 200 * 1024 * 1024;
const HUGE_CHUNK_BYTES = 64 * 1024;
/** Between two 'huge' chunks: 64 KiB per 2 ms is about 32 MB/s, past 1 MiB in ~35 ms. */
const HUGE_CHUNK_INTERVAL_MS = 2;

/** What the 'escape-*' modes put into <Arn> / <Account>: a title change, a cleared screen, a fake success line. */
export const HOSTILE_ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\r\n\u001b[32m✔ WIF login works\u001b[0m';

/** A session name one character longer than STS allows (2–64). */
export const LONG_SESSION_NAME = `s${'x'.repeat(63)}9`;

/**
 * HTTP status per STS error code (AWS Common Errors reference, e.g. docs.aws.amazon.com/IAM/latest/
 * APIReference/CommonErrors: ExpiredToken 403, IncompleteSignature 400, MissingAuthenticationToken 403).
 */
const STATUS_BY_CODE: Record<string, number> = {
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  ExpiredToken: 403,
  MissingAuthenticationToken: 403,
  RequestExpired: 400,
  AccessDenied: 403,
  InvalidAction: 400,
  ValidationError: 400,
  InternalFailure: 500,
};

function errorXml(code: string, message: string, requestId: string): string {
  const type = code === 'InternalFailure' ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(code)}</Code>\n    <Message>${xmlEscape(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
  );
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/xml',
    'Content-Length': Buffer.byteLength(xml),
    'x-amzn-RequestId': requestId,
  });
  res.end(xml);
}

function sendError(res: ServerResponse, code: string, message: string, requestId: string): void {
  sendXml(res, STATUS_BY_CODE[code] ?? 400, errorXml(code, message, requestId), requestId);
}

/** Random upper-case alphanumerics, for fake key ids. */
function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** `arn:PART:iam::ACCT:role/[path/]NAME` → its parts, or undefined. */
function parseRoleArn(roleArn: string): { partition: string; account: string; name: string } | undefined {
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  if (!m) return undefined;
  const [, partition, account, pathAndName] = m;
  const name = pathAndName?.split('/').pop();
  if (!partition || !account || !name) return undefined;
  return { partition, account, name };
}

/** A stable fake role id (AROA…) per role ARN, as AWS keeps one id per role. */
function roleIdFor(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = 'AROA';
  for (let i = 0; i < 17; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length];
  return out;
}

function callerIdentityXml(identity: TestIdentity, requestId: string): string {
  return (
    `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <GetCallerIdentityResult>\n` +
    `    <Arn>${xmlEscape(identity.arn)}</Arn>\n` +
    `    <UserId>${xmlEscape(identity.userId)}</UserId>\n` +
    `    <Account>${xmlEscape(identity.account)}</Account>\n` +
    `  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`
  );
}

/** The identity a hostile GetCallerIdentity answer claims for `caller`, per mode. */
function hostileCaller(caller: TestIdentity, mode: 'escape-arn' | 'escape-account' | 'long-session'): TestIdentity {
  switch (mode) {
    case 'escape-arn':
      return { ...caller, arn: `${caller.arn}${HOSTILE_ESCAPES}` };
    case 'escape-account':
      return { ...caller, account: `${caller.account}${HOSTILE_ESCAPES}` };
    case 'long-session': {
      const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
      const [partition, account, role] = assumed ? [assumed[1], assumed[2], assumed[3]] : ['aws', caller.account, 'wif-check-sim-role'];
      return {
        ...caller,
        arn: `arn:${partition}:sts::${account}:assumed-role/${role}/${LONG_SESSION_NAME}`,
        userId: `${roleIdFor(`arn:${partition}:iam::${account}:role/${role}`)}:${LONG_SESSION_NAME}`,
      };
    }
  }
}

/**
 * A well-formed GetCallerIdentityResponse of `totalBytes`, padded inside <Arn>, written in paced
 * chunks with backpressure; stops as soon as the client disconnects.
 */
function streamHugeAnswer(res: ServerResponse, caller: TestIdentity, requestId: string, totalBytes: number): void {
  const xml = callerIdentityXml(caller, requestId);
  const head = xml.slice(0, xml.indexOf('</Arn>'));
  const tail = xml.slice(head.length);
  const padding = Math.max(0, totalBytes - Buffer.byteLength(head) - Buffer.byteLength(tail));
  const chunk = Buffer.alloc(HUGE_CHUNK_BYTES, 'A');
  res.writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId });
  res.write(head);
  let left = padding;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  res.on('close', stop);
  const next = (): void => {
    if (res.destroyed) return;
    if (left <= 0) {
      res.end(tail);
      return;
    }
    const size = Math.min(left, chunk.length);
    left -= size;
    const flushed = res.write(size === chunk.length ? chunk : chunk.subarray(0, size));
    if (flushed) timer = setTimeout(next, HUGE_CHUNK_INTERVAL_MS);
    else res.once('drain', () => (timer = setTimeout(next, HUGE_CHUNK_INTERVAL_MS)));
  };
  next();
}

function assumeRoleXml(issued: TestIdentity, expiration: Date, requestId: string): string {
  return (
    `<AssumeRoleResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <AssumeRoleResult>\n` +
    `    <AssumedRoleUser>\n` +
    `      <AssumedRoleId>${xmlEscape(issued.userId)}</AssumedRoleId>\n` +
    `      <Arn>${xmlEscape(issued.arn)}</Arn>\n` +
    `    </AssumedRoleUser>\n` +
    `    <Credentials>\n` +
    `      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>\n` +
    `      <SecretAccessKey>${xmlEscape(issued.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${xmlEscape(issued.sessionToken ?? '')}</SessionToken>\n` +
    `      <Expiration>${expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>\n` +
    `    </Credentials>\n` +
    `  </AssumeRoleResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</AssumeRoleResponse>\n`
  );
}

/** The access key id named in a SigV4 Authorization header, for the request log. */
function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

export async function startStsSimulator(opts: StsSimulatorOptions = {}): Promise<StsSimulator> {
  const identities = opts.identities ?? defaultIdentityTable();
  const requests: StsRequestRecord[] = [];
  let mode: StsMode = opts.mode ?? 'normal';
  let replayMode: StsMode = 'normal';
  const replays: StsRequestRecord[] = [];
  const actionModes = new Map<string, StsMode>(Object.entries(opts.actionModes ?? {}));
  const hugeBytes = opts.hugeBytes ?? HUGE_ANSWER_BYTES;
  let url = '';
  const webIdentity = createWebIdentityService(() => url, opts.webIdentity);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (await webIdentity.serve(req, res)) return; // an issuer's discovery document or JWKS
    const body = await readBody(req);
    const headers = flatHeaders(req.headers);
    const url = new URL(req.url ?? '/', 'http://sts.invalid');
    const params = new URLSearchParams(url.search);
    const contentType = headers['content-type'] ?? '';
    if (body.length > 0 && contentType.includes('application/x-www-form-urlencoded')) {
      for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
    }
    const action = params.get('Action') ?? '';
    const accessKeyId = accessKeyIdOf(headers['authorization']);
    // Snowflake replaying a client's attestation (it carries x-snowflake-audience): real Snowflake
    // asks AWS's STS, not the client's endpoint, so the client-side modes do not apply to it.
    const replay = action === 'GetCallerIdentity' && headers['x-snowflake-audience'] !== undefined;
    (replay ? replays : requests).push(accessKeyId ? { action, accessKeyId } : { action });

    const effective = replay ? replayMode : (actionModes.get(action) ?? mode);
    if (effective === 'hang') return; // keep the socket open, never answer
    const requestId = randomUUID();
    if (effective === 'error500') {
      sendError(res, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId);
      return;
    }

    // A request signed for sts.<region>.amazonaws.com must be scoped to that region, as AWS checks.
    const hostRegion = /^sts\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec((headers['host'] ?? '').toLowerCase())?.[1];
    const verdict = await verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers, body },
      identities,
      { expectedService: 'sts', ...(hostRegion ? { expectedRegion: hostRegion } : {}) },
    );
    if (!verdict.ok) {
      sendError(res, verdict.code, verdict.message, requestId);
      return;
    }
    const caller = verdict.identity;

    if (effective === 'huge') {
      streamHugeAnswer(res, caller, requestId, hugeBytes);
      return;
    }
    if (action === 'GetCallerIdentity' && (effective === 'escape-arn' || effective === 'escape-account' || effective === 'long-session')) {
      sendXml(res, 200, callerIdentityXml(hostileCaller(caller, effective), requestId), requestId);
      return;
    }

    switch (action) {
      case 'GetCallerIdentity':
        sendXml(res, 200, callerIdentityXml(caller, requestId), requestId);
        return;
      case 'GetWebIdentityToken': {
        const answer = await webIdentity.answer(caller, params, verdict.region, requestId);
        sendXml(res, answer.status, 'xml' in answer ? answer.xml : errorXml(answer.error.code, answer.error.message, requestId), requestId);
        return;
      }
      case 'AssumeRole': {
        const roleArn = params.get('RoleArn');
        const sessionName = params.get('RoleSessionName');
        const missing = [!roleArn && 'roleArn', !sessionName && 'roleSessionName'].filter(Boolean);
        if (missing.length > 0) {
          const detail = missing.map((name) => `Value null at '${name}' failed to satisfy constraint: Member must not be null`);
          sendError(res, 'ValidationError', `${missing.length} validation error${missing.length > 1 ? 's' : ''} detected: ${detail.join('; ')}`, requestId);
          return;
        }
        if (!/^[\w+=,.@-]{2,64}$/.test(sessionName ?? '')) {
          sendError(res, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`, requestId);
          return;
        }
        const role = parseRoleArn(roleArn ?? '');
        if (!role || !(caller.assumableRoles ?? []).includes(roleArn ?? '')) {
          sendError(res, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, requestId);
          return;
        }
        const duration = Number(params.get('DurationSeconds') ?? DEFAULT_DURATION_SECONDS);
        const expiration = new Date(Date.now() + (Number.isFinite(duration) ? duration : DEFAULT_DURATION_SECONDS) * 1000);
        let accessKeyIdIssued = `ASIA${randomId(16)}`;
        while (findIdentity(identities, accessKeyIdIssued)) accessKeyIdIssued = `ASIA${randomId(16)}`;
        const issued: TestIdentity = {
          accessKeyId: accessKeyIdIssued,
          secretAccessKey: randomBytes(30).toString('base64'),
          sessionToken: `IQoJb3JpZ2luX2Vj//sim-assumed-${randomBytes(48).toString('base64url')}`,
          arn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`,
          userId: `${roleIdFor(roleArn ?? '')}:${sessionName}`,
          account: role.account,
        };
        identities.push(issued);
        sendXml(res, 200, assumeRoleXml(issued, expiration, requestId), requestId);
        return;
      }
      default:
        sendError(
          res,
          'InvalidAction',
          action ? `Could not find operation ${action} for version ${params.get('Version') ?? STS_VERSION}` : 'Missing Action',
          requestId,
        );
    }
  };

  const running = await startHttpServer(handle, { host: opts.host, port: opts.port });
  url = baseUrl(running.host, running.port);
  return {
    url,
    port: running.port,
    requests,
    identities,
    webIdentity,
    setMode(next: StsMode) {
      mode = next;
    },
    setActionMode(action: string, next: StsMode | undefined) {
      if (next === undefined) actionModes.delete(action);
      else actionModes.set(action, next);
    },
    replays,
    setReplayMode(next: StsMode) {
      replayMode = next;
    },
    close: running.close,
  };
}
