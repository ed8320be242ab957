import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeCommandData, getInput, outputBlock, setOutputs, withoutCommands, workflowCommand } from '../../src/github/workflow.js';
import { tempDir } from '../e2e/run-cli.js';

describe('getInput (as @actions/core reads INPUT_*)', () => {
  it.each([
    ['account', { INPUT_ACCOUNT: 'a' }, 'a'],
    ['expect-user', { 'INPUT_EXPECT-USER': '  U  ' }, 'U'],
    ['expect-user', { INPUT_EXPECT_USER: 'U' }, ''],
    ['my input', { INPUT_MY_INPUT: 'x' }, 'x'],
    ['account', {}, ''],
  ])('%s from %j → %j', (name, env, value) => expect(getInput(name, env)).toBe(value));
});

describe('workflow commands', () => {
  it.each([
    ['plain', 'plain'],
    ['100%', '100%25'],
    ['a\nb', 'a%0Ab'],
    ['a\r\n::add-mask::x', 'a%0D%0A::add-mask::x'],
  ])('escapeCommandData(%j) = %j', (text, escaped) => expect(escapeCommandData(text)).toBe(escaped));

  it('one command is one line', () => {
    expect(workflowCommand('error', 'bad\nthing')).toBe('::error::bad%0Athing\n');
    expect(workflowCommand('add-mask', '123456789012')).toBe('::add-mask::123456789012\n');
  });

  it('withoutCommands wraps the text in stop-commands with a fresh token', () => {
    const written: string[] = [];
    withoutCommands((text) => written.push(text), () => written.push('::error::from a server\n'));
    const token = /^::stop-commands::(\S+)\n$/.exec(written[0] ?? '')?.[1];
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(written.slice(1)).toEqual(['::error::from a server\n', `::${token}::\n`]);
  });
});

describe('outputs (GITHUB_OUTPUT, the delimiter format)', () => {
  it('writes name<<DELIMITER, the value, DELIMITER', () => {
    expect(outputBlock('user', 'LOADER', 'ghadelimiter_x')).toBe('user<<ghadelimiter_x\nLOADER\nghadelimiter_x\n');
    expect(outputBlock('text', 'two\nlines', 'ghadelimiter_x')).toBe('text<<ghadelimiter_x\ntwo\nlines\nghadelimiter_x\n');
    expect(outputBlock('empty', '', 'ghadelimiter_x')).toBe('empty<<ghadelimiter_x\n\nghadelimiter_x\n');
  });

  it('uses a random delimiter, and refuses a value that contains it', () => {
    const [first, second] = [outputBlock('a', 'v'), outputBlock('a', 'v')];
    expect(first).toMatch(/^a<<ghadelimiter_[0-9a-f-]{36}\nv\nghadelimiter_[0-9a-f-]{36}\n$/);
    expect(first).not.toBe(second);
    expect(() => outputBlock('a', 'x ghadelimiter_d y', 'ghadelimiter_d')).toThrow(/delimiter/);
  });

  it('appends to the file GITHUB_OUTPUT names, and does nothing without it', () => {
    const file = join(tempDir('outputs-'), 'output');
    writeFileSync(file, 'before=1\n');
    expect(setOutputs({ ok: 'true', 'exit-code': '0' }, { GITHUB_OUTPUT: file })).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^before=1\nok<<(\S+)\ntrue\n\1\nexit-code<<(\S+)\n0\n\2\n$/);
    expect(setOutputs({ ok: 'true' }, {})).toBe(false);
  });
});
