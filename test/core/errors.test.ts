/**
 * The exit codes (src/core/errors.ts): every code, what it means in `--help`, and the error every
 * command throws. One line per code, as README "Exit codes" lists them.
 */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, EXIT_CODE_MEANINGS, WifError, usageError, type ErrorKind } from '../../src/core/errors.js';

describe('EXIT_CODES: one code per kind of failure', () => {
  it.each([
    ['ok', 0],
    ['verification', 1],
    ['usage', 2],
    ['aws', 3],
    ['snowflake', 4],
    ['internal', 70], // EX_SOFTWARE (sysexits.h)
    ['output', 74], // EX_IOERR (sysexits.h)
    ['interrupted', 130], // 128 + SIGINT
  ] as const)('%s → %i', (kind, code) => {
    expect(EXIT_CODES[kind]).toBe(code);
  });

  it('has exactly these kinds', () => {
    expect(Object.keys(EXIT_CODES).sort()).toEqual(['aws', 'internal', 'interrupted', 'ok', 'output', 'snowflake', 'usage', 'verification']);
  });
});

describe('EXIT_CODE_MEANINGS: what `wif-check --help` prints for each code', () => {
  it.each([
    [0, 'success'],
    [1, 'verification failed: Snowflake rejected the identity, or it is not the expected user/account'],
    [2, 'usage error or bad input (invalid ARN, bad flag, missing account)'],
    [3, 'AWS side: no credentials, no region, STS refused or unreachable'],
    [4, 'Snowflake side: unreachable, timed out, or failed for a reason other than the identity mapping'],
    [70, 'internal error in wif-check (a bug: please report it)'],
    [74, 'the output could not be written to stdout (e.g. a full disk)'],
    [130, 'interrupted (Ctrl-C); doctor --in-lambda deletes its temporary function first'],
  ])('%i: %s', (code, meaning) => {
    expect(EXIT_CODE_MEANINGS.filter(([c]) => c === code)).toEqual([[code, meaning]]);
  });

  it('lists every exit code once, in ascending order, and nothing else', () => {
    const codes = EXIT_CODE_MEANINGS.map(([code]) => code);
    expect(codes).toEqual([...new Set(Object.values(EXIT_CODES))].sort((a, b) => a - b));
  });
});

describe('WifError', () => {
  it.each([
    ['verification', 1],
    ['usage', 2],
    ['aws', 3],
    ['snowflake', 4],
    ['internal', 70],
  ] as const)('a %s error exits with %i', (kind: ErrorKind, code) => {
    expect(new WifError(kind, 'm', { code: 'X' }).exitCode).toBe(code);
  });

  it('carries its kind, message, code, hint, expected ARN and Snowflake answer', () => {
    const cause = new Error('root cause');
    const error = new WifError('snowflake', 'login failed', {
      code: 'USER_NOT_MAPPED',
      hint: 'register the ARN',
      expectedArn: 'arn:aws:iam::123456789012:role/r',
      snowflake: { code: '390144', message: 'Unable to find an associated Snowflake user' },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WifError');
    expect(error.message).toBe('login failed');
    expect(error.kind).toBe('snowflake');
    expect(error.code).toBe('USER_NOT_MAPPED');
    expect(error.hint).toBe('register the ARN');
    expect(error.expectedArn).toBe('arn:aws:iam::123456789012:role/r');
    expect(error.snowflake).toEqual({ code: '390144', message: 'Unable to find an associated Snowflake user' });
    expect(error.cause).toBe(cause);
  });

  it('without details: no hint, no expected ARN (null), no Snowflake answer, and no cause property at all', () => {
    const error = new WifError('aws', 'no credentials', { code: 'NO_CREDENTIALS' });
    expect(error.hint).toBeUndefined();
    expect(error.expectedArn).toBeNull();
    expect(error.snowflake).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it('an expected ARN of null stays null', () => {
    expect(new WifError('verification', 'm', { code: 'X', expectedArn: null }).expectedArn).toBeNull();
  });
});

describe('usageError: exit 2', () => {
  it.each([
    ['the default code', usageError('bad flag'), { kind: 'usage', message: 'bad flag', code: 'USAGE', hint: undefined, exitCode: 2 }],
    ['a code', usageError('bad host', 'BAD_HOST'), { kind: 'usage', message: 'bad host', code: 'BAD_HOST', hint: undefined, exitCode: 2 }],
    ['a code and a hint', usageError('bad host', 'BAD_HOST', 'Give a host name.'), { kind: 'usage', message: 'bad host', code: 'BAD_HOST', hint: 'Give a host name.', exitCode: 2 }],
  ])('%s', (_name, error, fields) => {
    expect(error).toBeInstanceOf(WifError);
    expect({ kind: error.kind, message: error.message, code: error.code, hint: error.hint, exitCode: error.exitCode }).toEqual(fields);
  });
});
