import type { EntityManager } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import type { TaskHandler } from '../task-handler.ts';
import type { Elder } from '../elders/elder.entity.ts';
import { Reminder } from '../reminders/reminder.entity.ts';
import { nextFireAfter } from '../reminders/reminder-schedule.ts';
import { MedicationSchedule } from '../medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../medicines/dose-event.entity.ts';
import { firstDoseFrom, NOT_SENT_YET_MS } from '../medicines/dose-schedule.ts';
import { doseName } from '../medicines/dose-messages.ts';
import { Booking } from '../bookings/booking.entity.ts';
import { Venue } from '../bookings/venue.entity.ts';
import { getScheduleArgs, WEEKDAYS, type GetScheduleArgs, type SCHEDULE_TOPICS } from '../tool-args.ts';

type ScheduleTopic = (typeof SCHEDULE_TOPICS)[number];
import { addLocalDays, instantToLocal, sayClockTime, sayLocalDate, sayLocalDateTime, wallClockToInstant } from '../../lib/local-time.ts';

// Bookings that still stand: held by a provider, asked of the family, or confirmed.
const STANDING = ['held', 'requested', 'confirmed'] as const;

/** How each topic is said in "You have no … coming up". */
const TOPIC_WORDS: Record<ScheduleTopic, string> = { medicines: 'medicine doses', bookings: 'bookings', reminders: 'reminders' };

/** One thing on the elder's schedule: when it happens and how it is said; a dose also says which medicine, for the week's "every day" line. */
interface ScheduleEntry {
  at: Date;
  text: string;
  medicine?: string;
}

const weekdayOf = (date: string): (typeof WEEKDAYS)[number] => WEEKDAYS[DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1]!;

/** "Table for 4 at Olive Garden", "Haircut at Tony's (waiting for your family to confirm)". */
function sayBookingEntry(booking: Booking, venue: string): string {
  const what = booking.partySize ? `Table for ${booking.partySize}` : booking.service ? booking.service.charAt(0).toUpperCase() + booking.service.slice(1) : 'Appointment';
  const waiting = booking.status === 'requested' ? ' (waiting for your family to confirm)' : '';
  return `${what} at ${venue}${waiting}`;
}

/** The names of the venues of some bookings, in one query. */
async function venueNames(em: EntityManager, bookings: Booking[]): Promise<Map<string, string>> {
  if (bookings.length === 0) return new Map();
  const venues = await em.find(Venue, { id: { $in: [...new Set(bookings.map((b) => b.venueId))] } }, { fields: ['id', 'name'] });
  return new Map(venues.map((v) => [v.id, v.name]));
}

/** What the schedule of some local days is made of, read once for all of them. */
interface ScheduleRecords {
  reminders: Reminder[];
  schedules: MedicationSchedule[];
  bookings: Booking[];
  venues: Map<string, string>;
  /** What became of the doses already sent, by schedule id and due instant. */
  doseState: Map<string, string>;
}

/** Reads the reminders, medicines, bookings and sent doses of the local days `from` to `until`: the same few queries for a day or a fortnight. */
async function readSchedule(em: EntityManager, elder: Elder, from: string, until: string, now: Date, about: ScheduleTopic | undefined): Promise<ScheduleRecords> {
  const start = wallClockToInstant(from, '00:00', elder.timezone);
  const end = wallClockToInstant(addLocalDays(until, 1), '00:00', elder.timezone);
  // One after the other: the queries share the task's transaction.
  const reminders = !about || about === 'reminders' ? await em.find(Reminder, { elderId: elder.id, status: { $in: ['active', 'done'] } }) : [];
  const schedules = !about || about === 'medicines' ? await em.find(MedicationSchedule, { elderId: elder.id, status: 'active' }) : [];
  const bookings = !about || about === 'bookings' ? await em.find(Booking, { elderId: elder.id, status: { $in: [...STANDING] }, startAt: { $gte: start, $lt: end } }) : [];
  // What became of the doses already sent, so "did I take my pills?" is answered by the same list.
  const sent = start < now && schedules.length > 0 ? await em.find(DoseEvent, { elderId: elder.id, dueAt: { $gte: start, $lt: end } }, { fields: ['scheduleId', 'dueAt', 'status'] }) : [];
  const doseState = new Map(sent.map((d) => [`${d.scheduleId} ${d.dueAt.getTime()}`, d.status as string]));
  return { reminders, schedules, bookings, venues: await venueNames(em, bookings), doseState };
}

