import type { StockLevel } from '../domain/model';
import type { StockRepository } from '../domain/ports';
import { batchGetAll, queryAll, type TableContext } from './document-client';
import { fromItem, key } from './table-layout';

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
}
