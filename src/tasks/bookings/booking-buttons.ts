import { z } from 'zod';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Booking } from './booking.entity.ts';
import { Venue } from './venue.entity.ts';
import { DAY_BEFORE_MS, SOON_MS, defaultBookingProviders, sayBooked, sayBookingDetails, skipPassedReminders, type BookingProviders } from './booking-service.ts';
import { FamilyBookingProvider } from './providers/family-provider.ts';
import { rescheduleButtonActions } from './reschedule-buttons.ts';
import { AddVenueAnswer } from './venue-commands.ts';
import type { PROVIDERS } from './venue.entity.ts';
import { Task } from '../task.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import type { TaskService } from '../task-service.ts';
import type { TaskHandlerRegistry } from '../task-handler.ts';
import { findFamilyChats, tellFamily } from '../family/family-notifier.ts';
import { LINKED_ONLY, NOT_LINKED, NOT_LINKED_REPLY, orNotLinked, requireLink, roleFor } from '../family/access.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';
import { instantToLocal, localToInstant, sayClockTime, sayLocalDateTime } from '../../lib/local-time.ts';
import { DateTime } from 'luxon';

/** What the booking buttons need from the composition root. */
export interface BookingButtonDeps {
  orm: MikroORM;
  tasks: TaskService;
  handlers: TaskHandlerRegistry;
  delivery: DeliveryQueue;
  clock: Clock;
  /** The same providers the booking tasks use (default: built-in book and asking the family). */
  providers?: BookingProviders;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ANSWER_DATA = new RegExp(`^(booked|cantbook):(${UUID})$`);
const CHOICE_DATA = new RegExp(`^(rebook|venuepick):(${UUID}):(\\d)$`);
const MOVE_DATA = new RegExp(`^bookmove:(${UUID}):(yes|no)$`);
const UNKNOWN_BUTTON = 'Sorry, that button no longer works. What would you like to do?';

/** The choices a booking task offered, as it stored them in its result. */
const offeredChoices = z.object({
  alternatives: z.array(z.string()).optional(),
  venues: z.array(z.object({ id: z.string(), name: z.string(), address: z.string().nullable() })).optional(),
});

/** Where the elder hears about a booking: the chat the booking was asked in, else their own active account. */
export async function elderChatOf(em: EntityManager, booking: Pick<Booking, 'taskId' | 'elderId'>): Promise<{ channel: ChannelAccount['channel']; chatId: string } | null> {
  const task = booking.taskId ? await em.findOne(Task, { id: booking.taskId }, { fields: ['replyChannel', 'replyChatId'] }) : null;
  if (task) return { channel: task.replyChannel, chatId: task.replyChatId };
  const account = await em.findOne(ChannelAccount, { elderId: booking.elderId, role: 'elder', active: true }, { orderBy: { createdAt: 'asc' } });
  return account ? { channel: account.channel, chatId: account.chatId } : null;
}

/**
 * The family's answer under an ask-the-family request (`booked:<bookingId>` / `cantbook:<bookingId>`). Only
 * a family member or caregiver linked to the elder may answer. The first answer moves the requested booking
 * once (a conditional update), tells the elder and the rest of the family; a second press, by anyone, is told
 * it was already answered.
 */
class FamilyBookingAnswer implements ButtonAction {
  readonly prefix: 'booked' | 'cantbook';
  private readonly deps: BookingButtonDeps;

