/**
 * Workflow steps AwaitDueDay, RemindOwner, RemindOwnerAgain and
 * HandToPartner (callback tasks): offer the round's follow-up task to the
 * person holding the role now. Before the day the task is offered silently
 * (`notify: false`) — nobody is messaged, but the partners' app can act on
 * it early; its timeout is the wait until the reminder. From the day on the
 * holder gets `followUpDue` with the link; the record's stage says who has it.
 */
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import { DynamoFollowUps } from '../../repository/follow-up-repository';
import { stepHandler } from '../../shared/step-handler';
import { NotFoundError } from '../../domain/errors';
import { sendFollowUpDue } from '../tasks/follow-up-task';
import { offerCustomerTask, type CustomerTaskInput, type OfferResult } from '../workflow/offer-customer-task';

export interface OfferFollowUpInput extends CustomerTaskInput {
  /** False for the silent task before the due day. */
  readonly notify: boolean;
}

export async function offerFollowUpTask(input: OfferFollowUpInput, now = new Date()): Promise<OfferResult> {
  if (!input.notify) return offerCustomerTask(input, 'followUp', () => Promise.resolve([]), now);
  const ctx = tableContext();
  const followUps = new DynamoFollowUps(ctx);
  const followUp = await followUps.get(input.customerId, input.caseId);
  if (!followUp) throw new NotFoundError('follow-up', input.caseId);
  const offered = await offerCustomerTask(
    input,
    'followUp',
    (message) => sendFollowUpDue(ctx, tandemNotifier(), followUp, message.facts, message.holder, message.link, message.occasion),
    now,
  );
  if (offered.offered !== 'answered-between-phases') {
    await followUps.markStage(input.customerId, input.caseId, input.taskId, input.phase === 'handedToPartner' ? 'withPartner' : 'reminded', now.toISOString());
  }
  return offered;
}

export const handler = stepHandler('OfferFollowUpTask', (input: OfferFollowUpInput) => offerFollowUpTask(input));
