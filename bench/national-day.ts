/**
 * Issue 9 point 4, a national day: every territory's stores submit their
 * customers' requests — 400 territories × 25 = 10,000 — through the local
 * store API, with a realistic mix: most find their stock at the home store,
 * some only part of it, some none. Escalated requests come to an end as on a
 * real day: about half are answered through the decision link in the inside
 * manager's SMS (a partly served request declined for the rest, a request with
 * nothing found sourced from a far store that has the goods), the others run
 * through their decision deadlines (time compressed) to their end.
 *
 *   npx tsx bench/national-day.ts [--cdk-out cdk.out] [--territories 400] [--per-territory 25] [--clients 32]
 *
 * Reports the wall time from the first submission until every request ended,
 * the throughput, and the outcomes per territory.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoStoreDirectory } from '../functions/repository/store-directory';
import { DynamoTerritoryDirectory } from '../functions/repository/territory-directory';
import { key } from '../functions/repository/table-layout';
import { createDynamoDbClient } from '../local/dynamodb-local';
import { figure, markdownTable, writeBenchPart } from './bench-part';
import { describeProfile, startProfile } from './throughput-profile';
import { hoursFromNow, option, setStock, startBenchWorld, StatusWatcher, submitRequest, type BenchWorld } from './throughput-world';

/**
 * A 30-minute decision phase lasts 30 s: a person's answer (SMS delivered, link opened, DecideTask run) takes
 * seconds on a busy machine, so a 3-s phase (1/600) would expire most answers. Needed-by 10 days ahead: no hold lapses.
 */
const TIME_SCALE = 1 / 60;
const OUTCOMES = ['RESERVED', 'PARTIAL', 'SOURCED', 'UNFULFILLED', 'FAILED'] as const;
/** Columns of the outcome tables: the workflow's outcomes, and submissions the API refused (none expected). */
const COLUMNS = [...OUTCOMES, 'REFUSED'] as const;
/** Where a store system stops waiting: the request is served, or a person now has it. */
const SETTLED_FOR_STORE = [...OUTCOMES, 'ESCALATED'];
/** Of every 25 requests of a territory: 18 with stock at the home store, 3 with part of it, 4 with none. */
const MIX = { found: 18, partial: 3, none: 4 } as const;
const QUANTITY = { found: 2, partial: 10, partialInStock: 4, none: 3 } as const;

type Kind = keyof typeof MIX;

interface Planned {
  readonly requestId: string;
  readonly territoryId: string;
  readonly customerId: string;
  readonly homeStoreId: string;
  readonly kind: Kind;
  readonly sku: string;
  readonly unit: string;
  readonly quantity: number;
  /** Answered through the decision link if it escalates; otherwise left to its deadlines. */
  readonly answer: boolean;
}

