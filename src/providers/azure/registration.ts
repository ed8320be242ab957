/**
 * doctor --provider azure --admin-connection NAME: what Snowflake has registered for this identity,
 * read as audit reads it (the administrator's own connection, read-only), and why it does or does
 * not match — a client ID registered as SUBJECT, a difference in case, the v1/v2 issuer forms (shown
 * as both values: whether Snowflake matches them is not publicly known) — with the SQL that fixes it.
 */
import { WifError } from '../../core/errors.js';
import type { AuditIdentity, AuditUser } from '../../core/audit-findings.js';
import type { RegistrationCheck } from '../../commands/audit.js';
import { azureRegistrationMismatch, parseAzureIssuer, type AzureRegistration, type AzureTokenFacts } from './rules.js';
import { azureRegistrationSql } from './sql.js';

const isAzure = (identity: AuditIdentity) => identity.type.toUpperCase() === 'AZURE';
const tenantOf = (issuer: string | null) => parseAzureIssuer(issuer ?? '').tenant?.toLowerCase() ?? null;

export async function azureRegistrationCheck(input: {
  connection: string;
  facts: AzureTokenFacts;
  registration: AzureRegistration;
  expectUser?: string | undefined;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<RegistrationCheck> {
  const { audit } = await import('../../commands/audit.js');
  const warnings: string[] = [];
  let users: AuditUser[];
  try {
    users = (await audit({ connection: input.connection, env: input.env, timeoutMs: input.timeoutMs, isolatedConnection: true, onWarning: (text) => warnings.push(text) })).users;
  } catch (error) {
    if (!(error instanceof WifError)) throw error;
    return { status: 'warn', code: error.code, detail: `could not read the registration with connection '${input.connection}': ${error.message}`, ...(error.hint ? { fix: error.hint } : {}), warnings };
  }
  const { facts } = input;
  const exact = users.filter((user) => user.identities.some((identity) => isAzure(identity) && identity.issuer === facts.issuer && identity.subject === facts.subject)).map((user) => user.name);
  if (exact.length) return { status: 'ok', detail: `object ID ${facts.subject} (issuer ${facts.issuer}) is registered for ${exact.join(', ')}`, warnings };
  const expected = input.expectUser === undefined ? undefined : users.find((user) => user.name.toUpperCase() === input.expectUser?.replace(/^"|"$/g, '').toUpperCase());
  const tenant = tenantOf(facts.issuer);
  // The user meant: --expect-user, else the users registered for this tenant or with this identity's IDs.
  const ids = [facts.subject, facts.clientId].filter((id): id is string => id !== null).map((id) => id.toLowerCase());
  const candidates = expected
    ? [expected]
    : users.filter((user) => user.identities.some((identity) => isAzure(identity) && (tenantOf(identity.issuer) === tenant || ids.includes((identity.subject ?? '').toLowerCase()))));
  const explained = candidates.flatMap((user) =>
    user.identities.filter(isAzure).map((identity) => {
      const traps = azureRegistrationMismatch(facts, { issuer: identity.issuer ?? '', subject: identity.subject ?? '' });
      return { user: user.name, traps, text: `${user.name} has SUBJECT ${identity.subject ?? '?'} (issuer ${identity.issuer ?? '?'}): ${traps.map((trap) => `${trap.message} (${trap.code})`).join('; ') || 'it differs'}` };
    }),
  );
  const onlyForm = explained.find((entry) => entry.traps.length > 0 && entry.traps.every((trap) => trap.code === 'AZURE_ISSUER_FORM_DIFFERS'));
  const fix = azureRegistrationSql(input.expectUser ?? expected?.name ?? explained[0]?.user ?? '<your user>', input.registration);
  const none = expected && !expected.identities.some(isAzure) ? `; ${expected.name} has no AZURE identity` : '';
  return {
    status: 'warn',
    code: onlyForm ? 'AZURE_ISSUER_FORM_DIFFERS' : 'NO_MATCH',
    detail: `the token (object ID ${facts.subject}, issuer ${facts.issuer}${facts.clientId ? `, client ID ${facts.clientId}` : ''}) is registered for no user with exactly this issuer and subject${explained.length ? `; ${explained.slice(0, 3).map((entry) => entry.text).join('; ')}` : ''}${none}`,
    fix,
    warnings,
  };
}
