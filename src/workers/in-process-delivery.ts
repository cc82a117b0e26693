import type { MikroORM } from '@mikro-orm/core';
import { MessageLog } from '../messaging/message-log.entity.ts';
import type { DeliveryQueue, OutboundRef } from '../messaging/outbox.ts';
import { DEFAULT_LANE, LANES, isBulkLane, type Lane } from '../messaging/lanes.ts';
import { DeliveryRetryError, type MessageDelivery } from './message-delivery.ts';
import type { Logger } from '../lib/logger.ts';

/** A waiting message as the scheduler keeps it: ids and where it goes only; the database holds the rest. */
interface Waiting {
  id: string;
  channel: string;
  chatKey: string;
  lane: Lane;
  /** Arrival order: within a lane, first come first served (reminders in the order their sweep found them due). */
  seq: number;
  /** Not tried again before this instant (performance.now()): a retry's wait, which is the platform's real time. */
  notBefore: number;
}

/** Sends in flight at once: alerts and replies in one pool, bulk in another, so neither waits for the other's slots. */
export interface DeliveryConcurrency {
  direct: number;
  bulk: number;
}

// The outbox is read again this often for messages written without a hand-off (another process, a crash).
const SCAN_EVERY_MS = 5000;
const SCAN_BATCH = 1000;

/**
 * The embedded mode's delivery: the same lanes as BullMQ's priorities, in memory over the outbox. Retries wait in
 * real time, as BullMQ's do at scale: they follow the platform's pace (retry_after), not the app's clock. Messages are
 * handed in as they are written (and found in the database at start and every few seconds), wait in their lane,
 * and are sent by two pools — alerts and replies, and bulk — each always taking the first message of the
 * highest lane whose chat is not already being sent to. So an alert waits for no reminder beyond those in
 * flight, a chat's messages go one at a time in order, and a busy family group holds up nobody else's turn.
 */
export class InProcessDelivery implements DeliveryQueue {
  private readonly orm: MikroORM;
  private readonly delivery: MessageDelivery;
  private readonly logger: Logger;
  private readonly concurrency: DeliveryConcurrency;
  private readonly known = new Map<string, Waiting>();
  private readonly lanes = new Map<Lane, Waiting[]>(LANES.map((lane) => [lane, []]));
  private delayed: Waiting[] = [];
  private readonly busyChats = new Set<string>();
  private readonly inFlight = { direct: 0, bulk: 0 };
  private readonly sending = new Set<Promise<void>>();
  private readonly bulkHeldUntil = new Map<string, number>();
  private idleWaiters: (() => void)[] = [];
  private seq = 0;
  private lastScan = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Messages sent (or settled for good) so far; the executor's drain watches it for progress. */
  settled = 0;

  constructor(deps: { orm: MikroORM; delivery: MessageDelivery; logger: Logger; concurrency?: Partial<DeliveryConcurrency> }) {
    this.orm = deps.orm;
    this.delivery = deps.delivery;
    this.logger = deps.logger;
    this.concurrency = { direct: 8, bulk: 6, ...deps.concurrency };
  }

  /** Takes written messages into their lanes; with none given, reads the outbox for what is waiting. */
  async enqueueDeliveries(messages: OutboundRef[] = []): Promise<void> {
    if (messages.length === 0) await this.scan();
    for (const m of messages) this.take(m.id, m.channel, m.chatId, m.lane ?? DEFAULT_LANE);
    this.pump();
  }

  /** Starts sending, beginning with what the outbox says is waiting (a crash or a stop left it there). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.scan();
    this.pump();
  }

  /** Stops starting sends and waits for those in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  /** Bulk sends on the channel wait this long (after a 429); alerts and replies go on. */
  holdBulk(channel: string, ms: number): void {
    this.bulkHeldUntil.set(channel, Math.max(this.bulkHeldUntil.get(channel) ?? 0, performance.now() + ms));
  }

  /** Called on a timer: retries whose wait is over go back to their lanes, and the outbox is read every few seconds. */
  async poll(): Promise<void> {
    if (this.stopped) return;
    if (performance.now() - this.lastScan >= SCAN_EVERY_MS) await this.scan();
    this.pump();
  }

