import { defineEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../elders/channel-account.entity.ts';

/** How a reminder repeats. */
export const REPEATS = ['daily', 'weekly'] as const;
/** A repeat rule. */
export type Repeat = (typeof REPEATS)[number];
/** The life of a reminder. */
export const REMINDER_STATUSES = ['active', 'done', 'cancelled'] as const;

/**
 * A non-medicine reminder. `localTime` is the elder's wall-clock time (the source of truth across DST);
 * `nextFireAt` is the next instant it fires, indexed for the due-reminder sweep.
 */
export const ReminderSchema = defineEntity({
  name: 'Reminder',
  tableName: 'reminders',
  indexes: [{ properties: ['status', 'nextFireAt'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid().index(),
    /** The task that created it: one reminder per task, however often the task runs. */
    taskId: p.uuid().nullable().unique(),
    text: p.text(),
    /** First local fire time, 'YYYY-MM-DDTHH:mm' in the elder's timezone. */
    localAt: p.string().length(16),
    timezone: p.string().length(64),
    repeat: p.enum(REPEATS).nullable(),
    status: p.enum(REMINDER_STATUSES).default('active'),
    nextFireAt: p.datetime().nullable(),
    lastFiredAt: p.datetime().nullable(),
    channel: p.enum(CHANNELS),
    chatId: p.string().length(128),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A reminder as loaded from the database. */
export class Reminder extends ReminderSchema.class {}
ReminderSchema.setClass(Reminder);
