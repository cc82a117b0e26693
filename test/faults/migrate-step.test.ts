import { describe, it, expect, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import { Redis } from 'ioredis';
import { migrationsDir, ormOptions } from '../../mikro-orm.config.ts';
import { PG_URL, REDIS_URL } from '../support/test-app.ts';
import { freePort } from '../support/private-postgres.ts';
import { isReady, liveness, readiness, startAssistantProcess, until, type AssistantProcess } from '../support/assistant-process.ts';

const migrationCount = readdirSync(migrationsDir('postgresql')).filter((file) => /^Migration\d{14}_.+\.ts$/.test(file)).length;

/** Runs SQL on the test database as its owner. */
async function onTestDatabase<T>(run: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
  try {
    return await run(orm);
  } finally {
    await orm.close();
  }
}

describe('the one-shot migrate step before processes that do not migrate (MIGRATE_ON_START=false)', () => {
  const schema = `mstep_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const prefix = `mstep-${randomUUID().slice(0, 8)}`;
  let worker: AssistantProcess | undefined;

  afterAll(async () => {
    await worker?.stop();
    await onTestDatabase((orm) => orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 60_000);

  it('leaves a worker waiting, not ready and saying so, without touching the schema, until `npm run migrate` has run', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = startAssistantProcess('src/cli/worker.ts', { ...env, MIGRATE_ON_START: 'false', WORKER_HTTP: 'true', HTTP_PORT: String(port) });
    const w = worker;
    const schemaWaits = (): Record<string, unknown>[] => w.logLines().filter((l) => l['service'] === 'schema' && l['level'] === 40);

    await until('the worker to say the schema is behind', () => schemaWaits().length >= 2, 60_000);
    expect(schemaWaits()[0]).toMatchObject({ msg: 'schema is behind; waiting for the migrate step', reason: expect.stringContaining(`${migrationCount} migrations pending`) });
    expect(await liveness(port)).toBe(200);
    expect(await readiness(port)).toMatchObject({ status: 503, body: { checks: { database: 'ok', schema: expect.stringContaining('waiting for the migrate step') } } });
    // Waiting reads only: the schema does not exist until the migrate step creates it.
    const present = await onTestDatabase(async (orm) => (await orm.em.getConnection().execute('select count(*) as n from pg_namespace where nspname = ?', [schema])) as { n: string }[]);
    expect(Number(present[0]!.n)).toBe(0);

    const migrate = startAssistantProcess('src/cli/migrate.ts', env);
    expect(await migrate.exited).toEqual({ code: 0, signal: null });
    expect(migrate.logLines().map((l) => l['msg'])).toContain(`applied ${migrationCount} migrations`);

    await until('the worker to be ready', () => isReady(port), 60_000);
    expect(w.child.exitCode).toBeNull();
    expect(w.logLines().map((l) => l['msg'])).toContain('schema is current');
    expect(w.logLines().some((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('applied'))).toBe(false);
  }, 180_000);

  it('finds nothing to do when run again', async () => {
    const again = startAssistantProcess('src/cli/migrate.ts', { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'info' });
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect(again.logLines().map((l) => l['msg'])).toEqual(['schema is current']);
  }, 60_000);
});

describe('a bad database or Redis login at start', () => {
  it('stops a worker with one line naming DATABASE_URL', async () => {
    const url = new URL(PG_URL);
    url.username = 'no_such_user_here';
    const worker = startAssistantProcess('src/cli/worker.ts', { DATABASE_URL: url.toString(), REDIS_URL, LOG_LEVEL: 'warn' });
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.stderr()).toBe('Invalid setting DATABASE_URL: role "no_such_user_here" does not exist\n');
  }, 60_000);

  it('stops a worker with one line naming REDIS_URL', async () => {
    const schema = `badredis_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const url = new URL(REDIS_URL);
    url.username = 'nobody';
    url.password = 'not-the-password';
    try {
      const worker = startAssistantProcess('src/cli/worker.ts', { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL: url.toString(), LOG_LEVEL: 'warn' });
      expect(await worker.exited).toEqual({ code: 1, signal: null });
      expect(worker.stderr()).toMatch(/^Invalid setting REDIS_URL: WRONGPASS [^\n]*\n$/);
      expect(worker.stderr()).not.toContain('not-the-password');
    } finally {
      await onTestDatabase((orm) => orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`));
    }
  }, 60_000);
});
