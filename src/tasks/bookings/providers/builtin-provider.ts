import type { EntityManager } from '@mikro-orm/core';
import { LockMode } from '@mikro-orm/core';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { Booking } from '../booking.entity.ts';
import { Venue } from '../venue.entity.ts';
import { capacityFor, fitsAt, isOpenAt, nearestFreeStarts, searchWindow, type SlotDemand } from '../availability.ts';
import type { BookingProvider, MoveRequest, ProviderContext, ProviderOutcome, SlotRequest } from './booking-provider.ts';

/** Statuses that take a place in the reservation book. */
export const HOLDING_STATUSES = ['held', 'requested', 'confirmed'] as const;

/**
 * Serialises bookings at one venue for the rest of the transaction. On Postgres the venue row is locked
 * (`select … for update`), so a second booking at the same venue waits here and then counts the first one
 * (read committed: the count after the wait sees the first booking's commit). SQLite has a single writer:
 * the embedded app's transactions take turns, and a writer that read before another's commit fails with
 * SQLITE_BUSY and is retried by the task runner, so it needs no lock (and has no `for update`).
 */
export async function lockVenue(em: EntityManager, venueId: string): Promise<void> {
  if (!(em.getPlatform() instanceof PostgreSqlPlatform)) return;
  await em.findOne(Venue, { id: venueId }, { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'], refresh: true });
}

/**
 * The built-in reservation book: a venue's opening hours and capacity decide, counted against the bookings
 * already in the database, inside the task's transaction with the venue locked, so two elders can never take
 * the last place. Booking twice for the same booking row is harmless: the row itself is never counted.
 */
export class BuiltinBookingProvider implements BookingProvider {
  readonly name = 'builtin' as const;

  async book(request: SlotRequest, ctx: ProviderContext): Promise<ProviderOutcome> {
    const { venue, booking } = request;
    const { em, clock } = ctx;
    await lockVenue(em, venue.id);
    const minutes = Math.round((booking.endAt.getTime() - booking.startAt.getTime()) / 60_000);
    const demand: SlotDemand = { minutes, units: venue.kind === 'restaurant' ? (booking.partySize ?? 1) : 1, service: venue.kind === 'restaurant' ? null : (booking.service ?? null) };
    const capacity = capacityFor(venue, booking.service);
    const window = searchWindow(booking.startAt, venue.timezone);
    const booked = await em.find(
      Booking,
      { venueId: venue.id, id: { $ne: booking.id }, status: { $in: [...HOLDING_STATUSES] }, startAt: { $lt: window.to }, endAt: { $gt: window.from } },
      { fields: ['startAt', 'endAt', 'partySize', 'service'], disableIdentityMap: true },
    );
    const tooBig = capacity !== null && demand.units > capacity;
    if (!tooBig && isOpenAt(venue, booking.startAt, minutes) && fitsAt(booking.startAt, demand, capacity, booked)) {
      return { kind: 'confirmed', providerRef: null };
    }
    return { kind: 'unavailable', alternatives: tooBig ? [] : nearestFreeStarts(venue, booking.startAt, demand, capacity, booked, clock.now()) };
  }

  /**
   * Moves a booking within the book: the new time is checked with the venue locked and the booking itself left
   * out of the count, and the caller writes the row's new time in the same transaction, so the new place is
   * held and the old one released at one commit and the venue's capacity is never exceeded, even for a moment.
   */
  async reschedule(request: MoveRequest, ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.book(request, ctx);
  }

  /** A cancelled booking stops counting as soon as its status changes; the book has nothing else to undo. */
  async cancel(): Promise<void> {}
}
