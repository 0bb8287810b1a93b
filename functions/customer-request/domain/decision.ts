/**
 * `POST /tasks/{ref}/decision`: a person's answer to an escalated request, and
 * the short reference that stands in for the Step Functions task token in a link.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { skuSchema, storeIdSchema } from '../../domain/model';
import { validate } from '../../domain/validate';
import { noteSchema, quantitySchema, requiredOr, strictFields } from './submission';

export const DECISION_OUTCOMES = ['sourced', 'alternative', 'declined'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

const sourcedSchema = strictFields('a sourced decision', {
  outcome: z.literal('sourced'),
  storeId: storeIdSchema,
}).describe('The goods were found at this store; the workflow reserves them there.');

const alternativeSchema = strictFields('an alternative decision', {
  outcome: z.literal('alternative'),
  sku: skuSchema,
  quantity: quantitySchema,
  note: noteSchema.optional(),
}).describe("An alternative product is offered to the customer; the unit is the catalogue's unit of that SKU.");

const declinedSchema = strictFields('a declined decision', {
  outcome: z.literal('declined'),
  reason: z.string({ error: requiredOr('must be a string') }).trim().min(3, 'must be at least 3 characters').max(500, 'must be at most 500 characters'),
}).describe('The request cannot be met; the reason is recorded and told to the tandem.');

export const decisionSchema = z
  .discriminatedUnion('outcome', [sourcedSchema, alternativeSchema, declinedSchema], {
    // zod reports a body that is no object through the union too.
    error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${DECISION_OUTCOMES.join(', ')}` : 'must be a JSON object'),
  })
  .describe('The answer to a decision task.');

export type Decision = z.output<typeof decisionSchema>;

export function parseDecision(body: unknown): Decision {
  return validate(decisionSchema, body, 'decision');
}

/** 16 random bytes = 128 bits, base64url without padding: 22 characters, safe in a URL and an SMS. */
const REF_BYTES = 16;
/** 22 characters carry 132 bits; the last one holds only 2 bits, so it is one of A, Q, g, w. */
export const DECISION_REF_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** A fresh, unguessable, single-use reference for a decision link (mapped to the task token in storage). */
export function newDecisionRef(): string {
  return randomBytes(REF_BYTES).toString('base64url');
}

/** True for exactly the strings newDecisionRef can return; anything else is refused before any lookup. */
export function isDecisionRef(text: string): boolean {
  return DECISION_REF_PATTERN.test(text);
}

/** What is wrong with a text given as a decision reference, said for the person holding the link; undefined for a well-formed one. */
export function decisionRefProblem(text: string): string | undefined {
  const characters = [...text].length;
  if (characters !== 22) return `must have 22 characters, not ${characters}`;
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return 'may hold only letters, digits, - and _';
  if (!isDecisionRef(text)) return 'must end in A, Q, g or w';
  return undefined;
}
