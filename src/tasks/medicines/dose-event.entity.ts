import { defineEntity, p } from '@mikro-orm/core';

/** A dose has one state: pending, then taken, skipped or missed. */
export const DOSE_STATUSES = ['pending', 'taken', 'skipped', 'missed'] as const;

/** One due dose of one schedule; unique per schedule and due instant so it is never created twice. */
export const DoseEventSchema = defineEntity({
  name: 'DoseEvent',
  tableName: 'dose_events',
  uniques: [{ properties: ['scheduleId', 'dueAt'] }],
  indexes: [{ properties: ['elderId', 'dueAt'] }, { properties: ['status', 'nextActionAt'] }],
  properties: {
    id: p.uuid().primary(),
    scheduleId: p.uuid(),
    elderId: p.uuid(),
    dueAt: p.datetime(),
    localTime: p.string().length(5),
    status: p.enum(DOSE_STATUSES).default('pending'),
    snoozes: p.integer().default(0),
    remindedAt: p.datetime().nullable(),
    escalatedAt: p.datetime().nullable(),
    nextActionAt: p.datetime().nullable(),
    answeredAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A dose event as loaded from the database. */
export class DoseEvent extends DoseEventSchema.class {}
DoseEventSchema.setClass(DoseEvent);
