import { DomainError, ValidationError } from '../../../functions/domain/errors';
import { UNITS, type Product, type Unit } from '../../../functions/domain/model';
import {
  FLOOR_DISCOUNT_PERCENT,
  judgeProposal,
  suggestPrice,
  tierFor,
  VOLUME_TIERS,
  type WeeklyVolume,
} from '../../../functions/customer-lifecycle/domain/price-tiers';
import { buildProducts, STORY_SKUS } from '../../../functions/seed/products';

const catalogue = buildProducts();
const bySku = new Map(catalogue.map((p) => [p.sku, p]));
const tuna = bySku.get(STORY_SKUS.tuna) as Product;

const product = (unit: Unit, listPrice: number): Pick<Product, 'sku' | 'unit' | 'listPrice'> => ({ sku: 'TST-0001', unit, listPrice });
const weekly = (min: number, max = min): WeeklyVolume => ({ min, max });

function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('the tier table', () => {
  test('is list, then 3, 6, 9 and 12 % from per-unit weekly thresholds', () => {
    const table = Object.fromEntries(UNITS.map((unit) => [unit, VOLUME_TIERS[unit].map((t) => `${t.tier}@${t.from}:${t.discountPercent}%`)]));
    expect(table).toEqual({
      kg: ['list@0:0%', 'T1@10:3%', 'T2@25:6%', 'T3@50:9%', 'T4@100:12%'],
      piece: ['list@0:0%', 'T1@12:3%', 'T2@30:6%', 'T3@60:9%', 'T4@120:12%'],
      case: ['list@0:0%', 'T1@5:3%', 'T2@12:6%', 'T3@25:9%', 'T4@50:12%'],
      litre: ['list@0:0%', 'T1@50:3%', 'T2@120:6%', 'T3@250:9%', 'T4@500:12%'],
    });
  });

  test('the best tier stays above the floor, so the inside manager always has room below the suggestion', () => {
    for (const unit of UNITS) {
      const best = VOLUME_TIERS[unit].at(-1);
      expect(best?.discountPercent).toBeLessThan(FLOOR_DISCOUNT_PERCENT);
    }
  });
});

describe('suggestPrice tiers by weekly volume in the product unit', () => {
  // Whole units (piece, case) are one below the threshold at threshold − 1; weighed ones at threshold − 0.001.
  const boundaries = UNITS.flatMap((unit) =>
    VOLUME_TIERS[unit].slice(1).map((tier, i) => ({
      unit,
      tier: tier.tier,
      from: tier.from,
      discountPercent: tier.discountPercent,
      below: VOLUME_TIERS[unit][i]!,
      justBelow: unit === 'piece' || unit === 'case' ? tier.from - 1 : tier.from - 0.001,
    })),
  );

  test.each(boundaries)('$unit: exactly $from earns $tier ($discountPercent %)', ({ unit, tier, from, discountPercent }) => {
    expect(suggestPrice(product(unit, 10), weekly(from), unit)).toMatchObject({ tier, discountPercent });
  });

  test.each(boundaries)('$unit: $justBelow (just below $from) stays one tier lower', ({ unit, justBelow, below }) => {
    expect(suggestPrice(product(unit, 10), weekly(justBelow), unit)).toMatchObject({ tier: below.tier, discountPercent: below.discountPercent });
  });

  test('a small volume pays list price, a huge one gets no more than the best tier', () => {
    expect(suggestPrice(product('kg', 10), weekly(0.5), 'kg')).toEqual({ tier: 'list', discountPercent: 0, suggestedPrice: 10, floorPrice: 8.5 });
    expect(suggestPrice(product('kg', 10), weekly(4_999), 'kg')).toMatchObject({ tier: 'T4', discountPercent: 12, suggestedPrice: 8.8 });
  });

  test("the story: 10–12 kg of tuna a week earns T1 on the 42.90 EUR/kg list price", () => {
    expect(tuna).toMatchObject({ unit: 'kg', listPrice: 42.9 });
    expect(suggestPrice(tuna, weekly(10, 12), 'kg')).toEqual({ tier: 'T1', discountPercent: 3, suggestedPrice: 41.61, floorPrice: 36.47 });
  });

  test('a range tiers by its lower bound: the customer commits to at least that', () => {
    expect(suggestPrice(product('kg', 10), weekly(9, 30), 'kg').tier).toBe('list');
    expect(suggestPrice(product('kg', 10), weekly(24.999, 100), 'kg').tier).toBe('T1');
    expect(suggestPrice(product('case', 10), weekly(12, 49), 'case').tier).toBe('T2');
    expect(tierFor('litre', weekly(499, 10_000)).tier).toBe('T3');
  });
});

