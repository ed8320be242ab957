/**
 * Set (or, for `undefined`, remove) variables in process.env, where the Snowflake driver reads
 * them, and return what puts the previous values back: a library must leave its host's
 * environment as it found it.
 */
export function setProcessEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const previous = Object.entries(vars).map(([name, value]) => {
    const before = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    return [name, before] as const;
  });
  return () => {
    for (const [name, before] of previous) {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Run `work` with `vars` set in process.env, then restore them. Calls are serialised: process.env
 * is one per process, so two concurrent logins that need different AWS_REGION values (or the
 * first one restoring while the second still reads) would otherwise see each other's values.
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
