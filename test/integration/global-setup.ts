// Starts one in-memory DynamoDB Local for the integration project and
// synthesizes the CDK app once; test files create their own tables from it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../local/cloud-assembly';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { TEST_ENV } from '../support/test-env';

export default async function globalSetup(): Promise<void> {
  // The project runs on Node 20 on purpose (docs/decisions.md); the SDK's notice about Node 22 is known.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const outdir = mkdtempSync(join(tmpdir(), 'tandem-cdk-out-'));
  const template = synthesize(outdir);
  const dynamoDb = await startDynamoDbLocal({ mode: 'memory' });
  process.env[TEST_ENV.dynamoDbEndpoint] = dynamoDb.endpoint;
  process.env[TEST_ENV.cdkOut] = outdir;
  process.env[TEST_ENV.stackName] = template.stackName;
  (globalThis as Record<string, unknown>).__tandemDynamoDb = dynamoDb;
}
