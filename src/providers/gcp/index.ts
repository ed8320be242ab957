/**
 * The GCP provider behind the seam (src/providers/registry.ts): a workload on Google Cloud (GCE,
 * Cloud Run, Cloud Functions, GKE) presenting its service account's Google ID token, got through
 * google-auth-library exactly as snowflake-sdk gets it. Loaded only for `--provider gcp`; the
 * library itself loads only when a token is asked for (./token.ts).
 */
import { libraryTimeoutMs } from '../../core/timeout.js';
import { scrubDeep } from '../../known-secrets.js';
import type { TokenProvider } from '../registry.js';
import { gcpConnect, gcpConnectDocument, renderGcpConnect, type GcpConnectResult } from './connect.js';
import { gcpDoctor } from './doctor.js';
import { refuseOtherOptions } from './gen-sql.js';
import { gcpWhoami, gcpWhoamiDocument, renderGcpWhoami, type GcpWhoamiReport } from './whoami.js';

const NOT_GCP = [
  ['expectAccount', '--expect-account'],
  ['outboundToken', '--outbound-token'],
  ['profile', '--profile'],
  ['region', '--region'],
  ['checkOtherMethod', '--check-other-method'],
  ['tokenFile', '--token-file'],
  ['audience', '--audience'],
] as const;

export const provider: TokenProvider<GcpWhoamiReport, GcpConnectResult> = {
  name: 'gcp',
  refuseOptions(command, given) {
    // doctor's --driver is AWS's table (which driver chains roles how).
    refuseOtherOptions(command === 'doctor' ? given : { ...given, driver: undefined }, command === 'doctor' ? [...NOT_GCP, ['driver', '--driver']] : NOT_GCP);
  },
  whoami: (options, env) => gcpWhoami({ impersonationPath: options.impersonationPath, timeoutMs: libraryTimeoutMs(options.timeoutMs), env }),
  whoamiDocument: gcpWhoamiDocument,
  renderWhoami: renderGcpWhoami,
  connect: (input) =>
    gcpConnect({
      named: input.named,
      settingsFlags: input.options,
      settingsSources: input.settingsSources,
      env: input.env,
      expectUser: input.options.expectUser,
      impersonationPath: input.options.impersonationPath,
      timeoutMs: input.timeoutMs,
      deadline: input.deadline,
      onLoginStart: input.options.onLoginStart,
      started: input.started,
    }),
  connectDocument: gcpConnectDocument,
  renderConnect: renderGcpConnect,
  doctor: async (input) => scrubDeep(await gcpDoctor(input)),
};