/** Reminders, doses and bookings on one local date, in time order. */
function entriesOn(records: ScheduleRecords, elder: Elder, date: string, now: Date): ScheduleEntry[] {
  const dayStart = wallClockToInstant(date, '00:00', elder.timezone);
  const dayEnd = wallClockToInstant(addLocalDays(date, 1), '00:00', elder.timezone);
  const weekday = weekdayOf(date);
  const entries: ScheduleEntry[] = [];

  for (const r of records.reminders) {
    const [first, time] = r.localAt.split('T') as [string, string];
    const happens = r.repeat === 'daily' ? first <= date : r.repeat === 'weekly' ? first <= date && weekdayOf(first) === weekday : first === date;
    if (!happens || (r.repeat && r.status !== 'active')) continue;
    entries.push({ at: wallClockToInstant(date, time, r.timezone), text: `Reminder: ${r.text}` });
  }
  for (const s of records.schedules) {
    if ((s.startDate && date < s.startDate) || (s.endDate && date > s.endDate)) continue;
    if (s.days && !s.days.map((d) => d.toLowerCase()).includes(weekday)) continue;
    const notes = s.notes ? ` (${s.notes.replace(/[.\s]+$/, '')})` : '';
    for (const time of s.times) {
      const at = wallClockToInstant(date, time, s.timezone);
      const state = records.doseState.get(`${s.id} ${at.getTime()}`);
      // A past dose that was never sent did not exist (the medicine was added later that day): only what happened, and what is planned.
      if (!state && at.getTime() < now.getTime() - NOT_SENT_YET_MS) continue;
      entries.push({ at, text: `${doseName(s)}${notes}${sayDoseState(state, at, now)}`, medicine: `${doseName(s)}${notes}` });
    }
  }
  for (const b of records.bookings) {
    if (b.startAt >= dayStart && b.startAt < dayEnd) entries.push({ at: b.startAt, text: sayBookingEntry(b, records.venues.get(b.venueId) ?? 'the venue') });
  }

  return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || a.text.localeCompare(b.text));
}

/** How a dose of the day stands, for the list: taken, skipped or missed once known; a sent dose with no answer is said so. */
function sayDoseState(state: string | undefined, at: Date, now: Date): string {
  if (state === 'taken' || state === 'skipped' || state === 'missed') return ` (${state})`;
  return state && at <= now ? ' (not confirmed yet)' : '';
}

/** How a day is named in the answer: "today, Wednesday 25 November", "tomorrow, …", or "on Friday 27 November". */
function sayDay(date: string, today: string): string {
  if (date === today) return `today, ${sayLocalDate(date)}`;
  if (date === addLocalDays(today, 1)) return `tomorrow, ${sayLocalDate(date)}`;
  return `on ${sayLocalDate(date)}`;
}

/** The answer for one day: every entry with its local time, or a kind word for an empty day. */
async function sayDaySchedule(em: EntityManager, elder: Elder, date: string, now: Date, about: ScheduleTopic | undefined): Promise<string> {
  const entries = entriesOn(await readSchedule(em, elder, date, date, now, about), elder, date, now);
  const day = sayDay(date, instantToLocal(now, elder.timezone).slice(0, 10));
  if (entries.length === 0) return about ? `You have no ${TOPIC_WORDS[about]} ${day}.` : `You have nothing planned ${day}. Enjoy a quiet day.`;
  const heading = day.startsWith('on ') ? `On ${day.slice(3)} you have:` : `${day.charAt(0).toUpperCase()}${day.slice(1)}, you have:`;
  return [heading, ...entries.map((e) => `- ${sayEntryTime(e, elder)}: ${e.text}`)].join('\n');
}

const sayEntryTime = (entry: ScheduleEntry, elder: Elder): string => sayClockTime(DateTime.fromJSDate(entry.at, { zone: elder.timezone }));

/** "8:00 am", "8:00 am and 8:00 pm", "8:00 am, 1:00 pm and 8:00 pm". */
const sayTimes = (times: string[]): string => (times.length <= 1 ? (times[0] ?? '') : `${times.slice(0, -1).join(', ')} and ${times.at(-1)}`);

/**
 * The medicines taken at the same times on every day of a span, with those times. The first day may be
 * today, whose earlier doses are over: its times then only need to be the last of the others.
 */
function everyDayMedicines(days: { date: string; entries: ScheduleEntry[] }[], elder: Elder, today: string): Map<string, string[]> {
  const timesOf = (entries: ScheduleEntry[], medicine: string): string[] => entries.filter((e) => e.medicine === medicine).map((e) => sayEntryTime(e, elder));
  const full = days.filter((d, i) => !(i === 0 && d.date === today));
  const daily = new Map<string, string[]>();
  if (full.length === 0 || days.length < 2) return daily;
  for (const medicine of new Set(full[0]!.entries.flatMap((e) => (e.medicine ? [e.medicine] : [])))) {
    const times = timesOf(full[0]!.entries, medicine);
    if (!full.every((d) => timesOf(d.entries, medicine).join() === times.join())) continue;
    const first = days[0]!;
    if (first !== full[0] && timesOf(first.entries, medicine).join() !== times.slice(times.length - timesOf(first.entries, medicine).length).join()) continue;
    daily.set(medicine, times);
  }
  return daily;
}

/**
 * The answer for a span of days ("this week", "next week", "the weekend"): what is still to come, grouped by
 * day in the elder's time; a medicine taken at the same times every day is said once, not seven times.
 */
