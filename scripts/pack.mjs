#!/usr/bin/env node
// `npm run pack [-- --out-dir DIR]`: the tarball users install, with only what an installed package
// needs. A plain `npm pack` would ship package.json's `prepare` script (which builds a checkout), and
// npm 11 then warns every installer that the package "has install scripts not yet covered by
// allowScripts". So: build here, copy the published files into a staging directory with a
// manifest without scripts and devDependencies, and pack that. Prints the tarball's path.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out-dir');
const outDir = resolve(outIndex === -1 ? root : (process.argv[outIndex + 1] ?? ''));
if (outIndex !== -1 && !process.argv[outIndex + 1]) {
  console.error('pack: --out-dir needs a directory');
  process.exit(2);
}

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { scripts: _scripts, devDependencies: _dev, overrides: _overrides, ...published } = manifest;
const staging = mkdtempSync(join(tmpdir(), 'wif-check-pack-'));
try {
  for (const entry of manifest.files) cpSync(join(root, entry), join(staging, entry), { recursive: true });
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], { cwd: staging, encoding: 'utf8' }));
  console.log(join(outDir, packed.filename));
} finally {
  rmSync(staging, { recursive: true, force: true });
}