  constructor(prefix: 'booked' | 'cantbook', deps: BookingButtonDeps) {
    this.prefix = prefix;
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = ANSWER_DATA.exec(data);
    if (!match || match[1] !== this.prefix) return [{ text: UNKNOWN_BUTTON }];
    const em = this.deps.orm.em.fork();
    const booking = await em.findOne(Booking, { id: match[2]! });
    if (!booking) return [{ text: UNKNOWN_BUTTON }];
    if ((await orNotLinked(() => requireLink(em, actor.account.id, booking.elderId, LINKED_ONLY))) === NOT_LINKED) return [{ text: NOT_LINKED_REPLY }];
    const elder = await em.findOneOrFail(Elder, { id: booking.elderId });
    const venue = await em.findOneOrFail(Venue, { id: booking.venueId });
    const booked = this.prefix === 'booked';
    const now = this.deps.clock.now();
    const ahead = booking.startAt.getTime() - now.getTime();
    const outbox = new OutboxBatch();
    const who = actor.account.displayName ?? 'A family member';
    const details = sayBookingDetails(booking, venue, elder.timezone);
    const answered = await em.fork().transactional(async (tx) => {
      const moved = await tx.nativeUpdate(
        Booking,
        { id: booking.id, status: 'requested' },
        booked
          ? { status: 'confirmed', remindedDayBeforeAt: ahead <= DAY_BEFORE_MS ? now : null, remindedSoonAt: ahead <= SOON_MS ? now : null }
          : { status: 'failed' },
      );
      if (moved !== 1) return false;
      const chat = await elderChatOf(tx, booking);
      if (chat) {
        outbox.stage(tx, {
          ...chat,
          elderId: elder.id,
          text: booked ? sayBooked(booking, venue, elder.timezone) : `Sorry, your family couldn't book ${details}. Would you like to try another day or place?`,
          idempotencyKey: `booking:${booking.id}:${booking.startAt.toISOString()}:answered`,
        });
      }
      for (const c of await findFamilyChats(tx, elder.id)) {
        if ((c.channel === actor.chat.channel && c.chatId === actor.chat.chatId) || c.accountId === actor.account.id) continue;
        outbox.stage(tx, {
          channel: c.channel,
          chatId: c.chatId,
          accountId: c.accountId,
          elderId: elder.id,
          text: booked ? `${who} booked ${details} for ${elder.name}.` : `${who} couldn't book ${details} for ${elder.name}.`,
          idempotencyKey: `booking:${booking.id}:${booking.startAt.toISOString()}:answered:${c.key}`,
        });
      }
      return true;
    });
    await outbox.dispatch(this.deps.delivery);
    if (answered) return [{ text: booked ? `Thank you. I've told ${elder.name} it's booked (reference ${booking.reference}).` : `Thank you. I've told ${elder.name} it couldn't be booked.` }];
    const current = await em.fork().findOneOrFail(Booking, { id: booking.id });
    const state = current.status === 'confirmed' ? 'it is booked' : current.status === 'cancelled' ? `${elder.name} has cancelled it` : 'it could not be booked';
    return [{ text: `That was already answered: ${state}.` }];
  }
}

/**
 * The elder's pick among what a booking task offered: another time (`rebook:<taskId>:<n>`) when the slot was
 * full, or one of several venues of a similar name (`venuepick:<taskId>:<n>`). The pick becomes a new booking
 * read back with Yes / No, exactly as if the elder had asked for it; pressing twice reads it back again.
 */
class BookingChoice implements ButtonAction {
  readonly prefix: 'rebook' | 'venuepick';
  private readonly deps: BookingButtonDeps;

  constructor(prefix: 'rebook' | 'venuepick', deps: BookingButtonDeps) {
    this.prefix = prefix;
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = CHOICE_DATA.exec(data);
    if (!match || match[1] !== this.prefix) return [{ text: UNKNOWN_BUTTON }];
    const em = this.deps.orm.em.fork();
    const task = await em.findOne(Task, { id: match[2]! });
    // Only the elder whose booking it was may pick; anything else is treated as an unknown button.
    if (!task || !actor.elder || actor.elder.id !== task.elderId || (await roleFor(em, actor.account.id, task.elderId)) !== 'elder') return [{ text: UNKNOWN_BUTTON }];
    const handler = this.deps.handlers.get(task.kind);
    const offered = offeredChoices.safeParse(task.result ?? {});
    if (!handler || !offered.success) return [{ text: UNKNOWN_BUTTON }];
    const index = Number(match[3]);
    const args: Record<string, unknown> = { ...task.args };
    if (this.prefix === 'rebook') {
      const start = offered.data.alternatives?.[index];
      if (!start) return [{ text: UNKNOWN_BUTTON }];
      args.start = start;
    } else {
      const venue = offered.data.venues?.[index];
      if (!venue) return [{ text: UNKNOWN_BUTTON }];
      const namesakes = offered.data.venues!.filter((v) => v.name.toLowerCase() === venue.name.toLowerCase()).length;
      args.venue = namesakes > 1 && venue.address ? `${venue.name} on ${venue.address}` : venue.name;
    }
    const proposed = await this.deps.tasks.propose({
      elder: actor.elder,
      kind: task.kind,
      args,
      requestedByAccountId: actor.account.id,
      replyChannel: task.replyChannel,
      replyChatId: task.replyChatId,
    });
    return [
      {
        text: handler.readBack(handler.schema.parse(proposed.args), actor.elder),
        buttons: [[{ label: 'Yes', data: `yes:${proposed.id}` }, { label: 'No', data: `no:${proposed.id}` }]],
      },
    ];
  }
}

/** What a booking task stored when it offered to move an existing booking. */
const moveOffer = z.object({ status: z.literal('move_offered'), bookingId: z.string(), start: z.string() });

/** The move was refused by the venue's book; the transaction is rolled back. */
class SlotTakenError extends Error {
  override name = 'SlotTakenError';
}

/**
 * The elder's answer to "You already have a table at 7:00 pm. Shall I move it to 8:00 pm?"
 * (`bookmove:<taskId>:yes|no`). Yes moves the booking in one transaction through the venue's provider (the
 * built-in book checks the new time with the booking itself left out, and keeps its reference); the family
 * provider asks the family to move it. The move is conditional on the booking still being at its old time,
 * so a second press is told it is done.
 */
class BookingMove implements ButtonAction {
  readonly prefix = 'bookmove';
  private readonly deps: BookingButtonDeps;

