/**
 * process.env is one per process, and the Snowflake driver reads AWS_REGION and AWS_PROFILE from
 * it during a login: wif-check sets what the driver must see for the login and puts the previous
 * values back afterwards (a library must leave its host's environment as it found it).
 *
 * Concurrent library calls must not see each other's values (issue 9, defect 3): every section
 * that reads the environment through an SDK (the AWS credential chain, the driver's login) runs in
 * one queue, and `hostEnv()` is the environment as the host set it, without wif-check's temporary
 * values, for everything wif-check resolves itself.
 */

/** The host's values of the variables wif-check has set for now (undefined: it was unset). */
const overridden = new Map<string, string | undefined>();

/**
 * Set (or, for `undefined`, remove) variables in process.env and return what puts the previous
 * values back.
 */
export function setProcessEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const previous = Object.entries(vars).map(([name, value]) => {
    const before = process.env[name];
    const recorded = !overridden.has(name);
    if (recorded) overridden.set(name, before);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    return [name, before, recorded] as const;
  });
  return () => {
    for (const [name, before, recorded] of previous.reverse()) {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
      if (recorded) overridden.delete(name);
    }
  };
}

/** The environment as the host process set it: process.env without wif-check's temporary values. */
export function hostEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, before] of overridden) {
    if (before === undefined) delete env[name];
    else env[name] = before;
  }
  return env;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Run `work` with `vars` set in process.env, then restore them; `{}` runs it with the host's own
 * environment. Calls are serialised: two logins that need different AWS_REGION values, or an
 * AWS credential chain reading AWS_PROFILE while a login has set another, would otherwise see
 * each other's values.
 */
export function withProcessEnv<T>(vars: Readonly<Record<string, string | undefined>>, work: () => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const restore = setProcessEnv(vars);
    try {
      return await work();
    } finally {
      restore();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** HTTPS_PROXY (or https_proxy) as the host set it, when set: a network policy may see the proxy's address. */
export function httpsProxy(): string | undefined {
  const env = hostEnv();
  const value = env['HTTPS_PROXY'] ?? env['https_proxy'];
  return value?.trim() ? value.trim() : undefined;
}
