import type { MikroORM } from '@mikro-orm/core';
import type { ActionReply, Actor, ButtonAction, ChatCommand, CommandSender } from '../button-actions.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Elder } from '../elders/elder.entity.ts';
import type { Onboarding } from './onboarding.ts';
import { RELATIONSHIP, TITLES } from '../../lib/person-words.ts';
import { NOT_LINKED_REPLY, NotLinkedError, repliesUnlessNotLinked } from './access.ts';
import { createInviteCode, normaliseInviteCode, redeemInviteCode, type InviteSettings, type LinkRole, type RedemptionResult } from './invite-codes.ts';
import { chooseElder, elderForActor, linkedEldersOf, listMembers, mentionedElders, removeMember, type LinkedElder } from './family-members.ts';
import { exportElderData, forgetReadBack } from './privacy.ts';
import { sendMessages, sendToElder } from './family-messages.ts';

/** What the family commands, buttons and conversations share. */
export interface FamilyDeps {
  orm: MikroORM;
  clock: Clock;
  delivery: DeliveryQueue;
  logger: Logger;
  onboarding: Onboarding;
  invites: InviteSettings;
  /** Minutes after an activity is shared during which a family message is taken as a reply to it. */
  activityReplyWindowMinutes: number;
  /** Understands a caregiver's request for their elder ("add Donepezil 5mg for Mum at 9pm"); null when it is none. */
  caregiverRequests?: CaregiverRequests;
  /** Called when someone joins an elder's family circle in a private chat (the family view pins itself there). */
  onJoined?: (joined: { channel: CommandSender['channel']; chatId: string; elderId: string; elderName: string }) => Promise<void>;
}

/** The assistant's side of a caregiver asking for something for their elder (set by the composition root). */
export interface CaregiverRequests {
  propose(actor: Actor, elder: Elder, text: string, nickname?: string | null): Promise<ActionReply[] | null>;
  /** Whether the words ask for something only the elder or a caregiver may arrange (nothing is saved). */
  asksToArrange(elder: Elder, text: string, nickname?: string | null): Promise<boolean>;
}

const first = (name: string): string => name.trim().split(/\s+/)[0]!;
const PRIVATE_ONLY: ActionReply = { text: 'Please ask me that in a private chat.' };
const NOBODY_LINKED: ActionReply = { text: "You're not linked to anyone yet. Ask them (or their caregiver) for an invite code, then send /join CODE." };

