import { ChannelPacedError } from '../channel-errors.ts';
import { DEFAULT_LANE, LANE_RANK, isBulkLane, type Lane } from '../../messaging/lanes.ts';

/** At most `max` messages may start within any `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * The limits a bot's sends are paced to: the bot-wide rate for bulk notifications (and alerts), one for paid
 * broadcasts, and the per-chat and per-group rates every send keeps.
 */
export interface SendLimits {
  bot: RateLimit;
  privateChat: RateLimit;
  group: RateLimit;
  /** The bot-wide rate of sends with allow_paid_broadcast (Telegram allows up to 1,000/s). */
  paid: RateLimit;
}

/** How long a send may wait for its turn before it is handed back to the queue (with the wait) instead. */
export interface WaitBounds {
  /** For a turn of the bot-wide rate (or the end of a bulk pause). */
  maxWaitMs: number;
  /** For its own chat's turn: longer waits are handed back at once, so one busy group holds no sender up. */
  maxChatWaitMs: number;
}

/** The recent sends of one key: when each finished (Infinity while in flight). */
class SendWindow {
  private readonly limit: RateLimit;
  private ends: { end: number }[] = [];

  constructor(limit: RateLimit) {
    this.limit = limit;
  }

  /**
   * The earliest time a new send may start so that no `max + 1` sends fall within one window as Telegram sees
   * them: counted from when earlier sends finished, which is after Telegram received them, whatever the latency.
   */
  nextStart(now: number): number {
    this.ends = this.ends.filter((e) => e.end + this.limit.windowMs > now);
    if (this.ends.length < this.limit.max) return now;
    const sorted = this.ends.map((e) => e.end).sort((a, b) => b - a);
    return sorted[this.limit.max - 1]! + this.limit.windowMs;
  }

  begin(): { end: number } {
    const entry = { end: Number.POSITIVE_INFINITY };
    this.ends.push(entry);
    return entry;
  }

  get idle(): boolean {
    return this.ends.length === 0;
  }
}

interface Waiter {
  chatId: string;
  rank: number;
  seq: number;
  /** Which bot-wide window it must fit in: the free one (bulk, alerts), the paid one, or none (replies). */
  window: 'free' | 'paid' | undefined;
  bulk: boolean;
  deadline: number;
  resolve(release: () => void): void;
  reject(err: Error): void;
}

/**
 * Grants sends their turn under Telegram's limits, one pacer per process. Waiting sends are served lane first
 * (an alert before a reply before a reminder), then in arrival order, and one timer wakes the list at the next
 * time any of them may go. Every send keeps its chat's limit; bulk sends and alerts also share the bot-wide rate
 * (replies to someone who just wrote are not held to it); bulk waits out a pause after any 429. A send whose
 * chat will not be free soon is handed back at once as a ChannelPacedError carrying the wait.
 */
