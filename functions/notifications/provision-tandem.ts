/**
 * ProvisionTandem: keeps each tandem's SNS resources in step with the
 * directory. Triggered by the table's stream for tandem items (created,
 * changed, deleted), or invoked directly with `{ "territoryIds": [...] }` to
 * re-provision (after a restored backup, or to retry FAILED records in bulk).
 * A stream batch reports the records of a territory that failed, so Lambda
 * retries from there (bisecting, bounded) and then sends the batch's
 * description to the ops alert topic; the territory's record says FAILED.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Tandem } from '../domain/model';
import { ValidationError } from '../domain/errors';
import { territoryIdSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { createDocumentClient } from '../repository/document-client';
import { batchCorrelationId, caseKeys } from '../shared/correlation';
import { requiredEnv } from '../shared/environment';
import { instrumented } from '../shared/instrumented';
import { logger } from '../shared/powertools';
import { TandemProvisioner } from './provisioning/tandem-provisioner';

let provisioner: TandemProvisioner | undefined;
const provisionerFor = (): TandemProvisioner =>
  (provisioner ??= new TandemProvisioner({ doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') }, new SNSClient({}), requiredEnv('TANDEM_TOPIC_ARN_PREFIX')));

export interface ProvisionSummary {
  readonly provisioned: readonly string[];
  readonly unchanged: readonly string[];
  readonly failed: readonly string[];
}

/**
 * Tandems provisioned at the same time. SNS control-plane calls are rate-limited per
 * account (Subscribe, CreateTopic: tens per second), so a batch of 100 does not fan out
 * all at once; 8 keep a bulk run of 400 tandems to seconds.
 */
export const PROVISIONING_CONCURRENCY = 8;

/** Each territory once, a few at a time; a failure is recorded per territory and does not stop the others. */
export async function provisionTerritories(territoryIds: readonly string[], target = provisionerFor()): Promise<ProvisionSummary> {
  const summary = { provisioned: [] as string[], unchanged: [] as string[], failed: [] as string[] };
  const queue = [...new Set(territoryIds)];
  const worker = async (): Promise<void> => {
    for (let territoryId = queue.shift(); territoryId !== undefined; territoryId = queue.shift()) {
      try {
        const record = await target.provision(territoryId);
        (record.changes.length > 0 ? summary.provisioned : summary.unchanged).push(territoryId);
        // Territories are provisioned side by side: each line names its own as correlation id.
        if (record.changes.length > 0) logger.info('tandem provisioned', { territoryId, changes: record.changes, ...caseKeys(territoryId) });
      } catch (error) {
        logger.error('tandem provisioning failed', { territoryId, error: error as Error, ...caseKeys(territoryId) });
        summary.failed.push(territoryId);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROVISIONING_CONCURRENCY, queue.length) }, worker));
  return summary;
}

/** What of a tandem SNS depends on: who wants email at which address. Quiet hours, absences, language do not. */
function emailRecipients(image: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']): string {
  if (!image) return '';
  const tandem = unmarshall(image as Record<string, AttributeValue>) as Partial<Tandem>;
  return [tandem.fieldManager, tandem.insideManager]
    .map((p) => (p ? `${p.personId}:${p.channels?.includes('email') ? p.email : ''}` : ''))
    .join('|');
}

/** A change that leaves the email recipients as they were needs no SNS call, if the tandem is provisioned. */
async function needsProvisioning(record: DynamoDBRecord, target: TandemProvisioner): Promise<boolean> {
  const territoryId = territoryOf(record);
  if (!territoryId) return false;
  if (record.eventName !== 'MODIFY' || emailRecipients(record.dynamodb?.OldImage) !== emailRecipients(record.dynamodb?.NewImage)) return true;
  return (await target.record(territoryId))?.status !== 'PROVISIONED';
}

function territoryOf(record: DynamoDBRecord): string | undefined {
  const pk = record.dynamodb?.Keys?.pk?.S ?? '';
  return pk.startsWith('TERRITORY#') ? pk.slice('TERRITORY#'.length) : undefined;
}

export async function handleStream(event: DynamoDBStreamEvent, target = provisionerFor()): Promise<DynamoDBBatchResponse> {
  const territoryIds: string[] = [];
  for (const record of event.Records) if (await needsProvisioning(record, target)) territoryIds.push(territoryOf(record) ?? '');
  const { failed } = await provisionTerritories(territoryIds, target);
  return {
    batchItemFailures: event.Records.filter((r) => failed.includes(territoryOf(r) ?? '')).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })),
  };
}

type ProvisionEvent = DynamoDBStreamEvent | { territoryIds?: unknown };

export const handler = instrumented<ProvisionEvent, DynamoDBBatchResponse | ProvisionSummary>()
  .handler(async (event, context) => {
    if ('Records' in event && Array.isArray(event.Records)) {
      logger.setCorrelationId(batchCorrelationId(event.Records.map((r) => territoryOf(r) ?? '')) ?? context.awsRequestId);
      return handleStream(event);
    }
    const ids = (event as { territoryIds?: unknown }).territoryIds;
    logger.setCorrelationId((Array.isArray(ids) ? batchCorrelationId(ids.filter((id): id is string => typeof id === 'string')) : undefined) ?? context.awsRequestId);
    if (!Array.isArray(ids) || ids.length === 0) {
      throw new ValidationError('provisioning request', [{ field: 'territoryIds', problem: 'must be a non-empty list of territory ids such as ["T001"]' }]);
    }
    return provisionTerritories(ids.map((id, i) => validate(territoryIdSchema, id, `territoryIds.${i}`)));
  });
