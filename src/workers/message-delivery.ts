import type { EntityManager, FilterQuery, MikroORM } from '@mikro-orm/core';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { ChannelSendError, type Channel } from '../bots/channel-port.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../http/metrics.ts';
import { ChannelBlockedError, ChannelPacedError, ChannelRateLimitedError } from '../bots/channel-errors.ts';
import type { Lane } from '../messaging/lanes.ts';
import { OutboxClaims } from './outbox-claims.ts';
import { ChannelAccount } from '../tasks/elders/channel-account.entity.ts';
import { FamilyCircle } from '../tasks/family/family-circle.entity.ts';
import { Elder } from '../tasks/elders/elder.entity.ts';
import { findFamilyChats } from '../tasks/family/family-notifier.ts';
import { OutboxBatch, type DeliveryQueue } from '../messaging/outbox.ts';

/** A send failed in a way worth retrying; the queue should try again after `delayMs`. */
export class DeliveryRetryError extends Error {
  override name = 'DeliveryRetryError';
  readonly delayMs: number;
  /** The platform said "too many requests": bulk sending should pause for `delayMs` too. */
  readonly rateLimited: boolean;

  constructor(message: string, delayMs: number, rateLimited = false) {
    super(message);
    this.delayMs = delayMs;
    this.rateLimited = rateLimited;
  }
}

// How long a sender's claim on a row lasts: longer than any send takes (a pacing wait is at most seconds).
const CLAIM_MS = 60_000;
// Messages carried along before one message in a pass (older ones of its chat).
const CARRY_BATCH = 20;

/**
 * Sends one outbox row through its channel and records the result. A row is sent by one sender at a time (a
 * claim in the database), never again once sent, and only after the messages written before it for the same
 * chat — a later message finds them still waiting and carries them along first, in its own lane — so a
 * read-back never overtakes what came before it; only an alert goes ahead of its chat's queue. A message due at
 * a time that goes out more than LATE_NOTICE_MINUTES late says so (its `lateText`). Failures that a retry can
 * fix are retried up to `maxAttempts`; a 429 or the channel's own pacing uses up no attempt.
 */
export class MessageDelivery {
  private readonly orm: MikroORM;
  private readonly channels: Map<string, Channel>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly lateNoticeMs: number;
  private readonly metrics: Metrics | undefined;
  private readonly claims: OutboxClaims;
  private notices: DeliveryQueue | undefined;

  constructor(deps: { orm: MikroORM; channels: Channel[]; clock: Clock; logger: Logger; maxAttempts?: number; lateNoticeMinutes?: number; metrics?: Metrics }) {
    this.orm = deps.orm;
    this.channels = new Map(deps.channels.map((c) => [c.name, c]));
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.lateNoticeMs = (deps.lateNoticeMinutes ?? 5) * 60_000;
    this.metrics = deps.metrics;
    this.claims = new OutboxClaims(deps.orm);
  }

  /** Where messages about a blocked chat go (set once the delivery queue exists). */
  useQueue(queue: DeliveryQueue): void {
    this.notices = queue;
  }

  /** True when this process can send on the channel. */
  handles(channel: string): boolean {
    return this.channels.has(channel);
  }

  /**
   * Delivers the message, after any older ones still waiting for its chat; returns false when there was nothing
   * to do (already sent, failed for good, or gone). Throws DeliveryRetryError when it should be tried again later.
   */
  async deliver(messageId: string): Promise<boolean> {
    for (let pass = 0; pass < 3; pass++) {
      const now = this.clock.now();
      const until = new Date(now.getTime() + CLAIM_MS);
      const claimed = await this.claims.claimInTurn(messageId, now, until);
      if (claimed) return this.sendClaimed(claimed, claimed.lane, until);
      const row = await this.orm.em.fork().findOne(MessageLog, { id: messageId, direction: 'out' });
      if (!row || row.status !== 'queued') return false;
      if (row.sendingUntil && row.sendingUntil > now) throw new DeliveryRetryError(`message ${messageId} is being sent by another sender`, 1000);
      for (const earlier of await this.claims.waitingBefore(row, CARRY_BATCH)) {
        const carried = await this.claims.claim(earlier.id, now, until);
        if (!carried) {
          const current = await this.orm.em.fork().findOne(MessageLog, { id: earlier.id }, { fields: ['status'] });
          if (current?.status === 'queued') throw new DeliveryRetryError(`an earlier message of chat ${row.chatId} is being sent`, 500);
          continue;
        }
        await this.sendClaimed(carried, row.lane, until);
      }
    }
    throw new DeliveryRetryError(`earlier messages of message ${messageId}'s chat are still waiting`, 500);
  }

