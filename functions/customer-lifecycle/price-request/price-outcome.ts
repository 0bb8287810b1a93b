/**
 * What an answer — or its absence — makes of a price request. Pure: the
 * RecordPriceDecision and RecordCounterAnswer steps write what this returns
 * in one transaction (price-repository.ts `settle`).
 *
 * | answer to the decision | status    | outcome  | agreed price                    |
 * |------------------------|-----------|----------|---------------------------------|
 * | approve                | APPROVED  | approved | the approved (or proposed) price |
 * | counter                | COUNTERED | –        | – (the field manager asks)      |
 * | reject                 | REJECTED  | rejected | –                               |
 * | none (expired)         | EXPIRED   | expired  | –                               |
 *
 * | answer to the counter | status           | outcome         | agreed price      |
 * |-----------------------|------------------|-----------------|-------------------|
 * | accept                | APPROVED         | counterAccepted | the counter price |
 * | decline               | COUNTER_DECLINED | counterDeclined | –                 |
 * | none (lapsed)         | COUNTER_LAPSED   | counterLapsed   | –                 |
 */
import type { StoredAnswer } from '../../repository/customer-task-repository';
import type { CustomerPrice, PriceRequestRecord, PriceRequestStatus, Settlement } from '../../repository/price-repository';
import { priceValidity } from './price-validity';

export interface PriceSettlement {
  readonly from: PriceRequestStatus;
  readonly to: PriceRequestStatus;
  readonly set: Settlement;
  /** The customer's new special price, when the outcome agrees one. */
  readonly price?: CustomerPrice;
  /** The audit event's step and detail. */
  readonly step: string;
  readonly detail: Record<string, unknown>;
}

type Answer = StoredAnswer | undefined;
const field = <T>(answer: StoredAnswer, name: string): T | undefined => answer.answer[name] as T | undefined;

function agreed(request: PriceRequestRecord, price: number, agreedAt: string, validityDays: number, validUntil: string | undefined, people: Pick<CustomerPrice, 'approvedBy' | 'acceptedBy'>) {
  const validity = priceValidity(agreedAt, validityDays, validUntil);
  const record: CustomerPrice = {
    customerId: request.customerId,
    sku: request.sku,
    productName: request.productName,
    unit: request.unit,
    price,
    listPrice: request.listPrice,
    ...validity,
    priceRequestId: request.priceRequestId,
    ...people,
    agreedAt,
  };
  return { set: { agreedPrice: price, ...validity }, price: record };
}

/** The inside manager's (or, after the hand-over, the field manager's) answer; `undefined` when nobody answered in time. */
export function settlePriceDecision(request: PriceRequestRecord, answer: Answer, validityDays: number): PriceSettlement {
  const from = 'PENDING';
  if (!answer) return { from, to: 'EXPIRED', set: { outcome: 'expired' }, step: 'PriceRequestExpired', detail: { outcome: 'expired' } };
  const by = { decidedBy: answer.decidedBy };
  switch (answer.answer.outcome) {
    case 'approve': {
      const price = field<number>(answer, 'price') ?? request.proposedPrice;
      const { set, price: record } = agreed(request, price, answer.decidedAt, validityDays, field<string>(answer, 'validUntil'), { approvedBy: answer.decidedBy });
      return { from, to: 'APPROVED', set: { outcome: 'approved', ...set }, price: record, step: 'PriceApproved', detail: { ...by, price, validFrom: set.validFrom, validUntil: set.validUntil } };
    }
    case 'counter': {
      const counterPrice = field<number>(answer, 'price');
      if (counterPrice === undefined) throw new Error(`the counter-offer to price request ${request.priceRequestId} has no price`);
      return { from, to: 'COUNTERED', set: { counterPrice }, step: 'PriceCountered', detail: { ...by, counterPrice, proposedPrice: request.proposedPrice } };
    }
    case 'reject': {
      const reason = field<string>(answer, 'reason');
      return { from, to: 'REJECTED', set: { outcome: 'rejected', reason }, step: 'PriceRejected', detail: { ...by, ...(reason ? { reason } : {}) } };
    }
    default:
      throw new Error(`unknown answer ${answer.answer.outcome} to price request ${request.priceRequestId}`);
  }
}

/** The customer's answer to a counter-offer, as the field manager brought it; `undefined` when it lapsed. */
export function settleCounterAnswer(request: PriceRequestRecord, answer: Answer, validityDays: number): PriceSettlement {
  const from = 'COUNTERED';
  if (!answer) return { from, to: 'COUNTER_LAPSED', set: { outcome: 'counterLapsed' }, step: 'CounterOfferLapsed', detail: { outcome: 'counterLapsed' } };
  switch (answer.answer.outcome) {
    case 'accept': {
      const price = request.counterPrice;
      if (price === undefined) throw new Error(`price request ${request.priceRequestId} has no counter-offer to accept`);
      const counteredBy = request.decision?.decidedBy ?? answer.decidedBy;
      const { set, price: record } = agreed(request, price, answer.decidedAt, validityDays, undefined, { approvedBy: counteredBy, acceptedBy: answer.decidedBy });
      return {
        from,
        to: 'APPROVED',
        set: { outcome: 'counterAccepted', ...set },
        price: record,
        step: 'CounterOfferAccepted',
        detail: { decidedBy: answer.decidedBy, price, validFrom: set.validFrom, validUntil: set.validUntil },
      };
    }
    case 'decline': {
      const reason = field<string>(answer, 'reason');
      return { from, to: 'COUNTER_DECLINED', set: { outcome: 'counterDeclined', reason }, step: 'CounterOfferDeclined', detail: { decidedBy: answer.decidedBy, ...(reason ? { reason } : {}) } };
    }
    default:
      throw new Error(`unknown answer ${answer.answer.outcome} to the counter-offer of price request ${request.priceRequestId}`);
  }
}
