/**
 * The family view under load, in scale mode (Postgres, Redis) with the real app and HTTP server: `--families`
 * (50) seeded families (two medicines, eight days of doses, a reminder, a booking, an activity with a reply,
 * two alerts), then `--views` (2000) week views by their caregivers, `--concurrency` (20) at a time, each with
 * Telegram initData checked. Measures views/s and latency, the database statements of one view, and — when
 * Debian's Chromium is installed — the page's weight over the wire and its time to first render (median of 5).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config.ts';
import { buildApp } from '../src/app.ts';
import { ormOptions } from '../src/db/orm.ts';
import { FakeClock } from '../src/lib/clock.ts';
import { createLogger } from '../src/lib/logger.ts';
import type { BenchResult } from '../src/cli/bench.ts';
import { FakeTelegramServer } from '../test/support/fake-telegram-server.ts';
import { CHROMIUM, launchChromium } from '../test/support/browser.ts';
import { SEEDED_NOW, aSeededFamily, freePort, initDataFor, type SeededFamily } from '../test/family-view/seeded-family.ts';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const arg = (args: string[], name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs the family view benchmark; see the file's comment. */
export async function run(args: string[]): Promise<BenchResult[]> {
  const families = arg(args, 'families', 50);
  const views = arg(args, 'views', 2000);
  const concurrency = arg(args, 'concurrency', 20);
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  const schema = `bench_fv_${id}`;
  const prefix = `bench-fv-${id}`;
  const telegram = await FakeTelegramServer.start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const clock = new FakeClock(SEEDED_NOW);
  const config = parseConfig({
    DATABASE_URL: PG,
    REDIS_URL: REDIS,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    HTTP_PORT: String(port),
    PUBLIC_BASE_URL: base,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
  });
  const app = await buildApp({ config, clock, logger: createLogger('silent'), database: { kind: 'postgresql', url: PG, schema }, cron: false });
  const results: BenchResult[] = [];
  try {
    const seeded: SeededFamily[] = [];
    for (let i = 0; i < families; i++) seeded.push(await aSeededFamily(app.orm, `Elder${i} Bench`));
    const authDate = Math.floor(clock.now().getTime() / 1000) - 60;
    const headers = seeded.map((f) => ({ authorization: `tma ${initDataFor(telegram.token, f.sarah.userId, authDate)}`, 'accept-encoding': 'gzip' }));
    const view = async (i: number): Promise<number> => {
      const started = performance.now();
      const res = await fetch(`${base}/family/api/week`, { headers: headers[i % headers.length]! });
      if (res.status !== 200) throw new Error(`view answered ${res.status}`);
      await res.arrayBuffer();
      return performance.now() - started;
    };
    for (let i = 0; i < Math.min(100, views); i++) await view(i);

    // The statements of one view (the workers' own have other stacks).
    const connection = app.orm.em.getConnection() as unknown as { logQuery(...a: unknown[]): void };
    const original = connection.logQuery.bind(connection);
    let statements = 0;
    connection.logQuery = (...a: unknown[]) => {
      if (/family-view-(?:routes|access)\.ts|family-week\.ts/.test(new Error().stack ?? '')) statements++;
      original(...a);
    };
    await app.http!.inject({ url: '/family/api/week', headers: headers[0]! });
    connection.logQuery = original;
    results.push({ bench: 'family-view', metric: 'database statements per view', value: statements, unit: 'statements', target: 'constant' });

    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < views) latencies.push(await view(next++));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    results.push(
      { bench: 'family-view', metric: `week views/s (${families} families, ${concurrency} at once)`, value: views / seconds, unit: 'views/s' },
      { bench: 'family-view', metric: 'view latency p50', value: percentile(latencies, 50), unit: 'ms' },
      { bench: 'family-view', metric: 'view latency p99', value: percentile(latencies, 99), unit: 'ms' },
    );

    if (existsSync(CHROMIUM)) {
      const browser = await launchChromium();
      try {
        const loads: { bytes: number; paint: number; drawn: number }[] = [];
        for (let i = 0; i < 5; i++) {
          const page = await browser.context.newPage();
          const sizes: Promise<number>[] = [];
          page.on('requestfinished', (request) => sizes.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)));
          await page.goto(`${base}/family/#${new URLSearchParams({ tgWebAppData: initDataFor(telegram.token, seeded[i]!.sarah.userId, authDate) }).toString()}`);
          await page.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
          const timing = await page.evaluate<{ paint: number; drawn: number }>(
            '({ paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1, drawn: performance.getEntriesByName("family-view-drawn")[0]?.startTime ?? -1 })',
          );
          loads.push({ bytes: (await Promise.all(sizes)).reduce((a, b) => a + b, 0), ...timing });
          await page.close();
        }
        const median = (pick: (l: (typeof loads)[number]) => number): number => loads.map(pick).sort((a, b) => a - b)[2]!;
        results.push(
          { bench: 'family-view', metric: 'page weight over the wire (page + week, gzip)', value: median((l) => l.bytes), unit: 'bytes' },
          { bench: 'family-view', metric: 'first contentful paint, headless Chromium (median of 5)', value: median((l) => l.paint), unit: 'ms' },
          { bench: 'family-view', metric: 'week drawn, headless Chromium (median of 5)', value: median((l) => l.drawn), unit: 'ms' },
        );
      } finally {
        await browser.close();
      }
    }
  } finally {
    await app.stop();
    await telegram.close();
    const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG }));
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm.close();
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  return results;
}
