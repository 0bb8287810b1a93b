/**
 * Tells tandem partners about a request: renders the message of a kind in each
 * recipient's language and sends it on each of their channels — SMS straight
 * to the mobile number (one GSM-7 segment, transactional, with a price cap),
 * email through the recipient's tandem topic with their person id as message
 * attribute (provisioning gave each person a subscription filtered on it).
 * The directory decides who and when (functions/notifications/delivery-policy.ts):
 * an absent person's deputy receives instead, an informational SMS waits for
 * the end of quiet hours, an opted-out person or number gets no SMS. Every
 * send is claimed in the notification log first, so a retried step sends once.
 * Logs name person ids and channels only.
 */
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { NotFoundError } from '../../domain/errors';
import type { Channel, Person, Role, Store, Tandem } from '../../domain/model';
import type { TableContext } from '../../repository/document-client';
import { DynamoNotificationLog, type NotificationSubject } from '../../repository/notification-log';
import { DynamoStoreDirectory } from '../../repository/store-directory';
import { DynamoTandemDirectory } from '../../repository/tandem-directory';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { absenceOn, inQuietHours, quietHoursEnd, wantsSms } from '../../notifications/delivery-policy';
import { PERSON_ATTRIBUTE, tandemTopicArn } from '../../notifications/tandem-topics';
import { businessMetrics } from '../../shared/business-metrics';
import { logger } from '../../shared/powertools';
import { isUrgent, renderMessage, type MessageKind, type MessageLine, type MessageParams, type MessageStore } from '../domain/messages';
import { loadRequestFacts, messageLines, type RequestFacts } from './request-facts';

export interface Recipient {
  readonly person: Person;
  readonly role: Role;
  /** The tandem whose email topic reaches the person (a deputy's own tandem). */
  readonly territoryId: string;
  /** The absent person this deputy stands in for. */
  readonly onBehalfOf?: string;
}

export interface SentNotification {
  readonly personId: string;
  readonly role: Role;
  readonly channel: Channel;
  readonly outcome: 'sent' | 'already-sent' | 'opted-out' | 'held';
  /** For a held SMS: when the person's quiet hours end. */
  readonly heldUntil?: string;
}

export class TandemNotifier {
  private readonly stores: DynamoStoreDirectory;
  private readonly log: DynamoNotificationLog;
  private readonly directory: DynamoTandemDirectory;

  constructor(
    private readonly ctx: TableContext,
    private readonly sns: SNSClient,
    /** TANDEM_TOPIC_ARN_PREFIX: a tandem's email topic is this plus its territory id. */
    private readonly topicArnPrefix: string,
    private readonly now: () => Date = () => new Date(),
    private readonly smsMaxPriceUsd = '0.50',
  ) {
    this.stores = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
    this.log = new DynamoNotificationLog(ctx);
    this.directory = new DynamoTandemDirectory(ctx);
  }

  facts(requestId: string, extraSkus: readonly string[] = []): Promise<RequestFacts> {
    return loadRequestFacts(this.ctx, requestId, extraSkus);
  }

  async store(storeId: string, distanceKm?: number): Promise<MessageStore> {
    const store: Store | undefined = await this.stores.getStore(storeId);
    if (!store) throw new NotFoundError('store', storeId);
    return { name: store.name, city: store.city, postcode: store.postcode, ...(distanceKm === undefined ? {} : { distanceKm }) };
  }

  /** Message lines with product names and units from the catalogue. */
  lines(facts: RequestFacts, lines: readonly { sku: string; quantity: number }[]): MessageLine[] {
    return messageLines(facts, lines);
  }

  /** The facts every kind shares, for one recipient. */
  common(facts: RequestFacts, recipient: Recipient) {
    return {
      requestId: facts.request.requestId,
      customerName: facts.customer.name,
      lines: this.lines(facts, facts.request.lines),
      neededBy: facts.request.neededBy,
      fulfilment: facts.request.fulfilment,
      ...(facts.request.note ? { note: facts.request.note } : {}),
      recipientName: recipient.person.name,
    };
  }

  /**
   * The people who get a tandem's messages now: each role's person, or their
   * deputy on the days of their absence (a deputy who left the directory
   * leaves the absent person as recipient, and the log says so).
   */
  async recipients(tandem: Tandem, roles: readonly Role[] = ['inside', 'field']): Promise<Recipient[]> {
    const at = this.now();
    const wanted = roles.map((role) => {
      const person = role === 'inside' ? tandem.insideManager : tandem.fieldManager;
      return { role, person, absence: absenceOn(person, at) };
    });
    const deputyIds = wanted.flatMap((w) => (w.absence ? [w.absence.deputyId] : []));
    const deputies = deputyIds.length > 0 ? await this.directory.people(deputyIds) : [];
    return wanted.map(({ role, person, absence }): Recipient => {
      const deputy = absence && deputies.find((d) => d.person.personId === absence.deputyId);
      if (absence && !deputy) logger.warn('deputy not in the directory; the absent person receives', { personId: person.personId, deputyId: absence.deputyId });
      return deputy
        ? { person: deputy.person, role, territoryId: deputy.territoryId, onBehalfOf: person.personId }
        : { person, role, territoryId: tandem.territoryId };
    });
  }

