/**
 * The local SNS stand-in: topics, subscriptions, the SMS opt-out list, and an
 * outbox that records every delivery SNS would make (SMS, email, HTTP, SQS …)
 * instead of making it. `lambda` subscriptions also invoke the local handler.
 * Semantics and error codes follow the SNS API reference; the error `code` is
 * the awsQuery code the SDK maps to its exception (`NotFound` → NotFoundException).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  LOCAL_AWS,
  type Clock,
  type LambdaInvoker,
  type LocalSubscriptionSpec,
  type LocalTopicSpec,
  type OutboxRecord,
  type SnsMessageAttribute,
  type SnsPublishInput,
  type SnsPublisher,
} from '../contracts';
import { compileFilterPolicy, isFilterPolicyScope, matchesFilterPolicy, parseFilterPolicy, type CompiledFilterPolicy } from './filter-policy';

export type SnsProtocol = OutboxRecord['channel'];

export interface LocalSnsOptions {
  /** Invokes `lambda` subscriptions; without it their deliveries are only recorded. */
  readonly lambda?: LambdaInvoker;
  readonly clock?: Pick<Clock, 'now'>;
  /** Records kept before the oldest are dropped (default 10,000). */
  readonly outboxLimit?: number;
  /** Told when a lambda subscription's handler fails; SNS itself would not notice (the invoke is asynchronous). */
  readonly onDeliveryError?: (error: unknown, record: OutboxRecord) => void;
  /**
   * Email, email-json and HTTP/S subscriptions: `immediately` (the default) confirms them
   * on Subscribe; `by-link` leaves them `PendingConfirmation`, as AWS does, until the
   * SubscribeURL in their confirmation message is visited (or ConfirmSubscription is called).
   */
  readonly confirmSubscriptions?: ConfirmSubscriptions;
  /** Base URL of the endpoint serving this SNS (e.g. `http://127.0.0.1:4566`); SubscribeURLs point there. */
  readonly publicUrl?: string;
}

export type ConfirmSubscriptions = 'immediately' | 'by-link';

export interface SubscribeOptions {
  /** AWS's `ReturnSubscriptionArn`: the ARN even while the subscription awaits confirmation. */
  readonly returnSubscriptionArn?: boolean;
}

export interface PendingFilter {
  readonly topicArn?: string;
  readonly endpoint?: string;
}

/** A delivery SNS accepted but did not make, e.g. an SMS to an opted-out number. */
export interface UndeliveredRecord {
  readonly messageId: string;
  readonly channel: SnsProtocol;
  readonly endpoint: string;
  readonly topicArn?: string;
  readonly reason: string;
  readonly at: string;
}

export interface OutboxFilter {
  readonly channel?: SnsProtocol;
  readonly endpoint?: string;
  readonly topicArn?: string;
  readonly messageId?: string;
}

export interface SubscriptionSummary {
  readonly SubscriptionArn: string;
  readonly Owner: string;
  readonly Protocol: SnsProtocol;
  readonly Endpoint: string;
  readonly TopicArn: string;
}

export interface PublishResult {
  readonly MessageId: string;
  /** FIFO topics only. */
  readonly SequenceNumber?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

const PROTOCOLS: readonly SnsProtocol[] = ['sms', 'email', 'email-json', 'lambda', 'sqs', 'http', 'https', 'application'];
/** Protocols whose subscriptions AWS leaves pending until the endpoint confirms (locally: unless confirmed at once). */
const CONFIRMED_BY_ENDPOINT: readonly SnsProtocol[] = ['email', 'email-json', 'http', 'https'];
/** Raw message delivery exists for SQS and HTTP/S endpoints only (SNS guide, "Amazon SNS raw message delivery"). */
const RAW_DELIVERY: readonly SnsProtocol[] = ['sqs', 'http', 'https'];
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'DeliveryPolicy',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);
/** Default topic `MaximumMessageSize`: message and attributes together, 256 KiB (Publish API reference). */
const DEFAULT_MAX_MESSAGE_BYTES = 262_144;
/** Publish API reference: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100 characters long." */
const MAX_SUBJECT_CHARS = 99;
/** SNS guide, "Amazon SNS message attributes": raw deliveries to SQS carrying more than 10 attributes are discarded. */
const SQS_RAW_MAX_ATTRIBUTES = 10;
const E164 = /^\+[1-9]\d{1,14}$/;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const TOPIC_ARN = /^arn:[\w-]+:sns:[\w-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;
const PAGE_SIZE = 100;
const DEFAULT_EMAIL_SUBJECT = 'AWS Notification Message';
/** What Subscribe returns for a subscription awaiting confirmation, unless ReturnSubscriptionArn is set. */
const PENDING_CONFIRMATION_RESULT = 'pending confirmation';
/** The SubscriptionArn that List(Subscriptions|SubscriptionsByTopic) show for such a subscription. */
const PENDING_CONFIRMATION_ARN = 'PendingConfirmation';
const SNS_HOST = `https://sns.${LOCAL_AWS.region}.${LOCAL_AWS.urlSuffix}`;
const SIGNING_CERT_URL = `${SNS_HOST}/SimpleNotificationService-local.pem`;
/** Deliveries are not signed locally; the field is present so parsers find it. */
const LOCAL_SIGNATURE = Buffer.from('unsigned: delivered by the local runtime').toString('base64');

interface Topic {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly attributes: Map<string, string>;
}

interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: SnsProtocol;
  readonly endpoint: string;
  readonly attributes: Map<string, string>;
  filter?: CompiledFilterPolicy;
  /** Not delivered to until confirmed. */
  pendingConfirmation: boolean;
  /** Confirmed with AuthenticateOnUnsubscribe=true (or created by the topic owner: sms, lambda, …). */
  confirmationWasAuthenticated: boolean;
}

