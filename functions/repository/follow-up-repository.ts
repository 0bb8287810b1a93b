/**
 * Follow-ups in the customer's partition (`CUSTOMER#<id> / FOLLOWUP#<id>`),
 * next to the audit events that explain them: every write here is one
 * transaction of the follow-up's change and its event, so the record and the
 * trail never disagree. The workflow's round (`round`, `taskId`) is kept on
 * the record: the API finds the task to answer through it.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { otherRole, ownerOfTask, type FollowUp } from '../customer-lifecycle/domain/follow-up';
import type { Role } from '../domain/model';
import { customerEventItem, type CustomerEvent } from './customer-history';
import type { AnswerRecords } from './customer-task-repository';
import type { TableContext } from './document-client';
import { fromItem, key, toUtc } from './table-layout';

/** Where the open follow-up stands in its round: waiting for the day, the owner reminded, or with the partner. */
export type FollowUpStage = 'scheduled' | 'reminded' | 'withPartner';

export interface FollowUpRecord extends FollowUp {
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The workflow's round (a snooze or reassignment starts the next) and its task. */
  readonly round?: number;
  readonly taskId?: string;
  /** When this round reminds the owner. */
  readonly remindAt?: string;
  readonly stage?: FollowUpStage;
  /** When and by whom it was marked done, or when it lapsed. */
  readonly closedAt?: string;
  readonly closedBy?: string;
}

export type FollowUpRegistration =
  | { readonly outcome: 'created'; readonly followUp: FollowUpRecord }
  | { readonly outcome: 'duplicate'; readonly followUp: FollowUpRecord }
  | { readonly outcome: 'conflict'; readonly followUp: FollowUpRecord };

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

const EVENT_OF_ANSWER: Record<string, string> = { done: 'FollowUpDone', snooze: 'FollowUpSnoozed', reassign: 'FollowUpReassigned' };

export class DynamoFollowUps {
  constructor(private readonly ctx: TableContext) {}

  async get(customerId: string, followUpId: string): Promise<FollowUpRecord | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.followUp(customerId, followUpId), ConsistentRead: true }));
    return out.Item ? fromItem<FollowUpRecord>(out.Item) : undefined;
  }

  /**
   * Records a new follow-up and its `FollowUpScheduled` event, once per id and
   * customer: a repeat with the same body (`fingerprint`) is a duplicate, a
   * different body under the same id a conflict; neither writes anything.
   */
  async schedule(followUp: FollowUp, fingerprint: string, at: string, reminderAt: string): Promise<FollowUpRegistration> {
    const record: FollowUpRecord = { ...followUp, remindAt: reminderAt, createdAt: toUtc(at), updatedAt: toUtc(at) };
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: { ...key.followUp(followUp.customerId, followUp.followUpId), entity: 'FollowUp', ...record, fingerprint },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            this.event({
              customerId: followUp.customerId,
              caseId: followUp.followUpId,
              at,
              step: 'FollowUpScheduled',
              detail: { dueOn: followUp.dueOn, owner: followUp.owner, createdBy: followUp.createdBy, remindAt: reminderAt },
            }),
          ],
        }),
      );
      return { outcome: 'created', followUp: record };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      const old = error.CancellationReasons[0].Item;
      const existing = old ? unmarshall(old) : await this.rawItem(followUp.customerId, followUp.followUpId);
      const stored = fromItem<FollowUpRecord>(existing ?? {});
      return { outcome: existing?.fingerprint === fingerprint ? 'duplicate' : 'conflict', followUp: stored };
    }
  }

  /**
   * A round begins: its task and reminder time are kept on the record, with a
   * `FollowUpPlanned` event. Answers false when the follow-up is no longer
   * open (nothing is written).
   */
  async planRound(customerId: string, followUpId: string, round: { round: number; taskId: string; remindAt: string; detail: Record<string, unknown> }, at: string): Promise<boolean> {
    return this.change(
      {
        Update: {
          TableName: this.ctx.tableName,
          Key: key.followUp(customerId, followUpId),
          ConditionExpression: '#status = :open',
          UpdateExpression: 'SET #round = :round, taskId = :task, remindAt = :remindAt, stage = :scheduled, updatedAt = :at',
          ExpressionAttributeNames: { '#status': 'status', '#round': 'round' },
          ExpressionAttributeValues: { ':open': 'OPEN', ':round': round.round, ':task': round.taskId, ':remindAt': toUtc(round.remindAt), ':scheduled': 'scheduled', ':at': toUtc(at) },
        },
      },
      { customerId, caseId: followUpId, at, step: 'FollowUpPlanned', detail: { round: round.round, taskId: round.taskId, remindAt: round.remindAt, ...round.detail } },
    );
  }

  /** The owner was reminded, or the partner took over; false when the round's task is no longer the current one. */
  async markStage(customerId: string, followUpId: string, taskId: string, stage: FollowUpStage, at: string): Promise<boolean> {
    return this.change({
      Update: {
        TableName: this.ctx.tableName,
        Key: key.followUp(customerId, followUpId),
        ConditionExpression: '#status = :open AND taskId = :task',
        UpdateExpression: 'SET stage = :stage, updatedAt = :at',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'OPEN', ':task': taskId, ':stage': stage, ':at': toUtc(at) },
      },
    });
  }

  /** Nobody acted in time: MISSED, with a `FollowUpMissed` event naming who held it last. */
  async lapse(customerId: string, followUpId: string, taskId: string, lastHolder: { holderId?: string; role?: Role }, at: string): Promise<boolean> {
    return this.change(
      {
        Update: {
          TableName: this.ctx.tableName,
          Key: key.followUp(customerId, followUpId),
          ConditionExpression: '#status = :open AND taskId = :task',
          UpdateExpression: 'SET #status = :missed, closedAt = :at, updatedAt = :at REMOVE stage',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'OPEN', ':missed': 'MISSED', ':task': taskId, ':at': toUtc(at) },
        },
      },
      { customerId, caseId: followUpId, at, step: 'FollowUpMissed', detail: { taskId, ...lastHolder } },
    );
  }

  /** An event of the follow-up alone (e.g. its workflow going on in the next execution). */
  async recordEvent(event: CustomerEvent): Promise<void> {
    await this.ctx.doc.send(new TransactWriteCommand({ TransactItems: [this.event(event)] }));
  }

  private event(event: CustomerEvent): TransactItems[number] {
    return { Put: { TableName: this.ctx.tableName, Item: customerEventItem(event) } };
  }

  private async change(update: TransactItems[number], event?: CustomerEvent): Promise<boolean> {
    try {
      await this.ctx.doc.send(new TransactWriteCommand({ TransactItems: event ? [update, this.event(event)] : [update] }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  private async rawItem(customerId: string, followUpId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.followUp(customerId, followUpId), ConsistentRead: true }));
    return out.Item;
  }
}

