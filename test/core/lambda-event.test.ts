import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WifError } from '../../src/core/errors.js';
import { ALLOW_INSECURE_HTTP_ENV, failOnError, lambdaSummaryLine, parseLambdaEvent, type LambdaSettings, type SummaryReport } from '../../src/core/lambda-event.js';

const UNSET: LambdaSettings = {
  account: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  expectUser: undefined,
  expectAccount: undefined,
  role: undefined,
  warehouse: undefined,
  impersonationPath: undefined,
  timeoutMs: undefined,
  outboundToken: undefined,
  adminConnection: undefined,
  provider: undefined,
  audience: undefined,
  driver: undefined,
  failOnError: undefined,
  notes: [],
};

const EVERY_FIELD_NULL = {
  account: null, host: null, port: null, protocol: null, expectUser: null, expectAccount: null, role: null,
  warehouse: null, impersonationPath: null, timeout: null, allowInsecureHttp: null, outboundToken: null, adminConnection: null,
  driver: null, failOnError: null,
};

/** The error parseLambdaEvent throws for `event`, checked to be a one-line usage error (exit 2). */
function refusal(event: unknown): WifError {
  try {
    parseLambdaEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(WifError);
    const wif = error as WifError;
    expect(wif.exitCode).toBe(2);
    // One short line, no control characters: it goes into the report as it is.
    expect(wif.message).toMatch(/^[^\p{Cc}]{1,200}$/u);
    return wif;
  }
  throw new Error(`expected ${JSON.stringify(event)} to be refused`);
}

describe('parseLambdaEvent accepts the natural forms', () => {
  it.each<[string, unknown, Partial<LambdaSettings>]>([
    ['no event (undefined)', undefined, {}],
    ['a null event', null, {}],
    ['an empty object', {}, {}],
    ['null for every field means unset', EVERY_FIELD_NULL, {}],
    ['impersonationPath null means unset', { impersonationPath: null }, {}],
    ['undefined values (a library call) mean unset', { account: undefined, timeout: undefined }, {}],
    ['the string fields as strings', { account: 'myorg-myacct', host: 'h.example', protocol: 'https', expectUser: 'LOADER', role: 'R', warehouse: 'W' }, { account: 'myorg-myacct', host: 'h.example', protocol: 'https', expectUser: 'LOADER', role: 'R', warehouse: 'W' }],
    ['port as a number', { port: 8443 }, { port: 8443 }],
    ['driver python', { driver: 'python' }, { driver: 'python' }],
    ['driver node', { driver: 'node' }, { driver: 'node' }],
    ['failOnError true', { failOnError: true }, { failOnError: true }],
    ['failOnError false', { failOnError: false }, { failOnError: false }],
    ['port as a string', { port: '8443' }, { port: '8443' }],
    ['timeout as a number of seconds', { timeout: 10 }, { timeoutMs: 10_000 }],
    ['timeout as a string', { timeout: '2.5' }, { timeoutMs: 2_500 }],
    ['impersonationPath as an array', { impersonationPath: ['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'] }, { impersonationPath: ['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'] }],
    ['impersonationPath as a comma list', { impersonationPath: 'arn:aws:iam::1:role/a,arn:aws:iam::1:role/b' }, { impersonationPath: 'arn:aws:iam::1:role/a,arn:aws:iam::1:role/b' }],
    ['impersonationPath as an empty array', { impersonationPath: [] }, { impersonationPath: [] }],
    ['expectAccount as a string', { expectAccount: '012345678901' }, { expectAccount: '012345678901' }],
    ['expectAccount as a 12-digit number', { expectAccount: 123456789012 }, { expectAccount: '123456789012' }],
    ['allowInsecureHttp false (the default; TLS stays on)', { allowInsecureHttp: false }, {}],
    ['outboundToken true', { outboundToken: true }, { outboundToken: true }],
    ['driver as a string (doctor --in-lambda sends the real function\'s)', { driver: 'python' }, { driver: 'python' }],
    ['driver null means unset', { driver: null }, {}],
  ])('%s', (_name, event, expected) => {
    expect(parseLambdaEvent(event)).toEqual({ ...UNSET, ...expected });
  });

  it('an account id as a number with fewer than 12 digits lost its leading zeros: they are restored, with a note', () => {
    expect(parseLambdaEvent({ expectAccount: 12345678901 })).toEqual({
      ...UNSET,
      expectAccount: '012345678901',
      notes: ['event.expectAccount was the number 12345678901: read as the AWS account id 012345678901 (give it as a string to keep its leading zeros)'],
    });
  });

  it('ignores fields it does not know (the Lambda console test event), with one note', () => {
    expect(parseLambdaEvent({ key1: 'value1', key2: 'value2', key3: 'value3' })).toEqual({
      ...UNSET,
      notes: ['ignored event fields that are not wif-check settings: key1, key2, key3'],
    });
  });

  it('names a likely misspelling, and never echoes a long or unprintable field name', () => {
    const [note] = parseLambdaEvent({ expect_user: 'X', 'Allow-Insecure-Http': true, ['x'.repeat(500)]: 1, 'a\u001bb': 2, f: 1, g: 2, h: 3 }).notes;
    expect(note).toBe(
      'ignored event fields that are not wif-check settings: expect_user (did you mean expectUser?), Allow-Insecure-Http (did you mean allowInsecureHttp?), ' +
        '(a name of 500 characters), (a name of 3 characters), f, and 2 more',
    );
  });
});

