import { parseTandemChange } from '../../../functions/directory/domain/tandem-change';
import { validationErrorOf } from '../../support/validation';

const person = (personId: string) => ({
  personId,
  name: 'Anna Beispiel',
  mobile: '+4915112345678',
  email: `${personId.toLowerCase()}@example.com`,
  language: 'de',
  channels: ['sms', 'email'],
  quietHours: { from: '20:00', to: '07:00', timeZone: 'Europe/Berlin' },
  absences: [{ from: '2026-12-01', to: '2026-12-05', deputyId: 'P0003' }],
});

describe('parseTandemChange', () => {
  test('takes both people with quiet hours and absences', () => {
    expect(parseTandemChange('T001', { fieldManager: person('P0001'), insideManager: person('P0002') }).fieldManager.quietHours).toEqual({
      from: '20:00',
      to: '07:00',
      timeZone: 'Europe/Berlin',
    });
  });

  // Both were dropped silently, and the tandem stored without them: found by the bad-input proof.
  test('refuses quiet hours and absences with fields they do not have, naming each', () => {
    const fieldManager = { ...person('P0001'), quietHours: { from: '20:00', to: '07:00', timezone: 'Europe/Berlin' } };
    const insideManager = { ...person('P0002'), absences: [{ from: '2026-12-01', to: '2026-12-05', deputyId: 'P0003', reason: 'Urlaub' }] };
    const { problems } = validationErrorOf(() => parseTandemChange('T001', { fieldManager, insideManager }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'fieldManager.quietHours', problem: 'unknown field "timezone": quietHours has from, to, timeZone' },
        { field: 'insideManager.absences.0', problem: 'unknown field "reason": an absence has from, to, deputyId' },
      ]),
    );
  });
});
