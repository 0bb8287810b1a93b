/**
 * Issue 8, point 2 — no oversell under contention. Many customers ask for
 * the same product at once, each for one unit, and only a few units are
 * spread over three stores that are candidate stores (home store and its
 * nearest, as CheckStock picks them) for every one of those customers.
 * A reservation is one transaction whose condition is `free >= quantity`, so
 * exactly the units there are get held and free stock never goes below zero;
 * a request that loses a race checks again (at most three checks, one per
 * store that can run dry under it) and otherwise escalates.
 *
 * The escalated requests are left unanswered and run through their decision
 * deadlines (inside manager, reminder, hand-over to the field manager) to
 * UNFULFILLED, with time compressed: needed-by is ten days ahead, so each
 * 30-minute decision phase lasts 3 s at 1/600 and the holds' lapse (needed-by
 * plus 4 h, about 24 min at this scale) comes long after the test.
 */
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
import { DynamoStoreDirectory } from '../../functions/repository/store-directory';
import { batchPutAll } from '../../functions/repository/document-client';
import { customerItem } from '../../functions/repository/table-layout';
import { DynamoTerritoryDirectory } from '../../functions/repository/territory-directory';
import type { Customer, StockLevel } from '../../functions/domain/model';
import {
  customerOfOwnTerritory,
  executionSummary,
  getRequest,
  hoursFromNow,
  setStock,
  startWorld,
  stateMachineOf,
  submit,
  type RequestView,
  type World,
} from '../support/customer-request-world';
import { proofSize, recordProof } from '../support/proof';

const REQUESTS = proofSize({ test: 200, report: 1000 });
/** 37 units under `npm test`, five times that with five times the requests under `npm run proof`. */
const UNITS = proofSize({ test: 37, report: 185 });
/** Helper A's range of the distinct territories (test/support: customerOfOwnTerritory). */
const TERRITORY_RANGE = { from: 200, to: 279 };
const PRODUCT_INDEX = 13;
const STORES = 3;
/** Statuses a request ends in (workflows/customer-request.ts: ConcludeRequest); FAILED would be a failure of this proof. */
const TERMINAL = ['RESERVED', 'PARTIAL', 'SOURCED', 'UNFULFILLED'];
const RUN_TIMEOUT_MS = 600_000;

let world: World;

beforeAll(async () => {
  world = await startWorld({ timeScale: 1 / 600 });
});

afterAll(async () => {
  await world?.stop();
});

/** How many stores CheckStock considers, as the synthesized template configures its function. */
function candidateStoreCount(): number {
  const fn = world.product.cloud.model.functions.find((f) => f.logicalId.includes('FulfilRequest') && f.environment.CANDIDATE_STORES !== undefined);
  if (!fn) throw new Error('no FulfilRequest function with CANDIDATE_STORES in the template');
  return Number(fn.environment.CANDIDATE_STORES);
}

/**
 * The three stores that are candidates for the most of this file's territories,
 * and those territories' customers: the seed's own, then new customers of the
 * same territories (ids C6<territory index><n>) until there are `count`.
 */
