/**
 * The GitHub Action, run as the runner runs it: from a copy of the repository's files (no
 * node_modules, no dist/, nothing `npm ci` would make), `node <copy>/<runs.main>` with the inputs
 * as INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, from a workspace directory
 * outside the repository, against the local simulators on 127.0.0.1.
 *
 * The copy: the working-tree versions of the files `git ls-files` lists, plus the Action's files
 * while they are not committed yet (UNTRACKED_ACTION_FILES). Not `git archive HEAD`: that would
 * test the last commit, not the tree under test. What is git-ignored (dist/, node_modules/) is
 * never copied, exactly as a checkout of the repository would not have it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_INPUTS } from '../../src/core/action-inputs.js';
import { DEFAULT_GITHUB_JOB, HOSTILE_LINK_TEXT, TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBedWithOidc, type TestIdentity } from '../../src/simulators/index.js';
import { seededAuditAccount } from '../../src/simulators/snowflake-admin.js';
import { renderAll, tableCells, visibleText } from '../helpers/gfm.js';
import { KNOWN_SECRETS, REPO_ROOT, cleanEnv, tempDir } from './run-cli.js';

const UNTRACKED_ACTION_FILES = ['action.yml', 'dist-action/index.cjs', 'dist-action/licenses.txt'];
const USER = 'LAMBDA_LOADER';
const GOOD_ARN = 'arn:aws:iam::123456789012:role/my-fn-role';
const PATH_ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let bed: TestBedWithOidc;
let checkout: string;
let actionYml: ActionYml;

beforeAll(async () => {
  bed = await startTestBed({ oidc: true });
  checkout = copyOfRepository();
  actionYml = parse(readFileSync(join(checkout, 'action.yml'), 'utf8'), { strict: true, uniqueKeys: true }) as ActionYml;
});
afterAll(async () => {
  await bed?.close();
});

function copyOfRepository(): string {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = new Set([...listed.stdout.split('\0').filter(Boolean), ...UNTRACKED_ACTION_FILES]);
  const copy = join(tempDir('action-checkout-'), 'wif-check');
  for (const file of files) {
    const source = join(REPO_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the working tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(source, join(copy, file));
  }
  return copy;
}

/** The runner's GITHUB_OUTPUT file format: `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line === '') continue;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const [, name = '', delimiter] = block;
      const end = lines.indexOf(delimiter ?? '', index + 1);
      expect(end, `no closing delimiter for output ${name}`).toBeGreaterThan(index);
      outputs[name] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const pair = /^([^=]+)=(.*)$/.exec(line);
    expect(pair, `not an output line: ${line}`).not.toBeNull();
    outputs[pair?.[1] ?? ''] = pair?.[2] ?? '';
  }
  return outputs;
}

/** Runs the Action with these inputs (the runner also sets each declared input's default). */
function runAction(inputs: Record<string, string>, options: { identity?: TestIdentity; env?: Record<string, string | undefined> } = {}): Promise<ActionRun> {
  const work = tempDir('action-run-');
  const workspace = join(work, 'workspace');
  mkdirSync(workspace);
  const outputFile = join(work, 'output');
  const summaryFile = join(work, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv: Record<string, string> = {};
  for (const [name, declared] of Object.entries(actionYml.inputs)) {
    const value = inputs[name] ?? declared.default;
    if (value !== undefined) inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const name of Object.keys(inputs)) expect(actionYml.inputs, `the test gives an input action.yml does not declare: ${name}`).toHaveProperty(name);
  const { SNOWFLAKE_ACCOUNT: _account, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: _p, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _w, ...bedEnv } = bed.env;
  const env = cleanEnv({
    ...bedEnv,
    ...credentialsEnv(options.identity ?? TEST_IDENTITIES.assumedRole),
    ...inputEnv,
    // What the runner sets for a JavaScript action's process.
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: work,
    // No module may come from anywhere but the bundle.
    NODE_PATH: '',
    ...options.env,
  });
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(checkout, actionYml.runs.main)], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') });
    });
  });
}

function describeAction(run: ActionRun): string {
  return `exit ${run.code}\n--- stdout ---\n${run.stdout}--- stderr ---\n${run.stderr}--- summary ---\n${run.summary}`;
}

function expectNoSecrets(run: ActionRun): void {
  const everything = run.stdout + run.stderr + run.summary + JSON.stringify(run.outputs);
  for (const secret of KNOWN_SECRETS) expect(everything.includes(secret), `a secret (${secret.slice(0, 6)}…) was printed`).toBe(false);
}

