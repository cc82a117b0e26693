import type { MikroORM } from '@mikro-orm/core';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { OutboxBatch, type DeliveryQueue, type OutboundDraft } from '../../messaging/outbox.ts';

/** The first part of the idempotency key of a family reply passed on to the elder: `reply:<activityId>:<reply id>:<account id>`. */
export const REPLY_KEY_PREFIX = 'reply';

/** Sends messages outside the sender's own chat (to the elder, to a removed member) through the outbox. */
export async function sendMessages(orm: MikroORM, delivery: DeliveryQueue, drafts: OutboundDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  const em = orm.em.fork();
  const outbox = new OutboxBatch();
  for (const draft of drafts) outbox.stage(em, draft);
  await em.flush();
  await outbox.dispatch(delivery);
}

/**
 * Tells the elder something in their own private chat(s): who joined, who replied to their news. With a `key`,
 * each message's idempotency key is `<key>:<account id>` (the family page finds replies by it).
 */
export async function sendToElder(orm: MikroORM, delivery: DeliveryQueue, elderId: string, text: string, key?: string): Promise<void> {
  const own = await orm.em.fork().find(ChannelAccount, { elderId, role: 'elder', active: true });
  await sendMessages(
    orm,
    delivery,
    own.map((a) => ({ channel: a.channel, chatId: a.chatId, elderId, accountId: a.id, text, ...(key ? { idempotencyKey: `${key}:${a.id}` } : {}) })),
  );
}
