/**
 * One statement that registers a GCP identity, for a fix in a message (gen-sql prints the whole
 * script through src/core/sql.ts). Pure; quoted as gen-sql quotes it.
 */
import { identifierForTypedName } from '../../core/sql.js';
import { gcpIdentityClause } from './rules.js';

/** `ALTER USER <user> SET WORKLOAD_IDENTITY = (TYPE = GCP SUBJECT = '…');` — `user` as typed, or a placeholder such as `<your user>`. */
export function gcpRegistrationSql(user: string, subject: string): string {
  const name = user.startsWith('<') ? user : (identifierForTypedName(user) ?? '<your user>');
  return `ALTER USER ${name} SET ${gcpIdentityClause(subject)};`;
}
