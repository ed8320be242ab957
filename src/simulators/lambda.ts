/**
 * A local AWS Lambda API (the REST/JSON API of version 2015-03-31 that @aws-sdk/client-lambda
 * calls), for doctor --in-lambda. It keeps functions, uploads their zip, runs their handler in a
 * child process as Lambda runs it, and answers as the real service does (docs.aws.amazon.com/lambda/
 * latest/api: "GetFunctionConfiguration", "CreateFunction", "GetFunction", "Invoke",
 * "DeleteFunction", "Common Errors"; docs/how-it-works.md "doctor --in-lambda"):
 * - every request is signed with SigV4 for service `lambda` (./sigv4.ts checks it against the
 *   shared identity table, as the STS simulator does);
 * - errors are JSON `{"Type":"User","message":…}` with the code in `x-amzn-ErrorType`:
 *   ResourceNotFoundException 404, InvalidParameterValueException 400, ResourceConflictException
 *   409, AccessDeniedException 403 ("User: ARN is not authorized to perform: PERMISSION on
 *   resource: ARN because no identity-based policy allows the PERMISSION action");
 * - a created function is `Pending` for `pendingMs`, then `Active` (GetFunctionConfiguration and
 *   GetFunction report State; Invoke of a Pending function is a ResourceConflictException);
 * - CreateFunction answers InvalidParameterValueException "The role defined for the function cannot
 *   be assumed by Lambda." for its first `rolePropagationFailures` calls (a role created moments ago);
 * - Invoke (RequestResponse) unpacks the uploaded zip into a private directory and runs
 *   `require(<dir>/index.js).handler(event, context)` in a child process (the module's loading is the
 *   init phase, outside the function's timeout, as in Lambda) whose environment is what
 *   Lambda gives a function: AWS_REGION and AWS_DEFAULT_REGION, AWS_EXECUTION_ENV=AWS_Lambda_<runtime>,
 *   AWS_LAMBDA_FUNCTION_NAME, the execution role's temporary credentials (AssumeRole at the STS
 *   simulator, as the Lambda service assumes the role), NODE_PATH with the AWS SDK (the Node.js
 *   runtimes ship it), plus `functionEnv` (what the simulated network offers: the STS and Snowflake
 *   simulators' endpoints). A handler that throws, or a child that dies, is `X-Amz-Function-Error:
 *   Unhandled`; one that outlives the function's Timeout is killed and answered as Lambda does
 *   (errorType Sandbox.Timedout, "Task timed out after N.00 seconds").
 * - `missingPermission` (e.g. 'iam:PassRole', 'lambda:DeleteFunction') makes the action that needs
 *   it answer AccessDeniedException. `invokeMode` 'hang' accepts an Invoke and never answers;
 *   'crash' answers as a runtime that exited (Runtime.ExitError).
 * The simulator never writes to the console.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { TEST_ACCOUNT, type TestIdentity } from './credentials.js';
import { baseUrl, flatHeaders, readBody, startHttpServer } from './http-util.js';
import { verifySigV4 } from './sigv4.js';

export type LambdaInvokeMode = 'normal' | 'hang' | 'crash';

/** A function's configuration as the simulator keeps it. */
export interface SimFunction {
  name: string;
  role: string;
  runtime?: string | undefined;
  handler?: string | undefined;
  timeoutSeconds: number;
  memoryMb: number;
  architectures: string[];
  subnetIds: string[];
  securityGroupIds: string[];
  tags?: Record<string, string> | undefined;
  /** The function's environment variables (its configuration). */
  environment?: Record<string, string> | undefined;
  description?: string | undefined;
  packageType?: 'Zip' | 'Image';
}

interface FunctionState extends SimFunction {
  arn: string;
  codeSize: number;
  codeDir?: string | undefined;
  activeAt: number;
  lastModified: string;
  children: Set<ChildProcess>;
}

export interface LambdaSimulatorOptions {
  /** The shared identity table (the STS simulator's): callers are verified against it. */
  identities: TestIdentity[];
  /** The STS simulator, where the service assumes execution roles. */
  stsUrl: string;
  region?: string;
  account?: string;
  /** Functions that exist from the start (e.g. the one --like-function names). */
  functions?: SimFunction[];
  /** Extra environment every function gets: what the simulated network offers (STS, Snowflake). */
  functionEnv?: Record<string, string>;
  /** NODE_PATH for the functions (the runtime's AWS SDK); default: this package's node_modules. */
  nodePath?: string;
  /** How long a new function stays Pending (default 300 ms). */
  pendingMs?: number;
  rolePropagationFailures?: number;
  missingPermission?: string;
  invokeMode?: LambdaInvokeMode;
  host?: string;
  port?: number;
}