  /** Sends a row this sender claimed until `until`, paced as `lane`, and records what came of it. */
  private async sendClaimed(row: MessageLog, lane: Lane, until: Date): Promise<boolean> {
    const em = this.orm.em.fork();
    const mine = { id: row.id, status: 'queued' as const, sendingUntil: until };
    const channel = this.channels.get(row.channel);
    if (!channel) {
      await em.nativeUpdate(MessageLog, mine, { sendingUntil: null });
      throw new DeliveryRetryError(`no ${row.channel} channel in this process`, 1000);
    }
    const attempts = row.attempts + 1;
    const lateText = row.dueAt && row.lateText && this.clock.now().getTime() - row.dueAt.getTime() > this.lateNoticeMs ? row.lateText : undefined;
    const text = lateText ?? row.text;
    try {
      await channel.send({ chatId: row.chatId, text, lane, ...(row.buttons ? { buttons: row.buttons } : {}), ...(row.photo ? { photo: row.photo } : {}) });
    } catch (err) {
      return this.sendFailed(row, attempts, err, em, mine);
    }
    // Outside the try: a database error here must not count as a failed send (the message went out); the claim
    // then runs out and the row is sent again, as after a crash at this point.
    const sentAt = this.clock.now();
    await em.nativeUpdate(MessageLog, mine, { status: 'sent', attempts, sentAt, error: null, sendingUntil: null, ...(lateText ? { text } : {}) });
    this.metrics?.messages.inc({ direction: 'out', channel: row.channel });
    if (row.dueAt) this.metrics?.reminderLateness.observe(Math.max(0, sentAt.getTime() - row.dueAt.getTime()) / 1000);
    return true;
  }

  /** Records a refused send: retried later (DeliveryRetryError), or failed for good (false). */
  private async sendFailed(row: MessageLog, attempts: number, err: unknown, em: EntityManager, mine: FilterQuery<MessageLog>): Promise<boolean> {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ChannelBlockedError) {
      await this.chatBlocked(row, attempts, message);
      return false;
    }
    // Not the message's fault: Telegram's 429, or the channel holding it back for its chat or for bulk pacing.
    if (err instanceof ChannelRateLimitedError || err instanceof ChannelPacedError) {
      const rateLimited = err instanceof ChannelRateLimitedError;
      await em.nativeUpdate(MessageLog, mine, { sendingUntil: null, ...(rateLimited ? { error: message } : {}) });
      throw new DeliveryRetryError(message, err.retryAfterMs ?? 1000, rateLimited);
    }
    const retryable = !(err instanceof ChannelSendError) || err.retryable;
    if (retryable && attempts < this.maxAttempts) {
      await em.nativeUpdate(MessageLog, mine, { attempts, error: message, sendingUntil: null });
      const delayMs = err instanceof ChannelSendError && err.retryAfterMs !== undefined ? err.retryAfterMs : 500 * 2 ** (attempts - 1);
      throw new DeliveryRetryError(message, delayMs);
    }
    await em.nativeUpdate(MessageLog, mine, { status: 'failed', attempts, error: message, sendingUntil: null });
    this.logger.error({ messageId: row.id, channel: row.channel, err: message }, 'message could not be delivered');
    return false;
  }

  /**
   * The platform says the bot can no longer write to this chat (blocked, or removed from the group): the
   * message is failed, the accounts of that chat are marked inactive, and someone who can act is told —
   * the family when an elder's chat is lost, the elder when the family group is lost. Each notice is sent once.
   */
  private async chatBlocked(row: MessageLog, attempts: number, message: string): Promise<void> {
    const outbox = new OutboxBatch();
    await this.orm.em.fork().transactional(async (em) => {
      await em.nativeUpdate(MessageLog, { id: row.id, status: 'queued' }, { status: 'failed', attempts, error: message, sendingUntil: null });
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
            lane: 'escalation',
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
            lane: 'escalation',
          });
        }
      }
    });
    this.logger.warn({ messageId: row.id, channel: row.channel }, 'chat blocked the assistant; accounts marked inactive');
    if (this.notices) await outbox.dispatch(this.notices);
  }
}
