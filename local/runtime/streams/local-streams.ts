/**
 * The local cloud's event source mappings from DynamoDB streams to Lambda
 * functions: one poller per `AWS::Lambda::EventSourceMapping` of the template
 * (`stream-mapping.ts`), reading DynamoDB Local's streams through the AWS SDK's
 * DynamoDB Streams client, plus what tests and people need to watch them:
 * `idle()` (every mapping has delivered what its stream holds) and `failures()`
 * (every batch a mapping gave up on, and where it went).
 *
 * On-failure destinations: an SNS topic gets Lambda's invocation record published
 * to the local SNS (so its subscriptions and outbox see it); an SQS queue has no
 * local stand-in, so the record is kept in `undelivered()` with a note saying so.
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { LOCAL_AWS, type Clock, type LambdaInvoker, type LocalEventSourceMappingSpec, type LocalFunctionSpec, type SnsPublisher } from '../contracts';
import { StreamMapping, type StreamInvocationRecord, type StreamMappingStatus } from './stream-mapping';

/** Lambda polls a DynamoDB stream's shards four times a second; locally a bit more often, in real time whatever the time scale. */
export const DEFAULT_POLL_INTERVAL_MS = 100;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** A batch a mapping gave up on (retries exhausted or records too old), and what became of its invocation record. */
export interface StreamFailure {
  /** The mapping's logical id. */
  readonly mapping: string;
  readonly functionName: string;
  /** `DestinationConfig.OnFailure.Destination`, if the mapping has one. */
  readonly destination?: string;
  /**
   * `published`: sent to the destination SNS topic (message id in the SNS outbox);
   * `kept`: nowhere to send it locally (SQS destination, no destination, or a
   * publish that failed): `reason` says which.
   */
  readonly delivery: { readonly status: 'published'; readonly messageId: string } | { readonly status: 'kept'; readonly reason: string };
  /** What Lambda sends to the destination: metadata, not the records. */
  readonly invocationRecord: StreamInvocationRecord;
  /** The discarded records themselves, for inspection (AWS sends only their sequence numbers to SNS or SQS). */
  readonly records: readonly DynamoDBRecord[];
  readonly at: string;
}

export interface LocalStreamsOptions {
  readonly mappings: readonly LocalEventSourceMappingSpec[];
  /** The stack's functions, for the function ARNs in invocation records. */
  readonly functions: readonly LocalFunctionSpec[];
  readonly dynamoDbEndpoint: string;
  readonly lambda: LambdaInvoker;
  /** Publishes invocation records to SNS on-failure destinations. */
  readonly sns?: SnsPublisher;
  readonly clock: Clock;
  /** Real milliseconds between polls of a drained stream (default 100). */
  readonly pollIntervalMs?: number;
  /** Poller errors (a stream that vanished, DynamoDB Local gone); default stderr. */
  readonly log?: (line: string) => void;
}

