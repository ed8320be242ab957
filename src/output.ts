/**
 * The terminal edge: colour decisions and the two streams. stdout carries the result (text, SQL,
 * or one JSON document); stderr carries notes, warnings and errors (clig.dev).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { WifError } from './core/errors.js';
import { escapeControl, escapeControlKeepNewlines } from './core/terminal-text.js';
import { scrub, scrubDeep } from './known-secrets.js';

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

  private readonly jsonFailure: (error: WifError) => unknown;

  constructor(
    private readonly streams: Streams,
    options: { json: boolean; colorLevel: ColorLevel; debug?: boolean; jsonFailure?: (error: WifError) => unknown },
  ) {
    this.json = options.json;
    this.jsonFailure = options.jsonFailure ?? failureDocument;
    this.debug = options.debug ?? false;
    this.color = new Chalk({ level: options.colorLevel });
  }

  /** The result: text or SQL that wif-check composed from trusted parts (see `render` for reports). */
  result(text: string): void {
    this.out(text.endsWith('\n') ? text : `${text}\n`);
  }

  // Every write ends here: no credential this process holds leaves it, whatever path the text took
  // (src/known-secrets.ts; the sources redact and cap server text already).
  private out(text: string): void {
    this.streams.stdout.write(scrub(text));
  }

  private err(text: string): void {
    this.streams.stderr.write(scrub(text));
  }

  /**
   * A report as text: the one way untrusted values (server answers, environment) reach the
   * terminal. Every string in the report is escaped (terminalSafe) before the renderer adds colour.
   */
  render<T>(report: T, renderer: (safe: T, color: ChalkInstance) => string): void {
    this.result(renderer(terminalSafe(report), this.color));
  }

  document(value: unknown): void {
    this.out(`${JSON.stringify(scrubDeep(value), null, 2)}\n`);
  }

  note(text: string): void {
    this.err(`${this.color.dim('note:')} ${escapeControl(text)}\n`);
  }

  warn(text: string): void {
    this.err(`${this.color.yellow('warning:')} ${escapeControl(text)}\n`);
  }

  /** Progress/diagnostic text for stderr (lines kept, every other control character escaped). */
  info(text: string): void {
    const safe = escapeControlKeepNewlines(text);
    this.err(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  failure(error: WifError): void {
    if (this.json) {
      this.document(this.jsonFailure(error));
    }
    this.err(`${this.color.red('✖')} ${escapeControl(error.message)}\n`);
    if (error.hint) this.err(`${indent(escapeControlKeepNewlines(error.hint))}\n`);
  }

  /**
   * A spinner on stderr, only on an interactive terminal, never with --json or in CI. With
   * `delayMs`, it appears only if the work is still running then (a quick answer draws nothing).
   */
  spinner(text: string, env: Readonly<Record<string, string | undefined>>, isTTY: boolean, delayMs = 0): () => void {
    if (this.json || !isTTY || env.CI) return () => {};
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let frame = 0;
    let drawn = false;
    const draw = () => {
      drawn = true;
      this.streams.stderr.write(`\r${this.color.cyan(frames[frame++ % frames.length] ?? '')} ${text}`);
    };
    let timer: NodeJS.Timeout | undefined;
    const start = () => {
      draw();
      timer = setInterval(draw, 80);
      timer.unref();
    };
    const delay = delayMs > 0 ? setTimeout(start, delayMs) : undefined;
    delay?.unref();
    if (delay === undefined) start();
    return () => {
      if (delay !== undefined) clearTimeout(delay);
      if (timer !== undefined) clearInterval(timer);
      if (drawn) this.streams.stderr.write('\r\u001b[2K');
    };
  }
}

export interface FailureDocument {
  ok: false;
  error: { code: string; message: string; snowflakeCode?: string | null; snowflakeMessage?: string };
  hint: string | null;
  expectedArn: string | null;
}

export function failureDocument(error: WifError): FailureDocument {
  const snowflake = error.snowflake ? { snowflakeCode: error.snowflake.code, snowflakeMessage: error.snowflake.message } : {};
  return { ok: false, error: { code: error.code, message: error.message, ...snowflake }, hint: error.hint ?? null, expectedArn: error.expectedArn };
}

/** Keys whose text is ours and multi-line by design (untrusted values in it are escaped where they are embedded). */
const MULTI_LINE_KEYS: ReadonlySet<string> = new Set(['fix', 'hint', 'sql']);

/** `value` with every string escaped for the terminal (escapeControl), deeply; numbers and the rest as they are. */
export function terminalSafe<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (MULTI_LINE_KEYS.has(key) ? escapeControlKeepNewlines(value) : escapeControl(value)) as T;
  if (Array.isArray(value)) return value.map((item) => terminalSafe(item, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, terminalSafe(item, name)])) as T;
  }
  return value;
}

export function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
