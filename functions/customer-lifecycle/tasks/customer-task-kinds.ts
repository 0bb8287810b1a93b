/** The task kinds the decision link serves besides customer requests; each kind's module says what it asks. */
import type { CustomerTaskKind } from '../../repository/customer-task-repository';
import type { CustomerTaskKindHandler } from './customer-task-kind';
import { followUpTask } from './follow-up-task';
import { handoverTask } from './handover-task';
import { priceCounterTask } from './price-counter-task';
import { priceDecisionTask } from './price-decision-task';

export const CUSTOMER_TASK_HANDLERS: Readonly<Record<CustomerTaskKind, CustomerTaskKindHandler>> = {
  handover: handoverTask,
  followUp: followUpTask,
  priceDecision: priceDecisionTask,
  priceCounter: priceCounterTask,
};
