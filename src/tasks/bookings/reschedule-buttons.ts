import { z } from 'zod';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { Booking } from './booking.entity.ts';
import { Venue } from './venue.entity.ts';
import { DAY_BEFORE_MS, SOON_MS } from './booking-service.ts';
import { bookingNoun } from './reschedule-booking.task.ts';
import { Task } from '../task.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import type { TaskService } from '../task-service.ts';
import type { TaskHandlerRegistry } from '../task-handler.ts';
import { findFamilyChats } from '../family/family-notifier.ts';
import { LINKED_ONLY, NOT_LINKED, NOT_LINKED_REPLY, orNotLinked, requireLink, roleFor } from '../family/access.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';
import { instantToLocal, localToInstant, sayLocalDateTime } from '../../lib/local-time.ts';

/** What the reschedule buttons need from the composition root (a subset of the booking buttons' deps). */
export interface RescheduleButtonDeps {
  orm: MikroORM;
  tasks: TaskService;
  handlers: TaskHandlerRegistry;
  delivery: DeliveryQueue;
  clock: Clock;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PICK_DATA = new RegExp(`^reschedpick:(${UUID}):(\\d)$`);
const MOVED_DATA = new RegExp(`^(bookmoved|cantmove):(${UUID})$`);
const UNKNOWN_BUTTON = 'Sorry, that button no longer works. What would you like to do?';

const offeredBookings = z.object({ status: z.literal('choose_booking'), bookings: z.array(z.string()) });
const requestedMove = z.object({ status: z.literal('move_requested'), bookingId: z.string(), from: z.string(), start: z.string() });

/**
 * The elder's pick among the bookings a move could be about (`reschedpick:<taskId>:<n>`): the same move,
 * for that booking, read back with Yes / No. Only the elder whose task it was may pick.
 */
class ReschedulePick implements ButtonAction {
  readonly prefix = 'reschedpick';
  private readonly deps: RescheduleButtonDeps;

