/**
 * More of audit's specification (src/core/audit-findings.ts), one line per listing: the default
 * audience an OIDC fix writes when the registration has no OIDC_AUDIENCE_LIST (and that the OIDC
 * rules leave an Azure registration alone), the GCP fix for a user whose name cannot be written
 * safely, and which PATH_SEGMENT_ROLE fix names the looked-up role (--arn / --me) when the listing
 * is not the plain one-user case. Each expected result is whole: every finding with its detail and
 * fix. Complements test/core/audit-findings.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { auditFindings, lookupTargetFor, type AuditIdentity, type AuditUser, type Finding } from '../../src/core/audit-findings.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const YESTERDAY = new Date(NOW - 86_400_000).toISOString();
const GITHUB = 'https://token.actions.githubusercontent.com';
const STS_ISSUER = 'https://sts.amazonaws.com';

const aws = (over: Partial<AuditIdentity> = {}): AuditIdentity => ({
  name: 'DEFAULT',
  type: 'AWS',
  awsPartition: 'aws',
  awsAccount: '123456789012',
  identityType: 'IAM_ROLE',
  iamRole: 'service-role',
  issuer: STS_ISSUER,
  lastUsed: YESTERDAY,
  createdOn: null,
  disabled: null,
  ...over,
});
const oidc = (subject: string, audienceList: string[] | null): AuditIdentity => ({
  name: 'DEFAULT',
  type: 'OIDC',
  awsPartition: null,
  awsAccount: null,
  identityType: null,
  iamRole: null,
  issuer: GITHUB,
  subject,
  audienceList,
  lastUsed: YESTERDAY,
  createdOn: null,
  disabled: null,
});
const gcp = (subject: string): AuditIdentity => ({
  name: 'DEFAULT',
  type: 'GCP',
  awsPartition: null,
  awsAccount: null,
  identityType: null,
  iamRole: null,
  issuer: null,
  subject,
  lastUsed: YESTERDAY,
  createdOn: null,
  disabled: null,
});
/** A correct Azure registration: the tenant's v2.0 issuer and the managed identity's object ID. */
const azure = (): AuditIdentity => ({
  name: 'DEFAULT',
  type: 'AZURE',
  awsPartition: null,
  awsAccount: null,
  identityType: null,
  iamRole: null,
  issuer: 'https://login.microsoftonline.com/3f1e2d4c-5b6a-4789-9abc-def012345678/v2.0',
  subject: '2c4e6a8b-0d1f-4b3c-9a5e-7f8e9d0c1b2a',
  lastUsed: YESTERDAY,
  createdOn: null,
  disabled: null,
});
const service = (name: string, identities: AuditIdentity[]): AuditUser => ({ name, type: 'SERVICE', disabled: false, defaultRole: null, identities, identitiesListed: true });

const NO_AUDIENCE_LIST: Finding = {
  code: 'NO_AUDIENCE_LIST',
  severity: 'warn',
  user: 'GH_DEPLOY',
  identity: 'DEFAULT',
  detail: 'no OIDC_AUDIENCE_LIST: Snowflake then wants the audience snowflakecomputing.com, which every Snowflake account shares, so a token minted for another account (same issuer and subject) logs in here too',
  fix: "Add OIDC_AUDIENCE_LIST = ('<audience>') with the audience your tokens carry (wif-check gen-sql always writes one).",
};
const PULL_REQUEST_DETAIL = 'no GitHub workflow presents this subject: pull-request is not what GitHub writes for a pull request: its subjects say pull_request';
const PULL_REQUEST_FIX = `ALTER USER GH_DEPLOY SET WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '${GITHUB}' SUBJECT = 'repo:acme/etl:pull_request' OIDC_AUDIENCE_LIST = ('snowflakecomputing.com'));`;
const PATH_DETAIL = (role: string) => `role ${role} is an IAM path segment: registered with a path ARN, never matches`;
const alterArn = (user: string, arn: string) => `ALTER USER ${user} SET WORKLOAD_IDENTITY = (TYPE = AWS ARN = '${arn}');`;
const GUESS = 'arn:aws:iam::123456789012:role/<role name>';

/** The audit of `users`, with the reverse lookup of `arn` when one is given. */
const audit = (users: AuditUser[], arn?: string): Finding[] => {
  if (arn === undefined) return auditFindings({ users, role: 'AUDITOR', now: NOW }).findings;
  const target = lookupTargetFor(arn);
  if (!target.ok) throw new Error(target.error);
  return auditFindings({ users, role: 'AUDITOR', now: NOW, lookup: target.target }).findings;
};

