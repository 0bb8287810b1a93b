/**
 * The modules the cold-start benchmark loads beside each function's bundle:
 * the same handler unbundled (the project's code in one file, every npm
 * package required from node_modules) and a floor (a bundle that only
 * constructs the AWS SDK clients the handler loads at init), both built by
 * esbuild with the settings lib/functions/tandem-function.ts bundles with.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { PROJECT_ROOT } from '../lib/app';
import { tandemEsbuildOptions as esbuildOptionsFor } from '../lib/functions/bundling';

/** Inside the project, so the unbundled modules find node_modules as Lambda's would (ES modules ignore NODE_PATH). */
export const VARIANTS_DIR = join(PROJECT_ROOT, '.cache', 'cold-start');

export const tandemEsbuildOptions = (): BuildOptions => esbuildOptionsFor(PROJECT_ROOT);

function outFile(dir: string): string {
  return join(dir, tandemEsbuildOptions().format === 'esm' ? 'index.mjs' : 'index.js');
}

/**
 * The handler with the project's code bundled into one file and every npm
 * package left to node_modules: how it would load without bundling. Returns
 * the module and the AWS SDK packages it imports at init (static imports
 * reachable from the entry; a dynamic `import()` loads later, not at init).
 */
export function buildUnbundled(entry: string, name: string): { moduleFile: string; sdkPackages: string[] } {
  const dir = join(VARIANTS_DIR, 'unbundled', name);
  mkdirSync(dir, { recursive: true });
  const moduleFile = outFile(dir);
  const result = buildSync({ ...tandemEsbuildOptions(), entryPoints: [join(PROJECT_ROOT, entry)], outfile: moduleFile, packages: 'external', external: [], sourcemap: false, metafile: true });
  return { moduleFile, sdkPackages: initSdkPackages(result.metafile, entry) };
}

function initSdkPackages(metafile: Metafile, entry: string): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (input: string) => {
    if (seen.has(input)) return;
    seen.add(input);
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.kind === 'dynamic-import') continue;
      if (imported.external) {
        const pkg = /^(@aws-sdk\/[^/]+)/.exec(imported.path)?.[1];
        if (pkg) found.add(pkg);
      } else visit(imported.path);
    }
  };
  visit(entry);
  return [...found].sort();
}

/** What a floor constructs for each SDK package: its client, the document client over DynamoDB's; utility packages construct nothing. */
function clientConstruction(pkg: string): string | undefined {
  if (pkg === '@aws-sdk/lib-dynamodb') {
    return `import { DynamoDBClient as DocBase } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nclients.push(DynamoDBDocumentClient.from(new DocBase({})));`;
  }
  if (!pkg.startsWith('@aws-sdk/client-')) return undefined;
  const exports = Object.keys(createRequire(join(PROJECT_ROOT, 'package.json'))(pkg) as Record<string, unknown>);
  const client = exports.find((e) => /^[A-Z][A-Za-z0-9]*Client$/.test(e));
  if (!client) throw new Error(`${pkg} exports no client class`);
  return `import { ${client} } from '${pkg}';\nclients.push(new ${client}({}));`;
}

/** A bundle that constructs the clients of `sdkPackages` and exports a handler: the least a function using them can load. */
export function buildFloor(sdkPackages: readonly string[]): { moduleFile: string; clients: string } {
  const key = sdkPackages.map((p) => p.replace('@aws-sdk/', '')).join('+') || 'none';
  const dir = join(VARIANTS_DIR, 'floor', key);
  mkdirSync(dir, { recursive: true });
  const constructions = sdkPackages.map(clientConstruction).filter((c): c is string => c !== undefined);
  const source = ['const clients: unknown[] = [];', ...constructions, 'export const handler = async () => clients.length;', ''].join('\n');
  const entry = join(dir, 'floor.ts');
  writeFileSync(entry, source);
  const moduleFile = outFile(dir);
  buildSync({ ...tandemEsbuildOptions(), entryPoints: [entry], outfile: moduleFile });
  return { moduleFile, clients: key };
}
