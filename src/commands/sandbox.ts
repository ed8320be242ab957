/**
 * `wif-check sandbox`: the local test bed (src/simulators: an STS and a Snowflake that verifies
 * the signed attestation) in the foreground, like `vault server -dev`. It prints the `export`
 * lines that point wif-check, the Snowflake drivers and the AWS SDKs at it, and serves until
 * SIGINT or SIGTERM. Everything listens on 127.0.0.1; the credentials are the simulators' fake
 * test keys, which work nowhere else.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';
import { rememberSecrets } from '../known-secrets.js';
import {
  CHAIN_TARGET_ROLE_ARN,
  DEFAULT_GCP_ACCOUNTS,
  GCP_DELEGATE_SA,
  GCP_LOADER_SA,
  GCP_RUNTIME_SA,
  DEFAULT_OIDC_TEST_BED_USERS,
  DEFAULT_TEST_BED_REGION,
  GITHUB_ACTIONS_ISSUER,
  TEST_ACCOUNT,
  TEST_IDENTITIES,
  credentialsEnv,
  startTestBed,
  type SimUser,
  type TestBed,
  type TestIdentityName,
  type TestBedOptions,
  type SimGates,
} from '../simulators/index.js';
import { parseProvider } from '../providers/index.js';
import { azureSandboxCommands, azureSandboxState, parseAzureSandboxTrap } from '../providers/azure/sandbox.js';

export const DEFAULT_SANDBOX_IDENTITY: TestIdentityName = 'assumedRole';

export interface SandboxOptions {
  /** A test identity's name (TEST_IDENTITIES: assumedRole, iamUser, root, …); default assumedRole. */
  identity?: string | undefined;
  /** The region the exports name (default eu-west-1; govCloud us-gov-west-1, china cn-north-1: a region of their partition). */
  region?: string | undefined;
  /** The Snowflake user table (default SANDBOX_USERS, every story's user); the demo starts with a wrong ARN. */
  users?: SimUser[] | undefined;
  /** Administrator logins for `wif-check audit` (the demo's PAT); default: SANDBOX_ADMIN with a fresh PAT in a private directory. */
  admin?: TestBedOptions['admin'];
  /** aws (default) or oidc: a GitHub Actions job's token service, OIDC issuers and OIDC users too. */
  provider?: string | undefined;
  /** A gate before the mapping that refuses the working login (SANDBOX_GATES): network-policy, authentication-policy or user-disabled. */
  gate?: string | undefined;
  /** azure: start the metadata service in a trap's state (src/providers/azure/sandbox.ts AZURE_SANDBOX_TRAPS). */
  azureTrap?: string | undefined;
}

/** The gates the sandbox can show failing (issue 20, part 4), and what each sets on the simulator. */
export const SANDBOX_GATE_NAMES = ['network-policy', 'authentication-policy', 'user-disabled'] as const;
export type SandboxGate = (typeof SANDBOX_GATE_NAMES)[number];

/** --gate as typed → a gate name; a usage error names the choices. */
export function parseSandboxGate(name: string | undefined): SandboxGate | undefined {
  if (name === undefined) return undefined;
  const found = SANDBOX_GATE_NAMES.find((gate) => gate === name.trim().toLowerCase());
  if (found) return found;
  const shown = /^[\x20-\x7e]{1,40}$/.test(name) ? `'${name}'` : 'that name';
  throw usageError(`--gate ${shown} is not a gate the sandbox shows`, 'UNKNOWN_GATE', `Use one of: ${SANDBOX_GATE_NAMES.join(', ')}.`);
}

/**
 * The simulator's gates for `gate`, set on `user` (the user the working login maps to), what the
 * sandbox says about it, and the fix to try (the simulator has no SQL: the fix is shown, not run).
 */
