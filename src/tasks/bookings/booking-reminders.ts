import type { MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { Booking } from './booking.entity.ts';
import { Venue } from './venue.entity.ts';
import { DAY_BEFORE_MS, SOON_MS } from './booking-service.ts';
import { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { Task } from '../task.entity.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import { sayClockTime } from '../../lib/local-time.ts';

/** How the booking-reminder sweep behaves. */
export interface BookingReminderOptions {
  /** How long before the booking the elder is told to leave (default 30 minutes). */
  leaveMinutes?: number;
  batchSize?: number;
}

type Which = 'day-before' | 'soon';

/** "your table for 4 at Olive Garden", "your haircut at Tony's", "your appointment at Tony's". */
function sayWhat(booking: Booking, venue: Venue | undefined): string {
  const name = venue?.name ?? 'the venue';
  if (venue?.kind === 'salon') return `your ${booking.service ?? 'appointment'} at ${name}`;
  return `your table${booking.partySize ? ` for ${booking.partySize}` : ''} at ${name}`;
}

/** The reminder message in the elder's local time. */
function reminderText(which: Which, booking: Booking, venue: Venue | undefined, timezone: string, now: Date, leaveMinutes: number): string {
  const start = DateTime.fromJSDate(booking.startAt, { zone: timezone });
  const what = sayWhat(booking, venue);
  if (which === 'soon') {
    const leave = start.minus({ minutes: leaveMinutes });
    const leaveSay = leave.toMillis() > now.getTime() ? `leave around ${leave.toFormat('h:mm')}` : 'time to get ready to leave';
    return `${what.charAt(0).toUpperCase()}${what.slice(1)} is at ${sayClockTime(start)}; ${leaveSay}.`;
  }
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  const day = start.startOf('day').diff(today, 'days').days === 1 ? 'tomorrow' : `on ${start.toFormat('cccc d LLLL')}`;
  return `Reminder: ${day} at ${sayClockTime(start)} you have ${what}${booking.reference ? ` (reference ${booking.reference})` : ''}.`;
}

/**
 * Reminds elders of their confirmed bookings the day before (24 hours ahead) and two hours before ("Your
 * table at Olive Garden is at 7:00 pm; leave around 6:30."). Each reminder is claimed by a conditional update
 * of its `reminded…At` column, so several schedulers running the sweep send it once, and the message's
 * idempotency key is the last guard. A booking inside the two-hour window gets only the later reminder.
 * A batch costs four queries whatever its size, plus one claim per booking. Returns how many were sent.
 */
export async function dispatchBookingReminders(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: BookingReminderOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const leaveMinutes = options.leaveMinutes ?? 30;
  const soonEdge = new Date(now.getTime() + SOON_MS);
  const dayEdge = new Date(now.getTime() + DAY_BEFORE_MS);
  let sent = 0;
  for (const which of ['soon', 'day-before'] as const) {
    for (;;) {
      const em = orm.em.fork();
      const due = await em.find(
        Booking,
        which === 'soon'
          ? { status: 'confirmed', remindedSoonAt: null, startAt: { $gt: now, $lte: soonEdge } }
          : { status: 'confirmed', remindedDayBeforeAt: null, startAt: { $gt: soonEdge, $lte: dayEdge } },
        { orderBy: { startAt: 'asc', id: 'asc' }, limit: batchSize },
      );
      if (due.length === 0) break;
      const elderIds = [...new Set(due.map((b) => b.elderId))];
      const taskIds = due.flatMap((b) => (b.taskId ? [b.taskId] : []));
      const [elders, venues, tasks, accounts] = await Promise.all([
        em.find(Elder, { id: { $in: elderIds } }),
        em.find(Venue, { id: { $in: [...new Set(due.map((b) => b.venueId))] } }),
        taskIds.length > 0 ? em.find(Task, { id: { $in: taskIds } }, { fields: ['replyChannel', 'replyChatId'] }) : Promise.resolve([]),
        em.find(ChannelAccount, { elderId: { $in: elderIds }, role: 'elder', active: true }, { orderBy: { createdAt: 'asc' } }),
      ]);
      const elderById = new Map(elders.map((e) => [e.id, e]));
      const venueById = new Map(venues.map((v) => [v.id, v]));
      const taskById = new Map(tasks.map((t) => [t.id, t]));
      const accountOf = new Map<string, ChannelAccount>();
      for (const a of accounts) if (a.elderId && !accountOf.has(a.elderId)) accountOf.set(a.elderId, a);
      const outbox = new OutboxBatch();
      let claimed = 0;
      await em.transactional(async (tx) => {
        for (const b of due) {
          const won =
            which === 'soon'
              ? await tx.nativeUpdate(Booking, { id: b.id, status: 'confirmed', remindedSoonAt: null }, { remindedSoonAt: now, ...(b.remindedDayBeforeAt ? {} : { remindedDayBeforeAt: now }) })
              : await tx.nativeUpdate(Booking, { id: b.id, status: 'confirmed', remindedDayBeforeAt: null }, { remindedDayBeforeAt: now });
          if (won !== 1) continue;
          const elder = elderById.get(b.elderId);
          const task = b.taskId ? taskById.get(b.taskId) : undefined;
          const account = accountOf.get(b.elderId);
          const chat = task ? { channel: task.replyChannel, chatId: task.replyChatId } : account ? { channel: account.channel, chatId: account.chatId } : null;
          if (!elder || !chat) continue;
          claimed++;
          outbox.stage(tx, {
            ...chat,
            elderId: b.elderId,
            text: reminderText(which, b, venueById.get(b.venueId), elder.timezone, now, leaveMinutes),
            // The start time is part of the key: a booking moved to another time is reminded again.
            idempotencyKey: `booking:${b.id}:${b.startAt.toISOString()}:reminder:${which}`,
            lane: 'reminder',
          });
        }
        await tx.flush();
      });
      await outbox.dispatch(delivery);
      sent += claimed;
      if (due.length < batchSize) break;
    }
  }
  return sent;
}
