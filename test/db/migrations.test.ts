import { describe, it, expect, afterAll } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { migrationsDir, ormOptions } from '../../mikro-orm.config.ts';
import { createOrm, migratorOf, openDatabase } from '../../src/db/orm.ts';
import { migrationLockKey } from '../../src/db/locking-migrator.ts';
import { MODES, PG_URL, testStorage, type TestStorage } from '../support/test-app.ts';

/** A dialect's migrations in order, without their timestamps (`initial`, `whatsapp_auth`, …). */
const namesOf = (kind: 'sqlite' | 'postgresql'): string[] =>
  readdirSync(migrationsDir(kind))
    .filter((file) => /^Migration\d{14}_.+\.ts$/.test(file))
    .sort()
    .map((file) => file.replace(/^Migration\d{14}_/, '').replace(/\.ts$/, ''));

/** Runs SQL on the test database outside any test schema. */
async function onTestDatabase<T>(run: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
  try {
    return await run(orm);
  } finally {
    await orm.close();
  }
}

const freshSchema = (): { schema: string; drop: () => Promise<void> } => {
  const schema = `mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  return { schema, drop: () => onTestDatabase((orm) => orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`)) };
};

describe('migrations of the two dialects', () => {
  it('are the same list, in the same order, in SQLite and Postgres', () => {
    const sqlite = namesOf('sqlite');
    expect(sqlite.length).toBeGreaterThan(0);
    expect(namesOf('postgresql')).toEqual(sqlite);
  });

  describe.each(MODES)('applied to an empty database (%s)', (mode) => {
    const storages: TestStorage[] = [];
    afterAll(async () => {
      for (const storage of storages) await storage.cleanup();
    });

    it('leave nothing between the schema and the entities for a new migration to do', async () => {
      const storage = testStorage(mode);
      storages.push(storage);
      const orm = await openDatabase(storage.database);
      try {
        expect(await migratorOf(orm).pendingWithoutWriting()).toEqual([]);
        // The diff of this schema only: the shared test database holds other tests' schemas too.
        const schema = storage.database.kind === 'postgresql' ? storage.database.schema : undefined;
        expect(await orm.schema.getUpdateSchemaSQL({ wrap: false, ...(schema ? { schema } : {}) })).toBe('');
      } finally {
        await orm.close();
      }
    });
  });
});

describe('migrations on Postgres under the schema lock', () => {
  const schemas: { drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of schemas) await s.drop();
  });

  it('migrate a fresh schema exactly once when eight openers start together', async () => {
    const fresh = freshSchema();
    schemas.push(fresh);
    const target = { kind: 'postgresql' as const, url: PG_URL, schema: fresh.schema };
    const orms = await Promise.all(Array.from({ length: 8 }, () => openDatabase(target)));
    try {
      const rows = (await orms[0]!.em.getConnection().execute(`select name from "${fresh.schema}"."mikro_orm_migrations" order by id`)) as { name: string }[];
      expect(rows.map((r) => r.name.replace(/^Migration\d{14}_/, ''))).toEqual(namesOf('postgresql'));
      for (const orm of orms) expect(await migratorOf(orm).pendingWithoutWriting()).toEqual([]);
    } finally {
      await Promise.all(orms.map((orm) => orm.close()));
    }
  });

  it('wait while another session holds the schema lock, then find the work done or do it', async () => {
    const fresh = freshSchema();
    schemas.push(fresh);
    const target = { kind: 'postgresql' as const, url: PG_URL, schema: fresh.schema };
    const holder = await createOrm({ kind: 'postgresql', url: PG_URL });
    const waiting = await createOrm(target);
    try {
      await (holder.em.getConnection() as AbstractSqlConnection)
        .getClient()
        .connection()
        .execute(async (session) => {
          const key = migrationLockKey(fresh.schema).toString();
          await sql`select pg_advisory_lock(${key}::bigint)`.execute(session);
          const migrator = migratorOf(waiting);
          const startedWaiting = new Promise<void>((resolve) => (migrator.onLockWait = resolve));
          const run = migrator.up();
          await startedWaiting;
          // Nothing happens in the schema while the lock is held elsewhere.
          const { rows } = await sql<{ n: string }>`select count(*) as n from pg_namespace where nspname = ${fresh.schema}`.execute(session);
          expect(Number(rows[0]!.n)).toBe(0);
          await sql`select pg_advisory_unlock(${key}::bigint)`.execute(session);
          expect((await run).length).toBe(namesOf('postgresql').length);
        });
    } finally {
      await waiting.close();
      await holder.close();
    }
  });

  it('tells which migrations are pending without creating the schema or the migrations table', async () => {
    const fresh = freshSchema();
    schemas.push(fresh);
    const orm = await createOrm({ kind: 'postgresql', url: PG_URL, schema: fresh.schema });
    try {
      const pending = await migratorOf(orm).pendingWithoutWriting();
      expect(pending.map((name) => name.replace(/^Migration\d{14}_/, ''))).toEqual(namesOf('postgresql'));
      const [row] = (await orm.em.getConnection().execute('select count(*) as n from pg_namespace where nspname = ?', [fresh.schema])) as { n: string }[];
      expect(Number(row!.n)).toBe(0);
    } finally {
      await orm.close();
    }
  });

  it('use one fixed lock key per schema, different between schemas', () => {
    expect(migrationLockKey('public')).toBe(migrationLockKey('public'));
    expect(migrationLockKey('tenant_a')).not.toBe(migrationLockKey('tenant_b'));
  });
});
