#!/usr/bin/env node
// `npm run bench`: the performance budget (issue 13; docs/performance.md), measured in one run
// against the local test bed (STS + Snowflake simulators on 127.0.0.1, started in this process).
// Every figure is a median over whole child processes, compared with a baseline measured in the
// same run, interleaved with it (shuffled round by round) so that machine noise hits both sides
// alike. The rounds come in --repeat blocks; each block gives every ratio once, and the table shows
// their min / median / max. A target is met when the median of the blocks' ratios is within it.
//
//   node scripts/bench.mjs [--runs N] [--repeat N] [--warmup N] [--rss-runs N] [--no-lambda] [--no-audit] [--out FILE]
//
// Needs the build (dist/); `npm run bench` builds first. Nothing here talks to the internet: the
// children get a clean environment (temporary HOME, IMDS and platform detection off) pointed at
// the simulators. Results are printed as a table and written to bench/results.json (gitignored);
// the previous results.json, if any, is shown alongside. Exit code 1 when a target is missed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    'rss-runs': { type: 'string', default: '5' },
    'no-lambda': { type: 'boolean', default: false },
    'no-audit': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results.json') },
  },
});
const RUNS = positive(flags.runs, '--runs');
const REPEAT = positive(flags.repeat, '--repeat');
/**
 * whoami's peak RSS budget (issue 22): at most 1.05× the same STS call through the same bundled AWS
 * chunk (bench/baselines/sts-chunk.cjs), measured in the same run. The SDK alone sits above 50 MB,
 * so the absolute budget of issue 13 measured the SDK, not wif-check.
 */
const WHOAMI_RSS_VS_STS_CHUNK = 1.05;
const WARMUP = Math.max(0, Number.parseInt(flags.warmup, 10) || 0);
const RSS_RUNS = positive(flags['rss-runs'], '--rss-runs');
/** doctor --in-lambda: whole runs after one warm-up (each creates, invokes and deletes a function). */
const IN_LAMBDA_RUNS = 3;
const BIN = join(root, 'bin', 'wif-check.js');
const PROBE = join(root, 'bench', 'preload', 'module-probe.cjs');
const ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';
const benchStarted = performance.now();

for (const file of ['dist/cli.js', 'dist/simulators/index.js']) {
  if (!existsSync(join(root, file))) fail(`${file} is missing: build first (npm run build), or use npm run bench`);
}

