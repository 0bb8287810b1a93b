/**
 * The stores a request may be served from — the customer's home store, the
 * nearest others (CANDIDATE_STORES in all) and a preferred store if it is not
 * among them — with their stock of the wanted SKUs, read in parallel batches.
 * The stock check reads the first choices' levels first (candidateStores,
 * withStockLevels) and the others only when those cannot fill the request.
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
  return withStockLevels(ctx, await candidateStores(ctx, homeStoreId, preferredStoreId), skus);
}

/** The candidate stores in the order the choice considers them: home, then by distance, then a preferred store outside them. */
export async function candidateStores(ctx: TableContext, homeStoreId: string, preferredStoreId?: string): Promise<{ storeId: string; distanceKm: number }[]> {
  const stores = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
  const nearby = await stores.nearestStores(homeStoreId, Math.floor(numberEnv('CANDIDATE_STORES', 6)) - 1);
  const candidates = [{ storeId: homeStoreId, distanceKm: 0 }, ...nearby];
  if (preferredStoreId && !candidates.some((c) => c.storeId === preferredStoreId)) candidates.push({ storeId: preferredStoreId, distanceKm: UNKNOWN_DISTANCE });
  return candidates;
}

/** The stores with their stock of the SKUs, read in parallel batches. */
export async function withStockLevels(ctx: TableContext, stores: readonly { storeId: string; distanceKm: number }[], skus: readonly string[]): Promise<CandidateStore[]> {
  if (stores.length === 0) return [];
  const keys = stores.flatMap((c) => skus.map((sku) => key.stock(c.storeId, sku)));
  const levels = (await batchGetAll(ctx, keys)).map((item) => fromItem<StockLevel>(item));
  return stores.map((c) => ({
    ...c,
    levels: new Map<string, FreeStock>(levels.filter((l) => l.storeId === c.storeId).map((l) => [l.sku, { available: l.available, reserved: l.reserved }])),
  }));
}
