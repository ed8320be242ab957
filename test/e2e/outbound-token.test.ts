/**
 * AWS's JWT method ("outbound token") end to end: the BUILT CLI, the real AWS SDK and the real
 * snowflake-sdk (workloadIdentityAwsUseOutboundToken) against the local STS simulator (which signs
 * GetWebIdentityToken answers with jose and serves each account's issuer) and the Snowflake
 * simulator (which verifies the token against the issuer's JWKS and maps sub + iss to a user).
 *
 * Every run is checked: no token STS issued (nor its signature), no AWS secret, appears in stdout
 * or stderr, in any mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ACCOUNT, TEST_IDENTITIES, credentialsEnv, startTestBed, type TestBed, type TestBedOptions, type TestIdentity } from '../../src/simulators/index.js';
import { KNOWN_SECRETS, allOutput, cleanEnv, describeRun, runCli, type CliResult } from './run-cli.js';

const PATH_FREE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/my-fn-role`;
const SERVICE_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/service-role/my-fn-role`;
const CALLER_ARN = TEST_IDENTITIES.assumedRole.arn;

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function startBed(opts: TestBedOptions = {}): Promise<TestBed> {
  bed = await startTestBed(opts);
  return bed;
}

function issuer(b: TestBed): string {
  return b.sts.webIdentity.issuerFor(TEST_ACCOUNT);
}

/** Runs the CLI against `b` and asserts that no token or secret reached the output. */
async function cli(b: TestBed, args: string[], options: { identity?: TestIdentity; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const env = cleanEnv({ ...b.env, ...credentialsEnv(options.identity ?? TEST_IDENTITIES.assumedRole), ...options.env });
  const result = await runCli(args, { env, timeoutMs: 40_000 });
  const output = allOutput(result);
  for (const token of b.sts.webIdentity.issuedTokens) {
    const [, payload = '', signature = ''] = token.split('.');
    expect(output.includes(token), `the token was printed by ${args.join(' ')}`).toBe(false);
    expect(output.includes(signature), `the token's signature was printed by ${args.join(' ')}`).toBe(false);
    expect(output.includes(payload.slice(0, 40)), `the token's payload was printed by ${args.join(' ')}`).toBe(false);
  }
  for (const secret of KNOWN_SECRETS) expect(output.includes(secret), 'an AWS secret was printed').toBe(false);
  return result;
}

function json(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('whoami --outbound-token', () => {
  it('shows the token issuer, subject and claims, and the path-free ARN with the ISSUER', async () => {
    const b = await startBed();
    const result = await cli(b, ['whoami', '--outbound-token', '--no-color']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Method\s+outbound token \(STS GetWebIdentityToken, ES384, audience snowflakecomputing\.com\)/);
    expect(issuer(b)).toMatch(/^https:\/\/[0-9a-f-]+\.tokens\.sts\.global\.api\.aws$/);
    expect(result.stdout).toContain(`Token issuer     ${issuer(b)}`);
    expect(result.stdout).toMatch(new RegExp(`Token subject\\s+${SERVICE_ROLE_ARN.replaceAll('/', '\\/')}\\s+\\(expires in (29\\d|300) s`));
    expect(result.stdout).toContain(`Snowflake ARN    ${PATH_FREE_ARN}`);
    expect(result.stdout).toContain(`with ISSUER = '${issuer(b)}'`);
    expect(result.stdout).toContain('aws_account=123456789012');
    // The subject had a path: wif-check says what it did with it.
    expect(result.stderr).toMatch(/subject carries the IAM path service-role\//);
    expect(b.sts.webIdentity.issuedTokens).toHaveLength(1);
  });

  it('--json carries method, issuer, subject, audience, expiresAt and claims, never the token', async () => {
    const b = await startBed();
    b.sts.webIdentity.setPrincipalTags(CALLER_ARN, { team: 'data', 'cost-center': 'secret-value-42' });
    const result = await cli(b, ['whoami', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const doc = json(result);
    expect(doc).toMatchObject({ method: 'outbound-token', issuer: issuer(b), subject: SERVICE_ROLE_ARN, audience: ['snowflakecomputing.com'], snowflakeArn: PATH_FREE_ARN });
    expect(doc.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(doc.claims).toMatchObject({ iss: issuer(b), sub: SERVICE_ROLE_ARN, 'https://sts.amazonaws.com/': { aws_account: TEST_ACCOUNT, principal_tags: ['team', 'cost-center'] } });
    // Principal tag values are not shown, only their keys.
    expect(result.stdout).not.toContain('secret-value-42');
    expect(result.stdout).not.toMatch(/eyJ/);
  });

  it('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=TRUE turns it on (case-insensitive) and says so', async () => {
    const b = await startBed();
    const result = await cli(b, ['whoami', '--json'], { env: { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'TRUE' } });
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ method: 'outbound-token', methodSource: 'SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN' });
    expect(result.stderr).toContain('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true: using the JWT method');
  });

  it('without it, the classic method: method caller-identity and no token asked for', async () => {
    const b = await startBed();
    const result = await cli(b, ['whoami', '--json'], { env: { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'false' } });
    expect(json(result)).toMatchObject({ method: 'caller-identity' });
    expect(json(result)).not.toHaveProperty('issuer');
    expect(b.sts.requests.map((r) => r.action)).not.toContain('GetWebIdentityToken');
  });

  it('outbound federation disabled: exit 3 OUTBOUND_FEDERATION_DISABLED with the enable command', async () => {
    const b = await startBed({ webIdentity: { disabledAccounts: [TEST_ACCOUNT] } });
    const result = await cli(b, ['whoami', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ ok: false, error: { code: 'OUTBOUND_FEDERATION_DISABLED' } });
    expect(result.stderr).toContain('aws iam enable-outbound-web-identity-federation');
  });

  it('no sts:GetWebIdentityToken permission: exit 3 WEB_IDENTITY_TOKEN_DENIED with the policy statement', async () => {
    const b = await startBed({ webIdentity: { deniedCallers: [CALLER_ARN] } });
    const result = await cli(b, ['whoami', '--outbound-token']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toContain('sts:GetWebIdentityToken');
    expect(result.stderr).toContain('"sts:IdentityTokenAudience": "snowflakecomputing.com"');
    expect(result.stderr).toContain(CALLER_ARN);
  });

  it('asks for the caller and the token at once; when both fail, the caller’s failure is the one reported', async () => {
    const b = await startBed();
    b.sts.setActionMode('GetCallerIdentity', 'hang');
    const result = await cli(b, ['whoami', '--outbound-token', '--timeout', '1', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    // GetWebIdentityToken went out while GetCallerIdentity was still unanswered (one round trip, not two).
    expect(b.sts.requests.map((request) => request.action).sort()).toEqual(['GetCallerIdentity', 'GetWebIdentityToken']);
    expect(result.stderr).toContain(`STS did not answer within 1 s (${b.sts.url})`);
  });

  it('the global STS endpoint: exit 3 STS_GLOBAL_ENDPOINT, use a regional one', async () => {
    const b = await startBed({ webIdentity: { globalEndpoint: true } });
    const result = await cli(b, ['whoami', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'STS_GLOBAL_ENDPOINT' } });
    expect(json(result).hint).toMatch(/regional STS endpoint/);
  });

  it('claims too large: exit 3 TOKEN_PAYLOAD_TOO_LARGE', async () => {
    const tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`tag${i}`, 'v'.repeat(120)]));
    const b = await startBed({ webIdentity: { principalTags: { [CALLER_ARN]: tags } } });
    const result = await cli(b, ['whoami', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'TOKEN_PAYLOAD_TOO_LARGE' } });
  });

  it('shows the subject as the token says when STS drops the path', async () => {
    const b = await startBed({ webIdentity: { subjectPath: 'drop' } });
    const result = await cli(b, ['whoami', '--outbound-token', '--json']);
    expect(json(result)).toMatchObject({ subject: PATH_FREE_ARN, snowflakeArn: PATH_FREE_ARN });
    expect(result.stderr).not.toMatch(/IAM path/);
  });
});

describe('gen-sql with the JWT method', () => {
  it('--outbound-token emits ARN and ISSUER from a live token', async () => {
    const b = await startBed();
    const result = await cli(b, ['gen-sql', '--outbound-token', '--user', 'LAMBDA_LOADER']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain(`WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${PATH_FREE_ARN}' ISSUER = '${issuer(b)}')`);
    expect(result.stdout).toContain(`-- wif-check: Snowflake will see ${SERVICE_ROLE_ARN}`);
    expect(result.stderr).toMatch(/IAM path service-role\//);
  });

  it('--alter --outbound-token is the migration; --json adds method and issuer', async () => {
    const b = await startBed();
    const result = await cli(b, ['gen-sql', '--outbound-token', '--alter', '--user', 'LAMBDA_LOADER', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const doc = json(result);
    expect(doc).toMatchObject({ method: 'outbound-token', issuer: issuer(b), arn: PATH_FREE_ARN });
    expect(doc.sql).toContain(`ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${PATH_FREE_ARN}' ISSUER = '${issuer(b)}');`);
  });

  it('the classic method carries method caller-identity and issuer null', async () => {
    const b = await startBed();
    const doc = json(await cli(b, ['gen-sql', '--json']));
    expect(doc).toMatchObject({ method: 'caller-identity', issuer: null });
    expect(doc.sql).not.toContain('ISSUER');
  });

  it('--issuer works offline with --arn (no AWS at all)', async () => {
    const given = 'https://a1b2c3d4-0000-1111-2222-333344445555.tokens.sts.global.api.aws';
    const result = await runCli(['gen-sql', '--arn', SERVICE_ROLE_ARN, '--issuer', `${given}/`, '--user', 'LOADER', '--json'], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ method: 'outbound-token', issuer: given });
    expect(json(result).sql).toContain(`(TYPE = AWS ARN = '${PATH_FREE_ARN}' ISSUER = '${given}')`);
  });

  it.each([
    ['http://a1b2.tokens.sts.global.api.aws', /not an https URL/],
    ['https://a1b2.tokens.sts.global.api.aws/path', /has a path/],
    ['https://sts.amazonaws.com', /generic STS endpoint.*004616/],
    ['https://sts.eu-west-1.amazonaws.com/', /generic STS endpoint/],
    ['https://', /not a URL|no host/],
    ['a1b2.tokens.sts.global.api.aws', /not a URL/],
    ["https://x.example/?'", /query|path/],
  ])('--issuer %s: exit 2 BAD_ISSUER', async (given, reason) => {
    const result = await runCli(['gen-sql', '--arn', PATH_FREE_ARN, '--issuer', given, '--json'], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(2);
    expect(json(result)).toMatchObject({ error: { code: 'BAD_ISSUER' } });
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--arn --outbound-token without --issuer: exit 2 MISSING_ISSUER', async () => {
    const result = await runCli(['gen-sql', '--arn', PATH_FREE_ARN, '--outbound-token'], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(/needs --issuer/);
  });

  it('an issuer that does not look like AWS’s is used, with a warning', async () => {
    const result = await runCli(['gen-sql', '--arn', PATH_FREE_ARN, '--issuer', 'https://issuer.example.com', '--user', 'U'], { env: cleanEnv() });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain("ISSUER = 'https://issuer.example.com'");
    expect(result.stderr).toMatch(/does not look like an AWS account issuer/);
  });
});

describe('connect --outbound-token', () => {
  it('logs in with the JWT through the real driver: method, issuer and subject in --json', async () => {
    const b = await startBed();
    b.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, issuer(b));
    const result = await cli(b, ['connect', '--outbound-token', '--expect-user', 'LAMBDA_LOADER', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(json(result)).toMatchObject({ ok: true, user: 'LAMBDA_LOADER', method: 'outbound-token', issuer: issuer(b), subject: SERVICE_ROLE_ARN, snowflakeArn: PATH_FREE_ARN });
    expect(b.snowflake.logins.at(-1)).toMatchObject({ ok: true, callerArn: SERVICE_ROLE_ARN });
  });

  it('text output names the method', async () => {
    const b = await startBed();
    b.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, issuer(b));
    const result = await cli(b, ['connect', '--outbound-token', '--no-color']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/with WORKLOAD_IDENTITY \(AWS, JWT method \(GetWebIdentityToken\)\)/);
    expect(result.stdout).toContain(`issuer ${issuer(b)}`);
  });

  it('a user without ISSUER: exit 1 USER_NOT_MAPPED, the fix carries ARN and ISSUER', async () => {
    const b = await startBed();
    const result = await cli(b, ['connect', '--outbound-token', '--expect-user', 'LAMBDA_LOADER', '--json']);
    expect(result.code, describeRun(result)).toBe(1);
    const doc = json(result) as { error: { code: string; snowflakeMessage?: string }; hint: string; expectedArn: string };
    expect(doc.error.code).toBe('USER_NOT_MAPPED');
    expect(doc.error.snowflakeMessage).toMatch(/^Unable to find an associated Snowflake user/);
    expect(doc.hint).toContain(`ALTER USER LAMBDA_LOADER SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${PATH_FREE_ARN}' ISSUER = '${issuer(b)}');`);
    expect(doc.expectedArn).toBe(PATH_FREE_ARN);
  });

  it('a user registered with the path ARN (and the ISSUER) is not mapped either', async () => {
    const b = await startBed();
    b.snowflake.setUserArn('LAMBDA_LOADER', SERVICE_ROLE_ARN, issuer(b));
    const result = await cli(b, ['connect', '--outbound-token']);
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr).toContain(`ARN = '${PATH_FREE_ARN}', ISSUER = '${issuer(b)}'`);
  });

  it('an issuer mismatch Snowflake names: exit 1 ISSUER_MISMATCH', async () => {
    const b = await startBed({ explainIssuerMismatch: true });
    b.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, 'https://00000000-aaaa-bbbb-cccc-000000000000.tokens.sts.global.api.aws');
    const result = await cli(b, ['connect', '--outbound-token', '--expect-user', 'LAMBDA_LOADER', '--json']);
    expect(result.code, describeRun(result)).toBe(1);
    expect(json(result)).toMatchObject({ error: { code: 'ISSUER_MISMATCH' } });
    expect(json(result).hint).toContain(`ISSUER = '${issuer(b)}'`);
  });

  it('outbound federation disabled: exit 3 OUTBOUND_FEDERATION_DISABLED', async () => {
    const b = await startBed({ webIdentity: { disabledAccounts: [TEST_ACCOUNT] } });
    const result = await cli(b, ['connect', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'OUTBOUND_FEDERATION_DISABLED' } });
    expect(json(result).hint).toContain('aws iam enable-outbound-web-identity-federation');
  });

  it('no permission: exit 3 WEB_IDENTITY_TOKEN_DENIED with the IAM policy statement', async () => {
    const b = await startBed({ webIdentity: { deniedCallers: [CALLER_ARN] } });
    const result = await cli(b, ['connect', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'WEB_IDENTITY_TOKEN_DENIED' } });
    expect(json(result).hint).toContain('sts:IdentityTokenAudience');
  });

  it('the global STS endpoint: exit 3 STS_GLOBAL_ENDPOINT', async () => {
    const b = await startBed({ webIdentity: { globalEndpoint: true } });
    const result = await cli(b, ['connect', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'STS_GLOBAL_ENDPOINT' } });
  });

  it('claims too large: exit 3 TOKEN_PAYLOAD_TOO_LARGE', async () => {
    const tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`tag${i}`, 'v'.repeat(120)]));
    const b = await startBed({ webIdentity: { principalTags: { [CALLER_ARN]: tags } } });
    const result = await cli(b, ['connect', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'TOKEN_PAYLOAD_TOO_LARGE' } });
  });

  it('the environment variable turns it on for connect too, and the classic method says caller-identity', async () => {
    const b = await startBed();
    b.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, issuer(b));
    const viaEnv = await cli(b, ['connect', '--json'], { env: { SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN: 'True' } });
    expect(json(viaEnv)).toMatchObject({ ok: true, method: 'outbound-token' });
    expect(viaEnv.stderr).toContain('SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN=true');
    const classic = await cli(b, ['connect', '--json']);
    expect(json(classic)).toMatchObject({ ok: true, method: 'caller-identity', issuer: null });
  });
});

