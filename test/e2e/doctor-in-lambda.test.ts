/**
 * doctor --in-lambda (issue 21, part 1): the BUILT CLI against the Lambda API simulator
 * (src/simulators/lambda.ts, reached through AWS_ENDPOINT_URL_LAMBDA), which runs the shipped
 * bundle's handler in a child process with the execution role's credentials from the STS simulator.
 * The seed story end to end, and the temporary function deleted whatever happens.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type SimUser, type TestBed, type TestBedOptions } from '../../src/simulators/index.js';
import { startLambdaSimulator, type LambdaSimulator } from '../../src/simulators/lambda.js';
import { BIN, cleanEnv, describeRun, runCliWithoutSecrets, tempDir, type CliResult } from './run-cli.js';

const PATH_ROLE = 'arn:aws:iam::123456789012:role/service-role/my-python-fn-role';
const PLAIN_ROLE = 'arn:aws:iam::123456789012:role/my-fn-role';

let bed: TestBed;
let lambda: LambdaSimulator;

beforeAll(async () => {
  bed = await startTestBed({
    users: [
      // The seed: registered with the role's IAM path, which never matches.
      { name: 'PY_LOADER', workloadIdentityArn: PATH_ROLE, defaultRole: 'LOADER', type: 'SERVICE' },
      { name: 'LAMBDA_LOADER', workloadIdentityArn: PLAIN_ROLE, defaultRole: 'LOADER', type: 'SERVICE' },
    ],
  });
  lambda = await startLambdaSimulator({
    identities: bed.identities,
    stsUrl: bed.sts.url,
    functions: [
      { name: 'my-python-fn', role: PATH_ROLE, runtime: 'python3.12', timeoutSeconds: 3, memoryMb: 256, architectures: ['arm64'], subnetIds: ['subnet-0aaa', 'subnet-0bbb'], securityGroupIds: ['sg-0ccc'] },
      // Its environment switches the Python connector to the JWT method, and holds a secret that must never be read out.
      { name: 'my-jwt-fn', role: PLAIN_ROLE, runtime: 'python3.13', timeoutSeconds: 30, memoryMb: 512, architectures: ['x86_64'], subnetIds: [], securityGroupIds: [], environment: { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true', DB_PASSWORD: 'hunter2-never-printed-anywhere' } },
      { name: 'my-node-fn', role: PLAIN_ROLE, runtime: 'nodejs22.x', timeoutSeconds: 60, memoryMb: 1024, architectures: ['x86_64'], subnetIds: [], securityGroupIds: [] },
    ],
    // What the simulated network offers every function: the STS simulator, and no metadata probes.
    functionEnv: { AWS_ENDPOINT_URL_STS: bed.sts.url, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
});
afterAll(async () => {
  await lambda?.close();
  await bed?.close();
});
afterEach(() => {
  lambda.setMissingPermission(undefined);
  lambda.setInvokeMode('normal');
  lambda.setRolePropagationFailures(0);
});

/** The laptop: an IAM user's keys (never the execution role's), the simulators' endpoints. */
function laptopEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.iamUser), AWS_ENDPOINT_URL_LAMBDA: lambda.url, ...extra });
}

const temporaryFunctions = () => [...lambda.functions.keys()].filter((name) => name.startsWith('wif-check-doctor-'));

type Check = { id: string; status: string; code: string; detail: string; fix?: string };
type Report = { ok: boolean; exitCode: number; driver?: string; checks: Check[]; timings?: Record<string, number>; lambda: { function: string; deleted: boolean; runtime: string | null; functionTimeoutSeconds: number | null; architecture: string; subnetIds: string[]; securityGroupIds: string[]; memoryMb: number; phases: string } };

