/**
 * The local test bed: an AWS STS simulator and a Snowflake simulator sharing one identity table,
 * so credentials that STS AssumeRole issues are accepted by Snowflake's WIF check, as in AWS.
 * With `oidc`, also two OIDC issuers (GitHub Actions' and an EKS cluster's, each under its public
 * name but served on loopback), a GitHub-like token service, projected Kubernetes token files and
 * the OIDC users of DEFAULT_OIDC_TEST_BED_USERS.
 * Nothing here talks to the internet; every server listens on 127.0.0.1 with a random port.
 */
import { defaultIdentityTable, type TestIdentity } from './credentials.js';
import { DEFAULT_GITHUB_JOB, startGithubTokenService, type GithubJobEnv, type GithubTokenService } from './github-oidc.js';
import { writeProjectedToken, type ProjectedToken, type ProjectedTokenOptions } from './kubernetes-token.js';
import { GITHUB_ACTIONS_ISSUER, githubActionsClaims, type GithubJob } from './oidc-claims.js';
import { startOidcIssuer, type OidcIssuer, type OidcSignOptions } from './oidc-issuer.js';
import { startSnowflakeSimulator, type SimUser, type SnowflakeSimulator, type SnowflakeSimulatorOptions } from './snowflake.js';
import { OIDC_DEFAULT_AUDIENCE } from './snowflake-oidc.js';
import { startStsSimulator, type StsSimulator, type StsSimulatorOptions } from './sts.js';
import { AZURE_TEST_BED_IDENTITIES, AZURE_TEST_BED_TENANT, DEFAULT_AZURE_TEST_BED_USERS, startAzureIdentitySimulator, type AzureIdentitySimulator, type AzureIdentitySimulatorOptions } from './azure-identity.js';

export * from './credentials.js';
export * from './sigv4.js';
export * from './attestation.js';
export * from './sts.js';
export * from './snowflake.js';
export * from './web-identity.js';
export * from './snowflake-jwt.js';
export * from './snowflake-oidc.js';
export * from './snowflake-gates.js';
export { DEFAULT_POLICY_DATABASE, DEFAULT_POLICY_SCHEMA, authenticationPolicyFullName } from './snowflake-admin-gates.js';
export * from './oidc-issuer.js';
export * from './oidc-claims.js';
export * from './github-oidc.js';
export * from './kubernetes-token.js';
export * from './azure-identity.js';
export * from './azure-entra-proxy.js';
export * from './snowflake-azure.js';

/** The user table a fresh test bed starts with. */
export const DEFAULT_TEST_BED_USERS: readonly SimUser[] = Object.freeze([
  {
    name: 'LAMBDA_LOADER',
    workloadIdentityArn: 'arn:aws:iam::123456789012:role/my-fn-role',
    defaultRole: 'LOADER',
    grantedRoles: ['ANALYST'],
    type: 'SERVICE',
  },
]);

/** The Kubernetes issuer of the test bed (EKS's shape: https://oidc.eks.<region>.amazonaws.com/id/<ID>). */
export const KUBERNETES_TEST_BED_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C0FFEE0D15EA5E0B57AC1E0D0CA5E00';
/** The GitHub job whose subject GHA_DEPLOY holds. */
export const GHA_DEPLOY_SUBJECT = 'repo:octo-org/app:environment:prod';
/** The service account K8S_LOADER holds. */
export const K8S_LOADER_SUBJECT = 'system:serviceaccount:etl:loader';

/** The OIDC users a test bed with `oidc` adds to DEFAULT_TEST_BED_USERS. */
export const DEFAULT_OIDC_TEST_BED_USERS: readonly SimUser[] = Object.freeze([
  {
    name: 'GHA_DEPLOY',
    workloadIdentity: { type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: GHA_DEPLOY_SUBJECT, audienceList: [OIDC_DEFAULT_AUDIENCE] },
    defaultRole: 'DEPLOYER',
    type: 'SERVICE',
  },
  {
    // No OIDC_AUDIENCE_LIST: the token's audience must be snowflakecomputing.com.
    name: 'K8S_LOADER',
    workloadIdentity: { type: 'OIDC', issuer: KUBERNETES_TEST_BED_ISSUER, subject: K8S_LOADER_SUBJECT },
    defaultRole: 'LOADER',
    type: 'SERVICE',
  },
] satisfies SimUser[]);

