/**
 * ExpireHandoverTask: the round's wait is over (the next reminder or the
 * handover is due), so its link stops deciding; an answer stored at the last
 * moment is returned instead and counts.
 */
import { stepHandler } from '../../shared/step-handler';
import { expireCustomerTask } from '../workflow/offer-customer-task';

export const handler = stepHandler('ExpireHandoverTask', (input: { customerId: string; caseId: string; taskId: string }) => expireCustomerTask(input));
