import type { MikroORM } from '@mikro-orm/core';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { ChannelSendError, type Channel } from '../bots/channel-port.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../http/metrics.ts';
import { ChannelBlockedError } from '../bots/channel-errors.ts';
import { ChannelAccount } from '../tasks/elders/channel-account.entity.ts';
import { FamilyCircle } from '../tasks/family/family-circle.entity.ts';
import { Elder } from '../tasks/elders/elder.entity.ts';
import { findFamilyChats } from '../tasks/family/family-notifier.ts';
import { OutboxBatch, type DeliveryQueue } from '../messaging/outbox.ts';

/** A send failed in a way worth retrying; the queue should try again after `delayMs`. */
export class DeliveryRetryError extends Error {
  override name = 'DeliveryRetryError';
  readonly delayMs: number;

  constructor(message: string, delayMs: number) {
    super(message);
    this.delayMs = delayMs;
  }
}

/**
 * Sends one outbox row through its channel and records the result. A row already sent is not sent again;
 * a retryable refusal (rate limit, 5xx) is retried up to `maxAttempts`, then recorded as failed.
 */
export class MessageDelivery {
  private readonly orm: MikroORM;
  private readonly channels: Map<string, Channel>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly metrics: Metrics | undefined;
  private notices: DeliveryQueue | undefined;

  constructor(deps: { orm: MikroORM; channels: Channel[]; clock: Clock; logger: Logger; maxAttempts?: number; metrics?: Metrics }) {
    this.orm = deps.orm;
    this.channels = new Map(deps.channels.map((c) => [c.name, c]));
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.metrics = deps.metrics;
  }

  /** Where messages about a blocked chat go (set once the delivery queue exists). */
  useQueue(queue: DeliveryQueue): void {
    this.notices = queue;
  }

  /** True when this process can send on the channel. */
  handles(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** Delivers the message; returns false when there was nothing to do. */
  async deliver(messageId: string): Promise<boolean> {
    const em = this.orm.em.fork();
    const row = await em.findOne(MessageLog, { id: messageId, direction: 'out' });
    if (!row || row.status !== 'queued') return false;
    const channel = this.channels.get(row.channel);
    if (!channel) throw new DeliveryRetryError(`no ${row.channel} channel in this process`, 1000);
    const attempts = row.attempts + 1;
    try {
      await channel.send({ chatId: row.chatId, text: row.text, ...(row.buttons ? { buttons: row.buttons } : {}), ...(row.photo ? { photo: row.photo } : {}) });
      await em.nativeUpdate(MessageLog, { id: row.id, status: 'queued' }, { status: 'sent', attempts, sentAt: this.clock.now(), error: null });
      this.metrics?.messages.inc({ direction: 'out', channel: row.channel });
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof ChannelBlockedError) {
        await this.chatBlocked(row, attempts, message);
        return false;
      }
      const retryable = !(err instanceof ChannelSendError) || err.retryable;
      if (retryable && attempts < this.maxAttempts) {
        await em.nativeUpdate(MessageLog, { id: row.id, status: 'queued' }, { attempts, error: message });
        const delayMs = err instanceof ChannelSendError && err.retryAfterMs !== undefined ? err.retryAfterMs : 500 * 2 ** (attempts - 1);
        throw new DeliveryRetryError(message, delayMs);
      }
      await em.nativeUpdate(MessageLog, { id: row.id, status: 'queued' }, { status: 'failed', attempts, error: message });
      this.logger.error({ messageId, channel: row.channel, err: message }, 'message could not be delivered');
      return false;
    }
  }

  /**
   * The platform says the bot can no longer write to this chat (blocked, or removed from the group): the
   * message is failed, the accounts of that chat are marked inactive, and someone who can act is told —
   * the family when an elder's chat is lost, the elder when the family group is lost. Each notice is sent once.
   */
  private async chatBlocked(row: MessageLog, attempts: number, message: string): Promise<void> {
    const outbox = new OutboxBatch();
    await this.orm.em.fork().transactional(async (em) => {
      await em.nativeUpdate(MessageLog, { id: row.id, status: 'queued' }, { status: 'failed', attempts, error: message });
      const accounts = await em.find(ChannelAccount, { channel: row.channel, chatId: row.chatId, active: true });
      for (const account of accounts) {
        // Only the delivery that turns the account off tells anyone: two messages refused at once tell once.
        const turnedOff = await em.nativeUpdate(ChannelAccount, { id: account.id, active: true }, { active: false });
        if (turnedOff === 0 || account.role !== 'elder' || !account.elderId) continue;
        const elder = await em.findOne(Elder, { id: account.elderId });
        for (const chat of await findFamilyChats(em, account.elderId)) {
          if (chat.channel === row.channel && chat.chatId === row.chatId) continue;
          outbox.stage(em, {
            channel: chat.channel,
            chatId: chat.chatId,
            elderId: account.elderId,
            accountId: chat.accountId,
            text: `I can no longer reach ${elder?.name ?? 'your relative'} on ${row.channel}: the chat was blocked or closed. Messages and reminders will not arrive until they write to me again. Please check on them.`,
            idempotencyKey: `blocked:${account.id}:${chat.key}:${row.id}`,
          });
        }
      }
      const circle = await em.findOne(FamilyCircle, { channel: row.channel, groupChatId: row.chatId });
      if (circle) {
        const elderAccount = await em.findOne(ChannelAccount, { elderId: circle.elderId, role: 'elder', active: true });
        if (elderAccount) {
          outbox.stage(em, {
            channel: elderAccount.channel,
            chatId: elderAccount.chatId,
            elderId: circle.elderId,
            accountId: elderAccount.id,
            text: 'I can no longer write in your family group. Please ask your family to add me again.',
            idempotencyKey: `blocked:circle:${circle.id}:${this.clock.now().toISOString().slice(0, 10)}`,
          });
        }
      }
    });
    this.logger.warn({ messageId: row.id, channel: row.channel }, 'chat blocked the assistant; accounts marked inactive');
    if (this.notices) await outbox.dispatch(this.notices);
  }
}
