/**
 * `npm start`: the stack on one machine. Synthesizes the CDK app, starts
 * DynamoDB Local (data kept in .local-data/), runs the synthesized stack in the
 * local cloud (tables, Lambda functions, state machines, SNS, REST APIs behind
 * AWS-compatible endpoints), seeds the national data on first run, prints the
 * coverage and where everything is, replays the story (local/demo/), and
 * serves until Ctrl-C. Stopping ends every process it started.
 */
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../lib/app';
import { generateSeed } from '../functions/seed/generate';
import { loadDataSet } from '../functions/repository/seed-loader';
import { LAYOUT_VERSION } from '../functions/repository/table-layout';
import { DynamoTerritoryDirectory } from '../functions/repository/territory-directory';
import { synthesize, DEFAULT_OUTDIR } from './cloud-assembly';
import { formatCoverageSummary, summarizeCoverage } from './coverage-summary';
import { ensureDynamoDbLocal, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { replayLifecycle } from './demo/lifecycle-demo';
import { replayStory } from './demo/story-demo';
import { awaitTandemsProvisioned, countTandemResources, formatQuotaReport } from './demo/tandem-provisioning';
import { directoryRecipients } from './demo/directory-recipients';
import { parseOptions, usage } from './options';
import { startLocalCloud, type LocalCloud } from './runtime/local-cloud';
import { assertConsoleBuilt } from './console/console-bundle';
import { describeFaultPlan } from './runtime/faults/fault-plan';

/** Marks a table as seeded, so a restart keeps the data (and any changes made to it). */
const SEED_MARKER = { pk: 'SEED', sk: 'SEED' } as const;

async function main(): Promise<void> {
  // Node 20 is supported on purpose (docs/decisions.md); the SDK's notice about Node 22 is known.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseOptions(process.argv.slice(2), process.env, PROJECT_ROOT);
  if (options.help) {
    console.log(usage());
    return;
  }
  // Before anything starts: the console is part of the main job, and its page is built at install.
  assertConsoleBuilt();
  const step = progress();
  let dynamoDb: DynamoDbLocal | undefined;
  let cloud: LocalCloud | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await cloud?.stop();
      await dynamoDb?.stop();
    })());
  // A signal at any moment — during seeding too — stops what has started, then exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: stopping …`);
      void stop().then(() => {
        console.log('Stopped; no process left running.');
        process.exit(0);
      });
    });
  }

  try {
    step.begin('Synthesizing the CDK app');
    const template = synthesize();
    step.done(`${template.stackName}, ${Object.keys(template.resources).length} resources → cdk.out/${template.reused ? ' (kept: its sources are unchanged)' : ''}`);

    step.begin('Preparing DynamoDB Local');
    await ensureDynamoDbLocal();
    step.done('AWS DynamoDB Local, cached in .cache/');

    step.begin('Starting DynamoDB Local');
    dynamoDb = await startDynamoDbLocal(
      options.dataDir ? { mode: 'disk', dbPath: join(options.dataDir, 'dynamodb') } : { mode: 'memory' },
      options.dynamoDbPort === 0 ? {} : { port: options.dynamoDbPort },
    );
    step.done(`${dynamoDb.endpoint}${options.dataDir ? '' : ' (in memory)'}`);

    step.begin('Starting the local cloud');
    cloud = await startLocalCloud({
      outdir: DEFAULT_OUTDIR,
      stackName: template.stackName,
      dynamoDbEndpoint: dynamoDb.endpoint,
      awsPort: options.awsPort,
      apiPort: options.apiPort,
      timeScale: options.timeScale,
      // Injected faults start paused: seeding, provisioning and the story are the runtime's own start-up.
      ...(options.faults && { faults: options.faults, faultsPaused: true }),
      // The outbox page names the person behind each number and address, from the directory.
      describeRecipient: (channel, endpoint) => recipients(channel, endpoint),
    });
    const recipients = directoryRecipients(cloud.tableContext());
    const m = cloud.model;
    step.done(
      `${m.tables.length} table(s), ${m.functions.length} function(s), ${m.stateMachines.length} state machine(s), ${m.topics.length} topic(s), ${m.apis.length} API(s)`,
    );

    const ctx = cloud.tableContext();
    const marker = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: SEED_MARKER }));
    if (marker.Item?.layoutVersion === LAYOUT_VERSION) {
      step.begin('Seed data');
      step.done(`kept from ${String(marker.Item.seededAt)} (delete ${options.dataDir ?? 'the data folder'} to start afresh)`);
    } else {
      // First run, or data kept from an older item layout: (re)load; puts overwrite the old items.
      step.begin(marker.Item ? 'Re-seeding national data (item layout changed)' : 'Seeding national data');
      const { items } = await loadDataSet(ctx, generateSeed(), {
        onProgress: ({ written, total }) => step.update(`${written}/${total} items`),
      });
      await ctx.doc.send(
        new PutCommand({ TableName: ctx.tableName, Item: { ...SEED_MARKER, items, layoutVersion: LAYOUT_VERSION, seededAt: new Date().toISOString() } }),
      );
      step.done(`${items.toLocaleString('en')} items`);
    }

    step.begin('Reading the coverage back');
    const summary = await summarizeCoverage(ctx);
    step.done('');
    console.log(`\n${formatCoverageSummary(summary)}\n`);
    step.begin('Provisioning SNS for every tandem from the directory');
    const territoryIds = [...new Set((await new DynamoTerritoryDirectory(ctx).listPostcodeRanges()).map((r) => r.territoryId))].sort();
    const records = await awaitTandemsProvisioned(cloud, territoryIds, 600_000);
    step.done(`${records.length} tandems`);
    const topicPrefix = cloud.model.functions.find((f) => f.environment.TANDEM_TOPIC_ARN_PREFIX)?.environment.TANDEM_TOPIC_ARN_PREFIX ?? '';
    console.log(`\n${formatQuotaReport(await countTandemResources(cloud, topicPrefix), records.length)}\n`);
    console.log(describeEndpoints(cloud, options.timeScale));
    if (options.demo) {
      step.begin('Replaying the story (npm start -- --no-demo skips it)');
      const lines: string[] = [];
      const outcomes = await replayStory(cloud, (line) => lines.push(line));
      step.done(outcomes.map((o) => `${o.requestId} ${o.status}`).join(', '));
      console.log(lines.join('\n'));
      step.begin('Replaying the customer lifecycle: a special price, a new customer handed over');
      const lifecycleLines: string[] = [];
      const lifecycle = await replayLifecycle(cloud, (line) => lifecycleLines.push(line));
      step.done(lifecycle.map((o) => `${o.customerId} ${o.outcome}`).join(', '));
      console.log(lifecycleLines.join('\n'));
    }
    if (options.faults && cloud.faults) {
      cloud.faults.resume();
      console.log(`\nFaults on from here (docs/failure-model.md): ${describeFaultPlan(options.faults)}`);
    }
    console.log('\nReady. Press Ctrl-C to stop.');
  } catch (error) {
    await stop();
    throw error;
  }
  // From here the servers keep the process alive until a signal stops it.
}

