import { ChannelSendError } from './channel-port.ts';

/**
 * The person can no longer be reached on the channel: they blocked the bot, deleted their account, or removed
 * it from the group (Telegram answers 403). Retrying cannot help; the delivery side should mark the account
 * inactive and tell the family.
 */
export class ChannelBlockedError extends ChannelSendError {
  override name = 'ChannelBlockedError';
  /** The chat that refused the message. */
  readonly chatId: string;

  constructor(message: string, chatId: string) {
    super(message, false);
    this.chatId = chatId;
  }
}

/**
 * The platform said "too many requests" (Telegram's 429) and when to try again. Not the message's fault: the
 * delivery tries again after `retryAfterMs` without counting an attempt, and bulk sending slows down.
 */
export class ChannelRateLimitedError extends ChannelSendError {
  override name = 'ChannelRateLimitedError';
  /** The platform call that was refused (sendMessage, sendPhoto). */
  readonly method: string;

  constructor(message: string, method: string, retryAfterMs: number) {
    super(message, true, retryAfterMs);
    this.method = method;
  }
}

/**
 * The channel's own pacing holds the message back (its chat had its share for now, or bulk sending waits): it
 * is handed back to the queue to try after `retryAfterMs`, so the sender can serve other chats meanwhile.
 */
export class ChannelPacedError extends ChannelSendError {
  override name = 'ChannelPacedError';

  constructor(message: string, retryAfterMs: number) {
    super(message, true, retryAfterMs);
  }
}
