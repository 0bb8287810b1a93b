/**
 * Workflow step CheckStock: free stock of every wanted SKU in the candidate
 * stores (workflow/candidate-stock.ts), and the choice of store
 * (domain/stock-selection.ts).
 */
import { DynamoRequestRepository } from '../repository/request-repository';
import { stepHandler } from '../shared/step-handler';
import { chooseStore } from './domain/stock-selection';
import { candidateStock } from './workflow/candidate-stock';
import type { RouteResult, StockResult } from './workflow/state';
import { tableContext } from './workflow/step-context';

export interface CheckStockInput {
  readonly requestId: string;
  readonly route: Pick<RouteResult, 'homeStoreId' | 'lines' | 'preferredStoreId'>;
  /** 1 on the first check; a reservation that lost a race checks again with the next number. */
  readonly attempt?: number;
}

export async function checkStock({ requestId, route, attempt: attemptNumber }: CheckStockInput, now = new Date()): Promise<StockResult> {
  const input = { requestId, ...route };
  const ctx = tableContext();
  const candidates = await candidateStock(ctx, input.homeStoreId, input.lines.map((l) => l.sku), input.preferredStoreId);
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
      candidates: candidates.map((c) => c.storeId),
      choice: result.kind,
      ...(result.kind === 'none' ? {} : { storeId: result.storeId, lines: result.lines }),
      missing: result.missing,
      attempt,
    },
  });
  return result;
}

export const handler = stepHandler('CheckStock', (input: CheckStockInput) => checkStock(input));