describe('parseLambdaEvent refuses everything else, naming the field and the expected type', () => {
  it.each<[string, unknown, string, string]>([
    ['an array event', [], 'the event must be an object of settings (or null), not an array', 'BAD_EVENT'],
    ['a string event (JSON text)', '{"account":"myorg-myacct","expectUser":"X"}', 'the event must be an object of settings (or null), not a string of 43 characters', 'BAD_EVENT'],
    ['a short string event', 'hello', 'the event must be an object of settings (or null), not the string "hello"', 'BAD_EVENT'],
    ['a number event', 42, 'the event must be an object of settings (or null), not the number 42', 'BAD_EVENT'],
    ['a Snowflake account as a number', { account: 123 }, 'event.account must be a string (a Snowflake account identifier such as myorg-myacct), not the number 123', 'BAD_EVENT'],
    ['expectUser as a number', { expectUser: 42 }, 'event.expectUser must be a string (a Snowflake user name), not the number 42', 'BAD_EVENT'],
    ['driver as a boolean', { driver: true }, 'event.driver must be a string (a driver name: node or python), not the boolean true', 'BAD_EVENT'],
    ['host as an object', { host: {} }, 'event.host must be a string (a host name), not an object', 'BAD_EVENT'],
    ['host as an array', { host: ['a.example'] }, 'event.host must be a string (a host name), not an array', 'BAD_EVENT'],
    ['protocol as a boolean', { protocol: true }, 'event.protocol must be a string (http or https), not the boolean true', 'BAD_EVENT'],
    ['role as an object', { role: { name: 'R' } }, 'event.role must be a string (a Snowflake role name), not an object', 'BAD_EVENT'],
    ['warehouse as a number', { warehouse: 1 }, 'event.warehouse must be a string (a Snowflake warehouse name), not the number 1', 'BAD_EVENT'],
    ['port as an object', { port: {} }, 'event.port must be a port number or a string of one, not an object', 'BAD_EVENT'],
    ['port as Infinity', { port: Infinity }, 'event.port must be a port number or a string of one, not the number Infinity', 'BAD_EVENT'],
    ['port as NaN', { port: Number.NaN }, 'event.port must be a port number or a string of one, not the number NaN', 'BAD_EVENT'],
    ['port as a long string', { port: '4'.repeat(1000) }, 'event.port must be a port number or a string of one, not a string of 1000 characters', 'BAD_EVENT'],
    ['timeout as an object', { timeout: {} }, 'event.timeout must be a number of seconds or a string of one, not an object', 'BAD_EVENT'],
    ['timeout as NaN', { timeout: Number.NaN }, 'event.timeout must be a number of seconds or a string of one, not the number NaN', 'BAD_EVENT'],
    ['timeout with control characters', { timeout: '\u001b[2J' }, 'event.timeout must be a number of seconds or a string of one, not a string of 4 characters', 'BAD_EVENT'],
    ['timeout out of range', { timeout: 0 }, "event.timeout '0' must be a number of seconds from 1 to 3600", 'BAD_TIMEOUT'],
    ['timeout not a number', { timeout: 'abc' }, "event.timeout 'abc' must be a number of seconds from 1 to 3600", 'BAD_TIMEOUT'],
    ['expectAccount as a fraction', { expectAccount: 1.5 }, 'event.expectAccount must be a 12-digit AWS account id (a string, or a whole number), not the number 1.5', 'BAD_EVENT'],
    ['expectAccount negative', { expectAccount: -1 }, 'event.expectAccount must be a 12-digit AWS account id (a string, or a whole number), not the number -1', 'BAD_EVENT'],
    ['expectAccount with 13 digits', { expectAccount: 1234567890123 }, 'event.expectAccount must be a 12-digit AWS account id (a string, or a whole number), not the number 1234567890123', 'BAD_EVENT'],
    ['expectAccount as an object', { expectAccount: {} }, 'event.expectAccount must be a 12-digit AWS account id (a string, or a whole number), not an object', 'BAD_EVENT'],
    ['expectAccount as a short string', { expectAccount: '12345' }, "event.expectAccount '12345' is not a 12-digit AWS account id", 'BAD_ACCOUNT_ID'],
    ['expectAccount as a long string', { expectAccount: '1'.repeat(300) }, 'event.expectAccount must be a 12-digit AWS account id (a string, or a whole number), not a string of 300 characters', 'BAD_EVENT'],
    ['impersonationPath as an object', { impersonationPath: {} }, 'event.impersonationPath must be an array of IAM role ARNs or a comma-separated string, not an object', 'BAD_EVENT'],
    ['impersonationPath as a number', { impersonationPath: 5 }, 'event.impersonationPath must be an array of IAM role ARNs or a comma-separated string, not the number 5', 'BAD_EVENT'],
    ['a non-string in impersonationPath', { impersonationPath: ['arn:aws:iam::1:role/a', 5] }, 'event.impersonationPath[1] must be a string (an IAM role ARN), not the number 5', 'BAD_EVENT'],
    ['a null in impersonationPath', { impersonationPath: [null] }, 'event.impersonationPath[0] must be a string (an IAM role ARN), not null', 'BAD_EVENT'],
    ['allowInsecureHttp as a string', { allowInsecureHttp: 'true' }, `event.allowInsecureHttp must be false or unset (the function's environment decides), not the string "true"`, 'BAD_EVENT'],
    ['allowInsecureHttp as a number', { allowInsecureHttp: 1 }, `event.allowInsecureHttp must be false or unset (the function's environment decides), not the number 1`, 'BAD_EVENT'],
    // Whoever may invoke the function must not turn TLS off (issue 17, item 7): only its environment can.
    ['allowInsecureHttp true', { allowInsecureHttp: true }, 'event.allowInsecureHttp is not accepted: whoever may invoke the function must not be able to send its login unencrypted', 'BAD_EVENT'],
    ['outboundToken as a string', { outboundToken: 'yes' }, 'event.outboundToken must be true or false, not the string "yes"', 'BAD_EVENT'],
  ])('%s', (_name, event, message, code) => {
    const error = refusal(event);
    expect(error.message).toBe(message);
    expect(error.code).toBe(code);
  });

  it('never echoes a string value that is long or unprintable', () => {
    expect(refusal({ allowInsecureHttp: `yes\u001b]0;owned\u0007` }).message).toBe("event.allowInsecureHttp must be false or unset (the function's environment decides), not a string of 13 characters");
    expect(refusal({ outboundToken: 'y'.repeat(33) }).message).toBe('event.outboundToken must be true or false, not a string of 33 characters');
  });
});

