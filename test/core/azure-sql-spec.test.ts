/**
 * src/providers/azure/sql.ts as a specification: the `WORKLOAD_IDENTITY = (TYPE = AZURE …)` fragment and
 * the one ALTER USER statement that a fix in a message shows, word for word. Quoted as gen-sql quotes
 * (src/core/sql.ts); what cannot be written safely is shown with placeholders, never half-quoted.
 */
import { describe, expect, it } from 'vitest';
import { azureIdentityClause, azureRegistrationSql } from '../../src/providers/azure/sql.js';
import type { AzureRegistration } from '../../src/providers/azure/rules.js';

const TENANT = '3f4e9a1c-7b2d-4c8e-9f10-2a3b4c5d6e7f';
const OBJECT_ID = 'c0a8e2f4-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const V1 = `https://sts.windows.net/${TENANT}/`;
const azure = (issuer: string, subject: string): AzureRegistration => ({ type: 'AZURE', issuer, subject });
const PLACEHOLDER = "WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '<issuer>' SUBJECT = '<object ID>')";

describe('azureIdentityClause: exactly what the token carries, as a quoted clause', () => {
  it.each<[string, AzureRegistration, string]>([
    ['the documented v2 issuer', azure(V2, OBJECT_ID), `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}')`],
    ['the v1 issuer (trailing slash kept)', azure(V1, OBJECT_ID), `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V1}' SUBJECT = '${OBJECT_ID}')`],
    ['the object ID in capitals, kept as it is (SUBJECT is case-sensitive)', azure(V2, OBJECT_ID.toUpperCase()), `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID.toUpperCase()}')`],
    ["a quote and a backslash in the subject are escaped", azure(V2, "o'brien\\x"), `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = 'o''brien\\\\x')`],
  ])('%s', (_name, registration, sql) => {
    expect(azureIdentityClause(registration)).toBe(sql);
  });

  // Not writable safely: the whole clause with placeholders (never the bad value, never a partial quote).
  it.each<[string, AzureRegistration]>([
    ['an empty subject (a token without sub)', azure(V2, '')],
    ['an empty issuer', azure('', OBJECT_ID)],
    ['a line break in the issuer (it would end a -- comment)', azure(`${V2}\nDROP USER X;`, OBJECT_ID)],
    ['a bidi override in the subject', azure(V2, `${OBJECT_ID}\u202e`)],
    ['a 2,000-character subject', azure(V2, 'a'.repeat(2_000))],
  ])('%s → placeholders', (_name, registration) => {
    expect(azureIdentityClause(registration)).toBe(PLACEHOLDER);
  });
});

describe('azureRegistrationSql: one ALTER USER, the user as typed (or a placeholder)', () => {
  it.each<[string, string, AzureRegistration, string]>([
    ['a plain name is upper-cased, unquoted', 'az_loader', azure(V2, OBJECT_ID), `ALTER USER AZ_LOADER SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['an upper-case name stays as it is', 'AZ_LOADER', azure(V1, OBJECT_ID), `ALTER USER AZ_LOADER SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V1}' SUBJECT = '${OBJECT_ID}');`],
    ['a "quoted" name means exactly that name', '"az loader"', azure(V2, OBJECT_ID), `ALTER USER "az loader" SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['a name with a dash is quoted as typed', 'az-loader', azure(V2, OBJECT_ID), `ALTER USER "az-loader" SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['the placeholder <your user> is shown as it is', '<your user>', azure(V2, OBJECT_ID), `ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['any <placeholder> is shown as it is', '<expected user>', azure(V2, OBJECT_ID), `ALTER USER <expected user> SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['an empty name → <your user>', '', azure(V2, OBJECT_ID), `ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['a name with a bidi override → <your user>', 'AZ_LOADER\u202e', azure(V2, OBJECT_ID), `ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['a 300-character name → <your user>', 'A'.repeat(300), azure(V2, OBJECT_ID), `ALTER USER <your user> SET WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '${V2}' SUBJECT = '${OBJECT_ID}');`],
    ['a registration that cannot be written → placeholders after the user', 'az_loader', azure(V2, ''), `ALTER USER AZ_LOADER SET ${PLACEHOLDER};`],
  ])('%s', (_name, user, registration, sql) => {
    expect(azureRegistrationSql(user, registration)).toBe(sql);
  });
});
