/**
 * DynamoDB streams trigger Lambda functions in the local cloud as in AWS: the
 * stream fixture (test/fixtures/stream-fixture) declares its mappings in CDK;
 * the test only writes to the table and reads what the functions logged, what
 * the mappings discarded and what SNS delivered.
 */
import { rmSync } from 'node:fs';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { readStackTemplate } from '../../local/cloud-assembly';
import { createDynamoDbClient } from '../../local/dynamodb-local';
import { LOCAL_AWS, type LocalEventSourceMappingSpec } from '../../local/runtime/contracts';
import { startLocalCloud, type LocalCloud } from '../../local/runtime/local-cloud';
import type { StreamFailure } from '../../local/runtime/streams/local-streams';
import { LOCAL_UNBOUNDED_RETRY_CAP } from '../../local/runtime/streams/stream-mapping';
import { ensureTables, tablesFromTemplate } from '../../local/tables';
import type { LogEntry } from '../fixtures/stream-fixture/recorder';
import {
  STREAM_FIXTURE_OPS_EMAIL,
  STREAM_FIXTURE_SETTINGS,
  STREAM_FIXTURE_STACK_NAME,
  synthesizeStreamFixture,
} from '../fixtures/stream-fixture/stack';
import { eventually } from '../support/eventually';
import { projectTempDir } from '../support/project-temp-dir';
import { testEnv } from '../support/test-env';

/** 1 declared second lasts 10 ms: the 2 s batching window 20 ms, the first retry backoff 10 ms. */
const TIME_SCALE = 0.01;

let outdir: string;
let cloud: LocalCloud | undefined;
let stopped = false;
let doc: DynamoDBDocumentClient;
let tableName: string;
let recorder: LocalEventSourceMappingSpec;
let watcher: LocalEventSourceMappingSpec;
let handlesBeforeStart: string[];

interface Delivery extends Omit<LogEntry, 'record'> {
  readonly record: DynamoDBRecord;
  readonly id: string;
}

beforeAll(async () => {
  outdir = projectTempDir('stream-cloud');
  synthesizeStreamFixture(outdir);
  // The table exists, with one write in its stream, before the local cloud starts:
  // the TRIM_HORIZON mapping must deliver it, the LATEST one must not.
  const client = createDynamoDbClient(testEnv('dynamoDbEndpoint'));
  const tables = tablesFromTemplate(readStackTemplate(outdir, STREAM_FIXTURE_STACK_NAME));
  await ensureTables(client, tables);
  await client.send(
    new PutCommand({ TableName: tables[0]!.tableName, Item: { pk: 'ITEM#start-before', sk: 'ITEM', run: 'start', entity: 'Tandem' } }),
  );
  client.destroy();

  handlesBeforeStart = process.getActiveResourcesInfo();
  cloud = await startLocalCloud({
    outdir,
    stackName: STREAM_FIXTURE_STACK_NAME,
    dynamoDbEndpoint: testEnv('dynamoDbEndpoint'),
    timeScale: TIME_SCALE,
    lambdaLog: () => undefined,
  });
  ({ doc, tableName } = cloud.tableContext());
  recorder = cloud.model.eventSourceMappings.find((m) => m.functionName.includes('Recorder'))!;
  watcher = cloud.model.eventSourceMappings.find((m) => m.functionName.includes('Watcher'))!;
});

afterAll(async () => {
  if (!stopped) await cloud?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

const running = (): LocalCloud => {
  if (!cloud || stopped) throw new Error('the local cloud is not running');
  return cloud;
};

function item(run: string, name: string, fields: Record<string, unknown> = {}) {
  return { pk: `ITEM#${run}-${name}`, sk: 'ITEM', run, ...fields };
}

/** Puts several items in one request, so they reach the stream together (and usually one batch). */
async function putAll(items: Record<string, unknown>[]): Promise<void> {
  await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));
}

