/**
 * `wif-check sandbox --provider gcp` end to end (issue 19): the BUILT CLI serves a GCE metadata
 * server, Google's issuer, the IAM API (behind the exported HTTPS_PROXY) and Snowflake with GCP
 * users; with its exports, the real google-auth-library and snowflake-sdk log in, and both traps it
 * offers fail with their cause and fix SQL. SIGTERM ends it with exit 0.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_GCP_ACCOUNTS, GCP_DELEGATE_SA, GCP_LOADER_SA, GCP_RUNTIME_SA } from '../../src/simulators/index.js';
import { BIN, cleanEnv, describeRun, runCli, tempDir } from './run-cli.js';

const idOf = (email: string) => DEFAULT_GCP_ACCOUNTS.find((account) => account.email === email)?.uniqueId ?? '';
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('wif-check sandbox --provider gcp', () => {
  it('exports the metadata server and the proxy: whoami, the working login, the e-mail and chain traps with their fixes', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--provider', 'gcp', '--json'], { env: cleanEnv(), cwd: tempDir('sandbox-cwd-') });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('Serving until')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the sandbox did not start:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const document = JSON.parse(stdout) as { provider: string; env: Record<string, string>; users: Array<{ name: string; gcp?: { subject: string } }>; commands: string[] };
    expect(document.provider).toBe('gcp');
    expect(document.env).toMatchObject({ SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'gcp', GCE_METADATA_HOST: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(document.users).toContainEqual({ name: 'GCP_DELEGATE', arn: null, gcp: { subject: GCP_DELEGATE_SA } });
    const env = cleanEnv(document.env);

    const whoami = await runCli(['whoami', '--json'], { env, timeoutMs: 60_000 });
    expect(whoami.code, describeRun(whoami)).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ provider: 'gcp', subject: idOf(GCP_RUNTIME_SA), email: GCP_RUNTIME_SA });

    const works = await runCli(['connect', '--expect-user', 'GCP_RUNTIME', '--json'], { env, timeoutMs: 60_000 });
    expect(works.code, describeRun(works)).toBe(0);

    const email = await runCli(['connect', '--impersonation-path', GCP_DELEGATE_SA, '--expect-user', 'GCP_DELEGATE', '--json'], { env, timeoutMs: 60_000 });
    expect(email.code, describeRun(email)).toBe(1);
    expect(JSON.parse(email.stdout).hint).toContain(`ALTER USER GCP_DELEGATE SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${idOf(GCP_DELEGATE_SA)}');`);

    const chain = await runCli(['connect', '--impersonation-path', `${GCP_DELEGATE_SA},${GCP_LOADER_SA}`, '--expect-user', 'GCP_LOADER', '--json'], { env, timeoutMs: 60_000 });
    expect(chain.code, describeRun(chain)).toBe(1);
    expect(JSON.parse(chain.stdout).hint).toContain(`the token is the chain's LAST account's (${GCP_LOADER_SA})`);
    expect(JSON.parse(chain.stdout).hint).toContain(`ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${idOf(GCP_LOADER_SA)}');`);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
