import type { EntityManager } from '@mikro-orm/core';
import { Booking } from './booking.entity.ts';
import { Venue, type VENUE_KINDS } from './venue.entity.ts';
import { addLocalDays, wallClockToInstant } from '../../lib/local-time.ts';

/** How the elder names a booking: its venue (any part of the name, any case), its kind, its local day. */
export interface BookingQuery {
  venue?: string | undefined;
  kind?: (typeof VENUE_KINDS)[number] | undefined;
  /** Local date 'YYYY-MM-DD' in the elder's timezone. */
  date?: string | undefined;
}

/** An upcoming booking with its venue. */
export interface StandingBooking {
  booking: Booking;
  venue: Venue;
}

const normalise = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’']/g, '').replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * The elder's bookings that still stand (confirmed or waiting for an answer) and start after `now`, matching
 * what the elder said, earliest first. Two queries, whatever the number of bookings.
 */
export async function findStandingBookings(em: EntityManager, elder: { id: string; timezone: string }, now: Date, query: BookingQuery): Promise<StandingBooking[]> {
  let startAt: { $gt: Date; $lt?: Date } = { $gt: now };
  if (query.date) {
    const dayStart = wallClockToInstant(query.date, '00:00', elder.timezone);
    const dayEnd = wallClockToInstant(addLocalDays(query.date, 1), '00:00', elder.timezone);
    startAt = { $gt: new Date(Math.max(dayStart.getTime() - 1, now.getTime())), $lt: dayEnd };
  }
  const bookings = await em.find(Booking, { elderId: elder.id, status: { $in: ['requested', 'confirmed'] }, startAt }, { orderBy: { startAt: 'asc', id: 'asc' } });
  if (bookings.length === 0) return [];
  const venues = new Map((await em.find(Venue, { id: { $in: [...new Set(bookings.map((b) => b.venueId))] } })).map((v) => [v.id, v]));
  const wanted = query.venue ? normalise(query.venue).replace(/^the /, '') : null;
  const found: StandingBooking[] = [];
  for (const booking of bookings) {
    const venue = venues.get(booking.venueId);
    if (!venue) continue;
    if (query.kind && venue.kind !== query.kind) continue;
    const name = normalise(venue.name);
    if (wanted && !(name.includes(wanted) || (name.length > 0 && wanted.includes(name)))) continue;
    found.push({ booking, venue });
  }
  return found;
}
