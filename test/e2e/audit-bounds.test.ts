/**
 * The admin side's bounds, end to end (issue 17, items 9 and 10): the BUILT CLI as a child process,
 * the real snowflake-sdk, against the Snowflake simulator's administrator side on 127.0.0.1.
 * - Item 9: an encrypted key that asks for 40,000,000 PBKDF2 iterations is refused before OpenSSL
 *   derives anything (the unfixed CLI spent ~25 s in one synchronous call under --timeout 2), in
 *   audit and in doctor --admin-connection; a key at a usual cost still logs in.
 * - Item 10: a server that answers every SHOW USERS page with 2,000 new users, one with a field of a
 *   million characters, or one that lists 1,000 identities per user: exit 4 with a stable code, and
 *   a peak RSS far below 512 MB (the unfixed CLI grew without end: 3.1 GB).
 *
 * Build first: `npm run build`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminMode } from '../../src/simulators/snowflake-admin.js';
import type { SnowflakeSimulator, StsSimulator } from '../../src/simulators/index.js';
import { encryptedPkcs8 } from '../helpers/pkcs8.js';
import { auditEnv, describeRun, doctorWithAdminEnv, runCliWithoutSecrets, startAuditTestBed, tempDir, type AuditTestBed, type CliResult } from './run-cli.js';

const PASSPHRASE = 'correct horse battery staple 42';
const PAT = 'pat_EXAMPLEc2VjcmV0LXBhdC10b2tlbi1uZXZlci1wcmludGVk';
const ACCOUNT = 'simorg-wifcheck';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** Node's own export: PBES2, PBKDF2-HMAC-SHA256, 2,048 iterations. */
const USUAL_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }).toString();
/** OWASP's 600,000 iterations, really encrypted at that count (decrypting it is ~0.2-0.5 s). */
const OWASP_PEM = encryptedPkcs8(keys.privateKey, PASSPHRASE, 600_000);
/** Claims 40,000,000 iterations (the key); encrypted at 1,000, so it never decrypts anyway. */
const ABSURD_PEM = encryptedPkcs8(keys.privateKey, PASSPHRASE, 1_000, 40_000_000);
const keyLines = (pem: string) => pem.split('\n').filter((line) => line.length >= 12 && !line.startsWith('-----'));
const SECRETS = [PASSPHRASE, PAT, ...keyLines(USUAL_PEM), ...keyLines(OWASP_PEM), ...keyLines(ABSURD_PEM)];

/** Far below the ~25 s the unfixed CLI spent deriving the absurd key. */
const PROMPT_MS = 5_000;
/** The bound for the whole process, whatever the server sends. */
const PEAK_RSS_MIB = 512;

let bed: AuditTestBed | undefined;
let sim: SnowflakeSimulator;
let sts: StsSimulator;
let dir: string;
let rssPreload: string;

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};

beforeAll(async () => {
  dir = tempDir('audit-bounds-');
  file('usual.p8', USUAL_PEM);
  file('owasp.p8', OWASP_PEM);
  file('absurd.p8', ABSURD_PEM);
  file('pat.token', `${PAT}\n`);
  // Peak RSS as the child itself saw it (getrusage ru_maxrss, KiB), written as it exits (as test/e2e/aws-hostile.test.ts).
  rssPreload = file('peak-rss.cjs', "process.on('exit', () => require('node:fs').writeFileSync(process.env.WIF_TEST_RSS_OUT, String(process.resourceUsage().maxRSS)));\n");
  bed = await startAuditTestBed(ACCOUNT, { publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), pats: [PAT] });
  ({ sim, sts } = bed);
});

afterAll(async () => {
  await bed?.close();
});

const env = (extra: Record<string, string | undefined> = {}) => auditEnv(ACCOUNT, sim, extra);

/** The failure document's error, with its hint (beside it in the document). */
function errorOf(result: CliResult): { code?: string; message?: string; hint?: string | null } | undefined {
  const document = JSON.parse(result.stdout) as { error?: { code?: string; message?: string }; hint?: string | null };
  return document.error && { ...document.error, hint: document.hint };
}

