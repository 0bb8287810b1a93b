/**
 * GET /tasks/{ref}: the decision link's page — what is asked, until when, and
 * the choices as a form that POSTs to /tasks/{ref}/decision; for a customer
 * request's escalation or a customer task (customer-lifecycle/tasks). Reading it never
 * decides (link scanners open links too); a used, handed-over or expired
 * reference shows why it no longer decides, with 410.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDocumentClient } from '../repository/document-client';
import { requiredEnv } from '../shared/environment';
import { correlateWith } from '../shared/correlation';
import { httpHandler } from '../shared/http-handler';
import { html, messagePage } from '../shared/http-response';
import { decisionRefProblem } from './domain/decision';
import { decisionPage } from './workflow/decision-view';
import { DynamoCustomerTasks } from '../repository/customer-task-repository';
import { customerTaskPage } from '../customer-lifecycle/tasks/customer-task-link';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };

export async function getTask(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, now = new Date()): Promise<APIGatewayProxyResult> {
  const ref = event.pathParameters?.ref ?? '';
  // Says what is wrong: a reference of the right length with a wrong character must not be told it is too short.
  const problem = decisionRefProblem(ref);
  if (problem) return html(400, messagePage('Tandem 360', `This is not a decision link: the reference ${problem}.`));
  // The same link serves customer tasks (handover, special price, follow-up).
  const customerTask = await new DynamoCustomerTasks(ctx).getRef(ref);
  correlateWith(customerTask?.caseId);
  if (customerTask) return customerTaskPage(ctx, customerTask, now);
  const page = await decisionPage(ctx, ref, now);
  if (!page) return html(404, messagePage('Tandem 360', 'This decision link does not exist.'));
  return html(page.status, page.body);
}

export const handler = httpHandler((event) => getTask(event));
