/**
 * Workflow step LapseFollowUp: neither the owner (reminded twice) nor the
 * partner acted in time. The task expires and the follow-up becomes MISSED
 * with a `FollowUpMissed` event — unless an answer was stored in the last
 * moment, which is returned and applied instead.
 */
import { tableContext } from '../../customer-request/workflow/step-context';
import { DynamoCustomerTasks } from '../../repository/customer-task-repository';
import { DynamoFollowUps } from '../../repository/follow-up-repository';
import { businessMetrics } from '../../shared/business-metrics';
import { stepHandler } from '../../shared/step-handler';
import { expireCustomerTask } from '../workflow/offer-customer-task';

export interface LapseFollowUpInput {
  readonly customerId: string;
  readonly followUpId: string;
  readonly taskId: string;
}

export async function lapseFollowUp(input: LapseFollowUpInput, now = new Date()): Promise<Record<string, unknown>> {
  const ctx = tableContext();
  const task = await new DynamoCustomerTasks(ctx).getTask(input.customerId, input.taskId);
  const ended = await expireCustomerTask({ customerId: input.customerId, caseId: input.followUpId, taskId: input.taskId }, now);
  if (ended.outcome !== 'expired') return ended;
  await new DynamoFollowUps(ctx).lapse(input.customerId, input.followUpId, input.taskId, task ? { holderId: task.holderId, role: task.role } : {}, now.toISOString());
  businessMetrics.followUpMissed();
  return { outcome: 'expired' };
}

export const handler = stepHandler('LapseFollowUp', (input: LapseFollowUpInput) => lapseFollowUp(input));
