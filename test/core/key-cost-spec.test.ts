/**
 * What decrypting a private key costs (src/core/key-cost.ts) as a specification: one line per key
 * a user, a tool or an attacker can hand to `--private-key`, with the whole verdict (the exact
 * detail the user reads). test/core/key-cost.test.ts makes real keys with Node and the openssl CLI;
 * this file is pure data (DER built byte by byte with test/helpers/pkcs8.ts, fixed salts, no
 * process, no randomness), so every case is fast and every word of a refusal is part of the rule.
 */
import { describe, expect, it } from 'vitest';
import { decodeBase64, excessiveCost, pemBlocks, privateKeyCost, readKeyDerivation, type KeyCost, type KeyDerivation } from '../../src/core/key-cost.js';
import { int, nul, octets, oid, pem, seq, tlv } from '../helpers/pkcs8.js';

const ENC = 'ENCRYPTED PRIVATE KEY';
const O = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const SALT = octets(Buffer.alloc(16, 0xa5));
const IV = octets(Buffer.alloc(16, 0x3c));
/** The ciphertext of a P-256 key (PKCS#8, 138 bytes, padded to 144). */
const CIPHERTEXT = octets(Buffer.alloc(144, 0x5a));
/** The ciphertext of an RSA-2048 key (PKCS#8, ~1,218 bytes, padded to 1,232): lengths in two bytes. */
const RSA_CIPHERTEXT = octets(Buffer.alloc(1232, 0x5a));

/** EncryptedPrivateKeyInfo { algorithm, ciphertext }. */
const info = (algorithm: Uint8Array, ciphertext: Uint8Array = CIPHERTEXT) => seq(algorithm, ciphertext);
const pbes2 = (kdf: Uint8Array, ciphertext?: Uint8Array) => info(seq(oid(O.pbes2), seq(kdf, seq(oid(O.aes256cbc), IV))), ciphertext);
const pbkdf2Params = (...params: Uint8Array[]) => pbes2(seq(oid(O.pbkdf2), seq(...params)));
const scryptParams = (...params: Uint8Array[]) => pbes2(seq(oid(O.scrypt), seq(...params)));
const pbeParams = (algorithm: string, ...params: Uint8Array[]) => info(seq(oid(algorithm), seq(...params)));
const prf = (name: string) => seq(oid(name), nul());

/** An OID with arcs too large for oid() (a UUID arc under 2.25), encoded with BigInt. */
function bigOid(dotted: string): Buffer {
  const [first = 0n, second = 0n, ...rest] = dotted.split('.').map(BigInt);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const groups: number[] = [];
    let value = arc;
    do {
      groups.unshift(Number(value % 128n));
      value /= 128n;
    } while (value > 0n);
    out.push(...groups.map((group, i) => (i < groups.length - 1 ? group | 0x80 : group)));
  }
  return tlv(0x06, Buffer.from(out));
}

const ok = (...derivations: KeyDerivation[]): KeyCost => ({ ok: true, derivations });
const costly = (detail: string): KeyCost => ({ ok: false, reason: 'too-costly', detail });
const unreadable = (why: string): KeyCost => ({ ok: false, reason: 'unreadable', detail: `its encryption parameters cannot be read: ${why}` });
const PBKDF2 = (iterations: number, prfName = 'HMAC-SHA1'): KeyDerivation => ({ kdf: 'PBKDF2', iterations, prf: prfName });
const unknown = (name: string): KeyDerivation => ({ kdf: 'unknown', oid: name });

