/**
 * The process's known secrets (src/known-secrets.ts, issue 17, items 5 and 6): what every output
 * path passes through last. In-process: each test file runs in its own worker, so the set starts empty.
 */
import { describe, expect, it } from 'vitest';
import { MAX_KNOWN_SECRETS, knownSecrets, rememberSecrets, scrub, scrubDeep } from '../src/known-secrets.js';
import { Printer } from '../src/output.js';
import { WifError } from '../src/core/errors.js';

describe('known secrets', () => {
  it('nothing known: text is returned as it is (the offline commands pay nothing)', () => {
    const value = { a: 'x' };
    expect(scrub('any text')).toBe('any text');
    expect(scrubDeep(value)).toBe(value);
  });

  it('remembers, scrubs text and documents deeply, keeps keys and non-strings', () => {
    rememberSecrets('Sh0rt!pw9Q', undefined, null, '');
    expect(knownSecrets()).toEqual(['Sh0rt!pw9Q']);
    expect(scrub('pw=Sh0rt!pw9Q')).toBe('pw=[redacted]');
    expect(scrubDeep({ 'Sh0rt!pw9Q': ['Sh0rt!pw9Q', 3, true, null, { x: 'aSh0rt!pw9Qb' }] })).toEqual({ 'Sh0rt!pw9Q': ['[redacted]', 3, true, null, { x: 'a[redacted]b' }] });
  });

  it('the Printer passes every stream write through it: result, document, note, warn, info, failure', () => {
    rememberSecrets('pat_SECRET_42');
    const out: string[] = [];
    const err: string[] = [];
    const printer = new Printer({ stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } }, { json: true, colorLevel: 0 });
    printer.result('r pat_SECRET_42');
    printer.document({ detail: 'd pat_SECRET_42' });
    printer.note('n pat_SECRET_42');
    printer.warn('w pat_SECRET_42');
    printer.info('i pat_SECRET_42');
    printer.failure(new WifError('snowflake', 'f pat_SECRET_42', { code: 'X', hint: 'h pat_SECRET_42' }));
    const all = [...out, ...err].join('');
    expect(all).not.toContain('pat_SECRET_42');
    expect(all.match(/\[redacted\]/g)).toHaveLength(9);
    expect(JSON.parse(out[1] ?? '')).toEqual({ detail: 'd [redacted]' });
  });

  it(`keeps the most recent ${MAX_KNOWN_SECRETS}`, () => {
    for (let i = 0; i < MAX_KNOWN_SECRETS + 10; i++) rememberSecrets(`secret-number-${i}`);
    const known = knownSecrets();
    expect(known).toHaveLength(MAX_KNOWN_SECRETS);
    expect(known).toContain(`secret-number-${MAX_KNOWN_SECRETS + 9}`);
    expect(known).not.toContain('secret-number-0');
    expect(scrub(`secret-number-${MAX_KNOWN_SECRETS + 9}`)).toBe('[redacted]');
  });
});
