/**
 * What names a price request outside its own record: the fingerprint that
 * tells a retried POST from a conflicting one, the Step Functions execution
 * name (the same id always gives the same name, so a retry never starts a
 * second workflow), and the ids of its two customer tasks in the customer's
 * partition. Pure.
 */
import { executionName, fingerprintOf } from '../../shared/idempotency';
import type { PriceRequest } from '../domain/price-request';

/** SHA-256 of what the request means (key order and a trimmed note's spaces do not change it). */
export function priceRequestFingerprint(request: PriceRequest): string {
  return fingerprintOf(request);
}

/** `price-<id>` (with a hash where the id needed a character replaced or is too long). */
export function priceExecutionName(priceRequestId: string): string {
  return executionName('price-', priceRequestId);
}

export type PriceTask = 'decision' | 'counter';

/** The customer task of a price request: the inside manager's decision, or the field manager's counter-offer. */
export const priceTaskId = (priceRequestId: string, task: PriceTask): string => `price-${task}-${priceRequestId}`;
