import { absenceOn, inQuietHours, quietHoursEnd, wantsSms } from '../../../functions/notifications/delivery-policy';

const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  test('the default 20:00–07:00 Berlin window holds across midnight, from inclusive and to exclusive', () => {
    const person = {};
    // 27 Nov 2026: Berlin is UTC+1.
    expect(inQuietHours(person, at('2026-11-27T18:59:00Z'))).toBe(false); // 19:59
    expect(inQuietHours(person, at('2026-11-27T19:00:00Z'))).toBe(true); // 20:00
    expect(inQuietHours(person, at('2026-11-27T23:30:00Z'))).toBe(true); // 00:30
    expect(inQuietHours(person, at('2026-11-28T05:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(person, at('2026-11-28T06:00:00Z'))).toBe(false); // 07:00
  });

  test('a held SMS waits until the window ends in the person’s time zone, summer time included', () => {
    expect(quietHoursEnd({}, at('2026-11-27T21:15:30Z')).toISOString()).toBe('2026-11-28T06:00:00.000Z'); // 22:15 → 07:00 CET
    expect(quietHoursEnd({}, at('2026-07-01T21:15:00Z')).toISOString()).toBe('2026-07-02T05:00:00.000Z'); // 23:15 → 07:00 CEST
    expect(quietHoursEnd({}, at('2026-11-27T12:00:00Z')).toISOString()).toBe('2026-11-27T12:00:00.000Z'); // not quiet: now
    const lisbon = { quietHours: { from: '13:00', to: '14:00', timeZone: 'Europe/Lisbon' } };
    expect(inQuietHours(lisbon, at('2026-11-27T13:30:00Z'))).toBe(true);
    expect(quietHoursEnd(lisbon, at('2026-11-27T13:30:00Z')).toISOString()).toBe('2026-11-27T14:00:00.000Z');
  });
});

describe('absences and opt-out', () => {
  const person = { absences: [{ from: '2026-12-24', to: '2026-12-31', deputyId: 'P0002' }] };

  test('an absence covers its first and last day in Berlin time, not the days around it', () => {
    expect(absenceOn(person, at('2026-12-23T22:59:00Z'))).toBeUndefined(); // 23:59 on the 23rd
    expect(absenceOn(person, at('2026-12-23T23:00:00Z'))?.deputyId).toBe('P0002'); // 00:00 on the 24th
    expect(absenceOn(person, at('2026-12-31T22:59:00Z'))?.deputyId).toBe('P0002');
    expect(absenceOn(person, at('2026-12-31T23:00:00Z'))).toBeUndefined(); // 1 Jan
  });

  test('a person gets SMS only with the channel and without an opt-out', () => {
    expect(wantsSms({ channels: ['sms', 'email'] })).toBe(true);
    expect(wantsSms({ channels: ['email'] })).toBe(false);
    expect(wantsSms({ channels: ['sms'], smsOptedOut: true })).toBe(false);
  });
});
