/**
 * Tasks a person must answer about a customer (hand over a new customer,
 * approve a special price, answer a counter-offer, act on a follow-up), and
 * the single-use references their links carry.
 *
 * Two items per task, written together:
 * - `CUSTOMER#<id> / TASK#<taskId>`: the task as the customer's lifecycle sees
 *   it — which link is current, who holds it, ACTIVE / DECIDED / EXPIRED.
 *   `GET /customers/{id}` lists it; a reassignment finds open tasks here.
 * - `DECISIONREF#<ref>`: what the link resolves to, with the task token of the
 *   callback task waiting now. The same key space as the customer-request
 *   escalations, so `/tasks/{ref}` serves both; `kind` tells them apart.
 *
 * As for escalations, the answer is stored first (condition: the reference is
 * still ACTIVE and before its deadline) and the token only wakes the workflow;
 * a phase that starts after an answer finds it and completes at once. The
 * workflow names the task (`taskId`), never the reference: the offer step
 * takes the task's current reference, so a task re-targeted to another
 * person while waiting keeps working in its next phase.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Role } from '../domain/model';
import { queryAll, type TableContext } from './document-client';
import { whyGone, type DecisionRefStatus } from './escalation-repository';
import { fromItem, key, toUtc } from './table-layout';

export const CUSTOMER_TASK_KINDS = ['handover', 'priceDecision', 'priceCounter', 'followUp'] as const;
export type CustomerTaskKind = (typeof CUSTOMER_TASK_KINDS)[number];
export const CUSTOMER_TASK_PHASES = ['decisionNeeded', 'reminder', 'handedToPartner'] as const;
export type CustomerTaskPhase = (typeof CUSTOMER_TASK_PHASES)[number];

export function isCustomerTaskKind(kind: unknown): kind is CustomerTaskKind {
  return typeof kind === 'string' && (CUSTOMER_TASK_KINDS as readonly string[]).includes(kind);
}

/** A person's answer as stored: the kind's own fields (validated by its task kind) plus who and when. */
export interface StoredAnswer {
  readonly answer: { readonly outcome: string } & Record<string, unknown>;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export interface CustomerTask {
  readonly customerId: string;
  readonly taskId: string;
  readonly kind: CustomerTaskKind;
  /** The case the task belongs to: the onboarding, price request or follow-up id. */
  readonly caseId: string;
  readonly ref: string;
  readonly holderId: string;
  readonly role: Role;
  readonly phase: CustomerTaskPhase;
  readonly status: 'ACTIVE' | 'DECIDED' | 'EXPIRED';
  readonly answerBy: string;
  readonly decided?: StoredAnswer;
  readonly updatedAt: string;
}

/** What a link resolves to: the task as offered to one holder in one phase, with the token of the callback task waiting now. */
export interface CustomerTaskRef extends Omit<CustomerTask, 'status'> {
  readonly status: DecisionRefStatus;
  readonly taskToken?: string;
  /** Why a SUPERSEDED reference stopped deciding: passed to the partner, or reassigned. */
  readonly supersededBecause?: string;
}

export interface OfferInput extends Pick<CustomerTask, 'kind' | 'customerId' | 'taskId' | 'caseId' | 'holderId' | 'role' | 'phase' | 'answerBy'> {
  readonly taskToken: string;
  readonly at: string;
  /** Used when the task needs a new reference (first phase, or another holder). */
  readonly freshRef: string;
}

export type TaskOfferOutcome =
  | { readonly outcome: 'waiting'; readonly ref: string; readonly holderChanged: boolean; readonly previous?: CustomerTask }
  | { readonly outcome: 'decided'; readonly decided: StoredAnswer };
export type TaskDecideOutcome =
  | { readonly outcome: 'decided'; readonly ref: CustomerTaskRef }
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'gone'; readonly why: string };

/** Items written in the same transaction as an answer: the case's own record and its audit event. */
export type AnswerRecords = (ref: CustomerTaskRef, decided: StoredAnswer) => NonNullable<TransactWriteCommandInput['TransactItems']>;

/** A task changed between reading and writing it (re-targeted at this moment): transient, the step is retried. */
export class TaskChangedError extends Error {
  override readonly name = 'TaskChangedError';
}

/** How long a closed reference is kept, so a late click gets 410 rather than 404. */
const REF_RETENTION_SECONDS = 30 * 24 * 3600;

export class DynamoCustomerTasks {
  constructor(private readonly ctx: TableContext) {}