describe('auditFindings: more of the specification, one listing per line', () => {
  it.each<[string, AuditUser[], string | undefined, Finding[]]>([
    // OIDC: a fix for a registration without OIDC_AUDIENCE_LIST writes the audience Snowflake then wants.
    [
      'a GitHub subject no workflow presents, no OIDC_AUDIENCE_LIST: the fix lists snowflakecomputing.com',
      [service('GH_DEPLOY', [oidc('repo:acme/etl:pull-request', null)])],
      undefined,
      [NO_AUDIENCE_LIST, { code: 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', severity: 'error', user: 'GH_DEPLOY', identity: 'DEFAULT', detail: PULL_REQUEST_DETAIL, fix: PULL_REQUEST_FIX }],
    ],
    [
      'the same with an empty OIDC_AUDIENCE_LIST listed',
      [service('GH_DEPLOY', [oidc('repo:acme/etl:pull-request', [])])],
      undefined,
      [NO_AUDIENCE_LIST, { code: 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', severity: 'error', user: 'GH_DEPLOY', identity: 'DEFAULT', detail: PULL_REQUEST_DETAIL, fix: PULL_REQUEST_FIX }],
    ],
    // An Azure registration has an issuer and a subject too, but is no OIDC one: no OIDC rule applies.
    ['a correct Azure registration: nothing to say', [service('AZ_LOADER', [azure()])], undefined, []],
    // GCP: a user name with a pasted no-break space cannot be written safely: the fix says <user>.
    [
      'a GCP e-mail subject on a user whose name has a no-break space',
      [service('GCP\u00a0LOADER', [gcp('loader@acme-data.iam.gserviceaccount.com')])],
      undefined,
      [
        {
          code: 'GCP_SUBJECT_EMAIL',
          severity: 'error',
          user: 'GCP\u00a0LOADER',
          identity: 'DEFAULT',
          detail: "the GCP SUBJECT loader@acme-data.iam.gserviceaccount.com is the service account's e-mail: Snowflake matches the token's sub, the account's numeric unique ID (the docs show both; only the ID is what the token's subject holds)",
          fix: 'Get the unique ID: gcloud iam service-accounts describe loader@acme-data.iam.gserviceaccount.com --format="value(uniqueId)"\nthen: ALTER USER <user> SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = \'<unique ID>\');',
        },
      ],
    ],
    [
      'a GCP subject with a trailing space on a user whose name has a no-break space',
      [service('GCP\u00a0LOADER', [gcp('117654321098765432109 ')])],
      undefined,
      [{ code: 'GCP_SUBJECT_SPACES', severity: 'error', user: 'GCP\u00a0LOADER', identity: 'DEFAULT', detail: 'the GCP SUBJECT has spaces around it: Snowflake compares it exactly', fix: "ALTER USER <user> SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '117654321098765432109');" }],
    ],
    // --me (a path-free role), a second user listed without awsPartition (read as aws, as everywhere):
    // two probable users, so no fix names the role.
    [
      'an identity listed without awsPartition is probable too: two probable users, no fix names the role',
      [service('LAMBDA_LOADER', [aws()]), service('LEGACY_LOADER', [aws({ awsPartition: null })])],
      'arn:aws:sts::123456789012:assumed-role/my-fn-role/s1',
      [
        { code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'LAMBDA_LOADER', identity: 'DEFAULT', detail: PATH_DETAIL('service-role'), fix: alterArn('LAMBDA_LOADER', GUESS) },
        { code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'LEGACY_LOADER', identity: 'DEFAULT', detail: PATH_DETAIL('service-role'), fix: alterArn('LEGACY_LOADER', GUESS) },
        { code: 'NO_MATCH', severity: 'error', user: null, identity: null, detail: 'arn:aws:sts::123456789012:assumed-role/my-fn-role/s1 maps to no user; probably LAMBDA_LOADER, LEGACY_LOADER (registered with an IAM path)', fix: alterArn('<your user>', 'arn:aws:iam::123456789012:role/my-fn-role') },
      ],
    ],
    // --arn with a path: the user is probable through its other identity, whose stored segment is the path's.
    [
      'a user probable through its SSO identity: its service-role DEFAULT keeps the placeholder',
      [service('MULTI', [aws(), aws({ name: 'SSO', iamRole: 'aws-reserved' })])],
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc',
      [
        { code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'MULTI', identity: 'DEFAULT', detail: PATH_DETAIL('service-role'), fix: alterArn('MULTI', GUESS) },
        { code: 'PATH_SEGMENT_ROLE', severity: 'error', user: 'MULTI', identity: 'SSO', detail: PATH_DETAIL('aws-reserved') },
        {
          code: 'NO_MATCH',
          severity: 'error',
          user: null,
          identity: null,
          detail: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc maps to no user; probably MULTI (registered with an IAM path)',
          fix: alterArn('MULTI', 'arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_abc'),
        },
      ],
    ],
  ])('%s', (_name, users, arn, expected) => {
    expect(audit(users, arn)).toEqual(expected);
  });
});
