import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sql } from '@mikro-orm/core';
import { Venue, VENUE_KINDS } from './venue.entity.ts';
import type { TaskHandler } from '../task-handler.ts';

/** The task kind of a venue added by the family (not a tool of the agent: it comes from /addvenue). */
export const ADD_VENUE_KIND = 'add_venue';

/** A venue as the family gives it: name, kind, and the address and phone when they know them. */
export const addVenueArgs = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(VENUE_KINDS),
  address: z.string().trim().min(1).max(300).optional(),
  phone: z.string().trim().min(1).max(40).optional(),
});
/** Validated add_venue arguments. */
export type AddVenueArgs = z.infer<typeof addVenueArgs>;

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/**
 * Opening hours a new venue starts with: lunch and dinner every day for a restaurant, Monday to Saturday
 * daytime for a salon. The family books such a venue by hand, so the hours only shape what is offered.
 */
export const DEFAULT_OPENING_HOURS: Record<AddVenueArgs['kind'], Record<string, [string, string][]>> = {
  restaurant: Object.fromEntries(EVERY_DAY.map((d) => [d, [['12:00', '14:30'], ['17:30', '22:00']]])),
  salon: Object.fromEntries(EVERY_DAY.filter((d) => d !== 'sun').map((d) => [d, [['09:00', '17:30']]])),
};

/** "Rosa's Trattoria (restaurant), 12 High St, phone 020 7946 0000". */
export function sayVenue(args: AddVenueArgs): string {
  return `${args.name} (${args.kind})${args.address ? `, ${args.address}` : ''}${args.phone ? `, phone ${args.phone}` : ''}`;
}

/**
 * add_venue: saves a venue the family named into the directory, in the elder's timezone, with default opening
 * hours, no capacity limit and bookings asked of the family (provider 'family'). A venue of that name and kind
 * already in the directory is left as it is (the directory may book it another way).
 */
export function createAddVenueTask(): TaskHandler<AddVenueArgs> {
  return {
    kind: ADD_VENUE_KIND,
    label: 'add that place',
    schema: addVenueArgs,
    readBack: (args, elder) => `Add ${sayVenue(args)} to the places ${elder.name} can book? I'll ask the family to make each booking there.`,
    async execute(args, { em, elder, clock }) {
      const existing = await em.findOne(Venue, { [sql.lower((alias) => `${alias}.name`)]: args.name.toLowerCase(), kind: args.kind }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      if (existing) {
        return { result: { status: 'exists', venueId: existing.id }, reply: `${existing.name} is already in the list, so ${elder.name} can book it by name.` };
      }
      const venue = em.create(Venue, {
        id: randomUUID(),
        name: args.name,
        kind: args.kind,
        address: args.address ?? null,
        phone: args.phone ?? null,
        timezone: elder.timezone,
        openingHours: DEFAULT_OPENING_HOURS[args.kind],
        capacityPerSlot: null,
        services: null,
        provider: 'family',
        partnerRef: null,
        createdAt: clock.now(),
      });
      return {
        result: { status: 'added', venueId: venue.id },
        reply: `Added ${venue.name} to the places I can book. When ${elder.name} asks for it by name, I'll ask the family to make the booking.`,
      };
    },
  };
}
