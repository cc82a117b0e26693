import type { EntityManager } from '@mikro-orm/core';
import { ChannelAccount, type ChannelName } from '../elders/channel-account.entity.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { CaregiverLink } from './caregiver-link.entity.ts';
import type { ButtonSpec } from '../../messaging/message-log.entity.ts';
import type { Lane } from '../../messaging/lanes.ts';
import type { TaskContext } from '../task-handler.ts';

/** One chat the family hears in: the family circle's group, or a linked person's private chat. */
export interface FamilyChat {
  channel: ChannelName;
  chatId: string;
  /** The linked person's account for a private chat; null for the family circle's group. */
  accountId: string | null;
  /** What makes this chat unique among the elder's family, for idempotency keys: `circle:<id>` or `account:<id>`. */
  key: string;
  /** The linked person's name (null for the family group), to tell the elder who was told. */
  name?: string | null;
}

/** A message for the family, staged once to every chat they hear in. */
export interface FamilyNotice {
  text: string;
  buttons?: ButtonSpec[][];
  /** Tells two notices of one task apart (default 'notice'); part of each message's idempotency key. */
  topic?: string;
  /** Its delivery lane (see lanes.ts): `alert` for an emergency; default `reminder`, a timely notice. */
  lane?: Lane;
}

/**
 * Every chat an elder's family hears in: the family circle's group chat when one is linked, and the private
 * chat of each person with an active link and an active account. Removed links and deactivated accounts are
 * left out. Three queries, however many people are linked.
 */
export async function findFamilyChats(em: EntityManager, elderId: string): Promise<FamilyChat[]> {
  const circle = await em.findOne(FamilyCircle, { elderId });
  const links = await em.find(CaregiverLink, { elderId, removedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const chats: FamilyChat[] = [];
  if (circle) chats.push({ channel: circle.channel, chatId: circle.groupChatId, accountId: null, key: `circle:${circle.id}`, name: null });
  if (links.length > 0) {
    const accounts = await em.find(ChannelAccount, { id: { $in: links.map((l) => l.accountId) }, active: true });
    const byId = new Map(accounts.map((a) => [a.id, a]));
    for (const link of links) {
      const account = byId.get(link.accountId);
      if (account) chats.push({ channel: account.channel, chatId: account.chatId, accountId: account.id, key: `account:${account.id}`, name: account.displayName ?? null });
    }
  }
  // One message per chat, even if two records point at the same one.
  const seen = new Set<string>();
  return chats.filter((c) => {
    const where = `${c.channel}|${c.chatId}`;
    if (seen.has(where)) return false;
    seen.add(where);
    return true;
  });
}

/**
 * Stages one message to each of the elder's family chats in the task's transaction. Each message's
 * idempotency key is the task id, the topic and the chat, so a task that runs again never tells anyone twice.
 * Returns how many chats were told (0 when nobody is linked).
 */
export async function tellFamily(ctx: Pick<TaskContext, 'em' | 'outbox' | 'task' | 'elder'>, notice: FamilyNotice): Promise<number> {
  const chats = await findFamilyChats(ctx.em, ctx.elder.id);
  const topic = notice.topic ?? 'notice';
  for (const chat of chats) {
    ctx.outbox.stage(ctx.em, {
      channel: chat.channel,
      chatId: chat.chatId,
      elderId: ctx.elder.id,
      accountId: chat.accountId,
      text: notice.text,
      ...(notice.buttons ? { buttons: notice.buttons } : {}),
      ...(notice.lane ? { lane: notice.lane } : {}),
      idempotencyKey: `family:${ctx.task.id}:${topic}:${chat.key}`,
    });
  }
  return chats.length;
}

/** What the elder is told when nobody is linked to hear it, with how to link someone. */
export const NO_FAMILY_LINKED = 'No family is linked yet. To add someone, type /invite and give them the invite code.';
