// Starts one in-memory DynamoDB Local for the integration project and
// synthesizes the CDK app once; test files create their own tables from it.
// When the infra project ran its setup in the same run (`npm test`), its
// synthesis of the same app (dev stage, bundled) is used instead of a second one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { synthesize } from '../../local/cloud-assembly';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { INFRA_ENV } from '../support/infra-template';
import { TEST_ENV } from '../support/test-env';

export default async function globalSetup(): Promise<void> {
  // The project runs on Node 20 on purpose (docs/decisions.md); the SDK's notice about Node 22 is known.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const infraOutdir = process.env[INFRA_ENV.cdkOut];
  const infraTemplate = process.env[INFRA_ENV.templateFile];
  let outdir: string;
  let stackName: string;
  if (infraOutdir && infraTemplate) {
    outdir = infraOutdir; // the infra project's teardown removes it
    stackName = basename(infraTemplate).replace(/\.template\.json$/, '');
  } else {
    outdir = mkdtempSync(join(tmpdir(), 'tandem-cdk-out-'));
    stackName = synthesize(outdir).stackName;
    process.env[TEST_ENV.ownCdkOut] = outdir;
  }
  const dynamoDb = await startDynamoDbLocal({ mode: 'memory' });
  process.env[TEST_ENV.dynamoDbEndpoint] = dynamoDb.endpoint;
  process.env[TEST_ENV.cdkOut] = outdir;
  process.env[TEST_ENV.stackName] = stackName;
  (globalThis as Record<string, unknown>).__tandemDynamoDb = dynamoDb;
}
