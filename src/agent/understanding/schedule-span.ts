import type { Clock } from './clock.ts';
import { dayOffset } from './clock.ts';

/** The days a schedule question asks about, first and last (inclusive), as `YYYY-MM-DD`. */
export interface ScheduleSpan {
  date: string;
  until: string;
}

/**
 * Finds the span of a schedule question: "this week" is today to Sunday (the week ahead when asked on a
 * Sunday), "next week" is Monday to Sunday of the next one, "the weekend" the coming Saturday and Sunday (from
 * today when it is already the weekend), "the next few days" today and the six after. Null for a single day.
 */
export function findScheduleSpan(lower: string, clock: Clock): ScheduleSpan | null {
  const weekday = clock.now.weekday; // 1 = Monday … 7 = Sunday
  const toNextMonday = 8 - weekday;
  const days = (from: number, to: number): ScheduleSpan => ({ date: dayOffset(clock, from), until: dayOffset(clock, to) });
  if (/\bnext weekend\b|\bthe weekend after\b/.test(lower)) return days(toNextMonday + 5, toNextMonday + 6);
  if (/\bweekend\b/.test(lower)) return weekday >= 6 ? days(0, 7 - weekday) : days(6 - weekday, 7 - weekday);
  if (/\bnext (?:two|2) weeks\b|\bnext fortnight\b|\bcoming fortnight\b/.test(lower)) return days(0, 13);
  if (/\bnext week\b|\bthe week after\b/.test(lower)) return days(toNextMonday, toNextMonday + 6);
  if (/\bnext (?:few|7|seven) days\b|\bcoming days\b|\bweek ahead\b|\bcoming week\b/.test(lower)) return days(0, 6);
  if (/\b(?:this|the) week\b|\brest of the week\b/.test(lower)) return weekday === 7 ? days(0, 6) : days(0, 7 - weekday);
  return null;
}
