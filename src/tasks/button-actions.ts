import type { ButtonSpec } from '../messaging/message-log.entity.ts';
import type { ChannelAccount, Role } from './elders/channel-account.entity.ts';
import type { Elder } from './elders/elder.entity.ts';

/** A message said back to whoever pressed a button or typed a command. */
export interface ActionReply {
  text: string;
  buttons?: ButtonSpec[][];
}

/** Who pressed: their account, the elder their conversation is about (if any), and the chat they pressed in. */
export interface Actor {
  account: ChannelAccount;
  elder: Elder | null;
  chat: { channel: ChannelAccount['channel']; chatId: string; chatType: 'private' | 'group' };
}

/**
 * A domain's buttons: button data starting with `prefix + ':'` is handed to `handle`. The handler must check
 * that the actor is linked to the elder the button is about, and must be safe to press twice.
 */
export interface ButtonAction {
  readonly prefix: string;
  handle(data: string, actor: Actor): Promise<ActionReply[]>;
}

/** All domain button handlers, by prefix. */
export class ButtonActionRegistry {
  private readonly actions = new Map<string, ButtonAction>();

  register(action: ButtonAction): this {
    this.actions.set(action.prefix, action);
    return this;
  }

  /** The handler for a button's data, if its prefix is known. */
  find(data: string): ButtonAction | undefined {
    const prefix = data.split(':', 1)[0] ?? '';
    return this.actions.get(prefix);
  }
}

/** The kinds of chat a command is typed in. */
export type ChatType = 'private' | 'group';

/** Whom a command is for: a role around an elder, or a newcomer (someone not linked to anyone yet). */
export type CommandUser = Role | 'newcomer';

/**
 * Where a command is offered and to whom. The platforms' command menus and `/help` are built from this, so a
 * new command shows up in both once it is registered. It says nothing about permission: handlers still check.
 */
export interface CommandAudience {
  readonly chats: readonly ChatType[];
  readonly people: readonly CommandUser[];
}

/** A slash command ("/invite", "/join CODE", "/link CODE", "/export", "/forget"), typed in a private chat or a group. */
export interface ChatCommand {
  /** The command word without the slash, lowercase. */
  readonly name: string;
  /** What it does in a few plain words, for the command menu and `/help` ("Your medicines, to pause or stop one"). */
  readonly description: string;
  readonly audience: CommandAudience;
  /**
   * False when words after the command mean it was not meant as one: "/help I've fallen" is a message for the
   * assistant (and its safety screen), not a request for the help text. Default true.
   */
  readonly takesArgs?: boolean;
  /**
   * Handles the command. `actor` is null when the sender has never written before (a family member redeeming
   * an invite code, a group being linked): the command decides whether to register them.
   */
  handle(args: string, sender: CommandSender, actor: Actor | null): Promise<ActionReply[]>;
}

/** Who typed a command, as the channel knows them. */
export interface CommandSender {
  channel: ChannelAccount['channel'];
  userId: string;
  chatId: string;
  chatType: ChatType;
  displayName?: string;
}

/** Commands every menu starts with, whatever order they were registered in. */
const LEADING_COMMANDS = ['start', 'help'];

/** All chat commands by name. */
export class ChatCommandRegistry {
  private readonly commands = new Map<string, ChatCommand>();

  register(command: ChatCommand): this {
    this.commands.set(command.name, command);
    return this;
  }

  /** Parses "/join@MyBot ABC-DEF" into the command and its arguments, when the command is known. */
  match(text: string): { command: ChatCommand; args: string } | undefined {
    const m = /^\/([a-z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
    if (!m) return undefined;
    const command = this.commands.get(m[1]!.toLowerCase());
    const args = (m[2] ?? '').trim();
    if (!command || (args && command.takesArgs === false)) return undefined;
    return { command, args };
  }

  /**
   * The commands offered in a kind of chat, to anyone or to one kind of person: /start and /help first, then
   * in the order they were registered.
   */
  offered(chat: ChatType, user?: CommandUser): ChatCommand[] {
    const all = [...this.commands.values()].filter((c) => c.audience.chats.includes(chat) && (user === undefined || c.audience.people.includes(user)));
    const rank = (c: ChatCommand): number => {
      const i = LEADING_COMMANDS.indexOf(c.name);
      return i < 0 ? LEADING_COMMANDS.length : i;
    };
    return all.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map(({ c }) => c);
  }
}
