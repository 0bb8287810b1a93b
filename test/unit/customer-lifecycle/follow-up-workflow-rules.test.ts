import { ConflictError } from '../../../functions/domain/errors';
import {
  applyFollowUpAction,
  awakeAt,
  followUpExecutionName,
  followUpFingerprint,
  ownerOfTask,
  parseFollowUp,
  parseFollowUpAnswer,
  scheduleRound,
} from '../../../functions/customer-lifecycle/domain/follow-up';
import { followUpTask } from '../../../functions/customer-lifecycle/tasks/follow-up-task';
import { refusedFields } from '../../support/validation';

// Friday 27 Nov 2026, 10:00 in Berlin (UTC+1).
const now = new Date('2026-11-27T09:00:00Z');
const HOUR = 3600;
const body = { followUpId: 'fu-1', customerId: 'C000001', dueOn: '2026-11-27', owner: 'field', topic: 'look at the new menu', createdBy: 'P0001' };
const alwaysAwake = (at: Date) => at;

describe('a due day', () => {
  test('a due day that is no date is a 400 naming dueOn, not an error', () => {
    expect(refusedFields(() => parseFollowUp({ ...body, dueOn: 'next week' }, now))).toEqual(['dueOn']);
    expect(refusedFields(() => parseFollowUp({ ...body, dueOn: '2026-13-01' }, now))).toEqual(['dueOn']);
  });
});

describe("a round's clock", () => {
  test('due today after 08:00: the owner is reminded now, again after half the window, the partner after all of it, and it lapses a window later', () => {
    const plan = scheduleRound({ dueOn: '2026-11-27', now, answerHours: 48, ownerAwake: alwaysAwake, partnerAwake: alwaysAwake });
    expect(plan).toMatchObject({ remindAt: now.toISOString(), silentSeconds: 0, continueLater: false });
    expect([plan.ownerFirstSeconds, plan.ownerReminderSeconds, plan.partnerSeconds]).toEqual([24 * HOUR, 24 * HOUR, 48 * HOUR]);
    expect(plan.lapseAt).toBe('2026-12-01T09:00:00.000Z');
  });

  test('due tomorrow: a silent wait until 08:00 Berlin on that day (07:00 UTC in winter, 06:00 in summer)', () => {
    expect(scheduleRound({ dueOn: '2026-11-28', now, answerHours: 48, ownerAwake: alwaysAwake, partnerAwake: alwaysAwake })).toMatchObject({
      remindAt: '2026-11-28T07:00:00.000Z',
      silentSeconds: 22 * HOUR,
    });
    const summer = new Date('2026-07-01T12:00:00Z');
    expect(scheduleRound({ dueOn: '2026-07-02', now: summer, answerHours: 48, ownerAwake: alwaysAwake, partnerAwake: alwaysAwake }).remindAt).toBe('2026-07-02T06:00:00.000Z');
  });

  test('messages wait for the end of their recipient\'s quiet hours: the owner\'s reminders, the partner\'s hand-over', () => {
    const lateRiser = { channels: ['sms' as const], quietHours: { from: '20:00', to: '09:30', timeZone: 'Europe/Berlin' } };
    const nightOwl = { channels: ['sms' as const, 'email' as const], quietHours: { from: '06:00', to: '11:00', timeZone: 'Europe/Berlin' } };
    const plan = scheduleRound({
      dueOn: '2026-11-28',
      now,
      answerHours: 48,
      ownerAwake: (at) => awakeAt(lateRiser, at),
      partnerAwake: (at) => awakeAt(nightOwl, at),
    });
    expect(plan.remindAt).toBe('2026-11-28T08:30:00.000Z');
    expect(plan.remindAgainAt).toBe('2026-11-29T08:30:00.000Z');
    expect(plan.handOverAt).toBe('2026-11-30T10:00:00.000Z');
    expect(plan.ownerReminderSeconds).toBe(25.5 * HOUR);
  });

  test('a person without SMS has no quiet hours to wait for: email goes at any time', () => {
    const at = new Date('2026-11-27T23:00:00Z');
    expect(awakeAt({ channels: ['email'], quietHours: { from: '20:00', to: '07:00', timeZone: 'Europe/Berlin' } }, at)).toEqual(at);
    expect(awakeAt({ channels: ['sms'], smsOptedOut: true }, at)).toEqual(at);
    expect(awakeAt({ channels: ['sms'] }, at).toISOString()).toBe('2026-11-28T06:00:00.000Z');
  });

  test('a due day further away than one execution waits is waited for in parts', () => {
    const plan = scheduleRound({ dueOn: '2027-11-20', now, answerHours: 48, ownerAwake: alwaysAwake, partnerAwake: alwaysAwake });
    expect(plan.silentSeconds).toBe(180 * 24 * HOUR);
    expect(plan.continueLater).toBe(true);
    expect(plan.remindAt).toBe('2027-11-20T07:00:00.000Z');
  });
});

