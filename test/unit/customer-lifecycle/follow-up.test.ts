import { ConflictError } from '../../../functions/domain/errors';
import { applyFollowUpAction, parseFollowUp, reminderAt } from '../../../functions/customer-lifecycle/domain/follow-up';
import { refusedFields } from '../../support/validation';

// Friday 27 Nov 2026, 10:00 in Berlin.
const now = new Date('2026-11-27T09:00:00Z');
const body = { followUpId: 'fu-1', customerId: 'C000001', dueOn: '2026-12-03', owner: 'field', topic: 'look at the new menu', createdBy: 'P0001' };

const problemsOf = refusedFields;

describe('scheduling a follow-up', () => {
  test('a valid follow-up is OPEN, not snoozed, owned by the named partner', () => {
    expect(parseFollowUp(body, now)).toEqual({ ...body, status: 'OPEN', snoozed: false });
  });

  test('today is allowed, yesterday (Berlin time) is not, and neither is more than a year ahead', () => {
    expect(parseFollowUp({ ...body, dueOn: '2026-11-27' }, now).dueOn).toBe('2026-11-27');
    expect(problemsOf(() => parseFollowUp({ ...body, dueOn: '2026-11-26' }, now))).toEqual(['dueOn']);
    // 23:30 UTC on the 27th is already the 28th in Berlin: the 27th is then past.
    expect(problemsOf(() => parseFollowUp({ ...body, dueOn: '2026-11-27' }, new Date('2026-11-27T23:30:00Z')))).toEqual(['dueOn']);
    expect(problemsOf(() => parseFollowUp({ ...body, dueOn: '2027-11-28' }, now))).toEqual(['dueOn']);
  });

  test.each([
    ['customerId', { customerId: 'X1' }],
    ['dueOn', { dueOn: '2026-02-30' }],
    ['owner', { owner: 'boss' }],
    ['topic', { topic: 'ok' }],
    ['createdBy', { createdBy: 'someone' }],
    ['followUpId', { followUpId: '' }],
  ])('a bad %s is refused, naming the field', (field, change) => {
    expect(problemsOf(() => parseFollowUp({ ...body, ...change }, now))).toContain(field);
  });

  test('an unknown field is refused, naming it', () => {
    expect(problemsOf(() => parseFollowUp({ ...body, priority: 'high' }, now))).toEqual(['(record)']);
  });
});

describe('acting on a follow-up', () => {
  const open = () => parseFollowUp(body, now);

  test('done is final: any later action is a conflict', () => {
    const done = applyFollowUpAction(open(), { action: 'done' }, now);
    expect(done.status).toBe('DONE');
    expect(() => applyFollowUpAction(done, { action: 'reassign' }, now)).toThrow(ConflictError);
  });

  test('a snooze moves the day later, once', () => {
    const snoozed = applyFollowUpAction(open(), { action: 'snooze', until: '2026-12-10' }, now);
    expect(snoozed).toMatchObject({ dueOn: '2026-12-10', snoozed: true, status: 'OPEN' });
    expect(() => applyFollowUpAction(snoozed, { action: 'snooze', until: '2026-12-17' }, now)).toThrow(ConflictError);
    expect(problemsOf(() => applyFollowUpAction(open(), { action: 'snooze', until: '2026-12-01' }, now))).toEqual(['until']);
  });

  test('a reassignment hands it to the partner, once', () => {
    const handed = applyFollowUpAction(open(), { action: 'reassign' }, now);
    expect(handed).toMatchObject({ owner: 'inside', reassignedFrom: 'field' });
    expect(() => applyFollowUpAction(handed, { action: 'reassign' }, now)).toThrow(ConflictError);
  });

  test('an unknown action is refused, naming the field', () => {
    expect(problemsOf(() => applyFollowUpAction(open(), { action: 'forget' }, now))).toEqual(['action']);
  });
});

test('the reminder goes out at 08:00 Berlin time on the due day, in winter and in summer', () => {
  expect(reminderAt('2026-12-03')).toBe('2026-12-03T07:00:00.000Z');
  expect(reminderAt('2027-07-01')).toBe('2027-07-01T06:00:00.000Z');
});