/** "Who would you like to talk about?" with one button per elder. */
export function chooseElderPrompt(options: LinkedElder[], nickname = ''): ActionReply {
  const nick = /^[\p{L}'-]{1,20}$/u.test(nickname) ? `:${nickname}` : '';
  return { text: 'Who would you like to talk about?', buttons: options.map((o) => [{ label: o.elder.name, data: `elder:${o.elder.id}${nick}` }]) };
}

/** What a family member can ask, about the elders they are linked to. */
export function familyHelp(linked: LinkedElder[]): string {
  const name = first(linked[0]?.elder.name ?? 'Mum');
  const who = linked.map((l) => l.elder.name).join(', ');
  return (
    `You're linked to ${who}. Ask me things like "did ${name} take the pills today?", "what's ${name} doing this week?" ` +
    `or "when is ${name}'s hair appointment?".${linked.length > 1 ? ' Send /elder to choose who you mean.' : ''}`
  );
}

/** Issues an invite code for the actor's elder (the elder themself, or a caregiver); the reply names the role. */
export async function inviteReplies(deps: FamilyDeps, actor: Actor, args: string): Promise<ActionReply[]> {
  if (actor.chat.chatType !== 'private') return [{ text: 'I only give invite codes in a private chat.' }];
  const role: LinkRole = /\b(?:caregiver|carer|nurse)\b/i.test(args) ? 'caregiver' : 'family';
  const target = await elderForActor(deps.orm, actor, args);
  if (target.kind === 'ask') return [chooseElderPrompt(target.options)];
  if (target.kind === 'none') return [NOBODY_LINKED];
  try {
    const issued = await createInviteCode(deps.orm, { actorAccountId: actor.account.id, elderId: target.linked.elder.id, role, now: deps.clock.now() }, deps.invites);
    const who = role === 'family' ? 'a family member' : 'a caregiver';
    const can = role === 'family' ? 'Family members see reminders and alerts.' : 'Caregivers also manage medicines, bookings and settings.';
    // The code also goes alone in a second message, easy to forward.
    return [
      {
        text:
          `Here is an invite code for ${who} of ${issued.elderName}. It works once, for the next ${deps.invites.ttlHours} hours. ${can}\n` +
          `They send me "/join ${issued.code}" in a private chat, or "/link ${issued.code}" in your family group to make it the family circle.`,
      },
      { text: issued.code },
    ];
  } catch (err) {
    if (!(err instanceof NotLinkedError)) throw err;
    return [{ text: target.linked.role === 'family' ? `Sorry, only ${target.linked.elder.name} or a caregiver can invite people.` : NOT_LINKED_REPLY }];
  }
}

function redemptionReply(result: RedemptionResult, purpose: 'join' | 'link'): string {
  switch (result.kind) {
    case 'joined':
      if (purpose === 'link')
        return (
          `This group is now ${result.elderName}'s family circle. I'll share ${first(result.elderName)}'s news and alerts here, and you can ask me things like "what's ${first(result.elderName)} doing this week?" ` +
          'Send /notify to choose which dose news you hear, and /summary to choose when the daily summary comes.'
        );
      return `Welcome! You're now in ${result.elderName}'s family circle as ${result.role === 'caregiver' ? 'a caregiver' : 'family'}. I'll tell you about missed medicines and alerts, and you can ask me things like "what's ${first(result.elderName)} doing this week?"`;
    case 'already':
      return purpose === 'link' ? `This group is already ${result.elderName}'s family circle.` : `You're already in ${result.elderName}'s family circle.`;
    case 'own_code':
      return "That's your own invite code: send it to your family so they can join.";
    case 'group_taken':
      return "This group is already someone else's family circle.";
    case 'wrong':
      return "Sorry, that code doesn't work. It may be mistyped, used or expired: ask for a new one.";
    case 'rate_limited':
      return 'Too many wrong codes have been tried. Please wait a while and try again.';
  }
}

async function redeem(deps: FamilyDeps, args: string, sender: CommandSender, purpose: 'join' | 'link'): Promise<ActionReply[]> {
  if (!args) return [{ text: `Please send the code with it, like "/${purpose} FAMILY-ABC-DEF-GHJ".` }];
  const result = await redeemInviteCode(deps.orm, { code: args, ...sender, purpose, now: deps.clock.now() }, deps.invites);
  // Never the code itself: only what came of it.
  deps.logger.info({ channel: sender.channel, purpose, outcome: result.kind, ...(result.kind === 'joined' ? { elderId: result.elderId, accountId: result.accountId } : {}) }, 'invite code redeemed');
  if (result.kind === 'joined') {
    const who = sender.displayName ?? 'Someone';
    const news =
      purpose === 'join'
        ? `${who} has joined your family circle${result.role === 'caregiver' ? ' as a caregiver' : ''}.`
        : `${result.role === 'elder' ? 'Your family group is now linked' : `${who} linked your family group`}: I'll share your news and alerts there.`;
    await sendToElder(deps.orm, deps.delivery, result.elderId, news);
    if (purpose === 'join') await deps.onJoined?.({ channel: sender.channel, chatId: sender.chatId, elderId: result.elderId, elderName: result.elderName });
  }
  return [{ text: redemptionReply(result, purpose) }];
}

/** The family's chat commands: /start, /invite, /join, /link, /elder, /remove, /forget and /export. */
export function createFamilyCommands(deps: FamilyDeps): ChatCommand[] {
  const join: ChatCommand = {
    name: 'join',
    description: 'Join a family with an invite code',
    audience: { chats: ['private'], people: ['newcomer'] },
    handle: async (args, sender) =>
      sender.chatType === 'private' ? redeem(deps, args, sender, 'join') : [{ text: 'Please send /join in a private chat with me. To make this group the family circle, send /link CODE here.' }],
  };
  return [
    {
      name: 'start',
      description: 'Say hello and get started',
      audience: { chats: ['private'], people: ['newcomer'] },
      handle: async (args, sender, actor) => {
        if (sender.chatType === 'group') return [{ text: 'Hello! To make this group a family circle, send /link with an invite code from the elder or their caregiver.' }];
        // Telegram deep links ("t.me/bot?start=CODE") arrive as "/start CODE".
        if (args && normaliseInviteCode(args)) return join.handle(args, sender, actor);
        if (!actor) return deps.onboarding.registerAndStart({ channel: sender.channel, userId: sender.userId, chatId: sender.chatId, ...(sender.displayName ? { displayName: sender.displayName } : {}) });
        if (actor.account.role === 'elder' && actor.account.elderId) return deps.onboarding.start(actor.account.elderId);
        const linked = await linkedEldersOf(deps.orm.em.fork(), actor.account.id);
        return [linked.length ? { text: `Hello! ${familyHelp(linked)}` } : NOBODY_LINKED];
      },
    },
    {
      name: 'invite',
      description: 'Get a code to add family or a caregiver',
      audience: { chats: ['private'], people: ['elder', 'caregiver'] },
      handle: async (args, _sender, actor) => (actor ? inviteReplies(deps, actor, args) : [NOBODY_LINKED]),
    },
    join,
    {
      name: 'link',
      description: 'Make this group the family circle, with an invite code',
      audience: { chats: ['group'], people: ['newcomer'] },
      handle: async (args, sender) =>
        sender.chatType === 'group' ? redeem(deps, args, sender, 'link') : [{ text: 'Please add me to the family group and send /link CODE there. In a private chat, use /join CODE.' }],
    },
    {
      name: 'elder',
      description: 'Choose which person you are asking about',
      audience: { chats: ['private'], people: ['caregiver', 'family'] },
      handle: async (args, _sender, actor) => (actor ? chooseElderCommand(deps, actor, args) : [NOBODY_LINKED]),
    },
    {
      name: 'remove',
      description: 'Take someone out of the family circle',
      audience: { chats: ['private'], people: ['elder', 'caregiver'] },
      handle: async (args, _sender, actor) => {
        if (!actor) return [{ text: NOT_LINKED_REPLY }];
        return actor.chat.chatType === 'private' ? removeCommand(deps, actor, args) : [PRIVATE_ONLY];
      },
    },
    {
      name: 'forget',
      description: 'Delete what I keep about you (I ask first)',
      audience: { chats: ['private'], people: ['elder', 'caregiver', 'family'] },
      handle: async (args, _sender, actor) => {
        if (!actor) return [{ text: "I don't keep anything about you." }];
        // "/forget Dorothy" must never turn into deleting the sender's own data by mistake.
        if (namesSomeoneElse(args, actor)) return [{ text: '/forget only deletes what I keep about you, never anyone else. Nothing has been deleted.' }];
        return [forgetReadBack(actor, deps.clock.now())];
      },
    },
    {
      name: 'export',
      description: 'Get a copy of everything I keep',
      audience: { chats: ['private'], people: ['elder', 'caregiver'] },
      handle: async (args, _sender, actor) => {
        if (!actor) return [{ text: NOT_LINKED_REPLY }];
        if (actor.chat.chatType !== 'private') return [PRIVATE_ONLY];
        const target = await elderForActor(deps.orm, actor, args);
        if (target.kind === 'ask') return [chooseElderPrompt(target.options)];
        if (target.kind === 'none') return [{ text: NOT_LINKED_REPLY }];
        return repliesUnlessNotLinked(async () => {
          const data = await exportElderData(deps.orm, { actorAccountId: actor.account.id, elderId: target.linked.elder.id, now: deps.clock.now() });
          deps.logger.info({ elderId: target.linked.elder.id, accountId: actor.account.id }, 'elder data exported');
          // The JSON goes as the text of one message until the channel port has a document attachment.
          return [{ text: `Here is everything I keep about ${target.linked.elder.name}, as JSON:` }, { text: JSON.stringify(data, null, 2) }];
        });
      },
    },
  ];
}

/** Words that mean the sender themself after /forget ("/forget me", "/forget all my data"). */
const SELF_WORDS = new Set(['me', 'myself', 'my', 'mine', 'i', 'data', 'details', 'everything', 'all', 'about', 'please', 'delete', 'it', 'of', 'the', 'that', 'stuff', 'info', 'information']);

/** True when the words after a command name somebody other than the sender (their own name counts as them). */
function namesSomeoneElse(args: string, actor: Actor): boolean {
  const own = new Set([actor.elder?.name, actor.account.displayName].flatMap((n) => (n ? n.toLowerCase().split(/\s+/) : [])));
  const words = args.toLowerCase().replace(/['’]s\b/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.some((w) => !SELF_WORDS.has(w) && !own.has(w));
}

async function chooseElderCommand(deps: FamilyDeps, actor: Actor, args: string): Promise<ActionReply[]> {
  if (actor.account.role === 'elder') return [{ text: "You don't need /elder: I'm always here for your own things. It's for family members who help more than one person." }];
  const linked = await linkedEldersOf(deps.orm.em.fork(), actor.account.id);
  if (linked.length === 0) return [NOBODY_LINKED];
  if (!args) return [chooseElderPrompt(linked)];
  const named = mentionedElders(linked, args);
  // With one elder, "/elder Mum" names them; a name that is not theirs ("/elder Dorothy") is not taken as a nickname.
  const kinship = args.toLowerCase().split(/\s+/).every((w) => RELATIONSHIP.has(w) || TITLES.has(w) || w === 'my' || w === 'our');
  if (named.length === 0 && linked.length === 1 && !kinship) {
    const only = linked[0]!.elder;
    const first = only.name.split(/\s+/)[0] ?? only.name;
    return [{ text: `You are linked to ${only.name}, not to anyone called ${args}. If "${args}" is what you call ${first}, send /elder ${first} ${args}.` }];
  }
  const pick = named.length === 1 ? named[0] : named.length === 0 && linked.length === 1 ? linked[0] : undefined;
  if (!pick) return [chooseElderPrompt(named.length ? named : linked, args)];
  const elder = await chooseElder(deps.orm, { actorAccountId: actor.account.id, elderId: pick.elder.id, nickname: args, now: deps.clock.now() });
  return [{ text: `Okay: I'll answer about ${elder.name}.` }];
}

/** Caregivers first, then family, each by name: the same list however the links were created. */
function byRoleThenName<T extends { name: string; role: string }>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'caregiver' ? -1 : 1));
}

