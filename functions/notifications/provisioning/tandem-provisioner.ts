/**
 * Makes SNS match the directory for one tandem (docs/notifications.md):
 *
 * - one topic per tandem (`<prefix>T001`), encrypted with the AWS-managed SNS
 *   key and refusing unencrypted transport;
 * - one email subscription per person who wants email, with the filter policy
 *   `{"personId":["P0001"]}`, so a publish with that attribute reaches only them
 *   (2 filter policies per topic, far below the quota of 200);
 * - nothing for SMS: SMS are published straight to the number.
 *
 * It reconciles rather than applies a diff: it reads the tandem (consistently)
 * and the topic's subscriptions, creates what is missing, fixes a filter
 * policy that differs, and removes subscriptions of addresses no longer in
 * the tandem. Run again it makes no call that changes anything. Whatever it
 * finds is written to the provisioning record (`TERRITORY#T001 / PROVISIONING`):
 * PROVISIONED with each subscription pending or confirmed, or FAILED with the
 * error — a failure is retried by running it again (stream retry, or
 * POST /tandems/{territoryId}/provisioning), which converges from any half state.
 */
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tandem } from '../../domain/model';
import type { TableContext } from '../../repository/document-client';
import { fromItem, key } from '../../repository/table-layout';
import { personFilterPolicy, tandemTopicArn, tandemTopicName } from '../tandem-topics';

export type SubscriptionStatus = 'pending' | 'confirmed';

export interface ProvisionedSubscription {
  readonly personId: string;
  /** Known once SNS returned it (Subscribe with ReturnSubscriptionArn), pending or not. */
  readonly subscriptionArn?: string;
  readonly status: SubscriptionStatus;
}

export interface ProvisioningRecord {
  readonly territoryId: string;
  readonly status: 'PROVISIONED' | 'FAILED' | 'REMOVED';
  readonly topicArn: string;
  readonly subscriptions: readonly ProvisionedSubscription[];
  /** What the last run changed, e.g. `subscribe P0001`; empty when SNS already matched. */
  readonly changes: readonly string[];
  /** Consecutive failed runs; reset by a successful one. */
  readonly failures: number;
  readonly error?: string;
  readonly updatedAt: string;
}

/** AWS lists a subscription that awaits the person's click with this in place of its ARN. */
const PENDING = 'PendingConfirmation';

