/**
 * A stdout that cannot be written (a full disk: /dev/full) is one line on stderr and exit 74
 * (EX_IOERR), never a stack trace or the bundle's minified source. The BUILT CLI, with stdout
 * (and in one case stderr) opened on /dev/full and handed to the child as a file descriptor.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, tempDir, useStsSimulator } from './run-cli.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/x';
const sim = useStsSimulator();

interface FullDiskRun {
  code: number | null;
  stderr: string;
}

/** Runs the CLI with stdout on /dev/full (and stderr too with `stderrFull`). */
function runToFullDisk(args: readonly string[], env: Record<string, string>, stderrFull = false): Promise<FullDiskRun> {
  const full = openSync('/dev/full', 'w');
  return new Promise<FullDiskRun>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: tempDir('wif-check-cwd-'), stdio: ['ignore', full, stderrFull ? full : 'pipe'] });
    closeSync(full);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

function expectOneLineAboutEnospc(result: FullDiskRun): void {
  const shown = `exit ${result.code}\n--- stderr ---\n${result.stderr.slice(0, 2000)}`;
  expect(result.stderr, shown).toBe('wif-check: cannot write the output: ENOSPC (no space left on device)\n');
  expect(result.stderr, shown).not.toMatch(/^\s+at /m);
  expect(result.code, shown).toBe(74);
}

describe('stdout on a full disk (/dev/full, Linux)', () => {
  it('gen-sql: one line on stderr naming ENOSPC, exit 74', async () => {
    expectOneLineAboutEnospc(await runToFullDisk(['gen-sql', '--arn', ROLE_ARN], cleanEnv()));
  });

  it('gen-sql --json: one line on stderr naming ENOSPC, exit 74', async () => {
    expectOneLineAboutEnospc(await runToFullDisk(['gen-sql', '--arn', ROLE_ARN, '--json'], cleanEnv()));
  });

  it('whoami against the STS simulator: one line on stderr naming ENOSPC, exit 74', async () => {
    expectOneLineAboutEnospc(await runToFullDisk(['whoami'], sim.as('assumedRole')));
  });

  it('whoami --json against the STS simulator: one line on stderr naming ENOSPC, exit 74', async () => {
    expectOneLineAboutEnospc(await runToFullDisk(['whoami', '--json'], sim.as('assumedRole')));
  });

  it('--version (answered by bin/wif-check.js itself): one line on stderr naming ENOSPC, exit 74', async () => {
    expectOneLineAboutEnospc(await runToFullDisk(['--version'], cleanEnv()));
  });

  it('--help: one line on stderr naming ENOSPC, exit 74', async () => {
    expectOneLineAboutEnospc(await runToFullDisk(['gen-sql', '--help'], cleanEnv()));
  });

  it('stderr on the full disk too: exit 74, silently', async () => {
    const result = await runToFullDisk(['gen-sql', '--arn', ROLE_ARN], cleanEnv(), true);
    expect(result.code).toBe(74);
  });
});
