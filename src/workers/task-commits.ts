import type { MikroORM, QueryResult } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { quotedColumn, quotedTable } from '../db/orm.ts';
import { Task } from '../tasks/task.entity.ts';
import type { Elder } from '../tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../tasks/elders/channel-account.entity.ts';
import type { TaskHandler, TaskOutcome } from '../tasks/task-handler.ts';
import type { EntityManager } from '@mikro-orm/core';
import type { OutboxBatch } from '../messaging/outbox.ts';
import { laneOfTaskReply } from '../messaging/lanes.ts';
import type { Clock } from '../lib/clock.ts';

/** The task's transaction found that another worker took the task over; its work is rolled back. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** One claimed attempt of a task, ready to run its handler and commit. */
export interface CommitItem {
  task: Task;
  elder: Elder;
  handler: TaskHandler;
  args: Record<string, unknown>;
  attempt: number;
  outbox: OutboxBatch;
  /** A caregiver who asked for it for the elder; null when the elder asked. */
  onBehalfOf: ChannelAccount | null;
}

interface Waiting {
  item: CommitItem;
  resolve(): void;
  reject(err: unknown): void;
}

// Attempts ready in the same turn of the event loop share a transaction, up to this many.
const MAX_GROUP = 50;

/**
 * Runs a task's handler and commits its side effects with the running → succeeded transition (conditional on
 * the attempt that claimed it), in one transaction. Handlers that only touch the database (`groupCommit`) may
 * share the transaction with the other attempts ready at the same moment — one BEGIN and COMMIT for many —
 * and if any of them fails or lost its lease, the shared transaction is rolled back and each is run again in
 * a transaction of its own, so one task's failure never decides another's.
 */
export class TaskCommits {
  private readonly orm: MikroORM;
  private readonly clock: Clock;
  private readonly successSql: string | undefined;
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(deps: { orm: MikroORM; clock: Clock }) {
    this.orm = deps.orm;
    this.clock = deps.clock;
    this.successSql = deps.orm.em.getPlatform() instanceof PostgreSqlPlatform ? successStatement(deps.orm) : undefined;
  }

