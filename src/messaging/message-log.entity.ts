import { defineEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../tasks/elders/channel-account.entity.ts';
import { DEFAULT_LANE, LANES } from './lanes.ts';

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
 * that caused them, then delivered by id, so a crash between the two loses nothing. An outbound row carries its
 * delivery lane (see lanes.ts), which decides its turn and its pace wherever and whenever it is delivered.
 */
export const MessageLogSchema = defineEntity({
  name: 'MessageLog',
  tableName: 'message_log',
  indexes: [
    { properties: ['elderId', 'createdAt'] },
    { properties: ['status', 'createdAt'] },
    // The messages still waiting for one chat, oldest first: a message is sent only after the ones before it
    // (message-delivery.ts). Queued rows only, so the index stays as small as the backlog.
    {
      name: 'message_log_queued_chat_index',
      expression: `create index "message_log_queued_chat_index" on "message_log" ("chat_id", "created_at") where "status" = 'queued'`,
    },
  ],
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
    /** Outbound: the delivery lane (turn and pace); inbound rows keep the default. */
    lane: p.enum(LANES).default(DEFAULT_LANE),
    /** Outbound, for reminders and dose prompts: when it was due, for its lateness and its late notice. */
    dueAt: p.datetime().nullable(),
    /** The text to send instead when the message goes out more than LATE_NOTICE_MINUTES after `dueAt`. */
    lateText: p.text().nullable(),
    /** While one sender has claimed the row: until when (a crashed sender's claim runs out). */
    sendingUntil: p.datetime().nullable(),
  },
});

/** A message log row as loaded from the database. */
export class MessageLog extends MessageLogSchema.class {}
MessageLogSchema.setClass(MessageLog);
