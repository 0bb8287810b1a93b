/**
 * Capacity the stack's DynamoDB calls consume, as the front forwards them: each
 * call is sent with `ReturnConsumedCapacity: INDEXES` and the answer's figures
 * are added up (table and indexes, read and write); the caller gets them back
 * only if it asked. DynamoDB Local reports AWS's figures for single-item
 * operations, queries, batches and TransactGetItems, but a wrong constant for
 * TransactWriteItems, so transactional writes are computed from the items
 * before and after by AWS's rules: 2 write units per KB started, for the table
 * and for every index entry the write adds, changes or removes.
 */
import { itemSize, writeUnits, type Item } from './item-size';

export interface CapacityTotals {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly tableReadUnits: number;
  readonly tableWriteUnits: number;
  readonly indexReadUnits: number;
  readonly indexWriteUnits: number;
  /** Calls per operation, e.g. `{ GetItem: 3, TransactWriteItems: 1 }`. */
  readonly calls: Readonly<Record<string, number>>;
}

export interface MeteredTable {
  readonly tableName: string;
  readonly keyAttributes: readonly string[];
  readonly indexes: readonly { readonly indexName: string; readonly keyAttributes: readonly string[]; readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; readonly nonKeyAttributes: readonly string[] }[];
}

/** Reads an item straight from DynamoDB Local (consistent), for before and after images. */
export type ItemReader = (tableName: string, key: Item) => Promise<Item | undefined>;