/** One accepted Publish, before it fans out to subscriptions. */
interface Published {
  readonly messageId: string;
  readonly topicArn?: string;
  readonly subject?: string;
  /** The message text per protocol; `default` for every protocol without its own (MessageStructure `json`). */
  readonly text: Readonly<Record<string, string>> & { readonly default: string };
  readonly attributes: Readonly<Record<string, SnsMessageAttribute>>;
  readonly at: string;
  readonly sequenceNumber?: string;
}

type Listener<T> = (record: T) => void;

export class LocalSns implements SnsPublisher {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly optedOut = new Set<string>();
  /** Confirmation token → subscription ARN; every token sent stays valid while its subscription exists. */
  private readonly confirmationTokens = new Map<string, string>();
  private readonly records: OutboxRecord[] = [];
  private readonly undeliveredRecords: UndeliveredRecord[] = [];
  private readonly deliveryListeners = new Set<Listener<OutboxRecord>>();
  private readonly publishListeners = new Set<Listener<SnsPublishInput>>();
  private readonly undeliveredListeners = new Set<Listener<UndeliveredRecord>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly outboxLimit: number;
  private sequence = 0n;
  private publicUrl: string | undefined;

  constructor(private readonly options: LocalSnsOptions = {}) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.outboxLimit = options.outboxLimit ?? 10_000;
    if (options.publicUrl !== undefined) this.setPublicUrl(options.publicUrl);
  }

  /** Where SubscribeURLs in later confirmation messages point (before it is known: AWS's own host). */
  setPublicUrl(url: string): void {
    this.publicUrl = url.replace(/\/+$/, '');
  }

  /** Topics and subscriptions as the synthesized template declares them, with the template's ARNs. */
  static fromStack(topics: readonly LocalTopicSpec[], subscriptions: readonly LocalSubscriptionSpec[], options?: LocalSnsOptions): LocalSns {
    const sns = new LocalSns(options);
    for (const spec of topics) {
      sns.topics.set(spec.arn, { arn: spec.arn, name: spec.topicName, fifo: spec.fifo, attributes: new Map(spec.fifo ? [['FifoTopic', 'true']] : []) });
    }
    for (const spec of subscriptions) {
      const attributes: Record<string, string> = {};
      if (spec.filterPolicyScope) attributes.FilterPolicyScope = spec.filterPolicyScope;
      if (spec.filterPolicy) attributes.FilterPolicy = JSON.stringify(spec.filterPolicy);
      if (spec.rawMessageDelivery !== undefined) attributes.RawMessageDelivery = String(spec.rawMessageDelivery);
      try {
        // A stable ARN per logical ID, so links into the local console survive a restart.
        sns.addSubscription(spec.topicArn, spec.protocol, spec.endpoint, attributes, `${spec.topicArn}:${stableUuid(spec.logicalId)}`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`local SNS cannot load subscription ${spec.logicalId} (${spec.protocol} ${spec.endpoint}): ${reason}`, { cause: error });
      }
    }
    return sns;
  }

  // ---------------------------------------------------------------- topics

  /** Idempotent by name, as in AWS: the same name returns the same ARN unless the attributes differ. */
  createTopic(name: string, attributes: Readonly<Record<string, string>> = {}): string {
    const fifo = attributes.FifoTopic === 'true';
    if (fifo ? !FIFO_TOPIC_NAME.test(name) : !TOPIC_NAME.test(name)) {
      throw invalidParameter(
        fifo
          ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, ' +
              'numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
          : 'Topic Name',
      );
    }
    const arn = `arn:${LOCAL_AWS.partition}:sns:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:${name}`;
    const existing = this.topics.get(arn);
    if (existing) {
      if (Object.entries(attributes).some(([key, value]) => existing.attributes.get(key) !== value)) {
        throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      }
      return arn;
    }
    this.topics.set(arn, { arn, name, fifo, attributes: new Map(Object.entries(attributes)) });
    return arn;
  }

  listTopics(nextToken?: string): Page<string> {
    return page([...this.topics.keys()], nextToken);
  }

  /** Deleting a topic that does not exist is not an error in AWS; its subscriptions go with it. */
  deleteTopic(topicArn: string): void {
    requireTopicArn(topicArn);
    this.topics.delete(topicArn);
    for (const subscription of this.subscriptions.values()) {
      if (subscription.topicArn === topicArn) this.removeSubscription(subscription.arn);
    }
  }

  getTopicAttributes(topicArn: string): Record<string, string> {
    const topic = this.requireTopic(topicArn);
    const subscriptions = this.subscriptionsOf(topicArn);
    const pending = subscriptions.filter((subscription) => subscription.pendingConfirmation).length;
    return {
      TopicArn: topic.arn,
      Owner: LOCAL_AWS.accountId,
      DisplayName: '',
      SubscriptionsConfirmed: String(subscriptions.length - pending),
      SubscriptionsPending: String(pending),
      SubscriptionsDeleted: '0',
      ...Object.fromEntries(topic.attributes),
    };
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Subscribes an endpoint. Email, email-json and http/s subscriptions get the
   * confirmation message AWS would send, recorded in the outbox; they are confirmed
   * at once, or (`confirmSubscriptions: 'by-link'`) stay pending and this returns
   * `pending confirmation` unless `returnSubscriptionArn`. Idempotent like AWS: the
   * same endpoint again returns its subscription, and re-sends a pending one's message.
   */
  subscribe(
    topicArn: string,
    protocol: string,
    endpoint: string,
    attributes: Readonly<Record<string, string>> = {},
    options: SubscribeOptions = {},
  ): string {
    const subscription = this.addSubscription(topicArn, protocol, endpoint, attributes);
    return subscription.pendingConfirmation && !options.returnSubscriptionArn ? PENDING_CONFIRMATION_RESULT : subscription.arn;
  }

  /**
   * AWS's ConfirmSubscription: the token from a confirmation message confirms its
   * subscription and returns the ARN. A token already used returns the ARN again, as
   * visiting a confirmation link twice does; an unknown token is `InvalidParameter`.
   */
  confirmSubscription(topicArn: string, token: string, authenticateOnUnsubscribe = false): string {
    this.requireTopic(topicArn);
    const subscription = this.subscriptions.get(this.confirmationTokens.get(token) ?? '');
    if (!subscription || subscription.topicArn !== topicArn) throw invalidParameter('Token');
    if (subscription.pendingConfirmation) {
      subscription.pendingConfirmation = false;
      subscription.confirmationWasAuthenticated = authenticateOnUnsubscribe;
    }
    return subscription.arn;
  }

  /** Local helper: every recipient of a pending subscription clicked its link. Returns how many were confirmed. */
  confirmPending(filter: PendingFilter = {}): number {
    const pending = [...this.subscriptions.values()].filter(
      (subscription) =>
        subscription.pendingConfirmation &&
        (filter.topicArn === undefined || subscription.topicArn === filter.topicArn) &&
        (filter.endpoint === undefined || subscription.endpoint === filter.endpoint),
    );
    for (const subscription of pending) subscription.pendingConfirmation = false;
    return pending.length;
  }

  /** Unsubscribing twice is not an error in AWS. */
  unsubscribe(subscriptionArn: string): void {
    requireSubscriptionArn(subscriptionArn);
    this.removeSubscription(subscriptionArn);
  }

  listSubscriptionsByTopic(topicArn: string, nextToken?: string): Page<SubscriptionSummary> {
    this.requireTopic(topicArn);
    return page(this.subscriptionsOf(topicArn).map(summary), nextToken);
  }

  listSubscriptions(nextToken?: string): Page<SubscriptionSummary> {
    return page([...this.subscriptions.values()].map(summary), nextToken);
  }

  getSubscriptionAttributes(subscriptionArn: string): Record<string, string> {
    const subscription = this.requireSubscription(subscriptionArn);
    return {
      SubscriptionArn: subscription.arn,
      TopicArn: subscription.topicArn,
      Owner: LOCAL_AWS.accountId,
      Protocol: subscription.protocol,
      Endpoint: subscription.endpoint,
      PendingConfirmation: String(subscription.pendingConfirmation),
      ConfirmationWasAuthenticated: String(subscription.confirmationWasAuthenticated),
      RawMessageDelivery: 'false',
      ...(subscription.filter ? { FilterPolicyScope: subscription.filter.scope } : {}),
      ...Object.fromEntries(subscription.attributes),
    };
  }

  setSubscriptionAttributes(subscriptionArn: string, name: string, value = ''): void {
    const subscription = this.requireSubscription(subscriptionArn);
    applySubscriptionAttribute(subscription, name, value);
  }

  // ---------------------------------------------------------------- publish

  /** Records one outbox entry per matching subscription (or the direct SMS); lambda subscriptions are invoked asynchronously, as SNS does. */
  publish(input: SnsPublishInput): Promise<PublishResult> {
    // Through a promise, so invalid input rejects as an SDK call would rather than throwing.
    return new Promise((resolve) => resolve(this.accept(input)));
  }

  /** Resolves once every lambda invocation started by a publish so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  // ---------------------------------------------------------------- SMS opt-out

  checkIfPhoneNumberIsOptedOut(phoneNumber: string): boolean {
    return this.optedOut.has(requirePhoneNumber(phoneNumber));
  }

  optInPhoneNumber(phoneNumber: string): void {
    this.optedOut.delete(requirePhoneNumber(phoneNumber));
  }

  /** Local helper: the phone's owner replied STOP. */
  optOut(phoneNumber: string): void {
    this.optedOut.add(requirePhoneNumber(phoneNumber));
  }

  listPhoneNumbersOptedOut(nextToken?: string): Page<string> {
    return page([...this.optedOut], nextToken);
  }

  // ---------------------------------------------------------------- outbox

  outbox(filter: OutboxFilter = {}): OutboxRecord[] {
    return this.records.filter(
      (record) =>
        (filter.channel === undefined || record.channel === filter.channel) &&
        (filter.endpoint === undefined || record.endpoint === filter.endpoint) &&
        (filter.topicArn === undefined || record.topicArn === filter.topicArn) &&
        (filter.messageId === undefined || record.messageId === filter.messageId),
    );
  }

  undelivered(): UndeliveredRecord[] {
    return [...this.undeliveredRecords];
  }

  clearOutbox(): void {
    this.records.length = 0;
    this.undeliveredRecords.length = 0;
  }

  /** Calls `listener` with every new outbox record; returns the function that stops it. */
  onDelivery(listener: Listener<OutboxRecord>): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  /** Calls `listener` with every publish SNS accepts (before its deliveries); returns the function that stops it. */
  onPublish(listener: Listener<SnsPublishInput>): () => void {
    this.publishListeners.add(listener);
    return () => this.publishListeners.delete(listener);
  }

  onUndelivered(listener: Listener<UndeliveredRecord>): () => void {
    this.undeliveredListeners.add(listener);
    return () => this.undeliveredListeners.delete(listener);
  }

  // ---------------------------------------------------------------- internals

  private accept(input: SnsPublishInput): PublishResult {
    const targets = [input.TopicArn, input.TargetArn, input.PhoneNumber].filter((target) => target !== undefined && target !== '');
    if (targets.length === 0) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
    if (targets.length > 1) throw invalidParameter('TopicArn or TargetArn Reason: only one of TopicArn, TargetArn or PhoneNumber may be given');
    const text = messageText(input);
    validateSubject(input.Subject);
    const attributes = validateMessageAttributes(input.MessageAttributes ?? {});
    const messageId = randomUUID();
    const at = this.clock.now().toISOString();

    if (input.PhoneNumber) {
      const phone = input.PhoneNumber;
      if (!E164.test(phone)) throw invalidParameter(`PhoneNumber Reason: ${phone} is not valid to publish to`);
      checkMessageSize(input.Message, attributes, DEFAULT_MAX_MESSAGE_BYTES);
      for (const listener of this.publishListeners) listener(input);
      this.deliverSms({ messageId, text, attributes, at }, phone);
      return { MessageId: messageId };
    }

    const topic = this.topicForPublish(input);
    checkMessageSize(input.Message, attributes, Number(topic.attributes.get('MaximumMessageSize') ?? DEFAULT_MAX_MESSAGE_BYTES));
    const sequenceNumber = topic.fifo ? this.checkFifo(topic, input) : undefined;
    const published: Published = { messageId, topicArn: topic.arn, subject: input.Subject, text, attributes, at, sequenceNumber };
    for (const listener of this.publishListeners) listener(input);
    for (const subscription of this.subscriptionsOf(topic.arn)) {
      if (!subscription.pendingConfirmation) this.deliver(published, subscription);
    }
    return sequenceNumber === undefined ? { MessageId: messageId } : { MessageId: messageId, SequenceNumber: sequenceNumber };
  }

  private addSubscription(
    topicArn: string,
    protocolName: string,
    endpoint: string,
    attributes: Readonly<Record<string, string>>,
    arn = `${topicArn}:${randomUUID()}`,
  ): Subscription {
    this.requireTopic(topicArn);
    const protocol = requireProtocol(protocolName);
    requireEndpoint(protocol, endpoint);
    const existing = [...this.subscriptions.values()].find(
      (subscription) => subscription.topicArn === topicArn && subscription.protocol === protocol && subscription.endpoint === endpoint,
    );
    if (existing) {
      if (Object.entries(attributes).some(([key, value]) => existing.attributes.get(key) !== value)) {
        throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      }
      if (existing.pendingConfirmation) this.recordConfirmation(existing);
      return existing;
    }
    const confirmedByEndpoint = CONFIRMED_BY_ENDPOINT.includes(protocol);
    const subscription: Subscription = {
      arn,
      topicArn,
      protocol,
      endpoint,
      attributes: new Map(),
      pendingConfirmation: confirmedByEndpoint && this.options.confirmSubscriptions === 'by-link',
      confirmationWasAuthenticated: !confirmedByEndpoint,
    };
    // The scope first: the policy is validated against it.
    const ordered = Object.entries(attributes).sort(([a], [b]) => Number(b === 'FilterPolicyScope') - Number(a === 'FilterPolicyScope'));
    for (const [name, value] of ordered) applySubscriptionAttribute(subscription, name, value);
    this.subscriptions.set(arn, subscription);
    if (confirmedByEndpoint) this.recordConfirmation(subscription);
    return subscription;
  }

  private removeSubscription(subscriptionArn: string): void {
    this.subscriptions.delete(subscriptionArn);
    for (const [token, arn] of this.confirmationTokens) {
      if (arn === subscriptionArn) this.confirmationTokens.delete(token);
    }
  }

  private deliver(published: Published, subscription: Subscription): void {
    const text = published.text[subscription.protocol] ?? published.text.default;
    if (subscription.filter && !matchesFilterPolicy(subscription.filter, { body: text, attributes: published.attributes })) return;
    const raw = subscription.attributes.get('RawMessageDelivery') === 'true';
    const base = {
      messageId: published.messageId,
      channel: subscription.protocol,
      endpoint: subscription.endpoint,
      topicArn: published.topicArn,
      messageAttributes: published.attributes,
      at: published.at,
    };
    switch (subscription.protocol) {
      case 'sms':
        this.deliverSms(published, subscription.endpoint);
        return;
      case 'email':
        this.record({ ...base, subject: published.subject ?? DEFAULT_EMAIL_SUBJECT, body: text });
        return;
      case 'email-json':
        this.record({ ...base, subject: published.subject ?? DEFAULT_EMAIL_SUBJECT, body: notificationJson(published, text, subscription) });
        return;
      case 'sqs':
        if (raw && Object.keys(published.attributes).length > SQS_RAW_MAX_ATTRIBUTES) {
          const reason = `raw delivery to SQS carries at most ${SQS_RAW_MAX_ATTRIBUTES} message attributes`;
          this.recordUndelivered({ messageId: base.messageId, channel: 'sqs', endpoint: base.endpoint, topicArn: base.topicArn, reason, at: base.at });
          return;
        }
        this.record({ ...base, subject: published.subject, body: raw ? text : notificationJson(published, text, subscription) });
        return;
      case 'http':
      case 'https':
        this.record({ ...base, subject: published.subject, body: raw ? text : notificationJson(published, text, subscription) });
        return;
      case 'application':
        this.record({ ...base, subject: published.subject, body: text });
        return;
      case 'lambda': {
        const event = lambdaEvent(published, text, subscription);
        const record = this.record({ ...base, subject: published.subject, body: JSON.stringify(event) });
        this.invokeLambda(subscription.endpoint, event, record);
        return;
      }
    }
  }

  /** SMS to an opted-out number: accepted (Publish lists no opted-out error) but not delivered, as AWS does. */
  private deliverSms(published: Published, phone: string): void {
    const base = { messageId: published.messageId, channel: 'sms' as const, endpoint: phone, topicArn: published.topicArn, at: published.at };
    if (this.optedOut.has(phone)) {
      this.recordUndelivered({ ...base, reason: 'Phone is currently opted out' });
      return;
    }
    this.record({ ...base, body: published.text.sms ?? published.text.default, messageAttributes: published.attributes });
  }

  private invokeLambda(functionArn: string, event: unknown, record: OutboxRecord): void {
    const invoker = this.options.lambda;
    if (!invoker) return;
    const report = this.options.onDeliveryError ?? ((error: unknown) => console.error(`local SNS: lambda ${functionArn} failed:`, error));
    const invocation: Promise<void> = Promise.resolve()
      .then(() => invoker.invoke(functionArn, event))
      .then((result) => {
        if (result.functionError) report(result.payload, record);
      })
      .catch((error: unknown) => report(error, record))
      .finally(() => this.inFlight.delete(invocation));
    this.inFlight.add(invocation);
  }

  /** Records the confirmation message AWS sends; its SubscribeURL works against the local endpoint in either mode. */
  private recordConfirmation(subscription: Subscription): void {
    const token = randomBytes(32).toString('hex');
    this.confirmationTokens.set(token, subscription.arn);
    const host = this.publicUrl ?? SNS_HOST;
    const subscribeUrl = `${host}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(subscription.topicArn)}&Token=${token}`;
    const at = this.clock.now().toISOString();
    const messageId = randomUUID();
    const message =
      `You have chosen to subscribe to the topic ${subscription.topicArn}.\n` +
      'To confirm the subscription, visit the SubscribeURL included in this message.';
    const body =
      subscription.protocol === 'email'
        ? `You have chosen to subscribe to the topic:\n${subscription.topicArn}\n\n` +
          `To confirm this subscription, visit:\n${subscribeUrl}\n\n` +
          (subscription.pendingConfirmation ? '(If this was in error no action is necessary.)' : '(The local runtime confirmed it already.)')
        : JSON.stringify({
            Type: 'SubscriptionConfirmation',
            MessageId: messageId,
            Token: token,
            TopicArn: subscription.topicArn,
            Message: message,
            SubscribeURL: subscribeUrl,
            Timestamp: at,
            SignatureVersion: '1',
            Signature: LOCAL_SIGNATURE,
            SigningCertURL: SIGNING_CERT_URL,
          });
    const isEmail = subscription.protocol === 'email' || subscription.protocol === 'email-json';
    this.record({
      messageId,
      channel: subscription.protocol,
      endpoint: subscription.endpoint,
      topicArn: subscription.topicArn,
      subject: isEmail ? 'AWS Notification - Subscription Confirmation' : undefined,
      body,
      messageAttributes: {},
      at,
    });
  }

  private record(fields: Omit<OutboxRecord, 'deliveryId'>): OutboxRecord {
    const { messageId, channel, endpoint, topicArn, subject, body, messageAttributes, at } = fields;
    const record = withoutUndefined<OutboxRecord>({ deliveryId: randomUUID(), messageId, channel, endpoint, topicArn, subject, body, messageAttributes, at });
    this.records.push(record);
    if (this.records.length > this.outboxLimit) this.records.splice(0, this.records.length - this.outboxLimit);
    notify(this.deliveryListeners, record);
    return record;
  }

  private recordUndelivered(fields: UndeliveredRecord): void {
    const record = withoutUndefined(fields);
    this.undeliveredRecords.push(record);
    if (this.undeliveredRecords.length > this.outboxLimit) this.undeliveredRecords.splice(0, this.undeliveredRecords.length - this.outboxLimit);
    notify(this.undeliveredListeners, record);
  }

  private topicForPublish(input: SnsPublishInput): Topic {
    if (input.TopicArn) return this.requireTopic(input.TopicArn);
    const targetArn = input.TargetArn ?? '';
    // A TargetArn may name a topic; platform endpoints do not exist locally.
    const topic = this.topics.get(targetArn);
    if (!topic) throw invalidParameter('TargetArn Reason: No endpoint found for the target arn specified');
    return topic;
  }

  private checkFifo(topic: Topic, input: SnsPublishInput): string {
    if (!input.MessageGroupId) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (!input.MessageDeduplicationId && topic.attributes.get('ContentBasedDeduplication') !== 'true') {
      throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
    this.sequence += 1n;
    return this.sequence.toString().padStart(20, '0');
  }

  private requireTopic(topicArn: string): Topic {
    requireTopicArn(topicArn);
    const topic = this.topics.get(topicArn);
    if (!topic) throw new AwsServiceError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  private requireSubscription(subscriptionArn: string): Subscription {
    requireSubscriptionArn(subscriptionArn);
    const subscription = this.subscriptions.get(subscriptionArn);
    if (!subscription) throw new AwsServiceError('NotFound', 'Subscription does not exist', 404);
    return subscription;
  }

  private subscriptionsOf(topicArn: string): Subscription[] {
    return [...this.subscriptions.values()].filter((subscription) => subscription.topicArn === topicArn);
  }
}

// ---------------------------------------------------------------- validation

function invalidParameter(detail: string): AwsServiceError {
  return new AwsServiceError('InvalidParameter', `Invalid parameter: ${detail}`);
}

function requireTopicArn(topicArn: string): void {
  if (!TOPIC_ARN.test(topicArn)) throw invalidParameter('TopicArn');
}

function requireSubscriptionArn(subscriptionArn: string): void {
  const topicArn = subscriptionArn.slice(0, subscriptionArn.lastIndexOf(':'));
  if (!TOPIC_ARN.test(topicArn) || subscriptionArn.endsWith(':')) throw invalidParameter('SubscriptionArn');
}

function requirePhoneNumber(phoneNumber: string): string {
  if (!E164.test(phoneNumber)) throw invalidParameter(`phoneNumber Reason: ${phoneNumber} is not an E.164 phone number`);
  return phoneNumber;
}

function requireProtocol(protocol: string): SnsProtocol {
  const known = PROTOCOLS.find((candidate) => candidate === protocol);
  if (!known) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  return known;
}

function requireEndpoint(protocol: SnsProtocol, endpoint: string): void {
  const valid: Record<SnsProtocol, (value: string) => boolean> = {
    sms: (value) => E164.test(value),
    email: (value) => /^[^@\s]+@[^@\s]+$/.test(value),
    'email-json': (value) => /^[^@\s]+@[^@\s]+$/.test(value),
    lambda: (value) => /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/.test(value),
    sqs: (value) => /^arn:[\w-]+:sqs:[\w-]+:\d{12}:[\w.-]+$/.test(value),
    http: (value) => value.startsWith('http://'),
    https: (value) => value.startsWith('https://'),
    application: (value) => /^arn:[\w-]+:sns:[\w-]+:\d{12}:endpoint\//.test(value),
  };
  if (valid[protocol](endpoint)) return;
  throw invalidParameter(protocol === 'sms' ? `Invalid SMS endpoint: ${endpoint}` : `Invalid ${protocol} endpoint: ${endpoint}`);
}

function applySubscriptionAttribute(subscription: Subscription, name: string, value: string): void {
  if (!SUBSCRIPTION_ATTRIBUTES.has(name)) throw invalidParameter('AttributeName');
  switch (name) {
    case 'FilterPolicy':
      // An empty value removes the filter.
      if (value.trim() === '') {
        subscription.filter = undefined;
        subscription.attributes.delete('FilterPolicy');
        return;
      }
      subscription.filter = parseFilterPolicy(value, scopeOf(subscription));
      break;
    case 'FilterPolicyScope':
      if (!isFilterPolicyScope(value)) {
        throw invalidParameter(`Attributes Reason: FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      if (subscription.filter) subscription.filter = compileFilterPolicy(subscription.filter.policy, value);
      break;
    case 'RawMessageDelivery':
      if (value !== 'true' && value !== 'false') {
        throw invalidParameter(`Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      }
      if (value === 'true' && !RAW_DELIVERY.includes(subscription.protocol)) {
        throw invalidParameter(`Attributes Reason: Delivery protocol [${subscription.protocol}] does not support raw message delivery.`);
      }
      break;
  }
  subscription.attributes.set(name, value);
}

function scopeOf(subscription: Subscription): 'MessageAttributes' | 'MessageBody' {
  const scope = subscription.attributes.get('FilterPolicyScope') ?? 'MessageAttributes';
  return isFilterPolicyScope(scope) ? scope : 'MessageAttributes';
}

/** The message per protocol. With MessageStructure `json` the Message is an object with a required `default`. */
function messageText(input: SnsPublishInput): Published['text'] {
  const message: unknown = input.Message;
  if (typeof message !== 'string') throw invalidParameter('Message Reason: no value for required parameter');
  if (message === '') throw invalidParameter('Empty message');
  if (input.MessageStructure !== 'json') return { default: message };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  // Non-string values are ignored, as the API reference says.
  const texts = Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const fallback = texts.default;
  if (fallback === undefined) throw invalidParameter('Message Structure - No default entry in JSON message body');
  return { ...texts, default: fallback };
}

function validateSubject(subject: string | undefined): void {
  if (subject === undefined) return;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (subject.trim() === '' || [...subject].length > MAX_SUBJECT_CHARS || /[\u0000-\u001f\u007f]/.test(subject)) {
    throw invalidParameter('Subject');
  }
}

/** Message attribute rules from the SNS guide ("Amazon SNS message attributes"); violations are `ParameterValueInvalid`. */
function validateMessageAttributes(attributes: Readonly<Record<string, SnsMessageAttribute>>): Readonly<Record<string, SnsMessageAttribute>> {
  for (const [name, attribute] of Object.entries(attributes)) {
    const invalid = (reason: string) => new AwsServiceError('ParameterValueInvalid', `The message attribute '${name}' ${reason}`);
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw new AwsServiceError('ParameterValueInvalid', `Invalid attribute name: ${name}`);
    }
    const type = attribute.DataType;
    const emptyValue = `must contain non-empty message attribute value for message attribute type '${type}'.`;
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw invalid('has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.');
    }
    if (type.startsWith('Binary')) {
      if (!attribute.BinaryValue || attribute.BinaryValue.length === 0) throw invalid(emptyValue);
      continue;
    }
    const value = attribute.StringValue;
    if (value === undefined || value === '') throw invalid(emptyValue);
    if (type.startsWith('Number') && !Number.isFinite(Number(value))) throw invalid(`with type '${type}' must be a number.`);
    if (type === 'String.Array' && !isJsonArray(value)) {
      throw invalid(`with type 'String.Array' must be a JSON array of strings, numbers, true, false or null.`);
    }
  }
  return attributes;
}

function checkMessageSize(message: string, attributes: Readonly<Record<string, SnsMessageAttribute>>, maxBytes: number): void {
  let size = Buffer.byteLength(message);
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.BinaryValue ? attribute.BinaryValue.length : Buffer.byteLength(attribute.StringValue ?? '');
  }
  if (size > maxBytes) throw invalidParameter('Message too long');
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- delivery shapes

function summary(subscription: Subscription): SubscriptionSummary {
  return {
    SubscriptionArn: subscription.pendingConfirmation ? PENDING_CONFIRMATION_ARN : subscription.arn,
    Owner: LOCAL_AWS.accountId,
    Protocol: subscription.protocol,
    Endpoint: subscription.endpoint,
    TopicArn: subscription.topicArn,
  };
}

function unsubscribeUrl(subscription: Subscription): string {
  return `${SNS_HOST}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscription.arn)}`;
}

/** `{ name: { Type, Value } }`, the form attributes take in notifications and lambda events. */
function typedAttributes(attributes: Readonly<Record<string, SnsMessageAttribute>>): Record<string, { Type: string; Value: string }> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      { Type: attribute.DataType, Value: attribute.BinaryValue ? Buffer.from(attribute.BinaryValue).toString('base64') : (attribute.StringValue ?? '') },
    ]),
  );
}

