/**
 * POST /stores/{storeId}/stock through the local cloud: out-of-order and
 * repeated batches never move stock backwards, reservations are kept, and a
 * bad batch changes nothing.
 */
import { generateSeed } from '../../functions/seed/generate';
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
import { loadDataSet } from '../../functions/repository/seed-loader';
import { startProductCloud, type ProductCloud } from '../support/product-cloud';
import { signedFetch } from '../support/signed-fetch';

const seed = generateSeed();
// Stores and products of their own, so this file shares no stock item with another.
const STORE = seed.stores[40]!;
const [A, B, C] = seed.products.slice(100, 103).map((p) => p.sku) as [string, string, string];
/** Counts are in the past (a feed may not be from the future); `hoursAgo(3)` is three hours before the test run. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const BASE_COUNT = hoursAgo(6);
const FIRST_FEED = hoursAgo(3);

let product: ProductCloud;
let stock: DynamoStockRepository;

beforeAll(async () => {
  product = await startProductCloud();
  const ctx = product.cloud.tableContext('Data');
  await loadDataSet(ctx, {
    territories: [],
    tandems: [],
    customers: [],
    neighbours: [],
    stores: [STORE],
    products: seed.products.slice(100, 103),
    stock: [
      { storeId: STORE.storeId, sku: A, available: 40, reserved: 0, countedAt: BASE_COUNT },
      { storeId: STORE.storeId, sku: B, available: 20, reserved: 8, countedAt: BASE_COUNT },
    ],
  });
  stock = new DynamoStockRepository(ctx);
});

afterAll(async () => {
  await product?.stop();
});

async function postFeed(storeId: string, body: unknown) {
  const response = await signedFetch(new URL(`${product.storeApiUrl}/stores/${storeId}/stock`), {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function levels() {
  const all = await stock.stockAcross(A, [STORE.storeId]);
  const b = await stock.stockAcross(B, [STORE.storeId]);
  const c = await stock.stockAcross(C, [STORE.storeId]);
  return { A: all[0], B: b[0], C: c[0] };
}

describe('POST /stores/{storeId}/stock', () => {
  test('a newer count is applied, a new product gets a level, and reservations are kept', async () => {
    const answer = await postFeed(STORE.storeId, {
      countedAt: FIRST_FEED,
      levels: [
        { sku: A, available: 35 },
        { sku: B, available: 18 },
        { sku: C, available: 7 },
      ],
    });
    expect(answer).toEqual({ status: 200, body: { storeId: STORE.storeId, applied: 3, stale: 0, shortfalls: [], decisionHoldersTold: 0 } });
    const now = await levels();
    expect([now.A?.available, now.B?.available, now.B?.reserved, now.C?.available, now.C?.reserved]).toEqual([35, 18, 8, 7, 0]);
    expect(now.A?.countedAt).toBe(FIRST_FEED);
  });

  test('an older batch arriving late and a repeated batch change nothing', async () => {
    const late = await postFeed(STORE.storeId, { countedAt: hoursAgo(4), levels: [{ sku: A, available: 1 }] });
    expect(late.body).toMatchObject({ applied: 0, stale: 1 });
    const repeated = await postFeed(STORE.storeId, { countedAt: FIRST_FEED, levels: [{ sku: A, available: 2 }] });
    expect(repeated.body).toMatchObject({ applied: 0, stale: 1 });
    expect((await levels()).A?.available).toBe(35);
  });

  test('a count below the reserved units keeps the reservations and reports the shortfall', async () => {
    const answer = await postFeed(STORE.storeId, { countedAt: hoursAgo(2), levels: [{ sku: B, available: 5 }] });
    expect(answer.body).toEqual({ storeId: STORE.storeId, applied: 1, stale: 0, shortfalls: [{ sku: B, shortfall: 3 }], decisionHoldersTold: 0 });
    expect(await levels()).toMatchObject({ B: { available: 5, reserved: 8 } });
  });

  test('a batch with an SKU outside the catalogue is refused whole, naming the level, and writes nothing', async () => {
    const answer = await postFeed(STORE.storeId, {
      countedAt: hoursAgo(1),
      levels: [
        { sku: A, available: 99 },
        { sku: 'ZZZ-9999', available: 1 },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/levels\.1\.sku: ZZZ-9999 is not in the catalogue/);
    expect((await levels()).A?.available).toBe(35);
  });

  test('malformed feeds are refused with the field named', async () => {
    const notJson = await postFeed(STORE.storeId, '{"countedAt": ');
    expect([notJson.status, notJson.body.message]).toEqual([400, 'request is invalid: body: is not valid JSON']);
    const negative = await postFeed(STORE.storeId, { countedAt: hoursAgo(1), levels: [{ sku: A, available: -1 }] });
    expect(negative.status).toBe(400);
    expect(negative.body.message).toMatch(/levels\.0\.available/);
    const future = await postFeed(STORE.storeId, { countedAt: '2099-01-01T00:00:00Z', levels: [{ sku: A, available: 1 }] });
    expect(future.status).toBe(400);
    expect(future.body.message).toMatch(/countedAt/);
    expect((await levels()).A?.available).toBe(35);
  });

  test('an unknown store is a 404 and a malformed store id a 400', async () => {
    const unknown = await postFeed('S999', { countedAt: hoursAgo(1), levels: [{ sku: A, available: 1 }] });
    expect(unknown).toEqual({ status: 404, body: { error: 'NotFound', message: 'store S999 does not exist' } });
    const malformed = await postFeed('market-1', { countedAt: hoursAgo(1), levels: [{ sku: A, available: 1 }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/path parameter storeId/);
  });

  test('20 feeds racing in random order leave the newest count, whatever order they land in', async () => {
    const counts = Array.from({ length: 20 }, (_, i) => ({ countedAt: new Date(Date.now() - 3_000_000 + i * 60_000).toISOString(), available: 100 + i }));
    const shuffled = [...counts].sort((x, y) => ((x.available * 7919) % 20) - ((y.available * 7919) % 20));
    const answers = await Promise.all(shuffled.map((c) => postFeed(STORE.storeId, { countedAt: c.countedAt, levels: [{ sku: C, available: c.available }] })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await levels()).C).toMatchObject({ available: 119, countedAt: counts[19]!.countedAt });
  });
});
