import { ConflictError, ValidationError } from '../../../functions/domain/errors';
import { MAX_PRICE_EUR } from '../../../functions/domain/model';
import { checkPriceDecision, parsePriceDecisionAnswer, priceDecisionTask } from '../../../functions/customer-lifecycle/tasks/price-decision-task';
import { checkCounterAnswer, parsePriceCounterAnswer, priceCounterTask } from '../../../functions/customer-lifecycle/tasks/price-counter-task';
import { tunaPriceRequest, tunaSuggestion } from '../../support/price-request-fixture';
import { refusedFields, validationErrorOf } from '../../support/validation';

/** The story's tuna: 42.90 EUR/kg list, 10–12 kg a week → T1 at 41.61, floor 36.47; asked for 39.50. */
const request = tunaPriceRequest;
const suggestion = tunaSuggestion;
const now = new Date('2026-11-27T10:00:00Z');

describe('the answer to a special-price decision', () => {
  test('approve takes an optional price and last day; counter a price and an optional note; reject a reason', () => {
    expect(parsePriceDecisionAnswer({ outcome: 'approve' })).toEqual({ outcome: 'approve' });
    expect(parsePriceDecisionAnswer({ outcome: 'approve', price: 40, validUntil: '2027-06-30' })).toEqual({ outcome: 'approve', price: 40, validUntil: '2027-06-30' });
    expect(parsePriceDecisionAnswer({ outcome: 'counter', price: 40.9, note: '  ab 15 kg gern 39,90  ' })).toEqual({ outcome: 'counter', price: 40.9, note: 'ab 15 kg gern 39,90' });
    expect(parsePriceDecisionAnswer({ outcome: 'reject', reason: ' Marge zu klein ' })).toEqual({ outcome: 'reject', reason: 'Marge zu klein' });
  });

  test('a price must be more than 0, whole cents and at most the catalogue maximum, naming price', () => {
    for (const price of [0, -1, 39.505, MAX_PRICE_EUR + 0.01, '39.50']) {
      expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'counter', price }))).toEqual(['price']);
      expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'approve', price }))).toEqual(['price']);
    }
  });

  test('a counter-offer needs its price, a rejection its reason (3 characters at least), an approval a real date', () => {
    expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'counter' }))).toEqual(['price']);
    expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'reject' }))).toEqual(['reason']);
    expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'reject', reason: ' no ' }))).toEqual(['reason']);
    expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'approve', validUntil: '2027-02-30' }))).toEqual(['validUntil']);
    expect(refusedFields(() => parsePriceDecisionAnswer({ outcome: 'approve', validUntil: '30.06.2027' }))).toEqual(['validUntil']);
  });

  test('an unknown outcome or field is refused by name', () => {
    expect(validationErrorOf(() => parsePriceDecisionAnswer({ outcome: 'maybe' })).problems).toEqual([{ field: 'outcome', problem: 'must be one of approve, counter, reject' }]);
    expect(validationErrorOf(() => parsePriceDecisionAnswer({ outcome: 'reject', reason: 'zu billig', price: 3 })).problems[0]?.problem).toMatch(/unknown field "price"/);
  });

  test('the form gives the same answer as JSON, with a German decimal comma', () => {
    const form = (fields: Record<string, string>) => priceDecisionTask.parseAnswer(priceDecisionTask.fromForm(new URLSearchParams(fields)));
    expect(form({ outcome: 'approve', approvePrice: '39,50', validUntil: '', counterPrice: '41', reason: '' })).toEqual({ outcome: 'approve', price: 39.5 });
    expect(form({ outcome: 'counter', approvePrice: '39.50', counterPrice: ' 40,90 ', note: 'ab 15 kg' })).toEqual({ outcome: 'counter', price: 40.9, note: 'ab 15 kg' });
    expect(form({ outcome: 'reject', approvePrice: '39.50', reason: 'Marge zu klein' })).toEqual({ outcome: 'reject', reason: 'Marge zu klein' });
    expect(validationErrorOf(() => form({ outcome: 'counter', counterPrice: 'vierzig' })).field).toBe('price');
  });
});

