/**
 * What the GitHub Action says that the CLI says differently (issue 21, part 3), as pure rules:
 * a job has no `aws sso login`, its credentials come from a step such as
 * aws-actions/configure-aws-credentials (OIDC: `permissions: id-token: write`); a missing `account`
 * input is a failed step, not a silent AWS-only pass; "the fix is in the job summary" only when a
 * fix was written there; a masked account ID in the summary's SQL points to the `snowflake-arn` output.
 */

/** The fix for NO_CREDENTIALS in a GitHub Actions job. */
export const ACTION_NO_CREDENTIALS_FIX =
  'Give the job AWS credentials in a step before this one: aws-actions/configure-aws-credentials with `role-to-assume` ' +
  '(GitHub OIDC, no stored keys: the job needs `permissions: id-token: write`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from secrets.';

/** A check's fix as the Action shows it: the CLI's, except where a job needs another one. */
export function actionFix(code: string, fix: string | undefined): string | undefined {
  return code === 'NO_CREDENTIALS' ? ACTION_NO_CREDENTIALS_FIX : fix;
}

export interface MissingAccount {
  id: 'settings';
  status: 'fail';
  code: 'MISSING_ACCOUNT';
  title: string;
  detail: string;
  fix: string;
}

/**
 * The failed check for a step without a Snowflake account (no `account` input, no SNOWFLAKE_ACCOUNT
 * in its environment): doctor then checks only the AWS half, which must not pass as a WIF check.
 */
export function missingAccountCheck(accountInput: string | undefined, envAccount: string | undefined): MissingAccount | undefined {
  if (accountInput?.trim() || envAccount?.trim()) return undefined;
  return {
    id: 'settings',
    status: 'fail',
    code: 'MISSING_ACCOUNT',
    title: 'Snowflake account',
    detail: 'the `account` input is missing (and SNOWFLAKE_ACCOUNT is not set): only the AWS half was checked, no Snowflake login was tried',
    fix: 'Add the account to the step: `with: { account: myorg-myacct }` (your account identifier), or set SNOWFLAKE_ACCOUNT in its env.',
  };
}

/** The step's ::error:: text for the first failed check. */
export function errorLine(title: string, detail: string, exitCode: number, fixInSummary: boolean): string {
  return `wif-check doctor: ${title}: ${detail} (exit ${exitCode}${fixInSummary ? '; the fix is in the job summary' : ''})`;
}

/** A note under the summary's fixes when the masked account ID made their SQL unusable as it is. */
export function maskedSqlNote(masked: boolean, fixes: readonly string[]): string | undefined {
  if (!masked || !fixes.some((fix) => fix.includes('***'))) return undefined;
  return 'The AWS account ID is masked (mask-aws-account-id), so the SQL above shows ***: the step\'s `snowflake-arn` output holds the ARN to put in its place (e.g. `${{ steps.<id>.outputs.snowflake-arn }}`).';
}
