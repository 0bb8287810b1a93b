// Starts the integration project's DynamoDB Local — one in-memory instance per
// jest worker, so test files that run at the same time never share a table
// (worker-dynamodb.ts points each worker at its own) — and synthesizes the CDK
// app once; test files create their own tables from it.
// When the infra project ran its setup in the same run (`npm test`), its
// synthesis of the same app (dev stage, bundled) is used instead of a second one.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Config } from 'jest';
import { adoptAssembly, copyKeptAssembly, DEFAULT_OUTDIR, synthesize } from '../../local/cloud-assembly';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local';
import { INFRA_ENV } from '../support/infra-template';
import { TEST_ENV } from '../support/test-env';

export default async function globalSetup(globalConfig: Pick<Config, 'maxWorkers'>): Promise<void> {
  // The project runs on Node 20 on purpose (docs/decisions.md); the SDK's notice about Node 22 is known.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const runBegan = Date.now() - process.uptime() * 1000;
  const infraOutdir = process.env[INFRA_ENV.cdkOut];
  const infraTemplate = process.env[INFRA_ENV.templateFile];
  let outdir: string;
  let stackName: string;
  if (infraOutdir && infraTemplate) {
    outdir = infraOutdir; // the infra project's teardown removes it
    stackName = basename(infraTemplate).replace(/\.template\.json$/, '');
  } else {
    outdir = mkdtempSync(join(tmpdir(), 'tandem-cdk-out-'));
    // cdk.out/ may hold a kept synthesis of the same sources (npm start's, or an earlier run's): a copy is checked
    // and reused, so a second `npm run test:integration` does not bundle every function again.
    copyKeptAssembly(DEFAULT_OUTDIR, outdir);
    stackName = synthesize(outdir).stackName;
    process.env[TEST_ENV.ownCdkOut] = outdir;
  }
  // `npm start` (and npm-start.test.ts) synthesizes into cdk.out/ unless it holds an assembly of the same sources.
  // This one was made in this run (by whichever setup jest ran first) from sources read after the run began:
  // it is handed over if none has changed since.
  try {
    if (statSync(outdir).birthtimeMs >= runBegan) adoptAssembly(outdir, stackName, runBegan);
  } catch (error) {
    console.warn(`integration setup: cdk.out/ not prepared, npm start will synthesize: ${String(error)}`);
  }
  const workers = typeof globalConfig.maxWorkers === 'number' ? Math.max(1, globalConfig.maxWorkers) : 1;
  const started = await Promise.allSettled(Array.from({ length: workers }, () => startDynamoDbLocal({ mode: 'memory' })));
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  (globalThis as Record<string, unknown>).__tandemDynamoDb = instances;
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  process.env[TEST_ENV.dynamoDbEndpoints] = instances.map((i: DynamoDbLocal) => i.endpoint).join(' ');
  process.env[TEST_ENV.dynamoDbEndpoint] = instances[0]!.endpoint;
  process.env[TEST_ENV.cdkOut] = outdir;
  process.env[TEST_ENV.stackName] = stackName;
}
