import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { DoseEvent } from './dose-event.entity.ts';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { findFamilyChats } from '../family/family-notifier.ts';
import { doseNoticesFor } from '../family/notification-preferences.ts';
import { LINKED_ONLY, NOT_LINKED_REPLY, roleFor } from '../family/access.ts';
import { doseName, doseText, sayDoseTime, SNOOZE_MINUTES } from './dose-messages.ts';
import { countTakenDose } from './refills.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';

/** What the dose buttons need from the composition root. */
export interface DoseButtonDeps {
  orm: MikroORM;
  delivery: DeliveryQueue;
  clock: Clock;
  /** REFILL_WARN_DAYS (default 5): a Taken press counts a pill and may warn that the medicine runs out. */
  refillWarnDays?: number;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const DOSE_DATA = new RegExp(`^dose:(${UUID}):(taken|snooze|skip)$`);
const CHECK_DATA = new RegExp(`^dosecheck:(${UUID})$`);

/** The dose's medicine and time as its messages say them. */
async function describeDose(em: EntityManager, dose: DoseEvent): Promise<{ name: string; time: string }> {
  const schedule = await em.findOne(MedicationSchedule, { id: dose.scheduleId });
  return { name: schedule ? doseName(schedule) : 'medicine', time: sayDoseTime(dose.localTime) };
}

/**
 * The elder's answers under a dose reminder (`dose:<doseId>:taken|snooze|skip`). Only the elder of the dose
 * may answer. An answer moves a pending dose once (a conditional update, so a double tap or an answer racing
 * the escalation sweep is harmless); Taken also counts a pill against the refill. The family hears the answer
 * when their settings say so, and always after being told the dose was unconfirmed. Snooze puts the reminder
 * off ten minutes; the escalation sweep sends it again then.
 */
class DoseAnswerAction implements ButtonAction {
  readonly prefix = 'dose';
  private readonly deps: DoseButtonDeps;

  constructor(deps: DoseButtonDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = DOSE_DATA.exec(data);
    if (!match) return [{ text: doseText.unknownButton() }];
    const [, doseId, answer] = match as unknown as [string, string, 'taken' | 'snooze' | 'skip'];
    const em = this.deps.orm.em.fork();
    const dose = await em.findOne(DoseEvent, { id: doseId });
    if (!dose) return [{ text: doseText.unknownButton() }];
    if ((await roleFor(em, actor.account.id, dose.elderId)) !== 'elder') return [{ text: doseText.notYours() }];
    const { name, time } = await describeDose(em, dose);
    const now = this.deps.clock.now();
    if (answer === 'snooze') return [{ text: await this.snooze(em, dose, now) }];

    const status = answer === 'taken' ? 'taken' : 'skipped';
    const outbox = new OutboxBatch();
    const answered = await em.fork().transactional(async (tx: EntityManager) => {
      const moved = await tx.nativeUpdate(DoseEvent, { id: dose.id, status: 'pending' }, { status, answeredAt: now, nextActionAt: null });
      if (moved !== 1) return false;
      if (status === 'taken') await countTakenDose(tx, outbox, dose, { warnDays: this.deps.refillWarnDays ?? 5 });
      // The family was told this dose was unconfirmed: they always hear the answer. Otherwise their settings decide.
      const tell = dose.escalatedAt ? 'answered' : (await doseNoticesFor(tx, dose.elderId))[status] ? status : null;
      if (tell) {
        const elderName = (await tx.findOne(Elder, { id: dose.elderId }))?.name ?? 'Your relative';
        const text =
          tell === 'answered' ? doseText.familyAnswered(elderName, name, time, status) : tell === 'taken' ? doseText.familyTaken(elderName, name, time) : doseText.familySkipped(elderName, name, time);
        for (const r of await findFamilyChats(tx, dose.elderId)) {
          outbox.stage(tx, { channel: r.channel, chatId: r.chatId, accountId: r.accountId, elderId: dose.elderId, text, idempotencyKey: `dose:${dose.id}:${tell}:${r.key}` });
        }
      }
      return true;
    });
    await outbox.dispatch(this.deps.delivery);
    if (answered) return [{ text: status === 'taken' ? doseText.taken(name, time) : doseText.skipped(name, time) }];
    const current = await em.fork().findOneOrFail(DoseEvent, { id: dose.id });
    return [{ text: doseText.alreadyAnswered(current.status) }];
  }

