// Baseline for `wif-check connect`: the least a Node program can do to log in to Snowflake with
// workload identity federation (AWS) and run one query with snowflake-sdk. Account, host, port and
// protocol come from the environment the bench sets (the local Snowflake simulator).
import snowflake from 'snowflake-sdk';

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
