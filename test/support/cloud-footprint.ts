/**
 * What a run of requests left behind in the local cloud, to compare before
 * and after: every item of the table (count and a digest of their content),
 * the executions of every state machine of the template, and the outbox.
 * One full scan per snapshot, so take one before and one after a load, not
 * per request.
 */
import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../local/runtime/local-cloud';

export interface Footprint {
  readonly items: number;
  /** SHA-256 over every item's canonical JSON, in key order: any write that stayed changes it. */
  readonly digest: string;
  /** Executions per state machine (logical id → count). */
  readonly executions: Readonly<Record<string, number>>;
  readonly outbox: number;
}

export async function footprintOf(cloud: LocalCloud): Promise<Footprint> {
  const { doc, tableName } = cloud.tableContext();
  const lines: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) lines.push(canonical(item));
    start = page.LastEvaluatedKey;
  } while (start);
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return { items: lines.length, digest: hash.digest('hex'), executions: executionCounts(cloud), outbox: cloud.sns.outbox().length };
}

function executionCounts(cloud: LocalCloud): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const machine of cloud.model.stateMachines) {
    let count = 0;
    let nextToken: string | undefined;
    do {
      const page = cloud.stepFunctions.listExecutions(machine.arn, undefined, 1000, nextToken);
      count += page.executions?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
    counts[machine.logicalId] = count;
  }
  return counts;
}

/** JSON with object keys sorted, so equal items give equal lines whatever order DynamoDB returns their attributes in. */
function canonical(value: unknown): string {
  if (value instanceof Set) return canonical([...(value as Set<unknown>)].map(String).sort());
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
