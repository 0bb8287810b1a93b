/**
 * PUT /tandems/{territoryId} (admin): replaces a tandem's directory entry —
 * both people, channels, language, quiet hours, absences, opt-out. Bad input
 * gets a 400 naming each field and the directory keeps its previous state.
 * The change reaches SNS through the table's stream (ProvisionTandem), so the
 * answer says provisioning is pending; GET /tandems/{territoryId} shows it.
 * Logs carry the territory id only, never names, numbers or addresses.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createDocumentClient } from '../repository/document-client';
import { DynamoTandemDirectory } from '../repository/tandem-directory';
import { requiredEnv } from '../shared/environment';
import { httpHandler } from '../shared/http-handler';
import { correlateWith } from '../shared/correlation';
import { json, parseJsonBody } from '../shared/http-response';
import { logger } from '../shared/powertools';
import { parseTandemChange } from './domain/tandem-change';

const directory = new DynamoTandemDirectory({ doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') });

export async function putTandem(event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'body' | 'isBase64Encoded'>, repository = directory) {
  const tandem = parseTandemChange(event.pathParameters?.territoryId, parseJsonBody(event.body, event.isBase64Encoded));
  correlateWith(tandem.territoryId);
  const { created } = await repository.replaceTandem(tandem);
  logger.info('tandem stored', { territoryId: tandem.territoryId, created });
  return json(created ? 201 : 200, { tandem, provisioning: 'PENDING' }, { location: `/tandems/${tandem.territoryId}` });
}

export const handler = httpHandler((event) => putTandem(event));
