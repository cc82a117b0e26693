/**
 * Generates the next migration for both databases from the entity definitions:
 * applies the existing migrations to a scratch SQLite file and a scratch Postgres database, then diffs.
 * Usage: npm run migration:create -- [name]   (Postgres at DATABASE_URL, default the local test database)
 */
import { rmSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, type DatabaseTarget } from '../db/orm.ts';

const name = process.argv[2];
const scratchSqlite = `/tmp/migration-scratch-${process.pid}.db`;
const pgUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const scratchDb = `migration_scratch_${process.pid}`;

/** Runs one statement on the server's maintenance connection (create/drop the scratch database). */
async function onServer(sql: string): Promise<void> {
  const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: pgUrl }));
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close();
  }
}

async function generate(target: DatabaseTarget): Promise<void> {
  const orm = await MikroORM.init(ormOptions(target));
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(undefined, false, false, name);
    process.stdout.write(`${target.kind}: ${result.fileName || 'no changes'}\n`);
  } finally {
    await orm.close();
  }
}

await generate({ kind: 'sqlite', path: scratchSqlite });
rmSync(scratchSqlite, { force: true });
await onServer(`create database "${scratchDb}"`);
try {
  const url = new URL(pgUrl);
  url.pathname = `/${scratchDb}`;
  await generate({ kind: 'postgresql', url: url.toString() });
} finally {
  await onServer(`drop database "${scratchDb}"`);
}
