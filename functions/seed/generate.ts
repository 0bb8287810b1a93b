import { nearest } from '../domain/geo';
import { findTerritoryForPostcode, toRoutedRanges } from '../domain/postcode-routing';
import type {
  Coordinates,
  Customer,
  Lifecycle,
  Product,
  Person,
  StockLevel,
  Store,
  StoreNeighbour,
  Tandem,
  Territory,
} from '../domain/model';
import { buildPeople } from './people';
import { buildProducts, STORY_SKUS } from './products';
import { createRandom } from './random';
import { REGIONS, type Region } from './regions';
import { buildStores } from './stores';

export interface SeedData {
  territories: Territory[];
  tandems: Tandem[];
  customers: Customer[];
  stores: Store[];
  products: Product[];
  stock: StockLevel[];
  neighbours: StoreNeighbour[];
}

/** The big cities get a fifth territory: 99 regions × 4 + 4 = 400. */
const FIVE_TERRITORY_REGIONS: ReadonlySet<string> = new Set(['10', '20', '50', '80']);
const CUSTOMERS_PER_TERRITORY = 3;
const NEIGHBOURS_PER_STORE = 10;
/** Offsets of a territory centre from its region's city, so a region's territories differ. */
const MAX_CENTRE_OFFSET_DEGREES = 0.12;
/** Dates are counted back from here, never from the clock. */
const BASE_DATE_UTC = Date.UTC(2026, 0, 1);
export const STOCK_COUNTED_AT = '2026-11-26T05:00:00Z';

/** The story's customer: an invented restaurant in Düsseldorf-Flingern (first customer of territory T159). */
export const STORY_CUSTOMER_ID = 'C000475';
/**
 * The story customer's home store, Großmarkt Düsseldorf-Reisholz (short of geese), and
 * its nearest other store, Großmarkt Düsseldorf (has them).
 */
export const STORY_STORES = { home: 'S002', nearby: 'S001' } as const;
export const STORY_GOOSE_STOCK = { home: 2, nearby: 25 } as const;

const STORY_CUSTOMER = {
  name: 'Restaurant Rheinblick',
  address: { street: 'Birkenstraße 48', postcode: '40233', city: 'Düsseldorf' },
  lifecycle: 'new',
  owner: 'field',
  wonOn: '2025-12-04',
} as const satisfies Partial<Customer>;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));

function buildTerritories(stores: readonly Store[]): Territory[] {
  const random = createRandom('territories');
  const territories: Territory[] = [];
  for (const region of REGIONS) {
    const count = FIVE_TERRITORY_REGIONS.has(region.code) ? 5 : 4;
    for (let k = 0; k < count; k++) {
      // Contiguous, equal-ish slices of XX000–XX999.
      const from = Math.floor((k * 1000) / count);
      const to = Math.floor(((k + 1) * 1000) / count) - 1;
      const centre = offsetCentre(region, random.int(-1200, 1200), random.int(-1200, 1200));
      const [home] = nearest(centre, stores, (s) => s.location, 1, (s) => s.storeId);
      if (!home) throw new Error('no stores to choose a home store from');
      territories.push({
        territoryId: `T${pad(territories.length + 1, 3)}`,
        name: `${region.city} ${k + 1}`,
        region: region.code,
        postcodes: [{ from: `${region.code}${pad(from, 3)}`, to: `${region.code}${pad(to, 3)}` }],
        centre,
        homeStoreId: home.item.storeId,
      });
    }
  }
  return territories;
}

/** Offsets are in 1/10,000 degree so that centres stay exact to 4 decimals. */
function offsetCentre(region: Region, latSteps: number, lonSteps: number): Coordinates {
  const scale = MAX_CENTRE_OFFSET_DEGREES / 1200;
  return {
    lat: round(region.location.lat + latSteps * scale, 4),
    lon: round(region.location.lon + lonSteps * scale, 4),
  };
}

/** Persons are paired in order: P0001 + P0002 for T001, P0003 + P0004 for T002, … */
function buildTandems(territories: readonly Territory[], people: readonly Person[]): Tandem[] {
  return territories.map((territory, index) => {
    const fieldManager = people[2 * index];
    const insideManager = people[2 * index + 1];
    if (!fieldManager || !insideManager) throw new Error(`not enough people for ${territory.territoryId}`);
    return { territoryId: territory.territoryId, fieldManager, insideManager };
  });
}

const VENUE_KINDS = ['Restaurant', 'Bistro', 'Café', 'Hotelküche', 'Catering', 'Gasthaus', 'Trattoria', 'Brasserie', 'Kantine'];
const VENUE_NAMES = [
  'Zur Linde', 'Am Markt', 'Lindenhof', 'Sonnenblick', 'Alte Mühle', 'Zum Anker', 'Goldener Hirsch', 'Stadtgarten',
  'Am Ring', 'Kastanie', 'Uferweg', 'Kleine Freiheit', 'Zum Fass', 'Rosengarten', 'Am Turm', 'Grüner Baum',
  'Tafelrunde', 'Löffelwerk', 'Pfeffermühle', 'Salz & Korn',
];
const STREETS = [
  'Hauptstraße', 'Bahnhofstraße', 'Kirchstraße', 'Schulstraße', 'Gartenstraße', 'Marktplatz', 'Lindenallee',
  'Bergstraße', 'Mühlenweg', 'Ringstraße', 'Parkstraße', 'Am Hafen',
];
const DAY_MS = 24 * 60 * 60 * 1000;
const daysBeforeBase = (days: number): string => new Date(BASE_DATE_UTC - days * DAY_MS).toISOString().slice(0, 10);

