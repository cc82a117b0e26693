/**
 * Message throughput of the whole pipeline with the offline model: inbound message → router (dedupe, log,
 * sender lookup) → assistant → LangChain agent with the offline model → read-back or answer → outbox →
 * delivery to a channel that only counts. Runs embedded (SQLite file, in-process) and in scale mode
 * (Postgres + BullMQ), `--messages` (3,000) messages from `--elders` (300) elders, `--concurrency` (20) in
 * flight. Reports messages/s and the p50/p99 time from a message's arrival to its reply being delivered.
 * The messages are generated from templates of everyday requests (not corpus sentences).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MikroORM } from '@mikro-orm/core';
import { parseConfig } from '../src/config.ts';
import { buildApp } from '../src/app.ts';
import { ormOptions } from '../src/db/orm.ts';
import { createLogger } from '../src/lib/logger.ts';
import type { Channel, Inbound, OutboundMessage } from '../src/bots/channel-port.ts';
import type { BenchResult } from '../src/cli/bench.ts';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const arg = (args: string[], name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};

const TEMPLATES = [
  (i: number) => `remind me to water the plants tomorrow at ${1 + (i % 11)}pm`,
  (i: number) => `can you book a table at the Swan for ${2 + (i % 5)} on friday at 7`,
  () => 'what do I have tomorrow?',
  () => 'I took my pills',
  (i: number) => `add vitamin D ${500 + (i % 4) * 250}mg every morning at 9`,
  () => 'tell my daughter I will be late for lunch',
  () => 'I went for a lovely walk by the river',
  () => 'hello, how are you today',
  () => 'what is the weather like',
];

/**
 * A channel that delivers nowhere and tells the bench when each chat got its reply. It is named WhatsApp, whose
 * pacing lives in its real adapter, so no platform send limit (Telegram's 30/s BullMQ limiter) caps the figure.
 */
class CountingChannel implements Channel {
  readonly name = 'whatsapp' as const;
  private onInbound: ((inbound: Inbound) => Promise<void>) | undefined;
  private readonly waiting = new Map<string, () => void>();

  async start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void> {
    this.onInbound = onInbound;
  }
  async send(message: OutboundMessage): Promise<void> {
    const done = this.waiting.get(message.chatId);
    if (done) {
      this.waiting.delete(message.chatId);
      done();
    }
  }
  async stop(): Promise<void> {
    this.onInbound = undefined;
  }
  /** Sends a message as the elder and resolves when the first reply to that chat is delivered. */
  async say(userId: string, text: string): Promise<void> {
    const chatId = `chat-${userId}`;
    const replied = new Promise<void>((resolve) => this.waiting.set(chatId, resolve));
    await this.onInbound!({ kind: 'message', sender: { channel: 'whatsapp', userId, chatId, chatType: 'private', displayName: 'Bench' }, updateId: randomUUID(), text });
    await replied;
  }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(mode: 'embedded' | 'scale', messages: number, elders: number, concurrency: number): Promise<BenchResult[]> {
  const id = randomUUID().slice(0, 8);
  const sqlite = join(tmpdir(), `bench-pipeline-${id}.db`);
  const schema = `bench_pipe_${id}`;
  const prefix = `bench-pipe-${id}`;
  const config =
    mode === 'embedded'
      ? parseConfig({ SQLITE_PATH: sqlite, LOG_LEVEL: 'silent' })
      : parseConfig({ DATABASE_URL: PG, REDIS_URL: REDIS, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const channel = new CountingChannel();
  const app = await buildApp({
    config,
    channels: [channel],
    logger: createLogger('silent'),
    http: false,
    cron: false,
    database: mode === 'embedded' ? { kind: 'sqlite', path: sqlite } : { kind: 'postgresql', url: PG, schema },
  });
  try {
    // Each elder's first message registers them; do it before timing. Not a greeting: on WhatsApp a first "hello"
    // starts onboarding, and the bench would then time "what's your name?" instead of the assistant.
    const users = Array.from({ length: elders }, (_, i) => `bench-${id}-${i}`);
    for (const u of users) await channel.say(u, 'what do I have tomorrow?');
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    // One message in flight per elder at a time (a person waits for the answer), `concurrency` elders at once.
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        for (;;) {
          const i = next++;
          if (i >= messages) return;
          const user = users[(lane + concurrency * Math.floor(i / concurrency)) % elders]!;
          const t0 = performance.now();
          await channel.say(user, TEMPLATES[i % TEMPLATES.length]!(i));
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return [
      { bench: 'pipeline', metric: `${mode}: messages answered`, value: messages / seconds, unit: 'msgs/s' },
      { bench: 'pipeline', metric: `${mode}: reply latency p50`, value: percentile(latencies, 50), unit: 'ms' },
      { bench: 'pipeline', metric: `${mode}: reply latency p99`, value: percentile(latencies, 99), unit: 'ms' },
    ];
  } finally {
    await app.stop();
    if (mode === 'embedded') for (const s of ['', '-wal', '-shm']) rmSync(sqlite + s, { force: true });
    else {
      const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG }));
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close();
      const redis = new Redis(REDIS);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

/** Both modes, one after the other. */
export async function run(args: string[]): Promise<BenchResult[]> {
  const messages = arg(args, 'messages', 3000);
  const elders = arg(args, 'elders', 300);
  const concurrency = arg(args, 'concurrency', 20);
  return [...(await measure('embedded', messages, elders, concurrency)), ...(await measure('scale', messages, elders, concurrency))];
}
