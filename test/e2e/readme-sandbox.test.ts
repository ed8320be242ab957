/**
 * The README's sandbox stories, run as written (issue 21: "every README example runs against the
 * sandbox as written"): each row of the stories table starts the BUILT CLI's sandbox with the
 * identity the row names and runs every `wif-check …` command of the row with the exports alone.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, cleanEnv, describeRun, runCliWithoutSecrets, tempDir } from './run-cli.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('**The stories.**'), readme.indexOf('- The whole output is a shell script'));
const rows = section
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| story') && !line.startsWith('|---'))
  .map((line) => line.split('|').map((cell) => cell.trim()));

/** The commands of a cell: every `wif-check …` in backticks. */
const commandsIn = (cell: string) => [...cell.matchAll(/`(wif-check [^`]+)`/g)].map((match) => match[1] ?? '');

/** Commands the README says fail, and how: the trap's connect and doctor, and audit (ETL_LOADER is an error finding). */
const FAILS: Record<string, number> = {
  'wif-check connect --expect-user ETL_LOADER': 1,
  'wif-check doctor --expect-user ETL_LOADER --admin-connection sandbox-admin': 1,
  'wif-check audit -c sandbox-admin --me': 1,
  'wif-check audit -c sandbox-admin': 1,
};

const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

async function sandbox(args: string[]): Promise<{ env: Record<string, string>; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--json', ...args], { env: cleanEnv(), cwd: tempDir('readme-sandbox-') });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + 15_000;
  while (!stderr.includes('Serving until')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the sandbox did not start:\n${stdout}\n${stderr}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 25));
  }
  return { env: (JSON.parse(stdout) as { env: Record<string, string> }).env, child };
}

describe("the README's sandbox stories, as written", () => {
  it('the table has the stories the sandbox tells', () => {
    expect(rows.map((row) => row[1])).toEqual(['the login works', 'the JWT method', 'the `service-role/` trap, start to fix', 'role chaining', 'GovCloud, China', 'the administrator']);
  });

  it.each(rows.map((row) => [row[1] ?? '', row[2] ?? '', row[3] ?? ''] as const))('%s', async (_story, start, then) => {
    const [sandboxCommand] = commandsIn(start);
    const args = sandboxCommand ? sandboxCommand.split(/\s+/).slice(2) : [];
    const commands = commandsIn(then);
    expect(commands.length).toBeGreaterThan(0);
    const { env, child } = await sandbox(args);
    for (const command of commands) {
      const result = await runCliWithoutSecrets(command.split(/\s+/).slice(1), cleanEnv(env));
      expect(result.code, `${command}\n${describeRun(result)}`).toBe(FAILS[command] ?? 0);
    }
    child.kill('SIGTERM');
  });
});
