import { z } from 'zod';
import type { ValidationError } from '../../../functions/domain/errors';
import {
  MAX_WEEKLY_VOLUME,
  parsePriceRequest,
  priceRequestSchema,
  type PriceRequestInput,
} from '../../../functions/customer-lifecycle/domain/price-request';
import { STORY_CUSTOMER_ID } from '../../../functions/seed/generate';
import { STORY_SKUS } from '../../../functions/seed/products';
import { validationErrorOf as refuse } from '../../support/validation';

/** The story: "10–12 kg tuna a week, can we do something on price?" */
const story = (): PriceRequestInput => ({
  priceRequestId: 'PR-20261127-tuna',
  customerId: STORY_CUSTOMER_ID,
  sku: STORY_SKUS.tuna,
  weeklyVolume: { min: 10, max: 12 },
  unit: 'kg',
  proposedPrice: 39.5,
  requestedBy: 'P0318',
});

const withChanges = (changes: Record<string, unknown>): Record<string, unknown> => ({ ...story(), ...changes });
const withVolume = (volume: Record<string, unknown>, changes: Record<string, unknown> = {}): Record<string, unknown> =>
  withChanges({ weeklyVolume: { min: 10, max: 12, ...volume }, ...changes });
const without = (field: string): Record<string, unknown> => {
  const body: Record<string, unknown> = { ...story() };
  delete body[field];
  return body;
};

const validationErrorOf = (body: unknown): ValidationError => refuse(() => parsePriceRequest(body));

describe('parsePriceRequest accepts what a tandem partner may send', () => {
  test("the story's request (10–12 kg tuna a week at 39.50 EUR/kg) parses unchanged", () => {
    expect(parsePriceRequest(story())).toEqual(story());
  });

  test('one figure is a range with min = max; a note is trimmed and keeps its newlines', () => {
    const parsed = parsePriceRequest(withChanges({ weeklyVolume: { min: 11.5, max: 11.5 }, note: '  Neue Karte ab Januar.\nSushi-Abend freitags.  ' }));
    expect(parsed.weeklyVolume).toEqual({ min: 11.5, max: 11.5 });
    expect(parsed.note).toBe('Neue Karte ab Januar.\nSushi-Abend freitags.');
  });

  test.each(Object.entries(MAX_WEEKLY_VOLUME))('exactly the limit of %s (%d a week) is still accepted', (unit, limit) => {
    expect(parsePriceRequest(withVolume({ min: 1, max: limit }, { unit })).weeklyVolume.max).toBe(limit);
  });

  test('kg and litre volumes take up to 3 decimals; the price takes cents from 0.01 to 10000', () => {
    expect(parsePriceRequest(withVolume({ min: 0.001, max: 12.125 })).weeklyVolume).toEqual({ min: 0.001, max: 12.125 });
    expect(parsePriceRequest(withChanges({ proposedPrice: 0.01 })).proposedPrice).toBe(0.01);
    expect(parsePriceRequest(withChanges({ proposedPrice: 10_000 })).proposedPrice).toBe(10_000);
    expect(parsePriceRequest(withChanges({ proposedPrice: 41.61 })).proposedPrice).toBe(41.61);
  });

  test('the stated limits: 5,000 kg, 5,000 pieces, 1,000 cases, 10,000 litres a week', () => {
    expect(MAX_WEEKLY_VOLUME).toEqual({ kg: 5_000, piece: 5_000, case: 1_000, litre: 10_000 });
  });
});

