/**
 * What decrypting a private key will cost, read before anything decrypts it (issue 17, item 9).
 * OpenSSL derives the key of an encrypted PKCS#8 PEM synchronously, in one native call that no
 * timer can stop: a key that asks for 40,000,000 PBKDF2 iterations held `audit --timeout 2` for
 * 24.5 s (2^31 would hold it ~25 minutes). So the key-derivation parameters are read first, with a
 * small, strictly bounded DER reader, and a cost above the limits below is refused.
 *
 * Read (RFC 8018, RFC 7914, RFC 7292): EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier,
 * OCTET STRING }, whose algorithm is
 * - PBES2 { keyDerivationFunc: PBKDF2 { salt, iterationCount, keyLength?, prf? } | scrypt { salt, N,
 *   r, p, keyLength? }, encryptionScheme },
 * - PBES1 (PKCS#5 v1.5) or PKCS#12 PBE: { salt, iterations }.
 * Any other algorithm is left to OpenSSL (it fails, or succeeds at once). A traditional PEM
 * (`Proc-Type: 4,ENCRYPTED`) derives its key with one MD5 round (EVP_BytesToKey): cheap, left alone.
 *
 * Pure: text in, a verdict out; no I/O, no Node API.
 */

/**
 * PBKDF2 (and PBES1, PKCS#12) iterations. Measured with Node 20 / OpenSSL 3.0 on a 2-core AMD EPYC
 * (docs/security.md): per million iterations ~0.3 s with HMAC-SHA256, ~0.6 s with HMAC-SHA1 for an
 * AES-256 key (two 20-byte blocks) or HMAC-SHA512, on a quiet machine; 2-3 times that with the cores
 * shared (load 15) or OpenSSL's generic C code. 2,000,000 keeps a decryption within ~0.6-1.2 s
 * (2-3 s at worst), and accepts every common tool's default: OpenSSL's 2,048, Java's 10,000,
 * OWASP's 600,000 (SHA-256) and 1,300,000 (SHA-1).
 */
export const MAX_KDF_ITERATIONS = 2_000_000;
/** scrypt work N·r·p: 2^20, 8 times OpenSSL's `pkcs8 -scrypt` default (N 16384, r 8, p 1; ~0.05 s), ~0.5-1 s. */
export const MAX_SCRYPT_WORK = 2 ** 20;
/** scrypt memory 128·N·r bytes: OpenSSL's own limit when it reads a key (it refuses more). */
export const MAX_SCRYPT_MEMORY_BYTES = 32 * 1024 * 1024;

export type KeyDerivation =
  | { kdf: 'PBKDF2'; iterations: number; prf: string }
  | { kdf: 'scrypt'; n: number; r: number; p: number }
  | { kdf: 'PBES1' | 'PKCS#12'; iterations: number }
  | { kdf: 'unknown'; oid: string };

/** Integers are read up to 2^32 - 1; a larger one is Infinity (above every limit). */
export const INTEGER_LIMIT = 2 ** 32;

export type KeyCost =
  /** Nothing costly found (unencrypted, traditional PEM, an algorithm left to OpenSSL), or costs within the limits. */
  | { ok: true; derivations: KeyDerivation[] }
  /** `detail` names the cost and the limit, or what cannot be read: "PBKDF2 (HMAC-SHA256) at 40,000,000 iterations (the limit is 2,000,000)". */
  | { ok: false; reason: 'too-costly' | 'unreadable'; detail: string };

export type DerivationReading = { ok: true; derivation: KeyDerivation } | { ok: false; reason: string };

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';
const PBES1 = new Set(['1', '3', '4', '6', '10', '11'].map((arc) => `1.2.840.113549.1.5.${arc}`));
const PKCS12_PBE = /^1\.2\.840\.113549\.1\.12\.1\.[1-6]$/;
const PRF_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'HMAC-SHA1',
  '1.2.840.113549.2.8': 'HMAC-SHA224',
  '1.2.840.113549.2.9': 'HMAC-SHA256',
  '1.2.840.113549.2.10': 'HMAC-SHA384',
  '1.2.840.113549.2.11': 'HMAC-SHA512',
};

const TAG = { INTEGER: 0x02, OCTET_STRING: 0x04, OID: 0x06, SEQUENCE: 0x30 } as const;
/** An OID longer than this is not one of the algorithms above: it is read as unknown. */
const MAX_OID_BYTES = 32;

/** What a PEM label is when OpenSSL reads it as an encrypted PKCS#8 key. */
export const ENCRYPTED_PKCS8_LABEL = 'ENCRYPTED PRIVATE KEY';

class Malformed extends Error {}

interface Tlv {
  tag: number;
  /** Content: [start, end) of the input. */
  start: number;
  end: number;
}

