import { IANAZone } from 'luxon';
import type { MedicationSchedule } from './medication-schedule.entity.ts';
import { wallClockToInstant } from '../../lib/local-time.ts';

/** What decides when a schedule's doses fall: local wall-clock times, weekdays and dates in its timezone. */
export type DoseTimetable = Pick<MedicationSchedule, 'times' | 'days' | 'startDate' | 'endDate' | 'timezone'>;

/** One dose of a schedule: the instant it is due and the local wall time it was set for ('HH:mm'). */
export interface DueDose {
  dueAt: Date;
  localTime: string;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_MS = 86_400_000;

/**
 * How long a due dose may wait for the dispatch sweep before "never sent" means it did not exist (the medicine
 * was added later that day): lists of a day's doses show past ones only when they were sent.
 */
export const NOT_SENT_YET_MS = 5 * 60_000;

/** 'YYYY-MM-DD' as a count of days since 1970-01-01 (pure calendar arithmetic, no timezone). */
const dayNumber = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const weekdayOf = (day: number): (typeof WEEKDAYS)[number] => WEEKDAYS[new Date(day * DAY_MS).getUTCDay()]!;
const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const zones = new Map<string, IANAZone>();
const zoneOf = (name: string): IANAZone => {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    if (!zone.isValid) throw new RangeError(`not a timezone: ${name}`);
    zones.set(name, zone);
  }
  return zone;
};

// The UTC offset (minutes) of a zone for a whole local day, or null on a day its clocks change. A sweep
// computes the next dose of many schedules in a few zones and dates, so this is memoised.
const dayOffsets = new Map<string, number | null>();
function steadyOffset(zoneName: string, day: number): number | null {
  const key = `${zoneName}|${day}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const zone = zoneOf(zoneName);
    // Offsets run from -12 h to +14 h: these two instants bracket the local day in every zone.
    const before = zone.offset(day * DAY_MS - 14 * 3_600_000);
    const after = zone.offset((day + 1) * DAY_MS + 12 * 3_600_000);
    offset = before === after ? before : null;
    if (dayOffsets.size > 50_000) dayOffsets.clear();
    dayOffsets.set(key, offset);
  }
  return offset;
}

/** wallClockToInstant, without luxon's per-call cost on the days (nearly all) when the zone's clocks do not change. */
function doseInstant(day: number, time: string, zone: string): Date {
  const offset = steadyOffset(zone, day);
  if (offset === null) return wallClockToInstant(dateOf(day), time, zone);
  return new Date(day * DAY_MS + (minutesOf(time) - offset) * 60_000);
}

/**
 * The first dose strictly after `after`, or null when the schedule has no more doses (past its end date, or
 * no weekday allowed). Works on local dates and wall times, so an 08:00 dose stays at 08:00 across DST
 * changes; a time in the hour skipped when clocks go forward falls at the first minute after the gap
 * (02:30 → 03:00), and a time in the repeated hour falls once, at its first occurrence.
 */
export function nextDoseAfter(timetable: DoseTimetable, after: Date): DueDose | null {
  const times = [...timetable.times].sort();
  if (times.length === 0) return null;
  const days = timetable.days ? new Set(timetable.days.map((d) => d.toLowerCase())) : null;
  const zone = timetable.timezone;
  // Every wall time on a local date before `after`'s happens before it, so the search can start on the
  // earliest date `after` can be anywhere (UTC-12): at most one extra day to skip, and no zone lookup.
  let day = Math.floor((after.getTime() - 12 * 3_600_000) / DAY_MS);
  if (timetable.startDate) day = Math.max(day, dayNumber(timetable.startDate));
  const lastDay = timetable.endDate ? dayNumber(timetable.endDate) : Number.POSITIVE_INFINITY;
  // Nine days always include each weekday once after the first (partly past) two.
  for (const stop = day + 9; day <= stop && day <= lastDay; day++) {
    if (days && !days.has(weekdayOf(day))) continue;
    for (const time of times) {
      // Wall times map to instants in the same order (a skipped time moves to the gap's end, a repeated
      // one takes its first occurrence), so the first one after `after` is the earliest.
      const dueAt = doseInstant(day, time, zone);
      if (dueAt.getTime() > after.getTime()) return { dueAt, localTime: time };
    }
  }
  return null;
}

/** The first dose at or after `now`: what a new or resumed schedule's next dose time is set to. */
export function firstDoseFrom(timetable: DoseTimetable, now: Date): DueDose | null {
  return nextDoseAfter(timetable, new Date(now.getTime() - 1));
}
