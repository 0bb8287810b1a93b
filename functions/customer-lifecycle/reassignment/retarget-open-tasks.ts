/**
 * After a customer moved to another tandem, or a person of its tandem was
 * replaced: every task still waiting for an answer goes to the person who
 * holds that role for the customer now (or their deputy). The old link stops
 * deciding at once (410, "passed to another person"), the new holder gets
 * the task's message with a fresh link, the workflow's task token stays the
 * same — the running workflow does not notice — and the customer's audit
 * trail records `TaskRetargeted`. Future phases and reminders already go to
 * the new owner, because every step reads the customer's tandem anew.
 */
import { newDecisionRef } from '../../customer-request/domain/decision';
import { isComplete } from '../../customer-request/domain/routing';
import { decisionLink } from '../../customer-request/workflow/step-context';
import type { TandemNotifier } from '../../customer-request/workflow/tandem-notifier';
import type { TableContext } from '../../repository/document-client';
import { DynamoCustomerHistory } from '../../repository/customer-history';
import { DynamoCustomerTasks } from '../../repository/customer-task-repository';
import { logger } from '../../shared/powertools';
import { CUSTOMER_TASK_HANDLERS } from '../tasks/customer-task-kinds';
import { loadCustomerFacts } from '../workflow/customer-facts';

export interface RetargetedTask {
  readonly customerId: string;
  readonly taskId: string;
  readonly fromHolderId: string;
  readonly toHolderId: string;
}

export async function retargetOpenTasks(
  ctx: TableContext,
  notifier: TandemNotifier,
  customerId: string,
  change: { readonly because: string; readonly caseId: string; readonly at: Date },
): Promise<RetargetedTask[]> {
  const tasks = new DynamoCustomerTasks(ctx);
  const open = await tasks.openTasks(customerId);
  if (open.length === 0) return [];
  const { tandem } = await loadCustomerFacts(ctx, customerId);
  // A tandem being rebuilt has no one to take the task yet; its tasks stay with their holders until it is complete.
  if (!isComplete(tandem)) {
    logger.warn('tasks not retargeted: the tandem is incomplete', { customerId, territoryId: tandem.territoryId });
    return [];
  }
  const history = new DynamoCustomerHistory(ctx);
  const moved: RetargetedTask[] = [];
  for (const task of open) {
    const [holder] = await notifier.recipients(tandem, [task.role]);
    if (!holder || holder.person.personId === task.holderId) continue;
    const handler = CUSTOMER_TASK_HANDLERS[task.kind];
    if (!handler) throw new Error(`no handler for customer task kind ${task.kind}`);
    const fresh = await tasks.retarget(task, { holderId: holder.person.personId, role: task.role }, newDecisionRef(), change.because, change.at.toISOString());
    if (!fresh) continue; // answered or expired meanwhile: nothing waits any more
    const sent = await handler.resend(ctx, notifier, fresh, holder, decisionLink(fresh.ref), `${task.taskId}#retarget#${fresh.ref}`);
    await history.append({
      customerId,
      caseId: task.caseId,
      at: change.at.toISOString(),
      step: 'TaskRetargeted',
      detail: {
        taskId: task.taskId,
        kind: task.kind,
        role: task.role,
        fromHolderId: task.holderId,
        toHolderId: holder.person.personId,
        because: change.caseId,
        notified: sent.map((s) => `${s.personId}:${s.channel}${s.outcome === 'sent' ? '' : `:${s.outcome}`}`),
      },
    });
    logger.info('customer task retargeted', { taskId: task.taskId, kind: task.kind, fromHolderId: task.holderId, toHolderId: holder.person.personId });
    moved.push({ customerId, taskId: task.taskId, fromHolderId: task.holderId, toHolderId: holder.person.personId });
  }
  return moved;
}
