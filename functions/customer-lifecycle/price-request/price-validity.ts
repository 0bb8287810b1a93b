/**
 * How long an agreed special price applies. It starts on the day it is
 * agreed (Berlin) and runs `priceValidityDays` days including that day
 * (365 by default: agreed on 2026-11-27, valid until 2027-11-26), unless the
 * inside manager names the last day when approving. That day must come after
 * today and at most MAX_VALIDITY_DAYS ahead: a special price is looked at
 * again at least every two years. Pure, dates as `YYYY-MM-DD`.
 */
import { ValidationError } from '../../domain/errors';
import { berlinDate } from '../domain/follow-up';

export const MAX_VALIDITY_DAYS = 730;
const DAY_MS = 86_400_000;

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export interface PriceValidity {
  /** The first day the price applies: the day it was agreed. */
  readonly validFrom: string;
  /** The last day it applies. */
  readonly validUntil: string;
}

/** The ValidationError for a last day the inside manager named, or nothing if it may stand. */
export function checkValidUntil(validUntil: string, now: Date, record = 'price decision'): void {
  const today = berlinDate(now);
  if (validUntil <= today) throw new ValidationError(record, [{ field: 'validUntil', problem: `must be after today (${today})` }]);
  if (daysBetween(today, validUntil) > MAX_VALIDITY_DAYS) {
    throw new ValidationError(record, [{ field: 'validUntil', problem: `must be at most ${MAX_VALIDITY_DAYS} days ahead (${addDays(today, MAX_VALIDITY_DAYS)})` }]);
  }
}

/** The validity of a price agreed at `agreedAt`: the named last day, or `validityDays` days from the day it was agreed. */
export function priceValidity(agreedAt: string | Date, validityDays: number, validUntil?: string): PriceValidity {
  if (!(Number.isInteger(validityDays) && validityDays > 0)) throw new RangeError(`validityDays must be a positive whole number, got ${validityDays}`);
  const validFrom = berlinDate(new Date(agreedAt));
  return { validFrom, validUntil: validUntil ?? addDays(validFrom, validityDays - 1) };
}
