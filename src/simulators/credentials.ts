/**
 * The shared table of fake AWS credentials used by the local simulators.
 *
 * Every key here is obviously fake but well-formed the way AWS issues them: access key ids are
 * 20 characters (`AKIA…` for long-term IAM user / root keys, `ASIA…` for temporary session
 * credentials), secrets are 40 characters, and temporary credentials come with a session token.
 * The ARNs follow the forms STS GetCallerIdentity returns (docs.aws.amazon.com STS API reference,
 * "GetCallerIdentity"): `arn:aws:iam::A:user/[path/]name`, `arn:aws:sts::A:assumed-role/ROLE/SESSION`,
 * `arn:aws:sts::A:federated-user/name`, `arn:aws:iam::A:root`.
 *
 * None of these keys work anywhere but against the simulators in this folder.
 */

/** One caller the STS and Snowflake simulators recognise. */
export interface TestIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** What STS GetCallerIdentity returns, e.g. 'arn:aws:sts::123456789012:assumed-role/my-fn-role/my-fn'. */
  arn: string;
  /** e.g. 'AROAEXAMPLEROLEID:my-fn'. */
  userId: string;
  account: string;
  /** The session has expired: every signed request answers ExpiredToken. */
  expired?: boolean;
  /** Role ARNs this identity may AssumeRole into (for workloadIdentityImpersonationPath). */
  assumableRoles?: string[];
}

export type TestIdentityName =
  | 'assumedRole'
  | 'iamUser'
  | 'root'
  | 'federatedUser'
  | 'expired'
  | 'ssoRole'
  | 'govCloud'
  | 'china'
  | 'otherAccount'
  | 'chainSource'
  | 'serviceRole';

