import {
  chooseStore,
  freeStock,
  type CandidateStore,
  type FreeStock,
  type WantedLine,
} from '../../../functions/customer-request/domain/stock-selection';
import { STORY_GOOSE_STOCK, STORY_STORES } from '../../../functions/seed/generate';
import { STORY_SKUS } from '../../../functions/seed/products';
import { createRandom } from '../../../functions/seed/random';

const { goose, tuna, salmonPortions } = STORY_SKUS;

const store = (storeId: string, distanceKm: number, levels: Record<string, [available: number, reserved?: number]>): CandidateStore => ({
  storeId,
  distanceKm,
  levels: new Map(Object.entries(levels).map(([sku, [available, reserved = 0]]) => [sku, { available, reserved }])),
});

describe('chooseStore on the story and hand-made tables', () => {
  test('the story: the home store has 2 geese, the nearby store 25, so 10 geese come from the nearby store', () => {
    const candidates = [
      store(STORY_STORES.home, 0, { [goose]: [STORY_GOOSE_STOCK.home] }),
      store(STORY_STORES.nearby, 5.1, { [goose]: [STORY_GOOSE_STOCK.nearby] }),
    ];
    expect(chooseStore([{ sku: goose, quantity: 10 }], candidates)).toEqual({
      kind: 'full',
      storeId: STORY_STORES.nearby,
      distanceKm: 5.1,
      lines: [{ sku: goose, quantity: 10 }],
    });
  });

  test('the home store wins over a nearer-listed store when both can fill, because candidates come home-first', () => {
    const candidates = [store('S010', 0, { [goose]: [10] }), store('S011', 1, { [goose]: [50] })];
    expect(chooseStore([{ sku: goose, quantity: 10 }], candidates)).toMatchObject({ kind: 'full', storeId: 'S010' });
  });

  test('reserved units are not free: 25 on hand with 20 reserved cannot give 10', () => {
    const candidates = [store('S010', 0, { [goose]: [25, 20] }), store('S011', 3, { [goose]: [10] })];
    expect(chooseStore([{ sku: goose, quantity: 10 }], candidates)).toMatchObject({ kind: 'full', storeId: 'S011' });
  });

  test('a preferred store that can fill everything wins over the home store', () => {
    const candidates = [store('S010', 0, { [goose]: [10] }), store('S011', 12, { [goose]: [10] })];
    expect(chooseStore([{ sku: goose, quantity: 10 }], candidates, { preferredStoreId: 'S011' })).toMatchObject({
      kind: 'full',
      storeId: 'S011',
    });
  });

  test('a preferred store that cannot fill everything does not win', () => {
    const candidates = [store('S010', 0, { [goose]: [10] }), store('S011', 12, { [goose]: [9] })];
    expect(chooseStore([{ sku: goose, quantity: 10 }], candidates, { preferredStoreId: 'S011' })).toMatchObject({
      kind: 'full',
      storeId: 'S010',
    });
  });

  test('one store must fill every line: two stores with one line each are partial, not full', () => {
    const lines: WantedLine[] = [
      { sku: goose, quantity: 10 },
      { sku: tuna, quantity: 12.5 },
    ];
    const candidates = [store('S010', 0, { [goose]: [10] }), store('S011', 4, { [tuna]: [20] }), store('S012', 9, {})];
    expect(chooseStore(lines, candidates)).toEqual({
      kind: 'partial',
      best: 'S010',
      fillable: [
        { storeId: 'S010', distanceKm: 0, lines: [{ sku: goose, quantity: 10 }] },
        { storeId: 'S011', distanceKm: 4, lines: [{ sku: tuna, quantity: 12.5 }] },
      ],
      missing: [{ sku: tuna, quantity: 12.5 }],
    });
  });

  test('partial: the store filling more lines completely is best, even if farther', () => {
    const lines: WantedLine[] = [
      { sku: goose, quantity: 10 },
      { sku: tuna, quantity: 12 },
      { sku: salmonPortions, quantity: 5 },
    ];
    const candidates = [
      store('S010', 0, { [goose]: [9], [tuna]: [11], [salmonPortions]: [4] }),
      store('S011', 30, { [goose]: [10], [tuna]: [12] }),
    ];
    const choice = chooseStore(lines, candidates);
    expect(choice).toMatchObject({ kind: 'partial', best: 'S011', missing: [{ sku: salmonPortions, quantity: 5 }] });
  });

  test('partial with kg: missing quantities keep 3 decimals exactly (2.4, not 2.4000000000000004)', () => {
    const choice = chooseStore([{ sku: tuna, quantity: 12.4 }], [store('S010', 0, { [tuna]: [10] })]);
    expect(choice).toEqual({
      kind: 'partial',
      best: 'S010',
      fillable: [{ storeId: 'S010', distanceKm: 0, lines: [{ sku: tuna, quantity: 10 }] }],
      missing: [{ sku: tuna, quantity: 2.4 }],
    });
  });

  test('none when no store has any free unit of any line', () => {
    const candidates = [store('S010', 0, { [goose]: [5, 5] }), store('S011', 3, { [tuna]: [100] }), store('S012', 8, { [goose]: [3, 7] })];
    expect(chooseStore([{ sku: goose, quantity: 1 }], candidates)).toEqual({ kind: 'none' });
    expect(chooseStore([{ sku: goose, quantity: 1 }], [])).toEqual({ kind: 'none' });
  });

  test('a count below the reservations (negative free stock) counts as nothing free', () => {
    expect(freeStock({ available: 4, reserved: 10 })).toBe(0);
    expect(freeStock(undefined)).toBe(0);
  });

  test('lines naming a SKU twice are a programming error', () => {
    expect(() => chooseStore([{ sku: goose, quantity: 1 }, { sku: goose, quantity: 2 }], [])).toThrow(RangeError);
  });
});

