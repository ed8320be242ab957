/**
 * `wif-check sandbox --provider azure [--azure-trap NAME]`: what the sandbox adds for Azure — a VM's
 * instance metadata service (its own system-assigned identity and three user-assigned ones),
 * Entra's keys, and the AZURE users — and the commands that show each trap by hand. `--azure-trap`
 * starts the metadata service in a trap's state (the ones that are not a matter of flags or
 * variables): v1 tokens, no admin consent, a US Government tenant, only user-assigned identities.
 */
import { usageError } from '../../core/errors.js';
import { AZURE_AUDIT_IDENTITY, AZURE_LOADER_IDENTITY, AZURE_REPORTING_IDENTITY, AZURE_TEST_BED_TENANT, type AzureIdentitySimulatorOptions } from '../../simulators/azure-identity.js';

export const AZURE_SANDBOX_TRAPS = ['v1-issuer', 'no-consent', 'sovereign-cloud', 'user-assigned-only'] as const;
export type AzureSandboxTrap = (typeof AZURE_SANDBOX_TRAPS)[number];

export function parseAzureSandboxTrap(name: string | undefined): AzureSandboxTrap | undefined {
  if (name === undefined) return undefined;
  const found = AZURE_SANDBOX_TRAPS.find((trap) => trap === name.trim().toLowerCase());
  if (found) return found;
  throw usageError(`--azure-trap ${/^[\x20-\x7e]{1,40}$/.test(name) ? `'${name}'` : 'that name'} is not a trap the sandbox shows`, 'UNKNOWN_TRAP', `Use one of: ${AZURE_SANDBOX_TRAPS.join(', ')}.`);
}

/** The simulator's state for a trap. */
export function azureSandboxState(trap: AzureSandboxTrap | undefined): AzureIdentitySimulatorOptions {
  switch (trap) {
    case 'v1-issuer':
      return { tokenVersion: 1 };
    case 'no-consent':
      return { consent: false };
    case 'sovereign-cloud':
      return { issuerHost: 'login.microsoftonline.us' };
    case 'user-assigned-only':
      return { identities: [AZURE_LOADER_IDENTITY, AZURE_REPORTING_IDENTITY, AZURE_AUDIT_IDENTITY] };
    case undefined:
      return {};
  }
}

const TRAP_COMMANDS: Readonly<Record<AzureSandboxTrap, string[]>> = {
  'v1-issuer': [
    `wif-check whoami --azure-client-id ${AZURE_LOADER_IDENTITY.clientId}   # iss https://sts.windows.net/<tenant>/: AZURE_ISSUER_V1, both forms shown`,
    `wif-check connect --azure-client-id ${AZURE_LOADER_IDENTITY.clientId} --expect-user AZ_LOADER   # refused here: this sandbox compares issuers exactly (Snowflake's rule is not public)`,
  ],
  'no-consent': [`wif-check connect --azure-client-id ${AZURE_LOADER_IDENTITY.clientId}   # AADSTS500011: AZURE_CONSENT_MISSING, with the admin-consent URL`],
  'sovereign-cloud': [`wif-check whoami --azure-client-id ${AZURE_LOADER_IDENTITY.clientId}   # a US Government issuer: AZURE_SOVEREIGN_CLOUD`],
  'user-assigned-only': ['wif-check connect   # several user-assigned identities, no client ID: AZURE_USER_ASSIGNED_NEEDS_CLIENT_ID'],
};

/** The commands to try: the working login, then the traps. */
export function azureSandboxCommands(trap: AzureSandboxTrap | undefined): string[] {
  if (trap) return TRAP_COMMANDS[trap];
  return [
    'wif-check whoami   # the VM\'s own (system-assigned) identity: registered for no user',
    `wif-check connect --azure-client-id ${AZURE_LOADER_IDENTITY.clientId} --expect-user AZ_LOADER`,
    `wif-check connect --azure-client-id ${AZURE_REPORTING_IDENTITY.clientId} --expect-user AZ_REPORTING   # the trap: its client ID registered as SUBJECT`,
    `wif-check gen-sql --azure-client-id ${AZURE_REPORTING_IDENTITY.clientId} --user AZ_REPORTING --alter   # the fix`,
    `wif-check doctor --azure-client-id ${AZURE_AUDIT_IDENTITY.clientId} --expect-user AZ_AUDIT   # the trap: the object ID registered in capitals`,
    `KUBERNETES_SERVICE_HOST=10.0.0.1 AZURE_TENANT_ID=${AZURE_TEST_BED_TENANT} wif-check whoami   # an AKS pod without workload identity: AKS_FALLS_BACK_TO_IMDS`,
    `MANAGED_IDENTITY_CLIENT_ID=${AZURE_LOADER_IDENTITY.clientId} wif-check whoami   # the Python connector's variable: the Node driver does not read it`,
    'wif-check sandbox --provider azure --azure-trap v1-issuer|no-consent|sovereign-cloud|user-assigned-only   # the other traps',
  ];
}