/** What a function received for one run, in the order it received it. */
async function deliveries(run: string, logPrefix: 'LOG#' | 'WATCH#' = 'LOG#'): Promise<Delivery[]> {
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `${logPrefix}${run}`, sk: 'LOG' } }));
  const entries = (out.Item?.entries ?? []) as LogEntry[];
  return entries.map((entry) => {
    const record = JSON.parse(entry.record) as DynamoDBRecord;
    return { ...entry, record, id: record.dynamodb?.Keys?.pk?.S ?? '' };
  });
}

function sequenceNumberOf(deliveriesOfRun: Delivery[], id: string): string {
  const found = deliveriesOfRun.find((d) => d.id === id);
  if (!found) throw new Error(`${id} was never delivered`);
  return found.sequenceNumber;
}

function failuresStartingAt(sequenceNumber: string): StreamFailure[] {
  return running()
    .streams.failures()
    .filter((f) => f.invocationRecord.DDBStreamBatchInfo.startSequenceNumber === sequenceNumber);
}

/** The invocations of a run: request id → the ids it carried, in order. */
function batches(log: Delivery[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const d of log) result.set(d.requestId, [...(result.get(d.requestId) ?? []), d.id]);
  return result;
}

describe('DynamoDB streams trigger Lambda functions in the local cloud', () => {
  test('the template mappings are loaded with their settings and the stream ARN DynamoDB Local gave the table', () => {
    expect(recorder).toMatchObject({
      startingPosition: 'TRIM_HORIZON',
      batchSize: STREAM_FIXTURE_SETTINGS.batchSize,
      maximumBatchingWindowSeconds: STREAM_FIXTURE_SETTINGS.batchingWindowSeconds,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: STREAM_FIXTURE_SETTINGS.retryAttempts,
      maximumRecordAgeSeconds: STREAM_FIXTURE_SETTINGS.maxRecordAgeHours * 3600,
      reportBatchItemFailures: true,
      onFailureDestination: running().model.topics[0]!.arn,
    });
    expect(watcher).toMatchObject({
      startingPosition: 'LATEST',
      batchSize: 100,
      maximumRetryAttempts: -1,
      reportBatchItemFailures: false,
      onFailureDestination: expect.stringMatching(/^arn:aws:sqs:/) as string,
    });
    expect(recorder.eventSourceArn).toMatch(new RegExp(`^arn:aws:dynamodb:[\\w-]+:\\d{12}:table/${tableName}/stream/\\d{4}-`));
    expect(watcher.eventSourceArn).toBe(recorder.eventSourceArn);
  });

  test('a TRIM_HORIZON mapping delivers what the stream held before the start, a LATEST mapping only later writes', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: item('start', 'after', { entity: 'Tandem' }) }));
    await running().streams.idle();

    expect((await deliveries('start')).map((d) => d.id)).toEqual(['ITEM#start-before', 'ITEM#start-after']);
    expect((await deliveries('start', 'WATCH#')).map((d) => d.id)).toEqual(['ITEM#start-after']);
  });

  test('inserts, modifies and removes reach the function in stream order, with old and new images', async () => {
    const key = { pk: 'ITEM#order-1', sk: 'ITEM' };
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...key, run: 'order', qty: 1 } }));
    await doc.send(new UpdateCommand({ TableName: tableName, Key: key, UpdateExpression: 'SET qty = :q', ExpressionAttributeValues: { ':q': 2 } }));
    await doc.send(new DeleteCommand({ TableName: tableName, Key: key }));
    await running().streams.idle();

    const log = await deliveries('order');
    expect(log.map((d) => [d.record.eventName, d.record.dynamodb?.OldImage?.qty, d.record.dynamodb?.NewImage?.qty])).toEqual([
      ['INSERT', undefined, { N: '1' }],
      ['MODIFY', { N: '1' }, { N: '2' }],
      ['REMOVE', { N: '2' }, undefined],
    ]);
    const sequence = log.map((d) => BigInt(d.sequenceNumber));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
    expect(log.every((d) => d.outcome === 'ok' && d.batchSize <= STREAM_FIXTURE_SETTINGS.batchSize)).toBe(true);

    const [insert] = log;
    expect(insert!.record).toEqual({
      eventID: expect.any(String) as string,
      eventName: 'INSERT',
      eventVersion: expect.any(String) as string,
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_AWS.region,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number) as number,
        Keys: { pk: { S: 'ITEM#order-1' }, sk: { S: 'ITEM' } },
        NewImage: { pk: { S: 'ITEM#order-1' }, sk: { S: 'ITEM' }, run: { S: 'order' }, qty: { N: '1' } },
        SequenceNumber: insert!.sequenceNumber,
        SizeBytes: expect.any(Number) as number,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: recorder.eventSourceArn,
    });
    // epoch seconds, as in Lambda's event (DynamoDB Local rounds the time down to the minute)
    expect(Math.abs(insert!.record.dynamodb!.ApproximateCreationDateTime! - Date.now() / 1000)).toBeLessThan(120);
  });

  test('records the filters exclude never reach the functions', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'OTHER#filter-1', sk: 'ITEM', run: 'filter', entity: 'Tandem' } }));
    await doc.send(new PutCommand({ TableName: tableName, Item: item('filter', '2', { entity: 'Customer' }) }));
    await doc.send(new PutCommand({ TableName: tableName, Item: item('filter', '3', { entity: 'Tandem' }) }));
    await running().streams.idle();

    // the recorder's filter passes keys beginning ITEM#, the watcher's items whose new image has entity = Tandem
    expect((await deliveries('filter')).map((d) => d.id)).toEqual(['ITEM#filter-2', 'ITEM#filter-3']);
    expect((await deliveries('filter', 'WATCH#')).map((d) => d.id)).toEqual(['OTHER#filter-1', 'ITEM#filter-3']);
    // the functions' own writes (their logs, attempt counters) are in the stream too, and filtered out:
    // had one come back, it would have been logged under run "unknown"
    expect(await deliveries('unknown')).toEqual([]);
    expect(await deliveries('unknown', 'WATCH#')).toEqual([]);
  });

  test('a failing record is retried, then reported to the on-failure destination, and later records still flow', async () => {
    await putAll([item('poison', '1'), item('poison', '2', { mode: 'throw' }), item('poison', '3')]);
    await running().streams.idle();
    await doc.send(new PutCommand({ TableName: tableName, Item: item('poison', '4') }));
    await running().streams.idle();

    const log = await deliveries('poison');
    const poison = sequenceNumberOf(log, 'ITEM#poison-2');
    const [failure, ...more] = failuresStartingAt(poison);
    expect(more).toEqual([]);
    const recorderArn = running().model.functions.find((f) => f.functionName === recorder.functionName)!.arn;
    expect(failure!.invocationRecord).toEqual({
      requestContext: {
        requestId: expect.any(String) as string,
        functionArn: recorderArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: log.filter((d) => d.id === 'ITEM#poison-2').length,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String) as string,
      DDBStreamBatchInfo: {
        shardId: expect.stringMatching(/^shardId-/) as string,
        startSequenceNumber: poison,
        endSequenceNumber: poison,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as string,
        approximateArrivalOfLastRecord: expect.stringMatching(/Z$/) as string,
        batchSize: 1,
        streamArn: recorder.eventSourceArn,
      },
    });
    // the batch was split around the poison record, which then had its retries
    expect(failure!.invocationRecord.requestContext.approximateInvokeCount).toBeGreaterThanOrEqual(STREAM_FIXTURE_SETTINGS.retryAttempts + 1);
    expect(failure!.records.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['ITEM#poison-2']);

    // the destination is the fixture's SNS topic; its email subscription received the invocation record
    expect(failure!.delivery.status).toBe('published');
    const messageId = failure!.delivery.status === 'published' ? failure!.delivery.messageId : '';
    const [email] = running().sns.outbox({ messageId });
    expect(email).toMatchObject({ channel: 'email', endpoint: STREAM_FIXTURE_OPS_EMAIL, topicArn: recorder.onFailureDestination });
    expect(JSON.parse(email!.body)).toEqual(failure!.invocationRecord);

    // every other record got through, the one written after the failure too
    const ok = log.filter((d) => d.outcome === 'ok').map((d) => d.id);
    expect(new Set(ok)).toEqual(new Set(['ITEM#poison-1', 'ITEM#poison-3', 'ITEM#poison-4']));
    expect(log.at(-1)?.id).toBe('ITEM#poison-4');
  });

  test('a partial batch failure retries the batch from the failed record only', async () => {
    await putAll([item('partial', '1'), item('partial', '2', { mode: 'report-once' }), item('partial', '3')]);
    await running().streams.idle();

    const log = await deliveries('partial');
    const invocations = [...batches(log).values()];
    // one batch (the three arrived together within the batching window), then its retry from the reported record
    expect(invocations).toEqual([
      ['ITEM#partial-1', 'ITEM#partial-2', 'ITEM#partial-3'],
      ['ITEM#partial-2', 'ITEM#partial-3'],
    ]);
    expect(log.map((d) => d.outcome)).toEqual(['ok', 'reported', 'ok', 'ok', 'ok']);
    expect(failuresStartingAt(log[1]!.sequenceNumber)).toEqual([]);
  });

  test('a record reported as failed every time is discarded with the records after it, once the retries are spent', async () => {
    await putAll([item('report', '1'), item('report', '2', { mode: 'report' }), item('report', '3')]);
    await running().streams.idle();

    const log = await deliveries('report');
    const reported = sequenceNumberOf(log, 'ITEM#report-2');
    const last = sequenceNumberOf(log, 'ITEM#report-3');
    const [failure] = failuresStartingAt(reported);
    expect(failure?.invocationRecord.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: STREAM_FIXTURE_SETTINGS.retryAttempts + 1,
    });
    // a partial failure is no function error: no responseContext.functionError, and no bisection
    expect(failure?.invocationRecord.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(failure?.invocationRecord.DDBStreamBatchInfo).toMatchObject({ startSequenceNumber: reported, endSequenceNumber: last, batchSize: 2 });
    expect(log.filter((d) => d.id === 'ITEM#report-1')).toHaveLength(1);
    expect(log.filter((d) => d.id === 'ITEM#report-2')).toHaveLength(STREAM_FIXTURE_SETTINGS.retryAttempts + 1);
  });

  test('unbounded retries end after the local cap, and an SQS destination keeps the invocation record on the local cloud', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'OTHER#unbounded-1', sk: 'ITEM', run: 'unbounded', entity: 'Tandem', mode: 'throw' } }));
    await running().streams.idle();

    const log = await deliveries('unbounded', 'WATCH#');
    expect(log.map((d) => d.outcome)).toEqual(Array<string>(LOCAL_UNBOUNDED_RETRY_CAP + 1).fill('threw'));
    const [failure] = failuresStartingAt(log[0]!.sequenceNumber);
    expect(failure).toMatchObject({
      mapping: watcher.logicalId,
      destination: watcher.onFailureDestination,
      delivery: { status: 'kept', reason: expect.stringMatching(/SQS .* not emulated/) as string },
      invocationRecord: { requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: LOCAL_UNBOUNDED_RETRY_CAP + 1 } },
    });
    expect(running().streams.undelivered()).toContainEqual(failure);
  });

  test('stop() ends the polling and leaves no timers, sockets or workers running', async () => {
    const local = running();
    await doc.send(new PutCommand({ TableName: tableName, Item: item('stop', '1') }));
    await local.streams.idle();
    expect(Object.values(local.lambda.stats()).some((s) => s.liveEnvironments > 0)).toBe(true);

    await local.stop();
    stopped = true;

    expect(Object.values(local.lambda.stats()).every((s) => s.liveEnvironments === 0)).toBe(true);
    await expect(local.streams.idle()).rejects.toThrow(/stopped/);
    // Closing sockets and servers leave the handle list a moment later; a poller's timer would stay for good.
    const count = (handles: string[]) => handles.reduce<Record<string, number>>((all, h) => ({ ...all, [h]: (all[h] ?? 0) + 1 }), {});
    const before = count(handlesBeforeStart);
    const leftovers = () => Object.entries(count(process.getActiveResourcesInfo())).filter(([kind, n]) => n > (before[kind] ?? 0));
    await eventually(() => leftovers().length === 0, { timeoutMs: 5_000 }).catch(() => undefined);
    expect(leftovers()).toEqual([]);
  });
});
