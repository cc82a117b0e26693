import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/lib/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { buildApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { REDIS_URL } from '../support/test-app.ts';
import { anElder, unusedAgent } from '../support/factories.ts';
import { freePort, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';

const TASKS = 300;
const OUTAGE_MS = 4000;

const readiness = async (port: number): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> => {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
};

const until = async (what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('Postgres restarted while tasks run (scale mode, real worker process)', () => {
  let pg: PrivatePostgres;
  let front: App;
  let worker: ChildProcess;
  let workerStderr = '';
  let workerEnv: NodeJS.ProcessEnv;
  let frontPort: number;
  let workerPort: number;
  const prefix = `fault-pg-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    frontPort = await freePort();
    workerPort = await freePort();
    const env = { DATABASE_URL: pg.url, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', TASK_LEASE_MS: '1500', TASK_BACKOFF_MS: '10' };
    front = await buildApp({
      config: parseConfig({ ...env, HTTP_PORT: String(frontPort) }),
      role: 'front',
      clock: systemClock,
      logger: createLogger('silent'),
      channels: [],
      agent: unusedAgent,
      cron: false,
    });
    workerEnv = { ...process.env, ...env, WORKER_CONCURRENCY: '4', WORKER_HTTP: 'true', HTTP_PORT: String(workerPort) };
  }, 60_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await front?.stop().catch(() => undefined);
    await pg?.destroy();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 30_000);

  const counts = async (): Promise<Record<string, number>> => {
    const rows = await front.orm.em.fork().find(Task, {}, { fields: ['status'] });
    const by: Record<string, number> = {};
    for (const r of rows) by[r.status] = (by[r.status] ?? 0) + 1;
    return by;
  };

  it('reports not ready while the database is down, then recovers without restarting and runs every task exactly once', async () => {
    const { elder, account } = await anElder(front.orm);
    const propose = async (i: number): Promise<void> => {
      const task = await front.tasks.propose({
        elder,
        kind: 'set_reminder',
        args: { text: `reminder ${i}`, at: '2030-01-01T09:00' },
        requestedByAccountId: account.id,
        replyChannel: 'telegram',
        replyChatId: account.chatId,
      });
      await front.tasks.confirm(task.id);
    };
    for (let i = 0; i < TASKS; i++) await propose(i);
    // The worker starts once every task is queued: on a busy machine, proposing one by one could otherwise let it
    // finish them all before the outage.
    worker = spawn(process.execPath, ['src/cli/worker.ts'], { env: workerEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    worker.stderr?.on('data', (c: Buffer) => (workerStderr += c.toString('utf8')));
    await until('the worker to be ready', async () => (await readiness(workerPort)).status === 200, 30_000);
    expect((await readiness(frontPort)).status).toBe(200);
    await until('the worker to be part-way through', async () => ((await counts())['succeeded'] ?? 0) >= 30, 30_000);

    const beforeOutage = await counts();
    await pg.stop();
    // The outage hits a run in progress: tasks are still queued or running when the database goes.
    expect(beforeOutage['succeeded'] ?? 0).toBeLessThan(TASKS);
    const stoppedAt = Date.now();
    await expect(counts()).rejects.toThrow();
    for (const port of [frontPort, workerPort]) {
      const down = await readiness(port);
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('not ready');
      expect(down.body.checks['database']).not.toBe('ok');
      expect(down.body.checks['redis']).toBe('ok');
    }
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    await pg.start();

    // The same processes become ready again: nobody restarted them.
    await until('both processes to be ready again', async () => (await readiness(frontPort)).status === 200 && (await readiness(workerPort)).status === 200, 20_000);
    expect(worker.exitCode).toBeNull();
    // The front takes new work again, and the worker runs it.
    await propose(TASKS);

    let last: Record<string, number> = {};
    await until(
      'every task to finish',
      async () => {
        last = await counts();
        return (last['succeeded'] ?? 0) + (last['failed'] ?? 0) === TASKS + 1;
      },
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; tasks: ${JSON.stringify(last)}`);
    });

    const em = front.orm.em.fork();
    expect(await counts()).toEqual({ succeeded: TASKS + 1 });
    expect(await em.count(Reminder, { elderId: elder.id })).toBe(TASKS + 1);
    expect(await em.count(MessageLog, { elderId: elder.id, direction: 'out', idempotencyKey: { $like: 'task-reply:%' } })).toBe(TASKS + 1);
    // An attempt cut off by the outage costs at most one retry.
    const tasks = await em.find(Task, { elderId: elder.id }, { fields: ['attempts'] });
    expect(Math.max(...tasks.map((t) => t.attempts))).toBeLessThanOrEqual(2);
    expect(worker.exitCode).toBeNull();
    expect(workerStderr).toBe('');
  }, 120_000);
});
