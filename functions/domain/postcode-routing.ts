import { z } from 'zod';
import { postcodeSchema } from './model';
import { validate } from './validate';

/** One territory's postcode range, inclusive on both ends (as in PostcodeRange). */
export interface RoutedRange {
  readonly from: string;
  readonly to: string;
  readonly territoryId: string;
}

/** A run of postcodes, inclusive on both ends. */
export interface PostcodeSpan {
  readonly from: string;
  readonly to: string;
}

export interface Overlap extends PostcodeSpan {
  /** The two territories that both claim the span. */
  readonly territoryIds: readonly [string, string];
}

export interface Coverage {
  readonly gaps: readonly PostcodeSpan[];
  readonly overlaps: readonly Overlap[];
}

/** The postcode domain every set of territories must cover exactly once. */
export const FIRST_POSTCODE = '01000';
export const LAST_POSTCODE = '99999';

const lookupSchema = z.object({ postcode: postcodeSchema });
const routedRangeSchema = z
  .object({ from: postcodeSchema, to: postcodeSchema, territoryId: z.string().min(1) })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['to'] });

const byFrom = (a: RoutedRange, b: RoutedRange): number =>
  a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0;

// Sorting once per range list keeps 99,000 lookups cheap; the lists are treated as immutable.
const sortedCache = new WeakMap<readonly RoutedRange[], readonly RoutedRange[]>();

function sortedByFrom(ranges: readonly RoutedRange[]): readonly RoutedRange[] {
  let sorted = sortedCache.get(ranges);
  if (!sorted) {
    sorted = [...ranges].sort(byFrom);
    sortedCache.set(ranges, sorted);
  }
  return sorted;
}

/** The flat routing table of a set of territories (one row per postcode range). */
export function toRoutedRanges(
  territories: readonly { territoryId: string; postcodes: readonly { from: string; to: string }[] }[],
): RoutedRange[] {
  return territories
    .flatMap((t) => t.postcodes.map((r) => ({ from: r.from, to: r.to, territoryId: t.territoryId })))
    .sort(byFrom);
}

/**
 * The territory whose range contains `postcode`, or undefined if none does.
 * Binary search over the ranges ordered by `from`; with overlapping ranges the
 * one starting last wins (checkCoverage reports overlaps).
 * @throws ValidationError (field `postcode`) when the postcode is not 5 digits 01000–99999.
 */
export function findTerritoryForPostcode(ranges: readonly RoutedRange[], postcode: string): string | undefined {
  validate(lookupSchema, { postcode }, 'postcode lookup');
  const sorted = sortedByFrom(ranges);
  // Last range whose `from` is <= postcode; 5-digit strings compare like numbers.
  let low = 0;
  let high = sorted.length - 1;
  let candidate: RoutedRange | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = sorted[mid];
    if (range === undefined) break;
    if (range.from <= postcode) {
      candidate = range;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return candidate !== undefined && postcode <= candidate.to ? candidate.territoryId : undefined;
}

const pad = (n: number): string => String(n).padStart(5, '0');

/**
 * Gaps and overlaps of `ranges` over the domain 01000–99999, in postcode order.
 * An overlap is reported against the earlier range that reaches furthest.
 * @throws ValidationError when a range has a malformed postcode or from > to.
 */
export function checkCoverage(ranges: readonly RoutedRange[]): Coverage {
  ranges.forEach((r, i) => validate(routedRangeSchema, r, `postcode range ${i}`));
  const gaps: PostcodeSpan[] = [];
  const overlaps: Overlap[] = [];
  let next = Number(FIRST_POSTCODE); // first postcode not yet covered
  let furthest: RoutedRange | undefined; // the range reaching furthest so far
  for (const range of [...ranges].sort(byFrom)) {
    const from = Number(range.from);
    const to = Number(range.to);
    if (from > next) gaps.push({ from: pad(next), to: pad(from - 1) });
    if (furthest !== undefined && from < next) {
      overlaps.push({
        from: range.from,
        to: pad(Math.min(to, next - 1)),
        territoryIds: [furthest.territoryId, range.territoryId],
      });
    }
    if (to + 1 > next) {
      next = to + 1;
      furthest = range;
    }
  }
  if (next <= Number(LAST_POSTCODE)) gaps.push({ from: pad(next), to: LAST_POSTCODE });
  return { gaps, overlaps };
}
