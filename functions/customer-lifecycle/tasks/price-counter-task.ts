/**
 * The answer to a counter-offer (kind `priceCounter`): the inside manager
 * offered another price than the one asked for; the field manager brings the
 * customer's answer.
 *
 * Answers (JSON, or the link page's form): `{"outcome": "accept"}` — the
 * counter price becomes the customer's special price — or
 * `{"outcome": "decline", "reason"?: "…"}` — the volume-tier price stays.
 * The answer is stored on the request with a `CounterOfferAnswered` event;
 * the workflow records the outcome.
 */
import { z } from 'zod';
import { ConflictError } from '../../domain/errors';
import type { Language } from '../../domain/model';
import { validate } from '../../domain/validate';
import { noteSchema, strictFields } from '../../customer-request/domain/submission';
import type { CustomerTaskRef } from '../../repository/customer-task-repository';
import { priceAnswerItems, type PriceRequestRecord } from '../../repository/price-repository';
import { personName, priceCounterParams } from '../price-request/price-messages';
import { choice, formText, input, loadPriceCase, unitPrice, weeklyRange } from '../price-request/price-task-page';
import type { CustomerTaskKindHandler, TaskPageContent } from './customer-task-kind';
import { priceAnswer } from './price-decision-task';

export const PRICE_COUNTER_OUTCOMES = ['accept', 'decline'] as const;

const acceptSchema = strictFields('an acceptance', { outcome: z.literal('accept') });
const declineSchema = strictFields('a decline', {
  outcome: z.literal('decline'),
  // An empty reason is no reason.
  reason: noteSchema.transform((text) => text || undefined).optional(),
});

export const priceCounterAnswerSchema = z
  .discriminatedUnion('outcome', [acceptSchema, declineSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${PRICE_COUNTER_OUTCOMES.join(', ')}` : 'must be a JSON object'),
  })
  .describe("The customer's answer to a counter-offer, as the field manager brings it.");

export type PriceCounterAnswer = z.output<typeof priceCounterAnswerSchema>;

export function parsePriceCounterAnswer(body: unknown): PriceCounterAnswer {
  return validate(priceCounterAnswerSchema, body, 'answer to the counter-offer');
}

/** The request must still wait for the customer's answer. Pure. */
export function checkCounterAnswer(request: PriceRequestRecord): void {
  if (request.status !== 'COUNTERED') {
    throw new ConflictError(`price request ${request.priceRequestId} is ${request.status}, no longer waiting for an answer to a counter-offer`);
  }
}

const TEXT = {
  de: {
    title: 'Gegenangebot',
    lead: (by: string, customer: string, counter: string, proposed: string, product: string) =>
      `${by} macht ${customer} ein Gegenangebot: ${counter} statt der vorgeschlagenen ${proposed} für ${product}. Bitte mit dem Kunden klären und seine Antwort eintragen.`,
    customer: 'Kunde', product: 'Artikel', volume: 'Menge pro Woche', proposed: 'Vorgeschlagener Preis', counter: 'Gegenangebot', counteredBy: 'Gegenangebot von', note: 'Notiz',
    accept: 'Der Kunde nimmt an', decline: 'Der Kunde lehnt ab (Grund, optional)', submit: 'Antwort senden', reasonPlaceholder: 'Grund',
  },
  en: {
    title: 'Counter-offer',
    lead: (by: string, customer: string, counter: string, proposed: string, product: string) =>
      `${by} offers ${customer} ${counter} instead of the proposed ${proposed} for ${product}. Please ask the customer and give their answer.`,
    customer: 'Customer', product: 'Product', volume: 'Weekly volume', proposed: 'Proposed price', counter: 'Counter-offer', counteredBy: 'Counter-offer by', note: 'Note',
    accept: 'The customer accepts', decline: 'The customer declines (reason, optional)', submit: 'Send answer', reasonPlaceholder: 'reason',
  },
} as const;

async function page(ctx: Parameters<CustomerTaskKindHandler['page']>[0], ref: CustomerTaskRef, language: Language): Promise<TaskPageContent> {
  const { request, facts } = await loadPriceCase(ctx, ref);
  const t = TEXT[language];
  const price = (eur: number) => unitPrice(eur, request.unit, language);
  const counteredByName = (await personName(ctx, facts.tandem, request.decision?.decidedBy)) ?? '';
  const counter = price(request.counterPrice ?? request.proposedPrice);
  return {
    title: t.title,
    lead: t.lead(counteredByName, facts.customer.name, counter, price(request.proposedPrice), request.productName),
    facts: [
      [t.customer, `${facts.customer.name} (${facts.customer.customerId})`],
      [t.product, `${request.productName} (${request.sku})`],
      [t.volume, weeklyRange(request.weeklyVolume, request.unit, language)],
      [t.proposed, price(request.proposedPrice)],
      [t.counter, counter],
      [t.counteredBy, counteredByName],
      ...(request.decision?.note ? [[t.note, request.decision.note] as const] : []),
    ],
    formFields: [
      choice('accept', t.accept, '', true),
      choice('decline', t.decline, input('reason', { size: 30, maxLength: 500, placeholder: t.reasonPlaceholder })),
    ].join('\n'),
    submit: t.submit,
  };
}

export const priceCounterTask: CustomerTaskKindHandler = {
  parseAnswer: parsePriceCounterAnswer,

  fromForm(form) {
    const outcome = formText(form, 'outcome');
    return outcome === 'decline' ? { outcome, reason: formText(form, 'reason') } : { outcome };
  },

  async check(ctx, ref) {
    checkCounterAnswer((await loadPriceCase(ctx, ref)).request);
  },

  // The answer on the request, only while it still waits for the customer's answer, and its event.
  records(ref, decided, { tableName }) {
    const answer = priceAnswer(ref, decided);
    return priceAnswerItems(tableName, { customerId: ref.customerId, priceRequestId: ref.caseId }, 'COUNTERED', 'counterAnswer', answer, {
      customerId: ref.customerId,
      caseId: ref.caseId,
      at: decided.decidedAt,
      step: 'CounterOfferAnswered',
      detail: { outcome: answer.outcome, decidedBy: decided.decidedBy, role: ref.role, phase: ref.phase, ...(answer.reason ? { reason: answer.reason } : {}) },
    });
  },

  page,

  async resend(ctx, notifier, ref, holder, link, occasion) {
    const { request, facts } = await loadPriceCase(ctx, ref);
    const counteredByName = (await personName(ctx, facts.tandem, request.decision?.decidedBy)) ?? '';
    return notifier.send({ customerId: ref.customerId, caseId: ref.caseId }, 'priceCounter', [holder], (r) =>
      priceCounterParams(request, facts.customer, r, { link, answerBy: ref.answerBy, phase: ref.phase }, counteredByName),
    occasion);
  },
};
