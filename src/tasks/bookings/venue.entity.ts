import { defineEntity, p } from '@mikro-orm/core';

/** What a venue is. */
export const VENUE_KINDS = ['restaurant', 'salon'] as const;
/** How bookings at a venue are made. */
export const PROVIDERS = ['builtin', 'partner', 'family'] as const;

/** A restaurant or salon in the directory. */
export const VenueSchema = defineEntity({
  name: 'Venue',
  tableName: 'venues',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(200).index(),
    kind: p.enum(VENUE_KINDS),
    address: p.string().length(300).nullable(),
    phone: p.string().length(40).nullable(),
    timezone: p.string().length(64),
    /** Per weekday ('mon'..'sun') a list of ['HH:mm','HH:mm'] opening ranges. */
    openingHours: p.json<Record<string, [string, string][]>>(),
    capacityPerSlot: p.integer().nullable(),
    /** For salons: service name → { minutes, staff }. */
    services: p.json<Record<string, { minutes: number; staff: number }>>().nullable(),
    provider: p.enum(PROVIDERS).default('builtin'),
    partnerRef: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A venue as loaded from the database. */
export class Venue extends VenueSchema.class {}
VenueSchema.setClass(Venue);
