/**
 * When an escalated request must be decided, and how long a reservation holds.
 *
 * The decision rule, in order:
 * 1. The inside manager gets the SLA window (default 30 min) from now …
 * 2. … but not beyond the pickup margin: the decision must be in 2 h before
 *    needed-by, so the goods can still be moved and picked up …
 * 3. … and never less than 5 minutes: a person needs time to read and act, so
 *    this floor beats both caps (a request due in 20 minutes still gets 5).
 * 4. A reminder goes out after the warning fraction (default 0.5) of the window.
 * 5. With no answer at `handOverAt`, the field partner gets the SLA window
 *    again. It is not cut by the pickup margin (a late answer may still save
 *    the order, e.g. from a store next door) but capped at needed-by (after
 *    that the decision is useless), and again never less than 5 minutes.
 * 6. With no answer at `finalAt` the request is UNFULFILLED.
 * All windows are whole seconds, because Step Functions timeouts are.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const PICKUP_MARGIN_MS = 2 * HOUR_MS;
export const MIN_DECISION_WINDOW_MS = 5 * MINUTE_MS;

export interface DeadlineInput {
  readonly neededBy: string | Date;
  readonly now: Date;
  /** @default 30 */
  readonly slaMinutes?: number;
  /** Share of the inside manager's window after which the reminder goes out. @default 0.5 */
  readonly warningFraction?: number;
}

export interface DecisionDeadlines {
  /** Reminder to the inside manager. */
  readonly warnAt: string;
  /** The task passes to the field partner. */
  readonly handOverAt: string;
  /** No answer from either: UNFULFILLED. */
  readonly finalAt: string;
  /** handOverAt − now, for the callback task's TimeoutSeconds. */
  readonly insideWindowSeconds: number;
  /** finalAt − handOverAt. */
  readonly partnerWindowSeconds: number;
}

const toMs = (time: string | Date, name: string): number => {
  const ms = typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a date-time: ${String(time)}`);
  return ms;
};
const wholeSeconds = (ms: number): number => Math.floor(ms / 1000);

export function decisionDeadlines({ neededBy, now, slaMinutes = 30, warningFraction = 0.5 }: DeadlineInput): DecisionDeadlines {
  if (!(slaMinutes > 0)) throw new RangeError(`slaMinutes must be positive, got ${slaMinutes}`);
  if (!(warningFraction > 0 && warningFraction < 1)) throw new RangeError(`warningFraction must lie between 0 and 1, got ${warningFraction}`);
  const nowMs = toMs(now, 'now');
  const neededByMs = toMs(neededBy, 'neededBy');
  const floorSeconds = wholeSeconds(MIN_DECISION_WINDOW_MS);

  const insideWindowSeconds = Math.max(
    floorSeconds,
    wholeSeconds(Math.min(slaMinutes * MINUTE_MS, neededByMs - PICKUP_MARGIN_MS - nowMs)),
  );
  const handOverMs = nowMs + insideWindowSeconds * 1000;
  const partnerWindowSeconds = Math.max(floorSeconds, wholeSeconds(Math.min(slaMinutes * MINUTE_MS, neededByMs - handOverMs)));

  return {
    warnAt: new Date(nowMs + Math.floor(insideWindowSeconds * warningFraction) * 1000).toISOString(),
    handOverAt: new Date(handOverMs).toISOString(),
    finalAt: new Date(handOverMs + partnerWindowSeconds * 1000).toISOString(),
    insideWindowSeconds,
    partnerWindowSeconds,
  };
}

export interface ReservationExpiry {
  readonly expiresAt: string;
  /** For a DynamoDB TTL attribute, which takes epoch seconds. */
  readonly expiresAtEpochSeconds: number;
}

/**
 * A reservation holds until needed-by plus a grace period (a customer who comes
 * an hour late still finds the goods), then lapses and the stock is returned.
 */
export function reservationExpiry(neededBy: string | Date, graceHours = 4): ReservationExpiry {
  if (!(graceHours >= 0)) throw new RangeError(`graceHours must not be negative, got ${graceHours}`);
  const expiresMs = toMs(neededBy, 'neededBy') + graceHours * HOUR_MS;
  return { expiresAt: new Date(expiresMs).toISOString(), expiresAtEpochSeconds: Math.ceil(expiresMs / 1000) };
}