describe('parsePriceRequest rejects malformed requests with a ValidationError naming the field', () => {
  const cases: [behaviour: string, body: unknown, field: string][] = [
    ['missing priceRequestId', without('priceRequestId'), 'priceRequestId'],
    ['priceRequestId as a number', withChanges({ priceRequestId: 42 }), 'priceRequestId'],
    ['priceRequestId of 2 characters', withChanges({ priceRequestId: 'ab' }), 'priceRequestId'],
    ['priceRequestId of 81 characters', withChanges({ priceRequestId: 'a'.repeat(81) }), 'priceRequestId'],
    ['priceRequestId starting with a dash', withChanges({ priceRequestId: '-abc' }), 'priceRequestId'],
    ['priceRequestId with a slash', withChanges({ priceRequestId: 'abc/def' }), 'priceRequestId'],
    ['missing customerId', without('customerId'), 'customerId'],
    ['customerId of the wrong shape', withChanges({ customerId: 'C12' }), 'customerId'],
    ['missing sku', without('sku'), 'sku'],
    ['a malformed SKU', withChanges({ sku: 'fis-2' }), 'sku'],
    ['missing weeklyVolume', without('weeklyVolume'), 'weeklyVolume'],
    ['weeklyVolume as a number', withChanges({ weeklyVolume: 10 }), 'weeklyVolume'],
    ['weeklyVolume as a string', withChanges({ weeklyVolume: '10-12' }), 'weeklyVolume'],
    ['weeklyVolume as a list', withChanges({ weeklyVolume: [10, 12] }), 'weeklyVolume'],
    ['weeklyVolume without min', withChanges({ weeklyVolume: { max: 12 } }), 'weeklyVolume.min'],
    ['weeklyVolume without max', withChanges({ weeklyVolume: { min: 10 } }), 'weeklyVolume.max'],
    ['a misspelt weeklyVolume field', withVolume({ maximum: 12 }), 'weeklyVolume'],
    ['min as a string', withVolume({ min: '10' }), 'weeklyVolume.min'],
    ['a zero min', withVolume({ min: 0 }), 'weeklyVolume.min'],
    ['a negative min', withVolume({ min: -10 }), 'weeklyVolume.min'],
    ['a zero max', withVolume({ min: 0, max: 0 }), 'weeklyVolume.max'],
    ['min above max', withVolume({ min: 12, max: 10 }), 'weeklyVolume.max'],
    ['an absurd max (1e9)', withVolume({ max: 1e9 }), 'weeklyVolume.max'],
    ['5,001 kg a week', withVolume({ max: 5_001 }), 'weeklyVolume.max'],
    ['5,001 kg a week as min', withVolume({ min: 5_001, max: 5_001 }), 'weeklyVolume.min'],
    ['5,001 pieces a week', withVolume({ max: 5_001 }, { unit: 'piece' }), 'weeklyVolume.max'],
    ['1,001 cases a week', withVolume({ max: 1_001 }, { unit: 'case' }), 'weeklyVolume.max'],
    ['10,001 litres a week', withVolume({ max: 10_001 }, { unit: 'litre' }), 'weeklyVolume.max'],
    ['kg to 4 decimals', withVolume({ max: 12.0005 }), 'weeklyVolume.max'],
    ['half a goose a week', withVolume({ min: 10.5, max: 12 }, { unit: 'piece' }), 'weeklyVolume.min'],
    ['2.5 cases a week', withVolume({ min: 2, max: 2.5 }, { unit: 'case' }), 'weeklyVolume.max'],
    ['missing unit', without('unit'), 'unit'],
    ['an unknown unit', withChanges({ unit: 'gram' }), 'unit'],
    ['missing proposedPrice', without('proposedPrice'), 'proposedPrice'],
    ['proposedPrice as a string', withChanges({ proposedPrice: '39,50' }), 'proposedPrice'],
    ['a zero price', withChanges({ proposedPrice: 0 }), 'proposedPrice'],
    ['a negative price', withChanges({ proposedPrice: -39.5 }), 'proposedPrice'],
    ['a price above 10000', withChanges({ proposedPrice: 10_000.01 }), 'proposedPrice'],
    ['a price in tenths of a cent', withChanges({ proposedPrice: 39.505 }), 'proposedPrice'],
    ['a price of NaN-like null', withChanges({ proposedPrice: null }), 'proposedPrice'],
    ['a 501-character note', withChanges({ note: 'x'.repeat(501) }), 'note'],
    ['a note with a bell character', withChanges({ note: 'ring\u0007' }), 'note'],
    ['a note as a number', withChanges({ note: 7 }), 'note'],
    ['missing requestedBy', without('requestedBy'), 'requestedBy'],
    ['requestedBy of the wrong shape', withChanges({ requestedBy: 'Florian' }), 'requestedBy'],
  ];

  test.each(cases.map(([behaviour, body, field]) => ({ behaviour, body, field })))('$behaviour is refused at $field', ({ body, field }) => {
    const error = validationErrorOf(body);
    expect(error.problems.map((p) => p.field)).toContain(field);
    expect(error.message).toContain(`${field}: `);
    expect(error.message).toMatch(/^price request is invalid: /);
  });

  test('an absurd volume names the limit of its unit', () => {
    expect(validationErrorOf(withVolume({ max: 5_001 })).problems).toEqual([{ field: 'weeklyVolume.max', problem: 'must be at most 5000 kg a week' }]);
    expect(validationErrorOf(withVolume({ max: 1_001 }, { unit: 'case' })).problems).toEqual([
      { field: 'weeklyVolume.max', problem: 'must be at most 1000 case a week' },
    ]);
  });

  test('min above max says which min', () => {
    expect(validationErrorOf(withVolume({ min: 12, max: 10 })).problems).toEqual([{ field: 'weeklyVolume.max', problem: 'must not be below min (12)' }]);
  });

  test.each([
    ['null', null],
    ['a string', '{"priceRequestId":"x"}'],
    ['an array', [story()]],
    ['a number', 42],
    ['undefined (empty body)', undefined],
  ])('a body that is %s is refused as not a JSON object', (_what, body) => {
    expect(validationErrorOf(body).problems).toEqual([{ field: '(record)', problem: 'must be a JSON object (a price request)' }]);
  });

  test('an unknown top-level field is refused, naming it and the allowed fields', () => {
    const error = validationErrorOf(withChanges({ discount: 10 }));
    expect(error.message).toContain('unknown field "discount"');
    expect(error.message).toContain('priceRequestId, customerId, sku, weeklyVolume, unit, proposedPrice, note, requestedBy');
  });

  test('one answer lists every problem, cross-field rules included', () => {
    const error = validationErrorOf({
      priceRequestId: 'x',
      customerId: STORY_CUSTOMER_ID,
      sku: STORY_SKUS.goose,
      weeklyVolume: { min: 12.5, max: 6_000 },
      unit: 'piece',
      proposedPrice: 0,
    });
    expect(error.problems.map((p) => p.field).sort()).toEqual(['priceRequestId', 'proposedPrice', 'requestedBy', 'weeklyVolume.max', 'weeklyVolume.min']);
  });
});

describe('the exported schema', () => {
  test('converts to a JSON Schema for the OpenAPI document: closed objects, the required fields, the price rules', () => {
    const schema = z.toJSONSchema(priceRequestSchema, { io: 'input', target: 'draft-2020-12' }) as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { additionalProperties?: boolean; exclusiveMinimum?: number; maximum?: number; required?: string[] }>;
    };
    expect(schema.required).toEqual(['priceRequestId', 'customerId', 'sku', 'weeklyVolume', 'unit', 'proposedPrice', 'requestedBy']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.weeklyVolume).toMatchObject({ additionalProperties: false, required: ['min', 'max'] });
    expect(schema.properties.proposedPrice).toMatchObject({ exclusiveMinimum: 0, maximum: 10_000 });
  });
});
