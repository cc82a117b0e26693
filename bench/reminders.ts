/**
 * Medicine reminders at scale: on Postgres and Redis, seeds `--doses` (100,000) doses due in the same minute
 * across `--elders` (50,000) elders in four timezones, plus `--future` (1,000,000) doses scheduled for later,
 * then runs the due-dose sweep for that minute (its clock set to the minute, as the cron tick would see it;
 * `--batch`, `--concurrency`) and measures until every reminder has been handed to the BullMQ
 * `outbound-telegram` queue: dispatch time, doses/s, p99 lateness against the due time, peak RSS, and Redis
 * memory with the future doses scheduled against empty (flat: the database holds the future, not Redis).
 * Target: 100,000 dispatched within 15 s.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { openDatabase, ormOptions } from '../src/db/orm.ts';
import { dispatchDueDoses } from '../src/tasks/medicines/dose-dispatch.ts';
import { BullDeliveryQueue, deliveryQueueName, queueSettings } from '../src/workers/bullmq-queues.ts';
import type { DeliveryQueue } from '../src/messaging/outbox.ts';
import type { BenchResult } from '../src/cli/bench.ts';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const arg = (args: string[], name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};

// Elders live in four zones; each schedule's local time is chosen so that all doses fall due at one instant.
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];

/** The zone's wall time 'HH:mm' of an instant. */
const wallTime = (instant: Date, zone: string): string => DateTime.fromJSDate(instant, { zone }).toFormat('HH:mm');

const zoneCase = (column: string, values: string[]): string => `(case ${column} % 4 ${values.map((v, i) => `when ${i} then '${v}'`).join(' ')} end)`;

const usedMemory = async (redis: Redis): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);

/** Keys and bytes under the bench's own Redis prefix (the server is shared, so used_memory alone is noisy). */
async function prefixUsage(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
    keys += batch.length;
    for (const key of batch) bytes += (await redis.memory('USAGE', key)) ?? 0;
  }
  return { keys, bytes };
}

/** Elders with their own Telegram accounts, round-robin over the zones. */
async function seedElders(orm: MikroORM, schema: string, elders: number): Promise<void> {
  const conn = orm.em.getConnection();
  await conn.execute(`insert into "${schema}"."elders" (id, name, timezone, locale, created_at)
    select md5('elder' || g)::uuid, 'Elder ' || g, ${zoneCase('g', ZONES)}, 'en-GB', now() from generate_series(0, ${elders - 1}) g`);
  await conn.execute(`insert into "${schema}"."channel_accounts" (id, channel, external_user_id, chat_id, role, elder_id, active, created_at)
    select md5('account' || g)::uuid, 'telegram', 'user-' || g, 'chat-' || g, 'elder', md5('elder' || g)::uuid, true, now() from generate_series(0, ${elders - 1}) g`);
}

/** `count` schedules numbered from `from`, spread over the elders, each with its next dose at `at`. */
async function seedSchedules(orm: MikroORM, schema: string, elders: number, from: number, count: number, at: Date, medicine: string): Promise<void> {
  const conn = orm.em.getConnection();
  const times = zoneCase(`(g % ${elders})`, ZONES.map((zone) => JSON.stringify([wallTime(at, zone)])));
  for (let start = from; start < from + count; start += 200_000) {
    const end = Math.min(from + count, start + 200_000) - 1;
    await conn.execute(`insert into "${schema}"."medication_schedules" (id, elder_id, medicine, dose, times, days, timezone, status, next_dose_at, pill_count, created_at)
      select md5('schedule' || g)::uuid, md5('elder' || (g % ${elders}))::uuid, '${medicine}', '500mg', ${times}::jsonb, null,
             ${zoneCase(`(g % ${elders})`, ZONES)}, 'active', '${at.toISOString()}', null, now()
        from generate_series(${start}, ${end}) g`);
  }
  await conn.execute(`analyze "${schema}"."medication_schedules"`);
}