async function contendingCustomers(count: number): Promise<{ stores: string[]; customers: Customer[]; territories: number }> {
  const stores = new DynamoStoreDirectory(world.ctx, new DynamoTerritoryDirectory(world.ctx));
  const perCandidate = candidateStoreCount() - 1;
  const territories = await Promise.all(
    Array.from({ length: TERRITORY_RANGE.to - TERRITORY_RANGE.from + 1 }, async (_, i) => {
      const index = TERRITORY_RANGE.from + i;
      const first = await customerOfOwnTerritory(world, index);
      const nearest = await stores.nearestStores(first.homeStoreId, perCandidate);
      return { index, first, candidates: new Set([first.homeStoreId, ...nearest.map((n) => n.storeId)]) };
    }),
  );
  const storeIds = [...new Set(territories.flatMap((t) => [...t.candidates]))].sort();
  let best: { stores: string[]; covered: typeof territories } = { stores: [], covered: [] };
  for (let a = 0; a < storeIds.length; a++) {
    for (let b = a + 1; b < storeIds.length; b++) {
      for (let c = b + 1; c < storeIds.length; c++) {
        const triple = [storeIds[a]!, storeIds[b]!, storeIds[c]!];
        const covered = territories.filter((t) => triple.every((s) => t.candidates.has(s)));
        if (covered.length > best.covered.length) best = { stores: triple, covered };
      }
    }
  }
  const seeded = best.covered.flatMap((t) => world.seed.customers.filter((c) => c.territoryId === t.first.territoryId && c.homeStoreId === t.first.homeStoreId));
  const created: Customer[] = [];
  for (let n = 0; seeded.length + created.length < count; n++) {
    const territory = best.covered[n % best.covered.length]!;
    const k = Math.floor(n / best.covered.length);
    if (k > 99) throw new Error(`not enough room for ${count} customers in ${best.covered.length} territories`);
    created.push({ ...territory.first, customerId: `C6${territory.index}${String(k).padStart(2, '0')}`, name: `Contention Test ${territory.index}-${k}` });
  }
  await batchPutAll(world.ctx, created.map(customerItem));
  return { stores: best.stores, customers: [...seeded, ...created].slice(0, count), territories: best.covered.length };
}

/** Splits units over stores as evenly as possible, the first stores getting the remainder (37 → 13 + 12 + 12). */
const split = (units: number, parts: number): number[] => Array.from({ length: parts }, (_, i) => Math.floor(units / parts) + (i < units % parts ? 1 : 0));

/** Reads the stores' stock over and over while the run goes; every reading must show free stock ≥ 0. */
function sampleStock(sku: string, storeIds: readonly string[]) {
  const repository = new DynamoStockRepository(world.ctx);
  const readings: StockLevel[][] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      readings.push(await repository.stockAcross(sku, storeIds));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    readings,
    stop: async () => {
      running = false;
      await done;
      return readings;
    },
  };
}

/**
 * Watches the executions of the requests from before they start: one is at rest
 * once it ended, or once it holds stock until the lapse (AwaitHoldLapse).
 * `settled()` resolves with the summaries of those that did not succeed.
 */
function watchExecutions(requestIds: readonly string[]) {
  const engine = world.product.cloud.stepFunctions;
  const names = new Map(requestIds.map((id) => [`${stateMachineOf(world).arn.replace(':stateMachine:', ':execution:')}:req-${id}`, id]));
  const pending = new Set(requestIds);
  const unsuccessful: string[] = [];
  let wake: () => void = () => undefined;
  const stop = engine.onEvent((event) => {
    const requestId = names.get(event.executionArn);
    if (!requestId || !pending.has(requestId)) return;
    const atRest =
      (event.kind === 'history' && event.event.stateEnteredEventDetails?.name === 'AwaitHoldLapse') || (event.kind === 'status' && event.status !== 'RUNNING');
    if (!atRest) return;
    if (event.kind === 'status' && event.status !== 'SUCCEEDED') unsuccessful.push(`${requestId}: ${executionSummary(world, requestId)}`);
    pending.delete(requestId);
    wake();
  });
  return {
    pending: () => pending.size,
    settled: async (): Promise<string[]> => {
      const deadline = Date.now() + RUN_TIMEOUT_MS;
      try {
        while (pending.size > 0) {
          if (Date.now() > deadline) throw new Error(`${pending.size} executions not at rest after ${RUN_TIMEOUT_MS} ms, e.g. ${[...pending].slice(0, 3).map((id) => `${id}: ${executionSummary(world, id)}`).join('\n')}`);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 5_000);
          });
        }
        return unsuccessful;
      } finally {
        stop();
      }
    },
  };
}

const MAX_SUBMISSIONS = 5;
const SUBMITTERS = 20;

