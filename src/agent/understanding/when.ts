import type { Clock } from './clock.ts';
import { atWallClock, dayOffset, toDate, toDateTime } from './clock.ts';
import type { DateMention } from './dates.ts';
import { findDate } from './dates.ts';
import type { PeriodMention, RelativeMention, TimeMention } from './time-expressions.ts';
import { findPeriods, findRelative, findTimes } from './time-expressions.ts';

/**
 * Which hour a bare "at 7" most likely means depends on what is being arranged; a one-off `reminder` with no
 * date is the next such hour, a `routine` (repeating reminder) keeps waking hours.
 */
export type HourPolicy = 'meal' | 'appointment' | 'reminder' | 'routine' | 'medicine';

/** Everything a message says about when: clock times, a date, an offset from now and parts of the day. */
export interface WhenScan {
  times: TimeMention[];
  date: DateMention | null;
  relative: RelativeMention | null;
  periods: PeriodMention[];
  /** Only a vague span was named ("sometime next week", "at the weekend"). */
  vague: boolean;
  /** Where the time and date words are, so free text (a reminder's text) can leave them out. */
  spans: Array<[number, number]>;
}

/** A resolved datetime and whether every part of it was stated rather than guessed. */
export interface Moment {
  value: string;
  exact: boolean;
}

const blank = (text: string, from: number, to: number): string =>
  text.slice(0, from) + ' '.repeat(to - from) + text.slice(to);

/** Widens a span over the small word that introduces it ("at", "on", "by"), so free text loses it too. */
function withLead(lower: string, from: number, to: number): [number, number] {
  const lead = /\b(?:at|@|by|around|about|for|on|from|in)\s+$/.exec(lower.slice(Math.max(0, from - 10), from));
  // "in" leads into "in March" or "in the morning", but is her own word before "tonight" ("bring the cat in tonight").
  if (lead && /^in\b/.test(lead[0]) && /^(?:today|tonight|tomorrow|this|next|every|each|on|at)\b/.test(lower.slice(from))) return [from, to];
  return [lead ? from - lead[0].length : from, to];
}

/** Finds every time, date and offset in a lowercase message. */
export function scanWhen(lower: string, clock: Clock): WhenScan {
  let work = lower;
  const spans: Array<[number, number]> = [];
  const relative = findRelative(work);
  if (relative) {
    work = blank(work, relative.index, relative.end);
    spans.push([relative.index, relative.end]);
  }
  const times = findTimes(work);
  for (const t of times) {
    work = blank(work, t.index, t.end);
    spans.push(withLead(lower, t.index, t.end));
  }
  const dates = findDate(work, clock);
  spans.push(...dates.spans.map(([from, to]) => withLead(lower, from, to)));
  let date = dates.date;
  const sameDay = /\b(?:tonight|this (?:morning|afternoon|evening))\b/.exec(lower);
  if (!date && sameDay) date = { date: dayOffset(clock, 0), index: sameDay.index, end: sameDay.index + sameDay[0].length, rank: 3 };
  return { times, date, relative, periods: findPeriods(lower), vague: dates.vague && !date, spans };
}

/** True when the hour of a time was stated unambiguously (am/pm, 24-hour, 12, or a part of the day). */
export const isStatedHour = (t: TimeMention): boolean =>
  t.fixed || t.meridiem !== null || t.period !== null || t.hour >= 12 || t.hour === 0;

/** Turns a time as said into a 24-hour hour, using am/pm, the part of the day, then the task's habits. */
export function toHour24(t: TimeMention, policy: HourPolicy): number {
  const h = t.hour;
  if (t.fixed || h > 12) return h % 24;
  if (t.meridiem === 'am') return h % 12;
  if (t.meridiem === 'pm') return (h % 12) + 12;
  switch (t.period) {
    case 'morning':
      return h;
    case 'midday':
      return h <= 5 ? h + 12 : h;
    case 'afternoon':
      return h === 12 ? 12 : h + 12;
    case 'evening':
      return h === 12 ? 0 : h + 12;
    case 'night':
      return h === 12 ? 0 : h <= 3 ? h : h + 12;
    default:
      break;
  }
  if (h === 12) return 12;
  switch (policy) {
    case 'meal':
      return h === 11 ? 11 : h + 12;
    case 'appointment':
      return h >= 8 ? h : h + 12;
    case 'medicine':
      return h >= 5 ? h : h + 12;
    case 'reminder':
    case 'routine':
      return h >= 7 ? h : h + 12;
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Formats an hour and minute as `HH:mm`. */
export const toClockTime = (hour: number, minute: number): string => `${pad(hour)}:${pad(minute)}`;

/**
 * Resolves the single moment a booking or reminder is for. With a time but no date it is today if still
 * ahead, otherwise tomorrow; a reminder's bare "at 11" is the next 11 o'clock, morning or evening.
 * Returns null when no clock time (or offset) was given.
 */
export function resolveMoment(scan: WhenScan, clock: Clock, policy: HourPolicy): Moment | null {
  if (scan.relative) return { value: toDateTime(clock.now.plus({ minutes: scan.relative.minutes })), exact: true };
  const time = scan.times[0];
  if (!time) return null;
  const exact = isStatedHour(time);
  if (!scan.date && policy === 'reminder' && !exact) {
    const today = toDate(clock.now);
    for (const hour of [time.hour % 12, (time.hour % 12) + 12]) {
      const candidate = atWallClock(clock, today, hour, time.minute);
      if (candidate > clock.now) return { value: toDateTime(candidate), exact: false };
    }
    return { value: toDateTime(atWallClock(clock, dayOffset(clock, 1), time.hour % 12, time.minute)), exact: false };
  }
  const hour = toHour24(time, policy);
  if (scan.date) return { value: toDateTime(atWallClock(clock, scan.date.date, hour, time.minute)), exact };
  const today = atWallClock(clock, toDate(clock.now), hour, time.minute);
  if (today > clock.now) return { value: toDateTime(today), exact };
  return { value: toDateTime(atWallClock(clock, dayOffset(clock, 1), hour, time.minute)), exact };
}

/**
 * Resolves the daily clock times of a medicine schedule, sorted. Bare hours in a list climb through the
 * day, so "at 8 and 8" is 08:00 and 20:00 and "7, 3 and 11" is 07:00, 15:00 and 23:00.
 */
export function resolveDailyTimes(times: TimeMention[]): string[] {
  const out: number[] = [];
  let previous = -1;
  for (const t of times) {
    let minutes = toHour24(t, 'medicine') * 60 + t.minute;
    if (!isStatedHour(t) && minutes <= previous && minutes < 12 * 60) minutes += 12 * 60;
    previous = minutes;
    if (!out.includes(minutes)) out.push(minutes);
  }
  return out.sort((a, b) => a - b).map((m) => toClockTime(Math.floor(m / 60), m % 60));
}
