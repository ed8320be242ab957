#!/usr/bin/env node
// `wif-check audit` at scale (issue 11): the BUILT CLI against the Snowflake simulator (started in
// this process, on 127.0.0.1) with 1,000 / 5,000 / 10,000 users, half of them with a workload
// identity (5,000 identities at 10,000). Measures the whole child process: wall time and peak RSS
// (the module probe, bench/preload/module-probe.cjs). Budget at 10,000 users: ≤ 30 s, ≤ 250 MB,
// and roughly linear. A benchmark, not a test: prints a table, exits 1 when a budget is missed.
//
//   node bench/audit-scale.mjs [--sizes 1000,5000,10000] [--policies] [--json]
//
// --policies (issue 20, part 4): the same account with the gates before the mapping — an account
// and a FOR ALL SERVICE USERS authentication policy, a user-level policy on one WIF user in ten
// (one in three of those refusing its identity), an account network policy and a user-level one on
// one WIF user in fifty — so audit also reads the policies (once per account) and every WIF user's
// NETWORK_POLICY parameter. Same budget at 10,000 users.
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

export async function auditScale(sizes = DEFAULT_SIZES, options = {}) {
  const scratch = mkdtempSync(join(os.tmpdir(), 'wif-check-audit-bench-'));
  const rows = [];
  try {
    writeFileSync(join(scratch, 'pat'), PAT, { mode: 0o600 });
    for (const size of sizes) rows.push(await measure(size, scratch, options.policies === true));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

/** The gates of the --policies scenario for `size` users (names as in measure). */
export function benchGates(size) {
  const users = { AUDITOR: { networkPolicy: 'ADMIN_LOOPBACK', authenticationPolicy: 'ADMINS' } };
  for (let i = 0; i < size; i += 2) {
    const name = `SVC_${String(i).padStart(6, '0')}`;
    if (i % 20 === 0) users[name] = { authenticationPolicy: ['MAIN_ACCOUNT', 'OIDC_ONLY', 'KEYPAIR_ONLY'][(i / 20) % 3] };
    if (i % 100 === 0) users[name] = { ...users[name], networkPolicy: 'LOOPBACK' };
  }
  return {
    authenticationPolicies: [
      { name: 'ADMINS', authenticationMethods: ['ALL'] },
      { name: 'ACCOUNT_DEFAULT', authenticationMethods: ['KEYPAIR', 'PASSWORD', 'PROGRAMMATIC_ACCESS_TOKEN'] },
      { name: 'SERVICES', authenticationMethods: ['WORKLOAD_IDENTITY', 'KEYPAIR'], workloadIdentityPolicy: { allowedProviders: ['AWS'], allowedAwsAccounts: ['123456789012'] } },
      { name: 'MAIN_ACCOUNT', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedAwsAccounts: ['123456789012'] } },
      { name: 'OIDC_ONLY', authenticationMethods: ['WORKLOAD_IDENTITY'], workloadIdentityPolicy: { allowedProviders: ['OIDC'] } },
      { name: 'KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR'] },
    ],
    networkPolicies: [
      { name: 'OFFICE', allowedIpList: ['10.0.0.0/8', '192.168.0.0/16'], blockedIpList: ['10.9.9.9'] },
      { name: 'LOOPBACK', allowedIpList: ['127.0.0.1'] },
      { name: 'ADMIN_LOOPBACK', allowedIpList: ['127.0.0.1'] },
    ],
    accountAuthenticationPolicy: 'ACCOUNT_DEFAULT',
    serviceUsersAuthenticationPolicy: 'SERVICES',
    accountNetworkPolicy: 'OFFICE',
    users,
  };
}

async function measure(size, scratch, policies = false) {
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
  const sim = await startSnowflakeSimulator({ accountName: 'simorg-wifcheck', admin: { admins: [{ name: 'AUDITOR', defaultRole: 'SECURITYADMIN', pats: [PAT] }], profiles }, ...(policies ? { gates: benchGates(size) } : {}) });
  const probeOut = join(scratch, `probe-${size}.json`);
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      SNOWFLAKE_ACCOUNT: 'simorg-wifcheck',
      SNOWFLAKE_HOST: sim.host,
      SNOWFLAKE_PORT: String(sim.port),
      SNOWFLAKE_PROTOCOL: 'http',
      // The administrator's credentials go only where an attestation may (issue 17, item 3).
      SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: sim.host,
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
    if (policies && !document.findings.some((finding) => finding.code === 'AUTHN_POLICY_PROVIDER_NOT_ALLOWED')) throw new Error(`audit at ${size} users with policies found no policy problem: the scenario does not measure what it says`);
    return { users: size, policies, identities: document.identitiesTotal, findings: document.findings.length, statements, seconds: Math.round(seconds * 100) / 100, rssBytes: probe.maxRssKb * 1024, rssMiB: Math.round(probe.maxRssKb / 1024), rssMB: Math.round((probe.maxRssKb * 1024) / 1e6) };
  } finally {
    await sim.close();
  }
}

/** Budget misses, as lines (empty: all met). */
export function auditBudgetMisses(rows) {
  const misses = [];
  for (const big of rows.filter((row) => row.users === BUDGET.users)) {
    const what = `audit of ${big.users} users${big.policies ? ' with policies' : ''}`;
    if (big.seconds > BUDGET.seconds) misses.push(`${what} took ${big.seconds} s (budget ${BUDGET.seconds} s)`);
    if (big.rssBytes > BUDGET.rssBytes) misses.push(`${what} peaked at ${big.rssMB} MB RSS (${big.rssMiB} MiB; budget ${BUDGET.rssBytes / 1e6} MB)`);
  }
  const small = rows[0];
  const last = rows.at(-1);
  // Roughly linear: the time per user at the largest size within 2× of the smallest's.
  if (small && last && last !== small && last.seconds / last.users > (2 * small.seconds) / small.users) misses.push('audit time grows faster than linearly');
  return misses;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseArgs({ options: { sizes: { type: 'string', default: DEFAULT_SIZES.join(',') }, policies: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  const rows = await auditScale(flags.sizes.split(',').map((size) => Number.parseInt(size, 10)).filter((size) => size > 0), { policies: flags.policies });
  if (flags.json) console.log(JSON.stringify(rows, null, 2));
  else printAuditScale(rows);
  const misses = auditBudgetMisses(rows);
  for (const miss of misses) console.error(`budget missed: ${miss}`);
  process.exitCode = misses.length ? 1 : 0;
}

export function printAuditScale(rows) {
  {
    console.log(`audit scale${rows.some((row) => row.policies) ? ' with policies (the gates: authentication and network policies, issue 20)' : ''} (PAT login, concurrency 8, SHOW USERS pages of 2,000):`);
    console.log('  users  identities  findings  statements  seconds  peak RSS');
    for (const row of rows) console.log(`  ${String(row.users).padStart(5)}  ${String(row.identities).padStart(10)}  ${String(row.findings).padStart(8)}  ${String(row.statements).padStart(10)}  ${row.seconds.toFixed(2).padStart(7)}  ${String(row.rssMB).padStart(5)} MB (${row.rssMiB} MiB)`);
  }
}
