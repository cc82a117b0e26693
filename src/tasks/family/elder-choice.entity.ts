import { defineEntity, p } from '@mikro-orm/core';

/**
 * What a family member or caregiver calls one of their elders ("Mum") and when they last chose to talk
 * about them ("/elder Mum"): the latest choice is the elder their private questions are about.
 */
export const ElderChoiceSchema = defineEntity({
  name: 'ElderChoice',
  tableName: 'elder_choices',
  uniques: [{ properties: ['accountId', 'elderId'] }],
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    elderId: p.uuid().index(),
    nickname: p.string().length(40).nullable(),
    chosenAt: p.datetime().nullable(),
  },
});

/** An elder choice as loaded from the database. */
export class ElderChoice extends ElderChoiceSchema.class {}
ElderChoiceSchema.setClass(ElderChoice);