/** Seeds, waits for the due minute, runs the sweep and reports. */
export async function run(args: string[]): Promise<BenchResult[]> {
  const elders = arg(args, 'elders', 50_000);
  const doses = arg(args, 'doses', 100_000);
  const future = arg(args, 'future', 1_000_000);
  const batchSize = arg(args, 'batch', 1000);
  const concurrency = arg(args, 'concurrency', 2);
  const id = randomUUID().slice(0, 8);
  const schema = `bench_doses_${id}`;
  const prefix = `bench-doses-${id}`;
  const redis = new Redis(REDIS);
  const settings = queueSettings(REDIS, prefix);
  const bull = new BullDeliveryQueue(settings);
  let orm: MikroORM | undefined;
  try {
    const emptyUsed = await usedMemory(redis);
    const emptyPrefix = await prefixUsage(redis, prefix);
    orm = await openDatabase({ kind: 'postgresql', url: PG, schema });
    const seedStarted = Date.now();
    await seedElders(orm, schema, elders);
    await seedSchedules(orm, schema, elders, doses, future, new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 86_400_000), 'Atorvastatin');
    // The due minute; the sweep runs with its clock set to it, as the cron tick on that minute would.
    const dueAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    await seedSchedules(orm, schema, elders, 0, doses, dueAt, 'Metformin');
    const seededMs = Date.now() - seedStarted;
    const futureUsed = await usedMemory(redis);
    const futurePrefix = await prefixUsage(redis, prefix);

    const handedAt: { at: number; count: number }[] = [];
    const measured: DeliveryQueue = {
      enqueueDeliveries: async (messages) => {
        await bull.enqueueDeliveries(messages);
        handedAt.push({ at: Date.now(), count: messages.length });
      },
    };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
    const started = performance.now();
    const tickedAt = Date.now();
    const counts = await dispatchDueDoses(orm, measured, dueAt, { lateWindowMinutes: 120, batchSize, concurrency });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    const outbound = new Queue(deliveryQueueName('telegram', '', 'reminder'), settings);
    const counted = await outbound.getJobCounts('waiting', 'prioritized');
    const queued = { waiting: (counted.waiting ?? 0) + (counted.prioritized ?? 0) };
    await outbound.close();
    if (counts.sent !== doses || queued.waiting !== doses) throw new Error(`expected ${doses} reminders queued, got ${counts.sent} sent and ${queued.waiting} waiting`);
    // Lateness against the due time, the tick being on time: how long after the tick each reminder was queued.
    const lateness = handedAt.flatMap((h) => Array<number>(h.count).fill(h.at - tickedAt)).sort((a, b) => a - b);
    const p99 = lateness[Math.min(lateness.length - 1, Math.ceil(lateness.length * 0.99) - 1)]!;
    const afterUsed = await usedMemory(redis);
    const mb = (bytes: number): number => bytes / 1024 / 1024;
    return [
      { bench: 'reminders', metric: `dispatch ${doses} doses (${elders} elders)`, value: seconds, unit: 's', target: '<= 15 s' },
      { bench: 'reminders', metric: 'throughput', value: doses / seconds, unit: 'doses/s' },
      { bench: 'reminders', metric: 'p99 lateness vs due time', value: p99 / 1000, unit: 's' },
      { bench: 'reminders', metric: 'peak RSS while dispatching', value: mb(peakRss), unit: 'MB' },
      { bench: 'reminders', metric: 'Redis used_memory, empty', value: mb(emptyUsed), unit: 'MB' },
      { bench: 'reminders', metric: `Redis used_memory, ${future} future doses`, value: mb(futureUsed), unit: 'MB', target: 'flat' },
      { bench: 'reminders', metric: 'bench keys in Redis, empty', value: emptyPrefix.keys, unit: 'keys' },
      { bench: 'reminders', metric: `bench keys in Redis, ${future} future doses`, value: futurePrefix.keys, unit: 'keys', target: '0' },
      { bench: 'reminders', metric: `bench key bytes in Redis, ${future} future doses`, value: futurePrefix.bytes, unit: 'bytes', target: '0' },
      { bench: 'reminders', metric: `Redis used_memory, ${doses} reminders queued`, value: mb(afterUsed), unit: 'MB' },
      { bench: 'reminders', metric: 'seeding (not measured)', value: seededMs / 1000, unit: 's' },
    ];
  } finally {
    await bull.close();
    await orm?.close();
    const admin = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG }));
    await admin.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await admin.close();
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (batch.length > 0) await redis.unlink(...batch);
    }
    redis.disconnect();
  }
}