describe('the algorithms: which are read, which are left to OpenSSL', () => {
  // Every PBES1 (PKCS#5 v1.5) and PKCS#12 PBE algorithm OpenSSL knows; neighbours and look-alikes are unknown.
  it.each<[string, string, KeyDerivation]>([
    ['pbeWithMD2AndDES-CBC', '1.2.840.113549.1.5.1', { kdf: 'PBES1', iterations: 2048 }],
    ['pbeWithMD5AndDES-CBC', '1.2.840.113549.1.5.3', { kdf: 'PBES1', iterations: 2048 }],
    ['pbeWithMD2AndRC2-CBC', '1.2.840.113549.1.5.4', { kdf: 'PBES1', iterations: 2048 }],
    ['pbeWithMD5AndRC2-CBC', '1.2.840.113549.1.5.6', { kdf: 'PBES1', iterations: 2048 }],
    ['pbeWithSHA1AndDES-CBC', '1.2.840.113549.1.5.10', { kdf: 'PBES1', iterations: 2048 }],
    ['pbeWithSHA1AndRC2-CBC', '1.2.840.113549.1.5.11', { kdf: 'PBES1', iterations: 2048 }],
    ['pbeWithSHAAnd128BitRC4', '1.2.840.113549.1.12.1.1', { kdf: 'PKCS#12', iterations: 2048 }],
    ['pbeWithSHAAnd40BitRC4', '1.2.840.113549.1.12.1.2', { kdf: 'PKCS#12', iterations: 2048 }],
    ['pbeWithSHAAnd3-KeyTripleDES-CBC', '1.2.840.113549.1.12.1.3', { kdf: 'PKCS#12', iterations: 2048 }],
    ['pbeWithSHAAnd2-KeyTripleDES-CBC', '1.2.840.113549.1.12.1.4', { kdf: 'PKCS#12', iterations: 2048 }],
    ['pbeWithSHAAnd128BitRC2-CBC', '1.2.840.113549.1.12.1.5', { kdf: 'PKCS#12', iterations: 2048 }],
    ['pbewithSHAAnd40BitRC2-CBC', '1.2.840.113549.1.12.1.6', { kdf: 'PKCS#12', iterations: 2048 }],
    ['PBKDF2 named as the encryption algorithm', O.pbkdf2, unknown(O.pbkdf2)],
    ['PBMAC1 (a MAC, not an encryption)', O.pbmac1, unknown(O.pbmac1)],
    ['1.2.840.113549.1.5.2 (not assigned)', '1.2.840.113549.1.5.2', unknown('1.2.840.113549.1.5.2')],
    ['1.2.840.113549.1.5.110 (an arc that begins like 11)', '1.2.840.113549.1.5.110', unknown('1.2.840.113549.1.5.110')],
    ['PKCS#12 1.7 (no such PBE)', '1.2.840.113549.1.12.1.7', unknown('1.2.840.113549.1.12.1.7')],
    ['PKCS#12 1.10 (begins like 1.1)', '1.2.840.113549.1.12.1.10', unknown('1.2.840.113549.1.12.1.10')],
    ['PKCS#12 1.3.1 (a longer OID under 1.3)', '1.2.840.113549.1.12.1.3.1', unknown('1.2.840.113549.1.12.1.3.1')],
    ['an enterprise OID that ends like PKCS#12 1.3', '1.3.6.1.4.1.1.2.840.113549.1.12.1.3', unknown('1.3.6.1.4.1.1.2.840.113549.1.12.1.3')],
    ['AES-256-CBC as the outer algorithm', O.aes256cbc, unknown(O.aes256cbc)],
  ])('%s (%s)', (_name, algorithm, derivation) => expect(privateKeyCost(pem(ENC, pbeParams(algorithm, SALT, int(2048))))).toEqual(ok(derivation)));

  // PBKDF2's prf: each HMAC by name, HMAC-SHA1 when absent, any other OID as it is.
  it.each<[string, Uint8Array[], KeyDerivation]>([
    ['no prf', [SALT, int(2048)], PBKDF2(2048)],
    ['a keyLength, no prf', [SALT, int(2048), int(32)], PBKDF2(2048)],
    ['hmacWithSHA1', [SALT, int(2048), prf('1.2.840.113549.2.7')], PBKDF2(2048, 'HMAC-SHA1')],
    ['hmacWithSHA224', [SALT, int(2048), prf('1.2.840.113549.2.8')], PBKDF2(2048, 'HMAC-SHA224')],
    ['hmacWithSHA256', [SALT, int(2048), prf('1.2.840.113549.2.9')], PBKDF2(2048, 'HMAC-SHA256')],
    ['hmacWithSHA384', [SALT, int(2048), prf('1.2.840.113549.2.10')], PBKDF2(2048, 'HMAC-SHA384')],
    ['hmacWithSHA512', [SALT, int(2048), prf('1.2.840.113549.2.11')], PBKDF2(2048, 'HMAC-SHA512')],
    ['a keyLength and hmacWithSHA512', [SALT, int(2048), int(32), prf('1.2.840.113549.2.11')], PBKDF2(2048, 'HMAC-SHA512')],
    ['hmacWithSHA512-224 (no name here)', [SALT, int(2048), prf('1.2.840.113549.2.12')], PBKDF2(2048, '1.2.840.113549.2.12')],
    ['the salt as otherSource (an AlgorithmIdentifier, RFC 8018)', [seq(oid('1.3.6.1.4.1.99999.1'), SALT), int(2048)], PBKDF2(2048)],
  ])('PBKDF2, %s', (_name, params, derivation) => expect(privateKeyCost(pem(ENC, pbkdf2Params(...params)))).toEqual(ok(derivation)));

  it('PBES2 with a KDF under 2.x (an arc above 39 after 2) is named exactly and left to OpenSSL', () => {
    expect(privateKeyCost(pem(ENC, pbes2(seq(oid('2.999.1'), seq(SALT, int(2048))))))).toEqual(ok(unknown('2.999.1')));
  });
});

