import { defineEntity, p } from '@mikro-orm/core';

/** The states of an emergency alert. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** What an alert is about: an emergency, words of despair (worded gently), or a check-in she did not answer. */
export const ALERT_KINDS = ['emergency', 'despair', 'silent_check_in'] as const;
/** An alert's kind. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** An emergency raised by or for an elder; repeated to the family until someone acknowledges it. */
export const AlertSchema = defineEntity({
  name: 'Alert',
  tableName: 'alerts',
  indexes: [{ properties: ['status', 'nextNotifyAt'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid().index(),
    taskId: p.uuid().nullable().unique(),
    description: p.text(),
    status: p.enum(ALERT_STATUSES).default('open'),
    kind: p.enum(ALERT_KINDS).default('emergency'),
    nextNotifyAt: p.datetime().nullable(),
    notifyCount: p.integer().default(0),
    acknowledgedByAccountId: p.uuid().nullable(),
    acknowledgedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** An alert as loaded from the database. */
export class Alert extends AlertSchema.class {}
AlertSchema.setClass(Alert);
