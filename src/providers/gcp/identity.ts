/**
 * The GCP provider's identity edge (issue 19): the ID token the driver would send
 * (./token.ts, google-auth-library as snowflake-sdk calls it), decoded (jose, no verification:
 * Snowflake verifies it against Google's keys) and described by the pure rules (./rules.ts).
 */
import { decodeIdToken } from '../oidc/identity.js';
import { describeGcpToken, type GcpRegistration, type GcpTokenFacts } from './rules.js';
import { obtainGcpToken, parseImpersonationPath, type GcpToken } from './token.js';
import type { Trap } from '../types.js';

export interface GcpIdentityOptions {
  impersonationPath?: string | readonly string[] | undefined;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  now?: number | undefined;
  /** How long the token must still be valid (doctor: the rest of the check). */
  expiresWithinMs?: number | undefined;
}

export interface GcpIdentity {
  token: GcpToken;
  facts: GcpTokenFacts;
  registration: GcpRegistration;
  traps: Trap[];
}

export async function gcpIdentity(options: GcpIdentityOptions): Promise<GcpIdentity> {
  const path = parseImpersonationPath(options.impersonationPath);
  const token = await obtainGcpToken({ impersonationPath: path, timeoutMs: options.timeoutMs, env: options.env });
  const { header, payload } = await decodeIdToken(token.secret, `The identity token from ${token.origin}`, 'BAD_GCP_TOKEN');
  const described = describeGcpToken(header, payload, options.now ?? Date.now(), { expiresWithinMs: options.expiresWithinMs, impersonationPath: path });
  return { token, ...described };
}
