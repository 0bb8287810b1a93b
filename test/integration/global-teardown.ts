import { rmSync } from 'node:fs';
import type { DynamoDbLocal } from '../../local/dynamodb-local';
import { TEST_ENV } from '../support/test-env';

export default async function globalTeardown(): Promise<void> {
  const instances = ((globalThis as Record<string, unknown>).__tandemDynamoDb ?? []) as DynamoDbLocal[];
  await Promise.all(instances.map((dynamoDb) => dynamoDb.stop()));
  // Only a synthesis of its own: the infra project's is removed by the infra teardown.
  const outdir = process.env[TEST_ENV.ownCdkOut];
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}
