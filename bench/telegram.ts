/**
 * The Telegram channel under load against the fake Bot API, through the real app in scale mode (Postgres,
 * BullMQ) unless `--mode=embedded`:
 *  (a) outbound: `--messages` (2,000) outbox rows to `--chats` (500) chats → queue → MessageDelivery →
 *      TelegramChannel → fake. Sustained messages/s and 429s (target >= 28/s, zero 429s).
 *  (b) inbound: `--rate` (50) messages/s for `--seconds` (60) by long polling → router → offline agent →
 *      reply. p50/p99 latency from the update being available to the reply reaching the Bot API
 *      (target p99 < 150 ms). 50 replies/s is over Telegram's 30/s per bot, so (b) lifts the bot-wide cap on
 *      both sides (per-chat limits stay) and measures the pipeline, not Telegram's cap.
 * Options take `--name=value` (or `--name value`).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MikroORM } from '@mikro-orm/core';
import { parseConfig } from '../src/config.ts';
import { buildApp, type App } from '../src/app.ts';
import { ormOptions, type DatabaseTarget } from '../src/db/orm.ts';
import { createLogger } from '../src/lib/logger.ts';
import { OutboxBatch } from '../src/messaging/outbox.ts';
import { BullDeliveryQueue, queueSettings } from '../src/workers/bullmq-queues.ts';
import { TelegramChannel, TELEGRAM_LIMITS } from '../src/bots/telegram/telegram-channel.ts';
import type { BenchResult } from '../src/cli/bench.ts';
import { FakeTelegramServer, TELEGRAM_FAKE_LIMITS, aTelegramUser, type RecordedCall } from '../test/support/fake-telegram-server.ts';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const option = (args: string[], name: string, def: string): string => {
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

interface Run {
  app: App;
  fake: FakeTelegramServer;
  cleanup(): Promise<void>;
}

/** Starts the real app on fresh storage with a TelegramChannel pointed at a fresh fake. */
async function startRun(mode: 'scale' | 'embedded', liftBotCap: boolean): Promise<Run> {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  const botCap = { max: 10_000, windowMs: 1000 };
  const fake = await FakeTelegramServer.start(liftBotCap ? { ...TELEGRAM_FAKE_LIMITS, bot: botCap } : TELEGRAM_FAKE_LIMITS);
  const logger = createLogger('silent');
  const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger, ...(liftBotCap ? { limits: { ...TELEGRAM_LIMITS, bot: botCap } } : {}) });
  const schema = `bench_tg_${id}`;
  const prefix = `bench-tg-${id}`;
  const sqlite = `/tmp/bench-telegram-${id}.db`;
  const lifted = liftBotCap ? { TELEGRAM_SENDS_PER_SECOND: String(botCap.max) } : {};
  const env = mode === 'scale' ? { DATABASE_URL: PG, REDIS_URL: REDIS, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ...lifted } : { SQLITE_PATH: sqlite, LOG_LEVEL: 'silent', ...lifted };
  const database: DatabaseTarget = mode === 'scale' ? { kind: 'postgresql', url: PG, schema } : { kind: 'sqlite', path: sqlite };
  const app = await buildApp({ config: parseConfig(env), logger, channels: [channel], database, http: false, cron: false });
  return {
    app,
    fake,
    async cleanup() {
      await app.stop();
      await fake.close();
      if (mode === 'scale') {
        const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG }));
        await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
        await orm.close();
        const redis = new Redis(REDIS);
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      } else {
        const { rmSync } = await import('node:fs');
        for (const suffix of ['', '-wal', '-shm']) rmSync(sqlite + suffix, { force: true });
      }
    },
  };
}

/** (a): outbox rows written in batches, handed to the delivery queue, timed at the fake. */
async function outbound(mode: 'scale' | 'embedded', messages: number, chats: number): Promise<{ rate: number; tooMany: number; delivered: number; seconds: number }> {
  const run = await startRun(mode, false);
  try {
    const { app, fake } = run;
    const chatIds = Array.from({ length: chats }, () => String(aTelegramUser().id));
    const sent: number[] = [];
    let done!: () => void;
    const allSent = new Promise<void>((r) => (done = r));
    fake.onCall = (c: RecordedCall) => {
      if (c.method === 'sendMessage' && c.status === 200 && sent.push(c.at) === messages) done();
    };
    const queue = mode === 'scale' ? new BullDeliveryQueue(queueSettings(REDIS, app.config.REDIS_PREFIX)) : app.executor!;
    const started = performance.now();
    // Round-robin over the chats, as a morning round of reminders would go out.
    for (let i = 0; i < messages; i += 500) {
      const em = app.orm.em.fork();
      const batch = new OutboxBatch();
      for (let k = i; k < Math.min(messages, i + 500); k++) batch.stage(em, { channel: 'telegram', chatId: chatIds[k % chats]!, text: `Good morning! Reminder ${k}: take your 8am tablets with breakfast.` });
      await em.flush();
      await batch.dispatch(queue);
    }
    await Promise.race([allSent, new Promise((r) => setTimeout(r, Math.max(120_000, (messages / 20) * 1000)))]);
    if (queue instanceof BullDeliveryQueue) await queue.close();
    const seconds = ((sent.at(-1) ?? started) - started) / 1000;
    // Sustained: after the first second, whose burst of 30 the per-second limit allows at once.
    const steady = sent.filter((t) => t >= sent[0]! + 1000);
    return {
      rate: steady.length > 1 ? (steady.length - 1) / ((steady.at(-1)! - steady[0]!) / 1000) : 0,
      tooMany: fake.calls.filter((c) => c.status === 429).length,
      delivered: sent.length,
      seconds,
    };
  } finally {
    await run.cleanup();
  }
}