export const DEFAULT_TEST_BED_ACCOUNT = 'simorg-wifcheck';
export const DEFAULT_TEST_BED_REGION = 'eu-west-1';

/** Environment for a child process (driver, CLI) that should use the test bed. */
export interface TestBedEnv {
  AWS_ENDPOINT_URL_STS: string;
  AWS_REGION: string;
  SNOWFLAKE_HOST: string;
  SNOWFLAKE_PORT: string;
  SNOWFLAKE_PROTOCOL: 'http';
  SNOWFLAKE_ACCOUNT: string;
  /** Lets the driver's WIF host allow-list accept 127.0.0.1 (exact or dot-suffix match). */
  SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: string;
  AWS_EC2_METADATA_DISABLED: 'true';
  /**
   * snowflake-sdk probes cloud metadata endpoints (169.254.169.254, metadata.google.internal) and
   * calls STS GetCallerIdentity when it is loaded, unless this is 'true'. Keeps the test bed offline.
   */
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true';
  /** Silences the AWS SDK's "node >= 22" warning on stderr. */
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true';
}

/** The OIDC side of a test bed started with `oidc`. */
export interface TestBedOidc {
  /** GitHub Actions' issuer (`iss` https://token.actions.githubusercontent.com, served on loopback). */
  github: OidcIssuer;
  /** An EKS cluster's issuer (KUBERNETES_TEST_BED_ISSUER, served on loopback; JWKS at /keys as EKS). */
  kubernetes: OidcIssuer;
  /** The GitHub-like token service (ACTIONS_ID_TOKEN_REQUEST_URL), signing with `github`. */
  githubTokens: GithubTokenService;
  /** A job's variables (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, GITHUB_*); with `job`, the service issues that job's tokens from now on. */
  githubEnv(job?: GithubJob): GithubJobEnv;
  /** A GitHub Actions token signed directly (default: the service's job, audience snowflakecomputing.com). */
  githubToken(job?: GithubJob, sign?: OidcSignOptions): Promise<string>;
  /** A projected token file (default: service account etl/loader, preset 'snowflake'), signed by `kubernetes`; removed at close. */
  kubernetesToken(opts?: Partial<Omit<ProjectedTokenOptions, 'issuer'>>): Promise<ProjectedToken>;
  /** Maps the issuers' public URLs to loopback (what the Snowflake simulator is given). */
  resolveIssuerUrl(url: string): string | undefined;
}

export interface TestBed {
  sts: StsSimulator;
  snowflake: SnowflakeSimulator;
  /** The shared, live identity table. */
  identities: TestIdentity[];
  /** Merge into a CLEAN child-process environment (plus credentialsEnv(identity)). */
  env: TestBedEnv;
  /** The OIDC side, when started with `oidc`. */
  oidc?: TestBedOidc;
  /** The Azure side (Entra's keys, the managed-identity endpoints), when started with `azure`. */
  azure?: AzureIdentitySimulator;
  close(): Promise<void>;
}

export type TestBedWithOidc = TestBed & { oidc: TestBedOidc };

export interface TestBedOidcOptions {
  /** The token service's job (default DEFAULT_GITHUB_JOB: octo-org/app, environment prod). */
  githubJob?: GithubJob;
  /** SnowflakeSimulatorOptions.explainOidcMismatch. */
  explainMismatch?: boolean;
  /** SnowflakeSimulatorOptions.oidcSubjectWildcard (behaviour change 2026_08). */
  subjectWildcard?: boolean;
  /** SnowflakeSimulatorOptions.oidcJwksCacheSeconds. */
  jwksCacheSeconds?: number;
}

