/**
 * Issue 9 point 4, throughput and latency of the local runtime: customer
 * requests submitted through the local store API (SigV4-signed as a store
 * system) at fixed concurrencies, closed loop — each of N clients submits its
 * next request once its previous one is RESERVED — measuring submission →
 * RESERVED latency and requests per second, each concurrency repeated.
 *
 *   npx tsx bench/local-throughput.ts [--cdk-out cdk.out] [--runs 3] [--seconds 10]
 *
 * Every request is a single line of stock found at the customer's home store
 * (the automated happy path). Clients use distinct products, so their
 * reservations do not contend for one stock item.
 */
import { figure, markdownTable, writeBenchPart, type BenchFigure } from './bench-part';
import { describeProfile, startProfile } from './throughput-profile';
import { hoursFromNow, option, setStock, startBenchWorld, StatusWatcher, submitRequest, type BenchWorld } from './throughput-world';

const CONCURRENCIES = [1, 8, 32];
/** Time compression as the workflow proofs use: a 30-minute decision phase lasts 3 s; holds lapse long after the run. */
const TIME_SCALE = 1 / 600;
const TERMINAL = ['RESERVED', 'PARTIAL', 'SOURCED', 'UNFULFILLED', 'FAILED', 'ESCALATED'];

interface RunResult {
  readonly concurrency: number;
  readonly completed: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly notReserved: number;
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '3'));
  const seconds = Number(option('seconds', '10'));
  const began = Date.now();
  const world = await startBenchWorld({ outdir: option('cdk-out', 'cdk.out'), timeScale: TIME_SCALE });
  const startupSeconds = (Date.now() - began) / 1000;
  try {
    const clients = await prepareClients(world, Math.max(...CONCURRENCIES));
    const watcher = new StatusWatcher(world, (status) => TERMINAL.includes(status));
    let sequence = 0;
    const run = async (concurrency: number, durationMs: number): Promise<RunResult> => {
      const latenciesMs: number[] = [];
      let notReserved = 0;
      const start = performance.now();
      const deadline = start + durationMs;
      await Promise.all(
        clients.slice(0, concurrency).map(async (client) => {
          while (performance.now() < deadline) {
            const requestId = `bench-${process.pid}-${++sequence}`;
            const seen = watcher.watch(requestId);
            const submitted = performance.now();
            const status = await submitRequest(world, { requestId, customerId: client.customerId, lines: [{ sku: client.sku, quantity: 1, unit: client.unit }], neededBy: hoursFromNow(240) });
            if (status !== 202) throw new Error(`POST /requests answered ${status} for ${requestId}`);
            const { status: reached, at } = await seen;
            if (reached === 'RESERVED') latenciesMs.push(at - submitted);
            else notReserved += 1;
          }
        }),
      );
      const elapsed = (performance.now() - start) / 1000;
      return { concurrency, completed: latenciesMs.length + notReserved, seconds: elapsed, latenciesMs, notReserved };
    };

    // Warm-up: every function's execution environment started (cold starts are helper A's figure, not this one's).
    await run(8, 3_000);
    // The background: what the runtime costs with no request in flight (stream pollers, timers).
    const idle = startProfile(world);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const idleProfile = idle.stop();
    const window = process.hrtime.bigint();
    const results: RunResult[] = [];
    const profiles: ReturnType<typeof describeProfile>[] = [];
    for (const concurrency of CONCURRENCIES) {
      for (let r = 0; r < runs; r++) {
        const profile = r === 0 ? startProfile(world) : undefined;
        const result = await run(concurrency, seconds * 1000);
        results.push(result);
        if (profile) profiles.push(describeProfile(profile.stop(), result.completed, `concurrency ${concurrency}`));
        console.log(`concurrency ${concurrency} run ${r + 1}: ${result.completed} requests, ${(result.completed / result.seconds).toFixed(1)}/s, p99 ${percentile(result.latenciesMs, 99).toFixed(0)} ms`);
      }
    }
    watcher.stop();
    // For a CPU profile (node --cpu-prof): the measured window on the profiles' clock, in µs.
    console.log(`measured window (hrtime µs): ${window / 1000n}–${process.hrtime.bigint() / 1000n}`);
    writeBenchPart({
      part: 'local-throughput',
      title: 'Local runtime: throughput and latency (submission → RESERVED)',
      figures: figuresOf(results),
      tables: [resultsTable(results), ...profiles.flatMap((p) => p.tables)],
      notes: [
        `Closed loop: N clients (N = ${CONCURRENCIES.join(', ')}), each submitting its next request (POST /requests, SigV4-signed with a store-system role session) once its previous one reached RESERVED; ${runs} runs of ${seconds} s per concurrency after a 3 s warm-up at 8 clients. Requests per second = requests completed in a run / its duration; a latency is from the POST being sent to RESERVED being seen.`,
        `How RESERVED is seen: the bench listens to the local engine's history events and, after each task of a watched request's execution ends (the only moments its status can change), reads the request item's status with one consistent, projected GetItem straight at DynamoDB Local (${watcher.reads} reads in all, about ${(watcher.reads / Math.max(1, sequence)).toFixed(1)} per request). The latency is therefore exact up to that read (≈ 1–3 ms), and the observation costs one small read per task, not a GET /requests/{id} (a Lambda invocation and several queries) per poll.`,
        `The workload: single-line requests of stock found at the customer's home store (the automated happy path), ${Math.max(...CONCURRENCIES)} distinct customers and products so clients do not contend for one stock item; time compressed ${Math.round(1 / TIME_SCALE)}×, needed-by 10 days ahead so no hold lapses during the run. Start-up (DynamoDB Local, local cloud, seed, 400 tandems provisioned) took ${startupSeconds.toFixed(0)} s and is not measured.`,
        `Idle, after the warm-up (5 s, no request in flight): the Node process used ${cpuShare(idleProfile.nodeCpuMs, idleProfile.wallMs)} of a core (main thread ${cpuShare(idleProfile.mainThreadCpuMs, idleProfile.wallMs)}), DynamoDB Local ${cpuShare(idleProfile.javaCpuMs, idleProfile.wallMs)}, with ${idleProfile.dynamoDb.reduce((n, o) => n + o.calls, 0)} DynamoDB calls through the front: the stream pollers' DescribeStream/GetRecords go to DynamoDB Local directly.`,
        ...profiles.flatMap((p) => p.notes),
      ],
    });
  } finally {
    await world.stop();
  }
}

