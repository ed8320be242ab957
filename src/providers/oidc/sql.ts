/**
 * One statement that registers an OIDC identity, for a fix in a message (gen-sql prints the whole
 * script through src/core/sql.ts). Pure; every value quoted as gen-sql quotes it, and a value that
 * cannot be quoted safely is shown as a placeholder rather than put into SQL.
 */
import { identifierForTypedName, quoteStringLiteral } from '../../core/sql.js';
import type { Registration } from '../types.js';

const literal = (value: string, placeholder: string) => {
  const quoted = quoteStringLiteral(value);
  return quoted.ok ? quoted.sql : `'<${placeholder}>'`;
};

/** `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = '…' SUBJECT = '…' OIDC_AUDIENCE_LIST = ('…', …))`, always with an explicit list. */
export function oidcIdentityClause(registration: Extract<Registration, { type: 'OIDC' }>): string {
  const audiences = registration.audienceList.map((audience) => literal(audience, 'audience')).join(', ');
  return `WORKLOAD_IDENTITY = (TYPE = OIDC ISSUER = ${literal(registration.issuer, 'issuer')} SUBJECT = ${literal(registration.subject, 'subject')} OIDC_AUDIENCE_LIST = (${audiences}))`;
}

/** `ALTER USER <user> SET WORKLOAD_IDENTITY = (…);` — `user` as typed (`"Quoted"` keeps its case), or a placeholder such as `<your user>`. */
export function registrationSql(user: string, registration: Extract<Registration, { type: 'OIDC' }>, _mode: 'alter'): string {
  const name = user.startsWith('<') ? user : (identifierForTypedName(user) ?? '<your user>');
  return `ALTER USER ${name} SET ${oidcIdentityClause(registration)};`;
}
