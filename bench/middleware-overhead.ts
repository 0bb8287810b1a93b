/**
 * Issue 9 point 2, middleware overhead: a warm invocation of each kind of
 * handler with its middy + Powertools stack (functions/shared: httpHandler for
 * API routes, stepHandler for workflow steps, instrumented() for stream and
 * direct invocations) against the same domain function called bare. The
 * domain function answers at once, so the difference is the stack alone.
 *
 *   npx tsx bench/middleware-overhead.ts [--invocations 20000] [--cdk-out dir]
 *
 * Bare and wrapped calls alternate in one loop (in-process, no AWS calls), so
 * garbage collection and load touch both alike.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { figure, markdownTable, round, spreadOf, writeBenchPart, type BenchFigure } from './bench-part';
import { bundleSizes } from './bundle-sizes';
import { PROJECT_ROOT } from '../lib/app';
import { DEFAULT_OUTDIR, synthesize } from '../local/cloud-assembly';
import { handlerKindOf, HANDLER_KINDS, type HandlerKind } from './middleware-kinds';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

function lambdaContext(i: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bench-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:bench-function',
    memoryLimitInMB: '512',
    awsRequestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    logGroupName: '/aws/lambda/bench-function',
    logStreamName: '2026/01/01/[$LATEST]bench',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The events each kind of handler receives, as small as they come. */
const EVENTS: Record<HandlerKind, unknown> = {
  api: { headers: { 'x-correlation-id': 'bench-1' }, requestContext: { requestId: 'api-request-1' }, pathParameters: { id: 'R1' }, body: null },
  step: { requestId: '7d1f0c9e4b2a4f3c8e6d5b4a3c2d1e0f' },
  instrumented: { Records: [] },
};

/** The stack of each kind around `domain`, built by the project's own wrappers. */
async function wrapped(kind: HandlerKind, domain: () => Promise<unknown>): Promise<Invoke> {
  const { httpHandler } = await import('../functions/shared/http-handler');
  const { stepHandler } = await import('../functions/shared/step-handler');
  const { instrumented } = await import('../functions/shared/instrumented');
  const { json } = await import('../functions/shared/http-response');
  switch (kind) {
    case 'api':
      return httpHandler(async () => json(200, await domain())) as unknown as Invoke;
    case 'step':
      return stepHandler('Bench', domain);
    case 'instrumented':
      return instrumented<unknown, unknown>().handler(domain);
  }
}

interface Subject {
  readonly kind: HandlerKind;
  readonly bare: Invoke;
  readonly wrapped: Invoke;
  readonly samples: { bare: number[]; wrapped: number[] };
}

async function subject(kind: HandlerKind): Promise<Subject> {
  const { json } = await import('../functions/shared/http-response');
  const domain = () => Promise.resolve({ ok: true });
  // Bare: what the handler does without the stack (an API handler still builds its response).
  const bare: Invoke = kind === 'api' ? async () => json(200, await domain()) : async () => domain();
  return { kind, bare, wrapped: await wrapped(kind, domain), samples: { bare: [], wrapped: [] } };
}