describe('parseLambdaEvent on any JSON (property)', () => {
  const FIELDS = ['account', 'host', 'port', 'protocol', 'expectUser', 'expectAccount', 'role', 'warehouse', 'impersonationPath', 'timeout', 'allowInsecureHttp', 'outboundToken', 'key1'];
  const events = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.jsonValue(), fc.constantFrom(Number.NaN, Infinity, -Infinity))),
  );

  it('returns settings or throws a one-line usage error (exit 2): never anything else', () => {
    fc.assert(
      fc.property(events, (event) => {
        let settings: LambdaSettings;
        try {
          settings = parseLambdaEvent(event);
        } catch (error) {
          expect(error).toBeInstanceOf(WifError);
          expect((error as WifError).exitCode).toBe(2);
          expect((error as WifError).message).toMatch(/^[^\p{Cc}]{1,200}$/u);
          return;
        }
        for (const note of settings.notes) expect(note).toMatch(/^[^\p{Cc}]{1,400}$/u);
        for (const key of ['account', 'host', 'protocol', 'expectUser', 'expectAccount', 'role', 'warehouse'] as const) {
          expect(['string', 'undefined']).toContain(typeof settings[key]);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('adminConnection (issue 11: the Lambda equivalent of doctor --admin-connection)', () => {
  it('is a connection name; another type is refused naming the field', () => {
    expect(parseLambdaEvent({ adminConnection: 'admin' }).adminConnection).toBe('admin');
    expect(parseLambdaEvent({ adminConnection: null }).adminConnection).toBeUndefined();
    expect(refusal({ adminConnection: 7 }).message).toMatch(/^event\.adminConnection must be a string/);
  });
});

describe('the event rules at their edges, one line per value', () => {
  it.each<[string, unknown, string]>([
    ['a string of 32 printable characters is quoted', 'x'.repeat(32), `the event must be an object of settings (or null), not the string "${'x'.repeat(32)}"`],
    ['a string of 33 is described by its length', 'x'.repeat(33), 'the event must be an object of settings (or null), not a string of 33 characters'],
    ['a function (a library caller)', () => 1, 'the event must be an object of settings (or null), not a function'],
    ['a function as a field', { account: () => 'x' }, 'event.account must be a string (a Snowflake account identifier such as myorg-myacct), not a function'],
    ['a bigint as a field', { account: 1n }, 'event.account must be a string (a Snowflake account identifier such as myorg-myacct), not a bigint'],
    ['a symbol as a field', { role: Symbol('r') }, 'event.role must be a string (a Snowflake role name), not a symbol'],
    ['an account id above 12 digits', { expectAccount: 1_000_000_000_000 }, 'event.expectAccount must be a 12-digit AWS account id (a string, or a whole number), not the number 1000000000000'],
  ])('%s', (_name, event, message) => {
    expect(refusal(event).message).toBe(message);
  });

  it.each([
    [0, '000000000000', ['event.expectAccount was the number 0: read as the AWS account id 000000000000 (give it as a string to keep its leading zeros)']],
    [999_999_999_999, '999999999999', []],
  ])('expectAccount %i → %s', (expectAccount, id, notes) => {
    expect(parseLambdaEvent({ expectAccount })).toEqual({ ...UNSET, expectAccount: id, notes });
  });

  it('allowInsecureHttp true is refused, and the hint names the function\'s own switch', () => {
    const error = refusal({ allowInsecureHttp: true });
    expect({ message: error.message, code: error.code, hint: error.hint }).toEqual({
      message: 'event.allowInsecureHttp is not accepted: whoever may invoke the function must not be able to send its login unencrypted',
      code: 'BAD_EVENT',
      hint: "Use https. To allow cleartext to a host that is not a loopback address, set WIF_CHECK_ALLOW_INSECURE_HTTP=true in the function's environment (its configuration, not the event).",
    });
    expect(ALLOW_INSECURE_HTTP_ENV).toBe('WIF_CHECK_ALLOW_INSECURE_HTTP');
  });

  it('an unknown field name of 40 printable characters is shown, one of 41 is not', () => {
    expect(parseLambdaEvent({ ['a'.repeat(40)]: 1, ['b'.repeat(41)]: 2 }).notes).toEqual([
      `ignored event fields that are not wif-check settings: ${'a'.repeat(40)}, (a name of 41 characters)`,
    ]);
  });
});

describe('event.failOnError and WIF_CHECK_FAIL_ON_ERROR (issue 21, part 3)', () => {
  it.each<[boolean | undefined, string | undefined, boolean]>([
    [undefined, undefined, false],
    [undefined, '', false],
    [undefined, 'true', true],
    [undefined, 'TRUE', true],
    [undefined, ' true ', true],
    [undefined, '1', false],
    [undefined, 'yes', false],
    [undefined, 'false', false],
    [true, undefined, true],
    [true, 'false', true],
    [false, 'true', false],
    [false, undefined, false],
  ])('event %j, env %j → %j', (eventValue, envValue, expected) => {
    expect(failOnError(eventValue, envValue)).toBe(expected);
  });

  it.each([
    ['failOnError', 'yes', "event.failOnError must be true or false, not the string \"yes\""],
    ['failOnError', 1, 'event.failOnError must be true or false, not the number 1'],
    ['driver', 3, 'event.driver must be a string (a driver name: node or python), not the number 3'],
  ])('event.%s of the wrong type is refused', (field, value, message) => {
    expect(refusal({ [field]: value }).message).toBe(message);
  });
});

describe("the handler's one-line log summary", () => {
  const report = (over: Partial<SummaryReport> = {}): SummaryReport => ({ ok: true, exitCode: 0, checks: [{ id: 'login', status: 'ok', code: 'OK' }], user: 'LAMBDA_LOADER', callerArn: 'arn:aws:sts::123456789012:assumed-role/r/s', ...over });
  it.each<[string, SummaryReport, string]>([
    ['a pass', report(), 'wif-check: ok exitCode=0 user=LAMBDA_LOADER caller=arn:aws:sts::123456789012:assumed-role/r/s'],
    [
      'a failure names the first failed check and its code',
      report({ ok: false, exitCode: 1, user: null, checks: [{ id: 'region', status: 'warn', code: 'DRIVER_REGION_DIFFERS' }, { id: 'login', status: 'fail', code: 'USER_NOT_MAPPED' }, { id: 'user', status: 'fail', code: 'X' }] }),
      'wif-check: FAILED exitCode=1 check=login code=USER_NOT_MAPPED warnings=1 user=- caller=arn:aws:sts::123456789012:assumed-role/r/s',
    ],
    ['no caller, no user', report({ ok: false, exitCode: 2, checks: [{ id: 'settings', status: 'fail', code: 'BAD_EVENT' }], user: undefined, callerArn: null }), 'wif-check: FAILED exitCode=2 check=settings code=BAD_EVENT user=- caller=-'],
    ['control characters and spaces cannot break the line', report({ user: 'A B\nC\u001b[2J' }), 'wif-check: ok exitCode=0 user=A?B?C?[2J caller=arn:aws:sts::123456789012:assumed-role/r/s'],
    ['a quoted user with non-ASCII', report({ user: 'Zoë' }), 'wif-check: ok exitCode=0 user=Zo? caller=arn:aws:sts::123456789012:assumed-role/r/s'],
    ['a non-integer exit code', report({ exitCode: Number.NaN }), 'wif-check: ok exitCode=? user=LAMBDA_LOADER caller=arn:aws:sts::123456789012:assumed-role/r/s'],
    ['a user of 256 characters is cut to 255', report({ user: 'U'.repeat(256) }), `wif-check: ok exitCode=0 user=${'U'.repeat(255)} caller=arn:aws:sts::123456789012:assumed-role/r/s`],
    ['an id of 41 and a code of 61 characters are cut', report({ ok: false, exitCode: 1, checks: [{ id: 'i'.repeat(41), status: 'fail', code: 'C'.repeat(61) }] }), `wif-check: FAILED exitCode=1 check=${'i'.repeat(40)} code=${'C'.repeat(60)} user=LAMBDA_LOADER caller=arn:aws:sts::123456789012:assumed-role/r/s`],
    ['a caller of 201 characters is cut to 200', report({ callerArn: 'a'.repeat(201) }), `wif-check: ok exitCode=0 user=LAMBDA_LOADER caller=${'a'.repeat(200)}`],
  ])('%s', (_name, input, line) => {
    expect(lambdaSummaryLine(input)).toBe(line);
  });
});
