/**
 * The special-price decision (kind `priceDecision`): the inside manager — or,
 * after the hand-over, the field manager — approves a price request at the
 * proposed or another price, makes a counter-offer, or rejects it.
 *
 * Answers (JSON, or the link page's form):
 * - `{"outcome": "approve", "price"?: 39.50, "validUntil"?: "2027-06-30"}`: the
 *   price defaults to the proposed one; the validity to the stage's
 *   priceValidityDays from today.
 * - `{"outcome": "counter", "price": 40.90, "note"?: "…"}`: must differ from
 *   the proposed price; the field manager then asks the customer.
 * - `{"outcome": "reject", "reason": "…"}`: the volume-tier price stays.
 * Prices are EUR per unit, more than 0, whole cents, at most MAX_PRICE_EUR,
 * and not below the request's floor (list − 15 %): a deeper discount is not
 * the tandem's to give (docs/pricing.md). The answer is stored on the
 * request with a `PriceDecided` event; the workflow records the outcome.
 */
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../domain/errors';
import { isoDateSchema, priceSchema, type Language } from '../../domain/model';
import { validate } from '../../domain/validate';
import { formatPrice } from '../../customer-request/domain/messages';
import { noteSchema, requiredOr, strictFields } from '../../customer-request/domain/submission';
import { priceAnswerItems, type PriceAnswer, type PriceRequestRecord } from '../../repository/price-repository';
import type { CustomerTaskRef, StoredAnswer } from '../../repository/customer-task-repository';
import { priceDecisionParams, personName } from '../price-request/price-messages';
import { checkValidUntil } from '../price-request/price-validity';
import { choice, formPrice, formText, input, loadPriceCase, priceValue, unitPrice, weeklyRange } from '../price-request/price-task-page';
import type { CustomerTaskKindHandler, TaskPageContent } from './customer-task-kind';

export const PRICE_DECISION_OUTCOMES = ['approve', 'counter', 'reject'] as const;

/** `2027-02-30` matches the pattern but is no day: Date.parse gives NaN for it, or another day's time. (Not the pattern: reported by it.) */
const isRealDate = (d: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return true;
  const time = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(d);
};
const calendarDateSchema = isoDateSchema.refine(isRealDate, 'must be a real calendar date');
export const reasonSchema = noteSchema.pipe(z.string().min(3, 'must be at least 3 characters'));

const approveSchema = strictFields('an approval', {
  outcome: z.literal('approve'),
  price: priceSchema.optional().describe('EUR per unit; the proposed price when left out.'),
  validUntil: calendarDateSchema.optional().describe('The last day the price applies (YYYY-MM-DD); the standard validity when left out.'),
});
const counterSchema = strictFields('a counter-offer', {
  outcome: z.literal('counter'),
  price: priceSchema.describe('EUR per unit, different from the proposed price.'),
  note: noteSchema.optional(),
});
const rejectSchema = strictFields('a rejection', {
  outcome: z.literal('reject'),
  reason: z.string({ error: requiredOr('must be a string') }).pipe(reasonSchema),
});

