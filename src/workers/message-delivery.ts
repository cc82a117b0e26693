import type { MikroORM } from '@mikro-orm/core';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { ChannelSendError, type Channel } from '../bots/channel-port.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../http/metrics.ts';

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

  constructor(deps: { orm: MikroORM; channels: Channel[]; clock: Clock; logger: Logger; maxAttempts?: number; metrics?: Metrics }) {
    this.orm = deps.orm;
    this.channels = new Map(deps.channels.map((c) => [c.name, c]));
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.metrics = deps.metrics;
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
}