function sandboxGate(gate: SandboxGate, user: string): { gates: SimGates; says: string; expect: string } {
  switch (gate) {
    case 'network-policy':
      return {
        // The sandbox administrator (audit) has its own policy for 127.0.0.1: a user's own replaces the account's.
        gates: {
          networkPolicies: [{ name: 'SANDBOX_OFFICE_ONLY', allowedIpList: ['10.0.0.0/8'] }, { name: 'SANDBOX_ADMIN_LOOPBACK', allowedIpList: ['127.0.0.1'] }],
          accountNetworkPolicy: 'SANDBOX_OFFICE_ONLY',
          users: { [SANDBOX_ADMIN]: { networkPolicy: 'SANDBOX_ADMIN_LOOPBACK' } },
        },
        says: 'gate       the account network policy SANDBOX_OFFICE_ONLY allows only 10.0.0.0/8: your 127.0.0.1 is refused (390422)',
        expect: 'NETWORK_POLICY_BLOCKED',
      };
    case 'authentication-policy':
      return {
        gates: {
          authenticationPolicies: [{ name: 'SANDBOX_KEYPAIR_ONLY', authenticationMethods: ['KEYPAIR', 'PASSWORD'] }],
          users: { [user]: { authenticationPolicy: 'SANDBOX_KEYPAIR_ONLY' } },
        },
        says: `gate       user ${user} has the authentication policy SANDBOX_KEYPAIR_ONLY: AUTHENTICATION_METHODS = (KEYPAIR, PASSWORD), no WORKLOAD_IDENTITY (390202)`,
        expect: 'AUTHENTICATION_POLICY_REJECTED',
      };
    case 'user-disabled':
      return {
        gates: { users: { [user]: { disabled: true } } },
        says: `gate       user ${user} is disabled (DISABLED = TRUE; the simulator's message: Snowflake's for a WIF login is not known)`,
        expect: 'USER_DISABLED',
      };
  }
}

/** With --gate: the administrator `wif-check audit` logs in as (a PAT in a private temporary file), to see the policy and its fix from the Snowflake side. */
export const SANDBOX_ADMIN = 'SANDBOX_ADMIN';

/** The sandbox's OIDC trap: the same repository registered for its branch, while the job uses the `prod` environment. */
export const SANDBOX_OIDC_TRAP_USER: SimUser = {
  name: 'GHA_BRANCH',
  workloadIdentity: { type: 'OIDC', issuer: GITHUB_ACTIONS_ISSUER, subject: 'repo:octo-org/app:ref:refs/heads/main', audienceList: ['snowflakecomputing.com'] },
  defaultRole: 'DEPLOYER',
  type: 'SERVICE',
};

