import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors';
import {
  REQUEST_STATUSES,
  type AuditEvent,
  type CustomerRequestRecord,
  type DecisionRecord,
  type RequestStatus,
} from '../domain/model';
import type { RequestRepository, TimeWindow } from '../domain/ports';
import { ValidationError } from '../domain/errors';
import { queryAll, type TableContext } from './document-client';
import { auditItem, decisionItem, fromItem, INDEX, key, requestItem, toUtc } from './table-layout';

/** What registering a submission found: a new request, a repeat of it, or a different body under the same id. */
export type SubmissionRegistration =
  | { readonly outcome: 'created'; readonly request: CustomerRequestRecord }
  | { readonly outcome: 'duplicate'; readonly request: CustomerRequestRecord }
  | { readonly outcome: 'conflict'; readonly request: CustomerRequestRecord };

export class DynamoRequestRepository implements RequestRepository {
  constructor(private readonly ctx: TableContext) {}

  async createRequest(request: CustomerRequestRecord): Promise<void> {
    const item = requestItem(request);
    try {
      await this.ctx.doc.send(
        new PutCommand({ TableName: this.ctx.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`request ${request.requestId} already exists`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Records a store system's submission exactly once, keyed by its request id.
   * The body's fingerprint is stored with it, so a retried submission (same
   * body) is told apart from a different body under the same id, in the same
   * single conditional write — concurrent repeats cannot both create.
   */
  async registerSubmission(request: CustomerRequestRecord, fingerprint: string): Promise<SubmissionRegistration> {
    const item = { ...requestItem(request), fingerprint };
    try {
      await this.ctx.doc.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'created', request };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item ? unmarshall(error.Item) : (await this.getStoredItem(request.requestId)) ?? {};
      const outcome = existing.fingerprint === fingerprint ? 'duplicate' : 'conflict';
      return { outcome, request: fromItem<CustomerRequestRecord>(existing) };
    }
  }

  private async getStoredItem(requestId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.ctx.doc.send(
      new GetCommand({ TableName: this.ctx.tableName, Key: key.request(requestId), ConsistentRead: true }),
    );
    return out.Item;
  }

  async getRequest(requestId: string): Promise<CustomerRequestRecord | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.request(requestId) }));
    return out.Item ? fromItem<CustomerRequestRecord>(out.Item) : undefined;
  }

  async updateStatus(requestId: string, status: RequestStatus, at: string, storeId?: string): Promise<void> {
    if (!REQUEST_STATUSES.includes(status)) {
      throw new ValidationError(`request ${requestId}`, [{ field: 'status', problem: `must be one of ${REQUEST_STATUSES.join(', ')}` }]);
    }
    const setStore = storeId === undefined ? '' : ', storeId = :store';
    try {
      await this.ctx.doc.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: key.request(requestId),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: `SET #status = :status, updatedAt = :at, gsi3pk = :statusKey${setStore}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ':statusKey': `STATUS#${status}`,
            ...(storeId === undefined ? {} : { ':store': storeId }),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFoundError('request', requestId);
      throw error;
    }
  }

  /** Routing found the customer and territory: the request joins their time-ordered indexes. */
  async assignRoute(request: Pick<CustomerRequestRecord, 'requestId' | 'createdAt'>, route: { customerId: string; territoryId: string }, at: string): Promise<void> {
    const { requestId } = request;
    const time = key.requestTime(request.createdAt, requestId);
    await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: key.request(requestId),
        ConditionExpression: 'attribute_exists(pk)',
        UpdateExpression:
          'SET customerId = :customer, territoryId = :territory, gsi1pk = :territoryKey, gsi1sk = :time, gsi2pk = :customerKey, gsi2sk = :time, updatedAt = :at',
        ExpressionAttributeValues: {
          ':customer': route.customerId,
          ':territory': route.territoryId,
          ':territoryKey': `TERRITORY#${route.territoryId}`,
          ':customerKey': `CUSTOMER#${route.customerId}`,
          ':time': time,
          ':at': toUtc(at),
        },
      }),
    );
  }

  /**
   * A workflow step's outcome: the request's new status (and store or reason) and
   * the step's audit event, in one transaction so the timeline never disagrees
   * with the status.
   */
  async recordStep(requestId: string, change: { status: RequestStatus; storeId?: string; reason?: string }, event: AuditEvent): Promise<void> {
    await this.writeStep(requestId, change, [event], false);
  }

  /**
   * The request's outcome: like recordStep, and once only — the request item is
   * marked concluded in the same transaction, so of two overlapping attempts
   * (a retry while a timed-out one still runs) exactly one writes the Outcome.
   */
  async recordOutcome(
    requestId: string,
    change: { status: RequestStatus; storeId?: string; reason?: string },
    event: AuditEvent,
    /** Events of steps this conclusion completes (a hold made just before), written in the same transaction. */
    alongside: readonly AuditEvent[] = [],
  ): Promise<'recorded' | 'already-concluded'> {
    return this.writeStep(requestId, change, [...alongside, event], true);
  }

  private async writeStep(
    requestId: string,
    change: { status: RequestStatus; storeId?: string; reason?: string },
    events: readonly AuditEvent[],
    once: boolean,
  ): Promise<'recorded' | 'already-concluded'> {
    const last = events.at(-1);
    if (!last) throw new Error(`a step of request ${requestId} records at least one event`);
    if (!REQUEST_STATUSES.includes(change.status)) {
      throw new ValidationError(`request ${requestId}`, [{ field: 'status', problem: `must be one of ${REQUEST_STATUSES.join(', ')}` }]);
    }
    const sets = ['#status = :status', 'updatedAt = :at', 'gsi3pk = :statusKey'];
    const values: Record<string, unknown> = { ':status': change.status, ':at': toUtc(last.at), ':statusKey': `STATUS#${change.status}` };
    if (change.storeId !== undefined) {
      sets.push('storeId = :store');
      values[':store'] = change.storeId;
    }
    if (change.reason !== undefined) {
      sets.push('reason = :reason');
      values[':reason'] = change.reason;
    }
    if (once) sets.push('concludedAt = :at');
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.request(requestId),
                ConditionExpression: once ? 'attribute_exists(pk) AND attribute_not_exists(concludedAt)' : 'attribute_exists(pk)',
                UpdateExpression: `SET ${sets.join(', ')}`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: values,
                ...(once ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
              },
            },
            ...events.map((e) => ({ Put: { TableName: this.ctx.tableName, Item: auditItem(e) } })),
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      const reason = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
      if (reason?.Code === 'ConditionalCheckFailed') {
        if (once && reason.Item?.concludedAt) return 'already-concluded';
        throw new NotFoundError('request', requestId);
      }
      throw error;
    }
  }

  requestsByCustomer(customerId: string, window?: TimeWindow): Promise<CustomerRequestRecord[]> {
    return this.byTime(INDEX.byCustomer, 'gsi2', `CUSTOMER#${customerId}`, window);
  }

  requestsByTerritory(territoryId: string, window?: TimeWindow): Promise<CustomerRequestRecord[]> {
    return this.byTime(INDEX.byParent, 'gsi1', `TERRITORY#${territoryId}`, window);
  }

  requestsByStatus(status: RequestStatus, window?: TimeWindow): Promise<CustomerRequestRecord[]> {
    return this.byTime(INDEX.byStatus, 'gsi3', `STATUS#${status}`, window);
  }

  async recordDecision(decision: DecisionRecord): Promise<void> {
    await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tableName, Item: decisionItem(decision) }));
  }

  async decisionsFor(requestId: string): Promise<DecisionRecord[]> {
    return this.children<DecisionRecord>(requestId, 'DECISION#');
  }

  async appendAuditEvent(event: AuditEvent): Promise<void> {
    // The same step at the same instant is the same event: a retried write must not duplicate it.
    await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tableName, Item: auditItem(event) }));
  }

  async auditTrail(requestId: string): Promise<AuditEvent[]> {
    return this.children<AuditEvent>(requestId, 'EVENT#');
  }

  /**
   * Every item stored under a request — the request, its holds, notifications,
   * escalation, decisions and audit events — in one consistent Query of its
   * partition, sort-key order (so events come in time order).
   */
  async requestPartition(requestId: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :request',
      ExpressionAttributeValues: { ':request': key.request(requestId).pk },
      ConsistentRead: true,
    });
  }

  private async children<T>(requestId: string, prefix: string): Promise<T[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :request AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':request': key.request(requestId).pk, ':prefix': prefix },
    });
    return items.map((item) => fromItem<T>(item));
  }

  /** Requests in one index partition, oldest first, within an inclusive time window. */
  private async byTime(
    indexName: string,
    prefix: 'gsi1' | 'gsi2' | 'gsi3',
    partition: string,
    window: TimeWindow = {},
  ): Promise<CustomerRequestRecord[]> {
    const lower = `REQUEST#${window.from ? toUtc(window.from) : ''}`;
    const upper = `REQUEST#${window.to ? toUtc(window.to) : ''}\uffff`;
    const items = await queryAll(this.ctx, {
      IndexName: indexName,
      KeyConditionExpression: `${prefix}pk = :partition AND ${prefix}sk BETWEEN :lower AND :upper`,
      ExpressionAttributeValues: { ':partition': partition, ':lower': lower, ':upper': upper },
    });
    return items.map((item) => fromItem<CustomerRequestRecord>(item));
  }
}
