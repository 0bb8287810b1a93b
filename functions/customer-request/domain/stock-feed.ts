/**
 * `POST /stores/{storeId}/stock`: a store's batch of counted stock levels, and
 * the rule that makes out-of-order or repeated batches harmless.
 */
import { z } from 'zod';
import { isoDateTimeSchema, skuSchema } from '../../domain/model';
import { validate } from '../../domain/validate';
import { strictFields } from './submission';

export const MAX_LEVELS_PER_FEED = 500;
export const MAX_AVAILABLE = 1_000_000;
/** Store clocks drift; a count from further ahead than this is a wrong clock, not a count. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export const countedLevelSchema = strictFields('a stock level', {
  sku: skuSchema,
  available: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(MAX_AVAILABLE, `must be at most ${MAX_AVAILABLE}`),
});

export const stockFeedSchema = strictFields('a stock feed', {
  countedAt: isoDateTimeSchema.describe('When the store counted; at most 5 minutes ahead of the receiving clock.'),
  levels: z
    .array(countedLevelSchema, { error: 'must be a list of stock levels' })
    .min(1, 'must contain at least one level')
    .max(MAX_LEVELS_PER_FEED, `must contain at most ${MAX_LEVELS_PER_FEED} levels`)
    .superRefine((levels, ctx) => {
      const seen = new Set<string>();
      levels.forEach((level, index) => {
        if (seen.has(level.sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `repeats ${level.sku}; give each SKU once` });
        seen.add(level.sku);
      });
    })
    .describe('Each SKU at most once.'),
}).describe("A batch of a store's counted stock levels. The newest count of a SKU wins; older or repeated counts are ignored.");

export type StockFeed = z.output<typeof stockFeedSchema>;

function countedAtNotAhead(now: Date) {
  return z.superRefine<StockFeed>((feed, ctx) => {
    const countedAt = Date.parse(feed.countedAt);
    if (!Number.isNaN(countedAt) && countedAt > now.getTime() + MAX_CLOCK_SKEW_MS) {
      ctx.addIssue({ code: 'custom', path: ['countedAt'], message: 'must not be more than 5 minutes in the future' });
    }
  });
}

export function parseStockFeed(body: unknown, now: Date): StockFeed {
  return validate(stockFeedSchema.check(countedAtNotAhead(now)), body, 'stock feed');
}

export interface CurrentLevel {
  readonly available: number;
  readonly reserved: number;
  readonly countedAt: string;
}

export interface CountedLevel {
  readonly available: number;
  readonly countedAt: string;
}

export interface NewLevel {
  readonly available: number;
  readonly reserved: number;
  readonly countedAt: string;
  /**
   * Units promised to customers that the count no longer covers (reserved − available,
   * else 0). The reservations are kept — someone must phone the customer, not the database.
   */
  readonly shortfall: number;
}

/**
 * The level after a count. A count is a physical fact at a moment: the newest one
 * wins, and one not newer than the current level (out of order, or the same batch
 * again) is `'stale'` and changes nothing. `reserved` is never touched by a count,
 * because goods reserved but not yet picked up are still on the shelf and counted.
 * Instants are compared, not strings, so offsets do not matter.
 */
export function applyCount(current: CurrentLevel | undefined, count: CountedLevel): NewLevel | 'stale' {
  const countedAt = Date.parse(count.countedAt);
  if (Number.isNaN(countedAt)) throw new RangeError(`countedAt ${count.countedAt} is not a date-time`);
  if (current !== undefined && countedAt <= Date.parse(current.countedAt)) return 'stale';
  const reserved = current?.reserved ?? 0;
  return {
    available: count.available,
    reserved,
    countedAt: count.countedAt,
    shortfall: Math.max(0, reserved - count.available),
  };
}
