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
