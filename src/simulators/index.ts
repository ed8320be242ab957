/**
 * The local test bed: an AWS STS simulator and a Snowflake simulator sharing one identity table,
 * so credentials that STS AssumeRole issues are accepted by Snowflake's WIF check, as in AWS.
 * Nothing here talks to the internet; both servers listen on 127.0.0.1 with random ports.
 */
import { defaultIdentityTable, type TestIdentity } from './credentials.js';
import { startSnowflakeSimulator, type SimUser, type SnowflakeSimulator, type SnowflakeSimulatorOptions } from './snowflake.js';
import { startStsSimulator, type StsSimulator, type StsSimulatorOptions } from './sts.js';

export * from './credentials.js';
export * from './sigv4.js';
export * from './attestation.js';
export * from './sts.js';
export * from './snowflake.js';
export * from './web-identity.js';
export * from './snowflake-jwt.js';

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

export interface TestBed {
  sts: StsSimulator;
  snowflake: SnowflakeSimulator;
  /** The shared, live identity table. */
  identities: TestIdentity[];
  /** Merge into a CLEAN child-process environment (plus credentialsEnv(identity)). */
  env: TestBedEnv;
  close(): Promise<void>;
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
}

/** Starts both simulators with a shared identity table and the default user table. */
export async function startTestBed(opts: TestBedOptions = {}): Promise<TestBed> {
  const identities = defaultIdentityTable();
  const accountName = opts.accountName ?? DEFAULT_TEST_BED_ACCOUNT;
  const sts = await startStsSimulator({ identities, ...(opts.webIdentity ? { webIdentity: opts.webIdentity } : {}) });
  let snowflake: SnowflakeSimulator;
  try {
    snowflake = await startSnowflakeSimulator({
      identities,
      // Classic attestations are replayed to the test bed's STS over HTTP, as Snowflake does.
      stsUrl: sts.url,
      users: (opts.users ?? DEFAULT_TEST_BED_USERS).map((u) => ({ ...u })),
      accountName,
      resolveIssuerUrl: sts.webIdentity.resolveIssuerUrl,
      ...(opts.explainIssuerMismatch ? { explainIssuerMismatch: true } : {}),
      ...(opts.admin ? { admin: opts.admin } : {}),
    });
  } catch (err) {
    await sts.close();
    throw err;
  }
  return {
    sts,
    snowflake,
    identities,
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
      await Promise.all([sts.close(), snowflake.close()]);
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
