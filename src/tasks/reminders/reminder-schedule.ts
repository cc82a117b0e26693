import { DateTime } from 'luxon';
import type { Repeat } from './reminder.entity.ts';
import { addLocalDays, wallClockToInstant } from '../../lib/local-time.ts';

/**
 * The first instant a reminder set for local `at` fires, at or after `now`: the time itself for a one-off
 * (null when it has passed), the next occurrence of its local wall time for a repeating one.
 */
export function firstFireAt(at: string, repeat: Repeat | null, timezone: string, now: Date): Date | null {
  const [date, time] = at.split('T') as [string, string];
  const first = wallClockToInstant(date, time, timezone);
  if (first.getTime() >= now.getTime() - 60_000) return first;
  if (!repeat) return null;
  return nextFireAfter(at, repeat, timezone, now);
}

/**
 * The next instant strictly after `after` at which a repeating reminder fires. Works on the local wall
 * time, so "every day at 8:00" stays at 8:00 across DST changes.
 */
export function nextFireAfter(at: string, repeat: Repeat, timezone: string, after: Date): Date {
  const [startDate, time] = at.split('T') as [string, string];
  const step = repeat === 'daily' ? 1 : 7;
  const afterLocal = DateTime.fromJSDate(after, { zone: timezone }).toFormat('yyyy-LL-dd');
  // Start from the later of the first date and the day before `after`, aligned to the step.
  const daysFromStart = Math.max(0, Math.floor(DateTime.fromISO(afterLocal).diff(DateTime.fromISO(startDate), 'days').days) - 1);
  let date = addLocalDays(startDate, Math.floor(daysFromStart / step) * step);
  for (;;) {
    const instant = wallClockToInstant(date, time, timezone);
    if (instant.getTime() > after.getTime()) return instant;
    date = addLocalDays(date, step);
  }
}
