/**
 * Follow-ups (story case 5: "look at my menu, let's talk next week"): either
 * partner schedules one for a day; on that day the owner is reminded; it can
 * be marked done, snoozed once, or handed to the partner. The rules here are
 * pure — no I/O — so the workflow steps and the API share them.
 */
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../domain/errors';
import { customerIdSchema, personIdSchema, ROLES, type Role } from '../../domain/model';
import { validate } from '../../domain/validate';
import { noteSchema, requestIdSchema, requiredOr, strictFields } from '../../customer-request/domain/submission';

/** Further ahead than this is a plan, not a follow-up. */
export const MAX_DAYS_AHEAD = 365;
/** The reminder goes out at this wall-clock time on the due day. */
export const REMINDER_TIME = '08:00';
export const FOLLOW_UP_TIME_ZONE = 'Europe/Berlin';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dueOnSchema = z
  .string({ error: requiredOr('must be a date YYYY-MM-DD') })
  .regex(DATE, 'must be a date YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real calendar date');

export const followUpSubmissionSchema = strictFields('a follow-up', {
  followUpId: requestIdSchema.describe("The caller's idempotency key, as for customer requests."),
  customerId: customerIdSchema,
  dueOn: dueOnSchema.describe(`The day to follow up (Berlin), today at the earliest and at most ${MAX_DAYS_AHEAD} days ahead.`),
  owner: z.enum(ROLES, { error: requiredOr(`must be one of ${ROLES.join(', ')}`) }).describe('Which partner is reminded.'),
  topic: noteSchema.pipe(z.string().min(3, 'must be at least 3 characters')).describe('What to follow up on, e.g. "look at the new menu".'),
  createdBy: personIdSchema,
}).describe('A follow-up one of the tandem partners schedules for a customer.');

export type FollowUpSubmission = z.output<typeof followUpSubmissionSchema>;

export const FOLLOW_UP_STATUSES = ['OPEN', 'DONE'] as const;

export interface FollowUp extends FollowUpSubmission {
  readonly status: (typeof FOLLOW_UP_STATUSES)[number];
  /** A follow-up may be snoozed once. */
  readonly snoozed: boolean;
  /** Who handed it to the partner, if anyone did (once). */
  readonly reassignedFrom?: Role;
}

/** Today's date in Berlin, `YYYY-MM-DD`. */
export function berlinDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: FOLLOW_UP_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function checkDueOn(dueOn: string, now: Date, field: string, record: string): void {
  const today = berlinDate(now);
  if (dueOn < today) throw new ValidationError(record, [{ field, problem: `must not be in the past (today is ${today})` }]);
  if (daysBetween(today, dueOn) > MAX_DAYS_AHEAD) throw new ValidationError(record, [{ field, problem: `must be at most ${MAX_DAYS_AHEAD} days ahead` }]);
}

/** A new follow-up from the API body; the due day must be today or later (Berlin time). */
export function parseFollowUp(body: unknown, now: Date): FollowUp {
  const submission = validate(followUpSubmissionSchema, body, 'follow-up');
  checkDueOn(submission.dueOn, now, 'dueOn', 'follow-up');
  return { ...submission, status: 'OPEN', snoozed: false };
}

export type FollowUpAction = { readonly action: 'done' } | { readonly action: 'snooze'; readonly until: string } | { readonly action: 'reassign' };

export const followUpActionSchema = z.discriminatedUnion(
  'action',
  [
    strictFields('a done action', { action: z.literal('done') }),
    strictFields('a snooze action', { action: z.literal('snooze'), until: dueOnSchema }),
    strictFields('a reassign action', { action: z.literal('reassign') }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'must be one of done, snooze, reassign' : 'must be a JSON object') },
);

/**
 * The follow-up after an action, or a ConflictError when the action is no
 * longer allowed: a done follow-up is final, a snooze happens once and moves
 * the day later, a reassignment hands it to the partner once.
 */
export function applyFollowUpAction(followUp: FollowUp, body: unknown, now: Date): FollowUp {
  const action = validate(followUpActionSchema, body, `follow-up ${followUp.followUpId} action`) as FollowUpAction;
  if (followUp.status === 'DONE') throw new ConflictError(`follow-up ${followUp.followUpId} is done already`);
  switch (action.action) {
    case 'done':
      return { ...followUp, status: 'DONE' };
    case 'snooze':
      if (followUp.snoozed) throw new ConflictError(`follow-up ${followUp.followUpId} was snoozed once already; mark it done or hand it to the partner`);
      checkDueOn(action.until, now, 'until', `follow-up ${followUp.followUpId} action`);
      if (action.until <= followUp.dueOn) {
        throw new ValidationError(`follow-up ${followUp.followUpId} action`, [{ field: 'until', problem: `must be after the current day ${followUp.dueOn}` }]);
      }
      return { ...followUp, dueOn: action.until, snoozed: true };
    case 'reassign':
      if (followUp.reassignedFrom) throw new ConflictError(`follow-up ${followUp.followUpId} was handed to the partner once already`);
      return { ...followUp, owner: followUp.owner === 'field' ? 'inside' : 'field', reassignedFrom: followUp.owner };
  }
}

/** When the owner is reminded: 08:00 Berlin time on the due day, as an instant. */
export function reminderAt(dueOn: string): string {
  // Berlin is UTC+1 or +2: find the offset that makes 08:00 local on that day.
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(`${dueOn}T${REMINDER_TIME}:00+0${offsetHours}:00`);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: FOLLOW_UP_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(candidate);
    if (local === REMINDER_TIME) return candidate.toISOString();
  }
  throw new RangeError(`no ${REMINDER_TIME} in ${FOLLOW_UP_TIME_ZONE} on ${dueOn}`);
}
