import { DateTime } from 'luxon';

/** The elder's "now": the local wall-clock time in their zone, from which every date and time is resolved. */
export interface Clock {
  now: DateTime;
  timezone: string;
  /** True where "3/12" means 12 March (the Americas write the month first). */
  monthFirst: boolean;
}

/** Builds the clock from the `YYYY-MM-DDTHH:mm` wall-clock string and IANA zone of an understanding input. */
export function makeClock(now: string, timezone: string): Clock {
  let zoned = DateTime.fromISO(now, { zone: timezone });
  if (!zoned.isValid) zoned = DateTime.fromISO(now, { zone: 'UTC' });
  return { now: zoned, timezone: zoned.zoneName ?? 'UTC', monthFirst: /^America\//.test(timezone) };
}

/** Formats a date as `YYYY-MM-DD`. */
export const toDate = (dt: DateTime): string => dt.toFormat('yyyy-MM-dd');

/** Formats a local datetime as `YYYY-MM-DDTHH:mm`. */
export const toDateTime = (dt: DateTime): string => dt.toFormat("yyyy-MM-dd'T'HH:mm");

/**
 * The local datetime at a wall-clock date and time in the clock's zone. A time that does not exist because
 * the clocks go forward (01:30 in London on the last Sunday of March) moves forward by the gap, as luxon does.
 */
export function atWallClock(clock: Clock, date: string, hour: number, minute: number): DateTime {
  const day = DateTime.fromISO(date, { zone: clock.timezone });
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour, minute },
    { zone: clock.timezone },
  );
}

/** The calendar date that is `days` after the clock's today. */
export const dayOffset = (clock: Clock, days: number): string => toDate(clock.now.startOf('day').plus({ days }));
