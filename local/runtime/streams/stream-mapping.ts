/**
 * One DynamoDB stream → Lambda event source mapping, run as Lambda runs it
 * (Lambda developer guide: "Using AWS Lambda with Amazon DynamoDB", "Configuring
 * partial batch response", "Retain discarded records"):
 *
 * - reads the table's stream in DynamoDB Local through the DynamoDB Streams API
 *   (DescribeStream, GetShardIterator, GetRecords), every shard in order, a parent
 *   shard before its children, from TRIM_HORIZON or LATEST;
 * - drops records that match none of the FilterCriteria (they count as processed);
 * - invokes the function with up to BatchSize records (and at most Lambda's 6 MB
 *   payload), waiting up to MaximumBatchingWindowInSeconds for a fuller batch,
 *   one batch at a time per shard;
 * - on a function error retries the batch (MaximumRetryAttempts), splits it first
 *   when BisectBatchOnFunctionError is set (a split consumes no retry), honours
 *   `batchItemFailures` under ReportBatchItemFailures (retrying from the first
 *   failed record), discards records older than MaximumRecordAgeInSeconds, and
 *   hands what it gives up on to `onDiscard` (the on-failure destination).
 *
 * Declared durations (batching window, retry backoff, record ages) pass through
 * the local clock, so `--time-scale` compresses them; polling stays real-time.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Clock, LambdaInvokeResult, LambdaInvoker, LocalEventSourceMappingSpec } from '../contracts';
import { MAX_REQUEST_BYTES } from '../lambda';
import { compileFilterCriteria, matchesFilterCriteria, type CompiledFilterCriteria } from './filter-criteria';
import { toLambdaRecord, type PolledRecord } from './stream-records';

/** DynamoDB Streams keeps records for 24 hours; MaximumRecordAgeInSeconds -1 means "until then". */
export const STREAM_RETENTION_SECONDS = 24 * 60 * 60;
/**
 * MaximumRetryAttempts -1 means "until the record expires" (24 hours), which would
 * hold a shard for a day; locally such a mapping gives up after this many retries.
 */
export const LOCAL_UNBOUNDED_RETRY_CAP = 10;
/** Declared backoff between retries of a failed batch: 1 s, doubling, at most 60 s (then scaled by the clock). */
const RETRY_BACKOFF = { firstMs: 1000, maxMs: 60_000 } as const;
/**
 * A drained stream is polled less often, doubling the interval up to this: each GetRecords costs
 * DynamoDB Local about 10 ms of CPU (measured), so two mappings at 100 ms took ~20 % of a core while idle.
 * New records are then seen within 800 ms; `refresh()` (e.g. `idle()`) polls at once.
 */
const MAX_IDLE_POLL_MS = 800;
/** GetRecords returns at most 1,000 records. */
const GET_RECORDS_LIMIT = 1000;
/** Shards are re-listed this often (and whenever a shard ends or someone waits for idleness). */
const DESCRIBE_INTERVAL_MS = 1000;

export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What Lambda sends to an on-failure destination for a discarded stream batch ("invocation record"). */
export interface StreamInvocationRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: DiscardCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext?: { readonly statusCode: number; readonly executedVersion: string; readonly functionError?: string };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

export interface StreamMappingOptions {
  readonly spec: LocalEventSourceMappingSpec;
  readonly functionArn: string;
  readonly streams: DynamoDBStreamsClient;
  readonly lambda: LambdaInvoker;
  readonly clock: Clock;
  /** Real milliseconds between polls of a shard that had nothing new. */
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal;
  /** Receives every batch the mapping gives up on, with the invocation record for its destination. */
  readonly onDiscard: (record: StreamInvocationRecord, records: readonly DynamoDBRecord[]) => Promise<void>;
  /** Told after every poll cycle, with whether it found the stream drained. */
  readonly onCycle: () => void;
  readonly log: (line: string) => void;
  /** A monotonic counter shared by the mappings of one local cloud, to order cycles against idle requests. */
  readonly tick: () => number;
}

