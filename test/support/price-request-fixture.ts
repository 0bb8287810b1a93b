/** A price request as stored, for unit tests of the price rules: the story's tuna, 10–12 kg a week, asked for 39.50. */
import { judgeProposal, suggestPrice } from '../../functions/customer-lifecycle/domain/price-tiers';
import type { PriceRequestRecord } from '../../functions/repository/price-repository';

/** 42.90 EUR/kg list, 10–12 kg a week → T1 at 41.61, floor 36.47. */
export const tuna = { sku: 'FIS-0107', unit: 'kg' as const, listPrice: 42.9 };
export const tunaSuggestion = suggestPrice(tuna, { min: 10, max: 12 }, 'kg');

export const tunaPriceRequest = (changes: Partial<PriceRequestRecord> = {}): PriceRequestRecord => ({
  priceRequestId: 'PR-tuna-1',
  customerId: 'C000001',
  sku: tuna.sku,
  productName: 'Thunfischloin',
  unit: 'kg',
  weeklyVolume: { min: 10, max: 12 },
  proposedPrice: 39.5,
  requestedBy: 'P0001',
  listPrice: tuna.listPrice,
  suggestion: tunaSuggestion,
  judgement: judgeProposal(39.5, tunaSuggestion),
  status: 'PENDING',
  createdAt: '2026-11-27T09:00:00.000Z',
  updatedAt: '2026-11-27T09:00:00.000Z',
  ...changes,
});
