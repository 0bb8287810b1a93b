import {
  DAY_SECONDS,
  elapsedSeconds,
  firstRound,
  nextRound,
  WEEK_SECONDS,
  type HandoverRound,
  type HandoverWait,
  type WaitEnding,
} from '../../../functions/customer-lifecycle/domain/handover-rounds';

const EVERY_28_DAYS = 28 * DAY_SECONDS;

/** Runs the rounds to the handover, each wait ending as `endings` says (timeout when it says nothing). */
function live(first: HandoverRound, endings: Record<number, WaitEnding> = {}) {
  const rounds: HandoverWait[] = [];
  let round = first;
  let waited = 0;
  while (round.action === 'wait') {
    rounds.push(round);
    const ending = endings[round.round] ?? { kind: 'timeout' };
    waited += ending.kind === 'extend' ? ending.elapsedSeconds : round.waitSeconds;
    round = nextRound(round, ending);
    if (rounds.length > 100) throw new Error('the period never ends');
  }
  return { rounds, handover: round, days: waited / DAY_SECONDS, messages: rounds.map((r) => r.message) };
}

test('six weeks with a joint visit every 28 days: the welcome, one visit reminder on day 28, the handover on day 42, not early', () => {
  const { messages, days, handover, rounds } = live(firstRound(6 * WEEK_SECONDS, EVERY_28_DAYS));
  expect(messages).toEqual(['welcome', 'visitReminder']);
  expect(rounds.map((r) => r.waitSeconds / DAY_SECONDS)).toEqual([28, 14]);
  expect(days).toBe(42);
  expect(handover).toEqual({ action: 'handover', round: 2, early: false });
});

test('a period shorter than the visit interval waits for the handover alone: no reminder', () => {
  const { messages, days } = live(firstRound(3 * WEEK_SECONDS, EVERY_28_DAYS));
  expect(messages).toEqual(['welcome']);
  expect(days).toBe(21);
});

test('a joint visit due on the handover day gives way to the handover', () => {
  const { messages, days } = live(firstRound(8 * WEEK_SECONDS, EVERY_28_DAYS));
  expect(messages).toEqual(['welcome', 'visitReminder']);
  expect(days).toBe(56);
});

test('a period already over hands over at once, not early', () => {
  expect(firstRound(0, EVERY_28_DAYS)).toEqual({ action: 'handover', round: 0, early: false });
  expect(firstRound(-3600, EVERY_28_DAYS)).toMatchObject({ action: 'handover', early: false });
});

test('every wait is whole seconds and at least one, whatever is left', () => {
  const first = firstRound(0.2, EVERY_28_DAYS);
  expect(first).toMatchObject({ action: 'wait', waitSeconds: 1 });
  const { rounds } = live(firstRound(6 * WEEK_SECONDS + 0.5, 7 * DAY_SECONDS), { 2: { kind: 'extend', weeks: 1, elapsedSeconds: 1234.7 } });
  expect(rounds.length).toBeGreaterThan(6);
  for (const round of rounds) expect(Number.isInteger(round.waitSeconds) && round.waitSeconds >= 1).toBe(true);
});

test('handing over early ends the period at the answer, early, whatever was left', () => {
  const first = firstRound(6 * WEEK_SECONDS, EVERY_28_DAYS) as HandoverWait;
  expect(nextRound(first, { kind: 'handover-now' })).toEqual({ action: 'handover', round: 1, early: true });
});

test('an extension adds its weeks to what was left when the field manager answered, and the reminders go on from where they were', () => {
  // Extended by two weeks on day 10: 32 days left + 14, the first visit still on day 28.
  const extended = live(firstRound(6 * WEEK_SECONDS, EVERY_28_DAYS), { 0: { kind: 'extend', weeks: 2, elapsedSeconds: 10 * DAY_SECONDS } });
  expect(extended.rounds[1]).toMatchObject({ round: 1, message: 'none', remainingSeconds: 46 * DAY_SECONDS, untilVisitSeconds: 18 * DAY_SECONDS });
  expect(extended.messages).toEqual(['welcome', 'none', 'visitReminder']);
  expect(extended.days).toBe(56);
  expect(extended.handover).toMatchObject({ early: false });
});

test('an extension by three weeks brings a second joint-visit reminder that six weeks have not', () => {
  const planned = live(firstRound(6 * WEEK_SECONDS, EVERY_28_DAYS));
  const extended = live(firstRound(6 * WEEK_SECONDS, EVERY_28_DAYS), { 0: { kind: 'extend', weeks: 3, elapsedSeconds: 1 } });
  expect(planned.messages.filter((m) => m === 'visitReminder')).toHaveLength(1);
  expect(extended.messages.filter((m) => m === 'visitReminder')).toHaveLength(2);
  expect(extended.days).toBe(63);
});

test('an answer cannot count for more than its wait, nor for less than nothing', () => {
  const first = firstRound(6 * WEEK_SECONDS, EVERY_28_DAYS) as HandoverWait;
  const late = nextRound(first, { kind: 'extend', weeks: 1, elapsedSeconds: 40 * DAY_SECONDS });
  expect(late).toMatchObject({ action: 'wait', remainingSeconds: (42 - 28 + 7) * DAY_SECONDS, message: 'visitReminder' });
  const early = nextRound(first, { kind: 'extend', weeks: 1, elapsedSeconds: -5 });
  expect(early).toMatchObject({ action: 'wait', remainingSeconds: 49 * DAY_SECONDS, untilVisitSeconds: EVERY_28_DAYS, message: 'none' });
});

describe('elapsedSeconds', () => {
  test('counts whole seconds from the wait\'s start to the answer', () => {
    expect(elapsedSeconds('2026-12-01T09:00:00.000Z', '2026-12-03T09:00:01.900Z', EVERY_28_DAYS)).toBe(2 * DAY_SECONDS + 1);
  });

  test('an answer stamped before the start counts nothing, and one after the wait counts the wait', () => {
    expect(elapsedSeconds('2026-12-01T09:00:00.000Z', '2026-12-01T08:59:59.000Z', 100)).toBe(0);
    expect(elapsedSeconds('2026-12-01T09:00:00.000Z', '2026-12-02T09:00:00.000Z', 100)).toBe(100);
  });

  test('refuses what is not a date-time', () => {
    expect(() => elapsedSeconds('yesterday', '2026-12-01T09:00:00.000Z', 100)).toThrow(RangeError);
  });
});

test('the visit interval must be whole seconds of at least one', () => {
  expect(() => firstRound(WEEK_SECONDS, 0)).toThrow(RangeError);
  expect(() => firstRound(WEEK_SECONDS, 1.5)).toThrow(RangeError);
});
