/** doctor's GCP checks: their ids (stable, in --json) and titles. */
export type GcpCheckId = 'gcp-token' | 'gcp-claims' | 'gcp-trap';

export const GCP_CHECK_TITLES: Readonly<Record<GcpCheckId, string>> = {
  'gcp-token': 'GCP identity token',
  'gcp-claims': 'Token claims',
  'gcp-trap': 'Token',
};
