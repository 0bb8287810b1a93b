/**
 * The handover period as the CustomerOnboarding workflow lives it: a loop of
 * rounds, each one callback task (the field manager's onboarding link) that
 * waits until the next event — the next joint-visit reminder or the handover.
 *
 * Seconds only, never a clock: the workflow owns time. Deployed, a wait of N
 * seconds lasts N seconds; in the local runtime it lasts a fraction of that
 * while every clock a Lambda reads runs at real speed. So a round never asks
 * "is the handover date past?"; it subtracts how long the last wait lasted:
 * all of it when the task timed out, and from the wait's start to the answer
 * when the field manager answered.
 */

export const DAY_SECONDS = 86_400;
export const WEEK_SECONDS = 7 * DAY_SECONDS;

/** What the field manager is sent with a round's link: the welcome (both partners), a joint-visit reminder, or nothing after their own answer. */
export type RoundMessage = 'welcome' | 'visitReminder' | 'none';

/** A round that waits: its task times out after `waitSeconds`, when the next event is due. */
export interface HandoverWait {
  readonly action: 'wait';
  /** 0 for the welcome, then 1, 2, … (each round is a task of its own). */
  readonly round: number;
  /** Of the handover period, left at the round's start. */
  readonly remainingSeconds: number;
  /** From the round's start to the next joint-visit reminder. */
  readonly untilVisitSeconds: number;
  readonly visitEverySeconds: number;
  /** The round's task timeout: until the next reminder or the handover, whichever comes first; a whole number ≥ 1. */
  readonly waitSeconds: number;
  readonly message: RoundMessage;
}

/** The period is over (or the field manager handed over early): hand the customer to the inside role. */
export interface HandoverDue {
  readonly action: 'handover';
  readonly round: number;
  readonly early: boolean;
}

export type HandoverRound = HandoverWait | HandoverDue;

/** How a round's wait ended. */
export type WaitEnding =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'handover-now' }
  | { readonly kind: 'extend'; readonly weeks: number; readonly elapsedSeconds: number };

/** The welcome round: the whole period ahead, the first joint visit one interval away. */
export function firstRound(periodSeconds: number, visitEverySeconds: number): HandoverRound {
  checkSeconds('visitEverySeconds', visitEverySeconds, 1);
  if (!Number.isFinite(periodSeconds)) throw new RangeError(`periodSeconds must be a number of seconds, got ${periodSeconds}`);
  const remaining = Math.ceil(periodSeconds);
  if (remaining <= 0) return { action: 'handover', round: 0, early: false };
  return wait(0, remaining, visitEverySeconds, visitEverySeconds, 'welcome');
}

/** The round after `last`, from how its wait ended. */
export function nextRound(last: HandoverWait, ending: WaitEnding): HandoverRound {
  const round = last.round + 1;
  if (ending.kind === 'handover-now') return { action: 'handover', round, early: true };
  // An answer cannot have taken longer than the wait (a late one is found by the timeout's step and counts as all of it).
  const elapsed = ending.kind === 'timeout' ? last.waitSeconds : Math.min(last.waitSeconds, Math.max(0, Math.floor(ending.elapsedSeconds)));
  const extension = ending.kind === 'extend' ? ending.weeks * WEEK_SECONDS : 0;
  const remaining = last.remainingSeconds - elapsed + extension;
  if (remaining <= 0) return { action: 'handover', round, early: false };
  let untilVisit = last.untilVisitSeconds - elapsed;
  const visitDue = untilVisit <= 0;
  while (untilVisit <= 0) untilVisit += last.visitEverySeconds;
  return wait(round, remaining, untilVisit, last.visitEverySeconds, visitDue ? 'visitReminder' : 'none');
}

/**
 * Whole seconds from a wait's start to an answer, both ISO date-times from
 * the same kind of clock (the state's entered time, the answer's decidedAt);
 * never negative, never more than the wait.
 */
export function elapsedSeconds(startedAt: string, decidedAt: string, waitSeconds: number): number {
  const ms = Date.parse(decidedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms)) throw new RangeError(`not two date-times: ${startedAt}, ${decidedAt}`);
  return Math.min(waitSeconds, Math.max(0, Math.floor(ms / 1000)));
}

function wait(round: number, remainingSeconds: number, untilVisitSeconds: number, visitEverySeconds: number, message: RoundMessage): HandoverWait {
  const waitSeconds = Math.max(1, Math.ceil(Math.min(remainingSeconds, untilVisitSeconds)));
  return { action: 'wait', round, remainingSeconds, untilVisitSeconds, visitEverySeconds, waitSeconds, message };
}

function checkSeconds(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new RangeError(`${name} must be whole seconds ≥ ${min}, got ${value}`);
}
