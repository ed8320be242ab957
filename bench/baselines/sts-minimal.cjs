// sts-minimal.mjs as CommonJS: the same work without the ES-module loader in front of the SDK's
// CommonJS build (which is how dist/cli.bundle.cjs loads it). An extra, stricter baseline.
const { GetCallerIdentityCommand, STSClient } = require('@aws-sdk/client-sts');

(async () => {
  const client = new STSClient({});
  const identity = await client.send(new GetCallerIdentityCommand({}));
  client.destroy();
  console.log(identity.Arn);
})();