/** The main test account. */
export const TEST_ACCOUNT = '123456789012';
/** The role the chain-source identity may assume (the impersonation-path target). */
export const CHAIN_TARGET_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/snowflake-loader`;

export const TEST_IDENTITIES: Readonly<Record<TestIdentityName, TestIdentity>> = Object.freeze({
  /** A Lambda function's execution role session: the happy path. */
  assumedRole: {
    accessKeyId: 'ASIASIMASSUMEDROLE00',
    secretAccessKey: 'wifSimSecret/assumedRole/EXAMPLEKEYEXAMP',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-assumedRole',
    arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/my-fn-role/my-fn`,
    userId: 'AROASIMEXAMPLEROLEID:my-fn',
    account: TEST_ACCOUNT,
  },
  /** An IAM user with a path: long-term AKIA key, no session token. */
  iamUser: {
    accessKeyId: 'AKIASIMIAMUSERALICE0',
    secretAccessKey: 'wifSimSecret/iamUser/EXAMPLEKEYEXAMPLEKE',
    arn: `arn:aws:iam::${TEST_ACCOUNT}:user/division/alice`,
    userId: 'AIDASIMEXAMPLEUSERID',
    account: TEST_ACCOUNT,
  },
  /** The account root user (never valid for WIF). */
  root: {
    accessKeyId: 'AKIASIMROOTACCOUNT00',
    secretAccessKey: 'wifSimSecret/root/EXAMPLEKEYEXAMPLEKEYEX',
    arn: `arn:aws:iam::${TEST_ACCOUNT}:root`,
    userId: TEST_ACCOUNT,
    account: TEST_ACCOUNT,
  },
  /** A GetFederationToken session (never valid for WIF). */
  federatedUser: {
    accessKeyId: 'ASIASIMFEDERATEDUSER',
    secretAccessKey: 'wifSimSecret/federatedUser/EXAMPLEKEYEXA',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-federatedUser',
    arn: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/bob`,
    userId: `${TEST_ACCOUNT}:bob`,
    account: TEST_ACCOUNT,
  },
  /** The same role as `assumedRole`, but the session has expired. */
  expired: {
    accessKeyId: 'ASIASIMEXPIREDSESSIO',
    secretAccessKey: 'wifSimSecret/expired/EXAMPLEKEYEXAMPLEKE',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-expired',
    arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/my-fn-role/my-fn`,
    userId: 'AROASIMEXAMPLEROLEID:my-fn',
    account: TEST_ACCOUNT,
    expired: true,
  },
  /** An IAM Identity Center (SSO) permission-set role session. */
  ssoRole: {
    accessKeyId: 'ASIASIMSSOROLESESSIO',
    secretAccessKey: 'wifSimSecret/ssoRole/EXAMPLEKEYEXAMPLEKE',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-ssoRole',
    arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/AWSReservedSSO_Admin_abc123/alice@example.com`,
    userId: 'AROASIMEXAMPLESSOROLE:alice@example.com',
    account: TEST_ACCOUNT,
  },
  /** A role session in the GovCloud partition. */
  govCloud: {
    accessKeyId: 'ASIASIMGOVCLOUDROLE0',
    secretAccessKey: 'wifSimSecret/govCloud/EXAMPLEKEYEXAMPLEK',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-govCloud',
    arn: 'arn:aws-us-gov:sts::234567890123:assumed-role/my-fn-role/my-fn',
    userId: 'AROASIMEXAMPLEGOVROLE:my-fn',
    account: '234567890123',
  },
  /** An IAM user in the China partition (aws-cn): known only to STS in cn- regions. */
  china: {
    accessKeyId: 'AKIASIMCHINAUSER0000',
    secretAccessKey: 'wifSimSecret/china/EXAMPLEKEYEXAMPLEKEY0',
    arn: 'arn:aws-cn:iam::345678901234:user/alice-cn',
    userId: 'AIDASIMEXAMPLECHINA00',
    account: '345678901234',
  },
  /** The same role name as `assumedRole`, but in another account. */
  otherAccount: {
    accessKeyId: 'ASIASIMOTHERACCOUNT0',
    secretAccessKey: 'wifSimSecret/otherAccount/EXAMPLEKEYEXAM',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-otherAccount',
    arn: 'arn:aws:sts::210987654321:assumed-role/my-fn-role/my-fn',
    userId: 'AROASIMEXAMPLEOTHERID:my-fn',
    account: '210987654321',
  },
  /** A CI runner session that may AssumeRole into `snowflake-loader` (impersonation path). */
  chainSource: {
    accessKeyId: 'ASIASIMCHAINSOURCE00',
    secretAccessKey: 'wifSimSecret/chainSource/EXAMPLEKEYEXAMP',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-chainSource',
    arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ci-runner-role/ci-job`,
    userId: 'AROASIMEXAMPLECIRUNNR:ci-job',
    account: TEST_ACCOUNT,
    assumableRoles: [CHAIN_TARGET_ROLE_ARN],
  },
  /**
   * Another Lambda function's execution role, which lives under the console's `/service-role/` path
   * (web-identity.ts DEFAULT_ROLE_PATHS): the README's trap, registered with that path in the sandbox.
   */
  serviceRole: {
    accessKeyId: 'ASIASIMSERVICEROLE00',
    secretAccessKey: 'wifSimSecret/serviceRole/EXAMPLEKEYEXAMP',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//sim-session-token-serviceRole',
    arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/etl-fn-role/etl-fn`,
    userId: 'AROASIMEXAMPLEETLROLE:etl-fn',
    account: TEST_ACCOUNT,
  },
});

/** Looks a caller up by access key id. */
export function findIdentity(table: readonly TestIdentity[], accessKeyId: string): TestIdentity | undefined {
  return table.find((identity) => identity.accessKeyId === accessKeyId);
}

/**
 * A fresh, mutable copy of the default identity table. The STS simulator appends the
 * credentials AssumeRole hands out to the array it is given, so simulators that must agree
 * (STS and Snowflake) should share one array made by this function.
 */
export function defaultIdentityTable(): TestIdentity[] {
  return Object.values(TEST_IDENTITIES).map((identity) => ({
    ...identity,
    ...(identity.assumableRoles ? { assumableRoles: [...identity.assumableRoles] } : {}),
  }));
}
