/**
 * The domain model of Tandem 360: territories, tandems, customers, stores,
 * products, stock, and the request / decision / audit records later workflows fill.
 *
 * Each entity is a zod schema (the single definition of its shape and rules) and
 * the TypeScript type inferred from it. The domain never imports the AWS SDK.
 */
import { z } from 'zod';

export const POSTCODE_PATTERN = /^(?!00)\d{5}$/;
/** E.164: a plus, a country code that does not start with 0, at most 15 digits. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const postcodeSchema = z
  .string({ error: 'must be a string of 5 digits' })
  .regex(POSTCODE_PATTERN, 'must be a German postcode of 5 digits (01000–99999)');
export const e164Schema = z
  .string({ error: 'must be a phone number string' })
  .regex(E164_PATTERN, 'must be an E.164 phone number such as +493023125001');
export const emailSchema = z.email({ error: 'must be an email address' });
export const isoDateSchema = z.string().regex(ISO_DATE, 'must be a date YYYY-MM-DD');
export const isoDateTimeSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const territoryIdSchema = z.string().regex(/^T\d{3}$/, 'must look like T001');
export const storeIdSchema = z.string().regex(/^S\d{3}$/, 'must look like S001');
export const customerIdSchema = z.string().regex(/^C\d{6}$/, 'must look like C000001');
export const personIdSchema = z.string().regex(/^P\d{4}$/, 'must look like P0001');
export const skuSchema = z.string().regex(/^[A-Z]{3}-\d{4}$/, 'must look like GEF-0001');

export const LANGUAGES = ['de', 'en'] as const;
export const CHANNELS = ['sms', 'email'] as const;
export const ROLES = ['field', 'inside'] as const;
export const LIFECYCLES = ['prospect', 'new', 'handed-over'] as const;
export const UNITS = ['piece', 'kg', 'case', 'litre'] as const;

export type Language = (typeof LANGUAGES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Role = (typeof ROLES)[number];
export type Lifecycle = (typeof LIFECYCLES)[number];
export type Unit = (typeof UNITS)[number];

const coordinatesSchema = z.object({
  lat: z.number().min(47).max(55.1, 'must lie within Germany'),
  lon: z.number().min(5.8).max(15.1, 'must lie within Germany'),
});
export type Coordinates = z.infer<typeof coordinatesSchema>;

/** A postcode range, inclusive on both ends. Ranges never cross a two-digit postcode region. */
export const postcodeRangeSchema = z
  .object({ from: postcodeSchema, to: postcodeSchema })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['to'] })
  .refine((r) => r.from.slice(0, 2) === r.to.slice(0, 2), {
    message: 'a range must stay within one two-digit postcode region',
    path: ['to'],
  });
export type PostcodeRange = z.infer<typeof postcodeRangeSchema>;