describe('chooseStore invariants on 2,000 seeded random cases', () => {
  const random = createRandom('test.stock-selection');
  const SKUS = [goose, tuna, salmonPortions, 'GEF-0100', 'FIS-0101', 'TKK-0102'];

  function randomCase(): { lines: WantedLine[]; candidates: CandidateStore[]; preferredStoreId?: string } {
    const lines = random
      .shuffle(SKUS)
      .slice(0, random.int(1, 4))
      .map((sku) => ({ sku, quantity: random.chance(0.5) ? random.int(1, 20) : random.int(1, 20_000) / 1000 }));
    const candidates = Array.from({ length: random.int(0, 6) }, (_, i): CandidateStore => {
      const levels = new Map<string, FreeStock>();
      for (const sku of SKUS) {
        if (random.chance(0.3)) continue;
        const available = random.int(0, 25);
        levels.set(sku, { available, reserved: random.int(0, available + 3) });
      }
      return { storeId: `S${String(100 + i)}`, distanceKm: i * 4.5, levels };
    });
    const preferredStoreId = random.chance(0.3) ? random.pick(candidates.map((c) => c.storeId).concat(['S999'])) : undefined;
    return preferredStoreId === undefined ? { lines, candidates } : { lines, candidates, preferredStoreId };
  }

  const free = (c: CandidateStore, sku: string): number => freeStock(c.levels.get(sku));
  const canFillAll = (c: CandidateStore, lines: readonly WantedLine[]): boolean => lines.every((l) => free(c, l.sku) >= l.quantity);

  test('a full choice really has enough free stock, and no earlier store (nor a capable preferred one) was passed over', () => {
    let fullCount = 0;
    let partialCount = 0;
    let noneCount = 0;
    for (let n = 0; n < 2000; n++) {
      const { lines, candidates, preferredStoreId } = randomCase();
      const choice = chooseStore(lines, candidates, preferredStoreId === undefined ? {} : { preferredStoreId });
      const preferred = candidates.find((c) => c.storeId === preferredStoreId);

      if (choice.kind === 'full') {
        fullCount++;
        const chosen = candidates.find((c) => c.storeId === choice.storeId);
        expect(chosen).toBeDefined();
        if (!chosen) continue;
        expect(canFillAll(chosen, lines)).toBe(true);
        expect(choice.lines).toEqual(lines);
        if (preferred && canFillAll(preferred, lines)) expect(choice.storeId).toBe(preferred.storeId);
        else {
          const earlier = candidates.slice(0, candidates.indexOf(chosen));
          expect(earlier.filter((c) => canFillAll(c, lines)).map((c) => c.storeId)).toEqual([]);
        }
      } else if (choice.kind === 'partial') {
        partialCount++;
        expect(candidates.filter((c) => canFillAll(c, lines))).toEqual([]);
        expect(choice.fillable.map((f) => f.storeId)).toContain(choice.best);
        for (const fill of choice.fillable) {
          const c = candidates.find((s) => s.storeId === fill.storeId);
          expect(c).toBeDefined();
          for (const line of fill.lines) {
            const wanted = lines.find((l) => l.sku === line.sku)?.quantity ?? 0;
            expect(line.quantity).toBeGreaterThan(0);
            expect(line.quantity).toBeLessThanOrEqual(Math.min(wanted, c ? free(c, line.sku) : 0));
          }
        }
        const best = choice.fillable.find((f) => f.storeId === choice.best);
        for (const line of lines) {
          const given = best?.lines.find((l) => l.sku === line.sku)?.quantity ?? 0;
          const missing = choice.missing.find((m) => m.sku === line.sku)?.quantity ?? 0;
          expect(given + missing).toBeCloseTo(line.quantity, 9);
        }
      } else {
        noneCount++;
        for (const c of candidates) for (const l of lines) expect(free(c, l.sku)).toBe(0);
      }
    }
    // The generator must exercise every outcome, or the invariants prove little.
    expect(Math.min(fullCount, partialCount, noneCount)).toBeGreaterThan(100);
  });

  test('the choice does not depend on the order of the lines', () => {
    for (let n = 0; n < 500; n++) {
      const { lines, candidates, preferredStoreId } = randomCase();
      const options = preferredStoreId === undefined ? {} : { preferredStoreId };
      const a = chooseStore(lines, candidates, options);
      const b = chooseStore([...lines].reverse(), candidates, options);
      const storeOf = (c: typeof a): string | undefined => (c.kind === 'full' ? c.storeId : c.kind === 'partial' ? c.best : undefined);
      expect(b.kind).toBe(a.kind);
      expect(storeOf(b)).toBe(storeOf(a));
    }
  });
});