  /** Resolves when nothing can be sent now: every message is sent, or waits for a retry or a bulk pause. */
  whenIdle(): Promise<void> {
    this.pump();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Reads the outbox for waiting messages this process can send and has not been handed, lane by lane (so an
   * alert is found however many reminders wait before it).
   */
  async scan(): Promise<void> {
    this.lastScan = performance.now();
    const em = this.orm.em.fork();
    for (const lane of LANES) {
      const rows = await em.find(MessageLog, { direction: 'out', status: 'queued', lane }, { fields: ['id', 'channel', 'chatId', 'lane'], orderBy: { createdAt: 'asc' }, limit: SCAN_BATCH });
      for (const row of rows) this.take(row.id, row.channel, row.chatId, row.lane);
    }
  }

  private take(id: string, channel: string, chatId: string, lane: Lane): void {
    if (this.known.has(id) || !this.delivery.handles(channel)) return;
    const waiting: Waiting = { id, channel, chatKey: `${channel}|${chatId}`, lane, seq: this.seq++, notBefore: 0 };
    this.known.set(id, waiting);
    this.lanes.get(lane)!.push(waiting);
  }

  private pump(): void {
    if (this.stopped) {
      this.notifyIdle();
      return;
    }
    this.release();
    for (const pool of ['direct', 'bulk'] as const) {
      while (this.inFlight[pool] < this.concurrency[pool]) {
        const next = this.pick(pool);
        if (!next) break;
        this.send(next, pool);
      }
    }
    this.arm();
    this.notifyIdle();
  }

  /** Retries whose wait is over go back to their lane, in their place. */
  private release(): void {
    if (this.delayed.length === 0) return;
    const now = performance.now();
    const still: Waiting[] = [];
    for (const w of this.delayed) {
      if (w.notBefore > now) {
        still.push(w);
        continue;
      }
      const lane = this.lanes.get(w.lane)!;
      let at = lane.length;
      while (at > 0 && lane[at - 1]!.seq > w.seq) at--;
      lane.splice(at, 0, w);
    }
    this.delayed = still;
  }

  /** The first message of the highest lane the pool serves whose chat is free (and, for bulk, not paused). */
  private pick(pool: 'direct' | 'bulk'): Waiting | undefined {
    const now = performance.now();
    // LANES is in rank order, first to last.
    for (const lane of LANES) {
      if (isBulkLane(lane) !== (pool === 'bulk')) continue;
      const list = this.lanes.get(lane)!;
      for (let i = 0; i < list.length; i++) {
        const w = list[i]!;
        if (this.busyChats.has(w.chatKey)) continue;
        if (pool === 'bulk' && (this.bulkHeldUntil.get(w.channel) ?? 0) > now) continue;
        list.splice(i, 1);
        return w;
      }
    }
    return undefined;
  }

  private send(w: Waiting, pool: 'direct' | 'bulk'): void {
    this.inFlight[pool]++;
    this.busyChats.add(w.chatKey);
    const sending = this.delivery
      .deliver(w.id)
      .then(
        () => {
          this.known.delete(w.id);
          this.settled++;
        },
        (err: unknown) => {
          if (!(err instanceof DeliveryRetryError)) this.logger.error({ messageId: w.id, err: err instanceof Error ? err.message : String(err) }, 'could not deliver a message; trying again');
          const delayMs = err instanceof DeliveryRetryError ? err.delayMs : 1000;
          if (err instanceof DeliveryRetryError && err.rateLimited && isBulkLane(w.lane)) this.holdBulk(w.channel, delayMs);
          w.notBefore = performance.now() + delayMs;
          this.delayed.push(w);
        },
      )
      .finally(() => {
        this.inFlight[pool]--;
        this.busyChats.delete(w.chatKey);
        this.sending.delete(sending);
        this.pump();
      });
    this.sending.add(sending);
  }

  /** A timer for the next retry; the executor's poll is the backstop. */
  private arm(): void {
    if (this.timer || this.stopped || this.delayed.length === 0) return;
    const next = Math.min(...this.delayed.map((w) => w.notBefore));
    const wait = Math.max(10, next - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.min(wait, 60_000));
    this.timer.unref();
  }

  /** After a pump nothing startable is left unstarted: with nothing in flight, what waits, waits for a retry or a pause. */
  private isIdle(): boolean {
    return this.inFlight.direct + this.inFlight.bulk === 0;
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
