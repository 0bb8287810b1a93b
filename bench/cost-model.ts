/**
 * Bench part `cost` (issue 9, point 3): runs each customer scenario in the
 * metered local cloud (one at a time, after one warm-up run), and turns what it
 * would be billed for into US$ per 1,000 requests at list prices, SMS apart.
 * Compared in the same table with a Lambda-per-step design (measured earlier at
 * the commit bench/cost-alternatives.json names) and with Express for the
 * synchronous part (computed from this run's durations).
 *
 *   npx tsx bench/cost-model.ts [--runs 3] [--cdk-out <dir>] [--record-alternative <key> <title>]
 *
 * --record-alternative stores this run's figures in bench/cost-alternatives.json under <key>
 * (with the commit and date) instead of writing the bench part: how a design is kept for comparison.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/app';
import { DEFAULT_OUTDIR, synthesize } from '../local/cloud-assembly';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { totalGbSeconds, totalInvocations } from '../local/runtime/metering/cloud-meter';
import { figure, markdownTable, round, writeBenchPart, type BenchFigure } from './bench-part';
import { costOf, expressAlternativeCost } from './cost/cost-of';
import { CLOCK_SCALES, measureScenario, SCENARIOS, type ScenarioClock, type ScenarioMeasurement, type ScenarioName } from './cost/measure-scenario';
import { startMeteredWorld } from './cost/metered-world';
import { PRICE_REGION, PRICES, PRICES_LOOKED_UP } from './cost-prices';

const ALTERNATIVES_FILE = join(PROJECT_ROOT, 'bench', 'cost-alternatives.json');
/** The issue's targets for the automated happy path, single line. */
const TARGETS = { transitions: 12, invocations: 3, readUnits: 5, writeUnits: 12 } as const;

/** One scenario's figures as the table and the alternatives file keep them (medians over the runs). */
export interface ScenarioFigures {
  readonly transitions: number;
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly billedPublishes: number;
  readonly smsSegments: number;
  readonly emails: number;
  readonly apiRequests: number;
  readonly usdPer1000: number;
  readonly smsUsdPer1000: number;
}

interface RecordedDesign {
  readonly title: string;
  readonly commit: string;
  readonly measuredAt: string;
  readonly machine: string;
  readonly runs: number;
  readonly scenarios: Partial<Record<ScenarioName, ScenarioFigures>>;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const runs = Number(option('--runs') ?? 3);
  const record = option('--record-alternative');
  const recordTitle = record ? args[args.indexOf('--record-alternative') + 2] ?? record : undefined;
  const { outdir, stackName } = assembly(option('--cdk-out'));
  const began = performance.now();

  const measured = await measureAll({ outdir, stackName, runs });
  const figures = Object.fromEntries([...measured].map(([name, list]) => [name, figuresOf(list)])) as Record<ScenarioName, ScenarioFigures>;
  const commit = gitCommit();
  if (record) {
    const kept = readAlternatives();
    kept[record] = { title: recordTitle ?? record, commit: commit.replace(/\+changes$/, ''), measuredAt: new Date().toISOString(), machine: machine(), runs, scenarios: figures };
    writeFileSync(ALTERNATIVES_FILE, `${JSON.stringify(kept, null, 2)}\n`);
    console.log(`recorded ${record} at ${commit} in ${ALTERNATIVES_FILE}`);
    return;
  }
  writeBenchPart({
    part: 'cost',
    title: 'Per-request cost model',
    figures: [...measured].flatMap(([name, list]) => scenarioFigures(name, list)),
    tables: [
      { title: `US$ per 1,000 requests at list prices (${PRICE_REGION}; prices of ${PRICES_LOOKED_UP}, bench/cost-prices.ts), SMS apart`, markdown: costTable(measured, figures, commit) },
      { title: 'List prices used', markdown: priceTable() },
    ],
    notes: [
      `Each scenario ran ${runs} times after one warm-up run, one at a time, in the local cloud with its meter on (local/runtime/metering); a scenario's figures are the difference of the meter's readings before and after it, its executions ended and the streams and SNS idle.`,
      'Transitions as Standard bills them: every state entered, every retry. Invocations include the API ingress (and stream or SNS triggered functions). GB-s: each invocation\'s local duration, rounded up to 1 ms, × its configured memory; local durations on a shared 2-core machine overstate AWS\'s.',
      'Read/write units: what DynamoDB Local reports with ReturnConsumedCapacity=INDEXES (table and GSIs), except TransactWriteItems, which DynamoDB Local misreports and the meter computes from item sizes by AWS\'s rules (docs/cost.md).',
      `The bench part took ${Math.round((performance.now() - began) / 1000)} s.`,
    ],
  });
}

