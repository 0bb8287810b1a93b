/**
 * Workflow steps AwaitInsideDecision, RemindInsideManager and
 * HandOverToFieldManager (callback tasks, `.waitForTaskToken`): points the
 * holder's single-use reference at this phase's task token, hands the decision
 * task over when the phase says so, and sends the holder the message of the
 * phase with the decision link. If the holder answered between two phases,
 * the stored decision completes this task at once.
 */
import { DynamoEscalationRepository, type DecisionPhase } from '../repository/escalation-repository';
import { DynamoRequestRepository } from '../repository/request-repository';
import type { Role } from '../domain/model';
import { stepHandler } from '../shared/step-handler';
import { deliverDecision } from './workflow/deliver-decision';
import type { EscalationPlan } from './workflow/state';
import { decisionLink, stepFunctions, tableContext, tandemNotifier } from './workflow/step-context';

export interface OfferDecisionInput {
  readonly taskToken: string;
  readonly requestId: string;
  readonly phase: DecisionPhase;
  /** Who holds the task in this phase. */
  readonly role: Role;
  readonly ref: string;
  /** The reference this phase takes over from (the inside manager's, at hand-over). */
  readonly supersedesRef?: string;
  /** When this phase ends. */
  readonly answerBy: string;
  readonly escalation: Pick<EscalationPlan, 'missing' | 'offers'>;
}

const AUDIT_STEP: Record<DecisionPhase, string> = { decisionNeeded: 'AskDecision', reminder: 'Remind', handedToPartner: 'HandOver' };

export async function offerDecision(input: OfferDecisionInput, now = new Date()): Promise<{ offered: string }> {
  const ctx = tableContext();
  const escalations = new DynamoEscalationRepository(ctx);
  const notifier = tandemNotifier();
  const facts = await notifier.facts(input.requestId, input.escalation.offers.flatMap((o) => o.lines.map((l) => l.sku)));
  // The task goes to the role's person, or to their deputy while they are absent; so does the partner's.
  const [recipient, partnerRecipient] = await notifier.recipients(facts.tandem, input.role === 'inside' ? ['inside', 'field'] : ['field', 'inside']);
  if (!recipient || !partnerRecipient) throw new Error('a tandem has two roles');
  const holder = recipient.person;
  const partner = partnerRecipient.person;
  const at = now.toISOString();

  if (input.supersedesRef) {
    const closed = await escalations.close(input.supersedesRef, 'SUPERSEDED', at);
    if (closed.outcome === 'decided') {
      await deliverDecision(stepFunctions(), input.taskToken, closed.decided);
      return { offered: 'decided-before-hand-over' };
    }
  }
  const offered = await escalations.offer({
    ref: input.ref,
    requestId: input.requestId,
    holderId: holder.personId,
    role: input.role,
    phase: input.phase,
    taskToken: input.taskToken,
    answerBy: input.answerBy,
    at,
  });
  if (offered.outcome === 'decided') {
    await deliverDecision(stepFunctions(), input.taskToken, offered.decided);
    return { offered: 'decided-between-phases' };
  }
  if (input.phase === 'handedToPartner') await escalations.handOver(input.requestId, { holderId: holder.personId, role: input.role, ref: input.ref });

  const task = { link: decisionLink(input.ref), answerBy: input.answerBy };
  const common = notifier.common(facts, recipient);
  let sent;
  if (input.phase === 'decisionNeeded') {
    const offers = await Promise.all(
      input.escalation.offers.map(async (o) => ({ store: await notifier.store(o.storeId, o.distanceKm >= 0 ? o.distanceKm : undefined), lines: notifier.lines(facts, o.lines) })),
    );
    sent = await notifier.send(input.requestId, 'decisionNeeded', [recipient], () => ({
      ...common,
      ...task,
      nextHolderName: partner.name,
      missing: notifier.lines(facts, input.escalation.missing),
      ...(offers.length > 0 ? { offers } : {}),
    }));
  } else if (input.phase === 'reminder') {
    sent = await notifier.send(input.requestId, 'reminder', [recipient], () => ({ ...common, ...task, nextHolderName: partner.name }));
  } else {
    sent = await notifier.send(input.requestId, 'handedToPartner', [recipient], () => ({ ...common, ...task, fromName: partner.name }));
  }
  await new DynamoRequestRepository(ctx).appendAuditEvent({
    requestId: input.requestId,
    at,
    step: AUDIT_STEP[input.phase],
    detail: { holderId: holder.personId, role: input.role, answerBy: input.answerBy, notified: sent.map((s) => `${s.personId}:${s.channel}`) },
  });
  return { offered: input.phase };
}

export const handler = stepHandler('OfferDecision', (input: OfferDecisionInput) => offerDecision(input));
