/**
 * Issue 8, point 3 — faults survived, nothing lost. The local runtime injects
 * faults into the stack's own traffic (local/runtime/faults, switched on by
 * `LocalCloudOptions.faults`): a share of DynamoDB calls throttled or failing,
 * of SNS publishes failing, of Lambda invocations whose handler finished its
 * writes but whose answer is lost (Lambda's timeout error instead). Under them
 * a batch of requests — most with stock at the home store, some from
 * territories whose tandem has no inside manager (a failure no retry heals) —
 * ends with every submitted id either completed (its outcome status) or FAILED
 * with its reason, its `Failed` audit event and one ops alert: one to one with
 * the submitted ids. Retries double nothing: one hold per request, the stores'
 * `reserved` equal to the held units, no message delivered twice — except in
 * the at-least-once window docs/failure-model.md names, which is measured here
 * and must be explained by a NotifyTandem attempt that failed on DynamoDB.
 *
 * The store system's client retries 5xx and throttling like an SDK (bounded,
 * full jitter); its retries are counted. The test's own seeding and reading go
 * to DynamoDB Local directly and meet no fault.
 */
import type { Customer, Person, Tandem } from '../../functions/domain/model';
import { batchPutAll } from '../../functions/repository/document-client';
import { DynamoRequestRepository } from '../../functions/repository/request-repository';
import type { Reservation } from '../../functions/repository/reservation-repository';
import type { NotificationRecord } from '../../functions/repository/notification-log';
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
import { tandemItem } from '../../functions/repository/table-layout';
import { formatDateTime } from '../../functions/customer-request/domain/messages';
import type { FaultInjector } from '../../local/runtime/faults/fault-injector';
import type { FaultPlan } from '../../local/runtime/faults/fault-plan';
import { customerOfOwnTerritory, executionSummary, setStock, startWorld, stateMachineOf, tandemOf, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { proofSize, recordProof } from '../support/proof';
import { signedFetch } from '../support/signed-fetch';

const REQUESTS = proofSize({ test: 500, report: 2000 });
const PLAN: FaultPlan = { dynamodb: { throttle: 0.05, error: 0.02 }, sns: { publishError: 0.1 }, lambda: { lostResponse: 0.05 }, seed: 42 };
/** Customers of distinct territories 280–359 (this file's range); the last ten territories lose their inside manager. */
const CUSTOMERS = { from: 280, count: 80, doomed: 10 };
/** Products 32–71 (this file's range). */
const PRODUCTS = { from: 32, count: 40 };
const OPS_EMAIL = 'ops-pf@example.com';
/**
 * Store-system sessions at once, each sending a request and following it until it has settled. Bounded because
 * the local Lambda runs all invocations of a function in one worker thread (docs/local-runtime.md): hundreds of
 * executions at once would queue there until their invocations hit the functions' real-time timeouts.
 */
const CONCURRENCY = 10;
const CLIENT_MAX_ATTEMPTS = 5;
/** The outcomes a request completes with; the happy path here is RESERVED. */
const OUTCOMES = ['RESERVED', 'PARTIAL', 'SOURCED', 'UNFULFILLED'];

let world: World;
let faults: FaultInjector;
let doomedTandems: Tandem[] = [];
let batch: Submission[] = [];

beforeAll(async () => {
  // Faults start paused: the seed, provisioning and the test's own setup are not the traffic under test.
  world = await startWorld({ timeScale: 0.0001, faults: PLAN, faultsPaused: true });
  const injector = world.product.cloud.faults;
  if (!injector) throw new Error('the local cloud did not take the fault plan');
  faults = injector;
  world.product.cloud.sns.subscribe(world.opsTopicArn, 'email', OPS_EMAIL);
  batch = await prepareBatch();
}, 300_000);

afterAll(async () => {
  // The directory as the seed has it, for whoever runs after this file.
  if (doomedTandems.length > 0) await batchPutAll(world.ctx, doomedTandems.map((t) => tandemItem(t)));
  await world?.stop();
});

interface Submission {
  readonly requestId: string;
  readonly customerId: string;
  readonly storeId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly neededBy: string;
  readonly doomed: boolean;
  readonly tandem: Tandem;
}

test(`${REQUESTS} requests under injected DynamoDB, SNS and Lambda faults each end completed or FAILED with its reason and an ops alert, one to one with the submitted ids, with no hold or message doubled by a retry`, async () => {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();

  faults.resume();
  const client = { retries: 0, gaveUp: [] as string[] };
  // Each of CONCURRENCY store-system sessions sends a request and follows it until it has settled, then sends the next.
  await inPool(batch, CONCURRENCY, async (s) => {
    const answer = await submitLikeAStoreSystem({
      requestId: s.requestId,
      customerId: s.customerId,
      lines: [{ sku: s.sku, quantity: s.quantity, unit: unitOf(s.sku) }],
      neededBy: s.neededBy,
      fulfilment: 'pickup',
    });
    client.retries += answer.attempts - 1;
    if (answer.status !== 202) client.gaveUp.push(`${s.requestId}: ${answer.status}`);
    else await settled(s.requestId);
  });
  expect(client.gaveUp).toEqual([]);
  faults.pause();
  const injected = faults.report();
  const settledSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  // ---------------------------------------------------------------- one to one
  const views = await readAll(batch);
  const submitted = new Set(batch.map((s) => s.requestId));
  const completed = new Set(views.filter((v) => OUTCOMES.includes(v.status)).map((v) => v.requestId));
  const failed = new Set(views.filter((v) => v.status === 'FAILED').map((v) => v.requestId));
  const alerts = opsAlerts();
  const alerted = new Set(alerts.map((a) => a.requestId));
  const executionNames = executionsOfThisRun(batch[0]!.requestId);
  const neither = [...submitted].filter((id) => !completed.has(id) && !failed.has(id));
  const both = [...completed].filter((id) => failed.has(id));
  const unknown = [...executionNames, ...alerted].filter((id) => !submitted.has(id));
  expect({ neither, both, unknown }).toEqual({ neither: [], both: [], unknown: [] });
  expect(completed.size + failed.size).toBe(REQUESTS);
  expect(executionNames.length).toBe(REQUESTS); // one execution per id

  // The happy path reserves; the doomed territories fail with the reason no retry heals.
  const byId = new Map(views.map((v) => [v.requestId, v]));
  for (const s of batch) {
    const view = byId.get(s.requestId)!;
    if (s.doomed) expect({ id: s.requestId, status: view.status, reason: view.reason }).toEqual({ id: s.requestId, status: 'FAILED', reason: 'TandemIncompleteError' });
    else if (!failed.has(s.requestId)) expect({ id: s.requestId, status: view.status }).toEqual({ id: s.requestId, status: 'RESERVED' });
  }
  // Every FAILED request: its reason, its Failed audit event with error and cause, exactly one ops alert naming the same error.
  for (const id of failed) {
    const view = byId.get(id)!;
    expect(typeof view.reason).toBe('string');
    expect(view.failedEvents.map((e) => ({ error: e.error, hasCause: typeof e.cause === 'string' && e.cause !== '' }))).toEqual([{ error: view.reason, hasCause: true }]);
    expect(alerts.filter((a) => a.requestId === id).map((a) => a.error)).toEqual([view.reason]);
  }
  expect([...alerted].sort()).toEqual([...failed].sort());

  // ---------------------------------------------------------------- nothing doubled
  for (const id of completed) {
    const view = byId.get(id)!;
    const s = batch.find((b) => b.requestId === id)!;
    expect({ id, holds: view.holds.map((h) => ({ hold: h.hold, storeId: h.storeId, status: h.status, lines: h.lines })) }).toEqual({
      id,
      holds: [{ hold: 'initial', storeId: s.storeId, status: 'HELD', lines: [{ sku: s.sku, quantity: s.quantity }] }],
    });
  }
  for (const id of failed) expect(byId.get(id)!.holds.filter((h) => h.status === 'HELD').length).toBeLessThanOrEqual(1);
  const stock = await stockAgainstHolds(batch, views);
  expect(stock.mismatches).toEqual([]);

  const messages = deliveriesByRequest(batch, views);
  expect(messages.missing).toEqual([]);
  expect(messages.strays).toEqual([]);
  // A message delivered twice is possible only in the documented window (published, then marking it sent failed):
  // the request's NotifyTandem must have had an attempt that failed on a DynamoDB error.
  const unexplained = messages.duplicates.filter((d) => !notifyFailedOnDynamoDb(d.requestId));
  expect(unexplained).toEqual([]);

  const attempts = failedAttempts(batch);
  recordProof({
    id: '3-faults-survived',
    point: 3,
    promise: 'under injected faults every submitted request ends completed or FAILED with its reason and an ops alert, one to one with the ids; retries double no hold and no reservation',
    load:
      `${REQUESTS} requests (${batch.filter((s) => s.doomed).length} from territories without an inside manager), ${CONCURRENCY} submissions in flight; ` +
      `faults: DynamoDB throttled ${PLAN.dynamodb!.throttle} and failing ${PLAN.dynamodb!.error} of calls, SNS Publish failing ${PLAN.sns!.publishError}, ` +
      `Lambda answers lost ${PLAN.lambda!.lostResponse} (seed ${PLAN.seed})`,
    result:
      `${completed.size} completed (RESERVED) + ${failed.size} FAILED with reason and alert = ${REQUESTS} submitted; 0 missing, 0 in both, 0 unknown; ` +
      `${stock.holds} holds, reserved = held units (${stock.reservedUnits}); ${messages.delivered} messages, ${messages.duplicates.length} delivered twice` +
      `${messages.duplicates.length > 0 ? ' (all in the documented at-least-once window)' : ''}; ` +
      `survived ${injected['dynamodb.throttle'].injected + injected['dynamodb.error'].injected} DynamoDB, ${injected['sns.publishError'].injected} SNS and ` +
      `${injected['lambda.lostResponse'].injected} Lambda faults with ${attempts.total} failed step attempts retried and ${client.retries} client retries`,
    figures: {
      requests: REQUESTS,
      completed: completed.size,
      failed: failed.size,
      failedTandemIncomplete: views.filter((v) => v.reason === 'TandemIncompleteError').length,
      failedOther: views.filter((v) => v.status === 'FAILED' && v.reason !== 'TandemIncompleteError').length,
      opsAlerts: alerts.length,
      missing: neither.length,
      inBoth: both.length,
      unknown: unknown.length,
      holds: stock.holds,
      reservedUnits: stock.reservedUnits,
      heldUnits: stock.heldUnits,
      messagesDelivered: messages.delivered,
      messagesDeliveredTwice: messages.duplicates.length,
      dynamoDbCalls: injected['dynamodb.throttle'].calls,
      dynamoDbThrottled: injected['dynamodb.throttle'].injected,
      dynamoDbFailed: injected['dynamodb.error'].injected,
      snsPublishes: injected['sns.publishError'].calls,
      snsPublishesFailed: injected['sns.publishError'].injected,
      lambdaResults: injected['lambda.lostResponse'].calls,
      lambdaResponsesLost: injected['lambda.lostResponse'].injected,
      failedStepAttempts: attempts.total,
      failedStepAttemptsSandboxTimedout: attempts.timedOut,
      clientRetries: client.retries,
      seconds: Math.round(settledSeconds),
      // This process (runtime, functions' worker threads, test client); DynamoDB Local's Java process not included.
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e6),
    },
  });
}, 900_000);

