import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StockLevel } from '../domain/model';
import type { StockRepository } from '../domain/ports';
import { batchGetAll, queryAll, type TableContext } from './document-client';
import { fromItem, key, toUtc } from './table-layout';

export type CountOutcome = { readonly outcome: 'applied'; readonly level: StockLevel } | { readonly outcome: 'stale' };

export class DynamoStockRepository implements StockRepository {
  constructor(private readonly ctx: TableContext) {}

  async stockAcross(sku: string, storeIds: readonly string[]): Promise<StockLevel[]> {
    const unique = [...new Set(storeIds)];
    const items = await batchGetAll(this.ctx, unique.map((storeId) => key.stock(storeId, sku)));
    const byStore = new Map(items.map((item) => [String(item.storeId), fromItem<StockLevel>(item)]));
    // BatchGet answers in any order; keep the caller's (nearest first).
    return unique.flatMap((storeId) => {
      const level = byStore.get(storeId);
      return level ? [level] : [];
    });
  }

  async stockOfStore(storeId: string): Promise<StockLevel[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :store AND begins_with(sk, :stock)',
      ExpressionAttributeValues: { ':store': key.store(storeId).pk, ':stock': 'STOCK#' },
    });
    return items.map((item) => fromItem<StockLevel>(item));
  }

  /**
   * Records a stock count if it is newer than the stored one: the newest count
   * wins whatever order batches arrive in, and `reserved` is never touched, so
   * reservations made since the count are kept. One conditional update: two
   * feeds racing cannot move stock backwards. The derived `free` (available −
   * reserved) is recomputed in the same update from the item's current
   * `reserved`, so it stays exact even when a reservation lands just before.
   */
  async applyCount(storeId: string, sku: string, available: number, countedAt: string): Promise<CountOutcome> {
    const at = toUtc(countedAt);
    try {
      const out = await this.ctx.doc.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: key.stock(storeId, sku),
          ConditionExpression: 'attribute_not_exists(countedAt) OR countedAt < :at',
          UpdateExpression:
            'SET available = :available, countedAt = :at, reserved = if_not_exists(reserved, :zero), ' +
            '#free = :available - if_not_exists(reserved, :zero), storeId = :store, sku = :sku, entity = :entity',
          ExpressionAttributeNames: { '#free': 'free' },
          ExpressionAttributeValues: {
            ':available': available,
            ':at': at,
            ':zero': 0,
            ':store': storeId,
            ':sku': sku,
            ':entity': 'StockLevel',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'applied', level: fromItem<StockLevel>(out.Attributes ?? {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { outcome: 'stale' };
      throw error;
    }
  }
}
