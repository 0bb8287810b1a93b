import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Product } from '../domain/model';
import type { CatalogueRepository } from '../domain/ports';
import { batchGetAll, queryAll, type TableContext } from './document-client';
import { CATALOGUE_PARTITION, fromItem, INDEX, key } from './table-layout';

export class DynamoCatalogueRepository implements CatalogueRepository {
  constructor(private readonly ctx: TableContext) {}

  async getProduct(sku: string): Promise<Product | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.product(sku) }));
    return out.Item ? fromItem<Product>(out.Item) : undefined;
  }

  async getProducts(skus: readonly string[]): Promise<Product[]> {
    const unique = [...new Set(skus)];
    const items = await batchGetAll(this.ctx, unique.map((sku) => key.product(sku)));
    return items.map((item) => fromItem<Product>(item));
  }

  productsInLine(productLine: string): Promise<Product[]> {
    return this.catalogue(`LINE#${productLine}#`);
  }

  /** The whole catalogue, ordered by product line. */
  allProducts(): Promise<Product[]> {
    return this.catalogue('LINE#');
  }

  private async catalogue(prefix: string): Promise<Product[]> {
    const items = await queryAll(this.ctx, {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :catalogue AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':catalogue': CATALOGUE_PARTITION, ':prefix': prefix },
    });
    return items.map((item) => fromItem<Product>(item));
  }
}
