import type { Channel, Inbound, OutboundMessage } from '../../src/bots/channel-port.ts';
import type { ChannelName } from '../../src/tasks/elders/channel-account.entity.ts';
import { ChannelBlockedError } from '../../src/bots/channel-errors.ts';

/** A channel for tests: inbound messages are injected, outbound ones are recorded. */
export class FakeChannel implements Channel {
  readonly name: ChannelName;
  readonly sent: OutboundMessage[] = [];
  private onInbound: ((inbound: Inbound) => Promise<void>) | undefined;
  private seq = 0;
  /** Chats that have blocked the bot: sends to them are refused as the platform would (403). */
  readonly blocked = new Set<string>();

  constructor(name: ChannelName = 'telegram') {
    this.name = name;
  }

  async start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void> {
    this.onInbound = onInbound;
  }

  async send(message: OutboundMessage): Promise<void> {
    if (this.blocked.has(message.chatId)) throw new ChannelBlockedError('Forbidden: bot was blocked by the user', message.chatId);
    this.sent.push(message);
  }

  async stop(): Promise<void> {
    this.onInbound = undefined;
  }

  /** A person writes in their private chat. */
  async say(userId: string, text: string, updateId = `u${++this.seq}`): Promise<void> {
    await this.onInbound!({ kind: 'message', sender: { channel: this.name, userId, chatId: `chat-${userId}`, chatType: 'private', displayName: 'Margaret' }, updateId, text });
  }

  /** A person presses a button in their private chat. */
  async press(userId: string, data: string, updateId = `u${++this.seq}`): Promise<void> {
    await this.onInbound!({ kind: 'button', sender: { channel: this.name, userId, chatId: `chat-${userId}`, chatType: 'private' }, updateId, data });
  }

  /** Messages sent to one chat. */
  to(chatId: string): OutboundMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  /** Waits until a message matching the predicate has been sent (delivery is asynchronous in scale mode). */
  async waitFor(predicate: (m: OutboundMessage) => boolean, timeoutMs = 10_000): Promise<OutboundMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((m) => m.text))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
