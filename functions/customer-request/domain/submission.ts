/**
 * The one schema of `POST /requests`: what a store system may send when a
 * customer needs products by a date. The handler validates with it, the OpenAPI
 * document is generated from it, and the workflow input is its output.
 */
import { z } from 'zod';
import { executionName, fingerprintOf } from '../../shared/idempotency';
import {
  customerIdSchema,
  customerRequestRecordSchema,
  isoDateTimeSchema,
  postcodeSchema,
  skuSchema,
  storeIdSchema,
  UNITS,
  type Unit,
} from '../../domain/model';
import { validate } from '../../domain/validate';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 10_000;
export const MAX_NOTE_LENGTH = 500;
/** Further ahead than this is a pre-order, not a request the tandem can act on now. */
export const MAX_DAYS_AHEAD = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Units that come whole; kg and litre may be weighed or measured to the gram / millilitre. */
export const WHOLE_UNITS: ReadonlySet<Unit> = new Set(['piece', 'case']);
export const MAX_DECIMALS = 3;

/**
 * An object that rejects fields it does not declare, naming them and the allowed
 * ones: a misspelt `qty` must not be silently dropped. (zod reports unknown keys
 * at the object's own path; JSON Schema says `additionalProperties: false`.)
 */
export function strictFields<const S extends z.ZodRawShape>(what: string, shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${k}"`).join(', ');
        return `unknown field ${keys}: ${what} has only ${allowed}`;
      }
      return issue.code === 'invalid_type' ? `must be a JSON object (${what})` : undefined;
    },
  });
}

/** A type error's message, or "is required" when the field is missing altogether. */
export const requiredOr =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : message;

/**
 * Cross-field checks run even when another field already failed, so that one
 * 400 lists every problem; they therefore look at the raw value defensively.
 */
const EVEN_IF_OTHER_FIELDS_FAILED = { when: () => true } as const;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Exact for doubles parsed from JSON: a decimal with ≤ 3 places survives toFixed(3) unchanged. */
export const hasAtMostDecimals = (value: number, decimals: number): boolean => Number(value.toFixed(decimals)) === value;

// Control characters would end up in SMS, emails and logs; newlines are fine in an email body.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$/;

export const noteSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
  .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters other than newline');

