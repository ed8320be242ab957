/**
 * The provider registry (issue 18's seam, made one place for part 3; docs/architecture.md): every
 * provider other than AWS is a folder, src/providers/<name>/, whose index.ts exports one
 * `TokenProvider`. The commands ask this registry for it; adding a provider is a folder, a line in
 * `LOADERS` and its name in SUPPORTED_PROVIDERS (src/providers/index.ts) — no command changes.
 *
 * AWS stays the commands' own path (v1 and v2: the signed GetCallerIdentity and the JWT method),
 * which is why it has no entry here.
 *
 * Loading is lazy: a provider's code (and its SDK) loads only when a command speaks for it, so
 * `whoami` (AWS) and `gen-sql --arn` never pay for Azure's or Google's libraries.
 */
import type { ChalkInstance } from 'chalk';
import type { WhoamiOptions } from '../commands/whoami.js';
import type { GenerateSqlOptions } from '../commands/gen-sql.js';
import type { ConnectOptions } from '../commands/connect.js';
import type { DoctorOptions, DoctorReport } from '../commands/doctor.js';
import type { FoundConnection } from '../snowflake/config-files.js';
import type { SettingsSources } from '../core/snowflake-settings.js';
import type { ProviderName, Registration, Trap } from './types.js';
import { oidcSql } from './oidc/gen-sql.js';
import { azureSql } from './azure/gen-sql.js';
import { gcpSql } from './gcp/gen-sql.js';

export type TokenProviderName = Exclude<ProviderName, 'aws'>;

export type ProviderCommand = 'whoami' | 'gen-sql' | 'connect' | 'doctor';

/** What every provider's whoami report carries (each adds its own facts). */
export interface ProviderWhoamiReport {
  provider: TokenProviderName;
  registration: Registration;
  traps: Trap[];
  warnings: string[];
}

/** What every provider's gen-sql result carries. */
export interface ProviderGeneratedSql {
  provider: TokenProviderName;
  user: string;
  sql: string;
  warnings: string[];
  registration: Registration;
  traps: Trap[];
  /** With format `terraform`: the snowflake_service_user resource (HCL). */
  terraform?: string;
}

/** What every provider's successful connect carries. */
export interface ProviderConnectResult {
  ok: true;
  provider: TokenProviderName;
  user: string;
  role: string | null;
  account: string;
  accountIdentifier: string;
  elapsedMs: number;
  registration: Registration;
  traps: Trap[];
  warnings: string[];
}

export interface ProviderConnectInput {
  options: ConnectOptions;
  named: FoundConnection | undefined;
  settingsSources: SettingsSources;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  deadline: number;
  /** performance.now() when the command started (elapsedMs). */
  started: number;
}

export interface ProviderDoctorInput {
  options: DoctorOptions;
  env: NodeJS.ProcessEnv;
  named: FoundConnection | undefined;
  timeoutMs: number;
  deadline: number;
}

type Color = { green(text: string): string; bold(text: string): string; dim(text: string): string };

/**
 * A provider's gen-sql: its own light module (src/providers/<name>/gen-sql.ts), imported statically
 * so that `gen-sql --provider <name>` offline starts as fast as `gen-sql --arn` (the CLI bundle's
 * start path; it must not import its SDK statically: a live gen-sql imports the token code lazily).
 */
export interface SqlProvider<G extends ProviderGeneratedSql = ProviderGeneratedSql> {
  readonly name: TokenProviderName;
  /** Throw a usage error (exit 2, CONFLICTING_OPTIONS) for gen-sql options that belong to another provider. */
  refuseOptions(given: GenerateSqlOptions): void;
  generateSql(options: GenerateSqlOptions, env: NodeJS.ProcessEnv): Promise<G>;
}

/** A provider's whoami: what the workload presents, and what to register. */
export interface WhoamiProvider<W extends ProviderWhoamiReport = ProviderWhoamiReport> {
  readonly name: TokenProviderName;
  /** Throw a usage error (exit 2, CONFLICTING_OPTIONS) for options that belong to another provider. */
  refuseOptions(command: Exclude<ProviderCommand, 'gen-sql'>, given: object): void;
  whoami(options: WhoamiOptions, env: NodeJS.ProcessEnv): Promise<W>;
  whoamiDocument(report: W): Record<string, unknown>;
  renderWhoami(report: W, c: ChalkInstance): string;
}