export interface TestBedOptions {
  /** Default: DEFAULT_TEST_BED_USERS. */
  users?: SimUser[];
  /** Default: DEFAULT_TEST_BED_ACCOUNT. */
  accountName?: string;
  /** AWS_REGION for the child (default eu-west-1). */
  region?: string;
  /** STS's GetWebIdentityToken side (./web-identity.ts). */
  webIdentity?: StsSimulatorOptions['webIdentity'];
  /** See SnowflakeSimulatorOptions.explainIssuerMismatch. */
  explainIssuerMismatch?: boolean;
  /** Administrator logins and what SHOW tells them (SnowflakeSimulatorOptions.admin), e.g. seededAuditAccount().admin. */
  admin?: SnowflakeSimulatorOptions['admin'];
  /**
   * Start the OIDC side too (bed.oidc): issuers, the GitHub token service, and — unless `users` is
   * given — DEFAULT_OIDC_TEST_BED_USERS after DEFAULT_TEST_BED_USERS.
   */
  oidc?: boolean | TestBedOidcOptions;
  /** Network and authentication policies, disabled and locked users (SnowflakeSimulatorOptions.gates; later: bed.snowflake.gates). */
  gates?: SnowflakeSimulatorOptions['gates'];
  /**
   * Start the Azure side too (bed.azure: ./azure-identity.ts) and — unless `users` is given — add
   * DEFAULT_AZURE_TEST_BED_USERS. `issuerForms`: how Snowflake compares a v1 and a v2 issuer (not publicly known; default 'exact').
   */
  azure?: boolean | (AzureIdentitySimulatorOptions & { issuerForms?: 'exact' | 'either'; explainMismatch?: boolean });
}

interface OidcServers {
  github: OidcIssuer;
  kubernetes: OidcIssuer;
  githubTokens: GithubTokenService;
  close(): Promise<void>;
}

