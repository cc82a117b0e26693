import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { DoseEvent } from './dose-event.entity.ts';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { nextDoseAfter } from './dose-schedule.ts';
import { doseName } from './dose-messages.ts';
import { dailySummaryText, type SummaryBooking, type SummaryDoseState, type SummaryMedicine } from './daily-summary-text.ts';
import { sendFamilyDigests, viewButtons, type Digest, type DigestTiming, type DueElder } from './family-digests.ts';
import type { FamilyViewLinks } from '../family/family-view-links.ts';
import { Booking } from '../bookings/booking.entity.ts';
import { Venue } from '../bookings/venue.entity.ts';
import { Activity } from '../family/activity.entity.ts';
import { instantToLocal } from '../../lib/local-time.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';

/** How the daily summary sweep behaves. */
export type DailySummaryOptions = DigestTiming & {
  /** When the family view is on: a "See Margaret's week" button under each summary. */
  view?: FamilyViewLinks;
};

/** An elder's local day and the next, as instants. */
interface Days {
  start: Date;
  end: Date;
  tomorrowEnd: Date;
}

const daysOf = (elder: DueElder): Days => {
  const start = DateTime.fromISO(elder.localDate, { zone: elder.timezone }).startOf('day');
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate(), tomorrowEnd: start.plus({ days: 2 }).toJSDate() };
};

const groupBy = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
};

/** Each medicine's doses of the elder's day: those recorded, then those still to come from active schedules. */
function medicinesOf(days: Days, now: Date, doses: DoseEvent[], schedules: MedicationSchedule[]): SummaryMedicine[] {
  const byId = new Map(schedules.map((s) => [s.id, s]));
  const perSchedule = new Map<string, { localTime: string; dueAt: number; state: SummaryDoseState }[]>();
  const add = (scheduleId: string, entry: { localTime: string; dueAt: number; state: SummaryDoseState }): void => {
    const list = perSchedule.get(scheduleId);
    if (list) list.push(entry);
    else perSchedule.set(scheduleId, [entry]);
  };
  const recorded = new Set<string>();
  for (const d of doses) {
    if (d.dueAt < days.start || d.dueAt >= days.end) continue;
    recorded.add(`${d.scheduleId}|${d.dueAt.getTime()}`);
    add(d.scheduleId, { localTime: d.localTime, dueAt: d.dueAt.getTime(), state: d.status });
  }
  for (const s of schedules) {
    if (s.status !== 'active') continue;
    for (let next = nextDoseAfter(s, new Date(days.start.getTime() - 1)); next && next.dueAt < days.end; next = nextDoseAfter(s, next.dueAt)) {
      if (recorded.has(`${s.id}|${next.dueAt.getTime()}`)) continue;
      // Due but not yet recorded: the dose sweep has not reached it (or is just running).
      add(s.id, { localTime: next.localTime, dueAt: next.dueAt.getTime(), state: next.dueAt > now ? 'to-come' : 'pending' });
    }
  }
  const medicines: SummaryMedicine[] = [];
  for (const [scheduleId, list] of perSchedule) {
    const schedule = byId.get(scheduleId);
    list.sort((a, b) => a.dueAt - b.dueAt);
    medicines.push({ name: schedule ? doseName(schedule) : 'Medicine', doses: list.map(({ localTime, state }) => ({ localTime, state })) });
  }
  return medicines.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Reads the facts of a batch of elders' days, a fixed number of queries for the whole batch (dose events,
 * schedules, bookings, venues, activities), and writes each elder's summary.
 */
async function composeSummaries(em: EntityManager, elders: DueElder[], now: Date): Promise<Digest[]> {
  const ids = elders.map((e) => e.id);
  const days = new Map(elders.map((e) => [e.id, daysOf(e)]));
  const from = new Date(Math.min(...[...days.values()].map((d) => d.start.getTime())));
  const to = new Date(Math.max(...[...days.values()].map((d) => d.end.getTime())));
  const toTomorrow = new Date(Math.max(...[...days.values()].map((d) => d.tomorrowEnd.getTime())));

  const doses = await em.find(DoseEvent, { elderId: { $in: ids }, dueAt: { $gte: from, $lt: to } }, { orderBy: { dueAt: 'asc' } });
  const doseScheduleIds = [...new Set(doses.map((d) => d.scheduleId))];
  const schedules = await em.find(MedicationSchedule, {
    $or: [{ elderId: { $in: ids }, status: 'active' }, ...(doseScheduleIds.length > 0 ? [{ id: { $in: doseScheduleIds } }] : [])],
  });
  const bookings = await em.find(
    Booking,
    { elderId: { $in: ids }, status: { $in: ['confirmed', 'requested'] }, startAt: { $gte: from, $lt: toTomorrow } },
    { orderBy: { startAt: 'asc' } },
  );
  const venueIds = [...new Set(bookings.map((b) => b.venueId))];
  const venues = new Map(venueIds.length > 0 ? (await em.find(Venue, { id: { $in: venueIds } }, { fields: ['id', 'name'] })).map((v) => [v.id, v.name]) : []);
  const activities = await em.find(Activity, { elderId: { $in: ids }, createdAt: { $gte: from, $lt: to } }, { orderBy: { createdAt: 'asc' } });

  const dosesOf = groupBy(doses, (d) => d.elderId);
  const schedulesOf = groupBy(schedules, (s) => s.elderId);
  const bookingsOf = groupBy(bookings, (b) => b.elderId);
  const activitiesOf = groupBy(activities, (a) => a.elderId);

  return elders.map((elder) => {
    const day = days.get(elder.id)!;
    const summaryBookings: SummaryBooking[] = (bookingsOf.get(elder.id) ?? [])
      .filter((b) => b.startAt >= day.start && b.startAt < day.tomorrowEnd)
      .map((b) => ({
        day: b.startAt < day.end ? 'today' : 'tomorrow',
        localTime: instantToLocal(b.startAt, elder.timezone).slice(11, 16),
        venue: venues.get(b.venueId) ?? 'the venue',
        service: b.service ?? null,
        partySize: b.partySize ?? null,
        confirmed: b.status === 'confirmed',
      }));
    const text = dailySummaryText({
      elderName: elder.name,
      localDate: elder.localDate,
      medicines: medicinesOf(day, now, dosesOf.get(elder.id) ?? [], schedulesOf.get(elder.id) ?? []),
      bookings: summaryBookings,
      activities: (activitiesOf.get(elder.id) ?? []).filter((a) => a.createdAt >= day.start && a.createdAt < day.end).map((a) => a.text),
    });
    return { elderId: elder.id, text };
  });
}

/**
 * The family's daily summary: once the elder's local time reaches the summary time (the one the family chose
 * with /summary, else `options.summaryTime`, default 20:00; never when they turned it off), each elder with family gets one message per family chat with the day's doses per medicine (taken, skipped,
 * missed, not answered yet, still to come), today's and tomorrow's bookings, and what they shared today. Sent
 * once per elder per local date (idempotency key `summary:<elderId>:<yyyy-mm-dd>:<chat>`), however many
 * sweeps or schedulers run; late after downtime on the same date, never for a past one. With the family view
 * on, each message has a "See Margaret's week" button (a Mini App in Telegram private chats, else a signed link).
 */
export async function sendDailySummaries(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: DailySummaryOptions = {}): Promise<number> {
  const buttons = options.view ? { buttons: viewButtons(options.view, now) } : {};
  return sendFamilyDigests(orm, delivery, now, { kind: 'summary', compose: (em, elders) => composeSummaries(em, elders, now), ...buttons }, options);
}
