import type { MikroORM } from '@mikro-orm/core';
import { DateTime, IANAZone } from 'luxon';
import { Elder } from '../elders/elder.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { Task } from '../task.entity.ts';
import { ElderDirectory, type SenderIdentity } from '../elders/elder-directory.ts';
import type { ChannelName } from '../elders/channel-account.entity.ts';
import type { ActionReply, Actor, ButtonAction } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';
import { placeOfZone, timezoneForTown, timezonesForRegion, townName } from './city-timezones.ts';
import { intentClassifier } from '../../agent/understanding/intent-classifier.ts';
import { readMessage } from '../../agent/understanding/message.ts';
import { makeClock } from '../../agent/understanding/clock.ts';
import { classifyChat } from '../../agent/understanding/chat.ts';

/** What the assistant is and that the family sees reminders and alerts: said once, in two sentences. */
export const ASSISTANT_INTRO =
  "Hello, I'm your assistant: I remind you about medicines and appointments, book tables and hair appointments, and pass messages to your family. " +
  'Your family will see your reminders and any alerts, so they can help if something goes wrong.';

const ASK_NAME = "First, what's your name?";
const ASK_REGION = 'Which country or region do you live in?';
const ASK_TOWN_AGAIN = 'So that I get your times right: which town or city do you live in? (Or say "skip".)';
// How sure the intent classifier must be that an answer to an onboarding question is a request instead.
const REQUEST_SCORE = 0.5;
const GREETING = /^(?:hi|hiya|hello|hey|hallo|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|howdy|greetings)\b[\s\p{L},.!?']{0,40}$/iu;
const SKIP = /^(?:skip|later|not now|no thanks|never ?mind)[.!]*$/i;
const YES = /^(?:y|yes|yeah|yep|yup|correct|right|that's right|thats right|it is|yes please|ok|okay)[.!]*$/i;
const NO = /^(?:n|no|nope|wrong|not right|it isn't|it is not|no it isn't)[.!]*$/i;
const isYesOrNo = (text: string): boolean => YES.test(text.trim()) || NO.test(text.trim());
// Words that are never part of a name: a sentence typed instead of a name is not taken as one.
const NOT_NAME_WORDS = new Set(
  'hi hello hey yes no ok okay thanks thank you help start what why who how when where on it in at to the a an is are was my me i and or not do did can please remind book take took pills going fine well good'.split(' '),
);

/** The elder's name in what they typed ("I'm Margaret", "margaret smith"), or null when it does not look like one. */
export function parseElderName(text: string): string | null {
  const t = text
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/^(?:(?:hi|hello|hey)[,!]?\s+)?(?:my name is|my name's|i am|i'm|im|it's|its|call me|this is|name's)\s+/i, '')
    .trim();
  const words = t.toLowerCase().split(/\s+/);
  if (!/^\p{L}[\p{L}'. -]{0,39}$/u.test(t) || words.length > 4 || words.some((w) => NOT_NAME_WORDS.has(w))) return null;
  return t === t.toLowerCase() ? t.replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase()) : t;
}

const yesNo: ActionReply['buttons'] = [[{ label: 'Yes', data: 'onb:yes' }, { label: 'No', data: 'onb:no' }]];

/**
 * Onboarding in chat: a new elder is asked their name and town; the timezone is derived from the town
 * (or from the country when the town is unknown) and read back for a yes. The step lives on the elder.
 */
export class Onboarding {
  private readonly orm: MikroORM;
  private readonly clock: Clock;
  private readonly directory: ElderDirectory;

  constructor(deps: { orm: MikroORM; clock: Clock; defaults: { timezone: string; locale: string } }) {
    this.orm = deps.orm;
    this.clock = deps.clock;
    this.directory = new ElderDirectory(deps.orm, deps.defaults);
  }

  /** Registers a first-time private sender as an elder (as the router does) and starts their onboarding. */
  async registerAndStart(identity: SenderIdentity): Promise<ActionReply[]> {
    const { elder } = await this.directory.registerElder(identity);
    // A concurrent first message may have registered this person as someone else's family member.
    return elder ? this.start(elder.id) : [];
  }

  /**
   * Starts onboarding when an elder's very first message is a greeting ("hi", "hello"): how first contact
   * looks on WhatsApp and in the terminal. Telegram always opens with /start, which onboards by itself.
   * A first message that asks for something goes to the assistant instead; the elder can send /start later.
   * Null when this is not first contact.
   */
  async startOnFirstGreeting(elderId: string, accountId: string, channel: ChannelName, text: string): Promise<ActionReply[] | null> {
    if (channel === 'telegram' || !GREETING.test(text.trim())) return null;
    const em = this.orm.em.fork();
    const elder = await em.findOne(Elder, { id: elderId });
    if (!elder || elder.city !== null || elder.onboardingStep !== null) return null;
    // The router logs the message before asking anyone, so first contact has exactly one inbound row.
    if ((await em.count(MessageLog, { accountId, direction: 'in' })) > 1) return null;
    return this.start(elderId);
  }

  /** Starts (or restarts) onboarding: the introduction and the first question. */
  async start(elderId: string): Promise<ActionReply[]> {
    await this.orm.em.fork().nativeUpdate(Elder, { id: elderId }, { onboardingStep: 'name', proposedTimezone: null });
    // One message: two would share a creation time, and the outbox does not promise their order.
    return [{ text: `${ASSISTANT_INTRO}\n\n${ASK_NAME}` }];
  }

  /**
   * The elder's answer to the current question, or null when they are not being onboarded or the message is
   * not an answer to it. `chatId` is her chat, where a yes may answer a later read-back instead.
   */
  async answer(elderId: string, text: string, chatId?: string): Promise<ActionReply[] | null> {
    const em = this.orm.em.fork();
    const elder = await em.findOne(Elder, { id: elderId });
    if (!elder || !elder.onboardingStep) return null;
    if (SKIP.test(text.trim())) {
      await em.nativeUpdate(Elder, { id: elder.id }, { onboardingStep: null, proposedTimezone: null });
      return [{ text: `No problem. I'll use ${placeOfZone(elder.timezone)} time for now; send /start whenever you'd like to tell me your town.` }];
    }
    // She asked for something instead of answering (or answered the assistant's own question): the assistant
    // answers that, and the onboarding question waits (the router asks it again once she has her answer).
    if (this.notAnAnswer(elder, elder.onboardingStep, text)) return null;
    if (elder.onboardingStep === 'confirm_timezone' && chatId && isYesOrNo(text) && (await this.readBackAskedSince(elder.id, chatId))) return null;
    switch (elder.onboardingStep) {
      case 'name': {
        const name = parseElderName(text);
        if (!name) return [{ text: "Sorry, I didn't catch your name. What should I call you?" }];
        await em.nativeUpdate(Elder, { id: elder.id }, { name, onboardingStep: 'city' });
        return [{ text: `Lovely to meet you, ${name}. Which town or city do you live in?` }];
      }
      case 'confirm_timezone':
        if (YES.test(text.trim())) return this.confirm(elder.id, 'yes');
        if (NO.test(text.trim())) return this.confirm(elder.id, 'no');
        return this.town(elder, text);
      case 'city':
        return this.town(elder, text);
      case 'region':
        return this.region(elder, text);
    }
  }

  /**
   * The question an elder in the middle of onboarding still has to answer, to ask again after the assistant
   * answered something else (the timezone read-back again, with its buttons); null when she is not being onboarded.
   */
  async pendingQuestion(elderId: string): Promise<ActionReply | null> {
    const elder = await this.orm.em.fork().findOne(Elder, { id: elderId }, { fields: ['onboardingStep', 'proposedTimezone', 'locale'] });
    switch (elder?.onboardingStep ?? null) {
      case 'name':
        return { text: 'Before I forget: what should I call you?' };
      case 'confirm_timezone':
        if (elder?.proposedTimezone && IANAZone.isValidZone(elder.proposedTimezone)) return this.readBack(elder.proposedTimezone, elder.locale);
        return { text: ASK_TOWN_AGAIN };
      case 'city':
        return { text: ASK_TOWN_AGAIN };
      case 'region':
        return { text: `So that I get your times right: ${ASK_REGION.charAt(0).toLowerCase()}${ASK_REGION.slice(1)} (Or say "skip".)` };
      case null:
        return null;
    }
  }

  /**
   * True when, since the timezone was read back, the assistant asked her for a yes of its own (a task's
   * read-back) that is still waiting: her yes or no answers that, the latest question, and the timezone's waits.
   * The latest message to her chat with buttons tells which was asked last.
   */
  private async readBackAskedSince(elderId: string, chatId: string): Promise<boolean> {
    const em = this.orm.em.fork();
    const [lastAsked] = await em.find(
      MessageLog,
      { elderId, chatId, direction: 'out', buttons: { $ne: null } },
      { orderBy: { createdAt: 'desc' }, limit: 1, fields: ['buttons'] },
    );
    if (!lastAsked?.buttons || lastAsked.buttons.flat().some((b) => b.data.startsWith('onb:'))) return false;
    return (await em.count(Task, { elderId, status: 'pending_confirmation', finishedAt: null })) > 0;
  }

  /**
   * True when the text is not an answer to the onboarding question: a request or small talk for the assistant
   * ("remind me to take the washing in at 6", "thank you dear", which the intent classifier ranks as a tool or
   * chat) that is neither a town it knows nor said as a place ("I live in …"), or a yes or no while no yes/no
   * question of the onboarding is open (it answers the assistant's read-back).
   */
  private notAnAnswer(elder: Elder, step: NonNullable<Elder['onboardingStep']>, text: string): boolean {
    const t = text.trim();
    if (isYesOrNo(t)) return step !== 'confirm_timezone';
    if (step !== 'name' && (timezoneForTown(townName(t)) !== null || townName(t) !== t)) return false;
    if (step === 'name' && parseElderName(t) !== null && t.split(/\s+/).length <= 3) return false;
    // Thanks, a greeting or "lovely" while her town is asked answer the assistant, not the question.
    if (step !== 'name' && ['greeting', 'thanks', 'smalltalk'].includes(classifyChat(t.toLowerCase()))) return true;
    // A word or two ("what?", "Wagga Wagga") is taken as an answer (asked again, or looked up).
    if (t.split(/\s+/).length < 3) return false;
    const wallClock = DateTime.fromJSDate(this.clock.now(), { zone: elder.timezone }).toFormat("yyyy-MM-dd'T'HH:mm");
    const [best] = intentClassifier().rank(readMessage(t, makeClock(wallClock, elder.timezone)));
    if (!best || best.score < REQUEST_SCORE || best.intent === 'out_of_scope') return false;
    // Small talk ("thank you dear") is no town either; while her name is asked, only a request goes past.
    return best.intent !== 'chat' || step !== 'name';
  }

  /** The elder's yes or no to the timezone read back, or a zone they picked from buttons. */
  async confirm(elderId: string, answer: 'yes' | 'no' | { zone: string }): Promise<ActionReply[]> {
    const em = this.orm.em.fork();
    const elder = await em.findOne(Elder, { id: elderId });
    if (!elder || (elder.onboardingStep !== 'confirm_timezone' && elder.onboardingStep !== 'region')) return [{ text: 'That was already answered.' }];
    if (answer === 'no') {
      await em.nativeUpdate(Elder, { id: elder.id }, { onboardingStep: 'region', proposedTimezone: null });
      return [{ text: `Sorry about that. ${ASK_REGION}` }];
    }
    const zone = answer === 'yes' ? elder.proposedTimezone : answer.zone;
    if (!zone || !IANAZone.isValidZone(zone)) return [{ text: ASK_REGION }];
    // Conditional on the step, so a double press finishes once.
    const done = await em.nativeUpdate(Elder, { id: elder.id, onboardingStep: elder.onboardingStep }, { timezone: zone, onboardingStep: null, proposedTimezone: null });
    if (done !== 1) return [{ text: 'That was already answered.' }];
    return [
      {
        text:
          `Thank you, ${elder.name}, you're all set. Just tell me what you need, for example "remind me to call Sarah at 5pm". ` +
          'To add your family, say "add my daughter" or send /invite.',
      },
    ];
  }

  private async town(elder: Elder, text: string): Promise<ActionReply[]> {
    const city = townName(text).slice(0, 120);
    const zone = timezoneForTown(city);
    const em = this.orm.em.fork();
    if (!zone) {
      await em.nativeUpdate(Elder, { id: elder.id }, { city, onboardingStep: 'region', proposedTimezone: null });
      return [{ text: `I don't know ${city} yet. ${ASK_REGION}` }];
    }
    await em.nativeUpdate(Elder, { id: elder.id }, { city, onboardingStep: 'confirm_timezone', proposedTimezone: zone });
    return [this.readBack(zone, elder.locale)];
  }

  private async region(elder: Elder, text: string): Promise<ActionReply[]> {
    const zones = timezonesForRegion(text);
    if (zones.length === 0) return [{ text: "Sorry, I don't know that place. Which country is it in? (Or say \"skip\" to do this later.)" }];
    if (zones.length === 1) {
      await this.orm.em.fork().nativeUpdate(Elder, { id: elder.id }, { onboardingStep: 'confirm_timezone', proposedTimezone: zones[0]! });
      return [this.readBack(zones[0]!, elder.locale)];
    }
    const now = DateTime.fromJSDate(this.clock.now());
    return [
      {
        text: 'Which of these is your time now?',
        buttons: zones.map((z) => [{ label: `${placeOfZone(z)}: ${now.setZone(z).toFormat('h:mm a').toLowerCase()}`, data: `onb:tz:${z}` }]),
      },
    ];
  }

  private readBack(zone: string, locale: string): ActionReply {
    // The zone's short name in the elder's locale: "BST" in en-GB where en-US says "GMT+1".
    const there = DateTime.fromJSDate(this.clock.now(), { zone }).setLocale(locale);
    return {
      text: `So you're on ${placeOfZone(zone)} time (${there.offsetNameShort}): it's ${there.toFormat('h:mm a').toLowerCase()} on ${there.toFormat('cccc')} there now. Is that right?`,
      buttons: yesNo,
    };
  }
}

/** The onboarding buttons ("onb:yes", "onb:no", "onb:tz:Europe/London"); only the elder's own account may press them. */
export class OnboardingButtons implements ButtonAction {
  readonly prefix = 'onb';
  private readonly onboarding: Onboarding;

  constructor(onboarding: Onboarding) {
    this.onboarding = onboarding;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const elderId = actor.account.role === 'elder' ? actor.account.elderId : null;
    if (!elderId || actor.chat.chatType !== 'private') return [{ text: 'Sorry, that button no longer works.' }];
    const [, answer, ...zone] = data.split(':');
    if (answer === 'yes' || answer === 'no') return this.onboarding.confirm(elderId, answer);
    if (answer === 'tz') return this.onboarding.confirm(elderId, { zone: zone.join(':') });
    return [{ text: 'Sorry, that button no longer works.' }];
  }
}
