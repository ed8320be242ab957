/**
 * A ready AWS Lambda handler: `import { handler } from 'wif-check/lambda'`. It runs doctor with
 * settings from the event, falling back to the function's environment, and resolves to the doctor
 * report plus `exitCode` (what the CLI would exit with). It never throws for a failed check and
 * writes nothing outside /tmp.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES, WifError } from './core/errors.js';
import { parseTimeoutSeconds } from './core/timeout.js';
import type { PublicDoctorReport } from './commands/doctor.js';

export interface WifCheckEvent {
  account?: string;
  host?: string;
  port?: number | string;
  protocol?: 'http' | 'https' | string;
  expectUser?: string;
  expectAccount?: string;
  role?: string;
  warehouse?: string;
  /** Role ARNs to assume first: an array or a comma-separated list. */
  impersonationPath?: string[] | string;
  /** Seconds for the whole check (default 30; keep the function timeout above it). */
  timeout?: number | string;
}

export type WifCheckLambdaResult = PublicDoctorReport;

/** The part of Lambda's context object the handler uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
}

export async function handler(event: WifCheckEvent | null | undefined = {}, context?: LambdaContextLike): Promise<WifCheckLambdaResult> {
  const input = event && typeof event === 'object' ? event : {};
  const env = process.env;
  // The driver keeps an OCSP cache under $HOME, which is read-only in Lambda: keep it in /tmp.
  env.SF_OCSP_RESPONSE_CACHE_DIR ??= join(tmpdir(), 'wif-check-snowflake-cache');
  try {
    const { doctor, publicReport } = await import('./commands/doctor.js');
    // Finish (with a report) before Lambda kills the function: leave a second to return it.
    const remainingMs = context?.getRemainingTimeInMillis?.();
    const requestedMs = parseTimeoutSeconds(input.timeout, 'timeout') ?? 30_000;
    const timeoutMs = remainingMs === undefined ? requestedMs : Math.max(1_000, Math.min(requestedMs, remainingMs - 1_000));
    const report = await doctor({
      account: input.account,
      host: input.host,
      port: input.port,
      protocol: input.protocol,
      role: input.role,
      warehouse: input.warehouse,
      expectUser: input.expectUser ?? (env.WIF_CHECK_EXPECT_USER || undefined),
      expectAccount: input.expectAccount,
      impersonationPath: input.impersonationPath,
      timeoutMs,
      env,
    });
    return publicReport(report);
  } catch (error) {
    // Usage problems (bad port, bad ARN) and bugs become a failed report, never a thrown error.
    const wif = error instanceof WifError ? error : undefined;
    return {
      ok: false,
      exitCode: wif ? wif.exitCode : EXIT_CODES.internal,
      checks: [
        {
          id: 'settings',
          status: 'fail',
          detail: wif ? wif.message : `internal error: ${error instanceof Error ? error.message : String(error)}`,
          ...(wif?.hint ? { fix: wif.hint } : {}),
        },
      ],
      awsAccount: null,
      callerArn: null,
      snowflakeArn: null,
      user: null,
      role: null,
      warnings: [],
    };
  }
}
