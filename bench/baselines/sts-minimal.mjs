// Baseline for `wif-check whoami`: the least a Node program can do to ask STS who it is with the
// AWS SDK v3 (region, endpoint and credentials from the environment, as the bench sets them).
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({});
const identity = await client.send(new GetCallerIdentityCommand({}));
client.destroy();
console.log(identity.Arn);
