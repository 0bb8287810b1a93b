/**
 * `npm start`: the main job on one machine. Synthesizes the CDK app, starts
 * DynamoDB Local with data kept in .local-data/, creates the tables the
 * template declares, seeds the national data on first run, and prints the
 * coverage it reads back. Ctrl-C stops everything; no process is left behind.
 */
import { join } from 'node:path';
import { GetCommand, PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../lib/app';
import { generateSeed } from '../functions/seed/generate';
import { loadDataSet } from '../functions/repository/seed-loader';
import { synthesize } from './cloud-assembly';
import { formatCoverageSummary, summarizeCoverage } from './coverage-summary';
import { createDynamoDbClient, ensureDynamoDbLocal, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { ensureTables, tablesFromTemplate } from './tables';
import { parseOptions } from './options';

/** Marks a table as seeded, so a restart keeps the data (and any changes made to it). */
const SEED_MARKER = { pk: 'SEED', sk: 'SEED' } as const;

async function main(): Promise<void> {
  // Node 20 is supported on purpose (docs/decisions.md); the SDK's notice about Node 22 is known.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseOptions(process.argv.slice(2), process.env);
  const step = progress();
  let dynamoDb: DynamoDbLocal | undefined;
  const stop = async (): Promise<void> => {
    await dynamoDb?.stop();
    dynamoDb = undefined;
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));

  try {
    step.begin('Synthesizing the CDK app');
    const template = synthesize();
    step.done(`${template.stackName}, ${Object.keys(template.resources).length} resources → cdk.out/`);

    step.begin('Preparing DynamoDB Local');
    await ensureDynamoDbLocal();
    step.done('AWS DynamoDB Local, cached in .cache/');

    step.begin('Starting DynamoDB Local');
    dynamoDb = await startDynamoDbLocal(
      { mode: 'disk', dbPath: join(PROJECT_ROOT, '.local-data', 'dynamodb') },
      { port: options.dynamoDbPort },
    );
    step.done(dynamoDb.endpoint);

    step.begin('Creating tables from the template');
    const client = createDynamoDbClient(dynamoDb.endpoint);
    const tables = tablesFromTemplate(template);
    const { created } = await ensureTables(client, tables);
    step.done(`${tables.map((t) => t.tableName).join(', ')} (${created.length} new)`);

    const table = tables[0];
    if (!table) throw new Error('the template declares no DynamoDB table');
    const ctx = { doc: DynamoDBDocumentClient.from(client), tableName: table.tableName };

    const marker = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: SEED_MARKER }));
    if (marker.Item) {
      step.begin('Seed data');
      step.done(`kept from ${String(marker.Item.seededAt)} (delete .local-data/ to start afresh)`);
    } else {
      step.begin('Seeding national data');
      const seed = generateSeed();
      const { items } = await loadDataSet(ctx, seed, {
        onProgress: ({ written, total }) => step.update(`${written}/${total} items`),
      });
      await ctx.doc.send(
        new PutCommand({ TableName: ctx.tableName, Item: { ...SEED_MARKER, items, seededAt: new Date().toISOString() } }),
      );
      step.done(`${items.toLocaleString('en')} items`);
    }

    step.begin('Reading the coverage back');
    const summary = await summarizeCoverage(ctx);
    step.done('');
    console.log(`\n${formatCoverageSummary(summary)}\n`);
    client.destroy();
  } finally {
    await stop();
  }
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
