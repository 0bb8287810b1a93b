/**
 * Which notifications a request has sent, to whom, on which channel, when.
 *
 * A record is claimed (conditional put) BEFORE the message is published and
 * marked SENT with the message id after: a retried workflow step finds the
 * SENT record and publishes nothing. A claim that was never marked sent (the
 * step died between claim and publish) is published again — at-least-once,
 * the only honest promise without a transactional outbox. The records are also
 * what `GET /requests/{id}` shows as "who was notified when"; they hold person
 * ids and channels, never numbers or addresses.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, Role } from '../domain/model';
import { queryAll, type TableContext } from './document-client';
import { fromItem, key, toUtc } from './table-layout';

/**
 * Whose log a notification goes to: a customer request's (its id), or a
 * customer's, for a lifecycle case (onboarding, price request, follow-up).
 */
export type NotificationSubject = string | CustomerCase;
export interface CustomerCase {
  readonly customerId: string;
  /** The onboarding, price request or follow-up the message is about. */
  readonly caseId: string;
}

function logKey(subject: NotificationSubject, dedupeKey: string): { pk: string; sk: string } {
  return typeof subject === 'string' ? key.notification(subject, dedupeKey) : key.customerNotification(subject.customerId, subject.caseId, dedupeKey);
}

export interface NotificationRecord {
  /** The customer request's id, or the case id of a customer's notification. */
  readonly requestId?: string;
  readonly customerId?: string;
  readonly caseId?: string;
  /** Unique per request: kind, person, channel (and what makes a repeat of the kind distinct). */
  readonly dedupeKey: string;
  readonly kind: string;
  readonly personId: string;
  readonly role: Role;
  readonly channel: Channel;
  /**
   * SUPPRESSED: not sent on purpose (e.g. the number opted out of SMS); `reason` says why.
   * HELD: an informational SMS waiting for the end of the person's quiet hours (`heldUntil`).
   */
  readonly status: 'SENDING' | 'SENT' | 'SUPPRESSED' | 'HELD';
  readonly heldUntil?: string;
  /** The absent person a deputy received this for. */
  readonly onBehalfOf?: string;
  readonly reason?: string;
  readonly claimedAt: string;
  readonly sentAt?: string;
  readonly messageId?: string;
}

export type ClaimOutcome = 'claimed' | 'already-sent';
type NewNotification = Omit<NotificationRecord, 'status' | 'sentAt' | 'messageId' | 'heldUntil' | 'requestId' | 'customerId' | 'caseId'> & {
  readonly subject: NotificationSubject;
};

export class DynamoNotificationLog {
  constructor(private readonly ctx: TableContext) {}

  /** Claims a notification for sending; `already-sent` means a previous attempt published it. */
  async claim(record: NewNotification): Promise<ClaimOutcome> {
    return (await this.putUnlessFinal(record, { status: 'SENDING' })) ? 'claimed' : 'already-sent';
  }

  /** Records an SMS held for the person's quiet hours; a later claim takes it over and sends it. */
  async hold(record: NewNotification, heldUntil: string): Promise<'held' | 'already-sent'> {
    return (await this.putUnlessFinal(record, { status: 'HELD', heldUntil: toUtc(heldUntil) })) ? 'held' : 'already-sent';
  }

  /** Writes the record unless it is final: a SENDING one left by a step that died is taken over, a HELD one too; SENT or SUPPRESSED stays. */
  private async putUnlessFinal({ subject, ...record }: NewNotification, state: { status: 'SENDING' | 'HELD'; heldUntil?: string }): Promise<boolean> {
    try {
      await this.ctx.doc.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: { ...logKey(subject, record.dedupeKey), entity: 'Notification', ...subjectFields(subject), ...record, claimedAt: toUtc(record.claimedAt), ...state },
          ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:sending, :held)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'SENDING', ':held': 'HELD' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markSent(subject: NotificationSubject, dedupeKey: string, messageId: string, sentAt: string): Promise<void> {
    await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: logKey(subject, dedupeKey),
        UpdateExpression: 'SET #status = :sent, sentAt = :at, messageId = :id',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':at': toUtc(sentAt), ':id': messageId },
      }),
    );
  }

  /** Records that a claimed notification was deliberately not sent, and why. */
  async markSuppressed(subject: NotificationSubject, dedupeKey: string, reason: string, at: string): Promise<void> {
    await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: logKey(subject, dedupeKey),
        UpdateExpression: 'SET #status = :suppressed, sentAt = :at, reason = :reason',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':suppressed': 'SUPPRESSED', ':at': toUtc(at), ':reason': reason },
      }),
    );
  }

  /** Every notification of a request, in the order they were claimed. */
  async notificationsFor(requestId: string): Promise<NotificationRecord[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :request AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':request': key.request(requestId).pk, ':prefix': 'NOTIFICATION#' },
    });
    return items.map((item) => fromItem<NotificationRecord>(item)).sort((a, b) => a.claimedAt.localeCompare(b.claimedAt));
  }
}

function subjectFields(subject: NotificationSubject): Record<string, string> {
  return typeof subject === 'string' ? { requestId: subject } : { customerId: subject.customerId, caseId: subject.caseId };
}
