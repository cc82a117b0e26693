/**
 * Raw BullMQ (add + process no-op jobs) against the full task path (Task row inserted queued, job carrying
 * its id, worker claiming it running, running → succeeded with the result) on the same Redis and Postgres,
 * side by side in one run. Target: the task path >= 25% of raw BullMQ's throughput.
 */
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { MikroORM } from '@mikro-orm/core';
import { openDatabase, ormOptions } from '../src/db/orm.ts';
import { Task } from '../src/tasks/task.entity.ts';
import { Elder } from '../src/tasks/elders/elder.entity.ts';
import { TaskHandlerRegistry } from '../src/tasks/task-handler.ts';
import { TaskRunner } from '../src/workers/task-runner.ts';
import { BullTaskQueue, queueSettings, startTaskWorker } from '../src/workers/bullmq-queues.ts';
import { systemClock } from '../src/lib/clock.ts';
import { createLogger } from '../src/lib/logger.ts';
import type { BenchResult } from '../src/cli/bench.ts';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const arg = (args: string[], name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};

async function rawBullmq(jobs: number, concurrency: number, prefix: string): Promise<number> {
  const settings = queueSettings(REDIS, prefix);
  const queue = new Queue('raw', settings);
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const started = performance.now();
  const worker = new Worker('raw', async () => undefined, { ...settings, concurrency });
  worker.on('completed', () => {
    if (++done === jobs) finish();
  });
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'noop', data: { id: `${i + k}` }, opts: { removeOnComplete: true } })));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return jobs / seconds;
}

async function taskPath(tasks: number, concurrency: number, prefix: string, schema: string): Promise<number> {
  const orm = await openDatabase({ kind: 'postgresql', url: PG, schema });
  const logger = createLogger('silent');
  const handlers = new TaskHandlerRegistry().register({
    kind: 'noop',
    label: 'do nothing',
    schema: z.object({}),
    readBack: () => 'Nothing?',
    // Like every handler that only touches the database, it may share a commit with other tasks.
    groupCommit: true,
    execute: async () => ({ result: {} }),
  });
  const runner = new TaskRunner({ orm, handlers, delivery: { enqueueDeliveries: async () => undefined }, clock: systemClock, logger, leaseMs: 60_000, backoffMs: 1000 });
  const settings = queueSettings(REDIS, prefix);
  const queue = new BullTaskQueue(settings);
  const em = orm.em.fork();
  const elder = em.create(Elder, { id: randomUUID(), name: 'Bench', timezone: 'Europe/London', locale: 'en-GB' });
  await em.flush();
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = startTaskWorker(settings, runner, concurrency, logger);
  worker.on('completed', () => {
    if (++done === tasks) finish();
  });
  const started = performance.now();
  for (let i = 0; i < tasks; i += 500) {
    // A bulk producer's INSERT of 500 rows through the ORM (no unit of work to compute), then their ids on the queue.
    const now = new Date();
    const rows = Array.from({ length: Math.min(500, tasks - i) }, () => {
      const id = randomUUID();
      return { id, elderId: elder.id, kind: 'noop', args: {}, status: 'queued' as const, attempts: 0, maxAttempts: 5, idempotencyKey: `bench:${id}`, replyChannel: 'telegram' as const, replyChatId: 'bench', createdAt: now, updatedAt: now };
    });
    await orm.em.fork().insertMany(Task, rows);
    await queue.enqueueTasks(rows);
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const succeeded = await orm.em.fork().count(Task, { status: 'succeeded' });
  if (succeeded !== tasks) throw new Error(`only ${succeeded}/${tasks} tasks succeeded`);
  await worker.close();
  await queue.queue.obliterate({ force: true });
  await queue.close();
  await orm.close();
  return tasks / seconds;
}

/**
 * Runs both measurements at each worker concurrency (default 50 and 200) and reports tasks/s and the ratio.
 * The two alternate for `--rounds` rounds (default 3) and the medians are reported, with the spread, because
 * on a small machine one run of either can be off by a quarter. The task path waits on Postgres round trips
 * (claim, commit) where a no-op job waits on Redis alone, so its throughput grows with concurrency long after
 * raw BullMQ has run out of CPU: both are reported side by side.
 */
export async function run(args: string[]): Promise<BenchResult[]> {
  const jobs = arg(args, 'jobs', 20_000);
  const rounds = arg(args, 'rounds', 3);
  const i = args.indexOf('--concurrency');
  const concurrencies = (i >= 0 ? args[i + 1]! : '50,200').split(',').map(Number);
  const id = randomUUID().slice(0, 8);
  const schemas: string[] = [];
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const spread = (values: number[]): string => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} over ${values.length} rounds`;
  try {
    const results: BenchResult[] = [];
    for (const concurrency of concurrencies) {
      const raws: number[] = [];
      const fulls: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const schema = `bench_${id}_${concurrency}_${round}`;
        schemas.push(schema);
        raws.push(await rawBullmq(jobs, concurrency, `bench-raw-${id}`));
        fulls.push(await taskPath(jobs, concurrency, `bench-task-${id}`, schema));
      }
      const ratios = fulls.map((f, k) => (100 * f) / raws[k]!);
      results.push(
        { bench: 'task-path', metric: `raw BullMQ no-op jobs, concurrency ${concurrency} (median; ${spread(raws)})`, value: median(raws), unit: 'jobs/s' },
        { bench: 'task-path', metric: `full task path, concurrency ${concurrency} (median; ${spread(fulls)})`, value: median(fulls), unit: 'tasks/s' },
        { bench: 'task-path', metric: `task path / raw BullMQ, concurrency ${concurrency} (median of rounds; ${spread(ratios)})`, value: median(ratios), unit: '%', target: '>= 25%' },
      );
    }
    return results;
  } finally {
    const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG }));
    for (const schema of schemas) await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm.close();
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`bench-*-${id}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}
