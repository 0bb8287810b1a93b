/**
 * AwaitHandoverAnswer: offers the round's handover task to the field role's
 * person now (or their deputy) and sends the round's message with its link —
 * the welcome to both partners in the first round, a joint-visit reminder
 * when one is due, nothing after the field manager's own answer (an
 * extension). Sending the welcome here, not in a step before, gives the
 * field manager's welcome the link of the task that is already waiting.
 */
import { stepHandler } from '../../shared/step-handler';
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import type { RoundMessage } from '../domain/handover-rounds';
import { offerCustomerTask, type CustomerTaskInput, type OfferResult } from '../workflow/offer-customer-task';
import { sendVisitReminder, sendWelcome } from './onboarding-messages';

export interface OfferHandoverInput extends CustomerTaskInput {
  readonly message: RoundMessage;
}

export function offerHandoverTask(input: OfferHandoverInput): Promise<OfferResult> {
  return offerCustomerTask(input, 'handover', async ({ holder, partner, link, facts, occasion }) => {
    switch (input.message) {
      case 'welcome':
        return sendWelcome(tableContext(), tandemNotifier(), facts, [holder, partner], { personId: holder.person.personId, link }, occasion);
      case 'visitReminder':
        return sendVisitReminder(tandemNotifier(), facts, holder, link, occasion);
      case 'none':
        return [];
    }
  });
}

export const handler = stepHandler('OfferHandoverTask', offerHandoverTask);
