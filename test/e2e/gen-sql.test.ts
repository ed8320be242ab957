/**
 * `wif-check gen-sql` end to end: the BUILT CLI (bin/wif-check.js → dist/) as a child process,
 * against the local STS simulator (AWS_ENDPOINT_URL_STS) when the caller is resolved. stdout must
 * be only SQL, checked with the test SQL tokenizer; notes go to stderr.
 *
 * Build first: `npx tsc -p tsconfig.build.json`.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeArnForSnowflake } from '../../src/core/arn.js';
import { TEST_IDENTITIES } from '../../src/simulators/index.js';
import { describeStatement, splitStatements, tokenize, type Token } from '../helpers/sql-tokenizer.js';
import { allOutput, ANSI_ESCAPE, BIN, cleanEnv, describeRun, runCliWithoutSecrets, tempDir, useStsSimulator, type CliResult } from './run-cli.js';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/my-fn-role`;
const SHOW = ['SHOW', 'USER', 'WORKLOAD', 'IDENTITY', 'AUTHENTICATION', 'METHODS', 'FOR', 'USER'];


const sim = useStsSimulator();
const stsEnv = sim.env;
const asIdentity = sim.as;

const wif = runCliWithoutSecrets;

/** gen-sql with an explicit --arn needs no AWS at all: no credentials, no region, no STS. */
function genSql(args: readonly string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> {
  return wif(['gen-sql', ...args], cleanEnv(extra));
}


function expectFailure(result: CliResult, code: number): void {
  expect(result.code, describeRun(result)).toBe(code);
  expect(result.stdout, describeRun(result)).toBe('');
  expect(result.stderr, describeRun(result)).toMatch(/^✖ \S/);
}

/**
 * stdout is only SQL: it tokenizes, every statement ends with ';', and every non-empty line is a
 * `--` comment or holds part of a statement (no stray notes, no ANSI). Returns the statements.
 */
function expectOnlySql(stdout: string): Token[][] {
  expect(stdout).not.toMatch(ANSI_ESCAPE);
  expect(stdout.endsWith('\n'), 'stdout ends with a newline').toBe(true);
  const { statements, terminated } = splitStatements(stdout);
  expect(terminated, `every statement ends with ';'\n${stdout}`).toBe(true);
  expect(statements.length).toBeGreaterThan(0);

  const tokens = tokenize(stdout);
  let offset = 0;
  for (const line of stdout.split('\n')) {
    const start = offset;
    const end = offset + line.length;
    offset = end + 1;
    if (line.trim() === '') continue;
    if (line.trimStart().startsWith('--')) continue;
    // A statement line: the tokens that cover it are SQL, not comments, and cover all its text.
    const covering = tokens.filter((token) => token.start < end && token.start + token.text.length > start);
    const sql = covering.filter((token) => token.type !== 'line-comment' && token.type !== 'block-comment');
    expect(sql.length, `line is neither a comment nor SQL: ${JSON.stringify(line)}`).toBeGreaterThan(0);
  }
  for (const statement of statements) {
    const first = statement[0];
    expect(first?.type === 'identifier' ? first.value : first?.text, 'every statement is CREATE, ALTER or SHOW').toMatch(/^(CREATE|ALTER|SHOW)$/);
  }
  return statements;
}

/** The error the ARN parser/normaliser gives for `arn` (which must be refused). */
function parserError(arn: string): string {
  const result = normalizeArnForSnowflake(arn);
  if (result.ok) throw new Error(`expected ${arn} to be refused`);
  return result.error;
}

function stringValue(statement: Token[], keyword: string): string | undefined {
  const index = statement.findIndex((token) => token.type === 'identifier' && token.value === keyword);
  const value = statement[index + 2];
  return index >= 0 && statement[index + 1]?.text === '=' && value?.type === 'string' ? value.value : undefined;
}

describe('gen-sql resolving the caller through STS', () => {
  it('assumed role: CREATE USER with the path-free ARN and a header naming the caller', async () => {
    const result = await wif(['gen-sql'], asIdentity('assumedRole'));
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`-- wif-check: Snowflake will see ${TEST_IDENTITIES.assumedRole.arn}`);

    const statements = expectOnlySql(result.stdout);
    expect(statements).toHaveLength(2);
    expect(describeStatement(statements[0]!)).toEqual([
      'CREATE', 'USER', 'MY_FN_ROLE',
      'WORKLOAD_IDENTITY', 'punctuation:=', 'punctuation:(', 'TYPE', 'punctuation:=', 'AWS', 'ARN', 'punctuation:=', `string:${ROLE_ARN}`, 'punctuation:)',
      'TYPE', 'punctuation:=', 'SERVICE',
    ]);
    expect(describeStatement(statements[1]!)).toEqual([...SHOW, 'MY_FN_ROLE']);
    // It really asked STS with these credentials.
    expect(sim.sts.requests).toContainEqual({ action: 'GetCallerIdentity', accessKeyId: TEST_IDENTITIES.assumedRole.accessKeyId });
  });

  it('IAM user with a path: the header shows the caller ARN, the SQL the path-free one', async () => {
    const result = await wif(['gen-sql', '--json'], asIdentity('iamUser'));
    expect(result.code, describeRun(result)).toBe(0);
    const document = JSON.parse(result.stdout) as { arn: string; sql: string; warnings: string[] };
    expect(document.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(TEST_IDENTITIES.iamUser.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/division/alice`);
    expect(document.sql.split('\n').slice(0, 2)).toEqual([
      `-- wif-check: Snowflake will see ${TEST_IDENTITIES.iamUser.arn}`,
      '-- registered without its IAM path division/: Snowflake matches the user by name',
    ]);
    const [create] = splitStatements(document.sql).statements;
    expect(stringValue(create!, 'ARN')).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(document.warnings).toEqual(expect.arrayContaining([expect.stringContaining('removed IAM path division/')]));
  });

  it('root or federated caller: exit 2 with the reason, nothing on stdout', async () => {
    const [root, federated] = await Promise.all([wif(['gen-sql'], asIdentity('root')), wif(['gen-sql'], asIdentity('federatedUser'))]);
    expectFailure(root, 2);
    expect(root.stderr).toContain(parserError(TEST_IDENTITIES.root.arn));
    expectFailure(federated, 2);
    expect(federated.stderr).toContain(parserError(TEST_IDENTITIES.federatedUser.arn));
  });

  it('passes on AWS warnings (profile and environment keys both set) to stderr, SQL stays clean', async () => {
    const env = asIdentity('otherAccount', { AWS_PROFILE: 'dev' });
    // A profile `dev` with the assumedRole keys: the profile wins, as in the SDK and the driver.
    writeFileSync(
      env.AWS_SHARED_CREDENTIALS_FILE!,
      `[dev]\naws_access_key_id = ${TEST_IDENTITIES.assumedRole.accessKeyId}\naws_secret_access_key = ${TEST_IDENTITIES.assumedRole.secretAccessKey}\naws_session_token = ${TEST_IDENTITIES.assumedRole.sessionToken ?? ''}\n`,
    );
    const result = await wif(['gen-sql'], env);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toMatch(/AWS_PROFILE=dev and AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY are both set/);
    expectOnlySql(result.stdout);
    expect(result.stdout).toContain(`'${ROLE_ARN}'`);
  });

  it('no credentials and no --arn: exit 3', async () => {
    const [noCredentials, noRegion] = await Promise.all([
      wif(['gen-sql'], stsEnv({ AWS_REGION: 'eu-west-1' })),
      wif(['gen-sql', '--user', 'LOADER'], stsEnv()),
    ]);
    expectFailure(noCredentials, 3);
    expect(noCredentials.stderr).toMatch(/No AWS credentials were found/);
    expect(noCredentials.durationMs).toBeLessThan(5_000);
    expectFailure(noRegion, 3);
    expect(noRegion.stderr).toMatch(/No AWS region/);
  });
});

describe('gen-sql --arn', () => {
  it('a role path is removed: note on stderr, only SQL on stdout, no AWS needed', async () => {
    const before = sim.sts.requests.length;
    const result = await genSql(['--arn', `arn:aws:iam::${ACCOUNT}:role/service-role/my-fn-role`]);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toContain('service-role/');
    expect(result.stderr).toMatch(/^note: removed IAM path service-role\//m);
    expect(result.stdout).not.toContain('service-role');
    expect(result.stdout).not.toMatch(/note:|warning:/);
    const statements = expectOnlySql(result.stdout);
    expect(stringValue(statements[0]!, 'ARN')).toBe(ROLE_ARN);
    expect(sim.sts.requests.length).toBe(before);
  });

  it('--user, --default-role, --default-warehouse, --default-namespace and --comment', async () => {
    const comment = "loader's user \\ for WIF -- not a comment; DROP USER y";
    const result = await genSql([
      '--arn', ROLE_ARN,
      '--user', 'LOADER',
      '--default-role', 'LOADER_ROLE',
      '--default-warehouse', 'load_wh',
      '--default-namespace', 'RAW.Landing Zone',
      '--comment', comment,
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const statements = expectOnlySql(result.stdout);
    expect(statements).toHaveLength(2);
    expect(describeStatement(statements[0]!)).toEqual([
      'CREATE', 'USER', 'LOADER',
      'WORKLOAD_IDENTITY', 'punctuation:=', 'punctuation:(', 'TYPE', 'punctuation:=', 'AWS', 'ARN', 'punctuation:=', `string:${ROLE_ARN}`, 'punctuation:)',
      'TYPE', 'punctuation:=', 'SERVICE',
      'DEFAULT_ROLE', 'punctuation:=', 'LOADER_ROLE',
      'DEFAULT_WAREHOUSE', 'punctuation:=', 'LOAD_WH',
      'DEFAULT_NAMESPACE', 'punctuation:=', 'RAW', 'punctuation:.', 'quoted-identifier:Landing Zone',
      'COMMENT', 'punctuation:=', `string:${comment}`,
    ]);
    expect(describeStatement(statements[1]!)).toEqual([...SHOW, 'LOADER']);
    // The case-sensitive schema is pointed out on stderr.
    expect(result.stderr).toContain('"Landing Zone"');
  });

  it('--alter, --if-not-exists, --or-replace and --no-verify', async () => {
    const [alter, ifNotExists, orReplace, noVerify] = await Promise.all([
      genSql(['--arn', ROLE_ARN, '--alter', '--user', 'LOADER', '--default-role', 'LOADER_ROLE']),
      genSql(['--arn', ROLE_ARN, '--if-not-exists']),
      genSql(['--arn', ROLE_ARN, '--or-replace']),
      genSql(['--arn', ROLE_ARN, '--no-verify']),
    ]);
    for (const result of [alter, ifNotExists, orReplace, noVerify]) expect(result.code, describeRun(result)).toBe(0);

    const alterStatements = expectOnlySql(alter.stdout);
    expect(alterStatements.map((s) => describeStatement(s).slice(0, 4))).toEqual([
      ['ALTER', 'USER', 'LOADER', 'SET'],
      ['ALTER', 'USER', 'LOADER', 'SET'],
      SHOW.slice(0, 4),
    ]);
    expect(describeStatement(alterStatements[0]!)).toEqual([
      'ALTER', 'USER', 'LOADER', 'SET',
      'WORKLOAD_IDENTITY', 'punctuation:=', 'punctuation:(', 'TYPE', 'punctuation:=', 'AWS', 'ARN', 'punctuation:=', `string:${ROLE_ARN}`, 'punctuation:)',
    ]);
    expect(describeStatement(alterStatements[1]!)).toEqual(['ALTER', 'USER', 'LOADER', 'SET', 'DEFAULT_ROLE', 'punctuation:=', 'LOADER_ROLE']);
    expect(alter.stdout).not.toMatch(/CREATE/);
    expect(alter.stderr).toMatch(/TYPE = SERVICE/);

    expect(describeStatement(expectOnlySql(ifNotExists.stdout)[0]!).slice(0, 6)).toEqual(['CREATE', 'USER', 'IF', 'NOT', 'EXISTS', 'MY_FN_ROLE']);
    expect(describeStatement(expectOnlySql(orReplace.stdout)[0]!).slice(0, 5)).toEqual(['CREATE', 'OR', 'REPLACE', 'USER', 'MY_FN_ROLE']);

    const withoutVerify = expectOnlySql(noVerify.stdout);
    expect(withoutVerify).toHaveLength(1);
    expect(noVerify.stdout).not.toMatch(/SHOW/);
    expect(describeStatement(withoutVerify[0]!).slice(0, 3)).toEqual(['CREATE', 'USER', 'MY_FN_ROLE']);
  });

  it('--alter without --user is a usage error (exit 2) naming both flags, before any AWS call', async () => {
    const before = sim.sts.requests.length;
    const [withArn, asCaller, json] = await Promise.all([
      genSql(['--arn', ROLE_ARN, '--alter']),
      wif(['gen-sql', '--alter', '--default-role', 'LOADER_ROLE'], asIdentity('assumedRole')),
      genSql(['--arn', ROLE_ARN, '--alter', '--json']),
    ]);
    for (const result of [withArn, asCaller]) {
      expectFailure(result, 2);
      expect(result.stderr).toBe('✖ --alter needs --user: name the existing Snowflake user to alter\n');
      // No guessed user anywhere.
      expect(allOutput(result)).not.toMatch(/MY_FN_ROLE/);
    }
    expect(json.code, describeRun(json)).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'MISSING_USER', message: expect.stringMatching(/--alter.*--user/) } });
    // The caller was never resolved: a guess is refused before asking AWS.
    expect(sim.sts.requests.length).toBe(before);
  });

  it('--user given in "quotes" is the exact-case name, as for connect --expect-user', async () => {
    const [create, alter] = await Promise.all([
      genSql([
        '--arn', ROLE_ARN,
        '--user', '"svc"',
        '--default-role', '"Loader"',
        '--default-warehouse', '"Load ""WH"""',
        '--default-namespace', '"my.db"."Landing"',
      ]),
      genSql(['--arn', ROLE_ARN, '--alter', '--user', '"a""b"']),
    ]);
    expect(create.code, describeRun(create)).toBe(0);
    expect(create.stdout).toContain('CREATE USER "svc"\n');
    const statements = expectOnlySql(create.stdout);
    expect(statements).toHaveLength(2);
    expect(describeStatement(statements[0]!)).toEqual([
      'CREATE', 'USER', 'quoted-identifier:svc',
      'WORKLOAD_IDENTITY', 'punctuation:=', 'punctuation:(', 'TYPE', 'punctuation:=', 'AWS', 'ARN', 'punctuation:=', `string:${ROLE_ARN}`, 'punctuation:)',
      'TYPE', 'punctuation:=', 'SERVICE',
      'DEFAULT_ROLE', 'punctuation:=', 'quoted-identifier:Loader',
      'DEFAULT_WAREHOUSE', 'punctuation:=', 'quoted-identifier:Load "WH"',
      'DEFAULT_NAMESPACE', 'punctuation:=', 'quoted-identifier:my.db', 'punctuation:.', 'quoted-identifier:Landing',
    ]);
    expect(describeStatement(statements[1]!)).toEqual([...SHOW, 'quoted-identifier:svc']);
    expect(create.stderr).toMatch(/^note: user name "svc" is case-sensitive/m);
    expect(create.stderr).not.toMatch(/part of the name/);

    expect(alter.code, describeRun(alter)).toBe(0);
    const alterStatements = expectOnlySql(alter.stdout);
    expect(alterStatements).toHaveLength(2);
    expect(describeStatement(alterStatements[0]!).slice(0, 5)).toEqual(['ALTER', 'USER', 'quoted-identifier:a"b', 'SET', 'WORKLOAD_IDENTITY']);
    expect(describeStatement(alterStatements[1]!)).toEqual([...SHOW, 'quoted-identifier:a"b']);
  });

  it('an empty or over-long name inside quotes is refused (exit 2)', async () => {
    const [empty, long, control] = await Promise.all([
      genSql(['--arn', ROLE_ARN, '--user', '""']),
      genSql(['--arn', ROLE_ARN, '--user', 'U', '--default-role', `"${'r'.repeat(256)}"`]),
      genSql(['--arn', ROLE_ARN, '--user', '"svc\u202e"']),
    ]);
    expectFailure(empty, 2);
    expect(empty.stderr).toMatch(/^✖ user name is empty: "" names no identifier$/m);
    expectFailure(long, 2);
    expect(long.stderr).toMatch(/^✖ default role is 256 characters long inside its quotes; Snowflake allows at most 255$/m);
    expectFailure(control, 2);
    expect(control.stderr).toMatch(/^✖ user name contains an invisible formatting character \(U\+202E\) at character 5$/m);
  });

  it('conflicting mode flags are usage errors (exit 2) that name the flags', async () => {
    const results = await Promise.all([
      genSql(['--arn', ROLE_ARN, '--alter', '--or-replace']),
      genSql(['--arn', ROLE_ARN, '--alter', '--if-not-exists']),
      genSql(['--arn', ROLE_ARN, '--or-replace', '--if-not-exists']),
    ]);
    for (const result of results) {
      expectFailure(result, 2);
      expect(result.stderr).toMatch(/--or-replace/);
      expect(result.stderr).toMatch(/--if-not-exists/);
      // The CLI's flag names, not the library's option names.
      expect(result.stderr).not.toMatch(/orReplace|ifNotExists/);
    }
  });

  it('--json: one document with arn, user, sql and warnings, no ANSI', async () => {
    const args = ['--arn', `arn:aws:iam::${ACCOUNT}:role/service-role/my-fn-role`, '--user', 'loader'];
    const [json, text] = await Promise.all([genSql([...args, '--json'], { FORCE_COLOR: '3' }), genSql(args)]);
    expect(json.code, describeRun(json)).toBe(0);
    expect(json.stderr).toBe('');
    expect(json.stdout).not.toMatch(ANSI_ESCAPE);
    const document = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(document)).toEqual(expect.arrayContaining(['arn', 'user', 'sql', 'warnings']));
    expect(document.arn).toBe(ROLE_ARN);
    expect(document.user).toBe('loader');
    expect(document.sql).toBe(text.stdout.trimEnd());
    expect(document.warnings).toEqual(
      expect.arrayContaining([expect.stringContaining('removed IAM path service-role/'), expect.stringContaining('upper-case: LOADER')]),
    );
    // The same notes go to stderr in text mode.
    for (const warning of document.warnings as string[]) expect(text.stderr).toContain(warning);
  });

  it('root, federated and invalid ARNs: exit 2 with the parser\'s precise message, nothing on stdout', async () => {
    const arns = [
      `arn:aws:iam::${ACCOUNT}:root`,
      `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
      'arn:aws:iam::12345:role/my-fn-role',
      `arn:aws:iam::${ACCOUNT}:group/admins`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/path/my-fn-role/session`,
      'arn:aws:s3:::my-bucket',
      'my-fn-role',
      `arn:aws:iam::${ACCOUNT}:role/bad name`,
      '',
    ];
    const results = await Promise.all(arns.map((arn) => genSql(['--arn', arn, '--user', 'LOADER'])));
    results.forEach((result, index) => {
      const arn = arns[index]!;
      expectFailure(result, 2);
      expect(result.stderr, arn).toContain(parserError(arn));
    });
    // The JSON failure document carries the code.
    const json = await genSql(['--arn', `arn:aws:iam::${ACCOUNT}:root`, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'PRINCIPAL_NOT_USABLE' } });
  });

  it('a hostile --user is double-quoted: one CREATE, one SHOW, no DROP', async () => {
    const hostile = 'x"; DROP USER y; --';
    const result = await genSql(['--arn', ROLE_ARN, '--user', hostile]);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain('CREATE USER "x""; DROP USER y; --"');
    const statements = expectOnlySql(result.stdout);
    expect(statements).toHaveLength(2);
    const [create, show] = statements;
    expect(describeStatement(create!).slice(0, 3)).toEqual(['CREATE', 'USER', `quoted-identifier:${hostile}`]);
    expect(describeStatement(show!)).toEqual([...SHOW, `quoted-identifier:${hostile}`]);
    expect(statements.some((statement) => describeStatement(statement)[0] === 'DROP')).toBe(false);
    expect(result.stderr).toMatch(/case-sensitive/);
  });

  it('a control character in --comment is refused (exit 2)', async () => {
    const comments = ['line one\nline two', 'carriage\rreturn', 'bell\u0007', 'bidi \u202e override'];
    const results = await Promise.all(comments.map((comment) => genSql(['--arn', ROLE_ARN, '--comment', comment])));
    results.forEach((result, index) => {
      expectFailure(result, 2);
      expect(result.stderr, JSON.stringify(comments[index])).toMatch(/^✖ comment contains an? .+ \(U\+[0-9A-F]{4}\) at character \d+/);
    });
  });

  it('a reader that closes the pipe early (`| head -0`) is not a crash', async () => {
    // Like `wif-check gen-sql … | head -0`: the read end is closed before the SQL is written.
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'gen-sql', '--arn', ROLE_ARN], { env: cleanEnv(), cwd: tempDir('wif-check-cwd-'), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(killer);
        resolve({ code: exitCode, stderr: err });
      });
    });
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code, stderr).toBe(0);
  });
});
