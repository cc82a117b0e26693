import { randomUUID } from 'node:crypto';
import { Activity } from './activity.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { Alert } from './alert.entity.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import type { ActionReply, Actor } from '../button-actions.ts';
import { repliesUnlessNotLinked, roleFor } from './access.ts';
import { classifyFamilyQuestion, answerFamilyQuestion, type FamilyQuestion } from './family-questions.ts';
import { linkedEldersOf, pickElder } from './family-members.ts';
import { acknowledgeAlert } from './alert-acknowledgement.ts';
import { REPLY_KEY_PREFIX, sendToElder } from './family-messages.ts';
import { chooseElderPrompt, familyHelp, inviteReplies, type FamilyDeps } from './family-commands.ts';

/** "Add my daughter", "invite my carer", "can I have an invite code". */
const INVITE_PHRASE =
  /\b(?:add|invite|link|join)\s+(?:up\s+)?(?:my|our|a|the)?\s*(?:daughters?|sons?|family|grand\w+|nieces?|nephews?|sisters?|brothers?|wife|husband|partner|friends?|carers?|caregivers?|nurse|children|kids|someone)\b|\binvite code\b/i;
/** A family member saying they are dealing with the alert. */
const ON_IT = /^(?:i'?m on it|i am on it|on it|on my way|i'?m going|i'?ll go|i'?ve got (?:it|this))\b/i;
const MAX_FORWARDED_CHARS = 500;

/**
 * The router's conversations hook for everything that is not an elder asking the assistant: onboarding a
 * new elder, an elder asking to add family, family members' and caregivers' questions (privately or in the
 * family group), their replies to shared news, and "I'm on it" for an alert. Returns null only for an
 * elder's ordinary message, which the assistant answers; in a group it stays silent unless it has
 * something to say.
 */
export class FamilyConversations {
  private readonly deps: FamilyDeps;

  constructor(deps: FamilyDeps) {
    this.deps = deps;
  }

  async handle(actor: Actor, text: string): Promise<ActionReply[] | null> {
    if (actor.chat.chatType === 'group') return this.inGroup(actor, text);
    if (actor.account.role === 'elder' && actor.account.elderId) return this.fromElder(actor, actor.account.elderId, text);
    return this.fromFamily(actor, text);
  }

  async pendingQuestion(actor: Actor): Promise<ActionReply | null> {
    if (actor.account.role !== 'elder' || !actor.account.elderId || actor.chat.chatType === 'group') return null;
    return this.deps.onboarding.pendingQuestion(actor.account.elderId);
  }

  private async fromElder(actor: Actor, elderId: string, text: string): Promise<ActionReply[] | null> {
    // The elder was read at the start of this turn: only one in the middle of onboarding has an answer to give.
    const onboardingAnswer = actor.elder?.onboardingStep === null ? null : await this.deps.onboarding.answer(elderId, text, actor.chat.chatId);
    const onboarding = onboardingAnswer ?? (await this.deps.onboarding.startOnFirstGreeting(elderId, actor.account.id, actor.chat.channel, text));
    if (onboarding) return onboarding;
    if (INVITE_PHRASE.test(text)) return inviteReplies(this.deps, actor, text);
    return null;
  }

  private async inGroup(actor: Actor, text: string): Promise<ActionReply[]> {
    const em = this.deps.orm.em.fork();
    const circle = await em.findOne(FamilyCircle, { channel: actor.chat.channel, groupChatId: actor.chat.chatId });
    if (!circle) return [];
    const role = await roleFor(em, actor.account.id, circle.elderId);
    // The elder chatting with their family, and anyone in the group who is not linked, get no answer.
    if (role !== 'family' && role !== 'caregiver') return [];
    const question = classifyFamilyQuestion(text);
    if (question) return this.answer(actor, circle.elderId, question);
    if (ON_IT.test(text.trim())) return this.onIt(actor, [circle.elderId]);
    if (role === 'caregiver') {
      const elder = await em.findOne(Elder, { id: circle.elderId });
      const request = elder ? await this.deps.caregiverRequests?.propose(actor, elder, text) : null;
      if (request) return request;
    }
    await this.forwardReply(actor, circle.elderId, text);
    return [];
  }

