import { settleCounterAnswer, settlePriceDecision } from '../../../functions/customer-lifecycle/price-request/price-outcome';
import { priceExecutionName, priceRequestFingerprint, priceTaskId } from '../../../functions/customer-lifecycle/price-request/price-request-identity';
import { MAX_VALIDITY_DAYS, priceValidity } from '../../../functions/customer-lifecycle/price-request/price-validity';
import type { PriceRequest } from '../../../functions/customer-lifecycle/domain/price-request';
import type { StoredAnswer } from '../../../functions/repository/customer-task-repository';
import { tunaPriceRequest } from '../../support/price-request-fixture';

const request = tunaPriceRequest;
// 23:30 UTC is already the next day in Berlin.
const answer = (fields: Record<string, unknown>, decidedBy = 'P0002', decidedAt = '2026-11-27T23:30:00.000Z'): StoredAnswer => ({
  answer: fields as StoredAnswer['answer'],
  decidedBy,
  decidedAt,
});

describe('how long an agreed price applies', () => {
  test('from the Berlin day it was agreed, for the validity days including that day', () => {
    expect(priceValidity('2026-11-27T09:00:00Z', 365)).toEqual({ validFrom: '2026-11-27', validUntil: '2027-11-26' });
    expect(priceValidity('2026-11-27T23:30:00Z', 1)).toEqual({ validFrom: '2026-11-28', validUntil: '2026-11-28' });
    expect(priceValidity('2027-12-31T12:00:00Z', 60)).toEqual({ validFrom: '2027-12-31', validUntil: '2028-02-28' });
  });

  test('a last day the inside manager named wins; the limit for it is two years', () => {
    expect(priceValidity('2026-11-27T09:00:00Z', 365, '2027-03-31')).toEqual({ validFrom: '2026-11-27', validUntil: '2027-03-31' });
    expect(MAX_VALIDITY_DAYS).toBe(730);
  });
});

describe('what the answer to the decision makes of the request', () => {
  test('approve: APPROVED at the proposed price for a year, recorded as the customer price with who approved it', () => {
    const settled = settlePriceDecision(request(), answer({ outcome: 'approve' }), 365);
    expect(settled).toMatchObject({ from: 'PENDING', to: 'APPROVED', step: 'PriceApproved', set: { outcome: 'approved', agreedPrice: 39.5, validFrom: '2026-11-28', validUntil: '2027-11-27' } });
    expect(settled.price).toEqual({
      customerId: 'C000001', sku: 'FIS-0107', productName: 'Thunfischloin', unit: 'kg', price: 39.5, listPrice: 42.9,
      validFrom: '2026-11-28', validUntil: '2027-11-27', priceRequestId: 'PR-tuna-1', approvedBy: 'P0002', agreedAt: '2026-11-27T23:30:00.000Z',
    });
  });

  test('approve at another price and until a named day', () => {
    const settled = settlePriceDecision(request(), answer({ outcome: 'approve', price: 40.5, validUntil: '2027-06-30' }), 365);
    expect(settled.price).toMatchObject({ price: 40.5, validUntil: '2027-06-30' });
    expect(settled.set).toMatchObject({ agreedPrice: 40.5, validUntil: '2027-06-30' });
  });

  test('counter: COUNTERED with the counter price, no outcome and no customer price yet', () => {
    const settled = settlePriceDecision(request(), answer({ outcome: 'counter', price: 40.9, note: 'ab 15 kg' }), 365);
    expect(settled).toEqual({ from: 'PENDING', to: 'COUNTERED', set: { counterPrice: 40.9 }, step: 'PriceCountered', detail: { decidedBy: 'P0002', counterPrice: 40.9, proposedPrice: 39.5 } });
  });

  test('reject: REJECTED with the reason, no price; no answer at all: EXPIRED', () => {
    const rejected = settlePriceDecision(request(), answer({ outcome: 'reject', reason: 'Marge zu klein' }), 365);
    expect(rejected).toMatchObject({ to: 'REJECTED', set: { outcome: 'rejected', reason: 'Marge zu klein' }, step: 'PriceRejected' });
    expect(rejected.price).toBeUndefined();
    const expired = settlePriceDecision(request(), undefined, 365);
    expect(expired).toMatchObject({ from: 'PENDING', to: 'EXPIRED', set: { outcome: 'expired' }, step: 'PriceRequestExpired' });
    expect(expired.price).toBeUndefined();
  });
});

