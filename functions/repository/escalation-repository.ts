/**
 * Escalations: who holds the decision of a request, the short references in
 * their links, and the products the request waits for.
 *
 * ## The decision is stored first; the task token only wakes the workflow
 *
 * A reference (`DECISIONREF#<ref>`) maps to the task token of the callback
 * task that is waiting right now. The token changes when a phase times out
 * (reminder, hand-over), the reference of the same holder does not. A person's
 * answer is written to the reference in one transaction with the decision
 * record and its audit event (condition: still ACTIVE and not past its
 * deadline), and only then sent to Step Functions. If the token it found has
 * just expired, nothing is lost: the workflow's next step closes or re-offers
 * the reference with a conditional write, finds it DECIDED, and carries on
 * with the stored decision. So a decision is taken exactly once, and a
 * reference is single-use under any interleaving.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../domain/model';
import type { Decision } from '../customer-request/domain/decision';
import { ConflictError } from '../domain/errors';
import { batchDeleteAll, batchPutAll, queryAll, type TableContext } from './document-client';
import { auditItem, decisionItem, fromItem, key, toUtc } from './table-layout';

export const DECISION_PHASES = ['decisionNeeded', 'reminder', 'handedToPartner'] as const;
export type DecisionPhase = (typeof DECISION_PHASES)[number];
export type DecisionRefStatus = 'ACTIVE' | 'DECIDED' | 'SUPERSEDED' | 'EXPIRED';

export interface StoredDecision {
  readonly decision: Decision;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export interface DecisionRef {
  readonly ref: string;
  readonly requestId: string;
  readonly holderId: string;
  readonly role: Role;
  readonly phase: DecisionPhase;
  readonly status: DecisionRefStatus;
  readonly taskToken: string;
  /** The end of the current phase for this holder; a later answer is refused. */
  readonly answerBy: string;
  readonly decided?: StoredDecision;
  readonly updatedAt: string;
}

export interface WaitingLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface Escalation {
  readonly requestId: string;
  readonly holderId: string;
  readonly role: Role;
  readonly ref: string;
  readonly missing: readonly WaitingLine[];
  readonly status: 'OPEN' | 'CLOSED';
  readonly openedAt: string;
}

export type OfferOutcome = { readonly outcome: 'waiting' } | { readonly outcome: 'decided'; readonly decided: StoredDecision };
export type CloseOutcome = { readonly outcome: 'closed' } | { readonly outcome: 'decided'; readonly decided: StoredDecision };
export type DecideOutcome =
  | { readonly outcome: 'decided'; readonly ref: DecisionRef }
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'gone'; readonly why: string };

/** How long a closed reference is kept, so a late click gets 410 rather than 404. */
const REF_RETENTION_SECONDS = 30 * 24 * 3600;

export class DynamoEscalationRepository {
  constructor(private readonly ctx: TableContext) {}

