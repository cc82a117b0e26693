import { PermanentTaskError } from '../../task-errors.ts';
import { instantToLocal, sayLocalDateTime } from '../../../lib/local-time.ts';
import type { BookingProvider, MoveRequest, ProviderContext, ProviderOutcome, SlotRequest } from './booking-provider.ts';

/** What the family is asked to book: "a table for 4", "a haircut", "an appointment". */
export function sayWhatToBook(request: Pick<SlotRequest, 'venue' | 'booking'>): string {
  const { venue, booking } = request;
  if (venue.kind === 'restaurant') return `a table for ${booking.partySize ?? 1}`;
  if (!booking.service) return 'an appointment';
  return `${/^[aeiou]/.test(booking.service) ? 'an' : 'a'} ${booking.service}`;
}

/**
 * "Ask the family": for venues with no reservation book of their own. The request goes to every family chat
 * with Booked / Can't buttons (`booked:<bookingId>`, `cantbook:<bookingId>`), and the booking waits as
 * requested until someone presses one. Staged with the task's idempotency keys, so a rerun asks once.
 */
export class FamilyBookingProvider implements BookingProvider {
  readonly name = 'family' as const;

  async book(request: SlotRequest, ctx: ProviderContext): Promise<ProviderOutcome> {
    const { venue, booking, elderName } = request;
    if (!ctx.tellFamily) throw new Error('the family provider needs tellFamily in its context');
    const when = sayLocalDateTime(instantToLocal(booking.startAt, venue.timezone), venue.timezone);
    const lines = [
      `${elderName} would like ${sayWhatToBook(request)} at ${venue.name} on ${when}. Could you book it?`,
      booking.notes ? `Notes: ${booking.notes}` : null,
      venue.phone ? `Phone: ${venue.phone}` : null,
      `Reference: ${booking.reference}`,
    ];
    const told = await ctx.tellFamily({
      text: lines.filter((l) => l !== null).join('\n'),
      buttons: [[{ label: 'Booked', data: `booked:${booking.id}` }, { label: "Can't", data: `cantbook:${booking.id}` }]],
      topic: 'booking-request',
    });
    if (told === 0) throw new PermanentTaskError('no provider and no family linked', "I can't book there yet, and no family is linked to help.");
    return { kind: 'pending', providerRef: null };
  }

  /**
   * Asks the family to move the booking with the venue, with Moved / Can't buttons (`bookmoved:<taskId>`,
   * `cantmove:<taskId>`); the booking stays at its old time until someone presses one.
   */
  async reschedule(request: MoveRequest, ctx: ProviderContext): Promise<ProviderOutcome> {
    const { venue, booking, elderName, previous, idempotencyKey } = request;
    if (!ctx.tellFamily) throw new Error('the family provider needs tellFamily in its context');
    const say = (at: Date): string => sayLocalDateTime(instantToLocal(at, venue.timezone), venue.timezone);
    const lines = [
      `${elderName} would like to move ${sayWhatToBook(request).replace(/^an? /, 'the ')} at ${venue.name} from ${say(previous.startAt)} to ${say(booking.startAt)}. Could you change it with them?`,
      venue.phone ? `Phone: ${venue.phone}` : null,
      `Reference: ${booking.reference}`,
    ];
    const told = await ctx.tellFamily({
      text: lines.filter((l) => l !== null).join('\n'),
      buttons: [[{ label: 'Moved', data: `bookmoved:${idempotencyKey}` }, { label: "Can't", data: `cantmove:${idempotencyKey}` }]],
      topic: 'booking-move-request',
    });
    if (told === 0) throw new PermanentTaskError('no provider and no family linked', `I can't change bookings at ${venue.name} myself, and no family is linked to help.${venue.phone ? ` You could ring them on ${venue.phone}.` : ''}`);
    return { kind: 'pending', providerRef: booking.providerRef ?? null };
  }

  /** The cancel task tells the family itself (they may have booked by phone); nothing else to undo. */
  async cancel(): Promise<void> {}
}
