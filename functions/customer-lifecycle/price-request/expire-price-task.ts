/**
 * Workflow steps ExpirePriceDecision and LapseCounterOffer: the last phase of
 * a task ended without an answer, so the task expires and its link stops
 * deciding (`TaskExpired` in the audit trail). An answer stored in the last
 * moment wins and is returned instead.
 */
import { stepHandler } from '../../shared/step-handler';
import { expireCustomerTask } from '../workflow/offer-customer-task';

export interface ExpirePriceTaskInput {
  readonly customerId: string;
  readonly caseId: string;
  readonly taskId: string;
}

export const handler = stepHandler('ExpirePriceTask', (input: ExpirePriceTaskInput) => expireCustomerTask(input));
