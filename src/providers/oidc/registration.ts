/**
 * doctor --provider oidc --admin-connection NAME: what Snowflake has registered for this token,
 * read as audit reads it (the administrator's own connection, read-only), and why it does or does
 * not match — the subject GitHub presented against the one registered, the issuer, the audience list
 * — with the SQL that fixes it. A warning, never a failure of its own.
 */
import { WifError } from '../../core/errors.js';
import type { AuditIdentity, AuditUser, Finding } from '../../core/audit-findings.js';
import type { RegistrationCheck } from '../../commands/audit.js';
import type { OidcTokenFacts, Registration, Trap } from '../types.js';
import { gateCheck } from '../../core/gate-findings.js';
import { registrationMismatch } from './rules.js';
import { registrationSql } from './sql.js';

const isOidc = (identity: AuditIdentity) => identity.type === 'OIDC';

/** Whether `identity` is what a login with `facts` matches: issuer and subject exactly, and the audience. */
export function matchesToken(identity: AuditIdentity, facts: OidcTokenFacts): boolean {
  if (!isOidc(identity) || identity.issuer !== facts.issuer || identity.subject !== facts.subject) return false;
  const list = identity.audienceList ?? ['snowflakecomputing.com'];
  return facts.audience.some((audience) => list.includes(audience));
}

export async function oidcRegistrationCheck(input: {
  connection: string;
  facts: OidcTokenFacts;
  registration: Extract<Registration, { type: 'OIDC' }>;
  /** --expect-user as a SQL identifier. */
  expectUser?: string | undefined;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<RegistrationCheck> {
  const { audit } = await import('../../commands/audit.js');
  const warnings: string[] = [];
  let users: AuditUser[];
  let findings: Finding[];
  try {
    ({ users, findings } = await audit({ connection: input.connection, env: input.env, timeoutMs: input.timeoutMs, isolatedConnection: true, onWarning: (text) => warnings.push(text) }));
  } catch (error) {
    if (!(error instanceof WifError)) throw error;
    return { status: 'warn', code: error.code, detail: `could not read the registration with connection '${input.connection}': ${error.message}`, ...(error.hint ? { fix: error.hint } : {}), warnings };
  }
  const { facts } = input;
  const matches = users.filter((user) => user.identities.some((identity) => matchesToken(identity, facts))).map((user) => user.name);
  const expected = input.expectUser === undefined ? undefined : users.find((user) => user.name.toUpperCase() === input.expectUser?.replace(/^"|"$/g, '').toUpperCase());
  const fix = registrationSql(input.expectUser ?? expected?.name ?? '<your user>', input.registration, 'alter');
  if (matches.length) {
    // The gates for the identity this token matches (a user's other identities have their own policy findings).
    const matching = (finding: Finding) => users.some((user) => user.name === finding.user && user.identities.some((identity) => identity.name === finding.identity && matchesToken(identity, facts)));
    return { status: 'ok', detail: `subject ${facts.subject} (issuer ${facts.issuer}) is registered for ${matches.join(', ')}`, warnings, gates: gateCheck(findings, matches, matching) };
  }
  // The user meant: --expect-user, else the users registered with the same issuer.
  const candidates = expected ? [expected] : users.filter((user) => user.identities.some((identity) => isOidc(identity) && identity.issuer === facts.issuer));
  const explained = candidates.flatMap((user) =>
    user.identities.filter(isOidc).map((identity) => {
      const traps = registrationMismatch(facts, { issuer: identity.issuer ?? '', subject: identity.subject ?? '', audienceList: identity.audienceList ?? null });
      return `${user.name} has SUBJECT ${identity.subject ?? '?'} (issuer ${identity.issuer ?? '?'}): ${traps.map((trap: Trap) => trap.message).join('; ') || 'it differs'}`;
    }),
  );
  const none = expected && !expected.identities.some(isOidc) ? `; ${expected.name} has no OIDC identity` : '';
  return {
    status: 'warn',
    code: 'NO_MATCH',
    detail: `the token (subject ${facts.subject}, issuer ${facts.issuer}, audience ${facts.audience.join(', ') || '(none)'}) is registered for no user${explained.length ? `; ${explained.slice(0, 3).join('; ')}` : ''}${none}`,
    fix,
    warnings,
  };
}
