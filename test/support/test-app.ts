import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MikroORM } from '@mikro-orm/core';
import { parseConfig, type Config } from '../../src/config.ts';
import { buildApp, type App, type ProcessRole } from '../../src/app.ts';
import { openDatabase, ormOptions, type DatabaseTarget } from '../../src/db/orm.ts';
import { afterAll, beforeAll } from '@jest/globals';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import type { Clock } from '../../src/lib/clock.ts';
import type { Channel } from '../../src/bots/channel-port.ts';
import type { Agent } from '../../src/agent/agent.ts';

/** The two ways the assistant runs. */
export type Mode = 'embedded' | 'scale';
/** Both modes, for `describe.each`. */
export const MODES: Mode[] = ['embedded', 'scale'];

/** The machine's Postgres and Redis (CI and developers have both on loopback). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An isolated place for one test's data: a SQLite file, or a Postgres schema plus a Redis key prefix. */
export interface TestStorage {
  mode: Mode;
  config: Config;
  database: DatabaseTarget;
  cleanup(): Promise<void>;
}

/** Makes isolated storage for a mode, so test files run in parallel and in any order. */
export function testStorage(mode: Mode, env: Record<string, string> = {}): TestStorage {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  if (mode === 'embedded') {
    const path = join(tmpdir(), `grandma-test-${id}.db`);
    return {
      mode,
      config: parseConfig({ SQLITE_PATH: path, LOG_LEVEL: 'silent', TASK_BACKOFF_MS: '10', ...env }),
      database: { kind: 'sqlite', path },
      cleanup: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      },
    };
  }
  const schema = `t_${id}`;
  const prefix = `test-${id}`;
  return {
    mode,
    config: parseConfig({ DATABASE_URL: PG_URL, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', TASK_BACKOFF_MS: '10', ...env }),
    database: { kind: 'postgresql', url: PG_URL, schema },
    cleanup: async () => {
      const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** Builds the real application on test storage with a fake clock and the given channels (and a silent logger unless one is given). */
export async function startTestApp(storage: TestStorage, deps: { clock: Clock; channels: Channel[]; agent?: Agent; role?: ProcessRole; logger?: Logger }): Promise<App> {
  return buildApp({
    config: storage.config,
    role: deps.role ?? 'all',
    clock: deps.clock,
    logger: deps.logger ?? createLogger('silent'),
    channels: deps.channels,
    database: storage.database,
    http: false,
    cron: false,
    ...(deps.agent ? { agent: deps.agent } : {}),
  });
}

/**
 * A migrated database of the mode for the tests of one describe block: opened before them, closed and
 * removed after. Returns the ORM to use inside the tests (it stands for the one opened in beforeAll).
 */
export function useTestDatabase(mode: Mode): MikroORM {
  let storage: TestStorage | undefined;
  let orm: MikroORM | undefined;
  beforeAll(async () => {
    storage = testStorage(mode);
    orm = await openDatabase(storage.database);
  });
  afterAll(async () => {
    await orm?.close();
    await storage?.cleanup();
  });
  return new Proxy({} as MikroORM, {
    get(_target, key) {
      if (!orm) throw new Error('the test database opens in beforeAll: use it inside a test');
      const value: unknown = Reflect.get(orm, key, orm);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(orm) : value;
    },
  });
}
