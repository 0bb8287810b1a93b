/**
 * The common part of every lifecycle callback task (`.waitForTaskToken`):
 * find who holds it now (the role's person in the customer's tandem today,
 * or their deputy), point the task's reference at this phase's task token —
 * a new holder gets a fresh link and the old one stops deciding — and send
 * the holder the kind's message with the link. An answer stored between two
 * phases completes the task at once. Every offer leaves a `TaskOffered`
 * event in the customer's audit trail.
 */
import { newDecisionRef } from '../../customer-request/domain/decision';
import type { Recipient, SentNotification } from '../../customer-request/workflow/tandem-notifier';
import { decisionLink, stepFunctions, tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import type { Role } from '../../domain/model';
import { DynamoCustomerHistory } from '../../repository/customer-history';
import { DynamoCustomerTasks, type CustomerTaskKind, type CustomerTaskPhase } from '../../repository/customer-task-repository';
import { deliverAnswer } from '../tasks/customer-task-link';
import { loadCustomerFacts, type CustomerFacts } from './customer-facts';

/** What the workflow passes to every callback task's function. */
export interface CustomerTaskInput {
  readonly taskToken: string;
  readonly customerId: string;
  /** The onboarding, price request or follow-up. */
  readonly caseId: string;
  /** One logical task; its phases (reminder, hand-over to the partner) share it. */
  readonly taskId: string;
  readonly phase: CustomerTaskPhase;
  /** Who holds the task in this phase. */
  readonly role: Role;
  /** How long this phase waits: the task's TimeoutSecondsPath. */
  readonly answerWithinSeconds: number;
}

export interface TaskMessage {
  readonly holder: Recipient;
  readonly partner: Recipient;
  readonly link: string;
  readonly answerBy: string;
  readonly facts: CustomerFacts;
  /** Distinguishes this phase's message from the previous one's in the notification log. */
  readonly occasion: string;
}

export type OfferResult = { readonly offered: CustomerTaskPhase; readonly holderId: string; readonly answerBy: string } | { readonly offered: 'answered-between-phases' };

export async function offerCustomerTask(
  input: CustomerTaskInput,
  kind: CustomerTaskKind,
  send: (message: TaskMessage) => Promise<readonly SentNotification[]>,
  now = new Date(),
): Promise<OfferResult> {
  const ctx = tableContext();
  const notifier = tandemNotifier();
  const facts = await loadCustomerFacts(ctx, input.customerId);
  const [holder, partner] = await notifier.recipients(facts.tandem, input.role === 'inside' ? ['inside', 'field'] : ['field', 'inside']);
  if (!holder || !partner) throw new Error('a tandem has two roles');
  const at = now.toISOString();
  const answerBy = new Date(now.getTime() + input.answerWithinSeconds * 1000).toISOString();
  const offered = await new DynamoCustomerTasks(ctx).offer({
    kind,
    customerId: input.customerId,
    taskId: input.taskId,
    caseId: input.caseId,
    holderId: holder.person.personId,
    role: input.role,
    phase: input.phase,
    taskToken: input.taskToken,
    answerBy,
    at,
    freshRef: newDecisionRef(),
  });
  if (offered.outcome === 'decided') {
    await deliverAnswer(stepFunctions(), input.taskToken, offered.decided);
    return { offered: 'answered-between-phases' };
  }
  const sent = await send({ holder, partner, link: decisionLink(offered.ref), answerBy, facts, occasion: `${input.taskId}#${input.phase}#${offered.ref}` });
  await new DynamoCustomerHistory(ctx).append({
    customerId: input.customerId,
    caseId: input.caseId,
    at,
    step: 'TaskOffered',
    detail: {
      kind,
      taskId: input.taskId,
      phase: input.phase,
      holderId: holder.person.personId,
      role: input.role,
      answerBy,
      ...(offered.holderChanged && offered.previous ? { previousHolderId: offered.previous.holderId } : {}),
      notified: sent.map((s) => `${s.personId}:${s.channel}${s.outcome === 'sent' ? '' : `:${s.outcome}`}`),
    },
  });
  return { offered: input.phase, holderId: holder.person.personId, answerBy };
}

/** Nobody answered the last phase in time: the task expires (an answer stored in the last moment is returned instead). */
export async function expireCustomerTask(input: { customerId: string; caseId: string; taskId: string }, now = new Date()): Promise<Record<string, unknown>> {
  const ctx = tableContext();
  const expired = await new DynamoCustomerTasks(ctx).expire(input.customerId, input.taskId, now.toISOString());
  if (expired.outcome === 'decided') return { ...expired.decided.answer, decidedBy: expired.decided.decidedBy, decidedAt: expired.decided.decidedAt };
  await new DynamoCustomerHistory(ctx).append({ customerId: input.customerId, caseId: input.caseId, at: now.toISOString(), step: 'TaskExpired', detail: { taskId: input.taskId } });
  return { outcome: 'expired' };
}