/** A quantity as the store system sends it; whether it must be whole depends on the unit. */
export const quantitySchema = z
  .number({ error: requiredOr('must be a number') })
  .positive('must be more than 0')
  .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`)
  .refine((q) => hasAtMostDecimals(q, MAX_DECIMALS), `must have at most ${MAX_DECIMALS} decimal places`);

export const requestIdSchema = customerRequestRecordSchema.shape.requestId.describe(
  "The store system's idempotency key: 3–80 letters, digits, '.', '_' or '-', starting with a letter or digit.",
);

export const submissionLineSchema = strictFields('a request line', {
  sku: skuSchema,
  quantity: quantitySchema,
  unit: z.enum(UNITS, { error: requiredOr(`must be one of ${UNITS.join(', ')}`) }),
})
  .superRefine((line, ctx) => {
    if (WHOLE_UNITS.has(line.unit) && !Number.isInteger(line.quantity)) {
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: `must be a whole number for unit ${line.unit}` });
    }
  })
  .describe('Quantities in piece or case must be whole numbers; kg and litre allow 3 decimal places.');

export const prospectSchema = strictFields('a prospect', {
  name: z.string({ error: requiredOr('must be a string') }).trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  postcode: postcodeSchema,
  city: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
}).describe('An unknown customer, routed to a territory by postcode and recorded as a prospect.');

const linesSchema = z
  .array(submissionLineSchema, { error: requiredOr('must be a list of lines') })
  .min(1, 'must contain at least one line')
  .max(MAX_LINES, `must contain at most ${MAX_LINES} lines`)
  .check(
    z.superRefine((lines: unknown, ctx) => {
      if (!Array.isArray(lines)) return;
      const firstLineOf = new Map<string, number>();
      lines.forEach((line: unknown, index) => {
        if (!isRecord(line) || typeof line.sku !== 'string') return;
        const first = firstLineOf.get(line.sku);
        if (first === undefined) firstLineOf.set(line.sku, index);
        else ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `repeats ${line.sku} of line ${first}; give each SKU once` });
      });
    }, EVEN_IF_OTHER_FIELDS_FAILED),
  )
  .describe('Each SKU at most once.');

export const customerRequestSubmissionSchema = strictFields('a customer request', {
  requestId: requestIdSchema,
  customerId: customerIdSchema.optional(),
  prospect: prospectSchema.optional(),
  lines: linesSchema,
  neededBy: isoDateTimeSchema.describe(`ISO 8601 date-time with offset; must lie in the future and at most ${MAX_DAYS_AHEAD} days ahead.`),
  fulfilment: z.enum(['pickup', 'delivery'], { error: requiredOr('must be pickup or delivery') }),
  preferredStoreId: storeIdSchema.optional(),
  note: noteSchema.optional(),
})
  .check(
    z.superRefine((submission: unknown, ctx) => {
      if (!isRecord(submission)) return;
      const hasCustomer = submission.customerId !== undefined;
      const hasProspect = submission.prospect !== undefined;
      if (hasCustomer && hasProspect) {
        ctx.addIssue({ code: 'custom', path: ['prospect'], message: 'must be left out when customerId is given (give exactly one)' });
      } else if (!hasCustomer && !hasProspect) {
        ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'is required unless a prospect (name, postcode) is given' });
      }
    }, EVEN_IF_OTHER_FIELDS_FAILED),
  )
  .meta({
    description: 'A customer request from a store system. Exactly one of customerId or prospect.',
    // The same rule for JSON Schema validators (e.g. API Gateway's request validation).
    oneOf: [{ required: ['customerId'] }, { required: ['prospect'] }],
  });

export type CustomerRequestSubmission = z.output<typeof customerRequestSubmissionSchema>;
export type CustomerRequestSubmissionInput = z.input<typeof customerRequestSubmissionSchema>;
export type SubmissionLine = z.output<typeof submissionLineSchema>;

/** The rule that needs a clock, kept out of the static schema so the schema (and its JSON Schema) stays pure. */
function neededByWithin(now: Date) {
  return z.superRefine((submission: unknown, ctx) => {
    if (!isRecord(submission) || !isoDateTimeSchema.safeParse(submission.neededBy).success) return; // reported by the schema
    const neededBy = Date.parse(String(submission.neededBy));
    if (neededBy <= now.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['neededBy'], message: `must be in the future (now is ${now.toISOString()})` });
    } else if (neededBy > now.getTime() + MAX_DAYS_AHEAD * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['neededBy'], message: `must be at most ${MAX_DAYS_AHEAD} days ahead` });
    }
  }, EVEN_IF_OTHER_FIELDS_FAILED);
}

/** Parses a request body (already JSON-decoded) or throws a ValidationError naming every offending field. */
export function parseSubmission(body: unknown, now: Date): CustomerRequestSubmission {
  return validate(customerRequestSubmissionSchema.check(neededByWithin(now)), body, 'customer request');
}

/**
 * A SHA-256 hex digest of what the submission means, to tell a retry ("same id,
 * same body" → answer with the existing request) from a conflict ("same id,
 * different body" → 409). Line order, key order and the offset in which the
 * same needed-by instant is written do not change it.
 */
export function submissionFingerprint(submission: CustomerRequestSubmission): string {
  const lines = [...submission.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const canonical = { ...submission, lines, neededBy: new Date(submission.neededBy).toISOString() };
  return fingerprintOf(canonical);
}

/**
 * The Step Functions execution name for a request: the same id always gives the
 * same name, so a retried submission cannot start a second execution.
 */
export function executionNameFor(requestId: string): string {
  return executionName('req-', requestId);
}
