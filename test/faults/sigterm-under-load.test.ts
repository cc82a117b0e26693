import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { systemClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { PG_URL, REDIS_URL, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

const TASKS = 1000;
/** How long a worker may take to finish the jobs in hand and exit after SIGTERM. */
const SHUTDOWN_BOUND_MS = 10_000;

/** A real `npm run worker` process on the test's schema and Redis prefix, with what it wrote to stderr. */
interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startWorker(storage: TestStorage): WorkerProcess {
  const db = storage.database;
  if (db.kind !== 'postgresql') throw new Error('scale mode only');
  const child = spawn(process.execPath, ['src/cli/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: db.schema ?? '',
      REDIS_URL,
      REDIS_PREFIX: storage.config.REDIS_PREFIX,
      WORKER_CONCURRENCY: '20',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

describe('a worker process sent SIGTERM under load (scale mode)', () => {
  let storage: TestStorage;
  let app: App;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    storage = testStorage('scale');
    app = await startTestApp(storage, { clock: systemClock, channels: [], agent: unusedAgent, role: 'front' });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
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

  it('finishes the jobs in hand, exits 0 promptly, and loses nothing: every task succeeds exactly once', async () => {
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
    // SIGTERM lands mid-stream: well into the load, at a moment when the worker holds claimed tasks.
    await until(async () => {
      const c = await counts();
      return (c['succeeded'] ?? 0) >= 100 && (c['running'] ?? 0) > 0;
    }, 45_000);

    const termAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    const shutdownMs = Date.now() - termAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(SHUTDOWN_BOUND_MS);
    expect(first.stderr()).toBe('');

    // A graceful stop leaves nothing half-done: no task is left running, and the load was really cut short.
    const afterStop = await counts();
    expect(afterStop['running'] ?? 0).toBe(0);
    expect(afterStop['succeeded'] ?? 0).toBeLessThan(TASKS);

    const second = startWorker(storage);
    workers.push(second);
    await until(async () => {
      const c = await counts();
      return (c['succeeded'] ?? 0) + (c['failed'] ?? 0) === TASKS;
    }, 60_000);

    const em = app.orm.em.fork();
    expect(await counts()).toEqual({ succeeded: TASKS });
    expect(await em.count(Reminder, { elderId: elder.id })).toBe(TASKS);
    expect(await em.count(MessageLog, { elderId: elder.id, direction: 'out', idempotencyKey: { $like: 'task-reply:%' } })).toBe(TASKS);
    // Nothing was abandoned mid-run, so nothing needed a second attempt.
    const tasks = await em.find(Task, { elderId: elder.id }, { fields: ['attempts'] });
    expect(tasks.every((t) => t.attempts === 1)).toBe(true);
  }, 120_000);
});
