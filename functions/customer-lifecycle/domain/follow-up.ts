/**
 * Follow-ups (story case 5: "look at my menu, let's talk next week"): either
 * partner schedules one for a day; on that day the owner is reminded; it can
 * be marked done, snoozed once, or handed to the partner. The rules here are
 * pure — no I/O — so the workflow steps and the API share them.
 */
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../domain/errors';
import { customerIdSchema, personIdSchema, ROLES, type Person, type Role } from '../../domain/model';
import { inQuietHours, quietHoursEnd, wantsSms } from '../../notifications/delivery-policy';
import { validate } from '../../domain/validate';
import { executionName, fingerprintOf } from '../../shared/idempotency';
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
  // Runs after a failed regex too (zod reports every problem), and '2026-13-01' is no Date: neither may throw.
  .refine((d) => {
    const day = new Date(`${d}T00:00:00Z`);
    return !DATE.test(d) || (Number.isFinite(day.getTime()) && day.toISOString().startsWith(d));
  }, 'must be a real calendar date');

export const followUpSubmissionSchema = strictFields('a follow-up', {
  followUpId: requestIdSchema.describe("The caller's idempotency key, as for customer requests."),
  customerId: customerIdSchema,
  dueOn: dueOnSchema.describe(`The day to follow up (Berlin), today at the earliest and at most ${MAX_DAYS_AHEAD} days ahead.`),
  owner: z.enum(ROLES, { error: requiredOr(`must be one of ${ROLES.join(', ')}`) }).describe('Which partner is reminded.'),
  topic: noteSchema.pipe(z.string().min(3, 'must be at least 3 characters')).describe('What to follow up on, e.g. "look at the new menu".'),
  createdBy: personIdSchema,
}).describe('A follow-up one of the tandem partners schedules for a customer.');

export type FollowUpSubmission = z.output<typeof followUpSubmissionSchema>;

/** OPEN until someone marks it done, or nobody acted in time (MISSED). */
export const FOLLOW_UP_STATUSES = ['OPEN', 'DONE', 'MISSED'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

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
  if (followUp.status === 'MISSED') throw new ConflictError(`follow-up ${followUp.followUpId} lapsed unanswered; schedule a new one`);
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

// ---------------------------------------------------------------------------
// The workflow's rules (workflows/follow-up.ts): answers, rounds and their clock.
// ---------------------------------------------------------------------------

export const otherRole = (role: Role): Role => (role === 'field' ? 'inside' : 'field');

/** What the workflow receives as a follow-up task's answer: the action as `outcome` (the workflow branches on it). */
export type FollowUpAnswer = { readonly outcome: 'done' } | { readonly outcome: 'snooze'; readonly until: string } | { readonly outcome: 'reassign' };

/** A `{action, until?}` body as the task's answer; a ValidationError names the field. */
export function parseFollowUpAnswer(body: unknown): FollowUpAnswer {
  const action = validate(followUpActionSchema, body, 'follow-up action') as FollowUpAction;
  return action.action === 'snooze' ? { outcome: 'snooze', until: action.until } : { outcome: action.action };
}

/** The action an answer stands for, as applyFollowUpAction reads it. */
export function actionOf(answer: { readonly outcome: string; readonly until?: unknown }): FollowUpAction {
  return (answer.outcome === 'snooze' ? { action: 'snooze', until: answer.until } : { action: answer.outcome }) as FollowUpAction;
}

/**
 * Who owned the follow-up when a task was offered to `role` in `phase`: the
 * owner holds every phase but the hand-over, which goes to the owner's partner.
 */
export function ownerOfTask(task: { readonly role: Role; readonly phase: string }): Role {
  return task.phase === 'handedToPartner' ? otherRole(task.role) : task.role;
}

/**
 * One logical task per round: a snooze or a reassignment starts the next
 * round, whose task has a fresh link (the answered one is used up).
 */
export const followUpTaskId = (followUpId: string, round: number): string => `followUp#${followUpId}#${round}`;

/** Tells a retried submission (same body) from a different follow-up under the same id. */
export function followUpFingerprint(submission: FollowUpSubmission): string {
  const { followUpId, customerId, dueOn, owner, topic, createdBy } = submission;
  return fingerprintOf([followUpId, customerId, dueOn, owner, topic, createdBy]);
}

/**
 * The execution name of a follow-up's `seq`-th execution (each round, and
 * each stretch of a long wait, runs in an execution of its own): the same
 * follow-up and sequence always give the same name, so a retried start never
 * runs twice. Follow-up ids are the caller's keys per customer.
 */
export function followUpExecutionName(customerId: string, followUpId: string, seq: number): string {
  return executionName(`fu-${customerId}-`, followUpId, `-${seq}`);
}

/** Share of the owner's answer window after which the owner is reminded once more. */
export const REMIND_AGAIN_FRACTION = 0.5;
/**
 * The longest wait one execution spends before the due day; a longer one
 * goes on in the next execution. Keeps every execution far below Step
 * Functions' one-year limit, although a follow-up may be snoozed to a day a
 * year after a day a year ahead.
 */
export const MAX_SILENT_WAIT_DAYS = 180;

/**
 * When a person can be messaged about a follow-up at `at` or later: the
 * reminder is informational, so an SMS in the person's quiet hours would be
 * held; the workflow plans its messages for after them instead.
 */
export function awakeAt(person: Pick<Person, 'channels' | 'smsOptedOut' | 'quietHours'>, at: Date): Date {
  return wantsSms(person) && inQuietHours(person, at) ? quietHoursEnd(person, at) : at;
}

export interface RoundSchedule {
  /** When the owner is reminded: 08:00 Berlin on the due day (or now, if later), after the owner's quiet hours. */
  readonly remindAt: string;
  /** Seconds this execution waits silently before the reminder; 0 when it is due now. */
  readonly silentSeconds: number;
  /** The silent wait is capped: the next execution goes on waiting. */
  readonly continueLater: boolean;
  /** From the reminder to the second reminder to the same person. */
  readonly ownerFirstSeconds: number;
  /** From the second reminder to the hand-over to the partner. */
  readonly ownerReminderSeconds: number;
  /** From the hand-over until the follow-up lapses. */
  readonly partnerSeconds: number;
  readonly remindAgainAt: string;
  readonly handOverAt: string;
  readonly lapseAt: string;
}

const seconds = (from: Date, to: Date): number => Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000));

