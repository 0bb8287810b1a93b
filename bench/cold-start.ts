/**
 * Issue 9 point 1, cold start: for every Lambda function of the synthesized
 * template, its bundle size and the module initialisation time of its bundle
 * in fresh Node.js processes, side by side in the same run with a bare Node.js
 * process, the same handler loaded unbundled from node_modules, and its floor
 * (a bundle that only constructs the SDK clients it loads at init).
 *
 *   npx tsx bench/cold-start.ts [--processes 20] [--unbundled-processes 5] [--cdk-out dir] [--only regex] [--node-options "--enable-source-maps"]
 *
 * The unbundled loads are the slowest processes by far and only a comparison,
 * so they get fewer rounds by default; the bundles, floors and bare process
 * get the 20.
 *
 * Rounds interleave every module (bare, floors, bundles, unbundled), one
 * process at a time, so a change of load on the machine touches all alike.
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { figure, markdownTable, round, spreadOf, writeBenchPart, type BenchFigure } from './bench-part';
import { bundleSizes, stackTemplateName, type BundleSize } from './bundle-sizes';
import { coldStart, writeLoader, type ColdStart } from './cold-start-probe';
import { buildFloor, buildUnbundled, VARIANTS_DIR } from './cold-start-variants';
import { DEFAULT_OUTDIR, synthesize } from '../local/cloud-assembly';
import { DEFAULT_RUNTIME_MODULES_DIR, lambdaEnvironment, newLogStreamName } from '../local/runtime/lambda/environment';
import { loadStackModel } from '../local/template/stack-model';
import { LOCAL_AWS } from '../local/runtime/contracts';
import { TANDEM_BUNDLING } from '../lib/functions/bundling';

const FLOOR_FACTOR = 1.25;
const UNBUNDLED_FACTOR = 1.4;

interface Subject {
  readonly bundle: BundleSize;
  readonly env: Record<string, string>;
  readonly unbundled: string;
  readonly floorKey: string;
  readonly samples: { bundled: ColdStart[]; unbundled: ColdStart[] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      processes: { type: 'string', default: '20' },
      'unbundled-processes': { type: 'string', default: '5' },
      'cdk-out': { type: 'string' },
      only: { type: 'string' },
      'node-options': { type: 'string', default: '' },
    },
  });
  const processes = Number(values.processes);
  const unbundledProcesses = Math.min(processes, Number(values['unbundled-processes']));
  // Without --cdk-out: cdk.out, synthesized first unless it already holds the synthesis of the current sources.
  const cdkOut = values['cdk-out'] ?? (synthesize(DEFAULT_OUTDIR), DEFAULT_OUTDIR);
  const nodeArgs = values['node-options'].split(' ').filter(Boolean);
  const began = Date.now();
  const loadBefore = loadavg()[0]!;

  const model = loadStackModel(cdkOut, stackTemplateName(cdkOut));
  const only = values.only ? new RegExp(values.only) : undefined;
  const bundles = bundleSizes(cdkOut).filter((b) => !only || only.test(b.name));
  const loader = writeLoader(VARIANTS_DIR);
  const base = { AWS_REGION: LOCAL_AWS.region, AWS_ACCESS_KEY_ID: 'AKIDCOLDSTART', AWS_SECRET_ACCESS_KEY: 'cold-start' };

  const floors = new Map<string, { moduleFile: string; samples: ColdStart[] }>();
  const subjects: Subject[] = bundles.map((bundle) => {
    const spec = model.functions.find((f) => f.logicalId === bundle.functionId);
    if (!spec) throw new Error(`${bundle.functionId} is not in the stack model`);
    const env = lambdaEnvironment(spec, { baseEnvironment: base, logStreamName: newLogStreamName(), runtimeModulesDir: DEFAULT_RUNTIME_MODULES_DIR });
    const { moduleFile, sdkPackages } = buildUnbundled(bundle.entry, bundle.name);
    const floor = buildFloor(sdkPackages);
    if (!floors.has(floor.clients)) floors.set(floor.clients, { moduleFile: floor.moduleFile, samples: [] });
    return { bundle, env, unbundled: moduleFile, floorKey: floor.clients, samples: { bundled: [], unbundled: [] } };
  });
  // Floors and the bare process run with a neutral function's environment: the SDK reads only region and credentials.
  const neutralEnv = subjects[0]?.env ?? { ...base, PATH: process.env.PATH ?? '' };
  const bare: ColdStart[] = [];

  console.log(`cold start: ${subjects.length} functions, ${floors.size} floors, ${processes} rounds (${unbundledProcesses} with the unbundled load)`);
  for (let i = 0; i < Math.max(processes, unbundledProcesses); i++) {
    if (i < processes) {
      bare.push(await coldStart(loader, undefined, neutralEnv, nodeArgs));
      for (const floor of floors.values()) floor.samples.push(await coldStart(loader, floor.moduleFile, neutralEnv, nodeArgs));
    }
    for (const s of subjects) {
      if (i < processes) s.samples.bundled.push(await coldStart(loader, s.bundle.moduleFile, s.env, nodeArgs));
      if (i < unbundledProcesses) s.samples.unbundled.push(await coldStart(loader, s.unbundled, s.env, nodeArgs));
    }
    process.stdout.write(`  round ${i + 1} done after ${Math.round((Date.now() - began) / 1000)} s\n`);
  }

  const median = (samples: readonly ColdStart[], key: keyof ColdStart) => spreadOf(samples.map((s) => s[key])).median;
  const figures: BenchFigure[] = [
    figure('cold-start.bare-node.wall-ms', 'bare Node.js process, spawn to exit', 'ms', bare.map((s) => s.wallMs)),
  ];
  for (const [key, floor] of floors) {
    figures.push(figure(`cold-start.floor.${key}.init-ms`, `floor: only the SDK clients ${key}, init`, 'ms', floor.samples.map((s) => s.initMs)));
  }
  const rows: (string | number)[][] = [];
  for (const s of subjects) {
    const floorMs = median(floors.get(s.floorKey)!.samples, 'initMs');
    const initMs = median(s.samples.bundled, 'initMs');
    const unbundledMs = median(s.samples.unbundled, 'initMs');
    const init = figure(`cold-start.${s.bundle.name}.init-ms`, `${s.bundle.name}: bundled handler init`, 'ms', s.samples.bundled.map((x) => x.initMs), {
      op: '<=',
      value: FLOOR_FACTOR * floorMs,
      text: `≤ ${FLOOR_FACTOR} × its floor (${round(floorMs)} ms)`,
    });
    const unbundled = figure(`cold-start.${s.bundle.name}.unbundled-ms`, `${s.bundle.name}: same handler unbundled from node_modules, init`, 'ms', s.samples.unbundled.map((x) => x.initMs), {
      op: '>=',
      value: UNBUNDLED_FACTOR * initMs,
      text: `bundled ≥ ${UNBUNDLED_FACTOR} × faster (≥ ${round(UNBUNDLED_FACTOR * initMs)} ms)`,
    });
    figures.push(init, unbundled, figure(`bundle.${s.bundle.name}.bytes`, `${s.bundle.name}: bundle size (minified)`, 'bytes', [s.bundle.bytes]));
    rows.push([
      s.bundle.name,
      kb(s.bundle.bytes),
      kb(s.bundle.gzipBytes),
      `${round(initMs)} [${round(init.spread.p05)}–${round(init.spread.p95)}]`,
      `${round(median(s.samples.bundled, 'wallMs'))}`,
      `${round(floorMs)} (${s.floorKey})`,
      `${round(initMs / floorMs)}× ${init.met ? '✓' : '✗'}`,
      round(unbundledMs),
      `${round(unbundledMs / initMs)}× ${unbundled.met ? '✓' : '✗'}`,
    ]);
  }

  const seconds = (Date.now() - began) / 1000;
  const metFloor = figures.filter((f) => f.name.endsWith('.init-ms') && f.met).length;
  const metUnbundled = figures.filter((f) => f.name.endsWith('.unbundled-ms') && f.met).length;
  writeBenchPart({
    part: 'cold-start',
    title: 'Cold start: bundle size and module initialisation per function',
    figures,
    tables: [
      {
        title: 'Per function (init in ms: median [p05–p95] of fresh processes; floor = only its SDK clients; unbundled = npm packages from node_modules)',
        markdown: markdownTable(['function', 'bundle KB', 'gzip KB', 'init ms', 'process ms', 'floor ms (clients)', 'init ÷ floor (≤ 1.25)', 'unbundled ms', 'unbundled ÷ init (≥ 1.4)'], rows),
      },
    ],
    notes: [
      `${subjects.length} functions from ${join(cdkOut, stackTemplateName(cdkOut))}.template.json; ${processes} fresh processes per module (${unbundledProcesses} for the unbundled loads), one at a time, rounds interleaving every module; node ${process.version} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${round(loadBefore)} before and ${round(loadavg()[0]!)} after; ${round(seconds)} s in all.`,
      `init = require() (import() for an ES module) of the module until its exported handler is a function, timed inside the process with performance.now; process ms = spawn to exit seen by the parent; the bare process (no module) takes ${round(median(bare, 'wallMs'))} ms.`,
      `Each process gets the function's environment from the template (resolved as the local runtime resolves it) with Lambda's reserved variables, region ${LOCAL_AWS.region} and fake credentials; NODE_PATH is the project's node_modules, as Lambda puts its SDK on NODE_PATH.`,
      `Bundling settings (lib/functions/bundling.ts): ${JSON.stringify(TANDEM_BUNDLING)}. Floors and unbundled loads are built by esbuild with the same settings; unbundled keeps every npm package external (packages: 'external').`,
      `Targets met: init ≤ 1.25 × floor by ${metFloor} of ${subjects.length} functions; ≥ 1.4 × faster than unbundled by ${metUnbundled} of ${subjects.length}.`,
      ...(nodeArgs.length > 0 ? [`Every process ran with node ${nodeArgs.join(' ')}.`] : []),
    ],
  });
}

const kb = (bytes: number) => round(bytes / 1024);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