function describeEndpoints(cloud: LocalCloud, timeScale: number): string {
  const env = cloud.clientEnvironment();
  const apis = cloud.model.apis.map((api) => `  ${`REST API ${api.name}`.padEnd(21)} ${cloud.apiEndpoint}/${api.stageName}/`);
  return [
    'Endpoints',
    `  DynamoDB              ${cloud.dynamoDbEndpoint}`,
    `  AWS APIs              ${cloud.awsEndpoint}  — Step Functions, SNS, CloudFormation (DescribeStacks)`,
    ...apis,
    `  outbox (SMS, email)   ${cloud.outboxUrl}  — open a decision link from here`,
    `  operations console    ${cloud.consoleUrl}  — executions, timelines, graphs, outbox, pending decisions`,
    `  time scale            ${timeScale}${timeScale < 1 ? ` (one declared hour lasts ${(3600 * timeScale).toFixed(1)} s)` : ''}`,
    '',
    'Point the AWS SDK or CLI at it:',
    ...Object.entries(env).map(([name, value]) => `  export ${name}=${value}`),
    `  aws --endpoint-url ${cloud.awsEndpoint} stepfunctions list-state-machines`,
    '  (AWS CLI ≥ 2.13 and current SDKs read the AWS_ENDPOINT_URL_* variables; older CLIs need --endpoint-url)',
  ].join('\n');
}

/** One line per step with its duration, so a newcomer sees where start-up time goes. */
function progress() {
  let started = 0;
  let label = '';
  const tty = process.stdout.isTTY;
  return {
    begin(text: string) {
      label = text;
      started = performance.now();
      if (tty) process.stdout.write(`• ${label} …`);
    },
    update(text: string) {
      if (tty) process.stdout.write(`\r• ${label} … ${text}`);
    },
    done(detail: string) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const line = `✓ ${label}${detail ? `: ${detail}` : ''} (${seconds} s)`;
      process.stdout.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}

main().catch((error: unknown) => {
  console.error(`\n✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
