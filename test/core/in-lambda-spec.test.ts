/**
 * doctor --in-lambda's decisions (src/core/in-lambda.ts) as a specification: the whole expected
 * output for each real input (what a user types, what GetFunctionConfiguration and Invoke answer,
 * what the SDK raises), word for word. test/core/in-lambda.test.ts covers the ordinary paths; this
 * file adds the edges: the partitions and regions a name can carry, what is cut from untrusted text
 * and where, the exact messages and hints, and what a malformed answer of the function yields.
 */
import { describe, expect, it } from 'vitest';
import {
  REQUIRED_PERMISSIONS,
  TEMPORARY_FUNCTION_PREFIX,
  TEMPORARY_HANDLER,
  TEMPORARY_RUNTIME,
  diagnoseInvocationError,
  diagnoseLambdaFailure,
  isRoleArn,
  parseFunctionReport,
  parseInLambdaTarget,
  permissionsHint,
  regionOfFunction,
  temporaryFunction,
  type LambdaAction,
  type LambdaDiagnosis,
  type LambdaFailure,
} from '../../src/core/in-lambda.js';

const ROLE = 'arn:aws:iam::123456789012:role/service-role/my-python-fn-role';
const HINT = 'Name the function whose role, network and runtime to copy (--like-function my-fn), or give an execution role (--role arn:aws:iam::123456789012:role/my-fn-role).';
const PERMISSIONS = permissionsHint();

// What the temporary function is made of: the bundle's handler, the runtime, the name's prefix.
describe('the temporary function\'s fixed parts', () => {
  it.each([
    ['the handler (scripts/bundle.mjs writes index.js exporting handler)', TEMPORARY_HANDLER, 'index.handler'],
    ['the runtime', TEMPORARY_RUNTIME, 'nodejs22.x'],
    ['the name prefix', TEMPORARY_FUNCTION_PREFIX, 'wif-check-doctor-'],
  ])('%s', (_name, value, expected) => {
    expect(value).toBe(expected);
  });
});

// The permissions the caller needs, each with what it is for (README "doctor --in-lambda" lists them).
describe('REQUIRED_PERMISSIONS: each permission and what it is for', () => {
  it.each([
    [0, 'lambda:GetFunctionConfiguration', "read --like-function's configuration, and wait for the temporary function to become Active"],
    [1, 'lambda:CreateFunction', 'create the temporary function'],
    [2, 'lambda:TagResource', 'tag it as temporary (CreateFunction with Tags)'],
    [3, 'iam:PassRole', 'give it the execution role'],
    [4, 'lambda:InvokeFunction', 'run the check in it'],
    [5, 'lambda:DeleteFunction', 'delete it afterwards'],
  ])('%i: %s — %s', (index, permission, what) => {
    expect(REQUIRED_PERMISSIONS[index]).toEqual([permission, what]);
  });

  it('there are six', () => {
    expect(REQUIRED_PERMISSIONS).toHaveLength(6);
  });
});

// An IAM role ARN is the whole value: text before it (a pasted label, a space, a quote) is not a role ARN.
describe('isRoleArn: the whole value, from its first character', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/my-fn-role', true],
    [' arn:aws:iam::123456789012:role/my-fn-role', false],
    ['"arn:aws:iam::123456789012:role/my-fn-role', false],
    ['Role ARN: arn:aws:iam::123456789012:role/my-fn-role', false],
    ['arn:arn:aws:iam::123456789012:role/my-fn-role', false],
  ])('%j → %s', (value, expected) => {
    expect(isRoleArn(value)).toBe(expected);
  });
});

