/**
 * POST /tandems/{territoryId}/provisioning (admin): provisions the tandem's SNS
 * resources now and answers with the record — to retry a FAILED record, or to
 * see whether people have confirmed their email subscriptions (SNS tells no
 * one when they click; this reads it).
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
const provisioner = new TandemProvisioner(ctx, new SNSClient({}), requiredEnv('TANDEM_TOPIC_ARN_PREFIX'));

export async function provisionTandemNow(event: Pick<APIGatewayProxyEvent, 'pathParameters'>) {
  const territoryId = validate(territoryIdSchema, event.pathParameters?.territoryId, 'path parameter territoryId');
  correlateWith(territoryId);
  if (!(await directory.getTandem(territoryId))) throw new NotFoundError('tandem', territoryId);
  return json(200, await provisioner.provision(territoryId));
}

export const handler = httpHandler((event) => provisionTandemNow(event));
