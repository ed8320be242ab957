// An esbuild plugin shared by the three builds that bundle snowflake-sdk (scripts/build-cli.mjs for
// the CLI's driver chunk, scripts/bundle.mjs for Lambda, scripts/build-action.mjs for the Action):
// packages the driver requires when it loads but wif-check's logins never use are required on
// first use instead (docs/performance.md).

/** A CommonJS module whose exports stand for require(id), which runs on the first property access. */
export function lazyProxy(id) {
  return (
    `let real;\nconst load = () => (real ??= require(${JSON.stringify(id)}));\n` +
    'module.exports = new Proxy({}, {\n' +
    '  get: (_, key) => load()[key],\n' +
    '  has: (_, key) => key in load(),\n' +
    '  ownKeys: () => Reflect.ownKeys(load()),\n' +
    '  getOwnPropertyDescriptor: (_, key) => { const d = Reflect.getOwnPropertyDescriptor(load(), key); return d && { ...d, configurable: true }; },\n' +
    '});\n'
  );
}

/**
 * Packages snowflake-sdk requires when it loads but uses only for what connect and doctor never do:
 * its Azure Blob client and MIME table (PUT/GET), the Azure and GCP attestation clients (the
 * AZURE/GCP workload identity types), jsonwebtoken (key-pair logins: audit's, when it uses one) and
 * toml (the driver's own connections.toml reader; wif-check reads that file itself). Each is
 * `const X = require('…')` at the top of a driver file, exports an object, and is used only inside
 * functions, so it is required on first use instead (lazyProxy; the package itself is still
 * bundled, one instance). Not OCSP (@techteamer/ocsp):
 * every HTTPS login to Snowflake uses it, so deferring it would only flatter the bench, which logs
 * in over HTTP. Only require() calls: an ES-module import of one of them is left as it is.
 */
export const LAZY_PACKAGES = ['@azure/storage-blob', '@azure/identity', 'google-auth-library', 'jsonwebtoken', 'mime-types', 'toml'];
export const lazyPackagesPlugin = {
  name: 'wif-check-lazy-packages',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${LAZY_PACKAGES.map((name) => name.replace(/[/.-]/g, '\\$&')).join('|')})$`) }, (args) =>
      args.namespace === 'wif-check-lazy-package' || args.kind !== 'require-call' ? undefined : { path: args.path, namespace: 'wif-check-lazy-package', pluginData: args.resolveDir },
    );
    b.onLoad({ filter: /.*/, namespace: 'wif-check-lazy-package' }, (args) => ({ contents: lazyProxy(args.path), loader: 'js', resolveDir: args.pluginData }));
  },
};
