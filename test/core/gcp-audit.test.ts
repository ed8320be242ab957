/**
 * audit's GCP findings (src/core/audit-findings.ts gcpFindings, issue 19): a SUBJECT that is not a
 * service account's numeric unique ID, as Snowflake lists it, one line per case.
 */
import { describe, expect, it } from 'vitest';
import { auditFindings, type AuditIdentity, type AuditUser } from '../../src/core/audit-findings.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const gcp = (subject: string | null | undefined, type = 'GCP'): AuditIdentity => ({
  name: 'DEFAULT',
  type,
  awsPartition: null,
  awsAccount: null,
  identityType: null,
  iamRole: null,
  issuer: null,
  subject,
  lastUsed: new Date(NOW - 86_400_000).toISOString(),
  createdOn: null,
  disabled: null,
});
const user = (name: string, identities: AuditIdentity[]): AuditUser => ({ name, type: 'SERVICE', disabled: false, defaultRole: null, identities, identitiesListed: true });
const codes = (users: AuditUser[]) =>
  auditFindings({ users, role: 'AUDITOR', now: NOW })
    .findings.filter((finding) => finding.code.startsWith('GCP_'))
    .map((finding) => `${finding.user}:${finding.code}:${finding.severity}`);

describe('GCP subjects in the listing', () => {
  const cases: Array<[string, AuditUser[], string[]]> = [
    ['a unique ID', [user('GCP_LOADER', [gcp('117654321098765432109')])], []],
    ['an e-mail', [user('GCP_LOADER', [gcp('loader@p.iam.gserviceaccount.com')])], ['GCP_LOADER:GCP_SUBJECT_EMAIL:error']],
    ['a name', [user('GCP_LOADER', [gcp('loader')])], ['GCP_LOADER:GCP_SUBJECT_NOT_NUMERIC:warn']],
    ['spaces', [user('GCP_LOADER', [gcp(' 1176 ')])], ['GCP_LOADER:GCP_SUBJECT_SPACES:error']],
    ['lower-case type', [user('GCP_LOADER', [gcp('loader', 'gcp')])], ['GCP_LOADER:GCP_SUBJECT_NOT_NUMERIC:warn']],
    ['no subject listed', [user('GCP_LOADER', [gcp(null)]), user('OTHER', [gcp(undefined)])], []],
    ['an OIDC identity with an e-mail subject', [user('OIDC_USER', [{ ...gcp('me@example.com', 'OIDC'), issuer: 'https://accounts.google.com' }])], []],
    ['two users', [user('A', [gcp('a@p.iam.gserviceaccount.com')]), user('B', [gcp('123')])], ['A:GCP_SUBJECT_EMAIL:error']],
  ];
  it.each(cases)('%s', (_name, users, expected) => {
    expect(codes(users)).toEqual(expected);
  });
  it('the e-mail finding says how to get the ID and carries the SQL for the user', () => {
    const [finding] = auditFindings({ users: [user('GCP_LOADER', [gcp('loader@p.iam.gserviceaccount.com')])], role: 'AUDITOR', now: NOW }).findings.filter((f) => f.code === 'GCP_SUBJECT_EMAIL');
    expect(finding?.identity).toBe('DEFAULT');
    expect(finding?.fix).toBe(
      'Get the unique ID: gcloud iam service-accounts describe loader@p.iam.gserviceaccount.com --format="value(uniqueId)"\nthen: ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = \'<unique ID>\');',
    );
  });
});