describe('what the request allows a decision to do', () => {
  test("approving the proposal, another price down to the floor, or countering above or below it is fine", () => {
    expect(() => checkPriceDecision(request(), { outcome: 'approve' }, now)).not.toThrow();
    expect(() => checkPriceDecision(request(), { outcome: 'approve', price: suggestion.floorPrice }, now)).not.toThrow();
    expect(() => checkPriceDecision(request(), { outcome: 'counter', price: 40.9 }, now)).not.toThrow();
    expect(() => checkPriceDecision(request(), { outcome: 'counter', price: 38 }, now)).not.toThrow();
  });

  test('a counter-offer at the proposed price is no counter-offer', () => {
    const error = validationErrorOf(() => checkPriceDecision(request(), { outcome: 'counter', price: 39.5 }, now));
    expect(error.problems).toEqual([{ field: 'price', problem: 'must differ from the proposed price 39.5; to agree to it, approve' }]);
  });

  test('no price below the floor (list − 15 %), not even the proposed one; a rejection is always possible', () => {
    const belowFloor = validationErrorOf(() => checkPriceDecision(request(), { outcome: 'approve', price: 36.46 }, now));
    expect(belowFloor.field).toBe('price');
    expect(belowFloor.message).toMatch(/36.46 is below the floor of 36.47 \(list 42.9 − 15 %\), which the tandem may not go under; approve at 36.47 or more, or reject/);
    expect(validationErrorOf(() => checkPriceDecision(request(), { outcome: 'counter', price: 30 }, now)).field).toBe('price');
    const lowball = request({ proposedPrice: 30, judgement: 'below-floor' });
    expect(validationErrorOf(() => checkPriceDecision(lowball, { outcome: 'approve' }, now)).problems[0]?.problem).toMatch(/the proposed price 30 is below the floor/);
    expect(() => checkPriceDecision(lowball, { outcome: 'reject', reason: 'zu tief' }, now)).not.toThrow();
  });

  test('the last day must come after today (Berlin) and within two years', () => {
    expect(() => checkPriceDecision(request(), { outcome: 'approve', validUntil: '2026-11-28' }, now)).not.toThrow();
    expect(validationErrorOf(() => checkPriceDecision(request(), { outcome: 'approve', validUntil: '2026-11-27' }, now)).problems).toEqual([{ field: 'validUntil', problem: 'must be after today (2026-11-27)' }]);
    expect(validationErrorOf(() => checkPriceDecision(request(), { outcome: 'approve', validUntil: '2028-11-27' }, now)).field).toBe('validUntil');
  });

  test('a request that is no longer pending takes no decision (409)', () => {
    for (const status of ['APPROVED', 'COUNTERED', 'EXPIRED'] as const) {
      expect(() => checkPriceDecision(request({ status }), { outcome: 'approve' }, now)).toThrow(ConflictError);
    }
  });
});

describe("the answer to a counter-offer", () => {
  test('accept, or decline with an optional reason; anything else is refused by name', () => {
    expect(parsePriceCounterAnswer({ outcome: 'accept' })).toEqual({ outcome: 'accept' });
    expect(parsePriceCounterAnswer({ outcome: 'decline' })).toEqual({ outcome: 'decline' });
    expect(parsePriceCounterAnswer({ outcome: 'decline', reason: '  zu teuer ' })).toEqual({ outcome: 'decline', reason: 'zu teuer' });
    expect(parsePriceCounterAnswer({ outcome: 'decline', reason: '   ' })).toEqual({ outcome: 'decline' });
    expect(validationErrorOf(() => parsePriceCounterAnswer({ outcome: 'approve' })).problems).toEqual([{ field: 'outcome', problem: 'must be one of accept, decline' }]);
    expect(validationErrorOf(() => parsePriceCounterAnswer({ outcome: 'accept', price: 40 })).problems[0]?.problem).toMatch(/unknown field "price"/);
    expect(validationErrorOf(() => parsePriceCounterAnswer('accept')).problems[0]?.problem).toBe('must be a JSON object');
  });

  test('the form gives the same answer', () => {
    const form = (fields: Record<string, string>) => priceCounterTask.parseAnswer(priceCounterTask.fromForm(new URLSearchParams(fields)));
    expect(form({ outcome: 'accept', reason: 'ignored' })).toEqual({ outcome: 'accept' });
    expect(form({ outcome: 'decline', reason: 'kauft woanders' })).toEqual({ outcome: 'decline', reason: 'kauft woanders' });
  });

  test('only a countered request waits for it (409 otherwise)', () => {
    expect(() => checkCounterAnswer(request({ status: 'COUNTERED', counterPrice: 40.9 }))).not.toThrow();
    expect(() => checkCounterAnswer(request({ status: 'PENDING' }))).toThrow(ConflictError);
    expect(() => checkCounterAnswer(request({ status: 'COUNTER_LAPSED' }))).toThrow(ConflictError);
  });

  test('a refused answer is a ValidationError, which the link answers with 400', () => {
    expect(validationErrorOf(() => parsePriceCounterAnswer({}))).toBeInstanceOf(ValidationError);
  });
});
