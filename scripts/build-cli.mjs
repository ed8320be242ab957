#!/usr/bin/env node
// The second half of `npm run build` (after tsc): the CLI as a few CommonJS files, each with a V8
// code cache, which bin/wif-check.js loads through bin/code-cache.cjs (docs/performance.md).
//
//   dist/cli.bundle.cjs          the offline start-up path: src/cli.ts, src/commands/gen-sql.ts and
//                                what they import statically (commander, chalk, the output, the SQL)
//   dist/chunks/commands.cjs     the other modules of src/ that whoami and gen-sql (AWS) need, and
//                                any module that a chunk below shares with them
//   dist/chunks/whoami-oidc.cjs  OIDC's whoami (a token read and decoded: src/providers/oidc/
//                                whoami.ts, identity.ts, token.ts), and what connect shares with it
//   dist/chunks/connect.cjs      connect and doctor (the driver's side of src/)
//   dist/chunks/provider-oidc.cjs, provider-azure.cjs, provider-gcp.cjs   each provider's own
//                                modules (the registry's lazy loaders), audit.cjs (audit and the
//                                registration checks), in-lambda.cjs (doctor --in-lambda),
//                                sandbox.cjs (the sandbox and the simulators): every module of
//                                src/ is in exactly one file (buildAll, GROUPS)
//   dist/chunks/aws.cjs          @aws-sdk/client-sts, the credential provider chain, the shared
//                                config loader (whoami, gen-sql without --arn, connect, doctor, audit)
//   dist/chunks/jwt.cjs          jose's decoding functions only (the JWT method, the providers' tokens)
//   dist/chunks/jose.cjs         jose (the sandbox's simulators: signing, verifying)
//   dist/chunks/lambda.cjs       @aws-sdk/client-lambda (doctor --in-lambda only)
//   dist/chunks/gcp.cjs          google-auth-library (--provider gcp only)
//   dist/chunks/snowflake.cjs    snowflake-sdk (connect, doctor, audit)
//   dist/chunks/azure.cjs        @azure/identity (--provider azure only: the driver's own token library;
//                                the driver's copy inside snowflake.cjs stays the driver's)
//   FILE.v8cache                 the file's build id and the Node version (bin/code-cache.cjs
//                                cacheHeader) + V8's code cache for it, made by
//                                running the commands below in child processes against the local
//                                test bed (dist/simulators), then saving what V8 compiled.
//
// Every file is written as the CommonJS wrapper function (WRAPPER), loaded through the loader only.
// A chunk is loaded by the first import() of one of its packages or modules (the lazy imports in
// src/), never at start-up: gen-sql --arn, --help and --version read none of them, whoami never
// reads the snowflake chunk. Why chunks rather than one file: a code cache is read and deserialized whole, so
// gen-sql would pay for the SDKs' compiled code if it were in its cache.
// Why bundle the SDKs at all: resolving and evaluating hundreds of their files through the module
// loader and compiling them is most of whoami's and connect's time, not the network.
//
// bin/wif-check.js uses the bundle only when it is at least as new as dist/cli.js (a bare `tsc`
// falls back to dist/); bin/code-cache.cjs uses a cache only when its build id matches and V8
// accepts it, and otherwise makes one for the running Node version (see there).
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lazyPackagesPlugin, lazyProxy } from './lazy-packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundleFile = join(root, 'dist', 'cli.bundle.cjs');
const chunkDir = join(root, 'dist', 'chunks');
const loaderFile = join(root, 'bin', 'code-cache.cjs');
const ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';

/**
 * What each chunk holds: package → '*' (the whole ES module namespace), a list of names (only
 * those, so esbuild can leave out the rest), or 'commonjs' (the package's module.exports as is).
 * A name src/ imports from a listed package must be listed here: the warm-up runs and the e2e
 * tests (which run the bundle) fail otherwise.
 */
