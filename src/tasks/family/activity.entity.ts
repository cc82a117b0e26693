import { defineEntity, p } from '@mikro-orm/core';

/** Something the elder did and shared with the family circle. */
export const ActivitySchema = defineEntity({
  name: 'Activity',
  tableName: 'activities',
  indexes: [{ properties: ['elderId', 'createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid(),
    taskId: p.uuid().nullable().unique(),
    text: p.text(),
    photoRef: p.string().length(512).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** An activity as loaded from the database. */
export class Activity extends ActivitySchema.class {}
ActivitySchema.setClass(Activity);
