/**
 * `npm run migration:create -- [name]`: the next migration for both dialects at once, with one timestamp, so
 * the two lists stay in step. Applies the existing migrations to a scratch SQLite file and a scratch Postgres
 * database (on the server of DATABASE_URL, default the local test database), then diffs each against the
 * entities — what `npx mikro-orm migration:create` does for the one database the environment names.
 */
import { rmSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, type DatabaseTarget } from '../../mikro-orm.config.ts';

const name = process.argv[2];
const scratchSqlite = `/tmp/migration-scratch-${process.pid}.db`;
const pgUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const scratchDb = `migration_scratch_${process.pid}`;
// MikroORM's own format (YYYYMMDDhhmmss), taken once for both dialects.
const timestamp = new Date().toISOString().replace(/[-T:]|\.\d+Z$/g, '');

/** Runs one statement on the server's maintenance connection (create/drop the scratch database). */
async function onServer(sql: string): Promise<void> {
  const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: pgUrl }));
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close();
  }
}

/** Opens a scratch database of the target with every existing migration applied. */
async function migratedScratch(target: DatabaseTarget): Promise<MikroORM> {
  const options = ormOptions(target);
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, fileName: (_stamp: string, label?: string) => `Migration${timestamp}${label ? `_${label}` : ''}` },
  });
  await orm.migrator.up();
  return orm;
}

await onServer(`create database "${scratchDb}"`);
const scratchPg = new URL(pgUrl);
scratchPg.pathname = `/${scratchDb}`;
const orms: [DatabaseTarget['kind'], MikroORM][] = [];
try {
  orms.push(['sqlite', await migratedScratch({ kind: 'sqlite', path: scratchSqlite })]);
  orms.push(['postgresql', await migratedScratch({ kind: 'postgresql', url: scratchPg.toString() })]);
  const created = new Map<string, string>();
  for (const [kind, orm] of orms) created.set(kind, (await orm.migrator.create(undefined, false, false, name)).fileName);
  // A change only one dialect needs still gets a (blank) migration of the same name in the other.
  const changed = [...created.values()].some(Boolean);
  for (const [kind, orm] of orms) {
    if (changed && !created.get(kind)) created.set(kind, `${(await orm.migrator.create(undefined, true, false, name)).fileName} (blank)`);
    process.stdout.write(`${kind}: ${created.get(kind) || 'no changes'}\n`);
  }
} finally {
  for (const [, orm] of orms) await orm.close();
  rmSync(scratchSqlite, { force: true });
  await onServer(`drop database "${scratchDb}"`);
}
