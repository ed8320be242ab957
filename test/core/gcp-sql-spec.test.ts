/**
 * Specification of the one-statement GCP registration used in fixes (src/providers/gcp/sql.ts),
 * issue 23: the user as typed (quoted as gen-sql quotes it) or a placeholder, never unsafe text.
 */
import { describe, expect, it } from 'vitest';
import { gcpRegistrationSql } from '../../src/providers/gcp/sql.js';

const ID = '117654321098765432109';
const CLAUSE = `WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '${ID}')`;

// The user as typed, a placeholder kept, or the placeholder when the name cannot be written safely.
describe('gcpRegistrationSql', () => {
  const cases: Array<[string, string, string]> = [
    ['a plain name', 'gcp_loader', `ALTER USER GCP_LOADER SET ${CLAUSE};`],
    ['a quoted name', '"Mixed Case"', `ALTER USER "Mixed Case" SET ${CLAUSE};`],
    ['a name with a hyphen', 'GCP-LOADER', `ALTER USER "GCP-LOADER" SET ${CLAUSE};`],
    ['a placeholder', '<your user>', `ALTER USER <your user> SET ${CLAUSE};`],
    ['a terminal escape from an unset variable', 'loader\u001b[2J', `ALTER USER <your user> SET ${CLAUSE};`],
    ['a newline', 'gcp\nloader', `ALTER USER <your user> SET ${CLAUSE};`],
    ['empty', '', `ALTER USER <your user> SET ${CLAUSE};`],
    ['300 characters', 'x'.repeat(300), `ALTER USER <your user> SET ${CLAUSE};`],
  ];
  it.each(cases)('%s', (_name, user, expected) => {
    expect(gcpRegistrationSql(user, ID)).toBe(expected);
  });
  it('a subject that cannot be quoted: the placeholder clause', () => {
    expect(gcpRegistrationSql('GCP_LOADER', 'a\u0000b')).toBe("ALTER USER GCP_LOADER SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '<unique ID>');");
  });
});