  /** Puts a pending dose off; a second press while it is already put off changes nothing. */
  private async snooze(em: EntityManager, dose: DoseEvent, now: Date): Promise<string> {
    if (dose.status !== 'pending') return doseText.alreadyAnswered(dose.status);
    const snoozedUntil = dose.nextActionAt;
    if (dose.snoozes > 0 && !dose.remindedAt && snoozedUntil && snoozedUntil.getTime() > now.getTime()) return doseText.alreadySnoozed();
    const moved = await em.nativeUpdate(
      DoseEvent,
      { id: dose.id, status: 'pending', snoozes: dose.snoozes },
      { snoozes: dose.snoozes + 1, remindedAt: null, nextActionAt: new Date(now.getTime() + SNOOZE_MINUTES * 60_000) },
    );
    if (moved === 1) return doseText.snoozed();
    const current = await em.fork().findOneOrFail(DoseEvent, { id: dose.id });
    return current.status === 'pending' ? doseText.alreadySnoozed() : doseText.alreadyAnswered(current.status);
  }
}

/**
 * The family's "I'll check" under an unconfirmed dose (`dosecheck:<doseId>`). Only a family member or
 * caregiver linked to the elder may press it. The first press is recorded by the message that names them to
 * the others (its idempotency key is the claim), so later presses are told who is already checking.
 */
class DoseCheckAction implements ButtonAction {
  readonly prefix = 'dosecheck';
  private readonly deps: DoseButtonDeps;

  constructor(deps: DoseButtonDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = CHECK_DATA.exec(data);
    if (!match) return [{ text: doseText.unknownButton() }];
    const doseId = match[1]!;
    const em = this.deps.orm.em.fork();
    const dose = await em.findOne(DoseEvent, { id: doseId });
    if (!dose) return [{ text: doseText.unknownButton() }];
    const role = await roleFor(em, actor.account.id, dose.elderId);
    if (!role || !LINKED_ONLY.includes(role)) return [{ text: NOT_LINKED_REPLY }];
    const elderName = (await em.findOne(Elder, { id: dose.elderId }))?.name ?? 'your relative';
    if (dose.status !== 'pending') return [{ text: doseText.alreadyAnsweredForFamily(elderName, dose.status) }];

    const claimKey = `dosecheck:${dose.id}`;
    const previous = await this.claimedBy(em, claimKey);
    if (previous) return [{ text: await this.alreadyClaimed(em, previous, actor) }];
    const familyName = actor.account.displayName ?? 'A family member';
    const outbox = new OutboxBatch();
    const tx = em.fork();
    // Everyone else who heard about the dose: not the chat pressed in, nor the presser's own private chat.
    const others = (await findFamilyChats(tx, dose.elderId)).filter((r) => !(r.channel === actor.chat.channel && r.chatId === actor.chat.chatId) && r.accountId !== actor.account.id);
    const inGroup = actor.chat.chatType === 'group';
    // The claim: in the group, the announcement itself; in a private chat, the thank-you to the presser.
    outbox.stage(tx, {
      channel: actor.chat.channel,
      chatId: actor.chat.chatId,
      elderId: dose.elderId,
      accountId: actor.account.id,
      text: inGroup ? doseText.checking(familyName, elderName) : doseText.youAreChecking(elderName),
      idempotencyKey: claimKey,
      // The presser's own answer: a reply (the others hear it as a notice).
      lane: 'reply',
    });
    for (const r of others) {
      outbox.stage(tx, { channel: r.channel, chatId: r.chatId, accountId: r.accountId, elderId: dose.elderId, text: doseText.checking(familyName, elderName), idempotencyKey: `${claimKey}:${r.key}` });
    }
    try {
      await tx.flush();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      // Another family member pressed at the same moment and was first.
      const winner = await this.claimedBy(em.fork(), claimKey);
      return [{ text: winner ? await this.alreadyClaimed(em, winner, actor) : doseText.youAlreadyChecking() }];
    }
    await outbox.dispatch(this.deps.delivery);
    return [];
  }

  private async claimedBy(em: EntityManager, claimKey: string): Promise<Pick<MessageLog, 'accountId'> | null> {
    return em.findOne(MessageLog, { idempotencyKey: claimKey }, { fields: ['id', 'accountId'] });
  }

  private async alreadyClaimed(em: EntityManager, claim: Pick<MessageLog, 'accountId'>, actor: Actor): Promise<string> {
    if (claim.accountId === actor.account.id) return doseText.youAlreadyChecking();
    const checker = claim.accountId ? await em.findOne(ChannelAccount, { id: claim.accountId }) : null;
    return doseText.alreadyChecking(checker?.displayName ?? 'Someone');
  }
}

/** The dose buttons to register with the ButtonActionRegistry: the elder's answers and the family's "I'll check". */
export function doseButtonActions(deps: DoseButtonDeps): ButtonAction[] {
  return [new DoseAnswerAction(deps), new DoseCheckAction(deps)];
}