/** Runs `run` over the items with at most `size` at once; results in the items' order. */
async function inPool<T, R>(items: readonly T[], size: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

/**
 * A store system's submission: sent again with the same body after a 5xx or a
 * lost connection, as the API asks of its callers (docs/failure-model.md,
 * "Register first, then start"), after a jittered pause. The local runtime runs
 * all concurrent invocations of a function in one environment, so a burst can
 * outlast the function's timeout on a busy machine where Lambda would scale out.
 */
async function submitAsStoreSystem(body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown>; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await submit(world, body).catch((error: unknown) => ({ status: 599, body: { error: String(error) } }));
    if (answer.status < 500 || attempt === MAX_SUBMISSIONS) return { ...answer, attempts: attempt };
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000 * 2 ** attempt));
  }
}

/** The requests' views through GET /requests/{id}, a few at a time. */
async function viewsOf(ids: readonly string[]): Promise<RequestView[]> {
  const views: RequestView[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const batch = await Promise.all(ids.slice(i, i + 10).map((id) => getRequest(world, id)));
    for (const { status, view } of batch) {
      expect(status).toBe(200);
      views.push(view);
    }
  }
  return views;
}

const histogram = (values: readonly string[]): Record<string, number> =>
  values.reduce<Record<string, number>>((counts, v) => ({ ...counts, [v]: (counts[v] ?? 0) + 1 }), {});
const sum = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0);

