/**
 * Gives an integration test file its own copy of the stack's table, created
 * from the synthesized template in the shared DynamoDB Local, under a unique
 * name so test files never see each other's data.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { readStackTemplate } from '../../local/cloud-assembly';
import { createDynamoDbClient } from '../../local/dynamodb-local';
import { ensureTables } from '../../local/tables';
import { tablesFromTemplate } from '../../local/tables';
import { documentClientFor, type TableContext } from '../../functions/repository/document-client';
import { testEnv } from './test-env';

export interface TestTable extends TableContext {
  drop(): Promise<void>;
}

export async function createTestTable(): Promise<TestTable> {
  const template = readStackTemplate(testEnv('cdkOut'), testEnv('stackName'));
  const [table] = tablesFromTemplate({ ...template, stackName: `test-${randomUUID().slice(0, 8)}` });
  if (!table) throw new Error('the synthesized template declares no DynamoDB table');
  const client = createDynamoDbClient(testEnv('dynamoDbEndpoint'));
  await ensureTables(client, [table]);
  const doc = documentClientFor(client);
  return {
    doc,
    tableName: table.tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: table.tableName }));
      client.destroy();
    },
  };
}
