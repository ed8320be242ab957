import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { describeWriteFailure, reportOutputFailure } from '../../src/terminal/stdout.js';

function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'write' });
}

/** A process with a stderr that records, fails asynchronously, or throws. */
function fakeProcess(stderrBehaviour: 'works' | 'fails' | 'throws') {
  const stderr = Object.assign(new EventEmitter(), {
    written: '',
    write(chunk: string, callback: (error?: Error | null) => void): boolean {
      if (stderrBehaviour === 'throws') throw systemError('EBADF', 'EBADF: bad file descriptor, write');
      if (stderrBehaviour === 'fails') {
        const error = systemError('ENOSPC', 'ENOSPC: no space left on device, write');
        process.nextTick(() => {
          callback(error);
          stderr.emit('error', error);
        });
        return false;
      }
      stderr.written += chunk;
      process.nextTick(callback);
      return true;
    },
  });
  const exits: Array<number | undefined> = [];
  const proc = { stderr, exitCode: 0 as number | undefined, exit: (code?: number) => void exits.push(code) };
  return { proc, stderr, exits };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('describeWriteFailure', () => {
  it.each<[NodeJS.ErrnoException | unknown, string]>([
    [systemError('ENOSPC', 'ENOSPC: no space left on device, write'), 'ENOSPC (no space left on device)'],
    [systemError('EIO', 'EIO: i/o error, write'), 'EIO (i/o error)'],
    [systemError('EBADF', 'EBADF: bad file descriptor, write'), 'EBADF (bad file descriptor)'],
    [systemError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'), 'ERR_STREAM_DESTROYED'],
    [systemError('ENOSPC', 'ENOSPC: \u001b]0;owned\u0007, write'), 'ENOSPC'],
    [new Error('something'), 'an unknown error'],
    ['a string', 'an unknown error'],
    [systemError('x'.repeat(500), 'x'), 'an unknown error'],
  ])('%s -> %s', (error, text) => {
    expect(describeWriteFailure(error)).toBe(text);
  });
});

describe('reportOutputFailure', () => {
  it('writes one line on stderr, then exits 74', async () => {
    const { proc, stderr, exits } = fakeProcess('works');
    reportOutputFailure(systemError('ENOSPC', 'ENOSPC: no space left on device, write'), proc);
    expect(proc.exitCode).toBe(74);
    await settle();
    expect(stderr.written).toBe('wif-check: cannot write the output: ENOSPC (no space left on device)\n');
    expect(exits[0]).toBe(74);
  });

  it.each(['fails', 'throws'] as const)('exits 74 silently when stderr %s too', async (behaviour) => {
    const { proc, exits } = fakeProcess(behaviour);
    expect(() => reportOutputFailure(systemError('EIO', 'EIO: i/o error, write'), proc)).not.toThrow();
    await settle();
    expect(exits.length).toBeGreaterThan(0);
    expect(exits.every((code) => code === 74)).toBe(true);
  });
});