describe('OIDs: the names as read', () => {
  const arcs32 = `1.3.6.1.4.1${'.1'.repeat(27)}`; // 5 + 27 bytes
  // [name, encoded OID as the outer algorithm, the name the verdict carries]
  it.each<[string, Uint8Array, string]>([
    ['2.0 (the first value exactly 80)', oid('2.0.1'), '2.0.1'],
    ['2.39 (the largest second arc below 120)', oid('2.39.1'), '2.39.1'],
    ['2.999 (the example arc of X.660)', oid('2.999.1'), '2.999.1'],
    ['0.9.2342 (ITU data)', oid('0.9.2342.19200300.100.1.1'), '0.9.2342.19200300.100.1.1'],
    ['an OID of exactly 32 bytes', oid(arcs32), arcs32],
    ['an OID of 33 bytes', oid(`${arcs32}.1`), '(an OID of 33 bytes)'],
    ['an arc of 2^46 - 1 (the largest read)', oid('1.3.6.1.4.1.70368744177663'), '1.3.6.1.4.1.70368744177663'],
    ['an arc of 2^46', oid('1.3.6.1.4.1.70368744177664'), '(an OID with an oversized arc)'],
    ['an arc of 2^50', oid(`1.3.6.1.4.1.${2 ** 50}`), '(an OID with an oversized arc)'],
    ['a UUID OID (2.25, X.667 example)', bigOid('2.25.329800735698586629295641978511506172918'), '(an OID with an oversized arc)'],
  ])('%s', (_name, encoded, name) => {
    expect(privateKeyCost(pem(ENC, info(seq(encoded, seq(SALT, int(2048))))))).toEqual(ok(unknown(name)));
  });
});

