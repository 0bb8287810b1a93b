/** A CloudMeter for the stack's tables, reading before and after images of transactional writes straight from DynamoDB Local. */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalTable } from '../../tables';
import { CloudMeter } from './cloud-meter';
import type { MeteredTable } from './dynamodb-capacity';
import type { Item } from './item-size';

export function createCloudMeter(tables: readonly LocalTable[], dynamoDb: DynamoDBClient): CloudMeter {
  return new CloudMeter(tables.map(meteredTable), async (tableName, key) => {
    const { Item: item } = await dynamoDb.send(new GetItemCommand({ TableName: tableName, Key: key as never, ConsistentRead: true }));
    return item as Item | undefined;
  });
}

function meteredTable(table: LocalTable): MeteredTable {
  const { input } = table;
  const keysOf = (schema: readonly { AttributeName?: string }[] | undefined) => (schema ?? []).map((k) => k.AttributeName ?? '');
  return {
    tableName: table.tableName,
    keyAttributes: keysOf(input.KeySchema),
    indexes: [...(input.GlobalSecondaryIndexes ?? []), ...(input.LocalSecondaryIndexes ?? [])].map((index) => ({
      indexName: index.IndexName ?? '',
      keyAttributes: keysOf(index.KeySchema),
      projection: index.Projection?.ProjectionType ?? 'ALL',
      nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [],
    })),
  };
}
