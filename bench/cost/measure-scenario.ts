/**
 * Runs one customer scenario in a metered local cloud and returns what it
 * would be billed for: the meter's reading before it (everything earlier has
 * settled) subtracted from the reading after it (its executions have ended,
 * streams and SNS deliveries are idle, the meter has stopped moving). One
 * scenario at a time, so the difference is exactly that scenario's.
 * Shared by bench/cost-model.ts and test/integration/bench-budgets.test.ts.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { STORY_SKUS } from '../../functions/seed/products';
import { meterDifference, type MeterReading } from '../../local/runtime/metering/cloud-meter';
import { customerOfOwnTerritory, decide, deliveriesTo, getRequest, hoursFromNow, setStock, submit, tandemOf } from '../../test/support/customer-request-world';
import { signedFetch } from '../../test/support/signed-fetch';
import type { MeteredWorld } from './metered-world';

export type ScenarioName = 'happy-single-line' | 'happy-multi-line' | 'partial-escalation-answered' | 'escalation-expired' | 'price-request-approved';

/** Which local clock a scenario needs: decisions answered by a person need windows of seconds, the rest run faster. */
export type ScenarioClock = 'fast' | 'answerable';
export const CLOCK_SCALES: Readonly<Record<ScenarioClock, number>> = { fast: 1 / 20_000, answerable: 1 / 500 };

/** The test data one run of a scenario may use: customers (customerOfOwnTerritory order) and products (seed order). */
export interface DataSlot {
  readonly customer: number;
  readonly product: number;
  readonly id: string;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  readonly clock: ScenarioClock;
  /** The request's (or price request's) status once everything has ended. */
  readonly expectedStatus: string;
  /** Products the scenario uses from its slot's first one on. */
  readonly products: number;
  /** Sets up what it needs (not metered) and returns the metered action. */
  prepare(world: MeteredWorld, slot: DataSlot): Promise<() => Promise<void>>;
}

export interface ScenarioMeasurement {
  readonly scenario: ScenarioName;
  readonly id: string;
  readonly reading: MeterReading;
  /** The request's or price request's status once everything ended. */
  readonly finalStatus: string;
  /** What an Express workflow would run: the transitions before the first Wait or callback task, and how long they took. */
  readonly synchronous: { readonly transitions: number; readonly ms: number };
  readonly wallMs: number;
}

const product = (world: MeteredWorld, n: number) => {
  const p = world.seed.products[n];
  if (!p) throw new Error(`no product ${n} in the seed`);
  return { sku: p.sku, line: (quantity: number) => ({ sku: p.sku, quantity, unit: p.unit }) };
};
const farthestNeighbour = (world: MeteredWorld, storeId: string) =>
  world.seed.neighbours.filter((x) => x.storeId === storeId).sort((a, b) => b.distanceKm - a.distanceKm)[0]!.neighbourId;

