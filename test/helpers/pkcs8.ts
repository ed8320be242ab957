// Encrypted PKCS#8 keys for tests, built here byte by byte: a tiny DER writer, and a PBES2 encryptor
// (PBKDF2 + AES-256-CBC, RFC 8018) whose output Node's own crypto decrypts — so a test can make a key
// at any iteration count, or one that CLAIMS an absurd count without paying for it (the ciphertext
// is then made at a small count: decrypting it would fail, after the absurd derivation).
import { createCipheriv, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';

/** A DER TLV (definite length, short or long form). */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  const length = body.length;
  const head =
    length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : length < 0x10000 ? [0x82, length >> 8, length & 0xff] : [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...head]), body]);
}

export const seq = (...content: Uint8Array[]) => tlv(0x30, ...content);
export const octets = (bytes: Uint8Array) => tlv(0x04, bytes);
export const nul = () => tlv(0x05);

/** A non-negative INTEGER, minimal DER (a leading zero byte when the top bit is set). */
export function int(value: number | bigint): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const groups: number[] = [];
    let value = arc;
    do {
      groups.unshift(value % 128);
      value = Math.floor(value / 128);
    } while (value > 0);
    out.push(...groups.map((group, i) => (i < groups.length - 1 ? group | 0x80 : group)));
  }
  return tlv(0x06, Buffer.from(out));
}

export const OIDS = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  pbeWithSHA1AndDES: '1.2.840.113549.1.5.10',
  pbeWithSHAAnd3KeyTripleDES: '1.2.840.113549.1.12.1.3',
} as const;

export function pem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** EncryptedPrivateKeyInfo with PBES2/PBKDF2 parameters as given (the ciphertext is random). */
export function pbkdf2Info(iterations: number | bigint, options: { prf?: string; ciphertext?: Uint8Array; salt?: Uint8Array; iv?: Uint8Array } = {}): Buffer {
  const kdf = seq(oid(OIDS.pbkdf2), seq(octets(options.salt ?? randomBytes(16)), int(iterations), ...(options.prf === undefined ? [] : [seq(oid(options.prf), nul())])));
  return seq(seq(oid(OIDS.pbes2), seq(kdf, seq(oid(OIDS.aes256cbc), octets(options.iv ?? randomBytes(16))))), octets(options.ciphertext ?? randomBytes(144)));
}

/** EncryptedPrivateKeyInfo with PBES2/scrypt parameters. */
export function scryptInfo(n: number | bigint, r: number | bigint, p: number | bigint): Buffer {
  const kdf = seq(oid(OIDS.scrypt), seq(octets(randomBytes(16)), int(n), int(r), int(p)));
  return seq(seq(oid(OIDS.pbes2), seq(kdf, seq(oid(OIDS.aes256cbc), octets(randomBytes(16))))), octets(randomBytes(144)));
}

/** EncryptedPrivateKeyInfo with PBES1 or PKCS#12 PBE parameters { salt, iterations }. */
export function pbeInfo(algorithm: string, iterations: number | bigint): Buffer {
  return seq(seq(oid(algorithm), seq(octets(randomBytes(8)), int(iterations))), octets(randomBytes(144)));
}

/**
 * A real encrypted PKCS#8 PEM (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) made at `iterations`, that
 * says `claimedIterations` (default: the same) in its parameters.
 */
export function encryptedPkcs8(key: KeyObject, passphrase: string, iterations: number, claimedIterations: number | bigint = iterations): string {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const derived = pbkdf2Sync(passphrase, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', derived, iv);
  const plain = key.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return pem('ENCRYPTED PRIVATE KEY', pbkdf2Info(claimedIterations, { prf: OIDS.hmacWithSHA256, ciphertext, salt, iv }));
}