// --like-function accepts every partition's function ARN; what is refused is quoted, cut at 80 characters.
describe('parseInLambdaTarget: partitions, and what a refusal quotes', () => {
  it.each([
    ['China', 'arn:aws-cn:lambda:cn-north-1:123456789012:function:my-fn'],
    ['China, with an alias', 'arn:aws-cn:lambda:cn-northwest-1:123456789012:function:my-fn:prod'],
    ['GovCloud', 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:my-fn'],
    ['the commercial partition', 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn'],
  ])('%s: %s is a function', (_name, likeFunction) => {
    expect(parseInLambdaTarget({ likeFunction })).toEqual({ ok: true, target: { kind: 'function', name: likeFunction }, snowflakeRole: undefined });
  });

  it.each([
    [
      'the caller\'s assumed-role ARN as --role (98 characters)',
      { role: 'arn:aws:sts::123456789012:assumed-role/my-python-fn-role/my-python-fn-session-2026-12-07T09-00-00Z' },
      "--role 'arn:aws:sts::123456789012:assumed-role/my-python-fn-role/my-python-fn-session-20' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
    ],
    [
      'the console\'s URL as --like-function (93 characters)',
      { likeFunction: 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/my-python-fn' },
      "--like-function 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions' is not a Lambda function name or ARN",
    ],
    [
      'a partition the pattern does not know',
      { likeFunction: 'arn:aws-9:lambda:eu-west-1:123456789012:function:my-fn' },
      "--like-function 'arn:aws-9:lambda:eu-west-1:123456789012:function:my-fn' is not a Lambda function name or ARN",
    ],
  ])('%s → refused', (_name, flags, error) => {
    expect(parseInLambdaTarget(flags)).toEqual({ ok: false, error, hint: HINT });
  });
});

// The region a function ARN names (a name names none; then the region comes from the usual places).
describe('regionOfFunction: only a region in its place', () => {
  it.each([
    ['a partial ARN without the account (Lambda\'s FunctionName pattern allows it)', 'eu-west-1:function:my-fn', 'eu-west-1'],
    ['a partial ARN with the account', 'ap-southeast-2:123456789012:function:my-fn', 'ap-southeast-2'],
    ['a full ARN without the account', 'arn:aws:lambda:eu-west-1:function:my-fn', 'eu-west-1'],
    ['an ISO-B region the rule does not know: no piece of it is taken for a region', 'arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:my-fn', undefined],
  ])('%s: %s → %s', (_name, name, region) => {
    expect(regionOfFunction(name)).toBe(region);
  });
});

// The temporary function: what a refusal says, and how much of an unknown runtime a note quotes.
describe('temporaryFunction: the refusal and the note, word for word', () => {
  it('an execution role that is not a role ARN: no function named, one space', () => {
    expect(temporaryFunction({ kind: 'role', roleArn: 'arn:aws:iam::123456789012:user/alice' }, undefined, 30_000, undefined)).toEqual({
      ok: false,
      error: 'the function has no execution role wif-check can read',
      hint: 'Check the name, or give the execution role with --role ARN.',
    });
  });

  it.each([
    ['a known runtime', 'java21', 'my-fn has runtime java21: the checks speak for the Node.js driver (use --driver python if it runs the Python connector)'],
    [
      'a runtime of 56 characters is cut at 40',
      'java21-custom-runtime-built-by-a-platform-team-for-loads',
      'my-fn has runtime java21-custom-runtime-built-by-a-platfor: the checks speak for the Node.js driver (use --driver python if it runs the Python connector)',
    ],
  ])('%s', (_name, runtime, note) => {
    expect(temporaryFunction({ kind: 'function', name: 'my-fn' }, { name: 'my-fn', role: ROLE, runtime }, 30_000, undefined)).toMatchObject({ ok: true, driver: 'node', notes: [note] });
  });
});

const CONTEXT = { functionName: 'my-fn', region: 'eu-west-1', roleArn: ROLE };
const NO_ROLE = { functionName: 'wif-check-doctor-abc123def456', region: 'eu-west-1' };
const NOT_ASSUMABLE_HINT =
  "The role's trust policy must allow lambda.amazonaws.com to sts:AssumeRole, with no condition that names only your function (aws:SourceArn): the temporary function has another name. A role created a moment ago takes a few seconds to be usable: wif-check retried for a minute.";

// Every Lambda API failure → the whole diagnosis (code, one-line message, hint).
describe('diagnoseLambdaFailure: the whole diagnosis', () => {
  it.each<[string, LambdaFailure, LambdaAction, typeof CONTEXT | typeof NO_ROLE, LambdaDiagnosis]>([
    [
      'CreateFunction refused, AWS names no permission',
      { name: 'AccessDeniedException', message: 'User is not authorized to create functions', status: 403 },
      'CreateFunction',
      CONTEXT,
      { code: 'LAMBDA_ACCESS_DENIED', message: 'CreateFunction was refused: the caller may not lambda:CreateFunction (AccessDeniedException)', hint: `Grant lambda:CreateFunction to the identity running wif-check. ${PERMISSIONS}` },
    ],
    [
      'CreateFunction refused with no message at all',
      { name: 'AccessDeniedException', status: 403 },
      'CreateFunction',
      CONTEXT,
      { code: 'LAMBDA_ACCESS_DENIED', message: 'CreateFunction was refused: the caller may not lambda:CreateFunction (AccessDeniedException)', hint: `Grant lambda:CreateFunction to the identity running wif-check. ${PERMISSIONS}` },
    ],
    [
      'GetFunctionConfiguration refused, AWS names it',
      { name: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: lambda:GetFunctionConfiguration on resource: arn:aws:lambda:eu-west-1:123456789012:function:my-fn', status: 403 },
      'GetFunctionConfiguration',
      CONTEXT,
      { code: 'LAMBDA_ACCESS_DENIED', message: 'GetFunctionConfiguration was refused: the caller may not lambda:GetFunctionConfiguration (AccessDeniedException)', hint: `Grant lambda:GetFunctionConfiguration to the identity running wif-check. ${PERMISSIONS}` },
    ],
    [
      'the role not assumable, its ARN known',
      { name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.', status: 400 },
      'CreateFunction',
      CONTEXT,
      { code: 'LAMBDA_ROLE_NOT_ASSUMABLE', message: `Lambda cannot assume the execution role ${ROLE}`, hint: NOT_ASSUMABLE_HINT },
    ],
    [
      'the role not assumable, its ARN not known: no trailing space',
      { name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.', status: 400 },
      'CreateFunction',
      NO_ROLE,
      { code: 'LAMBDA_ROLE_NOT_ASSUMABLE', message: 'Lambda cannot assume the execution role', hint: NOT_ASSUMABLE_HINT },
    ],
    [
      'an InvalidParameterValueException with no message is not the role',
      { name: 'InvalidParameterValueException', status: 400 },
      'CreateFunction',
      NO_ROLE,
      { code: 'LAMBDA_API_ERROR', message: 'Lambda CreateFunction failed: InvalidParameterValueException: no message', hint: PERMISSIONS },
    ],
    [
      'throttled, by its name alone (no status)',
      { name: 'TooManyRequestsException', message: 'Rate exceeded' },
      'Invoke',
      CONTEXT,
      { code: 'LAMBDA_THROTTLED', message: 'Invoke was throttled by Lambda (TooManyRequestsException)', hint: "Try again in a minute; the account's concurrency or API rate is exhausted." },
    ],
    [
      'throttled, by its status alone',
      { status: 429 },
      'CreateFunction',
      CONTEXT,
      { code: 'LAMBDA_THROTTLED', message: 'CreateFunction was throttled by Lambda (TooManyRequestsException)', hint: "Try again in a minute; the account's concurrency or API rate is exhausted." },
    ],
    [
      'no answer, a short errno',
      { name: 'Error', errno: 'ENOTFOUND' },
      'GetFunctionConfiguration',
      CONTEXT,
      { code: 'LAMBDA_UNREACHABLE', message: 'the Lambda API in eu-west-1 is unreachable (ENOTFOUND)', hint: 'Check the network, the region, and AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL if set.' },
    ],
    [
      'no answer, an OpenSSL errno of 43 characters is cut at 40',
      { name: 'Error', errno: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' },
      'Invoke',
      CONTEXT,
      { code: 'LAMBDA_UNREACHABLE', message: 'the Lambda API in eu-west-1 is unreachable (ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_)', hint: 'Check the network, the region, and AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL if set.' },
    ],
    [
      'an error name of 61 characters from a proxy is cut at 60',
      { name: 'CorporateProxyPolicyViolationExceptionForLambdaApiRequestsNow', message: 'blocked', status: 502 },
      'Invoke',
      CONTEXT,
      { code: 'LAMBDA_API_ERROR', message: 'Lambda Invoke failed: CorporateProxyPolicyViolationExceptionForLambdaApiRequestsNo: blocked', hint: PERMISSIONS },
    ],
    [
      'Lambda\'s own long exception name (46 characters) is kept whole',
      { name: 'ProvisionedConcurrencyConfigNotFoundException', message: 'No Provisioned Concurrency Config found for this function', status: 404 },
      'Invoke',
      CONTEXT,
      { code: 'LAMBDA_API_ERROR', message: 'Lambda Invoke failed: ProvisionedConcurrencyConfigNotFoundException: No Provisioned Concurrency Config found for this function', hint: PERMISSIONS },
    ],
  ])('%s', (_name, failure, action, context, diagnosis) => {
    expect(diagnoseLambdaFailure(failure, action, context)).toEqual(diagnosis);
  });
});

const TIMEOUT_HINT = "The check did not finish inside Lambda: lower --timeout (the check stops itself a second before it) or look at the network path from the function's subnets.";
const INVOKE_HINT = "The check itself never throws: an error here is the runtime's (out of memory, an init error). Its log is in CloudWatch Logs under /aws/lambda/<the temporary function>.";
const TRACEBACK = `Traceback (most recent call last): ${'File "/var/task/index.py", line 12, in handler raise RuntimeError("boom") '.repeat(6)}`;
const JAVA_TYPE = 'com.example.snowflake.loader.internal.configuration.SnowflakeConfigurationLoadingException';

// A failed invocation (X-Amz-Function-Error) → the whole diagnosis; what the function said is cut.
describe('diagnoseInvocationError: the whole diagnosis', () => {
  it.each<[string, string, unknown, LambdaDiagnosis]>([
    ['Sandbox.Timedout without a message', 'Unhandled', { errorType: 'Sandbox.Timedout' }, { code: 'LAMBDA_FUNCTION_TIMEOUT', message: 'the temporary function timed out after 35 s before the check returned', hint: TIMEOUT_HINT }],
    ['Sandbox.Timedout with another message', 'Unhandled', { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: 8f5e Error: Runtime exited' }, { code: 'LAMBDA_FUNCTION_TIMEOUT', message: 'the temporary function timed out after 35 s before the check returned', hint: TIMEOUT_HINT }],
    ['the runtime killed for memory', 'Unhandled', { errorType: 'Runtime.OutOfMemory', errorMessage: 'RequestId: 8f5e Error: Runtime exited with error: signal: killed' }, { code: 'LAMBDA_INVOKE_FAILED', message: 'the temporary function failed (Unhandled, Runtime.OutOfMemory): RequestId: 8f5e Error: Runtime exited with error: signal: killed', hint: INVOKE_HINT }],
    ['a Java exception class of 90 characters is cut at 80', 'Unhandled', { errorType: JAVA_TYPE }, { code: 'LAMBDA_INVOKE_FAILED', message: `the temporary function failed (Unhandled, ${JAVA_TYPE.slice(0, 80)})`, hint: INVOKE_HINT }],
    ['a traceback of more than 300 characters is cut at 300', 'Unhandled', { errorType: 'RuntimeError', errorMessage: TRACEBACK }, { code: 'LAMBDA_INVOKE_FAILED', message: `the temporary function failed (Unhandled, RuntimeError): ${TRACEBACK.slice(0, 300)}`, hint: INVOKE_HINT }],
    ['a header value of more than 40 characters is cut at 40', 'Unhandled; appended by a proxy on the way back', null, { code: 'LAMBDA_INVOKE_FAILED', message: 'the temporary function failed (Unhandled; appended by a proxy on the wa)', hint: INVOKE_HINT }],
    ['a payload that is a string', 'Unhandled', 'Task timed out after 35.00 seconds', { code: 'LAMBDA_INVOKE_FAILED', message: 'the temporary function failed (Unhandled)', hint: INVOKE_HINT }],
  ])('%s', (_name, functionError, payload, diagnosis) => {
    expect(diagnoseInvocationError(functionError, payload, 35)).toEqual(diagnosis);
  });
});

const CHECK = { id: 'login', status: 'ok', code: 'OK', detail: 'logged in as LOADER_SVC' };
const BASE = { ok: true, exitCode: 0, checks: [CHECK] };
const NULLS = { awsAccount: null, callerArn: null, snowflakeArn: null, user: null, role: null, warnings: [] };

// The function's answer → the report, exactly (toStrictEqual: no key that was not in the answer).
describe('parseFunctionReport: the report, key for key', () => {
  it.each([
    ['ok', 'ok'],
    ['fail', 'fail'],
    ['warn', 'warn'],
    ['skip', 'skip'],
  ])('status %s is a status', (_name, status) => {
    expect(parseFunctionReport({ ...BASE, checks: [{ ...CHECK, status }] })).toStrictEqual({ ok: true, report: { ok: true, exitCode: 0, checks: [{ ...CHECK, status }], ...NULLS } });
  });

  it.each([
    ['OK in capitals is not a status', 'OK'],
    ['an empty status', ''],
    ['a status with a space', 'ok '],
  ])('%s', (_name, status) => {
    expect(parseFunctionReport({ ...BASE, checks: [{ ...CHECK, status }] })).toStrictEqual({ ok: false, error: "a check in the function's report has no id or status" });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a check with only an id and a status: detail empty, code UNKNOWN, nothing else', { id: 'aws-credentials', status: 'skip' }, { id: 'aws-credentials', status: 'skip', code: 'UNKNOWN', detail: '' }],
    ['a check without a Snowflake message has none', { ...CHECK, snowflakeCode: null }, { ...CHECK, snowflakeCode: null }],
    ['a check with a Snowflake message keeps it', { ...CHECK, status: 'fail', snowflakeCode: '390144', snowflakeMessage: 'Workload identity authentication failed.' }, { ...CHECK, status: 'fail', snowflakeCode: '390144', snowflakeMessage: 'Workload identity authentication failed.' }],
    ['a Snowflake code that is not text is null', { ...CHECK, snowflakeCode: 390144 }, { ...CHECK, snowflakeCode: null }],
  ])('%s', (_name, check, expected) => {
    expect(parseFunctionReport({ ...BASE, checks: [check] })).toStrictEqual({ ok: true, report: { ok: true, exitCode: 0, checks: [expected], ...NULLS } });
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    ['all three', { credentialsMs: 120, attestationMs: 45, snowflakeMs: 1180 }, { timings: { credentialsMs: 120, attestationMs: 45, snowflakeMs: 1180 } }],
    ['a phase of 0 ms is a phase', { credentialsMs: 0, attestationMs: 0, snowflakeMs: 0 }, { timings: { credentialsMs: 0, attestationMs: 0, snowflakeMs: 0 } }],
    ['an empty object: no phase', {}, { timings: { credentialsMs: undefined, attestationMs: undefined, snowflakeMs: undefined } }],
    ['a string is no timings', 'fast', {}],
    ['a number is no timings', 1300, {}],
    ['true is no timings', true, {}],
    ['null is no timings', null, {}],
    ['absent', undefined, {}],
  ])('timings: %s', (_name, timings, expected) => {
    expect(parseFunctionReport({ ...BASE, timings })).toStrictEqual({ ok: true, report: { ok: true, exitCode: 0, checks: [CHECK], ...NULLS, ...expected } });
  });

  it.each<[string, unknown, string[]]>([
    ['text kept in order', ['the role is assumed by a session', 'SNOWFLAKE_HOST ignored'], ['the role is assumed by a session', 'SNOWFLAKE_HOST ignored']],
    ['entries that are not text are dropped, not replaced', [42, 'kept', null, { text: 'x' }, false], ['kept']],
    ['not a list: none', 'a warning', []],
  ])('warnings: %s', (_name, warnings, expected) => {
    expect(parseFunctionReport({ ...BASE, warnings })).toStrictEqual({ ok: true, report: { ok: true, exitCode: 0, checks: [CHECK], ...NULLS, warnings: expected } });
  });
});
