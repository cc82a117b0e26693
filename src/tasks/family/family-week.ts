import type { EntityManager } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import type { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { MedicationSchedule } from '../medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../medicines/dose-event.entity.ts';
import { buildDoseWeek, doseWeekRange, answeredOf, type DoseMark, type WeekTotals } from '../medicines/dose-week.ts';
import { firstDoseFrom, nextDoseAfter } from '../medicines/dose-schedule.ts';
import { doseName, sayDoseTime } from '../medicines/dose-messages.ts';
import { adherenceChartSvg, adherenceTitle } from '../medicines/adherence-chart.ts';
import { Reminder } from '../reminders/reminder.entity.ts';
import { nextFireAfter } from '../reminders/reminder-schedule.ts';
import { Booking } from '../bookings/booking.entity.ts';
import { Venue } from '../bookings/venue.entity.ts';
import { Activity } from './activity.entity.ts';
import { Alert } from './alert.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { REPLY_KEY_PREFIX } from './family-messages.ts';
import { addLocalDays, instantToLocal, sayClockTime, sayLocalDateTime, wallClockToInstant } from '../../lib/local-time.ts';


/** One day of the page's grid. */
export interface WeekDay {
  date: string;
  /** "Thu 19". */
  short: string;
  /** "Thursday 19 November". */
  long: string;
  today: boolean;
}

/** Something coming up: a dose, a reminder or a booking, at an elder-local time. */
export interface ComingItem {
  kind: 'medicine' | 'reminder' | 'booking';
  /** "8:00 am". */
  time: string;
  text: string;
  /** For a booking: party or service, reference, whether it is confirmed. */
  detail?: string;
}

/** Everything the family page shows for one elder, in words ready to show (times in the elder's timezone). */
export interface FamilyWeek {
  elder: { id: string; name: string; firstName: string };
  /** "Wednesday 25 November at 7:02 pm": when these facts were read. */
  asOf: string;
  days: WeekDay[];
  medicines: { scheduleId: string; name: string; status: MedicationSchedule['status']; times: string[]; days: { time: string; mark: DoseMark }[][] }[];
  adherence: WeekTotals & { taken: number; answered: number; percent: number | null; title: string };
  /** The week's chart as SVG (the same Vega-Lite description as the PNG sent to the family). */
  chartSvg: string;
  coming: { date: string; label: string; items: ComingItem[] }[];
  activities: { at: string; text: string; replies: string[] }[];
  alerts: { id: string; description: string; status: Alert['status']; raisedAt: string; acknowledgedBy: string | null; acknowledgedAt: string | null }[];
}

/** What the page reads besides the elder. */
export interface FamilyWeekOptions {
  now: Date;
  /** A dose taken more than this after it was due is shown late (DOSE_REMIND_AGAIN_MINUTES). */
  lateAfterMinutes: number;
  /** How far back activities and alerts go (default 7 days). */
  recentDays?: number;
}

// Bookings that still stand: held by a provider, asked of the family, or confirmed.
const STANDING = ['held', 'requested', 'confirmed'] as const;
const MAX_RECENT = 20;

const first = (name: string): string => name.trim().split(/\s+/)[0] ?? name;
const said = (at: Date, timezone: string): string => sayLocalDateTime(instantToLocal(at, timezone), timezone);
const clock = (at: Date, timezone: string): string => sayClockTime(DateTime.fromJSDate(at, { zone: timezone }));

/** "Table for 4", "Haircut", "Appointment". */
function bookingWhat(b: Booking): string {
  if (b.partySize) return `Table for ${b.partySize}`;
  if (b.service) return b.service.charAt(0).toUpperCase() + b.service.slice(1);
  return 'Appointment';
}

/**
 * Reads one elder's week for the family page in a fixed number of queries, whatever the number of medicines,
 * days or people (one per kind of fact: schedules, doses, reminders, bookings, venues, activities, replies,
 * alerts, who acknowledged them): the last seven days and today of doses per medicine, the week's adherence
 * and chart, the coming seven days, recent activities with the family's replies, and open and recent alerts.
 * The caller has checked who may see it.
 */
export async function loadFamilyWeek(em: EntityManager, elder: Pick<Elder, 'id' | 'name' | 'timezone'>, options: FamilyWeekOptions): Promise<FamilyWeek> {
  const { now } = options;
  const tz = elder.timezone;
  const today = instantToLocal(now, tz).slice(0, 10);
  const grid = doseWeekRange(today, 8, tz);
  const comingEnd = wallClockToInstant(addLocalDays(today, 7), '00:00', tz);
  const since = new Date(now.getTime() - (options.recentDays ?? 7) * 86_400_000);

  const schedules = await em.find(MedicationSchedule, { elderId: elder.id });
  const doses = await em.find(
    DoseEvent,
    { elderId: elder.id, dueAt: { $gte: grid.from, $lt: grid.to } },
    { fields: ['id', 'scheduleId', 'dueAt', 'localTime', 'status', 'answeredAt'] },
  );
  const reminders = await em.find(Reminder, { elderId: elder.id, status: 'active' });
  const bookings = await em.find(Booking, { elderId: elder.id, status: { $in: [...STANDING] }, startAt: { $gte: now, $lt: comingEnd } }, { orderBy: { startAt: 'asc', id: 'asc' } });
  const venueIds = [...new Set(bookings.map((b) => b.venueId))];
  const venues = new Map(venueIds.length > 0 ? (await em.find(Venue, { id: { $in: venueIds } }, { fields: ['id', 'name'] })).map((v) => [v.id, v.name]) : []);
  const activities = await em.find(Activity, { elderId: elder.id, createdAt: { $gte: since } }, { orderBy: { createdAt: 'desc' }, limit: MAX_RECENT });
  const replies =
    activities.length > 0
      ? await em.find(
          MessageLog,
          { elderId: elder.id, direction: 'out', createdAt: { $gte: since }, idempotencyKey: { $like: `${REPLY_KEY_PREFIX}:%` } },
          { fields: ['id', 'text', 'idempotencyKey', 'createdAt'], orderBy: { createdAt: 'asc', id: 'asc' } },
        )
      : [];
  const alerts = await em.find(Alert, { elderId: elder.id, $or: [{ status: 'open' }, { createdAt: { $gte: since } }] }, { orderBy: { createdAt: 'desc' }, limit: MAX_RECENT });
  const ackIds = [...new Set(alerts.map((a) => a.acknowledgedByAccountId).filter((id): id is string => id !== null))];
  const acknowledgers = new Map(ackIds.length > 0 ? (await em.find(ChannelAccount, { id: { $in: ackIds } }, { fields: ['id', 'displayName'] })).map((a) => [a.id, a.displayName]) : []);

  const week = buildDoseWeek({ today, dayCount: 8, timezone: tz, now, schedules, doses, lateAfterMs: options.lateAfterMinutes * 60_000 });
  const { taken, answered } = answeredOf(week.totals);
  const byId = new Map(schedules.map((s) => [s.id, s]));

  // The coming seven days, today's rest included: each active medicine's doses, active reminders, standing bookings.
  const coming = new Map<string, (ComingItem & { at: number })[]>(Array.from({ length: 7 }, (_, i) => [addLocalDays(today, i), []]));
  const add = (at: Date, item: ComingItem): void => {
    coming.get(instantToLocal(at, tz).slice(0, 10))?.push({ ...item, at: at.getTime() });
  };
  for (const s of schedules) {
    if (s.status !== 'active') continue;
    for (let next = firstDoseFrom(s, now); next && next.dueAt < comingEnd; next = nextDoseAfter(s, next.dueAt)) add(next.dueAt, { kind: 'medicine', time: sayDoseTime(next.localTime), text: doseName(s) });
  }
  for (const r of reminders) {
    let at = r.nextFireAt && r.nextFireAt >= now ? r.nextFireAt : r.repeat ? nextFireAfter(r.localAt, r.repeat, r.timezone, now) : null;
    for (; at && at < comingEnd; at = r.repeat ? nextFireAfter(r.localAt, r.repeat, r.timezone, at) : null) add(at, { kind: 'reminder', time: clock(at, tz), text: `Reminder: ${r.text}` });
  }
  for (const b of bookings) {
    const confirmed = b.status === 'confirmed' ? 'confirmed' : 'not confirmed yet';
    add(b.startAt, { kind: 'booking', time: clock(b.startAt, tz), text: `${bookingWhat(b)} at ${venues.get(b.venueId) ?? 'the venue'}`, detail: `Reference ${b.reference}, ${confirmed}` });
  }

  const repliesOf = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of replies) {
    // `reply:<activityId>:<reply id>:<elder account>`: one reply reaches each of the elder's accounts.
    const [, activityId, replyId] = (r.idempotencyKey ?? '').split(':');
    if (!activityId || !replyId || seen.has(replyId)) continue;
    seen.add(replyId);
    repliesOf.set(activityId, [...(repliesOf.get(activityId) ?? []), r.text]);
  }

  return {
    elder: { id: elder.id, name: elder.name, firstName: first(elder.name) },
    asOf: said(now, tz),
    days: week.dates.map((date) => {
      const day = DateTime.fromISO(date);
      return { date, short: day.toFormat('ccc d'), long: day.toFormat('cccc d LLLL'), today: date === today };
    }),
    medicines: week.medicines.map((m) => ({
      scheduleId: m.scheduleId,
      name: m.name,
      status: m.status,
      times: (byId.get(m.scheduleId)?.times ?? []).map(sayDoseTime),
      days: m.days.map((list) => list.map((d) => ({ time: sayDoseTime(d.localTime), mark: d.mark }))),
    })),
    adherence: { ...week.totals, taken, answered, percent: answered === 0 ? null : Math.round((100 * taken) / answered), title: adherenceTitle(elder.name, week) },
    chartSvg: await adherenceChartSvg(elder.name, week),
    coming: [...coming].map(([date, items]) => ({
      date,
      label: date === today ? `Today, ${DateTime.fromISO(date).toFormat('cccc d LLLL')}` : DateTime.fromISO(date).toFormat('cccc d LLLL'),
      items: items.sort((a, b) => a.at - b.at || a.text.localeCompare(b.text)).map(({ at: _at, ...item }) => item),
    })),
    activities: activities.map((a) => ({ at: said(a.createdAt, tz), text: a.text, replies: repliesOf.get(a.id) ?? [] })),
    alerts: alerts.map((a) => ({
      id: a.id,
      description: a.description,
      status: a.status,
      raisedAt: said(a.createdAt, tz),
      acknowledgedBy: a.acknowledgedByAccountId ? (acknowledgers.get(a.acknowledgedByAccountId) ?? 'Someone from the family') : null,
      acknowledgedAt: a.acknowledgedAt ? said(a.acknowledgedAt, tz) : null,
    })),
  };
}