describe('action.yml', () => {
  it('is a node24 JavaScript action whose main is a file of the checkout', () => {
    expect(actionYml.runs.using).toBe('node24');
    expect(actionYml.runs.main).toBe('dist-action/index.cjs');
    expect(existsSync(join(checkout, actionYml.runs.main))).toBe(true);
  });

  it('declares the contract\'s inputs and outputs, each with a description', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...ACTION_INPUTS].sort());
    expect(Object.keys(actionYml.outputs).sort()).toEqual(['caller-arn', 'exit-code', 'ok', 'role', 'snowflake-arn', 'user']);
    for (const entry of [...Object.values(actionYml.inputs), ...Object.values(actionYml.outputs)]) expect(entry.description).toMatch(/\S/);
  });

  it('has a checkout without node_modules: nothing but the bundle can provide a package', () => {
    expect(() => createRequire(join(checkout, actionYml.runs.main)).resolve('snowflake-sdk')).toThrow(/Cannot find module/);
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
  });
});

describe('the Action against the simulators', () => {
  it('passes on a working setup: exit 0, the outputs, the summary table, the checklist in the log', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, 'expect-user': USER, 'expect-account': '123456789012' });
    expect(run.code, describeAction(run)).toBe(0);
    expect(run.outputs).toEqual({
      ok: 'true',
      'exit-code': '0',
      'caller-arn': TEST_IDENTITIES.assumedRole.arn,
      'snowflake-arn': GOOD_ARN,
      user: USER,
      role: 'LOADER',
    });
    expect(run.summary).toContain('### ✅ wif-check doctor');
    expect(run.summary).toContain('| ✅ | Snowflake login |');
    expect(run.summary).toContain(`| ✅ | Mapped user | LAMBDA\\_LOADER (role LOADER), as expected |`);
    expect(run.stdout).toContain('✔ WIF login works');
    expect(run.stdout).not.toContain('::error::');
    expect(run.stdout).not.toContain('::add-mask::');
    expectNoSecrets(run);
  });

  it('an odd timeout (15.001) runs the check: it crashed with exit 70 (issue 17, item 1)', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, 'expect-user': USER, timeout: '15.001' });
    expect(run.code, describeAction(run)).toBe(0);
    expect(run.outputs).toMatchObject({ ok: 'true', 'exit-code': '0', user: USER });
    expect(run.stdout).not.toMatch(/internal error|out of range/);
  });

  it("provider: oidc logs in with the job's own GitHub token; the summary shows the subject GitHub issued", async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, provider: 'oidc', 'expect-user': 'GHA_DEPLOY' }, { env: { ...bed.oidc.githubEnv(DEFAULT_GITHUB_JOB) } });
    expect(run.code, describeAction(run)).toBe(0);
    expect(run.outputs).toMatchObject({ ok: 'true', 'exit-code': '0', user: 'GHA_DEPLOY', role: 'DEPLOYER' });
    expect(run.summary).toContain('subject repo:octo-org/app:environment:prod');
    expect(run.stdout).toContain('✔ WIF login works');
    for (const token of bed.oidc.githubTokens.issuedTokens) expect(run.stdout + run.summary).not.toContain(token);
  });

  it('provider: oidc with a subject registered for nothing: exit 1, the summary names the subject GitHub issued and the fix registers it', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, provider: 'oidc', 'expect-user': 'GHA_DEPLOY' }, { env: { ...bed.oidc.githubEnv({ repository: 'octo-org/app', ref: 'refs/heads/main' }) } });
    expect(run.code, describeAction(run)).toBe(1);
    expect(run.outputs).toMatchObject({ ok: 'false', 'exit-code': '1' });
    expect(run.summary).toContain('repo:octo-org/app:ref:refs/heads/main');
    expect(run.summary).toContain("ALTER USER GHA_DEPLOY SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:octo-org/app:ref:refs/heads/main'");
  });

  it('provider: oidc without `permissions: id-token: write`: exit 3, and the error says what to add', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, provider: 'oidc' });
    expect(run.code, describeAction(run)).toBe(3);
    expect(run.stdout).toMatch(/::error::.*NO_OIDC_TOKEN|::error::.*No OIDC token/);
    expect(run.summary).toContain('id-token: write');
  });

  it('fails the step on a mapping failure: exit 1, an ::error:: line, ok=false, and the fix in the summary', async () => {
    bed.snowflake.setUserArn(USER, PATH_ARN);
    try {
      const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, 'expect-user': USER });
      expect(run.code, describeAction(run)).toBe(1);
      expect(run.outputs).toMatchObject({ ok: 'false', 'exit-code': '1', 'caller-arn': TEST_IDENTITIES.assumedRole.arn, 'snowflake-arn': GOOD_ARN, user: '', role: '' });
      expect(run.stdout).toMatch(/^::error::wif-check doctor: Snowflake login: .*no Snowflake user is mapped/m);
      expect(run.summary).toContain('### ❌ wif-check doctor');
      expect(run.summary).toContain('| ❌ | Snowflake login |');
      expect(run.summary).toContain('**Fix (Snowflake login):**');
      const fix = /\*\*Fix \(Snowflake login\):\*\*\n\n```text\n([\s\S]*?)\n```/.exec(run.summary)?.[1];
      expect(fix, run.summary).toContain(`ALTER USER ${USER} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${GOOD_ARN}');`);
      expectNoSecrets(run);
    } finally {
      bed.snowflake.setUserArn(USER, GOOD_ARN);
    }
  });

  it('without expect-user the fix names <your user>, shown as text (inside a code block, not HTML)', async () => {
    bed.snowflake.setUserArn(USER, PATH_ARN);
    try {
      const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT });
      expect(run.code, describeAction(run)).toBe(1);
      expect(run.summary).toMatch(/```text\n[^`]*ALTER USER <your user> SET WORKLOAD_IDENTITY[^`]*\n```/);
      // Outside code blocks no raw < or > is left for GitHub to take as a tag.
      const outsideCode = run.summary.replace(/```text\n[\s\S]*?\n```/g, '');
      expect(outsideCode).not.toMatch(/[<>]/);
    } finally {
      bed.snowflake.setUserArn(USER, GOOD_ARN);
    }
  });

  it('server text in the summary is shown, never linked: a login refused with a URL, a www. host and an e-mail address', async () => {
    bed.snowflake.setMode('link-message');
    try {
      const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT });
      expect(run.code, describeAction(run)).not.toBe(0);
      expect(run.summary).toContain('| ❌ | Snowflake login |');
      // As GitHub renders it: micromark's GFM, and GitHub's cmark-gfm where it is installed.
      for (const { renderer, html } of renderAll(run.summary)) {
        expect(html, renderer).not.toContain('<a');
        // The message is shown whole, as text, in the login row's detail cell.
        expect(tableCells(html).filter((cell) => visibleText(cell).includes(HOSTILE_LINK_TEXT)), `${renderer}\n${run.summary}`).toHaveLength(1);
      }
    } finally {
      bed.snowflake.setMode('normal');
    }
  });

  it('mask-aws-account-id: ::add-mask:: comes before any line that names the account, and the summary shows ***', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, 'expect-user': USER, 'mask-aws-account-id': 'true' });
    expect(run.code, describeAction(run)).toBe(0);
    const lines = run.stdout.split('\n');
    const mask = lines.indexOf('::add-mask::123456789012');
    expect(mask).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((line) => line.includes('123456789012'))).toBe(mask);
    expect(run.summary).not.toContain('123456789012');
    expect(run.summary).toContain('arn:aws:iam::\\*\\*\\*:role/my-fn-role');
    // Outputs carry the values (as configure-aws-credentials' do); the runner masks them in logs.
    expect(run.outputs['snowflake-arn']).toBe(GOOD_ARN);
  });

  it('prints the checklist with workflow commands stopped, so server text cannot issue any', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT });
    const stop = /^::stop-commands::([0-9a-f-]{36})$/m.exec(run.stdout);
    expect(stop, run.stdout).not.toBeNull();
    const token = stop?.[1] ?? '';
    const inside = run.stdout.slice(run.stdout.indexOf(stop?.[0] ?? ''), run.stdout.indexOf(`::${token}::`));
    expect(inside).toContain('✔ Snowflake login');
    expect(run.stdout).toContain(`\n::${token}::\n`);
  });

  it('outbound-token: true checks the JWT method (its fix carries ISSUER); false forces the classic one over the environment variable', async () => {
    const jwt = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, 'outbound-token': 'true' });
    // The test bed's user has no ISSUER, so the JWT login cannot map: the fix says what to register.
    expect(jwt.code, describeAction(jwt)).toBe(1);
    expect(jwt.summary).toMatch(/```text\n[^`]*ALTER USER <your user> SET WORKLOAD_IDENTITY = \(TYPE = AWS ARN = '[^']+' ISSUER = 'https:\/\/[^']+'\);/);
    const fromEnv = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT }, { env: { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' } });
    expect(fromEnv.code, describeAction(fromEnv)).toBe(1);
    const classic = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, 'outbound-token': 'false' }, { env: { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' } });
    expect(classic.code, describeAction(classic)).toBe(0);
    expect(jwt.stdout + classic.stdout).not.toContain('not supported');
  });

  it('admin-connection adds the Snowflake-side view: the fix names the real user, and the PAT is never printed', async () => {
    const pat = 'pat_EXAMPLEYWN0aW9uLXRlc3QtcGF0LW5ldmVyLXByaW50ZWQ';
    const seed = seededAuditAccount({ pats: [pat] });
    const admin = await startTestBed({ users: seed.users, admin: seed.admin });
    try {
      const home = tempDir('action-snowflake-home-');
      writeFileSync(join(home, 'pat.token'), `${pat}\n`, { mode: 0o600 });
      writeFileSync(
        join(home, 'connections.toml'),
        `[admin]\naccount = "${admin.env.SNOWFLAKE_ACCOUNT}"\nhost = "${admin.snowflake.host}"\nport = ${admin.snowflake.port}\nprotocol = "http"\nuser = "AUDITOR"\n` +
          `authenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken_file_path = "${join(home, 'pat.token')}"\n`,
        { mode: 0o600 },
      );
      const run = await runAction(
        { account: admin.env.SNOWFLAKE_ACCOUNT, 'expect-user': 'LAMBDA_LOADER', 'admin-connection': 'admin' },
        { env: { ...admin.env, SNOWFLAKE_ACCOUNT: undefined, SNOWFLAKE_HOME: home } },
      );
      expect(run.code, describeAction(run)).toBe(1);
      expect(run.summary).toContain("ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role');");
      expect(run.stdout).not.toContain('not supported');
      expect(`${run.stdout}${run.stderr}${run.summary}${JSON.stringify(run.outputs)}`).not.toContain(pat.slice(4, 24));
    } finally {
      await admin.close();
    }
  });

  it('fails the step with exit 3 and the reason when there are no AWS credentials', async () => {
    const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT }, { env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined } });
    expect(run.code, describeAction(run)).toBe(3);
    expect(run.outputs).toMatchObject({ ok: 'false', 'exit-code': '3', 'caller-arn': '' });
    expect(run.stdout).toMatch(/^::error::wif-check doctor: AWS credentials: /m);
    expect(run.summary).toContain('| ❌ | AWS credentials |');
  });
});

