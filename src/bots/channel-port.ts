import type { ChannelName } from '../tasks/elders/channel-account.entity.ts';
import type { ButtonSpec } from '../messaging/message-log.entity.ts';
import type { Lane } from '../messaging/lanes.ts';

/** Who sent something, as the channel knows them. */
export interface Sender {
  channel: ChannelName;
  /** Stable id of the person on the channel. */
  userId: string;
  /** Where the message was written: the private chat, or a group. */
  chatId: string;
  chatType: 'private' | 'group';
  displayName?: string;
}

/** A text (or dictated, or photo caption) message from a person. */
export interface InboundMessage {
  kind: 'message';
  sender: Sender;
  /** The channel's id for this update, used to handle a redelivered update once. */
  updateId: string;
  text: string;
  photo?: string;
}

/** A button pressed under one of the assistant's messages. */
export interface ButtonPress {
  kind: 'button';
  sender: Sender;
  updateId: string;
  /** The data of the pressed button. */
  data: string;
}

/** Anything a channel hands to the assistant. */
export type Inbound = InboundMessage | ButtonPress;

/** A message for a chat, with rows of buttons for choices. */
export interface OutboundMessage {
  chatId: string;
  text: string;
  buttons?: ButtonSpec[][];
  photo?: string;
  /** Its delivery lane, which decides its turn and pace in the channel (default `reminder`: paced as bulk). */
  lane?: Lane;
}

/** The platform refused a call for coming too fast (Telegram's 429), and said when to try again. */
export interface RateLimitEvent {
  method: string;
  retryAfterMs: number;
  chatId?: string;
}

/** A command as a platform's menu shows it: the word without the slash and a few words on what it does. */
export interface MenuCommand {
  name: string;
  description: string;
}

/** What the assistant is and the commands it offers, for platforms that show them before and around a chat. */
export interface BotProfile {
  commands: { private: MenuCommand[]; group: MenuCommand[] };
  description: string;
  shortDescription: string;
}

/** The one interface the pipeline knows about a chat platform; adapters translate to and from it. */
export interface Channel {
  readonly name: ChannelName;
  /** Set when this process can deliver to one chat only (the terminal): its outbound queue is that chat's own. */
  readonly exclusiveChatId?: string;
  /** Starts receiving; every inbound update is handed to `onInbound`. */
  start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void>;
  /**
   * Takes the commands and description to publish (Telegram's command menu and bot description), before `start`.
   * Channels without such things leave it out. Publishing must never hold up or stop the channel.
   */
  useBotProfile?(profile: BotProfile): void;
  /** Delivers one message; throws a ChannelSendError when the platform refuses. */
  send(message: OutboundMessage): Promise<void>;
  /** Pins a page to a private chat where the platform has a place for it (Telegram's menu button); absent elsewhere. */
  setPageMenu?(chatId: string, page: { label: string; url: string }): Promise<void>;
  stop(): Promise<void>;
  /** Tells `listener` of every "too many requests" from the platform, whatever the call (optional). */
  onRateLimited?(listener: (event: RateLimitEvent) => void): void;
}

/** A send failed. `retryable` says whether trying again later can help; `retryAfterMs` when the platform said when. */
export class ChannelSendError extends Error {
  override name = 'ChannelSendError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}