// ---------------------------------------------------------------- the batch

async function prepareBatch(): Promise<Submission[]> {
  const customers: Customer[] = await Promise.all(Array.from({ length: CUSTOMERS.count }, (_, i) => customerOfOwnTerritory(world, CUSTOMERS.from + i)));
  const doomed = customers.slice(-CUSTOMERS.doomed);
  doomedTandems = doomed.map((c) => tandemOf(world, c.territoryId));
  // The inside manager left and nobody was named yet: routing fails with TandemIncompleteError, which no retry heals.
  await batchPutAll(
    world.ctx,
    doomedTandems.map((t) => {
      const half = tandemItem(t);
      delete half.insideManager;
      return half;
    }),
  );
  await world.product.cloud.streams.idle({ timeoutMs: 60_000 });

  const run = Date.now().toString(36);
  // One minute apart: an SMS names the request only by its customer and needed-by time, so each needed-by is unique.
  const firstNeededBy = Math.ceil((Date.now() + 55 * 86_400_000) / 60_000) * 60_000;
  const batch = Array.from({ length: REQUESTS }, (_, i): Submission => {
    const customer = customers[i % customers.length]!;
    const product = world.seed.products[PRODUCTS.from + (i % PRODUCTS.count)]!;
    return {
      requestId: `pf-${run}-${i}`,
      customerId: customer.customerId,
      storeId: customer.homeStoreId,
      sku: product.sku,
      quantity: 1 + (i % 3),
      neededBy: new Date(firstNeededBy + i * 60_000).toISOString(),
      doomed: doomed.includes(customer),
      tandem: tandemOf(world, customer.territoryId),
    };
  });
  const pairs = new Map(batch.map((s) => [`${s.storeId}|${s.sku}`, { storeId: s.storeId, sku: s.sku, available: 10_000 }]));
  await setStock(world, [...pairs.values()]);
  return batch;
}