/**
 * The clock of one round, planned once from its start, in seconds the
 * workflow waits (its waits and task timeouts own the time): the owner is
 * reminded at `remindAt`, again after REMIND_AGAIN_FRACTION of `answerHours`,
 * the partner takes over after `answerHours`, and the follow-up lapses
 * `answerHours` later. Every message time is moved past its recipient's
 * quiet hours (`ownerAwake`, `partnerAwake`).
 */
export function scheduleRound(input: {
  readonly dueOn: string;
  readonly now: Date;
  readonly answerHours: number;
  readonly ownerAwake: (at: Date) => Date;
  readonly partnerAwake: (at: Date) => Date;
  readonly maxSilentSeconds?: number;
}): RoundSchedule {
  const { now, answerHours } = input;
  const maxSilent = input.maxSilentSeconds ?? MAX_SILENT_WAIT_DAYS * 86_400;
  const nominal = new Date(Math.max(Date.parse(reminderAt(input.dueOn)), now.getTime()));
  const remind = input.ownerAwake(nominal);
  const untilReminder = (remind.getTime() - now.getTime()) / 1000;
  // Under a second away is now: a wait needs whole seconds.
  const silent = untilReminder < 1 ? 0 : Math.ceil(untilReminder);
  const windowMs = answerHours * 3_600_000;
  const again = input.ownerAwake(new Date(remind.getTime() + windowMs * REMIND_AGAIN_FRACTION));
  const handOver = input.partnerAwake(new Date(Math.max(remind.getTime() + windowMs, again.getTime() + 1000)));
  const lapse = new Date(handOver.getTime() + windowMs);
  return {
    remindAt: remind.toISOString(),
    silentSeconds: Math.min(silent, maxSilent),
    continueLater: silent > maxSilent,
    ownerFirstSeconds: seconds(remind, again),
    ownerReminderSeconds: seconds(again, handOver),
    partnerSeconds: seconds(handOver, lapse),
    remindAgainAt: again.toISOString(),
    handOverAt: handOver.toISOString(),
    lapseAt: lapse.toISOString(),
  };
}