/** One TLV at `offset`, its content within `limit`: definite lengths of at most 4 bytes, single-byte tags. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new Malformed('it ends in the middle of a field');
  const tag = der[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Malformed('it has a multi-byte tag');
  const first = der[offset + 1] as number;
  let start = offset + 2;
  let length = first;
  if (first === 0x80) throw new Malformed('it has an indefinite length (BER, not DER)');
  if (first > 0x80) {
    const bytes = first & 0x7f;
    if (bytes > 4) throw new Malformed(`it has a ${bytes}-byte length`);
    if (start + bytes > limit) throw new Malformed('it ends in the middle of a length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] as number);
    start += bytes;
  }
  if (length > limit - start) throw new Malformed('a length runs past the end');
  return { tag, start, end: start + length };
}

function must(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new Malformed(`${what} is not where it should be`);
  return tlv;
}

/** The fields of a constructed TLV, in order, each read within it. */
function fields(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const tlv = readTlv(der, offset, parent.end);
    out.push(tlv);
    offset = tlv.end;
  }
  return out;
}

/** A positive INTEGER below 2^32; Infinity at or above it. */
function unsigned(der: Uint8Array, tlv: Tlv | undefined, what: string): number {
  if (!tlv || tlv.tag !== TAG.INTEGER) throw new Malformed(`${what} is missing`);
  if (tlv.end === tlv.start) throw new Malformed(`${what} is empty`);
  if (((der[tlv.start] as number) & 0x80) !== 0) throw new Malformed(`${what} is negative`);
  let start = tlv.start;
  while (start < tlv.end - 1 && der[start] === 0) start++;
  if (tlv.end - start > 4) return Number.POSITIVE_INFINITY;
  let value = 0;
  for (let i = start; i < tlv.end; i++) value = value * 256 + (der[i] as number);
  if (value === 0) throw new Malformed(`${what} is zero`);
  return value;
}

function oid(der: Uint8Array, tlv: Tlv | undefined): string {
  if (!tlv || tlv.tag !== TAG.OID) throw new Malformed('the algorithm is not named');
  if (tlv.end === tlv.start) throw new Malformed('the algorithm name is empty');
  if (tlv.end - tlv.start > MAX_OID_BYTES) return `(an OID of ${tlv.end - tlv.start} bytes)`;
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = der[i] as number;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return '(an OID with an oversized arc)';
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    } else if (i === tlv.end - 1) throw new Malformed('the algorithm name is cut short');
  }
  return arcs.join('.');
}

/** The key derivation an EncryptedPrivateKeyInfo (DER) asks for; unknown algorithms as such. */
export function readKeyDerivation(der: Uint8Array): DerivationReading {
  try {
    return { ok: true, derivation: derivationOf(der) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message };
    throw error;
  }
}

function derivationOf(der: Uint8Array): KeyDerivation {
  const info = must(readTlv(der, 0, der.length), TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
  const [algorithm] = fields(der, info);
  if (!algorithm) throw new Malformed('the encryption algorithm is missing');
  const [algorithmOid, parameters] = fields(der, must(algorithm, TAG.SEQUENCE, 'the encryption algorithm'));
  const name = oid(der, algorithmOid);
  if (name === PBES2) {
    if (!parameters) throw new Malformed('the PBES2 parameters are missing');
    const [kdf] = fields(der, must(parameters, TAG.SEQUENCE, 'the PBES2 parameters'));
    if (!kdf) throw new Malformed('the key derivation function is missing');
    const [kdfOid, kdfParameters] = fields(der, must(kdf, TAG.SEQUENCE, 'the key derivation function'));
    const kdfName = oid(der, kdfOid);
    if (kdfName === PBKDF2) {
      if (!kdfParameters) throw new Malformed('the PBKDF2 parameters are missing');
      const [salt, iterations, ...rest] = fields(der, must(kdfParameters, TAG.SEQUENCE, 'the PBKDF2 parameters'));
      if (!salt || (salt.tag !== TAG.OCTET_STRING && salt.tag !== TAG.SEQUENCE)) throw new Malformed('the PBKDF2 salt is missing');
      const iterationCount = unsigned(der, iterations, 'the PBKDF2 iteration count');
      // keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1.
      const prfField = rest.find((field) => field.tag === TAG.SEQUENCE);
      const prfOid = prfField ? oid(der, fields(der, prfField)[0]) : '1.2.840.113549.2.7';
      return { kdf: 'PBKDF2', iterations: iterationCount, prf: PRF_NAMES[prfOid] ?? prfOid };
    }
    if (kdfName === SCRYPT) {
      if (!kdfParameters) throw new Malformed('the scrypt parameters are missing');
      const [salt, n, r, p] = fields(der, must(kdfParameters, TAG.SEQUENCE, 'the scrypt parameters'));
      if (!salt || salt.tag !== TAG.OCTET_STRING) throw new Malformed('the scrypt salt is missing');
      return { kdf: 'scrypt', n: unsigned(der, n, 'scrypt N'), r: unsigned(der, r, 'scrypt r'), p: unsigned(der, p, 'scrypt p') };
    }
    return { kdf: 'unknown', oid: kdfName };
  }
  const pbes1 = PBES1.has(name);
  if (pbes1 || PKCS12_PBE.test(name)) {
    if (!parameters) throw new Malformed('the PBE parameters are missing');
    const [salt, iterations] = fields(der, must(parameters, TAG.SEQUENCE, 'the PBE parameters'));
    if (!salt || salt.tag !== TAG.OCTET_STRING) throw new Malformed('the PBE salt is missing');
    return { kdf: pbes1 ? 'PBES1' : 'PKCS#12', iterations: unsigned(der, iterations, 'the PBE iteration count') };
  }
  return { kdf: 'unknown', oid: name };
}

/** Whether `der` begins like an EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID, … }, … }. */
function looksEncrypted(der: Uint8Array): boolean {
  try {
    const info = must(readTlv(der, 0, der.length), TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
    const algorithm = must(readTlv(der, info.start, info.end), TAG.SEQUENCE, 'the encryption algorithm');
    return readTlv(der, algorithm.start, algorithm.end).tag === TAG.OID;
  } catch (error) {
    if (error instanceof Malformed) return false;
    throw error;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((char, i) => [char, i]));

/** Base64 (whitespace ignored, stops at '='); undefined when another character is in it. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let length = 0;
  let bits = 0;
  let buffer = 0;
  for (const char of text) {
    if (char === '=') break;
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') continue;
    const value = BASE64_VALUE.get(char);
    if (value === undefined) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, length);
}

export interface PemBlock {
  label: string;
  /** The base64 body decoded; undefined when it is not base64. */
  der: Uint8Array | undefined;
}

/** Every `-----BEGIN X-----` … `-----END X-----` block, line by line as OpenSSL reads PEM (header lines skipped). */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const begin = /^-----BEGIN ([^-]{1,64})-----\s*$/.exec(lines[i] ?? '');
    if (!begin) continue;
    const label = begin[1] as string;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? '').startsWith('-----END '); j++) {
      // RFC 1421 headers (Proc-Type, DEK-Info) and their blank separator line.
      if (!(lines[j] ?? '').includes(':')) body.push(lines[j] ?? '');
    }
    if (j < lines.length && (lines[j] ?? '').trimEnd() === `-----END ${label}-----`) blocks.push({ label, der: decodeBase64(body.join('')) });
    i = j;
  }
  return blocks;
}