describe('the limits: exact detail at and past each', () => {
  it.each<[string, Uint8Array, KeyCost]>([
    ['PBKDF2 at 2,000,000 (the limit)', pbkdf2Params(SALT, int(2_000_000)), ok(PBKDF2(2_000_000))],
    ['PBKDF2 at 2,000,001', pbkdf2Params(SALT, int(2_000_001)), costly('PBKDF2 (HMAC-SHA1) at 2,000,001 iterations (the limit is 2,000,000)')],
    ['PBKDF2-HMAC-SHA384 at 40,000,000', pbkdf2Params(SALT, int(40_000_000), prf('1.2.840.113549.2.10')), costly('PBKDF2 (HMAC-SHA384) at 40,000,000 iterations (the limit is 2,000,000)')],
    ['PBKDF2 at 2^32 (five bytes)', pbkdf2Params(SALT, int(2 ** 32)), costly('PBKDF2 (HMAC-SHA1) at more than 4,294,967,295 iterations (the limit is 2,000,000)')],
    ['PBES1 at 2,000,001', pbeParams('1.2.840.113549.1.5.3', SALT, int(2_000_001)), costly('PBES1 (PKCS#5 v1.5) at 2,000,001 iterations (the limit is 2,000,000)')],
    ['PKCS#12 PBE at 2^31', pbeParams('1.2.840.113549.1.12.1.3', SALT, int(2 ** 31)), costly('PKCS#12 PBE at 2,147,483,648 iterations (the limit is 2,000,000)')],
    ["scrypt N 2^14, r 8, p 1 (OpenSSL's default)", scryptParams(SALT, int(16384), int(8), int(1)), ok({ kdf: 'scrypt', n: 16384, r: 8, p: 1 })],
    ['scrypt N 2^15, r 8 (32 MiB: the memory limit)', scryptParams(SALT, int(32768), int(8), int(1)), ok({ kdf: 'scrypt', n: 32768, r: 8, p: 1 })],
    ['scrypt N 2^16, r 8 (64 MiB)', scryptParams(SALT, int(65536), int(8), int(1)), costly('scrypt with N 65,536 and r 8: 64 MiB of memory (the limit is 32 MiB)')],
    ['scrypt N 2^14, r 17 (34 MiB)', scryptParams(SALT, int(16384), int(17), int(1)), costly('scrypt with N 16,384 and r 17: 34 MiB of memory (the limit is 32 MiB)')],
    ['scrypt N 2^14, r 16, p 5 (32 MiB, but N·r·p above its limit)', scryptParams(SALT, int(16384), int(16), int(5)), costly('scrypt at N·r·p = 1,310,720 (N 16,384, r 16, p 5; the limit is 1,048,576)')],
    [
      'scrypt whose N·r·p is exactly 2^53 - 1 (6,361 · 69,431 · 20,394,401)',
      scryptParams(SALT, int(6361), int(69431), int(20394401)),
      costly('scrypt at N·r·p = 2^53 or more (N 6,361, r 69,431, p 20,394,401; the limit is 1,048,576)'),
    ],
    [
      'scrypt whose N·r·p is 2^52 (N 2^21, r 2^21, p 2^10: digits below 2^53)',
      scryptParams(SALT, int(2 ** 21), int(2 ** 21), int(2 ** 10)),
      costly('scrypt at N·r·p = 4,503,599,627,370,496 (N 2,097,152, r 2,097,152, p 1,024; the limit is 1,048,576)'),
    ],
  ])('%s', (_name, der, expected) => expect(privateKeyCost(pem(ENC, der))).toEqual(expected));

  it('an unknown derivation is never too costly', () => expect(excessiveCost(unknown('1.2.3.4'))).toBeUndefined());
});

