import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../domain/model';
import type { NearbyStore, StoreDirectory, TerritoryDirectory } from '../domain/ports';
import { queryAll, type TableContext } from './document-client';
import { fromItem, INDEX, key, STORES_PARTITION } from './table-layout';

export class DynamoStoreDirectory implements StoreDirectory {
  constructor(
    private readonly ctx: TableContext,
    private readonly territories: TerritoryDirectory,
  ) {}

  async getStore(storeId: string): Promise<Store | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.store(storeId) }));
    return out.Item ? fromItem<Store>(out.Item) : undefined;
  }

  async listStores(): Promise<Store[]> {
    const items = await queryAll(this.ctx, {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :stores',
      ExpressionAttributeValues: { ':stores': STORES_PARTITION },
    });
    return items.map((item) => fromItem<Store>(item));
  }

  async nearestStores(storeId: string, count: number): Promise<NearbyStore[]> {
    if (count <= 0) return [];
    const items = await queryAll(
      this.ctx,
      {
        KeyConditionExpression: 'pk = :store AND begins_with(sk, :near)',
        ExpressionAttributeValues: { ':store': key.store(storeId).pk, ':near': 'NEAR#' },
        Limit: count,
      },
      count,
    );
    return items.map((item) => ({ storeId: String(item.neighbourId), distanceKm: Number(item.distanceKm) }));
  }

  async nearestStoresToPostcode(postcode: string, count: number): Promise<NearbyStore[]> {
    const territory = await this.territories.territoryForPostcode(postcode);
    if (!territory || count <= 0) return [];
    const home: NearbyStore = { storeId: territory.homeStoreId, distanceKm: 0 };
    return [home, ...(await this.nearestStores(territory.homeStoreId, count - 1))];
  }
}
