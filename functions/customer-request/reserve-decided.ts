/**
 * Workflow step ReserveDecidedStock: a person sourced the missing lines at a
 * named store, or offered an alternative product. The goods are held there
 * (the request's `decided` hold) in the same atomic way as the first
 * reservation; the alternative goes to the nearest candidate store that has it.
 */
import { DynamoCatalogueRepository } from '../repository/catalogue-repository';
import { batchGetAll } from '../repository/document-client';
import { fromItem, key } from '../repository/table-layout';
import { DynamoStoreDirectory } from '../repository/store-directory';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { DynamoRequestRepository } from '../repository/request-repository';
import type { StockLevel } from '../domain/model';
import { stepHandler } from '../shared/step-handler';
import type { Decision } from './domain/decision';
import { freeStock } from './domain/stock-selection';
import { reserveStock } from './reserve-stock';
import type { ReserveResult, WantedLine } from './workflow/state';
import { numberEnv, tableContext } from './workflow/step-context';

export interface ReserveDecidedInput {
  readonly requestId: string;
  readonly decision: Decision;
  readonly missing: readonly WantedLine[];
  readonly homeStoreId: string;
  readonly neededBy: string;
}

export async function reserveDecided(input: ReserveDecidedInput, now = new Date()): Promise<ReserveResult> {
  const { decision } = input;
  if (decision.outcome === 'sourced') {
    return reserveStock({ requestId: input.requestId, storeId: decision.storeId, lines: input.missing, neededBy: input.neededBy, status: 'SOURCED', hold: 'decided' }, now);
  }
  if (decision.outcome !== 'alternative') return { outcome: 'insufficient' };
  const ctx = tableContext();
  const product = await new DynamoCatalogueRepository(ctx).getProduct(decision.sku);
  const stores = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
  const candidates = [input.homeStoreId, ...(await stores.nearestStores(input.homeStoreId, Math.floor(numberEnv('CANDIDATE_STORES', 6)) - 1)).map((s) => s.storeId)];
  const levels = (await batchGetAll(ctx, candidates.map((storeId) => key.stock(storeId, decision.sku)))).map((item) => fromItem<StockLevel>(item));
  const storeId = candidates.find((id) => freeStock(levels.find((l) => l.storeId === id)) >= decision.quantity);
  if (!product || !storeId) {
    await new DynamoRequestRepository(ctx).appendAuditEvent({
      requestId: input.requestId,
      at: now.toISOString(),
      step: 'ReserveStock',
      detail: { outcome: 'insufficient', alternative: { sku: decision.sku, quantity: decision.quantity }, candidates },
    });
    return { outcome: 'insufficient' };
  }
  return reserveStock(
    { requestId: input.requestId, storeId, lines: [{ sku: decision.sku, quantity: decision.quantity }], neededBy: input.neededBy, status: 'SOURCED', hold: 'decided' },
    now,
  );
}

export const handler = stepHandler('ReserveDecidedStock', (input: ReserveDecidedInput) => reserveDecided(input));
