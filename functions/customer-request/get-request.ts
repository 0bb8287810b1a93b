/**
 * GET /requests/{id}: a customer request with its decisions and its timeline
 * (audit events in time order), for store systems and ops.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../domain/errors';
import { customerRequestRecordSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { createDocumentClient } from '../repository/document-client';
import { DynamoRequestRepository } from '../repository/request-repository';
import { httpHandler } from '../shared/http-handler';
import { json } from '../shared/http-response';
import { requiredEnv } from '../shared/environment';

const requests = new DynamoRequestRepository({ doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') });
const idSchema = customerRequestRecordSchema.shape.requestId;

export async function getRequest(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, repository = requests) {
  const requestId = validate(idSchema, event.pathParameters?.id, 'path parameter id');
  const request = await repository.getRequest(requestId);
  if (!request) throw new NotFoundError('request', requestId);
  const [decisions, timeline] = await Promise.all([repository.decisionsFor(requestId), repository.auditTrail(requestId)]);
  return json(200, { request, decisions, timeline });
}

export const handler = httpHandler((event) => getRequest(event));
