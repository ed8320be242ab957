// The floor under whoami's memory and time: sts-minimal's GetCallerIdentity, made through the
// CLI's own bundled AWS chunk with its shipped V8 code cache (dist/chunks/aws.cjs, loaded by
// bin/code-cache.cjs as the CLI loads it), written with one blocking write. No CLI, no argument
// parsing, no region or credential reporting: what whoami cannot go below with the AWS SDK.
'use strict';
const { writeSync } = require('node:fs');
const { join } = require('node:path');
const { loadCached } = require('../../bin/code-cache.cjs');

const { STSClient, GetCallerIdentityCommand } = loadCached(join(__dirname, '..', '..', 'dist', 'chunks', 'aws.cjs')).chunk['@aws-sdk/client-sts'];

(async () => {
  const client = new STSClient({});
  const identity = await client.send(new GetCallerIdentityCommand({}));
  client.destroy();
  writeSync(1, `${identity.Arn}\n`);
})();
