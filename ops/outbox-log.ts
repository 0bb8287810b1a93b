/**
 * The notifications log the product records in the table (who was told what,
 * on which channel, when — person ids and channels, never numbers or
 * addresses), read the way a deployed stage allows: one request's or one
 * customer's log from its partition, or the log of the requests created
 * recently, found through the requests-by-status index. This is what
 * `tandem outbox` prints and follows.
 */
import { REQUEST_STATUSES } from '../functions/domain/model';
import { queryAll, type TableContext } from '../functions/repository/document-client';
import { DynamoNotificationLog, type NotificationRecord } from '../functions/repository/notification-log';
import { DynamoRequestRepository } from '../functions/repository/request-repository';
import { fromItem, key } from '../functions/repository/table-layout';

export interface OutboxEntry extends NotificationRecord {
  /** The request or customer the notification is about. */
  readonly subject: string;
}

export type OutboxScope =
  | { readonly requestId: string }
  | { readonly customerId: string }
  /** Requests created since this time, the newest `limit` of them. */
  | { readonly since: Date; readonly limit: number };

/** The notifications in scope, oldest claim first. */
export async function readOutbox(table: TableContext, scope: OutboxScope): Promise<OutboxEntry[]> {
  const log = new DynamoNotificationLog(table);
  let entries: OutboxEntry[];
  if ('requestId' in scope) {
    entries = (await log.notificationsFor(scope.requestId)).map((n) => ({ ...n, subject: scope.requestId }));
  } else if ('customerId' in scope) {
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :customer AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':customer': key.customer(scope.customerId).pk, ':prefix': 'NOTIFICATION#' },
    });
    entries = items.map((item) => ({ ...fromItem<NotificationRecord>(item), subject: scope.customerId }));
  } else {
    const requests = new DynamoRequestRepository(table);
    const recent = (await Promise.all(REQUEST_STATUSES.map((status) => requests.requestsByStatus(status, { from: scope.since.toISOString() })))).flat();
    const newest = recent.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, scope.limit);
    entries = (await Promise.all(newest.map(async (r) => (await log.notificationsFor(r.requestId)).map((n) => ({ ...n, subject: r.requestId }))))).flat();
  }
  return entries.sort((a, b) => (a.sentAt ?? a.claimedAt).localeCompare(b.sentAt ?? b.claimedAt));
}

/** Identity and state of an entry: a change of status (SENDING → SENT, HELD → SENT) shows again when following. */
export const entryVersion = (entry: OutboxEntry): string => `${entry.subject}|${entry.dedupeKey}|${entry.status}`;
