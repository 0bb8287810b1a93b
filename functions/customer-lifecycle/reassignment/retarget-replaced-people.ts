/**
 * RetargetReplacedPeople: when a tandem's entry changes so that another
 * person holds a role (PUT /tandems/{territoryId} replacing someone), the
 * tasks its customers' workflows are waiting on move to the new person —
 * the old links stop deciding, new ones are sent (retarget-open-tasks.ts).
 * Triggered by the table's stream for tandem items; a territory whose
 * re-targeting failed is reported, so Lambda retries it (bounded) and then
 * alerts ops.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import type { Tandem } from '../../domain/model';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { batchCorrelationId, correlateWith } from '../../shared/correlation';
import { instrumented } from '../../shared/instrumented';
import { logger } from '../../shared/powertools';
import { retargetOpenTasks } from './retarget-open-tasks';

/** The territory and the people who left a role in this change; none for anything else. */
export function replacedPeople(record: DynamoDBRecord): { territoryId: string; departed: string[] } | undefined {
  if (record.eventName !== 'MODIFY' || !record.dynamodb?.OldImage || !record.dynamodb.NewImage) return undefined;
  const before = unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue>) as Tandem;
  const after = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as Tandem;
  const departed = (['fieldManager', 'insideManager'] as const)
    .filter((role) => before[role]?.personId !== undefined && before[role].personId !== after[role]?.personId)
    .map((role) => before[role].personId);
  return departed.length > 0 ? { territoryId: after.territoryId, departed } : undefined;
}

export async function handleTandemChanges(event: DynamoDBStreamEvent, now = new Date()): Promise<DynamoDBBatchResponse> {
  const ctx = tableContext();
  const failures: string[] = [];
  for (const record of event.Records) {
    const change = replacedPeople(record);
    if (!change) continue;
    // Records are handled one after the other: the lines of each carry its territory.
    correlateWith(change.territoryId);
    try {
      const customers = await new DynamoCustomerRepository(ctx).customersInTerritory(change.territoryId);
      let retargeted = 0;
      for (const customer of customers) {
        retargeted += (
          await retargetOpenTasks(ctx, tandemNotifier(), customer.customerId, {
            because: 'has passed to the person who took over this role in the tandem; this link no longer decides',
            caseId: `tandem-${change.territoryId}`,
            at: now,
          })
        ).length;
      }
      logger.info('tasks of replaced people retargeted', { territoryId: change.territoryId, departed: change.departed, customers: customers.length, retargeted });
    } catch (error) {
      logger.error('retargeting failed', { territoryId: change.territoryId, error: error as Error });
      failures.push(record.dynamodb?.SequenceNumber ?? '');
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = instrumented<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler((event, context) => {
  // Until a record names its territory: the territories of the batch (a tandem's case is its territory).
  logger.setCorrelationId(batchCorrelationId(event.Records.map((r) => replacedPeople(r)?.territoryId ?? '')) ?? context.awsRequestId);
  return handleTandemChanges(event);
});
