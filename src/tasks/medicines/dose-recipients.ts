import type { EntityManager } from '@mikro-orm/core';
import { ChannelAccount, type ChannelName } from '../elders/channel-account.entity.ts';
import { FamilyCircle } from '../family/family-circle.entity.ts';
import { CaregiverLink } from '../family/caregiver-link.entity.ts';
import type { FamilyChat } from '../family/family-notifier.ts';

/** A chat a dose message goes to: the elder's private chat, the family group, or one family member's private chat. */
export interface DoseRecipient {
  channel: ChannelName;
  chatId: string;
  /** The person's account for a private chat; null for the family group. */
  accountId: string | null;
}

/**
 * The private chat of each elder's own account (role 'elder'), in one query for a batch of elders. An elder
 * with several active accounts is reminded on the one set up first.
 */
export async function elderChats(em: EntityManager, elderIds: string[]): Promise<Map<string, DoseRecipient>> {
  const chats = new Map<string, DoseRecipient>();
  if (elderIds.length === 0) return chats;
  const accounts = await em.find(
    ChannelAccount,
    { elderId: { $in: [...new Set(elderIds)] }, role: 'elder', active: true },
    { fields: ['id', 'elderId', 'channel', 'chatId'], orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  for (const a of accounts) {
    if (a.elderId && !chats.has(a.elderId)) chats.set(a.elderId, { channel: a.channel, chatId: a.chatId, accountId: a.id });
  }
  return chats;
}

/**
 * Where each elder's family hears about doses, for a whole batch of elders in three queries: the same chats
 * as `findFamilyChats` in family/family-notifier.ts (the family circle's group chat, then the private chat of
 * each person with an active link and an active account, one message per chat), which does it for one elder.
 */
export async function familyChatsOf(em: EntityManager, elderIds: string[]): Promise<Map<string, FamilyChat[]>> {
  const ids = [...new Set(elderIds)];
  const chats = new Map<string, FamilyChat[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return chats;
  const circles = await em.find(FamilyCircle, { elderId: { $in: ids } });
  for (const c of circles) chats.get(c.elderId)!.push({ channel: c.channel, chatId: c.groupChatId, accountId: null, key: `circle:${c.id}`, name: null });
  const links = await em.find(CaregiverLink, { elderId: { $in: ids }, removedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (links.length > 0) {
    const accounts = new Map((await em.find(ChannelAccount, { id: { $in: links.map((l) => l.accountId) }, active: true })).map((a) => [a.id, a]));
    for (const link of links) {
      const a = accounts.get(link.accountId);
      if (a) chats.get(link.elderId)!.push({ channel: a.channel, chatId: a.chatId, accountId: a.id, key: `account:${a.id}`, name: a.displayName ?? null });
    }
  }
  // One message per chat, even if two records point at the same one.
  for (const [elderId, list] of chats) {
    const seen = new Set<string>();
    const unique: FamilyChat[] = [];
    for (const c of list) {
      if (seen.has(`${c.channel}|${c.chatId}`)) continue;
      seen.add(`${c.channel}|${c.chatId}`);
      unique.push(c);
    }
    chats.set(elderId, unique);
  }
  return chats;
}
