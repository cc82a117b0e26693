import type { MikroORM } from '@mikro-orm/core';
import { Task } from '../tasks/task.entity.ts';
import { TaskClaims } from './task-claims.ts';
import { LeaseLostError, TaskCommits } from './task-commits.ts';
import type { TaskHandlerRegistry } from '../tasks/task-handler.ts';
import { PermanentTaskError, TaskBusyError, TaskRetryError } from '../tasks/task-errors.ts';
import { OutboxBatch, type DeliveryQueue } from '../messaging/outbox.ts';
import { laneOfTaskReply } from '../messaging/lanes.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../http/metrics.ts';

/** How a run ended: done, given up, or nothing to do (already finished, cancelled, or taken over). */
export type RunOutcome = 'succeeded' | 'failed' | 'skipped';


/**
 * Executes one task by id, the same way in every mode. The claim (queued → running, attempts + 1, batched
 * with the other claims of the moment by TaskClaims) and the success (running → succeeded, with the handler's side effects) are conditional updates on the attempt
 * number, so a job delivered twice, or a worker that dies and is replaced, never commits a side effect twice.
 */
export class TaskRunner {
  private readonly orm: MikroORM;
  private readonly handlers: TaskHandlerRegistry;
  private readonly delivery: DeliveryQueue;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly backoffMs: number;
  private readonly metrics: Metrics | undefined;
  private readonly claims: TaskClaims;
  private readonly commits: TaskCommits;

  constructor(deps: {
    orm: MikroORM;
    handlers: TaskHandlerRegistry;
    delivery: DeliveryQueue;
    clock: Clock;
    logger: Logger;
    leaseMs: number;
    backoffMs: number;
    metrics?: Metrics;
  }) {
    this.orm = deps.orm;
    this.handlers = deps.handlers;
    this.delivery = deps.delivery;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.leaseMs = deps.leaseMs;
    this.backoffMs = deps.backoffMs;
    this.metrics = deps.metrics;
    this.claims = new TaskClaims({ orm: this.orm, clock: this.clock, leaseMs: this.leaseMs });
    this.commits = new TaskCommits({ orm: this.orm, clock: this.clock });
  }

  /**
   * Runs the task. Throws TaskRetryError when it failed but may succeed later (already recorded as queued
   * with its backoff), and TaskBusyError when another worker holds it.
   */
  async run(taskId: string): Promise<RunOutcome> {
    const claimed = await this.claims.claim(taskId);
    if (!claimed) {
      const current = await this.orm.em.fork().findOne(Task, { id: taskId }, { fields: ['status'] });
      if (current?.status === 'running') throw new TaskBusyError(`task ${taskId} is running elsewhere`);
      if (current?.status === 'queued') throw new TaskBusyError(`task ${taskId} was claimed by another worker`);
      return 'skipped';
    }
    const { task, elder, onBehalfOf } = claimed;
    const attempt = task.attempts;
    // The task's own logger is made only when a line is written at its level (children cost even when silent).
    const log = (): Logger => this.logger.child({ taskId, elderId: task.elderId, kind: task.kind, attempt });

    const handler = this.handlers.get(task.kind);
    const outbox = new OutboxBatch();
    try {
      if (!handler) throw new PermanentTaskError(`no handler for ${task.kind}`, 'I do not know how to do that yet.');
      if (!elder) throw new PermanentTaskError(`elder ${task.elderId} not found`, 'I could not find your details.');
      const args = handler.schema.parse(task.args);
      await this.commits.commit({ task, elder, handler, args, attempt, outbox, onBehalfOf });
      await outbox.dispatch(this.delivery);
      this.metrics?.tasks.inc({ kind: task.kind, status: 'succeeded' });
      if (this.logger.isLevelEnabled('info')) log().info('task succeeded');
      return 'succeeded';
    } catch (err) {
      outbox.staged.length = 0;
      if (err instanceof LeaseLostError) {
        log().warn('task lost its lease to another worker; its work was rolled back');
        return 'skipped';
      }
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentTaskError || (err instanceof Error && err.name === 'ZodError');
      if (permanent || attempt >= task.maxAttempts) {
        await this.fail(task, attempt, message, err instanceof PermanentTaskError ? err.elderMessage : undefined, handler?.label);
        log().error({ err: message }, 'task failed');
        return 'failed';
      }
      // A handler that knows when to try again (a partner's Retry-After) is not retried sooner than that.
      const backoff = this.backoffMs * 2 ** (attempt - 1);
      const delayMs = err instanceof TaskRetryError ? Math.max(err.delayMs, backoff) : backoff;
      await this.orm.em.fork().nativeUpdate(
        Task,
        { id: taskId, status: 'running', attempts: attempt },
        { status: 'queued', error: message, leaseExpiresAt: null, runAfter: new Date(this.clock.now().getTime() + delayMs), updatedAt: this.clock.now() },
      );
      this.metrics?.tasks.inc({ kind: task.kind, status: 'retried' });
      log().warn({ err: message, delayMs }, 'task will be retried');
      throw new TaskRetryError(message, delayMs);
    }
  }

  /** Records the failure and tells the elder simply, in one transaction. */
  private async fail(task: Task, attempt: number, error: string, elderMessage: string | undefined, label: string | undefined): Promise<void> {
    const outbox = new OutboxBatch();
    await this.orm.em.fork().transactional(async (tx) => {
      const changed = await tx.nativeUpdate(
        Task,
        { id: task.id, status: 'running', attempts: attempt },
        { status: 'failed', error, leaseExpiresAt: null, finishedAt: this.clock.now(), updatedAt: this.clock.now() },
      );
      if (changed !== 1) return;
      const what = label ? `I could not ${label}` : 'I could not do that';
      outbox.stage(tx, {
        channel: task.replyChannel,
        chatId: task.replyChatId,
        elderId: task.elderId,
        text: `Sorry, ${what}. ${elderMessage ?? 'Something went wrong on my side.'} Nothing has been done.`,
        idempotencyKey: `task-failed:${task.id}`,
        lane: laneOfTaskReply(attempt),
      });
    });
    await outbox.dispatch(this.delivery);
    this.metrics?.tasks.inc({ kind: task.kind, status: 'failed' });
  }
}
