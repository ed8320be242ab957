/**
 * The gates before the mapping (src/core/gates.ts), one line per case: Snowflake's refusals (the
 * real 390422 and 390202 wordings from FACTS.md; the disabled/locked wording is not known, so the
 * simulator's and loose variants), what wif-check knows of the caller, and what the diagnosis says.
 * Also the two providers' diagnoses (src/core/diagnose.ts, src/providers/oidc/diagnose.ts) route
 * these refusals to the gates, keeping Snowflake's code and message.
 */
import { describe, expect, it } from 'vitest';
import { awsAccountOf, blockedAddress, diagnoseGate, isGateRefusal, type GateContext } from '../../src/core/gates.js';
import { diagnoseLoginError } from '../../src/core/diagnose.js';
import { diagnoseOidcLogin } from '../../src/providers/oidc/diagnose.js';
import { EXIT_CODES } from '../../src/core/errors.js';
import { ipInEntry } from '../../src/simulators/snowflake-gates.js';

const NET = (ip: string) => `Incoming request with IP/Token ${ip} is not allowed to access Snowflake.`;
const AUTH = 'Authentication attempt rejected by the current authentication policy.';
const GH = 'https://token.actions.githubusercontent.com';
const AWS: GateContext = { provider: 'AWS', awsAccount: '123456789012', user: 'LAMBDA_LOADER' };
const OIDC: GateContext = { provider: 'OIDC', issuer: GH, user: 'GHA_DEPLOY' };

type Row = [name: string, error: { name?: string; code?: string; message: string }, context: GateContext, code: string | undefined, mentions: readonly string[], absent?: readonly string[]];

const ROWS: readonly Row[] = [
  ['network, the real message', { name: 'OperationFailedError', code: '390422', message: NET('203.0.113.7') }, AWS, 'NETWORK_POLICY_BLOCKED', ['203.0.113.7', "ALLOWED_IP_LIST = ('203.0.113.7/32')", 'ALTER USER LAMBDA_LOADER SET NETWORK_POLICY', 'no HTTPS_PROXY is set', 'BLOCKED_IP_LIST'], ['GITHUBACTIONS_GLOBAL']],
  ['network, behind a proxy: may be the proxy’s address', { name: 'OperationFailedError', code: '390422', message: NET('198.51.100.2') }, { ...AWS, proxy: 'http://user:secret@proxy.corp:3128' }, 'NETWORK_POLICY_BLOCKED', ['HTTPS_PROXY is set (proxy.corp:3128)', "may be the proxy's address"], ['secret', 'no HTTPS_PROXY']],
  ['network, IPv6 address kept as is', { name: 'OperationFailedError', code: '390422', message: NET('2001:db8::1') }, AWS, 'NETWORK_POLICY_BLOCKED', ["('2001:db8::1')"]],
  ['network, a non-address in the message never reaches the SQL', { name: 'OperationFailedError', code: '390422', message: NET("1.2.3.4');DROP") }, AWS, 'NETWORK_POLICY_BLOCKED', ["('<address>')"], ['DROP']],
  ['network, GitHub issuer: the managed rule', { name: 'OperationFailedError', code: '390422', message: NET('20.1.2.3') }, OIDC, 'NETWORK_POLICY_BLOCKED', ['SNOWFLAKE.NETWORK_SECURITY.GITHUBACTIONS_GLOBAL', 'ALTER USER GHA_DEPLOY']],
  ['network, by code alone', { name: 'OperationFailedError', code: '390422', message: 'something else' }, AWS, 'NETWORK_POLICY_BLOCKED', ['<the address in the message>']],
  ['authentication policy, AWS: methods and this account', { name: 'OperationFailedError', code: '390202', message: AUTH }, AWS, 'AUTHENTICATION_POLICY_REJECTED', ["'WORKLOAD_IDENTITY'", "ALLOWED_AWS_ACCOUNTS = (<its accounts>, '123456789012')", 'ALLOWED_PROVIDERS = (<its providers>, AWS)', "REF_ENTITY_NAME => 'LAMBDA_LOADER'", 'DESCRIBE AUTHENTICATION POLICY'], ['ALLOWED_OIDC_ISSUERS']],
  ['authentication policy, OIDC: this issuer', { name: 'OperationFailedError', code: '390202', message: AUTH }, OIDC, 'AUTHENTICATION_POLICY_REJECTED', [`ALLOWED_OIDC_ISSUERS = (<its issuers>, '${GH}')`, 'ALLOWED_PROVIDERS = (<its providers>, OIDC)'], ['ALLOWED_AWS_ACCOUNTS']],
  ['authentication policy, no user known: a placeholder', { name: 'OperationFailedError', code: '390202', message: AUTH }, { provider: 'AWS' }, 'AUTHENTICATION_POLICY_REJECTED', ['<your user>', '<your AWS account>']],
  ['authentication policy, a quoted user is named exactly', { name: 'OperationFailedError', code: '390202', message: AUTH }, { provider: 'AWS', user: '"Svc"' }, 'AUTHENTICATION_POLICY_REJECTED', ["REF_ENTITY_NAME => 'Svc'", 'ALTER USER "Svc"']],
  ['disabled (the simulator wording)', { name: 'OperationFailedError', code: '390435', message: "User 'LAMBDA_LOADER' is disabled. (Snowflake simulator's wording…)" }, AWS, 'USER_DISABLED', ['ALTER USER LAMBDA_LOADER SET DISABLED = FALSE;', 'is disabled', "SHOW USERS LIKE 'LAMBDA_LOADER'"]],
  ['disabled, another wording', { name: 'OperationFailedError', code: '390101', message: 'User access disabled. Contact your local system administrator.' }, AWS, 'USER_DISABLED', ['SET DISABLED = FALSE']],
  ['locked', { name: 'OperationFailedError', code: '390435', message: "User 'GHA_DEPLOY' is temporarily locked." }, OIDC, 'USER_DISABLED', ['ALTER USER GHA_DEPLOY SET MINS_TO_UNLOCK = 0;', 'is locked']],
  ['the unmapped caller is not a gate', { name: 'OperationFailedError', code: '390432', message: 'Unable to find an associated Snowflake user for the verified AWS Caller Identity.' }, AWS, undefined, []],
  ['a network error is not a gate', { name: 'NetworkError', message: NET('1.2.3.4') }, AWS, undefined, []],
];

