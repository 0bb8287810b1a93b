/**
 * The one schema of `POST /price-requests`: a tandem partner asks for a special
 * price for a customer's weekly volume of one product (story case 3: "10–12 kg
 * tuna a week, can we do something on price?"). The handler validates with it
 * and the OpenAPI document is to be generated from it. Whether the customer and
 * the product exist, and whether `unit` is the product's unit, needs the
 * catalogue and is checked after parsing (price-tiers.ts names `unit`).
 */
import { z } from 'zod';
import {
  customerIdSchema,
  customerRequestRecordSchema,
  MAX_PRICE_EUR,
  personIdSchema,
  priceSchema,
  skuSchema,
  UNITS,
  type Unit,
} from '../../domain/model';
import { validate } from '../../domain/validate';
import { hasAtMostDecimals, MAX_DECIMALS, noteSchema, requiredOr, strictFields, WHOLE_UNITS } from '../../customer-request/domain/submission';

/**
 * The most a single customer can plausibly take of one product per week, per
 * unit: about ten times what a large caterer or canteen buys (5,000 kg is over
 * 700 kg a day). Anything above is a typo (a price in the volume field, kg for g),
 * not a negotiation.
 */
export const MAX_WEEKLY_VOLUME: Readonly<Record<Unit, number>> = {
  kg: 5_000,
  piece: 5_000,
  case: 1_000,
  litre: 10_000,
};
const LARGEST_WEEKLY_VOLUME = Math.max(...Object.values(MAX_WEEKLY_VOLUME));

/**
 * Cross-field checks run even when another field already failed, so that one
 * 400 lists every problem; they therefore look at the raw value defensively.
 */
const EVEN_IF_OTHER_FIELDS_FAILED = { when: () => true } as const;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isPositiveNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

const volumeBoundSchema = z
  .number({ error: requiredOr('must be a number') })
  .positive('must be more than 0')
  .max(LARGEST_WEEKLY_VOLUME, `must be at most ${LARGEST_WEEKLY_VOLUME}`)
  .refine((v) => hasAtMostDecimals(v, MAX_DECIMALS), `must have at most ${MAX_DECIMALS} decimal places`);

export const weeklyVolumeSchema = strictFields('a weekly volume', { min: volumeBoundSchema, max: volumeBoundSchema })
  .check(
    z.superRefine((volume: unknown, ctx) => {
      if (!isRecord(volume) || !isPositiveNumber(volume.min) || !isPositiveNumber(volume.max)) return;
      if (volume.min > volume.max) {
        ctx.addIssue({ code: 'custom', path: ['max'], message: `must not be below min (${volume.min})` });
      }
    }, EVEN_IF_OTHER_FIELDS_FAILED),
  )
  .describe('The weekly volume in the product\'s unit, as a range: "10–12 kg a week" is {"min": 10, "max": 12}; one figure is min = max. The price tier is earned by min.');

export const priceRequestIdSchema = customerRequestRecordSchema.shape.requestId.describe(
  "The caller's idempotency key: 3–80 letters, digits, '.', '_' or '-', starting with a letter or digit.",
);

export const priceRequestSchema = strictFields('a price request', {
  priceRequestId: priceRequestIdSchema,
  customerId: customerIdSchema,
  sku: skuSchema,
  weeklyVolume: weeklyVolumeSchema,
  unit: z
    .enum(UNITS, { error: requiredOr(`must be one of ${UNITS.join(', ')}`) })
    .describe('The unit of weeklyVolume and proposedPrice; must be the unit the product is sold in.'),
  proposedPrice: priceSchema.describe(`EUR per unit, in whole cents, more than 0 and at most ${MAX_PRICE_EUR}.`),
  note: noteSchema.optional(),
  requestedBy: personIdSchema.describe('The tandem partner asking (usually the field manager).'),
})
  .check(
    z.superRefine((request: unknown, ctx) => {
      if (!isRecord(request) || !isRecord(request.weeklyVolume)) return;
      const unit = request.unit;
      if (typeof unit !== 'string' || !(UNITS as readonly string[]).includes(unit)) return; // reported at unit
      const limit = MAX_WEEKLY_VOLUME[unit as Unit];
      for (const bound of ['min', 'max'] as const) {
        const value = request.weeklyVolume[bound];
        if (!isPositiveNumber(value)) continue; // reported by the volume's own schema
        if (value > limit && value <= LARGEST_WEEKLY_VOLUME) {
          ctx.addIssue({ code: 'custom', path: ['weeklyVolume', bound], message: `must be at most ${limit} ${unit} a week` });
        }
        if (WHOLE_UNITS.has(unit as Unit) && !Number.isInteger(value)) {
          ctx.addIssue({ code: 'custom', path: ['weeklyVolume', bound], message: `must be a whole number for unit ${unit}` });
        }
      }
    }, EVEN_IF_OTHER_FIELDS_FAILED),
  )
  .meta({
    description: `A request for a special price for a customer's weekly volume of one product. weeklyVolume is at most ${Object.entries(
      MAX_WEEKLY_VOLUME,
    )
      .map(([unit, limit]) => `${limit} ${unit}`)
      .join(', ')} a week; piece and case volumes are whole numbers.`,
  });

export type PriceRequest = z.output<typeof priceRequestSchema>;
export type PriceRequestInput = z.input<typeof priceRequestSchema>;

/** Parses a request body (already JSON-decoded) or throws a ValidationError naming every offending field. */
export function parsePriceRequest(body: unknown): PriceRequest {
  return validate(priceRequestSchema, body, 'price request');
}
