/**
 * Atomic, idempotent stock reservation against DynamoDB Local: stock is never
 * over-reserved under concurrency, a retried reserve reserves once, a short line
 * changes nothing, and releases return (or remove) the units exactly once.
 */
import { ValidationError } from '../../functions/domain/errors';
import type { StockLevel } from '../../functions/domain/model';
import { DynamoReservationRepository, type ReservationOutcome } from '../../functions/repository/reservation-repository';
import { loadDataSet } from '../../functions/repository/seed-loader';
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
import { generateSeed } from '../../functions/seed/generate';
import { createTestTable, type TestTable } from '../support/local-table';

const seed = generateSeed();
const [S1, S2, S3] = seed.stores.slice(0, 3).map((s) => s.storeId) as [string, string, string];
const SKUS = seed.products.slice(0, 12).map((p) => p.sku);
const sku = (i: number): string => SKUS[i]!;
const COUNTED_AT = '2026-11-26T05:00:00.000Z';
const RESERVED_AT = '2026-11-27T08:00:00.000Z';
const EXPIRES_AT = '2026-11-28T20:00:00.000Z';

/** Stock the tests start from: each test uses its own SKUs, so the tests share no item. */
const STOCK: StockLevel[] = [
  { storeId: S1, sku: sku(0), available: 20, reserved: 0, countedAt: COUNTED_AT }, // plain reserve
  { storeId: S1, sku: sku(1), available: 12, reserved: 2, countedAt: COUNTED_AT }, // 50 racers for 10 free
  { storeId: S1, sku: sku(2), available: 15, reserved: 0, countedAt: COUNTED_AT }, // 200 racers, 3 stores: 15 + 12 + 10 = 37
  { storeId: S2, sku: sku(2), available: 12, reserved: 0, countedAt: COUNTED_AT },
  { storeId: S3, sku: sku(2), available: 10, reserved: 0, countedAt: COUNTED_AT },
  { storeId: S1, sku: sku(3), available: 30, reserved: 0, countedAt: COUNTED_AT }, // idempotency
  { storeId: S1, sku: sku(4), available: 10, reserved: 0, countedAt: COUNTED_AT }, // all-or-nothing
  { storeId: S1, sku: sku(5), available: 3, reserved: 1, countedAt: COUNTED_AT },
  { storeId: S1, sku: sku(6), available: 10, reserved: 0, countedAt: COUNTED_AT }, // release
  { storeId: S1, sku: sku(7), available: 10, reserved: 0, countedAt: COUNTED_AT },
  { storeId: S1, sku: sku(8), available: 40, reserved: 0, countedAt: COUNTED_AT }, // counts racing reservations
  { storeId: S1, sku: sku(9), available: 5, reserved: 0, countedAt: COUNTED_AT }, // validation
];

let table: TestTable;
let reservations: DynamoReservationRepository;
let stock: DynamoStockRepository;

beforeAll(async () => {
  table = await createTestTable();
  await loadDataSet(table, {
    territories: [],
    tandems: [],
    customers: [],
    neighbours: [],
    stores: seed.stores.slice(0, 3),
    products: seed.products.slice(0, 12),
    stock: STOCK,
  });
  reservations = new DynamoReservationRepository(table);
  stock = new DynamoStockRepository(table);
});

afterAll(async () => {
  await table?.drop();
});

async function level(storeId: string, s: string): Promise<StockLevel> {
  const [found] = await stock.stockAcross(s, [storeId]);
  if (!found) throw new Error(`no stock ${storeId}/${s}`);
  return found;
}

function reserve(requestId: string, storeId: string, lines: { sku: string; quantity: number }[]): Promise<ReservationOutcome> {
  return reservations.reserve({ requestId, storeId, lines, reservedAt: RESERVED_AT, expiresAt: EXPIRES_AT });
}

function count(outcomes: readonly ReservationOutcome[], outcome: ReservationOutcome['outcome']): number {
  return outcomes.filter((o) => o.outcome === outcome).length;
}

test('reserving within free stock raises reserved by the quantity and records a HELD reservation', async () => {
  const outcome = await reserve('req-plain-1', S1, [{ sku: sku(0), quantity: 7 }]);

  expect(outcome).toEqual({
    outcome: 'reserved',
    reservation: {
      requestId: 'req-plain-1',
      hold: 'initial',
      storeId: S1,
      lines: [{ sku: sku(0), quantity: 7 }],
      reservedAt: RESERVED_AT,
      expiresAt: EXPIRES_AT,
      status: 'HELD',
    },
  });
  expect(await level(S1, sku(0))).toEqual({ storeId: S1, sku: sku(0), available: 20, reserved: 7, countedAt: COUNTED_AT });
  expect(await reservations.getReservation('req-plain-1')).toMatchObject({ status: 'HELD', lines: [{ sku: sku(0), quantity: 7 }] });
});