async function main(): Promise<void> {
  const territories = Number(option('territories', '400'));
  const perTerritory = Number(option('per-territory', '25'));
  const clients = Number(option('clients', '32'));
  const world = await startBenchWorld({ outdir: option('cdk-out', 'cdk.out'), timeScale: TIME_SCALE });
  try {
    const plan = planDay(world, territories, perTerritory);
    const sourcing = await seedStock(world, plan);
    const answers = answerDecisions(world, plan, sourcing);
    const watcher = new StatusWatcher(world, (status) => SETTLED_FOR_STORE.includes(status));
    const endWatcher = new StatusWatcher(world, (status) => (OUTCOMES as readonly string[]).includes(status));
    const finalStatus = new Map<string, string>();
    const rejected = new Map<string, number>();
    const progress = setInterval(() => console.log(`${((performance.now() - began) / 1000).toFixed(0)} s: ${next} submitted, ${rejected.size} refused, ${finalStatus.size} ended, ${ended.length} escalated, ${answers.answered.size ? [...answers.answered.values()].reduce((a, b) => a + b, 0) : 0} answered`), 10_000);
    const ended: Promise<void>[] = [];
    const profile = startProfile(world);
    const began = performance.now();
    let next = 0;
    let lastSubmitted = began;
    // Closed loop per store system: the next request once the previous one is served or with a person.
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let at = next++; at < plan.length; at = next++) {
          const request = plan[at]!;
          const seen = watcher.watch(request.requestId);
          const status = await submitRequest(world, { requestId: request.requestId, customerId: request.customerId, lines: [{ sku: request.sku, quantity: request.quantity, unit: request.unit }], neededBy: hoursFromNow(240) });
          lastSubmitted = performance.now();
          if (status !== 202) {
            // Under overload a submission can fail (e.g. 502 after SubmitRequest timed out): counted, not retried.
            rejected.set(request.requestId, status);
            watcher.forget(request.requestId);
            continue;
          }
          const first = await seen;
          if (first.status !== 'ESCALATED') finalStatus.set(request.requestId, first.status);
          else ended.push(endWatcher.watch(request.requestId, true).then((end) => void finalStatus.set(request.requestId, end.status)));
        }
      }),
    );
    const submittedSeconds = (lastSubmitted - began) / 1000;
    await Promise.all(ended);
    const wallSeconds = (performance.now() - began) / 1000;
    clearInterval(progress);
    const where = describeProfile(profile.stop(), plan.length, 'national day');
    watcher.stop();
    endWatcher.stop();
    answers.stop();

    const perTerritoryCounts = countByTerritory(plan, finalStatus);
    writeBenchPart({
      part: 'national-day',
      title: `National day: ${territories} territories × ${perTerritory} requests`,
      figures: [
        figure('national-day.wall-seconds', `${plan.length} requests, first submission → every request ended`, 's', [wallSeconds]),
        figure('national-day.submitted-per-second', 'requests submitted and served or escalated per second', 'requests/s', [plan.length / submittedSeconds], { op: '>=', value: 50, text: '≥ 50 requests/s sustained on 2 cores' }),
        figure('national-day.requests-per-second', 'requests ended per second, over the whole day', 'requests/s', [plan.length / wallSeconds]),
        ...COLUMNS.map((outcome) => figure(`national-day.${outcome.toLowerCase()}-per-territory`, `${outcome} per territory`, 'requests', perTerritoryCounts.map((c) => c[outcome]))),
      ],
      tables: [outcomeTable(perTerritoryCounts), planTable(plan, finalStatus, answers.answered), ...where.tables],
      notes: [
        `${plan.length} requests (${territories} territories × ${perTerritory}), submitted by ${clients} store systems at once through POST /requests (SigV4, store-system role), each submitting its next request once the previous one was RESERVED (or another outcome) or ESCALATED. All were submitted after ${submittedSeconds.toFixed(0)} s; the last one ended ${wallSeconds.toFixed(0)} s after the first submission (escalations run through decision phases of 30 minutes, ${(1800 * TIME_SCALE).toFixed(0)} s at the ${Math.round(1 / TIME_SCALE)}× compression).`,
        `The mix, per ${MIX.found + MIX.partial + MIX.none} requests of a territory: ${MIX.found} with ${QUANTITY.found} units in stock at the customer's home store, ${MIX.partial} asking ${QUANTITY.partial} of which the home store has ${QUANTITY.partialInStock} (other candidate stores may hold more: their partly served requests share the products), ${MIX.none} of a product no candidate store has. An escalated request is answered through the link in the inside manager's SMS (the reference's request read from the table) with probability 1/2: partly served ones are declined for the rest, unserved ones sourced from a store outside every candidate set that has the goods; the others are left to their deadlines (reminder, hand-over, expiry).`,
        ...where.notes,
      ],
    });
  } finally {
    await world.stop();
  }
}

