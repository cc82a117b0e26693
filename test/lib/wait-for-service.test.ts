import { describe, it, expect } from '@jest/globals';
import { Writable } from 'node:stream';
import { MikroORM } from '@mikro-orm/core';
import { Redis } from 'ioredis';
import { ConfigError } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { backoffDelay, waitForService, type AttemptFailure } from '../../src/lib/wait-for-service.ts';
import { classifyDatabaseError, SchemaBehindError } from '../../src/db/database-startup.ts';
import { classifyRedisError } from '../../src/workers/redis-startup.ts';
import { ormOptions } from '../../mikro-orm.config.ts';
import { freePort } from '../support/private-postgres.ts';
import { PG_URL, REDIS_URL } from '../support/test-app.ts';

/** A logger whose JSON lines land in an array. */
function recordingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** The error a query on this Postgres URL fails with. */
async function postgresFailure(url: string): Promise<unknown> {
  const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url }));
  try {
    await orm.em.getConnection().execute('select 1');
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await orm.close(true);
  }
}

/** Runs one statement on the test database as its owner. */
async function postgresAdmin(sql: string): Promise<void> {
  const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close(true);
  }
}

/** The error connecting to this Redis URL fails with, as ioredis reports it. */
async function redisFailure(url: string): Promise<unknown> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let reported: unknown;
  client.on('error', (err: unknown) => (reported ??= err));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return reported ?? err;
  } finally {
    client.disconnect();
  }
}

describe('waiting for a service at start', () => {
  it('retries with doubling delays capped at the maximum, one warn line per attempt naming the reason', async () => {
    const { logger, lines } = recordingLogger();
    const slept: number[] = [];
    let calls = 0;
    const result = await waitForService({
      service: 'database',
      attempt: async () => {
        if (++calls < 7) throw refused;
        return 'up';
      },
      classify: classifyDatabaseError,
      logger,
      backoff: { initialMs: 100, maxMs: 1000 },
      sleep: async (ms) => void slept.push(ms),
    });
    expect(result).toBe('up');
    expect(slept).toEqual([100, 200, 400, 800, 1000, 1000]);
    const warnings = lines.filter((l) => l['level'] === 40);
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toMatchObject({ service: 'database', attempt: 1, retryInMs: 100, reason: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(lines.at(-1)).toMatchObject({ level: 30, service: 'database', attempts: 7, msg: 'database is ready' });
  });

  it('tells /readyz what it waits for, and that it is ok once the service answers', async () => {
    const { logger } = recordingLogger();
    const seen: (string | undefined)[] = [];
    let calls = 0;
    await waitForService({
      service: 'redis',
      attempt: async () => {
        if (++calls < 3) throw refused;
      },
      classify: classifyRedisError,
      logger,
      onWaiting: (reason) => seen.push(reason),
      sleep: async () => undefined,
    });
    expect(seen).toEqual(['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 127.0.0.1:5432', undefined]);
  });

  it('stops at once with a ConfigError naming the setting when retrying cannot help', async () => {
    const { logger, lines } = recordingLogger();
    const badPassword = Object.assign(new Error('password authentication failed for user "assistant"'), { code: '28P01' });
    const waiting = waitForService({ service: 'database', attempt: () => Promise.reject(badPassword), classify: classifyDatabaseError, logger, sleep: async () => undefined });
    await expect(waiting).rejects.toThrow(new ConfigError('Invalid setting DATABASE_URL: password authentication failed for user "assistant"'));
    expect(lines).toEqual([]);
  });

  it('passes on a failure that is neither a missing service nor a bad setting', async () => {
    const { logger } = recordingLogger();
    const bug = new TypeError('x is not a function');
    const classify = (): AttemptFailure => undefined;
    await expect(waitForService({ service: 'database', attempt: () => Promise.reject(bug), classify, logger, sleep: async () => undefined })).rejects.toBe(bug);
  });

  it('counts an attempt that does not answer in time as failed and tries again', async () => {
    const { logger, lines } = recordingLogger();
    let calls = 0;
    await waitForService({
      service: 'database',
      attempt: () => (++calls === 1 ? new Promise<void>(() => undefined) : Promise.resolve()),
      classify: classifyDatabaseError,
      logger,
      attemptTimeoutMs: 50,
      sleep: async () => undefined,
    });
    expect(calls).toBe(2);
    expect(lines[0]).toMatchObject({ level: 40, reason: 'no answer within 50 ms' });
  });

  it('keeps the delays within the cap however long it waits', () => {
    expect(backoffDelay({ initialMs: 250, maxMs: 5000 }, 1)).toBe(250);
    expect(backoffDelay({ initialMs: 250, maxMs: 5000 }, 5)).toBe(4000);
    expect(backoffDelay({ initialMs: 250, maxMs: 5000 }, 500)).toBe(5000);
  });
});

describe('reading a database failure at start', () => {
  it('waits for a Postgres that refuses connections', async () => {
    const url = `postgresql://postgres@127.0.0.1:${await freePort()}/test`;
    expect(classifyDatabaseError(await postgresFailure(url))).toMatchObject({ retry: true, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('stops on a user Postgres does not know', async () => {
    const url = new URL(PG_URL);
    url.username = 'no_such_user_here';
    expect(classifyDatabaseError(await postgresFailure(url.toString()))).toEqual({ retry: false, setting: 'DATABASE_URL', reason: 'role "no_such_user_here" does not exist' });
  });

  it('stops on a database that does not exist and the user may not create', async () => {
    const role = `no_createdb_${process.pid}`;
    await postgresAdmin(`create role "${role}" login`);
    try {
      const url = new URL(PG_URL);
      url.username = role;
      url.pathname = '/no_such_database_here';
      expect(classifyDatabaseError(await postgresFailure(url.toString()))).toMatchObject({ retry: false, setting: 'DATABASE_URL', reason: expect.stringMatching(/^permission denied to create database/) });
    } finally {
      await postgresAdmin(`drop role "${role}"`);
    }
  });

  it('stops on a database that does not exist', () => {
    const missing = Object.assign(new Error('database "assistant" does not exist'), { code: '3D000' });
    expect(classifyDatabaseError(missing)).toEqual({ retry: false, setting: 'DATABASE_URL', reason: 'database "assistant" does not exist' });
  });

  it('waits while Postgres is starting up, and while the schema is behind', () => {
    const starting = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    expect(classifyDatabaseError(starting)).toEqual({ retry: true, reason: 'the database system is starting up' });
    expect(classifyDatabaseError(new SchemaBehindError(['Migration20990101000000_next']))).toMatchObject({ retry: true, reason: expect.stringContaining('1 migration pending') });
  });

  it('passes on an SQL error of a migration', () => {
    expect(classifyDatabaseError(Object.assign(new Error('syntax error at or near "tabel"'), { code: '42601' }))).toBeUndefined();
  });
});

describe('reading a Redis failure at start', () => {
  it('waits for a Redis that refuses connections', async () => {
    expect(classifyRedisError(await redisFailure(`redis://127.0.0.1:${await freePort()}`))).toMatchObject({ retry: true, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('stops on a user and password Redis does not accept', async () => {
    const url = new URL(REDIS_URL);
    url.username = 'nobody';
    url.password = 'wrong';
    expect(classifyRedisError(await redisFailure(url.toString()))).toMatchObject({ retry: false, setting: 'REDIS_URL', reason: expect.stringMatching(/^WRONGPASS/) });
  });

  it('waits while Redis loads its data set', () => {
    expect(classifyRedisError(new Error('LOADING Redis is loading the dataset in memory'))).toMatchObject({ retry: true });
  });
});
