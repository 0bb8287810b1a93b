/**
 * GET /tandems/{territoryId} (admin): the tandem's directory entry and the
 * state of its SNS provisioning (topic, each email subscription pending or
 * confirmed, the last error if it failed).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { NotFoundError } from '../domain/errors';
import { territoryIdSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { createDocumentClient } from '../repository/document-client';
import { DynamoTandemDirectory } from '../repository/tandem-directory';
import { TandemProvisioner } from '../notifications/provisioning/tandem-provisioner';
import { requiredEnv } from '../shared/environment';
import { httpHandler } from '../shared/http-handler';
import { correlateWith } from '../shared/correlation';
import { json } from '../shared/http-response';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const directory = new DynamoTandemDirectory(ctx);
const provisioning = new TandemProvisioner(ctx, new SNSClient({}), requiredEnv('TANDEM_TOPIC_ARN_PREFIX'));

export async function getTandem(event: Pick<APIGatewayProxyEvent, 'pathParameters'>) {
  const territoryId = validate(territoryIdSchema, event.pathParameters?.territoryId, 'path parameter territoryId');
  correlateWith(territoryId);
  const [tandem, record] = await Promise.all([directory.getTandem(territoryId), provisioning.record(territoryId)]);
  if (!tandem) throw new NotFoundError('tandem', territoryId);
  return json(200, { tandem, provisioning: record ?? { status: 'PENDING' } });
}

export const handler = httpHandler((event) => getTandem(event));
