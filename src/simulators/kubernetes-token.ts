/**
 * Kubernetes-style projected service account token files for the test bed: the file a pod reads
 * (`SNOWFLAKE_TOKEN_FILE_PATH`, IRSA's `AWS_WEB_IDENTITY_TOKEN_FILE`, AKS's
 * `AZURE_FEDERATED_TOKEN_FILE`), signed by a test bed issuer (./oidc-issuer.ts) for a service
 * account and an audience, under a temporary directory laid out like `/var/run/secrets/…`.
 *
 * What it mirrors (Kubernetes docs "Configure Service Accounts for Pods", "Projected Volumes";
 * kubelet's AtomicWriter; EKS "IAM roles for service accounts"; AKS "workload identity"):
 * - the token: sub `system:serviceaccount:NS:SA`, `aud` a list of the requested audience, the
 *   `kubernetes.io` claim, default lifetime 3600 s (the projection's default `expirationSeconds`);
 * - the 'kubelet' layout (default): the volume directory holds `..<timestamp>/<file>`, a `..data`
 *   symlink to that directory and `<file>` as a symlink to `..data/<file>`; a refresh writes a new
 *   timestamped directory and swaps `..data`, as kubelet rotates tokens. 'plain' writes one file;
 * - the paths: a Snowflake-audience projection at `/var/run/secrets/tokens/snowflake-token` (the
 *   Kubernetes docs' projected-token example uses `/var/run/secrets/tokens/<name>`; the path is the
 *   pod spec's choice), IRSA at `/var/run/secrets/eks.amazonaws.com/serviceaccount/token` (audience
 *   `sts.amazonaws.com`), AKS at `/var/run/secrets/azure/tokens/azure-identity-token` (audience
 *   `api://AzureADTokenExchange`), the default token at
 *   `/var/run/secrets/kubernetes.io/serviceaccount/token`.
 * The file mode defaults to 0600 (`mode`); kubelet's own default for projected volumes is 0644
 * (`defaultMode`), and the token alone may be 0600 depending on the pod's security context.
 */
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesClaims, type KubernetesServiceAccount } from './oidc-claims.js';
import type { OidcIssuer, OidcSignOptions } from './oidc-issuer.js';

export type ProjectedTokenPreset = 'snowflake' | 'eks-irsa' | 'aks' | 'default';

export const PROJECTED_TOKEN_PRESETS: Readonly<Record<ProjectedTokenPreset, { dir: string; file: string; audience: string; envName: string | null }>> = Object.freeze({
  snowflake: { dir: 'var/run/secrets/tokens', file: 'snowflake-token', audience: 'snowflakecomputing.com', envName: 'SNOWFLAKE_TOKEN_FILE_PATH' },
  'eks-irsa': { dir: 'var/run/secrets/eks.amazonaws.com/serviceaccount', file: 'token', audience: 'sts.amazonaws.com', envName: 'AWS_WEB_IDENTITY_TOKEN_FILE' },
  aks: { dir: 'var/run/secrets/azure/tokens', file: 'azure-identity-token', audience: 'api://AzureADTokenExchange', envName: 'AZURE_FEDERATED_TOKEN_FILE' },
  default: { dir: 'var/run/secrets/kubernetes.io/serviceaccount', file: 'token', audience: 'https://kubernetes.default.svc', envName: null },
});

export interface ProjectedTokenOptions extends KubernetesServiceAccount {
  issuer: OidcIssuer;
  /** Where the paths and default audience come from (default 'snowflake'). */
  preset?: ProjectedTokenPreset;
  /** The token's audience (default: the preset's). */
  audience?: string | string[];
  /** The directory standing for `/` (default: a new temporary directory). */
  root?: string;
  /** 'kubelet' (default: ..data symlinks) or 'plain'. */
  layout?: 'kubelet' | 'plain';
  /** Default 0o600. */
  mode?: number;
  /** Default 3600. */
  expiresInSeconds?: number;
  /** Further signing options (alg, omitIat…). */
  sign?: OidcSignOptions;
}

export interface ProjectedToken {
  /** The temporary root (remove it when done). */
  root: string;
  /** The path the pod reads, e.g. <root>/var/run/secrets/tokens/snowflake-token. */
  path: string;
  /** The environment variable naming it (SNOWFLAKE_TOKEN_FILE_PATH, AWS_WEB_IDENTITY_TOKEN_FILE…), or {} for the default token. */
  env: Record<string, string>;
  /** The token now in the file. */
  token: string;
  /** Writes a fresh token (as kubelet rotates it), with other signing options if given. */
  refresh(sign?: OidcSignOptions): Promise<string>;
  /** Removes the root. */
  remove(): Promise<void>;
}

function timestampDir(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const nanos = `${p(d.getUTCMilliseconds(), 3)}${p(Math.floor(Math.random() * 1e6), 6)}`;
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.${nanos}`;
}

/** Writes a projected service account token file; see the module comment. */
export async function writeProjectedToken(opts: ProjectedTokenOptions): Promise<ProjectedToken> {
  const preset = PROJECTED_TOKEN_PRESETS[opts.preset ?? 'snowflake'];
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'wif-sim-k8s-')));
  const dir = join(root, preset.dir);
  const path = join(dir, preset.file);
  const mode = opts.mode ?? 0o600;
  const audience = opts.audience ?? preset.audience;
  await mkdir(dir, { recursive: true });

  const mint = (sign: OidcSignOptions = {}) =>
    opts.issuer.sign(kubernetesClaims(opts), { expiresInSeconds: opts.expiresInSeconds ?? 3600, ...opts.sign, ...sign, audience: Array.isArray(audience) ? audience : [audience] });

  let lastStamp: string | undefined;
  const place = async (token: string): Promise<void> => {
    if ((opts.layout ?? 'kubelet') === 'plain') {
      const temp = `${path}.tmp`;
      await writeFile(temp, token, { mode });
      await chmod(temp, mode);
      await rename(temp, path);
      return;
    }
    const stamp = timestampDir();
    await mkdir(join(dir, stamp), { mode: 0o755 });
    await writeFile(join(dir, stamp, preset.file), token, { mode });
    await chmod(join(dir, stamp, preset.file), mode);
    await symlink(stamp, join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await symlink(join('..data', preset.file), path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    // As kubelet does, the previous timestamped directory goes once ..data points at the new one.
    if (lastStamp) await rm(join(dir, lastStamp), { recursive: true, force: true });
    lastStamp = stamp;
  };

  const projected: ProjectedToken = {
    root,
    path,
    env: preset.envName ? { [preset.envName]: path } : {},
    token: await mint(),
    async refresh(sign) {
      projected.token = await mint(sign);
      await place(projected.token);
      return projected.token;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await place(projected.token);
  return projected;
}
