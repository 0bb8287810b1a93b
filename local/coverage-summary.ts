/**
 * The national coverage report the main job prints: read back from the table
 * through the repositories (not from the generator), so it shows what a
 * workflow would actually find.
 */
import { distanceKm } from '../functions/domain/geo';
import { tandemSchema, type Customer, type Lifecycle } from '../functions/domain/model';
import { checkCoverage } from '../functions/domain/postcode-routing';
import type { TableContext } from '../functions/repository/document-client';
import { DynamoCatalogueRepository } from '../functions/repository/catalogue-repository';
import { DynamoCustomerRepository } from '../functions/repository/customer-repository';
import { DynamoStockRepository } from '../functions/repository/stock-repository';
import { DynamoStoreDirectory } from '../functions/repository/store-directory';
import { DynamoTerritoryDirectory } from '../functions/repository/territory-directory';

export interface CoverageSummary {
  readonly territories: number;
  readonly postcodeRanges: number;
  readonly postcodesCovered: number;
  readonly gaps: number;
  readonly overlaps: number;
  readonly completeTandems: number;
  readonly incompleteTerritories: readonly string[];
  readonly people: number;
  readonly peopleByLanguage: Readonly<Record<string, number>>;
  readonly stores: number;
  readonly storeCities: number;
  readonly products: number;
  readonly productLines: number;
  readonly stockLevels: number;
  readonly customers: number;
  readonly customersByLifecycle: Readonly<Record<Lifecycle, number>>;
  readonly homeStoreKm: { readonly median: number; readonly max: number };
}

export async function summarizeCoverage(ctx: TableContext): Promise<CoverageSummary> {
  const territoriesDir = new DynamoTerritoryDirectory(ctx);
  const stores = new DynamoStoreDirectory(ctx, territoriesDir);
  const ranges = await territoriesDir.listPostcodeRanges();
  const coverage = checkCoverage(ranges);
  const territoryIds = [...new Set(ranges.map((r) => r.territoryId))].sort();
  const { territories, tandems } = await territoriesDir.getTerritoriesWithTandems(territoryIds);

  const complete = new Set(
    tandems
      .filter((t) => tandemSchema.safeParse(t).success && t.fieldManager.personId !== t.insideManager.personId)
      .map((t) => t.territoryId),
  );
  const people = new Map(tandems.flatMap((t) => [t.fieldManager, t.insideManager]).map((p) => [p.personId, p]));

  const storeList = await stores.listStores();
  const storeById = new Map(storeList.map((s) => [s.storeId, s]));
  const homeDistances = territories
    .map((t) => {
      const home = storeById.get(t.homeStoreId);
      return home ? distanceKm(t.centre, home.location) : Number.POSITIVE_INFINITY;
    })
    .sort((a, b) => a - b);

  const products = await new DynamoCatalogueRepository(ctx).allProducts();
  const stock = new DynamoStockRepository(ctx);
  const customerRepository = new DynamoCustomerRepository(ctx);
  const stockLevels = await inBatches(storeList.map((s) => s.storeId), (id) => stock.stockOfStore(id));
  const customers = await inBatches(territoryIds, (id) => customerRepository.customersInTerritory(id));

  return {
    territories: territoryIds.length,
    postcodeRanges: ranges.length,
    postcodesCovered: ranges.reduce((sum, r) => sum + Number(r.to) - Number(r.from) + 1, 0),
    gaps: coverage.gaps.length,
    overlaps: coverage.overlaps.length,
    completeTandems: complete.size,
    incompleteTerritories: territoryIds.filter((id) => !complete.has(id)),
    people: people.size,
    peopleByLanguage: countBy([...people.values()], (p) => p.language),
    stores: storeList.length,
    storeCities: new Set(storeList.map((s) => s.city)).size,
    products: products.length,
    productLines: new Set(products.map((p) => p.productLine)).size,
    stockLevels: stockLevels.length,
    customers: customers.length,
    customersByLifecycle: { prospect: 0, new: 0, 'handed-over': 0, ...countBy(customers, (c: Customer) => c.lifecycle) },
    homeStoreKm: {
      median: round1(homeDistances[Math.floor(homeDistances.length / 2)] ?? 0),
      max: round1(homeDistances[homeDistances.length - 1] ?? 0),
    },
  };
}

export function formatCoverageSummary(s: CoverageSummary): string {
  const languages = Object.entries(s.peopleByLanguage)
    .map(([language, n]) => `${n} ${language}`)
    .join(', ');
  const lifecycle = Object.entries(s.customersByLifecycle)
    .map(([stage, n]) => `${n} ${stage}`)
    .join(', ');
  return [
    'National coverage (read back from DynamoDB)',
    `  territories      ${s.territories} over ${s.postcodeRanges} postcode ranges; ${s.postcodesCovered.toLocaleString('en')} postcodes 01000–99999, ${s.gaps} gaps, ${s.overlaps} overlaps`,
    `  tandems          ${s.completeTandems} complete${s.incompleteTerritories.length ? `, incomplete: ${s.incompleteTerritories.join(' ')}` : ''}; ${s.people} people (${languages})`,
    `  stores           ${s.stores} in ${s.storeCities} cities; home store from territory centre: median ${s.homeStoreKm.median} km, max ${s.homeStoreKm.max} km`,
    `  products         ${s.products} in ${s.productLines} product lines; ${s.stockLevels.toLocaleString('en')} stock levels`,
    `  customers        ${s.customers} (${lifecycle})`,
  ].join('\n');
}

/** Runs `read` for every id, a bounded number at a time, and flattens the results. */
async function inBatches<T>(ids: readonly string[], read: (id: string) => Promise<T[]>, size = 16): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const pages = await Promise.all(ids.slice(i, i + size).map(read));
    out.push(...pages.flat());
  }
  return out;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
