import { Booking } from './booking.entity.ts';
import { Venue } from './venue.entity.ts';
import { defaultBookingProviders, sayBooking, type BookingProviders } from './booking-service.ts';
import type { PROVIDERS } from './venue.entity.ts';
import type { TaskHandler } from '../task-handler.ts';
import { PermanentTaskError } from '../task-errors.ts';
import { tellFamily } from '../family/family-notifier.ts';
import { cancelBookingArgs, type CancelBookingArgs } from '../tool-args.ts';
import { addLocalDays, sayLocalDate, wallClockToInstant } from '../../lib/local-time.ts';

// Bookings named when asking which one to cancel; more would be too long to read.
const MAX_NAMED = 4;

const normalise = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** "at Olive Garden on Wednesday 25 November", "on Wednesday 25 November", "at Olive Garden", or "" */
function sayWhich(args: CancelBookingArgs): string {
  return `${args.venue ? ` at ${args.venue}` : ''}${args.date ? ` on ${sayLocalDate(args.date)}` : ''}`;
}

/**
 * cancel_booking: cancels the elder's one upcoming booking that matches the venue (containment, any case)
 * and the local date given, through the venue's provider, and tells the family. Asks which one when several match.
 */
export function createCancelBookingTask(providers: BookingProviders = defaultBookingProviders()): TaskHandler<CancelBookingArgs> {
  return {
    kind: 'cancel_booking',
    label: 'cancel your booking',
    schema: cancelBookingArgs,
    readBack: (args) => (args.venue || args.date ? `I'll cancel your booking${sayWhich(args)}. Shall I cancel it?` : `I'll cancel your booking. Shall I cancel it?`),
    async execute(args, ctx) {
      const { em, elder, clock } = ctx;
      const now = clock.now();
      let startAt: { $gte: Date; $lt?: Date } = { $gte: now };
      if (args.date) {
        const dayStart = wallClockToInstant(args.date, '00:00', elder.timezone);
        const dayEnd = wallClockToInstant(addLocalDays(args.date, 1), '00:00', elder.timezone);
        startAt = { $gte: new Date(Math.max(dayStart.getTime(), now.getTime())), $lt: dayEnd };
      }
      const bookings = await em.find(Booking, { elderId: elder.id, status: { $in: ['requested', 'confirmed'] }, startAt }, { orderBy: { startAt: 'asc', id: 'asc' } });
      const venues = bookings.length > 0 ? await em.find(Venue, { id: { $in: [...new Set(bookings.map((b) => b.venueId))] } }) : [];
      const venueName = new Map(venues.map((v) => [v.id, v.name]));
      const venueById = new Map(venues.map((v) => [v.id, v]));
      const wanted = args.venue ? normalise(args.venue) : null;
      const matching = bookings.filter((b) => {
        if (!wanted) return true;
        const name = normalise(venueName.get(b.venueId) ?? '');
        return name.length > 0 && (name.includes(wanted) || wanted.includes(name));
      });
      if (matching.length === 0) throw new PermanentTaskError(`no upcoming booking${sayWhich(args)}`, "I couldn't find that booking.");
      const say = (b: Booking): string => sayBooking(b, venueName.get(b.venueId) ?? 'the venue', elder.timezone);
      if (matching.length > 1) {
        const named = matching.slice(0, MAX_NAMED).map(say);
        const more = matching.length > MAX_NAMED ? `, and ${matching.length - MAX_NAMED} more` : '';
        throw new PermanentTaskError(
          `${matching.length} bookings match`,
          `You have ${matching.length} bookings: ${named.join('; ')}${more}. Which one shall I cancel?`,
        );
      }
      const booking = matching[0]!;
      const wasConfirmed = booking.status === 'confirmed';
      booking.status = 'cancelled';
      const venue = venueName.get(booking.venueId) ?? 'the venue';
      const venueRow = venueById.get(booking.venueId);
      // The built-in book and a partner are cancelled here; only a venue the family booked by hand needs telling.
      const byHand = !venueRow || venueRow.provider === 'family' || !providers[venueRow.provider as (typeof PROVIDERS)[number]];
      if (venueRow && !byHand) await providers[venueRow.provider as (typeof PROVIDERS)[number]]!.cancel(booking, venueRow, { em, clock, tellFamily: (notice) => tellFamily(ctx, notice) });
      const text = !byHand
        ? `${elder.name} has cancelled the booking at ${say(booking)} (reference ${booking.reference}).`
        : wasConfirmed
        ? `${elder.name} has cancelled the booking at ${say(booking)} (reference ${booking.reference}). Please let ${venue} know.`
        : `${elder.name} no longer needs the booking at ${say(booking)} (reference ${booking.reference}). Please don't book it.`;
      const told = await tellFamily(ctx, { text, topic: 'booking-cancelled' });
      return {
        result: { bookingId: booking.id, status: booking.status, told },
        reply: `Done. Your booking at ${say(booking)} is cancelled.${wasConfirmed && byHand ? (told > 0 ? ` I have asked your family to let ${venue} know.` : ` Please ring ${venue} to let them know.`) : ''}`,
      };
    },
  };
}