async function saySpanSchedule(em: EntityManager, elder: Elder, from: string, until: string, now: Date, about: ScheduleTopic | undefined): Promise<string> {
  const records = await readSchedule(em, elder, from, until, now, about);
  const today = instantToLocal(now, elder.timezone).slice(0, 10);
  const days: { date: string; entries: ScheduleEntry[] }[] = [];
  for (let date = from; date <= until; date = addLocalDays(date, 1)) {
    days.push({ date, entries: entriesOn(records, elder, date, now).filter((e) => e.at >= now) });
  }
  const span = `from ${sayLocalDate(from)} to ${sayLocalDate(until)}`;
  if (days.every((d) => d.entries.length === 0)) return about ? `You have no ${TOPIC_WORDS[about]} ${span}.` : `You have nothing planned ${span}.`;
  const daily = everyDayMedicines(days, elder, today);
  const lines = [`${span.charAt(0).toUpperCase()}${span.slice(1)} you have:`];
  for (const [medicine, times] of daily) lines.push(`Every day: ${medicine} at ${sayTimes(times)}`);
  for (const { date, entries } of days) {
    const rest = entries.filter((e) => !e.medicine || !daily.has(e.medicine));
    if (rest.length === 0) continue;
    const day = sayDay(date, today);
    lines.push(`${day.startsWith('on ') ? day.slice(3) : `${day.charAt(0).toUpperCase()}${day.slice(1)}`}:`);
    lines.push(...rest.map((e) => `- ${sayEntryTime(e, elder)}: ${e.text}`));
  }
  return lines.join('\n');
}

/** The answer with no date: the next medicine dose, and the next reminder or booking, whichever comes first. */
async function sayWhatIsNext(em: EntityManager, elder: Elder, now: Date, about: ScheduleTopic | undefined): Promise<string> {
  const schedules = !about || about === 'medicines' ? await em.find(MedicationSchedule, { elderId: elder.id, status: 'active' }) : [];
  const reminders = !about || about === 'reminders' ? await em.find(Reminder, { elderId: elder.id, status: 'active' }) : [];
  const booking =
    !about || about === 'bookings' ? await em.findOne(Booking, { elderId: elder.id, status: { $in: [...STANDING] }, startAt: { $gte: now } }, { orderBy: { startAt: 'asc', id: 'asc' } }) : null;
  const when = (at: Date): string => sayLocalDateTime(instantToLocal(at, elder.timezone), elder.timezone);
  const lines: string[] = [];

  let dose: { at: Date; name: string } | null = null;
  for (const s of schedules) {
    const next = firstDoseFrom(s, now);
    if (next && (!dose || next.dueAt < dose.at)) dose = { at: next.dueAt, name: doseName(s) };
  }
  if (dose) lines.push(`Your next medicine: ${dose.name}, on ${when(dose.at)}.`);

  let other: { at: Date; text: string } | null = null;
  for (const r of reminders) {
    // A stored fire time can lag behind when the sweep has not run yet; a repeating reminder still has a next one.
    const at = r.nextFireAt && r.nextFireAt >= now ? r.nextFireAt : r.repeat ? nextFireAfter(r.localAt, r.repeat, r.timezone, now) : null;
    if (at && (!other || at < other.at)) other = { at, text: `Your next reminder: "${r.text}"` };
  }
  if (booking && (!other || booking.startAt < other.at)) {
    const venues = await venueNames(em, [booking]);
    other = { at: booking.startAt, text: `Your next booking: ${sayBookingEntry(booking, venues.get(booking.venueId) ?? 'the venue')}` };
  }
  if (other) lines.push(`${other.text}, on ${when(other.at)}.`);

  if (about && lines.length === 0) return `You have no ${TOPIC_WORDS[about]} coming up.`;
  if (about) return lines.join('\n');
  if (lines.length === 0) return 'You have nothing coming up. Your schedule is clear.';
  if (!dose) lines.unshift(schedules.length === 0 ? 'You have no medicines on your list.' : 'You have no more medicine doses planned.');
  if (!other) lines.push('Nothing else is planned.');
  return lines.join('\n');
}

/**
 * get_schedule: what the elder has on a local date (reminders, medicine doses, bookings, in time order), over a
 * span of days grouped by day, or with no date what is next. Read-only, so it runs at once without asking.
 */
export const getScheduleTask: TaskHandler<GetScheduleArgs> = {
  kind: 'get_schedule',
  label: 'look up your schedule',
  schema: getScheduleArgs,
  groupCommit: true,
  readOnly: true,
  readBack: (args) =>
    args.date && args.until
      ? `Shall I tell you what you have from ${sayLocalDate(args.date)} to ${sayLocalDate(args.until)}?`
      : args.date
        ? `Shall I tell you what you have on ${sayLocalDate(args.date)}?`
        : 'Shall I tell you what is next?',
  async execute(args, { em, elder, clock }) {
    const now = clock.now();
    const reply =
      args.date && args.until
        ? await saySpanSchedule(em, elder, args.date, args.until, now, args.about)
        : args.date
          ? await sayDaySchedule(em, elder, args.date, now, args.about)
          : await sayWhatIsNext(em, elder, now, args.about);
    return { result: { date: args.date ?? null, until: args.until ?? null }, reply };
  },
};
