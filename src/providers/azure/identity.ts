/**
 * The Azure provider's identity edge: the token exactly as the driver gets it (./token.ts), decoded
 * (jose, no verification: Snowflake verifies it against Entra's keys), and described with the pure
 * rules (./rules.ts): what it says, the registration that matches it, and every trap — in the
 * token, in the environment the driver reads, in the identity the SDK picked.
 */
import { WifError } from '../../core/errors.js';
import { describeAzureToken, environmentTraps, identityChoiceTraps, type AzureRegistration, type AzureTokenFacts } from './rules.js';
import type { Trap } from '../types.js';
import { azureEnvironment, obtainAzureToken, type AzureToken } from './token.js';

export interface AzureIdentityOptions {
  clientId?: string | undefined;
  resource?: string | undefined;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  now?: number | undefined;
  expiresWithinMs?: number | undefined;
}

export interface AzureIdentity {
  token: AzureToken;
  facts: AzureTokenFacts;
  registration: AzureRegistration;
  /** The registration in the documented (v2 issuer) form, when the token's differs. */
  documentedForm: AzureRegistration | null;
  traps: Trap[];
}

/** The traps the environment shows before any token is asked for (whoami and doctor name them even when the SDK fails). */
export function azureEnvironmentTraps(options: Pick<AzureIdentityOptions, 'clientId' | 'env'>): Trap[] {
  return environmentTraps(azureEnvironment(options.env, options.clientId));
}

export async function azureIdentity(options: AzureIdentityOptions): Promise<AzureIdentity> {
  const token = await obtainAzureToken(options);
  const [{ decodeJwt }, { decodeProtectedHeader }] = await Promise.all([import('jose/jwt/decode'), import('jose/decode/protected_header')]);
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token.secret) as Record<string, unknown>;
    payload = decodeJwt(token.secret) as Record<string, unknown>;
  } catch {
    throw new WifError('aws', `The Azure token from ${token.origin} could not be decoded (not a JWS with a JSON payload)`, {
      code: 'BAD_AZURE_TOKEN',
      hint: 'Entra ID access tokens are JWTs: check IDENTITY_ENDPOINT / AZURE_AUTHORITY_HOST point at Azure.',
    });
  }
  const described = describeAzureToken(header, payload, options.now ?? Date.now(), { expiresWithinMs: options.expiresWithinMs });
  const askedClientId = options.clientId ?? (options.env.AZURE_CLIENT_ID || undefined);
  const traps = [...azureEnvironmentTraps(options), ...described.traps, ...identityChoiceTraps(described.facts, askedClientId)];
  return { token, facts: described.facts, registration: described.registration, documentedForm: described.documentedForm, traps };
}