/** Every kind in each round, bare and wrapped alternating which goes first: load and garbage collection touch all alike. */
async function measure(subjects: readonly Subject[], invocations: number, warmUp: number): Promise<void> {
  for (let i = 0; i < warmUp + invocations; i++) {
    const context = lambdaContext(i);
    for (const s of subjects) {
      const event = EVENTS[s.kind];
      const order: ['bare' | 'wrapped', Invoke][] = i % 2 === 0 ? [['bare', s.bare], ['wrapped', s.wrapped]] : [['wrapped', s.wrapped], ['bare', s.bare]];
      for (const [name, invoke] of order) {
        const start = performance.now();
        await invoke(event, context);
        const ms = performance.now() - start;
        if (i >= warmUp) s.samples[name].push(ms);
      }
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { invocations: { type: 'string', default: '20000' }, 'cdk-out': { type: 'string' } } });
  const invocations = Number(values.invocations);
  // Without --cdk-out: cdk.out, synthesized first unless it already holds the synthesis of the current sources.
  const cdkOut = values['cdk-out'] ?? (synthesize(DEFAULT_OUTDIR), DEFAULT_OUTDIR);
  // The environment TandemFunction gives every function; set before the Logger and Metrics are made.
  Object.assign(process.env, {
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'Tandem360',
    TANDEM_STAGE: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench-function',
    AWS_REGION: 'eu-central-1',
  });
  const began = Date.now();

  const warmUp = Math.min(5_000, invocations);
  const loadBefore = loadavg()[0]!;
  const subjects = await Promise.all(HANDLER_KINDS.map(subject));
  await measure(subjects, invocations, warmUp);
  const figures: BenchFigure[] = [];
  const byKind = new Map<HandlerKind, { p50: number; p99: number; bareP99: number; wrappedP99: number }>();
  for (const { kind, samples: { bare, wrapped: withStack } } of subjects) {
    const bareMedian = spreadOf(bare).median;
    const added = withStack.map((ms) => ms - bareMedian);
    const f = figure(`middleware.${kind}.added-ms`, `${kind} handler: time its middy + Powertools stack adds to a warm invocation`, 'ms', added, {
      op: '<=',
      value: 1,
      text: '≤ 1 ms added at p99',
      statistic: 'p99',
    });
    figures.push(f, figure(`middleware.${kind}.bare-ms`, `${kind} handler: the domain function called bare`, 'ms', bare));
    byKind.set(kind, { p50: f.spread.median, p99: f.spread.p99, bareP99: spreadOf(bare).p99, wrappedP99: spreadOf(withStack).p99 });
  }

  const functions = bundleSizes(cdkOut).map((b) => ({ name: b.name, entry: b.entry, kind: handlerKindOf(readFileSync(join(PROJECT_ROOT, b.entry), 'utf8')) }));
  const rows = functions.map((f) => {
    const k = f.kind ? byKind.get(f.kind) : undefined;
    return [f.name, f.kind ?? 'none (no shared stack)', k ? round(k.p50 * 1000) : '–', k ? round(k.p99 * 1000) : '–', k ? (k.p99 <= 1 ? '✓' : '✗') : '–'];
  });
  const kindRows = [...byKind].map(([kind, k]) => [kind, functions.filter((f) => f.kind === kind).length, round(k.p50 * 1000), round(k.p99 * 1000), round(k.bareP99 * 1000), round(k.wrappedP99 * 1000)]);

  writeBenchPart({
    part: 'middleware',
    title: 'Middleware overhead: middy + Powertools per warm invocation',
    figures,
    tables: [
      { title: 'Per handler kind (µs)', markdown: markdownTable(['kind', 'functions', 'added p50 µs', 'added p99 µs', 'bare p99 µs', 'wrapped p99 µs'], kindRows) },
      { title: 'Per function (its kind, read from its entry module)', markdown: markdownTable(['function', 'kind', 'added p50 µs', 'added p99 µs', '≤ 1 ms at p99'], rows) },
    ],
    notes: [
      `${invocations} warm invocations per kind after ${warmUp} warm-up ones, the kinds in turn and bare and wrapped alternating, in one process; added = a wrapped invocation's time minus the median bare one; node ${process.version} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${round(loadBefore)} before and ${round(loadavg()[0]!)} after; ${round((Date.now() - began) / 1000)} s in all.`,
      'The stacks are the project\'s own (functions/shared): injectLambdaContext (context keys reset each time), logMetrics (flush at the end), the correlation id, and the error mapping; the domain function answers at once, so no AWS call and no log line of its own is timed.',
      `A function's kind is the wrapper its entry's handler is built with (httpHandler → api, stepHandler → step, instrumented() → instrumented); functions from the template of ${cdkOut}.`,
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
