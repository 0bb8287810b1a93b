import { ConflictError } from '../../../functions/domain/errors';
import { applyHandoverAction, parseRegistration, planHandover } from '../../../functions/customer-lifecycle/domain/onboarding';
import { refusedFields } from '../../support/validation';

const body = {
  registrationId: 'reg-1',
  business: 'Trattoria Da Marco',
  address: { street: 'Hafenstraße 1', postcode: '40213', city: 'Düsseldorf' },
  contact: { name: 'Marco Rossi', phone: '+493023125999', email: 'marco@example.com' },
  menuFocus: ['italian', 'fish'],
  expectedWeeklyVolumeEur: 1800,
  registeredBy: 'P0001',
};

const fields = refusedFields;

test('a complete registration parses as sent', () => {
  expect(parseRegistration(body)).toEqual(body);
});

test.each([
  ['address.postcode', { address: { ...body.address, postcode: '00123' } }],
  ['contact.phone', { contact: { ...body.contact, phone: '0211 123' } }],
  ['contact.email', { contact: { ...body.contact, email: 'marco' } }],
  ['menuFocus', { menuFocus: [] }],
  ['expectedWeeklyVolumeEur', { expectedWeeklyVolumeEur: 0 }],
  ['expectedWeeklyVolumeEur', { expectedWeeklyVolumeEur: 10_000_000 }],
  ['business', { business: '  ' }],
])('a bad %s is refused, naming the field', (field, change) => {
  expect(fields(() => parseRegistration({ ...body, ...change }))).toContain(field);
});

describe('handover', () => {
  const won = new Date('2026-11-27T09:00:00Z');

  test('the handover is the won time plus the period', () => {
    expect(planHandover(won, 6)).toEqual({ wonAt: '2026-11-27T09:00:00.000Z', handoverAt: '2027-01-08T09:00:00.000Z', extended: false });
  });

  test('an early handover happens now and is final', () => {
    const now = new Date('2026-12-10T10:00:00Z');
    const early = applyHandoverAction(planHandover(won, 6), { action: 'handover-now' }, now);
    expect(early).toMatchObject({ handoverAt: now.toISOString(), handedOverAt: now.toISOString() });
    expect(() => applyHandoverAction(early, { action: 'extend', weeks: 2 }, now)).toThrow(ConflictError);
  });

  test('the period can be extended once, before it ends, by at most four weeks', () => {
    const now = new Date('2026-12-10T10:00:00Z');
    const extended = applyHandoverAction(planHandover(won, 6), { action: 'extend', weeks: 2 }, now);
    expect(extended).toMatchObject({ handoverAt: '2027-01-22T09:00:00.000Z', extended: true });
    expect(() => applyHandoverAction(extended, { action: 'extend', weeks: 1 }, now)).toThrow(ConflictError);
    expect(fields(() => applyHandoverAction(planHandover(won, 6), { action: 'extend', weeks: 5 }, now))).toEqual(['weeks']);
    expect(fields(() => applyHandoverAction(planHandover(won, 6), { action: 'extend', weeks: 1 }, new Date('2027-01-09T00:00:00Z')))).toEqual(['action']);
  });
});