  /**
   * Points the holder's reference at the task token of the phase now waiting.
   * Answers `decided` when the holder answered between two phases: the caller
   * then completes the new task with that decision at once.
   */
  async offer(input: {
    ref: string;
    requestId: string;
    holderId: string;
    role: Role;
    phase: DecisionPhase;
    taskToken: string;
    answerBy: string;
    at: string;
  }): Promise<OfferOutcome> {
    try {
      await this.ctx.doc.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: {
            ...key.decisionRef(input.ref),
            entity: 'DecisionRef',
            ref: input.ref,
            requestId: input.requestId,
            holderId: input.holderId,
            role: input.role,
            phase: input.phase,
            status: 'ACTIVE',
            taskToken: input.taskToken,
            answerBy: toUtc(input.answerBy),
            updatedAt: toUtc(input.at),
            expiresAt: Math.ceil(Date.parse(input.answerBy) / 1000) + REF_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :active AND holderId = :holder AND requestId = :request)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'ACTIVE', ':holder': input.holderId, ':request': input.requestId },
        }),
      );
      return { outcome: 'waiting' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getRef(input.ref);
      if (existing?.status === 'DECIDED' && existing.decided && existing.requestId === input.requestId) {
        return { outcome: 'decided', decided: existing.decided };
      }
      throw new ConflictError(`decision reference of request ${input.requestId} is ${existing?.status ?? 'held by another request'} and cannot be offered again`);
    }
  }

  /** Ends a reference (hand-over, final timeout); a decision that came first wins and is returned. */
  async close(ref: string, status: 'SUPERSEDED' | 'EXPIRED', at: string): Promise<CloseOutcome> {
    try {
      await this.ctx.doc.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: key.decisionRef(ref),
          ConditionExpression: '#status = :active',
          UpdateExpression: 'SET #status = :closed, updatedAt = :at REMOVE taskToken',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'ACTIVE', ':closed': status, ':at': toUtc(at) },
        }),
      );
      return { outcome: 'closed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getRef(ref);
      if (existing?.status === 'DECIDED' && existing.decided) return { outcome: 'decided', decided: existing.decided };
      return { outcome: 'closed' }; // never offered, or closed already: nothing left to close
    }
  }

  async getRef(ref: string): Promise<DecisionRef | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.decisionRef(ref), ConsistentRead: true }));
    return out.Item ? fromItem<DecisionRef>(out.Item) : undefined;
  }

  /**
   * Takes a person's answer: the reference goes ACTIVE → DECIDED, the decision
   * record and its audit event are written, all or nothing. A used, handed-over
   * or expired reference is `gone` and nothing is written.
   */
  async decide(ref: string, decision: Decision, now: string): Promise<DecideOutcome> {
    const current = await this.getRef(ref);
    if (!current) return { outcome: 'unknown' };
    const gone = whyGone(current, now);
    if (gone) return { outcome: 'gone', why: gone };
    const decidedAt = toUtc(now);
    const decided: StoredDecision = { decision, decidedBy: current.holderId, decidedAt };
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
              Put: {
                TableName: this.ctx.tableName,
                Item: decisionItem({
                  requestId: current.requestId,
                  decidedBy: current.holderId,
                  outcome: decision.outcome,
                  ...(decision.outcome === 'sourced' ? { storeId: decision.storeId } : {}),
                  ...(decision.outcome === 'declined' ? { reason: decision.reason } : {}),
                  ...(decision.outcome === 'alternative' ? { reason: `alternative ${decision.sku} × ${decision.quantity}${decision.note ? `: ${decision.note}` : ''}` } : {}),
                  decidedAt,
                }),
              },
            },
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: auditItem({ requestId: current.requestId, at: decidedAt, step: 'Decided', detail: { outcome: decision.outcome, decidedBy: current.holderId, role: current.role } }),
              },
            },
          ],
        }),
      );
      return { outcome: 'decided', ref: { ...current, status: 'DECIDED', decided } };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const latest = await this.getRef(ref);
      return { outcome: 'gone', why: latest ? (whyGone(latest, now) ?? 'was answered at the same moment by another request') : 'no longer exists' };
    }
  }

  // ---------------------------------------------------------------- escalation and waiting products

  /** Opens (or re-points) a request's escalation and marks each missing product as waited for. */
  async openEscalation(escalation: Omit<Escalation, 'status'>): Promise<void> {
    await this.ctx.doc.send(
      new PutCommand({
        TableName: this.ctx.tableName,
        Item: { ...key.escalation(escalation.requestId), entity: 'Escalation', ...escalation, openedAt: toUtc(escalation.openedAt), status: 'OPEN' },
      }),
    );
    await batchPutAll(
      this.ctx,
      escalation.missing.map((line) => ({ ...key.waitingFor(line.sku, escalation.requestId), entity: 'WaitingFor', requestId: escalation.requestId, sku: line.sku, quantity: line.quantity })),
    );
  }

  /** The decision passes to another holder. */
  async handOver(requestId: string, holder: { holderId: string; role: Role; ref: string }): Promise<void> {
    await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: key.escalation(requestId),
        ConditionExpression: 'attribute_exists(pk)',
        UpdateExpression: 'SET holderId = :holder, #role = :role, #ref = :ref',
        ExpressionAttributeNames: { '#role': 'role', '#ref': 'ref' },
        ExpressionAttributeValues: { ':holder': holder.holderId, ':role': holder.role, ':ref': holder.ref },
      }),
    );
  }

  /** The escalation is over: products are no longer waited for. Idempotent. */
  async closeEscalation(requestId: string): Promise<void> {
    const escalation = await this.getEscalation(requestId);
    if (!escalation) return;
    await batchDeleteAll(this.ctx, escalation.missing.map((line) => key.waitingFor(line.sku, requestId)));
    await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: key.escalation(requestId),
        UpdateExpression: 'SET #status = :closed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':closed': 'CLOSED' },
      }),
    );
  }

  async getEscalation(requestId: string): Promise<Escalation | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.escalation(requestId), ConsistentRead: true }));
    return out.Item ? fromItem<Escalation>(out.Item) : undefined;
  }

  /** Escalated requests waiting for a product. */
  async waitingFor(sku: string): Promise<{ requestId: string; quantity: number }[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :product AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':product': key.product(sku).pk, ':prefix': 'WAITING#' },
    });
    return items.map((item) => ({ requestId: String(item.requestId), quantity: Number(item.quantity) }));
  }
}

/** Why a reference no longer decides at `now`, or undefined while it does. */
export function whyGone(ref: Pick<DecisionRef, 'status' | 'answerBy'>, now: string): string | undefined {
  switch (ref.status) {
    case 'DECIDED':
      return 'has already been used';
    case 'SUPERSEDED':
      return 'has passed to the partner; this link no longer decides';
    case 'EXPIRED':
      return 'has expired';
    case 'ACTIVE':
      return Date.parse(ref.answerBy) <= Date.parse(now) ? 'has expired' : undefined;
  }
}