export const territorySchema = z.object({
  territoryId: territoryIdSchema,
  name: z.string().min(1).max(80),
  region: z.string().regex(/^\d{2}$/, 'must be a two-digit postcode region'),
  postcodes: z.array(postcodeRangeSchema).min(1, 'must cover at least one postcode range'),
  centre: coordinatesSchema,
  homeStoreId: storeIdSchema,
});
export type Territory = z.infer<typeof territorySchema>;

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const clockTimeSchema = z.string({ error: 'must be a time HH:MM' }).regex(CLOCK_TIME, 'must be a time HH:MM (00:00–23:59)');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Input objects refuse fields they do not declare (a misspelt `timezone` must not be dropped silently), naming them. */
const unknownFields = (what: string, fields: string) => (issue: { code?: string; keys?: readonly string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown field ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}: ${what} has ${fields}` : undefined;

/**
 * When a person gets no informational SMS (urgent ones still go): from `from`
 * to `to` in their time zone, across midnight when `from` is later than `to`.
 */
export const quietHoursSchema = z
  .strictObject(
    {
      from: clockTimeSchema,
      to: clockTimeSchema,
      timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    },
    { error: unknownFields('quietHours', 'from, to, timeZone') },
  )
  .refine((q) => q.from !== q.to, { message: 'must differ from from (leave quietHours out for the default)', path: ['to'] });
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** The company's default: no informational SMS between 20:00 and 07:00 German time. */
export const DEFAULT_QUIET_HOURS: QuietHours = { from: '20:00', to: '07:00', timeZone: 'Europe/Berlin' };

const calendarDateSchema = isoDateSchema.refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real calendar date');

/** Holiday cover: from `from` to `to` (whole days, inclusive) the deputy gets this person's messages and tasks. */
export const absenceSchema = z
  .strictObject({ from: calendarDateSchema, to: calendarDateSchema, deputyId: personIdSchema }, { error: unknownFields('an absence', 'from, to, deputyId') })
  .refine((a) => a.from <= a.to, { message: 'must not be before from', path: ['to'] });
export type Absence = z.infer<typeof absenceSchema>;

export const MAX_ABSENCES = 20;

export const personSchema = z
  .strictObject(
    {
    personId: personIdSchema,
    name: z.string().min(1).max(80),
    mobile: e164Schema,
    email: emailSchema,
    language: z.enum(LANGUAGES, { error: 'must be one of de, en' }),
    channels: z
      .array(z.enum(CHANNELS, { error: 'must be sms or email' }))
      .min(1, 'must name at least one channel')
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel'),
    /** Absent: DEFAULT_QUIET_HOURS. */
    quietHours: quietHoursSchema.optional(),
    absences: z.array(absenceSchema).max(MAX_ABSENCES, `must list at most ${MAX_ABSENCES} absences`).optional(),
    /** The person asked not to get SMS (besides any STOP reply SNS records for the number). */
    smsOptedOut: z.boolean({ error: 'must be true or false' }).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a person has personId, name, mobile, email, language, channels, quietHours, absences, smsOptedOut`
          : undefined,
    },
  )
  .superRefine((person, ctx) => {
    const absences = [...(person.absences ?? [])].map((a, index) => ({ ...a, index })).sort((a, b) => a.from.localeCompare(b.from));
    for (const [i, absence] of absences.entries()) {
      if (absence.deputyId === person.personId) {
        ctx.addIssue({ code: 'custom', path: ['absences', absence.index, 'deputyId'], message: 'must be another person than the absent one' });
      }
      const previous = absences[i - 1];
      if (previous && absence.from <= previous.to) {
        ctx.addIssue({
          code: 'custom',
          path: ['absences', absence.index, 'from'],
          message: `overlaps the absence ${previous.from} to ${previous.to}; absences must not overlap`,
        });
      }
    }
  });
export type Person = z.infer<typeof personSchema>;

export const tandemSchema = z.object({
  territoryId: territoryIdSchema,
  fieldManager: personSchema,
  insideManager: personSchema,
});
export type Tandem = z.infer<typeof tandemSchema>;

export const addressSchema = z.object({
  street: z.string().min(1).max(120),
  postcode: postcodeSchema,
  city: z.string().min(1).max(80),
});
export type Address = z.infer<typeof addressSchema>;

export const customerSchema = z.object({
  customerId: customerIdSchema,
  name: z.string().min(1).max(120),
  address: addressSchema,
  territoryId: territoryIdSchema,
  lifecycle: z.enum(LIFECYCLES),
  owner: z.enum(ROLES),
  wonOn: isoDateSchema.optional(),
  homeStoreId: storeIdSchema,
  // A customer registered through onboarding (functions/customer-lifecycle/domain/onboarding.ts) also has:
  contact: z.object({ name: z.string().min(1).max(80), phone: e164Schema, email: emailSchema.optional() }).optional(),
  menuFocus: z.array(z.string().min(1).max(40)).max(10).optional(),
  expectedWeeklyVolumeEur: z.number().positive().optional(),
  /** The handover plan: when the customer passes from the field to the inside role, extended once at most. */
  onboarding: z
    .object({
      registrationId: z.string().min(1).max(80),
      registeredBy: personIdSchema,
      wonAt: isoDateTimeSchema,
      handoverAt: isoDateTimeSchema,
      extended: z.boolean(),
      handedOverAt: isoDateTimeSchema.optional(),
    })
    .optional(),
  /** When the customer passed to the inside role. */
  handedOverAt: isoDateTimeSchema.optional(),
});
export type Customer = z.infer<typeof customerSchema>;

const hoursSchema = z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'must look like 06:00-22:00');
export const openingHoursSchema = z.object({
  mon: hoursSchema.nullable(),
  tue: hoursSchema.nullable(),
  wed: hoursSchema.nullable(),
  thu: hoursSchema.nullable(),
  fri: hoursSchema.nullable(),
  sat: hoursSchema.nullable(),
  sun: hoursSchema.nullable(),
});
export type OpeningHours = z.infer<typeof openingHoursSchema>;

