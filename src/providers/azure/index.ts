/**
 * The Azure provider behind the seam (src/providers/registry.ts): a managed identity (VM, scale set,
 * App Service, Functions) or AKS workload identity, through the driver's own @azure/identity call.
 * Loaded only for `--provider azure` (its SDK with it).
 */
import { usageError } from '../../core/errors.js';
import { libraryTimeoutMs } from '../../core/timeout.js';
import { scrubDeep } from '../../known-secrets.js';
import type { TokenProvider } from '../registry.js';
import { azureConnect, azureConnectDocument, renderAzureConnect, type AzureConnectResult } from './connect.js';
import { azureDoctor } from './doctor.js';
import { azureWhoami, azureWhoamiDocument, renderAzureWhoami, type AzureWhoamiReport } from './whoami.js';

const NOT_AZURE: ReadonlyArray<readonly [string, string]> = [
  ['expectAccount', '--expect-account'],
  ['outboundToken', '--outbound-token'],
  ['profile', '--profile'],
  ['region', '--region'],
  ['checkOtherMethod', '--check-other-method'],
  ['tokenFile', '--token-file'],
  ['audience', '--audience'],
  ['driver', '--driver'],
];

export const provider: TokenProvider<AzureWhoamiReport, AzureConnectResult> = {
  name: 'azure',
  refuseOptions(command, given) {
    const options = given as Readonly<Record<string, unknown>>;
    const flag = NOT_AZURE.find(([key]) => options[key] !== undefined && options[key] !== false);
    if (flag) throw usageError(`${flag[1]} is not for --provider azure: the driver gets an Azure token from the managed identity itself`, 'CONFLICTING_OPTIONS', 'Leave it out; --azure-client-id picks a user-assigned identity.');
    const path = options.impersonationPath;
    if (command === 'whoami' && path !== undefined && !(Array.isArray(path) && path.length === 0)) {
      throw usageError('--impersonation-path is for AWS and GCP: the drivers do not chain Azure identities', 'BAD_IMPERSONATION_PATH');
    }
  },
  whoami: (options, env) => azureWhoami({ clientId: options.azureClientId, resource: options.azureResource, timeoutMs: libraryTimeoutMs(options.timeoutMs), env }),
  whoamiDocument: azureWhoamiDocument,
  renderWhoami: renderAzureWhoami,
  connect: (input) =>
    azureConnect({
      named: input.named,
      settingsFlags: input.options,
      settingsSources: input.settingsSources,
      env: input.env,
      clientId: input.options.azureClientId,
      resource: input.options.azureResource,
      expectUser: input.options.expectUser,
      impersonationPath: input.options.impersonationPath,
      timeoutMs: input.timeoutMs,
      deadline: input.deadline,
      onLoginStart: input.options.onLoginStart,
      started: input.started,
    }),
  connectDocument: azureConnectDocument,
  renderConnect: renderAzureConnect,
  doctor: async (input) => scrubDeep(await azureDoctor(input)),
};
