/**
 * GET /requests/{id}: a customer request — status, chosen store, what it
 * holds where, who was notified when and how, the decisions, and the timeline
 * (audit events in time order) — for store systems and ops. All of it lives in
 * the request's own partition, long after Step Functions' history is gone.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../domain/errors';
import { customerRequestRecordSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { createDocumentClient } from '../repository/document-client';
import { DynamoNotificationLog } from '../repository/notification-log';
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoReservationRepository } from '../repository/reservation-repository';
import { httpHandler } from '../shared/http-handler';
import { json } from '../shared/http-response';
import { requiredEnv } from '../shared/environment';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const production = {
  requests: new DynamoRequestRepository(ctx),
  reservations: new DynamoReservationRepository(ctx),
  notifications: new DynamoNotificationLog(ctx),
};
const idSchema = customerRequestRecordSchema.shape.requestId;

export async function getRequest(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, deps = production) {
  const requestId = validate(idSchema, event.pathParameters?.id, 'path parameter id');
  const request = await deps.requests.getRequest(requestId);
  if (!request) throw new NotFoundError('request', requestId);
  const [reservations, notifications, decisions, timeline] = await Promise.all([
    deps.reservations.reservationsFor(requestId),
    deps.notifications.notificationsFor(requestId),
    deps.requests.decisionsFor(requestId),
    deps.requests.auditTrail(requestId),
  ]);
  return json(200, { request, reservations, notifications, decisions, timeline });
}

export const handler = httpHandler((event) => getRequest(event));