/** The day's requests, territory by territory, interleaved so every territory is busy all day. */
function planDay(world: BenchWorld, territories: number, perTerritory: number): Planned[] {
  const tandems = world.seed.tandems.slice(0, territories);
  const products = world.seed.products;
  // Disjoint product ranges per kind, so one kind's stock never serves another kind's request.
  const range = { found: products.slice(0, 150), partial: products.slice(150, 200), none: products.slice(200) };
  const plan: Planned[] = [];
  for (let k = 0; k < perTerritory; k++) {
    tandems.forEach((tandem, t) => {
      const customers = world.seed.customers.filter((c) => c.territoryId === tandem.territoryId);
      const customer = customers[k % customers.length]!;
      // Shifted by territory, so every kind is in flight all day while each territory still gets the mix.
      const slot = (k + t) % (MIX.found + MIX.partial + MIX.none);
      const kind: Kind = slot < MIX.found ? 'found' : slot < MIX.found + MIX.partial ? 'partial' : 'none';
      const candidates = range[kind];
      const product = candidates[(t * 7 + k * 13) % candidates.length]!;
      plan.push({
        requestId: `day-${tandem.territoryId}-${String(k).padStart(3, '0')}`,
        territoryId: tandem.territoryId,
        customerId: customer.customerId,
        homeStoreId: customer.homeStoreId,
        kind,
        sku: product.sku,
        unit: product.unit,
        quantity: kind === 'found' ? QUANTITY.found : kind === 'partial' ? QUANTITY.partial : QUANTITY.none,
        answer: (t + k) % 2 === 0,
      });
    });
  }
  return plan;
}

/**
 * Stock for the plan: found requests' units at their home stores, partial ones' share, and for
 * each product of the `none` kind one far store — outside every candidate set of the stores
 * whose customers ask for it — holding enough for every decision that sources it.
 * Returns the far store per product.
 */
async function seedStock(world: BenchWorld, plan: readonly Planned[]): Promise<Map<string, string>> {
  const levels = new Map<string, { storeId: string; sku: string; available: number }>();
  const add = (storeId: string, sku: string, units: number) => {
    const level = levels.get(`${storeId}|${sku}`) ?? { storeId, sku, available: 0 };
    level.available += units;
    levels.set(`${storeId}|${sku}`, level);
  };
  for (const request of plan) {
    if (request.kind === 'found') add(request.homeStoreId, request.sku, request.quantity);
    if (request.kind === 'partial') add(request.homeStoreId, request.sku, QUANTITY.partialInStock);
  }
  const ctx = world.cloud.tableContext('Data');
  const directory = new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx));
  const perStore = candidateStoreCount(world) - 1;
  const homeStores = [...new Set(plan.map((r) => r.homeStoreId))];
  const candidatesOf = new Map(
    await Promise.all(homeStores.map(async (storeId) => [storeId, new Set([storeId, ...(await directory.nearestStores(storeId, perStore)).map((n) => n.storeId)])] as const)),
  );
  const sourcing = new Map<string, string>();
  for (const sku of new Set(plan.filter((r) => r.kind === 'none').map((r) => r.sku))) {
    const asking = plan.filter((r) => r.kind === 'none' && r.sku === sku);
    const excluded = new Set(asking.flatMap((r) => [...candidatesOf.get(r.homeStoreId)!]));
    const far = world.seed.stores.find((s) => !excluded.has(s.storeId));
    if (!far) continue; // no far store: its requests end by their deadlines
    sourcing.set(sku, far.storeId);
    add(far.storeId, sku, asking.reduce((sum, r) => sum + r.quantity, 0));
  }
  await setStock(world, [...levels.values()]);
  return sourcing;
}

/** How many stores CheckStock considers, as the synthesized template configures its function(s). */
function candidateStoreCount(world: BenchWorld): number {
  const fn = world.cloud.model.functions.find((f) => f.environment.CANDIDATE_STORES !== undefined);
  return fn ? Number(fn.environment.CANDIDATE_STORES) : 6;
}