/**
 * What an answer to a follow-up task writes with it (the task kind's
 * `records`): the follow-up's change and its event. The conditions repeat the
 * rules the answer was checked against (open, this round's task, snoozed or
 * reassigned once), so two answers racing cannot both apply.
 */
export const followUpAnswerRecords = (tableName: string): AnswerRecords => (ref, decided) => {
  const at = toUtc(decided.decidedAt);
  const owner = ownerOfTask(ref);
  const answer = decided.answer;
  const common = { ':open': 'OPEN', ':task': ref.taskId, ':at': at };
  const base = { TableName: tableName, Key: key.followUp(ref.customerId, ref.caseId) };
  let update: { ConditionExpression: string; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> };
  let detail: Record<string, unknown>;
  switch (answer.outcome) {
    case 'done':
      update = {
        ConditionExpression: '#status = :open AND taskId = :task',
        UpdateExpression: 'SET #status = :done, closedAt = :at, closedBy = :by, updatedAt = :at REMOVE stage',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...common, ':done': 'DONE', ':by': decided.decidedBy },
      };
      detail = {};
      break;
    case 'snooze':
      update = {
        ConditionExpression: '#status = :open AND taskId = :task AND snoozed = :no AND dueOn < :until',
        UpdateExpression: 'SET dueOn = :until, snoozed = :yes, updatedAt = :at REMOVE stage',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...common, ':no': false, ':yes': true, ':until': answer.until },
      };
      detail = { until: answer.until };
      break;
    case 'reassign':
      update = {
        ConditionExpression: '#status = :open AND taskId = :task AND attribute_not_exists(reassignedFrom) AND #owner = :from',
        UpdateExpression: 'SET #owner = :to, reassignedFrom = :from, updatedAt = :at REMOVE stage',
        ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: { ...common, ':from': owner, ':to': otherRole(owner) },
      };
      detail = { from: owner, to: otherRole(owner) };
      break;
    default:
      throw new Error(`not a follow-up answer: ${answer.outcome}`);
  }
  return [
    { Update: { ...base, ...update } },
    { Put: { TableName: tableName, Item: customerEventItem({ customerId: ref.customerId, caseId: ref.caseId, at, step: EVENT_OF_ANSWER[answer.outcome]!, detail: { taskId: ref.taskId, phase: ref.phase, by: decided.decidedBy, ...detail } }) } },
  ];
};