const CHUNKS = {
  aws: {
    '@aws-sdk/client-sts': ['STSClient', 'GetCallerIdentityCommand', 'GetWebIdentityTokenCommand'],
    '@aws-sdk/credential-providers': ['fromNodeProviderChain'],
    '@smithy/core/config': ['loadSharedConfigFiles'],
  },
  // jose's decoding only (a few KiB): the JWT method (src/aws/web-identity.ts) and the providers'
  // token decoding, so whoami --provider oidc reads neither the AWS chunk nor all of jose. The
  // jose chunk is the simulators' (signing, verifying).
  jwt: {
    'jose/jwt/decode': ['decodeJwt'],
    'jose/decode/protected_header': ['decodeProtectedHeader'],
  },
  // doctor --in-lambda only (src/commands/doctor-in-lambda.ts): no other command reads it.
  lambda: {
    '@aws-sdk/client-lambda': ['LambdaClient', 'CreateFunctionCommand', 'GetFunctionConfigurationCommand', 'InvokeCommand', 'DeleteFunctionCommand', 'waitUntilFunctionActive'],
  },
  jose: { jose: '*' },
  azure: { '@azure/identity': ['DefaultAzureCredential'] },
  // google-auth-library: the GCP provider's token (src/providers/gcp/token.ts), whoami/gen-sql/connect/doctor --provider gcp only.
  gcp: { 'google-auth-library': ['Compute', 'GoogleAuth', 'Impersonated'] },
  snowflake: {
    'snowflake-sdk': 'commonjs',
    // src/snowflake/http-guard.ts guards the driver's own axios instance: it must be the chunk's.
    'snowflake-sdk/dist/lib/http/axios_instance.js': 'commonjs',
  },
};

/**
 * The warm-up: each list runs in one child process; afterwards the caches of the files named in
 * `save` are written. A cache holds what V8 compiled for the runs, and is read whole, so each file's
 * comes from the commands that need that file: the CLI bundle's from the offline start-up path
 * only (gen-sql --arn, --help), the commands chunk's and the AWS chunk's from whoami and gen-sql,
 * the driver's from connect and doctor (which then compile their own part of the commands chunk).
 */
const WARM_RUNS = [
  { save: ['cli.bundle.cjs'], runs: [['gen-sql', '--arn', ARN], ['--help']] },
  { save: ['commands.cjs', 'aws.cjs', 'jwt.cjs'], runs: [['whoami'], ['whoami', '--outbound-token'], ['gen-sql']] },
  // OIDC's whoami offline: a token file (OIDC_TOKEN is replaced by its path), no network.
  { save: ['whoami-oidc.cjs'], runs: [['whoami', '--provider', 'oidc', '--token-file', 'OIDC_TOKEN']] },
  // OIDC's connect and doctor need a login: the provider's chunk is cached as loaded.
  { save: ['provider-oidc.cjs'], runs: [], load: ['provider-oidc.cjs'] },
  // The sandbox serves until a signal, so it cannot run here: its jose chunk is cached as loaded.
  { save: ['jose.cjs'], runs: [], load: ['jose.cjs'] },
  // whoami --provider azure needs a managed identity to answer: its chunk is cached as loaded.
  { save: ['azure.cjs', 'provider-azure.cjs'], runs: [], load: ['azure.cjs', 'provider-azure.cjs'] },
  // The chunks of audit, the sandbox and doctor --in-lambda (each needs more than the test bed
  // offers here, or serves until a signal): cached as loaded.
  { save: ['audit.cjs', 'sandbox.cjs', 'in-lambda.cjs'], runs: [], load: ['audit.cjs', 'sandbox.cjs', 'in-lambda.cjs'] },
  // doctor --in-lambda creates a Lambda function (against the Lambda simulator it also runs one):
  // too much for a warm-up, so its chunk is cached as loaded, as the jose chunk is.
  { save: ['lambda.cjs'], runs: [], load: ['lambda.cjs'] },
  { save: ['snowflake.cjs', 'connect.cjs'], runs: [['connect'], ['doctor', '--expect-user', 'LAMBDA_LOADER']] },
  // With the test bed's metadata server (GCE_METADATA_HOST).
  { save: ['gcp.cjs', 'provider-gcp.cjs'], runs: [['whoami', '--provider', 'gcp']], gcp: true },
];

