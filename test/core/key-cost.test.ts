import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_KDF_ITERATIONS, decodeBase64, pemBlocks, privateKeyCost, readKeyDerivation, type KeyCost, type KeyDerivation } from '../../src/core/key-cost.js';
import { OIDS, encryptedPkcs8, int, oid, octets, pbeInfo, pbkdf2Info, pem, scryptInfo, seq, tlv } from '../helpers/pkcs8.js';

const PASSPHRASE = 'pw-for-tests';
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const PLAIN = key.export({ type: 'pkcs8', format: 'pem' }).toString();
const NODE_ENCRYPTED = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }).toString();
const ENC = 'ENCRYPTED PRIVATE KEY';

const ok = (...derivations: KeyDerivation[]): KeyCost => ({ ok: true, derivations });
const pbkdf2 = (iterations: number, prf = 'HMAC-SHA256'): KeyDerivation => ({ kdf: 'PBKDF2', iterations, prf });
type Expected = KeyCost | { reason: 'too-costly' | 'unreadable'; detail: RegExp };

function check(text: string, expected: Expected) {
  const cost = privateKeyCost(text);
  if ('detail' in expected && expected.detail instanceof RegExp) {
    expect(cost).toMatchObject({ ok: false, reason: expected.reason });
    expect(cost.ok ? '' : cost.detail).toMatch(expected.detail);
  } else expect(cost).toEqual(expected);
}

/** A valid DER prefix cut at `bytes`. */
const truncated = (der: Uint8Array, bytes: number) => pem(ENC, der.subarray(0, bytes));

