import type { MikroORM } from '@mikro-orm/core';
import { Task } from '../tasks/task.entity.ts';
import { MessageLog } from '../messaging/message-log.entity.ts';
import type { TaskQueue } from '../tasks/task-service.ts';
import type { DeliveryQueue } from '../messaging/outbox.ts';
import { TaskBusyError, TaskRetryError } from '../tasks/task-errors.ts';
import type { TaskRunner } from './task-runner.ts';
import { DeliveryRetryError, type MessageDelivery } from './message-delivery.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';

/**
 * The embedded mode's queue: the database is the queue. `drain` runs every runnable task and sends every
 * queued message; enqueueing just wakes it. Tasks left queued or running by a crash are picked up at the
 * next start, because they are still in the database.
 */
export class InProcessExecutor implements TaskQueue, DeliveryQueue {
  private readonly orm: MikroORM;
  private readonly runner: TaskRunner;
  private readonly delivery: MessageDelivery;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly notBefore = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(deps: { orm: MikroORM; runner: TaskRunner; delivery: MessageDelivery; clock: Clock; logger: Logger; pollMs?: number }) {
    this.orm = deps.orm;
    this.runner = deps.runner;
    this.delivery = deps.delivery;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.pollMs = deps.pollMs ?? 1000;
  }

  async enqueueTasks(): Promise<void> {
    this.wake();
  }

  async enqueueDeliveries(): Promise<void> {
    this.wake();
  }

  /** Starts polling for due retries; resumes whatever a crash left behind. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops taking work and waits for the task in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  private wake(): void {
    if (this.stopped) return;
    void this.drain().catch((err: unknown) => this.logger.error({ err }, 'in-process executor failed'));
  }

  /** Runs until no task is runnable and no message is waiting; concurrent calls share one pass. */
  drain(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          const worked = (await this.runTasks()) + (await this.sendMessages());
          if (worked > 0) this.again = true;
        } while (this.again && !this.stopped);
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private async runTasks(): Promise<number> {
    const now = this.clock.now();
    const em = this.orm.em.fork();
    const due = await em.find(
      Task,
      {
        $or: [
          { status: 'queued', $or: [{ runAfter: null }, { runAfter: { $lte: now } }] },
          { status: 'running', leaseExpiresAt: { $lt: now } },
        ],
        finishedAt: null,
      },
      { fields: ['id'], orderBy: { createdAt: 'asc' }, limit: 100 },
    );
    let worked = 0;
    for (const { id } of due) {
      if (this.stopped) break;
      try {
        await this.runner.run(id);
        worked++;
      } catch (err) {
        if (!(err instanceof TaskRetryError || err instanceof TaskBusyError)) throw err;
      }
    }
    return worked;
  }

  private async sendMessages(): Promise<number> {
    const now = this.clock.now().getTime();
    const em = this.orm.em.fork();
    const waiting = await em.find(MessageLog, { direction: 'out', status: 'queued' }, { fields: ['id', 'channel'], orderBy: { createdAt: 'asc' }, limit: 200 });
    let worked = 0;
    for (const row of waiting) {
      if (this.stopped) break;
      if (!this.delivery.handles(row.channel)) continue;
      if ((this.notBefore.get(row.id) ?? 0) > now) continue;
      try {
        await this.delivery.deliver(row.id);
        this.notBefore.delete(row.id);
        worked++;
      } catch (err) {
        if (!(err instanceof DeliveryRetryError)) throw err;
        this.notBefore.set(row.id, now + err.delayMs);
      }
    }
    return worked;
  }
}