async function startOidcServers(options: TestBedOidcOptions): Promise<OidcServers> {
  const started: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    await Promise.all(started.map((server) => server.close()));
  };
  try {
    const github = await startOidcIssuer({ publicIssuer: GITHUB_ACTIONS_ISSUER });
    started.push(github);
    const kubernetes = await startOidcIssuer({ publicIssuer: KUBERNETES_TEST_BED_ISSUER, jwksPath: '/keys', defaultExpiresInSeconds: 3600 });
    started.push(kubernetes);
    const githubTokens = await startGithubTokenService({ issuer: github, job: options.githubJob ?? DEFAULT_GITHUB_JOB });
    started.push(githubTokens);
    return { github, kubernetes, githubTokens, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Starts both simulators with a shared identity table and the default user table (and, with `oidc`, the OIDC side). */
export async function startTestBed(opts: TestBedOptions & { oidc: true | TestBedOidcOptions }): Promise<TestBedWithOidc>;
export async function startTestBed(opts?: TestBedOptions): Promise<TestBed>;
export async function startTestBed(opts: TestBedOptions = {}): Promise<TestBed> {
  const identities = defaultIdentityTable();
  const accountName = opts.accountName ?? DEFAULT_TEST_BED_ACCOUNT;
  const oidcOptions: TestBedOidcOptions | undefined = opts.oidc === true ? {} : opts.oidc || undefined;
  const oidcServers = oidcOptions ? await startOidcServers(oidcOptions) : undefined;
  const resolveIssuerUrl = (url: string): string | undefined => oidcServers?.github.resolve(url) ?? oidcServers?.kubernetes.resolve(url);
  const azureOptions = opts.azure === true ? {} : opts.azure || undefined;
  let azure: AzureIdentitySimulator | undefined;
  let sts: StsSimulator;
  try {
    azure = azureOptions ? await startAzureIdentitySimulator({ tenant: AZURE_TEST_BED_TENANT, identities: [...AZURE_TEST_BED_IDENTITIES], ...azureOptions }) : undefined;
    sts = await startStsSimulator({ identities, ...(opts.webIdentity ? { webIdentity: opts.webIdentity } : {}) });
  } catch (err) {
    await Promise.all([oidcServers?.close(), azure?.close()]);
    throw err;
  }
  let snowflake: SnowflakeSimulator;
  try {
    snowflake = await startSnowflakeSimulator({
      identities,
      // Classic attestations are replayed to the test bed's STS over HTTP, as Snowflake does.
      stsUrl: sts.url,
      users: (opts.users ?? [...DEFAULT_TEST_BED_USERS, ...(oidcOptions ? DEFAULT_OIDC_TEST_BED_USERS : []), ...(azureOptions ? DEFAULT_AZURE_TEST_BED_USERS : [])]).map((u) => ({ ...u })),
      accountName,
      resolveIssuerUrl: sts.webIdentity.resolveIssuerUrl,
      ...(opts.explainIssuerMismatch ? { explainIssuerMismatch: true } : {}),
      ...(opts.admin ? { admin: opts.admin } : {}),
      ...(opts.gates ? { gates: opts.gates } : {}),
      ...(azure ? { azure: { resolveUrl: azure.resolve, ...(azureOptions?.issuerForms ? { issuerForms: azureOptions.issuerForms } : {}), ...(azureOptions?.explainMismatch ? { explainMismatch: true } : {}) } } : {}),
      ...(oidcOptions
        ? {
            resolveOidcIssuerUrl: resolveIssuerUrl,
            ...(oidcOptions.explainMismatch ? { explainOidcMismatch: true } : {}),
            ...(oidcOptions.subjectWildcard ? { oidcSubjectWildcard: true } : {}),
            ...(oidcOptions.jwksCacheSeconds !== undefined ? { oidcJwksCacheSeconds: oidcOptions.jwksCacheSeconds } : {}),
          }
        : {}),
    });
  } catch (err) {
    await Promise.all([sts.close(), oidcServers?.close(), azure?.close()]);
    throw err;
  }
  const projected: ProjectedToken[] = [];
  const oidc: TestBedOidc | undefined = oidcServers && {
    github: oidcServers.github,
    kubernetes: oidcServers.kubernetes,
    githubTokens: oidcServers.githubTokens,
    githubEnv(job) {
      if (job) oidcServers.githubTokens.setJob(job);
      return oidcServers.githubTokens.env();
    },
    githubToken: (job, sign) =>
      oidcServers.github.sign(githubActionsClaims(job ?? oidcServers.githubTokens.job), { expiresInSeconds: 300, audience: OIDC_DEFAULT_AUDIENCE, ...sign }),
    async kubernetesToken(tokenOpts = {}) {
      const token = await writeProjectedToken({ namespace: 'etl', serviceAccount: 'loader', ...tokenOpts, issuer: oidcServers.kubernetes });
      if (tokenOpts.root === undefined) projected.push(token);
      return token;
    },
    resolveIssuerUrl,
  };
  return {
    sts,
    snowflake,
    identities,
    ...(oidc ? { oidc } : {}),
    ...(azure ? { azure } : {}),
    env: {
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_REGION: opts.region ?? DEFAULT_TEST_BED_REGION,
      SNOWFLAKE_HOST: snowflake.host,
      SNOWFLAKE_PORT: String(snowflake.port),
      SNOWFLAKE_PROTOCOL: 'http',
      SNOWFLAKE_ACCOUNT: accountName,
      SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: snowflake.host,
      AWS_EC2_METADATA_DISABLED: 'true',
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    async close() {
      await Promise.all([sts.close(), snowflake.close(), oidcServers?.close(), azure?.close(), ...projected.map((token) => token.remove())]);
    },
  };
}

/** The AWS SDK's static-credential environment variables for one identity. */
export function credentialsEnv(identity: Pick<TestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN?: string;
} {
  return {
    AWS_ACCESS_KEY_ID: identity.accessKeyId,
    AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
    ...(identity.sessionToken ? { AWS_SESSION_TOKEN: identity.sessionToken } : {}),
  };
}
