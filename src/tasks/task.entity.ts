import { defineEntity, p } from '@mikro-orm/core';
import { CHANNELS } from './elders/channel-account.entity.ts';

/**
 * A task's life: proposed and waiting for the elder's yes, queued for a worker, running, then finished.
 * Only the transitions in TASK_TRANSITIONS are allowed; every one is a conditional update in the database.
 */
export const TASK_STATUSES = ['pending_confirmation', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
/** A task status. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** One tool call: what should happen, for which elder, and what came of it. The queue only carries its id. */
export const TaskSchema = defineEntity({
  name: 'Task',
  tableName: 'tasks',
  /*
   * Only unfinished tasks are indexed (finished_at is null exactly while pending, queued or running), and no
   * index holds a column that the claim changes (status, attempts, lease): queued → running is a HOT update
   * that touches no index, and a finished task leaves the partial indexes. Queries for unfinished tasks say
   * `finishedAt: null` so that they use them.
   */
  indexes: [
    {
      name: 'tasks_unfinished_elder_index',
      expression: 'create index "tasks_unfinished_elder_index" on "tasks" ("elder_id", "requested_by_account_id") where "finished_at" is null',
    },
    { name: 'tasks_unfinished_created_index', expression: 'create index "tasks_unfinished_created_index" on "tasks" ("created_at") where "finished_at" is null' },
  ],
  // What the partial indexes rely on, kept by the database itself (written without commas: MikroORM's SQLite
  // schema reader splits constraints on them and would see a change on every diff).
  checks: [{ name: 'tasks_finished_at_check', expression: `(finished_at is null) = (status <> 'succeeded' and status <> 'failed' and status <> 'cancelled')` }],
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid(),
    kind: p.string().length(40),
    args: p.json<Record<string, unknown>>(),
    status: p.enum(TASK_STATUSES),
    attempts: p.integer().default(0),
    maxAttempts: p.integer().default(5),
    /** Guards against creating the same task twice (e.g. the same button pressed twice). */
    idempotencyKey: p.string().length(200).unique(),
    result: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    /** Not run before this instant (retry backoff). */
    runAfter: p.datetime().nullable(),
    /** While running, the instant after which another worker may take the task over. */
    leaseExpiresAt: p.datetime().nullable(),
    requestedByAccountId: p.uuid().nullable(),
    replyChannel: p.enum(CHANNELS),
    replyChatId: p.string().length(128),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});

/** A task as loaded from the database. */
export class Task extends TaskSchema.class {}
TaskSchema.setClass(Task);
