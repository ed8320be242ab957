import { describe, expect, it } from 'vitest';
import { Printer, colorLevel } from '../src/output.js';

const level = (env: Record<string, string>, isTTY = true, noColorFlag = false, json = false) => colorLevel({ env, isTTY, noColorFlag, json });

describe('colorLevel', () => {
  it.each([
    ['a TTY gets colour', {}, true, false, false, 1],
    ['a pipe gets none', {}, false, false, false, 0],
    ['NO_COLOR disables it', { NO_COLOR: '1' }, true, false, false, 0],
    ['an empty NO_COLOR does not (no-color.org)', { NO_COLOR: '' }, true, false, false, 1],
    ['FORCE_COLOR forces it on a pipe', { FORCE_COLOR: '1' }, false, false, false, 1],
    ['FORCE_COLOR=3 is truecolor', { FORCE_COLOR: '3' }, false, false, false, 3],
    ['FORCE_COLOR=0 turns it off', { FORCE_COLOR: '0' }, true, false, false, 0],
    ['FORCE_COLOR wins over NO_COLOR, as in Node', { FORCE_COLOR: '1', NO_COLOR: '1' }, false, false, false, 1],
    ['--no-color wins over FORCE_COLOR', { FORCE_COLOR: '1' }, true, true, false, 0],
    ['--json never has colour', { FORCE_COLOR: '3' }, true, false, true, 0],
    ['TERM=dumb gets none', { TERM: 'dumb' }, true, false, false, 0],
  ])('%s', (_name, env, isTTY, noColorFlag, json, expected) => {
    expect(level(env, isTTY, noColorFlag, json)).toBe(expected);
  });
});

describe('Printer.spinner with a delay (whoami: only when STS is slow)', () => {
  const capture = () => {
    const written: string[] = [];
    const sink = { write: (chunk: string) => written.push(chunk) };
    return { written, printer: new Printer({ stdout: sink, stderr: sink }, { json: false, colorLevel: 0 }) };
  };

  it('draws nothing, and clears nothing, when stopped before the delay', async () => {
    const { written, printer } = capture();
    const stop = printer.spinner('Asking…', {}, true, 50);
    stop();
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 80));
    expect(written).toEqual([]);
  });

  it('draws after the delay, and clears its line when stopped', async () => {
    const { written, printer } = capture();
    const stop = printer.spinner('Asking…', {}, true, 20);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 60));
    expect(written[0]).toBe('\r⠋ Asking…');
    stop();
    expect(written.at(-1)).toBe('\r\u001b[2K');
  });
});

describe('Printer.spinner', () => {
  const capture = (json: boolean) => {
    const written: string[] = [];
    const sink = { write: (chunk: string) => written.push(chunk) };
    return { written, printer: new Printer({ stdout: sink, stderr: sink }, { json, colorLevel: 0 }) };
  };

  it.each([
    ['not a TTY', false, {}, false],
    ['in CI', true, { CI: 'true' }, false],
    ['with --json', true, {}, true],
  ])('draws nothing when %s', (_name, isTTY, env, json) => {
    const { written, printer } = capture(json);
    printer.spinner('Logging in…', env, isTTY)();
    expect(written).toEqual([]);
  });

  it('draws on an interactive terminal and clears its line when stopped', () => {
    const { written, printer } = capture(false);
    const stop = printer.spinner('Logging in…', {}, true);
    stop();
    expect(written[0]).toContain('Logging in…');
    expect(written.at(-1)).toBe('\r\u001b[2K');
  });
});
