import { sql, type RawBuilder } from 'kysely';
import { MikroORM, ReferenceKind, type EntityName } from '@mikro-orm/core';
import { ormOptions, type DatabaseTarget } from '../../mikro-orm.config.ts';
import type { LockingMigrator } from './locking-migrator.ts';

export { databaseTarget, ormOptions, type DatabaseTarget } from '../../mikro-orm.config.ts';

/** Creates the ORM for a target without touching the database (MikroORM connects on the first query). */
export async function createOrm(target: DatabaseTarget): Promise<MikroORM> {
  return MikroORM.init(ormOptions(target));
}

/** Sets the SQLite connection up for one writer and many readers (no-op on Postgres). */
export async function prepareConnection(orm: MikroORM, target: DatabaseTarget): Promise<void> {
  if (target.kind !== 'sqlite') return;
  const conn = orm.em.getConnection();
  await conn.execute('pragma journal_mode = wal');
  await conn.execute('pragma busy_timeout = 5000');
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing (the WAL
  // is on disk), only a power cut can drop the last moments' commits — the usual setting for WAL.
  await conn.execute('pragma synchronous = normal');
}

/** The ORM's migrator, which takes the schema's advisory lock for every run (registered in mikro-orm.config.ts). */
export function migratorOf(orm: MikroORM): LockingMigrator {
  return orm.migrator as LockingMigrator;
}

/**
 * Opens the database and applies every pending migration under the schema's migration lock, so any number of
 * processes may open the same fresh schema at once. For tools and tests; the app waits for the database first
 * (src/db/database-startup.ts).
 */
export async function openDatabase(target: DatabaseTarget): Promise<MikroORM> {
  const orm = await createOrm(target);
  await prepareConnection(orm, target);
  await migratorOf(orm).up();
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
    .props.filter((prop) => prop.fieldNames?.length === 1 && (prop.kind === ReferenceKind.SCALAR || prop.primary))
    .map((prop) => `${alias}."${prop.fieldNames[0]!}" as "${alias}__${prop.fieldNames[0]!}"`);
}

/** One entity's columns out of a joined row selected with prefixedColumns, by its alias. */
export function columnsOf(row: Record<string, unknown>, alias: string): Record<string, unknown> {
  const prefix = `${alias}__`;
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(prefix)) columns[key.slice(prefix.length)] = value;
  return columns;
}
