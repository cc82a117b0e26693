import { raw, type EntityName, type MikroORM } from '@mikro-orm/core';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { Task } from '../tasks/task.entity.ts';
import { columnsOf, prefixedColumns, quotedColumn, quotedTable } from '../db/orm.ts';
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
  private claimSql: string | undefined;

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
    // The same id asked twice in one batch (a duplicate delivery) is claimed once; the other caller gets null.
    const ids = [...new Set(batch.map((w) => w.taskId))];
    const claimed = this.orm.em.getPlatform() instanceof PostgreSqlPlatform ? await this.claimInOneStatement(ids) : await this.claimInSteps(ids);
    for (const w of batch) {
      const found = claimed.get(w.taskId);
      if (found) claimed.delete(w.taskId);
      w.resolve(found ?? null);
    }
  }

  /**
   * Postgres: the claim, the elders and the caregivers who asked, in one statement (an UPDATE … RETURNING in a
   * WITH, joined): one round trip per batch.
   */
  private async claimInOneStatement(ids: string[]): Promise<Map<string, ClaimedTask>> {
    const em = this.orm.em.fork() as unknown as SqlEntityManager;
    const now = this.clock.now();
    const sql = this.claimSql ??= claimStatement(this.orm);
    // Passed as one array literal: only well-formed ids can name a task (anything else is simply not claimed).
    const uuids = ids.filter((id) => UUID.test(id));
    if (uuids.length === 0) return new Map();
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(sql, [new Date(now.getTime() + this.leaseMs), now, `{${uuids.join(',')}}`, now], 'all');
    const claimed = new Map<string, ClaimedTask>();
    for (const row of rows) {
      const taskRow = Object.fromEntries(Object.entries(row).filter(([key]) => !key.includes('__')));
      const [elderRow, accountRow] = [columnsOf(row, 'e'), columnsOf(row, 'a')];
      const task = em.map(Task, { ...taskRow, status: 'running' });
      const elder = elderRow.id ? em.map(Elder, elderRow) : null;
      const account = accountRow.id ? em.map(ChannelAccount, accountRow) : null;
      claimed.set(task.id, { task, elder, onBehalfOf: account && account.elderId !== task.elderId ? account : null });
    }
    return claimed;
  }

  /** SQLite (no UPDATE inside WITH): the claim, then the elders, then the requesters. */
  private async claimInSteps(ids: string[]): Promise<Map<string, ClaimedTask>> {
    const em = this.orm.em.fork() as unknown as SqlEntityManager;
    const now = this.clock.now();
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
    return new Map([...tasks.values()].map((task) => [task.id, { task, elder: byId.get(task.elderId) ?? null, onBehalfOf: onBehalfOf(task) }]));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


/** The claimed task's columns, and the elder's and requester's with a prefix, as `select` items. */
const TASK_COLUMNS = ['id', 'elderId', 'kind', 'args', 'attempts', 'maxAttempts', 'replyChannel', 'replyChatId', 'requestedByAccountId'] as const;

/**
 * The one-statement claim for Postgres, built once from the entities' metadata (table and column names, schema):
 * $1 lease expiry, $2 now (updated_at), $3 the ids, $4 now (for expired leases).
 */
function claimStatement(orm: MikroORM): string {
  const table = (entity: EntityName<object>): string => quotedTable(orm, entity);
  const t = (property: string): string => quotedColumn(orm, Task, property);
  const returning = TASK_COLUMNS.map((p) => t(p)).join(', ');
  const elderColumns = prefixedColumns(orm, Elder, 'e');
  const accountColumns = prefixedColumns(orm, ChannelAccount, 'a');
  return [
    `with claimed as (update ${table(Task)} set ${t('status')} = 'running', ${t('attempts')} = ${t('attempts')} + 1, ${t('leaseExpiresAt')} = ?, ${t('updatedAt')} = ?`,
    ` where ${t('id')} = any(?::uuid[]) and (${t('status')} = 'queued' or (${t('status')} = 'running' and ${t('leaseExpiresAt')} < ?))`,
    ` returning ${returning})`,
    `select c.*, ${[...elderColumns, ...accountColumns].join(', ')} from claimed c`,
    ` left join ${table(Elder)} e on e.${quotedColumn(orm, Elder, 'id')} = c.${t('elderId')}`,
    ` left join ${table(ChannelAccount)} a on a.${quotedColumn(orm, ChannelAccount, 'id')} = c.${t('requestedByAccountId')}`,
  ].join('');
}