export class TandemProvisioner {
  constructor(
    private readonly ctx: TableContext,
    private readonly sns: SNSClient,
    private readonly topicArnPrefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(territoryId: string): Promise<ProvisioningRecord | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.provisioning(territoryId), ConsistentRead: true }));
    return out.Item ? fromItem<ProvisioningRecord>(out.Item) : undefined;
  }

  /** Reconciles the tandem's SNS resources with its directory entry; on failure records it and rethrows. */
  async provision(territoryId: string): Promise<ProvisioningRecord> {
    const topicArn = tandemTopicArn(this.topicArnPrefix, territoryId);
    const previous = await this.record(territoryId);
    try {
      const tandem = await this.readTandem(territoryId);
      const record = tandem ? await this.reconcile(tandem, topicArn, previous) : await this.remove(territoryId, topicArn);
      await this.save(record);
      return record;
    } catch (error) {
      const failed: ProvisioningRecord = {
        territoryId,
        status: 'FAILED',
        topicArn,
        subscriptions: previous?.subscriptions ?? [],
        changes: [],
        failures: (previous?.status === 'FAILED' ? previous.failures : 0) + 1,
        // The error's kind and SNS's message (it names parameters, not the person's data we send).
        error: `${error instanceof Error ? error.name : 'Error'}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
        updatedAt: this.now().toISOString(),
      };
      await this.save(failed);
      throw error;
    }
  }

  private async reconcile(tandem: Tandem, topicArn: string, previous: ProvisioningRecord | undefined): Promise<ProvisioningRecord> {
    const changes: string[] = [];
    if (!(await this.topicExists(topicArn))) {
      await this.sns.send(new CreateTopicCommand({ Name: tandemTopicName(this.topicArnPrefix, tandem.territoryId), Attributes: tandemTopicAttributes(topicArn) }));
      changes.push('create topic');
    }
    const existing = await this.subscriptionsOf(topicArn);
    const wanted = [tandem.fieldManager, tandem.insideManager].filter((p) => p.channels.includes('email'));
    const subscriptions: ProvisionedSubscription[] = [];

    for (const person of wanted) {
      const found = existing.find((s) => s.Protocol === 'email' && s.Endpoint === person.email);
      const known = previous?.subscriptions.find((s) => s.personId === person.personId);
      if (!found) {
        const { SubscriptionArn } = await this.sns.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'email',
            Endpoint: person.email,
            Attributes: { FilterPolicy: personFilterPolicy(person.personId) },
            ReturnSubscriptionArn: true,
          }),
        );
        changes.push(`subscribe ${person.personId}`);
        subscriptions.push({ personId: person.personId, ...(SubscriptionArn ? { subscriptionArn: SubscriptionArn } : {}), status: await this.statusOf(SubscriptionArn) });
        continue;
      }
      if (found.SubscriptionArn === PENDING || !found.SubscriptionArn) {
        // Waiting for the person's click; subscribing again would only send another confirmation email.
        subscriptions.push({ personId: person.personId, ...(known?.subscriptionArn ? { subscriptionArn: known.subscriptionArn } : {}), status: 'pending' });
        continue;
      }
      const { Attributes } = await this.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: found.SubscriptionArn }));
      if (Attributes?.FilterPolicy === undefined || !samePolicy(Attributes.FilterPolicy, personFilterPolicy(person.personId))) {
        await this.sns.send(
          new SetSubscriptionAttributesCommand({ SubscriptionArn: found.SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: personFilterPolicy(person.personId) }),
        );
        changes.push(`filter ${person.personId}`);
      }
      subscriptions.push({ personId: person.personId, subscriptionArn: found.SubscriptionArn, status: Attributes?.PendingConfirmation === 'true' ? 'pending' : 'confirmed' });
    }

    // Addresses no longer wanted: departed people, changed addresses, email dropped as a channel.
    const wantedEmails = new Set(wanted.map((p) => p.email));
    for (const stale of existing.filter((s) => !wantedEmails.has(s.Endpoint ?? ''))) {
      const owner = previous?.subscriptions.find((s) => s.subscriptionArn !== undefined && s.subscriptionArn === stale.SubscriptionArn)?.personId;
      const arn = stale.SubscriptionArn !== PENDING ? stale.SubscriptionArn : undefined;
      if (arn) {
        await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
        changes.push(`unsubscribe ${owner ?? 'a former address'}`);
      }
    }
    // A stale subscription still pending is listed without its ARN; the record kept it from Subscribe.
    const stalePending = existing.some((s) => s.SubscriptionArn === PENDING && !wantedEmails.has(s.Endpoint ?? ''));
    const kept = new Set(subscriptions.map((s) => s.subscriptionArn));
    for (const gone of stalePending ? (previous?.subscriptions ?? []) : []) {
      if (gone.status !== 'pending' || !gone.subscriptionArn || kept.has(gone.subscriptionArn)) continue;
      await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: gone.subscriptionArn }));
      changes.push(`unsubscribe ${gone.personId}`);
    }
    return { territoryId: tandem.territoryId, status: 'PROVISIONED', topicArn, subscriptions, changes, failures: 0, updatedAt: this.now().toISOString() };
  }

  /** The tandem was deleted from the directory: its subscriptions and topic go too. */
  private async remove(territoryId: string, topicArn: string): Promise<ProvisioningRecord> {
    const changes: string[] = [];
    if (await this.topicExists(topicArn)) {
      for (const s of await this.subscriptionsOf(topicArn)) {
        if (s.SubscriptionArn && s.SubscriptionArn !== PENDING) await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: s.SubscriptionArn }));
      }
      await this.sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
      changes.push('delete topic');
    }
    return { territoryId, status: 'REMOVED', topicArn, subscriptions: [], changes, failures: 0, updatedAt: this.now().toISOString() };
  }

  private async readTandem(territoryId: string): Promise<Tandem | undefined> {
    // Consistent: the stream record that triggered this run may be milliseconds old.
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.tandem(territoryId), ConsistentRead: true }));
    return out.Item ? fromItem<Tandem>(out.Item) : undefined;
  }

  private async topicExists(topicArn: string): Promise<boolean> {
    try {
      await this.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      return true;
    } catch (error) {
      if (error instanceof NotFoundException) return false;
      throw error;
    }
  }

  private async subscriptionsOf(topicArn: string): Promise<Subscription[]> {
    const all: Subscription[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
      all.push(...(page.Subscriptions ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return all;
  }

  private async statusOf(subscriptionArn: string | undefined): Promise<SubscriptionStatus> {
    if (!subscriptionArn || subscriptionArn === PENDING || subscriptionArn === 'pending confirmation') return 'pending';
    const { Attributes } = await this.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    return Attributes?.PendingConfirmation === 'true' ? 'pending' : 'confirmed';
  }

  private async save(record: ProvisioningRecord): Promise<void> {
    await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tableName, Item: { ...key.provisioning(record.territoryId), entity: 'Provisioning', ...record } }));
  }
}

/** Encrypted at rest with the AWS-managed key; the policy refuses any request not made over TLS. */
/** A tandem topic as it is created: encrypted with the AWS-managed SNS key, only the account may use it, and never without TLS. */
export function tandemTopicAttributes(topicArn: string): Record<string, string> {
  const account = topicArn.split(':')[4] ?? '';
  return {
    DisplayName: 'Tandem 360',
    KmsMasterKeyId: 'alias/aws/sns',
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'OwnerOnly', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes'], Resource: topicArn },
        { Sid: 'EnforceTls', Effect: 'Deny', Principal: '*', Action: 'sns:*', Resource: topicArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    }),
  };
}

function samePolicy(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
