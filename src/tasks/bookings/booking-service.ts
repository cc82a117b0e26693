import { createHash, randomInt, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/core';
import { Booking } from './booking.entity.ts';
import { Venue, type PROVIDERS, type VENUE_KINDS } from './venue.entity.ts';
import { bookingMinutes } from './availability.ts';
import { findVenue } from './venue-directory.ts';
import { BuiltinBookingProvider } from './providers/builtin-provider.ts';
import { FamilyBookingProvider } from './providers/family-provider.ts';
import type { BookingProvider } from './providers/booking-provider.ts';
import type { TaskContext, TaskOutcome } from '../task-handler.ts';
import { PermanentTaskError } from '../task-errors.ts';
import { tellFamily } from '../family/family-notifier.ts';
import type { ButtonSpec } from '../../messaging/message-log.entity.ts';
import { laneOfTaskReply } from '../../messaging/lanes.ts';
import { instantToLocal, localToInstant, sayClockTime, sayLocalDate, sayLocalDateTime } from '../../lib/local-time.ts';

type VenueKind = (typeof VENUE_KINDS)[number];

/** The providers by `venue.provider`; 'partner' is plugged in by the composition root when configured. */
export type BookingProviders = Partial<Record<(typeof PROVIDERS)[number], BookingProvider>>;

/** The built-in reservation book and the ask-the-family provider; a partner provider may be added to it. */
export function defaultBookingProviders(extra: BookingProviders = {}): BookingProviders {
  return { builtin: new BuiltinBookingProvider(), family: new FamilyBookingProvider(), ...extra };
}

/** Symbols of a booking reference that cannot be misread aloud: no 0/O, 1/I/L. */
export const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const REFERENCE_LENGTH = 6;
/** Reminders: the day before and two hours before; a booking made closer than that skips the one it passed. */
export const DAY_BEFORE_MS = 24 * 3_600_000;
export const SOON_MS = 2 * 3_600_000;

/** A new random booking reference, 6 symbols read easily over the phone ("K7M2QX"), for a booking made outside a task. */
export function newBookingReference(): string {
  let code = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return code;
}

/**
 * The booking reference of a task, derived from its id (the idempotency key sent to a partner): every attempt
 * of the same task says the same reference, so a partner that kept the first attempt's hold agrees with the
 * retry. `salt` picks the next candidate when the first is already another booking's (see `referenceForTask`).
 */
export function bookingReferenceFor(seed: string, salt = 0): string {
  const digest = createHash('sha256').update(`booking-reference:${seed}:${salt}`).digest();
  let code = '';
  // 31 symbols from one byte each: the bias of 256 mod 31 is too small to matter for a reference.
  for (let i = 0; i < REFERENCE_LENGTH; i++) code += REFERENCE_ALPHABET[digest[i]! % REFERENCE_ALPHABET.length];
  return code;
}

// Candidates tried before giving up; at a million bookings each candidate is taken with odds of about 1 in 900.
const MAX_REFERENCE_CANDIDATES = 8;

/**
 * The reference for the booking a task makes: the first of the task's candidates that no other booking holds.
 * A retry finds the same one (the failed attempt's row was rolled back, so it does not count).
 */
export async function referenceForTask(em: EntityManager, taskId: string): Promise<string> {
  const candidates = Array.from({ length: MAX_REFERENCE_CANDIDATES }, (_, i) => bookingReferenceFor(taskId, i));
  const holders = await em.find(Booking, { reference: { $in: candidates } }, { fields: ['reference', 'taskId'], disableIdentityMap: true });
  const taken = new Set(holders.filter((b) => b.taskId !== taskId).map((b) => b.reference));
  return candidates.find((c) => !taken.has(c)) ?? newBookingReference();
}

/** "Olive Garden on Wednesday 25 November at 7:00 pm": a booking as the elder and the family hear it, in the elder's local time. */
export function sayBooking(booking: Pick<Booking, 'startAt'>, venueName: string, timezone: string): string {
  return `${venueName} on ${sayLocalDateTime(instantToLocal(booking.startAt, timezone), timezone)}`;
}

/** "4 people", "1 person". */
export const people = (n: number): string => `${n} ${n === 1 ? 'person' : 'people'}`;

/** "Olive Garden, 4 people, Wednesday 25 November at 7:00 pm" or "haircut at Tony's, Thursday 26 November at 10:00 am". */
export function sayBookingDetails(booking: Pick<Booking, 'startAt' | 'partySize' | 'service'>, venue: Pick<Venue, 'name' | 'kind'>, timezone: string): string {
  const when = sayLocalDateTime(instantToLocal(booking.startAt, timezone), timezone);
  if (venue.kind === 'restaurant') return `${venue.name}, ${people(booking.partySize ?? 1)}, ${when}`;
  return `${booking.service ? `${booking.service} at ` : ''}${venue.name}, ${when}`;
}

/** The elder's line once a booking is made: "Booked: Olive Garden, 4 people, …. Your reference is K7M2QX." */
export function sayBooked(booking: Pick<Booking, 'startAt' | 'partySize' | 'service' | 'reference'>, venue: Pick<Venue, 'name' | 'kind'>, timezone: string): string {
  return `Booked: ${sayBookingDetails(booking, venue, timezone)}. Your reference is ${booking.reference}.`;
}

/** Marks the reminders a booking made late no longer needs (a booking for tonight gets no "tomorrow" reminder). */
export function skipPassedReminders(booking: Booking, now: Date): void {
  const ahead = booking.startAt.getTime() - now.getTime();
  if (ahead <= DAY_BEFORE_MS) booking.remindedDayBeforeAt = now;
  if (ahead <= SOON_MS) booking.remindedSoonAt = now;
}

/** A booking at the same venue this close to the time asked for is taken to be the one the elder wants moved. */
export const MOVE_WINDOW_MS = 3 * 3_600_000;

/**
 * The elder's standing booking at the venue within MOVE_WINDOW_MS of `startAt` but not at it ("move dinner
 * to 8" arrives as a booking at the same place for 8 pm): asked about before a second table is made. Lunch
 * and dinner at one place on one day are far enough apart to be booked separately.
 */
async function findMovableBooking(em: EntityManager, elderId: string, venueId: string, startAt: Date, now: Date): Promise<Booking | null> {
  return em.findOne(
    Booking,
    {
      elderId,
      venueId,
      status: { $in: ['confirmed', 'requested'] },
      startAt: { $gt: new Date(Math.max(now.getTime(), startAt.getTime() - MOVE_WINDOW_MS)), $lt: new Date(startAt.getTime() + MOVE_WINDOW_MS), $ne: startAt },
    },
    { orderBy: { startAt: 'asc', id: 'asc' } },
  );
}

/** One booking request, whatever the kind of venue: what the elder asked for, with their local start time. */
export interface BookingRequest {
  kind: VenueKind;
  venue: string;
  start: string;
  partySize: number | null;
  service: string | null;
  notes: string | null;
}

/** The venue of that name said by the elder: from the directory, or a new one booked through the family. */
function newFamilyVenue(em: EntityManager, name: string, kind: VenueKind, timezone: string, now: Date): Venue {
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

/** A time offered instead: "7:30 pm" on the day asked for, "Thu 26 Nov, 7:30 pm" on another. */
export function alternativeLabel(instant: Date, requestedDay: string, timezone: string): string {
  const dt = DateTime.fromJSDate(instant, { zone: timezone });
  return dt.toFormat('yyyy-LL-dd') === requestedDay ? sayClockTime(dt) : `${dt.toFormat('ccc d LLL')}, ${sayClockTime(dt)}`;
}

/** "a, b or c". */
export const orList = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);

/** Stages the task's answer with buttons (the runner's reply carries text only); same idempotency key as the runner's reply. */
export function replyWithButtons(ctx: TaskContext, text: string, buttons: ButtonSpec[][]): void {
  ctx.outbox.stage(ctx.em, { channel: ctx.task.replyChannel, chatId: ctx.task.replyChatId, elderId: ctx.elder.id, text, buttons, idempotencyKey: `task-reply:${ctx.task.id}`, lane: laneOfTaskReply(ctx.task.attempts) });
}

/**
 * The slot asked for is full or closed: nothing is saved, and the elder is offered the nearest free times as
 * buttons (`rebook:<taskId>:<n>`, the times kept in the task's result); with none near, the task fails plainly.
 */
function offerAlternatives(ctx: TaskContext, request: BookingRequest, venue: Venue, startAt: Date, alternatives: Date[]): TaskOutcome {
  const { elder, task } = ctx;
  const noun = request.kind === 'restaurant' ? 'table' : 'appointment';
  if (alternatives.length === 0) throw new PermanentTaskError(`${venue.name} unavailable at ${request.start}, no alternatives`, `${venue.name} has no ${noun} free around then.`);
  const asked = `${sayClockTime(DateTime.fromJSDate(startAt, { zone: elder.timezone }))} on ${sayLocalDate(request.start.slice(0, 10))}`;
  const labels = alternatives.map((a) => alternativeLabel(a, request.start.slice(0, 10), elder.timezone));
  replyWithButtons(ctx, `Sorry, ${venue.name} has no ${noun} free at ${asked}. I could book ${orList(labels)} instead. Which would you like?`, [
    labels.map((label, i) => ({ label, data: `rebook:${task.id}:${i}` })),
  ]);
  return { result: { status: 'unavailable', venueId: venue.id, alternatives: alternatives.map((a) => instantToLocal(a, elder.timezone)) } };
}

/**
 * Makes a booking in the task's transaction: finds the venue (several close matches → the elder chooses from
 * buttons; none → a new venue booked through the family), asks the venue's provider, and records the outcome:
 * confirmed (elder and family told, with the reference), pending (waiting for the family or the partner), or
 * unavailable (nothing saved; the nearest free times offered as buttons). Every message is staged with the
 * task's keys, so a redelivered job changes and sends nothing twice.
 */
export async function makeBooking(request: BookingRequest, ctx: TaskContext, providers: BookingProviders): Promise<TaskOutcome> {
  const { em, task, elder, clock } = ctx;
  const now = clock.now();
  const startAt = localToInstant(request.start, elder.timezone);
  if (startAt.getTime() <= now.getTime()) throw new PermanentTaskError(`booking time ${request.start} has passed`, 'That time has already passed.');

  const match = await findVenue(em, request.venue, request.kind);
  if (match.kind === 'choose') {
    const labels = match.venues.map((v) => (v.address ? `${v.name}, ${v.address}` : v.name));
    replyWithButtons(ctx, `I know ${match.venues.length} places like "${request.venue}". Which one do you mean?`, labels.map((label, i) => [{ label, data: `venuepick:${task.id}:${i}` }]));
    return { result: { status: 'choose_venue', venues: match.venues.map((v) => ({ id: v.id, name: v.name, address: v.address })) } };
  }
  const venue = match.kind === 'found' ? match.venue : newFamilyVenue(em, request.venue, request.kind, elder.timezone, now);
  if (match.kind === 'found') {
    // Asking again for a booking already made (people repeat themselves) answers with that booking, not a second one.
    const same = await em.findOne(Booking, { elderId: elder.id, venueId: venue.id, startAt, status: { $in: ['confirmed', 'requested'] } });
    if (same) {
      const when = sayLocalDateTime(instantToLocal(same.startAt, elder.timezone), elder.timezone);
      const what = request.kind === 'restaurant' ? 'a table' : 'an appointment';
      const status = same.status === 'confirmed' ? `It is booked. Your reference is ${same.reference}.` : 'I am still waiting to hear back about it.';
      return { result: { status: 'already_booked', bookingId: same.id }, reply: `You already have ${what} at ${venue.name} on ${when}. ${status}` };
    }
    const movable = await findMovableBooking(em, elder.id, venue.id, startAt, now);
    if (movable) {
      const was = sayLocalDateTime(instantToLocal(movable.startAt, elder.timezone), elder.timezone);
      const to = sayClockTime(DateTime.fromJSDate(startAt, { zone: elder.timezone }));
      replyWithButtons(ctx, `You already have ${request.kind === 'restaurant' ? 'a table' : 'an appointment'} at ${venue.name} on ${was}. Shall I move it to ${to}?`, [
        [
          { label: `Yes, move it to ${to}`, data: `bookmove:${task.id}:yes` },
          { label: 'No, leave it', data: `bookmove:${task.id}:no` },
        ],
      ]);
      return { result: { status: 'move_offered', bookingId: movable.id, start: request.start } };
    }
  }
  // A partner venue while no partner is configured is still booked, through the family.
  const provider = providers[venue.provider as (typeof PROVIDERS)[number]] ?? providers.family ?? new FamilyBookingProvider();
  const minutes = bookingMinutes(venue, request.service);
  const booking = em.create(
    Booking,
    {
      id: randomUUID(),
      elderId: elder.id,
      venueId: venue.id,
      taskId: task.id,
      service: request.service,
      partySize: request.partySize,
      startAt,
      endAt: new Date(startAt.getTime() + minutes * 60_000),
      localStart: instantToLocal(startAt, venue.timezone),
      status: 'held',
      reference: await referenceForTask(em, task.id),
      providerRef: null,
      notes: request.notes,
      remindedDayBeforeAt: null,
      remindedSoonAt: null,
      createdAt: now,
    },
    { persist: false },
  );
  const outcome = await provider.book(
    { venue, booking, idempotencyKey: task.id, elderName: elder.name },
    { em, clock, tellFamily: (notice) => tellFamily(ctx, notice) },
  );
  const what = request.kind === 'restaurant' ? 'a table' : 'an appointment';
  if (outcome.kind === 'unavailable') return offerAlternatives(ctx, request, venue, startAt, outcome.alternatives);

  booking.providerRef = outcome.providerRef;
  booking.status = outcome.kind === 'confirmed' ? 'confirmed' : 'requested';
  skipPassedReminders(booking, now);
  em.persist(booking);
  const result = { bookingId: booking.id, reference: booking.reference, status: booking.status };
  const details = sayBookingDetails(booking, venue, elder.timezone);
  if (outcome.kind === 'confirmed') {
    await tellFamily(ctx, { text: `${elder.name} has booked ${details}. Reference ${booking.reference}.`, topic: 'booking-confirmed' });
    return { result, reply: sayBooked(booking, venue, elder.timezone) };
  }
  const when = sayLocalDateTime(request.start, elder.timezone);
  const forWhat = request.kind === 'restaurant' ? `${venue.name} for ${people(request.partySize ?? 1)}` : request.service ? `your ${request.service} at ${venue.name}` : venue.name;
  if (provider.name === 'family') return { result, reply: `I've asked your family to book ${forWhat} on ${when}. I'll tell you when they answer.` };
  return { result, reply: `I've asked ${venue.name} for ${what} on ${when}. Your reference is ${booking.reference}. I'll tell you when they confirm.` };
}