describe('parameters that cannot be read: refused with what is wrong', () => {
  const pbes1 = '1.2.840.113549.1.5.10';
  it.each<[string, Uint8Array, string]>([
    // The structure around the algorithm.
    ['an empty SEQUENCE', seq(), 'the encryption algorithm is missing'],
    ['the algorithm an OID, not a SEQUENCE', seq(oid(O.pbes2), CIPHERTEXT), 'the encryption algorithm is not where it should be'],
    ['an algorithm without a name', seq(seq(), CIPHERTEXT), 'the algorithm is not named'],
    ['an algorithm named by an INTEGER', info(seq(int(1), seq(SALT, int(2048)))), 'the algorithm is not named'],
    ['an algorithm named by an empty OID', info(seq(tlv(0x06), seq(SALT, int(2048)))), 'the algorithm name is empty'],
    ['an OID whose last byte says more follows', info(seq(tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0x86])), seq(SALT, int(2048)))), 'the algorithm name is cut short'],
    ['an OID of one continuation byte', info(seq(tlv(0x06, Buffer.from([0x81])), seq(SALT, int(2048)))), 'the algorithm name is cut short'],
    // PBES2.
    ['PBES2 parameters an OCTET STRING', info(seq(oid(O.pbes2), SALT)), 'the PBES2 parameters is not where it should be'],
    ['PBES2 parameters empty', info(seq(oid(O.pbes2), seq())), 'the key derivation function is missing'],
    ['the key derivation function an OID', info(seq(oid(O.pbes2), seq(oid(O.pbkdf2), seq(oid(O.aes256cbc), IV)))), 'the key derivation function is not where it should be'],
    // PBKDF2.
    ['PBKDF2 without parameters', pbes2(seq(oid(O.pbkdf2))), 'the PBKDF2 parameters are missing'],
    ['PBKDF2 parameters an OCTET STRING', pbes2(seq(oid(O.pbkdf2), SALT)), 'the PBKDF2 parameters is not where it should be'],
    ['PBKDF2 parameters empty', pbkdf2Params(), 'the PBKDF2 salt is missing'],
    ['a PBKDF2 salt that is an INTEGER', pbkdf2Params(int(16), int(2048)), 'the PBKDF2 salt is missing'],
    ['a count that is an OCTET STRING', pbkdf2Params(SALT, octets(Buffer.from([0x08, 0x00]))), 'the PBKDF2 iteration count is missing'],
    ['a count that is a NULL', pbkdf2Params(SALT, nul()), 'the PBKDF2 iteration count is missing'],
    ['an empty count', pbkdf2Params(SALT, tlv(0x02)), 'the PBKDF2 iteration count is empty'],
    ['a count of -1', pbkdf2Params(SALT, tlv(0x02, Buffer.from([0xff]))), 'the PBKDF2 iteration count is negative'],
    ['a count of 0', pbkdf2Params(SALT, int(0)), 'the PBKDF2 iteration count is zero'],
    ['a count of 0 in six bytes', pbkdf2Params(SALT, tlv(0x02, Buffer.alloc(6))), 'the PBKDF2 iteration count is zero'],
    ['a prf without a name', pbkdf2Params(SALT, int(2048), seq()), 'the algorithm is not named'],
    // scrypt.
    ['scrypt without parameters', pbes2(seq(oid(O.scrypt))), 'the scrypt parameters are missing'],
    ['scrypt parameters an OCTET STRING', pbes2(seq(oid(O.scrypt), SALT)), 'the scrypt parameters is not where it should be'],
    ['scrypt parameters empty', scryptParams(), 'the scrypt salt is missing'],
    ['a scrypt salt that is an INTEGER (N, r, p only)', scryptParams(int(16384), int(8), int(1)), 'the scrypt salt is missing'],
    ['a scrypt salt that is a SEQUENCE', scryptParams(seq(SALT), int(16384), int(8), int(1)), 'the scrypt salt is missing'],
    ['scrypt without N', scryptParams(SALT), 'scrypt N is missing'],
    ['scrypt without r', scryptParams(SALT, int(16384)), 'scrypt r is missing'],
    ['scrypt without p', scryptParams(SALT, int(16384), int(8)), 'scrypt p is missing'],
    ['scrypt N 0', scryptParams(SALT, int(0), int(8), int(1)), 'scrypt N is zero'],
    ['scrypt r 0', scryptParams(SALT, int(16384), int(0), int(1)), 'scrypt r is zero'],
    ['scrypt p 0', scryptParams(SALT, int(16384), int(8), int(0)), 'scrypt p is zero'],
    // PBES1 and PKCS#12.
    ['PBES1 without parameters', info(seq(oid(pbes1))), 'the PBE parameters are missing'],
    ['PBES1 parameters an OCTET STRING', info(seq(oid(pbes1), SALT)), 'the PBE parameters is not where it should be'],
    ['PBES1 parameters empty', pbeParams(pbes1), 'the PBE salt is missing'],
    ['a PBES1 salt that is an INTEGER', pbeParams(pbes1, int(2048), int(2048)), 'the PBE salt is missing'],
    ['PBES1 without a count', pbeParams(pbes1, SALT), 'the PBE iteration count is missing'],
    ['PKCS#12 PBE with a count of 0', pbeParams('1.2.840.113549.1.12.1.3', SALT, int(0)), 'the PBE iteration count is zero'],
  ])('%s', (_name, der, why) => {
    expect(privateKeyCost(pem(ENC, der))).toEqual(unreadable(why));
    expect(readKeyDerivation(der)).toEqual({ ok: false, reason: why });
  });
});