export class SendPacer {
  private readonly limits: SendLimits;
  private readonly free: SendWindow;
  private readonly paid: SendWindow;
  private readonly chats = new Map<string, SendWindow>();
  private readonly heldUntil = new Map<string, number>();
  private bulkHeldUntil = 0;
  private waiting: Waiter[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private lastSweep = 0;

  constructor(limits: SendLimits) {
    this.limits = limits;
    this.free = new SendWindow(limits.bot);
    this.paid = new SendWindow(limits.paid);
  }

  /**
   * Waits for a turn to send to the chat in the lane (`paid`: a bulk send with allow_paid_broadcast); the
   * returned function must be called when the send has finished.
   */
  acquire(chatId: string, lane: Lane = DEFAULT_LANE, bounds: WaitBounds, paid = false): Promise<() => void> {
    const now = performance.now();
    // Infinite while the chat's window is full of sends in flight: those end soon, so that is no reason to refuse.
    const chatWait = this.chatReadyAt(chatId, now) - now;
    if (Number.isFinite(chatWait) && chatWait > bounds.maxChatWaitMs) return Promise.reject(paced(chatWait, 'its chat had its share for now'));
    const bulk = isBulkLane(lane);
    const window = bulk ? (paid ? 'paid' : 'free') : lane === 'alert' ? 'free' : undefined;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { chatId, rank: LANE_RANK[lane], seq: this.seq++, window, bulk, deadline: now + Math.max(bounds.maxWaitMs, Number.isFinite(chatWait) ? chatWait : 0), resolve, reject };
      // Kept in lane order, then arrival: a new alert goes before every waiting reminder.
      let at = this.waiting.length;
      while (at > 0 && this.waiting[at - 1]!.rank > waiter.rank) at--;
      this.waiting.splice(at, 0, waiter);
      this.pump();
    });
  }

  /** After Telegram said 429 for a chat: nothing more to it until the wait is over. */
  holdChat(chatId: string, ms: number): void {
    this.heldUntil.set(chatId, Math.max(this.heldUntil.get(chatId) ?? 0, performance.now() + ms));
  }

  /** After any 429: bulk sends wait this long (alerts and replies go on, each within its chat's limit). */
  holdBulk(ms: number): void {
    this.bulkHeldUntil = Math.max(this.bulkHeldUntil, performance.now() + ms);
  }

  private chatWindow(chatId: string): SendWindow {
    let w = this.chats.get(chatId);
    if (!w) {
      w = new SendWindow(chatId.startsWith('-') ? this.limits.group : this.limits.privateChat);
      this.chats.set(chatId, w);
    }
    return w;
  }

  private chatReadyAt(chatId: string, now: number): number {
    return Math.max(this.chatWindow(chatId).nextStart(now), this.heldUntil.get(chatId) ?? 0);
  }

  private readyAt(w: Waiter, now: number): number {
    let at = this.chatReadyAt(w.chatId, now);
    if (w.window === 'free') at = Math.max(at, this.free.nextStart(now));
    if (w.window === 'paid') at = Math.max(at, this.paid.nextStart(now));
    if (w.bulk) at = Math.max(at, this.bulkHeldUntil);
    return at;
  }

  private pump(): void {
    const now = performance.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    const still: Waiter[] = [];
    for (const w of this.waiting) {
      const readyAt = this.readyAt(w, now);
      if (readyAt <= now) {
        const entries = [this.chatWindow(w.chatId).begin()];
        if (w.window === 'free') entries.push(this.free.begin());
        if (w.window === 'paid') entries.push(this.paid.begin());
        let released = false;
        w.resolve(() => {
          if (released) return;
          released = true;
          const end = performance.now();
          for (const e of entries) e.end = end;
          this.pump();
        });
        continue;
      }
      if (now >= w.deadline) {
        w.reject(paced(Number.isFinite(readyAt) ? Math.max(readyAt - now, 100) : 1000, 'waiting for a turn took too long'));
        continue;
      }
      wakeAt = Math.min(wakeAt, readyAt, w.deadline);
      still.push(w);
    }
    this.waiting = still;
    this.arm(wakeAt, now);
    if (now - this.lastSweep > 60_000) this.sweep(now);
  }

  private arm(at: number, now: number): void {
    if (at === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (!Number.isFinite(at)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, Math.ceil(at - now)));
  }

  /** Forgets chats with no recent sends, so memory follows the chats active in the last minute. */
  private sweep(now: number): void {
    this.lastSweep = now;
    const waitingChats = new Set(this.waiting.map((w) => w.chatId));
    for (const [chatId, w] of this.chats) {
      w.nextStart(now);
      if (w.idle && !waitingChats.has(chatId)) this.chats.delete(chatId);
    }
    for (const [chatId, until] of this.heldUntil) if (until <= now) this.heldUntil.delete(chatId);
  }
}

const paced = (waitMs: number, why: string): ChannelPacedError => new ChannelPacedError(`telegram pacing: ${why}; next send in ${Math.ceil(waitMs)} ms`, Math.ceil(waitMs));
