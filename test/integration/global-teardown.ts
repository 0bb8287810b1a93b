import { rmSync } from 'node:fs';
import type { DynamoDbLocal } from '../../local/dynamodb-local';
import { TEST_ENV } from '../support/test-env';

export default async function globalTeardown(): Promise<void> {
  const dynamoDb = (globalThis as Record<string, unknown>).__tandemDynamoDb as DynamoDbLocal | undefined;
  await dynamoDb?.stop();
  const outdir = process.env[TEST_ENV.cdkOut];
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}
