import type { MikroORM } from '@mikro-orm/core';
import { Alert } from './alert.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { findFamilyChats } from './family-notifier.ts';
import { LINKED_ONLY, repliesUnlessNotLinked, requireLink } from './access.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * "I'm on it": the first linked family member or caregiver to acknowledge an open alert stops its repeats
 * (a conditional update on the status, so two presses at once acknowledge it once), and is named to the
 * elder and to everyone else in the family. Throws NotLinkedError for anyone not linked to the elder.
 */
export async function acknowledgeAlert(
  orm: MikroORM,
  delivery: DeliveryQueue,
  request: { alertId: string; actor: Pick<Actor, 'account' | 'chat'>; now: Date },
): Promise<ActionReply[]> {
  const em = orm.em.fork();
  const alert = await em.findOne(Alert, { id: request.alertId });
  if (!alert) return [{ text: 'That alert is no longer open.' }];
  const actorId = request.actor.account.id;
  await requireLink(em, actorId, alert.elderId, LINKED_ONLY);
  const elder = await em.findOneOrFail(Elder, { id: alert.elderId });
  const name = request.actor.account.displayName ?? 'Someone from your family';
  const outbox = new OutboxBatch();
  const won = await em.transactional(async (tx) => {
    const changed = await tx.nativeUpdate(Alert, { id: alert.id, status: 'open' }, { status: 'acknowledged', acknowledgedByAccountId: actorId, acknowledgedAt: request.now, nextNotifyAt: null });
    if (changed !== 1) return false;
    for (const own of await tx.find(ChannelAccount, { elderId: elder.id, role: 'elder', active: true })) {
      outbox.stage(tx, { channel: own.channel, chatId: own.chatId, elderId: elder.id, accountId: own.id, text: `${name} has seen your alert and is on it.`, idempotencyKey: `alert-ack:${alert.id}:elder:${own.id}`, lane: 'alert' });
    }
    const here = `${request.actor.chat.channel}|${request.actor.chat.chatId}`;
    for (const chat of await findFamilyChats(tx, elder.id)) {
      if (chat.accountId === actorId || `${chat.channel}|${chat.chatId}` === here) continue;
      outbox.stage(tx, {
        channel: chat.channel,
        chatId: chat.chatId,
        elderId: elder.id,
        accountId: chat.accountId,
        text: `${name} is on it: ${elder.name}'s alert "${alert.description}".`,
        idempotencyKey: `alert-ack:${alert.id}:${chat.key}`,
        lane: 'alert',
      });
    }
    await tx.flush();
    return true;
  });
  await outbox.dispatch(delivery);
  if (won) return [{ text: `Thank you, ${name}. I've told ${elder.name} and the family that you're on it.` }];
  const current = await orm.em.fork().findOneOrFail(Alert, { id: alert.id });
  if (current.acknowledgedByAccountId === actorId) return [{ text: "You're already on it. Thank you." }];
  const by = current.acknowledgedByAccountId ? await orm.em.fork().findOne(ChannelAccount, { id: current.acknowledgedByAccountId }) : null;
  return [{ text: by ? `Thank you. ${by.displayName ?? 'Someone from the family'} is already on it.` : 'That alert is no longer open.' }];
}

/** The "I'm on it" button (`ack:<alertId>`): safe to press twice; refused for anyone not linked to the elder. */
export class AlertButtons implements ButtonAction {
  readonly prefix = 'ack';
  private readonly orm: MikroORM;
  private readonly delivery: DeliveryQueue;
  private readonly clock: Clock;

  constructor(deps: { orm: MikroORM; delivery: DeliveryQueue; clock: Clock }) {
    this.orm = deps.orm;
    this.delivery = deps.delivery;
    this.clock = deps.clock;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const alertId = data.slice('ack:'.length);
    if (!UUID.test(alertId)) return [{ text: 'Sorry, that button no longer works.' }];
    return repliesUnlessNotLinked(() => acknowledgeAlert(this.orm, this.delivery, { alertId, actor, now: this.clock.now() }));
  }
}