  /** The person holding a decision task: one of the tandem, or the deputy it was offered to. */
  async holder(tandem: Tandem, personId: string, role: Role): Promise<Recipient> {
    const found = await this.directory.personOf(tandem, personId);
    if (!found) throw new NotFoundError('person', personId);
    const own = role === 'inside' ? tandem.insideManager : tandem.fieldManager;
    return { person: found.person, role, territoryId: found.territoryId, ...(found.territoryId === tandem.territoryId ? {} : { onBehalfOf: own.personId }) };
  }

  /**
   * Sends a message kind to each recipient on each of their channels, once per
   * `occasion` (e.g. the phase or the stock count that caused it).
   */
  async send<K extends MessageKind>(
    /** A customer request's id, or the customer and case of a lifecycle message: whose notification log records it. */
    subject: NotificationSubject,
    kind: K,
    recipients: readonly Recipient[],
    paramsFor: (recipient: Recipient) => MessageParams[K],
    occasion = '',
  ): Promise<SentNotification[]> {
    const sent: SentNotification[] = [];
    const at = this.now();
    for (const recipient of recipients) {
      const { person, role } = recipient;
      const message = renderMessage(kind, paramsFor(recipient), person.language);
      for (const channel of person.channels) {
        const dedupeKey = [kind, occasion, person.personId, channel].filter(Boolean).join('#');
        const record = {
          subject,
          dedupeKey,
          kind,
          personId: person.personId,
          role,
          channel,
          claimedAt: at.toISOString(),
          ...(recipient.onBehalfOf ? { onBehalfOf: recipient.onBehalfOf } : {}),
        };
        const result = (outcome: SentNotification['outcome'], heldUntil?: string): SentNotification => ({
          personId: person.personId,
          role,
          channel,
          outcome,
          ...(heldUntil ? { heldUntil } : {}),
        });
        // Informational SMS wait for the morning; the email (if the person has it) goes now.
        if (channel === 'sms' && wantsSms(person) && !isUrgent(kind) && inQuietHours(person, at)) {
          const heldUntil = quietHoursEnd(person, at).toISOString();
          const held = await this.log.hold(record, heldUntil);
          sent.push(result(held === 'held' ? 'held' : 'already-sent', held === 'held' ? heldUntil : undefined));
          continue;
        }
        if ((await this.log.claim(record)) === 'already-sent') {
          sent.push(result('already-sent'));
          continue;
        }
        // An opted-out person or number is never messaged: SNS would refuse the number, and the record says why nothing went.
        const optedOut =
          channel === 'sms' &&
          (!wantsSms(person) ? 'the person opted out of SMS in the directory'
            : (await this.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: person.mobile }))).isOptedOut ? 'the number opted out of SMS'
              : undefined);
        if (optedOut) {
          await this.log.markSuppressed(subject, dedupeKey, optedOut, this.now().toISOString());
          logger.info('notification suppressed: opted out', { kind, personId: person.personId, channel });
          sent.push(result('opted-out'));
          continue;
        }
        const { MessageId } = await this.sns.send(
          channel === 'sms'
            ? new PublishCommand({
                PhoneNumber: person.mobile,
                Message: message.sms,
                MessageAttributes: {
                  'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
                  // A spend guardrail per message (USD); the account's monthly SMS limit is the other (docs/notifications.md).
                  'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: this.smsMaxPriceUsd },
                },
              })
            : new PublishCommand({
                TopicArn: tandemTopicArn(this.topicArnPrefix, recipient.territoryId),
                Subject: message.email.subject,
                Message: message.email.body,
                MessageAttributes: {
                  [PERSON_ATTRIBUTE]: { DataType: 'String', StringValue: person.personId },
                  kind: { DataType: 'String', StringValue: kind },
                },
              }),
        );
        await this.log.markSent(subject, dedupeKey, MessageId ?? 'unknown', this.now().toISOString());
        logger.info('notification sent', { kind, personId: person.personId, channel, ...(recipient.onBehalfOf ? { onBehalfOf: recipient.onBehalfOf } : {}) });
        businessMetrics.notificationSent(channel);
        sent.push(result('sent'));
      }
    }
    return sent;
  }
}
