import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { MigrateOptions, MigrationInfo, MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/sql';

/**
 * The Postgres advisory lock key of a schema's migrations: the first 8 bytes of a SHA-256 of the schema name,
 * as the signed 64-bit integer pg_advisory_lock takes. Fixed per schema, so every process of one deployment
 * asks for the same lock and deployments in other schemas of the same database never wait for each other.
 */
export function migrationLockKey(schema: string): bigint {
  return createHash('sha256').update(`grandmas-ai-assistant:migrations:${schema}`).digest().readBigInt64BE(0);
}

/**
 * MikroORM's migrator, with every run (up, down, fresh) inside a session-level Postgres advisory lock on the
 * schema's key, so processes that start together take turns: the first creates the schema and applies what is
 * pending, the others wait, then find nothing left to do. The lock is held on a connection of its own for the
 * whole run and goes with the session if the process dies. Registered in mikro-orm.config.ts, so the app, the
 * migrate command and `npx mikro-orm migration:up` all take it. SQLite (one process) runs unlocked.
 */
export class LockingMigrator extends Migrator {
  /** Called once when another process holds the lock and this one starts waiting for it. */
  onLockWait: (() => void) | undefined;

  static override register(orm: MikroORM): void {
    orm.config.registerExtension('@mikro-orm/migrator', () => new LockingMigrator(orm.em as EntityManager));
  }

  /** The schema whose lock this migrator takes (Postgres' default `public` when none is configured). */
  get lockSchema(): string {
    return this.options.schema ?? this.config.get('schema') ?? 'public';
  }

  protected override async runMigrations(method: 'up' | 'down', options?: string | string[] | MigrateOptions): Promise<MigrationInfo[]> {
    if (!(this.driver instanceof PostgreSqlDriver)) return super.runMigrations(method, options);
    // Sent as text and cast in SQL: not every driver version takes a JavaScript bigint as a parameter.
    const key = migrationLockKey(this.lockSchema).toString();
    return this.em
      .getConnection()
      .getClient()
      .connection()
      .execute(async (session) => {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}::bigint) as locked`.execute(session);
        if (!rows[0]?.locked) {
          this.onLockWait?.();
          await sql`select pg_advisory_lock(${key}::bigint)`.execute(session);
        }
        try {
          return await super.runMigrations(method, options);
        } finally {
          // A session cut by a restart has already dropped the lock; nothing to release then.
          await sql`select pg_advisory_unlock(${key}::bigint)`.execute(session).catch(() => undefined);
        }
      });
  }

  /**
   * The migrations not yet applied, read without writing anything: no schema, table or database is created,
   * so a process whose database user may not change the schema can ask. Empty when the schema is current.
   */
  async pendingWithoutWriting(): Promise<string[]> {
    await this.initPaths();
    const known = (await this.discoverMigrations()).map((m) => m.name);
    const applied = new Set((await this.appliedNames()).map((name) => name.replace(/\.[jt]s$/, '')));
    return known.filter((name) => !applied.has(name));
  }

  private async appliedNames(): Promise<string[]> {
    const connection = this.em.getConnection();
    const table = this.options.tableName ?? 'mikro_orm_migrations';
    if (this.driver instanceof PostgreSqlDriver) {
      const qualified = `"${this.lockSchema}"."${table}"`;
      const [found] = await connection.execute<{ present: boolean }[]>('select to_regclass(?) is not null as present', [qualified]);
      if (!found?.present) return [];
      return (await connection.execute<{ name: string }[]>(`select name from ${qualified}`)).map((row) => row.name);
    }
    const [found] = await connection.execute<{ n: number }[]>(`select count(*) as n from sqlite_master where type = 'table' and name = ?`, [table]);
    if (!found || Number(found.n) === 0) return [];
    return (await connection.execute<{ name: string }[]>(`select name from \`${table}\``)).map((row) => row.name);
  }
}

// MikroORM.init adds its own Migrator unless an extension named "Migrator" is already listed (it matches by class
// name), and the one registered last wins: this one must answer to that name to be the ORM's migrator.
Object.defineProperty(LockingMigrator, 'name', { value: 'Migrator' });
