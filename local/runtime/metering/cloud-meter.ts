/**
 * What the stack's traffic in the local cloud would be billed for in AWS:
 * state transitions (Standard: every state entered, every retry), Lambda
 * invocations with billed duration and GB-seconds, DynamoDB capacity, SNS
 * publishes (64 KB chunks), SMS parts and emails, and API Gateway requests.
 * A reading is a copy of the counters; the cost of one scenario is the
 * difference of the readings before and after it (run one scenario at a time).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { OutboxRecord, SnsPublishInput } from '../contracts';
import { DynamoDbCapacityMeter, type CapacityTotals, type ItemReader, type MeteredTable } from './dynamodb-capacity';
import { smsSegments } from './sms-segments';

export interface LambdaUse {
  readonly invocations: number;
  /** Each invocation's duration rounded up to the next millisecond, summed. */
  readonly billedMs: number;
  /** billed seconds × configured memory in GB. */
  readonly gbSeconds: number;
}

export interface SnsUse {
  /** Publish calls. */
  readonly publishes: number;
  /** Publish requests as billed: one per 64 KB chunk of payload. */
  readonly billedPublishes: number;
  readonly smsMessages: number;
  readonly smsSegments: number;
  readonly emails: number;
  /** Deliveries to Lambda subscriptions (free) and HTTP/S, SQS (billed apart from publishes). */
  readonly otherDeliveries: number;
}

export interface MeterReading {
  readonly transitions: number;
  readonly transitionsByMachine: Readonly<Record<string, number>>;
  readonly executionsStarted: number;
  readonly lambda: Readonly<Record<string, LambdaUse>>;
  readonly dynamoDb: CapacityTotals;
  readonly sns: SnsUse;
  readonly apiRequests: number;
}

export interface InvocationRecord {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly durationMs: number;
}

const CHUNK_BYTES = 64 * 1024;
const ENTERED = /StateEntered$/;
/** A task attempt; the attempts of one state after its first are its retries. */
const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled']);

export class CloudMeter {
  readonly dynamoDb: DynamoDbCapacityMeter;
  private transitions: Record<string, number> = {};
  private executionsStarted = 0;
  private readonly lambda: Record<string, { invocations: number; billedMs: number; gbSeconds: number }> = {};
  private readonly sns = { publishes: 0, billedPublishes: 0, smsMessages: 0, smsSegments: 0, emails: 0, otherDeliveries: 0 };
  private apiRequests = 0;

  constructor(tables: readonly MeteredTable[], readItem: ItemReader) {
    this.dynamoDb = new DynamoDbCapacityMeter(tables, readItem);
  }

  /**
   * One history event of a state machine. Standard bills every state entered
   * and every retry; the history shows a retry as one more task attempt
   * (scheduled event) within the same state entry.
   */
  historyEvent(stateMachineArn: string, event: HistoryEvent): void {
    const type = event.type ?? '';
    let add = 0;
    if (type === 'ExecutionStarted') this.executionsStarted += 1;
    if (ENTERED.test(type)) add = 1;
    if (type === 'TaskStateEntered') add -= 1; // its first attempt's scheduled event counts it
    if (SCHEDULED.has(type)) add += 1;
    if (add !== 0) this.transitions[stateMachineArn] = (this.transitions[stateMachineArn] ?? 0) + add;
  }

  invoked(record: InvocationRecord): void {
    const use = (this.lambda[record.functionName] ??= { invocations: 0, billedMs: 0, gbSeconds: 0 });
    const billedMs = Math.max(1, Math.ceil(record.durationMs));
    use.invocations += 1;
    use.billedMs += billedMs;
    use.gbSeconds += (billedMs / 1000) * (record.memoryMb / 1024);
  }

  published(input: SnsPublishInput): void {
    const attributes = Object.entries(input.MessageAttributes ?? {}).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(JSON.stringify(value)), 0);
    const bytes = Buffer.byteLength(input.Message) + attributes;
    this.sns.publishes += 1;
    this.sns.billedPublishes += Math.max(1, Math.ceil(bytes / CHUNK_BYTES));
  }

  delivered(record: OutboxRecord): void {
    if (record.channel === 'sms') {
      this.sns.smsMessages += 1;
      this.sns.smsSegments += smsSegments(record.body).segments;
    } else if (record.channel === 'email' || record.channel === 'email-json') {
      this.sns.emails += 1;
    } else {
      this.sns.otherDeliveries += 1;
    }
  }

  apiRequest(): void {
    this.apiRequests += 1;
  }

  reading(): MeterReading {
    const byMachine = { ...this.transitions };
    return {
      transitions: Object.values(byMachine).reduce((a, b) => a + b, 0),
      transitionsByMachine: byMachine,
      executionsStarted: this.executionsStarted,
      lambda: Object.fromEntries(Object.entries(this.lambda).map(([name, use]) => [name, { ...use }])),
      dynamoDb: this.dynamoDb.reading(),
      sns: { ...this.sns },
      apiRequests: this.apiRequests,
    };
  }
}

/** What happened between two readings of one meter. */
export function meterDifference(after: MeterReading, before: MeterReading): MeterReading {
  const minusRecord = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> => {
    const difference: Record<string, number> = {};
    for (const [key, value] of Object.entries(a)) if (value !== (b[key] ?? 0)) difference[key] = value - (b[key] ?? 0);
    return difference;
  };
  const lambda: Record<string, LambdaUse> = {};
  for (const [name, use] of Object.entries(after.lambda)) {
    const was = before.lambda[name];
    const invocations = use.invocations - (was?.invocations ?? 0);
    if (invocations > 0) lambda[name] = { invocations, billedMs: use.billedMs - (was?.billedMs ?? 0), gbSeconds: use.gbSeconds - (was?.gbSeconds ?? 0) };
  }
  const d = after.dynamoDb;
  const e = before.dynamoDb;
  const s = after.sns;
  const t = before.sns;
  return {
    transitions: after.transitions - before.transitions,
    transitionsByMachine: minusRecord(after.transitionsByMachine, before.transitionsByMachine),
    executionsStarted: after.executionsStarted - before.executionsStarted,
    lambda,
    dynamoDb: {
      readUnits: d.readUnits - e.readUnits,
      writeUnits: d.writeUnits - e.writeUnits,
      tableReadUnits: d.tableReadUnits - e.tableReadUnits,
      tableWriteUnits: d.tableWriteUnits - e.tableWriteUnits,
      indexReadUnits: d.indexReadUnits - e.indexReadUnits,
      indexWriteUnits: d.indexWriteUnits - e.indexWriteUnits,
      calls: minusRecord(d.calls, e.calls),
    },
    sns: {
      publishes: s.publishes - t.publishes,
      billedPublishes: s.billedPublishes - t.billedPublishes,
      smsMessages: s.smsMessages - t.smsMessages,
      smsSegments: s.smsSegments - t.smsSegments,
      emails: s.emails - t.emails,
      otherDeliveries: s.otherDeliveries - t.otherDeliveries,
    },
    apiRequests: after.apiRequests - before.apiRequests,
  };
}

/** Invocations of every function, summed. */
export function totalInvocations(reading: MeterReading): number {
  return Object.values(reading.lambda).reduce((sum, use) => sum + use.invocations, 0);
}

export function totalGbSeconds(reading: MeterReading): number {
  return Object.values(reading.lambda).reduce((sum, use) => sum + use.gbSeconds, 0);
}
