/**
 * jose (the JWT method only) stays out of the start-up path of every command that does not use
 * the JWT method: the ES-module build (dist/cli.js) runs under fixtures/jose-probe.mjs, which
 * records every jose module the loader resolves. (In dist/cli.bundle.cjs jose's two decoding
 * functions ride in the AWS chunk behind the same lazy import of src/aws/web-identity.ts, so the
 * module graph checked here is the bundle's too; the full jose chunk is the sandbox's.)
 * Positive controls prove the probe sees jose when the JWT method is on.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed } from '../../src/simulators/index.js';
import { REPO_ROOT, cleanEnv, tempDir } from '../e2e/run-cli.js';

const PROBE = join(REPO_ROOT, 'test', 'perf', 'fixtures', 'jose-probe.mjs');
const MODULES = pathToFileURL(join(REPO_ROOT, 'dist', 'cli.js')).href;
const ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed?.close();
});

async function joseModulesLoadedBy(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; jose: string[]; stderr: string }> {
  const out = join(tempDir('wif-check-jose-probe-'), 'jose.txt');
  const env = cleanEnv({ ...bed.env, ...credentialsEnv(TEST_IDENTITIES.assumedRole), JOSE_PROBE_OUT: out, ...extraEnv });
  const script = `import(${JSON.stringify(MODULES)}).then((cli) => cli.main(['node', 'wif-check', ...${JSON.stringify(args)}]))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(PROBE).href, '-e', script], { env, cwd: tempDir('wif-check-jose-cwd-'), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, jose: existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [] }));
  });
}

describe('jose is loaded only by the JWT method', () => {
  it.each([[['whoami']], [['gen-sql']], [['gen-sql', '--arn', ARN]], [['--help']]])('wif-check %j does not load it', async (args) => {
    const result = await joseModulesLoadedBy(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.jose).toEqual([]);
  });

  it.each([[['whoami', '--outbound-token']], [['gen-sql', '--outbound-token']]])('wif-check %j does (the probe sees it)', async (args) => {
    const result = await joseModulesLoadedBy(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.jose.length).toBeGreaterThan(0);
  });

  it('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true loads it too (the probe sees it)', async () => {
    const result = await joseModulesLoadedBy(['whoami'], { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'true' });
    expect(result.jose.length).toBeGreaterThan(0);
  });
});