describe('untrusted inputs', () => {
  const cases: Array<{ title: string; inputs: Record<string, string>; error: RegExp; notShown?: string }> = [
    { title: 'a timeout that is not a number', inputs: { timeout: 'soon' }, error: /input timeout 'soon' must be a number of seconds/ },
    { title: 'a host that is a URL (the host rule of every command)', inputs: { host: 'https://evil.example/x' }, error: /\(input host\) is a URL: it must be a bare host name/ },
    { title: 'an account with a line break', inputs: { account: 'myorg-myacct\n::add-mask::x' }, error: /input account contains a control character or a line break/, notShown: '::add-mask::x' },
    { title: 'an escape sequence', inputs: { 'expect-user': 'U\u001b]0;pwned\u0007' }, error: /input expect-user contains a control character/, notShown: 'pwned' },
    { title: 'a boolean that is not one', inputs: { 'outbound-token': 'yes' }, error: /input outbound-token must be true or false/ },
    { title: 'an expect-account that is not 12 digits', inputs: { 'expect-account': '1234' }, error: /input expect-account '1234' is not a 12-digit AWS account id/ },
    { title: 'an impersonation path that is not a role ARN', inputs: { 'impersonation-path': 'arn:aws:iam::123456789012:user/bob' }, error: /is not an IAM role ARN/ },
  ];
  for (const testCase of cases) {
    it(`refuses ${testCase.title}: exit 2, one ::error:: line, exit-code output 2, no AWS call`, async () => {
      const before = bed.sts.requests.length;
      const run = await runAction({ account: bed.env.SNOWFLAKE_ACCOUNT, ...testCase.inputs });
      expect(run.code, describeAction(run)).toBe(2);
      const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error::'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(testCase.error);
      expect(run.outputs).toMatchObject({ ok: 'false', 'exit-code': '2' });
      expect(run.summary).toContain('| ❌ | Settings |');
      if (testCase.notShown) expect(run.stdout + run.summary).not.toContain(testCase.notShown);
      expect(bed.sts.requests.length).toBe(before);
    });
  }
});
