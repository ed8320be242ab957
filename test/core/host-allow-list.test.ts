/**
 * The hosts the administrator's credentials may go to (issue 17, item 3): exactly those the
 * driver's WORKLOAD_IDENTITY allow-list accepts (snowflake-sdk lib/url_util.js,
 * auth_workload_identity/host_allowlist.js) — checked here against the driver's own functions.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllowedSnowflakeHost } from '../../src/core/host.js';

const driverUrlUtil = createRequire(import.meta.url)('snowflake-sdk/dist/lib/url_util.js') as {
  normalizeHost(host: string): string;
  isSnowflakeAllowedDomain(host: string, extra: string[]): boolean;
};

/** The driver's own decision, with SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES = `suffixes`. */
function driverAllows(host: string, suffixes: string | undefined): boolean {
  const extra = (suffixes ?? '').split(',').map(driverUrlUtil.normalizeHost).filter((suffix) => suffix.length > 0);
  return driverUrlUtil.isSnowflakeAllowedDomain(driverUrlUtil.normalizeHost(host), extra);
}

describe('isAllowedSnowflakeHost', () => {
  it.each([
    ['myorg-myacct.snowflakecomputing.com', undefined, true],
    ['MYORG-MYACCT.SnowflakeComputing.COM', undefined, true],
    ['myorg-myacct.snowflakecomputing.com.', undefined, true],
    ['xy12345.eu-west-1.privatelink.snowflakecomputing.com', undefined, true],
    ['acct.snowflakecomputing.cn', undefined, true],
    ['acct.snowflakecomputing.mil', undefined, true],
    ['snowflakecomputing.com', undefined, true],
    ['evilsnowflakecomputing.com', undefined, false],
    ['snowflakecomputing.com.evil.example', undefined, false],
    ['127.0.0.1', undefined, false],
    ['localhost', undefined, false],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.12', '127.0.0.1', false],
    ['proxy.example.internal', 'example.internal', true],
    ['example.internal', 'example.internal', true],
    ['notexample.internal', 'example.internal', false],
    // The driver matches `.suffix` against "." + the suffix: a leading dot matches nothing.
    ['proxy.example.internal', '.example.internal', false],
    ['h.a.example, ', ' a.example , b.example', false],
    ['h.b.example', ' a.example , b.example', true],
    ['h.b.example', ',,', false],
    // An empty entry (a trailing comma) allows nothing, not even an empty host.
    ['', 'example.internal,', false],
    ['.', ',', false],
    [' ', ' , ', false],
  ])('%s with SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES=%j → %s', (host, suffixes, allowed) => {
    expect(isAllowedSnowflakeHost(host, suffixes)).toBe(allowed);
    expect(driverAllows(host, suffixes)).toBe(allowed);
  });

  it('property: the same decision as the driver, for any host and suffix list', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,6}$/);
    const name = fc.array(fc.oneof(label, fc.constantFrom('snowflakecomputing', 'com', 'cn', 'mil', 'example', '127', '0', '1')), { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
    const suffixes = fc.option(fc.array(fc.oneof(name, fc.constantFrom('', ' ', '.example')), { maxLength: 3 }).map((list) => list.join(',')), { nil: undefined });
    fc.assert(
      fc.property(name, suffixes, (host, list) => {
        expect(isAllowedSnowflakeHost(host, list)).toBe(driverAllows(host, list));
      }),
      { numRuns: 3_000 },
    );
  });
});
