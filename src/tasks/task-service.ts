import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Task } from './task.entity.ts';
import type { Elder } from './elders/elder.entity.ts';
import type { ChannelName } from './elders/channel-account.entity.ts';
import type { TaskHandlerRegistry } from './task-handler.ts';
import type { Clock } from '../lib/clock.ts';

/** Hands queued tasks to whatever executes them (an in-process loop or BullMQ workers). */
export interface TaskQueue {
  enqueueTasks(tasks: Pick<Task, 'id' | 'kind'>[], delayMs?: number): Promise<void>;
}

/** What the elder asked for, before it becomes a task. */
export interface TaskRequest {
  elder: Elder;
  kind: string;
  args: Record<string, unknown>;
  requestedByAccountId: string | null;
  replyChannel: ChannelName;
  replyChatId: string;
  idempotencyKey?: string;
}

/** The arguments did not pass the tool's schema; nothing was saved. */
export class InvalidTaskArgsError extends Error {
  override name = 'InvalidTaskArgsError';
}

/**
 * Creates tasks and moves them through confirmation. Every status change is a conditional update
 * (`where status = expected`), so a double press of "Yes" queues a task once.
 */
export class TaskService {
  private readonly orm: MikroORM;
  private readonly handlers: TaskHandlerRegistry;
  private readonly queue: TaskQueue;
  private readonly clock: Clock;
  private readonly maxAttempts: number;

  constructor(deps: { orm: MikroORM; handlers: TaskHandlerRegistry; queue: TaskQueue; clock: Clock; maxAttempts: number }) {
    this.orm = deps.orm;
    this.handlers = deps.handlers;
    this.queue = deps.queue;
    this.clock = deps.clock;
    this.maxAttempts = deps.maxAttempts;
  }

  /** Validates the arguments against the task kind's schema, or throws InvalidTaskArgsError. */
  validate(kind: string, args: Record<string, unknown>): Record<string, unknown> {
    const handler = this.handlers.get(kind);
    if (!handler) throw new InvalidTaskArgsError(`unknown task kind ${kind}`);
    const parsed = handler.schema.safeParse(args);
    if (!parsed.success) throw new InvalidTaskArgsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return parsed.data;
  }

  /** The handler's own settling of the arguments (see TaskHandler.prepare), validated again after it. */
  private async prepare(em: EntityManager, request: TaskRequest, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const handler = this.handlers.get(request.kind);
    if (!handler?.prepare) return args;
    return this.validate(request.kind, await handler.prepare(args, { em, elder: request.elder, now: this.clock.now() }));
  }

  /** Saves a task that waits for the elder's yes. Any earlier unanswered proposal for the elder is cancelled. */
  async propose(request: TaskRequest): Promise<Task> {
    const em = this.orm.em.fork();
    const args = await this.prepare(em, request, this.validate(request.kind, request.args));
    return em.transactional(async (tx) => {
      // One open question per person: a caregiver's proposal for the elder leaves the elder's own alone.
      await tx.nativeUpdate(
        Task,
        { elderId: request.elder.id, requestedByAccountId: request.requestedByAccountId, status: 'pending_confirmation', finishedAt: null },
        { status: 'cancelled', finishedAt: this.clock.now() },
      );
      return this.insert(tx, request, args, 'pending_confirmation');
    });
  }

  /**
   * Saves and queues a task that needs no yes: an emergency, or a read-only query. With `inline` the caller
   * runs it at once instead of queueing it; if that run dies, the recovery sweep finds it queued.
   */
  async submit(request: TaskRequest, options: { inline?: boolean } = {}): Promise<Task> {
    const args = this.validate(request.kind, request.args);
    const em = this.orm.em.fork();
    const task = this.insert(em, request, args, 'queued');
    await em.flush();
    if (!options.inline) await this.queue.enqueueTasks([task]);
    return task;
  }

  /** The unanswered proposal one person made for the elder, if any. */
  async pendingFor(elderId: string, requestedByAccountId: string | null): Promise<Task | null> {
    return this.orm.em.fork().findOne(Task, { elderId, requestedByAccountId, status: 'pending_confirmation', finishedAt: null }, { orderBy: { createdAt: 'desc' } });
  }

  /** An entity manager of its own, for reads that go with a task decision (who may answer it). */
  entityManager(): EntityManager {
    return this.orm.em.fork();
  }

  /** Loads a task by id. */
  async get(taskId: string): Promise<Task | null> {
    return this.orm.em.fork().findOne(Task, { id: taskId });
  }

  /** Yes: pending_confirmation → queued, then handed to the queue. False when it was not pending any more. */
  async confirm(taskId: string): Promise<boolean> {
    const em = this.orm.em.fork();
    const changed = await em.nativeUpdate(Task, { id: taskId, status: 'pending_confirmation' }, { status: 'queued', updatedAt: this.clock.now() });
    if (changed !== 1) return false;
    const task = await em.findOneOrFail(Task, { id: taskId });
    await this.queue.enqueueTasks([task]);
    return true;
  }

  /** No: pending_confirmation → cancelled. False when it was not pending any more. */
  async cancel(taskId: string): Promise<boolean> {
    const changed = await this.orm.em
      .fork()
      .nativeUpdate(Task, { id: taskId, status: 'pending_confirmation' }, { status: 'cancelled', finishedAt: this.clock.now() });
    return changed === 1;
  }

  /** Changes the arguments of a proposal that is still pending ("make it 8 instead"). */
  async amend(taskId: string, args: Record<string, unknown>): Promise<Task | null> {
    const em = this.orm.em.fork();
    const task = await em.findOne(Task, { id: taskId, status: 'pending_confirmation' });
    if (!task) return null;
    const valid = this.validate(task.kind, args);
    const changed = await em.nativeUpdate(Task, { id: taskId, status: 'pending_confirmation' }, { args: valid, updatedAt: this.clock.now() });
    if (changed !== 1) return null;
    task.args = valid;
    return task;
  }

  private insert(em: EntityManager, request: TaskRequest, args: Record<string, unknown>, status: 'pending_confirmation' | 'queued'): Task {
    const id = randomUUID();
    const now = this.clock.now();
    return em.create(Task, {
      id,
      elderId: request.elder.id,
      kind: request.kind,
      args,
      status,
      attempts: 0,
      maxAttempts: this.maxAttempts,
      idempotencyKey: request.idempotencyKey ?? `task:${id}`,
      requestedByAccountId: request.requestedByAccountId,
      replyChannel: request.replyChannel,
      replyChatId: request.replyChatId,
      createdAt: now,
      updatedAt: now,
    });
  }
}
