import { DynamoDbCapacityMeter, type MeteredTable } from '../../../local/runtime/metering/dynamodb-capacity';
import type { Item } from '../../../local/runtime/metering/item-size';

const table: MeteredTable = {
  tableName: 'data',
  keyAttributes: ['pk', 'sk'],
  indexes: [
    { indexName: 'gsi1', keyAttributes: ['gsi1pk', 'gsi1sk'], projection: 'ALL', nonKeyAttributes: [] },
    { indexName: 'gsi2', keyAttributes: ['gsi2pk', 'gsi2sk'], projection: 'KEYS_ONLY', nonKeyAttributes: [] },
  ],
};

/** A table of items in memory that the meter reads its before and after images from. */
function store(initial: Item[] = []) {
  const items = new Map(initial.map((i) => [key(i), i]));
  return {
    items,
    read: (_table: string, k: Item) => Promise.resolve(items.get(key(k))),
  };
}
const key = (item: Item) => `${JSON.stringify(item.pk)}|${JSON.stringify(item.sk)}`;
const s = (value: string) => ({ S: value });

describe('DynamoDB capacity as the front meters it', () => {
  test('reported capacity of a read is added up and taken out of the answer when the caller did not ask', async () => {
    const meter = new DynamoDbCapacityMeter([table], store().read);
    const exchange = await meter.exchange('GetItem', { TableName: 'data', Key: { pk: s('a'), sk: s('b') } });
    expect(exchange.input.ReturnConsumedCapacity).toBe('INDEXES');
    const answer = await exchange.finish(200, { Item: {}, ConsumedCapacity: { TableName: 'data', CapacityUnits: 0.5, Table: { CapacityUnits: 0.5 } } });
    expect(answer).toEqual({ Item: {} });
    expect(meter.reading()).toMatchObject({ readUnits: 0.5, tableReadUnits: 0.5, writeUnits: 0, calls: { GetItem: 1 } });
  });

  test('a caller that asked for capacity gets it; index units count apart from the table', async () => {
    const meter = new DynamoDbCapacityMeter([table], store().read);
    const exchange = await meter.exchange('PutItem', { TableName: 'data', Item: {}, ReturnConsumedCapacity: 'TOTAL' });
    const reported = { TableName: 'data', CapacityUnits: 3, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { gsi1: { CapacityUnits: 2 } } };
    expect(await exchange.finish(200, { ConsumedCapacity: reported })).toEqual({ ConsumedCapacity: reported });
    expect(meter.reading()).toMatchObject({ writeUnits: 3, tableWriteUnits: 1, indexWriteUnits: 2 });
  });

  test('a failed call is not counted', async () => {
    const meter = new DynamoDbCapacityMeter([table], store().read);
    const exchange = await meter.exchange('PutItem', { TableName: 'data', Item: {} });
    await exchange.finish(400, { __type: 'ConditionalCheckFailedException' });
    expect(meter.reading()).toMatchObject({ writeUnits: 0, calls: {} });
  });

  test('a transactional write costs 2 units per KB for the table and for each index entry it adds or changes', async () => {
    const existing: Item = { pk: s('req'), sk: s('state'), gsi1pk: s('T1'), gsi1sk: s('x'), status: s('RECEIVED') };
    const db = store([existing]);
    const meter = new DynamoDbCapacityMeter([table], db.read);
    const newItem: Item = { pk: s('hold'), sk: s('1'), gsi2pk: s('store'), gsi2sk: s('sku'), note: s('n'.repeat(1500)) };
    const input = {
      TransactItems: [
        { Put: { TableName: 'data', Item: newItem } },
        { Update: { TableName: 'data', Key: { pk: s('req'), sk: s('state') }, UpdateExpression: 'SET #s = :s' } },
        { ConditionCheck: { TableName: 'data', Key: { pk: s('req'), sk: s('state') }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    };
    const exchange = await meter.exchange('TransactWriteItems', input);
    // What DynamoDB Local would have done: the put and the update.
    db.items.set(key(newItem), newItem);
    db.items.set(key(existing), { ...existing, status: s('RESERVED') });
    const answer = await exchange.finish(200, { ConsumedCapacity: [{ TableName: 'data', CapacityUnits: 4 }] });
    expect(answer).toEqual({});
    // Put: 2 × 2 KB started (table) + 2 × 2 (gsi2, KEYS_ONLY: its keys only, under 1 KB → 2 × 1).
    // Update: 2 × 1 (table) + 2 × 1 (gsi1, ALL: a projected attribute changed). Condition check: 2 × 1 (table).
    expect(meter.reading()).toMatchObject({ tableWriteUnits: 4 + 2 + 2, indexWriteUnits: 2 + 2, writeUnits: 12 });
  });
});
