/**
 * `wif-check sandbox` end to end: the BUILT CLI serves the test bed in the foreground; its exports
 * (JSON, or the text output sourced by a real shell) point `wif-check connect` — the real
 * snowflake-sdk logging in with WORKLOAD_IDENTITY — at it; SIGTERM and SIGINT end it with exit 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_STORIES, parseIdentityName, shellQuote, type SandboxAdminInfo } from '../../src/commands/sandbox.js';
import { TEST_IDENTITIES } from '../../src/simulators/index.js';
import { BIN, allOutput, cleanEnv, describeRun, runCli, runCliWithoutSecrets, tempDir } from './run-cli.js';

interface SandboxJson {
  ok: true;
  identity: { name: string; arn: string };
  stsUrl: string;
  snowflakeUrl: string;
  account: string;
  users: Array<{ name: string; arn: string | null }>;
  env: Record<string, string>;
  unset: string[];
  commands: string[];
}

interface Served {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Served[] = [];
afterEach(() => {
  for (const served of running.splice(0)) served.child.kill('SIGKILL');
});

function serve(args: readonly string[]): Served {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { env: cleanEnv(), cwd: tempDir('sandbox-cwd-') });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) => child.on('close', (code, signal) => resolvePromise({ code, signal })));
  const served = { child, stdout: () => stdout, stderr: () => stderr, exited };
  running.push(served);
  return served;
}

/** Waits until the sandbox says it is serving (on stderr, after the result on stdout). */
async function ready(served: Served): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!served.stderr().includes('Serving until')) {
    if (Date.now() > deadline || served.child.exitCode !== null) throw new Error(`the sandbox did not start:\n${served.stdout()}\n${served.stderr()}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 25));
  }
}

async function stop(served: Served, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  served.child.kill(signal);
  return served.exited;
}

/** Runs `sh -c script` with a clean environment (the test's HOME), collecting the output. */
function shell(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('sh', ['-c', script], { env: cleanEnv({ AWS_PROFILE: 'from-the-shell', AWS_SESSION_TOKEN: 'left-over' }), cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('wif-check sandbox --json', () => {
  it('prints one JSON object whose env lets the real driver log in (wif-check connect), and exits 0 on SIGTERM', async () => {
    const served = serve(['--json']);
    await ready(served);
    const document = JSON.parse(served.stdout()) as SandboxJson;
    expect(document).toMatchObject({ ok: true, identity: { name: 'assumedRole', arn: TEST_IDENTITIES.assumedRole.arn } });
    expect(document.users[0]).toMatchObject({ name: 'LAMBDA_LOADER', arn: 'arn:aws:iam::123456789012:role/my-fn-role' });
    expect(document.stsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(document.snowflakeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(document.env).toMatchObject({
      AWS_ACCESS_KEY_ID: TEST_IDENTITIES.assumedRole.accessKeyId,
      AWS_ENDPOINT_URL_STS: document.stsUrl,
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      SNOWFLAKE_ACCOUNT: document.account,
      SNOWFLAKE_HOST: '127.0.0.1',
      SNOWFLAKE_PORT: new URL(document.snowflakeUrl).port,
      SNOWFLAKE_PROTOCOL: 'http',
      SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: '127.0.0.1',
    });

    const login = await runCli(['connect', '--expect-user', 'LAMBDA_LOADER', '--json'], { env: cleanEnv(document.env) });
    expect(login.code, describeRun(login)).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', role: 'LOADER' });

    expect(await stop(served, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('--identity picks the test identity (iamUser: no session token, and it unsets a left-over one)', async () => {
    const served = serve(['--json', '--identity', 'iam-user']);
    await ready(served);
    const document = JSON.parse(served.stdout()) as SandboxJson;
    expect(document.identity).toEqual({ name: 'iamUser', arn: TEST_IDENTITIES.iamUser.arn });
    expect(document.env.AWS_ACCESS_KEY_ID).toBe(TEST_IDENTITIES.iamUser.accessKeyId);
    expect(document.env).not.toHaveProperty('AWS_SESSION_TOKEN');
    expect(document.unset).toContain('AWS_SESSION_TOKEN');
    const whoami = await runCli(['whoami', '--json'], { env: cleanEnv(document.env) });
    expect(whoami.code, describeRun(whoami)).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ arn: TEST_IDENTITIES.iamUser.arn, principalType: 'iam-user' });
    expect(await stop(served, 'SIGINT')).toEqual({ code: 0, signal: null });
  });
});

describe('wif-check sandbox --provider oidc (issue 18)', () => {
  it("exports a GitHub job's token service and the provider: whoami, the working login, and the branch-vs-environment trap with its fix", async () => {
    const served = serve(['--json', '--provider', 'oidc']);
    await ready(served);
    const document = JSON.parse(served.stdout()) as SandboxJson & { provider: string; users: Array<{ name: string; oidc?: { subject: string } }> };
    expect(document.provider).toBe('oidc');
    expect(document.env).toMatchObject({ SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'oidc' });
    expect(document.env.ACTIONS_ID_TOKEN_REQUEST_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(document.users).toContainEqual(expect.objectContaining({ name: 'GHA_BRANCH', oidc: expect.objectContaining({ subject: 'repo:octo-org/app:ref:refs/heads/main' }) }));
    const env = cleanEnv(document.env);
    const whoami = await runCli(['whoami', '--json'], { env });
    expect(whoami.code, describeRun(whoami)).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ provider: 'oidc', subject: 'repo:octo-org/app:environment:prod' });
    const works = await runCli(['connect', '--expect-user', 'GHA_DEPLOY', '--json'], { env });
    expect(works.code, describeRun(works)).toBe(0);
    const trap = await runCli(['connect', '--expect-user', 'GHA_BRANCH', '--json'], { env });
    expect(trap.code, describeRun(trap)).toBe(1);
    expect(JSON.parse(trap.stdout)).toMatchObject({ ok: false, provider: 'oidc', error: { code: 'UNEXPECTED_USER' } });
    expect(JSON.parse(trap.stdout).hint).toContain("ALTER USER GHA_BRANCH SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:octo-org/app:environment:prod'");
    expect(await stop(served, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe('wif-check sandbox (text)', () => {
  it('prints a shell script: export lines, an unset line, everything else # comments; sourced by sh, it makes connect work', async () => {
    const served = serve([]);
    await ready(served);
    const text = served.stdout();
    const lines = text.trimEnd().split('\n');
    const exports = new Map<string, string>();
    for (const line of lines) {
      if (line.startsWith('#')) continue;
      const assignment = /^export ([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (assignment) {
        exports.set(assignment[1] ?? '', assignment[2] ?? '');
        continue;
      }
      expect(line, 'every line is a comment, an export or the unset').toMatch(/^unset( [A-Z][A-Z0-9_]*)+$/);
    }
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL_STS', 'AWS_EC2_METADATA_DISABLED',
      'SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_HOST', 'SNOWFLAKE_PORT', 'SNOWFLAKE_PROTOCOL', 'SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES', 'SNOWFLAKE_DISABLE_PLATFORM_DETECTION']) {
      expect(exports.has(name), `export ${name}`).toBe(true);
    }
    expect(text).toMatch(/^# {3}wif-check doctor --expect-user LAMBDA_LOADER$/m);

    // A real shell sources the whole output, then runs the commands it suggests.
    const dir = tempDir('sandbox-shell-');
    writeFileSync(join(dir, 'sandbox.sh'), text);
    const sourced = await shell(`. ./sandbox.sh && node -e 'process.stdout.write(JSON.stringify(process.env))' && ${shellQuote(process.execPath)} ${shellQuote(BIN)} connect --expect-user LAMBDA_LOADER --json`, dir);
    expect(sourced.code, `${sourced.stdout}\n${sourced.stderr}`).toBe(0);
    const envEnd = sourced.stdout.indexOf('}') + 1;
    const env = JSON.parse(sourced.stdout.slice(0, envEnd)) as Record<string, string>;
    for (const [name, word] of exports) expect(shellQuote(env[name] ?? '<unset>'), name).toBe(word);
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(JSON.parse(sourced.stdout.slice(envEnd))).toMatchObject({ ok: true, user: 'LAMBDA_LOADER' });

    expect(await stop(served, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('refuses an unknown identity: exit 2, one line naming the choices, nothing on stdout', async () => {
    const result = await runCli(['sandbox', '--identity', 'nobody'], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^✖ --identity 'nobody' is not a sandbox test identity\n {2}Use one of: assumedRole, iamUser, root, /);
  });
});

/** A printed command (`wif-check ARGS   # comment`) → its arguments. */
function argsOf(command: string): string[] {
  const [line = ''] = command.split('   #');
  const words = line.trim().split(/\s+/);
  expect(words[0]).toBe('wif-check');
  return words.slice(1);
}

describe('wif-check sandbox: every story of the README (issue 21, part 2)', () => {
  // Each identity's printed commands, run as printed with the exports only, and the exit each must give.
  it.each([
    ['assumedRole', { 'wif-check whoami': 0, 'wif-check gen-sql --user LAMBDA_LOADER': 0, 'wif-check doctor --expect-user LAMBDA_LOADER': 0, 'wif-check whoami --outbound-token': 0, 'wif-check doctor --outbound-token --expect-user LAMBDA_LOADER': 0, 'wif-check audit -c sandbox-admin': 1 }],
    ['serviceRole', { 'wif-check connect --expect-user ETL_LOADER': 1, 'wif-check doctor --expect-user ETL_LOADER --admin-connection sandbox-admin': 1, 'wif-check audit -c sandbox-admin --me': 1, 'wif-check gen-sql --alter --user ETL_LOADER': 0, 'wif-check audit -c sandbox-admin': 1 }],
    ['chainSource', { 'wif-check doctor --impersonation-path arn:aws:iam::123456789012:role/snowflake-loader --expect-user SNOWFLAKE_LOADER': 0, 'wif-check connect --outbound-token --impersonation-path arn:aws:iam::123456789012:role/snowflake-loader --expect-user SNOWFLAKE_LOADER': 0, 'wif-check audit -c sandbox-admin': 1 }],
    ['govCloud', { 'wif-check whoami': 0, 'wif-check doctor --expect-user GOV_LOADER': 0, 'wif-check audit -c sandbox-admin': 1 }],
    ['china', { 'wif-check whoami': 0, 'wif-check doctor --expect-user CN_LOADER': 0, 'wif-check audit -c sandbox-admin': 1 }],
    ['iamUser', { 'wif-check whoami': 0, 'wif-check doctor --expect-user ALICE_SVC': 0, 'wif-check audit -c sandbox-admin': 1 }],
    ['ssoRole', { 'wif-check whoami': 0, 'wif-check doctor --expect-user SSO_ADMIN': 0, 'wif-check audit -c sandbox-admin': 1 }],
  ] as const)('--identity %s: every command it prints runs with the exports alone, as it says', async (identity, expected) => {
    const served = serve(['--json', '--identity', identity]);
    await ready(served);
    const document = JSON.parse(served.stdout()) as SandboxJson & { admin: SandboxAdminInfo };
    expect(document.commands.map((command) => command.split('   #')[0]?.trim())).toEqual(Object.keys(expected));
    const env = cleanEnv(document.env);
    const results = await Promise.all(document.commands.map((command) => runCliWithoutSecrets(argsOf(command), env)));
    for (const [index, command] of document.commands.entries()) {
      const result = results[index];
      if (!result) throw new Error('no result');
      expect(result.code, `${command}\n${describeRun(result)}`).toBe(expected[command.split('   #')[0]?.trim() as keyof typeof expected]);
      expect(allOutput(result), command).not.toMatch(/pat_sandbox_/);
    }
    const byCommand = new Map(document.commands.map((command, index) => [command.split('   #')[0]?.trim(), results[index]]));
    if (identity === 'serviceRole') {
      // The trap: Snowflake stores role service-role; the fix names the real role.
      expect(byCommand.get('wif-check connect --expect-user ETL_LOADER')?.stderr).toContain("ALTER USER ETL_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/etl-fn-role');");
      const me = byCommand.get('wif-check audit -c sandbox-admin --me')?.stdout ?? '';
      expect(me).toMatch(/✖ ETL_LOADER +DEFAULT +AWS 123456789012 role service-role\n {4}role service-role is an IAM path segment/);
      // --me: the PATH_SEGMENT_ROLE fix names the caller's role, not <role name> (issue 21, part 3).
      expect(me).toContain("fix: ALTER USER ETL_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/etl-fn-role');");
      expect(me).not.toContain('<role name>');
      for (const line of me.split('\n').filter((text) => !text.startsWith('    fix: '))) expect([...line].length, line).toBeLessThanOrEqual(80);
    }
    if (identity === 'assumedRole') expect(byCommand.get('wif-check doctor --outbound-token --expect-user LAMBDA_LOADER')?.stdout).toContain('JWT method');
    if (identity === 'govCloud') expect(document.env).toMatchObject({ AWS_REGION: 'us-gov-west-1', AWS_DEFAULT_REGION: 'us-gov-west-1' });
    if (identity === 'china') expect(document.env).toMatchObject({ AWS_REGION: 'cn-north-1', AWS_DEFAULT_REGION: 'cn-north-1' });
    expect(await stop(served, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('the administrator: a PAT file (0600) in a private directory (0700), never printed, accepted as a password too, and removed on exit', async () => {
    const served = serve(['--json']);
    await ready(served);
    const document = JSON.parse(served.stdout()) as SandboxJson & { admin: SandboxAdminInfo; stories: typeof SANDBOX_STORIES };
    expect(document.stories.map((story) => story.name)).toEqual(['works', 'jwt', 'trap', 'chaining', 'partitions', 'admin']);
    const { admin } = document;
    expect(admin).toMatchObject({ user: 'AUDITOR', connection: 'sandbox-admin' });
    expect(document.env.SNOWFLAKE_HOME).toBe(admin.snowflakeHome);
    if (process.platform !== 'win32') {
      expect(statSync(admin.snowflakeHome).mode & 0o777).toBe(0o700);
      expect(statSync(admin.tokenFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(admin.snowflakeHome, 'connections.toml')).mode & 0o777).toBe(0o600);
    }
    const pat = readFileSync(admin.tokenFile, 'utf8').trim();
    expect(pat).toMatch(/^pat_sandbox_[A-Za-z0-9_-]{32}$/);
    expect(served.stdout() + served.stderr()).not.toContain(pat);
    // The real driver sends the PAT as a password (the default authenticator): Snowflake accepts it.
    const env = cleanEnv({ ...document.env, SNOWFLAKE_HOME: undefined, SNOWFLAKE_USER: 'AUDITOR', SNOWFLAKE_PASSWORD: pat });
    const asPassword = await runCliWithoutSecrets(['audit', '--json'], env, [pat]);
    expect(asPassword.code, describeRun(asPassword)).toBe(1); // ETL_LOADER's path registration is an error finding
    expect(JSON.parse(asPassword.stdout)).toMatchObject({ adminUser: 'AUDITOR', findings: expect.arrayContaining([expect.objectContaining({ code: 'PATH_SEGMENT_ROLE', user: 'ETL_LOADER' })]) });
    const wrong = await runCliWithoutSecrets(['audit', '--json'], { ...env, SNOWFLAKE_PASSWORD: `${pat}x` }, [pat]);
    expect(wrong.code, describeRun(wrong)).not.toBe(0);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false });
    expect(await stop(served, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(existsSync(admin.snowflakeHome)).toBe(false);
  });

  it('prints every story as a comment, with the identity to export for it', async () => {
    const served = serve([]);
    await ready(served);
    const text = served.stdout();
    for (const story of SANDBOX_STORIES) expect(text).toContain(story.says);
    expect(text).toMatch(/^# {3}trap {7}serviceRole {5}ETL_LOADER was registered/m);
    expect(text).toMatch(/^# Admin {6}AUDITOR: connection sandbox-admin in \$SNOWFLAKE_HOME=/m);
    expect(text).toMatch(/^#            user LAMBDA_LOADER ← arn:aws:iam::123456789012:role\/my-fn-role \+ ISSUER https:\/\/[0-9a-f-]+\.tokens\.sts\.global\.api\.aws$/m);
    expect(await stop(served, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe('wif-check sandbox --gate (issue 20, part 4)', () => {
  it.each([
    ['aws', 'network-policy', 'NETWORK_POLICY_BLOCKED', 'LAMBDA_LOADER', ['NETWORK_POLICY_IN_FORCE', null]],
    ['aws', 'authentication-policy', 'AUTHENTICATION_POLICY_REJECTED', 'LAMBDA_LOADER', ['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'LAMBDA_LOADER']],
    ['aws', 'user-disabled', 'USER_DISABLED', 'LAMBDA_LOADER', ['USER_DISABLED', 'LAMBDA_LOADER']],
    ['oidc', 'network-policy', 'NETWORK_POLICY_BLOCKED', 'GHA_DEPLOY', ['NETWORK_POLICY_IN_FORCE', null]],
    ['oidc', 'authentication-policy', 'AUTHENTICATION_POLICY_REJECTED', 'GHA_DEPLOY', ['AUTHN_POLICY_NO_WORKLOAD_IDENTITY', 'GHA_DEPLOY']],
    ['oidc', 'user-disabled', 'USER_DISABLED', 'GHA_DEPLOY', ['USER_DISABLED', 'GHA_DEPLOY']],
  ] as const)('--provider %s --gate %s: the connect it suggests is refused with %s, and the audit it suggests shows the gate', async (provider, gate, code, user, [finding, findingUser]) => {
    const served = serve(['--json', '--provider', provider, '--gate', gate]);
    await ready(served);
    const document = JSON.parse(served.stdout()) as SandboxJson & { gate: { name: string; expect: string; says: string } };
    expect(document.gate).toMatchObject({ name: gate, expect: code });
    expect(document.commands).toContain(`wif-check connect --expect-user ${user}   # refused at the gate: ${code}, with the fix`);
    const refused = await runCli(['connect', '--expect-user', user, '--json'], { env: cleanEnv(document.env) });
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code } });
    // The audit line, run as written (its token file is the sandbox's; the administrator's own policies let it in).
    const line = document.commands.find((command) => command.startsWith('wif-check audit '));
    const args = (line ?? '').replace(/ {3}#.*$/, '').split(' ').slice(1);
    expect(args.slice(0, 3)).toEqual(['audit', '--user', 'SANDBOX_ADMIN']);
    const audited = await runCli([...args, '--json'], { env: cleanEnv(document.env) });
    const findings = (JSON.parse(audited.stdout) as { findings: Array<{ code: string; user: string | null }> }).findings;
    expect(findings, describeRun(audited)).toContainEqual(expect.objectContaining({ code: finding, user: findingUser }));
    expect(await stop(served, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('says the gate in its text output, as a # comment', async () => {
    const served = serve(['--gate', 'network-policy']);
    await ready(served);
    expect(served.stdout()).toMatch(/^# gate {7}the account network policy SANDBOX_OFFICE_ONLY allows only 10\.0\.0\.0\/8/m);
    expect(await stop(served, 'SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('refuses an unknown gate: exit 2, naming the choices', async () => {
    const result = await runCli(['sandbox', '--gate', 'moat'], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("--gate 'moat' is not a gate the sandbox shows");
    expect(result.stderr).toContain('network-policy, authentication-policy, user-disabled');
  });
});

describe('sandbox helpers', () => {
  it.each([
    [undefined, 'assumedRole'],
    ['assumedRole', 'assumedRole'],
    ['assumed-role', 'assumedRole'],
    ['IAM_USER', 'iamUser'],
    ['root', 'root'],
  ])('parseIdentityName(%j) = %j', (name, identity) => expect(parseIdentityName(name)).toBe(identity));

  it('does not echo a hostile identity name', () => {
    expect(() => parseIdentityName('\u001b]0;x\u0007')).toThrow(/^--identity that name is not a sandbox test identity$/);
  });

  it.each([
    ['plain', 'plain'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['wifSimSecret/a/B+c=', 'wifSimSecret/a/B+c='],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf ~)', "'$(rm -rf ~)'"],
  ])('shellQuote(%j) = %s', (value, word) => expect(shellQuote(value)).toBe(word));
});
