import { defineEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../elders/channel-account.entity.ts';
import { SAFETY_CATEGORIES } from './emergency-help.ts';

/** The states of a check-in: waiting for her answer, answered OK, help asked for, or the family told of her silence. */
export const CHECK_IN_STATUSES = ['waiting', 'ok', 'help', 'escalated'] as const;

/**
 * A safety check-in: the elder said something that may mean danger ("I feel a bit off") and was asked, with
 * [Get help now] [I'm OK] buttons, whether she needs help. Silence past CHECKIN_MINUTES tells the family.
 */
export const CheckInSchema = defineEntity({
  name: 'CheckIn',
  tableName: 'check_ins',
  indexes: [{ properties: ['status', 'createdAt'] }, { properties: ['elderId', 'status'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid(),
    taskId: p.uuid().nullable().unique(),
    /** What she said, in her words. */
    description: p.text(),
    category: p.enum(SAFETY_CATEGORIES).nullable(),
    status: p.enum(CHECK_IN_STATUSES).default('waiting'),
    /** Where she was asked, and where she is answered. */
    channel: p.enum(CHANNELS),
    chatId: p.string().length(128),
    answeredAt: p.datetime().nullable(),
    /** The alert raised when she asked for help or stayed silent. */
    alertId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A check-in as loaded from the database. */
export class CheckIn extends CheckInSchema.class {}
CheckInSchema.setClass(CheckIn);