describe('suggestPrice rounds to the cent', () => {
  test.each([
    // list, unit, weekly, expected: an exact half cent rounds up, where list × (1 − d) in doubles would round down
    [2.5, 'piece', 12, 2.43], // 242.5 cents
    [1.25, 'kg', 25, 1.18], // 117.5 cents
    [8.5, 'case', 5, 8.25], // 824.5 cents
    // below half a cent rounds down, above rounds up
    [10.01, 'kg', 10, 9.71], // 970.97 cents
    [0.49, 'litre', 500, 0.43], // 43.12 cents
    [32.9, 'piece', 120, 28.95], // 2895.2 cents
    [236.99, 'case', 50, 208.55], // 20855.12 cents
  ] as const)('list %d EUR/%s at %d a week → %d', (listPrice, unit, volume, expected) => {
    expect(suggestPrice(product(unit, listPrice), weekly(volume), unit).suggestedPrice).toBe(expected);
  });

  test('every price comes out in whole cents, for every catalogue product at every tier', () => {
    for (const p of catalogue) {
      for (const tier of VOLUME_TIERS[p.unit]) {
        const s = suggestPrice(p, weekly(Math.max(tier.from, 1)), p.unit);
        expect(Number(s.suggestedPrice.toFixed(2))).toBe(s.suggestedPrice);
        expect(Number(s.floorPrice.toFixed(2))).toBe(s.floorPrice);
      }
    }
  });
});

describe('the floor', () => {
  test('is list − 15 %, rounded up so that it never lies below 85 % of list', () => {
    expect(suggestPrice(product('kg', 10), weekly(1), 'kg').floorPrice).toBe(8.5); // exact
    expect(suggestPrice(product('kg', 42.9), weekly(1), 'kg').floorPrice).toBe(36.47); // 3646.5 cents
    expect(suggestPrice(product('litre', 0.49), weekly(1), 'litre').floorPrice).toBe(0.42); // 41.65 cents
    expect(suggestPrice(product('kg', 1.01), weekly(1), 'kg').floorPrice).toBe(0.86); // 85.85 cents
  });

  test('does not depend on the tier, and lies at or below every suggestion, for the whole catalogue', () => {
    for (const p of catalogue) {
      const listCents = Math.round(p.listPrice * 100);
      const floors = new Set<number>();
      for (const tier of VOLUME_TIERS[p.unit]) {
        const s = suggestPrice(p, weekly(Math.max(tier.from, 1)), p.unit);
        floors.add(s.floorPrice);
        expect(s.floorPrice).toBeLessThanOrEqual(s.suggestedPrice);
        expect(s.suggestedPrice).toBeLessThanOrEqual(p.listPrice);
        const floorCents = Math.round(s.floorPrice * 100);
        expect(floorCents * 100).toBeGreaterThanOrEqual(listCents * 85);
        expect((floorCents - 1) * 100).toBeLessThan(listCents * 85);
      }
      expect(floors.size).toBe(1);
    }
  });
});