describe('doctor --in-lambda --like-function: the seed story', () => {
  it('a Python function, a service-role/ role, a 3 s timeout: the path trap with its fix SQL, python driver rules, a timeout warning; the function deleted', async () => {
    const createdBefore = lambda.created.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--expect-user', 'PY_LOADER', '--json'], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    const check = (id: string) => report.checks.find((entry) => entry.id === id);
    // Ran as the execution role, in a copy of the function's network and architecture.
    const created = lambda.created.slice(createdBefore);
    expect(created).toHaveLength(1);
    expect(report.lambda).toMatchObject({ function: created[0], deleted: true, runtime: 'python3.12', functionTimeoutSeconds: 3, architecture: 'arm64', subnetIds: ['subnet-0aaa', 'subnet-0bbb'], securityGroupIds: ['sg-0ccc'], memoryMb: 256 });
    expect(check('caller')?.detail).toContain(`assumed-role/my-python-fn-role/${created[0]}`);
    // The trap: the path-free ARN is what Snowflake matches; the fix is SQL.
    expect(check('snowflake-arn')?.detail).toContain('arn:aws:iam::123456789012:role/my-python-fn-role');
    expect(check('login')).toMatchObject({ status: 'fail', code: 'USER_NOT_MAPPED' });
    expect(check('login')?.fix).toMatch(/ALTER USER .*PY_LOADER.* SET WORKLOAD_IDENTITY = \(\s*TYPE = AWS\s+ARN = 'arn:aws:iam::123456789012:role\/my-python-fn-role'/s);
    expect(check('login')?.fix).toContain('service-role');
    // The Python connector's rules, chosen by the runtime.
    expect(report.driver).toBe('python');
    // The timeout: 3 s is too little room.
    expect(check('function-timeout')).toMatchObject({ status: 'warn', code: expect.stringMatching(/^FUNCTION_TIMEOUT_(LOW|TIGHT|EXCEEDED)$/) });
    expect(check('function-timeout')?.fix).toContain('aws lambda update-function-configuration --function-name my-python-fn --timeout ');
    // Each phase timed.
    expect(Object.keys(report.timings ?? {}).sort()).toEqual(['attestationMs', 'credentialsMs', 'snowflakeMs']);
    expect(report.lambda.phases).toMatch(/^credentials \d+\.\d+ s, token\/attestation \d+\.\d+ s, Snowflake \d+\.\d+ s \(total/);
    // Deleted.
    expect(lambda.deleted).toContain(created[0]);
    expect(temporaryFunctions()).toEqual([]);
    // What Lambda was asked for: the function's role, network, architecture, memory; Node.js; tagged as temporary.
    expect(created[0]).toMatch(/^wif-check-doctor-[a-z0-9]{12}$/);
    expect(lambda.history.find((fn) => fn.name === created[0])).toMatchObject({
      role: PATH_ROLE,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      architectures: ['arm64'],
      memoryMb: 256,
      timeoutSeconds: 35,
      subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
      securityGroupIds: ['sg-0ccc'],
      tags: { 'wif-check:temporary': 'true', 'wif-check:created-by': 'wif-check doctor --in-lambda' },
      environment: { SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: '127.0.0.1' },
    });
    // No credential the function held (the execution role's, which STS issued to the simulated Lambda) came back.
    const issued = bed.identities.flatMap((identity) => [identity.secretAccessKey, identity.sessionToken]).filter((secret): secret is string => Boolean(secret));
    for (const secret of issued) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('text: the checklist as doctor prints it, then where it ran and the phases', async () => {
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--no-color'], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stdout).toMatch(/✖ Snowflake login/);
    expect(result.stdout).toMatch(/! Function timeout +3 s/);
    expect(result.stdout).toMatch(/ran in wif-check-doctor-[a-z0-9]{12} like my-python-fn \(python3\.12, timeout 3 s\)/);
    expect(result.stdout).toMatch(/login phases: credentials/);
    expect(result.stdout).toMatch(/wif-check-doctor-[a-z0-9]{12} deleted/);
    expect(result.stderr).toMatch(/Creating the temporary function wif-check-doctor-/);
    expect(temporaryFunctions()).toEqual([]);
  });

  it('a Node function whose user is mapped: exit 0, node rules, the timeout has room', async () => {
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-node-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--expect-user', 'LAMBDA_LOADER', '--json'], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.driver).toBe('node');
    expect(report.checks.find((check) => check.id === 'user')).toMatchObject({ status: 'ok' });
    expect(report.checks.find((check) => check.id === 'function-timeout')).toMatchObject({ status: 'ok', code: 'OK' });
    expect(temporaryFunctions()).toEqual([]);
  });
});

describe('the function\'s environment', () => {
  it('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true in a Python function: the JWT method is checked; nothing else of its environment is read or sent', async () => {
    const before = lambda.events.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-jwt-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--json'], laptopEnv(), ['hunter2-never-printed-anywhere'], { timeoutMs: 60_000 });
    expect(result.stdout, describeRun(result)).not.toBe('');
    expect(result.stderr).toContain('my-jwt-fn sets SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true: checking the JWT method');
    expect(lambda.events.slice(before)).toEqual([expect.objectContaining({ outboundToken: true, driver: 'python' })]);
    expect(JSON.stringify(lambda.events.slice(before))).not.toContain('hunter2');
    const created = lambda.history.at(-1);
    expect(created?.environment).toEqual({ SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: '127.0.0.1' });
    expect((JSON.parse(result.stdout) as { method?: string }).method).toBe('outbound-token');
    expect(temporaryFunctions()).toEqual([]);
  });
});

describe('doctor --in-lambda --role ARN', () => {
  it('runs as the role with no function to copy, retrying while Lambda cannot yet assume a new role', async () => {
    lambda.setRolePropagationFailures(2);
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--role', PLAIN_ROLE, '--account', bed.env.SNOWFLAKE_ACCOUNT, '--expect-user', 'LAMBDA_LOADER', '--json'], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toMatch(/cannot assume .*my-fn-role yet .*retrying in 1 s/);
    expect(result.stderr).toMatch(/retrying in 2 s/);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.checks.some((check) => check.id === 'function-timeout')).toBe(false);
    expect(temporaryFunctions()).toEqual([]);
  });
});

describe('the temporary function is deleted whatever happens', () => {
  it('the invocation fails (the runtime exited): exit 3 LAMBDA_INVOKE_FAILED, and the function is deleted', async () => {
    lambda.setInvokeMode('crash');
    const before = lambda.created.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(/✖ the temporary function failed \(Unhandled, Runtime\.ExitError\)/);
    const name = lambda.created[before];
    expect(name).toBeDefined();
    expect(lambda.deleted).toContain(name);
    expect(temporaryFunctions()).toEqual([]);
  });

  it('the invocation never answers: the wait ends after the function\'s timeout, exit 3 LAMBDA_TIMEOUT, and the function is deleted', async () => {
    lambda.setInvokeMode('hang');
    const before = lambda.created.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--timeout', '1', '--json'], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 3, checks: [{ id: 'settings', code: 'LAMBDA_TIMEOUT' }] });
    expect(lambda.deleted).toContain(lambda.created[before]);
    expect(temporaryFunctions()).toEqual([]);
  });

  it('SIGINT mid-run: the function is deleted, then exit 130', async () => {
    lambda.setInvokeMode('hang');
    const before = lambda.invocations.length;
    const child = spawn(process.execPath, [BIN, 'doctor', '--in-lambda', '--like-function', 'my-python-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT], { env: laptopEnv(), cwd: tempDir('cwd-'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 30_000;
    while (lambda.invocations.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lambda.invocations.length, stderr).toBeGreaterThan(before);
    const name = lambda.invocations.at(-1) ?? '';
    expect(lambda.functions.has(name)).toBe(true);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('Interrupted: deleting the temporary function first');
    expect(stderr).toContain(`interrupted: the temporary function ${name} was deleted`);
    expect(lambda.deleted).toContain(name);
    expect(temporaryFunctions()).toEqual([]);
  });

  it('DeleteFunction refused: the report still comes, with exactly what to delete by hand', async () => {
    lambda.setMissingPermission('lambda:DeleteFunction');
    const before = lambda.created.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-node-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--json'], laptopEnv(), [], { timeoutMs: 60_000 });
    const name = lambda.created[before] ?? '';
    expect(result.code, describeRun(result)).toBe(0);
    expect(JSON.parse(result.stdout).lambda).toMatchObject({ deleted: false, manualDelete: `aws lambda delete-function --function-name ${name} --region eu-west-1` });
    expect(result.stderr).toContain(`Delete it by hand: aws lambda delete-function --function-name ${name} --region eu-west-1`);
    expect(result.stderr).toContain('lambda:DeleteFunction');
    lambda.setMissingPermission(undefined);
    // Clean the simulator for the next tests, as the user would.
    const { LambdaClient, DeleteFunctionCommand } = await import('@aws-sdk/client-lambda');
    const client = new LambdaClient({ region: 'eu-west-1', endpoint: lambda.url, credentials: TEST_IDENTITIES.iamUser });
    await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    client.destroy();
    expect(temporaryFunctions()).toEqual([]);
  });
});

describe('permissions: a missing one is one line naming it (exit 3, LAMBDA_ACCESS_DENIED)', () => {
  it.each([
    ['lambda:GetFunctionConfiguration', false],
    ['lambda:CreateFunction', false],
    ['iam:PassRole', false],
    ['lambda:TagResource', false],
    ['lambda:InvokeFunction', true],
  ])('without %s', async (permission, created) => {
    lambda.setMissingPermission(permission);
    const before = lambda.created.length;
    const requestsBefore = lambda.requests.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-node-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT], laptopEnv(), [], { timeoutMs: 60_000 });
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`✖ \\w+ was refused: the caller may not ${permission.replace('.', '\\.')} \\(AccessDeniedException\\)\\n`));
    expect(result.stderr).toContain(`Grant ${permission}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(lambda.created.length - before).toBe(created ? 1 : 0);
    // A refused create leaves nothing to delete, and nothing is tried; a created function is deleted.
    const deletes = lambda.requests.slice(requestsBefore).filter((request) => request.action === 'DeleteFunction');
    expect(deletes.length).toBe(created ? 1 : 0);
    expect(result.stderr.includes('Deleted wif-check-doctor-')).toBe(created);
    expect(temporaryFunctions()).toEqual([]);
  });
});

describe('usage', () => {
  it.each([
    [['doctor', '--in-lambda'], '--in-lambda needs --like-function NAME or --role ARN'],
    [['doctor', '--in-lambda', '--like-function', 'my fn'], "--like-function 'my fn' is not a Lambda function name or ARN"],
    [['doctor', '--like-function', 'my-python-fn'], '--like-function needs --in-lambda'],
    [['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--role', PLAIN_ROLE], '--in-lambda takes --like-function or --role ARN, not both'],
    [['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--provider', 'oidc'], 'doctor --in-lambda checks the AWS provider only, not oidc'],
    [['doctor', '--in-lambda', '--like-function', 'my-python-fn', '--driver', 'cobol'], "--driver 'cobol' is not one of node, python"],
  ])('%j → exit 2', async (args, message) => {
    const result = await runCliWithoutSecrets(args, laptopEnv());
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('a function that does not exist: exit 3 LAMBDA_FUNCTION_NOT_FOUND, nothing created', async () => {
    const before = lambda.created.length;
    const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'no-such-fn', '--json'], laptopEnv());
    expect(result.code, describeRun(result)).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ checks: [{ code: 'LAMBDA_FUNCTION_NOT_FOUND', detail: 'there is no function no-such-fn in eu-west-1' }] });
    expect(lambda.created.length).toBe(before);
  });
});

describe('doctor --in-lambda --admin-connection: the administrator\'s side runs here, never in the function', () => {
  const pat = 'pat_EXAMPLEaW4tbGFtYmRhLWFkbWluLW5ldmVyLXNlbnQtaW4';

  /** The seeded account (users may be changed), a Lambda simulator with my-fn, and doctor --in-lambda --admin-connection run against them. */
  async function inLambdaWithAdmin(bed: Pick<TestBedOptions, 'gates'> & { users?: (users: SimUser[]) => SimUser[] }, check: (result: CliResult, report: Report, sim: LambdaSimulator, admin: TestBed) => void): Promise<void> {
    const seed = seededAuditAccount({ pats: [pat] });
    const admin = await startTestBed({ users: bed.users ? bed.users(seed.users) : seed.users, admin: seed.admin, ...(bed.gates ? { gates: bed.gates } : {}) });
    const sim = await startLambdaSimulator({
      identities: admin.identities,
      stsUrl: admin.sts.url,
      functions: [{ name: 'my-fn', role: 'arn:aws:iam::123456789012:role/service-role/my-fn-role', runtime: 'python3.12', timeoutSeconds: 30, memoryMb: 512, architectures: ['x86_64'], subnetIds: [], securityGroupIds: [] }],
      functionEnv: { AWS_ENDPOINT_URL_STS: admin.sts.url, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    try {
      const home = tempDir('snowflake-home-');
      writeFileSync(join(home, 'pat.token'), `${pat}\n`, { mode: 0o600 });
      writeFileSync(
        join(home, 'connections.toml'),
        `[admin]\naccount = "${admin.env.SNOWFLAKE_ACCOUNT}"\nhost = "${admin.snowflake.host}"\nport = ${admin.snowflake.port}\nprotocol = "http"\nuser = "AUDITOR"\n` +
          `authenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${join(home, 'pat.token')}"\n`,
        { mode: 0o600 },
      );
      const env = cleanEnv({ ...admin.env, ...credentialsEnv(TEST_IDENTITIES.iamUser), AWS_ENDPOINT_URL_LAMBDA: sim.url, SNOWFLAKE_HOME: home });
      const result = await runCliWithoutSecrets(['doctor', '--in-lambda', '--like-function', 'my-fn', '--expect-user', 'LAMBDA_LOADER', '--admin-connection', 'admin', '--json'], env, [pat], { timeoutMs: 60_000 });
      check(result, JSON.parse(result.stdout) as Report, sim, admin);
    } finally {
      await sim.close();
      await admin.close();
    }
  }

  it('names the user registered with the path, with the fix; the event carries no admin setting or secret', async () => {
    await inLambdaWithAdmin({}, (result, report, sim, admin) => {
      expect(result.code, describeRun(result)).toBe(1);
      const registration = report.checks.find((check) => check.id === 'snowflake-registration');
      expect(registration?.detail, describeRun(result)).toContain('LAMBDA_LOADER');
      expect(registration?.fix).toContain("ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');");
      // What went into the function: doctor's settings, nothing of the administrator's.
      expect(sim.events).toHaveLength(1);
      const sent = JSON.stringify(sim.events[0]);
      expect(sent).not.toContain(pat);
      expect(sent).not.toMatch(/admin|AUDITOR|pat\.token/i);
      expect(sim.events[0]).toMatchObject({ account: admin.env.SNOWFLAKE_ACCOUNT, expectUser: 'LAMBDA_LOADER', driver: 'python' });
      expect([...sim.functions.keys()]).toEqual(['my-fn']);
    });
  });

  it('says which gate would stop the caller the function saw (issue 20): GATE_PREDICTED with the least change', async () => {
    const gates = {
      authenticationPolicies: [{ name: 'KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR'] }, { name: 'ADMINS', authenticationMethods: ['ALL'] }],
      users: { LAMBDA_LOADER: { authenticationPolicy: 'KEYPAIR_ONLY' }, AUDITOR: { authenticationPolicy: 'ADMINS' } },
    };
    const pathFree = (users: SimUser[]) => users.map((user) => (user.name === 'LAMBDA_LOADER' ? { ...user, workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role' } : user));
    await inLambdaWithAdmin({ gates, users: pathFree }, (result, report) => {
      expect(result.code, describeRun(result)).toBe(1);
      expect(report.checks.find((check) => check.id === 'snowflake-gates'), describeRun(result)).toMatchObject({
        status: 'warn',
        code: 'GATE_PREDICTED',
        fix: "ALTER AUTHENTICATION POLICY KEYPAIR_ONLY SET AUTHENTICATION_METHODS = ('KEYPAIR', 'WORKLOAD_IDENTITY');",
      });
      expect(report.checks.find((check) => check.id === 'login')).toMatchObject({ status: 'fail', code: 'AUTHENTICATION_POLICY_REJECTED' });
    });
  });
});
