/**
 * The few pieces of the GitHub Actions runner protocol the Action needs, written as
 * @actions/core writes them (actions/toolkit packages/core: core.ts, command.ts, file-command.ts),
 * so that the bundle carries no extra dependency:
 * - inputs arrive as `INPUT_<NAME>` (spaces → `_`, upper-cased, hyphens kept), trimmed;
 * - outputs are appended to the file GITHUB_OUTPUT names, each as
 *   `name<<ghadelimiter_<uuid>` NEWLINE value NEWLINE `ghadelimiter_<uuid>`, which carries any
 *   value, newlines included (the delimiter is random, so a value cannot end the block early);
 * - workflow commands are stdout lines `::name::message`, with `%`, CR and LF percent-encoded so
 *   one command stays one line;
 * - `::stop-commands::TOKEN` … `::TOKEN::` makes the runner ignore commands in between: untrusted
 *   text (a server's message) printed there cannot issue `::add-mask::`, `::error::` and the rest.
 * Docs: docs.github.com/actions/reference/workflows-and-actions/workflow-commands.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

export type Env = Readonly<Record<string, string | undefined>>;

/** The input as @actions/core's getInput returns it: '' when unset, whitespace trimmed. */
export function getInput(name: string, env: Env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Percent-encodes what would end or split a command (actions/toolkit command.ts escapeData). */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** One workflow command line, e.g. `::error::message` or `::add-mask::value`. */
export function workflowCommand(name: 'error' | 'warning' | 'notice' | 'add-mask' | 'stop-commands', message: string): string {
  return `::${name}::${escapeCommandData(message)}${EOL}`;
}

/** The block for GITHUB_OUTPUT (actions/toolkit file-command.ts prepareKeyValueMessage). */
export function outputBlock(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`the output ${name} contains its own delimiter`);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** Appends outputs to GITHUB_OUTPUT. Returns false when the variable is not set (not on a runner). */
export function setOutputs(outputs: Readonly<Record<string, string>>, env: Env): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  appendFileSync(file, Object.entries(outputs).map(([name, value]) => outputBlock(name, value)).join(''), { encoding: 'utf8' });
  return true;
}

/**
 * Runs `print` with workflow commands turned off, so that what it writes (untrusted text from a
 * server included) is shown as text; the token is random, so that text cannot turn them back on.
 */
export function withoutCommands(write: (text: string) => void, print: () => void): void {
  const token = randomUUID();
  write(workflowCommand('stop-commands', token));
  try {
    print();
  } finally {
    write(`::${token}::${EOL}`);
  }
}
