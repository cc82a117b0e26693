import { describe, it, expect, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { parseConfig } from '../../src/config.ts';
import { buildApp, type App } from '../../src/app.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { ormOptions } from '../../mikro-orm.config.ts';
import { PG_URL, REDIS_URL } from '../support/test-app.ts';
import { Redis } from 'ioredis';
import { anElder, unusedAgent } from '../support/factories.ts';
import { freePort, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { privateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { isReady, liveness, readiness, startAssistantProcess, until, type AssistantProcess } from '../support/assistant-process.ts';

/** The warn lines a process wrote while waiting for one service. */
const waitingLines = (p: AssistantProcess, service: string): Record<string, unknown>[] => p.logLines().filter((l) => l['level'] === 40 && l['service'] === service);

describe('a worker started before Redis accepts connections (real process)', () => {
  let redis: PrivateRedis | undefined;
  let worker: AssistantProcess | undefined;
  let front: App | undefined;
  const schema = `late_redis_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

  afterAll(async () => {
    await worker?.stop();
    await front?.stop();
    await redis?.stop();
    const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm.close();
  }, 60_000);

  it('stays alive and not ready, saying why once per attempt, then runs tasks when Redis comes up', async () => {
    redis = privateRedis(await freePort());
    const port = await freePort();
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL: redis.url, REDIS_PREFIX: 'late', LOG_LEVEL: 'info', WORKER_HTTP: 'true', HTTP_PORT: String(port), TASK_BACKOFF_MS: '10' };
    worker = startAssistantProcess('src/cli/worker.ts', env);
    const w = worker;

    await until('the worker to say it waits for Redis', () => waitingLines(w, 'redis').length >= 3, 60_000);
    expect(await liveness(port)).toBe(200);
    const waiting = await readiness(port);
    expect(waiting).toMatchObject({ status: 503, body: { status: 'starting', checks: { database: 'ok', schema: 'ok', redis: expect.stringContaining('ECONNREFUSED') } } });
    const lines = waitingLines(w, 'redis');
    expect(lines.map((l) => l['attempt'])).toEqual(lines.map((_, i) => i + 1));
    for (const line of lines) expect(line).toMatchObject({ reason: expect.stringContaining('ECONNREFUSED'), retryInMs: expect.any(Number) });
    expect(Math.max(...lines.map((l) => Number(l['retryInMs'])))).toBeLessThanOrEqual(5000);

    await redis.start();
    await until('the worker to be ready', () => isReady(port), 60_000);
    expect(w.child.exitCode).toBeNull();

    // The worker took its queue: a task confirmed by a front is run.
    front = await buildApp({
      config: parseConfig({ ...env, HTTP_PORT: '0' }),
      role: 'front',
      clock: systemClock,
      logger: createLogger('silent'),
      channels: [],
      agent: unusedAgent,
      http: false,
      cron: false,
    });
    const { elder, account } = await anElder(front.orm);
    const task = await front.tasks.propose({ elder, kind: 'set_reminder', args: { text: 'call Sarah', at: '2030-01-01T09:00' }, requestedByAccountId: account.id, replyChannel: 'telegram', replyChatId: account.chatId });
    await front.tasks.confirm(task.id);
    const f = front;
    await until('the worker to run the task', async () => (await f.orm.em.fork().findOneOrFail(Task, task.id)).status === 'succeeded', 30_000);
    expect(w.child.exitCode).toBeNull();
  }, 180_000);
});

describe('a front started while Postgres is stopped (real process, private cluster)', () => {
  let pg: PrivatePostgres | undefined;
  let front: AssistantProcess | undefined;
  const prefix = `late-pg-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await front?.stop();
    await pg?.destroy();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 60_000);

  it('stays alive and not ready, saying why once per attempt, then migrates and serves when Postgres starts', async () => {
    // Only Postgres is late here: the front uses the machine's Redis.
    pg = await startPrivatePostgres();
    await pg.stop();
    const port = await freePort();
    front = startAssistantProcess('src/main.ts', { DATABASE_URL: pg.url, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'info', HTTP_PORT: String(port) });
    const f = front;

    await until('the front to say it waits for the database', () => waitingLines(f, 'database').length >= 3, 60_000);
    expect(await liveness(port)).toBe(200);
    expect(await readiness(port)).toMatchObject({ status: 503, body: { status: 'starting', checks: { database: expect.stringContaining('ECONNREFUSED') } } });
    const lines = waitingLines(f, 'database');
    expect(lines.map((l) => l['attempt'])).toEqual(lines.map((_, i) => i + 1));

    await pg.start();
    await until('the front to be ready', () => isReady(port), 60_000);
    expect(f.child.exitCode).toBeNull();
    expect(f.logLines().map((l) => l['msg'])).toEqual(expect.arrayContaining(['database is ready', expect.stringMatching(/^applied \d+ migrations$/), 'assistant started']));
  }, 180_000);
});
