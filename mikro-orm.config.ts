/**
 * The MikroORM configuration: the app (src/db/orm.ts), the tests, the migrate command and the MikroORM CLI
 * (`npx mikro-orm migration:list|create|up|down|pending|check`, `npx mikro-orm debug`) all build their options
 * here. The database is SQLite (SQLITE_PATH) by default and Postgres when DATABASE_URL is set, in
 * DATABASE_SCHEMA when given; .env is read as the app reads it. Migrations are kept per dialect, in
 * src/db/migrations/sqlite and src/db/migrations/postgresql.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './src/db/entities.ts';
import { LockingMigrator } from './src/db/locking-migrator.ts';
import { loadDotEnv, parseDatabaseSettings, type DatabaseSettings } from './src/config.ts';

/** Where the database lives: a SQLite file (embedded) or a Postgres URL (scale), optionally in its own schema. */
export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgresql'; url: string; schema?: string };

/** The database target of the settings: Postgres when DATABASE_URL is set, else the SQLite file. */
export function databaseTarget(settings: DatabaseSettings): DatabaseTarget {
  if (!settings.DATABASE_URL) return { kind: 'sqlite', path: settings.SQLITE_PATH };
  return { kind: 'postgresql', url: settings.DATABASE_URL, ...(settings.DATABASE_SCHEMA ? { schema: settings.DATABASE_SCHEMA } : {}) };
}

/** The folder of one dialect's migrations. */
export const migrationsDir = (kind: DatabaseTarget['kind']): string => fileURLToPath(new URL(`./src/db/migrations/${kind}`, import.meta.url));

/** MikroORM options for a target; shared by the app, the migration tools, the CLI and the tests. */
export function ormOptions(target: DatabaseTarget): Partial<Options> {
  const common = {
    entities,
    // Migrations run under a Postgres advisory lock per schema, whoever runs them (src/db/locking-migrator.ts).
    extensions: [LockingMigrator],
    debug: false,
    allowGlobalContext: false,
    migrations: {
      path: migrationsDir(target.kind),
      pathTs: migrationsDir(target.kind),
      glob: '!(*.d).{js,ts}',
      emit: 'ts' as const,
      snapshot: false,
      silent: true,
      // Migrations run in the schema (search_path) and are recorded there, also for `npx mikro-orm migration:up`.
      ...(target.kind === 'postgresql' && target.schema ? { schema: target.schema } : {}),
    },
  };
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    return { ...common, driver: LibSqlDriver, dbName: target.path };
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: target.url,
    ...(target.schema ? { schema: target.schema } : {}),
    // pg-pool closes a connection idle for 10 s by default: between two bursts the pool shrinks, and the next
    // burst pays for new connections (a new Postgres backend, cold catalog caches) just when load rises.
    // Telegram bench (b): p99 326–370 ms with 10 s, 58–126 ms with five minutes.
    pool: { min: 0, max: 20, idleTimeoutMillis: 5 * 60_000 },
  };
}

/** What the MikroORM CLI loads: the options for the database the environment (and .env) names. */
export default function cliConfig(): Partial<Options> {
  loadDotEnv();
  return ormOptions(databaseTarget(parseDatabaseSettings(process.env)));
}
