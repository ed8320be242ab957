/**
 * `npm run demo`: the whole story with no AWS or Snowflake account. Starts the local STS and
 * Snowflake simulators and runs the real CLI (bin/wif-check.js) against them:
 *   1. a Lambda role, registered in Snowflake with the console's role ARN (with its path), fails;
 *   2. wif-check explains why and gen-sql prints the fix;
 *   3. after the fix, connect and doctor succeed;
 *   3a. an administrator's read-only audit of the Snowflake side shows the same cause for every user;
 *   4. the migration to AWS's JWT method (--outbound-token): the token's issuer and subject, the
 *      unmapped JWT login, gen-sql's ALTER USER with ARN and ISSUER, and doctor with the JWT checks.
 * Nothing here talks to the internet: both simulators listen on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { startSandbox } from './commands/sandbox.js';
import { colorLevel } from './output.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'wif-check.js');
const CONSOLE_ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/my-fn-role';
const USER = 'LAMBDA_LOADER';

const level = colorLevel({ env: process.env, isTTY: Boolean(process.stdout.isTTY), noColorFlag: false, json: false });
const c = new Chalk({ level });

interface Step {
  args: string[];
  expectExit: number;
  /** Extra environment for this step only. */
  env?: Record<string, string>;
}

/** The demo administrator's programmatic access token (audit): simulated, and never printed. */
const ADMIN_PAT = 'pat_DEMOc2ltdWxhdGVkLWFkbWluLXRva2Vu';

async function main(): Promise<number> {
  // The test bed of `wif-check sandbox`, with its exports: the identity is the Lambda function's
  // execution-role session (assumedRole), as Lambda puts it in the environment.
  const sandbox = await startSandbox({
    users: [{ name: USER, workloadIdentityArn: CONSOLE_ROLE_ARN, defaultRole: 'LOADER', type: 'SERVICE' }],
    admin: { admins: [{ name: 'AUDITOR', defaultRole: 'SECURITYADMIN', pats: [ADMIN_PAT] }], monitor: { SECURITYADMIN: '*' } },
  });
  const bed = sandbox.bed;
  const home = mkdtempSync(join(tmpdir(), 'wif-check-demo-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    ...sandbox.env,
    AWS_LAMBDA_FUNCTION_NAME: 'my-fn',
    ...(level > 0 ? { FORCE_COLOR: String(level) } : { NO_COLOR: '1' }),
  };
  let failures = 0;
  const run = async (step: Step): Promise<string> => {
    const shown = step.args.map((arg) => (/[\s"'$]/.test(arg) ? `'${arg}'` : arg)).join(' ');
    process.stdout.write(`\n${c.cyan('$')} ${c.bold(`wif-check ${shown}`)}\n`);
    const { code, stdout } = await runCli(step.args, { ...env, ...step.env }, home);
    if (code !== step.expectExit) {
      failures++;
      process.stdout.write(c.red(`(demo: expected exit ${step.expectExit}, got ${code})\n`));
    } else {
      process.stdout.write(c.dim(`(exit ${code})\n`));
    }
    return stdout;
  };
  const say = (text: string) => process.stdout.write(`\n${c.bold.magenta('▸')} ${text}\n`);

  try {
    process.stdout.write(
      c.bold('wif-check demo') +
        c.dim(` — local STS at ${bed.sts.url}, local Snowflake at ${bed.snowflake.url}, account ${bed.env.SNOWFLAKE_ACCOUNT}\n`),
    );
    say(`A Lambda function runs as its execution role. An admin copied the role ARN from the IAM console\n  (${CONSOLE_ROLE_ARN}) into CREATE USER ${USER} … WORKLOAD_IDENTITY. Who does Snowflake see?`);
    await run({ args: ['whoami'], expectExit: 0 });

    say(`Does the login map to ${USER}? (this is the failure people lose hours on)`);
    await run({ args: ['connect', '--expect-user', USER], expectExit: 1 });

    say('The Snowflake side, read-only, from an administrator\'s connection (a PAT here): which mappings can never work?');
    writeFileSync(join(home, 'admin.token'), `${ADMIN_PAT}\n`, { mode: 0o600 });
    await run({
      args: ['audit', '--me'],
      expectExit: 1,
      env: { SNOWFLAKE_USER: 'AUDITOR', SNOWFLAKE_AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', SNOWFLAKE_TOKEN_FILE_PATH: join(home, 'admin.token') },
    });

    say('wif-check names the fix. gen-sql prints it (stdout is only SQL, ready for a worksheet; notes go to stderr):');
    const sql = await run({ args: ['gen-sql', '--alter', '--user', USER], expectExit: 0 });
    const arn = /ARN = '([^']+)'/.exec(sql)?.[1];
    if (!arn) throw new Error(`demo: gen-sql printed no ARN:\n${sql}`);
    process.stdout.write(c.dim(`An admin runs that SQL; the demo applies it to the simulated Snowflake (ARN ${arn}).\n`));
    bed.snowflake.setUserArn(USER, arn);

    say('Now the login maps to the expected user:');
    await run({ args: ['connect', '--expect-user', USER], expectExit: 0 });

    say('And the whole checklist, as a CI smoke step would run it:');
    await run({ args: ['doctor', '--expect-user', USER, '--expect-account', '123456789012'], expectExit: 0 });

    say("Part two: Snowflake recommends AWS's JWT method (STS GetWebIdentityToken, --outbound-token). What does the token say?");
    await run({ args: ['whoami', '--outbound-token'], expectExit: 0 });

    say(`${USER} has no ISSUER yet, so a login with the token is not mapped:`);
    await run({ args: ['connect', '--outbound-token', '--expect-user', USER], expectExit: 1 });

    say('The migration is one ALTER USER with the ARN and the ISSUER:');
    const migration = await run({ args: ['gen-sql', '--outbound-token', '--alter', '--user', USER], expectExit: 0 });
    const issuer = /ISSUER = '([^']+)'/.exec(migration)?.[1];
    if (!issuer) throw new Error(`demo: gen-sql --outbound-token printed no ISSUER:\n${migration}`);
    process.stdout.write(c.dim(`The demo applies it to the simulated Snowflake (ISSUER ${issuer}).\n`));
    bed.snowflake.setUserArn(USER, arn, issuer);

    say('The JWT checklist (and whether the classic method still works too):');
    await run({ args: ['doctor', '--outbound-token', '--expect-user', USER], expectExit: 0 });

    process.stdout.write(
      failures === 0
        ? `\n${c.green('✔ Demo complete:')} the path in the role ARN was the whole problem, and the JWT method needed only its ISSUER.\n`
        : `\n${c.red(`✖ Demo: ${failures} step(s) did not behave as expected.`)}\n`,
    );
    return failures === 0 ? 0 : 1;
  } finally {
    await bed.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!args.includes('--json')) process.stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => process.stdout.write(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout }));
  });
}

process.exitCode = await main();