// ---------------------------------------------------------------------------------------------
// Environment: the test bed, a temporary HOME, nothing from the developer's machine.
const { startTestBed, credentialsEnv, TEST_IDENTITIES, AZURE_LOADER_IDENTITY } = await import(pathToFileURL(join(root, 'dist', 'simulators', 'index.js')).href);
// With the Azure side (a VM's metadata service on loopback) for the --provider azure rows; the AWS rows are unchanged.
// And the GCP side (a metadata server, GCE_METADATA_HOST and GOOGLE_CLOUD_PROJECT in bed.env; no IAM proxy) for the --provider gcp rows.
const bed = await startTestBed({ azure: true, gcp: { publicIam: false } });
/** What a VM with a user-assigned identity has: the metadata service (the SDK's own override) and the identity's client ID. */
const AZURE_ENV = { ...bed.azure.imdsEnv(), AZURE_CLIENT_ID: AZURE_LOADER_IDENTITY.clientId };
const scratch = mkdtempSync(join(os.tmpdir(), 'wif-check-bench-'));
const home = join(scratch, 'home');
mkdirSync(join(home, '.aws'), { recursive: true });
const cwd = join(scratch, 'cwd');
mkdirSync(cwd);
const childEnv = {
  PATH: process.env.PATH ?? '',
  HOME: home,
  USERPROFILE: home,
  TMPDIR: scratch,
  AWS_CONFIG_FILE: join(home, '.aws', 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
  ...bed.env,
  ...credentialsEnv(TEST_IDENTITIES.assumedRole),
};

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.stack : String(error));
  exitCode = 2;
} finally {
  await bed.close();
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = exitCode;

async function main() {
  const machine = machineInfo();
  console.log(`wif-check bench: ${machine.cpuModel} x${machine.cpuCount}, Node ${machine.node}, ${machine.platform}; load ${machine.loadAvg1m}; ${REPEAT} × ${RUNS} runs after ${WARMUP} warm-up`);

  // Lambda bundle first: the cold-import case needs it.
  let lambda = null;
  if (!flags['no-lambda']) {
    const started = performance.now();
    // A private output directory: build/ holds the zip the user built with `npm run bundle`.
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--out-dir', scratch], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`scripts/bundle.mjs failed:\n${built.stdout}${built.stderr}`);
    lambda = {
      zipBytes: statSync(join(scratch, 'wif-check-lambda.zip')).size,
      entryBytes: statSync(join(scratch, 'lambda', 'index.js')).size,
      bundleBytes: statSync(join(scratch, 'lambda', 'wif-check.js')).size,
      buildMs: Math.round(performance.now() - started),
    };
  }
  const entryBefore = cliEntry();
  console.log(`wif-check entry: ${entryBefore}`);

  const aws = findAwsCli();
  const node = process.execPath;
  /** @type {Array<{id: string, label: string, cmd: string, args: string[], expect: RegExp, env?: Record<string,string>}>} */
  const cases = [
    { id: 'node-e-0', label: 'node -e 0', cmd: node, args: ['-e', '0'], expect: /^$/ },
    { id: 'version', label: 'wif-check --version', cmd: node, args: [BIN, '--version'], expect: /^\d+\.\d+\.\d+/ },
    { id: 'help', label: 'wif-check --help', cmd: node, args: [BIN, '--help'], expect: /Usage: wif-check/ },
    { id: 'gen-sql', label: 'wif-check gen-sql --arn …', cmd: node, args: [BIN, 'gen-sql', '--arn', ARN], expect: /CREATE USER/ },
    { id: 'gen-sql-terraform', label: 'wif-check gen-sql --arn … --format terraform', cmd: node, args: [BIN, 'gen-sql', '--arn', ARN, '--format', 'terraform'], expect: /snowflake_service_user/ },
    { id: 'gen-sql-oidc', label: 'wif-check gen-sql --provider oidc --issuer … --subject …', cmd: node, args: [BIN, 'gen-sql', '--provider', 'oidc', '--issuer', 'https://token.actions.githubusercontent.com', '--subject', 'repo:octo-org/app:environment:prod', '--user', 'GHA_DEPLOY'], expect: /TYPE = OIDC/ },
    { id: 'whoami', label: 'wif-check whoami', cmd: node, args: [BIN, 'whoami'], expect: /arn:aws:iam::123456789012:role\/my-fn-role/ },
    { id: 'gen-sql-azure', label: 'wif-check gen-sql --provider azure --issuer … --subject …', cmd: node, args: [BIN, 'gen-sql', '--provider', 'azure', '--issuer', 'https://login.microsoftonline.com/3f1e2d4c-5b6a-4789-9abc-def012345678/v2.0', '--subject', '2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a', '--user', 'AZ_LOADER'], expect: /TYPE = AZURE/ },
    { id: 'whoami-azure', label: 'wif-check whoami --provider azure', cmd: node, args: [BIN, 'whoami', '--provider', 'azure'], expect: /2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a/, env: AZURE_ENV },
    { id: 'azure-minimal', label: 'azure-minimal.mjs', cmd: node, args: [join(root, 'bench', 'baselines', 'azure-minimal.mjs')], expect: /2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a/, env: AZURE_ENV },
    { id: 'whoami-oidc', label: 'wif-check whoami --provider oidc --token-file F', cmd: node, args: [BIN, 'whoami', '--provider', 'oidc', '--token-file', oidcTokenFile()], expect: /repo:octo-org\/app:environment:prod/ },
    { id: 'whoami-gcp', label: 'wif-check whoami --provider gcp', cmd: node, args: [BIN, 'whoami', '--provider', 'gcp'], expect: /TYPE = GCP SUBJECT = '\d+'/ },
    { id: 'gcp-minimal', label: 'gcp-minimal.mjs', cmd: node, args: [join(root, 'bench', 'baselines', 'gcp-minimal.mjs')], expect: /^\d+/ },
    { id: 'gen-sql-gcp', label: 'wif-check gen-sql --provider gcp --subject …', cmd: node, args: [BIN, 'gen-sql', '--provider', 'gcp', '--subject', '117654321098765432109', '--user', 'GCP_LOADER'], expect: /TYPE = GCP SUBJECT/ },
    { id: 'whoami-jwt', label: 'wif-check whoami --outbound-token', cmd: node, args: [BIN, 'whoami', '--outbound-token'], expect: /arn:aws:iam::123456789012:role\/my-fn-role/ },
    { id: 'sts-minimal', label: 'sts-minimal.mjs', cmd: node, args: [join(root, 'bench', 'baselines', 'sts-minimal.mjs')], expect: /assumed-role\/my-fn-role/ },
    { id: 'sts-minimal-cjs', label: 'sts-minimal.cjs', cmd: node, args: [join(root, 'bench', 'baselines', 'sts-minimal.cjs')], expect: /assumed-role\/my-fn-role/ },
    { id: 'sts-chunk', label: 'sts-chunk.cjs', cmd: node, args: [join(root, 'bench', 'baselines', 'sts-chunk.cjs')], expect: /assumed-role\/my-fn-role/ },
    { id: 'connect', label: 'wif-check connect', cmd: node, args: [BIN, 'connect'], expect: /LAMBDA_LOADER/ },
    { id: 'doctor', label: 'wif-check doctor', cmd: node, args: [BIN, 'doctor', '--expect-user', 'LAMBDA_LOADER'], expect: /LAMBDA_LOADER/ },
    { id: 'snowflake-minimal', label: 'snowflake-minimal.mjs', cmd: node, args: [join(root, 'bench', 'baselines', 'snowflake-minimal.mjs')], expect: /LAMBDA_LOADER/ },
    { id: 'snowflake-minimal-cjs', label: 'snowflake-minimal.cjs', cmd: node, args: [join(root, 'bench', 'baselines', 'snowflake-minimal.cjs')], expect: /LAMBDA_LOADER/ },
  ];
  if (aws) {
    cases.push({
      id: 'aws-cli',
      label: 'aws sts get-caller-identity',
      cmd: aws.path,
      args: ['sts', 'get-caller-identity', '--endpoint-url', bed.sts.url, '--region', bed.env.AWS_REGION, '--output', 'json'],
      expect: /assumed-role\/my-fn-role/,
    });
  }
  if (lambda) {
    cases.push({
      id: 'lambda-import',
      label: 'require(lambda/index.js)',
      cmd: node,
      args: ['-e', `require(${JSON.stringify(join(scratch, 'lambda', 'index.js'))})`],
      env: { NODE_PATH: join(root, 'node_modules') },
      expect: /^$/,
    });
    cases.push({
      id: 'lambda-doctor',
      label: 'require(lambda/index.js) + handler() (a cold start)',
      cmd: node,
      args: ['-e', `require(${JSON.stringify(join(scratch, 'lambda', 'index.js'))}).handler({ expectUser: 'LAMBDA_LOADER' }).then((r) => { console.log(r.user); process.exitCode = r.exitCode; })`],
      env: { NODE_PATH: join(root, 'node_modules'), SF_OCSP_RESPONSE_CACHE_DIR: join(scratch, 'ocsp') },
      expect: /LAMBDA_LOADER/,
    });
  }

  // Warm-up (also checks that every case really works: a fast failure is not a fast command).
  const broken = new Map();
  for (const c of cases) {
    for (let i = 0; i < Math.max(1, WARMUP); i++) {
      const run = await runProcess(c);
      if (run.code !== 0 || !c.expect.test(run.stdout.trim())) {
        broken.set(c.id, `exit ${run.code}; stdout ${JSON.stringify(run.stdout.slice(0, 300))}; stderr ${JSON.stringify(run.stderr.slice(0, 600))}`);
        break;
      }
    }
  }
  for (const [id, why] of broken) console.error(`! ${id} does not work, not timed: ${why}`);
  const timed = cases.filter((c) => !broken.has(c.id));

  // Interleaved rounds, in REPEAT blocks.
  const samples = Object.fromEntries(timed.map((c) => [c.id, []]));
  const blocks = [];
  const random = seededRandom(6);
  for (let block = 0; block < REPEAT; block++) {
    const blockSamples = Object.fromEntries(timed.map((c) => [c.id, []]));
    for (let round = 0; round < RUNS; round++) {
      for (const c of shuffle([...timed], random)) {
        const run = await runProcess(c);
        if (run.code !== 0) throw new Error(`${c.id} failed in block ${block}, round ${round}: exit ${run.code}\n${run.stderr}`);
        samples[c.id].push(run.ms);
        blockSamples[c.id].push(run.ms);
      }
    }
    blocks.push(Object.fromEntries(Object.entries(blockSamples).map(([id, list]) => [id, median(list)])));
  }
  const timings = Object.fromEntries(Object.entries(samples).map(([id, list]) => [id, summarize(list)]));

  // Peak RSS (GNU time when present, else the probe's process.resourceUsage().maxRSS) and, always
  // through the probe, whether snowflake-sdk was loaded.
  const gnuTime = hasGnuTime();
  const memory = {};
  for (const id of ['version', 'gen-sql', 'whoami', 'whoami-jwt', 'connect', 'sts-minimal', 'sts-chunk']) {
    const c = cases.find((x) => x.id === id);
    const rss = [];
    let probe = null;
    for (let i = 0; i < RSS_RUNS; i++) {
      const report = join(scratch, `probe-${id}-${i}.json`);
      const probed = await runProcess({ ...c, args: ['--require', PROBE, ...c.args], env: { ...c.env, WIF_PROBE_OUT: report } });
      if (probed.code !== 0) throw new Error(`${id} failed under the probe: exit ${probed.code}\n${probed.stderr}`);
      probe = JSON.parse(readFileSync(report, 'utf8'));
      if (gnuTime) {
        const timeOut = join(scratch, `time-${id}-${i}.txt`);
        const timedRun = await runProcess({ ...c, cmd: '/usr/bin/time', args: ['-f', '%M', '-o', timeOut, c.cmd, ...c.args] });
        if (timedRun.code !== 0) throw new Error(`${id} failed under /usr/bin/time: exit ${timedRun.code}\n${timedRun.stderr}`);
        rss.push(Number.parseInt(readFileSync(timeOut, 'utf8').trim().split('\n').at(-1), 10));
      } else {
        rss.push(probe.maxRssKb);
      }
    }
    memory[id] = { peakRssKb: median(rss), maxRssKb: Math.max(...rss), samplesKb: rss, snowflakeSdkLoaded: probe.snowflakeSdk, firstSnowflakeModule: probe.firstSnowflakeModule, chunks: probe.chunks ?? [] };
  }
  const rssMethod = gnuTime ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS (bench/preload/module-probe.cjs)';

  // Verdicts.
  const checks = [];
  const ratio = (id, baseline, target, note) => {
    const a = timings[id];
    const b = timings[baseline];
    if (!a || !b) {
      checks.push({ id, baseline, target, medianMs: a?.median ?? null, baselineMs: b?.median ?? null, ratio: null, pass: a || broken.has(id) ? false : null, note: note ?? `${broken.has(id) ? id : baseline} not measured` });
      return;
    }
    // One ratio per block (medians of that block); the verdict is on their median.
    const ratios = blocks.map((blockMedians) => blockMedians[id] / blockMedians[baseline]).sort((x, y) => x - y);
    const value = median(ratios);
    checks.push({
      id,
      baseline,
      target,
      medianMs: a.median,
      baselineMs: b.median,
      ratio: round(value, 3),
      ratioMin: round(ratios[0], 3),
      ratioMax: round(ratios.at(-1), 3),
      ratios: ratios.map((r) => round(r, 3)),
      pass: target === null ? null : value <= target,
      note,
    });
  };
  ratio('version', 'node-e-0', 1.2);
  ratio('help', 'node-e-0', 1.35);
  ratio('gen-sql', 'node-e-0', 1.3);
  ratio('gen-sql-oidc', 'node-e-0', 1.3);
  ratio('gen-sql-azure', 'node-e-0', 1.3);
  ratio('whoami-azure', 'azure-minimal', 0.9);
  ratio('gen-sql-terraform', 'node-e-0', 1.3);
  ratio('whoami-oidc', 'node-e-0', 1.3);
  ratio('whoami-oidc', 'gen-sql-oidc', null, 'information: the same start-up path (the CLI bundle): what reading, decoding and checking the token add (docs/performance.md)');
  ratio('gen-sql-gcp', 'node-e-0', 1.3);
  ratio('whoami-gcp', 'gcp-minimal', 0.9);
  ratio('whoami', 'sts-minimal', 0.7);
  ratio('whoami-jwt', 'sts-minimal', 0.7);
  ratio('whoami', 'sts-minimal-cjs', null, 'information: the same baseline as CommonJS (no ES-module loader in front of the SDK)');
  ratio('whoami', 'aws-cli', 0.5, aws ? undefined : 'AWS CLI not installed');
  ratio('whoami', 'sts-chunk', null, 'information: the same call through the CLI\'s own AWS chunk, nothing else (the floor)');
  ratio('connect', 'snowflake-minimal', 1.05);
  ratio('doctor', 'snowflake-minimal', 1.05);
  ratio('connect', 'snowflake-minimal-cjs', null, 'information: the same baseline as CommonJS');
  if (lambda) ratio('lambda-import', 'node-e-0', 3);
  if (lambda) ratio('lambda-doctor', 'snowflake-minimal', null, 'information: a cold start, the import plus one doctor run, against the minimal login (itself a whole Node process)');
  // The JWT method's login (connect/doctor --outbound-token) needs a user mapped by ISSUER, which
  // the default test bed does not have: not in the table (see docs/performance.md).

  const memoryChecks = ['version', 'gen-sql', 'whoami'].map((id) => ({
    id,
    baseline: 'connect',
    peakRssKb: memory[id].peakRssKb,
    baselineKb: memory.connect.peakRssKb,
    ratio: round(memory[id].peakRssKb / memory.connect.peakRssKb, 3),
    snowflakeSdkLoaded: memory[id].snowflakeSdkLoaded,
    pass: !memory[id].snowflakeSdkLoaded && memory[id].peakRssKb < memory.connect.peakRssKb,
  }));
  // whoami's own budget (issue 22): its peak RSS against the floor, the same STS call through the
  // CLI's own AWS chunk and nothing else, measured in the same run (medians of --rss-runs samples).
  for (const id of ['whoami', 'whoami-jwt']) {
    memoryChecks.push({
      id,
      baseline: 'sts-chunk',
      peakRssKb: memory[id].peakRssKb,
      baselineKb: memory['sts-chunk'].peakRssKb,
      ratio: round(memory[id].peakRssKb / memory['sts-chunk'].peakRssKb, 3),
      target: WHOAMI_RSS_VS_STS_CHUNK,
      snowflakeSdkLoaded: memory[id].snowflakeSdkLoaded,
      pass: !memory[id].snowflakeSdkLoaded && memory[id].peakRssKb <= memory['sts-chunk'].peakRssKb * WHOAMI_RSS_VS_STS_CHUNK,
    });
  }
  // Information: the same measure against the minimal client-sts script (the whoami time baseline).
  for (const id of ['whoami', 'whoami-jwt']) {
    memoryChecks.push({
      id,
      baseline: 'sts-minimal',
      peakRssKb: memory[id].peakRssKb,
      baselineKb: memory['sts-minimal'].peakRssKb,
      ratio: round(memory[id].peakRssKb / memory['sts-minimal'].peakRssKb, 3),
      snowflakeSdkLoaded: memory[id].snowflakeSdkLoaded,
      pass: null,
      note: 'information: against sts-minimal (median)',
    });
  }
  // The probe's positive control: connect must load the driver, or the probe sees nothing.
  const probeWorks = memory.connect.snowflakeSdkLoaded;

  const entryAfter = cliEntry();
  if (entryAfter !== entryBefore) console.warn(`! dist/ changed during the run (entry was ${entryBefore}, is ${entryAfter}): figures may mix both`);
  const previous = readPrevious(flags.out);
  printTable(checks, timings, previous);
  printMemory(memoryChecks, memory, rssMethod, probeWorks, previous);
  if (lambda) {
    console.log(`\nLambda bundle  zip ${kb(lambda.zipBytes)}  (index.js ${lambda.entryBytes} bytes, wif-check.js ${kb(lambda.bundleBytes)})${previous?.lambda ? `   previous zip ${kb(previous.lambda.zipBytes)}` : ''}`);
  }
  for (const [id, why] of broken) console.log(`BROKEN ${id}: ${why}`);

  // doctor --in-lambda (issue 22: reported, no target), against the Lambda simulator: it creates a
  // function from dist/lambda-bundle, invokes it (a child process with the role's credentials) and
  // deletes it. Whole runs, not interleaved (each takes seconds, mostly the simulated Pending state).
  const inLambda = flags['no-lambda'] ? null : await doctorInLambda(timings.doctor?.median ?? null);
  if (inLambda) printInLambda(inLambda, previous?.inLambda);

  // wif-check audit at 1k/5k/10k users (bench/audit-scale.mjs, issue 11).
  const auditScript = join(root, 'bench', 'audit-scale.mjs');
  if (!flags['no-audit'] && !existsSync(auditScript)) console.log('\naudit (10k users / 5k identities, ≤ 30 s, ≤ 250 MB, linear)  not measured: audit scenario missing (bench/audit-scale.mjs)');
  const { auditScale, auditBudgetMisses, printAuditScale } = existsSync(auditScript) ? await import(pathToFileURL(auditScript).href) : {};
  const audit = flags['no-audit'] || !auditScale ? null : await auditScale();
  if (audit) printAuditScale(audit);
  // The same at 10,000 users with the gates' policies (issue 20, part 4): audit also reads the policies.
  const auditPolicies = flags['no-audit'] || !auditScale ? null : await auditScale([10_000], { policies: true });
  if (auditPolicies) printAuditScale(auditPolicies);
  const auditMisses = [...(audit ? auditBudgetMisses(audit) : []), ...(auditPolicies ? auditBudgetMisses(auditPolicies) : [])];
  for (const miss of auditMisses) console.log(`FAIL ${miss}`);
  const allPass = broken.size === 0 && probeWorks && auditMisses.length === 0 && [...checks, ...memoryChecks].every((c) => c.pass !== false);
  const results = {
    schema: 1,
    date: new Date().toISOString(),
    git: gitInfo(),
    machine,
    settings: { runs: RUNS, repeat: REPEAT, warmup: WARMUP, rssRuns: RSS_RUNS, rssMethod, awsCli: aws ? aws.version : null, cliEntry: entryBefore },
    timings,
    checks,
    memory,
    memoryChecks,
    probeWorks,
    lambda,
    inLambda,
    audit,
    auditPolicies,
    broken: Object.fromEntries(broken),
    allPass,
    benchSeconds: round((performance.now() - benchStarted) / 1000, 1),
  };
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${allPass ? 'All targets met.' : 'Some targets missed (see FAIL above).'}  ${results.benchSeconds} s; figures in ${flags.out}`);
  if (!allPass) exitCode = 1;
}

// ---------------------------------------------------------------------------------------------

/**
 * `doctor --in-lambda --like-function F` end to end against the Lambda simulator (from a laptop's
 * IAM user; the function runs as my-fn-role, mapped to LAMBDA_LOADER): whole runs after one
 * warm-up, with the phases the function reported. Information only: what it costs is the
 * simulated service's (create, Pending, invoke, delete), not a budget of wif-check's.
 */
async function doctorInLambda(doctorMedianMs) {
  // The simulator's functions run under Node 20 here: the SDK's notice about it is not a result.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startLambdaSimulator } = await import(pathToFileURL(join(root, 'dist', 'simulators', 'lambda.js')).href);
  const lambdaSim = await startLambdaSimulator({
    identities: bed.identities,
    stsUrl: bed.sts.url,
    functions: [{ name: 'my-node-fn', role: 'arn:aws:iam::123456789012:role/my-fn-role', runtime: 'nodejs22.x', timeoutSeconds: 60, memoryMb: 1024, architectures: ['x86_64'], subnetIds: [], securityGroupIds: [] }],
    functionEnv: { AWS_ENDPOINT_URL_STS: bed.sts.url, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const c = {
    id: 'doctor-in-lambda',
    cmd: process.execPath,
    args: [BIN, 'doctor', '--in-lambda', '--like-function', 'my-node-fn', '--account', bed.env.SNOWFLAKE_ACCOUNT, '--expect-user', 'LAMBDA_LOADER', '--json'],
    // A laptop's IAM user: its keys, and no session token (the bench's default identity has one).
    env: { ...credentialsEnv(TEST_IDENTITIES.iamUser), AWS_ENDPOINT_URL_LAMBDA: lambdaSim.url },
    unset: ['AWS_SESSION_TOKEN'],
  };
  const runs = [];
  try {
    for (let i = 0; i <= IN_LAMBDA_RUNS; i++) {
      const run = await runProcess(c);
      let report;
      try {
        report = JSON.parse(run.stdout);
      } catch {
        report = undefined;
      }
      if (run.code !== 0 || report?.ok !== true || report.lambda?.deleted !== true) {
        return { broken: `exit ${run.code}; stdout ${JSON.stringify(run.stdout.slice(0, 300))}; stderr ${JSON.stringify(run.stderr.slice(0, 600))}` };
      }
      if (i > 0) runs.push({ ms: run.ms, timings: report.timings ?? null, phases: report.lambda.phases });
    }
  } finally {
    await lambdaSim.close();
  }
  const ms = { ...summarize(runs.map((run) => run.ms)), max: round(Math.max(...runs.map((run) => run.ms)), 1) };
  return { runs: IN_LAMBDA_RUNS, ms, doctorMedianMs, vsDoctor: doctorMedianMs ? round(ms.median / doctorMedianMs, 2) : null, phases: runs.at(-1).phases, timings: runs.map((run) => run.timings) };
}

function printInLambda(result, previous) {
  if (result.broken) {
    console.log(`\ndoctor --in-lambda (Lambda simulator)  BROKEN: ${result.broken}`);
    return;
  }
  const { min, median: med, max } = result.ms;
  console.log(
    `\ndoctor --in-lambda --like-function (Lambda simulator, ${result.runs} runs)  ${ms(min)} / ${ms(med)} / ${ms(max)} ms min/median/max` +
      `${result.vsDoctor ? `   ${result.vsDoctor}× doctor on the laptop` : ''}${previous?.ms ? `   previous median ${ms(previous.ms.median)} ms` : ''}   information (no target)`,
  );
  console.log(`  in the function: ${result.phases}`);
}

/** Runs one whole process; ms is spawn → exit, as a user waiting at a prompt sees it. */
function runProcess(c) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const env = { ...childEnv, ...c.env };
    for (const name of c.unset ?? []) delete env[name];
    const child = spawn(c.cmd, c.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ms = 0;
    let code = null;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (exit) => {
      ms = performance.now() - started;
      code = exit;
    });
    child.on('close', () => {
      clearTimeout(killer);
      resolvePromise({ ms, code, stdout, stderr });
    });
  });
}

/** Which build bin/wif-check.js runs (its own rule): the bundle (with its code cache?) or dist/cli.js. */
function cliEntry() {
  const bundle = join(root, 'dist', 'cli.bundle.cjs');
  const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : undefined);
  const built = mtime(bundle);
  const compiled = mtime(join(root, 'dist', 'cli.js'));
  if (built === undefined || (compiled !== undefined && built < compiled)) return 'dist/cli.js (no current bundle)';
  const id = /\/\/# wif-check-build=([0-9a-f]{16})\s*$/.exec(readFileSync(bundle, 'utf8').slice(-64))?.[1];
  const cache = existsSync(`${bundle}.v8cache`) ? readFileSync(`${bundle}.v8cache`).toString('latin1', 0, 16) : undefined;
  return `dist/cli.bundle.cjs (${id && cache === id ? 'with its V8 code cache' : 'no matching code cache'})`;
}

/** The AWS CLI, resolved past a pyenv shim (a bash script that would add its own startup). */
function findAwsCli() {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'aws')).find((file) => existsSync(file));
  if (!onPath) return null;
  let path = onPath;
  if (onPath.includes(`${join('.pyenv', 'shims')}`)) {
    try {
      path = execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || onPath;
    } catch {
      path = onPath;
    }
  }
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8', env: { ...process.env, HOME: home }, timeout: 30_000 });
  if (probe.status !== 0) return null;
  return { path, version: `${probe.stdout}${probe.stderr}`.trim().split(/\s+/)[0] };
}

function hasGnuTime() {
  if (!existsSync('/usr/bin/time')) return false;
  const check = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-e', '0'], { encoding: 'utf8' });
  return check.status === 0 && /^\d+$/m.test(check.stderr.trim());
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemMb: Math.round(os.totalmem() / 1024 / 1024),
    loadAvg1m: round(os.loadavg()[0], 2),
  };
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

function readPrevious(file) {
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8'));
    return previous.schema === 1 ? previous : null;
  } catch {
    return null;
  }
}

function printTable(checks, timings, previous) {
  const rows = [['command', 'median ms', 'baseline', 'base ms', 'ratio min / median / max', 'target', 'result', 'prev ratio']];
  for (const c of checks) {
    const prev = previous?.checks?.find((p) => p.id === c.id && p.baseline === c.baseline)?.ratio;
    rows.push([
      c.id,
      c.medianMs === null ? '—' : ms(c.medianMs),
      c.baseline,
      c.baselineMs === null ? '—' : ms(c.baselineMs),
      c.ratio === null ? '—' : `${c.ratioMin.toFixed(2)} / ${c.ratio.toFixed(2)} / ${c.ratioMax.toFixed(2)}×`,
      c.target === null ? 'info' : `≤ ${c.target}×`,
      c.pass === null ? (c.note && c.ratio === null ? 'skipped' : '—') : c.pass ? 'PASS' : 'FAIL',
      prev === undefined || prev === null ? '' : `${prev.toFixed(2)}×`,
    ]);
  }
  console.log('');
  printRows(rows);
  console.log('\nmedian ms (min … p90, MAD) per process:');
  for (const [id, t] of Object.entries(timings)) {
    const prev = previous?.timings?.[id]?.median;
    console.log(`  ${id.padEnd(22)} ${ms(t.median).padStart(7)}  (${ms(t.min)} … ${ms(t.p90)}, ±${ms(t.mad)})${prev ? `   previous ${ms(prev)}` : ''}`);
  }
  for (const c of checks) if (c.note && c.ratio === null) console.log(`  note: ${c.id} vs ${c.baseline}: ${c.note}`);
}

function printMemory(memoryChecks, memory, method, probeWorks, previous) {
  console.log(`\npeak RSS (${method}); snowflake-sdk loaded? (bench/preload/module-probe.cjs)`);
  const spread = (id) => `${mb(Math.min(...memory[id].samplesKb))} / ${mb(memory[id].peakRssKb)} / ${mb(memory[id].maxRssKb)}`;
  const rows = [['command', 'peak RSS min / median / max', 'vs', 'ratio', 'target', 'snowflake-sdk', 'result', 'prev RSS']];
  for (const c of memoryChecks) {
    const prev = previous?.memory?.[c.id]?.peakRssKb;
    rows.push([c.id, spread(c.id), `${c.baseline} (median)`, `${c.ratio.toFixed(2)}×`, c.target ? `≤ ${c.target}×` : c.pass === null ? 'info' : '< 1×', c.snowflakeSdkLoaded ? 'LOADED' : 'not loaded', c.pass === null ? 'info' : c.pass ? 'PASS' : 'FAIL', prev ? mb(prev) : '']);
  }
  for (const id of ['sts-minimal', 'sts-chunk']) {
    rows.push([id, spread(id), '', '1.00×', '', '', id === 'sts-chunk' ? '(floor)' : '(baseline)', previous?.memory?.[id] ? mb(previous.memory[id].peakRssKb) : '']);
  }
  const prevConnect = previous?.memory?.connect?.peakRssKb;
  rows.push(['connect', spread('connect'), '', '1.00×', '', memory.connect.snowflakeSdkLoaded ? 'loaded' : 'NOT LOADED', probeWorks ? '(probe ok)' : 'PROBE BROKEN', prevConnect ? mb(prevConnect) : '']);
  printRows(rows);
}

function printRows(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  rows.forEach((r, index) => {
    console.log(r.map((cell, i) => (i === 0 || i === 2 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ').trimEnd());
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

function summarize(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const med = median(sorted);
  return {
    median: round(med, 1),
    min: round(sorted[0], 1),
    p90: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))], 1),
    mad: round(median(sorted.map((x) => Math.abs(x - med))), 1),
    runs: sorted.length,
    samples: list.map((x) => round(x, 1)),
  };
}

/** A GitHub Actions-shaped token (never verified by whoami; the signature is not checked) in a private file. */
function oidcTokenFile() {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/app:environment:prod', aud: 'snowflakecomputing.com', iat: now, nbf: now, exp: now + 3600, repository: 'octo-org/app', environment: 'prod' };
  const file = join(scratch, 'oidc-token');
  writeFileSync(file, `${part({ alg: 'RS256', typ: 'JWT', kid: 'bench' })}.${part(claims)}.${Buffer.alloc(256, 1).toString('base64url')}`, { mode: 0o600 });
  return file;
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function shuffle(list, random) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

function positive(value, name) {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer`);
  return n;
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function ms(value) {
  return value.toFixed(0);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function mb(kbValue) {
  return `${(kbValue / 1024).toFixed(1)} MiB`;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}