  constructor(deps: BookingButtonDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = MOVE_DATA.exec(data);
    if (!match) return [{ text: UNKNOWN_BUTTON }];
    const em = this.deps.orm.em.fork();
    const task = await em.findOne(Task, { id: match[1]! });
    const elder = actor.elder;
    if (!task || !elder || elder.id !== task.elderId || (await roleFor(em, actor.account.id, task.elderId)) !== 'elder') return [{ text: UNKNOWN_BUTTON }];
    const offer = moveOffer.safeParse(task.result ?? {});
    if (!offer.success) return [{ text: UNKNOWN_BUTTON }];
    const booking = await em.findOne(Booking, { id: offer.data.bookingId, elderId: elder.id });
    if (!booking) return [{ text: UNKNOWN_BUTTON }];
    const venue = await em.findOneOrFail(Venue, { id: booking.venueId });
    const newStart = localToInstant(offer.data.start, elder.timezone);
    const to = sayClockTime(DateTime.fromJSDate(newStart, { zone: elder.timezone }));
    const oldStart = booking.startAt;
    const was = sayClockTime(DateTime.fromJSDate(oldStart, { zone: elder.timezone }));
    if (oldStart.getTime() === newStart.getTime()) return [{ text: `That's done: your booking at ${venue.name} is at ${to}.` }];
    if (booking.status !== 'confirmed' && booking.status !== 'requested') return [{ text: 'That booking is no longer standing, so there is nothing to move.' }];
    if (match[2] === 'no') return [{ text: `Okay, I've left your booking at ${venue.name} at ${was}.` }];
    const now = this.deps.clock.now();
    if (newStart.getTime() <= now.getTime()) return [{ text: 'That time has already passed.' }];

    const providers = this.deps.providers ?? defaultBookingProviders();
    const provider = providers[venue.provider as (typeof PROVIDERS)[number]] ?? providers.family ?? new FamilyBookingProvider();
    const outbox = new OutboxBatch();
    let moved: Booking;
    try {
      moved = await em.fork().transactional(async (tx) => {
        const fresh = await tx.findOneOrFail(Booking, { id: booking.id });
        if (fresh.startAt.getTime() !== oldStart.getTime() || (fresh.status !== 'confirmed' && fresh.status !== 'requested')) throw new SlotTakenError('moved already');
        const length = fresh.endAt.getTime() - fresh.startAt.getTime();
        const previousRef = fresh.providerRef ?? null;
        fresh.startAt = newStart;
        fresh.endAt = new Date(newStart.getTime() + length);
        fresh.localStart = instantToLocal(newStart, venue.timezone);
        fresh.remindedDayBeforeAt = null;
        fresh.remindedSoonAt = null;
        skipPassedReminders(fresh, now);
        const ctx = { em: tx, outbox, task, elder };
        const outcome = await provider.book(
          { venue, booking: fresh, idempotencyKey: `${task.id}:move`, elderName: elder.name },
          { em: tx, clock: this.deps.clock, tellFamily: (notice) => tellFamily(ctx, notice) },
        );
        if (outcome.kind === 'unavailable') throw new SlotTakenError('the new time is taken');
        // A provider that cannot move a booking (a partner) now holds the new time too: let go of the old one.
        if (!provider.reschedule && previousRef && previousRef !== outcome.providerRef) {
          await provider.cancel({ ...fresh, providerRef: previousRef }, venue, { em: tx, clock: this.deps.clock });
        }
        fresh.status = outcome.kind === 'confirmed' ? 'confirmed' : 'requested';
        fresh.providerRef = outcome.providerRef;
        if (outcome.kind === 'confirmed') {
          await tellFamily(ctx, { text: `${elder.name} has moved the booking at ${venue.name} to ${sayLocalDateTime(instantToLocal(newStart, elder.timezone), elder.timezone)} (reference ${fresh.reference}).`, topic: 'booking-moved' });
        }
        return fresh;
      });
    } catch (err) {
      if (!(err instanceof SlotTakenError)) throw err;
      const current = await em.fork().findOneOrFail(Booking, { id: booking.id });
      if (current.startAt.getTime() === newStart.getTime()) return [{ text: `That's done: your booking at ${venue.name} is at ${to}.` }];
      return [{ text: `Sorry, ${venue.name} has nothing free at ${to}. Your booking stays at ${was}.` }];
    }
    await outbox.dispatch(this.deps.delivery);
    if (moved.status === 'confirmed') return [{ text: `Moved: ${sayBookingDetails(moved, venue, elder.timezone)}. Your reference is still ${moved.reference}.` }];
    return [{ text: `I've asked your family to move it to ${to}. I'll tell you when they answer.` }];
  }
}

/**
 * Every booking button: the family's Booked / Can't and Moved / Can't, the elder's pick of another time,
 * venue or booking to move, a move offered while booking, and the Yes / No of a venue the family adds.
 */
export function bookingButtonActions(deps: BookingButtonDeps): ButtonAction[] {
  return [
    new FamilyBookingAnswer('booked', deps),
    new FamilyBookingAnswer('cantbook', deps),
    new BookingChoice('rebook', deps),
    new BookingChoice('venuepick', deps),
    new BookingMove(deps),
    ...rescheduleButtonActions(deps),
    new AddVenueAnswer(deps),
  ];
}