/** Distinct customers (in distinct territories where the seed allows), each with a product of its own in stock at its home store. */
async function prepareClients(world: BenchWorld, count: number): Promise<{ customerId: string; sku: string; unit: string }[]> {
  const seen = new Set<string>();
  const customers = world.seed.customers.filter((c) => !seen.has(c.territoryId) && seen.add(c.territoryId)).slice(0, count);
  const clients = customers.map((c, i) => {
    const product = world.seed.products[i % world.seed.products.length]!;
    return { customerId: c.customerId, storeId: c.homeStoreId, sku: product.sku, unit: product.unit };
  });
  await setStock(world, clients.map((c) => ({ storeId: c.storeId, sku: c.sku, available: 1_000_000 })));
  return clients;
}

function figuresOf(results: readonly RunResult[]): BenchFigure[] {
  const figures: BenchFigure[] = [];
  for (const concurrency of CONCURRENCIES) {
    const of = results.filter((r) => r.concurrency === concurrency);
    const rate = of.map((r) => r.completed / r.seconds);
    const p = (n: number) => of.map((r) => percentile(r.latenciesMs, n));
    const rateTarget = concurrency === 32 ? { op: '>=' as const, value: 50, text: '≥ 50 requests/s sustained on 2 cores' } : undefined;
    const p99Target = concurrency === 8 ? { op: '<=' as const, value: 1000, text: 'p99 ≤ 1 s at concurrency 8' } : undefined;
    figures.push(
      figure(`throughput.c${concurrency}.requests-per-second`, `requests/s, ${concurrency} client(s)`, 'requests/s', rate, rateTarget),
      figure(`throughput.c${concurrency}.latency-p50-ms`, `submission → RESERVED p50, ${concurrency} client(s)`, 'ms', p(50)),
      figure(`throughput.c${concurrency}.latency-p95-ms`, `submission → RESERVED p95, ${concurrency} client(s)`, 'ms', p(95)),
      figure(`throughput.c${concurrency}.latency-p99-ms`, `submission → RESERVED p99, ${concurrency} client(s)`, 'ms', p(99), p99Target),
    );
  }
  return figures;
}

function resultsTable(results: readonly RunResult[]) {
  return {
    title: 'Every run',
    markdown: markdownTable(
      ['clients', 'requests', 'seconds', 'requests/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'not RESERVED'],
      results.map((r) => [r.concurrency, r.completed, r.seconds, r.completed / r.seconds, percentile(r.latenciesMs, 50), percentile(r.latenciesMs, 95), percentile(r.latenciesMs, 99), percentile(r.latenciesMs, 100), r.notReserved]),
    ),
  };
}

const cpuShare = (cpuMs: number, wallMs: number): string => `${((100 * cpuMs) / wallMs).toFixed(0)} %`;

/** Nearest-rank percentile of one run's latencies. */
function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
