import { defineEntity, p } from '@mikro-orm/core';

/** The channels a person can talk to the assistant through. */
export const CHANNELS = ['terminal', 'telegram', 'whatsapp'] as const;
/** A channel name. */
export type ChannelName = (typeof CHANNELS)[number];
/** What a person is to an elder: the elder themself, a family member who sees and is notified, or a caregiver who manages. */
export const ROLES = ['elder', 'family', 'caregiver'] as const;
/** A role name. */
export type Role = (typeof ROLES)[number];

/** A person's identity on one channel (a Telegram user, a WhatsApp number, a terminal session). */
export const ChannelAccountSchema = defineEntity({
  name: 'ChannelAccount',
  tableName: 'channel_accounts',
  uniques: [{ properties: ['channel', 'externalUserId'] }],
  properties: {
    id: p.uuid().primary(),
    channel: p.enum(CHANNELS),
    externalUserId: p.string().length(128),
    /** The private chat the assistant answers this person in. */
    chatId: p.string().length(128),
    displayName: p.string().length(120).nullable(),
    role: p.enum(ROLES),
    /** Set for the elder's own account; family and caregivers are linked through CaregiverLink. */
    elderId: p.uuid().nullable().index(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A channel account as loaded from the database. */
export class ChannelAccount extends ChannelAccountSchema.class {}
ChannelAccountSchema.setClass(ChannelAccount);
