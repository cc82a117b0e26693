import { DateTime } from 'luxon';
import type { Venue } from './venue.entity.ts';
import { addLocalDays, instantToLocal, wallClockToInstant } from '../../lib/local-time.ts';

/** How long a table is held at a restaurant. */
export const TABLE_MINUTES = 90;
/** How long a salon appointment lasts when the service is not listed. */
export const APPOINTMENT_MINUTES = 60;
/** Bookable start times fall on this grid from the opening time ("7:00 pm", "7:30 pm"). */
export const SLOT_STEP_MINUTES = 30;

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** What one booking takes from a venue: its length and how much of the venue's capacity it uses. */
export interface SlotDemand {
  minutes: number;
  /** Restaurants: the party size (covers). Salons: one chair for the service. */
  units: number;
  /** Salons: the service, whose staff count is the capacity; null for restaurants. */
  service: string | null;
}

/** A booking already in the book, as far as capacity is concerned. */
export interface BookedSlot {
  startAt: Date;
  endAt: Date;
  partySize?: number | null;
  service?: string | null;
}

/** How long a booking of this kind (and service) lasts at the venue. */
export function bookingMinutes(venue: Pick<Venue, 'kind' | 'services'>, service: string | null | undefined): number {
  if (venue.kind === 'restaurant') return TABLE_MINUTES;
  return (service && venue.services?.[service]?.minutes) || APPOINTMENT_MINUTES;
}

/**
 * The capacity a booking competes for. Restaurants count covers: `capacityPerSlot` is the number of seats,
 * and the party sizes of the bookings that overlap in time must fit in it (tables are not modelled, so a
 * restaurant of 40 seats takes ten parties of four at 7 pm). Salons count chairs per service: the service's
 * `staff`, else `capacityPerSlot`, else one. Null means the venue sets no limit.
 */
export function capacityFor(venue: Pick<Venue, 'kind' | 'services' | 'capacityPerSlot'>, service: string | null | undefined): number | null {
  if (venue.kind === 'restaurant') return venue.capacityPerSlot ?? null;
  return (service && venue.services?.[service]?.staff) || venue.capacityPerSlot || 1;
}

/** The units a booked slot uses for the demand's capacity (0 when it competes for another salon service). */
function unitsUsed(slot: BookedSlot, demand: SlotDemand): number {
  if (demand.service === null) return slot.partySize ?? 1;
  return slot.service === demand.service ? 1 : 0;
}

/** Minutes since local midnight of 'HH:mm' ('24:00' is the end of the day). */
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmmOf = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The venue's local weekday key ('mon'..'sun') of a local date 'YYYY-MM-DD'. */
function weekdayOf(date: string): (typeof WEEKDAY_KEYS)[number] {
  return WEEKDAY_KEYS[DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1]!;
}

/**
 * Every start time on the venue's local date at which a booking of `minutes` fits inside one opening range,
 * on the slot grid, as instants. Wall-clock times are converted with the venue's timezone rules of that day:
 * a start in the hour skipped when clocks go forward does not exist and is left out; in the repeated autumn
 * hour the first occurrence is used, so no slot is offered twice.
 */
export function startsOn(venue: Pick<Venue, 'openingHours' | 'timezone'>, date: string, minutes: number): Date[] {
  const ranges = venue.openingHours[weekdayOf(date)] ?? [];
  const starts: Date[] = [];
  const seen = new Set<number>();
  for (const [open, close] of ranges) {
    const from = minutesOf(open);
    let to = minutesOf(close);
    if (to <= from) to += 24 * 60; // open past midnight
    for (let m = from; m + minutes <= to && m < 24 * 60; m += SLOT_STEP_MINUTES) {
      const time = hhmmOf(m);
      const instant = wallClockToInstant(date, time, venue.timezone);
      if (instantToLocal(instant, venue.timezone) !== `${date}T${time}`) continue; // in the spring-forward gap
      if (seen.has(instant.getTime())) continue;
      seen.add(instant.getTime());
      starts.push(instant);
    }
  }
  return starts.sort((a, b) => a.getTime() - b.getTime());
}

/** True when a booking starting at `startAt` is one of the venue's bookable starts that day. */
export function isOpenAt(venue: Pick<Venue, 'openingHours' | 'timezone'>, startAt: Date, minutes: number): boolean {
  const date = instantToLocal(startAt, venue.timezone).slice(0, 10);
  return startsOn(venue, date, minutes).some((s) => s.getTime() === startAt.getTime());
}

/** True when the demand fits at `startAt` beside the bookings already held or confirmed that overlap it. */
export function fitsAt(startAt: Date, demand: SlotDemand, capacity: number | null, booked: readonly BookedSlot[]): boolean {
  if (capacity === null) return true;
  const endAt = startAt.getTime() + demand.minutes * 60_000;
  let used = 0;
  for (const slot of booked) {
    if (slot.startAt.getTime() < endAt && slot.endAt.getTime() > startAt.getTime()) used += unitsUsed(slot, demand);
  }
  return used + demand.units <= capacity;
}

/** How far ahead alternatives are looked for when the day asked for is full. */
export const ALTERNATIVE_DAYS = 7;

/**
 * Up to `limit` free start times nearest the one asked for, earliest first: chosen from the same local day
 * first (closest in time, earlier before later on a tie), then the following days in order. Never a time at
 * or before `now`.
 * `booked` must cover the whole window searched (from the requested day to ALTERNATIVE_DAYS after).
 */
export function nearestFreeStarts(
  venue: Pick<Venue, 'openingHours' | 'timezone'>,
  requested: Date,
  demand: SlotDemand,
  capacity: number | null,
  booked: readonly BookedSlot[],
  now: Date,
  limit = 3,
): Date[] {
  const day = instantToLocal(requested, venue.timezone).slice(0, 10);
  const free = (s: Date): boolean => s.getTime() > now.getTime() && s.getTime() !== requested.getTime() && fitsAt(s, demand, capacity, booked);
  const sameDay = startsOn(venue, day, demand.minutes)
    .filter(free)
    .sort((a, b) => Math.abs(a.getTime() - requested.getTime()) - Math.abs(b.getTime() - requested.getTime()) || a.getTime() - b.getTime());
  const found = sameDay.slice(0, limit);
  for (let d = 1; d <= ALTERNATIVE_DAYS && found.length < limit; d++) {
    for (const s of startsOn(venue, addLocalDays(day, d), demand.minutes)) {
      if (found.length >= limit) break;
      if (free(s)) found.push(s);
    }
  }
  return found.sort((a, b) => a.getTime() - b.getTime());
}

/** The instants between which bookings can overlap any slot searched for a request (the day before to a week after). */
export function searchWindow(requested: Date, timezone: string): { from: Date; to: Date } {
  const day = instantToLocal(requested, timezone).slice(0, 10);
  return { from: wallClockToInstant(addLocalDays(day, -1), '00:00', timezone), to: wallClockToInstant(addLocalDays(day, ALTERNATIVE_DAYS + 2), '00:00', timezone) };
}
