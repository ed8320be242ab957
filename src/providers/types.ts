/**
 * The provider seam (issue 18, docs/architecture.md): the names and shapes every provider shares.
 * Pure types and tables; each provider lives in its own folder (src/providers/<name>/).
 */

/** The identity providers Snowflake's workload identity federation accepts, as wif-check spells them (`--provider`). */
export const PROVIDER_NAMES = ['aws', 'oidc', 'azure', 'gcp'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** `WORKLOAD_IDENTITY = (TYPE = …)` and the driver's `workloadIdentityProvider`. */
export type SnowflakeProviderType = 'AWS' | 'OIDC' | 'AZURE' | 'GCP';

export const SNOWFLAKE_TYPE: Readonly<Record<ProviderName, SnowflakeProviderType>> = { aws: 'AWS', oidc: 'OIDC', azure: 'AZURE', gcp: 'GCP' };

/**
 * Exactly what `WORKLOAD_IDENTITY = ( … )` must hold for a workload to map to a user (whoami's and
 * gen-sql's `registration`, CONTRACT "v3 additions").
 */
export type Registration =
  | { type: 'AWS'; arn: string; issuer?: string | undefined }
  | { type: 'OIDC'; issuer: string; subject: string; audienceList: string[] }
  | { type: 'AZURE'; issuer: string; subject: string }
  | { type: 'GCP'; subject: string };

/**
 * A trap: something about a token, a registration or a setup that makes (or will make) the login
 * fail or be weaker than meant, named with a stable code and its fix.
 */
export interface Trap {
  /** Stable, e.g. `GITHUB_SUBJECT_PULL_REQUEST_TYPO`, `NO_AUDIENCE_LIST`. */
  code: string;
  severity: 'error' | 'warn' | 'info';
  /** One line: what is wrong. */
  message: string;
  /** What to do: text or SQL, possibly several lines. */
  fix?: string | undefined;
  /** The SUBJECT that would match, when the trap knows it (so a caller can build its own SQL). */
  subject?: string | undefined;
}

/** Where an OIDC token was issued, when recognised from its issuer and claims (CONTRACT `platform`). */
export type OidcPlatform = 'github-actions' | 'gitlab' | 'kubernetes' | 'eks' | 'aks' | 'gke' | 'azure-managed-identity' | 'gcp-metadata';

/** What an OIDC token says, decoded (never verified by wif-check; Snowflake verifies it). */
export interface OidcTokenFacts {
  issuer: string;
  subject: string;
  /** `aud` as a list (a string `aud` is a list of one). */
  audience: string[];
  /** `exp` as ISO 8601, or null when absent. */
  expiresAt: string | null;
  /** `iat` as ISO 8601, or null when absent (Snowflake refuses a token without it). */
  issuedAt: string | null;
  /** The JWS header's `alg`. */
  algorithm: string | null;
  /** The decoded payload (the token itself is never kept or printed). */
  claims: Record<string, unknown>;
  platform: OidcPlatform | null;
}
