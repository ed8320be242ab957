#!/usr/bin/env node
// CI smoke: install the packed CLI the way a user would (npm pack → npm install in a temp dir) and
// run it against the local simulators on Node 20 (this machine) and the Lambda runtimes' Node 22
// and 24 (npx -y node@N, served by the npm registry). Checks exit codes, not just "it ran".
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_IDENTITIES, credentialsEnv, startTestBed } from '../dist/simulators/index.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'wif-check-smoke-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

// The tarball as released (scripts/pack.mjs: no `prepare` in its manifest); npm ci has built dist/.
// Through the documented command (`npm run pack`), so its prepack guard is exercised too.
const tarball = npm(['run', 'pack', '--silent', '--', '--no-build', '--out-dir', work], root).trim().split('\n').at(-1);
const app = join(work, 'app');
execFileSync('mkdir', ['-p', app]);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke-app', private: true, type: 'module' }));
// Installing it must not make npm warn about install scripts (issue 12.4).
const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app, encoding: 'utf8' });
if (installed.status !== 0 || /install-scripts|prepare/i.test(installed.stderr)) {
  console.error(`smoke: installing the tarball failed or warned:\n${installed.stderr}`);
  process.exit(1);
}
const bin = join(app, 'node_modules', 'wif-check', 'bin', 'wif-check.js');
const version = JSON.parse(npm(['pkg', 'get', 'version'], root));

const bed = await startTestBed();
const { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: _p, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _w, ...bedEnv } = bed.env;
const env = { PATH: process.env.PATH, HOME: work, ...bedEnv, ...credentialsEnv(TEST_IDENTITIES.assumedRole) };

const run = (node, args) =>
  new Promise((resolvePromise) => {
    const child = spawn(node[0], [...node.slice(1), bin, ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => resolvePromise({ code, out }));
  });

const cases = [
  { args: ['--version'], code: 0, expect: version },
  { args: ['gen-sql', '--arn', 'arn:aws:iam::123456789012:role/service-role/my-fn-role', '--user', 'LOADER'], code: 0, expect: "ARN = 'arn:aws:iam::123456789012:role/my-fn-role'" },
  { args: ['gen-sql', '--arn', 'arn:aws:iam::123456789012:root'], code: 2, expect: 'root user' },
  { args: ['doctor', '--expect-user', 'LAMBDA_LOADER'], code: 0, expect: 'WIF login works' },
  { args: ['doctor', '--expect-user', 'SOMEONE_ELSE'], code: 1, expect: 'not the expected user SOMEONE_ELSE' },
];
const runtimes = [
  ['node 20 (this machine)', [process.execPath]],
  ['node 22', ['npx', '-y', 'node@22']],
  ['node 24', ['npx', '-y', 'node@24']],
];

let failed = 0;
try {
  for (const [label, node] of runtimes) {
    for (const test of cases) {
      const { code, out } = await run(node, test.args);
      const ok = code === test.code && out.includes(test.expect);
      if (!ok) failed++;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${label.padEnd(22)} wif-check ${test.args.join(' ')} → exit ${code}`);
      if (!ok) console.log(out.replace(/^/gm, '     | '));
    }
  }
} finally {
  await bed.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(failed === 0 ? 'smoke: packed CLI ok on Node 20, 22 and 24' : `smoke: ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