export interface StreamMappingStatus {
  readonly logicalId: string;
  readonly functionName: string;
  readonly eventSourceArn: string;
  readonly state: 'Enabled' | 'Disabled';
  /** Tick at the start of the last poll cycle that found nothing to deliver (0 if none yet). */
  readonly lastIdleCycleStart: number;
  /** The last error polling the stream met (cleared by a clean cycle). */
  readonly lastError?: string;
}

interface Shard {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** Where a new iterator starts when none is held: LATEST only for shards open when the mapping started. */
  readonly initialPosition: 'TRIM_HORIZON' | 'LATEST';
  iterator?: string;
  /** The last sequence number read into the buffer, to re-open an expired iterator after it. */
  lastRead?: string;
  /** Records read and passing the filters, not yet delivered. */
  buffer: PolledRecord[];
  /** GetRecords returned no next iterator: the shard has ended. */
  closed: boolean;
  /** Closed and everything in it delivered. */
  finished: boolean;
}

type ShardProgress = 'busy' | 'waiting' | 'idle';

type InvokeOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly from: number; readonly response: LambdaInvokeResult }
  | { readonly kind: 'error'; readonly response?: LambdaInvokeResult };

interface PendingBatch {
  readonly records: readonly PolledRecord[];
  readonly retries: number;
  /** Invocations that included these records so far (`approximateInvokeCount`). */
  readonly invokes: number;
  /** The last failed invocation's response, for the invocation record's responseContext. */
  readonly response?: LambdaInvokeResult;
}

export class StreamMapping {
  private readonly shards = new Map<string, Shard>();
  private readonly filters: CompiledFilterCriteria;
  private lastDescribe = 0;
  private describeWanted = true;
  private idleCycleStart = 0;
  private lastError?: string;
  private running?: Promise<void>;

  constructor(private readonly options: StreamMappingOptions) {
    this.filters = compileFilterCriteria(options.spec.filterPatterns);
  }

