/**
 * The callback tasks of the PriceRequest workflow — AskInsideManager,
 * RemindInsideManager, HandOverToFieldManager (kind `priceDecision`) and
 * OfferCounterToFieldManager, RemindFieldManagerOfCounter (kind
 * `priceCounter`): offers the phase to the role's person of the customer's
 * tandem now (offer-customer-task.ts) and sends them the kind's message with
 * the link. The message names the deadline at which the task passes on or
 * ends (`deadlineSeconds` from now), not the end of a reminder phase.
 */
import { offerCustomerTask, type CustomerTaskInput, type OfferResult } from '../workflow/offer-customer-task';
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import { DynamoPriceRepository } from '../../repository/price-repository';
import { NotFoundError } from '../../domain/errors';
import { stepHandler } from '../../shared/step-handler';
import { personName, priceCounterParams, priceDecisionParams } from './price-messages';

export interface PriceTaskInput extends CustomerTaskInput {
  readonly kind: 'priceDecision' | 'priceCounter';
  /** Seconds from now until the task passes to the partner or ends: the deadline the message names. */
  readonly deadlineSeconds: number;
}

export async function offerPriceTask(input: PriceTaskInput, now = new Date()): Promise<OfferResult> {
  const ctx = tableContext();
  const request = await new DynamoPriceRepository(ctx).getRequest(input.customerId, input.caseId);
  if (!request) throw new NotFoundError('price request', input.caseId);
  const deadline = new Date(now.getTime() + input.deadlineSeconds * 1000).toISOString();
  return offerCustomerTask(
    input,
    input.kind,
    async ({ holder, partner, link, facts, occasion }) => {
      const subject = { customerId: input.customerId, caseId: input.caseId };
      const notifier = tandemNotifier();
      if (input.kind === 'priceDecision') {
        const requestedByName = (await personName(ctx, facts.tandem, request.requestedBy)) ?? request.requestedBy;
        // The inside manager's phases pass on to the field manager; after the hand-over nobody is next.
        const handedOver = input.phase === 'handedToPartner';
        const task = {
          link,
          answerBy: deadline,
          phase: input.phase,
          ...(handedOver ? { fromName: partner.person.name } : { nextHolderName: partner.person.name }),
        };
        return notifier.send(subject, 'priceDecision', [holder], (r) => priceDecisionParams(request, facts.customer, r, task, requestedByName), occasion);
      }
      const counteredByName = (await personName(ctx, facts.tandem, request.decision?.decidedBy)) ?? '';
      return notifier.send(subject, 'priceCounter', [holder], (r) => priceCounterParams(request, facts.customer, r, { link, answerBy: deadline, phase: input.phase }, counteredByName), occasion);
    },
    now,
  );
}

export const handler = stepHandler('OfferPriceTask', (input: PriceTaskInput) => offerPriceTask(input));
