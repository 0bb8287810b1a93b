/**
 * Volume tiers for special prices (story case 3: "10–12 kg tuna a week, can we
 * do something on price?"). Pure functions, no I/O: given a product's list price
 * and the weekly volume a customer commits to, what price does the volume earn,
 * and how far may the inside manager go below it without escalation?
 *
 * The rules (also in docs/pricing.md, "Special prices: volume tiers"):
 *
 * - **Five tiers.** Below the first threshold the list price applies; from there
 *   3 %, 6 %, 9 % and 12 % off. Steps of 3 points keep every tier worth asking
 *   for while the best one stays well inside a food wholesaler's gross margin
 *   (roughly 20–25 % on list).
 * - **Thresholds per unit**, in the product's own unit per week, because a kg,
 *   a piece, a case and a litre are very different amounts of goods and money:
 *   - kg: 10 / 25 / 50 / 100. 10 kg a week is where a restaurant buys a product
 *     as a menu staple (the story's tuna); 100 kg is a canteen or a small chain.
 *   - piece: 12 / 30 / 60 / 120. Catalogue pieces are packs of 0.3–4.5 kg (a goose,
 *     a 2.5 kg bag or tin, a GN tray); a dozen a week is a regular order.
 *   - case: 5 / 12 / 25 / 50. A case holds 4–12 units or 5–10 kg and its list price
 *     already carries a bulk-pack saving, so the ladder starts higher by weight
 *     (5 cases ≈ 40 kg).
 *   - litre: 50 / 120 / 250 / 500. Drinks and milk are cheap per litre and bought
 *     in bulk; 50 l of water is about 30 EUR.
 * - **A range tiers by its lower bound**: "10–12 kg a week" commits the customer
 *   to at least 10 kg, so that is the volume the price is earned by.
 * - **Rounding**: the suggested price is list × (100 − discount) / 100, rounded
 *   half-up to the cent, computed in integer cents so that no binary fraction
 *   tips a half cent the wrong way.
 * - **The floor** is list − 15 %, rounded *up* to the cent so that it never lies
 *   below 85 % of list. The inside manager may approve any price down to the
 *   floor; below it the request needs escalation. The best tier (12 %) leaves
 *   3 points of room between the suggestion and the floor for negotiation.
 */
import { DomainError, ValidationError } from '../../domain/errors';
import type { Product, Unit } from '../../domain/model';

export const TIER_NAMES = ['list', 'T1', 'T2', 'T3', 'T4'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export interface VolumeTier {
  readonly tier: TierName;
  /** The weekly volume (in the product's unit) from which this tier applies, inclusive. */
  readonly from: number;
  readonly discountPercent: number;
}

const ladder = (t1: number, t2: number, t3: number, t4: number): readonly VolumeTier[] => [
  { tier: 'list', from: 0, discountPercent: 0 },
  { tier: 'T1', from: t1, discountPercent: 3 },
  { tier: 'T2', from: t2, discountPercent: 6 },
  { tier: 'T3', from: t3, discountPercent: 9 },
  { tier: 'T4', from: t4, discountPercent: 12 },
];

/** The tiers per unit, lowest first. The reasons for the numbers are in this module's comment. */
export const VOLUME_TIERS: Readonly<Record<Unit, readonly VolumeTier[]>> = {
  kg: ladder(10, 25, 50, 100),
  piece: ladder(12, 30, 60, 120),
  case: ladder(5, 12, 25, 50),
  litre: ladder(50, 120, 250, 500),
};

/** How far below list the inside manager may go without escalation. */
export const FLOOR_DISCOUNT_PERCENT = 15;

/** A weekly volume in the product's unit: "10–12 kg a week" is `{ min: 10, max: 12 }`. */
export interface WeeklyVolume {
  readonly min: number;
  readonly max: number;
}

export interface PriceSuggestion {
  readonly tier: TierName;
  readonly discountPercent: number;
  /** EUR per unit, whole cents: list less the tier's discount, rounded half-up. */
  readonly suggestedPrice: number;
  /** EUR per unit, whole cents: the lowest price the inside manager may approve without escalation. */
  readonly floorPrice: number;
}

export type ProposalJudgement = 'at-or-above-suggestion' | 'within-floor' | 'below-floor';

const RECORD = 'price request';

/** EUR with at most 2 decimals to integer cents (exact: such a double is within 1e-12 of its cent). */
const toCents = (euros: number): number => Math.round(euros * 100);
const toEuros = (cents: number): number => cents / 100;

/** The tier a volume earns: the highest whose threshold the lower bound reaches. */
export function tierFor(unit: Unit, weeklyVolume: WeeklyVolume): VolumeTier {
  const tiers = VOLUME_TIERS[unit];
  let earned = tiers[0] as VolumeTier;
  for (const tier of tiers) if (weeklyVolume.min >= tier.from) earned = tier;
  return earned;
}

function checkVolume(weeklyVolume: WeeklyVolume): void {
  const problems: { field: string; problem: string }[] = [];
  for (const bound of ['min', 'max'] as const) {
    const value = weeklyVolume[bound];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push({ field: `weeklyVolume.${bound}`, problem: 'must be a number more than 0' });
    }
  }
  if (problems.length === 0 && weeklyVolume.min > weeklyVolume.max) {
    problems.push({ field: 'weeklyVolume.max', problem: `must not be below min (${weeklyVolume.min})` });
  }
  if (problems.length > 0) throw new ValidationError(RECORD, problems);
}

