/**
 * AWS's whoami (v1 and v2; src/commands/whoami.ts dispatches): STS GetCallerIdentity through the
 * SDK's credential chain, the path-free ARN Snowflake matches, and with the JWT method the
 * outbound token's facts. Loaded on first use, so that whoami for another provider reads none of it.
 */
import { parseAccountId, parsePrincipalArn, toSnowflakeArn, type PrincipalKind } from '../core/arn.js';
import { WifError } from '../core/errors.js';
import { methodNote, resolveMethod } from '../core/jwt-claims.js';
import { hostEnv, withProcessEnv } from '../process-env.js';
import type { PrincipalType, WhoamiOptions, WhoamiReport } from '../commands/whoami.js';
import { getCallerIdentity, resolveAwsContext } from './identity.js';

export async function awsWhoami(options: WhoamiOptions): Promise<WhoamiReport> {
  const expected = parseAccountId(options.expectAccount);
  if (!expected.ok) throw new WifError('usage', expected.error, { code: 'BAD_ACCOUNT_ID' });
  const expectAccount = expected.account;
  // The host's environment, and the credential chain in the env queue (src/process-env.ts).
  const context = await withProcessEnv({}, () => resolveAwsContext(options, hostEnv()));
  const { method, source } = resolveMethod(options.outboundToken, hostEnv());
  // With the JWT method both STS calls go out at once (one round trip to STS, not two); the
  // caller's failure is the one reported when both fail, as when they ran one after the other.
  const asked = getCallerIdentity(context);
  const outbound = method === 'outbound-token' ? import('../commands/outbound.js').then(({ outboundFacts }) => outboundFacts(context, source, asked.then((caller) => caller.arn, () => null))) : undefined;
  outbound?.catch(() => undefined);
  const caller = await asked;
  const report = describeCaller(caller, context);
  report.method = method;
  if (outbound) {
    const token = await outbound;
    const note = methodNote(source);
    Object.assign(report, { token, snowflakeArn: token.subjectSnowflakeArn ?? report.snowflakeArn });
    report.warnings.push(...(note ? [note] : []), ...token.notes, ...token.warnings);
  }
  if (expectAccount !== undefined && caller.account !== expectAccount) {
    throw new WifError('verification', `Expected AWS account ${expectAccount}, but these credentials belong to account ${caller.account} (${caller.arn})`, {
      code: 'ACCOUNT_MISMATCH',
      hint: 'Use credentials for the expected account (--profile, AWS_PROFILE), or fix --expect-account.',
    });
  }
  return report;
}

function describeCaller(
  caller: { account: string; arn: string; userId: string },
  context: Awaited<ReturnType<typeof resolveAwsContext>>,
): WhoamiReport {
  const parsed = parsePrincipalArn(caller.arn);
  if (!parsed.ok) {
    throw new WifError('aws', `STS returned a caller ARN wif-check cannot read: ${parsed.error}`, { code: 'UNEXPECTED_CALLER_ARN' });
  }
  const snowflake = toSnowflakeArn(parsed.arn);
  return {
    provider: 'aws',
    account: caller.account,
    arn: caller.arn,
    userId: caller.userId,
    principalType: principalTypeOf(parsed.arn.kind),
    partition: parsed.arn.partition,
    sessionName: parsed.arn.sessionName ?? null,
    snowflakeArn: snowflake.ok ? snowflake.arn : null,
    snowflakeArnNotes: snowflake.ok ? snowflake.notes : [],
    unusableReason: snowflake.ok ? null : snowflake.error,
    region: context.region.region,
    regionSource: context.region.source,
    regionDescription: context.region.description,
    credentialSource: context.credentialSource,
    profile: context.profile ?? null,
    warnings: [...context.warnings],
    method: 'caller-identity',
  };
}

function principalTypeOf(kind: PrincipalKind): PrincipalType {
  // STS never reports a bare IAM role: a role always appears as an assumed-role session.
  return kind === 'iam-role' ? 'assumed-role' : kind;
}
