/**
 * Who gets a message and when, from the directory alone (no I/O):
 *
 * - absence: on the days of an absence (inclusive, in the person's time zone)
 *   the deputy gets the person's messages and decision tasks instead;
 * - quiet hours: an informational SMS is held until the quiet hours end (the
 *   email goes at once); an SMS that asks for an answer by a deadline goes anyway;
 * - opt-out: a person who opted out of SMS gets none (SNS's own opt-out list of
 *   numbers is checked as well, right before publishing).
 */
import { DEFAULT_QUIET_HOURS, type Absence, type Person, type QuietHours } from '../domain/model';

const formats = new Map<string, Intl.DateTimeFormat>();
function wallClock(at: Date, timeZone: string): { date: string; minutes: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const quietHoursOf = (person: Pick<Person, 'quietHours'>): QuietHours => person.quietHours ?? DEFAULT_QUIET_HOURS;

/** Whether `at` falls in the person's quiet hours (`from` inclusive, `to` exclusive, across midnight if need be). */
export function inQuietHours(person: Pick<Person, 'quietHours'>, at: Date): boolean {
  const quiet = quietHoursOf(person);
  const now = wallClock(at, quiet.timeZone).minutes;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/**
 * When the person's quiet hours that contain `at` end (or `at` itself outside
 * them). Counted in wall-clock minutes, so on the night clocks change it may be
 * an hour off — an informational SMS an hour early or late.
 */
export function quietHoursEnd(person: Pick<Person, 'quietHours'>, at: Date): Date {
  if (!inQuietHours(person, at)) return at;
  const quiet = quietHoursOf(person);
  const now = wallClock(at, quiet.timeZone).minutes;
  const wait = (minutesOf(quiet.to) - now + 1440) % 1440;
  const end = new Date(at.getTime() + wait * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}

/** The absence covering `at`'s calendar day in the person's time zone, if any. */
export function absenceOn(person: Pick<Person, 'absences' | 'quietHours'>, at: Date): Absence | undefined {
  const { date } = wallClock(at, quietHoursOf(person).timeZone);
  return (person.absences ?? []).find((a) => a.from <= date && date <= a.to);
}

/** Whether the person gets SMS at all (their own opt-out in the directory). */
export const wantsSms = (person: Pick<Person, 'channels' | 'smsOptedOut'>): boolean => person.channels.includes('sms') && person.smsOptedOut !== true;