describe('doctor --outbound-token', () => {
  interface DoctorDoc {
    ok: boolean;
    exitCode: number;
    method: string;
    checks: Array<{ id: string; status: string; code: string; detail: string; fix?: string }>;
  }
  const check = (doc: DoctorDoc, id: string) => doc.checks.find((c) => c.id === id);

  it('adds the JWT checks, logs in with the token, and says the classic method works too', async () => {
    const b = await startBed();
    b.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, issuer(b));
    const result = await cli(b, ['doctor', '--outbound-token', '--expect-user', 'LAMBDA_LOADER', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const doc = json(result) as unknown as DoctorDoc;
    expect(doc.method).toBe('outbound-token');
    for (const id of ['outbound-federation', 'web-identity-token', 'token-issuer', 'token-subject', 'token-audience', 'token-lifetime', 'login', 'user']) {
      expect(check(doc, id)?.status, id).toBe('ok');
    }
    expect(check(doc, 'token-issuer')?.detail).toContain(issuer(b));
    expect(check(doc, 'token-subject')?.detail).toContain(`register ${PATH_FREE_ARN}`);
    expect(check(doc, 'token-lifetime')?.detail).toMatch(/^300 s/);
    expect(check(doc, 'other-method')).toMatchObject({ status: 'ok', code: 'OTHER_METHOD_WORKS' });
    expect(check(doc, 'other-method')?.detail).toMatch(/signed GetCallerIdentity method/);
  });

  it('the classic method on a setup ready for both says the JWT method works too', async () => {
    const b = await startBed();
    b.snowflake.setUserArn('LAMBDA_LOADER', PATH_FREE_ARN, issuer(b));
    const doc = json(await cli(b, ['doctor', '--check-other-method', '--json'])) as unknown as DoctorDoc;
    expect(doc.method).toBe('caller-identity');
    expect(check(doc, 'other-method')?.detail).toMatch(/JWT method \(--outbound-token/);
    expect(check(doc, 'web-identity-token')).toBeUndefined();
    // Without --check-other-method a classic run leaves no JWT login attempt behind.
    const logins = b.snowflake.logins.length;
    const plain = json(await cli(b, ['doctor', '--json'])) as unknown as DoctorDoc;
    expect(check(plain, 'other-method')).toBeUndefined();
    expect(b.snowflake.logins.length).toBe(logins + 1);
  });

  it('federation disabled: the check fails with its fix, exit 3', async () => {
    const b = await startBed({ webIdentity: { disabledAccounts: [TEST_ACCOUNT] } });
    const result = await cli(b, ['doctor', '--outbound-token', '--json']);
    expect(result.code, describeRun(result)).toBe(3);
    const doc = json(result) as unknown as DoctorDoc;
    expect(check(doc, 'outbound-federation')).toMatchObject({ status: 'fail', code: 'OUTBOUND_FEDERATION_DISABLED' });
    expect(check(doc, 'outbound-federation')?.fix).toContain('aws iam enable-outbound-web-identity-federation');
    expect(check(doc, 'login')?.status).toBe('skip');
  });

  it('an unmapped token: the login check fails with the ARN + ISSUER fix, exit 1 (text)', async () => {
    const b = await startBed();
    const result = await cli(b, ['doctor', '--outbound-token', '--no-color']);
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stdout).toContain(`ISSUER = '${issuer(b)}'`);
    expect(result.stdout).toMatch(/✔ Token issuer/);
  });
});