describe('DER lengths: as DER writes them, or refused', () => {
  const key = pbkdf2Params(SALT, int(2048));
  it.each<[string, Uint8Array, KeyCost]>([
    ['an RSA-2048-sized key (lengths in two bytes)', pbes2(seq(oid(O.pbkdf2), seq(SALT, int(2048))), RSA_CIPHERTEXT), ok(PBKDF2(2048))],
    ['a length in the long form for 0 (0x81 0x00)', Buffer.from([0x30, 0x81, 0x00]), unreadable('the encryption algorithm is missing')],
    ['a long-form length whose one byte is missing', Buffer.from([0x30, 0x81]), unreadable('it ends in the middle of a length')],
    ['a long-form length whose second byte is missing', Buffer.from([0x30, 0x82, 0x01]), unreadable('it ends in the middle of a length')],
    ['a 4-byte length cut after 3', Buffer.from([0x30, 0x84, 0x00, 0x00, 0x00]), unreadable('it ends in the middle of a length')],
    ['a length one byte short of the declared (0x81 0x05 over 4 bytes)', Buffer.from([0x30, 0x81, 0x05, 0x30, 0x00, 0x04, 0x00]), unreadable('a length runs past the end')],
    ['a length of 5 over 2 bytes', Buffer.from([0x30, 0x05, 0x30, 0x00]), unreadable('a length runs past the end')],
    ['the key with its last byte lost', key.subarray(0, key.length - 1), unreadable('a length runs past the end')],
    ['the key with its last 3 bytes lost', key.subarray(0, key.length - 3), unreadable('a length runs past the end')],
    ['a BER indefinite length', Buffer.from([0x30, 0x80, 0x30, 0x00, 0x00, 0x00]), unreadable('it has an indefinite length (BER, not DER)')],
    ['a 5-byte length', Buffer.from([0x30, 0x85, 0, 0, 0, 0, 0]), unreadable('it has a 5-byte length')],
    ['a one-byte input', Buffer.from([0x30]), unreadable('it ends in the middle of a field')],
    ['an INTEGER', int(5), unreadable('EncryptedPrivateKeyInfo is not where it should be')],
  ])('%s', (_name, der, expected) => expect(privateKeyCost(pem(ENC, der))).toEqual(expected));
});

