/** What the Telegram benchmarks share: options, percentiles, and the real app on fresh storage against the fake Bot API. */

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MikroORM } from '@mikro-orm/core';
import { parseConfig } from '../src/config.ts';
import { buildApp, type App } from '../src/app.ts';
import { ormOptions, type DatabaseTarget } from '../src/db/orm.ts';
import { createLogger } from '../src/lib/logger.ts';
import { TelegramChannel, TELEGRAM_LIMITS, type TelegramChannelOptions } from '../src/bots/telegram/telegram-channel.ts';
import { updatesInFlight } from '../src/bots/telegram/create-telegram-channel.ts';
import type { Inbound, OutboundMessage } from '../src/bots/channel-port.ts';
import { FakeTelegramServer, TELEGRAM_FAKE_LIMITS } from '../test/support/fake-telegram-server.ts';

/** The Postgres the benches use. */
export const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** The Redis the benches use. */
export const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An option as `--name=value` or `--name value`, else the default. */
export const option = (args: string[], name: string, def: string): string => {
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};

/** The p-th percentile of sorted values. */
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** A running app on fresh storage, with its fake Bot API. */
export interface Run {
  app: App;
  fake: FakeTelegramServer;
  cleanup(): Promise<void>;
}

/** Marks the bench takes inside the channel: a message entering and leaving the router, a reply handed to send. */
export interface ChannelTiming {
  routeStart(inbound: Inbound): void;
  routeEnd(inbound: Inbound): void;
  sendStart(message: OutboundMessage): void;
}

/** The real TelegramChannel, marking when each update is routed and each reply is handed to it. */
export class TimedTelegramChannel extends TelegramChannel {
  private readonly timing: ChannelTiming;

  constructor(options: TelegramChannelOptions, timing: ChannelTiming) {
    super(options);
    this.timing = timing;
  }

  override start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void> {
    return super.start(async (inbound) => {
      this.timing.routeStart(inbound);
      await onInbound(inbound);
      this.timing.routeEnd(inbound);
    });
  }

  override send(message: OutboundMessage): Promise<void> {
    this.timing.sendStart(message);
    return super.send(message);
  }
}

/** Starts the real app on fresh storage with a TelegramChannel pointed at a fresh fake. */
export async function startRun(mode: 'scale' | 'embedded', liftBotCap: boolean, timing?: ChannelTiming): Promise<Run> {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  const botCap = { max: 10_000, windowMs: 1000 };
  const fake = await FakeTelegramServer.start(liftBotCap ? { ...TELEGRAM_FAKE_LIMITS, bot: botCap } : TELEGRAM_FAKE_LIMITS);
  const logger = createLogger('silent');
  const schema = `bench_tg_${id}`;
  const prefix = `bench-tg-${id}`;
  const sqlite = `/tmp/bench-telegram-${id}.db`;
  const lifted = liftBotCap ? { TELEGRAM_SENDS_PER_SECOND: String(botCap.max) } : {};
  const env = mode === 'scale' ? { DATABASE_URL: PG, REDIS_URL: REDIS, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ...lifted } : { SQLITE_PATH: sqlite, LOG_LEVEL: 'silent', ...lifted };
  const config = parseConfig(env);
  // The channel as the app builds it (createTelegramChannel), with the fake's address and the bench's limits.
  const options: TelegramChannelOptions = {
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger,
    maxUpdatesInFlight: updatesInFlight(config),
    ...(liftBotCap ? { limits: { ...TELEGRAM_LIMITS, bot: botCap } } : {}),
  };
  const channel = timing ? new TimedTelegramChannel(options, timing) : new TelegramChannel(options);
  const database: DatabaseTarget = mode === 'scale' ? { kind: 'postgresql', url: PG, schema } : { kind: 'sqlite', path: sqlite };
  const app = await buildApp({ config, logger, channels: [channel], database, http: false, cron: false });
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

/** Waits (polling every 20 ms) until the check holds or the time is up. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

