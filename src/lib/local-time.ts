import { DateTime } from 'luxon';

/**
 * Converts an elder's local wall-clock time 'YYYY-MM-DDTHH:mm' in a timezone to an instant.
 * In a spring-forward gap the time moves forward by the gap (02:30 → 03:30 is luxon's rule; callers that
 * need "the first valid minute" use firstValidInstant). In the repeated autumn hour the earlier one is used.
 */
export function localToInstant(local: string, timezone: string): Date {
  const dt = DateTime.fromISO(local, { zone: timezone });
  if (!dt.isValid) throw new RangeError(`not a local date-time: ${local}`);
  return dt.toJSDate();
}

/** The elder's local wall-clock time of an instant, as 'YYYY-MM-DDTHH:mm'. */
export function instantToLocal(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toFormat("yyyy-LL-dd'T'HH:mm");
}

/** "Wednesday 25 November at 7:00 pm" for a local wall-clock time. */
export function sayLocalDateTime(local: string, timezone: string): string {
  const dt = DateTime.fromISO(local, { zone: timezone });
  return `${dt.toFormat('cccc d LLLL')} at ${sayClockTime(dt)}`;
}

/** "Wednesday 25 November" for a local date 'YYYY-MM-DD'. */
export function sayLocalDate(date: string): string {
  return DateTime.fromISO(date).toFormat('cccc d LLLL');
}

/** "7:00 pm", "12:00 noon"-free plain form used in every message. */
export function sayClockTime(dt: DateTime): string {
  return dt.toFormat('h:mm a').toLowerCase();
}

/**
 * The instant a local wall-clock time happens on a local date. In the hour skipped when clocks go forward
 * it is the first minute after the gap (02:30 → 03:00); in the hour repeated when they go back it is the
 * first of the two, so a daily time fires once.
 */
export function wallClockToInstant(date: string, time: string, timezone: string): Date {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone: timezone });
  if (!dt.isValid) throw new RangeError(`not a local date and time: ${date} ${time}`);
  if (dt.toFormat('HH:mm') === time) {
    // Repeated hour: luxon may pick either offset; take the earlier instant with this wall time.
    const earlier = dt.minus({ hours: 1 });
    return earlier.toFormat('yyyy-LL-dd HH:mm') === dt.toFormat('yyyy-LL-dd HH:mm') ? earlier.toJSDate() : dt.toJSDate();
  }
  // Skipped hour: walk back to the transition, the first valid local minute.
  let t = dt;
  for (let i = 0; i < 180 && t.minus({ minutes: 1 }).offset === dt.offset; i++) t = t.minus({ minutes: 1 });
  return t.toJSDate();
}

/** Adds whole local days to a date 'YYYY-MM-DD'. */
export function addLocalDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toFormat('yyyy-LL-dd');
}
