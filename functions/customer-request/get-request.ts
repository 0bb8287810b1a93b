/**
 * GET /requests/{id}: a customer request — status, chosen store, what it
 * holds where, who was notified when and how, the decisions, and the timeline
 * (audit events in time order) — for store systems and ops. All of it lives in
 * the request's own partition, long after Step Functions' history is gone.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../domain/errors';
import { validate } from '../domain/validate';
import { createDocumentClient } from '../repository/document-client';
import { customerRequestRecordSchema, type AuditEvent, type CustomerRequestRecord, type DecisionRecord } from '../domain/model';
import type { NotificationRecord } from '../repository/notification-log';
import { DynamoRequestRepository } from '../repository/request-repository';
import { toReservation } from '../repository/reservation-repository';
import { fromItem, RESERVATION_HOLDS } from '../repository/table-layout';
import { httpHandler } from '../shared/http-handler';
import { correlateWith } from '../shared/correlation';
import { json } from '../shared/http-response';
import { requiredEnv } from '../shared/environment';

const idSchema = customerRequestRecordSchema.shape.requestId;
const requests = new DynamoRequestRepository({ doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') });

export async function getRequest(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, repository = requests) {
  const requestId = validate(idSchema, event.pathParameters?.id, 'path parameter id');
  correlateWith(requestId);
  // One Query of the request's partition: the parts of the answer are read together, not by parallel reads that could straddle a step's writes.
  const items = await repository.requestPartition(requestId);
  const bySort = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
  const requestItem = items.find((item) => item.sk === 'REQUEST');
  if (!requestItem) throw new NotFoundError('request', requestId);
  return json(200, {
    request: fromItem<CustomerRequestRecord>(requestItem),
    reservations: bySort('RESERVATION#').map(toReservation).sort((a, b) => RESERVATION_HOLDS.indexOf(a.hold) - RESERVATION_HOLDS.indexOf(b.hold)),
    notifications: bySort('NOTIFICATION#').map((item) => fromItem<NotificationRecord>(item)).sort((a, b) => a.claimedAt.localeCompare(b.claimedAt)),
    decisions: bySort('DECISION#').map((item) => fromItem<DecisionRecord>(item)),
    timeline: bySort('EVENT#').map((item) => fromItem<AuditEvent>(item)),
  });
}

export const handler = httpHandler((event) => getRequest(event));