test('50 concurrent requests for 1 unit each competing for 10 free units reserve exactly 10', async () => {
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: 50 }, (_, i) => reserve(`req-race-${i}`, S1, [{ sku: sku(1), quantity: 1 }])),
  );
  const ms = performance.now() - started;

  const after = await level(S1, sku(1));
  console.log(
    `50 concurrent 1-unit requests for 10 free units: ${count(outcomes, 'reserved')} reserved, ` +
      `${count(outcomes, 'insufficient')} insufficient; stock reserved ${after.reserved}/${after.available} ` +
      `(2 held before), free ${after.available - after.reserved}, in ${ms.toFixed(0)} ms`,
  );
  expect(count(outcomes, 'reserved')).toBe(10);
  expect(count(outcomes, 'insufficient')).toBe(40);
  expect(after.reserved).toBe(12);
  expect(after.available - after.reserved).toBe(0);
  for (const o of outcomes) {
    if (o.outcome === 'insufficient') expect(o.shortLines).toEqual([{ sku: sku(1), wanted: 1, free: 0 }]);
  }
});

test('200 concurrent requests of 1–3 units over 3 stores never reserve more than the 37 units on hand', async () => {
  const stores = [S1, S2, S3];
  const requests = Array.from({ length: 200 }, (_, i) => ({
    requestId: `req-spread-${i}`,
    storeId: stores[i % 3]!,
    quantity: 1 + ((i * 7) % 3),
  }));
  const started = performance.now();
  const outcomes = await Promise.all(requests.map((r) => reserve(r.requestId, r.storeId, [{ sku: sku(2), quantity: r.quantity }])));
  const ms = performance.now() - started;

  const levels = await Promise.all(stores.map((s) => level(s, sku(2))));
  const totalReserved = levels.reduce((sum, l) => sum + l.reserved, 0);
  const grantedUnits = requests.reduce((sum, r, i) => sum + (outcomes[i]?.outcome === 'reserved' ? r.quantity : 0), 0);
  console.log(
    `200 concurrent requests of 1–3 units for 37 units in 3 stores: ${count(outcomes, 'reserved')} reserved ` +
      `(${grantedUnits} units), ${count(outcomes, 'insufficient')} insufficient; reserved per store ` +
      `${levels.map((l) => `${l.storeId} ${l.reserved}/${l.available}`).join(', ')}; total ${totalReserved}/37, in ${ms.toFixed(0)} ms`,
  );
  expect(totalReserved).toBeLessThanOrEqual(37);
  expect(totalReserved).toBe(grantedUnits);
  for (const l of levels) expect(l.reserved).toBeLessThanOrEqual(l.available);
  // A store is only refused once it has fewer free units than the request wanted.
  for (const [i, o] of outcomes.entries()) {
    if (o.outcome === 'insufficient') expect(o.shortLines[0]!.free).toBeLessThan(requests[i]!.quantity);
  }
  expect(count(outcomes, 'reserved') + count(outcomes, 'insufficient')).toBe(200);
});

test('a retried reserve with the same request id reserves once, sequentially and 10 times concurrently', async () => {
  const first = await reserve('req-retry-seq', S1, [{ sku: sku(3), quantity: 4 }]);
  const again = await reserve('req-retry-seq', S1, [{ sku: sku(3), quantity: 4 }]);
  expect(first.outcome).toBe('reserved');
  expect(again).toEqual({ outcome: 'already-reserved', reservation: first.outcome === 'reserved' ? first.reservation : undefined });
  expect((await level(S1, sku(3))).reserved).toBe(4);

  const concurrent = await Promise.all(Array.from({ length: 10 }, () => reserve('req-retry-par', S1, [{ sku: sku(3), quantity: 5 }])));
  expect(count(concurrent, 'reserved')).toBe(1);
  expect(count(concurrent, 'already-reserved')).toBe(9);
  expect((await level(S1, sku(3))).reserved).toBe(9);
});

test('a multi-line request with one short line changes nothing at all', async () => {
  const before = await Promise.all([level(S1, sku(4)), level(S1, sku(5))]);

  const outcome = await reserve('req-short', S1, [
    { sku: sku(4), quantity: 6 },
    { sku: sku(5), quantity: 3 },
  ]);

  expect(outcome).toEqual({ outcome: 'insufficient', shortLines: [{ sku: sku(5), wanted: 3, free: 2 }] });
  expect(await Promise.all([level(S1, sku(4)), level(S1, sku(5))])).toEqual(before);
  expect(await reservations.getReservation('req-short')).toBeUndefined();
});

test('a line for a SKU the store does not stock is insufficient with 0 free and changes nothing', async () => {
  const outcome = await reserve('req-unstocked', S2, [{ sku: sku(0), quantity: 1 }]);
  expect(outcome).toEqual({ outcome: 'insufficient', shortLines: [{ sku: sku(0), wanted: 1, free: 0 }] });
  expect(await stock.stockAcross(sku(0), [S2])).toEqual([]);
});

