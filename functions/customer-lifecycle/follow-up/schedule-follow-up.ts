/**
 * POST /follow-ups: a tandem partner schedules a follow-up for a customer
 * ("look at my menu, let's talk next week"). The body is checked (a due day
 * today or later in Berlin, at most a year ahead), the customer must exist
 * and the creator must be one of its tandem; then the follow-up and its
 * `FollowUpScheduled` event are written in one transaction, once per
 * customer and follow-up id, and the FollowUp workflow is started under a
 * name fixed by both. 201 with the follow-up; the same body again is 200
 * (and starts nothing new), a different body under the same id 409. Bad
 * input is a 400 naming the field, and writes and starts nothing.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { TandemIncompleteError } from '../../customer-request/domain/routing';
import { createDocumentClient } from '../../repository/document-client';
import { DynamoFollowUps } from '../../repository/follow-up-repository';
import { requiredEnv } from '../../shared/environment';
import { httpHandler } from '../../shared/http-handler';
import { correlateWith } from '../../shared/correlation';
import { json, parseJsonBody } from '../../shared/http-response';
import { logger } from '../../shared/powertools';
import { followUpExecutionName, followUpFingerprint, parseFollowUp, reminderAt, type FollowUp } from '../domain/follow-up';
import { loadCustomerFacts, type CustomerFacts } from '../workflow/customer-facts';

/** A follow-up is a few hundred bytes; anything far larger is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

export async function scheduleFollowUp(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>, now = new Date()) {
  const size = event.body === null ? 0 : Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (size > MAX_BODY_BYTES) throw new ValidationError('follow-up', [{ field: 'body', problem: `must be at most ${MAX_BODY_BYTES} bytes, got ${size}` }]);
  const followUp = parseFollowUp(parseJsonBody(event.body, event.isBase64Encoded), now);
  await checkReferences(followUp);

  const { customerId, followUpId } = followUp;
  correlateWith(followUpId);
  const registered = await new DynamoFollowUps(ctx).schedule(followUp, followUpFingerprint(followUp), now.toISOString(), reminderAt(followUp.dueOn));
  if (registered.outcome === 'conflict') {
    throw new ConflictError(`follow-up ${followUpId} of customer ${customerId} was already scheduled with a different body; use a new follow-up id`);
  }
  logger.info('follow-up scheduled', { outcome: registered.outcome });
  // Also on a repeat: the first attempt may have died between writing and starting.
  await startWorkflow(customerId, followUpId);
  return json(registered.outcome === 'created' ? 201 : 200, registered.followUp);
}

/** The customer exists and the creator is one of its tandem now. */
async function checkReferences(followUp: FollowUp): Promise<void> {
  let facts: CustomerFacts;
  try {
    facts = await loadCustomerFacts(ctx, followUp.customerId);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ValidationError('follow-up', [{ field: 'customerId', problem: `customer ${followUp.customerId} is not known` }]);
    }
    if (error instanceof TandemIncompleteError) throw new ConflictError(`customerId: ${error.message}; nobody could be reminded`);
    throw error;
  }
  const { fieldManager, insideManager, territoryId } = facts.tandem;
  if (followUp.createdBy !== fieldManager.personId && followUp.createdBy !== insideManager.personId) {
    throw new ValidationError('follow-up', [
      { field: 'createdBy', problem: `${followUp.createdBy} is not a partner of the tandem of territory ${territoryId}, which serves customer ${followUp.customerId}` },
    ]);
  }
}

async function startWorkflow(customerId: string, followUpId: string): Promise<void> {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: followUpExecutionName(customerId, followUpId, 1),
        input: JSON.stringify({ customerId, followUpId, round: 1, seq: 1 }),
      }),
    );
  } catch (error) {
    // The follow-up's first execution exists (running or ended): exactly what a repeat should find.
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
  }
}

export const handler = httpHandler((event) => scheduleFollowUp(event));
