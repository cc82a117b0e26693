import { defineEntity, p } from '@mikro-orm/core';

/** The roles a linked person can hold for an elder. */
export const LINK_ROLES = ['family', 'caregiver'] as const;

/** Links a family member's or caregiver's channel account to an elder; removal keeps the row for the record. */
export const CaregiverLinkSchema = defineEntity({
  name: 'CaregiverLink',
  tableName: 'caregiver_links',
  uniques: [{ properties: ['elderId', 'accountId'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid().index(),
    accountId: p.uuid().index(),
    role: p.enum(LINK_ROLES),
    createdAt: p.datetime().onCreate(() => new Date()),
    removedAt: p.datetime().nullable(),
  },
});

/** A caregiver link as loaded from the database. */
export class CaregiverLink extends CaregiverLinkSchema.class {}
CaregiverLinkSchema.setClass(CaregiverLink);
