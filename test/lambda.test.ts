/**
 * The Lambda handler, invoked in-process as Lambda would, with Lambda's environment variables
 * (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, the execution role's keys) against the local simulators.
 * Also the bundled zip's entry file, required as CommonJS the way the runtime loads it.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WifCheckFailed, handler, type WifCheckEvent } from '../src/lambda.js';
import { seededAuditAccount } from '../src/simulators/snowflake-admin.js';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../src/simulators/index.js';
import { REPO_ROOT, closedPort, tempDir } from './e2e/run-cli.js';

let bed: TestBed;
const home = tempDir('wif-check-lambda-home-');
const taskRoot = tempDir('wif-check-lambda-task-');
const identity = TEST_IDENTITIES.assumedRole;

function lambdaEnv(): Record<string, string> {
  const { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: _p, ...env } = bed.env;
  return {
    ...env,
    ...credentialsEnv(identity),
    AWS_DEFAULT_REGION: env.AWS_REGION,
    AWS_LAMBDA_FUNCTION_NAME: 'my-fn',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: taskRoot,
    HOME: home,
    SF_OCSP_RESPONSE_CACHE_DIR: tempDir('wif-check-ocsp-'),
  };
}

beforeAll(async () => {
  bed = await startTestBed({ oidc: true });
  for (const key of Object.keys(process.env)) if (/^(AWS_|SNOWFLAKE_|WIF_CHECK_)/.test(key)) delete process.env[key];
  Object.assign(process.env, lambdaEnv());
  process.chdir(taskRoot);
});

afterAll(async () => {
  await bed.close();
});

describe('wif-check/lambda handler', () => {
  it('runs doctor from the event and env and resolves to the report with exitCode', async () => {
    const report = await handler({ expectUser: 'lambda_loader' });
    expect(report.ok).toBe(true);
    expect(report.exitCode).toBe(0);
    expect(report.user).toBe('LAMBDA_LOADER');
    expect(report.snowflakeArn).toBe('arn:aws:iam::123456789012:role/my-fn-role');
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['credentials', 'ok'],
      ['region', 'ok'],
      ['caller', 'ok'],
      ['principal', 'ok'],
      ['snowflake-arn', 'ok'],
      ['login', 'ok'],
      ['user', 'ok'],
    ]);
    expect(report.checks[0]?.detail).toContain('Lambda execution role of my-fn');
  });

  it('takes port as a string and impersonationPath as a comma list, falling back to env for the rest', async () => {
    const report = await handler({ port: String(bed.snowflake.port), impersonationPath: ' ' });
    expect(report.ok).toBe(true);
  });

  it('reports a mapping failure as a failed check with the fix, never a throw', async () => {
    bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/my-fn-role');
    try {
      const report = await handler({});
      expect(report.ok).toBe(false);
      expect(report.exitCode).toBe(1);
      const login = report.checks.find((check) => check.id === 'login');
      expect(login?.status).toBe('fail');
      expect(login?.fix).toContain("ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')");
    } finally {
      bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/my-fn-role');
    }
  });

  it("writes one summary line to the function's log, and fails the invocation only when asked (event.failOnError, WIF_CHECK_FAIL_ON_ERROR)", async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/service-role/my-fn-role');
    try {
      const quiet = await handler({});
      expect(quiet).toMatchObject({ ok: false, exitCode: 1 });
      expect(log.mock.calls.at(-1)).toEqual(['wif-check: FAILED exitCode=1 check=login code=USER_NOT_MAPPED user=- caller=arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn']);
      const thrown = await handler({ failOnError: true }).then(() => undefined, (error: unknown) => error);
      expect(thrown).toBeInstanceOf(WifCheckFailed);
      expect((thrown as WifCheckFailed).message).toBe('wif-check: FAILED exitCode=1 check=login code=USER_NOT_MAPPED user=- caller=arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn');
      expect((thrown as WifCheckFailed).report).toMatchObject({ ok: false, exitCode: 1 });
      process.env.WIF_CHECK_FAIL_ON_ERROR = 'true';
      await expect(handler({})).rejects.toBeInstanceOf(WifCheckFailed);
      // The event may turn it off for one invocation, and a usage error fails too.
      await expect(handler({ failOnError: false })).resolves.toMatchObject({ ok: false });
      await expect(handler({ port: 'eighty' })).rejects.toThrow(/^wif-check: FAILED exitCode=2 check=settings code=BAD_PORT /);
    } finally {
      delete process.env.WIF_CHECK_FAIL_ON_ERROR;
      bed.snowflake.setUserArn('LAMBDA_LOADER', 'arn:aws:iam::123456789012:role/my-fn-role');
      log.mockRestore();
    }
    const log2 = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(handler({ failOnError: true, expectUser: 'LAMBDA_LOADER' })).resolves.toMatchObject({ ok: true });
      expect(log2.mock.calls).toEqual([['wif-check: ok exitCode=0 user=LAMBDA_LOADER caller=arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn']]);
    } finally {
      log2.mockRestore();
    }
  });

  it('event.driver: the checks speak for the Python connector (its region rule), in a Node.js function', async () => {
    const saved = process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const [python, node, bad] = await Promise.all([handler({ driver: 'python' }), handler({}), handler({ driver: 'go' })]);
      expect(python.driver).toBe('python');
      expect(node.driver).toBe('node');
      expect(python.checks.find((check) => check.id === 'region')?.detail).toMatch(/Python/);
      expect(bad).toMatchObject({ ok: false, exitCode: 2, checks: [{ code: 'BAD_DRIVER' }] });
    } finally {
      if (saved !== undefined) process.env.AWS_DEFAULT_REGION = saved;
    }
  });

  it('turns bad settings into a failed report with the usage exit code', async () => {
    const [port, timeout] = await Promise.all([handler({ port: 'eighty' }), handler({ timeout: 'abc' })]);
    expect(port).toMatchObject({ ok: false, exitCode: 2 });
    expect(port.checks[0]?.detail).toContain("port 'eighty'");
    expect(timeout).toMatchObject({ ok: false, exitCode: 2 });
    expect(timeout.checks[0]?.detail).toBe("event.timeout 'abc' must be a number of seconds from 1 to 3600");
  });

  it('takes an AWS account id as a number and null as unset (issue 9, defect 9)', async () => {
    const [asNumber, allNull] = await Promise.all([
      handler({ expectAccount: 123456789012, impersonationPath: null, timeout: null }),
      handler({ account: null, host: null, port: null, protocol: null, expectUser: null, expectAccount: null, role: null, warehouse: null, impersonationPath: null, timeout: null, allowInsecureHttp: null, outboundToken: null }),
    ]);
    expect(asNumber).toMatchObject({ ok: true, exitCode: 0, user: 'LAMBDA_LOADER' });
    expect(asNumber.checks.find((check) => check.id === 'account')).toMatchObject({ status: 'ok', detail: 'account 123456789012 as expected' });
    expect(allNull).toMatchObject({ ok: true, exitCode: 0, user: 'LAMBDA_LOADER' });
  });

  it('reads an account id number that lost its leading zero with the zero, and says so', async () => {
    const report = await handler({ expectAccount: 12345678901 });
    expect(report).toMatchObject({ ok: false, exitCode: 1 });
    expect(report.checks.find((check) => check.id === 'account')?.detail).toBe('expected AWS account 012345678901, but the credentials belong to 123456789012');
    expect(report.warnings).toContain('event.expectAccount was the number 12345678901: read as the AWS account id 012345678901 (give it as a string to keep its leading zeros)');
  });

  it('refuses a field of the wrong type with exitCode 2, naming the field and the type, before any check runs', async () => {
    const events: Array<[unknown, string]> = [
      [{ account: 123 }, 'event.account must be a string (a Snowflake account identifier such as myorg-myacct), not the number 123'],
      [{ expectUser: 42 }, 'event.expectUser must be a string (a Snowflake user name), not the number 42'],
      [{ host: {} }, 'event.host must be a string (a host name), not an object'],
      [{ impersonationPath: {} }, 'event.impersonationPath must be an array of IAM role ARNs or a comma-separated string, not an object'],
      [{ impersonationPath: ['arn:aws:iam::123456789012:role/x', 7] }, 'event.impersonationPath[1] must be a string (an IAM role ARN), not the number 7'],
      [{ allowInsecureHttp: 'yes' }, "event.allowInsecureHttp must be false or unset (the function's environment decides), not the string \"yes\""],
      [{ outboundToken: 1 }, 'event.outboundToken must be true or false, not the number 1'],
      [['expectUser', 'X'], 'the event must be an object of settings (or null), not an array'],
    ];
    const reports = await Promise.all(events.map(([event]) => handler(event as WifCheckEvent)));
    reports.forEach((report, index) => {
      expect(report, JSON.stringify(events[index]?.[0])).toMatchObject({ ok: false, exitCode: 2, checks: [{ id: 'settings', status: 'fail', detail: events[index]?.[1] }] });
    });
  });

  it("runs doctor normally for the Lambda console's test event, noting the fields it ignored", async () => {
    const report = await handler({ key1: 'value1', key2: 'value2', key3: 'value3' } as WifCheckEvent);
    expect(report).toMatchObject({ ok: true, exitCode: 0, user: 'LAMBDA_LOADER' });
    expect(report.warnings).toContain('ignored event fields that are not wif-check settings: key1, key2, key3');
  });

  it('allowInsecureHttp comes from the function\'s environment, never the event (issue 17, item 7)', async () => {
    const target = { protocol: 'http', host: '0.0.0.0', port: await closedPort(), timeout: 3 };
    const [refused, fromEvent] = await Promise.all([handler(target), handler({ ...target, allowInsecureHttp: true } as unknown as WifCheckEvent)]);
    expect(refused).toMatchObject({ ok: false, exitCode: 2, checks: [{ id: 'settings', status: 'fail', code: 'INSECURE_PROTOCOL' }] });
    expect(refused.checks[0]?.detail).toMatch(/^protocol http \(event\.protocol\) would send the login to 0\.0\.0\.0 unencrypted/);
    // Before the fix the event's flag took the login past this point, attestation and all, in cleartext.
    expect(fromEvent).toMatchObject({ ok: false, exitCode: 2, checks: [{ id: 'settings', status: 'fail', code: 'BAD_EVENT' }] });
    expect(fromEvent.checks[0]?.fix).toContain('WIF_CHECK_ALLOW_INSECURE_HTTP=true');
    process.env.WIF_CHECK_ALLOW_INSECURE_HTTP = 'true';
    try {
      const allowed = await handler(target);
      // Past the settings, to the login (which the driver's host allow-list refuses: nothing is sent).
      expect(allowed.checks.map((check) => check.id)).not.toContain('settings');
      expect(allowed.checks.find((check) => check.id === 'login')?.status).toBe('fail');
      expect(JSON.stringify(allowed)).not.toMatch(/unencrypted|INSECURE_PROTOCOL/);
    } finally {
      delete process.env.WIF_CHECK_ALLOW_INSECURE_HTTP;
    }
  });

  it("refuses the event's host unless it is a bare host name, before any AWS call (issue 9, defect 1)", async () => {
    const stsRequests = bed.sts.requests.length;
    for (const host of ['evil.example/.snowflakecomputing.com', 'evil.example\\.snowflakecomputing.com', 'evil.example?.snowflakecomputing.com', 'evil.example#.snowflakecomputing.com']) {
      const report = await handler({ host });
      expect(report.exitCode, host).toBe(2);
      expect(report.checks[0]?.detail, host).toMatch(/^host '.*' \(event\.host\) contains '.'/);
    }
    expect(bed.sts.requests.length).toBe(stsRequests);
  });

  it('adminConnection adds the Snowflake-side view to a failed login, and the PAT is never in the report (issue 11)', async () => {
    const pat = 'pat_EXAMPLEbGFtYmRhLWFkbWluLXRva2VuLW5ldmVyLXNob3du';
    const seed = seededAuditAccount({ pats: [pat] });
    const admin = await startTestBed({ users: seed.users, admin: seed.admin });
    const snowflakeHome = tempDir('wif-check-lambda-snowflake-home-');
    writeFileSync(join(snowflakeHome, 'pat.token'), `${pat}\n`, { mode: 0o600 });
    writeFileSync(
      join(snowflakeHome, 'connections.toml'),
      `[admin]\naccount = "${admin.env.SNOWFLAKE_ACCOUNT}"\nhost = "${admin.snowflake.host}"\nport = ${admin.snowflake.port}\nprotocol = "http"\n` +
        `user = "AUDITOR"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${join(snowflakeHome, 'pat.token')}"\n`,
      { mode: 0o640 },
    );
    // The function's environment points at the seeded account (the admin connection reads it too).
    const names = ['SNOWFLAKE_HOME', 'SNOWFLAKE_HOST', 'SNOWFLAKE_PORT'] as const;
    const before = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    Object.assign(process.env, { SNOWFLAKE_HOME: snowflakeHome, SNOWFLAKE_HOST: admin.snowflake.host, SNOWFLAKE_PORT: String(admin.snowflake.port) });
    try {
      const report = await handler({ expectUser: 'LAMBDA_LOADER', adminConnection: 'admin' });
      expect(report.exitCode, JSON.stringify(report.checks)).toBe(1);
      expect(report.checks.find((check) => check.id === 'snowflake-registration')?.fix).toBe(
        "ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');",
      );
      expect(JSON.stringify(report)).not.toContain(pat.slice(4, 24));
      // The admin side's warnings are the report's too (issue 17, item 2: they were dropped).
      expect(report.warnings).toContainEqual(expect.stringMatching(/connections\.toml is readable by other users/));
    } finally {
      for (const name of names) {
        if (before[name] === undefined) delete process.env[name];
        else process.env[name] = before[name];
      }
      await admin.close();
    }
  });

  it('uses WIF_CHECK_EXPECT_USER when the event has no expectUser', async () => {
    process.env.WIF_CHECK_EXPECT_USER = 'SOMEONE_ELSE';
    try {
      const report = await handler(undefined);
      expect(report.exitCode).toBe(1);
      expect(report.checks.find((check) => check.id === 'user')?.detail).toContain('not the expected user SOMEONE_ELSE');
    } finally {
      delete process.env.WIF_CHECK_EXPECT_USER;
    }
  });

  it("event.provider oidc: the token from the function's SNOWFLAKE_TOKEN_FILE_PATH (never from the event)", async () => {
    const oidc = bed.oidc;
    if (!oidc) throw new Error('the test bed has no OIDC side');
    const projected = await oidc.kubernetesToken();
    process.env.SNOWFLAKE_TOKEN_FILE_PATH = projected.path;
    try {
      const report = await handler({ provider: 'oidc', expectUser: 'K8S_LOADER' });
      expect(report, JSON.stringify(report.checks)).toMatchObject({ ok: true, exitCode: 0, provider: 'oidc', user: 'K8S_LOADER', subject: 'system:serviceaccount:etl:loader' });
      expect(JSON.stringify(report)).not.toContain(projected.token);
      const refused = await handler({ provider: 'oidc', tokenFile: '/etc/passwd' } as unknown as WifCheckEvent);
      expect(refused.warnings.join(' ')).toMatch(/ignored event fields.*tokenFile/);
    } finally {
      delete process.env.SNOWFLAKE_TOKEN_FILE_PATH;
    }
  });

  it('an odd remaining time or timeout runs the check (it crashed with exit 70: issue 17, item 1)', async () => {
    const [fromContext, fromEvent] = await Promise.all([handler({}, { getRemainingTimeInMillis: () => 15_001 }), handler({ timeout: 13.965 })]);
    for (const report of [fromContext, fromEvent]) {
      expect(report, JSON.stringify(report.checks)).toMatchObject({ ok: true, exitCode: 0, user: 'LAMBDA_LOADER' });
    }
    // The library too: doctor() never throws for a check, and 13965 ms is a valid budget.
    const { doctor } = await import('../src/index.js');
    await expect(doctor({ timeoutMs: 13_965 })).resolves.toMatchObject({ ok: true, exitCode: 0 });
    await expect(doctor({ timeoutMs: 13_965.5 })).resolves.toMatchObject({ ok: true, exitCode: 0 });
  });

  it("returns a report before Lambda's deadline when Snowflake hangs (context.getRemainingTimeInMillis)", async () => {
    bed.snowflake.setMode('hang');
    const started = performance.now();
    try {
      const report = await handler({}, { getRemainingTimeInMillis: () => 3_000 });
      expect(report).toMatchObject({ ok: false, exitCode: 4 });
      expect(report.checks.find((check) => check.id === 'login')?.status).toBe('fail');
    } finally {
      bed.snowflake.setMode('normal');
    }
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('wrote nothing in the task root or HOME (only /tmp is writable in Lambda)', () => {
    expect(readdirSync(taskRoot)).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
  });
});

describe('npm run bundle', () => {
  const run = promisify(execFile);
  // Private output directories: build/ holds the zip the developer built with `npm run bundle`.
  const defaultOut = tempDir('wif-check-bundle-');
  const fullOut = tempDir('wif-check-bundle-full-');
  let printed: { default: string; full: string };

  beforeAll(async () => {
    const [withRuntimeSdk, selfContained] = await Promise.all([
      run('node', ['scripts/bundle.mjs', '--out-dir', defaultOut], { cwd: REPO_ROOT }),
      run('node', ['scripts/bundle.mjs', '--out-dir', fullOut, '--include-aws-sdk'], { cwd: REPO_ROOT }),
    ]);
    printed = { default: withRuntimeSdk.stdout, full: selfContained.stdout };
  });

  /** The unpacked zip in a directory of its own, outside the repository, like /var/task. */
  function unpack(out: string): string {
    const task = tempDir('wif-check-lambda-task-');
    for (const file of ['index.js', 'wif-check.js', 'package.json']) copyFileSync(join(out, 'lambda', file), join(task, file));
    return task;
  }

  const invoke = `require('./index.js').handler({}).then((r) => console.log(JSON.stringify(r)))`;
  /** The handler's result: the last line (the handler's one-line summary comes first). */
  const result = (stdout: string) => {
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^wif-check: (ok|FAILED) exitCode=\d+ /);
    return JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
  };

  it('prints the zip and its size, and leaves build/ alone with --out-dir', () => {
    expect(printed.default).toMatch(/zip\s+\S*wif-check-lambda\.zip\s+\d+\.\d\d MB/);
    expect(printed.default).toContain('@aws-sdk/* left external');
    expect(readdirSync(defaultOut).sort()).toEqual(['lambda', 'wif-check-lambda.zip']);
  });

  it('runs the handler from the unpacked zip with @aws-sdk/* from the runtime (NODE_PATH, as Lambda provides it)', async () => {
    const { stdout } = await run('node', ['-e', invoke], {
      cwd: unpack(defaultOut),
      env: { PATH: process.env.PATH, ...lambdaEnv(), NODE_PATH: join(REPO_ROOT, 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(result(stdout)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
  });

  it('--include-aws-sdk builds a self-contained bundle that needs no node_modules at all', async () => {
    expect(printed.full).toContain('@aws-sdk/* included');
    const { stdout } = await run('node', ['-e', invoke], {
      cwd: unpack(fullOut),
      env: { PATH: process.env.PATH, ...lambdaEnv(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(result(stdout)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });
  });

  it("the documented layer layout: nodejs/node_modules/wif-check/ in the layer, and the function's own code calls require('wif-check/lambda') (issue 21, part 3)", async () => {
    // /opt as Lambda unpacks a layer, and a function's task root that has no node_modules of its own.
    const opt = tempDir('wif-check-layer-opt-');
    const packageDir = join(opt, 'nodejs', 'node_modules', 'wif-check');
    mkdirSync(packageDir, { recursive: true });
    for (const file of ['index.js', 'wif-check.js', 'package.json']) copyFileSync(join(defaultOut, 'lambda', file), join(packageDir, file));
    const task = tempDir('wif-check-layer-task-');
    writeFileSync(
      join(task, 'index.js'),
      [
        "const { handler } = require('wif-check/lambda');",
        "const same = require('wif-check').handler === handler;",
        'exports.handler = async (event, context) => ({ same, report: await handler(event, context) });',
        '',
      ].join('\n'),
    );
    const invokeOwn = `require('./index.js').handler({ expectUser: 'LAMBDA_LOADER' }).then((r) => console.log(JSON.stringify(r)))`;
    const { stdout } = await run('node', ['-e', invokeOwn], {
      cwd: task,
      // Lambda's NODE_PATH lists /opt/nodejs/node_modules (layers) and the runtime's own modules (@aws-sdk/*).
      env: { PATH: process.env.PATH, ...lambdaEnv(), NODE_PATH: [join(opt, 'nodejs', 'node_modules'), join(REPO_ROOT, 'node_modules')].join(':'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(result(stdout)).toMatchObject({ same: true, report: { ok: true, user: 'LAMBDA_LOADER' } });
  });

  it('runs from a read-only task root with a read-only HOME, as an unprivileged user (as in Lambda)', async () => {
    const task = unpack(defaultOut);
    const readOnlyHome = tempDir('wif-check-readonly-home-');
    chmodSync(task, 0o555);
    chmodSync(readOnlyHome, 0o555);
    // The tests' temporary root is private (0700); the unprivileged user must be able to enter it.
    chmodSync(dirname(task), 0o711);
    // Lambda's /tmp: the only writable place, where the handler must put the driver's OCSP cache.
    const lambdaTmp = tempDir('wif-check-lambda-tmp-');
    chmodSync(lambdaTmp, 0o777);
    try {
      // root may write anywhere: drop to nobody so that "read-only" means what it does in Lambda.
      const [command, args] = process.getuid?.() === 0 ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'node', '-e', invoke]] : ['node', ['-e', invoke]];
      const { SF_OCSP_RESPONSE_CACHE_DIR: _ownCacheDir, ...env } = lambdaEnv();
      const { stdout } = await run(command, args, {
        cwd: task,
        env: { PATH: process.env.PATH, ...env, HOME: readOnlyHome, TMPDIR: lambdaTmp, NODE_PATH: join(REPO_ROOT, 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      expect(result(stdout)).toMatchObject({ ok: true, exitCode: 0, user: 'LAMBDA_LOADER' });
      expect(readdirSync(task).sort()).toEqual(['index.js', 'package.json', 'wif-check.js']);
      expect(readdirSync(readOnlyHome)).toEqual([]);
      expect(readdirSync(lambdaTmp)).toContain('wif-check-snowflake-cache');
    } finally {
      chmodSync(task, 0o755);
      chmodSync(readOnlyHome, 0o755);
    }
  });
});
