import { decisionDeadlines, reservationExpiry } from '../../../functions/customer-request/domain/deadlines';
import { createRandom } from '../../../functions/seed/random';

const NOW = new Date('2026-11-27T10:00:00Z');
const at = (iso: string): number => Date.parse(iso);
const minutes = (m: number): number => m * 60_000;

describe('decisionDeadlines', () => {
  test('with a day to go: 30 minutes for the inside manager, reminder after 15, 30 more for the field partner', () => {
    expect(decisionDeadlines({ neededBy: '2026-11-28T08:00:00+01:00', now: NOW })).toEqual({
      warnAt: '2026-11-27T10:15:00.000Z',
      handOverAt: '2026-11-27T10:30:00.000Z',
      finalAt: '2026-11-27T11:00:00.000Z',
      insideWindowSeconds: 1800,
      partnerWindowSeconds: 1800,
    });
  });

  test('the SLA and the warning fraction are configurable', () => {
    const d = decisionDeadlines({ neededBy: '2026-11-28T08:00:00Z', now: NOW, slaMinutes: 60, warningFraction: 0.75 });
    expect(d.warnAt).toBe('2026-11-27T10:45:00.000Z');
    expect(d.handOverAt).toBe('2026-11-27T11:00:00.000Z');
    expect(d.finalAt).toBe('2026-11-27T12:00:00.000Z');
  });

  test('the inside window ends 2 hours before needed-by, so the goods can still be moved; the partner still gets the full SLA', () => {
    // needed-by 12:20: the inside manager must decide by 10:20, 20 minutes from now.
    const d = decisionDeadlines({ neededBy: '2026-11-27T12:20:00Z', now: NOW });
    expect(d.handOverAt).toBe('2026-11-27T10:20:00.000Z');
    expect(d.warnAt).toBe('2026-11-27T10:10:00.000Z');
    expect(d.finalAt).toBe('2026-11-27T10:50:00.000Z');
  });

  test('the final timeout is capped at needed-by', () => {
    // needed-by 10:20 lies inside the pickup margin already: 5-minute floor, then the partner until needed-by.
    const d = decisionDeadlines({ neededBy: '2026-11-27T10:20:00Z', now: NOW, slaMinutes: 30 });
    expect(d.handOverAt).toBe('2026-11-27T10:05:00.000Z');
    expect(d.finalAt).toBe('2026-11-27T10:20:00.000Z');
  });

  test('a request due in 3 minutes still gives each person 5 minutes: the floor beats the caps', () => {
    const d = decisionDeadlines({ neededBy: '2026-11-27T10:03:00Z', now: NOW });
    expect(d.handOverAt).toBe('2026-11-27T10:05:00.000Z');
    expect(d.finalAt).toBe('2026-11-27T10:10:00.000Z');
    expect(d.warnAt).toBe('2026-11-27T10:02:30.000Z');
  });

  test('windows are whole seconds even when now has milliseconds (Step Functions timeouts are seconds)', () => {
    const d = decisionDeadlines({ neededBy: '2026-11-27T12:20:00.900Z', now: new Date('2026-11-27T10:00:00.300Z') });
    expect(Number.isInteger(d.insideWindowSeconds)).toBe(true);
    expect(Number.isInteger(d.partnerWindowSeconds)).toBe(true);
  });

  test('invariants over 5,000 random needed-by times, SLAs and fractions', () => {
    const random = createRandom('test.deadlines');
    for (let n = 0; n < 5000; n++) {
      const now = new Date(NOW.getTime() + random.int(0, 10_000) * 1000);
      const neededByMs = now.getTime() + random.int(1, 60 * 24 * 60) * 60_000;
      const slaMinutes = random.int(1, 240);
      const warningFraction = random.int(1, 99) / 100;
      const d = decisionDeadlines({ neededBy: new Date(neededByMs), now, slaMinutes, warningFraction });
      const [warn, handOver, final] = [at(d.warnAt), at(d.handOverAt), at(d.finalAt)];

      expect(now.getTime() < warn && warn < handOver && handOver < final).toBe(true);
      expect(handOver - now.getTime()).toBeGreaterThanOrEqual(minutes(5));
      expect(final - handOver).toBeGreaterThanOrEqual(minutes(5));
      expect(handOver - now.getTime()).toBeLessThanOrEqual(Math.max(minutes(5), minutes(slaMinutes)));
      // Past the pickup margin only when the 5-minute floor demands it.
      if (handOver - now.getTime() > minutes(5)) expect(handOver).toBeLessThanOrEqual(neededByMs - minutes(120));
      if (final - handOver > minutes(5)) expect(final).toBeLessThanOrEqual(neededByMs);
      expect(final - handOver).toBeLessThanOrEqual(Math.max(minutes(5), minutes(slaMinutes)));
      expect(d.insideWindowSeconds * 1000).toBe(handOver - now.getTime());
      expect(d.partnerWindowSeconds * 1000).toBe(final - handOver);
    }
  });

  test.each([
    ['a zero SLA', { slaMinutes: 0 }],
    ['a warning fraction of 1', { warningFraction: 1 }],
    ['a warning fraction of 0', { warningFraction: 0 }],
    ['a needed-by that is no date', { neededBy: 'tomorrow' }],
  ])('refuses %s', (_what, change) => {
    expect(() => decisionDeadlines({ neededBy: '2026-11-28T08:00:00Z', now: NOW, ...change })).toThrow(RangeError);
  });
});

describe('reservationExpiry', () => {
  test('holds until needed-by plus 4 hours by default, with epoch seconds for the DynamoDB TTL', () => {
    expect(reservationExpiry('2026-11-28T08:00:00+01:00')).toEqual({
      expiresAt: '2026-11-28T11:00:00.000Z',
      expiresAtEpochSeconds: Date.UTC(2026, 10, 28, 11) / 1000,
    });
  });

  test('the grace period is configurable, and the TTL never falls before the expiry', () => {
    const expiry = reservationExpiry(new Date('2026-11-28T07:00:00.250Z'), 0);
    expect(expiry.expiresAt).toBe('2026-11-28T07:00:00.250Z');
    expect(expiry.expiresAtEpochSeconds * 1000).toBeGreaterThanOrEqual(at(expiry.expiresAt));
  });
});
