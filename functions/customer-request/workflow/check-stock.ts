/**
 * The stock check, part of FulfilRequest: free stock of every wanted SKU in the
 * candidate stores (workflow/candidate-stock.ts), and the choice of store
 * (domain/stock-selection.ts).
 */
import { DynamoRequestRepository } from '../../repository/request-repository';
import { chooseStore } from '../domain/stock-selection';
import { candidateStores, withStockLevels } from './candidate-stock';
import type { RouteResult, StockResult } from './state';
import { tableContext } from './step-context';

export interface CheckStockInput {
  readonly requestId: string;
  readonly route: Pick<RouteResult, 'homeStoreId' | 'lines' | 'preferredStoreId'>;
  /** 1 on the first check; a reservation that lost a race checks again with the next number. */
  readonly attempt?: number;
}

export async function checkStock({ requestId, route, attempt: attemptNumber }: CheckStockInput, now = new Date()): Promise<StockResult> {
  const input = { requestId, ...route };
  const ctx = tableContext();
  const skus = input.lines.map((l) => l.sku);
  const options = input.preferredStoreId ? { preferredStoreId: input.preferredStoreId } : {};
  const stores = await candidateStores(ctx, input.homeStoreId, input.preferredStoreId);
  // The choice takes the first store that fills every line, preferred store and home store first: when one of
  // those can, the others' levels cannot change the choice and are not read (each level read is a read unit).
  const first = stores.filter((s) => s.storeId === input.homeStoreId || s.storeId === input.preferredStoreId);
  const firstLevels = await withStockLevels(ctx, first, skus);
  let choice = chooseStore(input.lines, firstLevels, options);
  let levelsRead = first.map((s) => s.storeId);
  if (choice.kind !== 'full') {
    const rest = await withStockLevels(ctx, stores.filter((s) => !first.includes(s)), skus);
    const all = stores.map((s) => firstLevels.find((l) => l.storeId === s.storeId) ?? rest.find((l) => l.storeId === s.storeId)!);
    choice = chooseStore(input.lines, all, options);
    levelsRead = stores.map((s) => s.storeId);
  }
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
      candidates: stores.map((c) => c.storeId),
      levelsRead,
      choice: result.kind,
      ...(result.kind === 'none' ? {} : { storeId: result.storeId, lines: result.lines }),
      missing: result.missing,
      attempt,
    },
  });
  return result;
}

