/**
 * How long each phase of a special-price decision waits (docs/pricing.md,
 * "The workflow"). Pure: the PlanPriceDecision step computes the phases once
 * from the stage's settings and the workflow waits them out — no step looks
 * at a clock to decide whether a deadline has passed.
 *
 * - The inside manager has `priceDecisionHours` (48 h): the ask, and after
 *   `priceWarningFraction` (0.5) of the window a reminder on the same link.
 * - Unanswered, the task passes to the field manager with a new link for as
 *   long as the reminder phase lasted (24 h), then expires and the
 *   volume-tier price stays: at most 72 h from ask to outcome, the same as a
 *   counter-offer gets.
 * - A counter-offer gives the field manager `counterOfferHours` (72 h) to
 *   bring back the customer's answer, with a reminder after the same
 *   fraction; then it lapses.
 *
 * All phases are whole seconds (Step Functions timeouts are) and at least a
 * minute, so a tiny fraction cannot make a phase end before its message is out.
 */

export interface PriceDecisionSettings {
  readonly priceDecisionHours: number;
  readonly priceWarningFraction: number;
  readonly counterOfferHours: number;
}

export interface PricePhases {
  /** The inside manager's first phase (the ask): until the reminder. */
  readonly insideWarnSeconds: number;
  /** The inside manager's reminder phase: until the hand-over to the field manager. */
  readonly insideRestSeconds: number;
  /** The inside manager's whole window, for the deadline the first message names. */
  readonly insideWindowSeconds: number;
  /** The field manager's phase after the hand-over: until the request expires. */
  readonly partnerWindowSeconds: number;
  /** A counter-offer's first phase: until the reminder. */
  readonly counterWarnSeconds: number;
  /** A counter-offer's reminder phase: until it lapses. */
  readonly counterRestSeconds: number;
  /** A counter-offer's whole window. */
  readonly counterWindowSeconds: number;
}

export const MIN_PHASE_SECONDS = 60;
const HOUR_SECONDS = 3600;

function split(hours: number, fraction: number, name: string): [warn: number, rest: number] {
  if (!(Number.isFinite(hours) && hours > 0)) throw new RangeError(`${name} must be a positive number of hours, got ${hours}`);
  const window = Math.max(2 * MIN_PHASE_SECONDS, Math.round(hours * HOUR_SECONDS));
  const warn = Math.min(window - MIN_PHASE_SECONDS, Math.max(MIN_PHASE_SECONDS, Math.floor(window * fraction)));
  return [warn, window - warn];
}

export function pricePhases(settings: PriceDecisionSettings): PricePhases {
  const { priceDecisionHours, priceWarningFraction, counterOfferHours } = settings;
  if (!(priceWarningFraction > 0 && priceWarningFraction < 1)) {
    throw new RangeError(`priceWarningFraction must lie between 0 and 1, got ${priceWarningFraction}`);
  }
  const [insideWarnSeconds, insideRestSeconds] = split(priceDecisionHours, priceWarningFraction, 'priceDecisionHours');
  const [counterWarnSeconds, counterRestSeconds] = split(counterOfferHours, priceWarningFraction, 'counterOfferHours');
  return {
    insideWarnSeconds,
    insideRestSeconds,
    insideWindowSeconds: insideWarnSeconds + insideRestSeconds,
    partnerWindowSeconds: insideRestSeconds,
    counterWarnSeconds,
    counterRestSeconds,
    counterWindowSeconds: counterWarnSeconds + counterRestSeconds,
  };
}