/** The JSON notification SNS sends to SQS, HTTP/S and email-json endpoints (keys in AWS's order). */
function notificationJson(published: Published, text: string, subscription: Subscription): string {
  const attributes = typedAttributes(published.attributes);
  return JSON.stringify({
    Type: 'Notification',
    MessageId: published.messageId,
    SequenceNumber: published.sequenceNumber,
    TopicArn: published.topicArn,
    Subject: published.subject,
    Message: text,
    Timestamp: published.at,
    SignatureVersion: '1',
    Signature: LOCAL_SIGNATURE,
    SigningCertURL: SIGNING_CERT_URL,
    UnsubscribeURL: unsubscribeUrl(subscription),
    MessageAttributes: Object.keys(attributes).length > 0 ? attributes : undefined,
  });
}

/** The event Lambda receives from SNS (note `SigningCertUrl`/`UnsubscribeUrl` and `Subject: null` there). */
function lambdaEvent(published: Published, text: string, subscription: Subscription): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription.arn,
        Sns: {
          Type: 'Notification',
          MessageId: published.messageId,
          TopicArn: published.topicArn,
          Subject: published.subject ?? null,
          Message: text,
          Timestamp: published.at,
          SignatureVersion: '1',
          Signature: LOCAL_SIGNATURE,
          SigningCertUrl: SIGNING_CERT_URL,
          UnsubscribeUrl: unsubscribeUrl(subscription),
          MessageAttributes: typedAttributes(published.attributes),
        },
      },
    ],
  };
}

// ---------------------------------------------------------------- helpers

/** A failing listener (a console gone away) must not fail the publish that fed it. */
function notify<T>(listeners: ReadonlySet<Listener<T>>, record: T): void {
  for (const listener of listeners) {
    try {
      listener(record);
    } catch (error) {
      console.error('local SNS: an outbox listener failed:', error);
    }
  }
}

function page<T>(items: readonly T[], nextToken: string | undefined): Page<T> {
  const start = nextToken === undefined || nextToken === '' ? 0 : Number(nextToken);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidParameter('NextToken');
  const end = start + PAGE_SIZE;
  return end < items.length ? { items: items.slice(start, end), nextToken: String(end) } : { items: items.slice(start) };
}

/** A UUID-shaped digest, so the same logical ID always gets the same subscription ARN. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Drops undefined fields, so records compare cleanly and serialise without holes. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
