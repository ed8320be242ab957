/**
 * The GitHub Action's inputs (action.yml), checked before anything runs. Pure: the caller hands in
 * the values (from `INPUT_*`). Inputs are untrusted: a workflow may fill them from an expression
 * such as a pull request's title, so a value with a control character or of absurd length is
 * refused (exit 2, `BAD_INPUT`) naming the input, never echoing the value; what each value means
 * (host, account, ARNs, port) is checked by doctor with the rules every command keeps.
 */
import { parseAccountId } from './arn.js';
import { usageError } from './errors.js';
import { parseTimeoutSeconds } from './timeout.js';

/** The inputs action.yml declares, by their names there. */
export const ACTION_INPUTS = [
  'account',
  'host',
  'expect-user',
  'expect-account',
  'role',
  'warehouse',
  'impersonation-path',
  'outbound-token',
  'timeout',
  'admin-connection',
  'mask-aws-account-id',
  'provider',
  'audience',
] as const;

export type ActionInputName = (typeof ACTION_INPUTS)[number];

export interface ActionSettings {
  account: string | undefined;
  host: string | undefined;
  expectUser: string | undefined;
  /** Always 12 digits when set. */
  expectAccount: string | undefined;
  role: string | undefined;
  warehouse: string | undefined;
  /** Role ARNs, from a comma- or newline-separated list (doctor checks each). */
  impersonationPath: string[] | undefined;
  /** Unset: doctor's default (SNOWFLAKE_ENABLE_AWS_WIF_OUTBOUND_TOKEN, else the classic method). */
  outboundToken: boolean | undefined;
  timeoutMs: number | undefined;
  adminConnection: string | undefined;
  maskAwsAccountId: boolean;
  /** aws (default), oidc (the job's own GitHub OIDC token, needs `permissions: id-token: write`) or azure (a self-hosted runner's managed identity). */
  provider: string | undefined;
  /** oidc: the audience to ask GitHub's token service for (default snowflakecomputing.com). */
  audience: string | undefined;
}

/** Far above any real account, host, name or list of a few role ARNs. */
export const MAX_INPUT_LENGTH = 4096;

// C0 (except tab, and LF for lists), DEL, C1, the line/paragraph separators and bidi controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** How an input is named in messages; `key` is a doctor option (account, host, …). */
export function inputLabel(key: string): string {
  return `input ${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** YAML 1.2 core-schema booleans, as @actions/core getBooleanInput reads them; '' is the default. */
function booleanInput<T extends boolean | undefined>(name: ActionInputName, value: string, fallback: T): boolean | T {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw usageError(`input ${name} must be true or false`, 'BAD_INPUT', 'Write true or false (or leave the input out).');
}

/**
 * The Action's settings from its inputs (each as `getInput` returns it: trimmed, '' when unset).
 * Throws a usage WifError for a value no setting could have.
 */
export function parseActionInputs(get: (name: ActionInputName) => string): ActionSettings {
  const values = {} as Record<ActionInputName, string>;
  for (const name of ACTION_INPUTS) {
    const value = get(name);
    if (value.length > MAX_INPUT_LENGTH) throw usageError(`input ${name} is ${value.length} characters long (at most ${MAX_INPUT_LENGTH})`, 'BAD_INPUT');
    if (CONTROL.test(value) || (value.includes('\n') && name !== 'impersonation-path')) {
      throw usageError(`input ${name} contains a control character or a line break`, 'BAD_INPUT', 'Give the value on one line, without control characters.');
    }
    values[name] = value;
  }
  const text = (name: ActionInputName) => (values[name] === '' ? undefined : values[name]);

  const expectAccount = parseAccountId(text('expect-account'), 'input expect-account');
  if (!expectAccount.ok) throw usageError(expectAccount.error, 'BAD_ACCOUNT_ID');
  const path = values['impersonation-path']
    .split(/[,\n]/)
    .map((arn) => arn.trim())
    .filter(Boolean);
  return {
    account: text('account'),
    host: text('host'),
    expectUser: text('expect-user'),
    expectAccount: expectAccount.account,
    role: text('role'),
    warehouse: text('warehouse'),
    impersonationPath: path.length ? path : undefined,
    outboundToken: booleanInput('outbound-token', values['outbound-token'], undefined),
    timeoutMs: parseTimeoutSeconds(text('timeout'), 'input timeout'),
    adminConnection: text('admin-connection'),
    // As in aws-actions/configure-aws-credentials: masking is asked for, not the default.
    maskAwsAccountId: booleanInput('mask-aws-account-id', values['mask-aws-account-id'], false),
    provider: text('provider'),
    audience: text('audience'),
  };
}