describe('item 9: --timeout bounds private-key decryption', () => {
  it('a key asking for 40,000,000 PBKDF2 iterations: exit 2 BAD_PRIVATE_KEY at once, naming the cost and the limit, no login', async () => {
    const logins = sim.admin.logins.length;
    const result = await runCliWithoutSecrets(['audit', '--private-key-file', join(dir, 'absurd.p8'), '--timeout', '2', '--json'], env({ PRIVATE_KEY_PASSPHRASE: PASSPHRASE }), SECRETS);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.durationMs, describeRun(result)).toBeLessThan(PROMPT_MS);
    const error = errorOf(result);
    expect(error?.code).toBe('BAD_PRIVATE_KEY');
    expect(error?.message).toMatch(/PBKDF2 \(HMAC-SHA256\) at 40,000,000 iterations \(the limit is 2,000,000\)/);
    expect(error?.hint).toMatch(/openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000/);
    expect(sim.admin.logins.length).toBe(logins);
  });

  it('in text mode it is one ✖ line and the hint, no stack trace', async () => {
    const result = await runCliWithoutSecrets(['audit', '--private-key-file', join(dir, 'absurd.p8'), '--timeout', '2'], env({ PRIVATE_KEY_PASSPHRASE: PASSPHRASE }), SECRETS);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.durationMs, describeRun(result)).toBeLessThan(PROMPT_MS);
    expect(result.stderr).toMatch(/^✖ the private key file .*absurd\.p8 derives its key with PBKDF2 \(HMAC-SHA256\) at 40,000,000 iterations \(the limit is 2,000,000\): refused, decrypting it would block wif-check for too long\n/);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it.each([
    ["Node's export (2,048 iterations)", 'usual.p8'],
    ["OWASP's 600,000 iterations", 'owasp.p8'],
  ])('a key at a usual cost still logs in: %s', async (_name, key) => {
    const result = await runCliWithoutSecrets(['audit', '--private-key-file', join(dir, key), '--timeout', '20', '--json'], env({ PRIVATE_KEY_PASSPHRASE: PASSPHRASE }), SECRETS);
    expect(result.code, describeRun(result)).toBe(1);
    expect(sim.admin.logins.at(-1)).toMatchObject({ ok: true, authenticator: 'SNOWFLAKE_JWT', user: 'AUDITOR' });
  });

  it('doctor --admin-connection with that key: the registration check says why, at once', async () => {
    const doctorEnv = doctorWithAdminEnv({ account: ACCOUNT, snowflake: sim, stsUrl: sts.url, keyFile: join(dir, 'absurd.p8'), passphrase: PASSPHRASE });
    const result = await runCliWithoutSecrets(['doctor', '--expect-user', 'LAMBDA_LOADER', '--admin-connection', 'admin', '--timeout', '5', '--json'], doctorEnv, SECRETS);
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.durationMs, describeRun(result)).toBeLessThan(PROMPT_MS + 5_000);
    const registration = (JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; detail: string }> }).checks.find((check) => check.id === 'snowflake-registration');
    expect(registration).toMatchObject({ status: 'warn', detail: expect.stringMatching(/40,000,000 iterations \(the limit is 2,000,000\)/) });
  });
});

describe('item 10: what audit keeps of an account is bounded', () => {
  /** audit --json against the simulator in `mode`, with the child's peak RSS. */
  async function hostileAudit(mode: AdminMode, timeoutSeconds: number) {
    const rssOut = join(tempDir('rss-out-'), 'rss');
    // The heap cap (twice the bound) only keeps a regression from eating the shared machine: it
    // crashes instead (exit 134), which fails the test as surely as a high peak.
    const environment = env({ SNOWFLAKE_TOKEN_FILE_PATH: join(dir, 'pat.token'), NODE_OPTIONS: `--require ${JSON.stringify(rssPreload)} --max-old-space-size=1024`, WIF_TEST_RSS_OUT: rssOut });
    sim.admin.setMode(mode);
    try {
      const result = await runCliWithoutSecrets(['audit', '--json', '--timeout', String(timeoutSeconds)], environment, SECRETS, { timeoutMs: (timeoutSeconds + 15) * 1000 });
      expect(existsSync(rssOut), describeRun(result)).toBe(true);
      return { result, peakMiB: Number(readFileSync(rssOut, 'utf8')) / 1024 };
    } finally {
      sim.admin.setMode('normal');
    }
  }

  it(
    'every SHOW USERS page brings 2,000 new users: exit 4 TOO_MANY_USERS after 100,000, peak RSS under 512 MB',
    async () => {
      const { result, peakMiB } = await hostileAudit('users-flood', 90);
      expect(result.code, describeRun(result)).toBe(4);
      expect(errorOf(result)).toMatchObject({ code: 'TOO_MANY_USERS', message: expect.stringMatching(/more than 100,000 users/) });
      expect(peakMiB, `peak RSS ${peakMiB.toFixed(0)} MiB`).toBeLessThan(PEAK_RSS_MIB);
      // It stopped at the cap, not at the timeout: 50 pages and one more.
      expect(sim.admin.flooded).toBeLessThanOrEqual(102_000);
    },
    120_000,
  );

  it('a default_role of a million characters: exit 4 UNEXPECTED_ANSWER naming the length and the limit', async () => {
    const { result, peakMiB } = await hostileAudit('huge-fields', 20);
    expect(result.code, describeRun(result)).toBe(4);
    expect(errorOf(result)).toMatchObject({ code: 'UNEXPECTED_ANSWER', message: expect.stringMatching(/default role \(user HUGE_FIELDS\) of 1,000,000 characters: refused \(the limit is 512\)/) });
    expect(peakMiB).toBeLessThan(PEAK_RSS_MIB);
  });

  it('1,000 identities for one user: exit 4 TOO_MANY_IDENTITIES', async () => {
    const { result } = await hostileAudit('identities-flood', 20);
    expect(result.code, describeRun(result)).toBe(4);
    expect(errorOf(result)).toMatchObject({ code: 'TOO_MANY_IDENTITIES', message: expect.stringMatching(/listed 1,000 identities for \S+: more than the 100 audit reads for one user/) });
  });
});
