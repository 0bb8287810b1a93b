import { serviceLevel } from '../../../functions/customer-request/domain/service-level';

describe('the SLA of a customer request', () => {
  test('a request that needed no decision cannot breach it', () => {
    expect(serviceLevel({ decided: false })).toEqual({ breached: false, why: 'no decision needed' });
  });

  test("a decision in the inside manager's window (with or without the reminder) keeps it", () => {
    expect(serviceLevel({ escalation: { role: 'inside' }, decided: true })).toEqual({ breached: false, why: "decided in the inside manager's window" });
  });

  test('a decision that had to pass to the field partner breaches it, whoever answered then', () => {
    expect(serviceLevel({ escalation: { role: 'field' }, decided: true })).toEqual({ breached: true, why: 'handed over to the field partner' });
    expect(serviceLevel({ escalation: { role: 'field' }, decided: false }).breached).toBe(true);
  });

  test('an escalation nobody answered breaches it', () => {
    expect(serviceLevel({ escalation: { role: 'inside' }, decided: false })).toEqual({ breached: true, why: 'no decision at all' });
  });
});
