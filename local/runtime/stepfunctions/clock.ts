/**
 * The local clock: `now()` is real time, `sleep()` lasts `scale` × the declared
 * duration, so a one-hour Wait runs in 3.6 s at scale 0.001.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../contracts';

/** Node's timers fire at once above this many milliseconds (a signed 32-bit overflow). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ClockOptions {
  /** Time compression: 1 = real time, 0.001 = an hour in 3.6 s. */
  readonly scale: number;
}

export function createClock({ scale }: ClockOptions): Clock {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`clock scale must be a positive number, got ${scale}`);
  return {
    scale,
    now: () => new Date(),
    sleep: async (declaredMs, signal) => {
      // Long sleeps are taken in steps a timer can hold; an aborted sleep rejects with the signal's reason.
      let remaining = Math.max(0, declaredMs * scale);
      signal?.throwIfAborted();
      while (remaining > 0) {
        const step = Math.min(remaining, MAX_TIMER_MS);
        await delay(step, undefined, signal ? { signal } : {});
        remaining -= step;
      }
    },
  };
}