  private async fromFamily(actor: Actor, text: string): Promise<ActionReply[]> {
    const em = this.deps.orm.em.fork();
    // Someone first seen in a group was given their user id as private chat; the real one is known now.
    if (actor.account.chatId !== actor.chat.chatId) await em.nativeUpdate(ChannelAccount, { id: actor.account.id }, { chatId: actor.chat.chatId });
    const linked = await linkedEldersOf(em, actor.account.id);
    if (linked.length === 0) return [{ text: "You're not linked to anyone yet. Ask them (or their caregiver) for an invite code, then send /join CODE." }];
    if (ON_IT.test(text.trim())) return this.onIt(actor, linked.map((l) => l.elder.id));
    const target = pickElder(linked, text);
    if (target.kind !== 'one') return [chooseElderPrompt(linked)];
    const question = classifyFamilyQuestion(text);
    if (question) return this.answer(actor, target.linked.elder.id, question);
    if (target.linked.role === 'caregiver') {
      const request = await this.deps.caregiverRequests?.propose(actor, target.linked.elder, text, target.linked.nickname);
      if (request) return request;
    } else if (await this.deps.caregiverRequests?.asksToArrange(target.linked.elder, text, target.linked.nickname)) {
      // A family member asking for a reminder, a medicine or a booking: not theirs to arrange, and not news for the elder.
      const name = target.linked.elder.name;
      return [{ text: `Only ${name} or ${name}'s caregiver can arrange that, so I haven't done anything. You can ask ${name} yourself.` }];
    }
    if (await this.forwardReply(actor, target.linked.elder.id, text)) return [{ text: `I've passed that on to ${target.linked.elder.name}.` }];
    return [{ text: familyHelp(linked) }];
  }

  private async answer(actor: Actor, elderId: string, question: FamilyQuestion): Promise<ActionReply[]> {
    return repliesUnlessNotLinked(async () => [{ text: await answerFamilyQuestion(this.deps.orm, { actorAccountId: actor.account.id, elderId, question, now: this.deps.clock.now() }) }]);
  }

  /** "I'm on it" typed instead of pressed: acknowledges the latest open alert of the actor's elders. */
  private async onIt(actor: Actor, elderIds: string[]): Promise<ActionReply[]> {
    const alert = await this.deps.orm.em.fork().findOne(Alert, { elderId: { $in: elderIds }, status: 'open' }, { orderBy: { createdAt: 'desc' } });
    if (!alert) return [{ text: 'Thank you. There is no open alert right now.' }];
    return repliesUnlessNotLinked(() => acknowledgeAlert(this.deps.orm, this.deps.delivery, { alertId: alert.id, actor, now: this.deps.clock.now() }));
  }

  /**
   * A family message soon after the elder shared an activity is a reply to it ("lovely!") and goes to the
   * elder as "Sarah replied: lovely!". Channels give no reply-to for now, so the tie is the elder's latest
   * activity within the reply window. Returns whether it was passed on.
   */
  private async forwardReply(actor: Actor, elderId: string, text: string): Promise<boolean> {
    const since = new Date(this.deps.clock.now().getTime() - this.deps.activityReplyWindowMinutes * 60_000);
    const latest = await this.deps.orm.em.fork().findOne(Activity, { elderId, createdAt: { $gte: since } }, { orderBy: { createdAt: 'desc' } });
    if (!latest || text.trim().length === 0) return false;
    const said = text.trim().length > MAX_FORWARDED_CHARS ? `${text.trim().slice(0, MAX_FORWARDED_CHARS)}…` : text.trim();
    await sendToElder(this.deps.orm, this.deps.delivery, elderId, `${actor.account.displayName ?? 'Your family'} replied: ${said}`, `${REPLY_KEY_PREFIX}:${latest.id}:${randomUUID()}`);
    return true;
  }
}
