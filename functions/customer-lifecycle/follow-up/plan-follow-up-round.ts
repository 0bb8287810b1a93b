/**
 * Workflow step PlanRound: a round of the follow-up begins (the first, or
 * the next after a snooze or a reassignment, or the same one going on in a
 * new execution). Plans its clock once — the reminder at 08:00 Berlin on the
 * due day (now, if that has passed), the second reminder, the hand-over to
 * the partner and the lapse, each after the recipient's quiet hours — and
 * returns it as seconds for the workflow's task timeouts. The owner and
 * partner are the tandem's people now, so a reassigned customer's new
 * tandem gets the round. Records the round's task on the follow-up with a
 * `FollowUpPlanned` event; a follow-up no longer open ends the workflow.
 */
import { NotFoundError } from '../../domain/errors';
import type { Role } from '../../domain/model';
import { DynamoFollowUps } from '../../repository/follow-up-repository';
import { stepHandler } from '../../shared/step-handler';
import { numberEnv, tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import { awakeAt, followUpTaskId, otherRole, scheduleRound, type RoundSchedule } from '../domain/follow-up';
import { loadCustomerFacts } from '../workflow/customer-facts';

export interface PlanRoundInput {
  readonly customerId: string;
  readonly followUpId: string;
  readonly round: number;
}

export type RoundPlan =
  | { readonly open: false; readonly status: string }
  | (RoundSchedule & { readonly open: true; readonly round: number; readonly taskId: string; readonly owner: Role; readonly partner: Role });

export async function planFollowUpRound(input: PlanRoundInput, now = new Date()): Promise<RoundPlan> {
  const ctx = tableContext();
  const followUps = new DynamoFollowUps(ctx);
  const followUp = await followUps.get(input.customerId, input.followUpId);
  if (!followUp) throw new NotFoundError('follow-up', input.followUpId);
  if (followUp.status !== 'OPEN') return { open: false, status: followUp.status };
  const { tandem } = await loadCustomerFacts(ctx, input.customerId);
  const partnerRole = otherRole(followUp.owner);
  const [owner, partner] = await tandemNotifier().recipients(tandem, [followUp.owner, partnerRole]);
  if (!owner || !partner) throw new Error('a tandem has two roles');
  const schedule = scheduleRound({
    dueOn: followUp.dueOn,
    now,
    answerHours: numberEnv('FOLLOW_UP_ANSWER_HOURS', 48),
    ownerAwake: (at) => awakeAt(owner.person, at),
    partnerAwake: (at) => awakeAt(partner.person, at),
  });
  const taskId = followUpTaskId(input.followUpId, input.round);
  const planned = await followUps.planRound(
    input.customerId,
    input.followUpId,
    {
      round: input.round,
      taskId,
      remindAt: schedule.remindAt,
      detail: { owner: followUp.owner, ownerId: owner.person.personId, dueOn: followUp.dueOn, handOverAt: schedule.handOverAt, lapseAt: schedule.lapseAt, continueLater: schedule.continueLater },
    },
    now.toISOString(),
  );
  if (!planned) return { open: false, status: (await followUps.get(input.customerId, input.followUpId))?.status ?? 'unknown' };
  return { open: true, round: input.round, taskId, owner: followUp.owner, partner: partnerRole, ...schedule };
}

export const handler = stepHandler('PlanRound', (input: PlanRoundInput) => planFollowUpRound(input));
