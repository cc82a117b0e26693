import { defineEntity, p } from '@mikro-orm/core';

/** The life of a booking. */
export const BOOKING_STATUSES = ['held', 'requested', 'confirmed', 'cancelled', 'failed'] as const;

/** A table or appointment made for an elder. */
export const BookingSchema = defineEntity({
  name: 'Booking',
  tableName: 'bookings',
  indexes: [{ properties: ['venueId', 'startAt'] }, { properties: ['elderId', 'startAt'] }, { properties: ['status', 'startAt'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid(),
    venueId: p.uuid(),
    taskId: p.uuid().nullable().unique(),
    service: p.string().length(100).nullable(),
    partySize: p.integer().nullable(),
    startAt: p.datetime(),
    endAt: p.datetime(),
    localStart: p.string().length(16),
    status: p.enum(BOOKING_STATUSES),
    reference: p.string().length(16).unique(),
    providerRef: p.string().length(200).nullable(),
    notes: p.text().nullable(),
    /** When the day-before reminder was sent (or found unnecessary); claimed by a conditional update. */
    remindedDayBeforeAt: p.datetime().nullable(),
    /** When the two-hours-before reminder was sent (or found unnecessary); claimed by a conditional update. */
    remindedSoonAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A booking as loaded from the database. */
export class Booking extends BookingSchema.class {}
BookingSchema.setClass(Booking);