export interface LambdaRequestRecord {
  action: string;
  functionName?: string;
  status: number;
}

export interface LambdaSimulator {
  /** The value for AWS_ENDPOINT_URL_LAMBDA. */
  url: string;
  port: number;
  region: string;
  /** Live functions by name. */
  functions: Map<string, SimFunction>;
  /** Names of the functions created and deleted, in order. */
  created: string[];
  /** Every created function's configuration as CreateFunction gave it (kept after deletion). */
  history: SimFunction[];
  deleted: string[];
  /** Every request answered (and Invokes when they start, status 0 until answered). */
  requests: LambdaRequestRecord[];
  /** Invocations started (by function name). */
  invocations: string[];
  /** The events invoked with (parsed JSON), in order. */
  events: unknown[];
  setMissingPermission(permission: string | undefined): void;
  setInvokeMode(mode: LambdaInvokeMode): void;
  setRolePropagationFailures(count: number): void;
  close(): Promise<void>;
}

const API_PREFIX = '/2015-03-31/functions';
/** The init phase's limit for an on-demand function (Lambda developer guide "Lambda execution environment lifecycle"). */
const INIT_LIMIT_MS = 10_000;
/** Lambda's limit for a function's unzipped code (AWS "Lambda quotas": 250 MB). */
const MAX_UNZIPPED_BYTES = 262_144_000;
/** The simulated Lambda service principal: it may assume every execution role a function names. */
const SERVICE_IDENTITY: TestIdentity = {
  accessKeyId: 'ASIASIMLAMBDASERVICE',
  secretAccessKey: 'wifSimSecret/lambdaService/EXAMPLEKEYEXA',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-lambdaService',
  arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/AWSServiceRoleForLambda/lambda`,
  userId: 'AROASIMLAMBDASERVICE:lambda',
  account: TEST_ACCOUNT,
  assumableRoles: [],
};

/**
 * The runner in the function's child process: loads the handler module (Lambda's init phase, which
 * the function's timeout does not count), says so, then runs one invocation and answers over IPC.
 */
const RUNNER = `
const { join } = require('node:path');
let handler;
try {
  handler = require(join(process.argv[1], 'index.js')).handler;
  process.send({ ready: true });
} catch (error) {
  process.send({ ok: false, errorType: 'Runtime.ImportModuleError', errorMessage: String((error && error.message) || error) }, () => process.exit(0));
}
process.once('message', async ({ event, deadline, functionName, requestId }) => {
  const reply = (message) => process.send(message, () => process.exit(0));
  try {
    const result = await handler(event, { functionName, awsRequestId: requestId, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) });
    reply({ ok: true, result: result === undefined ? null : result });
  } catch (error) {
    reply({ ok: false, errorType: (error && error.name) || 'Error', errorMessage: String((error && error.message) || error) });
  }
});
`;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The entries of a zip archive (stored or deflated), from its central directory. Throws on anything else. */
export function unzipEntries(zip: Buffer): Array<{ name: string; data: Buffer }> {
  let eocd = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: Array<{ name: string; data: Buffer }> = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error('bad local header');
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    total += size;
    if (total > MAX_UNZIPPED_BYTES) throw new Error('too large');
    if (name.endsWith('/')) continue;
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data || data.length !== size) throw new Error(`unsupported entry ${name}`);
    entries.push({ name, data });
  }
  return entries;
}

/** The node_modules folder that holds the AWS SDK this package uses: the NODE_PATH a Node.js runtime gives its functions. */
function runtimeNodePath(): string {
  const here = import.meta.url.startsWith('file:') ? fileURLToPath(import.meta.url) : import.meta.url;
  const sdk = createRequire(here).resolve('@aws-sdk/client-sts');
  const marker = `${sep}node_modules${sep}`;
  return sdk.slice(0, sdk.lastIndexOf(marker) + marker.length - 1);
}

function functionNameOf(segment: string): string {
  const decoded = decodeURIComponent(segment);
  const fromArn = /(?:^|:)function:([A-Za-z0-9_-]+)/.exec(decoded)?.[1];
  return fromArn ?? decoded.split(':')[0] ?? decoded;
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': randomUUID(), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { Type: 'User', message: error.message }, { 'x-amzn-ErrorType': error.type });
}

export async function startLambdaSimulator(options: LambdaSimulatorOptions): Promise<LambdaSimulator> {
  const region = options.region ?? 'eu-west-1';
  const account = options.account ?? TEST_ACCOUNT;
  const pendingMs = options.pendingMs ?? 300;
  const nodePath = options.nodePath ?? runtimeNodePath();
  let missingPermission = options.missingPermission;
  let invokeMode: LambdaInvokeMode = options.invokeMode ?? 'normal';
  let propagationFailures = options.rolePropagationFailures ?? 0;
  const states = new Map<string, FunctionState>();
  const functions = new Map<string, SimFunction>();
  const created: string[] = [];
  const history: SimFunction[] = [];
  const deleted: string[] = [];
  const requests: LambdaRequestRecord[] = [];
  const invocations: string[] = [];
  const events: unknown[] = [];
  const root = await mkdtemp(join(tmpdir(), 'wif-check-lambda-sim-'));
  const service: TestIdentity = { ...SERVICE_IDENTITY, assumableRoles: [] };
  options.identities.push(service);

  const arnOf = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;
  const add = (fn: SimFunction, activeAt: number, codeSize = 0, codeDir?: string): FunctionState => {
    const state: FunctionState = { ...fn, arn: arnOf(fn.name), codeSize, codeDir, activeAt, lastModified: new Date().toISOString().replace('Z', '+0000'), children: new Set() };
    states.set(fn.name, state);
    functions.set(fn.name, fn);
    service.assumableRoles?.push(fn.role);
    return state;
  };
  for (const fn of options.functions ?? []) add({ packageType: 'Zip', ...fn }, 0);

  const configuration = (state: FunctionState) => {
    const active = Date.now() >= state.activeAt;
    return {
      FunctionName: state.name,
      FunctionArn: state.arn,
      ...(state.packageType === 'Image' ? {} : { Runtime: state.runtime, Handler: state.handler ?? 'index.handler' }),
      Role: state.role,
      CodeSize: state.codeSize,
      Description: state.description ?? '',
      Timeout: state.timeoutSeconds,
      MemorySize: state.memoryMb,
      LastModified: state.lastModified,
      Version: '$LATEST',
      ...(state.subnetIds.length ? { VpcConfig: { SubnetIds: state.subnetIds, SecurityGroupIds: state.securityGroupIds, VpcId: 'vpc-0sim0000000000000' } } : {}),
      State: active ? 'Active' : 'Pending',
      ...(active ? {} : { StateReason: 'The function is being created.', StateReasonCode: 'Creating' }),
      ...(state.environment ? { Environment: { Variables: state.environment } } : {}),
      LastUpdateStatus: 'Successful',
      PackageType: state.packageType ?? 'Zip',
      Architectures: state.architectures,
    };
  };

  const found = (name: string): FunctionState => {
    const state = states.get(name);
    if (!state) throw new ApiError(404, 'ResourceNotFoundException', `Function not found: ${arnOf(name)}`);
    return state;
  };

  const refuseWithout = (caller: TestIdentity, permission: string, resource: string) => {
    if (missingPermission !== permission) return;
    throw new ApiError(403, 'AccessDeniedException', `User: ${caller.arn} is not authorized to perform: ${permission} on resource: ${resource} because no identity-based policy allows the ${permission} action`);
  };

  const createFunction = async (caller: TestIdentity, body: Buffer): Promise<unknown> => {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ApiError(400, 'InvalidParameterValueException', 'Could not parse request body into json');
    }
    const name = typeof input.FunctionName === 'string' ? input.FunctionName : '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new ApiError(400, 'InvalidParameterValueException', `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint`);
    refuseWithout(caller, 'lambda:CreateFunction', arnOf(name));
    const role = typeof input.Role === 'string' ? input.Role : '';
    refuseWithout(caller, 'iam:PassRole', role);
    if (input.Tags !== undefined) refuseWithout(caller, 'lambda:TagResource', arnOf(name));
    if (states.has(name)) throw new ApiError(409, 'ResourceConflictException', `Function already exist: ${name}`);
    if (propagationFailures > 0) {
      propagationFailures--;
      throw new ApiError(400, 'InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
    }
    const code = input.Code as { ZipFile?: unknown } | undefined;
    if (typeof code?.ZipFile !== 'string') throw new ApiError(400, 'InvalidParameterValueException', 'Please provide a source for function code.');
    const zip = Buffer.from(code.ZipFile, 'base64');
    let entries: Array<{ name: string; data: Buffer }>;
    try {
      entries = unzipEntries(zip);
    } catch {
      throw new ApiError(400, 'InvalidParameterValueException', 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    }
    const codeDir = join(root, `${name}-${randomBytes(4).toString('hex')}`);
    for (const entry of entries) {
      const target = normalize(join(codeDir, entry.name));
      if (!target.startsWith(`${codeDir}/`)) throw new ApiError(400, 'InvalidParameterValueException', 'Could not unzip uploaded file. Please check your file, then try to upload again.');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, entry.data);
    }
    const vpc = (input.VpcConfig ?? {}) as { SubnetIds?: string[]; SecurityGroupIds?: string[] };
    const state = add(
      {
        name,
        role,
        runtime: typeof input.Runtime === 'string' ? input.Runtime : undefined,
        handler: typeof input.Handler === 'string' ? input.Handler : undefined,
        timeoutSeconds: typeof input.Timeout === 'number' ? input.Timeout : 3,
        memoryMb: typeof input.MemorySize === 'number' ? input.MemorySize : 128,
        architectures: Array.isArray(input.Architectures) ? (input.Architectures as string[]) : ['x86_64'],
        subnetIds: vpc.SubnetIds ?? [],
        securityGroupIds: vpc.SecurityGroupIds ?? [],
        tags: (input.Tags as Record<string, string> | undefined) ?? undefined,
        environment: ((input.Environment as { Variables?: Record<string, string> } | undefined)?.Variables) ?? undefined,
        description: typeof input.Description === 'string' ? input.Description : undefined,
        packageType: 'Zip',
      },
      Date.now() + pendingMs,
      zip.length,
      codeDir,
    );
    created.push(name);
    const { arn: _arn, codeSize: _codeSize, codeDir: _codeDir, activeAt: _activeAt, lastModified: _lastModified, children: _children, ...config } = state;
    history.push(config);
    return configuration(state);
  };

  const assumeExecutionRole = async (state: FunctionState): Promise<TestIdentity> => {
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const client = new STSClient({ region, endpoint: options.stsUrl, credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey, sessionToken: service.sessionToken } });
    try {
      const answer = await client.send(new AssumeRoleCommand({ RoleArn: state.role, RoleSessionName: state.name }));
      const credentials = answer.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error('no credentials');
      return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken, arn: answer.AssumedRoleUser?.Arn ?? '', userId: '', account };
    } finally {
      client.destroy();
    }
  };

  const invoke = async (state: FunctionState, payload: Buffer, res: ServerResponse): Promise<void> => {
    invocations.push(state.name);
    if (invokeMode === 'hang') return; // accepted, never answered
    const requestId = randomUUID();
    const unhandled = (errorType: string, errorMessage: string) =>
      sendJson(res, 200, { errorType, errorMessage }, { 'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST' });
    if (invokeMode === 'crash') {
      unhandled('Runtime.ExitError', `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`);
      return;
    }
    let event: unknown = null;
    try {
      event = payload.length ? JSON.parse(payload.toString('utf8')) : null;
    } catch {
      throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    events.push(event);
    const role = await assumeExecutionRole(state);
    const runtime = state.runtime ?? 'nodejs22.x';
    const child = spawn(process.execPath, ['-e', RUNNER, state.codeDir ?? root], {
      cwd: state.codeDir ?? root,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        // The function's own variables first: Lambda's reserved ones below cannot be overridden.
        ...state.environment,
        PATH: process.env.PATH ?? '',
        HOME: join(root, 'home'),
        NODE_PATH: nodePath,
        LAMBDA_TASK_ROOT: state.codeDir ?? root,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: state.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(state.memoryMb),
        AWS_ACCESS_KEY_ID: role.accessKeyId,
        AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
        ...(role.sessionToken ? { AWS_SESSION_TOKEN: role.sessionToken } : {}),
        ...options.functionEnv,
      },
    });
    state.children.add(child);
    type Outcome = { ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string };
    const outcome = await new Promise<Outcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: Outcome) => {
        clearTimeout(timer);
        resolve(result);
      };
      const timeout = (ms: number, errorMessage: string) =>
        setTimeout(() => {
          child.kill('SIGKILL');
          finish({ ok: false, errorType: 'Sandbox.Timedout', errorMessage });
        }, ms);
      // The init phase has its own limit (10 s for on-demand functions); the timeout counts the invocation.
      timer = timeout(INIT_LIMIT_MS, `RequestId: ${requestId} Error: the init phase did not finish in ${INIT_LIMIT_MS / 1000} s`);
      child.on('message', (message: { ready?: boolean } & Partial<Outcome>) => {
        if (message.ready) {
          clearTimeout(timer);
          const deadline = Date.now() + state.timeoutSeconds * 1000;
          timer = timeout(state.timeoutSeconds * 1000, `RequestId: ${requestId} Error: Task timed out after ${state.timeoutSeconds.toFixed(2)} seconds`);
          child.send({ event, deadline, functionName: state.name, requestId });
          return;
        }
        finish(message as Outcome);
      });
      child.once('exit', (code, signal) => {
        finish({ ok: false, errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}` });
      });
    });
    state.children.delete(child);
    if (outcome.ok) sendJson(res, 200, outcome.result, { 'X-Amz-Executed-Version': '$LATEST' });
    else unhandled(outcome.errorType, outcome.errorMessage);
  };

  const remove = async (state: FunctionState): Promise<void> => {
    states.delete(state.name);
    functions.delete(state.name);
    deleted.push(state.name);
    for (const child of state.children) child.kill('SIGKILL');
    if (state.codeDir) await rm(state.codeDir, { recursive: true, force: true });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const headers = flatHeaders(req.headers);
    const url = new URL(req.url ?? '/', 'http://lambda.invalid');
    const method = req.method ?? 'GET';
    const parts = url.pathname.startsWith(`${API_PREFIX}`) ? url.pathname.slice(API_PREFIX.length).split('/').filter(Boolean) : undefined;
    const name = parts?.[0] === undefined ? undefined : functionNameOf(parts[0]);
    const action =
      parts === undefined ? '' :
      method === 'POST' && parts.length === 0 ? 'CreateFunction' :
      method === 'GET' && parts.length === 2 && parts[1] === 'configuration' ? 'GetFunctionConfiguration' :
      method === 'GET' && parts.length === 1 ? 'GetFunction' :
      method === 'POST' && parts.length === 2 && parts[1] === 'invocations' ? 'Invoke' :
      method === 'DELETE' && parts.length === 1 ? 'DeleteFunction' : '';
    const record: LambdaRequestRecord = { action, ...(name ? { functionName: name } : {}), status: 0 };
    requests.push(record);
    const reply = (status: number, value: unknown, extra?: Record<string, string>) => {
      record.status = status;
      sendJson(res, status, value, extra);
    };
    try {
      const verdict = await verifySigV4({ method, url: req.url ?? '/', headers, body }, options.identities, { expectedService: 'lambda' });
      if (!verdict.ok) throw new ApiError(403, verdict.code === 'ExpiredToken' ? 'ExpiredTokenException' : 'UnrecognizedClientException', verdict.message);
      const caller = verdict.identity;
      switch (action) {
        case 'CreateFunction':
          reply(201, await createFunction(caller, body));
          return;
        case 'GetFunctionConfiguration':
          refuseWithout(caller, 'lambda:GetFunctionConfiguration', arnOf(name ?? ''));
          reply(200, configuration(found(name ?? '')));
          return;
        case 'GetFunction': {
          refuseWithout(caller, 'lambda:GetFunction', arnOf(name ?? ''));
          const state = found(name ?? '');
          reply(200, { Configuration: configuration(state), Code: { RepositoryType: 'S3', Location: `${baseUrl(running.host, running.port)}/code/${state.name}` }, ...(state.tags ? { Tags: state.tags } : {}) });
          return;
        }
        case 'Invoke': {
          refuseWithout(caller, 'lambda:InvokeFunction', arnOf(name ?? ''));
          const state = found(name ?? '');
          if (Date.now() < state.activeAt) throw new ApiError(409, 'ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
          const type = headers['x-amz-invocation-type'] ?? 'RequestResponse';
          if (type !== 'RequestResponse') throw new ApiError(400, 'InvalidParameterValueException', `the simulator answers RequestResponse invocations only, not ${type}`);
          record.status = 200;
          await invoke(state, body, res);
          return;
        }
        case 'DeleteFunction': {
          refuseWithout(caller, 'lambda:DeleteFunction', arnOf(name ?? ''));
          await remove(found(name ?? ''));
          record.status = 204;
          res.writeHead(204, { 'x-amzn-RequestId': randomUUID() });
          res.end();
          return;
        }
        default:
          throw new ApiError(404, 'UnknownOperationException', 'Unknown operation');
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record.status = error.status;
      sendError(res, error);
    }
  };

  const running = await startHttpServer(handle, { host: options.host, port: options.port });
  return {
    url: baseUrl(running.host, running.port),
    port: running.port,
    region,
    functions,
    created,
    history,
    deleted,
    requests,
    invocations,
    events,
    setMissingPermission(permission) {
      missingPermission = permission;
    },
    setInvokeMode(mode) {
      invokeMode = mode;
    },
    setRolePropagationFailures(count) {
      propagationFailures = count;
    },
    async close() {
      for (const state of states.values()) for (const child of state.children) child.kill('SIGKILL');
      await running.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
