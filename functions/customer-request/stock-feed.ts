/**
 * POST /stores/{storeId}/stock: a store system's stock feed. Every SKU must be
 * in the catalogue and the store must exist before anything is written; then
 * each level is applied if it is newer than the stored count (stale ones are
 * counted, not refused, so a retried batch is harmless). Whoever holds the
 * decision of an escalated request waiting for one of the products is told
 * where it has arrived.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError, ValidationError } from '../domain/errors';
import { storeIdSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { DynamoCatalogueRepository } from '../repository/catalogue-repository';
import { createDocumentClient } from '../repository/document-client';
import { DynamoStockRepository } from '../repository/stock-repository';
import { DynamoStoreDirectory } from '../repository/store-directory';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { requiredEnv } from '../shared/environment';
import { httpHandler } from '../shared/http-handler';
import { json, parseJsonBody } from '../shared/http-response';
import { parseStockFeed } from './domain/stock-feed';
import { announceArrivals, type ArrivedLevel } from './workflow/stock-arrival';
import { tandemNotifier } from './workflow/step-context';

const APPLY_CONCURRENCY = 16;
const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };

export interface StockFeedDependencies {
  readonly stores: Pick<DynamoStoreDirectory, 'getStore'>;
  readonly catalogue: Pick<DynamoCatalogueRepository, 'getProducts'>;
  readonly stock: Pick<DynamoStockRepository, 'applyCount'>;
  readonly announce: (storeId: string, countedAt: string, levels: readonly ArrivedLevel[]) => Promise<number>;
  readonly now: () => Date;
}

const production: StockFeedDependencies = {
  stores: new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx)),
  catalogue: new DynamoCatalogueRepository(ctx),
  stock: new DynamoStockRepository(ctx),
  announce: (storeId, countedAt, levels) => announceArrivals(ctx, tandemNotifier(), storeId, countedAt, levels),
  now: () => new Date(),
};

export async function recordStockFeed(event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'body' | 'isBase64Encoded'>, deps = production) {
  const storeId = validate(storeIdSchema, event.pathParameters?.storeId, 'path parameter storeId');
  const feed = parseStockFeed(parseJsonBody(event.body, event.isBase64Encoded), deps.now());
  if (!(await deps.stores.getStore(storeId))) throw new NotFoundError('store', storeId);

  const skus = feed.levels.map((l) => l.sku);
  const known = new Set((await deps.catalogue.getProducts(skus)).map((p) => p.sku));
  const unknown = feed.levels.flatMap((l, i) => (known.has(l.sku) ? [] : [{ field: `levels.${i}.sku`, problem: `${l.sku} is not in the catalogue` }]));
  if (unknown.length > 0) throw new ValidationError('stock feed', unknown);

  // Bounded parallelism: a 500-level feed finishes well within the function timeout without flooding the table.
  const results = [];
  for (let i = 0; i < feed.levels.length; i += APPLY_CONCURRENCY) {
    const batch = feed.levels.slice(i, i + APPLY_CONCURRENCY);
    results.push(
      ...(await Promise.all(
        batch.map(async (level) => ({ sku: level.sku, result: await deps.stock.applyCount(storeId, level.sku, level.available, feed.countedAt) })),
      )),
    );
  }
  const applied = results.filter((r) => r.result.outcome === 'applied');
  const shortfalls = applied.flatMap(({ sku, result }) => {
    const shortfall = result.outcome === 'applied' ? result.level.reserved - result.level.available : 0;
    return shortfall > 0 ? [{ sku, shortfall }] : [];
  });
  const stale = results.length - applied.length;
  const arrived = applied.flatMap(({ sku, result }) => (result.outcome === 'applied' ? [{ sku, free: result.level.available - result.level.reserved }] : []));
  const decisionHoldersTold = await deps.announce(storeId, feed.countedAt, arrived);
  return json(200, { storeId, applied: applied.length, stale, shortfalls, decisionHoldersTold });
}

export const handler = httpHandler((event) => recordStockFeed(event));
