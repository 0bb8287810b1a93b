/**
 * POST /customers/{id}/follow-ups/{followUpId}/actions: the partners' app
 * acts on a follow-up — `{action: 'done'}`, `{action: 'snooze', until}` or
 * `{action: 'reassign'}` — without the link: it answers the follow-up's open
 * task exactly as the link would (answerCustomerTask: the same checks, the
 * answer and the follow-up's change in one transaction, then the waiting
 * workflow wakes), also before the due day. Bad body → 400, unknown
 * follow-up → 404, no open task (done, lapsed, or between two steps) or an
 * action the rules refuse → 409; none of these changes anything.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { customerIdSchema } from '../../domain/model';
import { validate } from '../../domain/validate';
import { requestIdSchema } from '../../customer-request/domain/submission';
import { DynamoCustomerTasks } from '../../repository/customer-task-repository';
import { createDocumentClient } from '../../repository/document-client';
import { whyGone } from '../../repository/escalation-repository';
import { DynamoFollowUps } from '../../repository/follow-up-repository';
import { requiredEnv } from '../../shared/environment';
import { httpHandler } from '../../shared/http-handler';
import { correlateWith } from '../../shared/correlation';
import { parseJsonBody } from '../../shared/http-response';
import { parseFollowUpAnswer } from '../domain/follow-up';
import { answerCustomerTask } from '../tasks/customer-task-link';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});

type ActionEvent = Pick<APIGatewayProxyEvent, 'pathParameters' | 'body' | 'isBase64Encoded'>;

export async function actOnFollowUp(event: ActionEvent, now = new Date()) {
  const customerId = validate(customerIdSchema, event.pathParameters?.id, 'path parameter id');
  const followUpId = validate(requestIdSchema, event.pathParameters?.followUpId, 'path parameter followUpId');
  correlateWith(followUpId);
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  // A bad body is refused before anything is read.
  parseFollowUpAnswer(body);
  const followUp = await new DynamoFollowUps(ctx).get(customerId, followUpId);
  if (!followUp) throw new NotFoundError(`follow-up of customer ${customerId}`, followUpId);
  if (followUp.status === 'DONE') throw new ConflictError(`follow-up ${followUpId} is done already`);
  if (followUp.status === 'MISSED') throw new ConflictError(`follow-up ${followUpId} lapsed unanswered; schedule a new one`);
  const tasks = new DynamoCustomerTasks(ctx);
  const task = followUp.taskId ? await tasks.getTask(customerId, followUp.taskId) : undefined;
  const ref = task?.status === 'ACTIVE' ? await tasks.getRef(task.ref) : undefined;
  if (!ref || whyGone(ref, now.toISOString())) {
    throw new ConflictError(`follow-up ${followUpId} has no open task right now (its workflow is between two steps); try again in a moment`);
  }
  return answerCustomerTask(ctx, sfn, ref, { json: body }, now);
}

export const handler = httpHandler((event) => actOnFollowUp(event));