/**
 * The inside managers at work: every SMS with a decision link is read; the link's request is
 * looked up, and if the plan answers it, the answer is posted to the link as the page's form would.
 */
function answerDecisions(world: BenchWorld, plan: readonly Planned[], sourcing: ReadonlyMap<string, string>) {
  const byId = new Map(plan.map((r) => [r.requestId, r]));
  const client = createDynamoDbClient(world.dynamoDb.endpoint);
  const { tableName } = world.cloud.tableContext('Data');
  const answered = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  const seenRefs = new Set<string>();
  const answer = async (ref: string) => {
    const k = key.decisionRef(ref);
    const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: k.pk }, sk: { S: k.sk } }, ConsistentRead: true }))).Item;
    const request = byId.get(item?.requestId?.S ?? '');
    if (!request?.answer) return;
    const far = sourcing.get(request.sku);
    const body = request.kind === 'none' && far ? { outcome: 'sourced', storeId: far } : { outcome: 'declined', reason: 'Rest nicht lieferbar' };
    const response = await fetch(`${world.storeApiUrl}/tasks/${ref}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    if (response.status === 200) answered.set(request.kind, (answered.get(request.kind) ?? 0) + 1);
  };
  const stopListening = world.cloud.sns.onDelivery((record) => {
    const ref = /\/tasks\/([A-Za-z0-9_-]{22})/.exec(record.body)?.[1];
    if (record.channel !== 'sms' || !ref || seenRefs.has(ref)) return;
    seenRefs.add(ref);
    const done = answer(ref).catch((error: unknown) => console.error(`answering ${ref}:`, error));
    pending.add(done);
    void done.finally(() => pending.delete(done));
  });
  return {
    answered,
    stop: () => {
      stopListening();
      void Promise.allSettled([...pending]).then(() => client.destroy());
    },
  };
}

function countByTerritory(plan: readonly Planned[], finalStatus: ReadonlyMap<string, string>): Record<(typeof COLUMNS)[number], number>[] {
  const counts = new Map<string, Record<string, number>>();
  for (const request of plan) {
    const row = counts.get(request.territoryId) ?? Object.fromEntries(COLUMNS.map((o) => [o, 0]));
    const status = finalStatus.get(request.requestId) ?? 'REFUSED';
    row[status] = (row[status] ?? 0) + 1;
    counts.set(request.territoryId, row);
  }
  return [...counts.values()] as Record<(typeof COLUMNS)[number], number>[];
}

function outcomeTable(perTerritory: readonly Record<(typeof COLUMNS)[number], number>[]) {
  const stat = (values: number[], which: 'min' | 'median' | 'max') => {
    const sorted = [...values].sort((a, b) => a - b);
    return which === 'min' ? sorted[0]! : which === 'max' ? sorted.at(-1)! : sorted[Math.floor(sorted.length / 2)]!;
  };
  return {
    title: `Outcomes per territory (${perTerritory.length} territories)`,
    markdown: markdownTable(
      ['outcome', 'min', 'median', 'max', 'total'],
      COLUMNS.map((o) => {
        const values = perTerritory.map((c) => c[o]);
        return [o, stat(values, 'min'), stat(values, 'median'), stat(values, 'max'), values.reduce((a, b) => a + b, 0)];
      }),
    ),
  };
}

function planTable(plan: readonly Planned[], finalStatus: ReadonlyMap<string, string>, answered: ReadonlyMap<string, number>) {
  const kinds: Kind[] = ['found', 'partial', 'none'];
  return {
    title: 'Outcomes by what was in stock',
    markdown: markdownTable(
      ['stock at submission', 'requests', 'answered via link', ...COLUMNS],
      kinds.map((kind) => {
        const of = plan.filter((r) => r.kind === kind);
        return [kind, of.length, answered.get(kind) ?? 0, ...COLUMNS.map((o) => of.filter((r) => (finalStatus.get(r.requestId) ?? 'REFUSED') === o).length)];
      }),
    ),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