function unitOf(sku: string): string {
  return world.seed.products.find((p) => p.sku === sku)!.unit;
}

/** POST /requests as a store system's SDK-like client: 5xx, 429 and network errors retried, at most 5 attempts, full jitter. */
async function submitLikeAStoreSystem(body: Record<string, unknown>): Promise<{ status: number; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    let status: number;
    try {
      const response = await signedFetch(new URL(`${world.product.storeApiUrl}/requests`), { method: 'POST', body: JSON.stringify(body) });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0; // connection refused or reset: retried like a 5xx
    }
    const transient = status === 0 || status === 429 || status >= 500;
    if (!transient || attempt === CLIENT_MAX_ATTEMPTS) return { status, attempts: attempt };
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 50 * 2 ** attempt)));
  }
}

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------- the engine's view

function executionArnOf(requestId: string): string | undefined {
  return executionIndex().get(`req-${requestId}`);
}

let cachedIndex: Map<string, string> | undefined;
function executionIndex(refresh = false): Map<string, string> {
  if (cachedIndex && !refresh) return cachedIndex;
  const engine = world.product.cloud.stepFunctions;
  const index = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = engine.listExecutions(stateMachineOf(world).arn, undefined, 1000, nextToken);
    for (const e of page.executions ?? []) if (e.name && e.executionArn) index.set(e.name, e.executionArn);
    nextToken = page.nextToken;
  } while (nextToken);
  cachedIndex = index;
  return index;
}