  /** Runs and commits the attempt; rejects with the handler's error or LeaseLostError. */
  commit(item: CommitItem): Promise<void> {
    if (!item.handler.groupCommit) return this.commitAlone(item);
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= MAX_GROUP) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 0) return;
    void this.commitGroup(group);
  }

  /** The attempt in a transaction of its own. */
  private async commitAlone(item: CommitItem): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      const outcome = await this.execute(tx, item);
      await tx.flush();
      const done = await this.succeed(tx, [item.task.id], item.attempt, outcome);
      if (done !== 1) throw new LeaseLostError(`task ${item.task.id} attempt ${item.attempt} lost its lease`);
    });
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    if (group.length > 1) {
      try {
        await this.orm.em.fork().transactional(async (tx) => {
          const outcomes: TaskOutcome[] = [];
          for (const { item } of group) outcomes.push(await this.execute(tx, item));
          await tx.flush();
          // One conditional update per distinct result (often one for the whole group).
          const byResult = new Map<string, { outcome: TaskOutcome; items: CommitItem[] }>();
          group.forEach(({ item }, i) => {
            const outcome = outcomes[i]!;
            const key = JSON.stringify(outcome.result);
            const entry = byResult.get(key) ?? { outcome, items: [] };
            entry.items.push(item);
            byResult.set(key, entry);
          });
          for (const { outcome, items } of byResult.values()) {
            // Grouped by attempt number too (usually one group): `id IN (…)` is far cheaper to build than an $or per task.
            const byAttempt = new Map<number, string[]>();
            for (const i of items) byAttempt.set(i.attempt, [...(byAttempt.get(i.attempt) ?? []), i.task.id]);
            for (const [attempts, ids] of byAttempt) {
              const done = await this.succeed(tx, ids, attempts, outcome);
              if (done !== ids.length) throw new LeaseLostError('an attempt in the group lost its lease');
            }
          }
        });
        for (const w of group) w.resolve();
        return;
      } catch {
        // Rolled back: every attempt is run again alone below, and decides for itself.
        for (const { item } of group) item.outbox.staged.length = 0;
      }
    }
    await Promise.all(
      group.map(async (w) => {
        try {
          await this.commitAlone(w.item);
          w.resolve();
        } catch (err) {
          w.reject(err);
        }
      }),
    );
  }

  /** Runs the handler in the transaction and stages its reply to the chat the task came from. */
  private async execute(tx: EntityManager, item: CommitItem): Promise<TaskOutcome> {
    const { task, elder, handler, args, outbox } = item;
    const outcome = await handler.execute(args, { em: tx, task, elder, outbox, clock: this.clock });
    if (!outcome.reply) return outcome;
    const lane = outcome.replyLane ?? laneOfTaskReply(item.attempt);
    if (!item.onBehalfOf) {
      outbox.stage(tx, { channel: task.replyChannel, chatId: task.replyChatId, elderId: task.elderId, text: outcome.reply, idempotencyKey: `task-reply:${task.id}`, lane });
      return outcome;
    }
    // Replies speak to the elder ("I'll remind you…"): the elder hears it with who arranged it, the caregiver that it is done.
    const by = item.onBehalfOf.displayName ?? 'Your caregiver';
    const own = await tx.findOne(ChannelAccount, { elderId: elder.id, role: 'elder', active: true });
    // The elder did not just write: for them it is a notice (unless it is an alert's).
    const elderLane = outcome.replyLane ?? 'reminder';
    if (own) outbox.stage(tx, { channel: own.channel, chatId: own.chatId, elderId: elder.id, accountId: own.id, text: `${by} arranged this for you. ${outcome.reply}`, idempotencyKey: `task-reply:${task.id}:elder`, lane: elderLane });
    outbox.stage(tx, { channel: task.replyChannel, chatId: task.replyChatId, elderId: task.elderId, text: `Done for ${elder.name}. ${outcome.reply}`, idempotencyKey: `task-reply:${task.id}`, lane });
    return outcome;
  }

  /**
   * running → succeeded for the attempts given, with the result; returns how many rows changed (fewer than
   * asked means a lease was lost). On Postgres one prepared-shape statement (no query building per call).
   */
  private async succeed(tx: EntityManager, ids: string[], attempts: number, outcome: TaskOutcome): Promise<number> {
    if (!this.successSql) return tx.nativeUpdate(Task, { id: { $in: ids }, status: 'running', attempts }, this.success(outcome));
    const now = this.clock.now();
    const sqlTx = tx as unknown as SqlEntityManager;
    const result = await sqlTx.getConnection().execute<QueryResult>(this.successSql, [JSON.stringify(outcome.result ?? null), now, now, `{${ids.join(',')}}`, attempts], 'run', sqlTx.getTransactionContext());
    return result.affectedRows;
  }

  private success(outcome: TaskOutcome): Partial<Task> {
    const now = this.clock.now();
    return { status: 'succeeded', result: outcome.result, error: null, leaseExpiresAt: null, finishedAt: now, updatedAt: now };
  }
}

/**
 * The success update for Postgres, built once from the entity's metadata: $1 result (json), $2 finished_at,
 * $3 updated_at, $4 the ids (array literal), $5 the attempt that claimed them.
 */
function successStatement(orm: MikroORM): string {
  const c = (property: string): string => quotedColumn(orm, Task, property);
  return (
    `update ${quotedTable(orm, Task)} set ${c('status')} = 'succeeded', ${c('result')} = ?::jsonb, ${c('error')} = null, ${c('leaseExpiresAt')} = null, ${c('finishedAt')} = ?, ${c('updatedAt')} = ?` +
    ` where ${c('id')} = any(?::uuid[]) and ${c('status')} = 'running' and ${c('attempts')} = ?`
  );
}
