import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeWriteFailure } from '../../src/terminal/stdio.js';

function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'write' });
}

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

/**
 * A non-blocking pipe that is full makes writeSync fail with EAGAIN after a partial write; the
 * rest must go to the stream (which waits for the reader), and so must everything after it.
 * writeSync is replaced here (the e2e tests write real descriptors: test/e2e/stdout-failure.test.ts).
 */
describe('writeFd when the descriptor would block', () => {
  afterEach(() => {
    vi.doUnmock('node:fs');
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('hands the unwritten rest, and every later write, to the stream, in order', async () => {
    const calls: string[] = [];
    vi.doMock('node:fs', async (original) => ({
      ...(await original<typeof import('node:fs')>()),
      writeSync: (fd: number, buffer: Buffer, offset = 0) => {
        if (calls.length > 0) throw systemError('EAGAIN', 'EAGAIN: resource temporarily unavailable, write');
        calls.push(`sync ${fd} ${buffer.subarray(offset, offset + 4).toString()}`);
        return 4;
      },
    }));
    const streamed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      streamed.push(Buffer.from(chunk).toString());
      return true;
    });
    vi.resetModules();
    const { writeFd } = await import('../../src/terminal/stdio.js');
    writeFd(1, 'abcdefgh');
    writeFd(1, 'next');
    expect(calls).toEqual(['sync 1 abcd']);
    expect(streamed).toEqual(['efgh', 'next']);
  });
});

/**
 * exitIfWritten (main() once a command is done and nothing else is pending): the process ends at
 * once, unless a stream still holds what a slow reader has not taken yet, which must all arrive.
 */
describe('exitIfWritten', () => {
  afterEach(() => {
    vi.doUnmock('node:fs');
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it.each([
    { what: 'everything written by writeSync', blocked: false, held: 0, exits: true },
    { what: 'a stream that has written it all', blocked: true, held: 0, exits: true },
    { what: 'a stream still holding 5 bytes', blocked: true, held: 5, exits: false },
  ])('$what: exits now = $exits', async ({ blocked, held, exits }) => {
    vi.doMock('node:fs', async (original) => ({
      ...(await original<typeof import('node:fs')>()),
      writeSync: (_fd: number, buffer: Buffer, offset = 0) => {
        if (blocked) throw systemError('EAGAIN', 'EAGAIN: resource temporarily unavailable, write');
        return buffer.length - offset;
      },
    }));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'writableLength', 'get').mockReturnValue(held);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    vi.resetModules();
    const { exitIfWritten, writeFd } = await import('../../src/terminal/stdio.js');
    writeFd(1, 'hello');
    exitIfWritten();
    expect(exit).toHaveBeenCalledTimes(exits ? 1 : 0);
  });
});
