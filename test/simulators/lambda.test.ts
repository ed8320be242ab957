/**
 * The Lambda API simulator (src/simulators/lambda.ts) against the real @aws-sdk/client-lambda:
 * signatures checked, Pending then Active, the documented errors, and a real handler run in a
 * child process as the execution role (credentials from the STS simulator's AssumeRole).
 */
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActive,
} from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, defaultIdentityTable, type TestIdentity } from '../../src/simulators/credentials.js';
import { startLambdaSimulator, unzipEntries, type LambdaSimulator } from '../../src/simulators/lambda.js';
import { startStsSimulator, type StsSimulator } from '../../src/simulators/sts.js';

const ROLE = 'arn:aws:iam::123456789012:role/service-role/probe-role';

/** A zip (deflated, as the shipped bundle) of a handler that answers who it runs as. */
function handlerZip(source: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(source), 'index.js');
    zip.addBuffer(Buffer.from('{"type":"commonjs"}'), 'package.json', { compress: false });
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
    zip.end();
  });
}

const WHO_AM_I = `
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
exports.handler = async (event, context) => {
  if (event && event.fail) throw new TypeError('asked to fail');
  if (event && event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  const client = new STSClient({});
  const me = await client.send(new GetCallerIdentityCommand({}));
  return { arn: me.Arn, runtime: process.env.AWS_EXECUTION_ENV, region: process.env.AWS_DEFAULT_REGION, remaining: context.getRemainingTimeInMillis(), extra: process.env.EXTRA ?? null };
};
`;

let identities: TestIdentity[];
let sts: StsSimulator;
let lambda: LambdaSimulator;
let zip: Buffer;

function client(identity: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'> = TEST_IDENTITIES.iamUser): LambdaClient {
  return new LambdaClient({ region: 'eu-west-1', endpoint: lambda.url, maxAttempts: 1, credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey, ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}) } });
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

const create = (name: string, extra: Record<string, unknown> = {}) =>
  new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip }, Timeout: 5, ...extra });

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  identities = defaultIdentityTable();
  sts = await startStsSimulator({ identities });
  lambda = await startLambdaSimulator({ identities, stsUrl: sts.url, pendingMs: 400, functionEnv: { AWS_ENDPOINT_URL_STS: sts.url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  zip = await handlerZip(WHO_AM_I);
});
afterAll(async () => {
  await lambda?.close();
  await sts?.close();
});

describe('the Lambda simulator, with the real SDK', () => {
  it('a function is Pending, then Active; Invoke runs its handler as the execution role', async () => {
    const lambdaClient = client();
    const created = await lambdaClient.send(create('probe-a', { Environment: { Variables: { EXTRA: 'from-config' } } }));
    expect(created).toMatchObject({ FunctionName: 'probe-a', State: 'Pending', Role: ROLE, Runtime: 'nodejs22.x' });
    expect(await errorOf(lambdaClient.send(new InvokeCommand({ FunctionName: 'probe-a' })))).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    const waited = await waitUntilFunctionActive({ client: lambdaClient, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { FunctionName: 'probe-a' });
    expect(waited.state).toBe('SUCCESS');
    expect((await lambdaClient.send(new GetFunctionCommand({ FunctionName: 'probe-a' }))).Configuration?.State).toBe('Active');
    const answer = await lambdaClient.send(new InvokeCommand({ FunctionName: 'probe-a', Payload: new TextEncoder().encode('{}') }));
    expect(answer.FunctionError).toBeUndefined();
    const payload = JSON.parse(new TextDecoder().decode(answer.Payload)) as Record<string, unknown>;
    // The role's path is dropped and the session is the function's name, as Lambda's.
    expect(payload).toMatchObject({ arn: 'arn:aws:sts::123456789012:assumed-role/probe-role/probe-a', runtime: 'AWS_Lambda_nodejs22.x', region: 'eu-west-1', extra: 'from-config' });
    expect(payload.remaining).toBeGreaterThan(3_000);
    await lambdaClient.send(new DeleteFunctionCommand({ FunctionName: 'probe-a' }));
    expect(await errorOf(lambdaClient.send(new GetFunctionConfigurationCommand({ FunctionName: 'probe-a' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:probe-a' });
    expect(lambda.deleted).toContain('probe-a');
  });

  it('a handler that throws, and one that outlives its timeout, are Unhandled function errors', async () => {
    const lambdaClient = client();
    await lambdaClient.send(create('probe-b', { Timeout: 1 }));
    await waitUntilFunctionActive({ client: lambdaClient, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { FunctionName: 'probe-b' });
    const thrown = await lambdaClient.send(new InvokeCommand({ FunctionName: 'probe-b', Payload: new TextEncoder().encode('{"fail":true}') }));
    expect(thrown.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(thrown.Payload))).toEqual({ errorType: 'TypeError', errorMessage: 'asked to fail' });
    const slow = await lambdaClient.send(new InvokeCommand({ FunctionName: 'probe-b', Payload: new TextEncoder().encode('{"sleep":5000}') }));
    expect(slow.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(slow.Payload))).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') });
    await lambdaClient.send(new DeleteFunctionCommand({ FunctionName: 'probe-b' }));
  });

  it('checks the signature: a wrong secret is refused, a known caller is not', async () => {
    const forged = client({ ...TEST_IDENTITIES.iamUser, secretAccessKey: 'not-the-secret-not-the-secret-not-the-s' });
    expect(await errorOf(forged.send(new GetFunctionConfigurationCommand({ FunctionName: 'x' })))).toMatchObject({ status: 403 });
    const unknown = client({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) });
    expect(await errorOf(unknown.send(new GetFunctionConfigurationCommand({ FunctionName: 'x' })))).toMatchObject({ status: 403 });
    expect(await errorOf(client().send(new GetFunctionConfigurationCommand({ FunctionName: 'x' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('a missing permission is AccessDeniedException naming it; the new-role error for the first N creates', async () => {
    lambda.setMissingPermission('iam:PassRole');
    expect(await errorOf(client().send(create('probe-c')))).toMatchObject({
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${TEST_IDENTITIES.iamUser.arn} is not authorized to perform: iam:PassRole on resource: ${ROLE} because no identity-based policy allows the iam:PassRole action`,
    });
    lambda.setMissingPermission(undefined);
    lambda.setRolePropagationFailures(1);
    expect(await errorOf(client().send(create('probe-c')))).toMatchObject({ name: 'InvalidParameterValueException', status: 400, message: 'The role defined for the function cannot be assumed by Lambda.' });
    await client().send(create('probe-c'));
    expect(await errorOf(client().send(create('probe-c')))).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    await client().send(new DeleteFunctionCommand({ FunctionName: 'probe-c' }));
  });

  it('a zip it cannot read is refused as Lambda does', async () => {
    expect(await errorOf(client().send(create('probe-d', { Code: { ZipFile: new TextEncoder().encode('not a zip') } })))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    expect(lambda.functions.has('probe-d')).toBe(false);
  });
});

describe('unzipEntries', () => {
  it('reads stored and deflated entries', async () => {
    expect(unzipEntries(zip).map((entry) => [entry.name, entry.data.toString('utf8').slice(0, 10)])).toEqual([['index.js', '\nconst { S'], ['package.json', '{"type":"c']]);
  });

  it.each([
    ['not a zip', Buffer.from('hello')],
    ['an empty buffer', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(() => unzipEntries(bytes)).toThrow();
  });
});
