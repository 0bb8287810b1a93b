/**
 * Which store should serve a request: pure, so that the rule can be tested on
 * tables and random data, and the workflow only fetches levels and reserves.
 */

export interface WantedLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface FreeStock {
  readonly available: number;
  readonly reserved: number;
}

export interface CandidateStore {
  readonly storeId: string;
  readonly distanceKm: number;
  /** Levels by SKU; a SKU the store does not carry is simply absent. */
  readonly levels: ReadonlyMap<string, FreeStock>;
}

export interface SelectionOptions {
  /** The customer's wish; wins over the home store when it can fill every line. Ignored if not a candidate. */
  readonly preferredStoreId?: string;
}

export interface StoreFill {
  readonly storeId: string;
  readonly distanceKm: number;
  /** What this store can give, only lines with something to give. */
  readonly lines: readonly WantedLine[];
}

export type StoreChoice =
  | { readonly kind: 'full'; readonly storeId: string; readonly distanceKm: number; readonly lines: readonly WantedLine[] }
  | {
      readonly kind: 'partial';
      /** The store that can give the most; what `missing` is measured against. */
      readonly best: string;
      /** Every store that can give something, in the order they were considered. */
      readonly fillable: readonly StoreFill[];
      /** Per line, what `best` cannot give (lines it fills completely are left out). */
      readonly missing: readonly WantedLine[];
    }
  | { readonly kind: 'none' };

/** Free stock may be negative after a short count (see applyCount); nothing is free then. */
export function freeStock(level: FreeStock | undefined): number {
  return level === undefined ? 0 : Math.max(0, level.available - level.reserved);
}

const fillOf = (line: WantedLine, store: CandidateStore): number => Math.min(line.quantity, freeStock(store.levels.get(line.sku)));

/**
 * Candidates arrive ordered: home store first, then by distance. The first store
 * that can fill every line wins (the preferred store first, if it can); else the
 * store that can fill the most lines completely, then the largest share of the
 * request (each line weighs the same, whatever its unit), then the earlier
 * candidate. `none` when no store has anything of any line.
 */
export function chooseStore(
  lines: readonly WantedLine[],
  candidates: readonly CandidateStore[],
  options: SelectionOptions = {},
): StoreChoice {
  if (new Set(lines.map((l) => l.sku)).size !== lines.length) throw new RangeError('lines must name each SKU once');
  const preferred = candidates.find((c) => c.storeId === options.preferredStoreId);
  const order = preferred ? [preferred, ...candidates.filter((c) => c !== preferred)] : [...candidates];

  const full = order.find((store) => lines.every((line) => fillOf(line, store) >= line.quantity));
  if (full) return { kind: 'full', storeId: full.storeId, distanceKm: full.distanceKm, lines: lines.map((l) => ({ ...l })) };

  const scored = order.map((store) => {
    const fills = lines.map((line) => fillOf(line, store));
    return {
      store,
      fills,
      completeLines: fills.filter((f, i) => f >= (lines[i]?.quantity ?? Infinity)).length,
      // Rounded so that the order of the lines (float summation order) cannot break a tie differently.
      share: Math.round(fills.reduce((sum, f, i) => sum + f / (lines[i]?.quantity ?? 1), 0) * 1e9),
    };
  });
  const useful = scored.filter((s) => s.share > 0);
  // Stable order: on a tie the earlier candidate (preferred, home, nearer) stays first.
  const best = [...useful].sort((a, b) => b.completeLines - a.completeLines || b.share - a.share)[0];
  if (!best) return { kind: 'none' };

  return {
    kind: 'partial',
    best: best.store.storeId,
    fillable: useful.map(({ store, fills }) => ({
      storeId: store.storeId,
      distanceKm: store.distanceKm,
      lines: lines.flatMap((line, i) => ((fills[i] ?? 0) > 0 ? [{ sku: line.sku, quantity: fills[i] ?? 0 }] : [])),
    })),
    missing: lines.flatMap((line, i) => {
      const missing = line.quantity - (best.fills[i] ?? 0);
      return missing > 0 ? [{ sku: line.sku, quantity: roundQuantity(missing) }] : [];
    }),
  };
}

/** 2.5 − 0.1 is 2.4000000000000004 in binary; quantities have at most 3 decimals. */
const roundQuantity = (q: number): number => Math.round(q * 1000) / 1000;
