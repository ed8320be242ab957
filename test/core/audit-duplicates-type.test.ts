/**
 * DUPLICATE_IDENTITY reads an identity by its TYPE first (src/core/audit-findings.ts mappingOf):
 * AWS fields under another TYPE are not an AWS identity, and the TYPE's case does not matter.
 * Complements test/core/audit-duplicates.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { auditFindings, type AuditUser } from '../../src/core/audit-findings.js';

const holding = (name: string, type: string): AuditUser => ({
  name,
  type: 'SERVICE',
  disabled: false,
  defaultRole: null,
  identitiesListed: true,
  identities: [{ name: 'DEFAULT', type, awsPartition: 'aws', awsAccount: '123456789012', identityType: 'IAM_ROLE', iamRole: 'my-fn-role', issuer: null, lastUsed: null, createdOn: null, disabled: null }],
});
const duplicatedUsers = (types: [string, string]) =>
  auditFindings({ users: [holding('A', types[0]), holding('B', types[1])], role: null, now: 0 })
    .findings.filter((finding) => finding.code === 'DUPLICATE_IDENTITY')
    .map((finding) => finding.user);

describe('DUPLICATE_IDENTITY: the TYPE decides what an identity is', () => {
  it.each<[string, [string, string], string[]]>([
    ['AWS fields under an unknown TYPE: not compared', ['FUTURE', 'FUTURE'], []],
    ['AWS fields under TYPE = OIDC (no issuer, no subject): not compared', ['OIDC', 'OIDC'], []],
    ['aws in lower case is AWS', ['aws', 'AWS'], ['A', 'B']],
  ])('%s', (_name, types, expected) => {
    expect(duplicatedUsers(types)).toEqual(expected);
  });
});
