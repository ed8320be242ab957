/**
 * doctor --provider gcp --admin-connection NAME: what Snowflake has registered for this service
 * account, read as audit reads it (the administrator's own connection, read-only), and why it does
 * or does not match — the e-mail registered instead of the unique ID, the workload's own account
 * or a delegate registered instead of the impersonation chain's last — with the SQL that fixes it.
 * A warning, never a failure of its own.
 */
import type { AuditIdentity } from '../../core/audit-findings.js';
import { registeredUsers } from '../oidc/registration.js';
import type { RegistrationCheck } from '../../commands/audit.js';
import { registrationMismatch, type GcpChain, type GcpTokenFacts } from './rules.js';
import { gcpRegistrationSql } from './sql.js';

const isGcp = (identity: AuditIdentity) => identity.type === 'GCP';

export async function gcpRegistrationCheck(input: {
  connection: string;
  facts: Pick<GcpTokenFacts, 'subject' | 'email'>;
  chain: GcpChain;
  /** --expect-user as a SQL identifier. */
  expectUser?: string | undefined;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<RegistrationCheck> {
  const read = await registeredUsers(input);
  if (!read.ok) return read.check;
  const { users, warnings } = read;
  const { facts } = input;
  const matches = users.filter((user) => user.identities.some((identity) => isGcp(identity) && identity.subject === facts.subject)).map((user) => user.name);
  if (matches.length) return { status: 'ok', detail: `unique ID ${facts.subject}${facts.email ? ` (${facts.email})` : ''} is registered for ${matches.join(', ')}`, warnings };
  const expected = input.expectUser === undefined ? undefined : users.find((user) => user.name.toUpperCase() === input.expectUser?.replace(/^"|"$/g, '').toUpperCase());
  const candidates = expected ? [expected] : users.filter((user) => user.identities.some(isGcp));
  const explained = candidates.flatMap((user) =>
    user.identities.filter(isGcp).map((identity) => {
      const traps = registrationMismatch(facts, identity.subject ?? '', input.chain, user.name);
      return { user: user.name, subject: identity.subject ?? '?', trap: traps[0] };
    }),
  );
  // The most telling first: an e-mail or a chain mix-up says what happened; "another account" does not.
  const ranked = [...explained].sort((a, b) => rank(a.trap?.code) - rank(b.trap?.code));
  const first = ranked[0];
  const none = expected && !expected.identities.some(isGcp) ? `; ${expected.name} has no GCP identity` : '';
  return {
    status: 'warn',
    code: first?.trap?.code === 'GCP_SUBJECT_EMAIL' || first?.trap?.code === 'GCP_IMPERSONATION_NOT_LAST' ? first.trap.code : 'NO_MATCH',
    detail: `the token (unique ID ${facts.subject}${facts.email ? `, ${facts.email}` : ''}) is registered for no user${ranked.length ? `; ${ranked.slice(0, 3).map((entry) => `${entry.user} has SUBJECT ${entry.subject}: ${entry.trap?.message ?? 'it differs'}`).join('; ')}` : ''}${none}`,
    fix: gcpRegistrationSql(input.expectUser ?? first?.user ?? expected?.name ?? '<your user>', facts.subject),
    warnings,
  };
}

function rank(code: string | undefined): number {
  return code === 'GCP_SUBJECT_EMAIL' || code === 'GCP_IMPERSONATION_NOT_LAST' ? 0 : 1;
}
