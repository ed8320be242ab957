/**
 * The library API, imported by package name (self-reference from the checkout after `npm ci`)
 * in a separate Node process, exactly as a user's code would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './e2e/run-cli.js';

const run = promisify(execFile);

async function evalModule(source: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], { cwd: REPO_ROOT, env: { PATH: process.env.PATH } });
  return JSON.parse(stdout);
}

describe("import … from 'wif-check'", () => {
  it('exports whoami, generateSql, connect and doctor, and generateSql works without AWS', async () => {
    const result = await evalModule(`
      import * as wif from 'wif-check';
      const sql = await wif.generateSql({ arn: 'arn:aws:iam::123456789012:role/service-role/my-fn-role', user: 'LOADER', verify: false });
      console.log(JSON.stringify({ kinds: ['whoami', 'generateSql', 'connect', 'doctor'].map((name) => typeof wif[name]), sql, exit: wif.EXIT_CODES.usage }));
    `);
    expect(result).toEqual({
      kinds: ['function', 'function', 'function', 'function'],
      sql: {
        arn: 'arn:aws:iam::123456789012:role/my-fn-role',
        user: 'LOADER',
        sql: "CREATE USER LOADER\n  WORKLOAD_IDENTITY = (TYPE = AWS ARN = 'arn:aws:iam::123456789012:role/my-fn-role')\n  TYPE = SERVICE;",
        warnings: ['removed IAM path service-role/ from the ARN (Snowflake matches by name)'],
        method: 'caller-identity',
        issuer: null,
      },
      exit: 2,
    });
  });

  it('throws a WifError with kind and exit code for bad input', async () => {
    const result = await evalModule(`
      import { generateSql, WifError } from 'wif-check';
      try { await generateSql({ arn: 'arn:aws:iam::123456789012:root' }); console.log('null'); }
      catch (error) { console.log(JSON.stringify({ isWifError: error instanceof WifError, kind: error.kind, exitCode: error.exitCode })); }
    `);
    expect(result).toEqual({ isWifError: true, kind: 'usage', exitCode: 2 });
  });

  it("exports the Lambda handler from 'wif-check/lambda'", async () => {
    const result = await evalModule(`
      import { handler } from 'wif-check/lambda';
      console.log(JSON.stringify(typeof handler));
    `);
    expect(result).toBe('function');
  });
});
