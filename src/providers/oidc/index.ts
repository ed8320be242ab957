/**
 * The OIDC provider behind the seam (src/providers/registry.ts): GitHub Actions, GitLab, Kubernetes
 * service-account tokens and any issuer Snowflake can reach. Loaded only for `--provider oidc`.
 */
import { scrubDeep } from '../../known-secrets.js';
import type { TokenProvider } from '../registry.js';
import { oidcConnect, oidcConnectDocument, renderOidcConnect, type OidcConnectResult } from './connect.js';
import { oidcDoctor } from './doctor.js';
import { refuseAwsOptions } from './token.js';
import { oidcWhoamiProvider, type OidcWhoamiReport } from './whoami.js';

export const provider: TokenProvider<OidcWhoamiReport, OidcConnectResult> = {
  ...oidcWhoamiProvider,
  refuseOptions(command, given) {
    // connect and doctor: an OIDC login has no role chain of its own; doctor's --driver is AWS's table.
    refuseAwsOptions(command === 'whoami' ? given : { ...given, impersonationPath: undefined, ...(command === 'doctor' ? { driver: undefined } : {}) });
  },
  connect: (input) =>
    oidcConnect({
      named: input.named,
      settingsFlags: input.options,
      settingsSources: input.settingsSources,
      env: input.env,
      tokenFile: input.options.tokenFile,
      audience: input.options.audience,
      expectUser: input.options.expectUser,
      impersonationPath: input.options.impersonationPath,
      timeoutMs: input.timeoutMs,
      deadline: input.deadline,
      onLoginStart: input.options.onLoginStart,
      started: input.started,
    }),
  connectDocument: oidcConnectDocument,
  renderConnect: renderOidcConnect,
  doctor: async (input) => scrubDeep(await oidcDoctor(input)),
};