async function accepted(answer: Promise<{ status: number; body: Record<string, unknown> }>, expected: number, what: string): Promise<void> {
  const { status, body } = await answer;
  if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status} ${JSON.stringify(body)}`);
}

/** The decision link in the newest message to a person, once there is one. */
async function awaitDecisionRef(world: MeteredWorld, person: { mobile: string; email: string }): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ref = deliveriesTo(world, person)
      .map((d) => /\/tasks\/([A-Za-z0-9_-]{22})/.exec(d.body)?.[1])
      .findLast((r) => r !== undefined);
    if (ref) return ref;
    await sleep(20);
  }
  throw new Error(`no decision link reached ${person.mobile} within 30 s`);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'happy-single-line',
    expectedStatus: 'RESERVED',
    title: 'Automated happy path, one line, stock at the home store',
    clock: 'fast',
    products: 1,
    prepare: async (world, slot) => {
      const customer = await customerOfOwnTerritory(world, slot.customer);
      const p = product(world, slot.product);
      await setStock(world, [{ storeId: customer.homeStoreId, sku: p.sku, available: 50 }]);
      const body = { requestId: slot.id, customerId: customer.customerId, lines: [p.line(5)], neededBy: hoursFromNow(1), fulfilment: 'pickup' };
      return () => accepted(submit(world, body), 202, 'submit');
    },
  },
  {
    name: 'happy-multi-line',
    expectedStatus: 'RESERVED',
    title: 'Automated happy path, three lines, stock at the home store',
    clock: 'fast',
    products: 3,
    prepare: async (world, slot) => {
      const customer = await customerOfOwnTerritory(world, slot.customer);
      const products = [0, 1, 2].map((i) => product(world, slot.product + i));
      await setStock(world, products.map((p) => ({ storeId: customer.homeStoreId, sku: p.sku, available: 50 })));
      const body = { requestId: slot.id, customerId: customer.customerId, lines: products.map((p, i) => p.line(3 + i)), neededBy: hoursFromNow(1), fulfilment: 'pickup' };
      return () => accepted(submit(world, body), 202, 'submit');
    },
  },
  {
    name: 'partial-escalation-answered',
    expectedStatus: 'SOURCED',
    title: 'Partial stock: part held, the rest escalated, the inside manager sources it at another store',
    clock: 'answerable',
    products: 1,
    prepare: async (world, slot) => {
      const customer = await customerOfOwnTerritory(world, slot.customer);
      const tandem = tandemOf(world, customer.territoryId);
      const p = product(world, slot.product);
      const elsewhere = farthestNeighbour(world, customer.homeStoreId);
      await setStock(world, [
        { storeId: customer.homeStoreId, sku: p.sku, available: 4 },
        { storeId: elsewhere, sku: p.sku, available: 6 },
      ]);
      // Needed-by 2.6 h ahead: the inside manager gets the full 30-minute window (3.6 s at 1/500), and the
      // reminder goes out at half of it; the hold then lapses 4 h after needed-by (48 s at 1/500).
      const body = { requestId: slot.id, customerId: customer.customerId, lines: [p.line(10)], neededBy: hoursFromNow(2.6), fulfilment: 'pickup' };
      await warmDecisionPath(world);
      return async () => {
        await accepted(submit(world, body), 202, 'submit');
        const ref = await awaitDecisionRef(world, tandem.insideManager);
        await accepted(decide(world, ref, { outcome: 'sourced', storeId: elsewhere }), 200, 'decision');
      };
    },
  },
  {
    name: 'escalation-expired',
    expectedStatus: 'UNFULFILLED',
    title: 'No stock anywhere, nobody answers: reminder, hand-over, UNFULFILLED',
    // The windows are 5 and 30 minutes: at 1/20000 they would end before the step that opened them has finished.
    clock: 'answerable',
    products: 1,
    prepare: async (world, slot) => {
      const customer = await customerOfOwnTerritory(world, slot.customer);
      const p = product(world, slot.product);
      const body = { requestId: slot.id, customerId: customer.customerId, lines: [p.line(3)], neededBy: hoursFromNow(1), fulfilment: 'pickup' };
      return () => accepted(submit(world, body), 202, 'submit');
    },
  },
  {
    name: 'price-request-approved',
    expectedStatus: 'APPROVED',
    title: 'Price request: the inside manager approves through the decision link',
    clock: 'fast',
    products: 0,
    prepare: async (world, slot) => {
      const customer = await customerOfOwnTerritory(world, slot.customer);
      const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
      const body = {
        priceRequestId: slot.id,
        customerId: customer.customerId,
        sku: STORY_SKUS.tuna,
        weeklyVolume: { min: 10, max: 12 },
        unit: 'kg',
        proposedPrice: 39.5,
        note: 'Neue Sushi-Karte ab Januar',
        requestedBy: fieldManager.personId,
      };
      await warmDecisionPath(world);
      return async () => {
        await accepted(postJson(world, '/price-requests', body), 201, 'price request');
        const ref = await awaitDecisionRef(world, insideManager);
        await accepted(decide(world, ref, { outcome: 'approve' }), 200, 'decision');
      };
    },
  },
];

/**
 * A person answers within a decision window of a few seconds of compressed time, so the functions on
 * that path must not start cold then: the workflows' callback-task functions (read from the template's
 * definitions) get one throw-away invocation, the decision endpoint one request for an unknown reference.
 */
async function warmDecisionPath(world: MeteredWorld): Promise<void> {
  const { cloud } = world.product;
  const functions = new Set(cloud.model.stateMachines.flatMap((m) => callbackFunctions(m.definition)));
  await Promise.all([...functions].map((fn) => cloud.lambda.invoke(fn, {}).catch(() => undefined)));
  await decide(world, 'AAAAAAAAAAAAAAAAAAAAAA', { outcome: 'declined', reason: 'warm-up' });
}

/** FunctionName of every `.waitForTaskToken` Lambda task, nested states included. */
function callbackFunctions(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const functionName = (record.Parameters as Record<string, unknown> | undefined)?.FunctionName;
  const own = typeof record.Resource === 'string' && record.Resource.endsWith('lambda:invoke.waitForTaskToken') && typeof functionName === 'string' ? [functionName] : [];
  return [...own, ...Object.values(record).flatMap(callbackFunctions)];
}

export function scenarioNamed(name: ScenarioName): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
}

export async function measureScenario(world: MeteredWorld, scenario: Scenario, slot: DataSlot): Promise<ScenarioMeasurement> {
  const act = await scenario.prepare(world, slot);
  await settle(world);
  const before = world.meter.reading();
  const began = new Date();
  const t0 = performance.now();
  await act();
  const executions = await awaitExecutionsEnded(world, began);
  await settle(world);
  const wallMs = performance.now() - t0;
  const reading = meterDifference(world.meter.reading(), before);
  const engine = world.product.cloud.stepFunctions;
  const synchronous = executions
    .map((arn) => synchronousPart(engine.getExecutionHistory(arn).events ?? []))
    .reduce((sum, part) => ({ transitions: sum.transitions + part.transitions, ms: sum.ms + part.ms }), { transitions: 0, ms: 0 });
  return { scenario: scenario.name, id: slot.id, reading, finalStatus: await finalStatus(world, scenario, slot), synchronous, wallMs };
}

async function finalStatus(world: MeteredWorld, scenario: Scenario, slot: DataSlot): Promise<string> {
  if (scenario.name === 'price-request-approved') {
    const customer = await customerOfOwnTerritory(world, slot.customer);
    const response = await signedFetch(new URL(`${world.product.storeApiUrl}/customers/${customer.customerId}`), { method: 'GET' });
    const view = (await response.json()) as { priceRequests?: { priceRequestId: string; status: string }[] };
    return view.priceRequests?.find((r) => r.priceRequestId === slot.id)?.status ?? `unknown (${response.status})`;
  }
  let answer = await getRequest(world, slot.id);
  for (let retry = 0; answer.status !== 200 && retry < 3; retry++) answer = await getRequest(world, slot.id);
  return answer.status === 200 ? answer.view.request.status : `unknown (${answer.status})`;
}

function postJson(world: MeteredWorld, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return signedFetch(new URL(`${world.product.storeApiUrl}${path}`), { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as Record<string, unknown>,
  }));
}

/** Every execution started since `since` (child executions too), once none is running any more. */
async function awaitExecutionsEnded(world: MeteredWorld, since: Date, timeoutMs = 90_000): Promise<string[]> {
  const engine = world.product.cloud.stepFunctions;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = world.product.cloud.model.stateMachines.flatMap((m) => (engine.listExecutions(m.arn).executions ?? []).filter((e) => (e.startDate?.getTime() ?? 0) >= since.getTime()));
    if (started.length > 0 && started.every((e) => e.status !== 'RUNNING')) return started.map((e) => e.executionArn ?? '');
    if (Date.now() > deadline) throw new Error(`executions still running after ${timeoutMs} ms: ${started.filter((e) => e.status === 'RUNNING').map((e) => e.name).join(', ') || 'none started'}`);
    await sleep(25);
  }
}

/**
 * Waits until streams and SNS deliveries are idle, no invocation is running (the runner counts an invocation
 * when it starts, the meter when it ends) and the meter has not moved for a while.
 */
async function settle(world: MeteredWorld, quietMs = 250, timeoutMs = 120_000): Promise<void> {
  const { cloud } = world.product;
  const deadline = performance.now() + timeoutMs;
  const sum = (values: readonly { invocations: number }[]) => values.reduce((total, v) => total + v.invocations, 0);
  let last = '';
  let stableSince = performance.now();
  for (;;) {
    await cloud.streams.idle();
    await cloud.sns.settled();
    const reading = world.meter.reading();
    const running = sum(Object.values(cloud.lambda.stats())) - sum(Object.values(reading.lambda));
    const now = JSON.stringify(reading);
    if (performance.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: ${running} invocation(s) still running`);
    if (running > 0 || now !== last) {
      last = now;
      stableSince = performance.now();
    } else if (performance.now() - stableSince >= quietMs) {
      return;
    }
    await sleep(25);
  }
}

/** Transitions before the first Wait state or callback task, and the time they took. */
function synchronousPart(events: readonly HistoryEvent[]): { transitions: number; ms: number } {
  const stop = events.findIndex((e) => e.type === 'WaitStateEntered' || (e.taskScheduledEventDetails?.resource ?? '').includes('waitForTaskToken'));
  const part = stop < 0 ? events : events.slice(0, stop);
  const transitions = part.filter((e) => /StateEntered$/.test(e.type ?? '') && e.type !== 'TaskStateEntered').length + part.filter((e) => e.type === 'LambdaFunctionScheduled' || e.type === 'TaskScheduled').length;
  const first = events[0]?.timestamp?.getTime() ?? 0;
  const last = (stop < 0 ? events.at(-1) : events[stop])?.timestamp?.getTime() ?? first;
  return { transitions, ms: last - first };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
