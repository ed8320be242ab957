import { describe, expect, it } from 'vitest';
import { connectionEnvOverrides } from '../../src/snowflake/config-files.js';

describe('SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> (the Snowflake CLI convention)', () => {
  it.each([
    ['prod', { SNOWFLAKE_CONNECTIONS_PROD_ACCOUNT: 'myorg-prod', SNOWFLAKE_CONNECTIONS_PROD_ROLE: ' LOADER ' }, { account: 'myorg-prod', role: 'LOADER' }],
    ['Prod', { SNOWFLAKE_CONNECTIONS_PROD_HOST: 'h.snowflakecomputing.com' }, { host: 'h.snowflakecomputing.com' }],
    ['prod', { SNOWFLAKE_CONNECTIONS_PRODUCTION_ACCOUNT: 'other', SNOWFLAKE_CONNECTIONS_PROD_WAREHOUSE: '' }, {}],
    ['prod', { SNOWFLAKE_ACCOUNT: 'x', SNOWFLAKE_CONNECTIONS_DEV_ACCOUNT: 'y' }, {}],
  ])('connection %j with %j → %j', (name, env, expected) => {
    expect(connectionEnvOverrides(name, env)).toEqual(expected);
  });
});