/** One exchange as the front forwards it: the request body to send, and what to do with the answer. */
export interface MeteredExchange {
  readonly input: Record<string, unknown>;
  finish(statusCode: number, output: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export class DynamoDbCapacityMeter {
  private totals = { readUnits: 0, writeUnits: 0, tableReadUnits: 0, tableWriteUnits: 0, indexReadUnits: 0, indexWriteUnits: 0 };
  private readonly calls: Record<string, number> = {};
  private readonly tables: Map<string, MeteredTable>;

  constructor(
    tables: readonly MeteredTable[],
    private readonly readItem: ItemReader,
  ) {
    this.tables = new Map(tables.map((t) => [t.tableName, t]));
  }

  reading(): CapacityTotals {
    return { ...this.totals, calls: { ...this.calls } };
  }

  /** Prepares a call for forwarding; calls that consume no capacity pass unchanged. */
  async exchange(operation: string, input: Record<string, unknown>): Promise<MeteredExchange> {
    const isRead = READS.has(operation);
    if (!isRead && !WRITES.has(operation)) return { input, finish: (_status, output) => Promise.resolve(output) };
    const asked = input.ReturnConsumedCapacity;
    const callerAsked = asked === 'TOTAL' || asked === 'INDEXES';
    const before = operation === 'TransactWriteItems' ? await this.images(input) : undefined;
    return {
      input: { ...input, ReturnConsumedCapacity: 'INDEXES' },
      finish: async (statusCode, output) => {
        if (statusCode !== 200) return output;
        this.calls[operation] = (this.calls[operation] ?? 0) + 1;
        const consumed = before ? await this.transactionalWrite(input, before) : consumedOf(output.ConsumedCapacity);
        for (const c of consumed) this.add(isRead, c.table, c.indexes);
        const { ConsumedCapacity: reported, ...rest } = output;
        if (!callerAsked) return rest;
        return { ...rest, ConsumedCapacity: before ? consumed.map((c) => ({ TableName: c.tableName, CapacityUnits: c.table + c.indexes, WriteCapacityUnits: c.table + c.indexes })) : reported };
      },
    };
  }

  private add(isRead: boolean, table: number, indexes: number): void {
    const t = this.totals;
    if (isRead) {
      t.readUnits += table + indexes;
      t.tableReadUnits += table;
      t.indexReadUnits += indexes;
    } else {
      t.writeUnits += table + indexes;
      t.tableWriteUnits += table;
      t.indexWriteUnits += indexes;
    }
  }

  /** The item each transactional write touches, as it is now. */
  private async images(input: Record<string, unknown>): Promise<(Item | undefined)[]> {
    return Promise.all(
      transactItems(input).map((t) => {
        const keys = this.tables.get(t.tableName)?.keyAttributes;
        if (!t.key || !keys) return Promise.resolve(undefined);
        const key = t.key;
        return this.readItem(t.tableName, Object.fromEntries(keys.map((k) => [k, key[k] ?? {}])));
      }),
    );
  }

  private async transactionalWrite(input: Record<string, unknown>, before: readonly (Item | undefined)[]): Promise<Consumed[]> {
    const items = transactItems(input);
    const after = await this.images(input);
    const byTable = new Map<string, Consumed>();
    items.forEach((t, i) => {
      const table = this.tables.get(t.tableName);
      const old = before[i];
      const now = t.kind === 'ConditionCheck' ? old : after[i];
      const entry = byTable.get(t.tableName) ?? { tableName: t.tableName, table: 0, indexes: 0 };
      entry.table += 2 * writeUnits(Math.max(itemSize(old), itemSize(now)));
      if (t.kind !== 'ConditionCheck') for (const index of table?.indexes ?? []) entry.indexes += 2 * indexWriteUnits(index, table?.keyAttributes ?? [], old, now);
      byTable.set(t.tableName, entry);
    });
    return [...byTable.values()];
  }
}

interface Consumed {
  readonly tableName: string;
  table: number;
  indexes: number;
}

interface TransactItem {
  readonly kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  readonly tableName: string;
  readonly key: Item | undefined;
}

function transactItems(input: Record<string, unknown>): TransactItem[] {
  const list = Array.isArray(input.TransactItems) ? (input.TransactItems as Record<string, Record<string, unknown>>[]) : [];
  return list.flatMap((entry) => {
    const [kind, body] = Object.entries(entry)[0] ?? [];
    if (!body || !(kind === 'Put' || kind === 'Update' || kind === 'Delete' || kind === 'ConditionCheck')) return [];
    return [{ kind, tableName: String(body.TableName), key: (kind === 'Put' ? body.Item : body.Key) as Item | undefined }];
  });
}

/** Write units one write costs an index: put, update, or delete-and-put of its entry. */
function indexWriteUnits(index: MeteredTable['indexes'][number], tableKeys: readonly string[], before: Item | undefined, after: Item | undefined): number {
  const entryOf = (item: Item | undefined) => (item && index.keyAttributes.every((k) => item[k] !== undefined) ? projected(index, tableKeys, item) : undefined);
  const old = entryOf(before);
  const now = entryOf(after);
  if (!old && !now) return 0;
  if (!old) return writeUnits(itemSize(now));
  if (!now) return writeUnits(itemSize(old));
  const keyChanged = index.keyAttributes.some((k) => JSON.stringify(old[k]) !== JSON.stringify(now[k]));
  if (keyChanged) return writeUnits(itemSize(old)) + writeUnits(itemSize(now));
  return sameEntry(old, now) ? 0 : writeUnits(Math.max(itemSize(old), itemSize(now)));
}

function projected(index: MeteredTable['indexes'][number], tableKeys: readonly string[], item: Item): Item {
  if (index.projection === 'ALL') return item;
  const keep = new Set([...tableKeys, ...index.keyAttributes, ...(index.projection === 'INCLUDE' ? index.nonKeyAttributes : [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => keep.has(name)));
}

function sameEntry(a: Item, b: Item): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((n) => JSON.stringify(a[n]) === JSON.stringify(b[n]));
}

interface ReportedCapacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
  readonly Table?: { readonly CapacityUnits?: number };
  readonly GlobalSecondaryIndexes?: Readonly<Record<string, { readonly CapacityUnits?: number }>>;
  readonly LocalSecondaryIndexes?: Readonly<Record<string, { readonly CapacityUnits?: number }>>;
}

function consumedOf(reported: unknown): Consumed[] {
  const list = (Array.isArray(reported) ? reported : reported ? [reported] : []) as ReportedCapacity[];
  return list.map((c) => {
    const indexes = [...Object.values(c.GlobalSecondaryIndexes ?? {}), ...Object.values(c.LocalSecondaryIndexes ?? {})].reduce((sum, i) => sum + (i.CapacityUnits ?? 0), 0);
    const table = c.Table?.CapacityUnits ?? (c.CapacityUnits ?? 0) - indexes;
    return { tableName: c.TableName ?? '', table, indexes };
  });
}