describe('PEM blocks: which are read, as OpenSSL finds them', () => {
  const costlyKey = pem(ENC, pbkdf2Params(SALT, int(40_000_000)));
  const refusal = costly('PBKDF2 (HMAC-SHA1) at 40,000,000 iterations (the limit is 2,000,000)');
  const [begin = '', ...rest] = costlyKey.split('\n');
  const body = rest.slice(0, -2);
  const end = `-----END ${ENC}-----`;
  it.each<[string, string, KeyCost]>([
    ['the key as written', costlyKey, refusal],
    ['spaces and a tab after BEGIN', [`${begin}  \t`, ...body, end, ''].join('\n'), refusal],
    ['spaces after END', [begin, ...body, `${end}   `, ''].join('\n'), refusal],
    ['text before BEGIN on its line (OpenSSL needs BEGIN at the start)', [`key: ${begin}`, ...body, end, ''].join('\n'), ok()],
    ['text after BEGIN on its line', [`${begin}x`, ...body, end, ''].join('\n'), ok()],
    ['a space before END', [begin, ...body, ` ${end}`, ''].join('\n'), ok()],
    ['END of another label', [begin, ...body, '-----END PRIVATE KEY-----', ''].join('\n'), ok()],
    // Another label: checked only when shaped like an encrypted key, and never refused as unreadable.
    ['the costly key under PRIVATE KEY', pem('PRIVATE KEY', pbkdf2Params(SALT, int(40_000_000))), refusal],
    ['a base64url body under another label, then nothing', '-----BEGIN CERTIFICATE-----\nMIIB_w-A\n-----END CERTIFICATE-----\n', ok()],
    ['a base64url body under another label, then the costly key', `-----BEGIN CERTIFICATE-----\nMIIB_w-A\n-----END CERTIFICATE-----\n${costlyKey}`, refusal],
    ['PBES2 without parameters under PRIVATE KEY', pem('PRIVATE KEY', info(seq(oid(O.pbes2)))), ok()],
    ['PBES2 without parameters under PRIVATE KEY, then the costly key', `${pem('PRIVATE KEY', info(seq(oid(O.pbes2))))}${costlyKey}`, refusal],
    ['a public key (SPKI is shaped like one: its algorithm is read as unknown)', pem('PUBLIC KEY', seq(seq(oid(O.rsaEncryption), nul()), tlv(0x03, Buffer.from([0, 1, 2])))), ok(unknown(O.rsaEncryption))],
    ['an ENCRYPTED PRIVATE KEY that is not base64', `-----BEGIN ${ENC}-----\nMIIB_w-A\n-----END ${ENC}-----\n`, { ok: false, reason: 'unreadable', detail: 'its ENCRYPTED PRIVATE KEY block is not base64' }],
  ])('%s', (_name, text, expected) => expect(privateKeyCost(text)).toEqual(expected));

  it.each<[string, string, Array<[string, number[]]>]>([
    ['one block', '-----BEGIN A-----\nTWFu\n-----END A-----\n', [['A', [77, 97, 110]]]],
    ['CR line ends', '-----BEGIN A-----\rTWFu\r-----END A-----\r', [['A', [77, 97, 110]]]],
    ['trailing spaces on BEGIN and END', '-----BEGIN A-----  \nTWFu\n-----END A----- \t\n', [['A', [77, 97, 110]]]],
    ['BEGIN not at the start', ' -----BEGIN A-----\nTWFu\n-----END A-----\n', []],
    ['BEGIN with text after', '-----BEGIN A-----.\nTWFu\n-----END A-----\n', []],
    ['BEGIN at the last line', 'x\n-----BEGIN A-----', []],
    ['BEGIN without END', '-----BEGIN A-----\nTWFu\n', []],
  ])('pemBlocks: %s', (_name, text, blocks) => expect(pemBlocks(text).map((block) => [block.label, [...(block.der ?? [])]])).toEqual(blocks));

  it.each<[string, number[] | undefined]>([
    ['TW\r\nFu', [77, 97, 110]],
    ['T\rW\rF\ru', [77, 97, 110]],
    ['TWFu\r', [77, 97, 110]],
    ['TWFu=\r!', [77, 97, 110]],
    ['TW_u', undefined],
  ])('decodeBase64(%j)', (text, bytes) => expect(decodeBase64(text) && [...(decodeBase64(text) ?? [])]).toEqual(bytes));
});