  status(): StreamMappingStatus {
    const { spec } = this.options;
    return {
      logicalId: spec.logicalId,
      functionName: spec.functionName,
      eventSourceArn: spec.eventSourceArn,
      state: spec.enabled ? 'Enabled' : 'Disabled',
      lastIdleCycleStart: spec.enabled ? this.idleCycleStart : Number.POSITIVE_INFINITY,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Lists the shards and opens their iterators (so LATEST means "after start"), then polls until the signal aborts. */
  async start(): Promise<void> {
    if (!this.options.spec.enabled) return;
    await this.describe(true);
    for (const shard of this.shards.values()) {
      if (!shard.finished) shard.iterator = await this.openIterator(shard);
    }
    this.running = this.run();
  }

  /** Resolves once the polling loop has ended (after the signal aborted). */
  async stopped(): Promise<void> {
    await this.running;
  }

  /** Polls in a row that found the stream drained: the wait before the next grows with them (idlePollMs). */
  private idleCycles = 0;
  /** Ends the current wait between polls, if any. */
  private wake: (() => void) | undefined;

  /** Makes the next cycle re-list the shards, so a new shard is seen before idleness is claimed. */
  refresh(): void {
    this.describeWanted = true;
    this.idleCycles = 0;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { signal, pollIntervalMs } = this.options;
    while (!signal.aborted) {
      let progress: ShardProgress;
      try {
        progress = await this.cycle();
        this.lastError = undefined;
      } catch (error) {
        if (signal.aborted) break;
        this.report(error);
        progress = 'waiting';
      }
      this.options.onCycle();
      this.idleCycles = progress === 'idle' ? this.idleCycles + 1 : 0;
      if (progress === 'busy') continue;
      try {
        await this.sleep(idlePollMs(pollIntervalMs, this.idleCycles), signal);
      } catch {
        break;
      }
    }
  }

  /** Waits between polls; refresh() ends the wait early. Rejects when the mapping stops. */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('the mapping stopped'));
      const timer = setTimeout(() => finish(), ms);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => finish();
    });
  }

  private async cycle(): Promise<ShardProgress> {
    const started = this.options.tick();
    if (this.describeWanted || Date.now() - this.lastDescribe >= DESCRIBE_INTERVAL_MS) await this.describe(false);
    let progress: ShardProgress = 'idle';
    for (const shard of this.readyShards()) {
      const result = await this.pollShard(shard);
      if (result === 'busy') progress = 'busy';
      else if (result === 'waiting' && progress === 'idle') progress = 'waiting';
    }
    if (progress === 'idle') this.idleCycleStart = started;
    return progress;
  }

  /** Shards not yet finished whose parent (if still listed) is finished: a parent's records come first. */
  private readyShards(): Shard[] {
    return [...this.shards.values()].filter((shard) => {
      if (shard.finished) return false;
      const parent = shard.parentShardId === undefined ? undefined : this.shards.get(shard.parentShardId);
      return !parent || parent.finished;
    });
  }

  private async describe(initial: boolean): Promise<void> {
    this.describeWanted = false;
    const { spec, streams, signal } = this.options;
    let exclusiveStartShardId: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: spec.eventSourceArn, ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}) }),
        { abortSignal: signal },
      );
      for (const described of out.StreamDescription?.Shards ?? []) {
        const shardId = described.ShardId;
        if (!shardId || this.shards.has(shardId)) continue;
        const open = described.SequenceNumberRange?.EndingSequenceNumber === undefined;
        // LATEST applies to the shards open when the mapping starts; shards that ended before are skipped,
        // and shards that appear later are read from their start (TRIM_HORIZON), as Lambda does.
        const latest = initial && spec.startingPosition === 'LATEST';
        this.shards.set(shardId, {
          shardId,
          ...(described.ParentShardId ? { parentShardId: described.ParentShardId } : {}),
          initialPosition: latest ? 'LATEST' : 'TRIM_HORIZON',
          buffer: [],
          closed: latest && !open,
          finished: latest && !open,
        });
      }
      exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    this.lastDescribe = Date.now();
  }

  private async openIterator(shard: Shard): Promise<string | undefined> {
    const { spec, streams, signal } = this.options;
    const type: ShardIteratorType = shard.lastRead ? 'AFTER_SEQUENCE_NUMBER' : shard.initialPosition;
    const out = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: spec.eventSourceArn,
        ShardId: shard.shardId,
        ShardIteratorType: type,
        ...(shard.lastRead ? { SequenceNumber: shard.lastRead } : {}),
      }),
      { abortSignal: signal },
    );
    return out.ShardIterator;
  }

  private async pollShard(shard: Shard): Promise<ShardProgress> {
    const { spec } = this.options;
    let read = 0;
    if (!shard.closed && shard.buffer.length < spec.batchSize) read = await this.read(shard);
    if (shard.buffer.length === 0) {
      if (shard.closed) {
        shard.finished = true;
        this.describeWanted = true;
        return 'busy';
      }
      return read > 0 ? 'busy' : 'idle';
    }
    const batch = this.nextBatch(shard);
    const first = batch[0];
    const windowMs = spec.maximumBatchingWindowSeconds * 1000 * this.options.clock.scale;
    if (first && batch.length < spec.batchSize && !shard.closed && windowMs > 0 && Date.now() - first.readAtMs < windowMs) {
      return read > 0 ? 'busy' : 'waiting';
    }
    await this.deliver(shard, batch);
    shard.buffer.splice(0, batch.length);
    return 'busy';
  }

  /** Reads the next records of a shard into its buffer, keeping those the filters pass; returns how many were read. */
  private async read(shard: Shard): Promise<number> {
    const { spec, streams, signal } = this.options;
    shard.iterator ??= await this.openIterator(shard);
    if (!shard.iterator) {
      shard.closed = true;
      return 0;
    }
    let out;
    try {
      out = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }), { abortSignal: signal });
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        // An iterator lives 15 minutes; trimmed data is gone. Re-open after the last record read (or at the start).
        shard.iterator = undefined;
        if (error instanceof TrimmedDataAccessException) shard.lastRead = undefined;
        return 0;
      }
      throw error;
    }
    const now = Date.now();
    const records = out.Records ?? [];
    for (const raw of records) {
      const sequenceNumber = raw.dynamodb?.SequenceNumber;
      if (!sequenceNumber) continue;
      shard.lastRead = sequenceNumber;
      const record = toLambdaRecord(raw, spec.eventSourceArn);
      if (!matchesFilterCriteria(this.filters, record)) continue;
      const created = raw.dynamodb?.ApproximateCreationDateTime?.getTime() ?? now;
      shard.buffer.push({ record, sequenceNumber, createdAtMs: created, readAtMs: now });
    }
    if (out.NextShardIterator) shard.iterator = out.NextShardIterator;
    else {
      shard.iterator = undefined;
      shard.closed = true;
    }
    return records.length;
  }

  /** Up to BatchSize buffered records whose event stays within Lambda's invoke payload limit. */
  private nextBatch(shard: Shard): PolledRecord[] {
    const batch: PolledRecord[] = [];
    let bytes = Buffer.byteLength('{"Records":[]}');
    for (const polled of shard.buffer) {
      if (batch.length >= this.options.spec.batchSize) break;
      const size = Buffer.byteLength(JSON.stringify(polled.record)) + 1;
      if (batch.length > 0 && bytes + size > MAX_REQUEST_BYTES) break;
      batch.push(polled);
      bytes += size;
    }
    return batch;
  }

  /**
   * Delivers one batch until it succeeds or is given up on. Sub-batches (after a
   * bisection or a partial failure) are worked off in stream order; each keeps its
   * own retry count, and a bisection keeps the count it had.
   */
  private async deliver(shard: Shard, records: readonly PolledRecord[]): Promise<void> {
    const { spec, signal } = this.options;
    const queue: PendingBatch[] = [{ records, retries: 0, invokes: 0 }];
    while (queue.length > 0) {
      signal.throwIfAborted();
      let current = queue[0]!;
      const expired = this.expiredPrefix(current.records);
      if (expired > 0) {
        await this.discard(shard, { ...current, records: current.records.slice(0, expired) }, 'RecordAgeExceeded');
        current = { ...current, records: current.records.slice(expired) };
        if (current.records.length === 0) {
          queue.shift();
          continue;
        }
      }
      const outcome = await this.invoke(current.records);
      if (outcome.kind === 'success') {
        queue.shift();
        continue;
      }
      current = { ...current, invokes: current.invokes + 1, ...(outcome.response ? { response: outcome.response } : {}) };
      if (outcome.kind === 'error' && spec.bisectBatchOnFunctionError && current.records.length > 1) {
        // Splitting consumes no retry: each half keeps the count the batch had.
        const middle = Math.ceil(current.records.length / 2);
        queue.splice(0, 1, { ...current, records: current.records.slice(0, middle) }, { ...current, records: current.records.slice(middle) });
        continue;
      }
      const remaining = outcome.kind === 'partial' ? current.records.slice(outcome.from) : current.records;
      if (current.retries >= this.retryLimit()) {
        await this.discard(shard, { ...current, records: remaining }, 'RetryAttemptsExhausted');
        queue.shift();
        continue;
      }
      queue[0] = { ...current, records: remaining, retries: current.retries + 1 };
      const backoff = Math.min(RETRY_BACKOFF.firstMs * 2 ** current.retries, RETRY_BACKOFF.maxMs);
      await this.options.clock.sleep(backoff, signal);
    }
  }

  private retryLimit(): number {
    const declared = this.options.spec.maximumRetryAttempts;
    return declared === -1 ? LOCAL_UNBOUNDED_RETRY_CAP : declared;
  }

  /** How many leading records are older than MaximumRecordAgeInSeconds (or the stream's retention), in declared time. */
  private expiredPrefix(records: readonly PolledRecord[]): number {
    const declared = this.options.spec.maximumRecordAgeSeconds;
    const maxAgeMs = (declared === -1 ? STREAM_RETENTION_SECONDS : declared) * 1000 * this.options.clock.scale;
    const now = Date.now();
    const index = records.findIndex((polled) => now - polled.readAtMs <= maxAgeMs);
    return index === -1 ? records.length : index;
  }

  private async invoke(records: readonly PolledRecord[]): Promise<InvokeOutcome> {
    const { spec, lambda, signal } = this.options;
    const event: DynamoDBStreamEvent = { Records: records.map((polled) => polled.record) };
    let response: LambdaInvokeResult;
    try {
      response = await lambda.invoke(spec.functionName, event);
    } catch (error) {
      if (signal.aborted) throw error;
      this.report(error);
      return { kind: 'error' };
    }
    if (response.functionError) return { kind: 'error', response };
    if (!spec.reportBatchItemFailures) return { kind: 'success' };
    const failed = failedItems(response.payload, records);
    if (failed === 'all') return { kind: 'error', response };
    return failed === undefined ? { kind: 'success' } : { kind: 'partial', from: failed, response };
  }

  private async discard(shard: Shard, batch: PendingBatch, condition: DiscardCondition): Promise<void> {
    const { records, response } = batch;
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) return;
    const { spec, functionArn } = this.options;
    const invocationRecord: StreamInvocationRecord = {
      requestContext: { requestId: randomUUID(), functionArn, condition, approximateInvokeCount: batch.invokes },
      ...(response
        ? {
            responseContext: {
              statusCode: response.statusCode,
              executedVersion: response.executedVersion,
              ...(response.functionError ? { functionError: response.functionError } : {}),
            },
          }
        : {}),
      version: '1.0',
      timestamp: this.options.clock.now().toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: isoSeconds(first.createdAtMs),
        approximateArrivalOfLastRecord: isoSeconds(last.createdAtMs),
        batchSize: records.length,
        streamArn: spec.eventSourceArn,
      },
    };
    await this.options.onDiscard(
      invocationRecord,
      records.map((polled) => polled.record),
    );
  }

  /** Logs an error once until a different one occurs (a poller retries every few hundred milliseconds). */
  private report(error: unknown): void {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (message !== this.lastError) this.options.log(`event source mapping ${this.options.spec.logicalId}: ${message}`);
    this.lastError = message;
  }
}

/**
 * The index of the first record to retry from a ReportBatchItemFailures response;
 * undefined when nothing failed; 'all' for a response Lambda treats as a failure of
 * the whole batch (an identifier that is missing, empty, or not in the batch).
 */
export function failedItems(payload: unknown, records: readonly { sequenceNumber: string }[]): number | 'all' | undefined {
  if (payload === null || payload === undefined || typeof payload !== 'object') return undefined;
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return undefined;
  if (!Array.isArray(failures)) return 'all';
  let first: number | undefined;
  for (const failure of failures as unknown[]) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') return 'all';
    const index = records.findIndex((record) => record.sequenceNumber === id);
    if (index === -1) return 'all';
    first = first === undefined ? index : Math.min(first, index);
  }
  return first;
}

/** `2019-11-14T00:13:19Z`: the second-precision form Lambda's invocation records use. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The wait after `idleCycles` drained polls in a row: the mapping's interval, doubled per further one, capped. */
export function idlePollMs(pollIntervalMs: number, idleCycles: number): number {
  if (pollIntervalMs >= MAX_IDLE_POLL_MS || idleCycles <= 1) return pollIntervalMs;
  return Math.min(MAX_IDLE_POLL_MS, pollIntervalMs * 2 ** (idleCycles - 1));
}