/** The IAM role ARN of the trap story's user: the console's ARN, with its `service-role/` path. */
export const SANDBOX_TRAP_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/service-role/etl-fn-role`;

/**
 * The sandbox's users: one per story of the README, and one for each test identity that can use WIF,
 * so that every identity logs in with the settings the sandbox exports. root, federatedUser and
 * expired cannot use WIF, and otherAccount (the right role name in another account) is mapped to no
 * user on purpose: those are failures to look at.
 */
export const SANDBOX_USERS: readonly SimUser[] = Object.freeze([
  // The story that works, with both methods (ISSUER set at start: SANDBOX_ISSUER_USERS).
  { name: 'LAMBDA_LOADER', workloadIdentityArn: `arn:aws:iam::${TEST_ACCOUNT}:role/my-fn-role`, defaultRole: 'LOADER', grantedRoles: ['ANALYST'], type: 'SERVICE' },
  // The trap: registered with the console's ARN, stored by Snowflake as role `service-role`.
  { name: 'ETL_LOADER', workloadIdentityArn: SANDBOX_TRAP_ARN, defaultRole: 'LOADER', type: 'SERVICE' },
  // Role chaining: chainSource assumes role/snowflake-loader (--impersonation-path) before the attestation.
  { name: 'SNOWFLAKE_LOADER', workloadIdentityArn: CHAIN_TARGET_ROLE_ARN, defaultRole: 'LOADER', type: 'SERVICE' },
  { name: 'ALICE_SVC', workloadIdentityArn: `arn:aws:iam::${TEST_ACCOUNT}:user/alice`, type: 'SERVICE' },
  { name: 'SSO_ADMIN', workloadIdentityArn: `arn:aws:iam::${TEST_ACCOUNT}:role/AWSReservedSSO_Admin_abc123`, type: 'SERVICE' },
  { name: 'GOV_LOADER', workloadIdentityArn: 'arn:aws-us-gov:iam::234567890123:role/my-fn-role', type: 'SERVICE' },
  { name: 'CN_LOADER', workloadIdentityArn: 'arn:aws-cn:iam::345678901234:user/alice-cn', type: 'SERVICE' },
] satisfies SimUser[]);

/** The users registered with an ISSUER (the JWT method): the account's issuer, as the STS simulator serves it. */
export const SANDBOX_ISSUER_USERS: readonly string[] = ['LAMBDA_LOADER', 'SNOWFLAKE_LOADER'];

/** The region exported for an identity whose partition is not `aws`: STS and Snowflake's attestation check need one of its partition. */
export const SANDBOX_REGIONS: Readonly<Partial<Record<TestIdentityName, string>>> = Object.freeze({ govCloud: 'us-gov-west-1', china: 'cn-north-1' });

/** The user each identity maps to in the sandbox (none: the identity cannot use WIF, or is the wrong account on purpose). */
export const SANDBOX_USER_OF: Readonly<Partial<Record<TestIdentityName, string>>> = Object.freeze({
  assumedRole: 'LAMBDA_LOADER',
  serviceRole: 'ETL_LOADER',
  chainSource: 'SNOWFLAKE_LOADER',
  iamUser: 'ALICE_SVC',
  ssoRole: 'SSO_ADMIN',
  govCloud: 'GOV_LOADER',
  china: 'CN_LOADER',
});

/** The administrator audit logs in as, and the connection the sandbox writes for it. */
export const SANDBOX_ADMIN_USER = 'AUDITOR';
export const SANDBOX_ADMIN_CONNECTION = 'sandbox-admin';

/** One story of the README, told by the sandbox: whose keys to export, and what to run. */
export interface SandboxStory {
  name: 'works' | 'jwt' | 'trap' | 'chaining' | 'partitions' | 'admin';
  /** `wif-check sandbox --identity NAME` exports its keys (several: any one of them). */
  identities: readonly TestIdentityName[];
  says: string;
  commands: readonly string[];
}

const CHAIN = `--impersonation-path ${CHAIN_TARGET_ROLE_ARN}`;
export const SANDBOX_STORIES: readonly SandboxStory[] = Object.freeze([
  {
    name: 'works',
    identities: ['assumedRole'],
    says: 'LAMBDA_LOADER is registered with the path-free role ARN: the login works',
    commands: ['wif-check whoami', 'wif-check gen-sql --user LAMBDA_LOADER', 'wif-check doctor --expect-user LAMBDA_LOADER'],
  },
  {
    name: 'jwt',
    identities: ['assumedRole'],
    says: "LAMBDA_LOADER has the account's ISSUER too: the JWT method (STS GetWebIdentityToken) works",
    commands: ['wif-check whoami --outbound-token', 'wif-check doctor --outbound-token --expect-user LAMBDA_LOADER'],
  },
  {
    name: 'trap',
    identities: ['serviceRole'],
    says: 'ETL_LOADER was registered with the console ARN role/service-role/etl-fn-role: no login ever maps to it',
    commands: [
      'wif-check connect --expect-user ETL_LOADER   # fails: USER_NOT_MAPPED, with the fix',
      `wif-check doctor --expect-user ETL_LOADER --admin-connection ${SANDBOX_ADMIN_CONNECTION}   # what ETL_LOADER holds, from the Snowflake side`,
      `wif-check audit -c ${SANDBOX_ADMIN_CONNECTION} --me   # PATH_SEGMENT_ROLE, and the fix with your role's name`,
      'wif-check gen-sql --alter --user ETL_LOADER   # the fix',
    ],
  },
  {
    name: 'chaining',
    identities: ['chainSource'],
    says: 'SNOWFLAKE_LOADER is mapped to role/snowflake-loader, which chainSource assumes first',
    commands: [`wif-check doctor ${CHAIN} --expect-user SNOWFLAKE_LOADER`, `wif-check connect --outbound-token ${CHAIN} --expect-user SNOWFLAKE_LOADER`],
  },
  {
    name: 'partitions',
    identities: ['govCloud', 'china'],
    says: 'GOV_LOADER (aws-us-gov) and CN_LOADER (aws-cn): the exports name a region of the partition',
    // The identity's own user (sandboxCommands): whoami, doctor --expect-user GOV_LOADER or CN_LOADER.
    commands: [],
  },
  {
    name: 'admin',
    identities: [],
    says: `${SANDBOX_ADMIN_USER} logs in with a PAT from a file the sandbox writes (0600, removed on exit): connection ${SANDBOX_ADMIN_CONNECTION}`,
    commands: [`wif-check audit -c ${SANDBOX_ADMIN_CONNECTION}`],
  },
] satisfies SandboxStory[]);

/** What to try with the keys of `identity` exported: its stories' commands, else what shows its failure. */
export function sandboxCommands(identity: TestIdentityName, withAdmin: boolean): string[] {
  const own = SANDBOX_STORIES.filter((story) => story.identities.includes(identity)).flatMap((story) => story.commands);
  const user = SANDBOX_USER_OF[identity];
  const commands = own.length > 0 ? own : user ? ['wif-check whoami', `wif-check doctor --expect-user ${user}`] : ['wif-check whoami', 'wif-check doctor   # fails: this identity maps to no user'];
  const adminStory = SANDBOX_STORIES.find((story) => story.name === 'admin');
  return withAdmin && adminStory ? [...commands, ...adminStory.commands.filter((command) => !commands.includes(command))] : commands;
}

