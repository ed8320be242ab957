#!/usr/bin/env node
// `npm run bundle`: the Lambda handler (src/lambda.ts) as CommonJS, zipped for upload:
//   index.js      what Lambda imports at a cold start: a few lines, the handler itself
//   wif-check.js  src/lambda.ts and everything it runs (snowflake-sdk included), required by the
//                 first invocation: a cold import no longer parses ~3 MiB that the init phase does
//                 not run (docs/performance.md)
// @aws-sdk/* stays external: every Lambda Node.js runtime ships it, and CommonJS `require`
// finds it through the runtime's NODE_PATH (ES module imports would not).
// `npm run bundle -- --include-aws-sdk` bundles it too, for a runtime or layer without it.
// `--out-dir DIR` writes DIR/lambda/index.js and DIR/wif-check-lambda.zip instead of build/ (the
// tests and the benchmark use it, so they never replace the zip you built).
// `--zip-only` keeps only the zip: `npm run build` writes dist/lambda-bundle/wif-check-lambda.zip,
// which the package ships and doctor --in-lambda uploads (nothing for its user to build).
import { build } from 'esbuild';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { lazyPackagesPlugin } from './lazy-packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outDirArg = args.includes('--out-dir') ? args[args.indexOf('--out-dir') + 1] : undefined;
if (args.includes('--out-dir') && (!outDirArg || outDirArg.startsWith('--'))) {
  console.error('bundle: --out-dir needs a directory, e.g. --out-dir /tmp/wif-check-lambda');
  process.exit(2);
}
const outRoot = outDirArg ? resolve(outDirArg) : join(root, 'build');
const outDir = join(outRoot, 'lambda');
const outFile = join(outDir, 'wif-check.js');
const entryFile = join(outDir, 'index.js');
const zipFile = join(outRoot, 'wif-check-lambda.zip');
const includeAwsSdk = args.includes('--include-aws-sdk');
const zipOnly = args.includes('--zip-only');

await rm(outDir, { recursive: true, force: true });
await rm(zipFile, { force: true });
await mkdir(outDir, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'src', 'lambda.ts')],
  outfile: outFile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  external: includeAwsSdk ? [] : ['@aws-sdk/*'],
  // import() of the external SDK becomes require(): import() ignores NODE_PATH, which is how the
  // runtime's SDK is found.
  supported: { 'dynamic-import': false },
  // The driver's packages that no wif-check login uses load on first use (scripts/lazy-packages.mjs).
  plugins: [lazyPackagesPlugin],
  logLevel: 'warning',
  metafile: true,
});

// The repository is "type": "module"; the bundle is CommonJS wherever it is unpacked. Named and
// with exports, the same files are also a package: under nodejs/node_modules/wif-check/ in a layer,
// `require('wif-check/lambda')` (and `require('wif-check')`) finds the handler.
const packageJson = join(outDir, 'package.json');
const manifest = {
  name: 'wif-check',
  type: 'commonjs',
  main: './index.js',
  exports: { '.': './index.js', './lambda': './index.js', './package.json': './package.json' },
};
await writeFile(packageJson, `${JSON.stringify(manifest)}\n`);
await writeFile(
  entryFile,
  [
    '// wif-check Lambda handler (index.handler). The checks, and snowflake-sdk with them, are in',
    '// wif-check.js, which the first invocation loads: nothing of it is needed before.',
    "'use strict';",
    'let checks;',
    "exports.handler = (event, context) => (checks ??= require('./wif-check.js')).handler(event, context);",
    '',
  ].join('\n'),
);

await new Promise((resolvePromise, reject) => {
  const zip = new yazl.ZipFile();
  zip.addFile(entryFile, 'index.js');
  zip.addFile(outFile, 'wif-check.js');
  zip.addFile(packageJson, 'package.json');
  zip.outputStream.pipe(createWriteStream(zipFile)).on('close', resolvePromise).on('error', reject);
  zip.end();
});

if (zipOnly) {
  await rm(outDir, { recursive: true, force: true });
  console.error(`lambda zip  ${relative(root, zipFile)}  ${((await stat(zipFile)).size / 1024 / 1024).toFixed(2)} MB  (handler: index.handler)`);
  process.exit(0);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const modules = Object.keys(result.metafile.inputs).length;
console.log(`entry   ${relative(root, entryFile)}  ${(await stat(entryFile)).size} bytes  (loads ${relative(outDir, outFile)} on the first invocation)`);
console.log(`bundle  ${relative(root, outFile)}  ${mb((await stat(outFile)).size)}  (${modules} modules; ${includeAwsSdk ? '@aws-sdk/* included' : '@aws-sdk/* left external'})`);
console.log(`zip     ${relative(root, zipFile)}  ${mb((await stat(zipFile)).size)}  (handler: index.handler)`);
