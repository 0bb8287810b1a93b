import { distanceKm } from '../../functions/domain/geo';
import {
  customerSchema,
  productSchema,
  stockLevelSchema,
  storeSchema,
  tandemSchema,
  territorySchema,
} from '../../functions/domain/model';
import { findTerritoryForPostcode, toRoutedRanges } from '../../functions/domain/postcode-routing';
import { validate } from '../../functions/domain/validate';
import {
  generateSeed,
  STOCK_COUNTED_AT,
  STORY_CUSTOMER_ID,
  STORY_GOOSE_STOCK,
  STORY_STORES,
} from '../../functions/seed/generate';
import { STORY_SKUS } from '../../functions/seed/products';

const seed = generateSeed();
const people = seed.tandems.flatMap((t) => [t.fieldManager, t.insideManager]);
const FICTITIOUS_MOBILE = /^\+49(3023125|4066969)\d{3}$/;

describe('territories and tandems', () => {
  test('there are exactly 400 territories, T001 to T400', () => {
    expect(seed.territories.map((t) => t.territoryId)).toEqual(
      Array.from({ length: 400 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`),
    );
  });

  test('every territory has exactly one tandem of two different people', () => {
    expect(seed.tandems).toHaveLength(400);
    expect(new Set(seed.tandems.map((t) => t.territoryId))).toEqual(new Set(seed.territories.map((t) => t.territoryId)));
    for (const tandem of seed.tandems) expect(tandem.fieldManager.personId).not.toBe(tandem.insideManager.personId);
  });

  test('the tandems are 800 distinct people with unique mobiles and emails', () => {
    expect(new Set(people.map((p) => p.personId)).size).toBe(800);
    expect(new Set(people.map((p) => p.mobile)).size).toBe(800);
    expect(new Set(people.map((p) => p.email)).size).toBe(800);
  });

  test('every email is ASCII at example.com and every mobile is a fictitious drama number', () => {
    for (const person of people) {
      expect(person.email).toMatch(/^[a-z0-9.-]+@example\.com$/);
      expect(person.mobile).toMatch(FICTITIOUS_MOBILE);
    }
  });

  test('about 10 % of the people prefer English and every one has a channel', () => {
    const english = people.filter((p) => p.language === 'en').length;
    expect(english).toBeGreaterThan(40);
    expect(english).toBeLessThan(130);
    expect(people.every((p) => p.channels.length > 0)).toBe(true);
  });

  test('a territory is named after its region city and has a home store that exists', () => {
    const storeIds = new Set(seed.stores.map((s) => s.storeId));
    const duesseldorf = seed.territories.filter((t) => t.region === '40').map((t) => t.name);
    expect(duesseldorf).toEqual(['Düsseldorf 1', 'Düsseldorf 2', 'Düsseldorf 3', 'Düsseldorf 4']);
    expect(seed.territories.filter((t) => t.region === '80')).toHaveLength(5);
    for (const territory of seed.territories) expect(storeIds.has(territory.homeStoreId)).toBe(true);
  });
});

describe('schemas', () => {
  test('every record passes its schema', () => {
    seed.territories.forEach((t) => validate(territorySchema, t, `territory ${t.territoryId}`));
    seed.tandems.forEach((t) => validate(tandemSchema, t, `tandem ${t.territoryId}`));
    seed.customers.forEach((c) => validate(customerSchema, c, `customer ${c.customerId}`));
    seed.stores.forEach((s) => validate(storeSchema, s, `store ${s.storeId}`));
    seed.products.forEach((p) => validate(productSchema, p, `product ${p.sku}`));
    seed.stock.forEach((s) => validate(stockLevelSchema, s, `stock ${s.storeId}/${s.sku}`));
  });
});

describe('determinism', () => {
  test('two calls return deep-equal seeds', () => {
    expect(generateSeed()).toEqual(seed);
  });

  test('generating the seed uses neither Math.random nor the clock', () => {
    const random = jest.spyOn(Math, 'random');
    const now = jest.spyOn(Date, 'now');
    try {
      expect(generateSeed()).toEqual(seed);
      expect(random).not.toHaveBeenCalled();
      expect(now).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
      now.mockRestore();
    }
  });
});

describe('products', () => {
  test('there are at least 200 products with unique SKUs and names, including the story SKUs', () => {
    expect(seed.products.length).toBeGreaterThanOrEqual(200);
    const skus = new Set(seed.products.map((p) => p.sku));
    expect(skus.size).toBe(seed.products.length);
    expect(new Set(seed.products.map((p) => p.name)).size).toBe(seed.products.length);
    for (const sku of Object.values(STORY_SKUS)) expect(skus.has(sku)).toBe(true);
  });

  test('the story goose is a convenience-line piece and the other story items are sold by kg', () => {
    const bySku = new Map(seed.products.map((p) => [p.sku, p]));
    expect(bySku.get(STORY_SKUS.goose)).toMatchObject({ unit: 'piece', productLine: 'Chef Convenience' });
    for (const sku of [STORY_SKUS.debonedChickenThighs, STORY_SKUS.salmonPortions, STORY_SKUS.tuna]) {
      expect(bySku.get(sku)?.unit).toBe('kg');
    }
  });
});

describe('stores and stock', () => {
  test('there are about 100 stores, all inside Germany, at least two near Düsseldorf', () => {
    expect(seed.stores.length).toBeGreaterThanOrEqual(95);
    expect(seed.stores.length).toBeLessThanOrEqual(120);
    for (const { location } of seed.stores) {
      expect(location.lat).toBeGreaterThanOrEqual(47.2);
      expect(location.lat).toBeLessThanOrEqual(55.1);
      expect(location.lon).toBeGreaterThanOrEqual(5.8);
      expect(location.lon).toBeLessThanOrEqual(15.1);
    }
    const duesseldorf = { lat: 51.2277, lon: 6.7735 };
    expect(seed.stores.filter((s) => distanceKm(duesseldorf, s.location) < 15).length).toBeGreaterThanOrEqual(2);
  });

  test('stores carry about 70 % of the catalogue, counted at a fixed time with nothing reserved', () => {
    const share = seed.stock.length / (seed.stores.length * seed.products.length);
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.75);
    expect(seed.stock.every((s) => s.reserved === 0 && s.countedAt === STOCK_COUNTED_AT)).toBe(true);
  });

  test('each store has 10 neighbours, sorted by distance, never itself', () => {
    for (const store of seed.stores) {
      const own = seed.neighbours.filter((n) => n.storeId === store.storeId);
      expect(own).toHaveLength(10);
      expect(own.some((n) => n.neighbourId === store.storeId)).toBe(false);
      const distances = own.map((n) => n.distanceKm);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    }
  });
});

describe('customers', () => {
  const routes = toRoutedRanges(seed.territories);
  const territoryById = new Map(seed.territories.map((t) => [t.territoryId, t]));

  test('every customer postcode routes to the customer’s own territory and its home store', () => {
    for (const customer of seed.customers) {
      expect(findTerritoryForPostcode(routes, customer.address.postcode)).toBe(customer.territoryId);
      expect(customer.homeStoreId).toBe(territoryById.get(customer.territoryId)?.homeStoreId);
    }
  });

  test('new and prospect customers belong to the field manager, handed-over ones to the inside manager', () => {
    for (const customer of seed.customers) {
      expect(customer.owner).toBe(customer.lifecycle === 'handed-over' ? 'inside' : 'field');
      if (customer.lifecycle === 'prospect') expect(customer.wonOn).toBeUndefined();
      else expect(customer.wonOn && customer.wonOn < '2026-01-01').toBe(true);
    }
    expect(new Set(seed.customers.map((c) => c.lifecycle))).toEqual(new Set(['prospect', 'new', 'handed-over']));
  });
});

describe('story fixture', () => {
  const customer = seed.customers.find((c) => c.customerId === STORY_CUSTOMER_ID);
  const goose = (storeId: string) => seed.stock.find((s) => s.storeId === storeId && s.sku === STORY_SKUS.goose);

  test('the story customer is a restaurant in Düsseldorf-Flingern whose home store is STORY_STORES.home', () => {
    expect(customer).toMatchObject({
      name: 'Restaurant Rheinblick',
      address: { postcode: '40233', city: 'Düsseldorf' },
      homeStoreId: STORY_STORES.home,
    });
  });

  test('the goose is short at the home store and available at its nearest other store', () => {
    expect(goose(STORY_STORES.home)?.available).toBe(STORY_GOOSE_STOCK.home);
    expect(goose(STORY_STORES.nearby)?.available).toBe(STORY_GOOSE_STOCK.nearby);
    expect(STORY_GOOSE_STOCK.home).toBeLessThan(10);
    expect(STORY_GOOSE_STOCK.nearby).toBeGreaterThanOrEqual(10);
    const firstNeighbour = seed.neighbours.find((n) => n.storeId === STORY_STORES.home);
    expect(firstNeighbour?.neighbourId).toBe(STORY_STORES.nearby);
  });
});
