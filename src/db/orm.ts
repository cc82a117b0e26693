import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { MikroORM, type EntityName, type Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities.ts';

/** Where the database lives: a SQLite file (embedded) or a Postgres URL (scale), optionally in its own schema. */
export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgresql'; url: string; schema?: string };

const migrationsDir = (kind: DatabaseTarget['kind']): string =>
  fileURLToPath(new URL(`./migrations/${kind}`, import.meta.url));

/** MikroORM options for a target; shared by the app, the migration tool and the tests. */
export function ormOptions(target: DatabaseTarget): Partial<Options> {
  const common = {
    entities,
    extensions: [Migrator],
    debug: false,
    allowGlobalContext: false,
    migrations: {
      path: migrationsDir(target.kind),
      pathTs: migrationsDir(target.kind),
      glob: '!(*.d).{js,ts}',
      emit: 'ts' as const,
      snapshot: false,
      silent: true,
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

/** Opens the database and applies every pending migration (migrations are committed and run at start). */
export async function openDatabase(target: DatabaseTarget): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(target));
  if (target.kind === 'sqlite') {
    const conn = orm.em.getConnection();
    await conn.execute('pragma journal_mode = wal');
    await conn.execute('pragma busy_timeout = 5000');
    // In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing (the WAL
    // is on disk), only a power cut can drop the last moments' commits — the usual setting for WAL.
    await conn.execute('pragma synchronous = normal');
  }
  if (target.kind === 'postgresql' && target.schema) {
    await orm.em.getConnection().execute(`create schema if not exists "${target.schema}"`);
  }
  await orm.migrator.up(target.kind === 'postgresql' && target.schema ? { schema: target.schema } : {});
  return orm;
}

/** An entity's table as raw Postgres SQL names it: `"schema"."table"` when the ORM works in a schema. */
export function quotedTable(orm: MikroORM, entity: EntityName<object>): string {
  const schema = orm.config.get('schema');
  const name = orm.getMetadata().get(entity).tableName;
  return schema ? `"${schema}"."${name}"` : `"${name}"`;
}

/** The same table as a kysely identifier, for `sql` templates. */
export function tableId(orm: MikroORM, entity: EntityName<object>): RawBuilder<unknown> {
  const schema = orm.config.get('schema');
  const name = orm.getMetadata().get(entity).tableName;
  return schema ? sql.id(schema, name) : sql.id(name);
}

/** The column of an entity's property, quoted for raw SQL. */
export function quotedColumn(orm: MikroORM, entity: EntityName<object>, property: string): string {
  return `"${orm.getMetadata().get(entity).props.find((prop) => prop.name === property)!.fieldNames[0]!}"`;
}

/** An entity's scalar columns as raw select items, `alias."column" as "alias__column"` (split back with columnsOf). */
export function prefixedColumns(orm: MikroORM, entity: EntityName<object>, alias: string): string[] {
  return orm
    .getMetadata()
    .get(entity)
    .props.filter((prop) => prop.fieldNames?.length === 1 && (prop.kind === 'scalar' || prop.primary))
    .map((prop) => `${alias}."${prop.fieldNames[0]!}" as "${alias}__${prop.fieldNames[0]!}"`);
}

/** One entity's columns out of a joined row selected with prefixedColumns, by its alias. */
export function columnsOf(row: Record<string, unknown>, alias: string): Record<string, unknown> {
  const prefix = `${alias}__`;
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(prefix)) columns[key.slice(prefix.length)] = value;
  return columns;
}