describe('privateKeyCost: real keys', () => {
  // [name, PEM, expected]
  const cases: Array<[string, () => string, Expected]> = [
    ['unencrypted PKCS#8', () => PLAIN, ok()],
    ["Node's export with a cipher (PBES2, PBKDF2-HMAC-SHA256, 2,048)", () => NODE_ENCRYPTED, ok(pbkdf2(2048))],
    ['PBES2 at 600,000 iterations (OWASP, SHA-256)', () => encryptedPkcs8(key, PASSPHRASE, 1_000, 600_000), ok(pbkdf2(600_000))],
    ['PBES2 at exactly the limit', () => encryptedPkcs8(key, PASSPHRASE, 1_000, MAX_KDF_ITERATIONS), ok(pbkdf2(MAX_KDF_ITERATIONS))],
    ['PBES2 one past the limit', () => encryptedPkcs8(key, PASSPHRASE, 1_000, MAX_KDF_ITERATIONS + 1), { reason: 'too-costly', detail: /^PBKDF2 \(HMAC-SHA256\) at 2,000,001 iterations \(the limit is 2,000,000\)$/ }],
    ['PBES2 at 40,000,000 (the issue)', () => encryptedPkcs8(key, PASSPHRASE, 1_000, 40_000_000), { reason: 'too-costly', detail: /at 40,000,000 iterations \(the limit is 2,000,000\)/ }],
    ['a certificate-like block, then the key', () => `${pem('CERTIFICATE', seq(seq(int(1)), int(2)))}${NODE_ENCRYPTED}`, ok(pbkdf2(2048))],
    ['text around the PEM, CRLF line ends', () => `a key:\r\n${encryptedPkcs8(key, PASSPHRASE, 10, 50_000_000).replaceAll('\n', '\r\n')}trailer\r\n`, { reason: 'too-costly', detail: /50,000,000/ }],
    ['two keys, the second absurd', () => `${NODE_ENCRYPTED}${encryptedPkcs8(key, PASSPHRASE, 10, 2 ** 31)}`, { reason: 'too-costly', detail: /at 2,147,483,648 iterations/ }],
    ['an encrypted key under another label', () => pem('PRIVATE KEY', pbkdf2Info(40_000_000)), { reason: 'too-costly', detail: /40,000,000/ }],
    ['no PEM at all', () => 'not a key', ok()],
    ['BEGIN without END', () => NODE_ENCRYPTED.replace(/-----END[^\n]*\n/, ''), ok()],
  ];
  it.each(cases)('%s', (_name, make, expected) => check(make(), expected));

  it('the keys accepted above really decrypt with Node (the DER writer is faithful)', () => {
    const made = encryptedPkcs8(key, PASSPHRASE, 1_000);
    expect(privateKeyCost(made)).toEqual(ok(pbkdf2(1_000)));
    expect(createPrivateKey({ key: made, format: 'pem', passphrase: PASSPHRASE }).asymmetricKeyType).toBe('ec');
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('privateKeyCost: keys made by the openssl CLI (small counts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-cost-'));
  const plainFile = join(dir, 'plain.pem');
  writeFileSync(plainFile, PLAIN);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const pkcs8 = (...args: string[]) => openssl('pkcs8', '-topk8', '-in', plainFile, '-passout', `pass:${PASSPHRASE}`, ...args);
  // [name, PEM, expected, decrypts with Node]
  const cases: Array<[string, () => string, Expected, boolean]> = [
    ['-v2 aes-256-cbc (defaults: HMAC-SHA256, 2,048)', () => pkcs8('-v2', 'aes-256-cbc'), ok(pbkdf2(2048)), true],
    ['-v2 aes-256-cbc -v2prf hmacWithSHA1 -iter 3000', () => pkcs8('-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1', '-iter', '3000'), ok(pbkdf2(3000, 'HMAC-SHA1')), true],
    ['-v2 des3 -v2prf hmacWithSHA512 -iter 1000', () => pkcs8('-v2', 'des3', '-v2prf', 'hmacWithSHA512', '-iter', '1000'), ok(pbkdf2(1000, 'HMAC-SHA512')), true],
    ['-scrypt (N 16384, r 8, p 1)', () => pkcs8('-scrypt'), ok({ kdf: 'scrypt', n: 16384, r: 8, p: 1 }), true],
    ['-scrypt -scrypt_N 1024 -scrypt_p 129 (N·r·p just above the limit)', () => pkcs8('-scrypt', '-scrypt_N', '1024', '-scrypt_p', '129'), { reason: 'too-costly', detail: /^scrypt at N·r·p = 1,056,768 \(N 1,024, r 8, p 129; the limit is 1,048,576\)$/ }, false],
    ['-v1 PBE-SHA1-3DES -iter 1000 (PKCS#12 PBE)', () => pkcs8('-v1', 'PBE-SHA1-3DES', '-iter', '1000'), ok({ kdf: 'PKCS#12', iterations: 1000 }), true],
    ['traditional PEM (Proc-Type: 4,ENCRYPTED)', () => openssl('ec', '-in', plainFile, '-aes256', '-passout', `pass:${PASSPHRASE}`), ok(), true],
  ];
  it.each(cases)('%s', (_name, make, expected, decrypts) => {
    const text = make();
    check(text, expected);
    if (decrypts) expect(createPrivateKey({ key: text, format: 'pem', passphrase: PASSPHRASE }).asymmetricKeyType).toBe('ec');
  });
});

describe('privateKeyCost: hand-built parameters', () => {
  const cases: Array<[string, Uint8Array, Expected]> = [
    ['PBKDF2 without a prf (HMAC-SHA1 by default)', pbkdf2Info(2048), ok(pbkdf2(2048, 'HMAC-SHA1'))],
    ['PBKDF2 with a keyLength and a prf', seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), seq(octets(new Uint8Array(8)), int(4096), int(32), seq(oid(OIDS.hmacWithSHA256)))), seq(oid(OIDS.aes256cbc), octets(new Uint8Array(16))))), octets(new Uint8Array(16))), ok(pbkdf2(4096))],
    ['PBKDF2 at 2^32 - 1', pbkdf2Info(2 ** 32 - 1), { reason: 'too-costly', detail: /4,294,967,295 iterations/ }],
    ['PBKDF2 at 2^32 (a 5-byte integer)', pbkdf2Info(2 ** 32), { reason: 'too-costly', detail: /at more than 4,294,967,295 iterations/ }],
    ['PBKDF2 at 2^100', pbkdf2Info(2n ** 100n), { reason: 'too-costly', detail: /at more than 4,294,967,295 iterations/ }],
    ['PBKDF2 with a leading-zero count', seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), seq(octets(new Uint8Array(8)), tlv(0x02, Buffer.from([0, 0, 0, 0, 0, 0x08, 0])))), seq(oid(OIDS.aes256cbc), octets(new Uint8Array(16))))), octets(new Uint8Array(16))), ok(pbkdf2(2048, 'HMAC-SHA1'))],
    ['scrypt N 2^14, r 8, p 8 (work 2^20: the limit)', scryptInfo(2 ** 14, 8, 8), ok({ kdf: 'scrypt', n: 16384, r: 8, p: 8 })],
    ['scrypt N 2^14, r 8, p 9', scryptInfo(2 ** 14, 8, 9), { reason: 'too-costly', detail: /scrypt at N·r·p = 1,179,648/ }],
    ['scrypt N 2^20, r 1, p 1 (128 MiB)', scryptInfo(2 ** 20, 1, 1), { reason: 'too-costly', detail: /scrypt with N 1,048,576 and r 1: 128 MiB of memory \(the limit is 32 MiB\)/ }],
    ['scrypt N 2^40', scryptInfo(2n ** 40n, 8, 1), { reason: 'too-costly', detail: /N·r·p = more than 4,294,967,295/ }],
    ['scrypt N, r, p of 2^32 - 1 each', scryptInfo(2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1), { reason: 'too-costly', detail: /N·r·p = 2\^95 or more/ }],
    ['PBES1 at 2,048', pbeInfo(OIDS.pbeWithSHA1AndDES, 2048), ok({ kdf: 'PBES1', iterations: 2048 })],
    ['PBES1 at 40,000,000', pbeInfo(OIDS.pbeWithSHA1AndDES, 40_000_000), { reason: 'too-costly', detail: /^PBES1 \(PKCS#5 v1\.5\) at 40,000,000 iterations/ }],
    ['PKCS#12 PBE at 40,000,000', pbeInfo(OIDS.pbeWithSHAAnd3KeyTripleDES, 40_000_000), { reason: 'too-costly', detail: /^PKCS#12 PBE at 40,000,000/ }],
    ['an unknown algorithm: left to OpenSSL', seq(seq(oid('1.2.3.4.5'), seq(int(2 ** 40))), octets(new Uint8Array(16))), ok({ kdf: 'unknown', oid: '1.2.3.4.5' })],
    ['PBES2 with an unknown KDF: left to OpenSSL', seq(seq(oid(OIDS.pbes2), seq(seq(oid('1.3.6.1.4.1.99999.1'), seq(int(2 ** 40))), seq(oid(OIDS.aes256cbc)))), octets(new Uint8Array(16))), ok({ kdf: 'unknown', oid: '1.3.6.1.4.1.99999.1' })],
    ['a negative count', seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), seq(octets(new Uint8Array(8)), tlv(0x02, Buffer.from([0xff, 0x00])))), seq(oid(OIDS.aes256cbc)))), octets(new Uint8Array(16))), { reason: 'unreadable', detail: /iteration count is negative/ }],
    ['a zero count', pbkdf2Info(0), { reason: 'unreadable', detail: /iteration count is zero/ }],
    ['no salt', seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), seq(int(2048))), seq(oid(OIDS.aes256cbc)))), octets(new Uint8Array(16))), { reason: 'unreadable', detail: /salt is missing/ }],
    ['no iteration count', seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), seq(octets(new Uint8Array(8)))), seq(oid(OIDS.aes256cbc)))), octets(new Uint8Array(16))), { reason: 'unreadable', detail: /iteration count is missing/ }],
    ['PBES2 without parameters', seq(seq(oid(OIDS.pbes2)), octets(new Uint8Array(16))), { reason: 'unreadable', detail: /PBES2 parameters are missing/ }],
    ['an indefinite length (BER)', Buffer.from([0x30, 0x80, 0x30, 0x03, 0x06, 0x01, 0x2a, 0x00, 0x00]), { reason: 'unreadable', detail: /indefinite length/ }],
    ['a 5-byte length', Buffer.from([0x30, 0x85, 0, 0, 0, 0, 3, 0x06, 0x01, 0x2a]), { reason: 'unreadable', detail: /5-byte length/ }],
    ['a length past the end', Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30]), { reason: 'unreadable', detail: /length runs past the end/ }],
    ['a multi-byte tag', Buffer.from([0x1f, 0x81, 0x01, 0x00]), { reason: 'unreadable', detail: /multi-byte tag/ }],
    ['not a SEQUENCE', int(5), { reason: 'unreadable', detail: /EncryptedPrivateKeyInfo is not where it should be/ }],
    ['empty', new Uint8Array(0), { reason: 'unreadable', detail: /ends in the middle/ }],
  ];
  it.each(cases)('%s', (_name, der, expected) => check(pem(ENC, der), expected));

  it.each([1, 2, 5, 20, 40, 50, 60, 100])('the issue key cut at %i bytes is unreadable, never a crash', (bytes) => {
    expect(privateKeyCost(truncated(pbkdf2Info(40_000_000, { prf: OIDS.hmacWithSHA256 }), bytes))).toMatchObject({ ok: false, reason: 'unreadable' });
  });

  it('every prefix and random garbage: a verdict, never a throw', () => {
    const der = pbkdf2Info(40_000_000, { prf: OIDS.hmacWithSHA256 });
    for (let bytes = 0; bytes <= der.length; bytes++) expect(() => readKeyDerivation(der.subarray(0, bytes))).not.toThrow();
    for (let round = 0; round < 2000; round++) {
      const junk = Uint8Array.from({ length: 1 + (round % 64) }, () => Math.floor(Math.random() * 256));
      expect(() => privateKeyCost(pem(ENC, junk))).not.toThrow();
    }
  });

  it.each([
    ['not base64', `-----BEGIN ${ENC}-----\nMIIB!!!!\n-----END ${ENC}-----\n`, /not base64/],
    ['an empty block', `-----BEGIN ${ENC}-----\n-----END ${ENC}-----\n`, /ends in the middle/],
  ])('an ENCRYPTED PRIVATE KEY block %s is refused as unreadable', (_name, text, detail) => check(text, { reason: 'unreadable', detail }));

  it('garbage under another label is left to OpenSSL', () => check(`-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`, ok()));
});

describe('pemBlocks and decodeBase64', () => {
  it.each([
    ['TWFu', [77, 97, 110]],
    ['TWE=', [77, 97]],
    ['TQ==', [77]],
    ['T W\nF\tu', [77, 97, 110]],
    ['', []],
  ])('decodeBase64(%j)', (text, bytes) => expect([...(decodeBase64(text) ?? [])]).toEqual(bytes));

  it('decodeBase64 refuses other characters', () => expect(decodeBase64('TW-u')).toBeUndefined());

  it('skips RFC 1421 headers and mismatched END lines', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nTWFu\n-----END RSA PRIVATE KEY-----\n-----BEGIN A-----\nTWFu\n-----END B-----\n';
    expect(pemBlocks(text).map((block) => [block.label, [...(block.der ?? [])]])).toEqual([['RSA PRIVATE KEY', [77, 97, 110]]]);
  });
});