  async getTask(customerId: string, taskId: string): Promise<CustomerTask | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.customerTask(customerId, taskId), ConsistentRead: true }));
    return out.Item ? fromItem<CustomerTask>(out.Item) : undefined;
  }

  async getRef(ref: string): Promise<CustomerTaskRef | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.decisionRef(ref), ConsistentRead: true }));
    if (!out.Item || !out.Item.kind || out.Item.kind === 'request') return undefined;
    return fromItem<CustomerTaskRef>(out.Item);
  }

  /** The customer's tasks still waiting for an answer. */
  async openTasks(customerId: string): Promise<CustomerTask[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :customer AND begins_with(sk, :prefix)',
      FilterExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':customer': key.customer(customerId).pk, ':prefix': 'TASK#', ':active': 'ACTIVE' },
    });
    return items.map((item) => fromItem<CustomerTask>(item));
  }

  /**
   * Points the task at the callback task waiting now. The same holder keeps
   * their reference (a reminder); another holder (hand-over to the partner, a
   * reassignment, a deputy) gets `freshRef` and the old reference is
   * superseded. An answer that came between two phases is returned instead.
   */
  async offer(input: OfferInput): Promise<TaskOfferOutcome> {
    const current = await this.getTask(input.customerId, input.taskId);
    if (current?.status === 'DECIDED' && current.decided) return { outcome: 'decided', decided: current.decided };
    if (current?.status === 'EXPIRED') throw new ConflictError(`task ${input.taskId} of customer ${input.customerId} has expired and cannot be offered again`);
    const keep = current !== undefined && current.holderId === input.holderId && current.role === input.role;
    const ref = keep ? current.ref : input.freshRef;
    const at = toUtc(input.at);
    const refItem = {
      ...key.decisionRef(ref),
      entity: 'DecisionRef',
      ref,
      kind: input.kind,
      customerId: input.customerId,
      taskId: input.taskId,
      caseId: input.caseId,
      holderId: input.holderId,
      role: input.role,
      phase: input.phase,
      status: 'ACTIVE',
      taskToken: input.taskToken,
      answerBy: toUtc(input.answerBy),
      updatedAt: at,
      expiresAt: Math.ceil(Date.parse(input.answerBy) / 1000) + REF_RETENTION_SECONDS,
    };
    const taskItem = {
      ...key.customerTask(input.customerId, input.taskId),
      entity: 'CustomerTask',
      customerId: input.customerId,
      taskId: input.taskId,
      kind: input.kind,
      caseId: input.caseId,
      ref,
      holderId: input.holderId,
      role: input.role,
      phase: input.phase,
      status: 'ACTIVE',
      answerBy: toUtc(input.answerBy),
      updatedAt: at,
    };
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: this.ctx.tableName,
          Item: refItem,
          ConditionExpression: keep ? '#status = :active AND taskId = :task' : 'attribute_not_exists(pk)',
          ...(keep ? { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':active': 'ACTIVE', ':task': input.taskId } } : {}),
        },
      },
      {
        Put: {
          TableName: this.ctx.tableName,
          Item: taskItem,
          ConditionExpression: current ? '#status = :active AND #ref = :ref' : 'attribute_not_exists(pk)',
          ExpressionAttributeNames: current ? { '#status': 'status', '#ref': 'ref' } : undefined,
          ExpressionAttributeValues: current ? { ':active': 'ACTIVE', ':ref': current.ref } : undefined,
        },
      },
    ];
    if (current && !keep) items.push(this.supersede(current.ref, 'has passed to another person; this link no longer decides', at));
    try {
      await this.ctx.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { outcome: 'waiting', ref, holderChanged: !keep, ...(current ? { previous: current } : {}) };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // Answered (or re-targeted) at this very moment: the stored state decides.
      const latest = await this.getTask(input.customerId, input.taskId);
      if (latest?.status === 'DECIDED' && latest.decided) return { outcome: 'decided', decided: latest.decided };
      // Not a ConflictError (which the workflow treats as permanent): the retried step offers again and sees the new state.
      throw new TaskChangedError(`task ${input.taskId} of customer ${input.customerId} changed while it was offered; the step is retried`);
    }
  }

  /**
   * Takes a person's answer: reference and task go ACTIVE → DECIDED and the
   * case's records are written, all or nothing. A used, superseded or expired
   * reference is `gone` and nothing is written.
   */
  async decide(ref: string, answer: StoredAnswer['answer'], now: string, records: AnswerRecords): Promise<TaskDecideOutcome> {
    const current = await this.getRef(ref);
    if (!current) return { outcome: 'unknown' };
    const gone = whyGone(current, now);
    if (gone) return { outcome: 'gone', why: current.status === 'SUPERSEDED' && current.supersededBecause ? current.supersededBecause : gone };
    const decidedAt = toUtc(now);
    const decided: StoredAnswer = { answer, decidedBy: current.holderId, decidedAt };
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.decisionRef(ref),
                ConditionExpression: '#status = :active AND answerBy > :now',
                UpdateExpression: 'SET #status = :decided, decided = :decision, updatedAt = :now',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':active': 'ACTIVE', ':decided': 'DECIDED', ':decision': decided, ':now': decidedAt },
              },
            },
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.customerTask(current.customerId, current.taskId),
                ConditionExpression: '#status = :active AND #ref = :ref',
                UpdateExpression: 'SET #status = :decided, decided = :decision, updatedAt = :now',
                ExpressionAttributeNames: { '#status': 'status', '#ref': 'ref' },
                ExpressionAttributeValues: { ':active': 'ACTIVE', ':decided': 'DECIDED', ':decision': decided, ':now': decidedAt, ':ref': ref },
              },
            },
            ...records(current, decided),
          ],
        }),
      );
      return { outcome: 'decided', ref: { ...current, status: 'DECIDED', decided } };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const latest = await this.getRef(ref);
      const why = latest ? whyGone(latest, now) : 'no longer exists';
      return { outcome: 'gone', why: latest?.status === 'SUPERSEDED' && latest.supersededBecause ? latest.supersededBecause : (why ?? 'was answered at the same moment by another request') };
    }
  }

  /** Nobody answered in time: the task expires, unless an answer came first (then it is returned). */
  async expire(customerId: string, taskId: string, at: string): Promise<{ outcome: 'expired' } | { outcome: 'decided'; decided: StoredAnswer }> {
    const current = await this.getTask(customerId, taskId);
    if (!current) return { outcome: 'expired' };
    if (current.status === 'DECIDED' && current.decided) return { outcome: 'decided', decided: current.decided };
    if (current.status === 'EXPIRED') return { outcome: 'expired' };
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.customerTask(customerId, taskId),
                ConditionExpression: '#status = :active AND #ref = :ref',
                UpdateExpression: 'SET #status = :expired, updatedAt = :at',
                ExpressionAttributeNames: { '#status': 'status', '#ref': 'ref' },
                ExpressionAttributeValues: { ':active': 'ACTIVE', ':expired': 'EXPIRED', ':at': toUtc(at), ':ref': current.ref },
              },
            },
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.decisionRef(current.ref),
                ConditionExpression: '#status = :active',
                UpdateExpression: 'SET #status = :expired, updatedAt = :at REMOVE taskToken',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':active': 'ACTIVE', ':expired': 'EXPIRED', ':at': toUtc(at) },
              },
            },
          ],
        }),
      );
      return { outcome: 'expired' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      return this.expire(customerId, taskId, at);
    }
  }

  /**
   * Gives a waiting task to another person (a reassignment): a fresh reference
   * with the same task token and deadline, the old one superseded — its link
   * stops deciding at once. Returns undefined when the task was answered or
   * expired meanwhile (nothing to re-target).
   */
  async retarget(task: CustomerTask, holder: { holderId: string; role: Role }, freshRef: string, because: string, at: string): Promise<CustomerTaskRef | undefined> {
    const old = await this.getRef(task.ref);
    if (!old || old.status !== 'ACTIVE' || !old.taskToken) return undefined;
    const now = toUtc(at);
    const moved: CustomerTaskRef = { ...old, ref: freshRef, holderId: holder.holderId, role: holder.role, updatedAt: now };
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.supersede(old.ref, because, now),
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: {
                  ...key.decisionRef(freshRef),
                  entity: 'DecisionRef',
                  ...moved,
                  expiresAt: Math.ceil(Date.parse(old.answerBy) / 1000) + REF_RETENTION_SECONDS,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.customerTask(task.customerId, task.taskId),
                ConditionExpression: '#status = :active AND #ref = :old',
                UpdateExpression: 'SET #ref = :ref, holderId = :holder, #role = :role, updatedAt = :at',
                ExpressionAttributeNames: { '#status': 'status', '#ref': 'ref', '#role': 'role' },
                ExpressionAttributeValues: { ':active': 'ACTIVE', ':old': old.ref, ':ref': freshRef, ':holder': holder.holderId, ':role': holder.role, ':at': now },
              },
            },
          ],
        }),
      );
      return moved;
    } catch (error) {
      if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Ends a reference that passes to another person (hand-over to the partner is a normal phase; a reassignment says so). */
  async supersedeRef(ref: string, because: string, at: string): Promise<void> {
    try {
      await this.ctx.doc.send(new UpdateCommand(this.supersede(ref, because, toUtc(at)).Update));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private supersede(ref: string, because: string, at: string) {
    return {
      Update: {
        TableName: this.ctx.tableName,
        Key: key.decisionRef(ref),
        ConditionExpression: '#status = :active',
        UpdateExpression: 'SET #status = :superseded, supersededBecause = :because, updatedAt = :at REMOVE taskToken',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':superseded': 'SUPERSEDED', ':because': because, ':at': at },
      },
    };
  }
}
