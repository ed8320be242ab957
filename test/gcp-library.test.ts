/**
 * `provider: 'gcp'` through the library (src/index.ts) and the Lambda handler (src/lambda.ts),
 * in-process against the test bed's metadata server (GCE_METADATA_HOST) and Snowflake: the same
 * provider as the CLI's, the real google-auth-library and snowflake-sdk (issue 19, "Both").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSql, whoami } from '../src/index.js';
import { handler } from '../src/lambda.js';
import { DEFAULT_GCP_ACCOUNTS, GCP_RUNTIME_SA, startTestBed, type TestBedWithGcp } from '../src/simulators/index.js';
import { tempDir } from './e2e/run-cli.js';

const RUNTIME_ID = DEFAULT_GCP_ACCOUNTS.find((account) => account.email === GCP_RUNTIME_SA)?.uniqueId ?? '';
let bed: TestBedWithGcp;
const saved = { ...process.env };

beforeAll(async () => {
  bed = await startTestBed({ gcp: { publicIam: false } });
  for (const key of Object.keys(process.env)) if (/^(AWS_|SNOWFLAKE_|WIF_CHECK_|GOOGLE_|GCE_)/.test(key)) delete process.env[key];
  Object.assign(process.env, bed.env, { HOME: tempDir('wif-check-gcp-home-'), SF_OCSP_RESPONSE_CACHE_DIR: tempDir('wif-check-ocsp-') });
}, 60_000);

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await bed?.close();
});

describe("the library's provider 'gcp'", () => {
  it('whoami: the unique ID and the registration; the token never in the report', async () => {
    const report = await whoami({ provider: 'gcp' });
    expect(report).toMatchObject({ provider: 'gcp', subject: RUNTIME_ID, registration: { type: 'GCP', subject: RUNTIME_ID } });
    for (const secret of bed.gcp.issuedSecrets) expect(JSON.stringify(report)).not.toContain(secret);
  });

  it('generateSql offline, any case of the provider name', async () => {
    const generated = await generateSql({ provider: 'GCP', subject: RUNTIME_ID, user: 'gcp_runtime', alter: true, verify: false });
    expect(generated.sql).toBe(`ALTER USER gcp_runtime SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${RUNTIME_ID}');`);
  });
});

describe("the Lambda event's provider 'gcp'", () => {
  it('runs the GCP doctor: token, claims, login, user', async () => {
    const report = await handler({ provider: 'gcp', expectUser: 'GCP_RUNTIME' });
    expect(report, JSON.stringify(report.checks)).toMatchObject({ ok: true, exitCode: 0, provider: 'gcp', user: 'GCP_RUNTIME', subject: RUNTIME_ID });
    expect(report.checks.map((check) => check.id)).toEqual(['gcp-token', 'gcp-claims', 'login', 'user']);
  });
});
