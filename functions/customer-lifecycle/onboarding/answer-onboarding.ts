/**
 * POST /customers/{id}/onboarding: the field manager's app answers the
 * customer's open handover task without a link — `{action: 'handover-now'}`
 * or `{action: 'extend', weeks: 1–4}`, the same body as the link's. The rules
 * are checked against the customer's plan first, so a second extension or an
 * answer after the handover is a 409 whatever the task's state; then the
 * answer goes the link's way (answerCustomerTask): stored with the plan's
 * change and its event, and handed to the waiting workflow.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { customerIdSchema } from '../../domain/model';
import { validate } from '../../domain/validate';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { DynamoCustomerTasks } from '../../repository/customer-task-repository';
import { createDocumentClient } from '../../repository/document-client';
import { requiredEnv } from '../../shared/environment';
import { httpHandler } from '../../shared/http-handler';
import { correlateWith } from '../../shared/correlation';
import { parseJsonBody } from '../../shared/http-response';
import { applyHandoverAction, onboardingCaseId, parseHandoverAnswer } from '../domain/onboarding';
import { answerCustomerTask } from '../tasks/customer-task-link';
import { planOf } from './onboarding-messages';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});

export async function answerOnboarding(event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'body' | 'isBase64Encoded'>, now = new Date()) {
  const customerId = validate(customerIdSchema, event.pathParameters?.id, 'path parameter id');
  correlateWith(onboardingCaseId(customerId));
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  parseHandoverAnswer(body);
  const customer = await new DynamoCustomerRepository(ctx).getCustomer(customerId);
  if (!customer) throw new NotFoundError('customer', customerId);
  // Handed over already, extended once already, or the period over: the plan's rules answer, nothing changes.
  applyHandoverAction(planOf(customer), body, now);
  if (customer.lifecycle !== 'new') throw new ConflictError(`customer ${customerId} was handed over to the inside role already`);
  const tasks = new DynamoCustomerTasks(ctx);
  const open = (await tasks.openTasks(customerId)).find((task) => task.kind === 'handover');
  const ref = open && (await tasks.getRef(open.ref));
  if (!ref) {
    throw new ConflictError(`customer ${customerId} has no open handover task at this moment (the period is ending, or its next reminder is being sent); try again in a minute`);
  }
  return answerCustomerTask(ctx, sfn, ref, { json: body }, now);
}

export const handler = httpHandler((event) => answerOnboarding(event));