const SAYINGS = ['good morning', 'thank you dear', 'remind me to call Sarah tomorrow at 5pm', 'hello, how are you today?'];

/** (b): a steady stream of private messages from many elders; latency to the first reply to each. */
async function inbound(
  mode: 'scale' | 'embedded',
  rate: number,
  seconds: number,
  elders: number,
): Promise<{ p50: number; p99: number; max: number; answered: number; asked: number; achievedRate: number; cpuMsPerMessage: number; eventLoopBusy: number }> {
  const run = await startRun(mode, true);
  try {
    const { fake } = run;
    const users = Array.from({ length: elders }, () => aTelegramUser());
    const waiting = new Map<string, number[]>();
    const latencies: number[] = [];
    fake.onCall = (c: RecordedCall) => {
      if (c.method !== 'sendMessage' || c.status !== 200) return;
      const pushedAt = waiting.get(String(c.params.chat_id))?.shift();
      if (pushedAt !== undefined) latencies.push(c.at - pushedAt);
    };
    // Every elder says hello once first, so the measured stream is regular conversation, not sign-ups.
    for (const u of users) {
      fake.userSays(u, 'hello');
      waiting.set(String(u.id), [performance.now()]);
    }
    await waitUntil(() => latencies.length >= elders, 60_000);
    latencies.length = 0;
    const total = Math.round(rate * seconds);
    const started = performance.now();
    // The whole process (app and fake) shares one event loop: how busy it is tells whether p99 is queueing.
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const ahead = due - performance.now();
      if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
      const user = users[i % elders]!;
      const queueForChat = waiting.get(String(user.id)) ?? [];
      queueForChat.push(performance.now());
      waiting.set(String(user.id), queueForChat);
      fake.userSays(user, SAYINGS[Math.floor(i / elders) % SAYINGS.length]!);
    }
    const achievedRate = total / ((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuBefore);
    const eventLoopBusy = performance.eventLoopUtilization(loopBefore).utilization;
    await waitUntil(() => latencies.length >= total, 30_000);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      answered: latencies.length,
      asked: total,
      achievedRate,
      cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / total,
      eventLoopBusy,
    };
  } finally {
    await run.cleanup();
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Runs (a) then (b) and reports their figures. */
export async function run(args: string[]): Promise<BenchResult[]> {
  const mode = option(args, 'mode', 'scale') === 'embedded' ? 'embedded' : 'scale';
  const messages = Number(option(args, 'messages', '2000'));
  const chats = Number(option(args, 'chats', '500'));
  const rate = Number(option(args, 'rate', '50'));
  const seconds = Number(option(args, 'seconds', '60'));
  const out = await outbound(mode, messages, chats);
  const into = await inbound(mode, rate, seconds, Math.min(500, Math.max(1, Math.round(rate * 10))));
  return [
    { bench: 'telegram', metric: `(a) outbound ${out.delivered}/${messages} msgs to ${chats} chats (${mode})`, value: out.rate, unit: 'msgs/s', target: '>= 28' },
    { bench: 'telegram', metric: '(a) 429 answers from the Bot API', value: out.tooMany, unit: 'count', target: '0' },
    { bench: 'telegram', metric: '(a) wall time', value: out.seconds, unit: 's' },
    { bench: 'telegram', metric: `(b) inbound ${into.achievedRate.toFixed(1)}/s for ${seconds}s, answered`, value: into.answered, unit: `of ${into.asked}` },
    { bench: 'telegram', metric: '(b) inbound → reply p50', value: into.p50, unit: 'ms' },
    { bench: 'telegram', metric: '(b) inbound → reply p99', value: into.p99, unit: 'ms', target: '< 150' },
    { bench: 'telegram', metric: '(b) inbound → reply max', value: into.max, unit: 'ms' },
    { bench: 'telegram', metric: '(b) process CPU per inbound message', value: into.cpuMsPerMessage, unit: 'ms' },
    { bench: 'telegram', metric: '(b) event loop busy', value: 100 * into.eventLoopBusy, unit: '%' },
  ];
}
