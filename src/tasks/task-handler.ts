import type { EntityManager } from '@mikro-orm/core';
import type { z } from 'zod';
import type { Elder } from './elders/elder.entity.ts';
import type { Task } from './task.entity.ts';
import type { OutboxBatch } from '../messaging/outbox.ts';
import type { Lane } from '../messaging/lanes.ts';
import type { Clock } from '../lib/clock.ts';

/** What a handler gets while executing a task inside the task's transaction. */
export interface TaskContext {
  /** The transaction's entity manager: write the side effect here so it commits with the task's success. */
  em: EntityManager;
  task: Task;
  elder: Elder;
  outbox: OutboxBatch;
  clock: Clock;
}

/** What came of a task: stored on the task, and `reply` sent to the chat the task came from. */
export interface TaskOutcome {
  result: Record<string, unknown>;
  reply?: string;
  /** The reply's delivery lane when it is not an ordinary reply (an emergency's own answer goes as an `alert`). */
  replyLane?: Lane;
}

/**
 * One kind of task: how its arguments are validated, how it is read back to the elder before it runs,
 * and what it does. `execute` must be idempotent by task id (unique task ids on the rows it creates).
 */
export interface TaskHandler<Args extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: string;
  /** What doing it means, for "Sorry, I could not {label}." ("set your reminder"). */
  readonly label: string;
  readonly schema: z.ZodType<Args>;
  /** True when the task has no consequence and runs without asking (reading a schedule). */
  readonly readOnly?: boolean;
  /**
   * True when `execute` only reads and writes the database (no call to another system), so runs of several
   * tasks may share one transaction (group commit); a failing one is then run again alone.
   */
  readonly groupCommit?: boolean;
  /** True when waiting for a yes could cost safety (an emergency): it is queued at once. */
  readonly skipConfirmation?: boolean;
  /**
   * Settles what the elder said against the records before it is read back (a misspelt venue becomes the
   * directory's name), so the elder says yes to what will really happen. Optional; returns the arguments, or
   * throws NothingToConfirmError when the records already show there is nothing to ask a yes for.
   */
  prepare?(args: Args, ctx: { em: EntityManager; elder: Elder; now: Date }): Promise<Args>;
  /** The plain sentence that says what will happen, ending with a question for a yes. */
  readBack(args: Args, elder: Elder): string;
  execute(args: Args, ctx: TaskContext): Promise<TaskOutcome>;
}

/** All task kinds the workers can run, by kind. */
export class TaskHandlerRegistry {
  private readonly handlers = new Map<string, TaskHandler>();

  register<Args extends Record<string, unknown>>(handler: TaskHandler<Args>): this {
    this.handlers.set(handler.kind, handler);
    return this;
  }

  get(kind: string): TaskHandler | undefined {
    return this.handlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }
}
