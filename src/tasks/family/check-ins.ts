import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Alert } from './alert.entity.ts';
import { CheckIn } from './check-in.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { familyChatsByElder, ackButton } from './alert-sweep.ts';
import { emergencyReply, familyAlertText } from './alert-wording.ts';
import { localHelp } from './emergency-help.ts';
import type { FamilyChat } from './family-notifier.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';

/** The check-in's two buttons. */
export const checkInButtons = (checkInId: string) => [
  [
    { label: 'Get help now', data: `checkin:${checkInId}:help` },
    { label: "I'm OK", data: `checkin:${checkInId}:ok` },
  ],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GONE = 'Sorry, that button no longer works.';

/** What the check-in deps need: the database, delivery and the clock. */
export interface CheckInDeps {
  orm: MikroORM;
  delivery: DeliveryQueue;
  clock: Clock;
  /** Minutes before a silent check-in alerts the family (for the family's message). */
  checkInMinutes: number;
  /** Minutes between repeats of the alert it raises. */
  repeatMinutes: number;
}

/** Opens an alert for a check-in and stages the family's urgent message to each chat; returns the alert. */
function raiseAlert(tx: EntityManager, outbox: OutboxBatch, input: { checkIn: CheckIn; elder: Elder; chats: FamilyChat[]; kind: 'emergency' | 'silent_check_in'; now: Date; deps: CheckInDeps }): Alert {
  const { checkIn, elder, chats, kind, now, deps } = input;
  const alert = tx.create(Alert, {
    id: randomUUID(),
    elderId: elder.id,
    taskId: null,
    description: checkIn.description,
    status: 'open',
    kind,
    nextNotifyAt: new Date(now.getTime() + deps.repeatMinutes * 60_000),
    notifyCount: chats.length > 0 ? 1 : 0,
    acknowledgedByAccountId: null,
    acknowledgedAt: null,
    createdAt: now,
  });
  const text = familyAlertText(kind, { elderName: elder.name, description: checkIn.description, minutes: deps.checkInMinutes });
  for (const chat of chats) {
    outbox.stage(tx, { channel: chat.channel, chatId: chat.chatId, elderId: elder.id, accountId: chat.accountId, text, buttons: ackButton(alert.id), idempotencyKey: `checkin:${checkIn.id}:${kind}:${chat.key}`, lane: 'alert' });
  }
  return alert;
}

/**
 * The elder's answer to a check-in. "I'm OK" is recorded and nobody is paged (if the family was already told
 * of her silence, they hear she is OK). "Get help now" raises the alert at once, as a clear emergency would.
 * Only the elder the check-in is about may answer; an answer given twice changes nothing the second time.
 */
export async function answerCheckIn(deps: CheckInDeps, request: { checkInId: string; answer: 'ok' | 'help'; elderId: string }): Promise<ActionReply[]> {
  const em = deps.orm.em.fork();
  const checkIn = await em.findOne(CheckIn, { id: request.checkInId });
  if (!checkIn || checkIn.elderId !== request.elderId) return [{ text: GONE }];
  const elder = await em.findOneOrFail(Elder, { id: checkIn.elderId });
  const now = deps.clock.now();
  const help = localHelp(elder.timezone, elder.locale);
  const outbox = new OutboxBatch();
  const replies = await em.transactional(async (tx): Promise<ActionReply[]> => {
    if (request.answer === 'ok') {
      if (await tx.nativeUpdate(CheckIn, { id: checkIn.id, status: 'waiting' }, { status: 'ok', answeredAt: now })) {
        return [{ text: "I'm glad you're OK. If anything changes, just tell me." }];
      }
      if (checkIn.status === 'escalated' && (await tx.nativeUpdate(CheckIn, { id: checkIn.id, status: 'escalated', answeredAt: null }, { answeredAt: now }))) {
        for (const chat of (await familyChatsByElder(tx, [elder.id])).get(elder.id) ?? []) {
          outbox.stage(tx, { channel: chat.channel, chatId: chat.chatId, elderId: elder.id, accountId: chat.accountId, text: `${elder.name} has now answered my check-in and is OK.`, idempotencyKey: `checkin:${checkIn.id}:late-ok:${chat.key}`, lane: 'escalation' });
        }
        return [{ text: "Thank you for answering. I had already told your family, so I've let them know you're OK." }];
      }
      return [{ text: 'Thank you. I have that already.' }];
    }
    const chats = (await familyChatsByElder(tx, [elder.id])).get(elder.id) ?? [];
    const won = await tx.nativeUpdate(CheckIn, { id: checkIn.id, status: { $in: ['waiting', 'ok'] } }, { status: 'help', answeredAt: now });
    if (won !== 1) return [{ text: `Your family has already been told. If you can, call ${help.emergencyNumber} now.` }];
    const alert = raiseAlert(tx, outbox, { checkIn, elder, chats, kind: 'emergency', now, deps });
    await tx.nativeUpdate(CheckIn, { id: checkIn.id }, { alertId: alert.id });
    return [{ text: emergencyReply({ told: chats.map((c) => c.name ?? null), category: checkIn.category ?? null, aboutSomeoneElse: false, description: checkIn.description, help }) }];
  });
  await outbox.dispatch(deps.delivery);
  return replies;
}

/**
 * Tells the family about every check-in left unanswered for `checkInMinutes`: what she said, that she has not
 * answered, with the "I'm on it" button (the alert then repeats like any other), and tells her too. Each
 * check-in is claimed by a conditional update, so several schedulers escalate it once; a few queries per
 * batch, whatever the number of elders. Returns how many were escalated.
 */
export async function escalateSilentCheckIns(deps: CheckInDeps, now: Date, batchSize = 200): Promise<number> {
  const cutoff = new Date(now.getTime() - deps.checkInMinutes * 60_000);
  let escalated = 0;
  for (;;) {
    const em = deps.orm.em.fork();
    const due = await em.find(CheckIn, { status: 'waiting', createdAt: { $lte: cutoff } }, { orderBy: { createdAt: 'asc' }, limit: batchSize });
    if (due.length === 0) return escalated;
    const elderIds = [...new Set(due.map((c) => c.elderId))];
    const elders = new Map((await em.find(Elder, { id: { $in: elderIds } })).map((e) => [e.id, e]));
    const chats = await familyChatsByElder(em, elderIds);
    const outbox = new OutboxBatch();
    await em.transactional(async (tx) => {
      for (const checkIn of due) {
        const elder = elders.get(checkIn.elderId);
        const won = await tx.nativeUpdate(CheckIn, { id: checkIn.id, status: 'waiting' }, { status: 'escalated' });
        if (won !== 1 || !elder) continue;
        escalated++;
        const family = chats.get(elder.id) ?? [];
        const alert = raiseAlert(tx, outbox, { checkIn, elder, chats: family, kind: 'silent_check_in', now, deps });
        await tx.nativeUpdate(CheckIn, { id: checkIn.id }, { alertId: alert.id });
        const number = localHelp(elder.timezone, elder.locale).emergencyNumber;
        const told = family.length > 0 ? "I haven't heard from you, so I've told your family." : "I haven't heard from you, and no family is linked yet.";
        outbox.stage(tx, { channel: checkIn.channel, chatId: checkIn.chatId, elderId: elder.id, text: `${told} If you need help, call ${number}.`, idempotencyKey: `checkin:${checkIn.id}:told-elder`, lane: 'escalation' });
      }
      await tx.flush();
    });
    await outbox.dispatch(deps.delivery);
    if (due.length < batchSize) return escalated;
  }
}

/** "I'm OK", "fine", "no" (to "do you need help now?") — or "yes", "help". */
const TYPED_OK = /^\s*(?:(?:i'?m|i am|am|yes i'?m|yes,? i'?m)\s+)?(?:ok|okay|fine|alright|all right|good|better|feeling better|much better|safe)\b|^\s*no\b|^\s*nope\b|^\s*not really\b|^\s*don'?t worry\b/i;
const TYPED_HELP = /^\s*(?:yes|yeah|yep|yes please|please|help|get help|help me|i need help|send help)\b/i;

/** A typed answer to the elder's waiting check-in, if she has one and the words answer it; else null. */
export async function answerTypedCheckIn(deps: CheckInDeps, elderId: string, text: string): Promise<ActionReply[] | null> {
  const answer = TYPED_OK.test(text) ? 'ok' : TYPED_HELP.test(text) ? 'help' : null;
  if (!answer) return null;
  const waiting = await deps.orm.em.fork().findOne(CheckIn, { elderId, status: 'waiting' }, { orderBy: { createdAt: 'desc' } });
  if (!waiting) return null;
  return answerCheckIn(deps, { checkInId: waiting.id, answer, elderId });
}

/** The check-in buttons (`checkin:<id>:help|ok`): only the elder's own; safe to press twice. */
export class CheckInButtons implements ButtonAction {
  readonly prefix = 'checkin';
  private readonly deps: CheckInDeps;

  constructor(deps: CheckInDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const [, id, answer] = data.split(':');
    if (!id || !UUID.test(id) || (answer !== 'ok' && answer !== 'help')) return [{ text: GONE }];
    if (actor.account.role !== 'elder' || !actor.account.elderId) return [{ text: GONE }];
    return answerCheckIn(this.deps, { checkInId: id, answer, elderId: actor.account.elderId });
  }
}
