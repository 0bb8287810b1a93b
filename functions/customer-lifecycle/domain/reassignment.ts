/**
 * `POST /reassignments`: an admin moves customers — named ones, or every
 * customer in a postcode range together with the range's routing — to
 * another territory. Pure parsing and the routing change; the handler checks the
 * table (customers exist, the target has a complete tandem).
 */
import { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import { customerIdSchema, postcodeRangeSchema, postcodeSchema, territoryIdSchema, type PostcodeRange } from '../../domain/model';
import { validate } from '../../domain/validate';
import { requestIdSchema, requiredOr, strictFields } from '../../customer-request/domain/submission';

/** Named customers per reassignment: one transaction each, answered within API Gateway's 29 s. */
export const MAX_CUSTOMERS = 100;
/** Customers a postcode range may move at once; a larger move is split into ranges. */
export const MAX_CUSTOMERS_IN_RANGE = 300;

export const reassignmentSchema = strictFields('a reassignment', {
  reassignmentId: requestIdSchema.describe("The admin tool's idempotency key: the same id and body answer the same result again."),
  toTerritoryId: territoryIdSchema,
  reason: z.string({ error: requiredOr('must be a string') }).trim().min(3, 'must be at least 3 characters').max(500, 'must be at most 500 characters'),
  customerIds: z
    .array(customerIdSchema, { error: requiredOr('must be a list of customer ids') })
    .min(1, 'must name at least one customer')
    .max(MAX_CUSTOMERS, `must name at most ${MAX_CUSTOMERS} customers`)
    .refine((ids) => new Set(ids).size === ids.length, 'must not name a customer twice')
    .optional(),
  // Strict like every other input object: a misspelt "too" must be refused, not dropped (then the range's own rules).
  postcodes: strictFields('a postcode range', { from: postcodeSchema, to: postcodeSchema }).pipe(postcodeRangeSchema).optional().describe('Every customer in the range moves, and so does the routing of the range (routing ranges it overlaps are cut at its ends).'),
}).describe('Customers (named, or a postcode range) moving to another territory.');

export type Reassignment = z.output<typeof reassignmentSchema>;

export function parseReassignment(body: unknown): Reassignment {
  const parsed = validate(reassignmentSchema, body, 'reassignment');
  if ((parsed.customerIds === undefined) === (parsed.postcodes === undefined)) {
    throw new ValidationError('reassignment', [{ field: 'customerIds', problem: 'give either customerIds or postcodes, not both and not neither' }]);
  }
  return parsed;
}

export interface RoutedRange extends PostcodeRange {
  readonly territoryId: string;
}

/** How the routing changes: the range items to write (each replaces the item with its `from`), and what moved from whom. */
export interface RangeMove {
  /** Routing ranges after the move, for every routing range the move touches. */
  readonly routing: readonly RoutedRange[];
  /** The parts that change territory. */
  readonly moved: readonly (PostcodeRange & { readonly fromTerritoryId: string })[];
}

const shift = (postcode: string, by: number): string => String(Number(postcode) + by).padStart(5, '0');

/**
 * The routing after moving a postcode range to a territory: every routing
 * range it overlaps is cut at the range's ends; the part inside goes to the
 * target, the parts outside stay. A range no routing range covers is refused.
 * Each new routing range starts where it starts, so the piece that keeps a
 * routing range's start replaces that range's item.
 */
export function planRangeMove(range: PostcodeRange, routing: readonly RoutedRange[], toTerritoryId: string): RangeMove {
  const overlapping = routing.filter((r) => r.from <= range.to && r.to >= range.from && r.territoryId !== toTerritoryId);
  if (!routing.some((r) => r.from <= range.to && r.to >= range.from)) {
    throw new ValidationError('reassignment', [{ field: 'postcodes', problem: `no routing range lies in ${range.from}–${range.to}` }]);
  }
  const pieces: RoutedRange[] = [];
  const moved: (PostcodeRange & { fromTerritoryId: string })[] = [];
  for (const r of overlapping) {
    const inside = { from: r.from > range.from ? r.from : range.from, to: r.to < range.to ? r.to : range.to };
    if (r.from < inside.from) pieces.push({ from: r.from, to: shift(inside.from, -1), territoryId: r.territoryId });
    pieces.push({ ...inside, territoryId: toTerritoryId });
    if (r.to > inside.to) pieces.push({ from: shift(inside.to, 1), to: r.to, territoryId: r.territoryId });
    moved.push({ ...inside, fromTerritoryId: r.territoryId });
  }
  return { routing: pieces, moved };
}