function buildCustomers(territories: readonly Territory[]): Customer[] {
  const random = createRandom('customers');
  const cityOf = new Map(REGIONS.map((r) => [r.code, r.city]));
  return territories.flatMap((territory, t) =>
    Array.from({ length: CUSTOMERS_PER_TERRITORY }, (_, k): Customer => {
      const customerId = `C${pad(t * CUSTOMERS_PER_TERRITORY + k + 1, 6)}`;
      const range = territory.postcodes[0];
      if (!range) throw new Error(`${territory.territoryId} has no postcode range`);
      // Draw every random value even for the story customer, so the others do not shift with it.
      const postcode = pad(random.int(Number(range.from), Number(range.to)), 5);
      const name = `${random.pick(VENUE_KINDS)} ${random.pick(VENUE_NAMES)}`;
      const street = `${random.pick(STREETS)} ${random.int(1, 180)}`;
      const roll = random.next();
      const lifecycle: Lifecycle = roll < 0.3 ? 'prospect' : roll < 0.5 ? 'new' : 'handed-over';
      const wonDaysAgo = lifecycle === 'new' ? random.int(7, 42) : random.int(43, 1000);
      const base = { customerId, territoryId: territory.territoryId, homeStoreId: territory.homeStoreId };
      if (customerId === STORY_CUSTOMER_ID) return { ...base, ...STORY_CUSTOMER, address: { ...STORY_CUSTOMER.address } };
      return {
        ...base,
        name,
        address: { street, postcode, city: cityOf.get(territory.region) ?? territory.name },
        lifecycle,
        owner: lifecycle === 'handed-over' ? 'inside' : 'field',
        ...(lifecycle === 'prospect' ? {} : { wonOn: daysBeforeBase(wonDaysAgo) }),
      };
    }),
  );
}

function buildNeighbours(stores: readonly Store[]): StoreNeighbour[] {
  return stores.flatMap((store) =>
    nearest(
      store.location,
      stores.filter((other) => other.storeId !== store.storeId),
      (s) => s.location,
      NEIGHBOURS_PER_STORE,
      (s) => s.storeId,
    ).map(({ item, distanceKm }) => ({
      storeId: store.storeId,
      neighbourId: item.storeId,
      distanceKm: round(distanceKm, 1),
    })),
  );
}

/** About 70 % of the catalogue per store; kg and litre up to 80, pieces and cases up to 60. */
function buildStock(stores: readonly Store[], products: readonly Product[]): StockLevel[] {
  const random = createRandom('stock');
  const story = new Map<string, number>([
    [STORY_STORES.home, STORY_GOOSE_STOCK.home],
    [STORY_STORES.nearby, STORY_GOOSE_STOCK.nearby],
  ]);
  return stores.flatMap((store) =>
    products.flatMap((product): StockLevel[] => {
      const carried = random.chance(0.7);
      const max = product.unit === 'kg' || product.unit === 'litre' ? 80 : 60;
      let available = random.int(0, max);
      const storyAvailable = product.sku === STORY_SKUS.goose ? story.get(store.storeId) : undefined;
      if (storyAvailable !== undefined) available = storyAvailable;
      else if (!carried) return [];
      return [{ storeId: store.storeId, sku: product.sku, available, reserved: 0, countedAt: STOCK_COUNTED_AT }];
    }),
  );
}

/** The story constants are literals for readers; this keeps them true to the generated data. */
function assertStoryFixtures(seed: SeedData): void {
  const customer = seed.customers.find((c) => c.customerId === STORY_CUSTOMER_ID);
  const routed = findTerritoryForPostcode(toRoutedRanges(seed.territories), STORY_CUSTOMER.address.postcode);
  if (!customer || customer.territoryId !== routed) {
    throw new Error(`story customer ${STORY_CUSTOMER_ID} is not in the territory of ${STORY_CUSTOMER.address.postcode}`);
  }
  const first = seed.neighbours.find((n) => n.storeId === customer.homeStoreId);
  if (customer.homeStoreId !== STORY_STORES.home || first?.neighbourId !== STORY_STORES.nearby) {
    throw new Error(
      `STORY_STORES is stale: home store is ${customer.homeStoreId}, its nearest neighbour ${first?.neighbourId}`,
    );
  }
}

/** The whole seed. Deterministic: every call returns deep-equal data. */
export function generateSeed(): SeedData {
  const stores = buildStores();
  const products = buildProducts();
  const people = buildPeople();
  const territories = buildTerritories(stores);
  const seed: SeedData = {
    territories,
    tandems: buildTandems(territories, people),
    customers: buildCustomers(territories),
    stores,
    products,
    stock: buildStock(stores, products),
    neighbours: buildNeighbours(stores),
  };
  assertStoryFixtures(seed);
  return seed;
}