describe('answers to a follow-up task', () => {
  test('the body\'s action becomes the outcome the workflow branches on', () => {
    expect(parseFollowUpAnswer({ action: 'done' })).toEqual({ outcome: 'done' });
    expect(parseFollowUpAnswer({ action: 'snooze', until: '2026-12-04' })).toEqual({ outcome: 'snooze', until: '2026-12-04' });
    expect(parseFollowUpAnswer({ action: 'reassign' })).toEqual({ outcome: 'reassign' });
  });

  test.each([
    ['action', { action: 'later' }],
    ['action', {}],
    ['until', { action: 'snooze' }],
    ['until', { action: 'snooze', until: '4.12.2026' }],
    ['until', { action: 'snooze', until: '2026-13-01' }],
    ['(record)', { action: 'done', until: '2026-12-04' }],
  ])('a bad answer is refused, naming %s', (field, answer) => {
    expect(refusedFields(() => parseFollowUpAnswer(answer))).toEqual([field]);
  });

  test("the link page's form gives the same answer as the JSON body", () => {
    const form = (fields: Record<string, string>) => followUpTask.parseAnswer(followUpTask.fromForm(new URLSearchParams(fields)));
    expect(form({ outcome: 'snooze', until: '2026-12-04' })).toEqual({ outcome: 'snooze', until: '2026-12-04' });
    // The date input is sent with every choice; only a snooze reads it.
    expect(form({ outcome: 'done', until: '2026-12-04' })).toEqual({ outcome: 'done' });
    expect(refusedFields(() => form({}))).toEqual(['action']);
  });

  test('a lapsed follow-up takes no action any more', () => {
    const missed = { ...parseFollowUp(body, now), status: 'MISSED' as const };
    expect(() => applyFollowUpAction(missed, { action: 'done' }, now)).toThrow(ConflictError);
  });

  test('the owner holds every phase but the hand-over, which the partner holds', () => {
    expect(ownerOfTask({ role: 'field', phase: 'decisionNeeded' })).toBe('field');
    expect(ownerOfTask({ role: 'field', phase: 'reminder' })).toBe('field');
    expect(ownerOfTask({ role: 'inside', phase: 'handedToPartner' })).toBe('field');
  });
});

describe('idempotency', () => {
  test('the same follow-up always has the same fingerprint; any changed field a different one', () => {
    const followUp = parseFollowUp(body, now);
    expect(followUpFingerprint(followUp)).toBe(followUpFingerprint(parseFollowUp({ ...body }, now)));
    expect(followUpFingerprint(followUp)).not.toBe(followUpFingerprint(parseFollowUp({ ...body, topic: 'look at the wine list' }, now)));
  });

  test('execution names are fixed per follow-up and sequence, fit 80 characters, and keep different ids apart', () => {
    expect(followUpExecutionName('C000001', 'fu-1', 1)).toBe('fu-C000001-fu-1-1');
    expect(followUpExecutionName('C000001', 'fu-1', 2)).toBe('fu-C000001-fu-1-2');
    const long = 'x'.repeat(80);
    expect(followUpExecutionName('C000001', long, 12).length).toBeLessThanOrEqual(80);
    expect(followUpExecutionName('C000001', 'a.b', 1)).not.toBe(followUpExecutionName('C000001', 'a_b', 1));
    expect(followUpExecutionName('C000001', 'a.b', 1)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
