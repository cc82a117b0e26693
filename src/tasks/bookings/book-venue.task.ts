import { randomInt, randomUUID } from 'node:crypto';
import { sql, type EntityManager } from '@mikro-orm/core';
import { Booking } from './booking.entity.ts';
import { Venue, type VENUE_KINDS } from './venue.entity.ts';
import type { TaskContext, TaskHandler } from '../task-handler.ts';
import { PermanentTaskError } from '../task-errors.ts';
import { tellFamily } from '../family/family-notifier.ts';
import { bookRestaurantArgs, bookSalonArgs, type BookRestaurantArgs, type BookSalonArgs } from '../tool-args.ts';
import { instantToLocal, localToInstant, sayLocalDateTime } from '../../lib/local-time.ts';

type VenueKind = (typeof VENUE_KINDS)[number];

/** Symbols of a booking reference that cannot be misread aloud: no 0/O, 1/I/L. */
export const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const REFERENCE_LENGTH = 6;
const TABLE_MINUTES = 90;
const APPOINTMENT_MINUTES = 60;

/** A new booking reference, 6 symbols read easily over the phone ("K7M2QX"). */
export function newBookingReference(): string {
  let code = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return code;
}

/** "Olive Garden on Wednesday 25 November at 7:00 pm": a booking as the elder and the family hear it, in the elder's local time. */
export function sayBooking(booking: Pick<Booking, 'startAt'>, venueName: string, timezone: string): string {
  return `${venueName} on ${sayLocalDateTime(instantToLocal(booking.startAt, timezone), timezone)}`;
}

const people = (n: number): string => `${n} ${n === 1 ? 'person' : 'people'}`;
const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const withNotes = (notes: string | undefined): string => (notes ? ` (${notes.replace(/[.\s]+$/, '')})` : '');

/** The venue of that name and kind, matched without regard to case, or a new one booked through the family. */
async function findOrCreateVenue(em: EntityManager, name: string, kind: VenueKind, timezone: string, now: Date): Promise<Venue> {
  const found = await em.findOne(Venue, { [sql.lower((alias) => `${alias}.name`)]: name.toLowerCase(), kind }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (found) return found;
  return em.create(Venue, {
    id: randomUUID(),
    name,
    kind,
    address: null,
    phone: null,
    timezone,
    openingHours: {},
    capacityPerSlot: null,
    services: null,
    provider: 'family',
    partnerRef: null,
    createdAt: now,
  });
}

/** What one booking request is, whatever the kind of venue. */
interface BookingRequest {
  kind: VenueKind;
  venue: string;
  start: string;
  partySize: number | null;
  service: string | null;
  notes: string | null;
  /** "a table for 4", "a haircut", "an appointment". */
  what: string;
}

/**
 * Asks the family to make a booking (the "ask the family" provider, until venues have their own): records it
 * as requested with a short reference, and stages the request to every family chat with Booked / Can't buttons.
 */
async function requestBooking(request: BookingRequest, ctx: TaskContext): Promise<{ booking: Booking; venue: Venue }> {
  const { em, task, elder, clock } = ctx;
  const now = clock.now();
  const startAt = localToInstant(request.start, elder.timezone);
  if (startAt.getTime() <= now.getTime()) throw new PermanentTaskError(`booking time ${request.start} has passed`, 'That time has already passed.');
  const venue = await findOrCreateVenue(em, request.venue, request.kind, elder.timezone, now);
  const minutes = request.kind === 'restaurant' ? TABLE_MINUTES : (request.service && venue.services?.[request.service]?.minutes) || APPOINTMENT_MINUTES;
  const booking = em.create(Booking, {
    id: randomUUID(),
    elderId: elder.id,
    venueId: venue.id,
    taskId: task.id,
    service: request.service,
    partySize: request.partySize,
    startAt,
    endAt: new Date(startAt.getTime() + minutes * 60_000),
    localStart: instantToLocal(startAt, venue.timezone),
    status: 'requested',
    reference: newBookingReference(),
    providerRef: null,
    notes: request.notes,
    createdAt: now,
  });
  const lines = [
    `${elder.name} would like ${request.what} at ${sayBooking(booking, venue.name, elder.timezone)}. Could you book it?`,
    request.notes ? `Notes: ${request.notes}` : null,
    venue.phone ? `Phone: ${venue.phone}` : null,
    `Reference: ${booking.reference}`,
  ];
  const told = await tellFamily(ctx, {
    text: lines.filter((l) => l !== null).join('\n'),
    buttons: [[{ label: 'Booked', data: `booked:${booking.id}` }, { label: "Can't", data: `cantbook:${booking.id}` }]],
    topic: 'booking-request',
  });
  if (told === 0) throw new PermanentTaskError('no provider and no family linked', "I can't book there yet, and no family is linked to help.");
  return { booking, venue };
}

/** book_restaurant: a table for the party at the elder's local time, requested through the family. */
export const bookRestaurantTask: TaskHandler<BookRestaurantArgs> = {
  kind: 'book_restaurant',
  label: 'book your table',
  schema: bookRestaurantArgs,
  readBack: (args, elder) => `${args.venue}, ${people(args.party_size)}, ${sayLocalDateTime(args.start, elder.timezone)}${withNotes(args.notes)}. Shall I book it?`,
  async execute(args, ctx) {
    const { booking, venue } = await requestBooking(
      { kind: 'restaurant', venue: args.venue, start: args.start, partySize: args.party_size, service: null, notes: args.notes ?? null, what: `a table for ${args.party_size}` },
      ctx,
    );
    return {
      result: { bookingId: booking.id, reference: booking.reference, status: booking.status },
      reply: `I've asked your family to book ${venue.name} for ${people(args.party_size)} on ${sayLocalDateTime(args.start, ctx.elder.timezone)}. I'll tell you when they answer.`,
    };
  },
};

/** book_salon: an appointment for a service at the elder's local time, requested through the family. */
export const bookSalonTask: TaskHandler<BookSalonArgs> = {
  kind: 'book_salon',
  label: 'book your appointment',
  schema: bookSalonArgs,
  readBack: (args, elder) =>
    `${args.service ? `${capitalise(args.service)} at ` : ''}${args.venue}, ${sayLocalDateTime(args.start, elder.timezone)}${withNotes(args.notes)}. Shall I book it?`,
  async execute(args, ctx) {
    const { booking, venue } = await requestBooking(
      { kind: 'salon', venue: args.venue, start: args.start, partySize: null, service: args.service ?? null, notes: args.notes ?? null, what: args.service ? `${/^[aeiou]/.test(args.service) ? 'an' : 'a'} ${args.service}` : 'an appointment' },
      ctx,
    );
    const what = args.service ? `your ${args.service} at ${venue.name}` : venue.name;
    return {
      result: { bookingId: booking.id, reference: booking.reference, status: booking.status },
      reply: `I've asked your family to book ${what} on ${sayLocalDateTime(args.start, ctx.elder.timezone)}. I'll tell you when they answer.`,
    };
  },
};
