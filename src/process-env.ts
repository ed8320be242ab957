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
