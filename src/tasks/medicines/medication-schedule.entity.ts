import { defineEntity, p } from '@mikro-orm/core';

/** The life of a medication schedule. */
export const SCHEDULE_STATUSES = ['active', 'paused', 'stopped'] as const;

/** A medicine the family set up: local wall-clock times, optional days of week and dates. */
export const MedicationScheduleSchema = defineEntity({
  name: 'MedicationSchedule',
  tableName: 'medication_schedules',
  indexes: [{ properties: ['status', 'nextDoseAt'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid().index(),
    taskId: p.uuid().nullable().unique(),
    medicine: p.string().length(200),
    dose: p.string().length(100).nullable(),
    /** Local times 'HH:mm', sorted. */
    times: p.json<string[]>(),
    /** 'mon'..'sun'; null means every day. */
    days: p.json<string[]>().nullable(),
    startDate: p.string().length(10).nullable(),
    endDate: p.string().length(10).nullable(),
    notes: p.text().nullable(),
    timezone: p.string().length(64),
    status: p.enum(SCHEDULE_STATUSES).default('active'),
    nextDoseAt: p.datetime().nullable(),
    pillCount: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A medication schedule as loaded from the database. */
export class MedicationSchedule extends MedicationScheduleSchema.class {}
MedicationScheduleSchema.setClass(MedicationSchedule);