const digits = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const count = (value: number): string =>
  !Number.isFinite(value) ? `more than ${digits(INTEGER_LIMIT - 1)}` : value >= Number.MAX_SAFE_INTEGER ? `2^${Math.floor(Math.log2(value))} or more` : digits(value);

/** Why a derivation is above the limits ("PBKDF2 (HMAC-SHA256) at 40,000,000 iterations (the limit is 2,000,000)"), or undefined. */
export function excessiveCost(derivation: KeyDerivation): string | undefined {
  switch (derivation.kdf) {
    case 'PBKDF2':
    case 'PBES1':
    case 'PKCS#12': {
      if (derivation.iterations <= MAX_KDF_ITERATIONS) return undefined;
      const what = derivation.kdf === 'PBKDF2' ? `PBKDF2 (${derivation.prf})` : derivation.kdf === 'PBES1' ? 'PBES1 (PKCS#5 v1.5)' : 'PKCS#12 PBE';
      return `${what} at ${count(derivation.iterations)} iterations (the limit is ${count(MAX_KDF_ITERATIONS)})`;
    }
    case 'scrypt': {
      const { n, r, p } = derivation;
      const work = n * r * p;
      const memory = 128 * n * r;
      if (work > MAX_SCRYPT_WORK) return `scrypt at N·r·p = ${count(work)} (N ${count(n)}, r ${count(r)}, p ${count(p)}; the limit is ${count(MAX_SCRYPT_WORK)})`;
      if (memory > MAX_SCRYPT_MEMORY_BYTES) return `scrypt with N ${count(n)} and r ${count(r)}: ${count(Math.ceil(memory / (1024 * 1024)))} MiB of memory (the limit is ${MAX_SCRYPT_MEMORY_BYTES / (1024 * 1024)} MiB)`;
      return undefined;
    }
    case 'unknown':
      return undefined;
  }
}

/**
 * The cost of decrypting every private key in a PEM text, before anything decrypts it. An
 * `ENCRYPTED PRIVATE KEY` block whose parameters cannot be read is refused (OpenSSL's reader is
 * more lenient than this one: what it might still read is not guessed at); a block under another
 * label is checked only when it is shaped like an encrypted PKCS#8 key.
 */
export function privateKeyCost(text: string): KeyCost {
  const derivations: KeyDerivation[] = [];
  for (const block of pemBlocks(text)) {
    const labelled = block.label === ENCRYPTED_PKCS8_LABEL;
    if (!block.der) {
      if (labelled) return { ok: false, reason: 'unreadable', detail: 'its ENCRYPTED PRIVATE KEY block is not base64' };
      continue;
    }
    if (!labelled && !looksEncrypted(block.der)) continue;
    const reading = readKeyDerivation(block.der);
    if (!reading.ok) {
      if (labelled) return { ok: false, reason: 'unreadable', detail: `its encryption parameters cannot be read: ${reading.reason}` };
      continue;
    }
    const excess = excessiveCost(reading.derivation);
    if (excess) return { ok: false, reason: 'too-costly', detail: excess };
    derivations.push(reading.derivation);
  }
  return { ok: true, derivations };
}
