import type { EntityManager } from '@mikro-orm/core';
import { findVenue } from './venue-directory.ts';
import type { TaskHandler } from '../task-handler.ts';
import { bookRestaurantArgs, bookSalonArgs, type BookRestaurantArgs, type BookSalonArgs } from '../tool-args.ts';
import { sayLocalDateTime } from '../../lib/local-time.ts';
import { defaultBookingProviders, makeBooking, people, type BookingProviders } from './booking-service.ts';

export { newBookingReference, REFERENCE_ALPHABET, sayBooking } from './booking-service.ts';

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const withNotes = (notes: string | undefined): string => (notes ? ` (${notes.replace(/[.\s]+$/, '')})` : '');

/** book_restaurant: a table for the party at the elder's local time, made through the venue's provider. */
export function createBookRestaurantTask(providers: BookingProviders = defaultBookingProviders()): TaskHandler<BookRestaurantArgs> {
  return {
    kind: 'book_restaurant',
    label: 'book your table',
    schema: bookRestaurantArgs,
    prepare: (args, { em }) => withDirectoryName(em, args, 'restaurant'),
    readBack: (args, elder) => `${args.venue}, ${people(args.party_size)}, ${sayLocalDateTime(args.start, elder.timezone)}${withNotes(args.notes)}. Shall I book it?`,
    execute: (args, ctx) =>
      makeBooking({ kind: 'restaurant', venue: args.venue, start: args.start, partySize: args.party_size, service: null, notes: args.notes ?? null }, ctx, providers),
  };
}

/** book_salon: an appointment for a service at the elder's local time, made through the venue's provider. */
export function createBookSalonTask(providers: BookingProviders = defaultBookingProviders()): TaskHandler<BookSalonArgs> {
  return {
    kind: 'book_salon',
    label: 'book your appointment',
    schema: bookSalonArgs,
    prepare: (args, { em }) => withDirectoryName(em, args, 'salon'),
    readBack: (args, elder) =>
      `${args.service ? `${capitalise(args.service)} at ` : ''}${args.venue}, ${sayLocalDateTime(args.start, elder.timezone)}${withNotes(args.notes)}. Shall I book it?`,
    execute: (args, ctx) =>
      makeBooking({ kind: 'salon', venue: args.venue, start: args.start, partySize: null, service: args.service ?? null, notes: args.notes ?? null }, ctx, providers),
  };
}

/** The venue as the directory names it when the elder's words match one venue clearly ("olive gardn" → "Olive Garden"). */
async function withDirectoryName<Args extends { venue: string }>(em: EntityManager, args: Args, kind: 'restaurant' | 'salon'): Promise<Args> {
  const match = await findVenue(em, args.venue, kind);
  return match.kind === 'found' ? { ...args, venue: match.venue.name } : args;
}
