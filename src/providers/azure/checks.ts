/** doctor's Azure checks: their ids (stable, in --json) and titles. */
export type AzureCheckId = 'azure-environment' | 'azure-token' | 'azure-claims' | 'azure-trap';

export const AZURE_CHECK_TITLES: Readonly<Record<AzureCheckId, string>> = {
  'azure-environment': 'Azure environment',
  'azure-token': 'Azure token',
  'azure-claims': 'Token claims',
  'azure-trap': 'Token',
};
