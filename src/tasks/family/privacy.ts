import type { EntityManager, EntityName, FilterQuery, MikroORM } from '@mikro-orm/core';
import { wrap } from '@mikro-orm/core';
import { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { CaregiverLink } from './caregiver-link.entity.ts';
import { ElderChoice } from './elder-choice.entity.ts';
import { InviteAttempt } from './invite-attempt.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { elderScope } from './invite-attempts.ts';
import { findFamilyChats } from './family-notifier.ts';
import { CAN_MANAGE, NOT_LINKED_REPLY, NotLinkedError, requireLink } from './access.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import { sendMessages } from './family-messages.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';

/** Fields never exported: secrets and the channel's internal ids of other people. */
const NOT_EXPORTED = new Set(['codeHash']);
/** How long a "/forget" read-back button stays valid. */
const FORGET_BUTTON_MINUTES = 30;

/**
 * Every entity that belongs to an elder: the ones with an `elderId` column. Found from the ORM's metadata so
 * a table added later is exported and forgotten too.
 */
function elderOwnedEntities(em: EntityManager): { name: string; entity: EntityName<object> }[] {
  return [...em.getMetadata().getAll().values()]
    .filter((meta) => !meta.embeddable && !meta.virtual && meta.properties.elderId !== undefined)
    .map((meta) => ({ name: meta.tableName, entity: meta.class as EntityName<object> }));
}

const byElder = (elderId: string): FilterQuery<object> => ({ elderId });

/** Everything the assistant keeps about an elder, as plain JSON; for the elder and their caregivers only. */
export async function exportElderData(orm: MikroORM, request: { actorAccountId: string; elderId: string; now: Date }): Promise<Record<string, unknown>> {
  const em = orm.em.fork();
  await requireLink(em, request.actorAccountId, request.elderId, CAN_MANAGE);
  const elder = await em.findOneOrFail(Elder, { id: request.elderId });
  const records: Record<string, unknown[]> = {};
  for (const { name, entity } of elderOwnedEntities(em)) {
    const rows = await em.find(entity, byElder(elder.id));
    records[name] = rows.map((row) => Object.fromEntries(Object.entries(wrap(row).toPOJO() as Record<string, unknown>).filter(([k]) => !NOT_EXPORTED.has(k))));
  }
  const links = await em.find(CaregiverLink, { elderId: elder.id });
  const people = links.length ? await em.find(ChannelAccount, { id: { $in: links.map((l) => l.accountId) } }) : [];
  const members = links.map((l) => ({ name: people.find((a) => a.id === l.accountId)?.displayName ?? null, role: l.role, linkedAt: l.createdAt, removedAt: l.removedAt }));
  return { exportedAt: request.now.toISOString(), elder: wrap(elder).toPOJO(), members, records };
}

/**
 * Deletes an elder and everything that hangs off them (medicines, doses, reminders, bookings, activities,
 * alerts, tasks, messages, invite codes, links, family circle) in one transaction. Only the elder may.
 * The family is told first, so nobody waits for news or alerts that will not come.
 */
export async function forgetElder(orm: MikroORM, delivery: DeliveryQueue, request: { actorAccountId: string; elderId: string }): Promise<void> {
  const em = orm.em.fork();
  await requireLink(em, request.actorAccountId, request.elderId, ['elder']);
  const elder = await em.findOneOrFail(Elder, { id: request.elderId });
  const outbox = new OutboxBatch();
  await em.transactional(async (tx) => {
    for (const chat of await findFamilyChats(tx, elder.id)) {
      // Written without the elder's id: these rows outlive the deletion below.
      outbox.stage(tx, { channel: chat.channel, chatId: chat.chatId, text: `${elder.name} asked me to delete their data, so I won't send news or alerts about ${elder.name} any more.` });
    }
    await tx.flush();
    for (const { entity } of elderOwnedEntities(tx)) await tx.nativeDelete(entity, byElder(elder.id));
    await tx.nativeDelete(InviteAttempt, { scope: elderScope(elder.id).key });
    await tx.nativeDelete(Elder, { id: elder.id });
  });
  await outbox.dispatch(delivery);
}

/** A family member or caregiver leaves every circle and their account and messages are deleted. */
export async function forgetMember(orm: MikroORM, request: { accountId: string }): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    await tx.nativeDelete(CaregiverLink, { accountId: request.accountId });
    await tx.nativeDelete(ElderChoice, { accountId: request.accountId });
    await tx.nativeDelete(MessageLog, { accountId: request.accountId });
    await tx.nativeDelete(ChannelAccount, { id: request.accountId, role: { $ne: 'elder' } });
  });
}

const minuteOf = (at: Date): number => Math.floor(at.getTime() / 60_000);

/** The read-back for "/forget me", with Yes/No buttons that expire; in private chats only. */
export function forgetReadBack(actor: Actor, now: Date): ActionReply {
  if (actor.chat.chatType !== 'private') return { text: 'Please ask me that in a private chat.' };
  const no = { label: 'No', data: 'forget:no' };
  if (actor.account.role === 'elder' && actor.account.elderId) {
    return {
      text:
        'This deletes everything I keep about you: your medicines, reminders, bookings, messages, shared news and alerts, ' +
        "and your family's links to you. It can't be undone. Shall I go ahead?",
      buttons: [[{ label: 'Yes, delete', data: `forget:yes:${actor.account.elderId}:${minuteOf(now)}` }, no]],
    };
  }
  return {
    text: "This removes you from every family circle you're in and deletes what I keep about you. Shall I go ahead?",
    buttons: [[{ label: 'Yes, delete', data: `forget:me:${actor.account.id}:${minuteOf(now)}` }, no]],
  };
}

/** The "/forget" buttons: `forget:yes:<elderId>:<minute>`, `forget:me:<accountId>:<minute>`, `forget:no`. */
export class PrivacyButtons implements ButtonAction {
  readonly prefix = 'forget';
  private readonly orm: MikroORM;
  private readonly delivery: DeliveryQueue;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(deps: { orm: MikroORM; delivery: DeliveryQueue; clock: Clock; logger: Logger }) {
    this.orm = deps.orm;
    this.delivery = deps.delivery;
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const [, answer, id, minute] = data.split(':');
    if (answer === 'no') return [{ text: "Okay, I've kept everything as it is." }];
    if (!id || !minute || minuteOf(this.clock.now()) - Number(minute) > FORGET_BUTTON_MINUTES) {
      return [{ text: 'That button has expired. Send /forget me again if you still want me to delete your data.' }];
    }
    try {
      if (answer === 'yes') {
        await forgetElder(this.orm, this.delivery, { actorAccountId: actor.account.id, elderId: id });
        this.logger.info({ elderId: id }, 'elder data deleted on request');
        // Sent here, without the elder's id, rather than as the router's reply (which it would tag with it).
        const goodbye = "Done. I've deleted everything I kept about you. If you write to me again, I'll start afresh.";
        await sendMessages(this.orm, this.delivery, [{ channel: actor.chat.channel, chatId: actor.chat.chatId, text: goodbye, lane: 'reply' }]);
        return [];
      }
      if (answer === 'me' && id === actor.account.id) {
        await forgetMember(this.orm, { accountId: id });
        this.logger.info({ accountId: id }, 'family member data deleted on request');
        return [{ text: "Done. I've removed you from every family circle and deleted what I kept about you." }];
      }
    } catch (err) {
      if (!(err instanceof NotLinkedError)) throw err;
    }
    return [{ text: NOT_LINKED_REPLY }];
  }
}
