/** doctor's OIDC checks: their ids (stable, in --json) and titles. */
export type OidcCheckId = 'oidc-token' | 'oidc-claims' | 'oidc-trap';

export const OIDC_CHECK_TITLES: Readonly<Record<OidcCheckId, string>> = {
  'oidc-token': 'OIDC token',
  'oidc-claims': 'Token claims',
  'oidc-trap': 'Token',
};
