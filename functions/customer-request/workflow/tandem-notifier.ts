/**
 * Tells tandem partners about a request: renders the message of a kind in each
 * recipient's language and sends it on each of their channels — SMS straight
 * to the mobile number (one GSM-7 segment, transactional), email through the
 * tandem email topic with the person id as message attribute (the topic's
 * subscriptions deliver it; issue 5 provisions them per tandem). Every send is
 * claimed in the notification log first, so a retried step sends once.
 * Logs name person ids and channels only.
 */
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { NotFoundError } from '../../domain/errors';
import type { Person, Role, Store, Tandem } from '../../domain/model';
import type { TableContext } from '../../repository/document-client';
import { DynamoNotificationLog } from '../../repository/notification-log';
import { DynamoStoreDirectory } from '../../repository/store-directory';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { logger } from '../../shared/powertools';
import { renderMessage, type MessageKind, type MessageLine, type MessageParams, type MessageStore } from '../domain/messages';
import { loadRequestFacts, messageLines, type RequestFacts } from './request-facts';

export interface Recipient {
  readonly person: Person;
  readonly role: Role;
}

export interface SentNotification {
  readonly personId: string;
  readonly role: Role;
  readonly channel: 'sms' | 'email';
  readonly outcome: 'sent' | 'already-sent' | 'opted-out';
}

export class TandemNotifier {
  private readonly stores: DynamoStoreDirectory;
  private readonly log: DynamoNotificationLog;

  constructor(
    private readonly ctx: TableContext,
    private readonly sns: SNSClient,
    private readonly emailTopicArn: string,
    private readonly now: () => Date = () => new Date(),
    private readonly smsMaxPriceUsd = '0.50',
  ) {
    this.stores = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
    this.log = new DynamoNotificationLog(ctx);
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

  recipients(tandem: Tandem, roles: readonly Role[] = ['inside', 'field']): Recipient[] {
    return roles.map((role) => ({ role, person: role === 'inside' ? tandem.insideManager : tandem.fieldManager }));
  }

  /**
   * Sends a message kind to each recipient on each of their channels, once per
   * `occasion` (e.g. the phase or the stock count that caused it).
   */
  async send<K extends MessageKind>(
    requestId: string,
    kind: K,
    recipients: readonly Recipient[],
    paramsFor: (recipient: Recipient) => MessageParams[K],
    occasion = '',
  ): Promise<SentNotification[]> {
    const sent: SentNotification[] = [];
    for (const recipient of recipients) {
      const { person, role } = recipient;
      const message = renderMessage(kind, paramsFor(recipient), person.language);
      for (const channel of person.channels) {
        const dedupeKey = [kind, occasion, person.personId, channel].filter(Boolean).join('#');
        const claimed = await this.log.claim({ requestId, dedupeKey, kind, personId: person.personId, role, channel, claimedAt: this.now().toISOString() });
        if (claimed === 'already-sent') {
          sent.push({ personId: person.personId, role, channel, outcome: 'already-sent' });
          continue;
        }
        // An opted-out number is never messaged: SNS would refuse it, and the record says why nothing went.
        if (channel === 'sms' && (await this.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: person.mobile }))).isOptedOut) {
          await this.log.markSuppressed(requestId, dedupeKey, 'the number opted out of SMS', this.now().toISOString());
          logger.info('notification suppressed: opted out', { kind, personId: person.personId, channel });
          sent.push({ personId: person.personId, role, channel, outcome: 'opted-out' });
          continue;
        }
        const { MessageId } = await this.sns.send(
          channel === 'sms'
            ? new PublishCommand({
                PhoneNumber: person.mobile,
                Message: message.sms,
                MessageAttributes: {
                  'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
                  // A spend guardrail per message (USD); the account's monthly SMS limit is the other (docs/decisions.md).
                  'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: this.smsMaxPriceUsd },
                },
              })
            : new PublishCommand({
                TopicArn: this.emailTopicArn,
                Subject: message.email.subject,
                Message: message.email.body,
                MessageAttributes: {
                  personId: { DataType: 'String', StringValue: person.personId },
                  kind: { DataType: 'String', StringValue: kind },
                },
              }),
        );
        await this.log.markSent(requestId, dedupeKey, MessageId ?? 'unknown', this.now().toISOString());
        logger.info('notification sent', { kind, personId: person.personId, channel });
        sent.push({ personId: person.personId, role, channel, outcome: 'sent' });
      }
    }
    return sent;
  }
}
