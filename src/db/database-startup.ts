import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from '../lib/logger.ts';
import { NETWORK_ERROR_CODES, codeOf, reasonOf, waitForService, type AttemptFailure, type Backoff, type StartupReporter } from '../lib/wait-for-service.ts';
import { createOrm, migratorOf, prepareConnection, type DatabaseTarget } from './orm.ts';

/** How the database comes up at start. */
export interface DatabaseStartupOptions {
  target: DatabaseTarget;
  /** Apply pending migrations (under the schema's lock), or wait for the migrate step to apply them. */
  migrateOnStart: boolean;
  logger: Logger;
  reporter?: StartupReporter;
  backoff?: Backoff;
  sleep?: (ms: number) => Promise<void>;
}

/** The schema lacks migrations this code needs, and this process does not apply them (MIGRATE_ON_START=false). */
export class SchemaBehindError extends Error {
  override name = 'SchemaBehindError';
  readonly pending: string[];

  constructor(pending: string[]) {
    super(`${pending.length} migration${pending.length === 1 ? '' : 's'} pending (${pending.at(-1)}); waiting for the migrate step (npm run migrate)`);
    this.pending = pending;
  }
}

// Postgres SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const SERVER_NOT_READY = new Set(['57P03', '57P01', '57P02', '53300', '08000', '08001', '08003', '08004', '08006']);
const WRONG_CREDENTIALS = new Set(['28P01', '28000']);
const NO_SUCH_DATABASE = '3D000';
const NOT_ALLOWED = '42501';
// node-postgres' own messages for a connection the server cut or never completed.
const CUT_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|Connection is closed|server closed the connection/i;

/**
 * Reads a database failure at start: the server not there yet or starting (retry), wrong credentials, an unknown
 * database or a user who may not create it or change the schema (a configuration error), or anything else
 * (thrown as is). MikroORM creates a missing database when the user may (its `ensureDatabase`).
 */
export function classifyDatabaseError(err: unknown): AttemptFailure {
  if (err instanceof SchemaBehindError) return { retry: true, reason: err.message };
  const code = codeOf(err);
  const reason = reasonOf(err);
  if ((code && (NETWORK_ERROR_CODES.has(code) || SERVER_NOT_READY.has(code))) || CUT_CONNECTION.test(reason)) return { retry: true, reason };
  if (code && WRONG_CREDENTIALS.has(code)) return { retry: false, setting: 'DATABASE_URL', reason };
  if (code === NO_SUCH_DATABASE) return { retry: false, setting: 'DATABASE_URL', reason };
  if (code === NOT_ALLOWED) {
    return {
      retry: false,
      setting: 'DATABASE_URL',
      reason: `${reason} (the database user may not create the database or change the schema: create them beforehand, or run the migrate step as a user who may and set MIGRATE_ON_START=false)`,
    };
  }
  return undefined;
}

/**
 * Opens the database for a process: waits for it to accept connections (capped backoff, one line per attempt),
 * then either applies pending migrations under the schema's advisory lock, or — with MIGRATE_ON_START=false —
 * waits until the migrate step has applied them, saying so. Bad credentials throw a ConfigError.
 */
export async function startDatabase(options: DatabaseStartupOptions): Promise<MikroORM> {
  const { target, logger, reporter } = options;
  const orm = await createOrm(target);
  const migrator = migratorOf(orm);
  const waitFor = <T>(check: string, message: string, attempt: () => Promise<T>): Promise<T> =>
    waitForService({
      service: check,
      attempt,
      classify: classifyDatabaseError,
      logger,
      message,
      onWaiting: (reason) => reporter?.report(check, reason),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  try {
    reporter?.report('database', 'connecting');
    await waitFor('database', 'database is not reachable yet; retrying', async () => {
      await orm.em.getConnection().execute('select 1');
      await prepareConnection(orm, target);
    });
    reporter?.report('schema', 'checking migrations');
    if (options.migrateOnStart) {
      migrator.onLockWait = () => {
        logger.info('another process is migrating the schema; waiting for it');
        reporter?.report('schema', 'another process is migrating the schema');
      };
      const applied = await waitFor('schema', 'could not migrate the schema yet; retrying', () => migrator.up());
      if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, `applied ${applied.length} migration${applied.length === 1 ? '' : 's'}`);
      else logger.info('schema is current');
    } else {
      await waitFor('schema', 'schema is behind; waiting for the migrate step', async () => {
        const pending = await migrator.pendingWithoutWriting();
        if (pending.length > 0) throw new SchemaBehindError(pending);
      });
      logger.info('schema is current');
    }
    return orm;
  } catch (err) {
    await orm.close(true).catch(() => undefined);
    throw err;
  }
}
