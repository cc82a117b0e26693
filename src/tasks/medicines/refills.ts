import { raw, type EntityManager } from '@mikro-orm/core';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import type { DoseEvent } from './dose-event.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { elderChats } from './dose-recipients.ts';
import { findFamilyChats } from '../family/family-notifier.ts';
import { doseName, doseText } from './dose-messages.ts';
import type { OutboxBatch } from '../../messaging/outbox.ts';

/** When to warn that a medicine is running out. */
export interface RefillOptions {
  /** Warn when the pills left last this many days or fewer (REFILL_WARN_DAYS, default 5). */
  warnDays: number;
}

/** What counting a taken dose did. */
export interface RefillOutcome {
  /** Doses left after this one, or null when the schedule keeps no count. */
  left: number | null;
  /** True when this dose brought the count under the warning line and the elder and family were told. */
  warned: boolean;
}

/** Doses taken per day on average: times a day, scaled by the weekdays it is taken on. */
export function dosesPerDay(schedule: Pick<MedicationSchedule, 'times' | 'days'>): number {
  const days = schedule.days ? new Set(schedule.days).size : 7;
  return (schedule.times.length * days) / 7;
}

/**
 * True when the count crosses the warning line with this dose: it lasted more than `warnDays` before and
 * does not now. A refill lifts the count back over the line, so the warning comes once per refill without
 * any state of its own.
 */
export function crossesRefillLine(schedule: Pick<MedicationSchedule, 'times' | 'days'>, before: number, after: number, warnDays: number): boolean {
  const line = warnDays * dosesPerDay(schedule);
  return before > line && after <= line;
}

/**
 * Counts a dose as taken against its schedule's pill count (when it keeps one) and, when the medicine will
 * run out within `warnDays`, stages a refill reminder to the elder and the family, once per refill. Call it
 * in the same transaction that marks the dose taken (the Taken button and the log_dose tool both do).
 */
export async function countTakenDose(em: EntityManager, outbox: OutboxBatch, dose: Pick<DoseEvent, 'id' | 'scheduleId' | 'elderId'>, options: RefillOptions): Promise<RefillOutcome> {
  // One atomic decrement: two answers for two doses at once each take one pill.
  const counted = await em.nativeUpdate(MedicationSchedule, { id: dose.scheduleId, pillCount: { $gt: 0 } }, { pillCount: raw('pill_count - 1') });
  if (counted === 0) return { left: null, warned: false };
  const schedule = await em.findOneOrFail(MedicationSchedule, { id: dose.scheduleId }, { refresh: true });
  const left = schedule.pillCount ?? 0;
  if (!crossesRefillLine(schedule, left + 1, left, options.warnDays)) return { left, warned: false };

  const name = doseName(schedule);
  const days = Math.floor(left / dosesPerDay(schedule));
  const elder = await em.findOne(Elder, { id: dose.elderId });
  const chat = (await elderChats(em, [dose.elderId])).get(dose.elderId);
  if (chat) {
    outbox.stage(em, { ...chat, elderId: dose.elderId, text: doseText.refillElder(name, left, days), idempotencyKey: `refill:${dose.id}:elder` });
  }
  for (const family of await findFamilyChats(em, dose.elderId)) {
    outbox.stage(em, {
      channel: family.channel,
      chatId: family.chatId,
      accountId: family.accountId,
      elderId: dose.elderId,
      text: doseText.refillFamily(elder?.name ?? 'Your relative', name, left, days),
      idempotencyKey: `refill:${dose.id}:${family.key}`,
    });
  }
  return { left, warned: true };
}
