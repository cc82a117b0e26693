import type { EntityManager } from '@mikro-orm/core';
import type { Venue } from '../venue.entity.ts';
import type { Booking } from '../booking.entity.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { FamilyNotice } from '../../family/family-notifier.ts';

/** One booking to be made at a venue, in absolute time (the venue's and the elder's local times derive from it). */
export interface SlotRequest {
  venue: Venue;
  /** The booking row being made (status 'held' until the provider answers); its id is stable across retries. */
  booking: Booking;
  /** Sent to a remote provider so a retried call never makes a second booking (the task id). */
  idempotencyKey: string;
  elderName: string;
}

/**
 * A standing booking to be moved: `booking` already carries the new start and end (the row is saved only if
 * the provider agrees), `previous` is where it stands now. The idempotency key is the moving task's id.
 */
export interface MoveRequest extends SlotRequest {
  previous: { startAt: Date; endAt: Date; providerRef: string | null };
}

/** What a provider said about a request. */
export type ProviderOutcome =
  /** Booked; `providerRef` is the venue's own reference when it has one. */
  | { kind: 'confirmed'; providerRef: string | null }
  /** Accepted but decided later (the family answers, or the partner confirms by webhook). */
  | { kind: 'pending'; providerRef: string | null }
  /** That slot is taken or closed; the nearest free start times, earliest first (may be empty). */
  | { kind: 'unavailable'; alternatives: Date[] };

/** What a provider works with: the task's transaction (built-in book) and the injected clock. */
export interface ProviderContext {
  em: EntityManager;
  clock: Clock;
  /**
   * Stages a message to the elder's family chats in the task's transaction and says how many chats hear it.
   * Given by the booking service; the ask-the-family provider needs it, the others may ignore it.
   */
  tellFamily?: (notice: FamilyNotice) => Promise<number>;
}

/**
 * How bookings are made at a venue: the built-in reservation book, a partner's HTTP API, or asking the family.
 * `book` and `cancel` must be safe to call twice with the same booking (a redelivered job, a retry after a
 * timeout): throw TaskRetryError for a transient failure, PermanentTaskError for a refusal to tell the elder.
 */
export interface BookingProvider {
  readonly name: Venue['provider'];
  book(request: SlotRequest, ctx: ProviderContext): Promise<ProviderOutcome>;
  cancel(booking: Booking, venue: Venue, ctx: ProviderContext): Promise<void>;
  /**
   * Moves a standing booking in one step, when the provider can; 'pending' means the move waits for someone
   * (the booking stays where it was meanwhile). A provider without it is moved by booking the new time with
   * the moving task's idempotency key and then cancelling the old one.
   */
  reschedule?(request: MoveRequest, ctx: ProviderContext): Promise<ProviderOutcome>;
}
