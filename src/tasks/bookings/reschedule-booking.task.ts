import type { EntityManager } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { Booking } from './booking.entity.ts';
import { Venue, type PROVIDERS } from './venue.entity.ts';
import { alternativeLabel, defaultBookingProviders, orList, replyWithButtons, sayBooking, skipPassedReminders, type BookingProviders } from './booking-service.ts';
import { findStandingBookings, type StandingBooking } from './standing-bookings.ts';
import { FamilyBookingProvider } from './providers/family-provider.ts';
import type { MoveRequest, ProviderContext } from './providers/booking-provider.ts';
import type { TaskContext, TaskHandler, TaskOutcome } from '../task-handler.ts';
import { NothingToConfirmError, PermanentTaskError } from '../task-errors.ts';
import { tellFamily } from '../family/family-notifier.ts';
import type { Elder } from '../elders/elder.entity.ts';
import { rescheduleBookingTaskArgs, type RescheduleBookingTaskArgs } from '../tool-args.ts';
import { instantToLocal, localToInstant, sayClockTime, sayLocalDate, sayLocalDateTime } from '../../lib/local-time.ts';

// Bookings offered as buttons when several match; more would be too long to read.
const MAX_CHOICES = 4;

/** What the booking is, as the elder hears it: "table", "haircut", "appointment". */
export function bookingNoun(booking: Pick<Booking, 'service'>, venue: Pick<Venue, 'kind'>): string {
  return venue.kind === 'restaurant' ? 'table' : (booking.service ?? 'appointment');
}

/** "8:00 pm" for '20:00'. */
const sayTime = (hhmm: string): string => sayClockTime(DateTime.fromFormat(hhmm, 'HH:mm', { zone: 'UTC' }));

/** "an hour later", "30 minutes earlier", "1 hour 30 minutes later". */
function sayShift(minutes: number): string {
  const size = Math.abs(minutes);
  const hours = Math.floor(size / 60);
  const rest = size % 60;
  const parts = [hours === 1 ? 'an hour' : hours > 1 ? `${hours} hours` : '', rest > 0 ? `${rest} minutes` : ''].filter(Boolean).join(' ');
  return `${parts} ${minutes > 0 ? 'later' : 'earlier'}`;
}

/** "table at Olive Garden on Wednesday 25 November", "booking", as far as the elder named it. */
function sayWhich(args: RescheduleBookingTaskArgs): string {
  const noun = args.kind === 'restaurant' ? 'table' : args.kind === 'salon' ? 'appointment' : 'booking';
  return `${noun}${args.venue ? ` at ${args.venue}` : ''}${args.date ? ` on ${sayLocalDate(args.date)}` : ''}`;
}

/**
 * The booking's new local start: the day and time said (`start`), else the time said on the booking's own
 * day (`time`), else the booking moved by `shift_minutes`.
 */
export function newLocalStart(args: Pick<RescheduleBookingTaskArgs, 'start' | 'time' | 'shift_minutes'>, booking: Pick<Booking, 'startAt'>, timezone: string): string {
  if (args.start) return args.start;
  if (args.time) return `${instantToLocal(booking.startAt, timezone).slice(0, 10)}T${args.time}`;
  return instantToLocal(new Date(booking.startAt.getTime() + (args.shift_minutes ?? 0) * 60_000), timezone);
}

/** The booking the arguments name: the one chosen (booking_id) if it still stands, else every standing match. */
async function bookingsNamed(em: EntityManager, elder: Pick<Elder, 'id' | 'timezone'>, now: Date, args: RescheduleBookingTaskArgs): Promise<StandingBooking[]> {
  if (!args.booking_id) return findStandingBookings(em, elder, now, args);
  const booking = await em.findOne(Booking, { id: args.booking_id, elderId: elder.id, status: { $in: ['requested', 'confirmed'] }, startAt: { $gt: now } });
  const venue = booking ? await em.findOne(Venue, { id: booking.venueId }) : null;
  return booking && venue ? [{ booking, venue }] : [];
}

/**
 * Settles a move against the elder's bookings before the read-back: when exactly one standing booking
 * matches, the arguments name it (id, venue, its current start and what it is) and carry the new start in
 * full, so the elder says yes to "from 7:00 pm to 8:00 pm". Otherwise they are left as said, and the task
 * asks which booking (or says there is none) when it runs.
 */
