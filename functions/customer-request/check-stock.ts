/**
 * Workflow step CheckStock: free stock of every wanted SKU in the customer's
 * home store and the nearest stores (CANDIDATE_STORES in all), read in
 * parallel batches, and the choice of store (domain/stock-selection.ts).
 */
import { batchGetAll } from '../repository/document-client';
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoStoreDirectory } from '../repository/store-directory';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { fromItem, key } from '../repository/table-layout';
import type { StockLevel } from '../domain/model';
import { stepHandler } from '../shared/step-handler';
import { chooseStore, type CandidateStore, type FreeStock } from './domain/stock-selection';
import type { RouteResult, StockResult } from './workflow/state';
import { numberEnv, tableContext } from './workflow/step-context';

export interface CheckStockInput {
  readonly requestId: string;
  readonly route: Pick<RouteResult, 'homeStoreId' | 'lines' | 'preferredStoreId'>;
  /** 1 on the first check; a reservation that lost a race checks again with the next number. */
  readonly attempt?: number;
}

export async function checkStock({ requestId, route, attempt: attemptNumber }: CheckStockInput, now = new Date()): Promise<StockResult> {
  const input = { requestId, ...route };
  const ctx = tableContext();
  const stores = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
  const count = Math.floor(numberEnv('CANDIDATE_STORES', 6));
  const nearby = await stores.nearestStores(input.homeStoreId, count - 1);
  const candidatesIds = [{ storeId: input.homeStoreId, distanceKm: 0 }, ...nearby];
  if (input.preferredStoreId && !candidatesIds.some((c) => c.storeId === input.preferredStoreId)) {
    candidatesIds.push({ storeId: input.preferredStoreId, distanceKm: Number.NaN });
  }
  const keys = candidatesIds.flatMap((c) => input.lines.map((line) => key.stock(c.storeId, line.sku)));
  const levels = (await batchGetAll(ctx, keys)).map((item) => fromItem<StockLevel>(item));
  const candidates: CandidateStore[] = candidatesIds.map((c) => ({
    storeId: c.storeId,
    distanceKm: Number.isNaN(c.distanceKm) ? -1 : c.distanceKm,
    levels: new Map<string, FreeStock>(levels.filter((l) => l.storeId === c.storeId).map((l) => [l.sku, { available: l.available, reserved: l.reserved }])),
  }));
  const choice = chooseStore(input.lines, candidates, input.preferredStoreId ? { preferredStoreId: input.preferredStoreId } : {});
  const attempt = attemptNumber ?? 1;

  let result: StockResult;
  if (choice.kind === 'full') {
    result = { kind: 'full', storeId: choice.storeId, distanceKm: choice.distanceKm, lines: choice.lines, missing: [], offers: [], attempt };
  } else if (choice.kind === 'partial') {
    const best = choice.fillable.find((f) => f.storeId === choice.best)!;
    result = { kind: 'partial', storeId: best.storeId, distanceKm: best.distanceKm, lines: best.lines, missing: choice.missing, offers: choice.fillable, attempt };
  } else {
    result = { kind: 'none', missing: input.lines.map((l) => ({ ...l })), offers: [], attempt };
  }
  await new DynamoRequestRepository(ctx).appendAuditEvent({
    requestId: input.requestId,
    at: now.toISOString(),
    step: 'CheckStock',
    detail: {
      candidates: candidatesIds.map((c) => c.storeId),
      choice: result.kind,
      ...(result.kind === 'none' ? {} : { storeId: result.storeId, lines: result.lines }),
      missing: result.missing,
      attempt,
    },
  });
  return result;
}

export const handler = stepHandler('CheckStock', (input: CheckStockInput) => checkStock(input));