/** Where the administrator's connection is, for `--json` (never the PAT itself). */
export interface SandboxAdminInfo {
  user: string;
  connection: string;
  /** A private directory (0700) holding connections.toml and the PAT file, both 0600; removed when the sandbox stops. */
  snowflakeHome: string;
  tokenFile: string;
}

/**
 * The administrator: a fresh PAT (random per run, remembered as a secret so that no output of this
 * process shows it), the simulator's side of it, and the files a client needs, written under a
 * private temporary directory once the Snowflake simulator's port is known.
 */
function sandboxAdmin(): {
  simulator: NonNullable<TestBedOptions['admin']>;
  info: SandboxAdminInfo;
  write(bed: TestBed): void;
  remove(): void;
} {
  const pat = `pat_sandbox_${randomBytes(24).toString('base64url')}`;
  rememberSecrets(pat);
  const home = mkdtempSync(join(tmpdir(), 'wif-check-sandbox-'));
  const info: SandboxAdminInfo = { user: SANDBOX_ADMIN_USER, connection: SANDBOX_ADMIN_CONNECTION, snowflakeHome: home, tokenFile: join(home, 'admin.token') };
  const removeNow = () => rmSync(home, { recursive: true, force: true });
  // Also when the process ends another way than through close() (an uncaught error, process.exit).
  process.once('exit', removeNow);
  return {
    simulator: { admins: [{ name: SANDBOX_ADMIN_USER, defaultRole: 'SECURITYADMIN', pats: [pat] }], monitor: { SECURITYADMIN: '*' } },
    info,
    write(bed) {
      writeFileSync(info.tokenFile, `${pat}\n`, { mode: 0o600, flag: 'wx' });
      const toml = [
        `[${SANDBOX_ADMIN_CONNECTION}]`,
        // JSON's string escapes are TOML's (basic strings): a Windows path's backslashes stay backslashes.
        `account = ${JSON.stringify(bed.env.SNOWFLAKE_ACCOUNT)}`,
        `host = ${JSON.stringify(bed.env.SNOWFLAKE_HOST)}`,
        `port = ${bed.env.SNOWFLAKE_PORT}`,
        'protocol = "http"',
        `user = ${JSON.stringify(SANDBOX_ADMIN_USER)}`,
        'authenticator = "PROGRAMMATIC_ACCESS_TOKEN"',
        `token_file_path = ${JSON.stringify(info.tokenFile)}`,
        '',
      ].join('\n');
      writeFileSync(join(home, 'connections.toml'), toml, { mode: 0o600, flag: 'wx' });
    },
    remove() {
      process.off('exit', removeNow);
      removeNow();
    },
  };
}

export interface Sandbox {
  identity: { name: TestIdentityName; arn: string };
  stsUrl: string;
  snowflakeUrl: string;
  account: string;
  /** The Snowflake users and what each is registered with (an ARN, or an OIDC issuer and subject). */
  users: Array<{ name: string; arn: string | null; issuer?: string; oidc?: { issuer: string; subject: string }; azure?: { issuer: string; subject: string }; gcp?: { subject: string } }>;
  provider: 'aws' | 'oidc' | 'azure' | 'gcp';
  /** The variables to export, in the order they are printed. */
  env: Record<string, string>;
  /** Variables to unset: ones that would otherwise mix the shell's own AWS setup into the sandbox's. */
  unset: string[];
  /** Commands to try with those variables. */
  commands: string[];
  /** Every story the sandbox's users tell, and the identity to export for each (empty with --gate or a custom user table). */
  stories: readonly SandboxStory[];
  /** The administrator's connection for `audit` (its PAT is in a file, never in the output). */
  admin?: SandboxAdminInfo;
  /** --gate: the gate that refuses the working login, what it is, and the code connect gives. */
  gate?: { name: SandboxGate; says: string; expect: string };
  bed: TestBed;
  close(): Promise<void>;
}

