/** Registrations for the SQL and Terraform tests (test/core/sql-registration.test.ts, test/core/terraform.test.ts). */
import type { Registration } from '../../src/providers/types.js';

export const GH = 'https://token.actions.githubusercontent.com';
export const OIDC: Extract<Registration, { type: 'OIDC' }> = { type: 'OIDC', issuer: GH, subject: 'repo:octo/app:environment:prod', audienceList: ['snowflakecomputing.com'] };
export const AZURE: Extract<Registration, { type: 'AZURE' }> = { type: 'AZURE', issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', subject: '0f6a4e2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b' };
export const GCP: Extract<Registration, { type: 'GCP' }> = { type: 'GCP', subject: '112233445566778899001' };

/** `value` in each field of each non-AWS registration, the others valid. */
export const registrationsWith = (value: string): Registration[] => [
  { ...OIDC, issuer: value },
  { ...OIDC, subject: value },
  { ...OIDC, audienceList: [value] },
  { ...OIDC, audienceList: ['snowflakecomputing.com', value] },
  { ...AZURE, issuer: value },
  { ...AZURE, subject: value },
  { type: 'GCP', subject: value },
];
