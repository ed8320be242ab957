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
 * Modes: 'hang' accepts requests and never answers; 'error500' answers 500 InternalFailure.
 * The simulator never writes to the console.
 */
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultIdentityTable, findIdentity, type TestIdentity } from './credentials.js';
import { baseUrl, flatHeaders, readBody, startHttpServer, xmlEscape } from './http-util.js';
import { verifySigV4 } from './sigv4.js';

export type StsMode = 'normal' | 'hang' | 'error500';

export interface StsSimulatorOptions {
  /** The live identity table (shared, and appended to by AssumeRole). Default: a fresh copy of TEST_IDENTITIES. */
  identities?: TestIdentity[];
  mode?: StsMode;
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
  close(): Promise<void>;
}

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

const DEFAULT_DURATION_SECONDS = 3600;

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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
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
    requests.push(accessKeyId ? { action, accessKeyId } : { action });

    if (mode === 'hang') return; // keep the socket open, never answer
    const requestId = randomUUID();
    if (mode === 'error500') {
      sendError(res, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId);
      return;
    }

    const verdict = await verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers, body },
      identities,
      { expectedService: 'sts' },
    );
    if (!verdict.ok) {
      sendError(res, verdict.code, verdict.message, requestId);
      return;
    }
    const caller = verdict.identity;

    switch (action) {
      case 'GetCallerIdentity':
        sendXml(res, 200, callerIdentityXml(caller, requestId), requestId);
        return;
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
  return {
    url: baseUrl(running.host, running.port),
    port: running.port,
    requests,
    identities,
    setMode(next: StsMode) {
      mode = next;
    },
    close: running.close,
  };
}