describe('diagnoseGate', () => {
  it.each(ROWS)('%s', (_name, error, context, code, mentions, absent = []) => {
    const diagnosis = diagnoseGate(error, context);
    expect(diagnosis?.code).toBe(code);
    if (!diagnosis) return;
    expect(EXIT_CODES[diagnosis.kind]).toBe(1);
    const text = `${diagnosis.message}\n${diagnosis.hint}`;
    for (const mention of mentions) expect(text).toContain(mention);
    for (const word of absent) expect(text).not.toContain(word);
  });
});

describe('the pieces', () => {
  it.each([
    [NET('127.0.0.1'), '127.0.0.1'],
    [NET('::1'), '::1'],
    [NET('not-an-ip'), undefined],
    [AUTH, undefined],
  ])('blockedAddress(%j) = %j', (message, ip) => expect(blockedAddress(message)).toBe(ip));

  it.each([
    ['arn:aws:sts::123456789012:assumed-role/r/s', '123456789012'],
    ['arn:aws-us-gov:iam::210987654321:role/r', '210987654321'],
    ['arn:aws:iam::12345:role/r', undefined],
    [null, undefined],
  ])('awsAccountOf(%j) = %j', (arn, account) => expect(awsAccountOf(arn)).toBe(account));

  it.each([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.0/8', true],
    ['127.0.0.1', '10.0.0.0/8', false],
    ['10.255.1.1', '10.0.0.0/8', true],
    ['11.0.0.1', '10.0.0.0/8', false],
    ['192.168.1.1', '0.0.0.0/0', true],
    ['192.168.1.1', '192.168.1.0/33', false],
    ['255.255.255.255', '255.255.255.254/31', true],
  ])('the simulator: %s in %s is %s', (ip, entry, inside) => expect(ipInEntry(ip, entry)).toBe(inside));

  it.each([
    [{ name: 'OperationFailedError', code: '390202', message: AUTH }, true],
    [{ name: 'OperationFailedError', code: '390202', message: AUTH, reachedSnowflake: false }, false],
    [{ name: 'OperationFailedError', code: '390432', message: 'Unable to find an associated Snowflake user' }, false],
  ])('isGateRefusal %#', (error, gate) => expect(isGateRefusal(error)).toBe(gate));
});

describe('both providers route the gates and keep Snowflake’s code and message', () => {
  const context = { account: 'myorg-myacct', url: 'https://myorg-myacct.snowflakecomputing.com', timeoutMs: 2_000 };
  it.each([
    ['390422', NET('127.0.0.1'), 'NETWORK_POLICY_BLOCKED'],
    ['390202', AUTH, 'AUTHENTICATION_POLICY_REJECTED'],
    ['390435', "User 'X' is disabled.", 'USER_DISABLED'],
  ])('AWS %s', (code, message, expected) => {
    const diagnosis = diagnoseLoginError({ name: 'OperationFailedError', code, message }, { ...context, callerArn: 'arn:aws:sts::123456789012:assumed-role/r/s', expectedArn: 'arn:aws:iam::123456789012:role/r' });
    expect(diagnosis).toMatchObject({ code: expected, kind: 'verification', snowflake: { code, message }, expectedArn: null });
    if (expected === 'AUTHENTICATION_POLICY_REJECTED') expect(diagnosis.hint).toContain("'123456789012'");
  });
  it.each([
    ['390422', NET('127.0.0.1'), 'NETWORK_POLICY_BLOCKED'],
    ['390202', AUTH, 'AUTHENTICATION_POLICY_REJECTED'],
    ['390435', "User 'X' is temporarily locked.", 'USER_DISABLED'],
  ])('OIDC %s', (code, message, expected) => {
    const diagnosis = diagnoseOidcLogin(
      { name: 'OperationFailedError', code, message },
      {
        ...context,
        facts: { issuer: GH, subject: 'repo:o/r:ref:refs/heads/main', audience: ['snowflakecomputing.com'] } as never,
        registration: { type: 'OIDC', issuer: GH, subject: 'repo:o/r:ref:refs/heads/main' } as never,
        traps: [],
      },
    );
    expect(diagnosis).toMatchObject({ code: expected, kind: 'verification', snowflake: { code, message } });
    if (expected === 'AUTHENTICATION_POLICY_REJECTED') expect(diagnosis.hint).toContain(GH);
  });
});
