/**
 * Writes a complete data set (the generated seed, or any other) to the table.
 * Every record is validated and turned into its item BEFORE the first write, so
 * one malformed record means nothing is written. Puts are idempotent: a load
 * interrupted by an outage is completed by running it again.
 */
import type { Customer, Product, StockLevel, Store, StoreNeighbour, Tandem, Territory } from '../domain/model';
import { ValidationError } from '../domain/errors';
import { batchPutAll, type TableContext } from './document-client';
import {
  customerItem,
  neighbourItem,
  personItems,
  postcodeRangeItems,
  productItem,
  stockItem,
  storeItem,
  tandemItem,
  territoryItem,
  type Item,
} from './table-layout';

export interface DataSet {
  readonly territories: readonly Territory[];
  readonly tandems: readonly Tandem[];
  readonly customers: readonly Customer[];
  readonly stores: readonly Store[];
  readonly neighbours: readonly StoreNeighbour[];
  readonly products: readonly Product[];
  readonly stock: readonly StockLevel[];
}

export interface LoadProgress {
  readonly written: number;
  readonly total: number;
}

export function dataSetItems(data: DataSet): Item[] {
  const items = [
    ...data.territories.flatMap((t) => [territoryItem(t), ...postcodeRangeItems(t)]),
    ...data.tandems.flatMap((t) => [tandemItem(t), ...personItems(t)]),
    ...data.customers.map(customerItem),
    ...data.stores.map(storeItem),
    ...data.neighbours.map(neighbourItem),
    ...data.products.map(productItem),
    ...data.stock.map(stockItem),
  ];
  checkReferences(data);
  return items;
}

/** Every reference between records points at a record of the same data set. */
function checkReferences(data: DataSet): void {
  const territories = new Set(data.territories.map((t) => t.territoryId));
  const stores = new Set(data.stores.map((s) => s.storeId));
  const skus = new Set(data.products.map((p) => p.sku));
  const fail = (record: string, field: string, problem: string): never => {
    throw new ValidationError(record, [{ field, problem }]);
  };
  for (const t of data.territories) {
    if (!stores.has(t.homeStoreId)) fail(`territory ${t.territoryId}`, 'homeStoreId', `store ${t.homeStoreId} is not in the data set`);
  }
  const placed = new Map<string, string>();
  for (const t of data.tandems) {
    if (!territories.has(t.territoryId)) fail(`tandem ${t.territoryId}`, 'territoryId', 'territory is not in the data set');
    for (const [role, person] of [['fieldManager', t.fieldManager], ['insideManager', t.insideManager]] as const) {
      const other = placed.get(person.personId);
      if (other !== undefined) fail(`tandem ${t.territoryId}`, `${role}.personId`, `${person.personId} is already in the tandem of ${other}`);
      placed.set(person.personId, t.territoryId);
    }
  }
  for (const t of data.tandems) {
    for (const [role, person] of [['fieldManager', t.fieldManager], ['insideManager', t.insideManager]] as const) {
      for (const [i, absence] of (person.absences ?? []).entries()) {
        if (!placed.has(absence.deputyId)) fail(`tandem ${t.territoryId}`, `${role}.absences.${i}.deputyId`, `${absence.deputyId} is not in any tandem`);
      }
    }
  }
  for (const c of data.customers) {
    if (!territories.has(c.territoryId)) fail(`customer ${c.customerId}`, 'territoryId', `territory ${c.territoryId} is not in the data set`);
    if (!stores.has(c.homeStoreId)) fail(`customer ${c.customerId}`, 'homeStoreId', `store ${c.homeStoreId} is not in the data set`);
  }
  for (const n of data.neighbours) {
    if (!stores.has(n.storeId) || !stores.has(n.neighbourId)) {
      fail(`neighbour ${n.storeId}→${n.neighbourId}`, 'neighbourId', 'both stores must be in the data set');
    }
  }
  for (const s of data.stock) {
    if (!stores.has(s.storeId)) fail(`stock ${s.storeId}/${s.sku}`, 'storeId', 'store is not in the data set');
    if (!skus.has(s.sku)) fail(`stock ${s.storeId}/${s.sku}`, 'sku', 'product is not in the data set');
  }
}

export async function loadDataSet(
  ctx: TableContext,
  data: DataSet,
  options: { concurrency?: number; onProgress?: (progress: LoadProgress) => void } = {},
): Promise<{ items: number }> {
  const items = dataSetItems(data);
  let written = 0;
  await batchPutAll(ctx, items, {
    concurrency: options.concurrency ?? 8,
    onBatch: (count) => {
      written += count;
      options.onProgress?.({ written, total: items.length });
    },
  });
  return { items: items.length };
}
