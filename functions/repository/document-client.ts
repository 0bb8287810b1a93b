/**
 * The one place the DynamoDB document client is built and the paging / batching
 * loops live. Repositories are thin on top of it.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../domain/errors';

export interface TableContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return documentClientFor(new DynamoDBClient(config));
}

/** The document client, with the project's marshalling options, over an existing low-level client. */
export function documentClientFor(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Reads every page of a query (bounded by `limit` items, if given). */
export async function queryAll(
  ctx: TableContext,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ctx.doc.send(
      new QueryCommand({ ...input, TableName: ctx.tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items.slice(0, limit);
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Unprocessed batch items are retried with capped exponential backoff and full jitter. */
export const BATCH_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 2_000 };

export class UnprocessedItemsError extends DomainError {
  constructor(readonly remaining: number) {
    super(`${remaining} batch items were still unprocessed after all retries`);
  }
}

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;

export async function batchGetAll(
  ctx: TableContext,
  keys: readonly Record<string, unknown>[],
  retry: RetryPolicy = BATCH_RETRY,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (const chunk of chunks(keys, BATCH_GET_LIMIT)) {
    let pending: Record<string, unknown>[] = [...chunk];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > retry.maxAttempts) throw new UnprocessedItemsError(pending.length);
      if (attempt > 1) await sleep(backoffMs(attempt - 1, retry));
      const out = await ctx.doc.send(new BatchGetCommand({ RequestItems: { [ctx.tableName]: { Keys: pending } } }));
      found.push(...(out.Responses?.[ctx.tableName] ?? []));
      pending = (out.UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

/** Writes items in batches of 25, `concurrency` batches at a time, retrying unprocessed items. */
export function batchPutAll(
  ctx: TableContext,
  items: readonly Record<string, unknown>[],
  options: BatchWriteOptions = {},
): Promise<void> {
  return batchWriteAll(ctx, items.map((Item) => ({ PutRequest: { Item } })), options);
}

/** Deletes items by key in batches of 25, retrying unprocessed ones. */
export function batchDeleteAll(ctx: TableContext, keys: readonly Record<string, unknown>[], options: BatchWriteOptions = {}): Promise<void> {
  return batchWriteAll(ctx, keys.map((Key) => ({ DeleteRequest: { Key } })), options);
}

interface BatchWriteOptions {
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  readonly onBatch?: (written: number) => void;
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

async function batchWriteAll(ctx: TableContext, requests: readonly WriteRequest[], options: BatchWriteOptions): Promise<void> {
  const retry = options.retry ?? BATCH_RETRY;
  const queue = chunks(requests, BATCH_WRITE_LIMIT);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const chunk = queue[next++] ?? [];
      let pending: WriteRequest[] = [...chunk];
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > retry.maxAttempts) throw new UnprocessedItemsError(pending.length);
        if (attempt > 1) await sleep(backoffMs(attempt - 1, retry));
        const out = await ctx.doc.send(new BatchWriteCommand({ RequestItems: { [ctx.tableName]: pending } }));
        pending = (out.UnprocessedItems?.[ctx.tableName] ?? []) as WriteRequest[];
      }
      options.onBatch?.(chunk.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
}

/** Full jitter: a random delay between 0 and the capped exponential bound. */
export function backoffMs(retryNumber: number, retry: RetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** retryNumber);
  return Math.floor(random() * bound);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
