import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Inbound } from './channel-port.ts';
import type { Assistant, Reply } from '../agent/assistant.ts';
import { recentConversation } from '../agent/conversation-history.ts';
import type { ElderDirectory } from '../tasks/elders/elder-directory.ts';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { nextMessageTime, outboundRow, type DeliveryQueue } from '../messaging/outbox.ts';
import type { Logger } from '../lib/logger.ts';
import { screenMessage } from '../agent/safety/screen.ts';
import type { ActionReply, Actor, ButtonActionRegistry, ChatCommandRegistry } from '../tasks/button-actions.ts';

/**
 * Conversations that are not an elder talking about themself: family members and caregivers asking about
 * their elder ("did Mum take her pills today?"), group chats, and an elder still being onboarded.
 * Returns null to let the assistant answer.
 */
export interface Conversations {
  handle(actor: Actor, text: string): Promise<ActionReply[] | null>;
  /** The question an elder in the middle of onboarding still has to answer (asked again after the assistant's answer). */
  pendingQuestion?(actor: Actor): Promise<Reply | null>;
}
import type { Metrics } from '../http/metrics.ts';

/** Messages longer than this are not read; the sender is asked to say it in fewer words. */
export const MAX_INBOUND_CHARS = 2000;

// Control characters other than tab and newline are removed before anything reads the text.
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Telegram caps a first name at 64 characters; a longer display name is cut there (never inside an emoji). */
const MAX_DISPLAY_NAME_CHARS = 64;

/**
 * The update with control characters removed from everything a person chose: the text, the button data and
 * the display name. A name is stored and written into messages (a NUL in it breaks SQLite's and Postgres's
 * text), and forged button data reaches lookups.
 */
function withoutControlCharacters(inbound: Inbound): Inbound {
  const name = inbound.sender.displayName === undefined ? undefined : Array.from(inbound.sender.displayName.replace(CONTROL, '').replace(/\s+/g, ' ').trim()).slice(0, MAX_DISPLAY_NAME_CHARS).join('').trim();
  const { channel, userId, chatId, chatType } = inbound.sender;
  const sender = { channel, userId, chatId, chatType, ...(name ? { displayName: name } : {}) };
  return inbound.kind === 'message' ? { ...inbound, sender, text: inbound.text.replace(CONTROL, '') } : { ...inbound, sender, data: inbound.data.replace(CONTROL, '') };
}

/**
 * Takes every inbound update from every channel: handles a redelivered update once (its id is a unique
 * key in the message log), logs it, finds or registers the sender, asks the assistant, and puts the
 * replies in the outbox. Channels call `route`; nothing here knows a platform.
 */
export class MessageRouter {
  private readonly orm: MikroORM;
  private readonly directory: ElderDirectory;
  private readonly assistant: Assistant;
  private readonly delivery: DeliveryQueue;
  private readonly commands: ChatCommandRegistry | undefined;
  private readonly buttons: ButtonActionRegistry | undefined;
  private readonly conversations: Conversations | undefined;
  private readonly logger: Logger;
  private readonly metrics: Metrics | undefined;

  constructor(deps: { orm: MikroORM; directory: ElderDirectory; assistant: Assistant; delivery: DeliveryQueue; commands?: ChatCommandRegistry; buttons?: ButtonActionRegistry; conversations?: Conversations; logger: Logger; metrics?: Metrics }) {
    this.commands = deps.commands;
    this.buttons = deps.buttons;
    this.conversations = deps.conversations;
    this.orm = deps.orm;
    this.directory = deps.directory;
    this.assistant = deps.assistant;
    this.delivery = deps.delivery;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
  }