  constructor(deps: RescheduleButtonDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = PICK_DATA.exec(data);
    if (!match) return [{ text: UNKNOWN_BUTTON }];
    const em = this.deps.orm.em.fork();
    const task = await em.findOne(Task, { id: match[1]! });
    if (!task || !actor.elder || actor.elder.id !== task.elderId || (await roleFor(em, actor.account.id, task.elderId)) !== 'elder') return [{ text: UNKNOWN_BUTTON }];
    const offered = offeredBookings.safeParse(task.result ?? {});
    const bookingId = offered.success ? offered.data.bookings[Number(match[2])] : undefined;
    const handler = this.deps.handlers.get(task.kind);
    if (!bookingId || !handler) return [{ text: UNKNOWN_BUTTON }];
    const proposed = await this.deps.tasks.propose({
      elder: actor.elder,
      kind: task.kind,
      args: { ...task.args, booking_id: bookingId },
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

/** The move was answered already (or the booking moved on); the transaction is rolled back. */
class AlreadyAnsweredError extends Error {
  override name = 'AlreadyAnsweredError';
}

/**
 * The family's answer to "Could you move it?" (`bookmoved:<taskId>` / `cantmove:<taskId>`), for venues booked
 * by hand. Only someone linked to the elder may answer. "Moved" moves the booking (conditional on it still
 * being at its old time); either answer is recorded on the task, and the elder and the rest of the family are
 * told once; a second press is told it was already answered.
 */
class FamilyMoveAnswer implements ButtonAction {
  readonly prefix: 'bookmoved' | 'cantmove';
  private readonly deps: RescheduleButtonDeps;

  constructor(prefix: 'bookmoved' | 'cantmove', deps: RescheduleButtonDeps) {
    this.prefix = prefix;
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = MOVED_DATA.exec(data);
    if (!match || match[1] !== this.prefix) return [{ text: UNKNOWN_BUTTON }];
    const em = this.deps.orm.em.fork();
    const task = await em.findOne(Task, { id: match[2]! });
    if (!task) return [{ text: UNKNOWN_BUTTON }];
    if ((await orNotLinked(() => requireLink(em, actor.account.id, task.elderId, LINKED_ONLY))) === NOT_LINKED) return [{ text: NOT_LINKED_REPLY }];
    const move = requestedMove.safeParse(task.result ?? {});
    if (!move.success) return [{ text: 'That was already answered.' }];
    const elder = await em.findOneOrFail(Elder, { id: task.elderId });
    const booking = await em.findOne(Booking, { id: move.data.bookingId, elderId: elder.id });
    const venue = booking ? await em.findOne(Venue, { id: booking.venueId }) : null;
    if (!booking || !venue) return [{ text: UNKNOWN_BUTTON }];
    const moved = this.prefix === 'bookmoved';
    const now = this.deps.clock.now();
    const tz = elder.timezone;
    const oldStart = localToInstant(move.data.from, tz);
    const newStart = localToInstant(move.data.start, tz);
    const what = bookingNoun(booking, venue);
    const oldSay = sayLocalDateTime(move.data.from, tz);
    const newSay = sayLocalDateTime(move.data.start, tz);
    const who = actor.account.displayName ?? 'A family member';
    const outbox = new OutboxBatch();
    try {
      await em.fork().transactional(async (tx) => {
        const fresh = await tx.findOneOrFail(Task, { id: task.id });
        if (!requestedMove.safeParse(fresh.result ?? {}).success) throw new AlreadyAnsweredError('answered');
        fresh.result = { ...move.data, status: moved ? 'moved' : 'not_moved', answeredBy: actor.account.id };
        if (moved) {
          const ahead = newStart.getTime() - now.getTime();
          const changed = await tx.nativeUpdate(
            Booking,
            { id: booking.id, startAt: oldStart, status: { $in: ['requested', 'confirmed'] } },
            {
              startAt: newStart,
              endAt: new Date(newStart.getTime() + (booking.endAt.getTime() - booking.startAt.getTime())),
              localStart: instantToLocal(newStart, venue.timezone),
              remindedDayBeforeAt: ahead <= DAY_BEFORE_MS ? now : null,
              remindedSoonAt: ahead <= SOON_MS ? now : null,
            },
          );
          if (changed !== 1) throw new AlreadyAnsweredError('the booking is no longer at its old time');
        }
        const key = `booking-move:${task.id}:answered`;
        outbox.stage(tx, {
          channel: task.replyChannel,
          chatId: task.replyChatId,
          elderId: elder.id,
          text: moved
            ? `Your family has moved your ${what} at ${venue.name} to ${newSay}. Your reference is still ${booking.reference}.`
            : `Sorry, your family couldn't move your ${what} at ${venue.name}. It is still on ${oldSay}.`,
          idempotencyKey: `${key}:elder`,
        });
        for (const c of await findFamilyChats(tx, elder.id)) {
          if ((c.channel === actor.chat.channel && c.chatId === actor.chat.chatId) || c.accountId === actor.account.id) continue;
          outbox.stage(tx, {
            channel: c.channel,
            chatId: c.chatId,
            accountId: c.accountId,
            elderId: elder.id,
            text: moved ? `${who} moved ${elder.name}'s ${what} at ${venue.name} to ${newSay}.` : `${who} couldn't move ${elder.name}'s ${what} at ${venue.name}; it stays on ${oldSay}.`,
            idempotencyKey: `${key}:${c.key}`,
          });
        }
        await tx.flush();
      });
    } catch (err) {
      // Two presses at once: the second one's messages collide with the first one's keys.
      if (err instanceof AlreadyAnsweredError || err instanceof UniqueConstraintViolationException) return [{ text: 'That was already answered.' }];
      throw err;
    }
    await outbox.dispatch(this.deps.delivery);
    return [{ text: moved ? `Thank you. I've told ${elder.name} it's moved to ${newSay}.` : `Thank you. I've told ${elder.name} it stays on ${oldSay}.` }];
  }
}

/** The buttons of moving a booking: the elder's pick of which booking, and the family's Moved / Can't. */
export function rescheduleButtonActions(deps: RescheduleButtonDeps): ButtonAction[] {
  return [new ReschedulePick(deps), new FamilyMoveAnswer('bookmoved', deps), new FamilyMoveAnswer('cantmove', deps)];
}
