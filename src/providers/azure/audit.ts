/**
 * audit's findings for AZURE identities (pure), as Snowflake lists them (SHOW USER WORKLOAD IDENTITY
 * AUTHENTICATION METHODS: additional_info issuer, subject): the registration traps visible from the
 * Snowflake side alone (./rules.ts azureRegistrationTraps) — a v1 issuer (whether Snowflake matches
 * it with v2 tokens is not publicly known: a warning, both forms named), a sovereign cloud, an issuer
 * without /v2.0 or naming the tenant by name, a SUBJECT that is Snowflake's own application, in
 * capitals or not a GUID. A client ID and an object ID are both GUIDs: which one a SUBJECT holds
 * cannot be told from Snowflake's side, so audit says nothing of it (doctor --admin-connection,
 * which has the token, does).
 */
import { identifierForStoredName, workloadIdentityClause } from '../../core/sql.js';
import type { AuditUser, Finding } from '../../core/audit-findings.js';
import { azureRegistrationTraps } from './rules.js';

export function azureAuditFindings(users: readonly AuditUser[]): Finding[] {
  const findings: Finding[] = [];
  for (const user of users) {
    const who = identifierForStoredName(user.name);
    for (const identity of user.identities) {
      if (identity.type.toUpperCase() !== 'AZURE' || identity.issuer === null || !identity.subject) continue;
      for (const trap of azureRegistrationTraps({ issuer: identity.issuer, subject: identity.subject })) {
        const clause = trap.subject === undefined ? undefined : workloadIdentityClause({ type: 'AZURE', issuer: identity.issuer, subject: trap.subject });
        const fix = who && clause?.ok ? `ALTER USER ${who} SET ${clause.sql};` : trap.fix;
        findings.push({ code: trap.code, severity: trap.severity, user: user.name, identity: identity.name, detail: trap.message, ...(fix ? { fix } : {}) });
      }
    }
  }
  return findings;
}
