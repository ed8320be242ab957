/**
 * doctor --in-lambda's decisions (src/core/in-lambda.ts), one line per real input: the target, the
 * temporary function from the named function's configuration, the driver from its runtime, the
 * timeout-room warning, the phase table, what each Lambda API error means, the function's answer.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEMORY_MB,
  REQUIRED_PERMISSIONS,
  TEMPORARY_TAGS,
  diagnoseInvocationError,
  diagnoseLambdaFailure,
  driverOfRuntime,
  formatPhases,
  isRoleArn,
  isRolePropagationError,
  manualDeleteCommand,
  outboundTokenOfFunction,
  parseFunctionReport,
  regionOfFunction,
  parseInLambdaTarget,
  permissionsHint,
  phaseTable,
  recommendedTimeoutSeconds,
  retryDelayMs,
  seconds,
  temporaryFunction,
  temporaryFunctionName,
  temporaryTimeoutSeconds,
  timeoutRoom,
  type FunctionFacts,
  type LambdaAction,
  type LambdaFailure,
} from '../../src/core/in-lambda.js';

const ROLE = 'arn:aws:iam::123456789012:role/service-role/my-python-fn-role';
const CONTEXT = { functionName: 'my-fn', region: 'eu-west-1', roleArn: ROLE };

describe('isRoleArn', () => {
  it.each([
    [ROLE, true],
    ['arn:aws:iam::123456789012:role/my-fn-role', true],
    ['arn:aws-us-gov:iam::123456789012:role/r', true],
    ['arn:aws-cn:iam::123456789012:role/a/b/c/r', true],
    ['arn:aws:iam::123456789012:user/alice', false],
    ['arn:aws:sts::123456789012:assumed-role/r/s', false],
    ['arn:aws:iam::12345678901:role/r', false],
    ['arn:aws:iam::123456789012:role/', false],
    ['arn:aws:iam::123456789012:role/has space', false],
    [`arn:aws:iam::123456789012:role/${'r'.repeat(64)}`, true],
    [`arn:aws:iam::123456789012:role/${'r'.repeat(65)}`, false],
    ['my-fn-role', false],
  ])('%s → %s', (value, expected) => {
    expect(isRoleArn(value)).toBe(expected);
  });
});

describe('parseInLambdaTarget', () => {
  it.each([
    ['a function name', { likeFunction: 'my-python-fn' }, { target: { kind: 'function', name: 'my-python-fn' }, snowflakeRole: undefined }],
    ['a function name, trimmed', { likeFunction: '  my-fn ' }, { target: { kind: 'function', name: 'my-fn' }, snowflakeRole: undefined }],
    ['a function ARN', { likeFunction: 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn' }, { target: { kind: 'function', name: 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn' } }],
    ['a partial ARN with an alias', { likeFunction: '123456789012:function:my-fn:prod' }, { target: { kind: 'function', name: '123456789012:function:my-fn:prod' } }],
    ['a name with $LATEST', { likeFunction: 'my-fn:$LATEST' }, { target: { kind: 'function', name: 'my-fn:$LATEST' } }],
    ['a function and a Snowflake role', { likeFunction: 'my-fn', role: 'LOADER' }, { target: { kind: 'function', name: 'my-fn' }, snowflakeRole: 'LOADER' }],
    ['an execution role', { role: ROLE }, { target: { kind: 'role', roleArn: ROLE }, snowflakeRole: undefined }],
    ['an execution role, trimmed', { role: ` ${ROLE} ` }, { target: { kind: 'role', roleArn: ROLE } }],
  ])('%s', (_name, flags, expected) => {
    expect(parseInLambdaTarget(flags)).toMatchObject({ ok: true, ...expected });
  });

  it.each([
    ['nothing', {}, '--in-lambda needs --like-function NAME or --role ARN (the execution role)'],
    ['only a Snowflake role', { role: 'LOADER' }, '--in-lambda needs --like-function NAME or --role ARN (the execution role)'],
    ['both', { likeFunction: 'my-fn', role: ROLE }, '--in-lambda takes --like-function or --role ARN, not both'],
    ['a user ARN as --role', { role: 'arn:aws:iam::123456789012:user/alice' }, "--role 'arn:aws:iam::123456789012:user/alice' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"],
    ['a name with a space', { likeFunction: 'my fn' }, "--like-function 'my fn' is not a Lambda function name or ARN"],
    ['a name of 65 characters', { likeFunction: 'f'.repeat(65) }, `--like-function '${'f'.repeat(65)}' is not a Lambda function name or ARN`],
    ['an empty name', { likeFunction: '' }, "--like-function '' is not a Lambda function name or ARN"],
  ])('%s → refused', (_name, flags, error) => {
    const result = parseInLambdaTarget(flags);
    expect(result).toMatchObject({ ok: false, error });
    if (!result.ok) expect(result.hint).toContain('--like-function my-fn');
  });

  it('a name of 64 characters is a name', () => {
    expect(parseInLambdaTarget({ likeFunction: 'f'.repeat(64) }).ok).toBe(true);
  });
});

describe('driverOfRuntime', () => {
  it.each([
    ['python3.12', 'python'],
    ['python3.9', 'python'],
    ['nodejs22.x', 'node'],
    ['nodejs20.x', 'node'],
    ['java21', undefined],
    ['provided.al2023', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (runtime, driver) => {
    expect(driverOfRuntime(runtime)).toBe(driver);
  });
});

describe('temporaryTimeoutSeconds: the check, plus 5 s, at most 900', () => {
  it.each([
    [30_000, 35],
    [1_000, 6],
    [1_001, 7],
    [895_000, 900],
    [896_000, 900],
    [3_600_000, 900],
  ])('%i ms → %i s', (ms, expected) => {
    expect(temporaryTimeoutSeconds(ms)).toBe(expected);
  });
});

const PYTHON_FN: FunctionFacts = { name: 'my-python-fn', role: ROLE, runtime: 'python3.12', timeoutSeconds: 3, memoryMb: 256, architectures: ['arm64'], subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] };

describe('temporaryFunction', () => {
  it('copies the role, architecture, memory, subnets and security groups; the runtime picks python', () => {
    expect(temporaryFunction({ kind: 'function', name: 'my-python-fn' }, PYTHON_FN, 30_000, undefined)).toEqual({
      ok: true,
      fn: { role: ROLE, architecture: 'arm64', memoryMb: 256, timeoutSeconds: 35, subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] },
      driver: 'python',
      notes: [],
    });
  });

  it.each([
    ['--driver wins over the runtime', PYTHON_FN, 'node', 'node', []],
    ['a Node runtime', { ...PYTHON_FN, runtime: 'nodejs22.x' }, undefined, 'node', []],
    ['a Java runtime: node, with a note', { ...PYTHON_FN, runtime: 'java21' }, undefined, 'node', ['my-python-fn has runtime java21: the checks speak for the Node.js driver (use --driver python if it runs the Python connector)']],
    ['a container image: node, with a note', { ...PYTHON_FN, runtime: undefined, packageType: 'Image' }, undefined, 'node', ['my-python-fn has a container image: the checks speak for the Node.js driver (use --driver python if it runs the Python connector)']],
    ['no runtime at all', { ...PYTHON_FN, runtime: undefined }, undefined, 'node', ['my-python-fn has no runtime: the checks speak for the Node.js driver (use --driver python if it runs the Python connector)']],
    ['a container image with --driver python: no note', { ...PYTHON_FN, runtime: undefined, packageType: 'Image' }, 'python', 'python', []],
  ] as const)('%s', (_name, facts, flag, driver, notes) => {
    expect(temporaryFunction({ kind: 'function', name: 'my-python-fn' }, facts, 30_000, flag)).toMatchObject({ ok: true, driver, notes });
  });

  it.each([
    ['x86_64', ['x86_64'], 'x86_64'],
    ['arm64', ['arm64'], 'arm64'],
    ['none listed', [], 'x86_64'],
    ['unknown', ['riscv'], 'x86_64'],
  ])('architecture %s → %s', (_name, architectures, expected) => {
    expect(temporaryFunction({ kind: 'function', name: 'f' }, { ...PYTHON_FN, architectures }, 30_000, undefined)).toMatchObject({ fn: { architecture: expected } });
  });

  it.each([
    [128, 128],
    [10_240, 10_240],
    [127, DEFAULT_MEMORY_MB],
    [10_241, DEFAULT_MEMORY_MB],
    [256.5, DEFAULT_MEMORY_MB],
    [undefined, DEFAULT_MEMORY_MB],
  ])('memory %s → %i', (memoryMb, expected) => {
    expect(temporaryFunction({ kind: 'function', name: 'f' }, { ...PYTHON_FN, memoryMb }, 30_000, undefined)).toMatchObject({ fn: { memoryMb: expected } });
  });

  it('from a role alone: no VPC, x86_64, 512 MB, node, no note', () => {
    expect(temporaryFunction({ kind: 'role', roleArn: ROLE }, undefined, 10_000, undefined)).toEqual({
      ok: true,
      fn: { role: ROLE, architecture: 'x86_64', memoryMb: 512, timeoutSeconds: 15, subnetIds: [], securityGroupIds: [] },
      driver: 'node',
      notes: [],
    });
  });

  it.each([
    ['no role', { ...PYTHON_FN, role: undefined }],
    ['a role that is not a role ARN', { ...PYTHON_FN, role: 'arn:aws:iam::123456789012:user/alice' }],
  ])('%s → refused', (_name, facts) => {
    expect(temporaryFunction({ kind: 'function', name: 'my-python-fn' }, facts, 30_000, undefined)).toEqual({
      ok: false,
      error: 'the function my-python-fn has no execution role wif-check can read',
      hint: 'Check the name, or give the execution role with --role ARN.',
    });
  });
});

describe('phaseTable and formatPhases', () => {
  it.each([
    ['all three', { credentialsMs: 120, attestationMs: 50, snowflakeMs: 1200 }, 'credentials 0.12 s, token/attestation 0.05 s, Snowflake 1.20 s (total 1.37 s)', 1370],
    ['the login did not run', { credentialsMs: 120, attestationMs: 50 }, 'credentials 0.12 s, token/attestation 0.05 s (total 0.17 s)', 170],
    ['only credentials', { credentialsMs: 3 }, 'credentials 0.00 s (total 0.00 s)', 3],
    ['a slow VPC login', { credentialsMs: 400, attestationMs: 2600, snowflakeMs: 6100 }, 'credentials 0.40 s, token/attestation 2.60 s, Snowflake 6.10 s (total 9.10 s)', 9100],
    ['ten seconds or more: one decimal', { snowflakeMs: 12_345 }, 'Snowflake 12.3 s (total 12.3 s)', 12_345],
    ['fractions are rounded', { snowflakeMs: 1.6 }, 'Snowflake 0.00 s (total 0.00 s)', 2],
    ['negative and not finite are dropped', { credentialsMs: -1, attestationMs: Number.NaN, snowflakeMs: Infinity }, 'no phase of the login ran', 0],
    ['zero is a phase', { credentialsMs: 0 }, 'credentials 0.00 s (total 0.00 s)', 0],
    ['none', undefined, 'no phase of the login ran', 0],
  ])('%s', (_name, timings, text, total) => {
    expect(formatPhases(timings)).toBe(text);
    expect(phaseTable(timings).totalMs).toBe(total);
  });

  it.each([
    [0, '0.00 s'],
    [9_994, '9.99 s'],
    [9_999, '10.00 s'],
    [10_000, '10.0 s'],
    [65_000, '65.0 s'],
  ])('seconds(%i) → %s', (ms, text) => {
    expect(seconds(ms)).toBe(text);
  });
});

describe('recommendedTimeoutSeconds: twice the login plus a second, at least 10, at most 900', () => {
  it.each([
    [0, 10],
    [4_000, 10],
    [4_500, 10],
    [4_501, 11],
    [9_000, 19],
    [500_000, 900],
  ])('%i ms → %i s', (ms, expected) => {
    expect(recommendedTimeoutSeconds(ms)).toBe(expected);
  });
});

describe('timeoutRoom', () => {
  it.each([
    ['the seed: 3 s, a 9 s login', 3, 9_000, 'warn', 'FUNCTION_TIMEOUT_EXCEEDED', '3 s, but the login took 9.00 s here: the function would time out during the login', 19],
    ['exactly the timeout', 3, 3_000, 'warn', 'FUNCTION_TIMEOUT_EXCEEDED', '3 s, but the login took 3.00 s here: the function would time out during the login', 10],
    ['more than half', 3, 1_600, 'warn', 'FUNCTION_TIMEOUT_TIGHT', "3 s, and the login took 1.60 s here: less than half of the timeout is left for the function's own work", 10],
    ['exactly half', 3, 1_500, 'warn', 'FUNCTION_TIMEOUT_LOW', '3 s: the login took 1.50 s here, but a first login in a VPC can take ~9 s', 10],
    ['3 s with a fast login', 3, 800, 'warn', 'FUNCTION_TIMEOUT_LOW', '3 s: the login took 0.80 s here, but a first login in a VPC can take ~9 s', 10],
    ['9 s', 9, 800, 'warn', 'FUNCTION_TIMEOUT_LOW', '9 s: the login took 0.80 s here, but a first login in a VPC can take ~9 s', 10],
    ['10 s', 10, 800, 'ok', 'OK', '10 s; the login took 0.80 s here', undefined],
    ['60 s, a 29 s login', 60, 29_000, 'ok', 'OK', '60 s; the login took 29.0 s here', undefined],
    ['60 s, a 31 s login', 60, 31_000, 'warn', 'FUNCTION_TIMEOUT_TIGHT', "60 s, and the login took 31.0 s here: less than half of the timeout is left for the function's own work", 63],
  ] as const)('%s', (_name, timeout, loginMs, status, code, detail, recommended) => {
    const room = timeoutRoom('my-python-fn', timeout, loginMs);
    expect(room).toMatchObject({ status, code, detail });
    if (recommended === undefined) expect(room.fix).toBeUndefined();
    else expect(room.fix).toContain(`aws lambda update-function-configuration --function-name my-python-fn --timeout ${recommended}\n`);
  });

  it.each([undefined, 0, -3, Number.NaN])('timeout %s: skipped', (timeout) => {
    expect(timeoutRoom('f', timeout, 100)).toEqual({ status: 'skip', code: 'SKIPPED', detail: "the function's timeout is not known" });
  });
});

describe('temporaryFunctionName', () => {
  it.each([
    [new Uint8Array(12), 'wif-check-doctor-aaaaaaaaaaaa'],
    [new Uint8Array(12).fill(35), 'wif-check-doctor-999999999999'],
    [new Uint8Array(12).fill(36), 'wif-check-doctor-aaaaaaaaaaaa'],
    [Uint8Array.from([0, 1, 2, 25, 26, 35, 255, 254, 36, 37, 7, 8, 99]), 'wif-check-doctor-abcz09dcabhi'],
  ])('%s → %s', (bytes, name) => {
    expect(temporaryFunctionName(bytes)).toBe(name);
  });
});

it('manualDeleteCommand names the function and the region', () => {
  expect(manualDeleteCommand('wif-check-doctor-abc', 'eu-west-1')).toBe('aws lambda delete-function --function-name wif-check-doctor-abc --region eu-west-1');
});

it('the tags say the function is temporary', () => {
  expect(TEMPORARY_TAGS).toEqual({ 'wif-check:temporary': 'true', 'wif-check:created-by': 'wif-check doctor --in-lambda' });
});

it('the permissions: every one the issue names, and TagResource (CreateFunction with Tags)', () => {
  expect(REQUIRED_PERMISSIONS.map(([permission]) => permission)).toEqual([
    'lambda:GetFunctionConfiguration', 'lambda:CreateFunction', 'lambda:TagResource', 'iam:PassRole', 'lambda:InvokeFunction', 'lambda:DeleteFunction',
  ]);
  expect(permissionsHint()).toBe('doctor --in-lambda needs: lambda:GetFunctionConfiguration, lambda:CreateFunction, lambda:TagResource, iam:PassRole, lambda:InvokeFunction, lambda:DeleteFunction (README "doctor --in-lambda").');
});

describe('isRolePropagationError', () => {
  it.each([
    ['InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.', true],
    ['InvalidParameterValueException', 'the role defined for the function cannot be assumed by lambda', true],
    ['InvalidParameterValueException', 'Could not unzip uploaded file.', false],
    ['AccessDeniedException', 'The role defined for the function cannot be assumed by Lambda.', false],
    [undefined, undefined, false],
  ])('%s: %s → %s', (name, message, expected) => {
    expect(isRolePropagationError(name, message)).toBe(expected);
  });
});

describe('retryDelayMs: 1, 2, 4, 8, 8 s while it fits', () => {
  it.each([
    [0, 60_000, 1_000],
    [1, 60_000, 2_000],
    [2, 60_000, 4_000],
    [3, 60_000, 8_000],
    [4, 60_000, 8_000],
    [30, 60_000, 8_000],
    [-1, 60_000, 1_000],
    [0, 1_000, undefined],
    [0, 1_001, 1_000],
    [3, 8_000, undefined],
    [0, 0, undefined],
  ])('attempt %i with %i ms left → %s', (attempt, left, expected) => {
    expect(retryDelayMs(attempt, left)).toBe(expected);
  });
});

const DENIED = 'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/r because no identity-based policy allows the iam:PassRole action';

describe('diagnoseLambdaFailure', () => {
  it.each<[string, LambdaFailure, LambdaAction, string, string, string]>([
    ['PassRole named by AWS', { name: 'AccessDeniedException', message: DENIED, status: 403 }, 'CreateFunction', 'LAMBDA_ACCESS_DENIED', 'CreateFunction was refused: the caller may not iam:PassRole (AccessDeniedException)', `Grant iam:PassRole on ${ROLE} to the identity running wif-check.`],
    ['the action\'s own permission when AWS names none', { name: 'AccessDeniedException', message: 'denied', status: 403 }, 'Invoke', 'LAMBDA_ACCESS_DENIED', 'Invoke was refused: the caller may not lambda:InvokeFunction (AccessDeniedException)', 'Grant lambda:InvokeFunction to the identity running wif-check.'],
    ['a bare 403', { status: 403 }, 'DeleteFunction', 'LAMBDA_ACCESS_DENIED', 'DeleteFunction was refused: the caller may not lambda:DeleteFunction (AccessDeniedException)', 'Grant lambda:DeleteFunction to'],
    ['AccessDenied (the query protocols\' name)', { name: 'AccessDenied' }, 'GetFunctionConfiguration', 'LAMBDA_ACCESS_DENIED', 'GetFunctionConfiguration was refused: the caller may not lambda:GetFunctionConfiguration (AccessDeniedException)', 'Grant lambda:GetFunctionConfiguration to'],
    ['no such function', { name: 'ResourceNotFoundException', status: 404 }, 'GetFunctionConfiguration', 'LAMBDA_FUNCTION_NOT_FOUND', 'there is no function my-fn in eu-west-1', 'Check the name and the region'],
    ['the temporary function vanished', { name: 'ResourceNotFoundException', status: 404 }, 'Invoke', 'LAMBDA_FUNCTION_GONE', 'the temporary function my-fn is gone (Invoke: ResourceNotFoundException)', 'run doctor --in-lambda again'],
    ['the role never became assumable', { name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.', status: 400 }, 'CreateFunction', 'LAMBDA_ROLE_NOT_ASSUMABLE', `Lambda cannot assume the execution role ${ROLE}`, 'lambda.amazonaws.com'],
    ['throttled', { name: 'TooManyRequestsException', status: 429 }, 'CreateFunction', 'LAMBDA_THROTTLED', 'CreateFunction was throttled by Lambda (TooManyRequestsException)', 'Try again in a minute'],
    ['a bare 429', { status: 429 }, 'Invoke', 'LAMBDA_THROTTLED', 'Invoke was throttled by Lambda (TooManyRequestsException)', 'Try again'],
    ['our own timeout', { name: 'TimeoutError' }, 'Invoke', 'LAMBDA_TIMEOUT', 'Lambda Invoke did not answer in time', 'Raise --timeout'],
    ['aborted', { name: 'AbortError' }, 'CreateFunction', 'LAMBDA_TIMEOUT', 'Lambda CreateFunction did not answer in time', 'AWS_ENDPOINT_URL_LAMBDA'],
    ['no answer at all', { name: 'Error', errno: 'ECONNREFUSED' }, 'GetFunctionConfiguration', 'LAMBDA_UNREACHABLE', 'the Lambda API in eu-west-1 is unreachable (ECONNREFUSED)', 'AWS_ENDPOINT_URL_LAMBDA'],
    ['an answer with an errno is not "unreachable"', { name: 'ServiceException', errno: 'X', status: 500, message: 'boom' }, 'Invoke', 'LAMBDA_API_ERROR', 'Lambda Invoke failed: ServiceException: boom', 'doctor --in-lambda needs:'],
    ['anything else', { name: 'InvalidParameterValueException', message: 'Could not unzip uploaded file.', status: 400 }, 'CreateFunction', 'LAMBDA_API_ERROR', 'Lambda CreateFunction failed: InvalidParameterValueException: Could not unzip uploaded file.', 'doctor --in-lambda needs:'],
    ['nothing known', {}, 'DeleteFunction', 'LAMBDA_API_ERROR', 'Lambda DeleteFunction failed: no message', 'doctor --in-lambda needs:'],
  ])('%s', (_name, failure, action, code, message, hint) => {
    const diagnosis = diagnoseLambdaFailure(failure, action, CONTEXT);
    expect(diagnosis).toMatchObject({ code, message });
    expect(diagnosis.hint).toContain(hint);
    expect(diagnosis.message).not.toContain('\n');
  });

  it('PassRole without a known role names no resource', () => {
    expect(diagnoseLambdaFailure({ name: 'AccessDeniedException', message: DENIED }, 'CreateFunction', { functionName: 'f', region: 'r' }).hint).toMatch(/^Grant iam:PassRole to the identity/);
  });

  it('a server message is capped (the printer escapes it for the terminal)', () => {
    const diagnosis = diagnoseLambdaFailure({ name: 'Weird', message: 'no such thing '.repeat(50), status: 500 }, 'Invoke', CONTEXT);
    expect(diagnosis.message).toBe(`Lambda Invoke failed: Weird: ${'no such thing '.repeat(50).slice(0, 300)}`);
  });
});

describe('diagnoseInvocationError', () => {
  it.each([
    ['Lambda\'s timeout (errorType)', { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: r Error: Task timed out after 35.00 seconds' }, 'LAMBDA_FUNCTION_TIMEOUT', 'the temporary function timed out after 35 s before the check returned'],
    ['Lambda\'s timeout (older runtimes: the message only)', { errorMessage: '2026-12-07T09:00:00.000Z r Task timed out after 35.00 seconds' }, 'LAMBDA_FUNCTION_TIMEOUT', 'the temporary function timed out after 35 s before the check returned'],
    ['the runtime exited', { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: r Error: Runtime exited with error: signal: killed' }, 'LAMBDA_INVOKE_FAILED', 'the temporary function failed (Unhandled, Runtime.ExitError): RequestId: r Error: Runtime exited with error: signal: killed'],
    ['no payload', null, 'LAMBDA_INVOKE_FAILED', 'the temporary function failed (Unhandled)'],
    ['a payload of the wrong shape', { errorType: 42, errorMessage: ['x'] }, 'LAMBDA_INVOKE_FAILED', 'the temporary function failed (Unhandled)'],
  ])('%s', (_name, payload, code, message) => {
    expect(diagnoseInvocationError('Unhandled', payload, 35)).toMatchObject({ code, message });
  });
});

const REPORT = {
  ok: false,
  exitCode: 1,
  provider: 'aws',
  method: 'caller-identity',
  driver: 'python',
  checks: [{ id: 'login', status: 'fail', code: 'USER_NOT_MAPPED', detail: 'no user', fix: 'ALTER USER …', snowflakeCode: '390144', snowflakeMessage: 'm' }],
  awsAccount: '123456789012',
  callerArn: 'arn:aws:sts::123456789012:assumed-role/r/s',
  snowflakeArn: 'arn:aws:iam::123456789012:role/r',
  user: null,
  role: null,
  warnings: ['w'],
  timings: { credentialsMs: 10, attestationMs: 20, snowflakeMs: 30 },
};

describe('parseFunctionReport', () => {
  it('a doctor report comes back as it was', () => {
    expect(parseFunctionReport(REPORT)).toEqual({ ok: true, report: REPORT });
  });

  it.each([
    ['null', null, 'the function did not return an object'],
    ['an array', [], 'the function did not return an object'],
    ['a string', 'ok', 'the function did not return an object'],
    ['no ok', { ...REPORT, ok: 'yes' }, "the function's answer is not a doctor report (ok, exitCode, checks)"],
    ['a fractional exit code', { ...REPORT, exitCode: 1.5 }, "the function's answer is not a doctor report (ok, exitCode, checks)"],
    ['a negative exit code', { ...REPORT, exitCode: -1 }, "the function's answer is not a doctor report (ok, exitCode, checks)"],
    ['exit code 256', { ...REPORT, exitCode: 256 }, "the function's answer is not a doctor report (ok, exitCode, checks)"],
    ['no checks', { ...REPORT, checks: 'none' }, "the function's answer is not a doctor report (ok, exitCode, checks)"],
    ['a check without an id', { ...REPORT, checks: [{ status: 'ok' }] }, "a check in the function's report has no id or status"],
    ['a check with an unknown status', { ...REPORT, checks: [{ id: 'x', status: 'great' }] }, "a check in the function's report has no id or status"],
    ['a null check', { ...REPORT, checks: [null] }, "a check in the function's report has no id or status"],
  ])('%s → refused', (_name, payload, error) => {
    expect(parseFunctionReport(payload)).toEqual({ ok: false, error });
  });

  it('exit code 255 and 0 are exit codes', () => {
    expect(parseFunctionReport({ ...REPORT, exitCode: 255 }).ok).toBe(true);
    expect(parseFunctionReport({ ...REPORT, exitCode: 0 }).ok).toBe(true);
  });

  it('caps and escapes what it keeps, fills what is missing, drops what it does not know', () => {
    const parsed = parseFunctionReport({
      ok: true,
      exitCode: 0,
      checks: [{ id: `x${'i'.repeat(50)}`, status: 'ok', detail: 'a detail '.repeat(300), extra: 1 }],
      user: 42,
      warnings: ['a', 7, 'b'],
      timings: { credentialsMs: -5, attestationMs: 'x', snowflakeMs: 12.4 },
      provider: 7,
      secret: 'dropped',
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [check] = parsed.report.checks;
    expect(check?.id).toHaveLength(40);
    expect(check?.code).toBe('UNKNOWN');
    // serverText's cap (1,000 characters, then what was cut) comes first.
    expect(check?.detail).toMatch(/^(a detail )+a… \(cut: 2700 characters in all\)$/);
    expect(check).not.toHaveProperty('extra');
    expect(check).not.toHaveProperty('fix');
    expect(check).not.toHaveProperty('snowflakeCode');
    expect(parsed.report).toMatchObject({ user: null, awsAccount: null, callerArn: null, warnings: ['a', 'b'], timings: { credentialsMs: undefined, attestationMs: undefined, snowflakeMs: 12 } });
    expect(parsed.report).not.toHaveProperty('provider');
    expect(parsed.report).not.toHaveProperty('secret');
  });

  it('at most 100 checks and 50 warnings', () => {
    const parsed = parseFunctionReport({ ...REPORT, checks: Array.from({ length: 101 }, () => ({ id: 'a', status: 'ok' })), warnings: Array.from({ length: 51 }, () => 'w') });
    expect(parsed.ok && parsed.report.checks.length).toBe(100);
    expect(parsed.ok && parsed.report.warnings.length).toBe(50);
  });

  it('a timing of an hour or more is dropped', () => {
    const parsed = parseFunctionReport({ ...REPORT, timings: { credentialsMs: 3_600_000, attestationMs: 3_599_999 } });
    expect(parsed.ok && parsed.report.timings).toEqual({ credentialsMs: undefined, attestationMs: 3_599_999, snowflakeMs: undefined });
  });
});

describe('regionOfFunction: a function ARN names its region', () => {
  it.each([
    ['arn:aws:lambda:eu-central-1:123456789012:function:my-fn', 'eu-central-1'],
    ['arn:aws:lambda:us-gov-west-1:123456789012:function:my-fn:prod', 'us-gov-west-1'],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:my-fn', 'cn-north-1'],
    ['us-east-1:123456789012:function:my-fn', 'us-east-1'],
    ['123456789012:function:my-fn', undefined],
    ['my-fn', undefined],
    ['my-fn:prod', undefined],
  ])('%s → %s', (name, region) => {
    expect(regionOfFunction(name)).toBe(region);
  });
});

describe('outboundTokenOfFunction: the method the real function\'s driver will use', () => {
  it.each([
    ['python, set', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' }, 'python', undefined, true, true],
    ['python, set in capitals with spaces', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: ' TRUE ' }, 'python', undefined, true, true],
    ['python, false', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'false' }, 'python', undefined, undefined, false],
    ['python, 1 is not true', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: '1' }, 'python', undefined, undefined, false],
    ['python, unset', {}, 'python', undefined, undefined, false],
    ['node does not read it', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' }, 'node', undefined, undefined, false],
    ['--outbound-token wins', {}, 'python', true, true, false],
    ['an explicit false wins too', { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' }, 'python', false, false, false],
    ['no environment', undefined, 'python', undefined, undefined, false],
  ] as const)('%s', (_name, variables, driver, flag, outboundToken, noted) => {
    const result = outboundTokenOfFunction('my-python-fn', variables, driver, flag);
    expect(result.outboundToken).toBe(outboundToken);
    if (noted) expect(result.note).toBe('my-python-fn sets SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true: checking the JWT method, as its Python connector will log in');
    else expect(result.note).toBeUndefined();
  });
});