export const priceDecisionAnswerSchema = z
  .discriminatedUnion('outcome', [approveSchema, counterSchema, rejectSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${PRICE_DECISION_OUTCOMES.join(', ')}` : 'must be a JSON object'),
  })
  .describe('The answer to a special-price decision.');

export type PriceDecisionAnswer = z.output<typeof priceDecisionAnswerSchema>;

export function parsePriceDecisionAnswer(body: unknown): PriceDecisionAnswer {
  return validate(priceDecisionAnswerSchema, body, 'price decision');
}

/**
 * What the request allows: it still waits for this decision, no price below
 * the floor, a counter-offer that is one, a last day after today. Pure.
 */
export function checkPriceDecision(request: PriceRequestRecord, answer: PriceDecisionAnswer, now: Date): void {
  if (request.status !== 'PENDING') {
    throw new ConflictError(`price request ${request.priceRequestId} is ${request.status}, no longer waiting for a decision`);
  }
  if (answer.outcome === 'reject') return;
  const price = answer.price ?? request.proposedPrice;
  const { floorPrice } = request.suggestion;
  if (price < floorPrice) {
    const whose = answer.price === undefined ? `the proposed price ${request.proposedPrice}` : String(price);
    throw new ValidationError('price decision', [
      { field: 'price', problem: `${whose} is below the floor of ${floorPrice} (list ${request.listPrice} − 15 %), which the tandem may not go under; ${answer.outcome === 'approve' ? 'approve at' : 'counter with'} ${floorPrice} or more, or reject` },
    ]);
  }
  if (answer.outcome === 'counter' && price === request.proposedPrice) {
    throw new ValidationError('price decision', [{ field: 'price', problem: `must differ from the proposed price ${request.proposedPrice}; to agree to it, approve` }]);
  }
  if (answer.outcome === 'approve' && answer.validUntil !== undefined) checkValidUntil(answer.validUntil, now);
}

/** An answer to either price task as the request keeps it: its fields (parsed by the task's kind), who gave it, when, in which phase. */
export function priceAnswer(ref: Pick<CustomerTaskRef, 'phase'>, decided: StoredAnswer): PriceAnswer {
  const fields = decided.answer as Omit<PriceAnswer, 'decidedBy' | 'decidedAt' | 'phase'>;
  return { ...fields, decidedBy: decided.decidedBy, decidedAt: decided.decidedAt, phase: ref.phase };
}

const TEXT = {
  de: {
    title: 'Sonderpreis',
    lead: (by: string, customer: string, proposed: string, product: string) => `${by} bittet für ${customer} um einen Sonderpreis von ${proposed} für ${product}. Bitte freigeben, ein Gegenangebot machen oder ablehnen.`,
    customer: 'Kunde', product: 'Artikel', volume: 'Menge pro Woche', list: 'Listenpreis', tier: 'Staffelpreis', floor: 'Untergrenze (Liste − 15 %)',
    proposed: 'Vorgeschlagener Preis', requestedBy: 'Angefragt von', note: 'Notiz',
    judgement: { 'at-or-above-suggestion': 'nicht unter dem Staffelpreis', 'within-floor': 'unter dem Staffelpreis, über der Untergrenze', 'below-floor': 'unter der Untergrenze' },
    approve: 'Freigeben zum Preis (€ je Einheit) – gültig bis (leer: Standardlaufzeit)', counter: 'Gegenangebot (€ je Einheit) mit Notiz', reject: 'Ablehnen mit Grund',
    submit: 'Entscheidung senden', notePlaceholder: 'Notiz', reasonPlaceholder: 'Grund',
  },
  en: {
    title: 'Special price',
    lead: (by: string, customer: string, proposed: string, product: string) => `${by} asks for a special price of ${proposed} for ${product} for ${customer}. Please approve, make a counter-offer or reject.`,
    customer: 'Customer', product: 'Product', volume: 'Weekly volume', list: 'List price', tier: 'Volume-tier price', floor: 'Floor (list − 15 %)',
    proposed: 'Proposed price', requestedBy: 'Requested by', note: 'Note',
    judgement: { 'at-or-above-suggestion': 'not below the volume-tier price', 'within-floor': 'below the volume-tier price, above the floor', 'below-floor': 'below the floor' },
    approve: 'Approve at the price (€ per unit) – valid until (empty: standard validity)', counter: 'Counter-offer (€ per unit) with a note', reject: 'Reject with a reason',
    submit: 'Send decision', notePlaceholder: 'note', reasonPlaceholder: 'reason',
  },
} as const;

async function page(ctx: Parameters<CustomerTaskKindHandler['page']>[0], ref: CustomerTaskRef, language: Language): Promise<TaskPageContent> {
  const { request, facts } = await loadPriceCase(ctx, ref);
  const t = TEXT[language];
  const price = (eur: number) => unitPrice(eur, request.unit, language);
  const requestedByName = (await personName(ctx, facts.tandem, request.requestedBy)) ?? request.requestedBy;
  const { suggestion } = request;
  return {
    title: t.title,
    lead: t.lead(requestedByName, facts.customer.name, price(request.proposedPrice), request.productName),
    facts: [
      [t.customer, `${facts.customer.name} (${facts.customer.customerId})`],
      [t.product, `${request.productName} (${request.sku})`],
      [t.volume, weeklyRange(request.weeklyVolume, request.unit, language)],
      [t.list, price(request.listPrice)],
      [t.tier, `${price(suggestion.suggestedPrice)} (${suggestion.tier}, −${suggestion.discountPercent} %)`],
      [t.floor, price(suggestion.floorPrice)],
      [t.proposed, `${price(request.proposedPrice)} (${t.judgement[request.judgement]})`],
      [t.requestedBy, requestedByName],
      ...(request.note ? [[t.note, request.note] as const] : []),
    ],
    formFields: [
      choice('approve', t.approve, `${input('approvePrice', { size: 8, decimal: true, value: priceValue(request.proposedPrice) })} ${input('validUntil', { type: 'date' })}`, true),
      choice('counter', t.counter, `${input('counterPrice', { size: 8, decimal: true, placeholder: formatPrice(suggestion.suggestedPrice, language) })} ${input('note', { size: 30, maxLength: 500, placeholder: t.notePlaceholder })}`),
      choice('reject', t.reject, input('reason', { size: 30, maxLength: 500, placeholder: t.reasonPlaceholder })),
    ].join('\n'),
    submit: t.submit,
  };
}

export const priceDecisionTask: CustomerTaskKindHandler = {
  parseAnswer: parsePriceDecisionAnswer,

  fromForm(form) {
    const outcome = formText(form, 'outcome');
    switch (outcome) {
      case 'approve':
        return { outcome, price: formPrice(formText(form, 'approvePrice')), validUntil: formText(form, 'validUntil') };
      case 'counter':
        return { outcome, price: formPrice(formText(form, 'counterPrice')), note: formText(form, 'note') };
      case 'reject':
        return { outcome, reason: formText(form, 'reason') };
      default:
        return { outcome };
    }
  },

  async check(ctx, ref, answer, now) {
    const { request } = await loadPriceCase(ctx, ref);
    checkPriceDecision(request, answer as PriceDecisionAnswer, now);
  },

  // The answer on the request, only while it still waits for a decision, and its event.
  records(ref, decided, { tableName }) {
    const answer = priceAnswer(ref, decided);
    const { outcome, price, validUntil, reason } = answer;
    return priceAnswerItems(tableName, { customerId: ref.customerId, priceRequestId: ref.caseId }, 'PENDING', 'decision', answer, {
      customerId: ref.customerId,
      caseId: ref.caseId,
      at: decided.decidedAt,
      step: 'PriceDecided',
      detail: { outcome, decidedBy: decided.decidedBy, role: ref.role, phase: ref.phase, ...(price === undefined ? {} : { price }), ...(validUntil ? { validUntil } : {}), ...(reason ? { reason } : {}) },
    });
  },

  page,

  async resend(ctx, notifier, ref, holder, link, occasion) {
    const { request, facts } = await loadPriceCase(ctx, ref);
    const requestedByName = (await personName(ctx, facts.tandem, request.requestedBy)) ?? request.requestedBy;
    // Before the hand-over the field manager is next; after it, nobody.
    const nextHolderName = ref.role === 'inside' ? facts.tandem.fieldManager.name : undefined;
    return notifier.send({ customerId: ref.customerId, caseId: ref.caseId }, 'priceDecision', [holder], (r) =>
      priceDecisionParams(request, facts.customer, r, { link, answerBy: ref.answerBy, phase: ref.phase, ...(nextHolderName ? { nextHolderName } : {}) }, requestedByName),
    occasion);
  },
};
