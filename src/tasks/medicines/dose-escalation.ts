import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { DoseEvent } from './dose-event.entity.ts';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { elderChats, familyChatsOf } from './dose-recipients.ts';
import { doseButtons, doseCheckButtons, doseName, doseText, sayDoseTime } from './dose-messages.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import { lockForWrite } from './dose-dispatch.ts';
import { doseNoticesOf } from '../family/notification-preferences.ts';

/** How unanswered doses escalate. The first wait (before the re-reminder) is set when the dose is sent. */
export interface DoseEscalationOptions {
  /** Minutes after the re-reminder before the family is told (DOSE_ESCALATE_MINUTES, default 30). */
  escalateMinutes?: number;
  /** Minutes after the family is told before the dose is recorded missed (DOSE_MISSED_AFTER_MINUTES, default 60). */
  missedAfterMinutes?: number;
  /** Doses handled per transaction (default 500). */
  batchSize?: number;
}

/** What one sweep did. */
export interface DoseEscalationCounts {
  /** Reminders sent again: the one gentle re-reminder, or a snoozed reminder coming back. */
  remindedAgain: number;
  familyTold: number;
  missed: number;
}

/**
 * The next step for a pending dose whose `nextActionAt` has come. A dose event carries its escalation in
 * its own columns: `remindedAt` is when the elder was last reminded again (null while that is still owed:
 * after the first reminder, and after each snooze), `escalatedAt` is when the family was told.
 */
export type EscalationStep = 'remind-again' | 'tell-family' | 'record-missed';

/** Which step a pending dose is at. */
export function escalationStep(dose: Pick<DoseEvent, 'remindedAt' | 'escalatedAt'>): EscalationStep {
  if (!dose.remindedAt) return 'remind-again';
  if (!dose.escalatedAt) return 'tell-family';
  return 'record-missed';
}

/**
 * Takes one batch of pending doses that are due for their next step (by the (status, next_action_at) index),
 * applies the step and stages its messages in the same transaction. On Postgres the batch is claimed with
 * `for update skip locked`, so concurrent schedulers take disjoint doses, and an answer pressed meanwhile waits
 * for the commit and then still applies.
 */
async function escalateBatch(orm: MikroORM, now: Date, options: DoseEscalationOptions, outbox: OutboxBatch): Promise<{ found: number; counts: DoseEscalationCounts }> {
  const limit = options.batchSize ?? 500;
  const escalateMs = (options.escalateMinutes ?? 30) * 60_000;
  const missedAfterMs = (options.missedAfterMinutes ?? 60) * 60_000;
  const counts: DoseEscalationCounts = { remindedAgain: 0, familyTold: 0, missed: 0 };
  let found = 0;
  await orm.em.fork().transactional(async (tx: EntityManager) => {
    await lockForWrite(tx, DoseEvent);
    const doses = await tx.find(
      DoseEvent,
      { status: 'pending', nextActionAt: { $lte: now } },
      { orderBy: { nextActionAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    found = doses.length;
    if (found === 0) return;
    const elderIds = doses.map((d) => d.elderId);
    const schedules = new Map((await tx.find(MedicationSchedule, { id: { $in: doses.map((d) => d.scheduleId) } })).map((s) => [s.id, s]));
    const elders = new Map((await tx.find(Elder, { id: { $in: elderIds } })).map((e) => [e.id, e]));
    const chats = await elderChats(tx, elderIds);
    const missing = doses.filter((d) => escalationStep(d) === 'record-missed').map((d) => d.elderId);
    const notices = await doseNoticesOf(tx, missing);
    // The unconfirmed alert always goes; a missed dose only to families who hear about missed doses.
    const telling = doses.filter((d) => escalationStep(d) === 'tell-family' || (escalationStep(d) === 'record-missed' && notices.get(d.elderId)?.missed)).map((d) => d.elderId);
    const families = await familyChatsOf(tx, telling);

    for (const dose of doses) {
      const schedule = schedules.get(dose.scheduleId);
      const name = schedule ? doseName(schedule) : 'medicine';
      const time = sayDoseTime(dose.localTime);
      const step = escalationStep(dose);
      if (step === 'remind-again') {
        const chat = chats.get(dose.elderId);
        if (chat) {
          outbox.stage(tx, {
            ...chat,
            elderId: dose.elderId,
            text: dose.snoozes > 0 ? doseText.snoozeOver(name, time) : doseText.remindAgain(name, time),
            buttons: doseButtons(dose.id),
            idempotencyKey: `dose:${dose.id}:again:${dose.snoozes}`,
          });
        }
        dose.remindedAt = now;
        // A snooze after the family was told brings the reminder back; then the dose waits to be recorded missed.
        dose.nextActionAt = new Date(now.getTime() + (dose.escalatedAt ? missedAfterMs : escalateMs));
        counts.remindedAgain++;
      } else if (step === 'tell-family') {
        const elderName = elders.get(dose.elderId)?.name ?? 'Your relative';
        for (const family of families.get(dose.elderId) ?? []) {
          outbox.stage(tx, {
            channel: family.channel,
            chatId: family.chatId,
            accountId: family.accountId,
            elderId: dose.elderId,
            text: doseText.familyUnconfirmed(elderName, name, time),
            buttons: doseCheckButtons(dose.id),
            idempotencyKey: `dose:${dose.id}:family:${family.key}`,
            lane: 'escalation',
          });
        }
        dose.escalatedAt = now;
        dose.nextActionAt = new Date(now.getTime() + missedAfterMs);
        counts.familyTold++;
      } else {
        dose.status = 'missed';
        dose.nextActionAt = null;
        counts.missed++;
        if (notices.get(dose.elderId)?.missed) {
          const elderName = elders.get(dose.elderId)?.name ?? 'Your relative';
          for (const family of families.get(dose.elderId) ?? []) {
            outbox.stage(tx, {
              channel: family.channel,
              chatId: family.chatId,
              accountId: family.accountId,
              elderId: dose.elderId,
              text: doseText.familyMissed(elderName, name, time),
              idempotencyKey: `dose:${dose.id}:missed:${family.key}`,
              lane: 'escalation',
            });
          }
        }
      }
    }
    await tx.flush();
  });
  return { found, counts };
}

/**
 * The unanswered-dose sweep: a dose with no answer gets one gentle re-reminder after N minutes (set when it
 * was sent), then after M more minutes the family is told ("Margaret hasn't confirmed their 8:00 am Metformin
 * 500mg", with an "I'll check" button, whatever the family's settings), and later it is recorded missed (the
 * family is told when they chose to hear about missed doses, as by default). A snoozed dose is reminded again
 * when its snooze ends. Messages go to the delivery queue after each batch commits.
 */
export async function escalateUnansweredDoses(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: DoseEscalationOptions = {}): Promise<DoseEscalationCounts> {
  const total: DoseEscalationCounts = { remindedAgain: 0, familyTold: 0, missed: 0 };
  for (;;) {
    const outbox = new OutboxBatch();
    const { found, counts } = await escalateBatch(orm, now, options, outbox);
    total.remindedAgain += counts.remindedAgain;
    total.familyTold += counts.familyTold;
    total.missed += counts.missed;
    await outbox.dispatch(delivery);
    if (found < (options.batchSize ?? 500)) return total;
  }
}
