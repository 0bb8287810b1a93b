/**
 * Every access pattern of docs/access-patterns.md, against DynamoDB Local,
 * on a table created from the synthesized template and loaded with the
 * national seed — every territory, tandem, customer, store and product, and
 * the stock the stock patterns read (the story's products everywhere, and
 * everything in the story's stores): the other ~19,000 stock levels would
 * only make loading slow (npm start loads them all).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import { DynamoCatalogueRepository } from '../../functions/repository/catalogue-repository';
import { DynamoCustomerRepository } from '../../functions/repository/customer-repository';
import { DynamoRequestRepository } from '../../functions/repository/request-repository';
import { loadDataSet } from '../../functions/repository/seed-loader';
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
import { DynamoStoreDirectory } from '../../functions/repository/store-directory';
import { DynamoTerritoryDirectory } from '../../functions/repository/territory-directory';
import { generateSeed, STORY_CUSTOMER_ID, STORY_GOOSE_STOCK, STORY_STORES } from '../../functions/seed/generate';
import { STORY_SKUS } from '../../functions/seed/products';
import { createTestTable, type TestTable } from '../support/local-table';
import { storyRequest } from '../support/story-request';

const national = generateSeed();
const storyStores: readonly string[] = [STORY_STORES.home, STORY_STORES.nearby];
const storySkus: readonly string[] = Object.values(STORY_SKUS);
const seed = { ...national, stock: national.stock.filter((s) => storySkus.includes(s.sku) || storyStores.includes(s.storeId)) };
let table: TestTable;
let territories: DynamoTerritoryDirectory;
let stores: DynamoStoreDirectory;
let customers: DynamoCustomerRepository;
let catalogue: DynamoCatalogueRepository;
let stock: DynamoStockRepository;
let requests: DynamoRequestRepository;

beforeAll(async () => {
  table = await createTestTable();
  const started = performance.now();
  const { items } = await loadDataSet(table, seed);
  console.log(`seeded ${items} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  territories = new DynamoTerritoryDirectory(table);
  stores = new DynamoStoreDirectory(table, territories);
  customers = new DynamoCustomerRepository(table);
  catalogue = new DynamoCatalogueRepository(table);
  stock = new DynamoStockRepository(table);
  requests = new DynamoRequestRepository(table);
});

afterAll(async () => {
  await table?.drop();
});

describe('territories and tandems', () => {
  test('1 · territory by postcode: a sample of postcodes in every region resolves to the seeded owner', async () => {
    const ranges = seed.territories.flatMap((t) => t.postcodes.map((r) => ({ ...r, territoryId: t.territoryId })));
    // both ends and the middle of every range: 1,200 lookups over all 99 regions
    const probes = ranges.flatMap((r) => [r.from, r.to, String(Math.floor((Number(r.from) + Number(r.to)) / 2)).padStart(5, '0')].map((pc) => [pc, r.territoryId] as const));
    const found: (string | undefined)[] = [];
    for (let i = 0; i < probes.length; i += 50) {
      const batch = probes.slice(i, i + 50);
      found.push(...(await Promise.all(batch.map(async ([pc]) => (await territories.territoryForPostcode(pc))?.territoryId))));
    }
    expect(found).toEqual(probes.map(([, id]) => id));
  });

  test('1 · the story postcode 40233 (Düsseldorf-Flingern) routes to a Düsseldorf territory', async () => {
    const territory = await territories.territoryForPostcode('40233');
    expect(territory?.region).toBe('40');
    expect(territory?.name).toMatch(/^Düsseldorf/);
  });

  test('1 · a malformed postcode is refused before any read, naming the field', async () => {
    await expect(territories.territoryForPostcode('4023')).rejects.toThrow(ValidationError);
    await expect(territories.territoryForPostcode('4023')).rejects.toThrow(/postcode/);
  });

  test('2 · 3 · every one of the 400 territories has its territory record and a complete tandem', async () => {
    const ids = seed.territories.map((t) => t.territoryId);
    const { territories: found, tandems } = await territories.getTerritoriesWithTandems(ids);
    expect(found).toHaveLength(400);
    expect(tandems).toHaveLength(400);
    for (const tandem of tandems) {
      for (const person of [tandem.fieldManager, tandem.insideManager]) {
        expect(person.mobile).toMatch(/^\+49\d+$/);
        expect(person.email).toMatch(/@example\.com$/);
        expect(person.channels.length).toBeGreaterThan(0);
      }
      expect(tandem.fieldManager.personId).not.toBe(tandem.insideManager.personId);
    }
    const single = await territories.getTandem('T001');
    expect(single).toEqual(seed.tandems.find((t) => t.territoryId === 'T001'));
    expect(await territories.getTerritory('T001')).toEqual(seed.territories.find((t) => t.territoryId === 'T001'));
  });

  test('4 · the stored routing table covers every postcode 01000–99999 exactly once', async () => {
    const ranges = await territories.listPostcodeRanges();
    expect(ranges).toHaveLength(400);
    const covered = ranges.reduce((sum, r) => sum + Number(r.to) - Number(r.from) + 1, 0);
    expect(covered).toBe(99_000);
  });
});

describe('customers', () => {
  test('6 · 7 · customers by id and by territory', async () => {
    const story = await customers.getCustomer(STORY_CUSTOMER_ID);
    expect(story?.address.postcode).toBe('40233');
    const inTerritory = await customers.customersInTerritory(story!.territoryId);
    expect(inTerritory.map((c) => c.customerId)).toContain(STORY_CUSTOMER_ID);
    const expected = seed.customers.filter((c) => c.territoryId === story!.territoryId).map((c) => c.customerId).sort();
    expect(inTerritory.map((c) => c.customerId).sort()).toEqual(expected);
  });

  test('createCustomer records a new customer once; a second create with the same id is a ConflictError', async () => {
    const prospect = { ...seed.customers[0]!, customerId: 'C912345', name: 'Imbiss am Hafen', lifecycle: 'prospect' as const };
    await customers.createCustomer(prospect);
    await expect(customers.createCustomer({ ...prospect, name: 'Someone else' })).rejects.toThrow(ConflictError);
    expect((await customers.getCustomer('C912345'))?.name).toBe('Imbiss am Hafen');
  });

  test('a customer with a malformed postcode is refused and nothing is written', async () => {
    const valid = seed.customers[0]!;
    const broken = { ...valid, customerId: 'C999999', address: { ...valid.address, postcode: '123' } };
    await expect(customers.putCustomer(broken)).rejects.toThrow(/customer C999999 is invalid: address\.postcode/);
    expect(await customers.getCustomer('C999999')).toBeUndefined();
  });
});

describe('stores and stock', () => {
  test('8 · 9 · every seeded store is listed and readable by id', async () => {
    const listed = await stores.listStores();
    expect(listed).toHaveLength(seed.stores.length);
    expect(await stores.getStore(STORY_STORES.home)).toEqual(seed.stores.find((s) => s.storeId === STORY_STORES.home));
  });

  test('10 · nearest stores to a store come nearest first, without the store itself', async () => {
    const nearest = await stores.nearestStores(STORY_STORES.home, 5);
    expect(nearest).toHaveLength(5);
    expect(nearest[0]?.storeId).toBe(STORY_STORES.nearby);
    expect(nearest.map((n) => n.storeId)).not.toContain(STORY_STORES.home);
    const distances = nearest.map((n) => n.distanceKm);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  });

  test('11 · nearest stores to a postcode start with the territory home store', async () => {
    const nearby = await stores.nearestStoresToPostcode('40233', 4);
    expect(nearby.map((n) => n.storeId).slice(0, 2)).toEqual([STORY_STORES.home, STORY_STORES.nearby]);
    expect(nearby).toHaveLength(4);
  });

  test('12 · stock of the goose across the nearby stores shows the story: short at home, available nearby', async () => {
    const levels = await stock.stockAcross(STORY_SKUS.goose, [STORY_STORES.home, STORY_STORES.nearby]);
    expect(levels.map((l) => [l.storeId, l.available])).toEqual([
      [STORY_STORES.home, STORY_GOOSE_STOCK.home],
      [STORY_STORES.nearby, STORY_GOOSE_STOCK.nearby],
    ]);
  });

  test('12 · stock across more than 100 stores is read in several batches', async () => {
    const all = seed.stores.map((s) => s.storeId);
    const levels = await stock.stockAcross(STORY_SKUS.tuna, [...all, ...all]);
    const expected = seed.stock.filter((s) => s.sku === STORY_SKUS.tuna);
    expect(levels).toHaveLength(expected.length);
  });

  test('13 · stock of a store lists every product it carries', async () => {
    const levels = await stock.stockOfStore(STORY_STORES.nearby);
    expect(levels).toHaveLength(seed.stock.filter((s) => s.storeId === STORY_STORES.nearby).length);
  });
});

describe('catalogue', () => {
  test('14 · products by SKU and by SKUs', async () => {
    expect((await catalogue.getProduct(STORY_SKUS.goose))?.unit).toBe('piece');
    const many = await catalogue.getProducts(Object.values(STORY_SKUS));
    expect(many.map((p) => p.sku).sort()).toEqual(Object.values(STORY_SKUS).sort());
  });

  test('15 · products of a product line and the whole catalogue', async () => {
    const goose = seed.products.find((p) => p.sku === STORY_SKUS.goose)!;
    const line = await catalogue.productsInLine(goose.productLine);
    expect(line.map((p) => p.sku)).toContain(STORY_SKUS.goose);
    expect(line.every((p) => p.productLine === goose.productLine)).toBe(true);
    expect(await catalogue.allProducts()).toHaveLength(seed.products.length);
  });
});

describe('requests, decisions and audit events', () => {
  const request = storyRequest;

  beforeAll(async () => {
    await requests.createRequest(request('REQ-1', '2026-11-27T08:00:00Z'));
    await requests.createRequest(request('REQ-2', '2026-11-27T09:30:00.250Z'));
    await requests.createRequest(request('REQ-3', '2026-11-27T11:00:00+01:00')); // 10:00 UTC
  });

  test('16 · 17 · a request is created once; the second create is a conflict that changes nothing', async () => {
    await expect(requests.createRequest({ ...request('REQ-1', '2026-11-27T12:00:00Z'), fulfilment: 'delivery' })).rejects.toThrow(
      ConflictError,
    );
    const stored = await requests.getRequest('REQ-1');
    expect(stored?.fulfilment).toBe('pickup');
    expect(stored?.createdAt).toBe('2026-11-27T08:00:00Z');
  });

  test('19 · requests by customer over time, oldest first, window inclusive, across time zones', async () => {
    const all = await requests.requestsByCustomer(STORY_CUSTOMER_ID);
    expect(all.map((r) => r.requestId)).toEqual(['REQ-1', 'REQ-2', 'REQ-3']);
    const window = await requests.requestsByCustomer(STORY_CUSTOMER_ID, { from: '2026-11-27T09:30:00.250Z', to: '2026-11-27T10:00:00Z' });
    expect(window.map((r) => r.requestId)).toEqual(['REQ-2', 'REQ-3']);
  });

  test('20 · requests by territory over time', async () => {
    const territoryId = seed.customers.find((c) => c.customerId === STORY_CUSTOMER_ID)!.territoryId;
    const before9 = await requests.requestsByTerritory(territoryId, { to: '2026-11-27T09:00:00Z' });
    expect(before9.map((r) => r.requestId)).toEqual(['REQ-1']);
  });

  test('18 · 21 · a status change moves the request between status queries', async () => {
    await requests.updateStatus('REQ-2', 'RESERVED', '2026-11-27T09:31:00Z', STORY_STORES.nearby);
    expect((await requests.requestsByStatus('RESERVED')).map((r) => r.requestId)).toEqual(['REQ-2']);
    expect((await requests.requestsByStatus('RECEIVED')).map((r) => r.requestId)).toEqual(['REQ-1', 'REQ-3']);
    const stored = await requests.getRequest('REQ-2');
    expect(stored).toMatchObject({ status: 'RESERVED', storeId: STORY_STORES.nearby, updatedAt: '2026-11-27T09:31:00Z' });
  });

  test('18 · changing the status of an unknown request is a NotFoundError and creates nothing', async () => {
    await expect(requests.updateStatus('REQ-404', 'RESERVED', '2026-11-27T09:31:00Z')).rejects.toThrow(NotFoundError);
    expect(await requests.getRequest('REQ-404')).toBeUndefined();
  });

  test('22 · 23 · decisions and the audit trail of a request, in time order', async () => {
    await requests.appendAuditEvent({ requestId: 'REQ-3', at: '2026-11-27T10:00:01Z', step: 'CheckStock', detail: { stores: 3 } });
    await requests.appendAuditEvent({ requestId: 'REQ-3', at: '2026-11-27T10:00:00Z', step: 'Route', detail: {} });
    await requests.recordDecision({
      requestId: 'REQ-3',
      decidedBy: 'P0002',
      outcome: 'sourced',
      storeId: STORY_STORES.nearby,
      decidedAt: '2026-11-27T10:12:00Z',
    });
    expect((await requests.auditTrail('REQ-3')).map((e) => e.step)).toEqual(['Route', 'CheckStock']);
    expect(await requests.decisionsFor('REQ-3')).toEqual([
      expect.objectContaining({ outcome: 'sourced', storeId: STORY_STORES.nearby, decidedBy: 'P0002' }),
    ]);
  });
});

describe('seed loader', () => {
  test('a data set with one malformed record is refused whole, naming the record and field, and writes nothing', async () => {
    const empty = await createTestTable();
    try {
      const tandems = seed.tandems.map((t, i) =>
        i === 17 ? { ...t, insideManager: { ...t.insideManager, mobile: '0211 123456' } } : t,
      );
      await expect(loadDataSet(empty, { ...seed, tandems })).rejects.toThrow(
        new RegExp(`tandem ${seed.tandems[17]!.territoryId} is invalid: insideManager\\.mobile`),
      );
      const scan = await empty.doc.send(new ScanCommand({ TableName: empty.tableName, Select: 'COUNT' }));
      expect(scan.Count).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  test('a stock level for a product outside the catalogue is refused, naming the field', async () => {
    const empty = await createTestTable();
    try {
      const stockLevels = [...seed.stock, { ...seed.stock[0]!, sku: 'ZZZ-9999' }];
      await expect(loadDataSet(empty, { ...seed, stock: stockLevels })).rejects.toThrow(/ZZZ-9999 is invalid: sku: product is not in the data set/);
      const scan = await empty.doc.send(new ScanCommand({ TableName: empty.tableName, Select: 'COUNT' }));
      expect(scan.Count).toBe(0);
    } finally {
      await empty.drop();
    }
  });
});

describe('registering submissions', () => {
  const submitted = (requestId: string) => storyRequest(requestId);

  test('a submission is created once; a repeat with the same body is a duplicate answered with the stored request', async () => {
    expect((await requests.registerSubmission(submitted('SUB-1'), 'fp-a')).outcome).toBe('created');
    const again = await requests.registerSubmission({ ...submitted('SUB-1'), createdAt: '2026-11-27T08:05:00Z' }, 'fp-a');
    expect(again.outcome).toBe('duplicate');
    expect(again.request.createdAt).toBe('2026-11-27T08:00:00Z');
    expect(again.request).not.toHaveProperty('fingerprint');
  });

  test('the same request id with a different body is a conflict that changes nothing', async () => {
    await requests.registerSubmission(submitted('SUB-2'), 'fp-a');
    const other = await requests.registerSubmission({ ...submitted('SUB-2'), fulfilment: 'delivery' }, 'fp-b');
    expect(other.outcome).toBe('conflict');
    expect((await requests.getRequest('SUB-2'))?.fulfilment).toBe('pickup');
  });

  test('50 concurrent identical submissions create exactly one request', async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => requests.registerSubmission(submitted('SUB-3'), 'fp-c')));
    const created = outcomes.filter((o) => o.outcome === 'created').length;
    console.log(`50 concurrent identical submissions: ${created} created, ${50 - created} duplicates`);
    expect(created).toBe(1);
    expect(outcomes.every((o) => o.outcome !== 'conflict')).toBe(true);
  });
});
