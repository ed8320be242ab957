/**
 * The token providers' refusal when a login maps to another user than --expect-user
 * (src/providers/token-login.ts): the message, the stable code, and a hint that moves the
 * registration with SQL that can be pasted as it is, for each provider.
 */
import { describe, expect, it } from 'vitest';
import { unexpectedAzureUser } from '../../src/providers/azure/connect.js';
import { unexpectedGcpUser } from '../../src/providers/gcp/connect.js';
import { unexpectedOidcUser } from '../../src/providers/oidc/connect.js';
import { tokenConnectDocument } from '../../src/providers/token-login.js';

const MOVE = 'or fix --expect-user (unquoted names compare case-insensitively, "quoted" ones exactly).';

describe('UNEXPECTED_USER for each token provider', () => {
  it('oidc: the token that mapped, and its registration on the expected user (an unquoted name as Snowflake stores it)', () => {
    const error = unexpectedOidcUser('GHA_OLD', 'gha_deploy', { type: 'OIDC', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:o/r:ref:refs/heads/main', audienceList: ['snowflakecomputing.com'] });
    expect(error).toMatchObject({ kind: 'verification', code: 'UNEXPECTED_USER', message: 'Logged in as GHA_OLD, not the expected user gha_deploy' });
    expect(error.hint?.split('\n')).toEqual([
      'Snowflake maps this token (issuer https://token.actions.githubusercontent.com, subject repo:o/r:ref:refs/heads/main) to user GHA_OLD. Move the mapping:',
      '  ALTER USER GHA_OLD UNSET WORKLOAD_IDENTITY;',
      "  ALTER USER GHA_DEPLOY SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = 'https://token.actions.githubusercontent.com' SUBJECT = 'repo:o/r:ref:refs/heads/main' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));",
      MOVE,
    ]);
  });

  it('azure: the identity that mapped; a stored name that needs quotes is quoted, a quoted plain name is written plain', () => {
    const error = unexpectedAzureUser('az loader', '"AZ_NEW"', { type: 'AZURE', issuer: 'https://login.microsoftonline.com/t/v2.0', subject: '66666666-7777-8888-9999-000000000000' });
    expect(error).toMatchObject({ code: 'UNEXPECTED_USER', message: 'Logged in as az loader, not the expected user "AZ_NEW"' });
    expect(error.hint?.split('\n')).toEqual([
      'Snowflake maps this identity (issuer https://login.microsoftonline.com/t/v2.0, subject 66666666-7777-8888-9999-000000000000) to user az loader. Move the mapping:',
      '  ALTER USER "az loader" UNSET WORKLOAD_IDENTITY;',
      "  ALTER USER AZ_NEW SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = 'https://login.microsoftonline.com/t/v2.0' SUBJECT = '66666666-7777-8888-9999-000000000000');",
      MOVE,
    ]);
  });

  it('gcp: the service account that mapped; a control character in a user name is escaped', () => {
    const error = unexpectedGcpUser('GCP\u001b[2JOLD', 'GCP_NEW', '111122223333444455556');
    expect(error).toMatchObject({ code: 'UNEXPECTED_USER' });
    const hint = error.hint?.split('\n') ?? [];
    expect(hint[0]).toBe('Snowflake maps this service account (unique ID 111122223333444455556) to user GCP\\u001b[2JOLD. Move the mapping:');
    expect(hint.slice(2)).toEqual(["  ALTER USER GCP_NEW SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '111122223333444455556');", MOVE]);
    expect(error.hint).not.toContain('\u001b');
  });
});

describe('tokenConnectDocument', () => {
  it('is the result without its warnings (they went to stderr)', () => {
    expect(tokenConnectDocument({ ok: true, user: 'U', warnings: ['w'] } as { warnings: string[] })).toEqual({ ok: true, user: 'U' });
  });
});
