/**
 * The provider seam (issue 18; docs/architecture.md): which identity provider a command speaks for,
 * and where each provider's code lives. Pure: the caller passes the flag, the environment and the
 * connection's keys.
 *
 * Order, as the Snowflake drivers and CLI name it: `--provider` (alias
 * `--workload-identity-provider`; the library's and the Lambda event's `provider`, the Action's
 * input), then SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER, then the connection's
 * `workload_identity_provider`, then `aws` (everything v1 and v2 did).
 */
import { usageError } from '../core/errors.js';
import { PROVIDER_NAMES, type ProviderName, type Registration } from './types.js';

export { PROVIDER_NAMES, SNOWFLAKE_TYPE, type ProviderName, type Registration, type Trap } from './types.js';

export const PROVIDER_ENV = 'SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER';

/** Providers whose folder exists: the others are refused with what to use meanwhile (part 3). */
export const SUPPORTED_PROVIDERS: readonly ProviderName[] = ['aws', 'oidc', 'azure'];

export interface ResolvedProvider {
  provider: ProviderName;
  /** Where it came from, for messages: `--provider`, `SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER`, `connection 'x'`, `default`. */
  source: string;
}

/** A provider name, any case (`AWS`, `oidc`); exit 2 `BAD_PROVIDER` for anything else. */
export function parseProvider(value: string, source: string): ProviderName {
  const name = value.trim().toLowerCase();
  const known = PROVIDER_NAMES.find((candidate) => candidate === name);
  if (!known) {
    const shown = /^[\x20-\x7e]{0,40}$/.test(value) ? `'${value}'` : `a value of ${[...value].length} characters`;
    throw usageError(`${source} ${shown} is not a workload identity provider`, 'BAD_PROVIDER', `Use one of: ${PROVIDER_NAMES.join(', ')} (case does not matter).`);
  }
  if (!SUPPORTED_PROVIDERS.includes(known)) {
    throw usageError(
      `${source} ${known}: wif-check does not check ${known.toUpperCase()} workloads yet`,
      'PROVIDER_NOT_SUPPORTED',
      `Supported today: ${SUPPORTED_PROVIDERS.join(', ')}.`,
    );
  }
  return known;
}

/** The provider for a command: flag, then environment, then the connection's key, then aws. */
export function resolveProvider(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  connection?: { name: string; values: Readonly<Record<string, unknown>> } | undefined,
  flagLabel = '--provider',
): ResolvedProvider {
  if (flag !== undefined && flag.trim() !== '') return { provider: parseProvider(flag, flagLabel), source: flagLabel };
  const fromEnv = env[PROVIDER_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { provider: parseProvider(fromEnv, PROVIDER_ENV), source: PROVIDER_ENV };
  const fromFile = connection?.values.workload_identity_provider;
  if (typeof fromFile === 'string' && fromFile.trim() !== '') {
    const source = `connection '${connection?.name ?? ''}' (workload_identity_provider)`;
    return { provider: parseProvider(fromFile, source), source };
  }
  return { provider: 'aws', source: 'default' };
}

/** One line for a registration (the job summary, messages): what Snowflake matches, by TYPE. */
export function registrationSummary(registration: Registration): string {
  switch (registration.type) {
    case 'AWS':
      return registration.issuer ? `ARN ${registration.arn}, issuer ${registration.issuer}` : `ARN ${registration.arn}`;
    case 'OIDC':
    case 'AZURE':
      return `subject ${registration.subject}, issuer ${registration.issuer}`;
    case 'GCP':
      return `subject ${registration.subject}`;
  }
}
