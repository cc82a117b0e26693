import { describe, it, expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Task, TASK_STATUSES } from '../../src/tasks/task.entity.ts';
import { MODES, useTestDatabase } from '../support/test-app.ts';
import { anElder } from '../support/factories.ts';

// The task indexes hold unfinished tasks only (finished_at is null); the database refuses any row that breaks that.
describe.each(MODES)('a task is unfinished exactly while it has no finished_at (%s)', (mode) => {
  const orm = useTestDatabase(mode);

  const insert = async (elderId: string, status: (typeof TASK_STATUSES)[number], finishedAt: Date | null): Promise<void> => {
    const id = randomUUID();
    const now = new Date();
    await orm.em.fork().insert(Task, { id, elderId, kind: 'set_reminder', args: {}, status, attempts: 0, maxAttempts: 5, idempotencyKey: `t:${id}`, replyChannel: 'telegram', replyChatId: 'c', createdAt: now, updatedAt: now, finishedAt });
  };

  it.each(TASK_STATUSES.map((s) => [s] as const))('%s: accepted only with finished_at set exactly when finished', async (status) => {
    const { elder } = await anElder(orm);
    const finished = !['pending_confirmation', 'queued', 'running'].includes(status);
    await expect(insert(elder.id, status, finished ? new Date() : null)).resolves.toBeUndefined();
    await expect(insert(elder.id, status, finished ? null : new Date())).rejects.toThrow(/tasks_finished_at_check|CHECK constraint/i);
  });
});
