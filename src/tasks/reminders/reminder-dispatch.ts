import type { MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { Reminder } from './reminder.entity.ts';
import { nextFireAfter } from './reminder-schedule.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import { sayLocalDateTime, instantToLocal, sayClockTime } from '../../lib/local-time.ts';

/** How the due-reminder sweep behaves. */
export interface ReminderDispatchOptions {
  /** Reminders found late by more than this (after downtime) say they are late; none is ever dropped. */
  lateWindowMinutes: number;
  /** A reminder sent more than this after its time says when it was due (LATE_NOTICE_MINUTES, default 5). */
  lateNoticeMinutes?: number;
  batchSize?: number;
}

/**
 * The reminder message, and the words it says instead when it goes out late (found late after downtime here, or
 * held up in the queue, which the delivery decides at send time).
 */
function reminderTexts(r: Reminder, fireAt: Date, now: Date, lateWindowMs: number, lateNoticeMs: number): { text: string; lateText: string } {
  const lateMs = now.getTime() - fireAt.getTime();
  const due = DateTime.fromJSDate(fireAt, { zone: r.timezone });
  if (lateMs > lateWindowMs) {
    const missed = `Sorry, I missed a reminder for ${sayLocalDateTime(instantToLocal(fireAt, r.timezone), r.timezone)}: ${r.text}.`;
    return { text: missed, lateText: missed };
  }
  const lateText = `Reminder: ${r.text}. (This was due at ${sayClockTime(due)}.)`;
  return { text: lateMs > lateNoticeMs ? lateText : `Reminder: ${r.text}.`, lateText };
}

/**
 * Finds reminders due at `now` by the (status, next_fire_at) index and hands each to the outbox once.
 * Each reminder is claimed by a conditional update on its next fire time, so several schedulers running
 * the same sweep send it once; the message's idempotency key (reminder and fire time) is the last guard.
 * Returns how many reminders were sent.
 */
export async function dispatchDueReminders(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: ReminderDispatchOptions): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const lateWindowMs = options.lateWindowMinutes * 60_000;
  const lateNoticeMs = (options.lateNoticeMinutes ?? 5) * 60_000;
  let sent = 0;
  for (;;) {
    const em = orm.em.fork();
    const due = await em.find(Reminder, { status: 'active', nextFireAt: { $lte: now } }, { orderBy: { nextFireAt: 'asc' }, limit: batchSize });
    if (due.length === 0) return sent;
    const outbox = new OutboxBatch();
    let claimed = 0;
    await em.transactional(async (tx) => {
      for (const r of due) {
        const fireAt = r.nextFireAt!;
        const next = r.repeat ? nextFireAfter(r.localAt, r.repeat, r.timezone, now) : null;
        const won = await tx.nativeUpdate(
          Reminder,
          { id: r.id, status: 'active', nextFireAt: fireAt },
          { nextFireAt: next, status: next ? 'active' : 'done', lastFiredAt: now },
        );
        if (won !== 1) continue;
        claimed++;
        outbox.stage(tx, {
          channel: r.channel,
          chatId: r.chatId,
          elderId: r.elderId,
          ...reminderTexts(r, fireAt, now, lateWindowMs, lateNoticeMs),
          idempotencyKey: `reminder:${r.id}:${fireAt.toISOString()}`,
          lane: 'reminder',
          dueAt: fireAt,
        });
      }
      await tx.flush();
    });
    await outbox.dispatch(delivery);
    sent += claimed;
    if (due.length < batchSize) return sent;
  }
}