  /** Handles one inbound update; never throws (a failure is logged and the sender told simply). */
  async route(raw: Inbound): Promise<void> {
    const inbound = withoutControlCharacters(raw);
    const { sender } = inbound;
    const chat = { channel: sender.channel, chatId: sender.chatId, chatType: sender.chatType };
    this.metrics?.messages.inc({ direction: 'in', channel: sender.channel });
    try {
      const text = (inbound.kind === 'message' ? inbound.text : `[button] ${inbound.data}`).trim();
      const command = inbound.kind === 'message' ? this.commands?.match(text) : undefined;
      // A first private message registers an elder, unless it is a command (a family member redeeming a code).
      const known =
        (await this.directory.find(sender.channel, sender.userId)) ??
        (sender.chatType === 'private' && !command
          ? await this.directory.registerElder({ channel: sender.channel, userId: sender.userId, chatId: sender.chatId, ...(sender.displayName ? { displayName: sender.displayName } : {}) })
          : null);
      if (known && !known.account.active && sender.chatType === 'private' && sender.chatId === known.account.chatId) {
        await this.directory.markReachable(known.account.id);
        known.account.active = true;
      }
      const elderId = known?.elder?.id ?? null;
      const history = elderId ? await recentConversation(this.orm, chat) : [];
      if (!(await this.logInbound(inbound, text.slice(0, MAX_INBOUND_CHARS), elderId, known?.account.id ?? null))) {
        this.logger.info({ channel: sender.channel, updateId: inbound.updateId }, 'duplicate update ignored');
        return;
      }
      const actor = known ? { account: known.account, elder: known.elder, chat } : null;
      // Danger in an elder's own words goes to the assistant before anything else (even an onboarding question).
      const elderInDanger = inbound.kind === 'message' && actor?.account.role === 'elder' && Boolean(known?.elder) && screenMessage(text).grade !== 'none';
      const conversationReplies =
        !command && actor && !elderInDanger && inbound.kind === 'message' && text.length <= MAX_INBOUND_CHARS ? await this.conversations?.handle(actor, text) : null;
      let replies: Reply[];
      if (command) {
        replies = await command.command.handle(command.args, { channel: sender.channel, userId: sender.userId, chatId: sender.chatId, chatType: sender.chatType, ...(sender.displayName ? { displayName: sender.displayName } : {}) }, actor);
      } else if (conversationReplies) {
        replies = conversationReplies;
      } else if (inbound.kind === 'button' && actor && !actor.elder) {
        // Family members and caregivers press buttons too ("I'm on it", "I'll check", which elder they mean).
        const action = this.buttons?.find(inbound.data);
        replies = action
          ? await action.handle(inbound.data, actor)
          : ((await this.assistant.answerForCaregiver(actor, inbound.data)) ?? [{ text: 'Sorry, that button no longer works.' }]);
      } else if (!known?.elder) {
        // In a group the bot only speaks when spoken to by someone it knows; in private it says what it is.
        replies =
          sender.chatType === 'group'
            ? []
            : [{ text: 'Hello! I help older people with reminders, medicines and bookings. Ask them to add me to their family group with an invite code.' }];
      } else if (inbound.kind === 'message' && text.length === 0 && !inbound.photo) {
        replies = [{ text: 'I did not catch any words there. Could you type your message?' }];
      } else if (inbound.kind === 'message' && text.length > MAX_INBOUND_CHARS) {
        replies = [{ text: 'That is a very long message. Could you tell me in a few words what you would like?' }];
      } else {
        replies = await this.assistant.handle({
          elder: known.elder,
          account: known.account,
          chat,
          history,
          input: inbound.kind === 'message' ? { kind: 'text', text } : { kind: 'button', data: inbound.data },
        });
        // She asked for something in the middle of onboarding: once the assistant has no question of its own
        // open, the onboarding's question comes back (one question at a time).
        const last = replies.at(-1);
        if (actor && known.elder.onboardingStep !== null && last && !last.buttons && !last.text.includes('?')) {
          const question = await this.conversations?.pendingQuestion?.(actor);
          if (question) replies = [...replies, question];
        }
      }
      await this.reply(chat, elderId, replies);
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err), channel: sender.channel }, 'could not handle a message');
      await this.reply(chat, null, [{ text: 'Sorry, something went wrong on my side. Please try again in a minute.' }]).catch(() => undefined);
    }
  }

  private async logInbound(inbound: Inbound, text: string, elderId: string | null, accountId: string | null): Promise<boolean> {
    // One INSERT on its own (no unit of work, no BEGIN/COMMIT around a single row): the unique key decides a replay.
    try {
      await this.orm.em.fork().insert(MessageLog, {
        id: randomUUID(),
        direction: 'in',
        channel: inbound.sender.channel,
        chatId: inbound.sender.chatId,
        elderId,
        accountId,
        text,
        buttons: null,
        photo: inbound.kind === 'message' ? (inbound.photo ?? null) : null,
        status: 'received',
        idempotencyKey: `in:${inbound.sender.channel}:${inbound.sender.chatId}:${inbound.updateId}`,
        attempts: 0,
        error: null,
        createdAt: new Date(),
        sentAt: null,
      });
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  private async reply(chat: { channel: MessageLog['channel']; chatId: string; chatType?: string }, elderId: string | null, replies: Reply[]): Promise<void> {
    if (replies.length === 0) return;
    // The replies in one INSERT (no unit of work: nothing else commits with them), then handed to delivery in the
    // reply lane: the person just wrote, so they are not held to the bulk rate.
    // A millisecond apart, so that the replies read back (and are delivered) in the order they were said.
    const rows = replies.map((r) => ({
      ...outboundRow({ channel: chat.channel, chatId: chat.chatId, elderId, text: r.text, ...(r.buttons ? { buttons: r.buttons } : {}), lane: 'reply' }),
      createdAt: nextMessageTime(),
    }));
    await this.orm.em.fork().insertMany(MessageLog, rows);
    await this.delivery.enqueueDeliveries(rows);
  }
}
