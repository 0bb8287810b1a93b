/**
 * Workflow step ReserveDecidedStock: a person sourced the missing lines at a
 * named store, or offered an alternative product. The goods are held there
 * (the request's `decided` hold) in the same atomic way as the first
 * reservation; the alternative goes to the nearest candidate store that has it.
 */
import { DynamoCatalogueRepository } from '../repository/catalogue-repository';
import { DynamoRequestRepository } from '../repository/request-repository';
import { stepHandler } from '../shared/step-handler';
import type { Decision } from './domain/decision';
import { freeStock } from './domain/stock-selection';
import { reserveStock } from './workflow/reserve-stock';
import type { ReserveResult, WantedLine } from './workflow/state';
import { candidateStock } from './workflow/candidate-stock';
import { tableContext } from './workflow/step-context';

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
  const candidates = await candidateStock(ctx, input.homeStoreId, [decision.sku]);
  const storeId = candidates.find((c) => freeStock(c.levels.get(decision.sku)) >= decision.quantity)?.storeId;
  if (!product || !storeId) {
    await new DynamoRequestRepository(ctx).appendAuditEvent({
      requestId: input.requestId,
      at: now.toISOString(),
      step: 'ReserveStock',
      detail: { outcome: 'insufficient', alternative: { sku: decision.sku, quantity: decision.quantity }, candidates: candidates.map((c) => c.storeId) },
    });
    return { outcome: 'insufficient' };
  }
  return reserveStock(
    { requestId: input.requestId, storeId, lines: [{ sku: decision.sku, quantity: decision.quantity }], neededBy: input.neededBy, status: 'SOURCED', hold: 'decided' },
    now,
  );
}

export const handler = stepHandler('ReserveDecidedStock', (input: ReserveDecidedInput) => reserveDecided(input));
