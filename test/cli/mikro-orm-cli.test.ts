import { describe, it, expect, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { migrationsDir, ormOptions } from '../../mikro-orm.config.ts';
import { PG_URL } from '../support/test-app.ts';

const run = promisify(execFile);

/** `npx mikro-orm …` as a developer types it in the repository, with the output's colours taken out. */
async function mikroOrm(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout, stderr } = await run('npx', ['--no-install', 'mikro-orm', ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
  return stripVTControlCharacters(`${stdout}${stderr}`);
}

const names = (kind: 'sqlite' | 'postgresql'): string[] =>
  readdirSync(migrationsDir(kind))
    .filter((file) => /^Migration\d{14}_.+\.ts$/.test(file))
    .sort()
    .map((file) => file.replace(/\.ts$/, ''));

describe('the MikroORM CLI with the top-level mikro-orm.config.ts', () => {
  const sqlitePath = join(tmpdir(), `grandma-cli-${randomUUID().slice(0, 8)}.db`);
  const schema = `cli_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  // No DATABASE_URL: the embedded default, on a file of the test's own.
  const embedded = { SQLITE_PATH: sqlitePath, DATABASE_URL: '', REDIS_URL: '' };

  afterAll(async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
    const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm.close();
  });

  it('finds the TypeScript config and runs on the Node 24 the project brings', async () => {
    const out = await mikroOrm(['debug'], embedded);
    expect(out).toMatch(/- node 24\./);
    expect(out).toMatch(/TypeScript support enabled/);
    expect(out).toMatch(/mikro-orm\.config\.ts \(found\)/);
    expect(out).toContain('database connection successful');
  }, 120_000);

  it('lists, applies and reverts the SQLite migrations of the embedded default', async () => {
    expect(await mikroOrm(['migration:up'], embedded)).toContain('Successfully migrated up to the latest version');
    const listed = await mikroOrm(['migration:list'], embedded);
    for (const name of names('sqlite')) expect(listed).toContain(name);
    expect(await mikroOrm(['migration:down'], embedded)).toContain('Successfully migrated down to previous version');
    const pending = await mikroOrm(['migration:pending'], embedded);
    expect(pending).toContain(names('sqlite').at(-1));
    expect(pending).not.toContain(names('sqlite').at(-2));
  }, 240_000);

  it('applies the Postgres migrations in DATABASE_SCHEMA, creating it', async () => {
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
    expect(await mikroOrm(['migration:up'], env)).toContain('Successfully migrated up to the latest version');
    const listed = await mikroOrm(['migration:list'], env);
    for (const name of names('postgresql')) expect(listed).toContain(name);
    const orm = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG_URL }));
    try {
      const rows = (await orm.em.getConnection().execute(`select count(*) as n from "${schema}"."mikro_orm_migrations"`)) as { n: string }[];
      expect(Number(rows[0]!.n)).toBe(names('postgresql').length);
    } finally {
      await orm.close();
    }
  }, 240_000);
});