async function settleMove(em: EntityManager, elder: Pick<Elder, 'id' | 'timezone'>, now: Date, args: RescheduleBookingTaskArgs): Promise<RescheduleBookingTaskArgs> {
  const found = await bookingsNamed(em, elder, now, args);
  if (found.length === 0) {
    throw new NothingToConfirmError('no standing booking to move', `I couldn't find a ${sayWhich(args)} to move. You can ask me "what have I booked?" to see them.`);
  }
  if (found.length !== 1) {
    const { booking_id: _id, from: _from, what: _what, ...asSaid } = args;
    return asSaid;
  }
  const { booking, venue } = found[0]!;
  const from = instantToLocal(booking.startAt, elder.timezone);
  return { venue: venue.name, kind: venue.kind, date: from.slice(0, 10), start: newLocalStart(args, booking, elder.timezone), booking_id: booking.id, from, what: bookingNoun(booking, venue) };
}

/**
 * reschedule_booking: moves the elder's standing booking (the only one, or the one matching the venue, kind
 * or day) to a new time through the venue's provider, and tells the family. Several matches → the elder picks
 * from buttons; none → says so kindly; the new time taken → the nearest free times as buttons.
 */
export function createRescheduleBookingTask(providers: BookingProviders = defaultBookingProviders()): TaskHandler<RescheduleBookingTaskArgs> {
  return {
    kind: 'reschedule_booking',
    label: 'move your booking',
    schema: rescheduleBookingTaskArgs,
    prepare: (args, { em, elder, now }) => settleMove(em, elder, now, args),
    readBack(args, elder) {
      if (args.booking_id && args.from && args.what && args.venue && args.start) {
        return `Move your ${args.what} at ${args.venue} from ${sayLocalDateTime(args.from, elder.timezone)} to ${sayLocalDateTime(args.start, elder.timezone)}?`;
      }
      if (args.start) return `Move your ${sayWhich(args)} to ${sayLocalDateTime(args.start, elder.timezone)}?`;
      if (args.time) return `Move your ${sayWhich(args)} to ${sayTime(args.time)}?`;
      return `Move your ${sayWhich(args)} ${sayShift(args.shift_minutes ?? 0)}?`;
    },
    async execute(args, ctx) {
      const { em, elder, task } = ctx;
      const found = await bookingsNamed(em, elder, ctx.clock.now(), args);
      if (found.length === 0) {
        if (args.booking_id) throw new PermanentTaskError('the booking no longer stands', 'That booking is no longer standing, so there is nothing to move.');
        throw new PermanentTaskError('no standing booking to move', `I couldn't find a ${sayWhich(args)} to move. You can ask me "what have I booked?" to see them.`);
      }
      if (found.length > 1) {
        const shown = found.slice(0, MAX_CHOICES);
        replyWithButtons(
          ctx,
          `You have ${found.length} bookings that could be moved. Which one shall I move?`,
          shown.map((f, i) => [{ label: sayBooking(f.booking, f.venue.name, elder.timezone), data: `reschedpick:${task.id}:${i}` }]),
        );
        return { result: { status: 'choose_booking', bookings: shown.map((f) => f.booking.id) } };
      }
      const { booking, venue } = found[0]!;
      return moveBooking(ctx, booking, venue, newLocalStart(args, booking, elder.timezone), providers);
    },
  };
}

/**
 * Moves one booking to a new local start in the task's transaction. A provider that can reschedule does it
 * in one step (the built-in book holds the new place and releases the old one at one commit; the family is
 * asked, and the booking waits where it is); any other is asked to book the new time with the task's
 * idempotency key and then to cancel the old one. The row keeps its reference; the family hears of the move.
 */