test('releasing a lapsed reservation returns the units and a second release is not-held', async () => {
  await reserve('req-lapse', S1, [{ sku: sku(6), quantity: 4 }]);
  expect((await level(S1, sku(6))).reserved).toBe(4);

  expect(await reservations.release('req-lapse', 'lapsed', '2026-11-28T20:30:00Z')).toBe('released');
  expect(await level(S1, sku(6))).toMatchObject({ available: 10, reserved: 0 });
  expect(await reservations.getReservation('req-lapse')).toMatchObject({
    status: 'RELEASED',
    releaseReason: 'lapsed',
    releasedAt: '2026-11-28T20:30:00.000Z',
  });

  expect(await reservations.release('req-lapse', 'lapsed', '2026-11-28T20:31:00Z')).toBe('not-held');
  expect(await level(S1, sku(6))).toMatchObject({ available: 10, reserved: 0 });
  // the returned units can be reserved again in full
  expect((await reserve('req-lapse-next', S1, [{ sku: sku(6), quantity: 10 }])).outcome).toBe('reserved');
});

test('a picked-up release removes the units from available and reserved, once, even when released concurrently', async () => {
  await reserve('req-pickup', S1, [{ sku: sku(7), quantity: 3 }]);

  const answers = await Promise.all(Array.from({ length: 5 }, () => reservations.release('req-pickup', 'picked-up', '2026-11-28T10:00:00Z')));

  expect(answers.filter((a) => a === 'released')).toHaveLength(1);
  expect(answers.filter((a) => a === 'not-held')).toHaveLength(4);
  expect(await level(S1, sku(7))).toMatchObject({ available: 7, reserved: 0 });
  expect(await reservations.release('never-reserved', 'cancelled', '2026-11-28T10:00:00Z')).toBe('not-held');
  // free stayed 7: exactly 7 more can be reserved
  expect(await reserve('req-pickup-over', S1, [{ sku: sku(7), quantity: 8 }])).toMatchObject({ outcome: 'insufficient' });
  expect((await reserve('req-pickup-next', S1, [{ sku: sku(7), quantity: 7 }])).outcome).toBe('reserved');
});

test('stock counts applied during concurrent reservations never lose a reservation', async () => {
  const counts = [38, 36, 40, 35, 39, 37, 41, 36, 38, 40];
  const work: Promise<unknown>[] = [];
  const outcomes: Promise<ReservationOutcome>[] = [];
  for (let i = 0; i < 30; i++) {
    outcomes.push(reserve(`req-count-${i}`, S1, [{ sku: sku(8), quantity: 1 }]));
    if (i % 3 === 0) {
      const minute = String(10 + i / 3).padStart(2, '0');
      work.push(stock.applyCount(S1, sku(8), counts[i / 3]!, `2026-11-27T09:${minute}:00Z`));
    }
  }
  const settled = await Promise.all(outcomes);
  await Promise.all(work);

  const reservedCount = count(settled, 'reserved');
  const after = await level(S1, sku(8));
  expect(reservedCount).toBe(30);
  expect(after.reserved).toBe(30);
  // the newest count wins; free still equals available − reserved, so it allows exactly that much more
  expect(after.available).toBe(counts[counts.length - 1]);
  const free = after.available - after.reserved;
  expect(await reserve('req-count-over', S1, [{ sku: sku(8), quantity: free + 1 }])).toEqual({
    outcome: 'insufficient',
    shortLines: [{ sku: sku(8), wanted: free + 1, free }],
  });
  expect((await reserve('req-count-exact', S1, [{ sku: sku(8), quantity: free }])).outcome).toBe('reserved');
});

test('invalid reservations are refused naming the field before anything is written', async () => {
  const base = { requestId: 'req-invalid', storeId: S1, reservedAt: RESERVED_AT, expiresAt: EXPIRES_AT };
  const attempt = (lines: { sku: string; quantity: number }[]) => reservations.reserve({ ...base, lines });

  await expect(attempt([{ sku: sku(9), quantity: 0 }])).rejects.toMatchObject({ field: 'lines.0.quantity' });
  await expect(attempt([{ sku: sku(9), quantity: -2 }])).rejects.toThrow(ValidationError);
  await expect(attempt([{ sku: sku(9), quantity: 1 }, { sku: sku(9), quantity: 1 }])).rejects.toMatchObject({ field: 'lines.1.sku' });
  const tooMany = Array.from({ length: 51 }, (_, i) => ({ sku: `ZZZ-${String(i).padStart(4, '0')}`, quantity: 1 }));
  await expect(attempt(tooMany)).rejects.toMatchObject({ field: 'lines' });
  await expect(attempt([])).rejects.toMatchObject({ field: 'lines' });
  await expect(reservations.release('req-invalid', 'stolen' as 'lapsed', RESERVED_AT)).rejects.toMatchObject({ field: 'reason' });

  expect(await reservations.getReservation('req-invalid')).toBeUndefined();
  expect(await level(S1, sku(9))).toMatchObject({ available: 5, reserved: 0 });
});
