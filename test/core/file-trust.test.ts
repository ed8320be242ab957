/**
 * Which files may name or hold credentials (issue 17, item 2): one line per case, as the rule reads.
 */
import { describe, expect, it } from 'vitest';
import { credentialFileProblem, octal, readableByOthers } from '../../src/core/file-trust.js';

const ME = 1000;
const file = (mode: number, uid = ME, realPath = '/home/me/.snowflake/connections.toml') => ({ realPath, uid, mode: 0o100000 | mode });

describe('credentialFileProblem', () => {
  it.each([
    ['yours, 0600', file(0o600), undefined],
    ['yours, 0400', file(0o400), undefined],
    ['yours, readable by all (0644): used, with a warning elsewhere', file(0o644), undefined],
    ["root's, 0644 (root can do anything anyway)", file(0o644, 0), undefined],
    ['yours, 0620', file(0o620), 'is writable by its group (mode 0620)'],
    ['yours, 0602', file(0o602), 'is writable by other users (mode 0602)'],
    ['yours, 0666', file(0o666), 'is writable by its group and other users (mode 0666)'],
    ['yours, 0777', file(0o777), 'is writable by its group and other users (mode 0777)'],
    ["root's, 0666", file(0o666, 0), 'is writable by its group and other users (mode 0666)'],
    ["another user's, 0600", file(0o600, 1001), 'is owned by uid 1001, not by you (uid 1000) or root'],
    ['/proc/self/environ (size 0, any mode)', file(0o400, ME, '/proc/4242/environ'), 'is a kernel pseudo-file (/proc/4242/environ), not a file of yours'],
    ['under /sys', file(0o444, 0, '/sys/kernel/notes'), 'is a kernel pseudo-file (/sys/kernel/notes), not a file of yours'],
    ['under /dev', file(0o666, 0, '/dev/stdin'), 'is a kernel pseudo-file (/dev/stdin), not a file of yours'],
    ['/proc itself', file(0o555, 0, '/proc'), 'is a kernel pseudo-file (/proc), not a file of yours'],
    ['a name that only starts like /proc', file(0o600, ME, '/process/token'), undefined],
    ['a name that only starts like /dev', file(0o600, ME, '/devel/token'), undefined],
  ])('%s', (_name, facts, problem) => {
    expect(credentialFileProblem(facts, ME)).toBe(problem);
  });

  it('root running wif-check: its own files and no one else\'s', () => {
    expect(credentialFileProblem(file(0o600, 0), 0)).toBeUndefined();
    expect(credentialFileProblem(file(0o600, 1000), 0)).toBe('is owned by uid 1000, not by you (uid 0) or root');
  });

  it('Windows (no POSIX owner): only the pseudo-file rule', () => {
    expect(credentialFileProblem(file(0o666, 1234), undefined)).toBeUndefined();
    expect(credentialFileProblem(file(0o600, 1234, '/proc/1/environ'), undefined)).toMatch(/pseudo-file/);
  });
});

describe('readableByOthers (the warning) and octal', () => {
  it.each([
    [0o600, false],
    [0o400, false],
    [0o640, true],
    [0o604, true],
    [0o644, true],
    [0o610, false],
  ])('mode %o → %s', (mode, readable) => {
    expect(readableByOthers(mode)).toBe(readable);
  });

  it.each([
    [0o100600, '0600'],
    [0o644, '0644'],
    [0o7, '0007'],
    [0o104755, '0755'],
  ])('octal(%o) = %s', (mode, text) => {
    expect(octal(mode)).toBe(text);
  });
});
