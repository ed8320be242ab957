/**
 * One statement that registers an Azure identity, for a fix in a message (gen-sql prints the whole
 * script through src/core/sql.ts). Pure; quoted as gen-sql quotes (workloadIdentityClause), and a
 * registration that cannot be written safely is shown with placeholders.
 */
import { identifierForTypedName, workloadIdentityClause } from '../../core/sql.js';
import type { AzureRegistration } from './rules.js';

/** `WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '…' SUBJECT = '…')`. */
export function azureIdentityClause(registration: AzureRegistration): string {
  const clause = workloadIdentityClause(registration);
  return clause.ok ? clause.sql : "WORKLOAD_IDENTITY = (TYPE = AZURE ISSUER = '<issuer>' SUBJECT = '<object ID>')";
}

/** `ALTER USER <user> SET WORKLOAD_IDENTITY = (…);` — `user` as typed, or a placeholder such as `<your user>`. */
export function azureRegistrationSql(user: string, registration: AzureRegistration): string {
  const name = user.startsWith('<') ? user : (identifierForTypedName(user) ?? '<your user>');
  return `ALTER USER ${name} SET ${azureIdentityClause(registration)};`;
}