describe("what the customer's answer to a counter-offer makes of the request", () => {
  const countered = request({
    status: 'COUNTERED',
    counterPrice: 40.9,
    decision: { outcome: 'counter', price: 40.9, decidedBy: 'P0002', decidedAt: '2026-11-27T10:00:00.000Z', phase: 'decisionNeeded' },
  });

  test('accept: APPROVED at the counter price, approved by who countered, accepted by the field manager', () => {
    const settled = settleCounterAnswer(countered, answer({ outcome: 'accept' }, 'P0001', '2026-11-28T08:00:00.000Z'), 365);
    expect(settled).toMatchObject({ from: 'COUNTERED', to: 'APPROVED', step: 'CounterOfferAccepted', set: { outcome: 'counterAccepted', agreedPrice: 40.9 } });
    expect(settled.price).toMatchObject({ price: 40.9, approvedBy: 'P0002', acceptedBy: 'P0001', validFrom: '2026-11-28', validUntil: '2027-11-27' });
  });

  test('decline: COUNTER_DECLINED with the reason if one was given; no answer: COUNTER_LAPSED; neither agrees a price', () => {
    const declined = settleCounterAnswer(countered, answer({ outcome: 'decline', reason: 'kauft woanders' }, 'P0001'), 365);
    expect(declined).toMatchObject({ to: 'COUNTER_DECLINED', set: { outcome: 'counterDeclined', reason: 'kauft woanders' }, step: 'CounterOfferDeclined' });
    const lapsed = settleCounterAnswer(countered, undefined, 365);
    expect(lapsed).toMatchObject({ from: 'COUNTERED', to: 'COUNTER_LAPSED', set: { outcome: 'counterLapsed' }, step: 'CounterOfferLapsed' });
    expect([declined.price, lapsed.price]).toEqual([undefined, undefined]);
  });
});

describe('the names of a price request', () => {
  const body: PriceRequest = { priceRequestId: 'PR-1', customerId: 'C000001', sku: 'FIS-0107', weeklyVolume: { min: 10, max: 12 }, unit: 'kg', proposedPrice: 39.5, requestedBy: 'P0001' };

  test('the fingerprint ignores key order and tells a changed figure', () => {
    const reordered = JSON.parse(JSON.stringify({ requestedBy: 'P0001', proposedPrice: 39.5, unit: 'kg', weeklyVolume: { max: 12, min: 10 }, sku: 'FIS-0107', customerId: 'C000001', priceRequestId: 'PR-1' })) as PriceRequest;
    expect(priceRequestFingerprint(reordered)).toBe(priceRequestFingerprint(body));
    expect(priceRequestFingerprint({ ...body, proposedPrice: 39.6 })).not.toBe(priceRequestFingerprint(body));
    expect(priceRequestFingerprint({ ...body, customerId: 'C000002' })).not.toBe(priceRequestFingerprint(body));
  });

  test('the execution name is the id with a prefix; dots and long ids get a hash, so different ids never share a name', () => {
    expect(priceExecutionName('PR-20261127-tuna')).toBe('price-PR-20261127-tuna');
    const dotted = priceExecutionName('PR.1');
    expect(dotted).toMatch(/^price-PR_1-[0-9a-f]{16}$/);
    expect(dotted).not.toBe(priceExecutionName('PR_1'));
    const long = priceExecutionName(`P${'x'.repeat(79)}`);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).not.toBe(priceExecutionName(`P${'x'.repeat(78)}y`));
  });

  test("the two tasks of a request have ids of their own in the customer's partition", () => {
    expect([priceTaskId('PR-1', 'decision'), priceTaskId('PR-1', 'counter')]).toEqual(['price-decision-PR-1', 'price-counter-PR-1']);
  });
});