/** `assumed-role`, `ASSUMEDROLE` and `assumedRole` all name assumedRole. */
export function parseIdentityName(name: string | undefined): TestIdentityName {
  if (name === undefined) return DEFAULT_SANDBOX_IDENTITY;
  const names = Object.keys(TEST_IDENTITIES) as TestIdentityName[];
  const fold = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');
  const found = names.find((known) => fold(known) === fold(name));
  if (found) return found;
  const shown = /^[\x20-\x7e]{1,40}$/.test(name) ? `'${name}'` : 'that name';
  throw usageError(`--identity ${shown} is not a sandbox test identity`, 'UNKNOWN_IDENTITY', `Use one of: ${names.join(', ')}.`);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const name = parseIdentityName(options.identity);
  const provider = options.provider === undefined ? 'aws' : parseProvider(options.provider, '--provider');
  if (provider === 'gcp') return startGcpSandbox(name, options);
  if (provider !== 'aws' && provider !== 'oidc' && provider !== 'azure') throw usageError(`the sandbox simulates aws, oidc, azure and gcp, not ${provider}`, 'PROVIDER_NOT_SUPPORTED');
  const oidc = provider === 'oidc';
  const azureTrap = parseAzureSandboxTrap(options.azureTrap);
  if (azureTrap && provider !== 'azure') throw usageError('--azure-trap is for --provider azure', 'CONFLICTING_OPTIONS');
  const gateName = parseSandboxGate(options.gate);
  const gated = gateName ? sandboxGate(gateName, oidc ? 'GHA_DEPLOY' : provider === 'azure' ? 'AZ_LOADER' : (options.users?.[0]?.name ?? SANDBOX_USERS[0]?.name ?? 'LAMBDA_LOADER')) : undefined;
  const gate = gateName && gated ? { name: gateName, says: gated.says, expect: gated.expect } : undefined;
  // Every story's administrator (AUDITOR, connection sandbox-admin); with --gate, the gate's own (SANDBOX_ADMIN) instead.
  const admin = options.admin || gated || provider === 'azure' ? undefined : sandboxAdmin();
  // --gate: an administrator for audit, whose PAT (random, fake) is only in a 0600 file, removed on exit.
  const adminDir = gated ? mkdtempSync(join(tmpdir(), 'wif-check-sandbox-')) : undefined;
  const adminTokenFile = adminDir ? join(adminDir, 'admin.token') : undefined;
  const adminPat = `sandbox_pat_${randomBytes(24).toString('base64url')}`;
  if (adminTokenFile) writeFileSync(adminTokenFile, `${adminPat}\n`, { mode: 0o600 });
  const gateAdmin: TestBedOptions['admin'] = adminTokenFile
    ? { ...(options.admin ?? {}), admins: [...(options.admin?.admins ?? []), { name: SANDBOX_ADMIN, defaultRole: 'SECURITYADMIN', pats: [adminPat] }] }
    : options.admin;
  const auditCommand = adminTokenFile ? [`wif-check audit --user ${SANDBOX_ADMIN} --token-file ${shellQuote(adminTokenFile)}   # the Snowflake side, read-only: the policy and its fix`] : [];
  const removeAdmins = () => {
    admin?.remove();
    if (adminDir) rmSync(adminDir, { recursive: true, force: true });
  };
  // The stories' users (SANDBOX_USERS) for aws and oidc; azure keeps the test bed's own users.
  const storyUsers = !options.users && provider !== 'azure';
  let bed: TestBed;
  try {
    bed = await startTestBed({
      ...(gated ? { gates: gated.gates } : {}),
      region: options.region ?? SANDBOX_REGIONS[name] ?? DEFAULT_TEST_BED_REGION,
      ...(options.users ? { users: options.users } : storyUsers ? { users: oidc ? [...SANDBOX_USERS, ...DEFAULT_OIDC_TEST_BED_USERS, SANDBOX_OIDC_TRAP_USER] : [...SANDBOX_USERS] } : {}),
      ...(gateAdmin ? { admin: gateAdmin } : admin ? { admin: admin.simulator } : {}),
      ...(oidc ? { oidc: true } : {}),
      ...(provider === 'azure' ? { azure: azureSandboxState(azureTrap) } : {}),
    });
    if (storyUsers) {
      // The JWT method's users carry their account's ISSUER (the STS simulator's, as `enable-outbound-web-identity-federation` would print it).
      for (const user of SANDBOX_USERS) {
        if (SANDBOX_ISSUER_USERS.includes(user.name) && user.workloadIdentityArn) bed.snowflake.setUserArn(user.name, user.workloadIdentityArn, bed.sts.webIdentity.issuerFor(TEST_ACCOUNT));
      }
    }
    admin?.write(bed);
  } catch (err) {
    removeAdmins();
    throw err;
  }
  const started = bed;
  const close = async () => {
    try {
      await started.close();
    } finally {
      removeAdmins();
    }
  };
  const identity = TEST_IDENTITIES[name];
  const users = bed.snowflake.listUsers().map((user) => ({
    name: user.name,
    arn: user.workloadIdentityArn ?? null,
    ...(user.workloadIdentityIssuer ? { issuer: user.workloadIdentityIssuer } : {}),
    ...(user.workloadIdentity ? { oidc: { issuer: user.workloadIdentity.issuer, subject: user.workloadIdentity.subject } } : {}),
    ...(user.azureIdentity ? { azure: { issuer: user.azureIdentity.issuer, subject: user.azureIdentity.subject } } : {}),
    ...(user.gcpIdentity ? { gcp: { subject: user.gcpIdentity.subject } } : {}),
  }));
  const firstUser = users[0]?.name ?? 'LAMBDA_LOADER';
  const stories = options.users || gate ? [] : SANDBOX_STORIES;
  const adminInfo = admin ? { admin: admin.info } : {};
  const env = { ...sandboxEnv(bed, name), ...(admin ? { SNOWFLAKE_HOME: admin.info.snowflakeHome } : {}) };
  if (oidc && bed.oidc) {
    const job = bed.oidc.githubEnv();
    return {
      provider: 'oidc',
      identity: { name, arn: identity.arn },
      stsUrl: bed.sts.url,
      snowflakeUrl: bed.snowflake.url,
      account: bed.env.SNOWFLAKE_ACCOUNT,
      users,
      env: {
        ...env,
        SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'oidc',
        // What a GitHub Actions job with `permissions: id-token: write` has (octo-org/app, environment prod).
        ...(job.ACTIONS_ID_TOKEN_REQUEST_URL ? { ACTIONS_ID_TOKEN_REQUEST_URL: job.ACTIONS_ID_TOKEN_REQUEST_URL } : {}),
        ...(job.ACTIONS_ID_TOKEN_REQUEST_TOKEN ? { ACTIONS_ID_TOKEN_REQUEST_TOKEN: job.ACTIONS_ID_TOKEN_REQUEST_TOKEN } : {}),
      },
      unset: ['AWS_PROFILE', 'SNOWFLAKE_TOKEN_FILE_PATH'],
      commands: gate
        ? ['wif-check whoami', `wif-check connect --expect-user GHA_DEPLOY   # refused at the gate: ${gate.expect}, with the fix`, 'wif-check doctor --expect-user GHA_DEPLOY', ...auditCommand]
        : [
            'wif-check whoami',
            'wif-check doctor --expect-user GHA_DEPLOY',
            'wif-check connect --expect-user GHA_BRANCH   # the trap: registered for the branch, but the job uses an environment',
            'wif-check gen-sql --user GHA_BRANCH --alter   # the fix',
            ...(admin ? [`wif-check audit -c ${SANDBOX_ADMIN_CONNECTION}   # the administrator's read-only view`] : []),
          ],
      stories: [],
      ...adminInfo,
      ...(gate ? { gate } : {}),
      bed,
      close,
    };
  }
  if (bed.azure) {
    return {
      provider: 'azure',
      identity: { name, arn: identity.arn },
      stsUrl: bed.sts.url,
      snowflakeUrl: bed.snowflake.url,
      account: bed.env.SNOWFLAKE_ACCOUNT,
      users,
      // A VM: the instance metadata service on loopback (the SDK's own AZURE_POD_IDENTITY_AUTHORITY_HOST).
      env: { ...sandboxEnv(bed, name), SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'azure', ...bed.azure.imdsEnv() },
      unset: ['AWS_PROFILE', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_AUTHORITY_HOST', 'MSI_ENDPOINT'],
      commands: gate ? ['wif-check whoami', `wif-check connect --expect-user AZ_LOADER --azure-client-id ${bed.azure.state.identities.find((entry) => entry.name === 'snowflake-loader')?.clientId ?? ''}   # refused at the gate: ${gate.expect}`] : azureSandboxCommands(azureTrap),
      stories: [],
      ...(gate ? { gate } : {}),
      bed,
      close,
    };
  }
  return {
    provider: 'aws',
    identity: { name, arn: identity.arn },
    stsUrl: bed.sts.url,
    snowflakeUrl: bed.snowflake.url,
    account: bed.env.SNOWFLAKE_ACCOUNT,
    users,
    env,
    // A session token left in the shell would be sent with the test keys; a profile would be named
    // as the credential source although the keys come from the environment.
    unset: [...(identity.sessionToken ? [] : ['AWS_SESSION_TOKEN']), 'AWS_PROFILE'],
    commands: gate
      ? ['wif-check whoami', `wif-check connect --expect-user ${firstUser}   # refused at the gate: ${gate.expect}, with the fix`, `wif-check doctor --expect-user ${firstUser}`, ...auditCommand]
      : options.users
        ? ['wif-check whoami', `wif-check gen-sql --user ${firstUser}`, `wif-check doctor --expect-user ${firstUser}`]
        : sandboxCommands(name, admin !== undefined),
    stories,
    ...adminInfo,
    ...(gate ? { gate } : {}),
    bed,
    close,
  };
}

/**
 * What a shell needs to use the test bed: the identity's keys for the SDKs' environment provider,
 * the STS endpoint override, the region under both names (the Node driver reads AWS_REGION, the
 * Python connector AWS_REGION or AWS_DEFAULT_REGION and, for role chaining, AWS_DEFAULT_REGION:
 * ../shared/FACTS.md "Other drivers"), the Snowflake settings, the Node driver's host allow-list
 * extension for 127.0.0.1, and no cloud metadata probes (IMDS, the drivers' platform detection).
 */
export function sandboxEnv(bed: Pick<TestBed, 'env'>, identity: TestIdentityName): Record<string, string> {
  const credentials = credentialsEnv(TEST_IDENTITIES[identity]);
  return {
    AWS_ACCESS_KEY_ID: credentials.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: credentials.AWS_SECRET_ACCESS_KEY,
    ...(credentials.AWS_SESSION_TOKEN ? { AWS_SESSION_TOKEN: credentials.AWS_SESSION_TOKEN } : {}),
    AWS_REGION: bed.env.AWS_REGION,
    AWS_DEFAULT_REGION: bed.env.AWS_REGION,
    AWS_ENDPOINT_URL_STS: bed.env.AWS_ENDPOINT_URL_STS,
    AWS_EC2_METADATA_DISABLED: 'true',
    SNOWFLAKE_ACCOUNT: bed.env.SNOWFLAKE_ACCOUNT,
    SNOWFLAKE_HOST: bed.env.SNOWFLAKE_HOST,
    SNOWFLAKE_PORT: bed.env.SNOWFLAKE_PORT,
    SNOWFLAKE_PROTOCOL: bed.env.SNOWFLAKE_PROTOCOL,
    SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES: bed.env.SNOWFLAKE_WIF_ALLOWED_HOST_SUFFIXES,
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
  };
}

/** A POSIX shell word: single-quoted, with `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.:/@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The text output is itself a shell script: `export` lines, and everything else as `#` comments,
 * so that it can be pasted or saved and sourced whole.
 */
export function renderSandbox(
  sandbox: Pick<Sandbox, 'provider' | 'identity' | 'stsUrl' | 'snowflakeUrl' | 'account' | 'users' | 'env' | 'unset' | 'commands' | 'gate'> & Partial<Pick<Sandbox, 'stories' | 'admin'>>,
  color: { dim(text: string): string; bold(text: string): string },
): string {
  const comment = (text = '') => color.dim(`#${text ? ` ${text}` : ''}`);
  const stories = sandbox.stories ?? [];
  return [
    comment(color.bold('wif-check sandbox: a local STS and Snowflake on 127.0.0.1 (nothing leaves this machine; the keys are fake test keys)')),
    comment(`STS        ${sandbox.stsUrl}    identity ${sandbox.identity.name}: ${sandbox.identity.arn}`),
    ...(sandbox.provider === 'oidc' ? [comment('GitHub     a job of octo-org/app in environment prod, with permissions: id-token: write (its token service is exported below)')] : []),
    ...(sandbox.provider === 'gcp' ? [comment(`GCP        a GCE metadata server (GCE_METADATA_HOST) whose service account is ${GCP_RUNTIME_SA}; the IAM API for impersonation behind HTTPS_PROXY`)] : []),
    comment(`Snowflake  ${sandbox.snowflakeUrl}    account ${sandbox.account}`),
    ...(sandbox.provider === 'azure' ? [comment('Azure      a VM\'s instance metadata service: its system-assigned identity etl-vm and user-assigned snowflake-loader, reporting, audit-writer')] : []),
    ...sandbox.users.map((user) =>
      comment(
        `           user ${user.name} ← ${user.oidc ? `OIDC ${user.oidc.subject} (${user.oidc.issuer})` : user.azure ? `AZURE ${user.azure.subject} (${user.azure.issuer})` : user.gcp ? `GCP ${user.gcp.subject}` : `${user.arn ?? '(no workload identity)'}${user.issuer ? ` + ISSUER ${user.issuer}` : ''}`}`,
      ),
    ),
    ...(sandbox.admin ? [comment(`Admin      ${sandbox.admin.user}: connection ${sandbox.admin.connection} in $SNOWFLAKE_HOME=${sandbox.admin.snowflakeHome} (its PAT file is removed on exit)`)] : []),
    ...(sandbox.gate ? [comment(sandbox.gate.says)] : []),
    comment(),
    comment('Paste these into another shell:'),
    ...Object.entries(sandbox.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    ...(sandbox.unset.length ? [`unset ${sandbox.unset.join(' ')}`] : []),
    comment(),
    comment(stories.length > 0 ? `Then try (as ${sandbox.identity.name}):` : 'Then try:'),
    ...sandbox.commands.map((command) => comment(`  ${command}`)),
    ...(stories.length > 0
      ? [
          comment(),
          comment('Every story (for another identity, start the sandbox with --identity NAME):'),
          ...stories.map((story) => comment(`  ${story.name.padEnd(11)}${(story.identities.join(', ') || 'any identity').padEnd(16)}${story.says}`)),
        ]
      : []),
  ].join('\n');
}

/** --json: one object; `env` is what the export lines set. */
export function sandboxDocument(sandbox: Sandbox): Omit<Sandbox, 'bed' | 'close'> & { ok: true } {
  const { bed: _bed, close: _close, ...document } = sandbox;
  return { ok: true, ...document };
}

/** Resolves on the first SIGINT or SIGTERM (the handlers are removed then: a second one kills as usual). */
export function untilSignal(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Promise<NodeJS.Signals> {
  return new Promise((resolvePromise) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const name of signals) process.off(name, onSignal);
      resolvePromise(signal);
    };
    for (const name of signals) process.on(name, onSignal);
  });
}

