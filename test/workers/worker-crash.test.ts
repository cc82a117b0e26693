import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { systemClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { PG_URL, REDIS_URL, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

const TASKS = 300;

/** Starts a real `npm run worker` process on the test's schema and Redis prefix. */
function startWorker(storage: TestStorage): ChildProcess {
  const db = storage.database;
  if (db.kind !== 'postgresql') throw new Error('scale mode only');
  return spawn(process.execPath, ['src/cli/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: db.schema ?? '',
      REDIS_URL,
      REDIS_PREFIX: storage.config.REDIS_PREFIX,
      TASK_LEASE_MS: '1500',
      WORKER_CONCURRENCY: '4',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

describe('a worker process killed mid-run (scale mode)', () => {
  let storage: TestStorage;
  let app: App;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    storage = testStorage('scale');
    app = await startTestApp(storage, { clock: systemClock, channels: [], agent: unusedAgent, role: 'front' });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await app.stop();
    await storage.cleanup();
  });

  const counts = async (): Promise<Record<string, number>> => {
    const rows = await app.orm.em.fork().find(Task, {}, { fields: ['status'] });
    const by: Record<string, number> = {};
    for (const r of rows) by[r.status] = (by[r.status] ?? 0) + 1;
    return by;
  };

  const until = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out; tasks: ${JSON.stringify(await counts())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('leaves every task succeeded exactly once after kill -9 and a replacement worker', async () => {
    const { elder, account } = await anElder(app.orm);
    for (let i = 0; i < TASKS; i++) {
      const task = await app.tasks.propose({
        elder,
        kind: 'set_reminder',
        args: { text: `reminder ${i}`, at: '2030-01-01T09:00' },
        requestedByAccountId: account.id,
        replyChannel: 'telegram',
        replyChatId: account.chatId,
      });
      await app.tasks.confirm(task.id);
    }
    const first = startWorker(storage);
    workers.push(first);
    await until(async () => ((await counts())['succeeded'] ?? 0) >= 40, 30_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const afterKill = await counts();
    expect(afterKill['succeeded'] ?? 0).toBeLessThan(TASKS);

    workers.push(startWorker(storage));
    await until(async () => ((await counts())['succeeded'] ?? 0) + ((await counts())['failed'] ?? 0) === TASKS, 90_000);

    const em = app.orm.em.fork();
    expect(await counts()).toEqual({ succeeded: TASKS });
    expect(await em.count(Reminder, { elderId: elder.id })).toBe(TASKS);
    expect(await em.count(MessageLog, { elderId: elder.id, direction: 'out', idempotencyKey: { $like: 'task-reply:%' } })).toBe(TASKS);
    const tasks = await em.find(Task, { elderId: elder.id }, { fields: ['attempts'] });
    expect(Math.max(...tasks.map((t) => t.attempts))).toBeLessThanOrEqual(2);
  }, 120_000);
});
