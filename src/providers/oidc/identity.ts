/**
 * The OIDC provider's identity edge (issue 18): obtain the token the workload presents
 * (src/providers/oidc/token.ts), decode it (jose, no verification: Snowflake verifies it against
 * the issuer's keys) and describe it with the pure rules (src/providers/oidc/rules.ts).
 */
import { WifError } from '../../core/errors.js';
import type { OidcTokenFacts, Registration, Trap } from '../types.js';
import { describeOidcToken } from './rules.js';
import { obtainOidcToken, type OidcToken, type OidcTokenSource } from './token.js';

export interface OidcIdentityOptions {
  tokenFile?: string | undefined;
  audience?: string | undefined;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Now, in ms (tests). */
  now?: number | undefined;
  /** How long the token must still be valid (doctor: the rest of the check). */
  expiresWithinMs?: number | undefined;
}

export interface OidcIdentity {
  token: OidcToken;
  facts: OidcTokenFacts;
  registration: Extract<Registration, { type: 'OIDC' }>;
  traps: Trap[];
}

export const TOKEN_SOURCE_LABELS: Readonly<Record<OidcTokenSource, string>> = {
  'token-file': '--token-file',
  stdin: 'standard input',
  'github-actions': "GitHub Actions' token service",
  'token-file-env': 'SNOWFLAKE_TOKEN_FILE_PATH',
};

/**
 * A token's JWS header and payload, decoded (jose, no verification); exit 3 `code` when it is not a
 * JWS with a JSON payload. Shared with the other token providers (src/providers/gcp/identity.ts).
 */
export async function decodeIdToken(secret: string, what: string, code: string): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }> {
  const [{ decodeJwt }, { decodeProtectedHeader }] = await Promise.all([import('jose/jwt/decode'), import('jose/decode/protected_header')]);
  try {
    return { header: decodeProtectedHeader(secret) as Record<string, unknown>, payload: decodeJwt(secret) as Record<string, unknown> };
  } catch {
    throw new WifError('aws', `${what} could not be decoded (not a JWS with a JSON payload)`, {
      code,
      hint: 'Give the identity token itself (eyJ….eyJ….…), not an access token or an encrypted token.',
    });
  }
}

export async function oidcIdentity(options: OidcIdentityOptions): Promise<OidcIdentity> {
  const token = await obtainOidcToken(options);
  const { header, payload } = await decodeIdToken(token.secret, `The OIDC token from ${token.origin}`, 'BAD_OIDC_TOKEN');
  const described = describeOidcToken(header, payload, options.now ?? Date.now(), { expiresWithinMs: options.expiresWithinMs });
  return { token, ...described };
}
