import type { MikroORM } from '@mikro-orm/core';
import type { ActionReply, Actor, ChatCommand, ChatCommandRegistry, ChatType, CommandSender, CommandUser } from './button-actions.ts';
import { Elder } from './elders/elder.entity.ts';
import { FamilyCircle } from './family/family-circle.entity.ts';
import { roleFor } from './family/access.ts';
import { linkedEldersOf, type LinkedElder } from './family/family-members.ts';

/**
 * What the assistant is, for people who have not pressed Start yet: Telegram's bot description (shown in the
 * empty chat, at most 512 characters) and short description (on the bot's profile and when it is shared, at
 * most 120). Plain words, like everything the assistant says.
 */
export const ABOUT_THE_ASSISTANT = {
  description:
    'Hello! I help older people with everyday things: reminders for medicines and appointments, booking a table or a hair appointment, ' +
    'and passing news to the family, who are told if something goes wrong. Just write to me in your own words; I check with you before I do anything.\n\n' +
    'Press Start to begin. Family and caregivers: send /join with the invite code you were given.',
  shortDescription: 'Reminders, medicines, bookings and family news for older people, in plain words.',
} as const;

/** What an elder can say, one of each kind of thing the assistant does for her. */
const ELDER_EXAMPLES = ['Remind me to call Sarah tomorrow at 5pm', 'Add Metformin 500mg at 8am and 8pm', 'Book a table at the Red Lion for 2 on Friday at 7pm', 'What do I have this week?'];

/** Questions a family member (or a caregiver) can ask about an elder. */
const familyExamples = (name: string): string[] => [`Did ${name} take the pills today?`, `What's ${name} doing this week?`, `When is ${name}'s next booking?`];

/** What a caregiver can arrange for an elder, and ask. */
const caregiverExamples = (name: string): string[] => [`Remind ${name} to call the surgery tomorrow at 10am`, `Add Donepezil 5mg for ${name} at 9pm`, `Did ${name} take the pills today?`, `When is ${name}'s next booking?`];

const HELLO = 'Hello! I help older people with reminders, medicines and bookings, and keep their family in the loop.';
const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? name;
const bullets = (lines: string[]): string => lines.map((l) => `• ${l}`).join('\n');
const names = (linked: LinkedElder[]): string => {
  const all = linked.map((l) => l.elder.name);
  return all.length > 1 ? `${all.slice(0, -1).join(', ')} and ${all.at(-1)!}` : (all[0] ?? '');
};

/** Who is asking for help, and about whom: decides the examples and which commands are listed. */
type HelpView =
  | { kind: 'elder' }
  | { kind: 'linked'; role: 'caregiver' | 'family'; linked: LinkedElder[] }
  | { kind: 'newcomer' }
  | { kind: 'group-unlinked' }
  | { kind: 'group-circle'; role: 'elder' | 'caregiver' | 'family'; elder: Elder };

async function viewOf(orm: MikroORM, sender: CommandSender, actor: Actor | null): Promise<HelpView> {
  const em = orm.em.fork();
  if (sender.chatType === 'group') {
    const circle = await em.findOne(FamilyCircle, { channel: sender.channel, groupChatId: sender.chatId });
    if (!circle) return { kind: 'newcomer' };
    const role = actor ? await roleFor(em, actor.account.id, circle.elderId) : null;
    const elder = role ? await em.findOne(Elder, { id: circle.elderId }) : null;
    // Someone in the group who is not linked is told how to be, and nothing about the elder.
    return role && elder ? { kind: 'group-circle', role, elder } : { kind: 'group-unlinked' };
  }
  if (!actor) return { kind: 'newcomer' };
  if (actor.account.role === 'elder' && actor.elder) return { kind: 'elder' };
  const linked = await linkedEldersOf(em, actor.account.id);
  if (linked.length === 0) return { kind: 'newcomer' };
  return { kind: 'linked', role: linked.some((l) => l.role === 'caregiver') ? 'caregiver' : 'family', linked };
}

/** The words of the help, before the list of commands. */
function introOf(view: HelpView, chat: ChatType): string {
  switch (view.kind) {
    case 'elder':
      return `Just write to me in your own words. For example:\n${bullets(ELDER_EXAMPLES)}\nIf something is wrong, tell me straight away and I'll alert your family.`;
    case 'linked': {
      const caregiverOf = view.linked.find((l) => l.role === 'caregiver')?.elder;
      const name = firstName((caregiverOf ?? view.linked[0]!.elder).name);
      if (view.role === 'family') return `You're linked to ${names(view.linked)}. Ask me, for example:\n${bullets(familyExamples(name))}`;
      return (
        `You're linked to ${names(view.linked)}. Ask me or arrange things, for example:\n${bullets(caregiverExamples(name))}\n` +
        `I read back what you arrange and wait for your yes, and I tell ${name} who arranged it.`
      );
    }
    case 'newcomer':
      return chat === 'group'
        ? `${HELLO} The elder or their caregiver gets an invite code with /invite in a private chat with me.`
        : HELLO;
    case 'group-unlinked':
      return 'I answer the people linked to this family circle. To be linked, ask for an invite code and send it to me in a private chat with /join.';
    case 'group-circle': {
      const name = firstName(view.elder.name);
      if (view.role === 'elder') return "This is your family group: I share your news and alerts here, and your family can ask me how you're doing. For your own things, write to me in a private chat.";
      const examples = view.role === 'caregiver' ? caregiverExamples(name) : familyExamples(name);
      return `This is ${view.elder.name}'s family circle. Ask me here, for example:\n${bullets(examples)}`;
    }
  }
}

/** Whose commands a view lists; none for someone in a family group who is not linked to it. */
function userOf(view: HelpView): CommandUser | null {
  switch (view.kind) {
    case 'elder':
      return 'elder';
    case 'linked':
    case 'group-circle':
      return view.role;
    case 'newcomer':
      return 'newcomer';
    case 'group-unlinked':
      return null;
  }
}

/**
 * `/help`: three or four things to say, and the commands for the person asking, in the chat they asked in
 * (an elder; a caregiver; a family member; someone not linked yet; a family group). The commands come from the
 * registry's own descriptions, so a new command is listed once it is registered. "/help" followed by words is
 * not this command: the words go to the assistant (and its safety screen) like any message.
 */
export function helpCommand(deps: { orm: MikroORM; commands: ChatCommandRegistry }): ChatCommand {
  return {
    name: 'help',
    description: 'What I can do, with examples',
    audience: { chats: ['private', 'group'], people: ['elder', 'caregiver', 'family', 'newcomer'] },
    takesArgs: false,
    handle: async (_args, sender, actor): Promise<ActionReply[]> => {
      const view = await viewOf(deps.orm, sender, actor);
      const user = userOf(view);
      const commands = user ? deps.commands.offered(sender.chatType, user).filter((c) => c.name !== 'help') : [];
      const list = commands.map((c) => `/${c.name} – ${c.description}`).join('\n');
      return [{ text: list ? `${introOf(view, sender.chatType)}\n\nYou can also send:\n${list}` : introOf(view, sender.chatType) }];
    },
  };
}