/**
 * The volume-tier price of `product` for a weekly volume in `unit`.
 * Throws a ValidationError naming `unit` when it is not the unit the product is
 * sold in (a tier for 10 cases is not a tier for 10 kg), or naming the
 * `weeklyVolume` bound that is not a positive number or makes an empty range.
 */
export function suggestPrice(
  product: Pick<Product, 'sku' | 'unit' | 'listPrice'>,
  weeklyVolume: WeeklyVolume,
  unit: Unit,
): PriceSuggestion {
  if (unit !== product.unit) {
    throw new ValidationError(RECORD, [
      { field: 'unit', problem: `must be ${product.unit}, the unit ${product.sku} is sold in (got ${String(unit)})` },
    ]);
  }
  checkVolume(weeklyVolume);
  const listCents = toCents(product.listPrice);
  if (!Number.isFinite(product.listPrice) || listCents <= 0) {
    throw new DomainError(`product ${product.sku} has no valid list price (${String(product.listPrice)})`);
  }
  const { tier, discountPercent } = tierFor(unit, weeklyVolume);
  // Integer arithmetic throughout: floor((x + 50) / 100) is x / 100 rounded half-up, ceil(x / 100) rounds up.
  const suggestedCents = Math.floor((listCents * (100 - discountPercent) + 50) / 100);
  const floorCents = Math.ceil((listCents * (100 - FLOOR_DISCOUNT_PERCENT)) / 100);
  return { tier, discountPercent, suggestedPrice: toEuros(suggestedCents), floorPrice: toEuros(floorCents) };
}

/**
 * Where a proposed price (EUR per unit) stands against a suggestion: at or above
 * the volume-tier price needs no discussion; down to the floor (inclusive) the
 * inside manager may approve it; below the floor it needs escalation.
 */
export function judgeProposal(proposed: number, suggestion: Pick<PriceSuggestion, 'suggestedPrice' | 'floorPrice'>): ProposalJudgement {
  if (typeof proposed !== 'number' || !Number.isFinite(proposed) || proposed <= 0) {
    throw new ValidationError(RECORD, [{ field: 'proposedPrice', problem: 'must be a number more than 0' }]);
  }
  // Prices in whole cents parse to the same doubles as the suggestion's, so comparing them is exact.
  if (proposed >= suggestion.suggestedPrice) return 'at-or-above-suggestion';
  if (proposed >= suggestion.floorPrice) return 'within-floor';
  return 'below-floor';
}
