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

describe('the inputs at their edges', () => {
  it.each([
    ['\u0000', true], ['\u0008', true], ['\t', false], ['\u000b', true], ['\u000d', true], ['\u001f', true], [' ', false], ['~', false],
    ['\u007f', true], ['\u0080', true], ['\u009f', true], ['\u00a0', false], ['\u2027', false], ['\u2028', true], ['\u2029', true],
    ['\u202a', true], ['\u202e', true], ['\u202f', false], ['\u2065', false], ['\u2066', true], ['\u2069', true], ['\u206a', false],
  ])('%j in an input: refused %s', (char, refused) => {
    const inputs = { role: `R${char}x` };
    if (refused) expect(refusal(inputs)).toMatchObject({ code: 'BAD_INPUT', message: 'input role contains a control character or a line break', hint: 'Give the value on one line, without control characters.' });
    else expect(parse(inputs).role).toBe(`R${char}x`);
  });

  it('a line break is allowed only in impersonation-path', () => {
    expect(refusal({ 'admin-connection': 'a\nb' }).message).toBe('input admin-connection contains a control character or a line break');
    expect(parse({ 'impersonation-path': 'a\nb' }).impersonationPath).toEqual(['a', 'b']);
  });

  it('the length limit applies to every input, impersonation-path too', () => {
    expect(MAX_INPUT_LENGTH).toBe(4096);
    expect(refusal({ 'impersonation-path': 'a'.repeat(4097) })).toMatchObject({ code: 'BAD_INPUT', message: 'input impersonation-path is 4097 characters long (at most 4096)' });
  });

  it('a boolean that is neither says how to write it', () => {
    expect(refusal({ 'mask-aws-account-id': 'yes' })).toMatchObject({ code: 'BAD_INPUT', message: 'input mask-aws-account-id must be true or false', hint: 'Write true or false (or leave the input out).', exitCode: 2 });
  });

  it('every input is read into its setting', () => {
    const all: Record<ActionInputName, string> = {
      account: 'a', host: 'h', 'expect-user': 'u', 'expect-account': '123456789012', role: 'r', warehouse: 'w',
      'impersonation-path': 'p1,p2', 'outbound-token': 'true', timeout: '5', 'admin-connection': 'c', 'mask-aws-account-id': 'TRUE',
      provider: 'oidc', audience: 'aud-1',
    };
    expect(parseActionInputs((name) => all[name])).toEqual({
      account: 'a', host: 'h', expectUser: 'u', expectAccount: '123456789012', role: 'r', warehouse: 'w',
      impersonationPath: ['p1', 'p2'], outboundToken: true, timeoutMs: 5_000, adminConnection: 'c', maskAwsAccountId: true,
      provider: 'oidc', audience: 'aud-1',
    });
    expect(ACTION_INPUTS).toEqual(['account', 'host', 'expect-user', 'expect-account', 'role', 'warehouse', 'impersonation-path', 'outbound-token', 'timeout', 'admin-connection', 'mask-aws-account-id', 'provider', 'audience']);
  });

  it.each([
    ['expectAccount', 'input expect-account'],
    ['impersonationPath', 'input impersonation-path'],
    ['adminConnection', 'input admin-connection'],
    ['aB', 'input a-b'],
  ])('inputLabel(%s) → %s', (key, label) => {
    expect(inputLabel(key)).toBe(label);
  });
});