describe('judgeProposal', () => {
  const story = suggestPrice(tuna, weekly(10, 12), 'kg'); // 41.61, floor 36.47

  test.each([
    ['above list', 45, 'at-or-above-suggestion'],
    ['exactly the suggestion', 41.61, 'at-or-above-suggestion'],
    ['one cent below the suggestion', 41.6, 'within-floor'],
    ['the story ask, 39.50', 39.5, 'within-floor'],
    ['exactly the floor', 36.47, 'within-floor'],
    ['one cent below the floor', 36.46, 'below-floor'],
    ['half of list', 21.45, 'below-floor'],
  ] as const)('%s (%d EUR/kg) is %s', (_what, proposed, judgement) => {
    expect(judgeProposal(proposed, story)).toBe(judgement);
  });

  test('at the list tier the suggestion is the list price itself', () => {
    const list = suggestPrice(product('kg', 10), weekly(1), 'kg');
    expect(judgeProposal(10, list)).toBe('at-or-above-suggestion');
    expect(judgeProposal(9.99, list)).toBe('within-floor');
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('a proposed price of %d is refused at proposedPrice', (proposed) => {
    expect(validationErrorOf(() => judgeProposal(proposed, story)).field).toBe('proposedPrice');
  });
});

describe('suggestPrice refuses what it cannot price', () => {
  test('a unit other than the catalogue unit is a ValidationError naming unit and the product unit', () => {
    const error = validationErrorOf(() => suggestPrice(tuna, weekly(10, 12), 'case'));
    expect(error.problems).toEqual([{ field: 'unit', problem: expect.stringContaining('must be kg') as unknown }]);
    expect(error.message).toContain(STORY_SKUS.tuna);
  });

  test.each([
    ['a zero lower bound', { min: 0, max: 12 }, 'weeklyVolume.min'],
    ['a negative upper bound', { min: 10, max: -12 }, 'weeklyVolume.max'],
    ['a lower bound that is not a number', { min: Number.NaN, max: 12 }, 'weeklyVolume.min'],
    ['an infinite upper bound', { min: 10, max: Number.POSITIVE_INFINITY }, 'weeklyVolume.max'],
    ['min above max', { min: 12, max: 10 }, 'weeklyVolume.max'],
  ])('%s is a ValidationError naming %s', (_what, volume, field) => {
    expect(validationErrorOf(() => suggestPrice(tuna, volume, 'kg')).problems.map((p) => p.field)).toEqual([field]);
  });

  test('a product without a valid list price (data older than layout v4) is a DomainError, not a 400', () => {
    const legacy = { sku: 'FIS-0002', unit: 'kg', listPrice: undefined } as unknown as Product;
    const run = () => suggestPrice(legacy, weekly(10), 'kg');
    expect(run).toThrow(DomainError);
    expect(run).toThrow(/FIS-0002 has no valid list price/);
    expect(() => suggestPrice(product('kg', 0), weekly(10), 'kg')).toThrow(/no valid list price/);
  });
});

describe('the seeded list prices', () => {
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const perKg = (prefix: string): number[] => catalogue.filter((p) => p.sku.startsWith(prefix) && p.unit === 'kg').map((p) => p.listPrice);

  test('are deterministic price points ending in 9 cents for generated products', () => {
    expect(buildProducts()).toEqual(catalogue);
    for (const p of catalogue.filter((p) => Number(p.sku.slice(4)) >= 100)) expect(Math.round(p.listPrice * 100) % 10).toBe(9);
  });

  test('are realistic: fish and meat dearer per kg than poultry, produce cheaper, water cheapest per litre', () => {
    expect(median(perKg('FIS'))).toBeGreaterThan(median(perKg('GEF')));
    expect(median(perKg('FLE'))).toBeGreaterThan(median(perKg('GEF')));
    expect(median(perKg('GEM'))).toBeLessThan(5);
    expect(bySku.get('GET-0101')).toMatchObject({ name: 'Mineralwasser still, PET 1,5 l', unit: 'litre', listPrice: 0.49 });
    expect(bySku.get('GEF-0102')).toMatchObject({ name: 'Hähnchenbrustfilet, tiefgekühlt, Karton 10 kg', unit: 'case', listPrice: 80.69 });
    for (const p of catalogue) {
      expect(p.listPrice).toBeGreaterThan(0.4);
      expect(p.listPrice).toBeLessThan(250);
    }
  });
});