/** The sandbox's GCP users: the instance's account (works), a delegate registered by its e-mail (the trap), and the loader with no identity yet (the chain's last). */
export const SANDBOX_GCP_USERS: readonly SimUser[] = Object.freeze([
  { name: 'GCP_RUNTIME', gcpIdentity: { type: 'GCP', subject: DEFAULT_GCP_ACCOUNTS.find((a) => a.email === GCP_RUNTIME_SA)?.uniqueId ?? '' }, defaultRole: 'LOADER', type: 'SERVICE' },
  { name: 'GCP_DELEGATE', gcpIdentity: { type: 'GCP', subject: GCP_DELEGATE_SA }, defaultRole: 'LOADER', type: 'SERVICE' },
  { name: 'GCP_LOADER', defaultRole: 'LOADER', type: 'SERVICE' },
] satisfies SimUser[]);

/**
 * `wif-check sandbox --provider gcp`: a GCE metadata server, Google's issuer, the IAM API (at its
 * public name behind HTTPS_PROXY, with the sandbox's CA in NODE_EXTRA_CA_CERTS) and Snowflake with
 * GCP users, including the traps: an e-mail registered as SUBJECT, and an impersonation chain whose
 * last account is registered nowhere.
 */
async function startGcpSandbox(name: TestIdentityName, options: SandboxOptions): Promise<Sandbox> {
  if (options.gate !== undefined) throw usageError('--gate is for the aws and oidc sandboxes', 'CONFLICTING_OPTIONS');
  const bed = await startTestBed({ region: options.region ?? DEFAULT_TEST_BED_REGION, users: options.users ?? [...SANDBOX_USERS, ...SANDBOX_GCP_USERS], ...(options.admin ? { admin: options.admin } : {}), gcp: true });
  const identity = TEST_IDENTITIES[name];
  const users = bed.snowflake.listUsers().map((user) => ({ name: user.name, arn: user.workloadIdentityArn ?? null, ...(user.gcpIdentity ? { gcp: { subject: user.gcpIdentity.subject } } : {}) }));
  const chain = `${GCP_DELEGATE_SA},${GCP_LOADER_SA}`;
  return {
    provider: 'gcp',
    stories: [],
    identity: { name, arn: identity.arn },
    stsUrl: bed.sts.url,
    snowflakeUrl: bed.snowflake.url,
    account: bed.env.SNOWFLAKE_ACCOUNT,
    users,
    env: {
      ...sandboxEnv(bed, name),
      SNOWFLAKE_WORKLOAD_IDENTITY_PROVIDER: 'gcp',
      GCE_METADATA_HOST: bed.env.GCE_METADATA_HOST,
      GOOGLE_CLOUD_PROJECT: bed.env.GOOGLE_CLOUD_PROJECT,
      ...(bed.gcp.proxyEnv ?? {}),
    },
    unset: ['AWS_PROFILE', 'GOOGLE_APPLICATION_CREDENTIALS', 'GCE_METADATA_IP', 'METADATA_SERVER_DETECTION'],
    commands: [
      'wif-check whoami',
      'wif-check connect --expect-user GCP_RUNTIME',
      `wif-check connect --impersonation-path ${GCP_DELEGATE_SA} --expect-user GCP_DELEGATE   # the trap: GCP_DELEGATE has the e-mail as SUBJECT`,
      `wif-check connect --impersonation-path ${chain} --expect-user GCP_LOADER   # the trap: the chain's last account is the one to register`,
      `wif-check gen-sql --impersonation-path ${chain} --user GCP_LOADER --alter   # the fix`,
    ],
    bed,
    close: () => bed.close(),
  };
}
