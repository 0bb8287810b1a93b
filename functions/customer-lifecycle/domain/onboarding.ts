/**
 * Onboarding a newly won customer (story case 4): the field manager registers
 * the customer, who belongs to the field role for a handover period (default
 * six weeks, per stage) and then passes to the inside role. The field manager
 * may hand over early, or extend the period once. Pure rules, no I/O.
 */
import { z } from 'zod';
import { fingerprintOf } from '../../shared/idempotency';
import { ConflictError, ValidationError } from '../../domain/errors';
import { e164Schema, emailSchema, personIdSchema, postcodeSchema } from '../../domain/model';
import { validate } from '../../domain/validate';
import { requestIdSchema, requiredOr, strictFields } from '../../customer-request/domain/submission';

/** A week's business a new customer is expected to bring, in EUR; above this it is a typo, not a restaurant. */
export const MAX_WEEKLY_VOLUME_EUR = 250_000;
/** One extension, by this many weeks at most. */
export const MAX_EXTENSION_WEEKS = 4;
const WEEK_MS = 7 * 86_400_000;

const text = (max: number) => z.string({ error: requiredOr('must be a string') }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const customerRegistrationSchema = strictFields('a customer registration', {
  registrationId: requestIdSchema.describe("The field manager's app's idempotency key."),
  business: text(120).describe('The business name, e.g. "Trattoria Da Marco".'),
  address: strictFields('an address', { street: text(120), postcode: postcodeSchema, city: text(80) }),
  contact: strictFields('a contact', { name: text(80), phone: e164Schema, email: emailSchema.optional() }),
  menuFocus: z
    .array(text(40), { error: requiredOr('must be a list of words such as "fish", "italian"') })
    .min(1, 'must name at least one focus')
    .max(10, 'must name at most 10'),
  expectedWeeklyVolumeEur: z
    .number({ error: requiredOr('must be a number of EUR') })
    .positive('must be more than 0')
    .max(MAX_WEEKLY_VOLUME_EUR, `must be at most ${MAX_WEEKLY_VOLUME_EUR}`),
  registeredBy: personIdSchema.describe('The field manager who won the customer.'),
}).describe('A newly won customer, registered by the field manager.');

export type CustomerRegistration = z.output<typeof customerRegistrationSchema>;

export function parseRegistration(body: unknown): CustomerRegistration {
  return validate(customerRegistrationSchema, body, 'customer registration');
}

export interface HandoverPlan {
  readonly wonAt: string;
  /** When the customer passes to the inside role. */
  readonly handoverAt: string;
  readonly extended: boolean;
  readonly handedOverAt?: string;
}

export function planHandover(wonAt: Date, handoverWeeks: number): HandoverPlan {
  if (!(Number.isInteger(handoverWeeks) && handoverWeeks >= 1 && handoverWeeks <= 26)) throw new RangeError(`handover period must be 1–26 weeks, got ${handoverWeeks}`);
  return { wonAt: wonAt.toISOString(), handoverAt: new Date(wonAt.getTime() + handoverWeeks * WEEK_MS).toISOString(), extended: false };
}

export type HandoverAction = { readonly action: 'handover-now' } | { readonly action: 'extend'; readonly weeks: number };

export const handoverActionSchema = z.discriminatedUnion(
  'action',
  [
    strictFields('an early handover', { action: z.literal('handover-now') }),
    strictFields('an extension', {
      action: z.literal('extend'),
      weeks: z.number({ error: requiredOr('must be a number of weeks') }).int('must be whole weeks').min(1, 'must be at least 1').max(MAX_EXTENSION_WEEKS, `must be at most ${MAX_EXTENSION_WEEKS}`),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'must be one of handover-now, extend' : 'must be a JSON object') },
);

/** The plan after the field manager's choice; a handed-over customer or a second extension is a conflict. */
export function applyHandoverAction(plan: HandoverPlan, body: unknown, now: Date): HandoverPlan {
  const action = validate(handoverActionSchema, body, 'handover action') as HandoverAction;
  if (plan.handedOverAt) throw new ConflictError(`the customer was handed over at ${plan.handedOverAt} already`);
  if (action.action === 'handover-now') return { ...plan, handoverAt: now.toISOString(), handedOverAt: now.toISOString() };
  if (plan.extended) throw new ConflictError('the handover period was extended once already');
  if (Date.parse(plan.handoverAt) <= now.getTime()) {
    throw new ValidationError('handover action', [{ field: 'action', problem: 'the handover period is over; it can no longer be extended' }]);
  }
  return { ...plan, handoverAt: new Date(Date.parse(plan.handoverAt) + action.weeks * WEEK_MS).toISOString(), extended: true };
}

/** The plan as the customer record keeps it: the handover plan, the registration it came from and who won the customer. */
export interface OnboardingPlan extends HandoverPlan {
  readonly registrationId: string;
  readonly registeredBy: string;
}

/** The onboarding of a customer is one case, and one execution under the same name (a customer is onboarded once). */
export const onboardingCaseId = (customerId: string): string => `onboarding-${customerId}`;

/** One handover task per round of the handover period: the welcome is round 0, each later wait the next. */
export const handoverTaskId = (customerId: string, round: number): string => `onb-${customerId}-${round}`;

/**
 * Customers registered here get ids from C100001 up, counted by one atomic
 * counter: the seed's customers are numbered from C000001 (three per
 * territory, so at most a few thousand) and prospects live in C900000–C999999.
 */
export const ONBOARDED_ID_BASE = 100_000;
const ONBOARDED_ID_LIMIT = 900_000;

export function onboardedCustomerId(counter: number): string {
  const n = ONBOARDED_ID_BASE + counter;
  if (!(Number.isInteger(counter) && counter >= 1 && n < ONBOARDED_ID_LIMIT)) throw new RangeError(`customer id counter ${counter} is outside 1–${ONBOARDED_ID_LIMIT - ONBOARDED_ID_BASE - 1}`);
  return `C${String(n).padStart(6, '0')}`;
}

/** What POST /customers answers, and answers again for the same registration. */
export interface RegistrationAnswer {
  readonly customerId: string;
  readonly territoryId: string;
  readonly status: 'new';
  readonly owner: 'field';
  readonly handoverAt: string;
}

/** The idempotency record of a registration: a repeat with the same body gets the same answer, another body a 409. */
export interface RegistrationRecord {
  readonly registrationId: string;
  readonly fingerprint: string;
  readonly answer: RegistrationAnswer;
  readonly registeredAt: string;
}

/**
 * A SHA-256 digest of what the registration means: keys sorted at every
 * level, so a retry that writes its fields in another order is still the
 * same registration (the parsed body is already trimmed).
 */
export function registrationFingerprint(registration: CustomerRegistration): string {
  return fingerprintOf(registration);
}


/** The field manager's answer as the handover task stores it and the workflow reads it (`outcome`, as every task answer). */
export type HandoverAnswer = { readonly outcome: 'handover-now' } | { readonly outcome: 'extend'; readonly weeks: number };

/** The body (`{action: …}`, from the link or the app) as the task's answer; a ValidationError names the field. */
export function parseHandoverAnswer(body: unknown): HandoverAnswer {
  const action = validate(handoverActionSchema, body, 'handover action') as HandoverAction;
  return action.action === 'extend' ? { outcome: 'extend', weeks: action.weeks } : { outcome: 'handover-now' };
}

/** The stored answer as the action applyHandoverAction takes. */
export function actionOfAnswer(answer: { readonly outcome: string } & Record<string, unknown>): HandoverAction {
  if (answer.outcome === 'handover-now') return { action: 'handover-now' };
  if (answer.outcome === 'extend' && typeof answer.weeks === 'number') return { action: 'extend', weeks: answer.weeks };
  throw new Error(`not a handover answer: ${answer.outcome}`);
}
