import { ValidationError } from '../../../functions/domain/errors';
import { applyCount, parseStockFeed, type CurrentLevel } from '../../../functions/customer-request/domain/stock-feed';
import { STOCK_COUNTED_AT } from '../../../functions/seed/generate';
import { STORY_SKUS } from '../../../functions/seed/products';

const NOW = new Date('2026-11-27T06:00:00Z');
const feed = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({
  countedAt: '2026-11-27T05:55:00Z',
  levels: [
    { sku: STORY_SKUS.goose, available: 25 },
    { sku: STORY_SKUS.tuna, available: 0 },
  ],
  ...changes,
});

function problemFieldsOf(body: unknown): string[] {
  try {
    parseStockFeed(body, NOW);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseStockFeed', () => {
  test('a batch of counted levels parses unchanged, zero stock included', () => {
    expect(parseStockFeed(feed(), NOW)).toEqual(feed());
  });

  test('500 levels and a count up to 5 minutes ahead of our clock (store clocks drift) are accepted', () => {
    const levels = Array.from({ length: 500 }, (_, i) => ({ sku: `FIS-${String(i).padStart(4, '0')}`, available: 1_000_000 }));
    expect(parseStockFeed(feed({ levels, countedAt: '2026-11-27T06:05:00Z' }), NOW).levels).toHaveLength(500);
  });

  test.each<[string, unknown, string]>([
    ['a count more than 5 minutes in the future', feed({ countedAt: '2026-11-27T06:05:01Z' }), 'countedAt'],
    ['a count without offset', feed({ countedAt: '2026-11-27T05:55:00' }), 'countedAt'],
    ['no levels', feed({ levels: [] }), 'levels'],
    ['501 levels', feed({ levels: Array.from({ length: 501 }, (_, i) => ({ sku: `FIS-${String(i).padStart(4, '0')}`, available: 1 })) }), 'levels'],
    ['a negative level', feed({ levels: [{ sku: STORY_SKUS.goose, available: -1 }] }), 'levels.0.available'],
    ['a fractional level', feed({ levels: [{ sku: STORY_SKUS.goose, available: 2.5 }] }), 'levels.0.available'],
    ['an absurd level', feed({ levels: [{ sku: STORY_SKUS.goose, available: 1_000_001 }] }), 'levels.0.available'],
    ['a level as a string', feed({ levels: [{ sku: STORY_SKUS.goose, available: '3' }] }), 'levels.0.available'],
    ['a malformed SKU', feed({ levels: [{ sku: 'goose', available: 3 }] }), 'levels.0.sku'],
    ['the same SKU twice', feed({ levels: [{ sku: STORY_SKUS.goose, available: 3 }, { sku: STORY_SKUS.goose, available: 4 }] }), 'levels.1.sku'],
    ['an unknown field', feed({ store: 'S001' }), '(record)'],
    ['a body that is a list', [feed()], '(record)'],
  ])('%s is refused, naming the field', (_behaviour, body, field) => {
    expect(problemFieldsOf(body)).toContain(field);
  });
});

describe('applyCount: the newest count wins, reservations are kept', () => {
  const current: CurrentLevel = { available: 25, reserved: 10, countedAt: STOCK_COUNTED_AT };

  test('a newer count replaces available and keeps the reservations', () => {
    expect(applyCount(current, { available: 30, countedAt: '2026-11-26T07:00:00Z' })).toEqual({
      available: 30,
      reserved: 10,
      countedAt: '2026-11-26T07:00:00Z',
      shortfall: 0,
    });
  });

  test('a count older than the stored one (out of order) is stale', () => {
    expect(applyCount(current, { available: 99, countedAt: '2026-11-26T04:59:59Z' })).toBe('stale');
  });

  test('the same batch again (same countedAt) is stale, so a retried feed changes nothing', () => {
    expect(applyCount(current, { available: 99, countedAt: STOCK_COUNTED_AT })).toBe('stale');
  });

  test('instants are compared, not strings: 06:00+01:00 is the same moment as 05:00Z and therefore stale', () => {
    expect(applyCount(current, { available: 99, countedAt: '2026-11-26T06:00:00+01:00' })).toBe('stale');
    expect(applyCount(current, { available: 99, countedAt: '2026-11-26T06:00:01+01:00' })).not.toBe('stale');
  });

  test('a count below the reservations keeps them and reports the shortfall', () => {
    expect(applyCount(current, { available: 4, countedAt: '2026-11-26T08:00:00Z' })).toEqual({
      available: 4,
      reserved: 10,
      countedAt: '2026-11-26T08:00:00Z',
      shortfall: 6,
    });
  });

  test('the first count of a product starts with nothing reserved', () => {
    expect(applyCount(undefined, { available: 7, countedAt: STOCK_COUNTED_AT })).toEqual({
      available: 7,
      reserved: 0,
      countedAt: STOCK_COUNTED_AT,
      shortfall: 0,
    });
  });

  test('applying batches in any order ends at the newest count', () => {
    const counts = [
      { available: 5, countedAt: '2026-11-26T06:00:00Z' },
      { available: 8, countedAt: '2026-11-26T09:00:00Z' },
      { available: 3, countedAt: '2026-11-26T07:00:00Z' },
    ];
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const order of orders) {
      let level: CurrentLevel | undefined = current;
      for (const i of order) {
        const count = counts[i];
        if (!count) throw new Error(`no count ${i}`);
        const next = applyCount(level, count);
        if (next !== 'stale') level = next;
      }
      expect(level).toEqual({ available: 8, reserved: 10, countedAt: '2026-11-26T09:00:00Z', shortfall: 2 });
    }
  });
});