/** One provider, as the commands see it. Reports and results are plain data (the library's and --json's). */
export interface TokenProvider<W extends ProviderWhoamiReport = ProviderWhoamiReport, C extends ProviderConnectResult = ProviderConnectResult> extends WhoamiProvider<W> {
  connect(input: ProviderConnectInput): Promise<C>;
  connectDocument(result: C): Record<string, unknown>;
  renderConnect(result: C, color: Color): string;
  doctor(input: ProviderDoctorInput): Promise<DoctorReport>;
}

// Two lines per provider: its gen-sql (static, light) and the rest (lazy: the commands chunk of the
// CLI bundle, scripts/build-cli.mjs; its SDK in a chunk of its own).
const SQL_PROVIDERS: Readonly<Partial<Record<TokenProviderName, SqlProvider>>> = {
  oidc: oidcSql as unknown as SqlProvider,
  azure: azureSql as unknown as SqlProvider,
  gcp: gcpSql as unknown as SqlProvider,
};

/** The provider's gen-sql. resolveProvider has already refused unsupported names. */
export function sqlProvider(name: TokenProviderName): SqlProvider {
  const provider = SQL_PROVIDERS[name];
  if (!provider) throw new Error(`no gen-sql registered for ${name}`);
  return provider;
}

/**
 * The providers whose whoami needs no SDK (it reads a token and decodes it): a module of its own,
 * loaded alone (its own small chunk, scripts/build-cli.mjs), so that `whoami --provider oidc
 * --token-file F` reads neither connect's nor doctor's code (issue 22). A provider not listed here
 * answers whoami from its whole module.
 */
const WHOAMI_LOADERS: Readonly<Partial<Record<TokenProviderName, () => Promise<WhoamiProvider>>>> = {
  oidc: async () => (await import('./oidc/whoami.js')).oidcWhoamiProvider as unknown as WhoamiProvider,
};

const loadedWhoamis = new Map<TokenProviderName, WhoamiProvider>();

/** The provider's whoami: its light module when it has one, else its whole module (loaded on first use). */
export async function whoamiProvider(name: TokenProviderName): Promise<WhoamiProvider> {
  const load = WHOAMI_LOADERS[name];
  if (!load) return loadProvider(name);
  const provider = loadedWhoamis.get(name) ?? (await load());
  loadedWhoamis.set(name, provider);
  return provider;
}

/** The whoami that produced a report, for its document and rendering (see loadedProvider). */
export function loadedWhoami(name: TokenProviderName): WhoamiProvider {
  return loadedWhoamis.get(name) ?? loadedProvider(name);
}

const LOADERS: Readonly<Partial<Record<TokenProviderName, () => Promise<TokenProvider>>>> = {
  oidc: async () => (await import('./oidc/index.js')).provider as unknown as TokenProvider,
  azure: async () => (await import('./azure/index.js')).provider as unknown as TokenProvider,
  gcp: async () => (await import('./gcp/index.js')).provider as unknown as TokenProvider,
};

const loaded = new Map<TokenProviderName, TokenProvider>();

/** The provider's module, loaded on first use. resolveProvider has already refused unsupported names. */
export async function loadProvider(name: TokenProviderName): Promise<TokenProvider> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const load = LOADERS[name];
  if (!load) throw new Error(`no provider module registered for ${name}`);
  const provider = await load();
  loaded.set(name, provider);
  return provider;
}

/**
 * The provider that produced a report, for its document and rendering (synchronous: the report
 * exists, so the command that made it loaded its provider in this process).
 */
export function loadedProvider(name: TokenProviderName): TokenProvider {
  const provider = loaded.get(name);
  if (!provider) throw new Error(`the ${name} provider was not loaded: documents and renderings are for reports this process produced`);
  return provider;
}

/** The names with a module, for tests that every supported provider is registered. */
export const REGISTERED_PROVIDERS = Object.keys(LOADERS) as TokenProviderName[];
