import { raw, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { Task } from '../tasks/task.entity.ts';
import { Elder } from '../tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../tasks/elders/channel-account.entity.ts';
import type { Clock } from '../lib/clock.ts';

/** A task claimed for one attempt, with its elder (null when the elder record is gone). */
export interface ClaimedTask {
  task: Task;
  elder: Elder | null;
  /** Who asked for it, when that was someone other than the elder (a caregiver); null otherwise. */
  onBehalfOf: ChannelAccount | null;
}

interface Waiting {
  taskId: string;
  resolve(claimed: ClaimedTask | null): void;
  reject(err: unknown): void;
}

// Claims asked for in the same turn of the event loop go to the database together, up to this many.
const MAX_BATCH = 200;

/**
 * Claims tasks for workers in batches: queued (or running with an expired lease, its worker dead) → running,
 * attempt + 1, in one conditional UPDATE … RETURNING for every claim asked for in the same turn of the event
 * loop, and their elders in one SELECT. A worker running 50 jobs at once pays two statements per batch
 * instead of two per task; each task is still claimed by exactly one caller.
 */
export class TaskClaims {
  private readonly orm: MikroORM;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(deps: { orm: MikroORM; clock: Clock; leaseMs: number }) {
    this.orm = deps.orm;
    this.clock = deps.clock;
    this.leaseMs = deps.leaseMs;
  }

  /** Claims the task for one attempt; null when it is not claimable now (finished, cancelled, or held by a live worker). */
  claim(taskId: string): Promise<ClaimedTask | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ taskId, resolve, reject });
      if (this.waiting.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.claimBatch(batch).catch((err: unknown) => {
      for (const w of batch) w.reject(err);
    });
  }

  private async claimBatch(batch: Waiting[]): Promise<void> {
    const em = this.orm.em.fork() as unknown as SqlEntityManager;
    const now = this.clock.now();
    // The same id asked twice in one batch (a duplicate delivery) is claimed once; the other caller gets null.
    const ids = [...new Set(batch.map((w) => w.taskId))];
    const rows = (await em
      .createQueryBuilder(Task)
      .update({ status: 'running', attempts: raw('attempts + 1'), leaseExpiresAt: new Date(now.getTime() + this.leaseMs), updatedAt: now })
      .where({ id: { $in: ids }, $or: [{ status: 'queued' }, { status: 'running', leaseExpiresAt: { $lt: now } }] })
      .returning(['id', 'elderId', 'kind', 'args', 'attempts', 'maxAttempts', 'replyChannel', 'replyChatId', 'requestedByAccountId'])
      .execute('all')) as unknown as Record<string, unknown>[];
    const tasks = new Map<string, Task>();
    for (const row of rows) {
      const task = em.map(Task, { ...row, status: 'running' });
      tasks.set(task.id, task);
    }
    const elderIds = [...new Set([...tasks.values()].map((t) => t.elderId))];
    const elders = elderIds.length > 0 ? await em.find(Elder, { id: { $in: elderIds } }) : [];
    const byId = new Map(elders.map((e) => [e.id, e]));
    const requesterIds = [...new Set([...tasks.values()].flatMap((t) => (t.requestedByAccountId ? [t.requestedByAccountId] : [])))];
    const requesters = requesterIds.length > 0 ? await em.find(ChannelAccount, { id: { $in: requesterIds } }) : [];
    const requesterById = new Map(requesters.map((a) => [a.id, a]));
    const onBehalfOf = (task: Task): ChannelAccount | null => {
      const account = task.requestedByAccountId ? requesterById.get(task.requestedByAccountId) : undefined;
      return account && account.elderId !== task.elderId ? account : null;
    };
    for (const w of batch) {
      const task = tasks.get(w.taskId);
      if (task) tasks.delete(w.taskId);
      w.resolve(task ? { task, elder: byId.get(task.elderId) ?? null, onBehalfOf: onBehalfOf(task) } : null);
    }
  }
}
