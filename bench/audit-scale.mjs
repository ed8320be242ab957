#!/usr/bin/env node
// `wif-check audit` at scale (issue 11): the BUILT CLI against the Snowflake simulator (started in
// this process, on 127.0.0.1) with 1,000 / 5,000 / 10,000 users, half of them with a workload
// identity (5,000 identities at 10,000). Measures the whole child process: wall time and peak RSS
// (the module probe, bench/preload/module-probe.cjs). Budget at 10,000 users: ≤ 30 s, ≤ 250 MB,
// and roughly linear. A benchmark, not a test: prints a table, exits 1 when a budget is missed.
//
//   node bench/audit-scale.mjs [--sizes 1000,5000,10000] [--json]
//
// Run by `npm run bench` (scripts/bench.mjs) and on its own after `npm run build`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SIZES = [1_000, 5_000, 10_000];
// 250 MB as whoami's 50 MB is read in scripts/bench.mjs: decimal megabytes (238.4 MiB).
const BUDGET = { users: 10_000, seconds: 30, rssBytes: 250_000_000 };
const PAT = 'pat_bench_0123456789abcdef0123456789';

const { startSnowflakeSimulator } = await import(pathToFileURL(join(root, 'dist', 'simulators', 'index.js')).href);

export async function auditScale(sizes = DEFAULT_SIZES) {
  const scratch = mkdtempSync(join(os.tmpdir(), 'wif-check-audit-bench-'));
  const rows = [];
  try {
    writeFileSync(join(scratch, 'pat'), PAT, { mode: 0o600 });
    for (const size of sizes) rows.push(await measure(size, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

async function measure(size, scratch) {
  // Users known only to the admin side (profiles): the WIF table's uniqueness check is O(n²).
  const profiles = {};
  for (let i = 0; i < size; i++) {
    const name = `SVC_${String(i).padStart(6, '0')}`;
    const withIdentity = i % 2 === 0;
    profiles[name] = {
      identities: withIdentity
        ? [{ name: 'DEFAULT', key: { partition: 'aws', account: '123456789012', type: 'IAM_ROLE', name: i % 20 === 0 ? 'service-role' : `role-${i}` }, lastUsed: i % 7 === 0 ? null : new Date(Date.now() - (i % 200) * 86_400_000).toISOString() }]
        : [],
    };
  }
  const sim = await startSnowflakeSimulator({ accountName: 'simorg-wifcheck', admin: { admins: [{ name: 'AUDITOR', defaultRole: 'SECURITYADMIN', pats: [PAT] }], profiles } });
  const probeOut = join(scratch, `probe-${size}.json`);
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      SNOWFLAKE_ACCOUNT: 'simorg-wifcheck',
      SNOWFLAKE_HOST: sim.host,
      SNOWFLAKE_PORT: String(sim.port),
      SNOWFLAKE_PROTOCOL: 'http',
      SNOWFLAKE_TOKEN_FILE_PATH: join(scratch, 'pat'),
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
      WIF_PROBE_OUT: probeOut,
    };
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', join(root, 'bench', 'preload', 'module-probe.cjs'), join(root, 'bin', 'wif-check.js'), 'audit', '--json', '--timeout', '300'], { env, cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((done) => child.on('close', done));
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0 && code !== 1) throw new Error(`audit at ${size} users exited ${code}: ${stderr.slice(0, 500)}`);
    const document = JSON.parse(stdout);
    const probe = JSON.parse(readFileSync(probeOut, 'utf8'));
    const statements = sim.admin.statements.length;
    return { users: size, identities: document.identitiesTotal, findings: document.findings.length, statements, seconds: Math.round(seconds * 100) / 100, rssBytes: probe.maxRssKb * 1024, rssMiB: Math.round(probe.maxRssKb / 1024), rssMB: Math.round((probe.maxRssKb * 1024) / 1e6) };
  } finally {
    await sim.close();
  }
}

/** Budget misses, as lines (empty: all met). */
export function auditBudgetMisses(rows) {
  const misses = [];
  const big = rows.find((row) => row.users === BUDGET.users);
  if (big && big.seconds > BUDGET.seconds) misses.push(`audit of ${big.users} users took ${big.seconds} s (budget ${BUDGET.seconds} s)`);
  if (big && big.rssBytes > BUDGET.rssBytes) misses.push(`audit of ${big.users} users peaked at ${big.rssMB} MB RSS (${big.rssMiB} MiB; budget ${BUDGET.rssBytes / 1e6} MB)`);
  const small = rows[0];
  const last = rows.at(-1);
  // Roughly linear: the time per user at the largest size within 2× of the smallest's.
  if (small && last && last !== small && last.seconds / last.users > (2 * small.seconds) / small.users) misses.push('audit time grows faster than linearly');
  return misses;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseArgs({ options: { sizes: { type: 'string', default: DEFAULT_SIZES.join(',') }, json: { type: 'boolean', default: false } } });
  const rows = await auditScale(flags.sizes.split(',').map((size) => Number.parseInt(size, 10)).filter((size) => size > 0));
  if (flags.json) console.log(JSON.stringify(rows, null, 2));
  else printAuditScale(rows);
  const misses = auditBudgetMisses(rows);
  for (const miss of misses) console.error(`budget missed: ${miss}`);
  process.exitCode = misses.length ? 1 : 0;
}

export function printAuditScale(rows) {
  {
    console.log('audit scale (PAT login, concurrency 8, SHOW USERS pages of 2,000):');
    console.log('  users  identities  statements  seconds  peak RSS');
    for (const row of rows) console.log(`  ${String(row.users).padStart(5)}  ${String(row.identities).padStart(10)}  ${String(row.statements).padStart(10)}  ${row.seconds.toFixed(2).padStart(7)}  ${String(row.rssMB).padStart(5)} MB (${row.rssMiB} MiB)`);
  }
}
