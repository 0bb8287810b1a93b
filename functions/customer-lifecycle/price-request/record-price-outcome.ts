/**
 * Workflow steps RecordPriceDecision and RecordCounterAnswer: what the
 * answer to the task — read from the task itself, where the decision link
 * stored it — or its expiry makes of the request (price-outcome.ts): the new
 * status, the agreed price with its validity (PRICE_VALIDITY_DAYS) and the
 * audit event, in one transaction. A retried step finds the request moved on
 * and answers what it is.
 */
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { PriceOutcome } from '../../customer-request/domain/messages';
import { numberEnv, tableContext } from '../../customer-request/workflow/step-context';
import { DynamoCustomerTasks } from '../../repository/customer-task-repository';
import { DynamoPriceRepository, type PriceRequestStatus } from '../../repository/price-repository';
import { businessMetrics } from '../../shared/business-metrics';
import { stepHandler } from '../../shared/step-handler';
import { settleCounterAnswer, settlePriceDecision } from './price-outcome';
import { priceTaskId, type PriceTask } from './price-request-identity';
import type { PriceCaseInput } from './plan-price-decision';

export interface RecordPriceOutcomeInput extends PriceCaseInput {
  /** Which task's answer to record. */
  readonly answerTo: PriceTask;
}

export interface RecordedPriceOutcome {
  readonly status: PriceRequestStatus;
  readonly outcome?: PriceOutcome;
}

export async function recordPriceOutcome(input: RecordPriceOutcomeInput, now = new Date()): Promise<RecordedPriceOutcome> {
  const ctx = tableContext();
  const prices = new DynamoPriceRepository(ctx);
  const request = await prices.getRequest(input.customerId, input.priceRequestId);
  if (!request) throw new NotFoundError('price request', input.priceRequestId);
  const waitingFor: PriceRequestStatus = input.answerTo === 'decision' ? 'PENDING' : 'COUNTERED';
  if (request.status !== waitingFor) return { status: request.status, ...(request.outcome ? { outcome: request.outcome } : {}) };

  const taskId = priceTaskId(input.priceRequestId, input.answerTo);
  const task = await new DynamoCustomerTasks(ctx).getTask(input.customerId, taskId);
  if (task?.status !== 'EXPIRED' && !(task?.status === 'DECIDED' && task.decided)) {
    throw new ConflictError(`task ${taskId} is ${task?.status ?? 'missing'}: neither answered nor expired`);
  }
  const validityDays = numberEnv('PRICE_VALIDITY_DAYS', 365);
  const answer = task.status === 'DECIDED' ? task.decided : undefined;
  const settlement = input.answerTo === 'decision' ? settlePriceDecision(request, answer, validityDays) : settleCounterAnswer(request, answer, validityDays);
  await prices.settle(
    request,
    { from: settlement.from, to: settlement.to, set: settlement.set, at: now.toISOString() },
    settlement.price,
    { customerId: input.customerId, caseId: input.priceRequestId, at: now.toISOString(), step: settlement.step, detail: settlement.detail },
  );
  if (input.answerTo === 'decision') businessMetrics.priceRequestDecided();
  return { status: settlement.to, ...(settlement.set.outcome ? { outcome: settlement.set.outcome } : {}) };
}

export const handler = stepHandler('RecordPriceOutcome', (input: RecordPriceOutcomeInput) => recordPriceOutcome(input));