async function removeCommand(deps: FamilyDeps, actor: Actor, args: string): Promise<ActionReply[]> {
  const target = await elderForActor(deps.orm, actor);
  if (target.kind === 'ask') return [chooseElderPrompt(target.options)];
  if (target.kind === 'none') return [{ text: NOT_LINKED_REPLY }];
  const elder = target.linked.elder;
  return repliesUnlessNotLinked(async (): Promise<ActionReply[]> => {
    if (!args) {
      const members = await listMembers(deps.orm, { actorAccountId: actor.account.id, elderId: elder.id });
      const list = byRoleThenName(members).map((m) => `${m.name} (${m.role})`).join(', ') || 'nobody yet';
      return [{ text: `Who should I remove from ${elder.name}'s family circle? Linked now: ${list}. Send /remove NAME.` }];
    }
    const result = await removeMember(deps.orm, { actorAccountId: actor.account.id, elderId: elder.id, name: args, now: deps.clock.now() });
    switch (result.kind) {
      case 'removed':
        await sendMessages(deps.orm, deps.delivery, [{ channel: result.member.channel, chatId: result.member.chatId, accountId: result.member.accountId, text: `You are no longer in ${elder.name}'s family circle.` }]);
        return [{ text: `${result.member.name} is no longer in ${elder.name}'s family circle.` }];
      case 'not_found':
        return [{ text: `I can't find ${args} in ${elder.name}'s family circle. Linked now: ${byRoleThenName(result.members).map((m) => m.name).join(', ') || 'nobody'}.` }];
      case 'ambiguous':
        return [{ text: `More than one person is called ${args}. Please send their full name.` }];
      case 'not_allowed':
        return [{ text: `Sorry, you can't remove ${args}.` }];
    }
  });
}

/** The elder-choice buttons (`elder:<elderId>` or `elder:<elderId>:<nickname>`); only for people linked to that elder. */
export class ElderChoiceButtons implements ButtonAction {
  readonly prefix = 'elder';
  private readonly deps: FamilyDeps;

  constructor(deps: FamilyDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const [, elderId, nickname] = data.split(':');
    if (!elderId) return [{ text: 'Sorry, that button no longer works.' }];
    return repliesUnlessNotLinked(async () => {
      const elder = await chooseElder(this.deps.orm, { actorAccountId: actor.account.id, elderId, ...(nickname ? { nickname } : {}), now: this.deps.clock.now() });
      return [{ text: `Okay: I'll answer about ${elder.name}.` }];
    });
  }
}
