/**
 * POST /customers: the field manager's app registers a newly won customer
 * (customer-registration.ts says what is checked and written); 201 with the
 * customer's id, territory, status, owner and planned handover, 200 with the
 * same answer for a repeat. The CustomerOnboarding execution is named after
 * the customer, so it starts once however often the registration is sent.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '../../domain/errors';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { createDocumentClient } from '../../repository/document-client';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { requiredEnv } from '../../shared/environment';
import { httpHandler } from '../../shared/http-handler';
import { correlateWith } from '../../shared/correlation';
import { json, parseJsonBody } from '../../shared/http-response';
import { logger } from '../../shared/powertools';
import { onboardingCaseId } from '../domain/onboarding';
import { registerCustomer, type RegistrationDependencies } from './customer-registration';

/** A registration is well under 2 KB; a larger body is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

const deps: RegistrationDependencies = {
  territories: new DynamoTerritoryDirectory(ctx),
  customers: new DynamoCustomerRepository(ctx),
  startOnboarding,
  handoverWeeks: Number(requiredEnv('HANDOVER_WEEKS')),
};

export async function postCustomer(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'requestContext' | 'headers'>, now = new Date()) {
  const size = event.body === null ? 0 : Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (size > MAX_BODY_BYTES) throw new ValidationError('customer registration', [{ field: 'body', problem: `must be at most ${MAX_BODY_BYTES} bytes, got ${size}` }]);
  const { created, answer } = await registerCustomer(parseJsonBody(event.body, event.isBase64Encoded), deps, now);
  correlateWith(onboardingCaseId(answer.customerId));
  logger.info(created ? 'customer registered' : 'customer registration repeated', { customerId: answer.customerId, territoryId: answer.territoryId });
  return json(created ? 201 : 200, answer, { location: customerUrl(event, answer.customerId) });
}

async function startOnboarding(customerId: string): Promise<void> {
  const caseId = onboardingCaseId(customerId);
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: caseId, input: JSON.stringify({ customerId, caseId }) }));
  } catch (error) {
    // The customer's onboarding exists (running or ended): exactly what a repeat should find.
    if (error instanceof ExecutionAlreadyExists) return;
    throw error;
  }
}

function customerUrl(event: Pick<APIGatewayProxyEvent, 'requestContext' | 'headers'>, customerId: string): string {
  const { domainName, stage } = event.requestContext;
  const path = `/customers/${customerId}`;
  const scheme = event.headers?.['x-forwarded-proto'] ?? event.headers?.['X-Forwarded-Proto'] ?? 'https';
  return domainName ? `${scheme}://${domainName}/${stage}${path}` : path;
}

export const handler = httpHandler((event) => postCustomer(event));