function assembly(cdkOut: string | undefined): { outdir: string; stackName: string } {
  if (!cdkOut) return { outdir: DEFAULT_OUTDIR, stackName: synthesize(DEFAULT_OUTDIR).stackName };
  const template = existsSync(cdkOut) ? readdirSync(cdkOut).find((f) => f.endsWith('.template.json')) : undefined;
  if (!template) throw new Error(`${cdkOut} holds no synthesized stack (*.template.json)`);
  return { outdir: cdkOut, stackName: template.replace(/\.template\.json$/, '') };
}

/** Every scenario, each clock's in a world of its own; customers 120–159 and products 110–139 of the seed. */
async function measureAll(options: { outdir: string; stackName: string; runs: number }): Promise<Map<ScenarioName, ScenarioMeasurement[]>> {
  const measured = new Map<ScenarioName, ScenarioMeasurement[]>();
  const dynamoDb = await startDynamoDbLocal({ mode: 'memory' });
  let customer = 120;
  let product = 110;
  try {
    for (const clock of ['fast', 'answerable'] as const satisfies readonly ScenarioClock[]) {
      const world = await startMeteredWorld({ outdir: options.outdir, stackName: options.stackName, dynamoDbEndpoint: dynamoDb.endpoint, timeScale: CLOCK_SCALES[clock] });
      try {
        for (const scenario of SCENARIOS.filter((s) => s.clock === clock)) {
          for (let run = 0; run <= options.runs; run++) {
            const slot = { customer: customer++, product, id: `bb-${scenario.name}-${run}` };
            product += scenario.products;
            const result = await measureScenario(world, scenario, slot);
            console.log(`${scenario.name} run ${run}${run === 0 ? ' (warm-up)' : ''}: ${result.finalStatus}, ${result.reading.transitions} transitions, ${totalInvocations(result.reading)} invocations, ${result.reading.dynamoDb.readUnits} RCU, ${result.reading.dynamoDb.writeUnits} WCU, ${Math.round(result.wallMs)} ms`);
            if (run > 0) measured.set(scenario.name, [...(measured.get(scenario.name) ?? []), result]);
          }
        }
      } finally {
        await world.stop();
      }
    }
  } finally {
    await dynamoDb.stop();
  }
  return measured;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function figuresOf(list: readonly ScenarioMeasurement[]): ScenarioFigures {
  const of = (pick: (m: ScenarioMeasurement) => number) => median(list.map(pick));
  return {
    transitions: of((m) => m.reading.transitions),
    invocations: of((m) => totalInvocations(m.reading)),
    gbSeconds: of((m) => totalGbSeconds(m.reading)),
    readUnits: of((m) => m.reading.dynamoDb.readUnits),
    writeUnits: of((m) => m.reading.dynamoDb.writeUnits),
    billedPublishes: of((m) => m.reading.sns.billedPublishes),
    smsSegments: of((m) => m.reading.sns.smsSegments),
    emails: of((m) => m.reading.sns.emails),
    apiRequests: of((m) => m.reading.apiRequests),
    usdPer1000: of((m) => costOf(m.reading).totalUsd * 1000),
    smsUsdPer1000: of((m) => costOf(m.reading).smsUsd * 1000),
  };
}

function scenarioFigures(name: ScenarioName, list: readonly ScenarioMeasurement[]): BenchFigure[] {
  const target = (value: number, text: string) => (name === 'happy-single-line' ? { op: '<=' as const, value, text } : undefined);
  const samples = (pick: (m: ScenarioMeasurement) => number) => list.map(pick);
  return [
    figure(`cost.${name}.transitions`, 'state transitions per request', 'transitions', samples((m) => m.reading.transitions), target(TARGETS.transitions, '≤ 12 state transitions')),
    figure(`cost.${name}.invocations`, 'Lambda invocations per request (ingress included)', 'invocations', samples((m) => totalInvocations(m.reading)), target(TARGETS.invocations, '≤ 3 Lambda invocations')),
    figure(`cost.${name}.read-units`, 'DynamoDB read units per request', 'RCU', samples((m) => m.reading.dynamoDb.readUnits), target(TARGETS.readUnits, '≤ 5 read capacity units')),
    figure(`cost.${name}.write-units`, 'DynamoDB write units per request', 'WCU', samples((m) => m.reading.dynamoDb.writeUnits), target(TARGETS.writeUnits, '≤ 12 write capacity units')),
    figure(`cost.${name}.gb-seconds`, 'Lambda GB-seconds per request (local durations)', 'GB-s', samples((m) => totalGbSeconds(m.reading))),
    figure(`cost.${name}.usd-per-1000`, 'US$ per 1,000 requests, SMS apart', 'US$', samples((m) => costOf(m.reading).totalUsd * 1000)),
    figure(`cost.${name}.sms-usd-per-1000`, 'SMS US$ per 1,000 requests', 'US$', samples((m) => costOf(m.reading).smsUsd * 1000)),
  ];
}

function costTable(measured: ReadonlyMap<ScenarioName, readonly ScenarioMeasurement[]>, figures: Readonly<Record<ScenarioName, ScenarioFigures>>, commit: string): string {
  const header = ['Scenario', 'Design', 'Transitions', 'Invocations', 'GB-s', 'RCU', 'WCU', 'Publishes', 'Emails', 'API requests', 'US$ / 1,000 (no SMS)', 'SMS parts', 'SMS US$ / 1,000'];
  const alternatives = readAlternatives();
  const row = (title: string, design: string, f: ScenarioFigures) =>
    [title, design, f.transitions, f.invocations, f.gbSeconds, f.readUnits, f.writeUnits, f.billedPublishes, f.emails, f.apiRequests, f.usdPer1000.toFixed(3), f.smsSegments, f.smsUsdPer1000.toFixed(2)];
  const rows = SCENARIOS.flatMap((scenario) => {
    const f = figures[scenario.name];
    const list = measured.get(scenario.name) ?? [];
    const express = median(list.map((m) => expressAlternativeCost(m.reading, m.synchronous).totalUsd * 1000));
    const syncTransitions = median(list.map((m) => m.synchronous.transitions));
    return [
      row(scenario.title, `this design (${commit})`, f),
      ...Object.values(alternatives).flatMap((alt) => {
        const a = alt.scenarios[scenario.name];
        return a ? [row('', `${alt.title} (measured at ${alt.commit}, ${alt.measuredAt.slice(0, 10)})`, a)] : [];
      }),
      ['', `Express for the synchronous part (computed; ${syncTransitions} transitions, ${round(median(list.map((m) => m.synchronous.ms)))} ms)`, f.transitions - syncTransitions, f.invocations, f.gbSeconds, f.readUnits, f.writeUnits, f.billedPublishes, f.emails, f.apiRequests, express.toFixed(3), f.smsSegments, f.smsUsdPer1000.toFixed(2)],
    ];
  });
  return markdownTable(header, rows);
}

function priceTable(): string {
  return markdownTable(
    ['Item', 'US$', 'Source', 'Frankfurt figure on the source'],
    Object.values(PRICES).map((p) => [p.per, p.usd.toPrecision(4), p.source, p.frankfurt ? 'yes' : `no${'note' in p ? ` (${p.note})` : ' (US East figure)'}`]),
  );
}

function readAlternatives(): Record<string, RecordedDesign> {
  return existsSync(ALTERNATIVES_FILE) ? (JSON.parse(readFileSync(ALTERNATIVES_FILE, 'utf8')) as Record<string, RecordedDesign>) : {};
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
}

function machine(): string {
  const list = cpus();
  return `${list.length} × ${list[0]?.model ?? 'cpu'}, Node ${process.version}`;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
