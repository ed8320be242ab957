/**
 * The terminal edge: colour decisions and the two streams. stdout carries the result (text, SQL,
 * or one JSON document); stderr carries notes, warnings and errors (clig.dev).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { WifError } from './core/errors.js';

export type ColorLevel = 0 | 1 | 2 | 3;

export interface ColorInputs {
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
  /** --no-color */
  noColorFlag: boolean;
  json: boolean;
}

/**
 * chalk alone ignores NO_COLOR (no-color.org), so decide here. FORCE_COLOR wins over NO_COLOR,
 * as in Node itself; --no-color and --json win over both.
 */
export function colorLevel({ env, isTTY, noColorFlag, json }: ColorInputs): ColorLevel {
  if (json || noColorFlag) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '' || force === '1' || force === 'true') return 1;
    const level = Number.parseInt(force, 10);
    return level >= 3 ? 3 : level === 2 ? 2 : 1;
  }
  if (env.NO_COLOR) return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 1;
}

export interface Streams {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export class Printer {
  readonly color: ChalkInstance;
  readonly json: boolean;
  readonly debug: boolean;

  constructor(
    private readonly streams: Streams,
    options: { json: boolean; colorLevel: ColorLevel; debug?: boolean },
  ) {
    this.json = options.json;
    this.debug = options.debug ?? false;
    this.color = new Chalk({ level: options.colorLevel });
  }

  /** The result: text, SQL, or (with --json) one JSON document. */
  result(text: string): void {
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  document(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  note(text: string): void {
    this.streams.stderr.write(`${this.color.dim('note:')} ${text}\n`);
  }

  warn(text: string): void {
    this.streams.stderr.write(`${this.color.yellow('warning:')} ${text}\n`);
  }

  /** Raw progress/diagnostic text for stderr. */
  info(text: string): void {
    this.streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  failure(error: WifError): void {
    if (this.json) {
      this.document(failureDocument(error));
    }
    this.streams.stderr.write(`${this.color.red('✖')} ${error.message}\n`);
    if (error.hint) this.streams.stderr.write(`${indent(error.hint)}\n`);
  }

  /** A spinner on stderr, only on an interactive terminal, never with --json or in CI. */
  spinner(text: string, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): () => void {
    if (this.json || !isTTY || env.CI) return () => {};
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let frame = 0;
    const draw = () => this.streams.stderr.write(`\r${this.color.cyan(frames[frame++ % frames.length] ?? '')} ${text}`);
    draw();
    const timer = setInterval(draw, 80);
    timer.unref();
    return () => {
      clearInterval(timer);
      this.streams.stderr.write('\r\u001b[2K');
    };
  }
}

export function failureDocument(error: WifError): { ok: false; error: { code: string; message: string }; hint: string | null; expectedArn: string | null } {
  return { ok: false, error: { code: error.code, message: error.message }, hint: error.hint ?? null, expectedArn: error.expectedArn };
}

export function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