describe(`no oversell under contention (${REQUESTS} customers, ${UNITS} units in ${STORES} stores)`, () => {
  test(`${REQUESTS} concurrent one-unit requests from different customers for ${UNITS} units reserve exactly ${UNITS}, free stock never below zero, every request ends in a terminal status`, async () => {
    const product = world.seed.products[PRODUCT_INDEX]!;
    const { stores, customers, territories } = await contendingCustomers(REQUESTS);
    expect(stores).toHaveLength(STORES);
    expect(new Set(customers.map((c) => c.customerId)).size).toBe(REQUESTS);
    const levels = split(UNITS, STORES);
    await setStock(world, stores.map((storeId, i) => ({ storeId, sku: product.sku, available: levels[i]! })));

    const ids = customers.map((_, i) => `pc-${i}`);
    const neededBy = hoursFromNow(240);
    const started = Date.now();
    const sampler = sampleStock(product.sku, stores);
    const executionsAtRest = watchExecutions(ids);
    const answers = await inPool(customers, SUBMITTERS, (customer, i) =>
      submitAsStoreSystem({ requestId: ids[i], customerId: customer.customerId, lines: [{ sku: product.sku, quantity: 1, unit: product.unit }], neededBy, fulfilment: 'pickup' }),
    );
    if (answers.some((a) => a.status !== 202)) await sampler.stop();
    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    const unsuccessful = await executionsAtRest.settled().finally(() => sampler.stop());
    const seconds = (Date.now() - started) / 1000;
    expect(unsuccessful).toEqual([]);
    const { readings } = sampler;

    // Free stock never below zero, nor more held than there is, in any reading taken while the run went.
    const negative = readings.flatMap((reading) => reading.filter((l) => l.available - l.reserved < 0));
    expect(negative).toEqual([]);
    expect(readings.every((reading) => sum(reading.map((l) => l.reserved)) <= UNITS)).toBe(true);
    expect(readings.length).toBeGreaterThan(1);

    const views = await viewsOf(ids);
    // Every request saw the three stores among its candidates, as CheckStock recorded them.
    for (const view of views) {
      const firstCheck = view.timeline.find((e) => e.step === 'CheckStock');
      expect(firstCheck?.detail.candidates).toEqual(expect.arrayContaining(stores));
    }
    // Every request ended in a terminal status, once, and both partners were told that outcome once per channel.
    const statuses = views.map((v) => v.request.status);
    expect(statuses.filter((s) => !TERMINAL.includes(s))).toEqual([]);
    for (const view of views) {
      expect(view.timeline.filter((e) => e.step === 'Outcome')).toHaveLength(1);
      const told = view.notifications.filter((n) => n.kind === view.request.status.toLowerCase());
      expect(new Set(told.map((n) => n.role))).toEqual(new Set(['inside', 'field']));
      const keys = view.notifications.map((n) => `${n.personId}:${n.channel}:${n.kind}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    // Exactly the units there are are held: by active holds, and by the stores' counters, store by store.
    const held = views.flatMap((v) => v.reservations.filter((r) => r.status === 'HELD'));
    const heldUnits = (storeId?: string) => sum(held.filter((h) => !storeId || h.storeId === storeId).flatMap((h) => h.lines.map((l) => l.quantity)));
    expect(heldUnits()).toBe(UNITS);
    const final = await new DynamoStockRepository(world.ctx).stockAcross(product.sku, stores);
    expect(final.map((l) => ({ storeId: l.storeId, available: l.available, reserved: l.reserved }))).toEqual(
      stores.map((storeId, i) => ({ storeId, available: levels[i]!, reserved: heldUnits(storeId) })),
    );
    expect(sum(final.map((l) => l.reserved))).toBe(UNITS);
    // One unit each: the reserved requests are exactly the holders; the rest ran out their deadlines.
    expect(statuses.filter((s) => s === 'RESERVED')).toHaveLength(UNITS);
    expect(views.filter((v) => v.request.status === 'RESERVED').every((v) => v.reservations.length === 1)).toBe(true);
    expect(views.filter((v) => v.request.status === 'UNFULFILLED').map((v) => v.request.reason).filter((r) => r !== 'no decision before the deadline')).toEqual([]);

    const byStatus = histogram(statuses);
    const rechecks = views.filter((v) => v.timeline.filter((e) => e.step === 'CheckStock').length > 1).length;
    const notifications = sum(views.map((v) => v.notifications.length));
    const executions = (world.product.cloud.stepFunctions.listExecutions(stateMachineOf(world).arn, undefined, 1000).executions ?? []).filter((e) => ids.includes((e.name ?? '').slice('req-'.length)));
    expect(executions).toHaveLength(REQUESTS);
    const histogramText = Object.entries(byStatus).map(([status, n]) => `${status} ${n}`).join(', ');
    recordProof({
      id: '2-no-oversell',
      point: 2,
      promise: `${REQUESTS} concurrent requests from different customers competing for ${UNITS} units of one product across ${STORES} stores reserve exactly ${UNITS}, never a negative free stock, and every request ends in a terminal status`,
      load: `${REQUESTS} POST /requests of 1 unit each from ${REQUESTS} customers of ${territories} territories whose candidate stores include all ${STORES} stores (${levels.join(' + ')} units), sent by ${SUBMITTERS} store-system sessions at once (${sum(answers.map((a) => a.attempts - 1))} resent after a 5xx), so all ${REQUESTS} executions compete; unanswered escalations run through their deadlines at time scale 1/600`,
      result: `${heldUnits()} of ${UNITS} units held by ${held.length} holds (stores' reserved: ${final.map((l) => l.reserved).join(' + ')}); lowest free stock seen ${Math.min(...readings.flatMap((r) => r.map((l) => l.available - l.reserved)))} in ${readings.length} readings; ${REQUESTS}/${REQUESTS} terminal: ${histogramText}`,
      figures: {
        requests: REQUESTS,
        customers: new Set(customers.map((c) => c.customerId)).size,
        executions: executions.length,
        unitsInStock: UNITS,
        unitsHeld: heldUnits(),
        storesReserved: sum(final.map((l) => l.reserved)),
        holds: held.length,
        stockReadings: readings.length,
        lowestFreeStock: Math.min(...readings.flatMap((r) => r.map((l) => l.available - l.reserved))),
        requestsThatCheckedAgain: rechecks,
        notifications,
        statuses: histogramText,
        submitters: SUBMITTERS,
        resubmissions: sum(answers.map((a) => a.attempts - 1)),
        durationSeconds: Number(seconds.toFixed(1)),
      },
    });
  }, RUN_TIMEOUT_MS + 300_000);
});