/** The CommonJS wrapper (the one Node's Module.wrap uses), written around every generated file. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n})'];

const chunkOf = new Map(Object.entries(CHUNKS).flatMap(([chunk, packages]) => Object.keys(packages).map((name) => [name, chunk])));

/**
 * `import('pkg')` of a chunked package is the chunk's entry for it. `chunkPath`: the chunks
 * directory as seen from the file being built (dist/ for the CLI bundle, dist/chunks/ for the
 * commands chunk).
 */
function chunkPlugin(chunkPath) {
  return {
    name: 'wif-check-chunks',
    setup(b) {
      b.onResolve({ filter: /^(@aws-sdk|@smithy|@azure\/identity$|jose($|\/)|snowflake-sdk|google-auth-library)/ }, (args) => (chunkOf.has(args.path) ? { path: args.path, namespace: 'wif-check-chunk' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'wif-check-chunk' }, (args) => ({
        contents:
          `const { loadCached } = require(${JSON.stringify(loaderFile)});\n` +
          `const { join } = require('node:path');\n` +
          `module.exports = loadCached(join(__dirname, ${chunkPath.map((part) => JSON.stringify(part)).join(', ')}${chunkPath.length ? ', ' : ''}${JSON.stringify(`${chunkOf.get(args.path)}.cjs`)})).chunk[${JSON.stringify(args.path)}];\n`,
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/**
 * The CLI bundle holds only what the offline start-up path runs (START_ROOTS and their static
 * imports: commander, chalk, the output, gen-sql --arn); every other module that src/ imports
 * lazily (whoami, connect, doctor, audit, sandbox and all they use) is in one of the commands
 * chunks (GROUPS). gen-sql --arn and --help then read, deserialize and evaluate ~40% of the code
 * they did, and whoami for AWS reads no provider's, audit's or the sandbox's code.
 *
 * One instance of each module, whichever file holds it (instanceof WifError must hold across
 * them): a module is in exactly one file. A commands chunk reaches a module of the CLI bundle
 * through the bundle's registry (`wif-check:start-modules`, handed over by link() and passed on
 * from chunk to chunk), and a module of another commands chunk by loading that chunk (chunkModule),
 * never by bundling a copy of it; buildAll() checks that no two files share an input.
 */
const START_ROOTS = new Set(['src/cli.ts', 'src/commands/gen-sql.ts']);
const SKIP = Symbol('wif-check-split: resolving');

/** Resolves `args` as esbuild would without this plugin: the file's path relative to root, or undefined. */
async function resolvedPath(b, args) {
  const result = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: SKIP });
  if (result.errors.length > 0 || result.external || result.namespace !== 'file') return undefined;
  return relative(root, result.path).split(sep).join('/');
}

/**
 * The commands chunks: every module outside the start-up path belongs to exactly one of them.
 * A lazily imported module (a "target") names its group; a module reached statically from the
 * targets of several groups goes to the first of them in this order (so whoami for AWS loads only
 * `commands`, and a provider, audit or the sandbox loads `commands` only if it shares a module
 * with it). Each chunk is dist/chunks/<group>.cjs.
 */
const GROUPS = ['commands', 'whoami-oidc', 'connect', 'provider-oidc', 'provider-azure', 'provider-gcp', 'audit', 'in-lambda', 'sandbox'];
function groupOf(path) {
  // OIDC's whoami (src/providers/registry.ts WHOAMI_LOADERS): a token read and decoded, nothing of
  // connect's or doctor's (the provider's chunk loads it too, from here).
  if (/^src\/providers\/oidc\/(whoami|identity|token)\.ts$/.test(path)) return 'whoami-oidc';
  if (path === 'src/commands/doctor-in-lambda.ts') return 'in-lambda';
  if (path === 'src/commands/sandbox.ts' || path.startsWith('src/simulators/')) return 'sandbox';
  if (path === 'src/commands/audit.ts' || path.startsWith('src/snowflake/admin') || path.startsWith('src/snowflake/gates')) return 'audit';
  // connect and doctor (the driver's side): whoami for AWS reads none of it.
  if (/^src\/commands\/(connect|doctor|doctor-outbound)\.ts$/.test(path) || /^src\/snowflake\/(driver|http-guard)\.ts$/.test(path)) return 'connect';
  const provider = /^src\/providers\/(oidc|azure|gcp)\//.exec(path);
  if (provider) return `provider-${provider[1]}`;
  return 'commands';
}

/**
 * The CLI bundle's side. `owner`: module → the commands chunk that holds it (undefined: every
 * dynamic import of src/, for the first analysis build); `registry`: the modules the chunks take
 * from this bundle; `lazyTargets` collects what was left out.
 */
function startSplitPlugin({ owner, registry, lazyTargets }) {
  return {
    name: 'wif-check-split-start',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === SKIP) return undefined;
        const path = await resolvedPath(b, args);
        if (path === undefined || !path.startsWith('src/') || START_ROOTS.has(path)) return undefined;
        if (owner !== undefined && !owner.has(path)) return undefined;
        lazyTargets.add(path);
        return { path, namespace: 'wif-check-commands', pluginData: owner?.get(path) };
      });
      b.onLoad({ filter: /.*/, namespace: 'wif-check-commands' }, (args) => ({
        contents:
          `const { loadCached } = require(${JSON.stringify(loaderFile)});\n` +
          `const { join } = require('node:path');\n` +
          `const chunk = loadCached(join(__dirname, 'chunks', ${JSON.stringify(`${args.pluginData ?? 'commands'}.cjs`)}));\n` +
          `chunk.link(require('wif-check:start-modules'));\n` +
          `module.exports = chunk.modules[${JSON.stringify(args.path)}];\n`,
        loader: 'js',
        resolveDir: root,
      }));
      b.onResolve({ filter: /^wif-check:start-modules$/ }, () => ({ path: 'start-modules', namespace: 'wif-check-registry' }));
      b.onLoad({ filter: /.*/, namespace: 'wif-check-registry' }, () => ({
        contents: `module.exports = {\n${[...registry].sort().map((path) => `  get ${JSON.stringify(path)}() { return require(${JSON.stringify(join(root, path))}); },`).join('\n')}\n};\n`,
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/**
 * The analysis of one target: what it reaches statically outside the start-up path (`inputs`),
 * and the src/ modules it imports lazily (`lazy`). Nothing is written.
 */
async function closureOf(target, start) {
  const lazy = new Set();
  const result = await build({
    ...common,
    minifyWhitespace: false,
    minifySyntax: false,
    entryPoints: [join(root, target)],
    outfile: join(chunkDir, 'analysis.cjs'),
    external: ['@aws-sdk/*', '@smithy/*', 'snowflake-sdk'],
    define: { 'import.meta.url': '__filename' },
    plugins: [
      chunkPlugin([]),
      {
        name: 'wif-check-analysis',
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind === 'entry-point' || args.pluginData === SKIP) return undefined;
            const path = await resolvedPath(b, args);
            if (path === undefined) return undefined;
            if (start.has(path)) return { path, external: true };
            if (args.kind === 'dynamic-import' && path.startsWith('src/')) {
              lazy.add(path);
              return { path, external: true };
            }
            return undefined;
          });
        },
      },
      lazyBuiltinsPlugin,
      chalkDetectorPlugin,
    ],
  });
  return { inputs: inputsOf(result), lazy };
}

/**
 * A commands chunk's side: a module another file holds is taken from it, the CLI bundle's
 * (`start`) through the registry link() handed over, another chunk's by loading that chunk
 * (`owner`); `used` collects them by file.
 */
function commandsSplitPlugin({ group, start, owner, used }) {
  return {
    name: 'wif-check-split-commands',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === SKIP) return undefined;
        const path = await resolvedPath(b, args);
        if (path === undefined) return undefined;
        const file = start.has(path) ? 'start' : owner.get(path);
        if (file === undefined || file === group) return undefined;
        if (!used.has(file)) used.set(file, new Set());
        used.get(file).add(path);
        return { path, namespace: 'wif-check-start', pluginData: file };
      });
      b.onLoad({ filter: /.*/, namespace: 'wif-check-start' }, (args) => ({
        contents:
          args.pluginData === 'start'
            ? `module.exports = require('wif-check:link').startModule(${JSON.stringify(args.path)});\n`
            : `module.exports = require('wif-check:link').chunkModule(${JSON.stringify(args.pluginData)}, ${JSON.stringify(args.path)});\n`,
        loader: 'js',
        resolveDir: root,
      }));
      b.onResolve({ filter: /^wif-check:link$/ }, () => ({ path: 'link', namespace: 'wif-check-link' }));
      b.onLoad({ filter: /.*/, namespace: 'wif-check-link' }, () => ({
        contents:
          `const { join } = require('node:path');\n` +
          'let start;\n' +
          'exports.link = (modules) => { start ??= modules; };\n' +
          'exports.startModule = (path) => {\n' +
          `  if (start === undefined) throw new Error('wif-check: dist/chunks/${group}.cjs needs dist/cli.bundle.cjs, which loads it');\n` +
          '  return start[path];\n' +
          '};\n' +
          'exports.chunkModule = (chunk, path) => {\n' +
          `  if (start === undefined) throw new Error('wif-check: dist/chunks/${group}.cjs needs dist/cli.bundle.cjs, which loads it');\n` +
          // The loader is the CLI bundle's (a module of the start-up path): required only once linked.
          `  const { loadCached } = require(${JSON.stringify(loaderFile)});\n` +
          "  const other = loadCached(join(__dirname, chunk + '.cjs'));\n" +
          '  other.link(start);\n' +
          '  return other.modules[path];\n' +
          '};\n',
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/** The files of a build (relative to root), without this script's virtual modules. */
function inputsOf(result) {
  return new Set(Object.keys(result.metafile.inputs).filter((input) => !input.includes(':')));
}

/**
 * Node built-ins that the start-up path requires but no start-up command uses, loaded on first
 * use: commander requires child_process (~0.5 ms of compiling Node's own modules) for executable
 * subcommands, which wif-check has none of. Every property access goes to the real module. Only
 * for CommonJS requirers: esbuild copies an ES module import's properties at once (__toESM).
 */
const LAZY_BUILTINS = ['child_process'];
const lazyBuiltinsPlugin = {
  name: 'wif-check-lazy-builtins',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`) }, (args) =>
      args.namespace === 'wif-check-lazy' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'wif-check-lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'wif-check-lazy' }, (args) => ({ contents: lazyProxy(`node:${args.path}`), loader: 'js' }));
  },
};

/**
 * chalk's own colour detection (its vendored supports-color) loads node:tty, and with it node:net
 * and node:stream, when chalk is imported: ~1.5 ms of every start-up. wif-check never uses it: it
 * decides the level itself (src/output.ts colorLevel, NO_COLOR and --no-color included) and gives
 * it to every `new Chalk({ level })`. So in the CLI bundle chalk's detector says "no colour"; the
 * default `chalk` instance, which would use it, is not used anywhere.
 */
const chalkDetectorPlugin = {
  name: 'wif-check-chalk-detector',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) => (/[\\/]chalk[\\/]/.test(args.importer) ? { path: 'supports-color', namespace: 'wif-check-chalk' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'wif-check-chalk' }, () => ({ contents: 'export default { stdout: false, stderr: false };\n', loader: 'js' }));
  },
};

const common = {
  absWorkingDir: root,
  write: false,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Less to parse, yet stack traces (--debug) keep their function names.
  minifyWhitespace: true,
  minifySyntax: true,
  // import() becomes a lazy require(): the ES-module loader (lexing CommonJS for named exports)
  // costs ~25 ms more per command, and vm.Script (the code cache) runs scripts, not modules.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  metafile: true,
};

async function buildAll() {
  const started = performance.now();
  const cliOptions = (split) => ({
    ...common,
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile: bundleFile,
    plugins: [chunkPlugin(['chunks']), startSplitPlugin(split), lazyBuiltinsPlugin, chalkDetectorPlugin],
    // Packages not in a chunk (the simulators' @smithy/signature-v4) load from node_modules.
    external: ['@aws-sdk/*', '@smithy/*', 'snowflake-sdk'],
    // cli.ts finds ../package.json and ../README.md from import.meta.url, which it also takes as a
    // path; dist/cli.bundle.cjs sits at the same depth as dist/cli.js.
    define: { 'import.meta.url': '__filename' },
  });
  // 1. What the start-up path holds, and what src/ imports lazily from it.
  const lazyTargets = new Set();
  const start = inputsOf(await build(cliOptions({ owner: undefined, registry: new Set(), lazyTargets })));
  // 2. Every lazily imported module and what it reaches statically; each module's chunk.
  const closures = new Map();
  const pending = [...lazyTargets].filter((path) => !start.has(path));
  while (pending.length > 0) {
    const target = pending.pop();
    if (closures.has(target)) continue;
    const closure = await closureOf(target, start);
    closures.set(target, closure);
    for (const path of closure.lazy) if (!closures.has(path) && !start.has(path)) pending.push(path);
  }
  const owner = new Map();
  for (const [target, { inputs }] of closures) {
    const group = groupOf(target);
    for (const input of inputs) {
      const current = owner.get(input);
      if (current === undefined || GROUPS.indexOf(group) < GROUPS.indexOf(current)) owner.set(input, group);
    }
  }
  // A chunk's registry: its lazy targets, and its modules that a module of another chunk imports.
  const registries = new Map(GROUPS.map((group) => [group, new Set()]));
  for (const target of closures.keys()) registries.get(owner.get(target)).add(target);
  // 3. The commands chunks, each taking what it does not hold from the file that holds it; a
  // module found imported from another chunk but not in that chunk's registry is added and that
  // chunk built again.
  const chunkResults = new Map();
  const usedStart = new Set();
  for (let round = 0; ; round++) {
    if (round > 5) throw new Error('build-cli: the commands chunks do not settle');
    const wanted = new Map();
    for (const group of GROUPS) {
      if (registries.get(group).size === 0) continue;
      const used = new Map();
      const result = await build({
        ...common,
        stdin: {
          contents: `exports.link = require('wif-check:link').link;\nexports.modules = {\n${[...registries.get(group)].sort().map((path) => `  get ${JSON.stringify(path)}() { return require(${JSON.stringify(`./${path}`)}); },`).join('\n')}\n};\n`,
          resolveDir: root,
          sourcefile: `${group}-chunk.cjs`,
          loader: 'js',
        },
        outfile: join(chunkDir, `${group}.cjs`),
        plugins: [chunkPlugin([]), commandsSplitPlugin({ group, start, owner, used }), lazyBuiltinsPlugin, chalkDetectorPlugin],
        external: ['@aws-sdk/*', '@smithy/*', 'snowflake-sdk'],
        define: { 'import.meta.url': '__filename' },
      });
      chunkResults.set(group, result);
      for (const [file, paths] of used) {
        if (file === 'start') for (const path of paths) usedStart.add(path);
        else for (const path of paths) if (!registries.get(file).has(path)) wanted.set(path, file);
      }
    }
    if (wanted.size === 0) break;
    for (const [path, file] of wanted) registries.get(file).add(path);
  }
  // 4. The CLI bundle, with the registry of what the chunks take from it.
  const cli = await build(cliOptions({ owner: new Map([...closures.keys()].map((target) => [target, owner.get(target)])), registry: usedStart, lazyTargets: new Set() }));
  const files = [[bundleFile, cli], ...[...chunkResults].map(([group, result]) => [join(chunkDir, `${group}.cjs`), result])];
  for (const [index, [file, result]] of files.entries()) {
    for (const [other, otherResult] of files.slice(index + 1)) {
      const shared = [...inputsOf(result)].filter((input) => inputsOf(otherResult).has(input));
      if (shared.length > 0) throw new Error(`build-cli: in both ${relative(root, file)} and ${relative(root, other)} (two instances at run time): ${shared.join(', ')}`);
    }
  }
  const outputs = [...files];
  mkdirSync(chunkDir, { recursive: true });
  for (const [chunk, packages] of Object.entries(CHUNKS)) {
    const file = join(chunkDir, `${chunk}.cjs`);
    const result = await build({
      ...common,
      stdin: { contents: chunkEntry(packages), resolveDir: root, sourcefile: `${chunk}-chunk.mjs`, loader: 'js' },
      outfile: file,
      // The AWS SDK's ES-module builds (dist-es, made for Node too): esbuild drops what is not
      // imported. Elsewhere the default (main first): a "module" entry may be a browser build.
      ...(chunk === 'aws' || chunk === 'lambda' ? { mainFields: ['module', 'main'] } : {}),
      // The AWS SDK only: shorter names, a smaller source and cache (keepNames: the SDK reads
      // errors' and classes' .name). Not the driver: keepNames' extra work per closure showed in
      // audit's peak RSS at 10,000 users.
      ...(chunk === 'aws' || chunk === 'lambda' ? { minifyIdentifiers: true, keepNames: true } : {}),
      ...(chunk === 'snowflake' ? { plugins: [lazyPackagesPlugin] } : {}),
    });
    outputs.push([file, result]);
  }
  for (const [file, result] of outputs) {
    const code = `${WRAPPER[0]}${result.outputFiles[0].text}${WRAPPER[1]}\n`;
    // The id ties a code cache to this exact text: V8 checks only the source's length.
    const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
    // Written as the function Node would wrap it in (Module.wrap), so that bin/code-cache.cjs
    // compiles the file's text as it is: wrapping it at run time makes a second copy of the source,
    // 5 MiB for the driver's chunk, kept until the next full garbage collection.
    writeFileSync(file, `${code}//# wif-check-build=${buildId}\n`);
  }
  const kib = (file) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;
  // stderr: `npm pack --json` runs this (prepare) and its stdout must stay pure JSON.
  for (const [file, result] of outputs) console.error(`cli bundle  ${relative(root, file).padEnd(25)} ${kib(file).padStart(9)}  (${Object.keys(result.metafile.inputs).length} modules)`);

  const warmed = await Promise.all(WARM_RUNS.map((_, index) => runWarm(index)));
  for (const [index, run] of warmed.entries()) {
    if (run.code !== 0) {
      // Not fatal: without a cache the file is compiled at start-up, as any script is.
      console.warn(`code cache  not written for ${WARM_RUNS[index].save.join(', ')}: ${run.output.trim().split('\n').slice(-4).join(' / ')}`);
    }
  }
  for (const [file] of outputs) {
    const cache = `${file}.v8cache`;
    try {
      console.error(`code cache  ${relative(root, cache).padEnd(33)} ${kib(cache).padStart(9)}`);
    } catch {
      console.error(`code cache  ${relative(root, cache)} missing`);
    }
  }
  console.error(`cli build   ${((performance.now() - started) / 1000).toFixed(1)} s (Node ${process.version})`);
}

/** An ES module that exports `chunk`: package name → what import('package') should give. */
function chunkEntry(packages) {
  const lines = [];
  const entries = Object.entries(packages).map(([name, what], index) => {
    if (what === 'commonjs') return `${JSON.stringify(name)}: require(${JSON.stringify(name)})`;
    if (what === '*') {
      lines.push(`import * as p${index} from ${JSON.stringify(name)};`);
      return `${JSON.stringify(name)}: p${index}`;
    }
    lines.push(`import { ${what.map((n) => `${n} as p${index}_${n}`).join(', ')} } from ${JSON.stringify(name)};`);
    return `${JSON.stringify(name)}: { ${what.map((n) => `${n}: p${index}_${n}`).join(', ')} }`;
  });
  return `${lines.join('\n')}\nexport const chunk = {\n  ${entries.join(',\n  ')}\n};\n`;
}

/** An unsigned-looking OIDC token in a file (whoami --provider oidc decodes it, verifies nothing). */
function oidcToken(dir) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/app:environment:prod', aud: 'snowflakecomputing.com', iat: now, nbf: now, exp: now + 3600 };
  const file = join(dir, 'oidc-token');
  writeFileSync(file, `${part({ alg: 'RS256', typ: 'JWT', kid: 'warm' })}.${part(claims)}.${Buffer.alloc(256, 1).toString('base64url')}`, { mode: 0o600 });
  return file;
}

/** One warm-up child process: `node build-cli.mjs --warm INDEX`. */
function runWarm(index) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--warm', String(index)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, output });
    });
  });
}

