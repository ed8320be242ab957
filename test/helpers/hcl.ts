/**
 * A real HCL parser for the tests: HashiCorp's HCL (hclsyntax) compiled to WASM in @cdktf/hcl2json,
 * offline. It returns Terraform's JSON syntax, where a string is a template: a literal `${` or `%{`
 * comes back escaped as `$${` / `%%{`, and an interpolation as a bare `${…}`. `literal` undoes the
 * escapes and fails on a bare one, so a test compares the value HCL gives with what was meant.
 */
import { createRequire } from 'node:module';

// Loaded without its type declarations: they reference lib "dom", which would retype fetch for
// the whole test program (test/simulators).
const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse: (filename: string, contents: string) => Promise<Record<string, unknown>> };

export type HclDocument = Record<string, unknown>;

/** Parse HCL text (throws with the parser's diagnostics when it is not valid HCL). */
export function parseHcl(text: string, filename = 'main.tf'): Promise<HclDocument> {
  return parse(filename, text);
}

/** The string a Terraform JSON value stands for; throws if it holds an interpolation or a directive. */
export function literal(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const three = value.slice(i, i + 3);
    if (three === '$${' || three === '%%{') {
      out += three.slice(1);
      i += 2;
      continue;
    }
    const two = value.slice(i, i + 2);
    if (two === '${' || two === '%{') throw new Error(`an interpolation or directive in ${JSON.stringify(value)}`);
    out += value[i];
  }
  return out;
}

/** The one string attribute `a = "…"` of a parsed `a = <expr>` document, decoded. */
export async function evalHclString(expression: string): Promise<string> {
  const doc = await parseHcl(`a = ${expression}\n`);
  return literal(doc.a);
}

/** Every string in a parsed value decoded with `literal` (arrays and objects walked). */
export function literals(value: unknown): unknown {
  if (typeof value === 'string') return literal(value);
  if (Array.isArray(value)) return value.map(literals);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literals(v)]));
  return value;
}
