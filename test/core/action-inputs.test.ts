import { describe, expect, it } from 'vitest';
import { ACTION_INPUTS, MAX_INPUT_LENGTH, inputLabel, parseActionInputs, type ActionInputName } from '../../src/core/action-inputs.js';
import { WifError } from '../../src/core/errors.js';

const parse = (inputs: Partial<Record<ActionInputName, string>>) => parseActionInputs((name) => inputs[name] ?? '');

function refusal(inputs: Partial<Record<ActionInputName, string>>): WifError {
  try {
    parse(inputs);
  } catch (error) {
    if (error instanceof WifError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseActionInputs', () => {
  it('unset inputs are undefined, booleans false', () => {
    expect(parse({})).toEqual({
      account: undefined, host: undefined, expectUser: undefined, expectAccount: undefined, role: undefined, warehouse: undefined,
      impersonationPath: undefined, outboundToken: undefined, timeoutMs: undefined, adminConnection: undefined, maskAwsAccountId: false,
    });
  });

  it('passes text inputs through', () => {
    expect(parse({ account: 'myorg-myacct', host: 'x.snowflakecomputing.com', 'expect-user': '"Svc"', role: 'LOADER', warehouse: 'WH', 'admin-connection': 'admin' })).toMatchObject({
      account: 'myorg-myacct', host: 'x.snowflakecomputing.com', expectUser: '"Svc"', role: 'LOADER', warehouse: 'WH', adminConnection: 'admin',
    });
  });

  it.each([
    ['a,b', ['a', 'b']],
    ['a\nb\n', ['a', 'b']],
    [' a , ,\n b ', ['a', 'b']],
    [',', undefined],
  ])('impersonation-path %j → %j (commas or line breaks)', (value, expected) => {
    expect(parse({ 'impersonation-path': value }).impersonationPath).toEqual(expected);
  });

  it.each([
    ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false],
  ])('booleans as in @actions/core getBooleanInput: %j → %s', (value, expected) => {
    expect(parse({ 'outbound-token': value }).outboundToken).toBe(expected);
    expect(parse({ 'mask-aws-account-id': value }).maskAwsAccountId).toBe(expected);
  });

  it('an unset outbound-token leaves the choice to doctor (the environment variable); mask-aws-account-id defaults to false', () => {
    expect(parse({}).outboundToken).toBeUndefined();
    expect(parse({}).maskAwsAccountId).toBe(false);
  });

  it.each(['yes', '1', 'on', 'tRUE'])('refuses the boolean %j', (value) => {
    expect(refusal({ 'outbound-token': value })).toMatchObject({ code: 'BAD_INPUT', message: 'input outbound-token must be true or false' });
  });

  it('timeout in seconds, named as an input when wrong', () => {
    expect(parse({ timeout: '12' }).timeoutMs).toBe(12_000);
    expect(refusal({ timeout: '0' })).toMatchObject({ code: 'BAD_TIMEOUT', message: expect.stringContaining('input timeout') });
  });

  it('expect-account must be 12 digits', () => {
    expect(parse({ 'expect-account': '012345678901' }).expectAccount).toBe('012345678901');
    expect(refusal({ 'expect-account': '12345' })).toMatchObject({ code: 'BAD_ACCOUNT_ID', message: "input expect-account '12345' is not a 12-digit AWS account id" });
  });

  it.each([
    ['account', 'a\nb'],
    ['host', 'x\r'],
    ['expect-user', 'U\u001b[2J'],
    ['role', 'R\u0085'],
    ['warehouse', 'W\u202e'],
    ['impersonation-path', 'arn\u0000'],
  ] as const)('refuses a control character or line break in %s, without echoing the value', (name, value) => {
    const error = refusal({ [name]: value });
    expect(error.code).toBe('BAD_INPUT');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`input ${name} contains a control character or a line break`);
  });

  it('refuses an absurdly long input', () => {
    expect(refusal({ account: 'a'.repeat(MAX_INPUT_LENGTH + 1) })).toMatchObject({ code: 'BAD_INPUT', message: `input account is ${MAX_INPUT_LENGTH + 1} characters long (at most ${MAX_INPUT_LENGTH})` });
    expect(parse({ account: 'a'.repeat(MAX_INPUT_LENGTH) }).account).toHaveLength(MAX_INPUT_LENGTH);
  });

  it('reads every declared input, and only those', () => {
    const asked: string[] = [];
    parseActionInputs((name) => (asked.push(name), ''));
    expect(asked).toEqual([...ACTION_INPUTS]);
  });
});

describe('inputLabel', () => {
  it.each([
    ['host', 'input host'],
    ['account', 'input account'],
    ['expectUser', 'input expect-user'],
  ])('%s → %s', (key, label) => expect(inputLabel(key)).toBe(label));
});
