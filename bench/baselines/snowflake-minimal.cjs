// snowflake-minimal.mjs as CommonJS: the same login + SELECT without the ES-module loader in front
// of snowflake-sdk (which is how dist/cli.bundle.cjs loads it). An extra, stricter baseline.
const snowflake = require('snowflake-sdk');

(async () => {
  snowflake.configure({ logLevel: 'OFF' });
  const connection = snowflake.createConnection({
    account: process.env.SNOWFLAKE_ACCOUNT,
    host: process.env.SNOWFLAKE_HOST,
    port: Number(process.env.SNOWFLAKE_PORT),
    protocol: process.env.SNOWFLAKE_PROTOCOL ?? 'http',
    authenticator: 'WORKLOAD_IDENTITY',
    workloadIdentityProvider: 'AWS',
  });
  await new Promise((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  const rows = await new Promise((resolve, reject) =>
    connection.execute({ sqlText: 'SELECT CURRENT_USER()', complete: (error, _statement, result) => (error ? reject(error) : resolve(result)) }),
  );
  await new Promise((resolve) => connection.destroy(() => resolve()));
  console.log(Object.values(rows[0])[0]);
})();
