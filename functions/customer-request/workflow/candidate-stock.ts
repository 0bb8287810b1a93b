/**
 * The stores a request may be served from — the customer's home store, the
 * nearest others (CANDIDATE_STORES in all) and a preferred store if it is not
 * among them — with their stock of the wanted SKUs, read in parallel batches.
 */
import type { StockLevel } from '../../domain/model';
import { batchGetAll, type TableContext } from '../../repository/document-client';
import { DynamoStoreDirectory } from '../../repository/store-directory';
import { fromItem, key } from '../../repository/table-layout';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import type { CandidateStore, FreeStock } from '../domain/stock-selection';
import { numberEnv } from './step-context';

/** A preferred store outside the nearest ones has no known distance. */
const UNKNOWN_DISTANCE = -1;

export async function candidateStock(ctx: TableContext, homeStoreId: string, skus: readonly string[], preferredStoreId?: string): Promise<CandidateStore[]> {
  const stores = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
  const nearby = await stores.nearestStores(homeStoreId, Math.floor(numberEnv('CANDIDATE_STORES', 6)) - 1);
  const candidates = [{ storeId: homeStoreId, distanceKm: 0 }, ...nearby];
  if (preferredStoreId && !candidates.some((c) => c.storeId === preferredStoreId)) candidates.push({ storeId: preferredStoreId, distanceKm: UNKNOWN_DISTANCE });
  const keys = candidates.flatMap((c) => skus.map((sku) => key.stock(c.storeId, sku)));
  const levels = (await batchGetAll(ctx, keys)).map((item) => fromItem<StockLevel>(item));
  return candidates.map((c) => ({
    ...c,
    levels: new Map<string, FreeStock>(levels.filter((l) => l.storeId === c.storeId).map((l) => [l.sku, { available: l.available, reserved: l.reserved }])),
  }));
}