/** The request ids of this run's executions (same run prefix). */
function executionsOfThisRun(sampleId: string): string[] {
  const prefix = `req-${sampleId.slice(0, sampleId.lastIndexOf('-') + 1)}`;
  return [...executionIndex(true).keys()].filter((name) => name.startsWith(prefix)).map((name) => name.slice('req-'.length));
}

/**
 * Settled: the execution ended (FAILED after its failure path), or it waits for the hold to lapse
 * (AwaitHoldLapse) — everything else it will do lies 55 declared days ahead.
 */
async function settled(requestId: string): Promise<void> {
  const engine = world.product.cloud.stepFunctions;
  const machine = stateMachineOf(world).arn;
  const arn = machine.replace(':stateMachine:', ':execution:') + `:req-${requestId}`;
  try {
    await eventually(
      () => {
        const { status } = engine.describeExecution(arn);
        if (status !== 'RUNNING') return true;
        const entered = (engine.getExecutionHistory(arn, { reverseOrder: true, maxResults: 1000 }).events ?? []).find((e) => e.stateEnteredEventDetails);
        return entered?.type === 'WaitStateEntered' && entered.stateEnteredEventDetails?.name === 'AwaitHoldLapse';
      },
      { timeoutMs: 180_000, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${requestId} not settled: ${executionSummary(world, requestId)}`, { cause: error });
  }
}

interface FailedAttempts {
  readonly total: number;
  readonly timedOut: number;
}

/** Failed task attempts in this batch's executions: each one a retry the workflow took (or its last, caught, failure). */
function failedAttempts(batch: readonly Submission[]): FailedAttempts {
  let total = 0;
  let timedOut = 0;
  for (const s of batch) {
    for (const e of historyOf(s.requestId)) {
      const error = e.lambdaFunctionFailedEventDetails?.error ?? e.taskFailedEventDetails?.error;
      if (error === undefined) continue;
      total += 1;
      if (error === 'Sandbox.Timedout') timedOut += 1;
    }
  }
  return { total, timedOut };
}

function historyOf(requestId: string) {
  const arn = executionArnOf(requestId);
  return arn ? (world.product.cloud.stepFunctions.getExecutionHistory(arn, { maxResults: 1000 }).events ?? []) : [];
}

/** Whether an attempt of the request's NotifyTandem step failed on a DynamoDB error (the at-least-once window). */
function notifyFailedOnDynamoDb(requestId: string): boolean {
  const events = historyOf(requestId);
  let inNotify = false;
  for (const e of events) {
    if (e.stateEnteredEventDetails) inNotify = e.stateEnteredEventDetails.name === 'NotifyTandem' || e.stateEnteredEventDetails.name === 'SendHeldSms';
    const failure = e.lambdaFunctionFailedEventDetails;
    if (inNotify && failure && /ProvisionedThroughputExceeded|InternalServerError/.test(`${failure.error ?? ''} ${failure.cause ?? ''}`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- the records (read from DynamoDB Local directly)

interface RequestRecordView {
  readonly requestId: string;
  readonly status: string;
  readonly reason?: string;
  readonly holds: Reservation[];
  readonly notifications: NotificationRecord[];
  readonly failedEvents: { error?: string; cause?: string }[];
}

async function readAll(batch: readonly Submission[]): Promise<RequestRecordView[]> {
  const repository = new DynamoRequestRepository(world.ctx);
  const views: RequestRecordView[] = [];
  await inPool(batch, 20, async (s) => {
    const items = await repository.requestPartition(s.requestId);
    const request = items.find((i) => i.entity === 'CustomerRequest');
    views.push({
      requestId: s.requestId,
      status: typeof request?.status === 'string' ? request.status : 'NOT REGISTERED',
      ...(typeof request?.reason === 'string' && { reason: request.reason }),
      holds: items.filter((i) => i.entity === 'Reservation') as unknown as Reservation[],
      notifications: items.filter((i) => i.entity === 'Notification') as unknown as NotificationRecord[],
      failedEvents: items.filter((i) => i.entity === 'AuditEvent' && i.step === 'Failed').map((i) => i.detail as { error?: string; cause?: string }),
    });
  });
  return views;
}

/** Per store and SKU of the batch: `reserved` against the units the requests hold there. */
async function stockAgainstHolds(batch: readonly Submission[], views: readonly RequestRecordView[]) {
  const held = new Map<string, number>();
  let holds = 0;
  for (const view of views) {
    for (const hold of view.holds.filter((h) => h.status === 'HELD')) {
      holds += 1;
      for (const line of hold.lines) held.set(`${hold.storeId}|${line.sku}`, (held.get(`${hold.storeId}|${line.sku}`) ?? 0) + line.quantity);
    }
  }
  const stock = new DynamoStockRepository(world.ctx);
  const mismatches: string[] = [];
  let reservedUnits = 0;
  for (const pair of new Set(batch.map((s) => `${s.storeId}|${s.sku}`))) {
    const [storeId = '', sku = ''] = pair.split('|');
    const [level] = await stock.stockAcross(sku, [storeId]);
    reservedUnits += level?.reserved ?? 0;
    if ((level?.reserved ?? 0) !== (held.get(pair) ?? 0)) mismatches.push(`${pair}: reserved ${level?.reserved}, held ${held.get(pair) ?? 0}`);
  }
  return { holds, reservedUnits, heldUnits: [...held.values()].reduce((a, b) => a + b, 0), mismatches };
}

// ---------------------------------------------------------------- what was delivered

interface Delivery {
  readonly requestId: string;
  readonly personId: string;
  readonly channel: string;
}

/**
 * The outbox against the notification log: every notification logged SENT was delivered, nothing was
 * delivered that the log does not name, and each (request, person, channel) counted once. An email names
 * its request; an SMS its customer and needed-by time, unique per request in this batch.
 */
function deliveriesByRequest(batch: readonly Submission[], views: readonly RequestRecordView[]) {
  const people = new Map<string, { person: Person; requests: Submission[] }>();
  for (const s of batch) {
    for (const person of [s.tandem.fieldManager, s.tandem.insideManager]) {
      const entry = people.get(person.personId) ?? { person, requests: [] };
      entry.requests.push(s);
      people.set(person.personId, entry);
    }
  }
  const endpointOwner = new Map<string, { person: Person; requests: Submission[] }>();
  for (const entry of people.values()) {
    endpointOwner.set(entry.person.mobile, entry);
    endpointOwner.set(entry.person.email, entry);
  }
  const counted = new Map<string, number>();
  const strays: string[] = [];
  let delivered = 0;
  for (const record of world.product.cloud.sns.outbox()) {
    const owner = endpointOwner.get(record.endpoint);
    if (!owner || record.endpoint === OPS_EMAIL) continue;
    if (record.channel === 'email' && record.messageAttributes.kind === undefined) continue; // a subscription confirmation
    delivered += 1;
    const requestId =
      record.channel === 'email'
        ? /(?:Request|Anfrage): (pf-[a-z0-9]+-\d+)/.exec(record.body)?.[1]
        : owner.requests.find((s) => record.body.includes(formatDateTime(s.neededBy, owner.person.language)))?.requestId;
    if (!requestId) {
      strays.push(`${record.channel} to ${owner.person.personId}: ${record.body.slice(0, 80)}`);
      continue;
    }
    const key = `${requestId}|${owner.person.personId}|${record.channel}`;
    counted.set(key, (counted.get(key) ?? 0) + 1);
  }
  const missing: string[] = [];
  const logged = new Set<string>();
  for (const view of views) {
    for (const n of view.notifications.filter((x) => x.status === 'SENT')) {
      const key = `${view.requestId}|${n.personId}|${n.channel}`;
      logged.add(key);
      if (!counted.has(key)) missing.push(key);
    }
  }
  for (const key of counted.keys()) if (!logged.has(key)) strays.push(`${key}: delivered, not logged SENT`);
  const duplicates: Delivery[] = [...counted]
    .filter(([, n]) => n > 1)
    .flatMap(([key, n]) => {
      const [requestId = '', personId = '', channel = ''] = key.split('|');
      return Array.from({ length: n - 1 }, () => ({ requestId, personId, channel }));
    });
  return { delivered, missing, strays, duplicates };
}

interface OpsAlert {
  readonly requestId: string;
  readonly error: string;
}

function opsAlerts(): OpsAlert[] {
  return world.product.cloud.sns
    .outbox({ channel: 'email', endpoint: OPS_EMAIL })
    .filter((r) => r.subject?.includes('failed'))
    .map((r) => JSON.parse(r.body) as OpsAlert);
}
