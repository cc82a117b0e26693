import { defineEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../tasks/elders/channel-account.entity.ts';

/**
 * A button under a message: what the person sees, and the data sent back when pressed. A button with a `url`
 * opens that page instead (its `data` is unused): Telegram shows it as a Mini App button in a private chat and
 * as a link button in a group; channels without buttons write the link under the text.
 */
export interface ButtonSpec {
  label: string;
  data: string;
  url?: string;
}

/** A button that opens a page. */
export function linkButton(label: string, url: string): ButtonSpec {
  return { label, data: '', url };
}

/** Inbound messages are received; outbound ones are queued, then sent or failed. */
export const MESSAGE_STATUSES = ['received', 'queued', 'sent', 'failed'] as const;

/**
 * Every message in and out. Outbound rows are the outbox: written in the same transaction as the change
 * that caused them, then delivered by id, so a crash between the two loses nothing.
 */
export const MessageLogSchema = defineEntity({
  name: 'MessageLog',
  tableName: 'message_log',
  indexes: [{ properties: ['elderId', 'createdAt'] }, { properties: ['status', 'createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    direction: p.enum(['in', 'out'] as const),
    channel: p.enum(CHANNELS),
    chatId: p.string().length(128),
    elderId: p.uuid().nullable(),
    accountId: p.uuid().nullable(),
    text: p.text(),
    buttons: p.json<ButtonSpec[][]>().nullable(),
    photo: p.text().nullable(),
    status: p.enum(MESSAGE_STATUSES),
    /** Outbound: deduplicates a message that one event must send once; inbound: the channel's update id. */
    idempotencyKey: p.string().length(200).nullable().unique(),
    attempts: p.integer().default(0),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
});

/** A message log row as loaded from the database. */
export class MessageLog extends MessageLogSchema.class {}
MessageLogSchema.setClass(MessageLog);