interface IdleWaiter {
  readonly requestedAt: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class LocalStreams {
  private readonly client: DynamoDBStreamsClient;
  private readonly abort = new AbortController();
  private readonly pollers: StreamMapping[] = [];
  private readonly failureList: StreamFailure[] = [];
  private readonly waiters = new Set<IdleWaiter>();
  private counter = 0;
  private stopping?: Promise<void>;

  private constructor(private readonly options: LocalStreamsOptions) {
    this.client = new DynamoDBStreamsClient({ endpoint: options.dynamoDbEndpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
    const log = options.log ?? ((line: string) => process.stderr.write(`[streams] ${line}\n`));
    for (const spec of options.mappings) {
      const fn = options.functions.find((f) => f.functionName === spec.functionName);
      if (!fn) throw new Error(`event source mapping ${spec.logicalId}: function ${spec.functionName} is not in the stack`);
      this.pollers.push(
        new StreamMapping({
          spec,
          functionArn: fn.arn,
          streams: this.client,
          lambda: options.lambda,
          clock: options.clock,
          pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          signal: this.abort.signal,
          onDiscard: (record, records) => this.discarded(spec, record, records),
          onCycle: () => this.checkWaiters(),
          log,
          tick: () => ++this.counter,
        }),
      );
    }
  }

  /**
   * Starts every enabled mapping: its shards are listed and their iterators opened
   * before this resolves, so LATEST means "written after the local cloud started".
   */
  static async start(options: LocalStreamsOptions): Promise<LocalStreams> {
    const streams = new LocalStreams(options);
    try {
      for (const poller of streams.pollers) await poller.start();
    } catch (error) {
      await streams.stop();
      throw error;
    }
    return streams;
  }

  /** Each mapping: function, stream, state, last poller error. */
  mappings(): StreamMappingStatus[] {
    return this.pollers.map((poller) => poller.status());
  }

  /**
   * Resolves once every enabled mapping has finished a poll that began after this
   * call and found nothing left to deliver: whatever was in the streams when it
   * was called has been delivered, retried to the end, or discarded (see
   * `failures()`). Rejects after `timeoutMs` naming the mappings still busy.
   */
  idle({ timeoutMs = DEFAULT_IDLE_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('the local streams are stopped'));
    const requestedAt = ++this.counter;
    for (const poller of this.pollers) poller.refresh();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const busy = this.mappings()
          .filter((m) => m.lastIdleCycleStart <= requestedAt)
          .map((m) => `${m.logicalId}${m.lastError ? ` (last error: ${m.lastError})` : ''}`);
        reject(new Error(`DynamoDB stream mappings not idle within ${timeoutMs} ms: ${busy.join(', ')}`));
      }, timeoutMs);
      const waiter: IdleWaiter = { requestedAt, resolve, reject, timer };
      this.waiters.add(waiter);
      this.checkWaiters();
    });
  }

  /** Every batch a mapping gave up on, oldest first. */
  failures(): StreamFailure[] {
    return [...this.failureList];
  }

  /** The failures whose invocation record could not be sent anywhere locally (SQS or no destination). */
  undelivered(): StreamFailure[] {
    return this.failureList.filter((failure) => failure.delivery.status === 'kept');
  }

  clearFailures(): void {
    this.failureList.length = 0;
  }

  /** Stops polling at once; a function invocation in flight ends when the Lambda runner closes. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new Error('the local streams are stopping'));
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('the local streams stopped before they were idle'));
      }
      this.waiters.clear();
      await Promise.all(this.pollers.map((poller) => poller.stopped()));
      this.client.destroy();
    })();
    return this.stopping;
  }

  private checkWaiters(): void {
    const statuses = this.mappings();
    for (const waiter of this.waiters) {
      if (statuses.every((status) => status.lastIdleCycleStart > waiter.requestedAt)) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private async discarded(spec: LocalEventSourceMappingSpec, invocationRecord: StreamInvocationRecord, records: readonly DynamoDBRecord[]): Promise<void> {
    const destination = spec.onFailureDestination;
    const failure = {
      mapping: spec.logicalId,
      functionName: spec.functionName,
      ...(destination ? { destination } : {}),
      invocationRecord,
      records,
      at: this.options.clock.now().toISOString(),
    };
    this.failureList.push({ ...failure, delivery: await this.send(destination, invocationRecord) });
  }

  private async send(destination: string | undefined, record: StreamInvocationRecord): Promise<StreamFailure['delivery']> {
    if (!destination) return { status: 'kept', reason: 'the mapping has no on-failure destination (AWS would drop the records silently)' };
    if (/^arn:[\w-]+:sqs:/.test(destination)) {
      return { status: 'kept', reason: 'SQS on-failure destinations are not emulated locally: the invocation record is kept here instead' };
    }
    if (!this.options.sns) return { status: 'kept', reason: 'no local SNS to publish to' };
    try {
      const { MessageId } = await this.options.sns.publish({ TopicArn: destination, Message: JSON.stringify(record) });
      return { status: 'published', messageId: MessageId };
    } catch (error) {
      return { status: 'kept', reason: `publishing to ${destination} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
