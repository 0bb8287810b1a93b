/**
 * Workflow step NotifyPriceOutcome (and SendHeldSms after quiet hours): tells
 * both partners how the request ended — approved with the price and its last
 * day, rejected with the reason, expired, or the counter-offer accepted,
 * declined or lapsed — once per outcome (a retried step finds its messages
 * sent). An informational SMS in a person's quiet hours is held; the step
 * answers when the earliest one may go, and the workflow runs it again then.
 */
import { ConflictError, NotFoundError } from '../../domain/errors';
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import { DynamoCustomerHistory } from '../../repository/customer-history';
import { DynamoPriceRepository, type PriceRequestRecord } from '../../repository/price-repository';
import { stepHandler } from '../../shared/step-handler';
import { loadCustomerFacts } from '../workflow/customer-facts';
import type { PriceCaseInput } from './plan-price-decision';
import { personName, priceOutcomeParams } from './price-messages';

/** Who decided the outcome; nobody when it expired or lapsed. */
function decidedBy(request: PriceRequestRecord): string | undefined {
  switch (request.outcome) {
    case 'approved':
    case 'rejected':
      return request.decision?.decidedBy;
    case 'counterAccepted':
    case 'counterDeclined':
      return request.counterAnswer?.decidedBy;
    default:
      return undefined;
  }
}

export async function notifyPriceOutcome(input: PriceCaseInput, now = new Date()): Promise<{ notified: number; heldUntil: string | null }> {
  const ctx = tableContext();
  const notifier = tandemNotifier();
  const request = await new DynamoPriceRepository(ctx).getRequest(input.customerId, input.priceRequestId);
  if (!request) throw new NotFoundError('price request', input.priceRequestId);
  if (!request.outcome) throw new ConflictError(`price request ${input.priceRequestId} is ${request.status}: it has no outcome to tell`);
  const facts = await loadCustomerFacts(ctx, input.customerId);
  const byName = await personName(ctx, facts.tandem, decidedBy(request));
  const recipients = await notifier.recipients(facts.tandem, ['inside', 'field']);
  const sent = await notifier.send(
    { customerId: input.customerId, caseId: input.priceRequestId },
    'priceOutcome',
    recipients,
    (r) => priceOutcomeParams(request, facts.customer, r, byName),
    request.status,
  );
  await new DynamoCustomerHistory(ctx).append({
    customerId: input.customerId,
    caseId: input.priceRequestId,
    at: now.toISOString(),
    step: 'PriceOutcomeNotified',
    detail: { outcome: request.outcome, notified: sent.map((s) => `${s.personId}:${s.channel}${s.outcome === 'sent' ? '' : `:${s.outcome}`}`) },
  });
  const held = sent.flatMap((s) => (s.heldUntil ? [s.heldUntil] : [])).sort();
  return { notified: sent.filter((s) => s.outcome === 'sent').length, heldUntil: held[0] ?? null };
}

export const handler = stepHandler('NotifyPriceOutcome', (input: PriceCaseInput) => notifyPriceOutcome(input));