async function moveBooking(ctx: TaskContext, booking: Booking, venue: Venue, startLocal: string, providers: BookingProviders): Promise<TaskOutcome> {
  const { em, elder, task, clock } = ctx;
  const tz = elder.timezone;
  const newStart = localToInstant(startLocal, tz);
  const now = clock.now();
  const what = bookingNoun(booking, venue);
  const oldSay = sayLocalDateTime(instantToLocal(booking.startAt, tz), tz);
  const newSay = sayLocalDateTime(startLocal, tz);
  if (newStart.getTime() <= now.getTime()) throw new PermanentTaskError(`new time ${startLocal} has passed`, 'That time has already passed.');
  if (newStart.getTime() === booking.startAt.getTime()) return { result: { status: 'unchanged', bookingId: booking.id }, reply: `Your ${what} at ${venue.name} is already on ${newSay}.` };

  const provider = providers[venue.provider as (typeof PROVIDERS)[number]] ?? providers.family ?? new FamilyBookingProvider();
  const previous = { startAt: booking.startAt, endAt: booking.endAt, localStart: booking.localStart, providerRef: booking.providerRef ?? null };
  const restore = (): void => {
    booking.startAt = previous.startAt;
    booking.endAt = previous.endAt;
    booking.localStart = previous.localStart;
  };
  booking.startAt = newStart;
  booking.endAt = new Date(newStart.getTime() + (previous.endAt.getTime() - previous.startAt.getTime()));
  booking.localStart = instantToLocal(newStart, venue.timezone);
  const request: MoveRequest = { venue, booking, idempotencyKey: task.id, elderName: elder.name, previous };
  const pctx: ProviderContext = { em, clock, tellFamily: (notice) => tellFamily(ctx, notice) };
  let outcome;
  try {
    outcome = provider.reschedule ? await provider.reschedule(request, pctx) : await provider.book(request, pctx);
    // Book the new time first, then let go of the old one: a retry books nothing twice (same key) and cancels again harmlessly.
    if (!provider.reschedule && outcome.kind !== 'unavailable' && previous.providerRef && previous.providerRef !== outcome.providerRef) {
      await provider.cancel({ ...booking, providerRef: previous.providerRef }, venue, pctx);
    }
  } catch (err) {
    restore();
    throw err;
  }

  if (outcome.kind === 'unavailable') {
    restore();
    const noun = venue.kind === 'restaurant' ? 'table' : 'appointment';
    // The time it already has is no alternative.
    const alternatives = outcome.alternatives.filter((a) => a.getTime() !== previous.startAt.getTime());
    if (alternatives.length === 0) {
      throw new PermanentTaskError(`${venue.name} unavailable at ${startLocal}, no alternatives`, `${venue.name} has no ${noun} free around then. Your ${what} stays on ${oldSay}.`);
    }
    const day = startLocal.slice(0, 10);
    const labels = alternatives.map((a) => alternativeLabel(a, day, tz));
    const asked = `${sayClockTime(DateTime.fromJSDate(newStart, { zone: tz }))} on ${sayLocalDate(day)}`;
    replyWithButtons(ctx, `Sorry, ${venue.name} has no ${noun} free at ${asked}. Your ${what} is still on ${oldSay}. I could move it to ${orList(labels)} instead. Which would you like?`, [
      labels.map((label, i) => ({ label, data: `rebook:${task.id}:${i}` })),
    ]);
    return { result: { status: 'unavailable', bookingId: booking.id, alternatives: alternatives.map((a) => instantToLocal(a, tz)) } };
  }

  if (provider.reschedule && outcome.kind === 'pending') {
    // Someone else moves it (the family, by phone): the booking stands where it is until they answer.
    restore();
    return {
      result: { status: 'move_requested', bookingId: booking.id, from: instantToLocal(previous.startAt, tz), start: startLocal },
      reply: `I've asked your family to move your ${what} at ${venue.name} to ${newSay}. I'll tell you when they answer.`,
    };
  }

  booking.providerRef = outcome.providerRef ?? previous.providerRef;
  booking.status = outcome.kind === 'confirmed' ? 'confirmed' : 'requested';
  booking.remindedDayBeforeAt = null;
  booking.remindedSoonAt = null;
  skipPassedReminders(booking, now);
  const result = { status: booking.status, bookingId: booking.id, from: instantToLocal(previous.startAt, tz), start: startLocal, reference: booking.reference };
  await tellFamily(ctx, { text: `${elder.name} has moved the ${what} at ${venue.name} from ${oldSay} to ${newSay} (reference ${booking.reference}).`, topic: 'booking-moved' });
  if (outcome.kind === 'confirmed') return { result, reply: `Done. Your ${what} at ${venue.name} is now on ${newSay}. Your reference is still ${booking.reference}.` };
  return { result, reply: `I've asked ${venue.name} to move your ${what} to ${newSay}. Your reference is still ${booking.reference}. I'll tell you when they confirm.` };
}
