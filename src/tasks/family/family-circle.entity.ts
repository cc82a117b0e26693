import { defineEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../elders/channel-account.entity.ts';
import type { DoseNoticeChoices } from './notification-preferences.ts';

/** An elder's family group chat, where missed doses, bookings, activities and alerts are shared. */
export const FamilyCircleSchema = defineEntity({
  name: 'FamilyCircle',
  tableName: 'family_circles',
  uniques: [{ properties: ['channel', 'groupChatId'] }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid().unique(),
    channel: p.enum(CHANNELS),
    groupChatId: p.string().length(128),
    /** Which dose events the family is told about at once, as the family chose them; null (or a missing key) means the default. */
    doseNotices: p.json<DoseNoticeChoices>().nullable(),
    /** When the family's daily summary comes, elder-local 'HH:mm', or 'off'; null means the deployment's FAMILY_SUMMARY_TIME. */
    summaryTime: p.string().length(5).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A family circle as loaded from the database. */
export class FamilyCircle extends FamilyCircleSchema.class {}
FamilyCircleSchema.setClass(FamilyCircle);