/**
 * In a child process: start the test bed, load the bundle as bin/wif-check.js does (so that the
 * chunks load as they do for a user), run the commands, save the code caches of `save`.
 */
async function warm(index) {
  const { save, runs, load = [], gcp = false } = WARM_RUNS[index];
  const { startTestBed, credentialsEnv, TEST_IDENTITIES } = await import(pathToFileURL(join(root, 'dist', 'simulators', 'index.js')).href);
  const bed = await startTestBed(gcp ? { gcp: { publicIam: false } } : {});
  const scratch = mkdtempSync(join(os.tmpdir(), 'wif-check-warm-'));
  Object.assign(process.env, {
    HOME: scratch,
    AWS_CONFIG_FILE: join(scratch, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
    // No user cache: this process is the one that makes the shipped caches.
    WIF_CHECK_CACHE_DIR: 'off',
    ...bed.env,
    ...credentialsEnv(TEST_IDENTITIES.assumedRole),
  });
  const { loadCached, cacheHeader } = createRequire(import.meta.url)(loaderFile);
  const cli = loadCached(bundleFile);
  const write = process.stdout.write.bind(process.stdout);
  const quiet = () => true;
  const exit = process.exit;
  process.exit = () => undefined; // main() schedules an exit for after the command; not here.
  const failures = [];
  for (const args of runs) {
    process.stdout.write = process.stderr.write = quiet;
    process.exitCode = 0;
    await cli.main([process.execPath, 'wif-check', ...args.map((arg) => (arg === 'OIDC_TOKEN' ? oidcToken(scratch) : arg))]);
    if (process.exitCode !== 0) failures.push(`${args.join(' ')} exited ${process.exitCode}`);
  }
  process.stdout.write = write;
  process.stderr.write = write;
  await bed.close();
  rmSync(scratch, { recursive: true, force: true });
  if (failures.length) {
    console.error(`warm-up failed: ${failures.join('; ')}`);
    exit(1);
  }
  for (const name of load) loadCached(join(chunkDir, name));
  const loaded = globalThis[Symbol.for('wif-check.loaded-bundles')];
  for (const name of save) {
    const file = name === 'cli.bundle.cjs' ? bundleFile : join(chunkDir, name);
    const entry = loaded.get(file);
    if (!entry) {
      console.error(`warm-up: ${relative(root, file)} was never loaded`);
      exit(1);
    }
    writeFileSync(`${file}.v8cache`, Buffer.concat([cacheHeader(entry.buildId), entry.script.createCachedData()]));
  }
  exit(0);
}

if (process.argv[2] === '--warm') await warm(Number(process.argv[3]));
else await buildAll();
