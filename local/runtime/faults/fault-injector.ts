/**
 * Decides, call by call, whether a fault of the plan strikes, and counts what
 * it decided. The local runtime's hooks (DynamoDB front, SNS Publish, Lambda
 * invoke) ask it; while paused (e.g. while a test seeds its data through the
 * same functions) nothing strikes and nothing is counted.
 */
import { faultShares, FAULT_KINDS, type FaultKind, type FaultPlan, type FaultShares } from './fault-plan';
import { namedStream, type Random } from './seeded-random';

export interface FaultCount {
  /** Calls that could have met the fault (while not paused). */
  readonly calls: number;
  /** Calls that met it. */
  readonly injected: number;
}

export type DynamoDbFault = 'throttle' | 'error';

export class FaultInjector {
  readonly shares: FaultShares;
  readonly seed: number;
  private readonly random: Record<'dynamodb' | 'sns' | 'lambda', Random>;
  private readonly counts = new Map<FaultKind, { calls: number; injected: number }>(FAULT_KINDS.map((kind) => [kind, { calls: 0, injected: 0 }]));
  private paused = false;

  constructor(plan: FaultPlan, options: { readonly paused?: boolean } = {}) {
    const { shares, seed } = faultShares(plan);
    this.paused = options.paused ?? false;
    this.shares = shares;
    this.seed = seed;
    this.random = { dynamodb: namedStream(seed, 'dynamodb'), sns: namedStream(seed, 'sns'), lambda: namedStream(seed, 'lambda') };
  }

  /** One DynamoDB call: the fault it meets, if any (throttle and error exclude each other). */
  dynamoDb(): DynamoDbFault | undefined {
    if (this.paused) return undefined;
    const roll = this.random.dynamodb();
    const throttle = this.shares['dynamodb.throttle'];
    const fault = roll < throttle ? 'throttle' : roll < throttle + this.shares['dynamodb.error'] ? 'error' : undefined;
    this.count('dynamodb.throttle', fault === 'throttle');
    this.count('dynamodb.error', fault === 'error');
    return fault;
  }

  /** One SNS Publish: whether it fails. */
  snsPublish(): boolean {
    return this.strike('sns.publishError', this.random.sns);
  }

  /** One Lambda invocation that returned a result: whether the caller loses it. */
  lambdaLostResponse(): boolean {
    return this.strike('lambda.lostResponse', this.random.lambda);
  }

  /** No faults until `resume()`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Calls and injected faults per kind since the start (or the last `resetCounts()`). */
  report(): Record<FaultKind, FaultCount> {
    return Object.fromEntries([...this.counts].map(([kind, count]) => [kind, { ...count }])) as Record<FaultKind, FaultCount>;
  }

  resetCounts(): void {
    for (const count of this.counts.values()) {
      count.calls = 0;
      count.injected = 0;
    }
  }

  private strike(kind: FaultKind, random: Random): boolean {
    if (this.paused) return false;
    const hit = random() < this.shares[kind];
    this.count(kind, hit);
    return hit;
  }

  private count(kind: FaultKind, hit: boolean): void {
    const count = this.counts.get(kind);
    if (!count) return;
    count.calls += 1;
    if (hit) count.injected += 1;
  }
}
