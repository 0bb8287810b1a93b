/** The task kinds the decision link serves besides customer requests; each kind's module says what it asks. */
import type { CustomerTaskKind } from '../../repository/customer-task-repository';
import type { CustomerTaskKindHandler } from './customer-task-kind';

export const CUSTOMER_TASK_HANDLERS: Partial<Record<CustomerTaskKind, CustomerTaskKindHandler>> = {
};