export const storeSchema = z.object({
  storeId: storeIdSchema,
  name: z.string().min(1).max(80),
  city: z.string().min(1).max(80),
  postcode: postcodeSchema,
  location: coordinatesSchema,
  openingHours: openingHoursSchema,
});
export type Store = z.infer<typeof storeSchema>;

/** The highest price per unit anything in the catalogue or a price request may carry. */
export const MAX_PRICE_EUR = 10_000;
/** Exact for doubles parsed from JSON: a decimal with at most 2 places survives toFixed(2) unchanged. */
const isWholeCents = (euros: number): boolean => Number(euros.toFixed(2)) === euros;

/** A price in EUR per unit (net, as a wholesale list price): more than 0, whole cents. */
export const priceSchema = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number (EUR)') })
  .positive('must be more than 0')
  .max(MAX_PRICE_EUR, `must be at most ${MAX_PRICE_EUR}`)
  .refine(isWholeCents, 'must be in whole cents (at most 2 decimal places)');

export const productSchema = z.object({
  sku: skuSchema,
  name: z.string().min(1).max(120),
  productLine: z.string().min(1).max(60),
  unit: z.enum(UNITS),
  /** The list price in EUR per catalogue unit (per piece, kg, case or litre), before any special price. */
  listPrice: priceSchema,
});
export type Product = z.infer<typeof productSchema>;

const quantitySchema = z.number().int('must be a whole number').min(0, 'must not be negative');
export const stockLevelSchema = z.object({
  storeId: storeIdSchema,
  sku: skuSchema,
  /** Units on hand at the last count (reserved goods are still on the shelf, so they are counted too). */
  available: quantitySchema,
  /**
   * Units promised to requests and not yet picked up. A new count may come out
   * below it (goods spoiled or sold); the reservations are kept and the
   * difference is a shortfall, so nothing more can be reserved until stock returns.
   */
  reserved: quantitySchema,
  countedAt: isoDateTimeSchema,
});
export type StockLevel = z.infer<typeof stockLevelSchema>;

/** A store's neighbour, precomputed so that "nearest stores" is one query. */
export interface StoreNeighbour {
  readonly storeId: string;
  readonly neighbourId: string;
  readonly distanceKm: number;
}

export const REQUEST_STATUSES = [
  'RECEIVED',
  'RESERVED',
  'PARTIAL',
  'ESCALATED',
  'SOURCED',
  'UNFULFILLED',
  'FAILED',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const requestLineSchema = z.object({
  sku: skuSchema,
  quantity: z.number().positive('must be more than 0').max(10_000, 'must be at most 10000'),
  unit: z.enum(UNITS),
});
export type RequestLine = z.infer<typeof requestLineSchema>;

export const customerRequestRecordSchema = z.object({
  requestId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,79}$/, 'must be 3–80 letters, digits, dot, dash or underscore'),
  /** Known at submission, or found by routing a prospect. */
  customerId: customerIdSchema.optional(),
  /** Set by routing; a request that is still RECEIVED may not have it yet. */
  territoryId: territoryIdSchema.optional(),
  /** An unknown customer as the store system named it, routed by postcode. */
  prospect: z.object({ name: z.string().min(1).max(120), postcode: postcodeSchema, city: z.string().min(1).max(80).optional() }).optional(),
  status: z.enum(REQUEST_STATUSES),
  lines: z.array(requestLineSchema).min(1, 'must contain at least one line').max(50),
  neededBy: isoDateTimeSchema,
  fulfilment: z.enum(['pickup', 'delivery']),
  preferredStoreId: storeIdSchema.optional(),
  note: z.string().max(500).optional(),
  /** The store holding the goods (the initial reservation, or the one a decision sourced from). */
  storeId: storeIdSchema.optional(),
  /** Why the request ended FAILED or UNFULFILLED, in words for ops and the tandem. */
  reason: z.string().max(1000).optional(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type CustomerRequestRecord = z.infer<typeof customerRequestRecordSchema>;

export const decisionRecordSchema = z.object({
  requestId: customerRequestRecordSchema.shape.requestId,
  decidedBy: personIdSchema,
  outcome: z.enum(['sourced', 'alternative', 'declined']),
  storeId: storeIdSchema.optional(),
  reason: z.string().max(500).optional(),
  decidedAt: isoDateTimeSchema,
});
export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

export const auditEventSchema = z.object({
  requestId: customerRequestRecordSchema.shape.requestId,
  at: isoDateTimeSchema,
  step: z.string().regex(/^[A-Z][A-Za-z]+$/, 'must be a PascalCase step name'),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
