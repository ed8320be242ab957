/**
 * One statement that registers an OIDC identity, for a fix in a message (gen-sql prints the whole
 * script through src/core/sql.ts). Pure; every value quoted as gen-sql quotes it
 * (src/core/sql.ts workloadIdentityClause), and a registration that cannot be written safely is
 * shown with placeholders rather than put into SQL.
 */
import { identifierForTypedName, workloadIdentityClause } from '../../core/sql.js';
import type { Registration } from '../types.js';

/** `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '…' SUBJECT = '…' OIDC_AUDIENCE_LIST = ('…', …))`, always with an explicit list. */
export function oidcIdentityClause(registration: Extract<Registration, { type: 'OIDC' }>): string {
  const clause = workloadIdentityClause(registration);
  return clause.ok ? clause.sql : "WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '<issuer>' SUBJECT = '<subject>' OIDC_AUDIENCE_LIST = ('<audience>'))";
}

/** `ALTER USER <user> SET WORKLOAD_IDENTITY = (…);` — `user` as typed (`"Quoted"` keeps its case), or a placeholder such as `<your user>`. */
export function registrationSql(user: string, registration: Extract<Registration, { type: 'OIDC' }>, _mode: 'alter'): string {
  const name = user.startsWith('<') ? user : (identifierForTypedName(user) ?? '<your user>');
  return `ALTER USER ${name} SET ${oidcIdentityClause(registration)};`;
}
