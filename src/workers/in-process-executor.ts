import type { MikroORM } from '@mikro-orm/core';
import { Task } from '../tasks/task.entity.ts';
import type { TaskQueue } from '../tasks/task-service.ts';
import type { DeliveryQueue, OutboundRef } from '../messaging/outbox.ts';
import { TaskBusyError, TaskRetryError } from '../tasks/task-errors.ts';
import type { TaskRunner } from './task-runner.ts';
import type { MessageDelivery } from './message-delivery.ts';
import { InProcessDelivery, type DeliveryConcurrency } from './in-process-delivery.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';

/**
 * The embedded mode's queue: the database is the queue. Tasks run one after another as they become runnable;
 * outbound messages go through the in-process delivery lanes (InProcessDelivery), side by side with the tasks,
 * so a reply or an alert never waits for a task or for the morning's reminders. Tasks and messages left by a
 * crash are picked up at the next start, because they are still in the database.
 */
export class InProcessExecutor implements TaskQueue, DeliveryQueue {
  private readonly orm: MikroORM;
  private readonly runner: TaskRunner;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly pollMs: number;
  /** The delivery lanes (the app holds them back after a 429; tests look inside). */
  readonly delivery: InProcessDelivery;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(deps: { orm: MikroORM; runner: TaskRunner; delivery: MessageDelivery; clock: Clock; logger: Logger; pollMs?: number; concurrency?: Partial<DeliveryConcurrency> }) {
    this.orm = deps.orm;
    this.runner = deps.runner;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.pollMs = deps.pollMs ?? 1000;
    this.delivery = new InProcessDelivery({ orm: deps.orm, delivery: deps.delivery, logger: deps.logger, ...(deps.concurrency ? { concurrency: deps.concurrency } : {}) });
  }

  async enqueueTasks(): Promise<void> {
    this.wake();
  }

  /** Takes written messages into their lanes; with none given, reads the outbox for what is waiting. */
  async enqueueDeliveries(messages: OutboundRef[] = []): Promise<void> {
    await this.delivery.enqueueDeliveries(messages);
  }

  /** Starts polling for due retries; resumes whatever a crash left behind. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      this.wake();
      void this.delivery.poll().catch((err: unknown) => this.logger.error({ err }, 'in-process delivery failed'));
    }, this.pollMs);
    this.timer.unref();
    void this.delivery.start().catch((err: unknown) => this.logger.error({ err }, 'in-process delivery failed to start'));
    this.wake();
  }

  /** Stops taking work and waits for the task and the sends in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.draining, this.delivery.stop()]);
  }

  private wake(): void {
    if (this.stopped) return;
    void this.drainTasks().catch((err: unknown) => this.logger.error({ err }, 'in-process executor failed'));
  }

  /**
   * Runs until no task is runnable and no message can be sent now (messages waiting for a retry are left to
   * the poll): what `settle()` waits for in tests.
   */
  async drain(): Promise<void> {
    for (;;) {
      const settledBefore = this.delivery.settled;
      await this.delivery.scan();
      const worked = await this.drainTasks();
      await this.delivery.whenIdle();
      if (this.stopped || (!worked && this.delivery.settled === settledBefore)) return;
    }
  }

  /** Runs every runnable task; concurrent calls share one pass. Resolves true when any task ran. */
  private drainTasks(): Promise<boolean> {
    if (this.draining) {
      this.again = true;
      return this.draining.then(() => true);
    }
    let ranAny = false;
    const pass = (async () => {
      try {
        do {
          this.again = false;
          const worked = await this.runTasks();
          if (worked > 0) {
            ranAny = true;
            this.again = true;
          }
        } while (this.again && !this.stopped);
      } finally {
        this.draining = undefined;
      }
    })();
    this.draining = pass;
    return pass.then(() => ranAny);
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
}
