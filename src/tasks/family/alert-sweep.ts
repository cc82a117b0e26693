import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Alert } from './alert.entity.ts';
import { CaregiverLink } from './caregiver-link.entity.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import type { FamilyChat } from './family-notifier.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import { familyRepeatText } from './alert-wording.ts';

/** How the alert sweep behaves. */
export interface AlertSweepOptions {
  /** Minutes between repeats of an unacknowledged alert. */
  repeatMinutes: number;
  batchSize?: number;
}

/** The "I'm on it" button of an alert. */
export const ackButton = (alertId: string) => [[{ label: "I'm on it", data: `ack:${alertId}` }]];

/**
 * The family chats of many elders at once (the circle's group and each active member's private chat):
 * three queries per batch, whatever the number of alerts.
 */
export async function familyChatsByElder(em: EntityManager, elderIds: string[]): Promise<Map<string, FamilyChat[]>> {
  const [circles, links] = await Promise.all([
    em.find(FamilyCircle, { elderId: { $in: elderIds } }),
    em.find(CaregiverLink, { elderId: { $in: elderIds }, removedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
  ]);
  const accounts = links.length ? await em.find(ChannelAccount, { id: { $in: [...new Set(links.map((l) => l.accountId))] }, active: true }) : [];
  const accountById = new Map(accounts.map((a) => [a.id, a]));
  const chats = new Map<string, FamilyChat[]>(elderIds.map((id) => [id, []]));
  for (const c of circles) chats.get(c.elderId)!.push({ channel: c.channel, chatId: c.groupChatId, accountId: null, key: `circle:${c.id}`, name: null });
  for (const l of links) {
    const a = accountById.get(l.accountId);
    if (a) chats.get(l.elderId)!.push({ channel: a.channel, chatId: a.chatId, accountId: a.id, key: `account:${a.id}`, name: a.displayName ?? null });
  }
  return chats;
}

/**
 * Repeats every open alert whose `nextNotifyAt` has come to each of the elder's linked family members and
 * caregivers (and the family group), worded for its kind (despair gently), with the "I'm on it" button, until someone acknowledges it. Each alert
 * is claimed by a conditional update on its `nextNotifyAt`, so several schedulers send each repeat once;
 * the messages' idempotency keys (alert, repeat number, chat) are the last guard. Returns how many alerts
 * were repeated.
 */
export async function dispatchDueAlerts(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: AlertSweepOptions): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  let repeated = 0;
  for (;;) {
    const em = orm.em.fork();
    const due = await em.find(Alert, { status: 'open', nextNotifyAt: { $lte: now } }, { orderBy: { nextNotifyAt: 'asc' }, limit: batchSize });
    if (due.length === 0) return repeated;
    const elderIds = [...new Set(due.map((a) => a.elderId))];
    const elders = new Map((await em.find(Elder, { id: { $in: elderIds } })).map((e) => [e.id, e]));
    const chats = await familyChatsByElder(em, elderIds);
    const outbox = new OutboxBatch();
    const next = new Date(now.getTime() + options.repeatMinutes * 60_000);
    await em.transactional(async (tx) => {
      for (const alert of due) {
        const elder = elders.get(alert.elderId);
        // An alert whose elder was deleted (forgotten) has nobody left to tell.
        const change = elder ? { nextNotifyAt: next, notifyCount: alert.notifyCount + 1 } : { status: 'resolved' as const, nextNotifyAt: null };
        const won = await tx.nativeUpdate(Alert, { id: alert.id, status: 'open', nextNotifyAt: alert.nextNotifyAt }, change);
        if (won !== 1 || !elder) continue;
        repeated++;
        for (const chat of chats.get(alert.elderId) ?? []) {
          outbox.stage(tx, {
            channel: chat.channel,
            chatId: chat.chatId,
            elderId: elder.id,
            accountId: chat.accountId,
            text: familyRepeatText(alert.kind, { elderName: elder.name, description: alert.description }),
            buttons: ackButton(alert.id),
            idempotencyKey: `alert:${alert.id}:${alert.notifyCount + 1}:${chat.key}`,
            lane: 'alert',
          });
        }
      }
      await tx.flush();
    });
    await outbox.dispatch(delivery);
    if (due.length < batchSize) return repeated;
  }
}
